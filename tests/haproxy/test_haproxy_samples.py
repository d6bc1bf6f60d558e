"""The HAProxy samples: the passing one is clean, each failing one shows its family."""

from __future__ import annotations

from pathlib import Path

from stiglint import haproxy
from stiglint.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "haproxy"


def _findings(name: str) -> list[str]:
    report = haproxy.lint(str(SAMPLES / name), Settings())
    assert report.errors == []
    return sorted(f"{f.rule}:{f.place.line}" for f in report.findings)


def test_pass_sample_is_clean():
    assert _findings("pass.cfg") == []


def test_fail_timeout_sample():
    assert _findings("fail-timeout.cfg") == [
        "TIMEOUT-BELOW-RECOMMENDED:27",
        "TIMEOUT-STREAM-CUT:20",
        "TIMEOUT-UNITLESS:15",
    ]


def test_fail_body_size_sample():
    assert _findings("fail-body-size.cfg") == ["BODY-SIZE-LIMIT:14"]


def test_fail_buffering_sample():
    assert _findings("fail-buffering.cfg") == [
        "BUFFERING-COMPRESSION:21",
        "BUFFERING-REQUEST-TIMEOUT:12",
    ]


def test_fail_websocket_sample():
    assert _findings("fail-websocket.cfg") == ["WEBSOCKET-UPGRADE:13"]


def test_fail_forwarded_headers_sample():
    assert _findings("fail-forwarded-headers.cfg") == [
        "FORWARDED-HEADERS-MISSING:9",
        "FORWARDED-HOST:15",
    ]


def test_fail_client_cert_sample():
    assert _findings("fail-client-cert.cfg") == [
        "CLIENT-CERT-EMPTY-VALUE:14",
        "CLIENT-CERT-SPOOFABLE:14",
    ]


def test_every_family_has_a_failing_sample():
    families = {
        "body-size",
        "buffering",
        "websocket",
        "timeout",
        "forwarded-headers",
        "client-cert",
    }
    assert {
        path.stem.removeprefix("fail-") for path in SAMPLES.glob("fail-*.cfg")
    } == families
