"""Client certificates (CAC/PIV) verified by nginx and handed on to Keycloak.

Keycloak's X.509 login behind nginx reads the certificate from a request header
that its `nginx` lookup provider URL-decodes (Keycloak server guide, "Enabling
client certificate lookup"). nginx fills such a header from
`$ssl_client_escaped_cert`, the URL-encoded PEM (nginx 1.13.5 and later).
`$ssl_client_cert` is deprecated and folds the PEM with tabs, and
`$ssl_client_raw_cert` keeps its line breaks, which a header cannot carry.
"""

from __future__ import annotations

import re

from stiglint.nginx.checks import Issue
from stiglint.nginx.effective import Scope
from stiglint.nginx.locations import Location, locations_in
from stiglint.nginx.model import Directive
from stiglint.nginx.targets import Upstream
from stiglint.settings import Version

_VERIFYING = ("on", "optional", "optional_no_ca")
_KEYCLOAK_PATH = re.compile(r"^/(kc|keycloak|auth|realms)(/|$)")
_CERT_VARIABLE = re.compile(r"\$\{?(ssl_client_escaped_cert|ssl_client_cert|ssl_client_raw_cert)\b")
_FIX = "proxy_set_header ssl-client-cert $ssl_client_escaped_cert;"


def keycloak_locations(server: Directive) -> list[Location]:
    """Return the locations of `server` that proxy to Keycloak, by name or path."""
    found = []
    pending = list(locations_in(server))
    while pending:
        location = pending.pop(0)
        pending.extend(locations_in(location.directive))
        proxy_pass = location.directive.child("proxy_pass")
        if proxy_pass is None or not proxy_pass.args:
            continue
        upstream = Upstream.parse(proxy_pass.args[0])
        host = upstream.host.lower() if upstream else ""
        if "keycloak" in host or (not location.is_regex and _KEYCLOAK_PATH.match(location.path)):
            found.append(location)
    return found


def check_client_cert(server: Directive, version: Version) -> list[Issue]:
    """Flag Keycloak locations that do not pass on the certificate nginx verified."""
    verify = _effective(server, "ssl_verify_client")
    if verify is None or not verify.args or verify.args[0].lower() not in _VERIFYING:
        return []
    issues = []
    for location in keycloak_locations(server):
        headers = Scope(location.directive, version).headers()
        carried = {
            name: match.group(1)
            for name, (value, _) in headers.values.items()
            if (match := _CERT_VARIABLE.search(value))
        }
        label = f"{location.label()} (line {location.directive.line})"
        if "ssl_client_escaped_cert" in carried.values():
            continue
        if carried:
            name, variable = next(iter(carried.items()))
            problem = (
                f"passes the certificate in {name} from ${variable}, which is not the "
                "URL-encoded PEM that Keycloak's nginx certificate lookup decodes"
            )
        else:
            problem = "passes no header with the client certificate to Keycloak"
        issues.append(
            Issue(
                "CLIENT-CERT-NOT-FORWARDED",
                location.directive.place,
                f"ssl_verify_client {verify.args[0]} (line {verify.line}) checks CAC/PIV "
                f"certificates, but {label} {problem}, so Keycloak's X.509 login "
                "finds no usable certificate",
                _FIX,
                f"Keycloak at {location.path}",
            )
        )
    return issues


def _effective(server: Directive, name: str) -> Directive | None:
    for level in (server, *server.ancestors()):
        found = level.child(name)
        if found is not None:
            return found
    return None
