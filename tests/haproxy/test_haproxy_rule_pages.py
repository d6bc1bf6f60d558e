"""The HAProxy examples of every rule page raise, or do not raise, their rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stiglint import catalogue, haproxy
from stiglint.settings import Settings

RULES = Path(__file__).resolve().parents[2] / "rules"
_FENCE = re.compile(r"^```haproxy (fail|pass)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _haproxy_section(rule_id: str) -> str:
    text = (RULES / f"{rule_id}.md").read_text(encoding="utf-8")
    section = text.split("\n## HAProxy\n", 1)[1]
    return re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]


# Suppressions are applied after the adapter runs, so that page's examples are run
# through the whole pipeline in tests/test_catalogue.py instead.
PIPELINE_ONLY = {"SUPPRESSION-UNUSED"}


def _examples():
    for rule in catalogue.RULES:
        if rule.id in PIPELINE_ONLY:
            continue
        for index, match in enumerate(_FENCE.finditer(_haproxy_section(rule.id))):
            yield pytest.param(
                rule.id, match.group(1), match.group(2), id=f"{rule.id}-{index}"
            )


@pytest.mark.parametrize("rule", [rule.id for rule in catalogue.RULES])
def test_haproxy_section_is_written(rule):
    section = _haproxy_section(rule)
    assert "TO BE WRITTEN" not in section
    verdicts = {match.group(1) for match in _FENCE.finditer(section)}
    if "haproxy" in catalogue.get(rule).servers:
        assert verdicts == {"fail", "pass"}
    else:
        assert verdicts == set()


@pytest.mark.parametrize(("rule", "verdict", "config"), list(_examples()))
def test_haproxy_example(tmp_path, rule, verdict, config):
    path = tmp_path / "haproxy.cfg"
    path.write_text(config, encoding="utf-8")
    report = haproxy.lint(str(path), Settings())
    raised = {finding.rule for finding in report.findings}
    if rule == "INPUT-ERROR":
        assert bool(report.errors) is (verdict == "fail")
        return
    assert report.errors == []
    assert (rule in raised) is (verdict == "fail"), sorted(raised)
