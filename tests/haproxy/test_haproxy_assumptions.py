"""What stiglint assumes when a run lacks information: release and split files."""

from __future__ import annotations

from haproxy_configs import CLEAN

from stiglint import haproxy
from stiglint.settings import Settings, Version

VERSIONED = CLEAN.replace(
    "    timeout server 3600s\n",
    "    .if version_atleast(2.0)\n"
    "    timeout server 3600s\n"
    "    .else\n"
    "    timeout server 10s\n"
    "    .endif\n",
)


def test_if_version_uses_default_release(linter):
    assert linter.findings(VERSIONED) == []


def test_if_version_notes_assumed_release(linter):
    report = linter.report(VERSIONED)
    assert [note.split(": ", 1)[1] for note in report.notes] == [
        (
            "the condition 'version_atleast(2.0)' was evaluated for HAProxy 2.6.12, "
            "the assumed release; give the real one with --haproxy-version"
        )
    ]


def test_if_version_stated_release_no_note(linter):
    settings = Settings(versions={"haproxy": Version((1, 9))})
    report = linter.report(VERSIONED, settings)
    assert report.notes == []
    assert [(f.rule, f.place.line) for f in report.findings] == [
        ("TIMEOUT-STREAM-CUT", 8)
    ]


def test_if_machine_condition_reads_all_branches(linter):
    text = VERSIONED.replace("version_atleast(2.0)", "defined(HAPROXY_LOCALPEER)")
    report = linter.report(text)
    assert len(report.notes) == 1
    assert "read every branch of this block" in report.notes[0]


GLOBAL_PART = """global
    log stdout local0

defaults
    mode http
    timeout connect 5s
    timeout client 3600s
    timeout server 3600s
    timeout tunnel 3600s
"""
SITE_PART = "frontend" + CLEAN.split("\nfrontend", 1)[1]


def _combine_notes(report) -> list[str]:
    return [note for note in report.notes if "--combine" in note]


def test_split_file_suggests_combine(tmp_path):
    (tmp_path / "00-global.cfg").write_text(GLOBAL_PART)
    site = tmp_path / "10-site.cfg"
    site.write_text(SITE_PART)
    report = haproxy.lint(str(site), Settings())
    assert _combine_notes(report) == [
        (
            f"{site}: this file has proxies but no defaults section, and its directory "
            "has other *.cfg files (00-global.cfg). If HAProxy reads them together "
            "(haproxy -f a.cfg -f b.cfg), lint them as one configuration with --combine "
            "or give the directory, so that the defaults of the other files apply"
        )
    ]
    assert sorted(f.rule for f in report.findings) == [
        "TIMEOUT-MISSING",
        "TIMEOUT-MISSING",
    ]


def test_split_files_combined_clean(tmp_path):
    (tmp_path / "00-global.cfg").write_text(GLOBAL_PART)
    (tmp_path / "10-site.cfg").write_text(SITE_PART)
    report = haproxy.lint(str(tmp_path), Settings())
    assert report.findings == []
    assert _combine_notes(report) == []


def test_lone_file_no_combine_note(tmp_path):
    site = tmp_path / "10-site.cfg"
    site.write_text(SITE_PART)
    assert _combine_notes(haproxy.lint(str(site), Settings())) == []


def test_file_with_defaults_no_combine_note(tmp_path):
    (tmp_path / "00-global.cfg").write_text(GLOBAL_PART)
    site = tmp_path / "haproxy.cfg"
    site.write_text(CLEAN)
    assert _combine_notes(haproxy.lint(str(site), Settings())) == []
