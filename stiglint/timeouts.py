"""Verdicts on idle timeouts at STIG Manager's long-lived endpoints, for every server."""

from __future__ import annotations

from stiglint.endpoints import Kind
from stiglint.settings import Settings


def classify(kind: Kind, seconds: float, settings: Settings, shown: str) -> tuple[str, str] | None:
    """Return (rule id, symptom) for an idle timeout on an endpoint of `kind`, or None.

    A timeout at or below the app's 30 s keepalive cuts the stream between two
    keepalives or pings. One below the recommended 3600 s cuts quiet NDJSON
    progress and idle sockets. `shown` is the timeout as the message prints it,
    and `settings` holds both thresholds.
    """
    if seconds <= settings.timeout_error_seconds:
        return "TIMEOUT-STREAM-CUT", {
            Kind.SSE: "the state event stream is cut between the app's 30 s keepalives "
            "and the browser reconnects again and again",
            Kind.NDJSON: "the progress stream is truncated after a 200 status whenever "
            "the app is quiet that long",
            Kind.WEBSOCKET: "the log socket is closed between the app's 30 s pings",
        }[kind]
    if seconds < settings.timeout_warning_seconds:
        recommended = f"{settings.timeout_warning_seconds:g} s"
        return "TIMEOUT-BELOW-RECOMMENDED", {
            Kind.SSE: "the stream survives on the app's 30 s keepalive, but STIG Manager's "
            f"reverse-proxy guide recommends {recommended}",
            Kind.NDJSON: f"an export or clone whose progress pauses longer than {shown} "
            "is truncated",
            Kind.WEBSOCKET: f"an idle log socket is closed after {shown}",
        }[kind]
    return None
