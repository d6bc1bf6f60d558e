"""GitHub Actions workflow commands: one annotation per finding and input error.

A line such as `::error file=nginx.conf,line=7,title=RULE::message` in a job's log
becomes an annotation on that line of the pull request. File paths are relative to
the repository root, as GitHub expects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from stiglint.findings import Place, Report, Severity
from stiglint.output.common import all_findings
from stiglint.output.sarif import repository_root
from stiglint.output.text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value; `:` and `,` also separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(file: str, root: Path) -> str:
    path = Path(os.path.abspath(file))
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _command(kind: str, place: Place, title: str, message: str, root: Path,
             end_line: int | None = None) -> str:
    properties = [f"file={escape_property(_path(place.file, root))}"]
    if place.line is not None:
        properties.append(f"line={place.line}")
        if end_line is not None and end_line > place.line:
            properties.append(f"endLine={end_line}")
        if place.column is not None:
            properties.append(f"col={place.column}")
    properties.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(properties)}::{escape_data(message)}"


def render(reports: list[Report], stream: TextIO) -> None:
    root = repository_root()
    for report in reports:
        for error in report.errors:
            message = error.message + (f" ({error.hint})" if error.hint else "")
            stream.write(_command("error", error.place, "INPUT-ERROR", message, root) + "\n")
    for finding in all_findings(reports):
        message = finding.message
        if finding.fix:
            message += "\nFix:\n" + finding.fix
        title = f"{finding.rule} ({finding.severity.label})"
        stream.write(
            _command(_COMMANDS[finding.severity], finding.place, title, message, root,
                     finding.end_line)
            + "\n"
        )
    stream.write(summary(reports) + "\n")
