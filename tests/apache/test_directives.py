"""Misspelled directive names: httpd rejects them, third-party names stay accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from stiglint.apache import directives

from .helpers import codes, error_lines, lint_text

HOST = """
Timeout 3600
<VirtualHost *:443>
    ServerName stigman.example.org
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
    ProxyPass / http://stigman:54000/ upgrade=websocket
</VirtualHost>
"""


@pytest.mark.parametrize(
    ("correct", "typo", "line"),
    [
        ("ProxyPass /", "ProxyPas /", 6),
        ("ProxyPreserveHost On", "ProxyPreserveHst On", 4),
        ("RequestHeader set", "RequestHeaders set", 5),
    ],
)
def test_misspelled_directive_is_input_error(tmp_path: Path, correct: str, typo: str, line: int):
    report = lint_text(tmp_path, HOST.replace(correct, typo))
    wrong, right = typo.split()[0], correct.split()[0]
    assert [error.message for error in report.errors] == [
        f"Invalid command '{wrong}' (did you mean {right}?)"
    ]
    assert error_lines(report) == [("httpd.conf", line)]


def test_misspelled_section_is_input_error(tmp_path: Path):
    text = HOST.replace(
        "</VirtualHost>", "    <Locaton /api/>\n        Require all granted\n    </Locaton>\n</VirtualHost>"
    )
    report = lint_text(tmp_path, text)
    assert [error.message for error in report.errors] == [
        "Invalid command '<Locaton' (did you mean <Location?)"
    ]
    assert error_lines(report) == [("httpd.conf", 7)]


def test_third_party_directives_are_accepted(tmp_path: Path):
    text = HOST.replace(
        "</VirtualHost>",
        "    WSGIScriptAlias /app /srv/app.wsgi\n"
        "    OIDCProviderMetadataURL https://kc.example.org/realms/stigman/.well-known/openid-configuration\n"
        "    php_value upload_max_filesize 100M\n"
        "    SecRuleEngine On\n"
        "</VirtualHost>",
    )
    report = lint_text(tmp_path, text)
    assert report.errors == []
    assert codes(report) == []


def test_typo_in_false_ifmodule_is_not_read(tmp_path: Path):
    text = (
        "LoadModule mpm_event_module m/mod_mpm_event.so\n"
        "LoadModule proxy_module m/mod_proxy.so\n"
        "LoadModule headers_module m/mod_headers.so\n"
        "<IfModule mod_nothere.c>\n    ProxyPas / http://stigman:54000/\n</IfModule>\n"
        + HOST.lstrip("\n")
    )
    assert lint_text(tmp_path, text).errors == []


@pytest.mark.parametrize(
    "name",
    [
        "ServerRoot", "Include", "IfModule", "VirtualHost", "ProxyPass", "ProxySet",
        "ProxyPassReverse", "ProxyHTMLEnable", "BalancerMember", "RequestHeader", "Header",
        "RewriteRule", "SSLEngine", "SSLVerifyClient", "SetEnvIf", "Alias", "Redirect",
        "AddOutputFilterByType", "RequestReadTimeout", "LogFormat", "CustomLog", "Require",
        "AuthType", "DirectoryIndex", "AddType", "TypesConfig", "FilterProvider", "SetEnv",
        "PassEnv", "RemoteIPHeader", "Protocols", "H2Direct", "MaxRequestWorkers",
        "StartServers", "MinSpareServers", "ThreadsPerChild", "Mutex", "EnableSendfile",
        "AddDefaultCharset", "MIMEMagicFile", "IncludeOptional", "DefaultRuntimeDir",
    ],
)
def test_table_holds_stock_directives(name: str):
    assert directives.is_known(name)
    assert directives.is_known(name.upper())


def test_close_match_cutoff():
    assert directives.close_match("ProxyPas") == "ProxyPass"
    assert directives.close_match("WSGIScriptAlias") is None
    assert directives.close_match("AuthzLDAPAuthoritative") is None
