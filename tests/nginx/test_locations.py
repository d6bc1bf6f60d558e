"""Location selection follows nginx's order: =, longest prefix, ^~, regex in file order."""

from stiglint.nginx.loader import load
from stiglint.nginx.locations import Location, select


def _server(nginx, body):
    path = nginx.write("nginx.conf", "http { server { listen 80;\n" + body + "\n} }\n")
    config = load(str(path))
    assert config.errors == []
    http = config.root.children("http")[0]
    return http.children("server")[0]


def _selected(server, uri):
    location = select(server, uri).location
    return None if location is None else location.label()


def test_longest_prefix_wins(nginx):
    server = _server(nginx, "location / {} location /api/ {} location /api/op/ {}")
    assert _selected(server, "/api/op/state/sse") == "location /api/op/"
    assert _selected(server, "/api/stigs") == "location /api/"
    assert _selected(server, "/index.html") == "location /"


def test_exact_match_beats_everything(nginx):
    server = _server(nginx, "location ~ sse {} location = /api/op/state/sse {} location /api/ {}")
    assert _selected(server, "/api/op/state/sse") == "location = /api/op/state/sse"
    assert _selected(server, "/api/op/state/sse/") == "location ~ sse"


def test_regex_beats_prefix_in_file_order(nginx):
    server = _server(nginx, "location /api/ {} location ~ /sse$ {} location ~ ^/api/ {}")
    assert _selected(server, "/api/op/state/sse") == "location ~ /sse$"
    assert _selected(server, "/api/stigs") == "location ~ ^/api/"


def test_caret_tilde_prefix_skips_regex(nginx):
    server = _server(nginx, "location ^~ /api/op/ {} location ~ /sse$ {} location /api/ {}")
    assert _selected(server, "/api/op/state/sse") == "location ^~ /api/op/"
    assert _selected(server, "/api/x/sse") == "location ~ /sse$"


def test_case_insensitive_regex(nginx):
    server = _server(nginx, "location /api/ {} location ~* \\.JSON$ {}")
    assert _selected(server, "/api/data.json") == "location ~* \\.JSON$"
    server = _server(nginx, "location /api/ {} location ~ \\.JSON$ {}")
    assert _selected(server, "/api/data.json") == "location /api/"


def test_nested_locations_searched_inside_winner(nginx):
    body = "location /api/ { location /api/op/ { location ~ /sse$ {} } } location ~ /never$ {}"
    server = _server(nginx, body)
    assert _selected(server, "/api/op/state/sse") == "location ~ /sse$"
    assert _selected(server, "/api/op/definition") == "location /api/op/"
    assert _selected(server, "/api/stigs") == "location /api/"


def test_outer_regex_beats_nested_prefix(nginx):
    server = _server(nginx, "location /api/ { location /api/op/ {} } location ~ state {}")
    assert _selected(server, "/api/op/state/sse") == "location ~ state"


def test_named_pcre_group_is_read(nginx):
    server = _server(nginx, "location / {} location ~ ^/(?<app>api)/op/ {}")
    assert _selected(server, "/api/op/state/sse") == "location ~ ^/(?<app>api)/op/"


def test_no_location_matches(nginx):
    server = _server(nginx, "location /app/ {}")
    assert _selected(server, "/api/stigs") is None


def test_glued_modifiers():
    from stiglint.nginx.model import Directive

    assert Location.of(Directive("location", ["=/x"], "f", 1)).modifier == "="
    assert Location.of(Directive("location", ["~*\\.js$"], "f", 1)).modifier == "~*"
    assert Location.of(Directive("location", ["~^/api"], "f", 1)).path == "^/api"
    assert Location.of(Directive("location", ["@fallback"], "f", 1)).modifier == "@"
