"""Merging the issues that checks raise into findings, one per rule and place.

Each adapter's checks raise one issue per endpoint. Issues of one rule at one
place become one finding whose message names every endpoint affected, lists each
distinct detail once, takes the highest severity any of them set, and joins
their fix lines without repeats.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from stiglint import catalogue
from stiglint.findings import Finding, Place, Severity


class Issue(Protocol):
    rule: str
    place: Place
    # Message text; "{endpoints}" is replaced by the endpoints affected.
    message: str
    fix: str
    severity: Severity | None
    # The symptom for this kind of endpoint, and the text that leads into it.
    detail: str
    detail_intro: str

    @property
    def endpoints(self) -> tuple[str, ...]: ...


def collect(issues: Iterable[Issue]) -> list[Finding]:
    """Return one finding per (rule, place), merged as the module describes."""
    merged: dict[tuple[str, Place], dict] = {}
    for issue in issues:
        entry = merged.setdefault(
            (issue.rule, issue.place),
            {"first": issue, "labels": [], "details": [], "fixes": [], "severity": None},
        )
        for label in issue.endpoints:
            if label not in entry["labels"]:
                entry["labels"].append(label)
        if issue.detail and issue.detail not in entry["details"]:
            entry["details"].append(issue.detail)
        for line in issue.fix.splitlines():
            if line not in entry["fixes"]:
                entry["fixes"].append(line)
        if issue.severity is not None:
            entry["severity"] = max(issue.severity, entry["severity"] or issue.severity)

    findings = []
    for (rule_id, place), entry in merged.items():
        first = entry["first"]
        message = first.message.replace("{endpoints}", _join(entry["labels"]) or "STIG Manager")
        if entry["details"]:
            message += first.detail_intro + "; ".join(entry["details"])
        findings.append(
            Finding(
                rule_id,
                entry["severity"] or catalogue.get(rule_id).severity,
                place,
                message,
                "\n".join(entry["fixes"]),
                tuple(entry["labels"]),
            )
        )
    return findings


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
