"""The command line on Apache httpd configurations: detection, version option, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from stiglint.cli import app
from stiglint.linter import detect_server

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "apache"
runner = CliRunner()


def test_samples_exit_codes():
    assert runner.invoke(app, ["check", str(SAMPLES / "pass.conf")]).exit_code == 0
    assert runner.invoke(app, ["check", str(SAMPLES / "fail-websocket.conf")]).exit_code == 1
    assert runner.invoke(app, ["check", str(SAMPLES / "fail-input.conf")]).exit_code == 2


def test_info_findings_pass_by_default():
    result = runner.invoke(app, ["check", str(SAMPLES / "fail-body-size.conf")])
    assert result.exit_code == 0
    assert "BODY-SIZE-INEFFECTIVE" in result.output


def test_every_family_sample_fails():
    expected = {
        "body-size": "BODY-SIZE-INEFFECTIVE", "buffering": "BUFFERING-INEFFECTIVE",
        "websocket": "WEBSOCKET-UPGRADE", "timeout": "TIMEOUT-STREAM-CUT",
        "forwarded-headers": "FORWARDED-HOST", "client-cert": "CLIENT-CERT-DEPTH",
        "routing": "ROUTE-SHADOWED", "input": "INPUT-ERROR",
    }
    for family, rule in expected.items():
        result = runner.invoke(
            app, ["check", "--fail-on", "info", str(SAMPLES / f"fail-{family}.conf")]
        )
        assert result.exit_code in (1, 2), family
        assert rule in result.output, family


def test_apache_version_option():
    path = str(SAMPLES / "pass.conf")
    old = runner.invoke(app, ["check", "--apache-version", "2.4.46", path])
    assert old.exit_code == 1
    assert "WEBSOCKET-UPGRADE" in old.output
    bad = runner.invoke(app, ["check", "--apache-version", "two", path])
    assert bad.exit_code == 2


def test_json_output_names_apache(tmp_path: Path):
    out = tmp_path / "report.json"
    runner.invoke(app, ["check", "--format", "json", "-o", str(out), str(SAMPLES / "fail-timeout.conf")])
    text = out.read_text(encoding="utf-8")
    assert "apache" in text
    assert "TIMEOUT-STREAM-CUT" in text
    json.loads(text)


def test_detect_apache_by_name_and_content(tmp_path: Path):
    assert detect_server(str(SAMPLES / "pass.conf")) == "apache"
    fragment = tmp_path / "site.conf"
    fragment.write_text("<VirtualHost *:80>\nProxyPass / http://a/\n</VirtualHost>\n", encoding="utf-8")
    assert detect_server(str(fragment)) == "apache"


def test_prefix_sets_server_root(tmp_path: Path):
    root = tmp_path / "root"
    (root / "sites").mkdir(parents=True)
    (root / "sites" / "stigman.conf").write_text(
        "<VirtualHost *:80>\nProxyPass / http://stigman:54000/\n</VirtualHost>\n", encoding="utf-8"
    )
    main = tmp_path / "httpd.conf"
    main.write_text("ServerRoot /nonexistent/httpd\nInclude sites/*.conf\n", encoding="utf-8")
    without = runner.invoke(app, ["check", str(main)])
    assert without.exit_code == 2
    assert "matches no file" in without.output
    given = runner.invoke(app, ["check", "--prefix", str(root), str(main)])
    assert "WEBSOCKET-UPGRADE" in given.output
    assert given.exit_code == 1
