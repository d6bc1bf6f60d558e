"""Each sample behaves as its name states: pass.* is clean, fail-<family>.* fails that family."""

from pathlib import Path

import pytest

from stiglint import catalogue, linter
from stiglint.settings import Settings

from paths import REPO

SAMPLES = sorted(p for p in (REPO / "samples").glob("*/*") if p.is_file() and p.name != "README.md")


def _family_of(path: Path) -> str | None:
    stem = path.name.split(".")[0]
    return stem[len("fail-") :] if stem.startswith("fail-") else None


def test_samples_exist_for_every_server_family():
    nginx = {p.name for p in SAMPLES if p.parent.name == "nginx"}
    for family in ("body-size", "buffering", "websocket", "timeout", "forwarded-headers",
                   "client-cert", "routing", "input"):
        assert f"fail-{family}.conf" in nginx
    assert "pass.conf" in nginx


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample(path):
    report = linter.lint_file(str(path), Settings(), path.parent.name)
    family = _family_of(path)
    if family == "input":
        assert report.errors, "an input sample must be rejected"
        return
    assert report.errors == [], [str(e) for e in report.errors]
    assert report.targets, "the sample must proxy STIG Manager"
    families = sorted({catalogue.get(f.rule).family for f in report.findings})
    if family is None:
        assert families == []
        return
    assert family in catalogue.FAMILIES
    assert family in families
    if family != "routing":
        # A request routed to the wrong block also loses that block's settings, so
        # a routing sample may fail other families as a consequence.
        assert families == [family]
