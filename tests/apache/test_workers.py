"""ProxySet and worker sharing: which key=value parameters a request's worker has.

Each case was checked live on Apache httpd 2.4.71 with a backend that replies
after 6 s: a 2 s worker timeout gave 502 after 2 s, and the backend logged
whether the Upgrade header arrived.
"""

from __future__ import annotations

from pathlib import Path

from .helpers import codes, lint_text

HEAD = """
Timeout 3600
<VirtualHost *:443>
    ServerName stigman.example.org
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
"""


def _host(body: str) -> str:
    return HEAD + body + "</VirtualHost>\n"


def test_proxyset_in_proxy_section_before_proxypass(tmp_path: Path):
    text = _host(
        "    <Proxy http://stigman:54000/>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
    )
    report = lint_text(tmp_path, text)
    # The ProxySet defines the worker first, so the ProxyPass upgrade= is ignored.
    assert codes(report) == ["TIMEOUT-STREAM-CUT:7", "WEBSOCKET-UPGRADE:9"]
    cut = report.findings[0] if report.findings[0].rule == "TIMEOUT-STREAM-CUT" else report.findings[1]
    assert "(ProxySet timeout=10)" in cut.message
    assert cut.fix == "ProxySet timeout=3600"
    socket = next(f for f in report.findings if f.rule == "WEBSOCKET-UPGRADE")
    assert "ignores the ProxyPass parameters" in socket.message
    assert socket.fix.splitlines()[0] == "ProxySet upgrade=websocket"


def test_proxyset_after_proxypass_keeps_its_parameters(tmp_path: Path):
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    <Proxy http://stigman:54000/>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
    )
    assert codes(lint_text(tmp_path, text)) == ["TIMEOUT-STREAM-CUT:8"]


def test_proxyset_upgrade_in_proxy_section(tmp_path: Path):
    text = _host(
        "    <Proxy http://stigman:54000/>\n"
        "        ProxySet timeout=3600 upgrade=websocket\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/\n"
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_proxyset_shorter_name_defined_later_is_separate(tmp_path: Path):
    # <Proxy http://stigman:54000> after the ProxyPass defines a second worker,
    # and the request uses the longer name http://stigman:54000/.
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    <Proxy http://stigman:54000>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_proxyset_shorter_name_defined_first_is_shared(tmp_path: Path):
    text = _host(
        "    <Proxy http://stigman:54000>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
    )
    assert codes(lint_text(tmp_path, text)) == ["TIMEOUT-STREAM-CUT:7", "WEBSOCKET-UPGRADE:9"]


def test_proxyset_longer_name_changes_shared_worker(tmp_path: Path):
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    <Proxy http://stigman:54000/api/>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
    )
    assert codes(lint_text(tmp_path, text)) == ["TIMEOUT-STREAM-CUT:8"]


def test_proxy_section_without_proxyset_defines_no_worker(tmp_path: Path):
    text = _host(
        "    <Proxy http://stigman:54000/>\n"
        "        Require all granted\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket timeout=10\n"
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["TIMEOUT-STREAM-CUT:9"]
    assert report.findings[0].fix == (
        "ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket timeout=3600"
    )


def test_server_level_proxyset_with_url(tmp_path: Path):
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    ProxySet http://stigman:54000/ timeout=10\n"
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["TIMEOUT-STREAM-CUT:7"]
    assert report.findings[0].fix == "ProxySet http://stigman:54000/ timeout=3600"


def test_proxyset_for_other_backend_is_ignored(tmp_path: Path):
    text = _host(
        "    <Proxy http://keycloak:8080/>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_proxyset_flushpackets_is_reported_at_proxyset(tmp_path: Path):
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    <Proxy http://stigman:54000/>\n"
        "        ProxySet flushpackets=on\n"
        "    </Proxy>\n"
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["BUFFERING-INEFFECTIVE:8"]
    assert report.findings[0].fix == (
        "# remove this ProxySet line: it sets nothing that mod_proxy_http uses"
    )


def test_proxyset_flushpackets_keeps_other_keys_in_fix(tmp_path: Path):
    text = _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
        "    <Proxy http://stigman:54000/>\n"
        "        ProxySet flushpackets=on timeout=3600\n"
        "    </Proxy>\n"
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["BUFFERING-INEFFECTIVE:8"]
    assert report.findings[0].fix == "ProxySet timeout=3600"


def test_second_proxypass_to_same_backend_shares_worker(tmp_path: Path):
    # Lab, httpd 2.4.71: the second line's upgrade= and timeout= were ignored.
    text = _host(
        "    ProxyPass /other/ http://stigman:54000/\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket timeout=3600\n"
    )
    report = lint_text(tmp_path, text, mounts=("/stigman/",))
    socket = [f for f in report.findings if f.rule == "WEBSOCKET-UPGRADE"]
    assert [f.place.line for f in socket] == [7]
    assert "the ProxyPass at line 6 defines the worker" in socket[0].message
    assert socket[0].fix.splitlines()[0] == "ProxyPass /other/ http://stigman:54000/ upgrade=websocket"


def test_proxy_section_without_port_does_not_match(tmp_path: Path):
    # Lab, httpd 2.4.71: <Proxy http://stigman> left http://stigman:54000/ alone.
    text = _host(
        "    <Proxy http://stigman>\n"
        "        ProxySet timeout=10\n"
        "    </Proxy>\n"
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_host_proxypass_shares_main_server_worker(tmp_path: Path):
    # Lab, httpd 2.4.71: the host's upgrade= and timeout= were ignored.
    text = "ProxyPass /old/ http://stigman:54000/\n" + _host(
        "    ProxyPass /stigman/ http://stigman:54000/ upgrade=websocket\n"
    ).lstrip("\n")
    report = lint_text(tmp_path, text, mounts=("/stigman/",))
    socket = [f for f in report.findings if f.rule == "WEBSOCKET-UPGRADE"]
    assert [f.place.line for f in socket] == [7]
    assert "the ProxyPass at line 1 defines the worker" in socket[0].message
