"""Wording of Apache messages that users act on: units, assumed conditions, the guide."""

from __future__ import annotations

from pathlib import Path

from .helpers import GOOD_HOST, codes, lint_text

HOST = GOOD_HOST


def test_timeout_unit_is_explained(tmp_path: Path):
    report = lint_text(tmp_path, "ProxyTimeout 1h\n" + HOST.lstrip("\n"))
    assert codes(report) == ["TIMEOUT-STREAM-CUT:1"]
    message = report.findings[0].message
    assert "time out after 1 s without data" in message
    assert (
        "(ProxyTimeout 1h, read as 1 s because httpd reads only the leading number and "
        "ignores the unit)" in message
    )


def test_timeout_key_unit_is_explained(tmp_path: Path):
    report = lint_text(tmp_path, HOST.replace("upgrade=websocket", "upgrade=websocket timeout=2ms"))
    assert codes(report) == ["TIMEOUT-STREAM-CUT:6"]
    assert "(timeout=2ms, read as 2 s because httpd" in report.findings[0].message


def test_timeout_seconds_suffix_needs_no_explanation(tmp_path: Path):
    report = lint_text(tmp_path, HOST.replace("upgrade=websocket", "upgrade=websocket timeout=20s"))
    assert codes(report) == ["TIMEOUT-STREAM-CUT:6"]
    assert "(timeout=20s)" in report.findings[0].message
    assert "leading number" not in report.findings[0].message


def test_below_recommended_names_the_guide(tmp_path: Path):
    report = lint_text(tmp_path, HOST.replace("Timeout 3600", "Timeout 600"))
    assert codes(report) == ["TIMEOUT-BELOW-RECOMMENDED:1"]
    message = report.findings[0].message
    assert "STIG Manager's reverse-proxy guide recommends 3600" in message


def test_assumed_condition_note(tmp_path: Path):
    text = "<IfDefine SSL>\n" + HOST.lstrip("\n") + "</IfDefine>\n"
    report = lint_text(tmp_path, text)
    assert len(report.notes) == 1
    assert report.notes[0].endswith(
        "<IfDefine SSL> depends on a name that only the command line (-D) could define, "
        "so its contents were read as if the condition were true"
    )
