"""Inline suppressions: `# stiglint: ignore=RULE-ID` comments in configuration files.

nginx, Apache httpd and HAProxy all start comments with `#`, so one reader serves
every server. It works on the text of the files a report read and the places of
its findings, not on any server's model:

- on its own line, the comment covers the next line that is neither blank nor a
  comment, and the whole block when a block starts there (`report.blocks`);
- after a directive, it covers that line, except in Apache httpd files, where
  `#` after a directive starts no comment and the text is ignored;
- `# stiglint: ignore-file=RULE-ID` anywhere covers the whole file.

A suppression that silences nothing becomes a SUPPRESSION-UNUSED finding.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from stiglint import catalogue
from stiglint.findings import Finding, Place, Report

UNUSED_RULE = "SUPPRESSION-UNUSED"

_COMMENT = re.compile(
    r"#\s*stiglint\s*:\s*(?P<kind>ignore-file|ignore)\s*=\s*(?P<rules>[A-Za-z0-9_,\s-]*)"
)
_MAX_FILE_BYTES = 64 * 1024 * 1024
# Any `# stiglint: word`, to catch misspelled forms that would otherwise do nothing.
_ANY_STIGLINT = re.compile(r"#\s*stiglint\s*:\s*(?P<word>[\w-]*)")
_OTHER_FORMS = frozenset({"nginx-version", "apache-version"})


@dataclass
class Suppression:
    file: str
    line: int
    column: int
    rules: tuple[str, ...]
    # Lines covered, inclusive; None covers the whole file.
    first: int | None
    last: int | None
    used: set[str] = field(default_factory=set)
    # The keyword of a `# stiglint:` comment that is no known form, if so.
    unknown: str | None = None

    def covers(self, finding: Finding) -> bool:
        if finding.rule not in self.rules:
            return False
        if self.first is None:
            return True
        line = finding.place.line
        return line is not None and self.first <= line <= self.last


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


# Servers whose comments must start a line: Apache httpd passes a later `#` to
# the directive as an argument, so only own-line comments can suppress there.
_OWN_LINE_COMMENTS_ONLY = frozenset({"apache"})


def comment_start(line: str) -> int | None:
    """Return where the comment on `line` starts, or None.

    A `#` inside a quoted value or in the middle of a word does not start a
    comment in nginx, Apache httpd or HAProxy, so text there never suppresses.
    """
    quote = ""
    previous = " "
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            index += 2
            previous = "x"
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (previous.isspace() or previous in ";{}"):
            quote = char
        elif char == "#" and (previous.isspace() or previous in ";{}"):
            return index
        previous = char
        index += 1
    return None


def scan(
    text: str, file: str, blocks: list[tuple[int, int]], own_line_only: bool = False
) -> list[Suppression]:
    """Return the suppressions written in `text`, with the lines each one covers.

    With `own_line_only`, a suppression counts only on a line that is a comment.
    """
    lines = text.splitlines()
    block_ends: dict[int, int] = {}
    for first, last in blocks:
        block_ends[first] = max(last, block_ends.get(first, first))

    found = []
    for index, line in enumerate(lines):
        if "stiglint" not in line:
            continue
        start = comment_start(line)
        if start is None:
            continue
        match = _COMMENT.match(line, start)
        if match is None:
            other = _ANY_STIGLINT.match(line, start)
            if other is not None and other.group("word").lower() not in _OTHER_FORMS:
                found.append(
                    Suppression(file, index + 1, start + 1, (), index + 1, index + 1,
                                unknown=other.group("word") or "(empty)")
                )
            continue
        if own_line_only and not line.lstrip().startswith("#"):
            continue
        number = index + 1
        rules = tuple(
            word.strip().upper() for word in match.group("rules").split(",") if word.strip()
        )
        own_line = line[: match.start()].strip() == ""
        if match.group("kind") == "ignore-file":
            first = last = None
        elif own_line:
            target = _next_code_line(lines, index + 1)
            if target is None:
                first, last = number, number
            else:
                first, last = target, block_ends.get(target, target)
        else:
            first = last = number
        found.append(Suppression(file, number, match.start() + 1, rules, first, last))
    return found


def _next_code_line(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index + 1
    return None


def _read(path: str) -> str | None:
    try:
        if os.path.getsize(path) > _MAX_FILE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def apply(report: Report, texts: dict[str, str] | None = None) -> None:
    """Remove suppressed findings from `report` and add one for each unused suppression.

    `texts` maps file names to their text where the files on disk are not the input
    (standard input); other files are read from disk.
    """
    texts = {_key(name): text for name, text in (texts or {}).items()}
    blocks = {_key(name): ranges for name, ranges in report.blocks.items()}
    suppressions: dict[str, list[Suppression]] = {}
    for file in dict.fromkeys(report.files):
        key = _key(file)
        if key in suppressions:
            continue
        text = texts.get(key)
        if text is None:
            text = _read(file)
        if text is None:
            continue
        suppressions[key] = scan(
            text, file, blocks.get(key, []), report.server in _OWN_LINE_COMMENTS_ONLY
        )

    kept = []
    for finding in report.findings:
        silenced = False
        for suppression in suppressions.get(_key(finding.place.file), ()):
            if suppression.covers(finding):
                suppression.used.add(finding.rule)
                silenced = True
        if not silenced:
            kept.append(finding)

    # An unreadable or partly parsed configuration yields fewer findings than the
    # full one would, so an unused suppression cannot be detected there.
    if not report.errors:
        kept.extend(_unused(suppressions))
    report.findings = kept


def _unused(suppressions: dict[str, list[Suppression]]) -> list[Finding]:
    rule = catalogue.get(UNUSED_RULE)
    findings = []
    for file_suppressions in suppressions.values():
        # `ignore-file=SUPPRESSION-UNUSED` keeps this report quiet for the file.
        quiet = any(
            suppression.first is None and UNUSED_RULE in suppression.rules
            for suppression in file_suppressions
        )
        if quiet:
            continue
        for suppression in file_suppressions:
            if suppression.unknown is not None:
                findings.append(_unknown_finding(rule, suppression))
                continue
            for rule_id in suppression.rules or ("",):
                if rule_id in suppression.used or rule_id == UNUSED_RULE:
                    continue
                findings.append(_unused_finding(rule, suppression, rule_id))
    return findings


def _unknown_finding(rule: catalogue.Rule, suppression: Suppression) -> Finding:
    return Finding(
        UNUSED_RULE,
        rule.severity,
        Place(suppression.file, suppression.line, suppression.column),
        f"unknown stiglint comment '{suppression.unknown}', so it does nothing",
        fix="# stiglint: ignore=RULE-ID (or ignore-file=, nginx-version=, apache-version=)",
    )


def _unused_finding(rule: catalogue.Rule, suppression: Suppression, rule_id: str) -> Finding:
    place = Place(suppression.file, suppression.line, suppression.column)
    if not rule_id:
        message = "suppression comment names no rule"
    elif rule_id not in catalogue.BY_ID:
        message = f"suppression names unknown rule {rule_id}, so it silences nothing"
    elif suppression.first is None:
        message = f"suppression of {rule_id} for the whole file silences nothing"
    elif suppression.first == suppression.last:
        message = f"suppression of {rule_id} on line {suppression.first} silences nothing"
    else:
        message = (
            f"suppression of {rule_id} in lines {suppression.first}-{suppression.last} "
            "silences nothing"
        )
    return Finding(
        UNUSED_RULE,
        rule.severity,
        place,
        message,
        fix=f"remove {rule_id or 'the comment'} from this suppression comment",
    )
