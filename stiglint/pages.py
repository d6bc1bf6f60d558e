"""Access to the rule pages (`rules/<ID>.md`), installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def pages_dir() -> Path:
    """Return the directory that contains the rule pages."""
    installed = _PACKAGE / "rule_pages"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "rules"


def read(rule_id: str) -> str | None:
    try:
        return (pages_dir() / f"{rule_id}.md").read_text(encoding="utf-8")
    except OSError:
        return None


# A page section that still contains this text has not been written yet.
PLACEHOLDER = "TO BE WRITTEN"


def section(text: str, heading: str) -> str:
    """Return the body of the `## heading` section of a page, stripped; "" if absent."""
    lines = text.splitlines()
    body: list[str] = []
    inside = False
    fence = False
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip().lower() == heading.lower()
            continue
        if inside:
            body.append(line)
    return "\n".join(body).strip()


def first_paragraph(text: str) -> str:
    """Return the first paragraph of `text` joined into one line."""
    paragraph = text.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())
