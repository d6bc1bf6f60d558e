"""Every HAProxy rule: what it flags and what it leaves alone, lines compared."""

from __future__ import annotations

from haproxy_configs import CLEAN

from stiglint.settings import Settings


def test_clean_configuration_has_no_findings(linter):
    assert linter.findings(CLEAN) == []


# TIMEOUT-UNITLESS


def test_unitless_seconds_flagged(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 30").replace(
        "timeout tunnel 3600s", "timeout tunnel 3600"
    )
    assert linter.findings(text) == ["TIMEOUT-UNITLESS:5", "TIMEOUT-UNITLESS:6"]


def test_unitless_milliseconds_not_flagged(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 3600000").replace(
        "timeout connect 5s", "timeout connect 5000"
    )
    assert linter.findings(text) == []


def test_unitless_fix_adds_unit(linter):
    report = linter.report(CLEAN.replace("timeout connect 5s", "timeout connect 10"))
    assert [(f.rule, f.fix) for f in report.findings] == [
        ("TIMEOUT-UNITLESS", "timeout connect 10s")
    ]


# TIMEOUT-MISSING


def test_missing_timeouts_flagged_per_proxy(linter):
    text = CLEAN.replace("    timeout connect 5s\n", "").replace(
        "    timeout client 3600s\n", ""
    )
    assert linter.findings(text) == ["TIMEOUT-MISSING:6", "TIMEOUT-MISSING:13"]


def test_missing_timeout_set_in_proxy_not_flagged(linter):
    text = CLEAN.replace("    timeout connect 5s\n", "").replace(
        "\nbackend stigman\n", "\nbackend stigman\n    timeout connect 2s\n"
    )
    assert linter.findings(text) == []


# TIMEOUT-STREAM-CUT and TIMEOUT-BELOW-RECOMMENDED


def test_short_server_timeout_cuts_streams(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 30s")
    assert linter.findings(text) == ["TIMEOUT-STREAM-CUT:5"]
    endpoints = linter.report(text).findings[0].endpoints
    assert endpoints == (
        "POST /api/collections/1/export-to/2",
        "POST /api/collections/1/clone",
        "GET /api/op/state/sse",
    )


def test_tunnel_timeout_governs_websocket(linter):
    text = CLEAN.replace("timeout tunnel 3600s", "timeout tunnel 10m")
    assert linter.findings(text) == ["TIMEOUT-BELOW-RECOMMENDED:6"]
    assert linter.report(text).findings[0].endpoints == ("GET /socket/log-socket",)


def test_without_tunnel_client_timeout_applies_to_websocket(linter):
    text = CLEAN.replace("    timeout tunnel 3600s\n", "").replace(
        "timeout client 3600s", "timeout client 50s"
    )
    report = linter.report(text)
    assert sorted(f"{f.rule}:{f.place.line}" for f in report.findings) == [
        "TIMEOUT-BELOW-RECOMMENDED:4"
    ]
    assert "GET /socket/log-socket" in report.findings[0].endpoints
    assert report.findings[0].endpoints == ("GET /socket/log-socket",)
    assert report.findings[0].fix == "timeout tunnel 3600s"


def test_long_timeouts_not_flagged(linter):
    text = CLEAN.replace("timeout server 3600s", "timeout server 2h")
    assert linter.findings(text) == []


def test_tcp_mode_uses_tunnel_for_every_stream(linter):
    text = CLEAN.replace("mode http", "mode tcp").replace(
        "timeout tunnel 3600s", "timeout tunnel 20s"
    )
    assert linter.findings(text) == ["TIMEOUT-STREAM-CUT:6"]


# BODY-SIZE-LIMIT and BODY-SIZE-INEFFECTIVE


def test_small_body_limit_flagged_at_anonymous_acl(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny deny_status 413 if { req.body_size gt 1048576 }\n"
        "    default_backend stigman",
    )
    assert linter.findings(text) == ["BODY-SIZE-LIMIT:13"]


def test_small_body_limit_flagged_at_named_acl(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    acl big req.hdr_val(content-length) ge 10485760\n"
        "    http-request deny if big\n"
        "    default_backend stigman",
    )
    assert linter.findings(text) == ["BODY-SIZE-LIMIT:13"]


def test_body_limit_on_other_path_not_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny if { path_beg /static/ } { req.body_size gt 1024 }\n"
        "    default_backend stigman",
    )
    assert linter.findings(text) == []


def test_large_body_limit_is_ineffective_for_chunked(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny unless { req.body_size le 209715200 }\n"
        "    default_backend stigman",
    )
    assert linter.findings(text) == ["BODY-SIZE-INEFFECTIVE:13"]


def test_body_limit_setting_lowers_threshold(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny if { req.body_size gt 10485760 }\n    default_backend stigman",
    )
    settings = Settings(body_size_min=5 * 1024 * 1024)
    assert linter.findings(text, settings) == ["BODY-SIZE-INEFFECTIVE:13"]


# BUFFERING-REQUEST-TIMEOUT


def test_buffer_request_with_short_deadline_flagged(linter):
    text = "global\n    tune.bufsize 1048576\n" + CLEAN.replace(
        "    default_backend stigman",
        "    option http-buffer-request\n    timeout http-request 2s\n    default_backend stigman",
    )
    assert linter.findings(text) == ["BUFFERING-REQUEST-TIMEOUT:17"]


def test_buffer_request_with_default_buffer_not_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    option http-buffer-request\n    timeout http-request 2s\n    default_backend stigman",
    )
    assert linter.findings(text) == []


def test_buffer_request_switched_off_not_flagged(linter):
    text = "global\n    tune.bufsize 1048576\n" + CLEAN.replace(
        "    mode http\n",
        "    mode http\n    option http-buffer-request\n    timeout http-request 2s\n",
    )
    assert linter.findings(text) == ["BUFFERING-REQUEST-TIMEOUT:7"]
    text = text.replace(
        "    bind :80\n", "    bind :80\n    no option http-buffer-request\n"
    )
    text = text.replace(
        "\nbackend stigman\n", "\nbackend stigman\n    no option http-buffer-request\n"
    )
    assert linter.findings(text) == []


# BUFFERING-COMPRESSION


def test_compression_of_stream_types_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    compression algo gzip\n    compression type text/html text/\n    default_backend stigman",
    )
    assert linter.findings(text) == ["BUFFERING-COMPRESSION:14"]
    assert linter.report(text).findings[0].endpoints == ("GET /api/op/state/sse",)


def test_compression_without_type_list_flagged_at_algo(linter):
    text = CLEAN.replace(
        "\nbackend stigman\n", "\nbackend stigman\n    compression algo gzip\n"
    )
    assert linter.findings(text) == ["BUFFERING-COMPRESSION:16"]


def test_backend_type_list_wins_over_frontend(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    compression algo gzip\n    compression type application/x-ndjson\n"
        "    default_backend stigman",
    ).replace(
        "\nbackend stigman\n", "\nbackend stigman\n    compression type text/html\n"
    )
    assert linter.findings(text) == []


# FORWARDED-HEADERS-MISSING and FORWARDED-HOST


def test_forwardfor_alone_misses_proto_and_host(linter):
    text = CLEAN.replace(
        "    http-request set-header X-Forwarded-Proto http\n", ""
    ).replace("    http-request set-header X-Forwarded-Host %[req.hdr(host)]\n", "")
    report = linter.report(text)
    assert [f"{f.rule}:{f.place.line}" for f in report.findings] == [
        "FORWARDED-HEADERS-MISSING:8"
    ]
    assert report.findings[0].message.startswith(
        "X-Forwarded-Proto, X-Forwarded-Host not sent"
    )


def test_headers_set_in_backend_count(linter):
    text = CLEAN.replace("    option forwardfor\n", "").replace(
        "\nbackend stigman\n", "\nbackend stigman\n    option forwardfor\n"
    )
    assert linter.findings(text) == []


def test_no_option_forwardfor_flagged(linter):
    text = CLEAN.replace(
        "\nbackend stigman\n", "\nbackend stigman\n    no option forwardfor\n"
    )
    # The frontend's own option still adds the header.
    assert linter.findings(text) == []
    text = CLEAN.replace("    option forwardfor\n", "    no option forwardfor\n")
    assert linter.findings(text) == ["FORWARDED-HEADERS-MISSING:8"]


def test_host_overwritten_flagged(linter):
    text = CLEAN.replace(
        "\nbackend stigman\n",
        "\nbackend stigman\n    http-request set-header Host stigman.internal\n",
    )
    assert linter.findings(text) == ["FORWARDED-HOST:16"]


def test_send_name_header_host_flagged(linter):
    text = CLEAN.replace(
        "\nbackend stigman\n", "\nbackend stigman\n    http-send-name-header Host\n"
    )
    assert linter.findings(text) == ["FORWARDED-HOST:16"]


# WEBSOCKET-UPGRADE


def test_connection_header_overwritten_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request set-header Connection close\n    default_backend stigman",
    )
    assert linter.findings(text) == ["WEBSOCKET-UPGRADE:13"]


def test_upgrade_deleted_for_other_paths_not_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request del-header Upgrade if { path_beg /api/ }\n    default_backend stigman",
    )
    assert linter.findings(text) == []


# ROUTE-SHADOWED


def test_socket_routed_elsewhere_flagged(linter):
    text = (
        CLEAN.replace(
            "    default_backend stigman",
            "    use_backend stigman if { path_beg /api/ }\n    default_backend web",
        )
        + "\nbackend web\n    server w 127.0.0.1:8080\n"
    )
    assert linter.findings(text) == ["ROUTE-SHADOWED:14"]
    assert linter.report(text).findings[0].endpoints == ("GET /socket/log-socket",)


def test_deny_rule_on_endpoint_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny if { path /api/op/state/sse }\n    default_backend stigman",
    )
    assert linter.findings(text) == ["ROUTE-SHADOWED:13"]


def test_unrouted_endpoint_without_default_flagged(linter):
    text = CLEAN.replace(
        "    default_backend stigman", "    use_backend stigman if { path_beg /api/ }"
    )
    assert linter.findings(text) == ["ROUTE-SHADOWED:8"]


# CLIENT-CERT-*

MTLS = CLEAN.replace(
    "    bind :80\n",
    "    bind :443 ssl crt site.pem verify {mode} ca-file cas.pem\n{rules}",
)


def _mtls(mode, rules=""):
    return MTLS.replace("{mode}", mode).replace("{rules}", rules)


def test_cert_not_forwarded_flagged(linter):
    assert linter.findings(_mtls("required")) == ["CLIENT-CERT-NOT-FORWARDED:9"]


def test_cert_forwarded_cleanly_not_flagged(linter):
    rules = (
        "    http-request del-header SSL_CLIENT_CERT\n"
        "    http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64] if { ssl_c_used }\n"
    )
    assert linter.findings(_mtls("optional", rules)) == []


def test_cert_header_without_condition_sends_empty_value(linter):
    rules = "    http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64]\n"
    assert linter.findings(_mtls("optional", rules)) == ["CLIENT-CERT-EMPTY-VALUE:10"]
    assert linter.findings(_mtls("required", rules)) == []


def test_conditional_cert_header_without_delete_is_spoofable(linter):
    rules = "    http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64] if { ssl_c_used }\n"
    assert linter.findings(_mtls("optional", rules)) == ["CLIENT-CERT-SPOOFABLE:10"]


def test_add_header_is_spoofable(linter):
    rules = "    http-request add-header X-SSL-CERT %[ssl_c_der,base64]\n"
    assert linter.findings(_mtls("required", rules)) == ["CLIENT-CERT-SPOOFABLE:10"]


def test_cert_header_in_keycloak_backend_counts(linter):
    text = _mtls("required").replace(
        "    default_backend stigman",
        "    use_backend keycloak if { path_beg /kc/ }\n    default_backend stigman",
    ) + (
        "\nbackend keycloak\n"
        "    http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64]\n"
        "    server kc 127.0.0.1:8080\n"
    )
    assert linter.findings(text) == []


def test_no_verify_no_client_cert_findings(linter):
    text = CLEAN.replace("    bind :80\n", "    bind :443 ssl crt site.pem\n")
    assert linter.findings(text) == []


# Detection


def test_other_apps_get_no_findings(linter):
    text = """
        frontend fe
            mode http
            bind :80
            default_backend web
        backend web
            server w 127.0.0.1:8080
        """
    report = linter.report(text)
    assert report.findings == []
    assert report.targets == []


def test_targets_list_each_pair_with_reason(linter):
    report = linter.report(CLEAN)
    assert [(t.place.line, t.description, t.mount) for t in report.targets] == [
        (8, "frontend public -> backend stigman", "/")
    ]
    assert "named like STIG Manager" in report.targets[0].reason


def test_mount_setting_checks_named_backend(linter):
    text = CLEAN.replace("stigman", "tools").replace(
        "timeout server 3600s", "timeout server 5s"
    )
    text = text.replace(":54000", ":8443")
    assert linter.findings(text) == []
    assert linter.findings(text, Settings(mounts=("/",))) == ["TIMEOUT-STREAM-CUT:5"]


def test_unrouted_stigman_backend_noted(linter):
    report = linter.report("backend stigman\n    server s 127.0.0.1:54000\n")
    assert report.findings == []
    assert len(report.notes) == 1
    assert "no frontend routes" in report.notes[0]


def test_route_through_rewritten_mount(linter):
    text = (
        CLEAN.replace(
            "    default_backend stigman",
            "    http-request replace-path ^/stigman/(.*) /\\1 if { path_beg /stigman/ }\n"
            "    use_backend stigman if { path_beg /stigman/ }\n"
            "    default_backend web",
        )
        + "\nbackend web\n    server w 127.0.0.1:8080\n"
    )
    report = linter.report(text)
    assert [t.mount for t in report.targets] == ["/stigman/"]
    # After the rewrite the path no longer starts with /stigman/, so HAProxy
    # sends every endpoint to the default backend.
    assert sorted(f"{f.rule}:{f.place.line}" for f in report.findings) == [
        "ROUTE-SHADOWED:15"
    ]


def test_findings_in_second_file_keep_their_file(linter):
    first = linter.write(CLEAN.split("\nbackend stigman")[0], "a.cfg")
    second = linter.write(
        "backend stigman\n    timeout server 10s\n    server s 127.0.0.1:54000\n",
        "b.cfg",
    )
    from stiglint import haproxy

    report = haproxy.lint_files([str(first), str(second)], Settings())
    assert report.errors == []
    assert [(f.rule, f.place.file, f.place.line) for f in report.findings] == [
        ("TIMEOUT-STREAM-CUT", str(second), 2)
    ]
    assert sorted(report.blocks) == sorted([str(first), str(second)])


def test_unitless_message_names_effect(linter):
    report = linter.report(CLEAN.replace("timeout connect 5s", "timeout connect 10"))
    message = report.findings[0].message
    assert message.startswith(
        "timeout connect 10 has no unit, so HAProxy reads it as 10 ms"
    )
    assert "fail unless they open within 10ms" in message
