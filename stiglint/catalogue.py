"""The rule catalogue: every rule's id, family, default severity and summary.

This list is the one source for `stiglint rules`, the SARIF rule table and the
README's rule list. Each rule also has a page, `rules/<ID>.md`, with its full
explanation and examples; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from stiglint.findings import Severity

FAMILIES = (
    "body-size",
    "buffering",
    "websocket",
    "timeout",
    "forwarded-headers",
    "client-cert",
    "routing",
    "input",
    "suppression",
)

SERVERS = ("nginx", "apache", "haproxy")


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: Severity
    summary: str
    servers: tuple[str, ...] = SERVERS


_ALL = SERVERS

RULES: tuple[Rule, ...] = (
    Rule(
        "BODY-SIZE-LIMIT",
        "body-size",
        Severity.ERROR,
        "Request body limit below the 100 MB that STIG Manager imports need.",
        ("nginx", "haproxy"),
    ),
    Rule(
        "BODY-SIZE-INEFFECTIVE",
        "body-size",
        Severity.INFO,
        "Body limit that does not apply to the requests it appears to limit.",
        ("apache", "haproxy"),
    ),
    Rule(
        "BUFFERING-FORCED",
        "buffering",
        Severity.ERROR,
        "Streaming responses (NDJSON progress, Server-Sent Events) forced into "
        "proxy buffering.",
        ("nginx",),
    ),
    Rule(
        "BUFFERING-INEFFECTIVE",
        "buffering",
        Severity.INFO,
        "Flush setting that has no effect on the backend it is set for.",
        ("apache",),
    ),
    Rule(
        "BUFFERING-REQUEST-TIMEOUT",
        "buffering",
        Severity.WARNING,
        "Request buffering with a deadline that large uploads cannot meet.",
        ("haproxy",),
    ),
    Rule(
        "BUFFERING-COMPRESSION",
        "buffering",
        Severity.ERROR,
        "Compression applied to streaming response types.",
        ("haproxy",),
    ),
    Rule(
        "WEBSOCKET-UPGRADE",
        "websocket",
        Severity.ERROR,
        "The log socket cannot upgrade to a WebSocket through the proxy.",
        _ALL,
    ),
    Rule(
        "TIMEOUT-STREAM-CUT",
        "timeout",
        Severity.ERROR,
        "Idle timeout at or below the app's 30 s keepalive on a long-lived "
        "connection.",
        _ALL,
    ),
    Rule(
        "TIMEOUT-BELOW-RECOMMENDED",
        "timeout",
        Severity.WARNING,
        "Idle timeout below the recommended 3600 s on a long-lived connection.",
        _ALL,
    ),
    Rule(
        "TIMEOUT-UNITLESS",
        "timeout",
        Severity.ERROR,
        "Timeout without a unit that HAProxy reads as milliseconds.",
        ("haproxy",),
    ),
    Rule(
        "TIMEOUT-MISSING",
        "timeout",
        Severity.WARNING,
        "Client, server or connect timeout not set, so it is infinite.",
        ("haproxy",),
    ),
    Rule(
        "FORWARDED-HOST",
        "forwarded-headers",
        Severity.WARNING,
        "The client's Host header is not passed on to STIG Manager.",
        _ALL,
    ),
    Rule(
        "FORWARDED-HEADERS-MISSING",
        "forwarded-headers",
        Severity.WARNING,
        "X-Forwarded-For, X-Forwarded-Proto or X-Forwarded-Host not sent to "
        "STIG Manager.",
        _ALL,
    ),
    Rule(
        "FORWARDED-HEADERS-DROPPED",
        "forwarded-headers",
        Severity.ERROR,
        "Headers set at an outer level are dropped because an inner level sets "
        "its own.",
        ("nginx",),
    ),
    Rule(
        "CLIENT-CERT-DEPTH",
        "client-cert",
        Severity.ERROR,
        "Client certificate verify depth too small for CAC/PIV chains.",
        ("apache",),
    ),
    Rule(
        "CLIENT-CERT-NOT-FORWARDED",
        "client-cert",
        Severity.WARNING,
        "Client certificate verified at the proxy but not handed on to Keycloak.",
        _ALL,
    ),
    Rule(
        "CLIENT-CERT-EMPTY-VALUE",
        "client-cert",
        Severity.WARNING,
        "Client certificate header sent with a placeholder when no certificate "
        "was presented.",
        ("apache", "haproxy"),
    ),
    Rule(
        "CLIENT-CERT-SPOOFABLE",
        "client-cert",
        Severity.WARNING,
        "A client-sent copy of the certificate header can reach Keycloak.",
        ("apache", "haproxy"),
    ),
    Rule(
        "ROUTE-SHADOWED",
        "routing",
        Severity.ERROR,
        "A STIG Manager endpoint is served by another block than the one meant "
        "for it.",
        _ALL,
    ),
    Rule(
        "ROUTE-PATH",
        "routing",
        Severity.ERROR,
        "A STIG Manager endpoint reaches the app under another path than its own.",
        ("nginx",),
    ),
    Rule(
        "INPUT-ERROR",
        "input",
        Severity.ERROR,
        "The configuration could not be read or parsed.",
        _ALL,
    ),
    Rule(
        "SUPPRESSION-UNUSED",
        "suppression",
        Severity.INFO,
        "A `# stiglint: ignore=` comment that silences no finding.",
        _ALL,
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def get(rule_id: str) -> Rule:
    """Return the rule with this id (case-insensitive); raise KeyError if unknown."""
    return BY_ID[rule_id.upper()]
