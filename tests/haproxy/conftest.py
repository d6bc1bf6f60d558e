"""Helpers for the HAProxy tests: lint text written to a temporary file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from stiglint import haproxy
from stiglint.findings import Report
from stiglint.settings import Settings


class Linter:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, text: str, name: str = "haproxy.cfg") -> Path:
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def report(
        self, text: str, settings: Settings | None = None, name: str = "haproxy.cfg"
    ) -> Report:
        path = self.write(text, name)
        return haproxy.lint(str(path), settings or Settings())

    def findings(
        self, text: str, settings: Settings | None = None, rule: str | None = None
    ) -> list[str]:
        """Return the findings as sorted `RULE:line` strings, optionally of one rule."""
        report = self.report(text, settings)
        assert report.errors == [], [str(error) for error in report.errors]
        found = sorted(
            (finding.rule, finding.place.line or 0)
            for finding in report.findings
            if rule is None or finding.rule == rule
        )
        return [f"{name}:{line}" for name, line in found]


@pytest.fixture
def linter(tmp_path: Path) -> Linter:
    return Linter(tmp_path)
