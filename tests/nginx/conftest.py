from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from stiglint.nginx import lint
from stiglint.settings import Settings, Version


class Linter:
    """Lint nginx text written into a temporary directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, name: str, text: str) -> Path:
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    def report(self, text: str, version: str | None = None, **settings):
        path = self.write("nginx.conf", text)
        versions = {"nginx": Version.parse(version)} if version else {}
        return lint(str(path), Settings(versions=versions, **settings))

    def codes(self, text: str, version: str | None = None, **settings) -> list[str]:
        """Return the findings as sorted "RULE:line" strings."""
        report = self.report(text, version, **settings)
        assert report.errors == [], [str(error) for error in report.errors]
        return sorted(f"{f.rule}:{f.place.line}" for f in report.findings)

    def finding(self, text: str, rule: str, **settings):
        report = self.report(text, **settings)
        matches = [f for f in report.findings if f.rule == rule]
        assert len(matches) == 1, [f"{f.rule}:{f.place.line}" for f in report.findings]
        return matches[0]


@pytest.fixture
def nginx(tmp_path: Path) -> Linter:
    return Linter(tmp_path)
