"""The command line: formats, output files, standard input, entry files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli_helpers import CLEAN_NGINX, finding_keys, nginx_with, write
from stiglint import catalogue
from stiglint.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR


def test_clean_exit_zero(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)

    outcome = cli("check", "nginx.conf")

    assert outcome.exit_code == EXIT_CLEAN
    assert "No problems in 1 file" in outcome.stdout
    assert outcome.stderr == ""


def test_findings_exit_one(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    outcome = cli("check", "nginx.conf")

    assert outcome.exit_code == EXIT_FINDINGS
    assert "nginx.conf:14: error TIMEOUT-STREAM-CUT" in outcome.stdout
    assert outcome.stderr == ""


def test_fail_on_error_ignores_warnings(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 600s;"))

    warning = cli("check", "nginx.conf")
    error_only = cli("check", "--fail-on", "error", "nginx.conf")

    assert "TIMEOUT-BELOW-RECOMMENDED" in warning.stdout
    assert warning.exit_code == EXIT_FINDINGS
    assert error_only.exit_code == EXIT_CLEAN


def test_parse_error_exit_two(cli, tmp_path):
    write(tmp_path / "nginx.conf", "events {}\nhttp {\n")

    outcome = cli("check", "nginx.conf")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert "INPUT-ERROR" in outcome.stdout


def test_no_paths_no_entry(cli):
    outcome = cli("check")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert outcome.stdout == ""
    assert outcome.stderr == (
        "stiglint: error: no configuration file given: name one, such as "
        "/etc/nginx/nginx.conf, or set `entry` in .stiglint.toml\n"
    )


def test_json_shape(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    outcome = cli("check", "--format", "json", "nginx.conf")
    document = json.loads(outcome.stdout)

    assert outcome.exit_code == EXIT_FINDINGS
    assert set(document) == {"version", "findings", "errors", "targets", "notes", "summary"}
    item = document["findings"][0]
    assert item["rule"] == "TIMEOUT-STREAM-CUT"
    assert item["severity"] == "error"
    assert item["tags"] == ["timeout"]
    assert item["file"] == "nginx.conf"
    assert item["line"] == 14
    assert item["message"]
    assert item["fix"] == "proxy_read_timeout 3600s;"
    assert set(item) == {"rule", "severity", "tags", "file", "line", "end_line", "column",
                         "message", "fix", "endpoints"}
    assert document["summary"] == {"error": 1, "warning": 0, "info": 0, "input_errors": 0}


def test_json_input_error(cli, tmp_path):
    outcome = cli("check", "--format", "json", "missing.conf", "--server", "nginx")
    document = json.loads(outcome.stdout)

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert document["findings"] == []
    assert [(e["rule"], e["severity"], e["file"]) for e in document["errors"]] == [
        ("INPUT-ERROR", "error", "missing.conf")
    ]
    assert document["summary"]["input_errors"] == 1


def test_github_annotations(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "etc" / "nginx.conf", nginx_with("proxy_read_timeout 20s;",
                                                      "client_max_body_size 1m;"))
    monkeypatch.chdir(tmp_path / "etc")

    outcome = cli("check", "--format", "github", "nginx.conf")
    lines = outcome.stdout.splitlines()

    assert outcome.exit_code == EXIT_FINDINGS
    assert lines[0].startswith(
        "::error file=etc/nginx.conf,line=14,title=TIMEOUT-STREAM-CUT (error)::"
    )
    assert lines[0].endswith("%0AFix:%0Aproxy_read_timeout 3600s;")
    assert lines[1].startswith(
        "::error file=etc/nginx.conf,line=17,title=BODY-SIZE-LIMIT (error)::"
    )
    assert lines[2].startswith("Found 2 errors")
    assert len(lines) == 3


def test_github_escapes_properties(cli, tmp_path):
    write(tmp_path / "a,b:c%" / "nginx.conf", "events {}\nhttp {\n")

    outcome = cli("check", "--format", "github", "a,b:c%/nginx.conf")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert outcome.stdout.startswith("::error file=a%2Cb%3Ac%25/nginx.conf,line=")
    assert "title=INPUT-ERROR::" in outcome.stdout


def test_github_info_is_notice(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with(
        "proxy_read_timeout 3600s; # stiglint: ignore=TIMEOUT-STREAM-CUT"
    ))

    outcome = cli("check", "--format", "github", "nginx.conf")

    assert outcome.stdout.startswith(
        "::notice file=nginx.conf,line=14,col=39,title=SUPPRESSION-UNUSED (info)::"
    )
    assert outcome.exit_code == EXIT_CLEAN


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_output_file_every_format(cli, tmp_path, output_format):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    outcome = cli("check", "--format", output_format, "-o", "report.out", "nginx.conf")

    assert outcome.exit_code == EXIT_FINDINGS
    assert outcome.stdout == ""
    text = (tmp_path / "report.out").read_text(encoding="utf-8")
    assert "TIMEOUT-STREAM-CUT" in text
    assert [name for name in os.listdir(tmp_path) if name.startswith(".stiglint-")] == []


def test_output_file_never_an_input(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX.replace(
        "            proxy_read_timeout 3600s;\n", "            include timeouts.conf;\n"))
    write(tmp_path / "timeouts.conf", "proxy_read_timeout 3600s;\n")

    direct = cli("check", "-o", "nginx.conf", "nginx.conf")
    included = cli("check", "-o", "timeouts.conf", "nginx.conf")

    assert direct.exit_code == EXIT_INPUT_ERROR
    assert "-o nginx.conf names an input file" in direct.stderr
    assert included.exit_code == EXIT_INPUT_ERROR
    assert "-o timeouts.conf names an input file" in included.stderr
    assert (tmp_path / "nginx.conf").read_text(encoding="utf-8").startswith("events {}")
    assert (tmp_path / "timeouts.conf").read_text(encoding="utf-8") == (
        "proxy_read_timeout 3600s;\n"
    )


def test_stdin_with_filename(cli, tmp_path):
    write(tmp_path / "site" / "timeouts.conf", "proxy_read_timeout 20s;\n")
    text = CLEAN_NGINX.replace(
        "            proxy_read_timeout 3600s;\n", "            include timeouts.conf;\n"
    )

    outcome = cli("check", "--format", "json", "--stdin-filename", "site/nginx.conf", "-",
                  input=text)
    document = json.loads(outcome.stdout)

    assert outcome.exit_code == EXIT_FINDINGS
    assert [(f["rule"], f["file"], f["line"]) for f in document["findings"]] == [
        ("TIMEOUT-STREAM-CUT", os.path.join("site", "timeouts.conf"), 1)
    ]
    assert not (tmp_path / "site" / "nginx.conf").exists()


def test_stdin_places_renamed(cli, tmp_path):
    outcome = cli("check", "--format", "json", "--stdin-filename", "conf/nginx.conf", "-",
                  input=nginx_with("proxy_read_timeout 20s;"))
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:14"]
    assert document["findings"][0]["file"] == "conf/nginx.conf"
    assert [t["file"] for t in document["targets"]] == ["conf/nginx.conf"]


def test_stdin_suppression(cli, tmp_path):
    text = nginx_with("proxy_read_timeout 20s; # stiglint: ignore=TIMEOUT-STREAM-CUT")

    outcome = cli("check", "--format", "json", "-", input=text)
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == []
    assert outcome.exit_code == EXIT_CLEAN


def test_stdin_without_name_detects_content(cli):
    outcome = cli("check", "--format", "json", "-", input=nginx_with("proxy_read_timeout 20s;"))
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:14"]
    assert document["findings"][0]["file"] == "<stdin>"


def test_stdin_unknown_server(cli):
    outcome = cli("check", "-", input="just some words\n")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert "<stdin>: error INPUT-ERROR cannot tell whether" in outcome.stdout


def test_stdin_filename_needs_dash(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)

    outcome = cli("check", "--stdin-filename", "x.conf", "nginx.conf")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert outcome.stdout == ""
    assert "give '-' as a path too" in outcome.stderr


def test_stdin_only_once(cli):
    outcome = cli("check", "-", "-", input="events {}\n")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert "'-' (standard input) can be given only once" in outcome.stderr


def entry_tree(root):
    """Write nginx.conf, which includes conf.d/*.conf, and the app location in conf.d/app.conf."""
    write(root / "nginx" / "nginx.conf", """\
        events {}
        http {
            include conf.d/*.conf;
        }
    """)
    app = CLEAN_NGINX.split("http {\n", 1)[1].rsplit("}\n", 1)[0]
    write(root / "nginx" / "conf.d" / "app.conf", app.replace(
        "proxy_read_timeout 3600s;", "proxy_read_timeout 20s;"))
    write(root / "nginx" / "conf.d" / "timeouts.conf", "proxy_connect_timeout 5s;\n")
    write(root / ".stiglint.toml", 'entry = ["nginx/nginx.conf"]\n')


def test_fragment_linted_in_entry_context(cli, tmp_path):
    entry_tree(tmp_path)

    outcome = cli("check", "--format", "json", "nginx/conf.d/app.conf",
                  "nginx/conf.d/timeouts.conf")
    document = json.loads(outcome.stdout)

    assert outcome.exit_code == EXIT_FINDINGS
    assert [(f["rule"], os.path.relpath(f["file"]), f["line"]) for f in document["findings"]] == [
        ("TIMEOUT-STREAM-CUT", os.path.join("nginx", "conf.d", "app.conf"), 12)
    ]
    assert document["notes"] == []
    assert len(document["targets"]) == 1


def test_no_paths_lints_entries(cli, tmp_path):
    entry_tree(tmp_path)

    outcome = cli("check", "--format", "json")
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:12"]
    assert outcome.exit_code == EXIT_FINDINGS


def test_file_outside_entries_linted_alone(cli, tmp_path):
    entry_tree(tmp_path)
    write(tmp_path / "other" / "nginx.conf", nginx_with("client_max_body_size 1m;"))

    outcome = cli("check", "--format", "json", "other/nginx.conf")
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["BODY-SIZE-LIMIT:17"]
    assert len(document["notes"]) == 1
    assert "is not included by any entry file" in document["notes"][0]


def test_entry_option_overrides_file(cli, tmp_path):
    entry_tree(tmp_path)
    write(tmp_path / "alt.conf", "events {}\nhttp {\n    include nginx/conf.d/app.conf;\n}\n")

    outcome = cli("check", "--format", "json", "--entry", "alt.conf", "nginx/conf.d/app.conf")
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:12"]
    assert [os.path.relpath(t["file"]) for t in document["targets"]] == [
        os.path.join("nginx", "conf.d", "app.conf")
    ]
    assert document["notes"] == []


def test_missing_entry_reported(cli, tmp_path):
    entry_tree(tmp_path)
    write(tmp_path / ".stiglint.toml", 'entry = ["nginx/nginx.conf", "nginx/gone.conf"]\n')

    outcome = cli("check", "--format", "json", "nginx/conf.d/app.conf")
    document = json.loads(outcome.stdout)

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:12"]
    assert [os.path.relpath(e["file"]) for e in document["errors"]] == [
        os.path.join("nginx", "gone.conf")
    ]
    assert "file not found" in document["errors"][0]["message"]


def test_rules_lists_every_rule(cli):
    outcome = cli("rules")
    lines = outcome.stdout.splitlines()

    assert outcome.exit_code == 0
    assert [line.split()[0] for line in lines] == [rule.id for rule in catalogue.RULES]
    for line, rule in zip(lines, catalogue.RULES):
        assert line.split()[1] == rule.family
        assert line.split()[2] == rule.severity.label
        assert line.endswith(rule.summary)


def test_rule_prints_page(cli):
    outcome = cli("rule", "suppression-unused")

    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("# SUPPRESSION-UNUSED: ")
    assert "```nginx fail" in outcome.stdout


def test_rule_unknown_id(cli):
    outcome = cli("rule", "NOPE")

    assert outcome.exit_code == EXIT_INPUT_ERROR
    assert outcome.stdout == ""
    assert outcome.stderr == "stiglint: error: unknown rule 'NOPE'; `stiglint rules` lists them\n"


def test_console_script_runs(tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    result = subprocess.run(
        [sys.executable, "-m", "stiglint", "check", "--format", "sarif", "nginx.conf"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == EXIT_FINDINGS
    assert json.loads(result.stdout)["runs"][0]["results"][0]["ruleId"] == "TIMEOUT-STREAM-CUT"
    assert result.stderr == ""


def test_help_names_config_table(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")

    outcome = cli("check", "--help")

    assert outcome.exit_code == 0
    assert "pyproject.toml with [tool.stiglint])" in outcome.stdout
