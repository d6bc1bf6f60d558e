"""Every Apache rule: what it must flag and what it must not, by rule and line."""

from __future__ import annotations

from pathlib import Path

from .helpers import GOOD_HOST, codes, lint_text, write

GOOD = GOOD_HOST


def test_good_host_passes(tmp_path: Path):
    report = lint_text(tmp_path, GOOD)
    assert codes(report) == []
    assert report.errors == []
    assert [(t.place.line, t.mount) for t in report.targets] == [(6, "/")]


# WEBSOCKET-UPGRADE

def test_websocket_without_upgrade_key(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace(" upgrade=websocket", ""))
    assert codes(report) == ["WEBSOCKET-UPGRADE:6"]
    assert report.findings[0].endpoints == ("GET /socket/log-socket",)
    assert report.findings[0].fix == "ProxyPass / http://stigman:54000/ upgrade=websocket"


def test_websocket_upgrade_key_before_2_4_47(tmp_path: Path):
    report = lint_text(tmp_path, GOOD, version="2.4.46")
    assert codes(report) == ["WEBSOCKET-UPGRADE:6"]
    assert "needs Apache httpd 2.4.47" in report.findings[0].message


def test_websocket_version_from_comment(tmp_path: Path):
    report = lint_text(tmp_path, "# stiglint: apache-version=2.4.46\n" + GOOD.lstrip("\n"))
    assert codes(report) == ["WEBSOCKET-UPGRADE:7"]


def test_websocket_ws_rule_first_passes(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    ProxyPass /socket/ ws://stigman:54000/socket/\n    ProxyPass / http://stigman:54000/",
    )
    assert codes(lint_text(tmp_path, text, version="2.4.40")) == []


def test_websocket_ws_needs_wstunnel_when_modules_are_known(tmp_path: Path):
    text = (
        "LoadModule mpm_event_module m/mod_mpm_event.so\n"
        "LoadModule proxy_module m/mod_proxy.so\n"
        "LoadModule headers_module m/mod_headers.so\n"
    ) + GOOD.lstrip("\n").replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    ProxyPass /socket/ ws://stigman:54000/socket/\n    ProxyPass / http://stigman:54000/",
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["WEBSOCKET-UPGRADE:9"]
    loaded = "LoadModule proxy_wstunnel_module m/mod_proxy_wstunnel.so\n" + text
    assert codes(lint_text(tmp_path, loaded)) == []


def test_websocket_rewrite_idiom(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    RewriteEngine On\n"
        "    RewriteCond %{HTTP:Upgrade} websocket [NC]\n"
        "    RewriteRule ^/(.*) ws://stigman:54000/$1 [P,L]\n"
        "    ProxyPass / http://stigman:54000/",
    )
    assert codes(lint_text(tmp_path, text)) == []
    to_http = text.replace("ws://stigman:54000/$1", "http://stigman:54000/$1")
    assert codes(lint_text(tmp_path, to_http)) == ["WEBSOCKET-UPGRADE:8"]


# ROUTE-SHADOWED

def test_route_general_rule_hides_ws_rule(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    ProxyPass / http://stigman:54000/\n"
        "    ProxyPass /socket/log-socket ws://stigman:54000/socket/log-socket",
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == ["ROUTE-SHADOWED:6", "WEBSOCKET-UPGRADE:6"]
    shadowed = [f for f in report.findings if f.rule == "ROUTE-SHADOWED"][0]
    assert shadowed.endpoints == ("GET /socket/log-socket",)
    assert "move line 7" in shadowed.fix


def test_route_exclusion_of_api(tmp_path: Path):
    text = GOOD.replace("    ProxyPass / ", "    ProxyPass /api/op !\n    ProxyPass / ")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["ROUTE-SHADOWED:6"]
    assert report.findings[0].endpoints == ("GET /api/op/state/sse",)


def test_route_socket_not_proxied(tmp_path: Path):
    text = GOOD.replace("ProxyPass / http://stigman:54000/ upgrade=websocket",
                        "ProxyPass /api/ http://stigman:54000/api/")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["ROUTE-SHADOWED:2"]
    assert report.findings[0].endpoints == ("GET /socket/log-socket",)


def test_route_redirect_rewrite_takes_api(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / ",
        "    RewriteEngine On\n    RewriteRule ^/api/op/ /maintenance.html [L]\n    ProxyPass / ",
    )
    assert codes(lint_text(tmp_path, text)) == ["ROUTE-SHADOWED:7"]


# TIMEOUT-STREAM-CUT and TIMEOUT-BELOW-RECOMMENDED

def test_timeout_default_sixty_seconds(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace("Timeout 3600\n", ""))
    # Defaults are placed at the virtual host.
    assert codes(report) == ["TIMEOUT-BELOW-RECOMMENDED:1"]
    assert report.findings[0].endpoints == (
        "POST /api/collections/1/export-to/2", "POST /api/collections/1/clone",
        "GET /api/op/state/sse", "GET /socket/log-socket",
    )


def test_timeout_proxytimeout_cuts_streams_not_tunnel(tmp_path: Path):
    text = GOOD.replace("Timeout 3600\n", "Timeout 3600\nProxyTimeout 30\n")
    report = lint_text(tmp_path, text)
    # The tunnel's idle limit is max(Timeout, ProxyTimeout) = 3600.
    assert codes(report) == ["TIMEOUT-STREAM-CUT:2"]
    assert "GET /socket/log-socket" not in report.findings[0].endpoints


def test_timeout_key_on_rule(tmp_path: Path):
    text = GOOD.replace("upgrade=websocket", "upgrade=websocket timeout=600")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["TIMEOUT-BELOW-RECOMMENDED:6"]
    assert report.findings[0].fix == (
        "ProxyPass / http://stigman:54000/ upgrade=websocket timeout=3600"
    )


def test_timeout_small_client_timeout_with_large_backend(tmp_path: Path):
    text = GOOD.replace("Timeout 3600\n", "Timeout 20\nProxyTimeout 3600\n")
    assert codes(lint_text(tmp_path, text)) == []


def test_timeout_in_host_overrides_main(tmp_path: Path):
    text = GOOD.replace("    ServerName", "    Timeout 30\n    ServerName")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["TIMEOUT-STREAM-CUT:3"]
    assert len(report.findings[0].endpoints) == 4


# FORWARDED-HOST and FORWARDED-HEADERS-MISSING

def test_forwarded_host_default_off(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace("    ProxyPreserveHost On\n", ""))
    assert codes(report) == ["FORWARDED-HOST:5"]


def test_forwarded_host_off_in_location_overrides(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    <Location />\n        ProxyPreserveHost Off\n"
        "        ProxyPass http://stigman:54000/ upgrade=websocket\n    </Location>",
    )
    assert codes(lint_text(tmp_path, text)) == ["FORWARDED-HOST:7"]


def test_forwarded_proto_missing(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace('    RequestHeader set X-Forwarded-Proto "https"\n', ""))
    assert codes(report) == ["FORWARDED-HEADERS-MISSING:5"]
    assert report.findings[0].message.startswith("X-Forwarded-Proto not sent")


def test_forwarded_proto_set_at_main_level_merges(tmp_path: Path):
    text = 'RequestHeader set X-Forwarded-Proto "https"\n' + GOOD.lstrip("\n").replace(
        '    RequestHeader set X-Forwarded-Proto "https"\n', ""
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_forwarded_proto_unset_later(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    <Location />\n        RequestHeader unset X-Forwarded-Proto\n"
        "        ProxyPass http://stigman:54000/ upgrade=websocket\n    </Location>",
    )
    assert codes(lint_text(tmp_path, text)) == ["FORWARDED-HEADERS-MISSING:8"]


def test_forwarded_add_headers_off(tmp_path: Path):
    text = GOOD.replace("    ProxyPreserveHost On\n", "    ProxyPreserveHost On\n    ProxyAddHeaders Off\n")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["FORWARDED-HEADERS-MISSING:7"]
    assert report.findings[0].message.startswith("X-Forwarded-For, X-Forwarded-Host not sent")
    assert report.findings[0].fix == "ProxyAddHeaders On"


# BODY-SIZE-INEFFECTIVE

def test_body_limit_under_proxy_is_ineffective(tmp_path: Path):
    text = GOOD.replace("    ProxyPreserveHost On\n", "    ProxyPreserveHost On\n    LimitRequestBody 1048576\n")
    report = lint_text(tmp_path, text)
    assert codes(report) == ["BODY-SIZE-INEFFECTIVE:5"]
    assert report.findings[0].severity.label == "info"
    assert report.findings[0].endpoints == ("POST /api/stigs",)


def test_body_limit_zero_is_not_flagged(tmp_path: Path):
    text = GOOD.replace("    ProxyPreserveHost On\n", "    ProxyPreserveHost On\n    LimitRequestBody 0\n")
    assert codes(lint_text(tmp_path, text)) == []


def test_body_limit_in_other_location_is_not_flagged(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPreserveHost On\n",
        "    ProxyPreserveHost On\n    <Location /static/>\n        LimitRequestBody 1\n    </Location>\n",
    )
    assert codes(lint_text(tmp_path, text)) == []


# BUFFERING-INEFFECTIVE

def test_flushpackets_on_http_backend(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace("upgrade=websocket", "upgrade=websocket flushpackets=on"))
    assert codes(report) == ["BUFFERING-INEFFECTIVE:6"]
    assert report.findings[0].fix == "ProxyPass / http://stigman:54000/ upgrade=websocket"


def test_flushpackets_on_fastcgi_backend_is_not_ours(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / ",
        "    ProxyPass /php/ fcgi://127.0.0.1:9000/ flushpackets=on\n    ProxyPass / ",
    )
    assert codes(lint_text(tmp_path, text)) == []


# CLIENT-CERT-*

MTLS = GOOD.replace(
    "    ProxyPreserveHost On\n",
    "    SSLEngine on\n"
    "    SSLVerifyClient require\n"
    "    SSLVerifyDepth 3\n"
    "    ProxyPreserveHost On\n"
    '    RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n',
)


def test_client_cert_good(tmp_path: Path):
    assert codes(lint_text(tmp_path, MTLS)) == []


def test_client_cert_default_depth(tmp_path: Path):
    report = lint_text(tmp_path, MTLS.replace("    SSLVerifyDepth 3\n", ""))
    assert codes(report) == ["CLIENT-CERT-DEPTH:5"]
    assert len(report.findings[0].endpoints) == 5


def test_client_cert_depth_one_in_main_server(tmp_path: Path):
    text = "SSLVerifyDepth 1\n" + MTLS.lstrip("\n").replace("    SSLVerifyDepth 3\n", "")
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-DEPTH:1"]


def test_client_cert_without_ca_is_noted(tmp_path: Path):
    report = lint_text(tmp_path, MTLS)
    assert len([note for note in report.notes if "SSLCACertificateFile" in note]) == 1
    with_ca = MTLS.replace("    SSLEngine on\n", "    SSLEngine on\n    SSLCACertificateFile /etc/ca.pem\n")
    assert not [note for note in lint_text(tmp_path, with_ca).notes if "SSLCACertificateFile" in note]


def test_client_cert_not_verified_no_findings(tmp_path: Path):
    text = MTLS.replace("SSLVerifyClient require", "SSLVerifyClient none").replace(
        "    SSLVerifyDepth 3\n", "")
    assert codes(lint_text(tmp_path, text)) == []


def test_client_cert_not_forwarded(tmp_path: Path):
    text = MTLS.replace('    RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n', "")
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-NOT-FORWARDED:5"]


def test_client_cert_optional_sends_null(tmp_path: Path):
    text = MTLS.replace("SSLVerifyClient require", "SSLVerifyClient optional")
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-EMPTY-VALUE:8"]


def test_client_cert_optional_with_condition_and_unset(tmp_path: Path):
    text = MTLS.replace("SSLVerifyClient require", "SSLVerifyClient optional").replace(
        '    RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n',
        "    RequestHeader unset SSL_CLIENT_CERT\n"
        '    RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s" "expr=-n %{SSL_CLIENT_CERT}"\n',
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_client_cert_conditional_without_unset_is_spoofable(tmp_path: Path):
    text = MTLS.replace("SSLVerifyClient require", "SSLVerifyClient optional").replace(
        '"%{SSL_CLIENT_CERT}s"\n', '"%{SSL_CLIENT_CERT}s" "expr=-n %{SSL_CLIENT_CERT}"\n'
    )
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-SPOOFABLE:8"]


def test_client_cert_header_in_location_requiring_verification(tmp_path: Path):
    text = MTLS.replace("SSLVerifyClient require", "SSLVerifyClient optional").replace(
        '    RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n',
        "    <Location />\n"
        '        SSLRequire %{SSL_CLIENT_VERIFY} eq "SUCCESS"\n'
        '        RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n'
        "    </Location>\n",
    )
    assert codes(lint_text(tmp_path, text)) == []


def test_client_cert_add_is_spoofable(tmp_path: Path):
    text = MTLS.replace("RequestHeader set SSL_CLIENT_CERT", "RequestHeader add SSL_CLIENT_CERT")
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-SPOOFABLE:8"]


# Detection and scope

def test_other_backends_get_no_findings(tmp_path: Path):
    text = "<VirtualHost *:80>\nProxyPass / http://wiki.internal:8080/\n</VirtualHost>\n"
    report = lint_text(tmp_path, text)
    assert codes(report) == []
    assert report.targets == []


def test_detect_by_port(tmp_path: Path):
    report = lint_text(tmp_path, GOOD.replace("stigman:54000", "10.0.0.5:54000"))
    assert codes(report) == []
    assert "default port" in report.targets[0].reason


def test_detect_balancer_member(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    <Proxy balancer://app>\n        BalancerMember http://stig-manager-1:8080\n    </Proxy>\n"
        "    ProxyPass / balancer://app/ upgrade=websocket",
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == []
    assert [t.place.line for t in report.targets] == [9]


def test_mount_under_sub_path(tmp_path: Path):
    text = GOOD.replace("ProxyPass / http://stigman:54000/", "ProxyPass /stigman/ http://stigman:54000/")
    report = lint_text(tmp_path, text)
    assert report.targets[0].mount == "/stigman/"
    assert codes(report) == []
    moved = text.replace("upgrade=websocket", "")
    assert lint_text(tmp_path, moved).findings[0].endpoints == ("GET /stigman/socket/log-socket",)


def test_mount_from_settings(tmp_path: Path):
    text = GOOD.replace("stigman:54000", "10.0.0.5:8080")
    assert lint_text(tmp_path, text).targets == []
    report = lint_text(tmp_path, text, mounts=("/",))
    assert [t.place.line for t in report.targets] == [6]
    assert codes(report) == []


def test_main_server_rule_checked_in_each_host(tmp_path: Path):
    text = """
        ProxyPass / http://stigman:54000/
        <VirtualHost *:80>
            ProxyPreserveHost On
            RequestHeader set X-Forwarded-Proto "http"
        </VirtualHost>
        <VirtualHost *:81>
            ProxyPreserveHost On
            RequestHeader set X-Forwarded-Proto "http"
        </VirtualHost>
    """
    report = lint_text(tmp_path, text)
    # One finding per place: the main server's rule, reached from both hosts
    # and from the main server itself (which lacks the headers).
    assert codes(report) == [
        "FORWARDED-HEADERS-MISSING:1", "FORWARDED-HOST:1", "TIMEOUT-BELOW-RECOMMENDED:1",
        "TIMEOUT-BELOW-RECOMMENDED:2", "TIMEOUT-BELOW-RECOMMENDED:6", "WEBSOCKET-UPGRADE:1",
    ]


def test_findings_in_included_file(tmp_path: Path):
    write(tmp_path, "sites/stigman.conf", GOOD.replace(" upgrade=websocket", ""))
    report = lint_text(tmp_path, "IncludeOptional sites/*.conf\n", name="apache2.conf")
    assert codes(report, with_file=True) == ["stigman.conf:WEBSOCKET-UPGRADE:6"]


def test_unknown_mount_still_checks_client_certs(tmp_path: Path):
    text = """
        <VirtualHost *:443>
            SSLVerifyClient require
            RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"
            RewriteEngine On
            RewriteRule ( http://stigman:54000/ [P]
        </VirtualHost>
    """
    report = lint_text(tmp_path, text)
    assert codes(report) == ["CLIENT-CERT-DEPTH:2"]
    assert report.findings[0].endpoints == ()
    assert any("cannot work out where STIG Manager is mounted" in note for note in report.notes)


def test_mount_not_taken_from_socket_rewrite(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / http://stigman:54000/ upgrade=websocket",
        "    RewriteEngine On\n"
        "    RewriteCond %{HTTP:Upgrade} websocket [NC]\n"
        "    RewriteRule ^/socket/(.*) ws://stigman:54000/socket/$1 [P,L]\n"
        "    ProxyPass / http://stigman:54000/",
    )
    report = lint_text(tmp_path, text)
    assert [(t.place.line, t.mount) for t in report.targets] == [(8, None), (9, "/")]
    assert codes(report) == []


def test_unreadable_pattern_noted_once(tmp_path: Path):
    text = GOOD.replace("    ProxyPass / ", "    ProxyPassMatch ^/(x http://other/\n    ProxyPass / ")
    report = lint_text(tmp_path, text)
    assert codes(report) == []
    unreadable = [note for note in report.notes if "not a valid regular expression" in note]
    assert len(unreadable) == 1
    assert ":6:" in unreadable[0]


def test_version_comment_decides_ifversion(tmp_path: Path):
    text = (
        "# stiglint: apache-version=2.4.46\n"
        "<IfVersion >= 2.4.47>\n" + GOOD.lstrip("\n") + "</IfVersion>\n"
        "<IfVersion < 2.4.47>\n"
        + GOOD.lstrip("\n").replace(
            "    ProxyPass / http://stigman:54000/ upgrade=websocket",
            "    ProxyPass /socket/ ws://stigman:54000/socket/\n    ProxyPass / http://stigman:54000/",
        )
        + "</IfVersion>\n"
    )
    report = lint_text(tmp_path, text)
    assert codes(report) == []
    assert [t.place.line for t in report.targets] == [17, 18]
    assert not [note for note in report.notes if "IfVersion" in note]


def test_client_cert_depth_in_location(tmp_path: Path):
    text = GOOD.replace(
        "    ProxyPass / ",
        "    <Location /kc/>\n"
        "        SSLVerifyClient require\n"
        '        RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s"\n'
        "        ProxyPass http://keycloak:8080/kc/\n"
        "    </Location>\n"
        "    ProxyPass / ",
    )
    assert codes(lint_text(tmp_path, text)) == ["CLIENT-CERT-DEPTH:7"]
    deep = text.replace("        SSLVerifyClient require\n",
                        "        SSLVerifyClient require\n        SSLVerifyDepth 2\n")
    assert codes(lint_text(tmp_path, deep)) == []
