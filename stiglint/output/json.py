"""JSON output. The shape is documented in the README and kept stable."""

from __future__ import annotations

import json
from typing import TextIO

from stiglint import __version__, catalogue
from stiglint.findings import Report
from stiglint.output.common import all_findings, counts


def document(reports: list[Report]) -> dict:
    findings = [
        {
            "rule": finding.rule,
            "severity": finding.severity.label,
            "tags": [catalogue.get(finding.rule).family],
            "file": finding.place.file,
            "line": finding.place.line,
            "end_line": finding.end_line,
            "column": finding.place.column,
            "message": finding.message,
            "fix": finding.fix,
            "endpoints": list(finding.endpoints),
        }
        for finding in all_findings(reports)
    ]
    errors = [
        {
            "rule": "INPUT-ERROR",
            "severity": "error",
            "file": error.place.file,
            "line": error.place.line,
            "message": error.message,
            "hint": error.hint,
        }
        for report in reports
        for error in report.errors
    ]
    targets = [
        {
            "server": report.server,
            "file": target.place.file,
            "line": target.place.line,
            "block": target.description,
            "reason": target.reason,
            "mount": target.mount,
        }
        for report in reports
        for target in report.targets
    ]
    return {
        "version": __version__,
        "findings": findings,
        "errors": errors,
        "targets": targets,
        "notes": [note for report in reports for note in report.notes],
        "summary": {**counts(reports), "input_errors": len(errors)},
    }


def render(reports: list[Report], stream: TextIO) -> None:
    json.dump(document(reports), stream, indent=2)
    stream.write("\n")
