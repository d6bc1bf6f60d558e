"""Finding the rules that proxy to STIG Manager, and the path it is mounted at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stiglint import endpoints
from stiglint.endpoints import Mount
from stiglint.apache.routing import Backend, ProxyRule, Server, resolve

# A path that only STIG Manager's API serves; a pattern that matches it (under
# some prefix) routes the API.
_PROBE = "api/op/state/sse"


@dataclass(eq=False)
class Target:
    rule: ProxyRule
    reason: str
    mount: Mount | None


def slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def mount_for(rule: ProxyRule) -> Mount | None:
    """Work out where the app's root and API sit in the public URL space."""
    backend = rule.backend()
    if rule.kind == "prefix":
        public = slash(rule.path)
        inner = slash(backend.path) if backend and backend.path else "/"
        if "$" in inner or "%{" in inner:
            return None
        if inner == "/":
            if public.endswith("/api/"):
                # The rule passes the path through unchanged and covers only the API.
                return Mount(public[: -len("api/")], public)
            return Mount(public, public + "api/")
        if public.endswith(inner):
            return Mount(public[: len(public) - len(inner)] + "/", public[: len(public) - len(inner)] + "/api/")
        if inner.rstrip("/").endswith("/api"):
            return Mount(None, public)
        return None
    return _mount_from_pattern(rule)


def _mount_from_pattern(rule: ProxyRule) -> Mount | None:
    pattern = rule.regex()
    if pattern is None:
        return None
    literal = re.match(r"\^?((?:[A-Za-z0-9_\-/.~]|\\/)*)", rule.path)
    prefix = literal.group(1).replace("\\/", "/") if literal else ""
    candidates = ["/"]
    if "/" in prefix:
        candidates.insert(0, prefix[: prefix.rfind("/") + 1] or "/")
    for root in candidates:
        if not root.startswith("/"):
            root = "/" + root
        if (pattern.search(root + _PROBE) is not None) == rule.negated:
            continue
        # The public root counts only if the app receives the probe at its own API
        # path, so a rule for /socket/(.*) is not taken as a mount at /socket/.
        backend = Backend.parse(rule.target_for(root + _PROBE) or "")
        if backend is not None and backend.path == "/" + _PROBE:
            return Mount(root, root + "api/")
    return None


class Finder:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.balancers: dict[str, list[str]] = {}
        for section in server.proxy_sections():
            name = section.args[0] if section.args else ""
            if name.lower().startswith("balancer://"):
                members = [m.args[0] for m in section.children("balancermember") if m.args]
                self.balancers[name.lower().rstrip("/")] = members
        for level in server.levels:
            for directive in level.children("balancermember"):
                # BalancerMember balancer://name url, outside a <Proxy> section.
                if len(directive.args) >= 2:
                    self.balancers.setdefault(directive.args[0].lower().rstrip("/"), []).append(
                        directive.args[1]
                    )

    def rules(self) -> list[ProxyRule]:
        server = self.server
        return [
            *server.rewrite_rules(), *server.location_rules(), *server.server_rules()
        ]

    def reason(self, rule: ProxyRule, url: str | None = None) -> str | None:
        """Return why this rule's backend looks like STIG Manager, or None."""
        if not rule.proxies:
            return None
        url = url if url is not None else rule.url
        backend = Backend.parse(url or "")
        if backend is None:
            return None
        if backend.scheme == "balancer":
            members = self.balancers.get(f"balancer://{backend.host}", [])
            for member in members:
                member_backend = Backend.parse(member)
                if member_backend is None:
                    continue
                why = _backend_reason(member_backend, "BalancerMember")
                if why:
                    return f"balancer {backend.host!r} has {why}"
            return None
        return _backend_reason(backend, rule.directive.name)

    def detect(self) -> list[Target]:
        """Return the rules of this server whose backend looks like STIG Manager."""
        found = []
        for rule in self.rules():
            reason = self.reason(rule)
            if reason:
                found.append(Target(rule, reason, mount_for(rule)))
        return found

    def from_mounts(self, mounts: tuple[str, ...]) -> list[Target]:
        """Return the rules that serve the mount paths given in the settings."""
        found = []
        for root in mounts:
            mount = Mount(slash(root), slash(root) + "api/")
            route = resolve(self.server, mount.api + "op/state/sse")
            if route.rule is None or not route.proxied:
                continue
            reason = f"it serves the STIG Manager mount path {mount.root} given in the settings"
            found.append(Target(route.rule, reason, mount))
        return found


def _backend_reason(backend: Backend, name: str) -> str | None:
    if endpoints.looks_like_stigman(backend.host):
        return f"{name} host {backend.host!r} is named like STIG Manager"
    if backend.port == endpoints.DEFAULT_PORT:
        return f"{name} port {backend.port} is STIG Manager's default port"
    return None
