"""Names and values nginx -t rejects in the directives stiglint reads."""

import pytest

from stiglint.nginx.loader import load
from stiglint.nginx.validate import validate

from nginx_cases import GOOD_LOCATION


def _errors(nginx, text):
    path = nginx.write("nginx.conf", text)
    config = load(str(path))
    assert config.errors == []
    return [(error.place.line, error.message) for error in validate(config.root)]


def _location(body: str) -> str:
    return "http {\n  server {\n    location /stigman/ {\n" + body + "\n    }\n  }\n}\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("proxy_read_timout 30s;", 'unknown directive "proxy_read_timout" (did you mean "proxy_read_timeout"?)'),
        ("proxy_set_heder Host $host;", 'unknown directive "proxy_set_heder" (did you mean "proxy_set_header"?)'),
        ("client_max_body_szie 100m;", 'unknown directive "client_max_body_szie" (did you mean "client_max_body_size"?)'),
    ],
)
def test_typo_of_watched_directive(nginx, line, expected):
    assert _errors(nginx, _location(line)) == [(4, expected)]


def test_misspelled_location_block(nginx):
    text = "http {\n  server {\n    locaton /stigman/ { proxy_pass http://stigman:54000/; }\n  }\n}\n"
    assert _errors(nginx, text) == [(3, 'unknown directive "locaton" (did you mean "location"?)')]


@pytest.mark.parametrize(
    "line",
    ["http2 on;", "ssl_reject_handshake on;", "more_set_headers 'X: y';", "lua_ssl_verify_depth 2;",
     "voms_enable on;", "proxy_cache_lock on;", "subs_filter a b;"],
)
def test_third_party_and_newer_directives_accepted(nginx, line):
    assert _errors(nginx, _location(line)) == []


def test_map_and_types_contents_are_data(nginx):
    text = "http {\n  map $uri $x { default locaton; proxy_read_timout 1; }\n  types { text/html html; }\n}\n"
    assert _errors(nginx, text) == []


@pytest.mark.parametrize(
    "line",
    [
        "client_max_body_size 100MB;", "client_max_body_size 100mb;", "client_max_body_size 1.5g;",
        "client_max_body_size 100MiB;", "proxy_read_timeout 1hour;", "proxy_read_timeout 1.5h;",
        "proxy_read_timeout 1M;", "proxy_read_timeout 1y;", "proxy_buffering yes;",
        "proxy_http_version 1.2;", "gzip 1;",
    ],
)
def test_invalid_values(nginx, line):
    errors = _errors(nginx, _location(line))
    assert len(errors) == 1
    assert errors[0][0] == 4
    assert "directive invalid value" in errors[0][1]


@pytest.mark.parametrize(
    "line",
    ["client_max_body_size 0;", "client_max_body_size 1g;", "proxy_read_timeout 24d;",
     "proxy_read_timeout 3600;", "proxy_read_timeout $t;", "proxy_http_version 2;",
     "proxy_buffering OFF;"],
)
def test_valid_values(nginx, line):
    assert _errors(nginx, _location(line)) == []


def test_duplicate_in_one_block(nginx):
    text = _location("proxy_read_timeout 1h;\nproxy_read_timeout 2h;")
    assert _errors(nginx, text) == [(5, '"proxy_read_timeout" directive is duplicate (first set at line 4)')]


def test_same_directive_at_two_levels_is_fine(nginx):
    text = "http {\n  proxy_read_timeout 1h;\n  server {\n    proxy_read_timeout 2h;\n  }\n}\n"
    assert _errors(nginx, text) == []


def test_invalid_value_exits_two_through_lint(nginx):
    report = nginx.report(_location(GOOD_LOCATION.replace("3600s", "1hour")))
    assert [e.place.line for e in report.errors] == [13]
