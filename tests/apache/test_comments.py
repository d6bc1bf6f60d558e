"""Apache httpd has no end-of-line comments: a later `#` is passed to the directive."""

from __future__ import annotations

from pathlib import Path

from stiglint import suppress
from stiglint.findings import Report

from .helpers import codes, error_lines, lint_text, write

HOST = """
Timeout 3600
<VirtualHost *:443>
    ServerName stigman.example.org
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
    ProxyPass / http://stigman:54000/ upgrade=websocket
    ProxyTimeout 20
</VirtualHost>
"""


def _lint_with_suppressions(tmp_path: Path, text: str) -> Report:
    report = lint_text(tmp_path, text)
    suppress.apply(report)
    return report


def test_end_of_line_comment_is_input_error(tmp_path: Path):
    text = HOST.replace("ProxyTimeout 20", "ProxyTimeout 20  # raised later")
    report = lint_text(tmp_path, text)
    assert error_lines(report) == [("httpd.conf", 7)]
    message = report.errors[0].message
    assert message.startswith("'# raised later' after the arguments of ProxyTimeout")
    assert "httpd passes it to ProxyTimeout as arguments" in message
    assert "must start a line" in report.errors[0].hint
    # The directive keeps the arguments before the '#', so its own finding stays.
    assert codes(report) == ["TIMEOUT-STREAM-CUT:7"]


def test_proxypass_comment_word_fix(tmp_path: Path):
    text = HOST.replace(" upgrade=websocket", "  # see ticket")
    report = lint_text(tmp_path, text)
    assert error_lines(report) == [("httpd.conf", 6)]
    socket = [f for f in report.findings if f.rule == "WEBSOCKET-UPGRADE"]
    assert [f.place.line for f in socket] == [6]
    assert socket[0].fix == "ProxyPass / http://stigman:54000/ upgrade=websocket"


def test_quoted_or_inner_hash_is_not_a_comment(tmp_path: Path):
    text = HOST.replace(
        "    ProxyTimeout 20\n",
        '    RequestHeader set X-Note "# kept"\n    Header set X-Id a#b\n',
    )
    report = lint_text(tmp_path, text)
    assert report.errors == []
    assert codes(report) == []


def test_end_of_line_suppression_is_not_honoured(tmp_path: Path):
    text = HOST.replace("ProxyTimeout 20", "ProxyTimeout 20  # stiglint: ignore=TIMEOUT-STREAM-CUT")
    report = _lint_with_suppressions(tmp_path, text)
    assert error_lines(report) == [("httpd.conf", 7)]
    assert codes(report) == ["TIMEOUT-STREAM-CUT:7"]


def test_own_line_suppression_is_honoured(tmp_path: Path):
    text = HOST.replace(
        "    ProxyTimeout 20", "    # stiglint: ignore=TIMEOUT-STREAM-CUT\n    ProxyTimeout 20"
    )
    report = _lint_with_suppressions(tmp_path, text)
    assert report.errors == []
    assert codes(report) == []


def test_scan_own_line_only(tmp_path: Path):
    text = "ProxyTimeout 20 # stiglint: ignore=X\n  # stiglint: ignore=Y\nTimeout 20\n"
    path = write(tmp_path, "a.conf", text)
    everywhere = suppress.scan(text, str(path), [])
    own_line = suppress.scan(text, str(path), [], own_line_only=True)
    assert [(s.line, s.rules) for s in everywhere] == [(1, ("X",)), (2, ("Y",))]
    assert [(s.line, s.rules, s.first) for s in own_line] == [(2, ("Y",), 3)]
