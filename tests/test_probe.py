"""`stiglint probe` without a proxy: URL errors, unreachable hosts, a silent server.

Everything here talks to 127.0.0.1 only. The live suite runs the probe through
real proxies.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time

import pytest

from live.standin import StandIn
from stiglint import probe


def _run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stiglint", "probe", *arguments],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://127.0.0.1/", "expected an http:// or https:// base URL"),
        ("http://127.0.0.1:99999/", "the port is not a number"),
        ("http:///stigman/", "the host name is missing"),
        ("http://127.0.0.1/?x=1", "without a query or fragment"),
    ],
)
def test_probe_rejects_invalid_url(url, message):
    result = _run(url)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_probe_unreachable_host_exits_2():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = _run(f"http://127.0.0.1:{port}/", "--timeout", "2")
    assert result.returncode == 2
    assert f"cannot connect to 127.0.0.1:{port}" in result.stderr


def test_probe_target_keeps_mount_path():
    target = probe.Target.parse("https://stigman.example.test:8443/stigman")
    assert target.base_path == "/stigman/"
    assert target.port == 8443
    assert target.url("api/op/state/sse") == "https://stigman.example.test:8443/stigman/api/op/state/sse"


def test_probe_against_standin_passes():
    with StandIn(keepalive=0.5) as app:
        result = _run(f"http://127.0.0.1:{app.port}/", "--window", "2", "--format", "json")
        paths = [record.target for record in app.records]
    document = json.loads(result.stdout)
    verdicts = {check["name"]: check["verdict"] for check in document["checks"]}
    assert verdicts == {
        "sse": "pass", "websocket": "pass", "body-size": "pass", "streaming-headers": "pass",
    }
    assert result.returncode == 0
    assert "/api/op/state/sse" in paths
    assert "/socket/log-socket" in paths
    assert "/api/stigs" in paths


def test_probe_sends_token_and_no_body():
    with StandIn(keepalive=0.5) as app:
        _run(f"http://127.0.0.1:{app.port}/", "--window", "1", "--token", "abc")
        uploads = app.requests_to("/api/stigs")
        sse = app.requests_to("/api/op/state/sse")
    assert sse[0].header("authorization") == "Bearer abc"
    assert uploads[0].header("content-length") == str(100 * 1024 * 1024)
    assert uploads[0].body_bytes == 0


def test_probe_without_needed_token_inconclusive():
    with StandIn(keepalive=0.5, token="abc") as app:
        result = _run(f"http://127.0.0.1:{app.port}/", "--window", "1", "--format", "json")
        with_token = _run(
            f"http://127.0.0.1:{app.port}/", "--window", "1", "--format", "json", "--token", "abc"
        )
    verdicts = {check["name"]: check["verdict"] for check in json.loads(result.stdout)["checks"]}
    assert verdicts["sse"] == "inconclusive"
    assert verdicts["streaming-headers"] == "inconclusive"
    assert result.returncode == 1
    assert json.loads(with_token.stdout)["passed"] is True
    assert with_token.returncode == 0


def test_probe_text_output_names_each_check():
    with StandIn(keepalive=0.5) as app:
        result = _run(f"http://127.0.0.1:{app.port}/", "--window", "1")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"stiglint probe http://127.0.0.1:{app.port}/"
    assert [line.split()[1] for line in lines[1:5]] == ["sse", "websocket", "body-size", "streaming-headers"]
    assert lines[-1] == "all 4 checks passed"


def test_probe_silent_server_does_not_hang():
    """A server that accepts connections and never responds: every check times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    started = time.monotonic()
    try:
        result = _run(f"http://127.0.0.1:{listener.getsockname()[1]}/", "--timeout", "1",
                      "--window", "1", "--format", "json")
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    elapsed = time.monotonic() - started
    document = json.loads(result.stdout)
    verdicts = {check["name"]: check["verdict"] for check in document["checks"]}
    assert verdicts == {
        "sse": "fail", "websocket": "fail", "body-size": "inconclusive",
        "streaming-headers": "inconclusive",
    }
    assert result.returncode == 1
    assert elapsed < 15
