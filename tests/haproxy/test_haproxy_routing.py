"""Routing a request through a frontend: ACLs, rewrites, deny rules, mounts."""

from __future__ import annotations

from stiglint.haproxy.loader import load
from stiglint.haproxy.proxies import Proxies
from stiglint.haproxy.routing import Request, route
from stiglint.haproxy.targets import Finder
from stiglint.settings import Version


def _frontend(linter, text):
    path = linter.write(text)
    proxies = Proxies(load([str(path)]), Version((2, 6, 12)))
    return proxies, proxies.frontends["fe"]


def _backends(frontend, path, method="GET", headers=None):
    result = route(frontend, Request(method, path, headers or {}))
    return [(c.backend, c.certain) for c in result.candidates]


ROUTES = """
frontend fe
    mode http
    acl is_api path_beg /api/
    acl is_socket path_beg -i /SOCKET/
    use_backend api if is_api
    use_backend sockets if is_socket || { path_end .ws }
    use_backend static if { path_beg /img } !{ path_end .php }
    use_backend exact if { path /exact }
    use_backend regex if { path_reg ^/re/[0-9]+$ }
    use_backend hosts if { hdr(host) -i img.example.com }
    default_backend web
"""


def test_path_beg_acl(linter):
    _, frontend = _frontend(linter, ROUTES)
    assert _backends(frontend, "/api/stigs") == [("api", True)]


def test_case_insensitive_flag_and_or(linter):
    _, frontend = _frontend(linter, ROUTES)
    assert _backends(frontend, "/socket/log-socket") == [("sockets", True)]
    assert _backends(frontend, "/x.ws") == [("sockets", True)]


def test_negated_anonymous_acl(linter):
    _, frontend = _frontend(linter, ROUTES)
    assert _backends(frontend, "/img/a.png") == [("static", True)]
    assert _backends(frontend, "/img/a.php")[0] == ("hosts", False)


def test_exact_and_regex(linter):
    _, frontend = _frontend(linter, ROUTES)
    assert _backends(frontend, "/exact") == [("exact", True)]
    assert _backends(frontend, "/re/12") == [("regex", True)]


def test_undecidable_condition_keeps_both(linter):
    _, frontend = _frontend(linter, ROUTES)
    assert _backends(frontend, "/index.html") == [("hosts", False), ("web", False)]


def test_unless_and_method(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            use_backend writes unless METH_GET
            use_backend reads if { method GET }
        """,
    )
    assert _backends(frontend, "/", "POST") == [("writes", True)]
    assert _backends(frontend, "/", "GET") == [("reads", True)]


def test_websocket_header_acl(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            acl ws hdr(Upgrade) -i websocket
            use_backend sockets if ws
            default_backend web
        """,
    )
    assert _backends(
        frontend, "/socket/log-socket", headers={"upgrade": "websocket"}
    ) == [("sockets", True)]
    assert _backends(frontend, "/api/op/state/sse") == [("web", True)]


def test_listen_without_rules_serves_itself(linter):
    path = linter.write("listen fe\n    mode http\n    server s 127.0.0.1:80\n")
    proxies = Proxies(load([str(path)]), Version((2, 6, 12)))
    assert _backends(proxies.frontends["fe"], "/") == [("fe", True)]


def test_no_default_backend_gives_no_candidate(linter):
    _, frontend = _frontend(
        linter, "frontend fe\n    mode http\n    use_backend a if { path_beg /a }\n"
    )
    assert _backends(frontend, "/b") == []


def test_dynamic_backend_name(linter):
    _, frontend = _frontend(
        linter, "frontend fe\n    mode http\n    use_backend %[var(txn.x)]\n"
    )
    assert _backends(frontend, "/") == [(None, True)]


def test_replace_path_applies_before_use_backend(linter):
    _, frontend = _frontend(
        linter,
        r"""
        frontend fe
            mode http
            http-request replace-path ^/stigman/(.*) /\1
            use_backend api if { path_beg /api/ }
            default_backend web
        """,
    )
    result = route(frontend, Request("GET", "/stigman/api/op/state/sse"))
    assert result.request.path == "/api/op/state/sse"
    assert [c.backend for c in result.candidates] == ["api"]


def test_certain_deny_blocks_request(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            http-request deny if { path_beg /api/stigs }
            http-request redirect scheme https if !{ ssl_fc }
            default_backend web
        """,
    )
    blocked = route(frontend, Request("POST", "/api/stigs"))
    assert blocked.blocked_by is not None
    assert blocked.blocked_by.line == 3
    assert route(frontend, Request("GET", "/api/op/state/sse")).blocked_by is None


def test_mount_detected_from_path_prefix(linter):
    proxies, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            use_backend stigman if { path_beg /stigman/ }
            use_backend stigman-api if { path_beg /app/api/ }
            default_backend web
        backend stigman
            server a 127.0.0.1:54000
        backend stigman-api
            server a 10.0.0.1:54000
        backend web
            server w 127.0.0.1:8080
        """,
    )
    targets = Finder(proxies).detect(frontend)
    assert [(t.mount, sorted(t.used)) for t in targets] == [
        ("/stigman/", ["stigman"]),
        ("/app/", ["stigman-api"]),
    ]


def test_backend_detected_by_port_and_server_name(linter):
    proxies, _ = _frontend(
        linter,
        """
        frontend fe
            mode http
        backend by_port
            server a 10.0.0.1:54000
        backend by_server
            server stig-manager-1 10.0.0.2:80
        backend other
            server a 10.0.0.3:8080
        """,
    )
    assert sorted(Finder(proxies).reasons) == ["by_port", "by_server"]


def test_mounts_setting_routes_through_frontend(linter):
    proxies, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            use_backend app if { path_beg /tools/ }
            default_backend web
        backend app
            server a 10.0.0.1:8443
        backend web
            server w 10.0.0.2:80
        """,
    )
    targets = Finder(proxies).from_mounts(frontend, ("/tools/",))
    assert [(t.mount, sorted(t.used)) for t in targets] == [("/tools/", ["app"])]


MATCHES = """
frontend fe
    mode http
    use_backend by_dir if { path_dir stigman }
    use_backend by_method_flag if { path -m beg /tools/ }
    use_backend by_lower if { path,lower -m beg /upper/ }
    use_backend by_url if { url_beg /url/ }
    use_backend by_sub if { path_sub /middle/ }
    default_backend web
"""


def test_path_dir_matches_whole_segments(linter):
    _, frontend = _frontend(linter, MATCHES)
    assert _backends(frontend, "/app/stigman/api") == [("by_dir", True)]
    assert _backends(frontend, "/app/stigmanx/api") == [("web", True)]


def test_match_method_flag_and_converter(linter):
    _, frontend = _frontend(linter, MATCHES)
    assert _backends(frontend, "/tools/x") == [("by_method_flag", True)]
    assert _backends(frontend, "/UPPER/x") == [("by_lower", True)]


def test_url_and_substring_fetches(linter):
    _, frontend = _frontend(linter, MATCHES)
    assert _backends(frontend, "/url/x") == [("by_url", True)]
    assert _backends(frontend, "/a/middle/b") == [("by_sub", True)]


def test_unknown_converter_is_undecidable(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            use_backend a if { path,url_dec -m beg /a }
            default_backend web
        """,
    )
    assert _backends(frontend, "/a") == [("a", False), ("web", False)]


def test_acl_lines_with_same_name_are_ored(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            acl app path_beg /api/
            acl app path_beg /socket/
            use_backend app if app
            default_backend web
        """,
    )
    assert _backends(frontend, "/socket/log-socket") == [("app", True)]


def test_set_path_literal_rewrites(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            http-request set-path /api/ if { path /old }
            use_backend app if { path_beg /api/ }
            default_backend web
        """,
    )
    assert _backends(frontend, "/old") == [("app", True)]


def test_rewrite_with_sample_is_uncertain(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            http-request set-path %[path,regsub(^/x,/)]
            default_backend web
        """,
    )
    result = route(frontend, Request("GET", "/x/api"))
    assert [keyword.line for keyword in result.uncertain] == [3]
    assert result.request.path == "/x/api"


def test_tcp_frontend_ignores_http_rules(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode tcp
            http-request deny
            default_backend db
        """,
    )
    result = route(frontend, Request("GET", "/"))
    assert result.blocked_by is None
    assert [c.backend for c in result.candidates] == ["db"]


def test_scheme_redirect_and_auth_do_not_block(linter):
    _, frontend = _frontend(
        linter,
        """
        frontend fe
            mode http
            http-request redirect scheme https
            http-request auth realm stigman
            default_backend web
        """,
    )
    result = route(frontend, Request("GET", "/api/op/state/sse"))
    assert result.blocked_by is None
    assert [c.backend for c in result.candidates] == ["web"]
