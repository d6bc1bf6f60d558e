"""Finding the frontend and backend pairs that serve STIG Manager, and its mount path."""

from __future__ import annotations

from dataclasses import dataclass

from stiglint import endpoints
from stiglint.haproxy.proxies import Proxies, Proxy
from stiglint.haproxy.routing import (
    Request,
    acls_of,
    path_prefixes,
    route,
    split_condition,
)

_PROBE = endpoints.STATE_SSE


@dataclass
class Target:
    frontend: Proxy
    # Names of the backends taken as STIG Manager for this frontend.
    backends: frozenset[str]
    mount: str
    reason: str
    # The STIG Manager backends this frontend's rules name for the mount.
    used: frozenset[str] = frozenset()


def backend_reason(backend: Proxy) -> str | None:
    """Return why a backend looks like STIG Manager, or None."""
    if endpoints.looks_like_stigman(backend.name):
        return f"{backend.label()} is named like STIG Manager"
    for server in backend.servers():
        name = server.args[0] if server.args else ""
        address = server.args[1] if len(server.args) > 1 else ""
        if server.name == "server-template" and len(server.args) > 2:
            address = server.args[2]
        if endpoints.looks_like_stigman(name) or endpoints.looks_like_stigman(address):
            return f"{backend.label()} has server {name} {address}, named like STIG Manager"
        if address.rpartition(":")[2] == str(endpoints.DEFAULT_PORT):
            return f"{backend.label()} has server {name} on port 54000, STIG Manager's default"
    return None


def slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def mount_of(prefix: str) -> str:
    """Return the app's mount path from a path prefix routed to it."""
    trimmed = prefix.rstrip("/")
    for part in ("/api", "/socket"):
        if trimmed.endswith(part):
            return slash(trimmed[: -len(part)])
    return slash(trimmed)


class Finder:
    def __init__(self, proxies: Proxies) -> None:
        self.proxies = proxies
        self.reasons: dict[str, str] = {}
        for name, backend in proxies.backends.items():
            reason = backend_reason(backend)
            if reason:
                self.reasons[name] = reason

    def detect(self, frontend: Proxy) -> list[Target]:
        """Return the mounts at which `frontend` routes to a STIG Manager backend."""
        stigman = frozenset(self.reasons)
        acls = acls_of(frontend)
        mounts: dict[str, tuple[str, set[str]]] = {}
        for keyword in frontend.own("use_backend"):
            if not keyword.args or keyword.args[0] not in stigman:
                continue
            _, words = split_condition(keyword.args)
            prefixes = path_prefixes(words, acls)
            for mount in [mount_of(prefix) for prefix in prefixes] or ["/"]:
                entry = mounts.setdefault(
                    mount, (self._reason(frontend, keyword.args[0]), set())
                )
                entry[1].add(keyword.args[0])
        default = frontend.last(lambda k: k.name == "default_backend" and bool(k.args))
        fallback = None
        if default is not None:
            fallback = default.args[0]
        elif frontend.kind == "listen":
            fallback = frontend.name
        if fallback in stigman:
            entry = mounts.setdefault("/", (self._reason(frontend, fallback), set()))
            entry[1].add(fallback)
        return [
            Target(frontend, stigman, mount, reason, frozenset(used))
            for mount, (reason, used) in mounts.items()
        ]

    def from_mounts(self, frontend: Proxy, mounts: tuple[str, ...]) -> list[Target]:
        """Return the targets that serve the given mount paths in `frontend`."""
        found: list[Target] = []
        for mount in mounts:
            path = _PROBE.request_path(slash(mount))
            result = route(frontend, Request(_PROBE.method, path))
            known = [c for c in result.candidates if c.backend in self.proxies.backends]
            stigman = [c.backend for c in known if c.backend in self.reasons]
            # Rules HAProxy may skip (a Host test, say) come before the fallback,
            # so without a STIG Manager name the last candidate is the safest pick.
            chosen = (
                stigman
                or [c.backend for c in known if c.certain]
                or [c.backend for c in known[-1:]]
            )
            if not chosen:
                continue
            backend = self.proxies.backends[chosen[0]]
            if not backend.servers():
                continue
            reason = (
                f"{frontend.label()} sends {path} to {backend.label()}, and STIG Manager "
                f"is mounted at {slash(mount)} according to the settings"
            )
            found.append(
                Target(
                    frontend, frozenset(chosen), slash(mount), reason, frozenset(chosen)
                )
            )
        return found

    def _reason(self, frontend: Proxy, backend: str) -> str:
        return f"{frontend.label()} routes to it: {self.reasons[backend]}"
