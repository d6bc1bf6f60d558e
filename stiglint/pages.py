"""Access to the rule pages (`rules/<ID>.md`), installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def pages_dir() -> Path:
    """Return the directory that holds the rule pages."""
    installed = _PACKAGE / "rule_pages"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "rules"


def read(rule_id: str) -> str | None:
    try:
        return (pages_dir() / f"{rule_id}.md").read_text(encoding="utf-8")
    except OSError:
        return None
