"""The Apache httpd rules: what breaks for each STIG Manager endpoint.

Each check looks at one endpoint with the rule httpd picks for it and returns
`Issue`s, placed at the directive that decides the bad value, or at the proxy
rule or virtual host when a built-in default is to blame. `collect` merges
issues of one rule at one place into a single finding that names every endpoint
affected.

Families that cannot break on Apache raise nothing here: mod_proxy does not
apply `LimitRequestBody` to proxied requests (so no 413 on imports), and
mod_proxy_http flushes streamed responses whenever the backend pauses and
ignores `X-Accel-Buffering` (Apache httpd 2.4.71, lab).
"""

from __future__ import annotations

from dataclasses import dataclass

from stiglint import timeouts
from stiglint.apache.effective import HeaderRule, Scope, Timeout
from stiglint.apache.model import Config, Directive
from stiglint.apache.routing import Backend, ProxyRule, Route, Server
from stiglint.endpoints import Endpoint, Kind
from stiglint.findings import Place, Severity
from stiglint.settings import Settings

FORWARDED = ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host")
# mod_proxy_http adds these itself unless `ProxyAddHeaders Off`, but never
# X-Forwarded-Proto (mod_proxy documentation, "Reverse Proxy Request Headers").
ADDED_BY_PROXY = ("x-forwarded-for", "x-forwarded-host")
_CANONICAL = {
    "x-forwarded-for": "X-Forwarded-For",
    "x-forwarded-proto": "X-Forwarded-Proto",
    "x-forwarded-host": "X-Forwarded-Host",
}
_FORWARDED_FIX = {
    "x-forwarded-for": "ProxyAddHeaders On",
    "x-forwarded-host": "ProxyAddHeaders On",
    "x-forwarded-proto": 'RequestHeader set X-Forwarded-Proto "https"',
}
_CERT_VARIABLE = "%{ssl_client_cert}s"


@dataclass
class Issue:
    rule: str
    place: Place
    # Message text; "{endpoints}" is replaced by the endpoints affected.
    message: str
    fix: str
    endpoints: tuple[str, ...]
    severity: Severity | None = None
    # What breaks for this kind of endpoint; merged issues list each once.
    detail: str = ""
    detail_intro: str = ": "


@dataclass
class Context:
    """One endpoint with the rule httpd picks for it."""

    endpoint: Endpoint
    path: str
    server: Server
    route: Route
    scope: Scope
    settings: Settings
    config: Config

    @property
    def label(self) -> str:
        return f"{self.endpoint.method} {self.path}"

    @property
    def rule(self) -> ProxyRule:
        assert self.route.rule is not None
        return self.route.rule

    def place_of(self, directive: Directive | None) -> Place:
        return (directive or self.rule.directive).place


def check_body_size(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.UPLOAD:
        return []
    limit = context.scope.get("limitrequestbody")
    if limit is None or not limit.args or limit.args[0].strip() == "0":
        return []
    return [
        Issue(
            "BODY-SIZE-INEFFECTIVE",
            limit.place,
            f"LimitRequestBody {limit.args[0]} does not limit {{endpoints}}: mod_proxy "
            "does not apply it to requests it proxies, so uploads reach STIG Manager "
            "whatever their size",
            "# remove LimitRequestBody here: it has no effect on proxied requests",
            (context.label,),
        )
    ]


def check_buffering(context: Context) -> list[Issue]:
    if not context.endpoint.streams:
        return []
    parameters = context.scope.worker_parameters()
    keys = [key for key in ("flushpackets", "flushwait") if key in parameters]
    backend = Backend.parse(context.route.backend_url() or "")
    if not keys or backend is None or backend.scheme not in ("http", "https", "ws", "wss"):
        return []
    # The keys may come from the ProxyPass or from a ProxySet line; report each line.
    by_line: dict[Directive, list[str]] = {}
    for key in keys:
        by_line.setdefault(parameters[key].directive, []).append(key)
    issues = []
    for setter, names in by_line.items():
        shown = " ".join(f"{key}={parameters[key].value}" for key in names)
        kept = [
            word for word in setter.args
            if word.partition("=")[0].lower() not in ("flushpackets", "flushwait")
        ]
        issues.append(
            Issue(
                "BUFFERING-INEFFECTIVE",
                setter.place,
                f"{shown} has no effect on the {backend.scheme}:// backend of {{endpoints}}: "
                "mod_proxy applies it to AJP and FastCGI backends only, and mod_proxy_http "
                "already flushes the stream whenever STIG Manager pauses",
                _without_flush_keys(setter, kept),
                (context.label,),
            )
        )
    return issues


def _without_flush_keys(setter: Directive, kept: list[str]) -> str:
    if setter.key == "proxyset" and not any("=" in word for word in kept):
        return "# remove this ProxySet line: it sets nothing that mod_proxy_http uses"
    return " ".join([setter.name, *kept])


def check_websocket(context: Context) -> list[Issue]:
    if context.endpoint.kind is not Kind.WEBSOCKET:
        return []
    rule = context.rule
    scope = context.scope
    backend = Backend.parse(context.route.backend_url() or "")
    if backend is None:
        return []
    problem = None
    fix = _websocket_fix(context, backend)
    if backend.scheme in ("ws", "wss"):
        if context.config.modules_known and "proxy_wstunnel" not in context.config.modules:
            problem = (
                f"{rule.label()} sends it to {backend.scheme}://, but no LoadModule loads "
                "mod_proxy_wstunnel, which handles that scheme"
            )
            fix = "LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so"
    elif rule.kind == "rewrite":
        problem = (
            f"the RewriteRule at line {rule.directive.line} proxies it to "
            f"{backend.scheme}://, and a rewrite cannot ask mod_proxy_http for the upgrade"
        )
    else:
        parameter = scope.worker_parameters().get("upgrade")
        upgrade = parameter.value.lower() if parameter else ""
        if upgrade in ("websocket", "any", "*"):
            if not scope.upgrade_key_supported():
                problem = (
                    f"upgrade={parameter.value} needs Apache httpd 2.4.47 or later, "
                    f"and the configuration is checked for {scope.version}"
                )
        elif "upgrade" in rule.keys and scope.ignored_rule_parameters() is not None:
            setter = scope.ignored_rule_parameters()
            problem = (
                f"the {setter.name} at line {setter.line} defines the worker for this URL "
                f"before {rule.label()}, so httpd ignores the ProxyPass parameters, upgrade="
                f"{rule.keys['upgrade']} included"
            )
            if setter.key == "proxyset":
                fix = f"ProxySet upgrade=websocket\n# in the section of the ProxySet at line {setter.line}"
            else:
                kept = [word for word in setter.args if not word.lower().startswith("upgrade=")]
                fix = " ".join([setter.name, *kept, "upgrade=websocket"])
                fix += f"\n# on line {setter.line}, which defines the worker"
        else:
            problem = (
                f"{rule.label()} proxies it to {backend.scheme}:// without upgrade=websocket, "
                "so mod_proxy_http does not pass the Upgrade request on"
            )
    if problem is None:
        return []
    return [
        Issue(
            "WEBSOCKET-UPGRADE",
            rule.directive.place,
            "{endpoints} cannot upgrade to a WebSocket, so the app's log stream never "
            f"connects: {problem}",
            fix,
            (context.label,),
        )
    ]


def _websocket_fix(context: Context, backend: Backend) -> str:
    rule = context.rule
    scheme = "wss" if backend.scheme in ("https", "wss") else "ws"
    authority = backend.host if backend.port is None else f"{backend.host}:{backend.port}"
    if context.scope.upgrade_key_supported() and rule.kind != "rewrite":
        kept = [word for word in rule.directive.args if not word.lower().startswith("upgrade=")]
        return " ".join([rule.directive.name, *kept, "upgrade=websocket"])
    return (
        f"ProxyPass {context.path} {scheme}://{authority}/socket/log-socket\n"
        "# write it before the ProxyPass rules that also match this path"
    )


def check_timeout(context: Context) -> list[Issue]:
    endpoint = context.endpoint
    if not endpoint.long_lived:
        return []
    scope = context.scope
    backend = scope.backend_timeout()
    if endpoint.kind is not Kind.WEBSOCKET:
        return _timeout_issue(context, backend, "")
    # httpd tunnels a WebSocket with one idle limit, the larger of the client and
    # backend timeouts (ap_proxy_tunnel_create, proxy_util.c, httpd 2.4).
    client = scope.client_timeout()
    deciding = client if client.seconds > backend.seconds else backend
    why = (
        f"; a tunnel's idle limit is the larger of {client.description} and {backend.description}"
        if client.directive is not backend.directive or client.description != backend.description
        else ""
    )
    return _timeout_issue(context, deciding, why)


def _timeout_issue(context: Context, value: Timeout, why: str) -> list[Issue]:
    settings = context.settings
    seconds = value.seconds
    kind = context.endpoint.kind
    verdict = timeouts.classify(kind, seconds, settings, f"{seconds} s")
    if verdict is None:
        return []
    rule, symptom = verdict
    target = _seconds(settings.timeout_warning_seconds)
    if value.name == "timeout=" and value.directive is not None:
        # The line that sets timeout= may be the ProxyPass or a ProxySet.
        setter = value.directive
        kept = [w for w in setter.args if not w.lower().startswith("timeout=")]
        fix = " ".join([setter.name, *kept, f"timeout={target}"])
    elif kind is Kind.WEBSOCKET:
        fix = f"Timeout {target}"
    else:
        fix = f"ProxyTimeout {target}"
    place = value.directive.place if value.directive else context.server.directive.place
    if value.directive is None and context.server.section is None:
        place = context.rule.directive.place
    return [
        Issue(
            rule,
            place,
            f"{{endpoints}} time out after {seconds} s without data ({value.description}{why})",
            fix,
            (context.label,),
            detail=symptom,
        )
    ]


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_forwarded(context: Context) -> list[Issue]:
    scope = context.scope
    rule = context.rule
    issues: list[Issue] = []
    sent = scope.sent_headers()
    adds, adds_directive = scope.flag("proxyaddheaders", True)
    present = set(sent)
    if adds:
        present.update(ADDED_BY_PROXY)
    if "forwarded" not in present:
        missing = [name for name in FORWARDED if name not in present]
        if missing:
            names = ", ".join(_CANONICAL[name] for name in missing)
            reasons = []
            if "x-forwarded-proto" in missing:
                reasons.append("mod_proxy_http never adds X-Forwarded-Proto itself")
            if not adds and any(name in ADDED_BY_PROXY for name in missing):
                where = f" (line {adds_directive.line})" if adds_directive else ""
                reasons.append(f"ProxyAddHeaders Off{where} stops it adding the others")
            fix = "\n".join(dict.fromkeys(_FORWARDED_FIX[name] for name in missing))
            issues.append(
                Issue(
                    "FORWARDED-HEADERS-MISSING",
                    rule.directive.place,
                    f"{names} not sent to STIG Manager by {rule.label()} ("
                    + "; ".join(reasons)
                    + "): the app and Keycloak (KC_PROXY_HEADERS=xforwarded) build "
                    "redirect and token URLs with the wrong scheme or host",
                    fix,
                    (context.label,),
                )
            )
    preserve, directive = scope.flag("proxypreservehost", False)
    if not preserve:
        shown = f"ProxyPreserveHost Off at line {directive.line}" if directive else (
            "ProxyPreserveHost is Off by default"
        )
        issues.append(
            Issue(
                "FORWARDED-HOST",
                (directive or rule.directive).place,
                f"STIG Manager receives the backend address from {rule.label()} as Host "
                f"({shown}), not the name clients use",
                "ProxyPreserveHost On",
                (context.label,),
            )
        )
    return issues


def check_route(context_route: Route, server: Server, label: str, intended: ProxyRule | None,
                to_stigman: bool) -> list[Issue]:
    """Flag an endpoint that a rule other than the one meant for it takes."""
    route = context_route
    rule = route.local_rewrite or route.rule
    if rule is None:
        return [
            Issue(
                "ROUTE-SHADOWED",
                server.directive.place if server.section else Place(server.config.main_file),
                f"{{endpoints}} matches no proxy rule in {server.label()}, so httpd serves "
                "it from the file system instead of proxying it to STIG Manager",
                "# add a ProxyPass for this path to STIG Manager",
                (label,),
            )
        ]
    if to_stigman and not _hidden_by_order(rule, intended):
        return []
    if route.local_rewrite is not None:
        why = f"the RewriteRule at line {rule.directive.line} handles it without proxying"
    elif not rule.proxies:
        why = f"{rule.label()} excludes it from proxying"
    elif not to_stigman:
        why = f"{rule.label()} proxies it to {route.backend_url()}"
    else:
        why = (
            f"{rule.label()} takes it before {intended.label()}, because httpd tries "
            "ProxyPass rules in configuration order and the first match wins"
            if intended is not None else f"{rule.label()} takes it"
        )
    fix = "# give the endpoint a rule that proxies it to STIG Manager"
    if intended is not None and intended.directive is not rule.directive:
        fix = (
            f"# move line {intended.directive.line} ({intended.directive.source()}) above "
            f"line {rule.directive.line}"
        )
    return [
        Issue(
            "ROUTE-SHADOWED",
            rule.directive.place,
            f"{{endpoints}} does not reach STIG Manager the intended way: {why}",
            fix,
            (label,),
        )
    ]


def _hidden_by_order(rule: ProxyRule, intended: ProxyRule | None) -> bool:
    """Return whether an earlier, shorter ProxyPass takes a path a longer one was written for."""
    if intended is None or intended.directive is rule.directive:
        return False
    return rule.kind == "prefix" and rule.location is None


def check_client_cert(server: Server, labels: tuple[str, ...]) -> list[Issue]:
    """Check mutual TLS for CAC/PIV sign-in on a host that serves STIG Manager.

    The host-level `SSLVerifyClient` decides the header checks. A `<Location>`
    that requests certificates itself (per-directory renegotiation) gets its
    depth checked too, with its own `SSLVerifyDepth` or the host's.
    """
    verify = server.get("sslverifyclient")
    issues: list[Issue] = []
    for section in server.location_sections():
        inner = section.child("sslverifyclient")
        if inner is not None and _asks_for_certificate(inner):
            issues.extend(_depth_issues(inner, section.child("sslverifydepth")
                                        or server.get("sslverifydepth"), labels))
    if verify is None or not _asks_for_certificate(verify):
        return issues
    mode = verify.args[0].lower()
    issues.extend(_depth_issues(verify, server.get("sslverifydepth"), labels))

    carriers = _certificate_headers(server)
    if not carriers:
        issues.append(
            Issue(
                "CLIENT-CERT-NOT-FORWARDED",
                verify.place,
                f"SSLVerifyClient {verify.args[0]} verifies client certificates, but no "
                "RequestHeader hands %{SSL_CLIENT_CERT}s on, so Keycloak's X.509 "
                "authenticator finds no certificate and CAC sign-in fails",
                "RequestHeader unset SSL_CLIENT_CERT early\n"
                'RequestHeader set SSL_CLIENT_CERT "%{SSL_CLIENT_CERT}s" '
                '"expr=-n %{SSL_CLIENT_CERT}"',
                labels,
            )
        )
    for carrier in carriers:
        name = carrier.directive.args[1]
        if mode != "require" and not carrier.conditional and not _requires_certificate(
            carrier.directive.parent
        ):
            issues.append(
                Issue(
                    "CLIENT-CERT-EMPTY-VALUE",
                    carrier.directive.place,
                    f"with SSLVerifyClient {verify.args[0]}, a user without a certificate "
                    f"gets the literal '(null)' sent in {name}, which Keycloak tries to read "
                    "as a certificate",
                    f'RequestHeader {carrier.directive.args[0]} {name} "%{{SSL_CLIENT_CERT}}s" '
                    '"expr=-n %{SSL_CLIENT_CERT}"',
                    labels,
                )
            )
        if _spoofable(server, carrier):
            issues.append(
                Issue(
                    "CLIENT-CERT-SPOOFABLE",
                    carrier.directive.place,
                    f"a client can send its own {name} header and it reaches Keycloak "
                    f"whenever RequestHeader {carrier.action} does not replace it, so "
                    "anyone can claim a certificate they do not hold",
                    f"RequestHeader unset {name} early",
                    labels,
                )
            )
    return issues


def missing_ca_note(server: Server) -> str | None:
    """Describe a host that requests client certificates with no CA to verify them against."""
    verify = server.get("sslverifyclient")
    if verify is None or verify.args[:1] not in (["require"], ["optional"]):
        return None
    if server.get("sslcacertificatefile") or server.get("sslcacertificatepath"):
        return None
    # httpd 2.4.71 starts like this (lab), and then fails every client handshake.
    return (
        f"{verify.place}: SSLVerifyClient {verify.args[0]} with no SSLCACertificateFile or "
        "SSLCACertificatePath in force, so mod_ssl cannot verify any CAC or PIV "
        "certificate; name the DoD CA bundle with SSLCACertificateFile"
    )


def _asks_for_certificate(verify: Directive) -> bool:
    return bool(verify.args) and verify.args[0].lower() in ("require", "optional", "optional_no_ca")


def _depth_issues(verify: Directive, depth: Directive | None, labels: tuple[str, ...]) -> list[Issue]:
    value = _int(depth.args[0]) if depth is not None and depth.args else 1
    if value is None or value >= 2:
        return []
    shown = f"SSLVerifyDepth {value}" if depth is not None else "the default SSLVerifyDepth 1"
    return [
        Issue(
            "CLIENT-CERT-DEPTH",
            (depth or verify).place,
            f"{shown} rejects every CAC or PIV certificate: mod_ssl counts the issuing "
            "intermediate CA toward the depth, so a chain of user, DoD intermediate and "
            "root fails the TLS handshake ('Certificate Chain too long', AH02040) and "
            "nobody can sign in to STIG Manager through Keycloak",
            "SSLVerifyDepth 3\n# 2 covers one intermediate CA; 3 also covers bridge "
            "and ECA chains",
            labels,
        )
    ]


def _requires_certificate(section: Directive | None) -> bool:
    """Return whether a section only admits requests that presented a verified certificate."""
    if section is None or section.key == "virtualhost" or section.parent is None:
        return False
    for directive in section.block or ():
        text = " ".join(directive.args).upper()
        if directive.key == "sslverifyclient" and directive.args[:1] == ["require"]:
            return True
        if directive.key in ("sslrequire", "require") and "SSL_CLIENT_VERIFY" in text:
            return True
    return False


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _server_sections(server: Server) -> list[Directive]:
    return [*server.levels, *server.proxy_sections(), *server.location_sections()]


def _certificate_headers(server: Server) -> list[HeaderRule]:
    found = []
    for level in _server_sections(server):
        for directive in level.children("requestheader"):
            rule = HeaderRule.parse(directive)
            if rule is None or rule.action == "unset":
                continue
            if _CERT_VARIABLE in rule.value.lower():
                found.append(rule)
    return found


def _spoofable(server: Server, carrier: HeaderRule) -> bool:
    """Return whether a client-sent copy of the carrier's header can survive it."""
    if carrier.action == "set" and not carrier.conditional:
        return False
    for level in _server_sections(server):
        for directive in level.children("requestheader"):
            rule = HeaderRule.parse(directive)
            if rule is None or rule.action != "unset" or rule.conditional:
                continue
            if rule.header != carrier.header:
                continue
            if rule.early or _before(directive, carrier.directive):
                return False
    return True


def _before(first: Directive, second: Directive) -> bool:
    return (first.file, first.line) <= (second.file, second.line) if first.file == second.file else True


CHECKS = (check_body_size, check_buffering, check_websocket, check_timeout, check_forwarded)
