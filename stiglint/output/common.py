"""Helpers shared by the reporters."""

from __future__ import annotations

import os

from stiglint.findings import Finding, Report, Severity


def display_path(path: str) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    if os.getcwd() == os.sep:
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative


def all_findings(reports: list[Report]) -> list[Finding]:
    findings = [finding for report in reports for finding in report.findings]
    return sorted(findings, key=lambda finding: finding.sort_key)


def counts(reports: list[Report]) -> dict[str, int]:
    totals = {severity.label: 0 for severity in Severity}
    for finding in all_findings(reports):
        totals[finding.severity.label] += 1
    return totals


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
