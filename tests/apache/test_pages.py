"""The `apache fail` and `apache pass` examples of the rule pages lint to their stated verdict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stiglint import apache, catalogue
from stiglint.settings import Settings

RULES = Path(__file__).resolve().parents[2] / "rules"
_FENCE = re.compile(r"^```apache (fail|pass)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


# Suppressions are applied after the adapter runs, so that page's examples are run
# through the whole pipeline in tests/test_catalogue.py instead.
PIPELINE_ONLY = {"SUPPRESSION-UNUSED"}


def _examples() -> list[tuple[str, int, str, str]]:
    found = []
    for page in sorted(RULES.glob("*.md")):
        if page.stem in PIPELINE_ONLY:
            continue
        text = page.read_text(encoding="utf-8")
        for index, match in enumerate(_FENCE.finditer(text)):
            found.append((page.stem, index, match.group(1), match.group(2)))
    return found


EXAMPLES = _examples()


@pytest.mark.parametrize(
    ("rule", "index", "verdict", "body"), EXAMPLES,
    ids=[f"{rule}-{index}-{verdict}" for rule, index, verdict, _ in EXAMPLES],
)
def test_page_example(tmp_path: Path, rule: str, index: int, verdict: str, body: str):
    path = tmp_path / "httpd.conf"
    path.write_text(body, encoding="utf-8")
    report = apache.lint(str(path), Settings())
    raised = {finding.rule for finding in report.findings}
    if report.errors:
        raised.add("INPUT-ERROR")
    if verdict == "fail":
        assert rule in raised
    else:
        # A pass example is a whole clean configuration, not only clean for this rule.
        assert raised == set()
        assert report.targets


def test_every_apache_rule_page_has_examples():
    rules = {rule for rule, _, _, _ in EXAMPLES}
    for rule in catalogue.RULES:
        if "apache" in rule.servers and rule.id not in PIPELINE_ONLY:
            assert rule.id in rules, f"{rule.id} has no apache examples"


def test_no_apache_placeholder_left():
    for page in RULES.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        section = text.split("## Apache httpd", 1)[1].split("\n## ", 1)[0]
        assert "TO BE WRITTEN" not in section, page.name
