"""SARIF output: the OASIS 2.1.0 schema, and what GitHub code scanning needs beyond it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from cli_helpers import CLEAN_NGINX, nginx_with, write
from stiglint import catalogue
from stiglint.findings import Finding, InputError, Place, Report, Severity
from stiglint.output import sarif

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def validate(document: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(document)


def run_sarif(cli, *args: str) -> tuple[int, dict]:
    outcome = cli("check", "--format", "sarif", *args)
    assert outcome.stderr == ""
    return outcome.exit_code, json.loads(outcome.stdout)


@pytest.fixture
def repo(tmp_path):
    """A repository root (it has .git) with the configuration in a subfolder."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_schema_accepts_findings(cli, repo):
    write(repo / "proxy" / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    code, document = run_sarif(cli, "proxy/nginx.conf")

    validate(document)
    assert code == 1
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    results = document["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results] == [("TIMEOUT-STREAM-CUT", 14)]


def test_clean_run_has_empty_results(cli, repo):
    write(repo / "nginx.conf", CLEAN_NGINX)

    code, document = run_sarif(cli, "nginx.conf")

    validate(document)
    assert code == 0
    run = document["runs"][0]
    assert "results" in run
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True


def test_parse_error_is_a_result(cli, repo):
    write(repo / "nginx.conf", "events {}\nhttp {\n    server {\n        listen 80\n")

    code, document = run_sarif(cli, "nginx.conf")

    validate(document)
    assert code == 2
    run = document["runs"][0]
    assert run["results"], "a broken configuration must not look clean"
    assert {r["ruleId"] for r in run["results"]} == {"INPUT-ERROR"}
    assert all(r["level"] == "error" for r in run["results"])
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["level"] for n in invocation["toolExecutionNotifications"]].count("error") == len(
        run["results"]
    )


def test_missing_file_is_a_result(cli, repo):
    code, document = run_sarif(cli, "absent/nginx.conf")

    validate(document)
    assert code == 2
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["INPUT-ERROR"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "absent/nginx.conf", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 1


def test_rule_index_matches_rule_id(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;", "client_max_body_size 1m;"))

    _, document = run_sarif(cli, "nginx.conf")

    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) >= 2
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_uri_relative_to_repository_root(cli, repo, monkeypatch):
    write(repo / "etc" / "nginx" / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))
    monkeypatch.chdir(repo / "etc")

    _, document = run_sarif(cli, "nginx/nginx.conf")

    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "etc/nginx/nginx.conf",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 14, "endLine": 14}
    base = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.resolve().as_uri() + "/"


def test_uri_percent_encodes_spaces(cli, repo):
    write(repo / "my proxy" / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    _, document = run_sarif(cli, "my proxy/nginx.conf")

    validate(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20proxy/nginx.conf"


def test_driver_lists_every_enabled_rule(cli, repo):
    write(repo / "nginx.conf", CLEAN_NGINX)

    _, document = run_sarif(cli, "nginx.conf")

    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "stiglint"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.id for rule in catalogue.RULES]
    for rule in driver["rules"]:
        entry = catalogue.get(rule["id"])
        assert rule["name"]
        assert rule["shortDescription"]["text"] == entry.summary
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["help"]["markdown"].startswith(f"# {entry.id}")
        assert rule["helpUri"].endswith(f"/rules/{entry.id}.md")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        properties = rule["properties"]
        assert entry.family in properties["tags"]
        assert properties["precision"] in ("very-high", "high", "medium", "low")
        assert 0.0 <= float(properties["security-severity"]) <= 10.0


def test_levels_follow_severity(cli, repo):
    write(repo / "nginx.conf", CLEAN_NGINX)

    _, document = run_sarif(cli, "nginx.conf")

    levels = {rule["id"]: rule["defaultConfiguration"]["level"]
              for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert levels["WEBSOCKET-UPGRADE"] == "error"
    assert levels["TIMEOUT-BELOW-RECOMMENDED"] == "warning"
    assert levels["SUPPRESSION-UNUSED"] == "note"


def test_ignored_rule_left_out_of_driver(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    code, document = run_sarif(cli, "nginx.conf", "--ignore", "TIMEOUT-STREAM-CUT,buffering")

    ids = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    assert "TIMEOUT-STREAM-CUT" not in ids
    assert "BUFFERING-FORCED" not in ids
    assert "INPUT-ERROR" in ids
    assert document["runs"][0]["results"] == []
    assert code == 0


def test_severity_override_changes_levels(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    code, document = run_sarif(cli, "nginx.conf", "--severity", "TIMEOUT-STREAM-CUT=info")

    validate(document)
    run = document["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "TIMEOUT-STREAM-CUT")
    assert rule["defaultConfiguration"]["level"] == "note"
    assert rule["properties"]["security-severity"] == "2.0"
    assert [r["level"] for r in run["results"]] == ["note"]
    assert code == 0


def fingerprints(document: dict) -> list[tuple[str, str]]:
    return [
        (result["ruleId"], result["partialFingerprints"][sarif.FINGERPRINT_KEY])
        for result in document["runs"][0]["results"]
    ]


def test_fingerprints_survive_moved_lines(cli, repo):
    config = repo / "nginx.conf"
    write(config, nginx_with("proxy_read_timeout 20s;"))
    _, before = run_sarif(cli, "nginx.conf")

    text = config.read_text(encoding="utf-8")
    write(config, "# a comment\n\n# and another\n" + text.replace("listen 80;", "listen 80;\n\n"))
    _, after = run_sarif(cli, "nginx.conf")

    line_before = before["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    line_after = after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert line_before["region"]["startLine"] != line_after["region"]["startLine"]
    assert fingerprints(before) == fingerprints(after)


def test_fingerprints_change_with_flagged_line(cli, repo):
    config = repo / "nginx.conf"
    write(config, nginx_with("proxy_read_timeout 20s;"))
    _, before = run_sarif(cli, "nginx.conf")

    write(config, nginx_with("proxy_read_timeout 25s;"))
    _, after = run_sarif(cli, "nginx.conf")

    assert fingerprints(before)[0][0] == fingerprints(after)[0][0]
    assert fingerprints(before)[0][1] != fingerprints(after)[0][1]


def test_fingerprints_unique_per_result(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;", "proxy_send_timeout 20s;",
                                          "client_max_body_size 1m;"))

    _, document = run_sarif(cli, "nginx.conf")

    keys = fingerprints(document)
    assert len(keys) >= 3
    assert len(set(keys)) == len(keys)


def test_github_limits_respected(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    _, document = run_sarif(cli, "nginx.conf")

    assert len(document["runs"]) <= 20
    run = document["runs"][0]
    assert len(run["results"]) <= sarif.MAX_RESULTS_PER_RUN
    assert len(run["tool"]["driver"]["rules"]) <= sarif.MAX_RULES_PER_RUN
    for rule in run["tool"]["driver"]["rules"]:
        assert len(rule["properties"]["tags"]) <= sarif.MAX_TAGS_PER_RULE
    for result in run["results"]:
        assert len(result["locations"]) == 1
        assert len(result["locations"]) <= sarif.MAX_LOCATIONS_PER_RESULT


def synthetic_report(count: int, file: str) -> Report:
    findings = [
        Finding("TIMEOUT-MISSING", Severity.WARNING, Place(file, line), f"message {line}")
        for line in range(1, count + 1)
    ]
    findings.append(Finding("WEBSOCKET-UPGRADE", Severity.ERROR, Place(file, count + 1), "ws"))
    return Report("haproxy", files=[file], findings=findings)


def test_results_capped_at_github_limit(tmp_path):
    file = str(tmp_path / "haproxy.cfg")
    report = synthetic_report(sarif.MAX_RESULTS_PER_RUN + 5, file)
    report.errors.append(InputError(Place(file, 3), "bad line"))

    document = sarif.document([report], root=tmp_path)

    run = document["runs"][0]
    results = run["results"]
    assert len(results) == sarif.MAX_RESULTS_PER_RUN
    assert results[-1]["ruleId"] == "INPUT-ERROR"
    assert any(r["ruleId"] == "WEBSOCKET-UPGRADE" for r in results)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("7 findings were left out" in n["message"]["text"] for n in notes)


def test_column_only_where_known(tmp_path):
    file = str(tmp_path / "nginx.conf")
    report = Report("nginx", files=[file], findings=[
        Finding("SUPPRESSION-UNUSED", Severity.INFO, Place(file, 4, 9), "unused"),
        Finding("TIMEOUT-STREAM-CUT", Severity.ERROR, Place(file, 7), "cut", end_line=9),
    ])

    document = sarif.document([report], root=tmp_path)

    validate(document)
    regions = [r["locations"][0]["physicalLocation"]["region"]
               for r in document["runs"][0]["results"]]
    assert regions == [
        {"startLine": 4, "endLine": 4, "startColumn": 9},
        {"startLine": 7, "endLine": 9},
    ]


def test_notes_become_notifications(tmp_path):
    file = str(tmp_path / "nginx.conf")
    report = Report("nginx", files=[file], notes=["mount not found"])

    document = sarif.document([report], root=tmp_path)

    validate(document)
    notes = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes == [{"level": "note", "message": {"text": "mount not found"}}]


def test_file_outside_root_gets_absolute_uri(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    file = str(tmp_path / "elsewhere" / "nginx.conf")
    report = Report("nginx", files=[file], findings=[
        Finding("TIMEOUT-STREAM-CUT", Severity.ERROR, Place(file, 7), "cut"),
    ])

    document = sarif.document([report], root=root)

    validate(document)
    artifact = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]
    assert artifact == {"uri": Path(file).as_uri()}


def test_output_file_holds_sarif(cli, repo):
    write(repo / "nginx.conf", nginx_with("proxy_read_timeout 20s;"))

    outcome = cli("check", "--format", "sarif", "-o", "out/stiglint.sarif", "nginx.conf")

    assert outcome.exit_code == 2
    assert "cannot write out/stiglint.sarif" in outcome.stderr

    (repo / "out").mkdir()
    outcome = cli("check", "--format", "sarif", "-o", "out/stiglint.sarif", "nginx.conf")

    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    document = json.loads((repo / "out" / "stiglint.sarif").read_text(encoding="utf-8"))
    validate(document)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["TIMEOUT-STREAM-CUT"]


def test_rule_missing_from_catalogue_gets_descriptor(tmp_path):
    file = str(tmp_path / "nginx.conf")
    report = Report("nginx", files=[file], findings=[
        Finding("NEW-RULE", Severity.WARNING, Place(file, 2), "new"),
    ])

    document = sarif.document([report], root=tmp_path)

    validate(document)
    run = document["runs"][0]
    result = run["results"][0]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "NEW-RULE"


def test_schema_copy_is_the_oasis_one():
    digest = hashlib.sha256(
        (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_bytes()
    ).hexdigest()

    assert SCHEMA["id"].endswith("/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
