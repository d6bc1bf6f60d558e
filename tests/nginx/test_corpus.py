"""Real nginx configurations from public deployments."""

from pathlib import Path

import pytest

from stiglint import linter
from stiglint.settings import Settings

from paths import CORPUS


def _nginx_files() -> list[Path]:
    roots = [CORPUS / "nginx", CORPUS / "stigman-orchestration"]
    names = ("LICENSE", "COPYRIGHT", "copyright", "SOURCE.md")
    return sorted(
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(names) and path.suffix not in (".md", ".txt", ".yml")
    )


def test_corpus_has_nginx_files():
    assert len(_nginx_files()) >= 20, f"nginx corpus missing or incomplete at {CORPUS}"


@pytest.mark.parametrize("path", _nginx_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_lints_without_crash(path):
    report = linter.lint_file(str(path), Settings(), "nginx")
    for error in report.errors:
        assert error.place.file
        assert error.message


def _codes(report):
    return sorted(f"{f.rule}:{f.place.line}" for f in report.findings)


def test_stigman_orchestration(corpus):
    report = linter.lint_file(str(corpus / "stigman-orchestration" / "nginx.conf"), Settings())
    assert report.errors == []
    assert [(t.place.line, t.description) for t in report.targets] == [(29, "location /stigman/")]
    assert _codes(report) == [
        "FORWARDED-HEADERS-MISSING:29",
        "FORWARDED-HOST:29",
        "TIMEOUT-BELOW-RECOMMENDED:29",
        "WEBSOCKET-UPGRADE:29",
    ]
    families = {f.rule.split("-")[0] for f in report.findings}
    assert "BODY" not in families
    assert all(f.place.line != 32 for f in report.findings)


def test_stig_manager_docker_tls(corpus):
    report = linter.lint_file(str(corpus / "nginx" / "stig-manager-docker-tls" / "nginx.conf"), Settings())
    assert report.errors == []
    assert _codes(report) == [
        "FORWARDED-HEADERS-MISSING:27",
        "FORWARDED-HOST:27",
        "TIMEOUT-BELOW-RECOMMENDED:27",
        "WEBSOCKET-UPGRADE:27",
    ]


def test_allamiro_fragment_every_family_but_buffering_once(corpus):
    report = linter.lint_file(str(corpus / "nginx" / "allamiro-stig-manager" / "nginx-site.conf"), Settings())
    assert [e.place.line for e in report.errors] == [18]
    assert "duplicate location" in report.errors[0].message
    assert _codes(report) == [
        "BODY-SIZE-LIMIT:9",
        "FORWARDED-HEADERS-MISSING:9",
        "TIMEOUT-BELOW-RECOMMENDED:9",
        "WEBSOCKET-UPGRADE:9",
    ]


@pytest.mark.parametrize(
    "case",
    [
        "debian-packaged/sites-available/default",
        "official-image-pkg-oss/conf.d/default.conf",
        "mattermost-docker/conf.d/default.conf",
        "nextcloud-docker-fpm/nginx.conf",
        "mastodon/nginx.conf",
        "gitlab-ssl/gitlab-ssl",
        "mozilla-oidc-accessproxy/nginx.conf",
        "openresty-docker/nginx.conf",
        "home-assistant-nginx-proxy/nginx.conf",
        "storm-webdav-voms/nginx.conf",
    ],
)
def test_other_apps_yield_no_findings(corpus, case):
    report = linter.lint_file(str(corpus / "nginx" / case), Settings(), "nginx")
    assert report.findings == []
    assert report.targets == []


def test_lua_corpus_parses_cleanly(corpus):
    report = linter.lint_file(str(corpus / "nginx" / "mozilla-oidc-accessproxy" / "conf.d" / "server.conf"), Settings(), "nginx")
    assert report.errors == []
