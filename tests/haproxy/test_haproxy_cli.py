"""The command line for HAProxy: --combine, --haproxy-version, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stiglint.cli import app

runner = CliRunner()

FRONTEND = """\
defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 30
    timeout tunnel 3600s

frontend public
    bind :80
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    default_backend stigman
"""
BACKEND = "backend stigman\n    server app1 127.0.0.1:54000\n"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_combine_reads_files_as_one(tmp_path):
    first = _write(tmp_path, "a.cfg", FRONTEND)
    second = _write(tmp_path, "b.cfg", BACKEND)
    result = runner.invoke(
        app, ["check", "--combine", "--format", "json", first, second]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    rules = [(f["rule"], f["line"]) for f in data["findings"]]
    assert rules == [("TIMEOUT-UNITLESS", 5)]


def test_without_combine_files_stand_alone(tmp_path):
    first = _write(tmp_path, "a.cfg", FRONTEND)
    result = runner.invoke(app, ["check", "--format", "json", first])
    assert result.exit_code == 2, result.output
    errors = json.loads(result.output)["errors"]
    assert [(e["line"], e["message"]) for e in errors] == [
        (13, "default_backend names backend 'stigman', which is not defined")
    ]


def test_combine_rejects_other_servers(tmp_path):
    first = _write(tmp_path, "a.cfg", FRONTEND)
    result = runner.invoke(app, ["check", "--combine", "--server", "nginx", first])
    assert result.exit_code == 2


def test_haproxy_version_invalid(tmp_path):
    first = _write(tmp_path, "a.cfg", FRONTEND)
    result = runner.invoke(app, ["check", "--haproxy-version", "two", first])
    assert result.exit_code == 2
    assert "--haproxy-version: invalid version 'two'" in result.output


def test_haproxy_version_decides_if(tmp_path):
    text = ".if version_atleast(2.8)\n" + BACKEND.replace("54000", "54000\n.endif")
    path = _write(tmp_path, "a.cfg", "global\n" + text)
    result = runner.invoke(
        app, ["check", "--haproxy-version", "2.6", "--format", "json", path]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["notes"] == []


def test_input_error_exit_code(tmp_path):
    path = _write(tmp_path, "bad.cfg", 'frontend fe\n    bind "x\n')
    result = runner.invoke(app, ["check", path])
    assert result.exit_code == 2
