"""Every nginx rule: what it must flag, where, and what it must not flag."""

from stiglint.findings import Severity
from stiglint.settings import Settings

from nginx_cases import GOOD_LOCATION


def _config(location_body: str = GOOD_LOCATION, server_extra: str = "", http_extra: str = "",
            listen: str = "listen 443 ssl;") -> str:
    return (
        "http {\n"
        f"    {http_extra}\n"
        "    server {\n"
        f"        {listen}\n"
        f"        {server_extra}\n"
        "        client_max_body_size 100m;\n"
        "        location /stigman/ {"
        f"{location_body}"
        "        }\n"
        "    }\n"
        "}\n"
    )


# Line numbers in _config(): http 1, http_extra 2, server 3, listen 4,
# server_extra 5, client_max_body_size 6, location 7, location body from 8.
LOCATION_LINE = 7


def test_good_config_passes(nginx):
    assert nginx.codes(_config()) == []


# body-size


def test_body_size_default_flagged_at_location(nginx):
    text = _config().replace("client_max_body_size 100m;", "")
    assert nginx.codes(text) == [f"BODY-SIZE-LIMIT:{LOCATION_LINE}"]


def test_body_size_small_value_flagged_at_directive(nginx):
    text = _config().replace("client_max_body_size 100m;", "client_max_body_size 10m;")
    assert nginx.codes(text) == ["BODY-SIZE-LIMIT:6"]
    finding = nginx.finding(text, "BODY-SIZE-LIMIT")
    assert "POST /stigman/api/stigs" in finding.message
    assert "413" in finding.message
    assert finding.fix == "client_max_body_size 100m;"


def test_body_size_inner_level_wins(nginx):
    body = GOOD_LOCATION + "            client_max_body_size 5m;\n"
    assert nginx.codes(_config(body)) == ["BODY-SIZE-LIMIT:17"]


def test_body_size_zero_and_large_pass(nginx):
    for value in ("0", "1g", "100M", "104857600"):
        text = _config().replace("client_max_body_size 100m;", f"client_max_body_size {value};")
        assert nginx.codes(text) == [], value


def test_body_size_just_below_threshold(nginx):
    text = _config().replace("client_max_body_size 100m;", "client_max_body_size 104857599;")
    assert nginx.codes(text) == ["BODY-SIZE-LIMIT:6"]


def test_body_size_threshold_setting(nginx):
    text = _config().replace("client_max_body_size 100m;", "client_max_body_size 50m;")
    assert nginx.codes(text, body_size_min=50 * 1024 * 1024) == []


# buffering


def test_buffering_ignored_header_with_tls_is_error(nginx):
    text = _config(server_extra="proxy_ignore_headers X-Accel-Buffering;")
    assert nginx.codes(text) == ["BUFFERING-FORCED:5"]
    finding = nginx.finding(text, "BUFFERING-FORCED")
    assert finding.severity is Severity.ERROR
    assert "TLS" in finding.message
    assert "GET /stigman/api/op/state/sse" in finding.message
    assert "POST /stigman/api/collections/1/clone" in finding.message


def test_buffering_plain_http11_is_warning(nginx):
    text = _config(server_extra="proxy_ignore_headers X-Accel-Buffering;", listen="listen 80;")
    finding = nginx.finding(text, "BUFFERING-FORCED")
    assert finding.severity is Severity.WARNING


def test_buffering_http10_upstream_is_error(nginx):
    body = GOOD_LOCATION.replace("proxy_http_version 1.1;", "")
    body = body.replace('proxy_set_header Connection "upgrade";', "")
    text = _config(body, server_extra="proxy_ignore_headers X-Accel-Buffering;", listen="listen 80;")
    finding = nginx.finding(text, "BUFFERING-FORCED")
    assert finding.severity is Severity.ERROR
    assert "HTTP/1.0" in finding.message


def test_buffering_http11_default_from_version(nginx):
    body = GOOD_LOCATION.replace("proxy_http_version 1.1;", "")
    text = _config(body, server_extra="proxy_ignore_headers X-Accel-Buffering;", listen="listen 80;")
    report = nginx.report(text, version="1.29.7")
    assert [f.severity for f in report.findings if f.rule == "BUFFERING-FORCED"] == [Severity.WARNING]


def test_buffering_gzip_on_stream_type_is_error(nginx):
    text = _config(
        server_extra="proxy_ignore_headers X-Accel-Buffering;",
        http_extra="gzip on; gzip_types text/event-stream;",
        listen="listen 80;",
    )
    finding = nginx.finding(text, "BUFFERING-FORCED")
    assert finding.severity is Severity.ERROR
    assert "gzip" in finding.message
    assert finding.endpoints == ("GET /stigman/api/op/state/sse",) or len(finding.endpoints) == 3


def test_buffering_off_or_header_honoured_passes(nginx):
    assert nginx.codes(_config(server_extra="proxy_buffering on;")) == []
    text = _config(server_extra="proxy_ignore_headers X-Accel-Buffering; proxy_buffering off;")
    assert nginx.codes(text) == []
    text = _config(server_extra="proxy_ignore_headers Expires Cache-Control;")
    assert nginx.codes(text) == []


def test_buffering_case_insensitive_header_name(nginx):
    text = _config(server_extra="proxy_ignore_headers x-accel-buffering Expires;")
    assert nginx.codes(text) == ["BUFFERING-FORCED:5"]


# websocket


def test_websocket_missing_everything(nginx):
    body = "\n            proxy_pass http://stigman:54000/;\n"
    codes = nginx.codes(_config(body))
    assert f"WEBSOCKET-UPGRADE:{LOCATION_LINE}" in codes
    finding = nginx.finding(_config(body), "WEBSOCKET-UPGRADE")
    assert finding.endpoints == ("GET /stigman/socket/log-socket",)
    assert "HTTP/1.0" in finding.message
    assert "Upgrade header is not passed on" in finding.message


def test_websocket_map_idiom_passes(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', "$connection_upgrade")
    text = _config(body, http_extra="map $http_upgrade $connection_upgrade { default upgrade; '' close; }")
    assert nginx.codes(text) == []


def test_websocket_map_on_other_variable_flagged(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', "$connection_upgrade")
    text = _config(body, http_extra="map $http_host $connection_upgrade { default upgrade; }")
    assert nginx.codes(text) == ["WEBSOCKET-UPGRADE:15"]


def test_websocket_undefined_map_variable_flagged(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', "$connection_upgrade")
    assert nginx.codes(_config(body)) == ["WEBSOCKET-UPGRADE:15"]


def test_websocket_empty_connection_flagged_at_directive(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', '""')
    assert nginx.codes(_config(body)) == ["WEBSOCKET-UPGRADE:15"]


def test_websocket_variable_name_matched_exactly(nginx):
    body = GOOD_LOCATION.replace("Upgrade $http_upgrade", "Upgrade $http_upgrade_x")
    assert nginx.codes(_config(body)) == ["WEBSOCKET-UPGRADE:14"]


def test_websocket_connection_token_list_passes(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', '"keep-alive, Upgrade"')
    assert nginx.codes(_config(body)) == []


def test_websocket_http10_explicit_flagged_at_directive(nginx):
    body = GOOD_LOCATION.replace("proxy_http_version 1.1;", "proxy_http_version 1.0;")
    assert nginx.codes(_config(body)) == ["WEBSOCKET-UPGRADE:9"]


def test_websocket_http11_default_since_1_29_7(nginx):
    body = GOOD_LOCATION.replace("proxy_http_version 1.1;", "")
    assert nginx.codes(_config(body), version="1.29.7") == []
    assert nginx.codes(_config(body), version="1.29.6") == [f"WEBSOCKET-UPGRADE:{LOCATION_LINE}"]
    assert nginx.codes(_config(body)) == [f"WEBSOCKET-UPGRADE:{LOCATION_LINE}"]


def test_websocket_version_from_comment(nginx):
    body = GOOD_LOCATION.replace("proxy_http_version 1.1;", "")
    text = "# stiglint: nginx-version=1.30.0\n" + _config(body)
    assert nginx.codes(text) == []


def test_websocket_headers_dropped_by_inner_list(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    proxy_http_version 1.1;\n"
        "    proxy_read_timeout 1h;\n"
        "    proxy_set_header Upgrade $http_upgrade;\n"
        "    proxy_set_header Connection upgrade;\n"
        "    location /stigman/ {\n"
        "      proxy_pass http://stigman:54000/;\n"
        "      proxy_set_header Host $host;\n"
        "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "      proxy_set_header X-Forwarded-Proto $scheme;\n"
        "      proxy_set_header X-Forwarded-Host $host;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == ["WEBSOCKET-UPGRADE:9"]
    finding = nginx.finding(text, "WEBSOCKET-UPGRADE")
    assert "set at" in finding.message
    assert "nginx.conf:7" in finding.message
    assert "dropped" in finding.message


def test_socket_location_that_strips_its_prefix(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    location /stigman/ {" + GOOD_LOCATION + "    }\n"
        "    location /stigman/socket/ {" + GOOD_LOCATION + "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == ["ROUTE-PATH:17"]


def test_websocket_separate_socket_location(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    location /stigman/ {" + GOOD_LOCATION.replace("proxy_http_version 1.1;", "") + "    }\n"
        "    location /stigman/socket/ {"
        + GOOD_LOCATION.replace("54000/", "54000/socket/")
        + "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == []


# timeout


def test_timeout_default_below_recommended(nginx):
    body = GOOD_LOCATION.replace("proxy_read_timeout 3600s;", "")
    assert nginx.codes(_config(body)) == [f"TIMEOUT-BELOW-RECOMMENDED:{LOCATION_LINE}"]
    finding = nginx.finding(_config(body), "TIMEOUT-BELOW-RECOMMENDED")
    assert "60s" in finding.message
    assert len(finding.endpoints) == 4
    assert finding.fix == "proxy_read_timeout 3600s;"


def test_timeout_at_keepalive_is_error_at_directive(nginx):
    body = GOOD_LOCATION.replace("proxy_read_timeout 3600s;", "")
    text = _config(body, server_extra="proxy_read_timeout 30s;")
    assert nginx.codes(text) == ["TIMEOUT-STREAM-CUT:5"]


def test_timeout_just_above_keepalive_is_warning(nginx):
    body = GOOD_LOCATION.replace("3600s", "31s")
    assert nginx.codes(_config(body)) == ["TIMEOUT-BELOW-RECOMMENDED:16"]


def test_timeout_units_parsed(nginx):
    for value in ("1h", "60m", "3600", "2h 30m", "1d"):
        body = GOOD_LOCATION.replace("3600s", value)
        assert nginx.codes(_config(body)) == [], value
    body = GOOD_LOCATION.replace("3600s", "30000ms")
    assert nginx.codes(_config(body)) == ["TIMEOUT-STREAM-CUT:16"]


def test_timeout_explicit_small_send_timeout(nginx):
    body = GOOD_LOCATION + "            proxy_send_timeout 10s;\n"
    finding = nginx.finding(_config(body), "TIMEOUT-STREAM-CUT")
    assert finding.place.line == 17
    assert finding.endpoints == ("GET /stigman/socket/log-socket",)


def test_timeout_default_send_timeout_not_flagged(nginx):
    assert nginx.codes(_config()) == []


# forwarded-headers


def test_forwarded_headers_missing_and_host(nginx):
    body = "\n" + "\n".join(
        line for line in GOOD_LOCATION.splitlines()
        if "X-Forwarded" not in line and "Host $host" not in line
    ) + "\n"
    codes = nginx.codes(_config(body))
    assert codes == [f"FORWARDED-HEADERS-MISSING:{LOCATION_LINE}", f"FORWARDED-HOST:{LOCATION_LINE}"]
    finding = nginx.finding(_config(body), "FORWARDED-HEADERS-MISSING")
    assert "X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host" in finding.message


def test_forwarded_proxy_host_explicit(nginx):
    body = GOOD_LOCATION.replace("Host $host;", "Host $proxy_host;", 1)
    assert nginx.codes(_config(body)) == ["FORWARDED-HOST:10"]


def test_forwarded_rfc7239_header_accepted(nginx):
    body = "\n".join(line for line in GOOD_LOCATION.splitlines() if "X-Forwarded" not in line)
    body += '\n            proxy_set_header Forwarded "for=$remote_addr;proto=$scheme;host=$host";\n'
    assert nginx.codes(_config(body)) == []


def test_forwarded_inheritance_trap(nginx):
    text = (
        "http {\n"
        "  proxy_set_header Host $host;\n"
        "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "  proxy_set_header X-Forwarded-Proto $scheme;\n"
        "  proxy_set_header X-Forwarded-Host $host;\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    proxy_read_timeout 1h;\n"
        "    location /stigman/ {\n"
        "      proxy_pass http://stigman:54000/;\n"
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Upgrade $http_upgrade;\n"
        "      proxy_set_header Connection upgrade;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == ["FORWARDED-HEADERS-DROPPED:13"]
    finding = nginx.finding(text, "FORWARDED-HEADERS-DROPPED")
    for name, line in (("Host", 2), ("X-Forwarded-For", 3), ("X-Forwarded-Proto", 4), ("X-Forwarded-Host", 5)):
        assert f"{name} (set at " in finding.message
        assert f"nginx.conf:{line})" in finding.message
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in finding.fix


def test_forwarded_headers_inherited_when_location_sets_none(nginx):
    body_lines = [l for l in GOOD_LOCATION.splitlines() if "proxy_set_header" not in l]
    server_extra = " ".join(
        l.strip() for l in GOOD_LOCATION.splitlines() if "proxy_set_header" in l
    )
    text = _config("\n".join(body_lines) + "\n", server_extra=server_extra)
    assert nginx.codes(text) == []


def test_forwarded_only_nearest_outer_list_is_dropped(nginx):
    text = (
        "http {\n"
        "  proxy_set_header X-Forwarded-Host $host;\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    proxy_set_header X-Forwarded-Proto $scheme;\n"
        "    location /stigman/ {" + GOOD_LOCATION.replace("proxy_set_header X-Forwarded-Proto $scheme;", "") + "    }\n"
        "  }\n"
        "}\n"
    )
    finding = nginx.finding(text, "FORWARDED-HEADERS-DROPPED")
    assert "X-Forwarded-Proto (set at" in finding.message
    assert "X-Forwarded-Host (set at" not in finding.message


# routing


def test_regex_location_steals_sse(nginx):
    text = _config().replace(
        "        location /stigman/ {", "        location ~ /sse$ { return 404; }\n        location /stigman/ {"
    )
    codes = nginx.codes(text)
    assert codes == ["ROUTE-SHADOWED:7"]
    finding = nginx.finding(text, "ROUTE-SHADOWED")
    assert finding.endpoints == ("GET /stigman/api/op/state/sse",)
    assert "location /stigman/ (line 8)" in finding.message


def test_static_regex_location_that_matches_nothing_passes(nginx):
    text = _config().replace(
        "        location /stigman/ {",
        "        location ~* \\.(js|css|png)$ { expires 30d; }\n        location /stigman/ {",
    )
    assert nginx.codes(text) == []


def test_regex_location_that_proxies_stigman_is_evaluated(nginx):
    text = _config().replace(
        "        location /stigman/ {",
        "        location ~ /sse$ { proxy_pass http://stigman:54000; }\n        location /stigman/ {",
    )
    codes = nginx.codes(text)
    assert "ROUTE-SHADOWED:7" not in codes
    assert "FORWARDED-HEADERS-MISSING:7" in codes
    assert "TIMEOUT-BELOW-RECOMMENDED:7" in codes


def test_caret_tilde_protects_from_regex(nginx):
    text = _config().replace("location /stigman/ {", "location ^~ /stigman/ {")
    text = text.replace("    server {\n", "    server {\n        location ~ /sse$ { return 404; }\n", 1)
    assert nginx.codes(text) == []


def test_socket_not_proxied(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    location / { root /srv/www; }\n"
        "    location /api/ {" + GOOD_LOCATION.replace("54000/", "54000/api/") + "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == ["ROUTE-SHADOWED:5"]
    finding = nginx.finding(text, "ROUTE-SHADOWED")
    assert finding.endpoints == ("GET /socket/log-socket",)


def test_socket_matches_no_location(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 0;\n"
        "    location /api/ {" + GOOD_LOCATION.replace("54000/", "54000/api/") + "    }\n"
        "  }\n"
        "}\n"
    )
    assert nginx.codes(text) == ["ROUTE-SHADOWED:2"]


def test_nested_location_without_proxy_pass(nginx):
    body = GOOD_LOCATION + "            location /stigman/api/op/ { return 204; }\n"
    codes = nginx.codes(_config(body))
    assert codes == ["ROUTE-SHADOWED:17"]


# detection and mount paths


def test_other_apps_get_no_findings(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    location /grafana/ { proxy_pass http://grafana:3000/; }\n"
        "    location /kc/ { proxy_pass http://keycloak:8080/; }\n"
        "  }\n"
        "}\n"
    )
    report = nginx.report(text)
    assert report.findings == []
    assert report.targets == []


def test_detect_upstream_by_name(nginx):
    text = (
        "http {\n"
        "  upstream stig_manager_api { server 10.0.0.5:8080; }\n"
        "  server { location / { proxy_pass http://stig_manager_api; } }\n"
        "}\n"
    )
    report = nginx.report(text)
    assert [t.place.line for t in report.targets] == [3]
    assert "upstream 'stig_manager_api'" in report.targets[0].reason


def test_detect_upstream_server_port(nginx):
    text = (
        "http {\n"
        "  upstream backend { server 10.0.0.5:54000; }\n"
        "  server { location / { proxy_pass http://backend; } }\n"
        "}\n"
    )
    report = nginx.report(text)
    assert "port 54000" in report.targets[0].reason


def test_explicit_mount_wins(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    location /app/ { proxy_pass http://10.1.1.1:8080/; }\n"
        "    location /other/ { proxy_pass http://stigman:54000/; }\n"
        "  }\n"
        "}\n"
    )
    report = nginx.report(text, mounts=("/app/",))
    assert [t.place.line for t in report.targets] == [3]
    assert "mount path /app/" in report.targets[0].reason
    assert {f.place.line for f in report.findings} == {3}


def test_mount_from_api_and_socket_locations(nginx):
    for socket_target in ("http://stigman:54000/socket/", "http://stigman:54000"):
        socket = GOOD_LOCATION.replace("http://stigman:54000/", socket_target)
        text = _config(GOOD_LOCATION.replace("54000/", "54000/api/")).replace("/stigman/ {", "/api/ {")
        text = text.replace("    server {\n", "    server {\n        location /socket/ {" + socket + "}\n", 1)
        report = nginx.report(text)
        assert report.findings == [], socket_target
        assert [t.mount for t in report.targets] == ["/", "/"]


def test_location_stripping_socket_prefix_breaks_socket(nginx):
    socket = GOOD_LOCATION.replace("54000/", "54000/other/")
    text = _config(GOOD_LOCATION.replace("54000/", "54000/api/")).replace("/stigman/ {", "/api/ {")
    text = text.replace("    server {\n", "    server {\n        location /socket/ {" + socket + "}\n", 1)
    report = nginx.report(text)
    codes = [f"{f.rule}:{f.place.line}" for f in report.findings]
    assert codes == ["ROUTE-PATH:5"]
    assert "GET /socket/log-socket" in report.findings[0].endpoints
    assert "arrives as /other/" in report.findings[0].message


def test_prefix_passed_unchanged_to_app(nginx):
    text = _config(GOOD_LOCATION.replace("54000/", "54000")).replace("/stigman/ {", "/stigman {")
    assert nginx.codes(text) == ["ROUTE-PATH:8"]
    finding = nginx.finding(text, "ROUTE-PATH")
    assert "/stigman/api/collections/1/export-to/2 arrives as /stigman/api/collections/1/export-to/2" in finding.message
    assert finding.fix == "proxy_pass http://stigman:54000/;"


def test_root_location_without_uri_passes(nginx):
    text = _config(GOOD_LOCATION.replace("54000/", "54000")).replace("/stigman/ {", "/ {")
    assert nginx.codes(text) == []


def test_api_published_under_other_name_skips_socket(nginx):
    text = _config(GOOD_LOCATION.replace("54000/", "54000/api/")).replace("/stigman/ {", "/stigman-api/ {")
    report = nginx.report(text)
    assert report.findings == []
    assert report.targets[0].mount == "/stigman-api/"


# cases found by testing against live servers


def test_exact_socket_location_mounts_at_its_parent(nginx):
    socket = GOOD_LOCATION.replace("54000/", "54000/socket/log-socket")
    text = _config().replace(
        "        location /stigman/ {",
        "        location = /stigman/socket/log-socket {" + socket + "}\n        location /stigman/ {",
    )
    report = nginx.report(text)
    assert [f"{f.rule}:{f.place.line}" for f in report.findings] == []
    assert [t.mount for t in report.targets] == ["/stigman/", "/stigman/"]


def test_if_branch_proxy_pass_keeps_prefix(nginx):
    body = GOOD_LOCATION + "            if ($http_upgrade) { proxy_pass http://stigman:54000; }\n"
    finding = nginx.finding(_config(body), "ROUTE-PATH")
    assert finding.place.line == 17
    assert "passes the request path unchanged" in finding.message
    assert finding.fix == "proxy_pass http://stigman:54000/;"


def test_if_branch_with_same_mapping_passes(nginx):
    body = GOOD_LOCATION + "            if ($http_upgrade) { proxy_pass http://stigman:54000/; }\n"
    assert nginx.codes(_config(body)) == []


def test_connection_from_client_header_passes(nginx):
    body = GOOD_LOCATION.replace('"upgrade"', "$http_connection")
    assert nginx.codes(_config(body)) == []


def test_variable_names_ignore_case(nginx):
    body = GOOD_LOCATION.replace("$http_upgrade", "$http_Upgrade")
    assert nginx.codes(_config(body)) == []


def test_empty_repeat_does_not_cancel_header(nginx):
    body = GOOD_LOCATION + '            proxy_set_header Upgrade "";\n'
    assert nginx.codes(_config(body)) == []


def _named(target: str = "http://stigman:54000") -> str:
    return (
        "http {\n"
        "  server {\n"
        "    listen 443 ssl;\n"
        "    client_max_body_size 100m;\n"
        "    location /stigman/ {\n"
        "      try_files /nonexistent @app;\n"
        "    }\n"
        "    location @app {" + GOOD_LOCATION.replace("http://stigman:54000/", target) + "    }\n"
        "  }\n"
        "}\n"
    )


def test_named_location_through_try_files(nginx):
    report = nginx.report(_named())
    assert [t.description for t in report.targets] == ["location @app"]
    assert report.targets[0].mount == "/stigman/"
    assert [f"{f.rule}:{f.place.line}" for f in report.findings] == ["ROUTE-PATH:9"]
    assert report.findings[0].fix == "rewrite ^/stigman/(.*)$ /$1 break;"


def test_named_location_with_explicit_mount(nginx):
    report = nginx.report(_named(), mounts=("/stigman/",))
    assert [t.description for t in report.targets] == ["location @app"]
    assert [f.rule for f in report.findings] == ["ROUTE-PATH"]


def test_named_location_at_root_passes(nginx):
    text = _named().replace("location /stigman/ {", "location / {")
    assert nginx.codes(text) == []
