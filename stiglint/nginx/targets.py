"""Finding the locations that proxy to STIG Manager, and the path it is mounted at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stiglint import endpoints
from stiglint.endpoints import Mount
from stiglint.nginx.locations import Location, locations_in, select
from stiglint.nginx.model import Config, Directive

_PROXY_PASS = re.compile(
    r"(?P<scheme>[a-z]+)://(?P<authority>unix:[^:]*:?|\[[^\]]*\](?::\d+)?|[^/]*)(?P<uri>/.*)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Upstream:
    scheme: str
    host: str
    port: int | None
    # The URI part of proxy_pass; None when there is none (request URI passed as is).
    uri: str | None

    @classmethod
    def parse(cls, target: str) -> Upstream | None:
        match = _PROXY_PASS.fullmatch(target)
        if not match:
            return None
        authority = match.group("authority")
        host, port = authority, None
        if not authority.startswith("unix:"):
            port_match = re.fullmatch(r"(\[[^\]]*\]|[^:]*):(\d+)", authority)
            if port_match:
                host, port = port_match.group(1), int(port_match.group(2))
        return cls(match.group("scheme").lower(), host, port, match.group("uri"))


@dataclass(eq=False)
class Target:
    location: Location
    proxy_pass: Directive
    reason: str
    mount: Mount | None


def _slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def mount_for(location: Location, upstream: Upstream | None) -> Mount | None:
    """Work out where the app's root and API sit in the public URL space.

    The app serves `/api/...` and `/socket/...` upstream. A location with
    prefix L whose proxy_pass has URI part U sends public L + rest to upstream
    U + rest (without U, the public path unchanged), so a location that ends in
    `api/` or `socket/` on both sides publishes the app's root one level up.
    """
    if location.is_regex or location.modifier == "@":
        return None
    uri = upstream.uri if upstream else None
    if location.modifier == "=":
        return _exact_mount(location.path, uri)
    public = _slash(location.path)
    upstream_base = _slash(uri) if uri is not None else public
    for part in ("api/", "socket/"):
        if upstream_base.endswith("/" + part):
            if public.endswith("/" + part):
                root = public[: -len(part)]
                return Mount(root, root + "api/")
            if part == "api/":
                # The API is published under another name; the app's root is not.
                return Mount(None, public)
            return None
    return Mount(public, public + "api/")


def _exact_mount(path: str, uri: str | None) -> Mount | None:
    """Place the app's root from an exact location such as `= /stigman/socket/log-socket`.

    An exact location serves one path. Its upstream path is the URI part of
    proxy_pass, which replaces the whole path, or the path itself without one.
    """
    upstream_path = uri if uri is not None else path
    for endpoint in endpoints.ENDPOINTS:
        suffix = "/" + endpoint.path
        if upstream_path.endswith(suffix) and path.endswith(suffix):
            root = path[: -len(endpoint.path)]
            return Mount(root, root + "api/")
    return None


def named_locations(server: Directive) -> dict[str, Location]:
    return {
        location.path: location
        for location in locations_in(server)
        if location.modifier == "@"
    }


def fallback_location(server: Directive, location: Location) -> Location | None:
    """Return the named location a location hands requests to, if it proxies.

    `try_files ... @name` ends in the named location when no file matches, which
    is the case for API paths; a named location passes the request path unchanged.
    """
    if location.directive.child("proxy_pass") is not None:
        return None
    try_files = location.directive.child("try_files")
    if try_files is None or not try_files.args or not try_files.args[-1].startswith("@"):
        return None
    named = named_locations(server).get(try_files.args[-1][1:])
    if named is None or named.directive.child("proxy_pass") is None:
        return None
    return named


class Finder:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.http = [block for block in config.root.children("http") if block.block is not None]
        self.upstreams: dict[str, Directive] = {}
        for http in self.http:
            for directive in http.children("upstream"):
                if directive.args and directive.block is not None:
                    self.upstreams.setdefault(directive.args[0], directive)

    def servers(self) -> list[Directive]:
        return [
            server
            for http in self.http
            for server in http.children("server")
            if server.block is not None
        ]

    def maps(self) -> dict[str, Directive]:
        """Return the `map` blocks by the variable they define (without `$`)."""
        found: dict[str, Directive] = {}
        for http in self.http:
            for directive in http.children("map"):
                if len(directive.args) >= 2:
                    found[directive.args[1].lstrip("$").lower()] = directive
        return found

    def reason(self, proxy_pass: Directive) -> str | None:
        """Return why this proxy_pass looks like STIG Manager, or None."""
        if not proxy_pass.args:
            return None
        upstream = Upstream.parse(proxy_pass.args[0])
        if upstream is None:
            return None
        group = self.upstreams.get(upstream.host)
        if endpoints.looks_like_stigman(upstream.host):
            kind = "upstream" if group is not None else "proxy_pass host"
            return f"{kind} {upstream.host!r} is named like STIG Manager"
        if upstream.port == endpoints.DEFAULT_PORT:
            return f"proxy_pass port {upstream.port} is STIG Manager's default port"
        if group is None:
            return None
        for server in group.children("server"):
            address = server.args[0] if server.args else ""
            port = address.rpartition(":")[2]
            if endpoints.looks_like_stigman(address):
                return f"upstream {upstream.host!r} has server {address!r}, named like STIG Manager"
            if port == str(endpoints.DEFAULT_PORT):
                return f"upstream {upstream.host!r} has server {address!r} on port 54000"
        return None

    def detect(self, server: Directive) -> list[Target]:
        """Return the locations in `server` whose proxy_pass looks like STIG Manager."""
        found: list[Target] = []
        pending = list(locations_in(server))
        while pending:
            location = pending.pop(0)
            proxy_pass = location.directive.child("proxy_pass")
            if proxy_pass is not None:
                reason = self.reason(proxy_pass)
                if reason:
                    upstream = Upstream.parse(proxy_pass.args[0])
                    mount = mount_for(location, upstream)
                    if mount is None and location.is_regex and location.regex is not None:
                        if location.regex.search("/api/op/state/sse"):
                            mount = Mount("/", "/api/")
                    found.append(Target(location, proxy_pass, reason, mount))
            pending.extend(locations_in(location.directive))
        for target in found:
            if target.location.modifier == "@" and target.mount is None:
                target.mount = self._mount_through_fallback(server, target.location)
        return found

    def _mount_through_fallback(self, server: Directive, named: Location) -> Mount | None:
        """Place a named location by the first location whose try_files ends in it."""
        pending = list(locations_in(server))
        while pending:
            location = pending.pop(0)
            pending.extend(locations_in(location.directive))
            if fallback_location(server, location) is named:
                return mount_for(location, None)
        return None

    def from_mounts(self, server: Directive, mounts: tuple[str, ...]) -> list[Target]:
        """Return the proxying locations that serve the given mount paths."""
        found: list[Target] = []
        for root in mounts:
            mount = Mount(_slash(root), _slash(root) + "api/")
            location = select(server, mount.api + "op/state/sse").location
            if location is None:
                continue
            location = fallback_location(server, location) or location
            proxy_pass = location.directive.child("proxy_pass")
            if proxy_pass is None:
                continue
            reason = f"it serves the STIG Manager mount path {mount.root} given in the settings"
            found.append(Target(location, proxy_pass, reason, mount))
        return found
