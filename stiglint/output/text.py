"""Terminal output with rich: one block per finding, then a summary line."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape

from stiglint.findings import Report, Severity
from stiglint.output.common import all_findings, counts, display_path, plural

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(reports: list[Report], stream: TextIO, show_targets: bool = True) -> None:
    # soft_wrap keeps every finding on one line when piped, so grep and editors
    # that jump to file:line still work; rich honours NO_COLOR by itself.
    console = Console(file=stream, soft_wrap=True, highlight=False)

    if show_targets:
        for report in reports:
            for target in report.targets:
                mount = f", mounted at {target.mount}" if target.mount else ""
                console.print(
                    f"[bold]STIG Manager[/]: {escape(display_path(str(target.place)))} "
                    f"{escape(target.description)}{escape(mount)}: {escape(target.reason)}"
                )
        for report in reports:
            for note in report.notes:
                console.print(f"[dim]note: {escape(note)}[/]")

    for report in reports:
        for error in report.errors:
            console.print(
                f"{escape(display_path(str(error.place)))}: [bold red]error[/] "
                f"[bold]INPUT-ERROR[/] {escape(error.message)}"
                + (f" ({escape(error.hint)})" if error.hint else "")
            )

    for finding in all_findings(reports):
        style = _STYLES[finding.severity]
        console.print(
            f"{escape(display_path(str(finding.place)))}: [{style}]{finding.severity.label}[/] "
            f"[bold]{finding.rule}[/] {escape(finding.message)}"
        )
        if finding.fix:
            lines = finding.fix.splitlines()
            console.print(f"    [green]fix:[/] {escape(lines[0])}")
            for line in lines[1:]:
                console.print(f"         {escape(line)}")

    console.print(summary(reports))


def summary(reports: list[Report]) -> str:
    files = {file for report in reports for file in report.files}
    targets = sum(len(report.targets) for report in reports)
    errors = sum(len(report.errors) for report in reports)
    totals = counts(reports)
    nouns = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info finding"}
    parts = [
        plural(totals[severity.label], nouns[severity])
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if totals[severity.label]
    ]
    where = f"in {plural(len(files), 'file')}" if files else "(no file could be read)"
    scope = f"{plural(targets, 'STIG Manager location')} checked"
    if errors:
        parts.insert(0, plural(errors, "input error"))
    if not parts:
        if not targets:
            return (
                f"No STIG Manager location found {where}: nothing to check "
                "(give its mount path with --mount if it is proxied)."
            )
        return f"No problems {where} ({scope})."
    return f"Found {', '.join(parts)} {where} ({scope})."
