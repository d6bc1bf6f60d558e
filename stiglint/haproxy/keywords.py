"""Keywords HAProxy accepts in proxy sections, to catch misspelled ones.

The tables contain the proxy keywords, `option` names and `timeout` kinds of
HAProxy 2.x and 3.x releases, checked against what `haproxy -dKcfg` lists and
`haproxy -c` accepts on HAProxy 2.6.12. They also contain keywords that were
removed, which stiglint reports elsewhere. A word missing from a table is
reported only when it closely resembles one that is listed, so keywords from
newer releases or third-party builds still pass.

NOTE: the tables may miss a real keyword. If such a keyword closely resembles
a listed one, stiglint reports it as a misspelling.
"""

from __future__ import annotations

import difflib

PROXY_KEYWORDS = frozenset(
    {
        "acl",
        "backlog",
        "balance",
        "bind",
        "bind-process",
        "block",
        "capture",
        "clitcpka-cnt",
        "clitcpka-idle",
        "clitcpka-intvl",
        "clitimeout",
        "compression",
        "contimeout",
        "cookie",
        "declare",
        "default",
        "default-server",
        "default_backend",
        "description",
        "disabled",
        "dispatch",
        "dynamic-cookie-key",
        "email-alert",
        "enabled",
        "errorfile",
        "errorfiles",
        "errorloc",
        "errorloc302",
        "errorloc303",
        "error-log-format",
        "external-check",
        "filter",
        "force-persist",
        "fullconn",
        "grace",
        "guid",
        "hash-balance-factor",
        "hash-key",
        "hash-preserve-affinity",
        "hash-type",
        "http-after-response",
        "http-check",
        "http-error",
        "http-request",
        "http-response",
        "http-reuse",
        "http-send-name-header",
        "id",
        "ignore-persist",
        "load-server-state-from-file",
        "log",
        "log-format",
        "log-format-sd",
        "log-steps",
        "log-tag",
        "max-keep-alive-queue",
        "max-session-srv-conns",
        "maxconn",
        "mode",
        "monitor",
        "monitor-net",
        "monitor-uri",
        "no",
        "option",
        "persist",
        "rate-limit",
        "redirect",
        "retries",
        "retry-on",
        "server",
        "server-state-file-name",
        "server-template",
        "source",
        "srvtcpka-cnt",
        "srvtcpka-idle",
        "srvtcpka-intvl",
        "srvtimeout",
        "stats",
        "stick",
        "stick-table",
        "stick-on",
        "stick-match",
        "stick-store-request",
        "stick-store-response",
        "tcp-check",
        "tcp-request",
        "tcp-response",
        "timeout",
        "transparent",
        "unique-id-format",
        "unique-id-header",
        "use-fcgi-app",
        "use-server",
        "use_backend",
    }
)

OPTIONS = frozenset(
    {
        "abortonclose",
        "accept-invalid-http-request",
        "accept-invalid-http-response",
        "accept-unsafe-violations-in-http-request",
        "accept-unsafe-violations-in-http-response",
        "allbackups",
        "checkcache",
        "clitcpka",
        "contstats",
        "disable-h2-upgrade",
        "dontlog-normal",
        "dontlognull",
        "external-check",
        "forceclose",
        "forwarded",
        "forwardfor",
        "h1-case-adjust-bogus-client",
        "h1-case-adjust-bogus-server",
        "http-buffer-request",
        "http-drop-request-trailers",
        "http-drop-response-trailers",
        "http-ignore-probes",
        "http-keep-alive",
        "http-no-delay",
        "http-pretend-keepalive",
        "http-restrict-req-hdr-names",
        "http-server-close",
        "http-tunnel",
        "http-use-htx",
        "http-use-proxy-header",
        "http_proxy",
        "httpchk",
        "httpclose",
        "httplog",
        "httpslog",
        "idle-close-on-response",
        "independent-streams",
        "ldap-check",
        "log-health-checks",
        "log-separate-errors",
        "logasap",
        "mysql-check",
        "nolinger",
        "originalto",
        "persist",
        "pgsql-check",
        "prefer-last-server",
        "redis-check",
        "redispatch",
        "smtpchk",
        "socket-stats",
        "splice-auto",
        "splice-request",
        "splice-response",
        "spop-check",
        "srvtcpka",
        "ssl-hello-chk",
        "tcp-check",
        "tcp-smart-accept",
        "tcp-smart-connect",
        "tcpka",
        "tcplog",
        "transparent",
    }
)

TIMEOUTS = frozenset(
    {
        "check",
        "client",
        "client-fin",
        "client-hs",
        "connect",
        "http-keep-alive",
        "http-request",
        "queue",
        "server",
        "server-fin",
        "tarpit",
        "tunnel",
    }
)

# Similarity (difflib ratio) above which an unknown word is taken as a
# misspelling. At 0.8, "tunel" matches "tunnel" and "forwardfour" matches
# "forwardfor", while unrelated keywords of newer releases stay accepted.
_CUTOFF = 0.8


def close_match(word: str, known: frozenset[str]) -> str | None:
    """Return the known word that `word` misspells, or None when it is known or new."""
    if word in known:
        return None
    matches = difflib.get_close_matches(word, sorted(known), n=1, cutoff=_CUTOFF)
    return matches[0] if matches else None
