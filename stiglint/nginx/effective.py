"""Effective directive values at a location, with nginx's inheritance.

Most directives inherit from the nearest enclosing level that sets them. The
array directives (`proxy_set_header`, `add_header`, `proxy_hide_header`,
`proxy_pass_header`) are different: a level inherits them only when it defines
none of them itself, so a single `proxy_set_header` in a location drops every
header set at server or http level (ngx_http_proxy_merge_loc_conf).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stiglint.nginx.locations import location_chain
from stiglint.nginx.model import Directive
from stiglint.settings import Version

ARRAY_DIRECTIVES = frozenset(
    {"proxy_set_header", "add_header", "proxy_hide_header", "proxy_pass_header"}
)

# nginx 1.29.7 made HTTP/1.1 the default upstream protocol and stopped sending
# "Connection: close" (CHANGES, nginx 1.29.7).
HTTP11_DEFAULT_SINCE = (1, 29, 7)


@dataclass
class Value:
    """One effective setting: its value and the directive that decided it."""

    args: list[str]
    # The directive that set it; None when it is nginx's built-in default.
    directive: Directive | None

    @property
    def first(self) -> str:
        return self.args[0] if self.args else ""


@dataclass
class Headers:
    """The effective `proxy_set_header` list at a location."""

    # Header name (lower case) to (value, directive); a built-in default has no
    # directive.
    values: dict[str, tuple[str, Directive | None]]
    # The level whose list is in force; None when only built-in defaults apply.
    level: Directive | None
    # Headers set at an outer level that the inner level's own list drops:
    # name (lower case) to the directive that set it.
    dropped: dict[str, Directive] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        entry = self.values.get(name.lower())
        return entry[0] if entry else None

    def directive(self, name: str) -> Directive | None:
        entry = self.values.get(name.lower())
        return entry[1] if entry else None


class Scope:
    """The settings in force at one location."""

    def __init__(self, location: Directive, version: Version) -> None:
        self.location = location
        self.version = version
        self.chain = location_chain(location)
        self._headers: Headers | None = None

    def get(self, name: str, default: list[str] | None = None) -> Value:
        for level in self.chain:
            found = level.child(name)
            if found is not None:
                return Value(found.args, found)
        return Value(list(default or []), None)

    def array(self, name: str) -> tuple[Directive | None, list[Directive]]:
        """Return the level whose `name` directives are in force, and those directives."""
        for level in self.chain:
            found = level.children(name)
            if found:
                return level, found
        return None, []

    def http11_default(self) -> bool:
        return self.version.at_least(*HTTP11_DEFAULT_SINCE)

    def http_version(self) -> Value:
        return self.get("proxy_http_version", ["1.1" if self.http11_default() else "1.0"])

    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = self._compute_headers()
        return self._headers

    def _compute_headers(self) -> Headers:
        level, directives = self.array("proxy_set_header")
        values: dict[str, tuple[str, Directive | None]] = {"host": ("$proxy_host", None)}
        if not self.http11_default():
            values["connection"] = ("close", None)
        explicit: set[str] = set()
        for directive in directives:
            if not directive.args:
                continue
            name = directive.args[0].lower()
            value = directive.args[1] if len(directive.args) >= 2 else ""
            # nginx sends every non-empty line of a repeated header and skips empty
            # ones, so an empty repeat does not cancel an earlier value.
            if name in explicit and (not value or values[name][0]):
                continue
            explicit.add(name)
            values[name] = (value, directive)

        headers = Headers(values, level)
        if level is None:
            return headers
        # The list the level in force replaces is the next outer level's own list
        # (which that level may itself have inherited): those are the headers the
        # inner list silently drops.
        outer = self.chain[self.chain.index(level) + 1 :]
        for outer_level in outer:
            replaced = outer_level.children("proxy_set_header")
            for directive in replaced:
                name = directive.args[0].lower() if directive.args else ""
                if name and name not in explicit:
                    headers.dropped.setdefault(name, directive)
            if replaced:
                break
        return headers

    def server(self) -> Directive | None:
        for level in self.chain:
            if level.name == "server":
                return level
        return None

    def http(self) -> Directive | None:
        for level in self.chain:
            if level.name == "http":
                return level
        return None
