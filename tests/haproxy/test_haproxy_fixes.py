"""The fixes HAProxy findings propose: where they go and what values they use."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from haproxy_configs import CLEAN


def fixes_of(linter, text: str) -> list[tuple[str, int, str]]:
    report = linter.report(text)
    assert report.errors == [], [str(error) for error in report.errors]
    return sorted(
        (finding.rule, finding.place.line or 0, finding.fix)
        for finding in report.findings
    )


# A frontend with a short timeout client in front of a backend without
# timeout tunnel, so the WebSocket falls back to the client timeout.
SHORT_FRONTEND_CLIENT = """
defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 3600s

frontend admin
    bind :8080
    timeout client 20s
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend stigman

backend stigman
    server app1 127.0.0.1:54000
"""


def test_tunnel_fix_names_backend(linter):
    assert fixes_of(linter, SHORT_FRONTEND_CLIENT) == [
        (
            "TIMEOUT-STREAM-CUT",
            9,
            (
                "# in backend stigman or in defaults, because a frontend ignores "
                "timeout tunnel:\n"
                "timeout tunnel 3600s"
            ),
        )
    ]


def test_tunnel_fix_in_defaults_unchanged(linter):
    text = CLEAN.replace("timeout client 3600s", "timeout client 20s").replace(
        "    timeout tunnel 3600s\n", ""
    )
    assert fixes_of(linter, text) == [
        ("TIMEOUT-STREAM-CUT", 4, "timeout tunnel 3600s")
    ]


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_tunnel_fix_accepted_by_haproxy(linter):
    fixed = SHORT_FRONTEND_CLIENT.replace(
        "timeout client 20s", "timeout client 3600s"
    ).replace("\nbackend stigman\n", "\nbackend stigman\n    timeout tunnel 3600s\n")
    path = linter.write(fixed, "fixed.cfg")
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "will be ignored" not in checked.stderr
    assert fixes_of(linter, fixed) == []


def test_unitless_stream_timeout_fix_recommended(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 30")
    report = linter.report(text)
    assert [(f.rule, f.place.line, f.fix) for f in report.findings] == [
        ("TIMEOUT-UNITLESS", 5, "timeout server 3600s")
    ]
    assert "The fix uses 3600s rather than 30s, because STIG Manager's" in (
        report.findings[0].message
    )


def test_unitless_fix_then_clean(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 30")
    fix = linter.report(text).findings[0].fix
    assert linter.findings(text.replace("timeout server 30", fix)) == []


def test_unitless_large_value_keeps_seconds(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 7200")
    assert fixes_of(linter, text) == [("TIMEOUT-UNITLESS", 5, "timeout server 7200s")]


def test_unitless_connect_keeps_seconds(linter):
    text = CLEAN.replace("timeout connect 5s", "timeout connect 10")
    assert fixes_of(linter, text) == [("TIMEOUT-UNITLESS", 3, "timeout connect 10s")]


def body_limit(condition: str) -> str:
    return CLEAN.replace(
        "    default_backend stigman", f"{condition}\n    default_backend stigman"
    )


def test_body_limit_named_acl_fix(linter):
    text = body_limit(
        "    acl too_big req.body_size gt 10485760\n"
        "    http-request deny deny_status 413 if too_big"
    )
    assert fixes_of(linter, text) == [
        (
            "BODY-SIZE-LIMIT",
            13,
            "# replace line 13 with:\nacl too_big req.body_size gt 104857600",
        )
    ]


def test_body_limit_inline_fix(linter):
    text = body_limit("    http-request deny if { req.body_size ge 1048576 }")
    assert fixes_of(linter, text) == [
        (
            "BODY-SIZE-LIMIT",
            13,
            (
                "# replace line 13 with:\n"
                "http-request deny if { req.body_size ge 104857601 }"
            ),
        )
    ]


def test_body_limit_fix_then_clean(linter):
    text = body_limit(
        "    acl too_big req.body_size gt 10485760\n"
        "    http-request deny deny_status 413 if too_big"
    )
    fixed = text.replace(
        "    acl too_big req.body_size gt 10485760",
        "    acl too_big req.body_size gt 104857600",
    )
    assert [rule for rule, _, _ in fixes_of(linter, fixed)] == ["BODY-SIZE-INEFFECTIVE"]


BUFFERED = """
global
    tune.bufsize 4194304

defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 3600s
    timeout tunnel 3600s
    timeout http-request 5s

frontend public
    bind :80
    option http-buffer-request
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend stigman

backend stigman
    server app1 127.0.0.1:54000
"""


def test_buffering_fix_explains_numbers(linter):
    report = linter.report(BUFFERED)
    finding = report.findings[0]
    assert [(f.rule, f.place.line) for f in report.findings] == [
        ("BUFFERING-REQUEST-TIMEOUT", 10)
    ]
    assert "needs about 34 s for that" in finding.message
    assert finding.fix == (
        "# 68 s is twice the 34 s that 4095 KiB takes at 1 Mbit/s (at least 10 s):\n"
        "timeout http-request 68s\n"
        "# or: no option http-buffer-request"
    )


def test_buffering_fix_then_clean(linter):
    fixed = BUFFERED.replace("timeout http-request 5s", "timeout http-request 68s")
    assert linter.findings(fixed) == []


def test_below_recommended_names_guide(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 300s")
    report = linter.report(text)
    assert [(f.rule, f.place.line) for f in report.findings] == [
        ("TIMEOUT-BELOW-RECOMMENDED", 5)
    ]
    message = report.findings[0].message
    assert "STIG Manager's reverse-proxy guide recommends 3600 s" in message
    assert "the guide" not in message
