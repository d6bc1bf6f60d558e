"""`stiglint check` end to end: output, JSON shape and exit codes, in a subprocess."""

import json
import os
import subprocess
import sys

import pytest

from paths import REPO

SAMPLES = REPO / "samples" / "nginx"


def run(*args, env=None, cwd=None):
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment.pop("STIGLINT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "stiglint", *args],
        capture_output=True, text=True, env=environment, cwd=cwd, timeout=60,
    )


def test_clean_sample_exits_zero():
    result = run("check", str(SAMPLES / "pass.conf"))
    assert result.returncode == 0
    assert "No problems in 1 file (1 STIG Manager location checked)." in result.stdout
    assert "location /stigman/" in result.stdout
    assert result.stderr == ""


def test_failing_sample_output():
    result = run("check", str(SAMPLES / "fail-websocket.conf"), cwd="/")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    finding = next(line for line in lines if "WEBSOCKET-UPGRADE" in line)
    assert finding.startswith(f"{SAMPLES / 'fail-websocket.conf'}:22: error WEBSOCKET-UPGRADE ")
    assert "    fix: proxy_http_version 1.1;" in lines
    assert lines[-1] == "Found 1 error in 1 file (1 STIG Manager location checked)."


def test_piped_output_has_no_escape_codes():
    result = run("check", str(SAMPLES / "fail-timeout.conf"), env={"NO_COLOR": "", "TERM": "xterm"})
    assert "\x1b[" not in result.stdout


def test_relative_paths_stay_relative():
    result = run("check", "samples/nginx/fail-body-size.conf", cwd=REPO)
    assert "samples/nginx/fail-body-size.conf:20: error BODY-SIZE-LIMIT" in result.stdout


def test_fail_on_threshold():
    path = str(SAMPLES / "fail-forwarded-headers.conf")
    assert run("check", path).returncode == 1
    assert run("check", "--fail-on", "never", path).returncode == 0
    warning_only = str(REPO / "samples" / "nginx" / "pass.conf")
    assert run("check", "--fail-on", "info", warning_only).returncode == 0


def test_json_shape():
    result = run("check", "--format", "json", str(SAMPLES / "fail-buffering.conf"))
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert set(document) >= {"findings", "errors", "targets", "summary"}
    finding = document["findings"][0]
    assert set(finding) >= {"rule", "severity", "tags", "file", "line", "message", "fix"}
    assert finding["rule"] == "BUFFERING-FORCED"
    assert finding["severity"] == "error"
    assert finding["tags"] == ["buffering"]
    assert finding["file"] == str(SAMPLES / "fail-buffering.conf")
    assert finding["line"] == 32
    assert document["targets"][0]["reason"] == "proxy_pass host 'stigman' is named like STIG Manager"


def test_output_file(tmp_path):
    target = tmp_path / "report.json"
    result = run("check", "--format", "json", "-o", str(target), str(SAMPLES / "pass.conf"))
    assert result.returncode == 0
    assert result.stdout == ""
    assert json.loads(target.read_text())["findings"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http {\n  server {\n    listen 80\n  }\n}\n", ':3: error INPUT-ERROR directive "listen" is not terminated'),
        ('http {\n  add_header X "y;\n}\n', ":2: error INPUT-ERROR unterminated quoted string"),
        ("http {\n  include missing.conf;\n}\n", ':2: error INPUT-ERROR include file "'),
    ],
)
def test_bad_input_exits_two_without_traceback(tmp_path, text, expected):
    path = tmp_path / "nginx.conf"
    path.write_text(text)
    result = run("check", str(path))
    assert result.returncode == 2
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_input_never_looks_clean(tmp_path):
    path = tmp_path / "nginx.conf"
    path.write_text("http { server { location /stigman/ { proxy_pass http://stigman:54000/ } } }\n")
    result = run("check", "--fail-on", "never", str(path))
    assert result.returncode == 2
    assert "No problems" not in result.stdout


def test_missing_file_exits_two(tmp_path):
    result = run("check", str(tmp_path / "absent.conf"), "--server", "nginx")
    assert result.returncode == 2
    assert "not found" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_server_type_exits_two(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n")
    result = run("check", str(path))
    assert result.returncode == 2
    assert "name the server with --server" in result.stdout


def test_usage_errors_exit_two():
    assert run("check").returncode == 2
    assert run("check", "--format", "yaml", str(SAMPLES / "pass.conf")).returncode == 2
    result = run("check", "--mount", "stigman", str(SAMPLES / "pass.conf"))
    assert result.returncode == 2
    assert "must start with '/'" in result.stderr
    result = run("check", "--nginx-version", "latest", str(SAMPLES / "pass.conf"))
    assert result.returncode == 2
    assert "invalid version" in result.stderr


def test_mount_option(tmp_path):
    path = tmp_path / "nginx.conf"
    path.write_text("http { server { location /app/ { proxy_pass http://10.0.0.1:8080/; } } }\n")
    assert run("check", str(path)).returncode == 0
    result = run("check", "--mount", "/app", str(path))
    assert result.returncode == 1
    assert "mount path /app/ given in the settings" in result.stdout


def test_broken_pipe_is_quiet():
    command = f"{sys.executable} -m stiglint check {SAMPLES / 'fail-timeout.conf'} | head -c 10"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr


def test_version_and_rules():
    assert run("--version").stdout.startswith("stiglint ")
    rules = run("rules")
    assert rules.returncode == 0
    assert "WEBSOCKET-UPGRADE" in rules.stdout
    page = run("rule", "websocket-upgrade")
    assert page.returncode == 0
    assert page.stdout.startswith("# WEBSOCKET-UPGRADE")
    assert run("rule", "NO-SUCH-RULE").returncode == 2


def test_latin1_on_standard_input(tmp_path):
    text = (SAMPLES / "pass.conf").read_bytes().replace(b"# STIG", b"# caf\xe9 STIG", 1)
    environment = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "stiglint", "check", "--no-config", "--stdin-filename", "nginx.conf", "-"],
        input=text, capture_output=True, env=environment, timeout=60, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert b"No problems" in result.stdout


def test_latin1_configuration_file_is_a_clear_error(tmp_path):
    (tmp_path / ".stiglint.toml").write_bytes(b'# caf\xe9\nignore = ["FORWARDED-HOST"]\n')
    result = run("check", str(SAMPLES / "pass.conf"), cwd=tmp_path)
    assert result.returncode == 2
    assert "is not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_mount_that_nothing_serves_fails(tmp_path):
    result = run("check", "--no-config", "--mount", "/wrong/", str(SAMPLES / "pass.conf"))
    assert result.returncode == 1
    assert "ROUTE-SHADOWED" in result.stdout
    assert "mount path /wrong/ given with --mount or in the configuration file" in result.stdout


def test_mount_list_split_on_commas(tmp_path):
    result = run("check", "--no-config", "--format", "json", "--mount", "/stigman/,/other/",
                 str(SAMPLES / "pass.conf"))
    document = json.loads(result.stdout)
    assert [t["mount"] for t in document["targets"]] == ["/stigman/"]
    assert [f["rule"] for f in document["findings"]] == ["ROUTE-SHADOWED"]
    assert "mount path /other/ given" in document["findings"][0]["message"]
    assert result.returncode == 1


def test_combine_rejects_other_servers():
    result = run("check", "--no-config", "--combine", str(SAMPLES / "pass.conf"))
    assert result.returncode == 2
    assert "--combine reads HAProxy configurations only" in result.stderr
