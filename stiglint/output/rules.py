"""The rule list as text columns and as the Markdown table in the README."""

from __future__ import annotations

from stiglint import catalogue


def text_table() -> str:
    width = max(len(rule.id) for rule in catalogue.RULES)
    family_width = max(len(rule.family) for rule in catalogue.RULES)
    return "\n".join(
        f"{rule.id:<{width}}  {rule.family:<{family_width}}  {rule.severity.label:<7}  "
        f"{rule.summary}"
        for rule in catalogue.RULES
    )


def markdown_table() -> str:
    """Return the rule table that the README's Rules section carries."""
    rows = ["| rule | family | severity | checks |", "| --- | --- | --- | --- |"]
    for rule in catalogue.RULES:
        summary = rule.summary.replace("|", "\\|")
        rows.append(
            f"| [`{rule.id}`](rules/{rule.id}.md) | {rule.family} | {rule.severity.label} "
            f"| {summary} |"
        )
    return "\n".join(rows)
