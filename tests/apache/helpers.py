"""Helpers for the Apache httpd tests: lint a configuration text, list findings."""

from __future__ import annotations

import textwrap
from pathlib import Path

from stiglint import apache
from stiglint.findings import Report
from stiglint.settings import Settings, Version


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def lint_text(directory: Path, text: str, name: str = "httpd.conf", version: str | None = None,
              mounts: tuple[str, ...] = (), prefix: str | None = None) -> Report:
    path = write(directory, name, text)
    versions = {"apache": Version.parse(version)} if version else {}
    return apache.lint(str(path), Settings(mounts=mounts, versions=versions, prefix=prefix))


def codes(report: Report, with_file: bool = False) -> list[str]:
    """Return the findings as sorted `RULE:line` strings (with the file name if asked)."""
    found = []
    for finding in report.findings:
        text = f"{finding.rule}:{finding.place.line}"
        if with_file:
            text = f"{Path(finding.place.file).name}:{text}"
        found.append(text)
    return sorted(found)


def error_lines(report: Report) -> list[tuple[str, int | None]]:
    return sorted((Path(error.place.file).name, error.place.line) for error in report.errors)


# A STIG Manager host that passes every check; tests change one thing at a time.
GOOD_HOST = """
Timeout 3600
<VirtualHost *:443>
    ServerName stigman.example.org
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
    ProxyPass / http://stigman:54000/ upgrade=websocket
</VirtualHost>
"""
