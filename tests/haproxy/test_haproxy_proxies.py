"""Defaults inheritance: the last defaults above, `from`, `no option`, chains."""

from __future__ import annotations

from stiglint.haproxy.loader import load
from stiglint.haproxy.proxies import Proxies
from stiglint.settings import Version


def _proxies(linter, text, version=(2, 6, 12)):
    path = linter.write(text)
    return Proxies(load([str(path)]), Version(version))


def _timeout(proxy, kind):
    keyword = proxy.timeout(kind)
    return (keyword.args[1], keyword.line) if keyword else None


def test_last_defaults_above_applies(linter):
    proxies = _proxies(
        linter,
        """
        defaults
            timeout server 10s
        backend first
        defaults
            timeout client 20s
        backend second
        """,
    )
    assert _timeout(proxies.backends["first"], "server") == ("10s", 2)
    assert _timeout(proxies.backends["second"], "server") is None
    assert _timeout(proxies.backends["second"], "client") == ("20s", 5)


def test_from_names_defaults_and_chains(linter):
    proxies = _proxies(
        linter,
        """
        defaults base
            timeout server 10s
            timeout connect 5s
        defaults web from base
            timeout server 20s
        defaults other
            timeout server 99s
        backend be from web
        """,
    )
    backend = proxies.backends["be"]
    assert _timeout(backend, "server") == ("20s", 5)
    assert _timeout(backend, "connect") == ("5s", 3)


def test_own_keyword_overrides_defaults(linter):
    proxies = _proxies(
        linter,
        """
        defaults
            timeout server 10s
        backend be
            timeout server 1h
            timeout server 2h
        """,
    )
    assert _timeout(proxies.backends["be"], "server") == ("2h", 5)


def test_no_option_overrides_defaults(linter):
    proxies = _proxies(
        linter,
        """
        defaults
            option forwardfor
            option http-buffer-request
        frontend fe
            no option forwardfor
        """,
    )
    frontend = proxies.frontends["fe"]
    assert frontend.option("forwardfor")[0] is False
    assert frontend.option("forwardfor")[1].line == 5
    assert frontend.option("http-buffer-request")[0] is True
    assert frontend.option("httpclose") == (False, None)


def test_mode_defaults_to_tcp(linter):
    proxies = _proxies(linter, "frontend fe\n    bind :80\nlisten web\n    mode http\n")
    assert proxies.frontends["fe"].mode == "tcp"
    assert proxies.frontends["web"].mode == "http"


def test_listen_is_frontend_and_backend(linter):
    proxies = _proxies(linter, "listen both\n    bind :80\n")
    assert proxies.frontends["both"] is proxies.backends["both"]


def test_named_defaults_rules_run_first_from_2_5(linter):
    text = """
        defaults web
            mode http
            http-request set-header X-Forwarded-Proto https
        frontend fe from web
            http-request set-header X-Forwarded-Host %[req.hdr(host)]
        """
    rules = _proxies(linter, text).frontends["fe"].rules()
    assert [rule.line for rule in rules] == [3, 5]
    old = _proxies(linter, text, (2, 4)).frontends["fe"].rules()
    assert [rule.line for rule in old] == [5]


def test_unknown_from_is_an_error(linter):
    proxies = _proxies(linter, "backend be from nowhere\n")
    assert [(e.place.line, e.message) for e in proxies.errors] == [
        (
            1,
            "backend be inherits from defaults section 'nowhere', which is not defined above it",
        )
    ]


def test_from_must_name_earlier_defaults(linter):
    proxies = _proxies(linter, "backend be from later\ndefaults later\n")
    assert len(proxies.errors) == 1


def test_duplicate_backend_names_are_an_error(linter):
    proxies = _proxies(linter, "backend be\nbackend be\nfrontend be\n")
    assert [(e.place.line, e.message) for e in proxies.errors] == [
        (
            2,
            f"backend be has the same name as backend be at {linter.directory / 'haproxy.cfg'}:1",
        )
    ]


def test_defaults_cycle_does_not_hang(linter):
    proxies = _proxies(
        linter,
        """
        defaults a
            timeout server 1s
        defaults b from a
        backend be from b
        """,
    )
    assert _timeout(proxies.backends["be"], "server") == ("1s", 2)


def test_unknown_backend_name_is_an_error(linter):
    proxies = _proxies(
        linter,
        """
        frontend fe
            use_backend missing if { path_beg /a }
            use_backend %[var(txn.name)]
            default_backend present
        backend present
        """,
    )
    assert [(e.place.line, e.message) for e in proxies.errors] == [
        (2, "use_backend names backend 'missing', which is not defined")
    ]
