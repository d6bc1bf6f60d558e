"""The nginx rules: what breaks for each STIG Manager endpoint at its location.

Each check looks at one endpoint at the location nginx selects for it and returns
`Issue`s. An issue is placed at the directive that decides the bad value, or at
the location when a built-in default is to blame. `collect` merges the issues of
one rule at one place into a single finding that names every endpoint affected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stiglint import timeouts
from stiglint.endpoints import Endpoint, Kind
from stiglint.findings import Place, Severity
from stiglint.nginx.effective import Headers, Scope
from stiglint.nginx.locations import Location
from stiglint.nginx.model import Directive
from stiglint.nginx.targets import Upstream
from stiglint.nginx.values import format_seconds, format_size, parse_size, parse_time
from stiglint.settings import Settings

FORWARDED = ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host")
_CANONICAL = {
    "host": "Host",
    "x-forwarded-for": "X-Forwarded-For",
    "x-forwarded-proto": "X-Forwarded-Proto",
    "x-forwarded-host": "X-Forwarded-Host",
    "upgrade": "Upgrade",
    "connection": "Connection",
}
_STREAM_TYPES = {Kind.SSE: "text/event-stream", Kind.NDJSON: "application/x-ndjson"}
_FORWARDED_VALUES = {
    "x-forwarded-for": "$proxy_add_x_forwarded_for",
    "x-forwarded-proto": "$scheme",
    "x-forwarded-host": "$host",
}


@dataclass
class Issue:
    rule: str
    place: Place
    # Message text; "{endpoints}" is replaced by the endpoints affected.
    message: str
    fix: str
    endpoint: str
    severity: Severity | None = None
    # What breaks for this kind of endpoint; merged issues list each once.
    detail: str = ""
    # Text between the message and the details.
    detail_intro: str = ": "

    @property
    def endpoints(self) -> tuple[str, ...]:
        return (self.endpoint,)


@dataclass
class Context:
    """One endpoint at the location that serves it."""

    endpoint: Endpoint
    path: str
    location: Location
    scope: Scope
    settings: Settings
    # `map` blocks by the variable they define: the source variable and the block.
    maps: dict[str, Directive]

    @property
    def label(self) -> str:
        return f"{self.endpoint.method} {self.path}"

    def place_of(self, directive: Directive | None) -> Place:
        return (directive or self.location.directive).place


def header_name(name: str) -> str:
    return _CANONICAL.get(name, name)


def check_body_size(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.UPLOAD:
        return []
    value = context.scope.get("client_max_body_size", ["1m"])
    size = parse_size(value.first)
    if size is None or size == 0 or size >= context.settings.body_size_min:
        return []
    where = "the default" if value.directive is None else f"client_max_body_size {value.first}"
    return [
        Issue(
            "BODY-SIZE-LIMIT",
            context.place_of(value.directive),
            f"{{endpoints}} accepts request bodies of at most {format_size(size)} "
            f"({where}): imports of STIG, checklist and archive files larger than "
            "that fail with 413 Request Entity Too Large before they reach STIG Manager",
            f"client_max_body_size {format_size(context.settings.body_size_min)};",
            context.label,
        )
    ]


def check_buffering(context: Context) -> list[Issue]:
    if not context.endpoint.streams:
        return []
    scope = context.scope
    ignored = scope.get("proxy_ignore_headers")
    if not any(arg.lower() == "x-accel-buffering" for arg in ignored.args):
        return []
    buffering = scope.get("proxy_buffering", ["on"])
    if buffering.first.lower() != "on":
        return []

    worse = _buffering_aggravators(context)
    severity = Severity.ERROR if worse else Severity.WARNING
    because = " and ".join(worse) if worse else (
        "this plain-HTTP listener with an HTTP/1.1 upstream still passes chunks on, but "
        "a TLS listener, an HTTP/1.0 upstream or gzip would hold them"
    )
    return [
        Issue(
            "BUFFERING-FORCED",
            context.place_of(ignored.directive),
            "Responses of {endpoints} are buffered: proxy_ignore_headers "
            "X-Accel-Buffering makes nginx ignore the app's 'X-Accel-Buffering: no', so "
            "progress and state events arrive late or all at once",
            "proxy_buffering off;\n"
            "# or drop X-Accel-Buffering from proxy_ignore_headers",
            context.label,
            severity,
            detail=because,
            detail_intro=", because " if worse else ". For now, ",
        )
    ]


def _buffering_aggravators(context: Context) -> list[str]:
    scope = context.scope
    found = []
    server = scope.server()
    if server is not None and _listens_tls(server):
        found.append("the server listens with TLS, whose buffer holds small writes")
    if scope.http_version().first == "1.0":
        found.append("the upstream is spoken to in HTTP/1.0, so the app closes-delimits the stream")
    if scope.get("gzip", ["off"]).first.lower() == "on":
        types = [arg.lower() for arg in scope.get("gzip_types", ["text/html"]).args]
        stream_type = _STREAM_TYPES[context.endpoint.kind]
        if "*" in types or stream_type in types:
            found.append(f"gzip compresses {stream_type} and accumulates while buffering")
    cache = scope.get("proxy_cache", ["off"])
    if cache.first.lower() != "off":
        found.append("proxy_cache is on for this location")
    return found


def _listens_tls(server: Directive) -> bool:
    if any("ssl" in listen.args[1:] for listen in server.children("listen")):
        return True
    # `ssl on;` is the form nginx removed in 1.25.1; older configurations still use it.
    ssl = server.child("ssl")
    return ssl is not None and ssl.args[:1] == ["on"]


def check_websocket(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.WEBSOCKET:
        return []
    scope = context.scope
    headers = scope.headers()
    problems: list[tuple[str, Directive | None]] = []

    version = scope.http_version()
    if version.first == "1.0":
        if version.directive is None:
            problems.append(("nginx speaks HTTP/1.0 to the upstream by default before 1.29.7", None))
        else:
            problems.append(("proxy_http_version is 1.0", version.directive))

    upgrade = headers.get("upgrade")
    if upgrade is None or not _is_upgrade_source(upgrade):
        problems.append(_header_problem(headers, "upgrade", upgrade, "$http_upgrade"))

    connection = headers.get("connection")
    if connection is None or not _carries_upgrade(connection, context.maps):
        problems.append(_header_problem(headers, "connection", connection, '"upgrade"'))

    if not problems:
        return []
    directives = {directive for _, directive in problems}
    place = context.place_of(directives.pop() if len(directives) == 1 else None)
    reasons = "; ".join(text for text, _ in problems)
    fix = (
        "proxy_http_version 1.1;\n"
        "proxy_set_header Upgrade $http_upgrade;\n"
        'proxy_set_header Connection "upgrade";'
    )
    if headers.level is not None or headers.dropped:
        fix += "\n# a location with its own proxy_set_header must repeat Host and X-Forwarded-*"
    return [
        Issue(
            "WEBSOCKET-UPGRADE",
            place,
            "{endpoints} cannot upgrade to a WebSocket, so the app's log stream never "
            f"connects: {reasons}",
            fix,
            context.label,
        )
    ]


# nginx variable names are case-insensitive, so $http_Upgrade is $http_upgrade; a
# longer name such as $http_upgrade_x is another variable.
def _is_upgrade_source(value: str) -> bool:
    return value.lower() in ("$http_upgrade", "${http_upgrade}", "websocket")


def _carries_upgrade(value: str, maps: dict[str, Directive]) -> bool:
    if _has_upgrade_token(value):
        return True
    if value.lower() in ("$http_connection", "${http_connection}"):
        # The client's own Connection header: a WebSocket handshake always carries
        # the upgrade token in it (RFC 6455, section 4.1).
        return True
    variable = re.fullmatch(r"\$(\w+)|\$\{(\w+)\}", value)
    if not variable:
        return False
    block = maps.get((variable.group(1) or variable.group(2)).lower())
    if block is None or not block.args or block.args[0].lower() != "$http_upgrade":
        return False
    return any(_has_upgrade_token(" ".join(entry.args)) for entry in block.block or ())


def _has_upgrade_token(value: str) -> bool:
    return any(token.lower() == "upgrade" for token in re.split(r"[\s,]+", value) if token)


def _header_problem(
    headers: Headers, name: str, value: str | None, expected: str
) -> tuple[str, Directive | None]:
    title = header_name(name)
    dropped = headers.dropped.get(name)
    if dropped is not None:
        return (
            f"the {title} header set at {dropped.place} is dropped because "
            f"{_level_label(headers.level)} sets its own proxy_set_header",
            None,
        )
    if value is None:
        return (f"the {title} header is not passed on (expected {expected})", None)
    if headers.directive(name) is None:
        return (f"nginx sends '{title}: {value}' by default", None)
    setting = f'"{value}"' if value else '""'
    return (f"proxy_set_header {title} {setting} does not ask for an upgrade", headers.directive(name))


def _level_label(level: Directive | None) -> str:
    if level is None:
        return "this location"
    if level.name == "location":
        return f"{Location.of(level).label()} (line {level.line})"
    return f"the {level.name} block at line {level.line}"


def check_timeout(context: Context) -> list[Issue]:
    endpoint = context.endpoint
    if not endpoint.long_lived:
        return []
    issues = []
    read = context.scope.get("proxy_read_timeout", ["60s"])
    issue = _timeout_issue(context, "proxy_read_timeout", read.first, read.directive)
    if issue:
        issues.append(issue)
    if endpoint.kind is Kind.WEBSOCKET:
        # nginx arms proxy_send_timeout only while a write to the upstream is
        # blocked, so its default never closes an idle socket. An explicit small
        # value can still cut one when the app stops reading.
        send = context.scope.get("proxy_send_timeout")
        if send.directive is not None:
            seconds = parse_time(send.first)
            if seconds is not None and seconds <= context.settings.timeout_error_seconds:
                issue = _timeout_issue(context, "proxy_send_timeout", send.first, send.directive)
                if issue:
                    issues.append(issue)
    return issues


def _timeout_issue(
    context: Context, name: str, text: str, directive: Directive | None
) -> Issue | None:
    seconds = parse_time(text)
    if seconds is None:
        return None
    settings = context.settings
    setting = f"{name} {text}" if directive else f"the default {name} of {text}"
    kind = context.endpoint.kind
    verdict = timeouts.classify(kind, seconds, settings, format_seconds(seconds))
    if verdict is None:
        return None
    rule, symptom = verdict
    return Issue(
        rule,
        context.place_of(directive),
        f"Connections to {{endpoints}} are closed after {format_seconds(seconds)} "
        f"without data ({setting})",
        f"{name} {format_seconds(settings.timeout_warning_seconds)};",
        context.label,
        detail=symptom,
    )


def check_forwarded(context: Context) -> list[Issue]:
    headers = context.scope.headers()
    issues: list[Issue] = []

    dropped = [name for name in ("host", *FORWARDED) if name in headers.dropped]
    if dropped and headers.level is not None:
        first = headers.level.children("proxy_set_header")[0]
        names = ", ".join(
            f"{header_name(name)} (set at {headers.dropped[name].place})" for name in dropped
        )
        fix = "\n".join(
            f"proxy_set_header {headers.dropped[name].args[0]} "
            f"{' '.join(headers.dropped[name].args[1:])};"
            for name in dropped
        )
        issues.append(
            Issue(
                "FORWARDED-HEADERS-DROPPED",
                first.place,
                f"{_level_label(headers.level)} sets its own proxy_set_header, so nginx "
                f"drops every header set at an outer level: {names} no longer reach "
                "STIG Manager for {endpoints}",
                fix,
                context.label,
            )
        )

    has_forwarded = bool(headers.get("forwarded"))
    missing = [
        name
        for name in FORWARDED
        if not headers.get(name) and name not in headers.dropped and not has_forwarded
    ]
    if missing:
        names = ", ".join(header_name(name) for name in missing)
        issues.append(
            Issue(
                "FORWARDED-HEADERS-MISSING",
                context.location.directive.place,
                f"{names} not sent to STIG Manager at {context.location.label()}: the app "
                "and Keycloak (KC_PROXY_HEADERS=xforwarded) build redirect and token "
                "URLs with the wrong scheme or host",
                "\n".join(f"proxy_set_header {header_name(n)} {_FORWARDED_VALUES[n]};" for n in missing),
                context.label,
            )
        )

    host = headers.get("host")
    if "host" not in headers.dropped and host in (None, "", "$proxy_host", "$upstream_addr"):
        directive = headers.directive("host")
        setting = f"proxy_set_header Host {host}" if directive else "nginx's default Host $proxy_host"
        issues.append(
            Issue(
                "FORWARDED-HOST",
                context.place_of(directive),
                f"STIG Manager receives the upstream address as Host at "
                f"{context.location.label()} ({setting}), not the name clients use",
                "proxy_set_header Host $host;",
                context.label,
            )
        )
    return issues


def check_route(
    context: Context, intended: Location | None, proxied: bool
) -> list[Issue]:
    """Flag an endpoint that a location without STIG Manager behind it takes over."""
    location = context.location
    if proxied:
        return []
    if intended is not None and intended is not location:
        cause = f"it takes the request from {intended.label()} (line {intended.directive.line})"
    else:
        cause = "no location proxies it to STIG Manager"
    return [
        Issue(
            "ROUTE-SHADOWED",
            location.directive.place,
            f"{{endpoints}} is served by {location.label()}, which does not proxy to "
            f"STIG Manager: {cause}",
            "# give the endpoint a location that proxies to STIG Manager, or narrow "
            f"the pattern of {location.label()}",
            context.label,
        )
    ]


def check_upstream_path(context: Context, location_path: str, uri: str | None) -> list[Issue]:
    """Flag an endpoint that proxy_pass sends to a path the app does not serve.

    STIG Manager serves its API and socket at its own root (`/api/...` and
    `/socket/log-socket`), and it has no setting to serve under a prefix. So the
    path that reaches it must be exactly that. With a URI part, nginx
    replaces the part of the request path that matched the location prefix with
    the URI; without one, it passes the request path unchanged.
    """
    location = context.location
    actual = upstream_path(location, uri, context.path)
    expected = "/" + context.endpoint.path
    if actual is None or actual == expected:
        return []
    if uri is None:
        how = f"{location.label()} passes the request path unchanged"
        prefix = context.path[: -len(context.endpoint.path)]
        if location.modifier == "@":
            # A named location takes no URI part in proxy_pass; rewrite instead.
            fix = f"rewrite ^{prefix}(.*)$ /$1 break;"
        else:
            fix = f"proxy_pass {_with_uri(location, '/')};"
    else:
        how = f"{location.label()} replaces {location_path} with {uri}"
        fix = (
            f"# make the URI part of proxy_pass end where {location_path} ends, "
            f"so that {context.path} reaches the app as {expected}"
        )
    return [
        Issue(
            "ROUTE-PATH",
            context.place_of(location.directive.child("proxy_pass")),
            f"{{endpoints}} reach STIG Manager under another path than its own "
            f"({how}, so {context.path} arrives as {actual}); the app serves /api/... "
            "and /socket/log-socket at its root and answers other paths with 404",
            fix,
            context.label,
        )
    ]


def _with_uri(location: Location, uri: str) -> str:
    proxy_pass = location.directive.child("proxy_pass")
    target = proxy_pass.args[0] if proxy_pass is not None and proxy_pass.args else ""
    scheme, _, rest = target.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}{uri}"


def upstream_path(location: Location, uri: str | None, path: str) -> str | None:
    """Return the path nginx sends upstream for `path`, or None when it is unknown."""
    if uri is None:
        return path
    if "$" in uri or location.is_regex or location.modifier == "@":
        return None
    if location.modifier == "=":
        return uri
    if not path.startswith(location.path):
        return None
    return uri + path[len(location.path) :]


def check_if_branches(context: Context, uri: str | None) -> list[Issue]:
    """Flag a proxy_pass inside `if` that sends an endpoint to another path.

    `if` in a location is an implicit nested location: when its condition holds,
    its own proxy_pass is used, with its own URI part or none.
    """
    location = context.location
    expected = upstream_path(location, uri, context.path)
    if expected is None:
        return []
    issues = []
    for branch in location.directive.children("if"):
        proxy_pass = branch.child("proxy_pass")
        if proxy_pass is None or not proxy_pass.args:
            continue
        target = Upstream.parse(proxy_pass.args[0])
        if target is None:
            continue
        actual = upstream_path(location, target.uri, context.path)
        if actual is None or actual == expected:
            continue
        branch_rule = _mapping(location, target.uri)
        main_rule = _mapping(location, uri)
        issues.append(
            Issue(
                "ROUTE-PATH",
                proxy_pass.place,
                f"When the `if` at line {branch.line} matches, {{endpoints}} reach STIG "
                f"Manager under another path: this proxy_pass {branch_rule}, while the "
                f"location's own proxy_pass {main_rule}",
                f"proxy_pass {target.scheme}://{proxy_pass.args[0].split('://', 1)[1].split('/', 1)[0]}"
                f"{uri if uri is not None else ''};",
                context.label,
            )
        )
    return issues


def _mapping(location: Location, uri: str | None) -> str:
    if uri is None:
        return "passes the request path unchanged"
    return f"replaces {location.path} with {uri}"


def check_unrouted(server: Directive, endpoint: Endpoint, path: str) -> Issue:
    """Return the issue for an endpoint that no location of the server matches."""
    return Issue(
        "ROUTE-SHADOWED",
        server.place,
        "{endpoints} matches no location in this server, so nginx serves it from "
        "the server's root instead of proxying it to STIG Manager",
        "# add a location that proxies this path to STIG Manager",
        f"{endpoint.method} {path}",
    )


CHECKS = (check_body_size, check_buffering, check_websocket, check_timeout, check_forwarded)
