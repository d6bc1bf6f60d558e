"""Every real configuration in the shared corpus lints without a crash.

CI provides the corpus at `../shared/corpus` beside the repository, or where
STIGLINT_CORPUS points, and these tests fail without it. None of the Apache cases
proxies STIG Manager, so each must yield no target and no finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stiglint import linter
from stiglint.settings import Settings

from paths import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "apache"
_NOT_CONFIG = {"SOURCE.md", "NOTICE", "copyright", "envvars"}

# The RHEL tree names ServerRoot /etc/httpd, which is not here, and its
# `Include conf.modules.d/*.conf` directory is not part of the case: httpd
# refuses to start on such an Include too.
EXPECTED_ERRORS = {
    "ncharts-rhel/conf/httpd.conf": ["Include wildcard"],
}


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in _NOT_CONFIG and not path.name.startswith("LICENSE")
    )


def test_corpus_has_apache_files():
    assert len(_files()) >= 20, f"Apache corpus missing or incomplete at {CORPUS}"


@pytest.mark.parametrize("path", _files(), ids=lambda path: str(path.relative_to(CORPUS)))
def test_corpus_file_lints(path: Path):
    assert linter.detect_server(str(path)) == "apache"
    report = linter.lint_file(str(path), Settings())
    assert report.server == "apache"
    assert report.findings == []
    assert report.targets == []
    expected = EXPECTED_ERRORS.get(str(path.relative_to(CORPUS)), [])
    assert [e.message.split(" /")[0] for e in report.errors] == expected


def test_corpus_debian_tree_reads_everything(corpus: Path):
    report = linter.lint_file(str(CORPUS / "debian-packaged" / "apache2.conf"), Settings())
    names = {Path(file).name for file in report.files}
    assert {"ports.conf", "000-default.conf", "security.conf", "mpm_event.load"} <= names
    assert "default-ssl.conf" not in names
    # envvars supplies ${APACHE_LOG_DIR} and the others, so no variable is left unset.
    assert not [note for note in report.notes if "is not set" in note]


def test_corpus_mtls_host_is_read(corpus: Path):
    path = CORPUS / "nivlheim-mtls" / "conf.d" / "ssl.conf"
    report = linter.lint_file(str(path), Settings(mounts=("/",)))
    # With the mount given, the /api/ Location is checked like a STIG Manager host.
    assert report.errors == []
    assert [t.place.line for t in report.targets] == [48]
    # The certificate header at line 39 sits in a Location that requires a
    # verified certificate (SSLRequire), so it never carries "(null)".
    found = sorted(f"{f.rule}:{f.place.line}" for f in report.findings)
    assert found == [
        "FORWARDED-HEADERS-MISSING:48", "FORWARDED-HOST:48",
        "ROUTE-SHADOWED:11", "TIMEOUT-BELOW-RECOMMENDED:11",
    ]


def test_corpus_debian_tree_with_stigman_site(corpus: Path, tmp_path: Path):
    import shutil

    root = tmp_path / "apache2"
    shutil.copytree(CORPUS / "debian-packaged", root)
    site = root / "sites-enabled" / "stigman.conf"
    site.write_text(
        "<VirtualHost *:80>\n"
        "    ServerName stigman.example.org\n"
        "    ProxyPreserveHost On\n"
        '    RequestHeader set X-Forwarded-Proto "http"\n'
        "    ProxyPass / http://stigman:54000/ upgrade=websocket\n"
        "</VirtualHost>\n",
        encoding="utf-8",
    )
    main = str(root / "apache2.conf")

    # A fresh install has not enabled mod_proxy, and httpd rejects the site.
    report = linter.lint_file(main, Settings())
    assert [(Path(e.place.file).name, e.place.line, e.message.split(":")[0]) for e in report.errors] == [
        ("stigman.conf", 3, "Invalid command 'ProxyPreserveHost'"),
        ("stigman.conf", 4, "Invalid command 'RequestHeader'"),
    ]

    for module in ("proxy", "proxy_http", "headers"):
        shutil.copy(root / "mods-available" / f"{module}.load", root / "mods-enabled")
    report = linter.lint_file(main, Settings())
    assert report.errors == []
    # Debian's apache2.conf sets Timeout 300, below the recommended 3600 s.
    found = sorted(f"{Path(f.place.file).name}:{f.rule}:{f.place.line}" for f in report.findings)
    assert found == ["apache2.conf:TIMEOUT-BELOW-RECOMMENDED:92"]
    assert [t.place.line for t in report.targets] == [5]
