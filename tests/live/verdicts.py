"""stiglint's verdict per rule family, in the words the observations use.

A finding's family comes from its JSON `tags`. Within a family, only rules
that claim a failure a client can observe change the verdict. The others leave
it at the passing word: info findings, HAProxy's TIMEOUT-MISSING (an infinite
timeout) and the client-certificate rules, which need mTLS to observe.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

# The word each family takes when no finding claims a failure.
PASSING = {
    "body-size": "accepted",
    "buffering": "streamed",
    "websocket": "upgraded",
    "timeout": "long",
    "forwarded-headers": "kept",
    "routing": "routed",
}

# Rules whose findings claim what a client observes, and the word they claim. A
# BUFFERING-FORCED warning states that the stream still flows (plain HTTP listener,
# HTTP/1.1 upstream, no gzip), so only its error claims "held".
_CLAIMS = {
    "BODY-SIZE-LIMIT": "rejected",
    "BUFFERING-FORCED": "held",
    "WEBSOCKET-UPGRADE": "refused",
    "TIMEOUT-STREAM-CUT": "cut",
    "TIMEOUT-UNITLESS": "cut",
    "TIMEOUT-BELOW-RECOMMENDED": "short",
    "FORWARDED-HOST": "lost",
    "FORWARDED-HEADERS-MISSING": "lost",
    "FORWARDED-HEADERS-DROPPED": "lost",
    "ROUTE-SHADOWED": "shadowed",
    "ROUTE-PATH": "misrouted",
}
_MIN_SEVERITY = {"BUFFERING-FORCED": "error"}
# When one family has several claims, the worse one wins.
_ORDER = ["cut", "short", "long"]


@dataclass
class Verdict:
    """stiglint's words per family, and the findings behind them."""

    words: dict[str, str] = field(default_factory=dict)
    findings: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""


def adapter_missing(server: str) -> bool:
    """Return whether this checkout lacks the stiglint adapter for `server`."""
    return importlib.util.find_spec(f"stiglint.{server}") is None


def run_stiglint(path: str, server: str) -> dict:
    """Run `stiglint check --format json` on `path` and return the parsed document."""
    command = [
        sys.executable, "-m", "stiglint", "check", "--format", "json",
        "--fail-on", "never", "--server", server, path,
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "STIGLINT_DEBUG": ""},
    )
    if result.returncode not in (0, 1, 2):
        raise RuntimeError(
            f"stiglint exited with {result.returncode} on {path}: {result.stderr.strip()}"
        )
    return json.loads(result.stdout)


def verdict_from(document: dict) -> Verdict:
    """Map the findings of one stiglint JSON document to a word per family."""
    verdict = Verdict(words=dict(PASSING))
    if document.get("errors"):
        messages = "; ".join(error["message"] for error in document["errors"])
        verdict.error = f"input errors: {messages}"
    for finding in document["findings"]:
        for family in finding["tags"]:
            verdict.findings.setdefault(family, []).append(f"{finding['rule']}:{finding['line']}")
            claim = _CLAIMS.get(finding["rule"])
            if claim is None or family not in PASSING:
                continue
            floor = _MIN_SEVERITY.get(finding["rule"])
            if floor == "error" and finding["severity"] != "error":
                continue
            current = verdict.words[family]
            if current in _ORDER and claim in _ORDER:
                if _ORDER.index(claim) < _ORDER.index(current):
                    verdict.words[family] = claim
            else:
                verdict.words[family] = claim
    return verdict
