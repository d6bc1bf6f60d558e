"""SARIF 2.1.0 output, shaped for GitHub code scanning.

One run with one result per finding. Input errors become results of the reserved
rule INPUT-ERROR and tool execution notifications as well, so that a configuration
that cannot be read never uploads as a clean analysis. File URIs are relative to
the repository root (`%SRCROOT%`): the nearest directory at or above the working
directory that contains `.git`, or else the working directory itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from stiglint import __version__, catalogue, pages
from stiglint.findings import Finding, InputError, Place, Report, Severity

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/stiglint/stiglint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "stiglintFingerprint/v1"

# GitHub code scanning rejects a SARIF file past these counts ("SARIF results
# exceed hard limit" in GitHub's code scanning documentation, 2025).
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_LOCATIONS_PER_RESULT = 1_000
MAX_TAGS_PER_RULE = 20

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub reads properties.security-severity as a score from 0.0 to 10.0 and
# shows 7.0-8.9 as high, 4.0-6.9 as medium and 0.1-3.9 as low (GitHub changelog,
# "CodeQL code scanning: new severity levels for security alerts", 2021-07-19).
_SECURITY_SEVERITY = {Severity.ERROR: "7.5", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
# Rule families whose problems weaken authentication or trust in client data;
# GitHub lists rules tagged "security" as security alerts.
_SECURITY_FAMILIES = frozenset({"client-cert", "forwarded-headers"})
# Rules whose result does not depend on guessing which block serves STIG Manager.
_VERY_HIGH_PRECISION = frozenset({"INPUT-ERROR", "SUPPRESSION-UNUSED", "TIMEOUT-UNITLESS"})


def repository_root(start: str | None = None) -> Path:
    """Return the nearest directory at or above `start` with `.git`, else `start`."""
    directory = Path(start or os.getcwd()).resolve()
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return directory


def document(
    reports: list[Report],
    rules: list[catalogue.Rule] | None = None,
    severities: dict[str, Severity] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> dict:
    """Build the SARIF log for `reports`.

    `rules` are the rules enabled in the run (default: all), `severities` the
    configured severity per rule id where it differs from the catalogue.
    """
    root_path = Path(root).resolve() if root is not None else repository_root()
    severities = severities or {}
    rules = list(rules if rules is not None else catalogue.RULES)
    if not any(rule.id == "INPUT-ERROR" for rule in rules):
        rules.append(catalogue.get("INPUT-ERROR"))
    # A finding of a rule outside the enabled list (one an adapter added) still
    # needs a descriptor for its ruleIndex.
    for report in reports:
        for finding in report.findings:
            if not any(rule.id == finding.rule for rule in rules):
                rules.append(
                    catalogue.BY_ID.get(finding.rule)
                    or catalogue.Rule(finding.rule, "other", finding.severity, finding.rule)
                )
    rules = rules[:MAX_RULES_PER_RUN]
    index = {rule.id: position for position, rule in enumerate(rules)}

    texts = _SourceLines(root_path)
    errors = [error for report in reports for error in report.errors]
    findings = _ordered_findings(reports)
    notifications = [_error_notification(error, root_path) for error in errors]
    notifications.extend(
        {"level": "note", "message": {"text": note}}
        for report in reports
        for note in report.notes
    )
    room = max(MAX_RESULTS_PER_RUN - len(errors), 0)
    if len(findings) > room:
        # Keep the most severe findings. Input errors always stay, because they
        # show that the analysis is incomplete.
        kept = sorted(findings, key=lambda finding: -finding.severity)[:room]
        findings = sorted(kept, key=lambda finding: finding.sort_key)
        left_out = len(_ordered_findings(reports)) - len(findings)
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{left_out} findings were left out: GitHub code scanning "
                    f"accepts at most {MAX_RESULTS_PER_RUN} results per run"
                },
            }
        )

    occurrences: dict[tuple[str, str, str], int] = {}
    results = [_result(finding, index, root_path, texts, occurrences) for finding in findings]
    results.extend(
        _error_result(error, index, root_path, texts, occurrences) for error in errors
    )

    run = {
        "tool": {
            "driver": {
                "name": "stiglint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule, severities) for rule in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": root_path.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(
    reports: list[Report],
    stream: TextIO,
    rules: list[catalogue.Rule] | None = None,
    severities: dict[str, Severity] | None = None,
) -> None:
    json.dump(document(reports, rules, severities), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _ordered_findings(reports: list[Report]) -> list[Finding]:
    findings = [finding for report in reports for finding in report.findings]
    return sorted(findings, key=lambda finding: finding.sort_key)


def _descriptor(rule: catalogue.Rule, severities: dict[str, Severity]) -> dict:
    severity = severities.get(rule.id, rule.severity)
    page = pages.read(rule.id) or ""
    full = pages.first_paragraph(pages.section(page, "What it checks"))
    if not full or pages.PLACEHOLDER in full:
        full = rule.summary
    help_markdown = page.strip() or f"{rule.id}: {rule.summary}"
    tags = [rule.family, *(f"server:{server}" for server in rule.servers)]
    if rule.family in _SECURITY_FAMILIES:
        tags.append("security")
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": help_markdown, "markdown": help_markdown},
        "helpUri": f"{INFORMATION_URI}/blob/main/rules/{rule.id}.md",
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {
            "tags": tags[:MAX_TAGS_PER_RULE],
            "precision": "very-high" if rule.id in _VERY_HIGH_PRECISION else "high",
            # A string holding a decimal number, the form other SARIF producers
            # for code scanning write.
            "security-severity": _SECURITY_SEVERITY[severity],
        },
    }


def _result(finding: Finding, index, root: Path, texts, occurrences) -> dict:
    text = finding.message
    if finding.fix:
        text += "\n\nFix:\n" + finding.fix
    result = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding.place, finding.end_line, root)],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(finding.rule, finding.place, root, texts, occurrences)
        },
    }
    properties = {}
    if finding.endpoints:
        properties["endpoints"] = list(finding.endpoints)
    if finding.fix:
        properties["fix"] = finding.fix
    if properties:
        result["properties"] = properties
    return result


def _error_result(error: InputError, index, root: Path, texts, occurrences) -> dict:
    text = error.message + (f" ({error.hint})" if error.hint else "")
    return {
        "ruleId": "INPUT-ERROR",
        "ruleIndex": index["INPUT-ERROR"],
        "level": "error",
        "message": {"text": text},
        "locations": [_location(error.place, None, root)],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint("INPUT-ERROR", error.place, root, texts, occurrences)
        },
    }


def _error_notification(error: InputError, root: Path) -> dict:
    text = error.message + (f" ({error.hint})" if error.hint else "")
    return {
        "level": "error",
        "message": {"text": text},
        "locations": [_location(error.place, None, root)],
        "associatedRule": {"id": "INPUT-ERROR"},
    }


def _artifact(file: str, root: Path) -> dict:
    path = Path(os.path.abspath(file))
    try:
        relative = path.relative_to(root)
    except ValueError:
        # Outside the repository: an absolute URI, which code scanning shows
        # without linking it to a file of the repository.
        return {"uri": path.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _location(place: Place, end_line: int | None, root: Path) -> dict:
    # GitHub requires a start line; a problem with the file as a whole is placed
    # on its first line.
    start = place.line or 1
    region = {"startLine": start, "endLine": max(end_line or start, start)}
    if place.column:
        region["startColumn"] = place.column
    return {"physicalLocation": {"artifactLocation": _artifact(place.file, root), "region": region}}


class _SourceLines:
    """Cache of file lines for fingerprints.

    NOTE: text linted from standard input is read back from the file that
    --stdin-filename names, when it exists, so its fingerprints follow that file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: dict[str, list[str] | None] = {}

    def line(self, file: str, number: int | None) -> str:
        if number is None:
            return ""
        if file not in self.lines:
            try:
                with open(file, encoding="utf-8", errors="replace") as handle:
                    self.lines[file] = handle.read().splitlines()
            except OSError:
                self.lines[file] = None
        lines = self.lines[file]
        if lines is None or not 0 < number <= len(lines):
            return ""
        return " ".join(lines[number - 1].split())


def _fingerprint(rule: str, place: Place, root: Path, texts: _SourceLines, occurrences) -> str:
    """Hash the rule, the file and the text of the flagged line, not its number.

    Moving unrelated lines keeps the value, and so the alert, the same. Identical
    lines flagged by the same rule in one file get a running number.
    """
    uri = _artifact(place.file, root)["uri"]
    content = texts.line(place.file, place.line)
    key = (rule, uri, content)
    occurrences[key] = occurrences.get(key, 0) + 1
    digest = hashlib.sha256("\0".join([rule, uri, content]).encode("utf-8")).hexdigest()
    return f"{digest[:32]}:{occurrences[key]}"
