"""Real HAProxy configurations lint without a crash and yield what their SOURCE.md states.

CI places the corpus beside the repository, and STIGLINT_CORPUS points
elsewhere (see tests/paths.py). None of its HAProxy cases proxies STIG Manager,
so each must yield no finding. A missing corpus fails the run, as for nginx.
"""

from __future__ import annotations

import pytest
from paths import CORPUS as CORPUS_ROOT

from stiglint import haproxy, linter
from stiglint.settings import Settings

CORPUS = CORPUS_ROOT / "haproxy"
FILES = sorted(CORPUS.glob("*/*.cfg")) if CORPUS.is_dir() else []
# Notes each case must produce, for the constructs stiglint cannot decide or
# that HAProxy rejects.
EXPECTED_NOTES = {
    "onlyoffice-virtual-path": ["refuse to start with 'reqrep'"],
    "upstream-basic-config-edge": [
        "the condition 'feature(QUIC)' depends on the machine"
    ],
}


def test_corpus_present():
    assert len(FILES) >= 5, f"HAProxy corpus missing or incomplete at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.parent.name)
def test_corpus_file_yields_no_findings(path):
    report = haproxy.lint(str(path), Settings())
    assert report.errors == []
    assert report.findings == []
    assert report.targets == []
    expected = EXPECTED_NOTES.get(path.parent.name, [])
    assert len(report.notes) == len(expected)
    for note, text in zip(report.notes, expected):
        assert text in note


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.parent.name)
def test_corpus_file_detected_as_haproxy(path):
    assert linter.detect_server(str(path)) == "haproxy"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.parent.name)
def test_corpus_file_with_mount_setting_does_not_crash(path):
    report = haproxy.lint(str(path), Settings(mounts=("/",)))
    assert report.errors == []
    for finding in report.findings:
        assert finding.place.file == str(path)
        assert finding.place.line


def test_corpus_files_combined(tmp_path):
    report = haproxy.lint_files([str(path) for path in FILES], Settings())
    assert report.files == [str(path) for path in FILES]
    assert report.findings == []
