"""Configuration files: discovery, keys, errors, and command-line options over them."""

from __future__ import annotations

import json

import pytest

from cli_helpers import CLEAN_NGINX, finding_keys, nginx_with, write
from stiglint import config
from stiglint.findings import Severity
from stiglint.run import resolve


def lint_json(cli, *args: str):
    outcome = cli("check", "--format", "json", *args)
    return outcome, json.loads(outcome.stdout) if outcome.stdout else None


def test_ignore_in_stiglint_toml(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / ".stiglint.toml", 'ignore = ["TIMEOUT-STREAM-CUT"]\n')

    outcome, document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []
    assert outcome.exit_code == 0
    assert outcome.stderr == ""


def test_found_in_parent_directory(cli, tmp_path, monkeypatch):
    write(tmp_path / "etc" / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / ".stiglint.toml", 'ignore = ["TIMEOUT-STREAM-CUT"]\n')
    monkeypatch.chdir(tmp_path / "etc")

    outcome, document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []
    assert outcome.exit_code == 0


def test_pyproject_tool_table(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / "pyproject.toml", """\
        [project]
        name = "proxies"

        [tool.stiglint]
        severity = { "TIMEOUT-STREAM-CUT" = "info" }
    """)

    outcome, document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:14"]
    assert document["findings"][0]["severity"] == "info"
    assert outcome.exit_code == 0


def test_pyproject_without_table_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "y"\n')
    write(tmp_path / ".stiglint.toml", "select = []\n")

    assert config.find(tmp_path / "sub") == tmp_path / ".stiglint.toml"


def test_stiglint_toml_wins_in_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.stiglint]\nselect = []\n")
    write(tmp_path / ".stiglint.toml", "select = []\n")

    assert config.find(tmp_path) == tmp_path / ".stiglint.toml"


def test_nearest_file_wins(tmp_path):
    write(tmp_path / ".stiglint.toml", "select = []\n")
    write(tmp_path / "a" / "pyproject.toml", "[tool.stiglint]\nselect = []\n")

    assert config.find(tmp_path / "a") == tmp_path / "a" / "pyproject.toml"


def test_no_file_found(tmp_path):
    (tmp_path / "empty").mkdir()

    found = config.find(tmp_path / "empty")

    assert found is None or not str(found).startswith(str(tmp_path))


def test_config_option_names_file(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / "settings" / "lint.toml", 'ignore = ["timeout"]\n')
    write(tmp_path / ".stiglint.toml", 'select = ["body-size"]\n')

    outcome, document = lint_json(cli, "--config", "settings/lint.toml", "nginx.conf")

    assert finding_keys(document) == []
    assert outcome.exit_code == 0


def test_no_config_skips_file(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / ".stiglint.toml", 'ignore = ["TIMEOUT-STREAM-CUT"]\n')

    outcome, document = lint_json(cli, "--no-config", "nginx.conf")

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:14"]
    assert outcome.exit_code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ignor = []\n", "unknown key 'ignor' (did you mean 'ignore'?)"),
        ("fail_on = 'error'\n", "unknown key 'fail_on' (did you mean 'fail-on'?)"),
        ("ignore = ['NOT-A-RULE']\n", "ignore: unknown rule or family 'NOT-A-RULE'"),
        ("ignore = 3\n", "ignore must be a list of strings, got 3"),
        ("ignore = ['INPUT-ERROR']\n", "INPUT-ERROR cannot be ignored"),
        ("select = ['timeout', 7]\n", "select must be a list of strings"),
        ("severity = { 'TIMEOUT-MISSING' = 'fatal' }\n",
         "severity.TIMEOUT-MISSING: invalid severity 'fatal'"),
        ("severity = { 'NOPE' = 'error' }\n", "severity.NOPE: unknown rule 'NOPE'"),
        ("severity = 'error'\n", "severity must be a table"),
        ("fail-on = 'sometimes'\n", "fail-on must be one of error, warning, info, never"),
        ("mounts = ['stigman/']\n", "mounts: mount path 'stigman/' must start with '/'"),
        ("server = 'caddy'\n", "server must be one of nginx, apache, haproxy"),
        ("versions = { nginx = 'latest' }\n", "versions.nginx: invalid version 'latest'"),
        ("versions = { caddy = '2.0' }\n", "unknown key 'versions.caddy'"),
        ("body-size-min = '100 parsecs'\n", "body-size-min must be a size such as \"100m\""),
        ("body-size-min = 0\n", "body-size-min must be greater than 0"),
        ("timeout-error = 'soon'\n", "timeout-error must be a duration such as \"30s\""),
        ("timeout-warning = -5\n", "timeout-warning must be greater than 0"),
        ("timeout-error = '2h'\n", "timeout-error (7200 s) must not be greater than "
                                   "timeout-warning (3600 s)"),
        ("entry = [1]\n", "entry must be a list of strings"),
        ("[tool.stiglint]\nselect = []\n", "unknown key 'tool'"),
        ("ignore = [\n", "invalid TOML"),
    ],
)
def test_bad_value_names_key_and_file(cli, tmp_path, text, expected):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)
    write(tmp_path / ".stiglint.toml", text)

    outcome = cli("check", "nginx.conf")

    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert str(tmp_path / ".stiglint.toml") in outcome.stderr
    assert expected in outcome.stderr
    assert outcome.stderr.startswith("stiglint: error: ")
    assert outcome.stderr.count("\n") == 1


def test_bad_pyproject_key_names_table(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)
    write(tmp_path / "pyproject.toml", "[tool.stiglint]\nignored = []\n")

    outcome = cli("check", "nginx.conf")

    assert outcome.exit_code == 2
    assert "unknown key 'tool.stiglint.ignored'" in outcome.stderr
    assert str(tmp_path / "pyproject.toml") in outcome.stderr


def test_missing_config_file(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)

    outcome = cli("check", "--config", "nowhere.toml", "nginx.conf")

    assert outcome.exit_code == 2
    assert "nowhere.toml: configuration file not found" in outcome.stderr


def test_command_line_wins_over_file(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / ".stiglint.toml", """\
        severity = { "TIMEOUT-STREAM-CUT" = "info" }
        fail-on = "never"
    """)

    outcome, document = lint_json(
        cli, "--severity", "TIMEOUT-STREAM-CUT=warning", "--fail-on", "warning", "nginx.conf"
    )

    assert document["findings"][0]["severity"] == "warning"
    assert outcome.exit_code == 1


def test_file_fail_on_applies(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    write(tmp_path / ".stiglint.toml", 'fail-on = "never"\n')

    outcome, document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == ["TIMEOUT-STREAM-CUT:14"]
    assert outcome.exit_code == 0


def test_select_family_keeps_only_it(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;", "client_max_body_size 1m;"))

    _, everything = lint_json(cli, "nginx.conf")
    _, selected = lint_json(cli, "--select", "body-size", "nginx.conf")

    assert finding_keys(everything) == ["TIMEOUT-STREAM-CUT:14", "BODY-SIZE-LIMIT:17"]
    assert finding_keys(selected) == ["BODY-SIZE-LIMIT:17"]


def test_thresholds_reach_the_checks(cli, tmp_path):
    write(tmp_path / "nginx.conf", nginx_with("proxy_read_timeout 20s;", "client_max_body_size 50m;"))
    write(tmp_path / ".stiglint.toml", """\
        timeout-error = "10s"
        timeout-warning = "15s"
        body-size-min = "50m"
    """)

    outcome, document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []
    assert outcome.exit_code == 0

    outcome, document = lint_json(cli, "--timeout-warning", "1h", "nginx.conf")

    assert sorted(finding_keys(document)) == ["TIMEOUT-BELOW-RECOMMENDED:14"]
    assert outcome.exit_code == 1


def test_mounts_and_versions_reach_settings(tmp_path):
    write(tmp_path / ".stiglint.toml", """\
        mounts = ["/stigman", "/other/"]
        versions = { nginx = "1.25.3", haproxy = "2.8" }
        prefix = "etc"
        entry = ["etc/nginx.conf"]
        server = "nginx"
    """)

    run = resolve(config.load(tmp_path / ".stiglint.toml"))

    assert run.settings.mounts == ("/stigman/", "/other/")
    assert str(run.settings.version("nginx")) == "1.25.3"
    assert str(run.settings.version("haproxy")) == "2.8"
    assert run.settings.prefix == str(tmp_path / "etc")
    assert run.entries == (str(tmp_path / "etc" / "nginx.conf"),)
    assert run.server == "nginx"


def test_defaults_without_file():
    run = resolve(config.Options())

    assert run.settings.timeout_error_seconds == 30
    assert run.settings.timeout_warning_seconds == 3600
    assert run.settings.body_size_min == 100 * 1024 * 1024
    assert run.fail_on is Severity.WARNING
    assert run.select is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("500ms", 0.5), ("2m", 120), ("1h", 3600), ("1d", 86400), (45, 45), ("7", 7)],
)
def test_durations_parse(text, seconds):
    assert config.parse_seconds(text, "timeout-error", "here") == seconds


@pytest.mark.parametrize(
    ("text", "size"),
    [("100m", 100 * 1024**2), ("1g", 1024**3), ("512k", 512 * 1024), (2048, 2048), ("10MB", 10 * 1024**2)],
)
def test_sizes_parse(text, size):
    assert config.parse_size(text, "body-size-min", "here") == size


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "NOPE"], "--select: unknown rule or family 'NOPE'"),
        (["--ignore", "input"], "--ignore: INPUT-ERROR cannot be ignored"),
        (["--severity", "TIMEOUT-MISSING"], "expected RULE=LEVEL"),
        (["--severity", "TIMEOUT-MISSING=loud"], "invalid severity 'loud'"),
        (["--mount", "stigman"], "must start with '/'"),
        (["--nginx-version", "new"], "--nginx-version: invalid version 'new'"),
        (["--body-size-min", "big"], "--body-size-min must be a size"),
        (["--timeout-error", "5x"], "--timeout-error must be a duration"),
        (["--config", "a.toml", "--no-config"], "cannot be used together"),
    ],
)
def test_bad_option_is_one_line_error(cli, tmp_path, args, expected):
    write(tmp_path / "nginx.conf", CLEAN_NGINX)

    outcome = cli("check", *args, "nginx.conf")

    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert expected in outcome.stderr
    assert outcome.stderr.count("\n") == 1
