"""Resolution order: which rule httpd picks for a request path."""

from __future__ import annotations

from pathlib import Path

from stiglint.apache.loader import load
from stiglint.apache.routing import Server, alias_matches, location_matches, resolve, servers_of
from .helpers import write


def host(tmp_path: Path, text: str, index: int = 1) -> Server:
    config = load(str(write(tmp_path, "httpd.conf", text)))
    assert config.errors == []
    return servers_of(config)[index]


def picked(server: Server, path: str, websocket: bool = False) -> int | None:
    route = resolve(server, path, websocket)
    rule = route.local_rewrite or route.rule
    return rule.directive.line if rule else None


def test_first_matching_proxypass_wins(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPass / http://a/
        ProxyPass /socket/ ws://b/socket/
        </VirtualHost>
    """)
    assert picked(server, "/socket/log-socket", websocket=True) == 2


def test_longer_path_first_is_reached(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPass /socket/ ws://b/socket/
        ProxyPass / http://a/
        </VirtualHost>
    """)
    assert picked(server, "/socket/log-socket") == 2
    assert picked(server, "/api/stigs") == 3


def test_exclusion_takes_the_request(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPass /api !
        ProxyPass / http://a/
        </VirtualHost>
    """)
    route = resolve(server, "/api/stigs")
    assert route.rule.directive.line == 2
    assert not route.proxied


def test_location_proxypass_beats_server_rules(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPass /api/ http://a/api/
        <Location /api/>
            ProxyPass http://b/api/
        </Location>
        </VirtualHost>
    """)
    assert picked(server, "/api/stigs") == 4


def test_later_location_overrides_earlier(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        <Location /api/op/>
            ProxyPass http://b/api/op/
        </Location>
        <Location /api/>
            ProxyPass http://a/api/
        </Location>
        </VirtualHost>
    """)
    route = resolve(server, "/api/op/state/sse")
    assert route.rule.directive.line == 6
    assert [section.line for section in route.locations] == [2, 5]


def test_main_server_locations_merge_before_host_ones(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        <Location />
            ProxyPass http://host/
        </Location>
        </VirtualHost>
        <Location />
            ProxyPass http://main/
        </Location>
    """)
    route = resolve(server, "/api/stigs")
    assert route.rule.directive.line == 3
    assert [section.line for section in route.locations] == [6, 2]


def test_main_server_rules_come_before_host_rules(tmp_path: Path):
    text = """
        ProxyPass / http://main/
        <VirtualHost *:80>
        {inherit}
        ProxyPass /api/ http://host/api/
        </VirtualHost>
    """
    server = host(tmp_path, text.format(inherit=""))
    assert picked(server, "/api/stigs") == 1
    server = host(tmp_path, text.format(inherit="ProxyPassInherit Off"))
    assert picked(server, "/api/stigs") == 4


def test_proxypassmatch_in_order(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPassMatch ^/(api/op/.*)$ http://a/$1
        ProxyPass / http://b/
        </VirtualHost>
    """)
    assert picked(server, "/api/op/state/sse") == 2
    assert picked(server, "/api/stigs") == 3


def test_rewrite_proxy_runs_before_proxypass(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        RewriteEngine On
        RewriteCond %{HTTP:Upgrade} websocket [NC]
        RewriteCond %{HTTP:Connection} upgrade [NC]
        RewriteRule ^/socket/(.*) ws://b/socket/$1 [P,L]
        ProxyPass / http://a/
        </VirtualHost>
    """)
    route = resolve(server, "/socket/log-socket", websocket=True)
    assert route.rule.directive.line == 5
    assert route.backend_url() == "ws://b/socket/log-socket"
    assert picked(server, "/socket/log-socket", websocket=False) == 6


def test_rewrite_engine_off_ignores_rules(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        RewriteRule ^/(.*) http://x/$1 [P]
        ProxyPass / http://a/
        </VirtualHost>
    """)
    assert picked(server, "/api/stigs") == 3


def test_redirect_rewrite_keeps_request_local(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        RewriteEngine on
        RewriteRule ^/(.*) https://example.org/$1 [R=301,L]
        ProxyPass / http://a/
        </VirtualHost>
    """)
    route = resolve(server, "/api/stigs")
    assert route.local_rewrite is not None
    assert not route.proxied


def test_rewrite_to_request_uri(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        RewriteEngine on
        RewriteRule ^/app(.*) http://stigman:54000%{REQUEST_URI} [P]
        </VirtualHost>
    """)
    route = resolve(server, "/app/api/stigs")
    assert route.backend_url() == "http://stigman:54000/app/api/stigs"


def test_no_rule_matches(tmp_path: Path):
    server = host(tmp_path, "<VirtualHost *:80>\nProxyPass /api/ http://a/api/\n</VirtualHost>\n")
    assert picked(server, "/socket/log-socket") is None


def test_alias_match_stops_at_segment_boundary():
    assert alias_matches("/api", "/api")
    assert alias_matches("/api", "/api/stigs")
    assert not alias_matches("/api", "/apix")
    assert alias_matches("/api/", "/api/stigs")
    assert not alias_matches("/api/", "/api")


def test_location_match_forms(tmp_path: Path):
    config = load(str(write(tmp_path, "httpd.conf", """
        <Location /api>
        </Location>
        <LocationMatch "^/api/op/">
        </LocationMatch>
        <Location ~ "sse$">
        </Location>
        <Location /api/*/state>
        </Location>
    """)))
    a, b, c, d = config.root.block
    assert location_matches(a, "/api/stigs")
    assert not location_matches(a, "/apix")
    assert location_matches(b, "/api/op/state/sse")
    assert not location_matches(b, "/api/stigs")
    assert location_matches(c, "/api/op/state/sse")
    assert not location_matches(c, "/api/stigs")
    assert location_matches(d, "/api/op/state")
    assert not location_matches(d, "/api/op/x/state")


def test_rewrite_options_inherit(tmp_path: Path):
    text = """
        RewriteEngine On
        RewriteRule ^/api/op/ /down.html [L]
        <VirtualHost *:80>
        RewriteEngine On
        {options}
        RewriteRule ^/api/op/state/(.*) http://b/api/op/state/$1 [P]
        ProxyPass / http://a/
        </VirtualHost>
    """
    assert picked(host(tmp_path, text.format(options="")), "/api/op/state/sse") == 6
    assert picked(host(tmp_path, text.format(options="RewriteOptions Inherit")), "/api/op/state/sse") == 6
    before = host(tmp_path, text.format(options="RewriteOptions InheritBefore"))
    assert picked(before, "/api/op/state/sse") == 2
    assert picked(before, "/api/stigs") == 7


def test_target_for_each_rule_kind(tmp_path: Path):
    server = host(tmp_path, """
        <VirtualHost *:80>
        ProxyPassMatch ^/a/.*$ http://x:1
        ProxyPassMatch ^/b/(.*)$ http://x:2/$1
        ProxyPass /c/ http://x:3/
        ProxyPass /d http://x:4/inner
        </VirtualHost>
    """)
    assert resolve(server, "/a/q").backend_url() == "http://x:1/a/q"
    assert resolve(server, "/b/q").backend_url() == "http://x:2/q"
    assert resolve(server, "/c/q").backend_url() == "http://x:3/q"
    assert resolve(server, "/d/q").backend_url() == "http://x:4/inner/q"
