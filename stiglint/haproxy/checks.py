"""The HAProxy rules: what breaks for each STIG Manager endpoint on its route.

A route is a frontend (or listen) and the backend it picks for an endpoint's
request path. Each check returns `Issue`s placed at the line that decides the
bad value, or at the section header when a missing keyword is to blame.
`collect` merges issues of one rule at one place into one finding.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from stiglint import timeouts
from stiglint.endpoints import Endpoint, Kind
from stiglint.findings import Place, Severity
from stiglint.haproxy.model import Keyword
from stiglint.haproxy.proxies import Proxies, Proxy
from stiglint.haproxy.routing import (
    Acl,
    Evaluator,
    Request,
    acls_of,
    split_acl,
    split_condition,
    split_or,
)
from stiglint.haproxy.values import (
    format_seconds,
    format_size,
    is_unitless,
    parse_time,
)
from stiglint.settings import Settings

_STREAM_TYPES = {Kind.SSE: "text/event-stream", Kind.NDJSON: "application/x-ndjson"}
# Upload rate assumed for a slow client link (1 Mbit/s), to judge whether a
# buffered request body can arrive within `timeout http-request`.
ASSUMED_UPLOAD_BYTES_PER_SECOND = 125_000
# HAProxy's tune.bufsize default, and tune.maxrewrite's cap (HAProxy
# configuration manual, "tune.bufsize" and "tune.maxrewrite").
DEFAULT_BUFSIZE = 16384
DEFAULT_MAXREWRITE = 1024
_SIZE_FETCHES = frozenset(
    {
        "req.body_size",
        "req.body_len",
        "req.hdr_val(content-length)",
        "hdr_val(content-length)",
        "req.fhdr_val(content-length)",
        "req.body_size,int",
    }
)
_CERT_FETCHES = ("ssl_c_der", "ssl_c_chain_der")


@dataclass
class Issue:
    rule: str
    place: Place
    # Message text, where "{endpoints}" is replaced by the endpoints affected.
    message: str
    fix: str
    # The endpoint as "METHOD /path", or empty for a finding about the whole proxy.
    endpoint: str = ""
    severity: Severity | None = None
    # What breaks for this kind of endpoint. Merged issues list each detail once.
    detail: str = ""
    detail_intro: str = ": "

    @property
    def endpoints(self) -> tuple[str, ...]:
        return (self.endpoint,) if self.endpoint else ()


@dataclass
class Context:
    """One endpoint on the route that serves it."""

    endpoint: Endpoint
    path: str
    request: Request
    frontend: Proxy
    backend: Proxy
    settings: Settings
    proxies: Proxies

    @property
    def label(self) -> str:
        return f"{self.endpoint.method} {self.path}"

    @property
    def http(self) -> bool:
        return self.frontend.mode == "http" and self.backend.mode == "http"

    def proxies_on_route(self) -> list[Proxy]:
        if self.frontend is self.backend:
            return [self.frontend]
        return [self.frontend, self.backend]

    def rules(self, name: str = "http-request") -> list[tuple[Proxy, Keyword]]:
        """Return the route's rules in the order HAProxy runs them: frontend first."""
        return [
            (proxy, rule)
            for proxy in self.proxies_on_route()
            for rule in proxy.rules(name)
        ]

    def fires(self, proxy: Proxy, rule: Keyword) -> bool | None:
        return Evaluator(acls_of(proxy), self.request).rule_applies(rule)


def meant_as_seconds(keyword: Keyword) -> bool:
    """Return whether a unitless timeout value looks like seconds, not milliseconds.

    A bare number below 1000 would be under a second, which no STIG Manager
    timeout wants. A multiple of 60 that is not a multiple of 1000 (1800, 3600,
    86400) reads as minutes or hours counted in seconds.
    """
    text = keyword.args[1] if len(keyword.args) > 1 else ""
    if not is_unitless(text):
        return False
    value = int(text)
    if value == 0:
        return False
    return value < 1000 or (value % 60 == 0 and value % 1000 != 0)


# Timeouts HAProxy takes from each side of a route.
_FRONTEND_TIMEOUTS = ("client", "http-request", "http-keep-alive", "client-fin")
_BACKEND_TIMEOUTS = ("server", "connect", "tunnel", "queue", "server-fin")


def check_unitless(context: Context) -> list[Issue]:
    issues = []
    pairs = [(context.frontend, kind) for kind in _FRONTEND_TIMEOUTS]
    pairs += [(context.backend, kind) for kind in _BACKEND_TIMEOUTS]
    for proxy, kind in pairs:
        keyword = proxy.timeout(kind)
        if keyword is None or not meant_as_seconds(keyword):
            continue
        value = keyword.args[1]
        effect = _UNITLESS_EFFECTS.get(
            kind, "{endpoints} are cut after {time} of silence"
        )
        effect = effect.replace("{time}", format_seconds(int(value) / 1000))
        message = (
            f"timeout {kind} {value} has no unit, so HAProxy reads it as {value} ms, "
            f"not {value} s: {effect}"
        )
        fix = f"timeout {kind} {value}s"
        recommended = context.settings.timeout_warning_seconds
        if kind in _STREAM_TIMEOUTS and int(value) < recommended:
            # Adding only the unit would trade this finding for TIMEOUT-STREAM-CUT
            # or TIMEOUT-BELOW-RECOMMENDED on the next run.
            fix = f"timeout {kind} {format_seconds(recommended)}"
            message += (
                f". The fix uses {format_seconds(recommended)} rather than {value}s, "
                "because STIG Manager's reverse-proxy guide recommends "
                f"{format_seconds(recommended)} so that its event streams, exports "
                "and log socket survive quiet periods"
            )
        issues.append(
            Issue("TIMEOUT-UNITLESS", keyword.place, message, fix, context.label)
        )
    return issues


# Timeouts that decide how long an idle stream or WebSocket stays open.
_STREAM_TIMEOUTS = frozenset({"client", "server", "tunnel"})


# Effects of a timeout read as milliseconds. Timeouts not listed cut idle streams.
_UNITLESS_EFFECTS = {
    "connect": "connections to STIG Manager fail unless they open within {time}, "
    "so {endpoints} often answer 503",
    "http-request": "clients must send the request headers within {time} or get "
    "408 Request Timeout for {endpoints}",
    "http-keep-alive": "idle client connections close after {time}, so browsers "
    "reconnect for almost every request",
    "queue": "requests for {endpoints} that wait in the queue longer than {time} "
    "fail with 503",
    "client-fin": "half-closed client connections are dropped after {time}",
    "server-fin": "half-closed server connections are dropped after {time}",
}


def check_timeout_missing(context: Context) -> list[Issue]:
    required = {"client": context.frontend}
    required.update(connect=context.backend, server=context.backend)
    missing: dict[int, tuple[Proxy, list[str]]] = {}
    for kind, proxy in required.items():
        if proxy.timeout(kind) is None:
            missing.setdefault(id(proxy), (proxy, []))[1].append(kind)
    issues = []
    for proxy, kinds in missing.values():
        names = " and ".join(f"timeout {kind}" for kind in kinds)
        issues.append(
            Issue(
                "TIMEOUT-MISSING",
                proxy.section.place,
                f"{proxy.label()} sets no {names}, so HAProxy waits forever and warns "
                "about the missing timeouts at startup: connections to a client or "
                "server that went away stay open and use up maxconn",
                "\n".join(f"timeout {kind} {_MISSING_VALUES[kind]}" for kind in kinds),
                context.label,
            )
        )
    return issues


_MISSING_VALUES = {"client": "3600s", "connect": "5s", "server": "3600s"}


def check_timeout(context: Context) -> list[Issue]:
    endpoint = context.endpoint
    if not endpoint.long_lived:
        return []
    tunnelled = endpoint.kind is Kind.WEBSOCKET or not context.http
    candidates: list[tuple[str, Keyword | None]] = []
    tunnel = context.backend.timeout("tunnel") if tunnelled else None
    if tunnel is not None:
        candidates.append(("tunnel", tunnel))
    else:
        # While a response streams, HAProxy waits on the server, not the client:
        # with `timeout client 2s` an SSE stream with 3 s gaps and an NDJSON
        # stream with an 8 s silence arrived whole (HAProxy 2.6.12, live test).
        # A tunnel without `timeout tunnel` is cut by either side's timeout.
        if tunnelled:
            candidates.append(("client", context.frontend.timeout("client")))
        candidates.append(("server", context.backend.timeout("server")))
    issues = []
    for kind, keyword in candidates:
        if keyword is None or len(keyword.args) < 2 or meant_as_seconds(keyword):
            continue
        seconds = parse_time(keyword.args[1])
        if not seconds:
            continue
        issue = _timeout_issue(context, kind, keyword, seconds, tunnelled)
        if issue:
            issues.append(issue)
    return issues


def _timeout_issue(
    context: Context, kind: str, keyword: Keyword, seconds: float, tunnelled: bool
) -> Issue | None:
    settings = context.settings
    endpoint_kind = context.endpoint.kind
    verdict = timeouts.classify(endpoint_kind, seconds, settings, format_seconds(seconds))
    if verdict is None:
        return None
    rule, symptom = verdict
    recommended = format_seconds(settings.timeout_warning_seconds)
    fix = f"timeout {kind} {recommended}"
    if tunnelled and kind != "tunnel":
        fix = _tunnel_fix(context, keyword, recommended)
        symptom += (
            " (without timeout tunnel, client and server timeouts apply to the tunnel)"
        )
    return Issue(
        rule,
        keyword.place,
        f"{{endpoints}} time out after {format_seconds(seconds)} without data "
        f"({keyword.text()})",
        fix,
        context.label,
        detail=symptom,
    )


def _tunnel_fix(context: Context, keyword: Keyword, recommended: str) -> str:
    """Return the `timeout tunnel` fix, placed where HAProxy applies it.

    HAProxy ignores `timeout tunnel` in a frontend, with a warning that the
    frontend has no backend capability. It works in a backend, a listen section
    or defaults, so a line reported in a frontend gets a fix for the backend.
    """
    line = f"timeout tunnel {recommended}"
    in_frontend = context.frontend.kind == "frontend" and any(
        own is keyword for own in context.frontend.section.keywords
    )
    if not in_frontend:
        return line
    return (
        f"# in {context.backend.label()} or in defaults, because a frontend "
        f"ignores timeout tunnel:\n{line}"
    )


def check_body_size(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.UPLOAD or not context.http:
        return []
    issues = []
    for proxy, rule in context.rules():
        if rule.args[:1] not in (("deny",), ("reject",), ("tarpit",), ("return",)):
            continue
        limit = _body_limit(proxy, rule)
        if limit is None:
            continue
        size, place, text = limit.size, limit.keyword.place, limit.keyword.text()
        if context.fires(proxy, rule) is False:
            continue
        if size < context.settings.body_size_min:
            minimum = context.settings.body_size_min
            # The fix corrects the reported line, so a named ACL keeps its users.
            fix = (
                f"# replace line {limit.keyword.line} with:\n{limit.corrected(minimum)}"
            )
            issues.append(
                Issue(
                    "BODY-SIZE-LIMIT",
                    place,
                    f"{{endpoints}} is rejected for request bodies over {format_size(size)} "
                    f"({text}): imports of STIG, checklist and archive files larger than "
                    "that fail before they reach STIG Manager (uploads sent chunked slip "
                    "past the rule, so the failure even depends on the client)",
                    fix,
                    context.label,
                )
            )
        else:
            issues.append(
                Issue(
                    "BODY-SIZE-INEFFECTIVE",
                    place,
                    f"the {format_size(size)} body limit ({text}) does not hold for "
                    "{endpoints} uploads sent with Transfer-Encoding: chunked: "
                    "req.body_size and Content-Length see only the bytes already "
                    "buffered, so such uploads of any size pass",
                    "# browsers send imports with Content-Length, which the rule limits;\n"
                    "# to limit chunked uploads too, refuse them on this path:\n"
                    f"http-request deny deny_status 411 if {{ path_beg {context.path} }} "
                    "{ req.hdr(transfer-encoding) -m sub -i chunked }",
                    context.label,
                )
            )
    return issues


@dataclass
class _BodyLimit:
    """The largest body a deny rule lets through, and the line that sets it."""

    size: int
    keyword: Keyword
    operator: str
    # The limit as written on that line, such as "10485760".
    written: str

    def corrected(self, minimum: int) -> str:
        """Return the limit's line with the limit raised so `minimum` bytes pass."""
        # `gt` and `le` take the largest allowed size itself, `ge` and `lt` one more.
        value = minimum + 1 if self.operator in ("ge", "lt") else minimum
        words = [self.keyword.name, *self.keyword.args]
        for index in range(len(words) - 1):
            if words[index] == self.operator and words[index + 1] == self.written:
                words[index + 1] = str(value)
                break
        return " ".join(words)


def _body_limit(proxy: Proxy, rule: Keyword) -> _BodyLimit | None:
    """Return the largest body a deny rule lets through, with where it is set."""
    kind, words = split_condition(rule.args)
    if kind is None:
        return None
    acls = acls_of(proxy)
    tests: list[tuple[tuple[str, ...], Keyword]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word == "{":
            end = words.index("}", index) if "}" in words[index:] else len(words)
            inner = words[index + 1 : end]
            tests.append((inner, rule))
            index = end + 1
            continue
        for acl in acls.get(word, ()):
            if acl.keyword is not None:
                tests.append((acl.keyword.args[1:], acl.keyword))
        index += 1
    for inner, keyword in tests:
        if not inner:
            continue
        criterion, _, values = split_acl(tuple(inner))
        if criterion.lower() not in _SIZE_FETCHES or len(values) < 2:
            continue
        # ACL integers take no size suffix; validate reports one as an input error.
        if not values[1].isdigit():
            continue
        operator, number = values[0], int(values[1])
        if (kind, operator) in (("if", "gt"), ("unless", "le")):
            return _BodyLimit(number, keyword, operator, values[1])
        if (kind, operator) in (("if", "ge"), ("unless", "lt")):
            return _BodyLimit(number - 1, keyword, operator, values[1])
    return None


def check_buffer_request(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.UPLOAD or not context.http:
        return []
    option = None
    for proxy in context.proxies_on_route():
        enabled, keyword = proxy.option("http-buffer-request")
        if enabled:
            option = keyword
    if option is None:
        return []

    deadline = context.frontend.timeout("http-request") or context.backend.timeout(
        "http-request"
    )
    if deadline is None or len(deadline.args) < 2:
        return []
    seconds = parse_time(deadline.args[1])
    if not seconds:
        return []

    buffered = _buffered_bytes(context.proxies)
    transfer = buffered / ASSUMED_UPLOAD_BYTES_PER_SECOND
    if seconds >= transfer:
        return []
    # Rounded up to whole seconds, so that the message and the fix agree.
    needed = math.ceil(transfer)
    # Twice the transfer time leaves room for slower links, with 10 s as the floor.
    enough = max(10, needed * 2)
    return [
        Issue(
            "BUFFERING-REQUEST-TIMEOUT",
            deadline.place,
            f"{{endpoints}}: option http-buffer-request (line {option.line}) makes HAProxy "
            f"wait for up to {format_size(buffered)} of the request body within "
            f"{deadline.text()}; a client uploading at 1 Mbit/s needs about "
            f"{needed} s for that, so imports from slow links fail with "
            "408 Request Timeout",
            f"# {enough} s is twice the {needed} s that {format_size(buffered)} takes "
            "at 1 Mbit/s (at least 10 s):\n"
            f"timeout http-request {enough}s\n# or: no option http-buffer-request",
            context.label,
        )
    ]


def _buffered_bytes(proxies: Proxies) -> int:
    bufsize = _global_count(proxies, "tune.bufsize") or DEFAULT_BUFSIZE
    rewrite = _global_count(proxies, "tune.maxrewrite")
    if rewrite is None:
        rewrite = min(DEFAULT_MAXREWRITE, bufsize // 2)
    return max(bufsize - rewrite, 0)


def _global_count(proxies: Proxies, name: str) -> int | None:
    """Return a global byte count as HAProxy 2.6 reads it: its leading digits."""
    line = proxies.global_value(name)
    if line is None or not line.args:
        return None
    digits = re.match(r"\d*", line.args[0]).group(0)
    return int(digits) if digits else None


def check_compression(context: Context) -> list[Issue]:
    """Flag compression of a streaming type (reported as information only).

    HAProxy picks the backend's algorithm and type list when it has them, else
    the frontend's. A type list entry matches as a prefix of the Content-Type,
    and no list at all means every type (HAProxy source, flt_http_comp.c).
    """
    if not context.endpoint.streams or not context.http:
        return []
    algo = _compression(context.backend, ("algo", "algo-res")) or _compression(
        context.frontend, ("algo", "algo-res")
    )
    if not algo:
        return []
    types = _compression(context.backend, ("type", "type-res")) or _compression(
        context.frontend, ("type", "type-res")
    )
    stream_type = _STREAM_TYPES[context.endpoint.kind]
    place: Keyword | None = None
    if not types:
        place = algo[-1]
    else:
        for keyword in types:
            if any(stream_type.startswith(value.lower()) for value in keyword.args[1:]):
                place = keyword
                break
    if place is None:
        return []
    return [
        Issue(
            "BUFFERING-COMPRESSION",
            place.place,
            f"{{endpoints}} is compressed ({stream_type} matches {place.text()}), and "
            "HAProxy holds the last bytes of each compressed piece until the next one "
            "arrives: each event is complete only when the next event or keepalive comes, "
            "up to 30 s late, so the client waits for its first state event (HAProxy "
            "2.6.12, live test)",
            "# leave the streaming types out of the list, for example:\n"
            "compression type text/html text/css application/javascript application/json",
            context.label,
        )
    ]


def _compression(proxy: Proxy, names: tuple[str, ...]) -> list[Keyword]:
    found = []
    for section in reversed(proxy.chain()):
        found.extend(
            k
            for k in section.keywords
            if k.name == "compression" and k.args[:1] and k.args[0] in names
        )
    return found


_FORWARDED_FIX = {
    "X-Forwarded-For": "option forwardfor",
    "X-Forwarded-Proto": "http-request set-header X-Forwarded-Proto https if { ssl_fc }\n"
    "http-request set-header X-Forwarded-Proto http if !{ ssl_fc }",
    "X-Forwarded-Host": "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
}


def check_forwarded(context: Context) -> list[Issue]:
    if not context.http:
        return []
    present: set[str] = set()
    issues = []
    for proxy in context.proxies_on_route():
        if proxy.option("forwardfor")[0]:
            present.add("x-forwarded-for")
        if proxy.option("forwarded")[0]:
            present.add("forwarded")
    for proxy, rule in context.rules():
        action = rule.args[0] if rule.args else ""
        if action not in ("set-header", "add-header") or len(rule.args) < 3:
            continue
        if context.fires(proxy, rule) is False:
            continue
        name = rule.args[1].lower()
        present.add(name)
        if name == "host" and not _keeps_host(rule.args[2]):
            issues.append(
                _host_issue(context, rule, f"{rule.args[0]} Host {rule.args[2]}")
            )
    for proxy in context.proxies_on_route():
        for keyword in proxy.own("http-send-name-header"):
            if keyword.args and keyword.args[0].lower() == "host":
                issues.append(
                    _host_issue(context, keyword, "http-send-name-header Host")
                )
    missing = [
        name
        for name in _FORWARDED_FIX
        if name.lower() not in present and "forwarded" not in present
    ]
    if missing:
        aside = ""
        if "x-forwarded-for" in present:
            aside = " (option forwardfor adds only X-Forwarded-For)"
        issues.append(
            Issue(
                "FORWARDED-HEADERS-MISSING",
                context.frontend.section.place,
                f"{', '.join(missing)} not sent to STIG Manager by "
                f"{context.frontend.label()}{aside}: the app and Keycloak "
                "(KC_PROXY_HEADERS=xforwarded) build redirect and token URLs with the "
                "wrong scheme or host",
                "\n".join(_FORWARDED_FIX[name] for name in missing),
                context.label,
            )
        )
    return issues


def _keeps_host(value: str) -> bool:
    lowered = value.lower()
    return "hdr(host)" in lowered or "req.hdr(host" in lowered


def _host_issue(context: Context, keyword: Keyword, shown: str) -> Issue:
    return Issue(
        "FORWARDED-HOST",
        keyword.place,
        f"STIG Manager does not receive the Host clients used ({shown}), so the app "
        "and Keycloak build URLs with the wrong host for {endpoints}",
        "# remove this line: HAProxy passes the client's Host on unchanged",
        context.label,
    )


def check_websocket(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.WEBSOCKET or not context.http:
        return []
    issues = []
    for proxy, rule in context.rules():
        action = rule.args[0] if rule.args else ""
        if action not in (
            "del-header",
            "set-header",
            "replace-header",
            "replace-value",
        ):
            continue
        if len(rule.args) < 2 or rule.args[1].lower() not in ("upgrade", "connection"):
            continue
        if (
            action == "set-header"
            and len(rule.args) > 2
            and _keeps_upgrade(rule.args[1], rule.args[2])
        ):
            continue
        if context.fires(proxy, rule) is False:
            continue
        issues.append(
            Issue(
                "WEBSOCKET-UPGRADE",
                rule.place,
                f"{{endpoints}} cannot upgrade to a WebSocket, so the app's log stream "
                f"never connects: {rule.text()} changes the {rule.args[1]} header the "
                "upgrade needs",
                "# remove this line, or add: unless { req.hdr(upgrade) -i websocket }",
                context.label,
            )
        )
    return issues


def _keeps_upgrade(name: str, value: str) -> bool:
    lowered = value.lower()
    if name.lower() == "upgrade":
        return "websocket" in lowered or "hdr(upgrade)" in lowered
    return "upgrade" in lowered


def check_client_cert(frontend: Proxy, backends: list[Proxy]) -> list[Issue]:
    """Check how a frontend that verifies client certificates hands them to Keycloak."""
    if frontend.mode != "http":
        return []
    verify = _verify_mode(frontend)
    if verify is None:
        return []
    mode, bind = verify

    proxies = [frontend, *(b for b in backends if b is not frontend)]
    ordered = [(proxy, rule) for proxy in proxies for rule in proxy.rules()]
    cert_rules = [
        (proxy, rule)
        for proxy, rule in ordered
        if rule.args[:1] in (("set-header",), ("add-header",))
        and len(rule.args) >= 3
        and any(fetch in rule.args[2] for fetch in _CERT_FETCHES)
    ]
    if not cert_rules:
        return [
            Issue(
                "CLIENT-CERT-NOT-FORWARDED",
                bind.place,
                f"{frontend.label()} verifies client certificates (verify {mode}) but no "
                "http-request rule passes the certificate on, so Keycloak's X.509 "
                "authenticator never sees it and CAC/PIV sign-in fails",
                "http-request del-header SSL_CLIENT_CERT\n"
                "http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64] if { ssl_c_used }",
            )
        ]

    issues = []
    for proxy, rule in cert_rules:
        header = rule.args[1]
        kind, words = split_condition(rule.args)
        guarded = kind == "if" and _tests_certificate(proxy, words)
        if mode == "optional" and not guarded:
            issues.append(
                Issue(
                    "CLIENT-CERT-EMPTY-VALUE",
                    rule.place,
                    f"with verify optional, a client without a certificate still gets "
                    f"{header} sent to Keycloak, with an empty value where Keycloak's "
                    "X.509 lookup expects a certificate or no header at all",
                    f"{rule.name} {rule.args[0]} {header} {rule.args[2]} if {{ ssl_c_used }}",
                )
            )

        # An unconditional set-header replaces any copy the client sent.
        if rule.args[0] == "set-header" and kind is None:
            continue
        if _deleted_before(ordered, rule, header):
            continue
        issues.append(
            Issue(
                "CLIENT-CERT-SPOOFABLE",
                rule.place,
                f"a client can send its own {header} header and it reaches Keycloak "
                + (
                    "beside the proxy's copy, because add-header keeps it"
                    if rule.args[0] == "add-header"
                    else "whenever this conditional rule does not fire"
                )
                + ", so anyone can present a forged certificate",
                f"http-request del-header {header}\n"
                f"http-request set-header {header} {rule.args[2]} if {{ ssl_c_used }}",
            )
        )
    return issues


def _verify_mode(frontend: Proxy) -> tuple[str, Keyword] | None:
    for bind in frontend.own("bind"):
        args = list(bind.args)
        if "ssl" not in args or "verify" not in args:
            continue
        index = args.index("verify")
        if index + 1 < len(args) and args[index + 1] in ("required", "optional"):
            return args[index + 1], bind
    return None


def _tests_certificate(proxy: Proxy, words: tuple[str, ...]) -> bool:
    """Return whether an `if` condition holds only when the client sent a certificate.

    Each `or` branch must contain a certificate test that is not negated: an
    anonymous ACL such as `{ ssl_c_used }`, or a named ACL whose every `acl`
    line is one, because HAProxy ORs the lines of a named ACL.
    """
    acls = acls_of(proxy)
    branches = split_or(words)
    return bool(branches) and all(
        _branch_tests_certificate(branch, acls) for branch in branches
    )


def _branch_tests_certificate(words: list[str], acls: dict[str, list[Acl]]) -> bool:
    index = 0
    while index < len(words):
        negated = False
        while words[index] == "!" and index + 1 < len(words):
            negated = not negated
            index += 1
        word = words[index]
        if word == "{":
            end = words.index("}", index) if "}" in words[index:] else len(words)
            criteria = [words[index + 1]] if index + 1 < end else []
            index = end + 1
        else:
            criteria = [acl.criterion for acl in acls.get(word, ())]
            index += 1
        if (
            not negated
            and criteria
            and all(criterion.startswith(_CERT_TESTS) for criterion in criteria)
        ):
            return True
    return False


_CERT_TESTS = ("ssl_c_used", "ssl_c_verify", "ssl_c_der")


def _deleted_before(
    ordered: list[tuple[Proxy, Keyword]], target: Keyword, header: str
) -> bool:
    for _, rule in ordered:
        if rule is target:
            return False
        if (
            rule.args[:1] == ("del-header",)
            and len(rule.args) >= 2
            and rule.args[1].lower() == header.lower()
            and split_condition(rule.args)[0] is None
        ):
            return True
    return False


ROUTE_CHECKS = (
    check_unitless,
    check_timeout_missing,
    check_timeout,
    check_body_size,
    check_buffer_request,
    check_compression,
    check_forwarded,
    check_websocket,
)
