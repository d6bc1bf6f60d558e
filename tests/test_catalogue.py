"""The rule catalogue: pages for every rule, their examples, and the README list."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest

from paths import REPO
from stiglint import catalogue, pages
from stiglint.output.rules import markdown_table
from stiglint.run import Run, lint

PAGES = REPO / "rules"
FILE_NAMES = {"nginx": "nginx.conf", "apache": "httpd.conf", "haproxy": "haproxy.cfg"}
SERVER_HEADINGS = {"nginx": "nginx", "apache": "Apache httpd", "haproxy": "HAProxy"}
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Example:
    rule: str
    server: str
    verdict: str
    text: str
    number: int

    def __str__(self) -> str:
        return f"{self.rule}-{self.server}-{self.verdict}-{self.number}"


def examples_in(rule_id: str, text: str) -> list[Example]:
    """Return the fenced examples of a page: info strings such as `nginx fail`."""
    found = []
    for number, match in enumerate(_FENCE.finditer(text), start=1):
        words = match.group("info").split()
        if len(words) == 2 and words[0] in FILE_NAMES:
            found.append(Example(rule_id, words[0], words[1], match.group("body"), number))
    return found


def all_examples() -> list[Example]:
    found = []
    for rule in catalogue.RULES:
        text = pages.read(rule.id)
        if text is not None:
            found.extend(examples_in(rule.id, text))
    return found


def test_every_rule_has_page():
    missing = [rule.id for rule in catalogue.RULES if not (PAGES / f"{rule.id}.md").is_file()]

    assert missing == []


def test_every_page_has_rule():
    names = sorted(path.stem for path in PAGES.glob("*.md") if path.name != "README.md")

    assert [name for name in names if name not in catalogue.BY_ID] == []


@pytest.mark.parametrize("rule", catalogue.RULES, ids=lambda rule: rule.id)
def test_page_title_names_rule(rule):
    first = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8").splitlines()[0]

    assert first.startswith(f"# {rule.id}: ")


@pytest.mark.parametrize("rule", catalogue.RULES, ids=lambda rule: rule.id)
def test_page_sections_in_order(rule):
    text = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
    expected = ["What it checks", "Why STIG Manager needs it", *SERVER_HEADINGS.values()]

    assert [h for h in headings if h != "Notes"] == expected


@pytest.mark.parametrize("rule", catalogue.RULES, ids=lambda rule: rule.id)
def test_example_info_strings_valid(rule):
    text = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8")
    infos = [match.group("info").strip() for match in _FENCE.finditer(text)]
    # A bare server name (```nginx) marks a snippet such as a fix, not an example.
    bad = [
        info for info in infos
        if len(info.split()) > 1 and info.split()[0] in FILE_NAMES
        and (len(info.split()) != 2 or info.split()[1] not in ("fail", "pass"))
    ]

    assert bad == []


@pytest.mark.parametrize("rule", catalogue.RULES, ids=lambda rule: rule.id)
def test_page_complete(rule):
    text = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8")
    examples = examples_in(rule.id, text)

    assert pages.PLACEHOLDER not in text
    for server in rule.servers:
        verdicts = {example.verdict for example in examples if example.server == server}
        assert verdicts == {"fail", "pass"}, f"{server} needs a fail and a pass example"


def lint_example(example: Example, tmp_path):
    try:
        importlib.import_module(f"stiglint.{example.server}")
    except ModuleNotFoundError:
        pytest.skip(f"no {example.server} support in this build")
    path = tmp_path / FILE_NAMES[example.server]
    path.write_text(example.text, encoding="utf-8")
    (report,) = lint([str(path)], Run(server=example.server))
    return report


@pytest.mark.parametrize("example", all_examples(), ids=str)
def test_page_example(example, tmp_path):
    report = lint_example(example, tmp_path)
    errors = [str(error) for error in report.errors]
    rules = sorted({finding.rule for finding in report.findings})

    if example.rule == "INPUT-ERROR":
        assert bool(errors) == (example.verdict == "fail"), errors
    elif example.verdict == "fail":
        assert errors == []
        assert example.rule in rules
    else:
        assert errors == []
        assert example.rule not in rules


def test_example_parser_reads_info_strings():
    page = (
        "# X: y\n\n```nginx fail\nevents {}\n```\n\ntext\n\n"
        "```haproxy pass\nglobal\n```\n\n```text\nnot an example\n```\n"
    )

    found = examples_in("X", page)

    assert [(e.server, e.verdict, e.text) for e in found] == [
        ("nginx", "fail", "events {}\n"),
        ("haproxy", "pass", "global\n"),
    ]


def readme_rule_table() -> str:
    """Return the first table after the README's `## Rules` heading."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return "\n".join(rows)


def test_readme_rule_list_matches():
    assert readme_rule_table() == markdown_table(), (
        "update it from `stiglint rules --format markdown`"
    )


def test_sarif_help_comes_from_page():
    from stiglint.output import sarif

    document = sarif.document([])
    descriptors = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}

    for rule in catalogue.RULES:
        page = (PAGES / f"{rule.id}.md").read_text(encoding="utf-8").strip()
        assert descriptors[rule.id]["help"]["markdown"] == page


def test_full_description_from_page():
    from stiglint.output import sarif

    document = sarif.document([])
    descriptor = next(
        rule for rule in document["runs"][0]["tool"]["driver"]["rules"]
        if rule["id"] == "SUPPRESSION-UNUSED"
    )

    assert descriptor["fullDescription"]["text"].startswith(
        "A `# stiglint: ignore=RULE-ID` or `# stiglint: ignore-file=RULE-ID` comment"
    )
