"""`stiglint probe` against real proxies on loopback, passing and failing.

The stand-in sends its SSE keepalive every second here, so a 3 s window covers
several, and the proxies run their case files at the cases' time scale.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from live.cases import CASES_DIR

WINDOW = "3"
TIMEOUT = "4"


def _probe(url: str, *extra: str) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "stiglint", "probe", url, "--format", "json",
         "--window", WINDOW, "--timeout", TIMEOUT, *extra],
        capture_output=True, text=True, timeout=60,
    )
    assert result.stderr == ""
    return result.returncode, json.loads(result.stdout)


def _verdicts(document: dict) -> dict[str, str]:
    return {check["name"]: check["verdict"] for check in document["checks"]}


def _start(start_server, standin, server: str, name: str, scale: float = 0.1):
    text = (CASES_DIR / server / name).read_text()
    return start_server(server, text, standin.port, scale)


@pytest.fixture
def fast_standin(standin):
    standin.keepalive = 1.0
    return standin


@pytest.mark.parametrize(
    "server, name",
    [("nginx", "guide-recommended.conf"), ("apache", "guide.conf"), ("haproxy", "recommended.cfg")],
)
def test_probe_passes_recommended(server, name, installed, fast_standin, start_server):
    proxy = _start(start_server, fast_standin, server, name)
    code, document = _probe(f"http://127.0.0.1:{proxy.port}/")
    assert _verdicts(document) == {
        "sse": "pass", "websocket": "pass", "body-size": "pass", "streaming-headers": "pass",
    }
    assert code == 0
    assert document["passed"] is True


def test_probe_bare_nginx_fails(installed, fast_standin, start_server):
    proxy = _start(start_server, fast_standin, "nginx", "bare-proxy.conf")
    code, document = _probe(f"http://127.0.0.1:{proxy.port}/")
    assert _verdicts(document) == {
        "sse": "pass", "websocket": "fail", "body-size": "fail", "streaming-headers": "pass",
    }
    assert code == 1
    body = next(check for check in document["checks"] if check["name"] == "body-size")
    assert body["measurements"]["status"] == 413


def test_probe_sees_buffering_behind_tls(installed, fast_standin, start_server):
    proxy = _start(start_server, fast_standin, "nginx", "ignore-accel-tls.conf")
    code, document = _probe(f"https://127.0.0.1:{proxy.tls_port}/", "--insecure")
    assert _verdicts(document)["sse"] == "fail"
    assert _verdicts(document)["websocket"] == "fail"
    assert code == 1


def test_probe_sees_cut_stream(installed, fast_standin, start_server):
    # A 10 s read timeout at scale 0.05 is 0.5 s, under the 1 s keepalive.
    proxy = _start(start_server, fast_standin, "nginx", "read-timeout-10s-tls.conf", scale=0.05)
    code, document = _probe(f"https://127.0.0.1:{proxy.tls_port}/", "--insecure")
    sse = document["checks"][0]
    assert sse["verdict"] == "fail"
    assert sse["measurements"]["closed_after_seconds"] < 1.5
    assert _verdicts(document)["websocket"] == "pass"
    assert code == 1


def test_probe_warns_on_haproxy_compression(installed, fast_standin, start_server):
    proxy = _start(start_server, fast_standin, "haproxy", "compression-streams.cfg")
    code, document = _probe(f"http://127.0.0.1:{proxy.port}/")
    verdicts = _verdicts(document)
    assert verdicts["streaming-headers"] == "warn"
    # HAProxy delays the end of the first event until the next keepalive, 1 s later.
    first_event = document["checks"][0]["measurements"]["first_event_seconds"]
    assert first_event >= 0.9
    assert code == 0


def test_probe_untrusted_certificate_is_input_error(installed, fast_standin, start_server):
    proxy = _start(start_server, fast_standin, "nginx", "ignore-accel-tls.conf")
    result = subprocess.run(
        [sys.executable, "-m", "stiglint", "probe", f"https://127.0.0.1:{proxy.tls_port}/"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "--insecure" in result.stderr
    assert result.stdout == ""
