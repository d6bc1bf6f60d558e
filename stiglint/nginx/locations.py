"""nginx location selection, as ngx_http_core_find_location does it.

1. An exact `location = /uri` that equals the URI wins at once.
2. Otherwise the longest matching prefix location is remembered; nested
   locations inside it are searched next, by these same steps.
3. Unless that prefix carries `^~`, the regex locations of the level (`~`
   case-sensitive, `~*` case-insensitive) are tried in file order and the first
   match wins (then its own nested locations are searched).
4. With no regex match, the remembered prefix wins.

Named locations (`@name`) and `if` blocks never match a URI by path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from stiglint.nginx.model import Directive

_MODIFIERS = ("^~", "~*", "=", "~", "@")


@dataclass(eq=False)
class Location:
    directive: Directive
    modifier: str  # "", "=", "^~", "~", "~*" or "@"
    path: str

    @classmethod
    def of(cls, directive: Directive) -> Location:
        args = directive.args
        if len(args) >= 2 and args[0] in _MODIFIERS:
            return cls(directive, args[0], args[1])
        first = args[0] if args else ""
        for modifier in _MODIFIERS:
            # nginx also accepts the modifier glued to the path: "=/x", "~^/api".
            if first.startswith(modifier) and len(first) > len(modifier):
                if modifier == "~" and first.startswith("~*"):
                    continue
                return cls(directive, modifier, first[len(modifier) :])
        return cls(directive, "", first)

    @property
    def is_regex(self) -> bool:
        return self.modifier in ("~", "~*")

    @cached_property
    def regex(self) -> re.Pattern | None:
        """The compiled pattern, or None when Python's `re` cannot read it."""
        flags = re.IGNORECASE if self.modifier == "~*" else 0
        # PCRE's (?<name>...) is (?P<name>...) in Python.
        pattern = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", self.path)
        try:
            return re.compile(pattern, flags)
        except re.error:
            return None

    def label(self) -> str:
        if self.modifier == "@":
            return f"location @{self.path}"
        if self.modifier:
            return f"location {self.modifier} {self.path}"
        return f"location {self.path}"


def locations_in(block: Directive) -> list[Location]:
    """Return the locations directly inside `block`, built once per block."""
    found = block.derived.get("locations")
    if found is None:
        found = block.derived["locations"] = [
            Location.of(child) for child in block.children("location")
        ]
    return found


@dataclass
class Selection:
    """The location nginx picks for a URI, with what it had to guess."""

    location: Location | None
    # Regex locations whose pattern Python could not compile, so the result may
    # be wrong if nginx would have matched one of them.
    unreadable: list[Location]


def select(block: Directive, uri: str) -> Selection:
    """Return the location inside `block` (a server or location) that serves `uri`."""
    unreadable: list[Location] = []
    found = _find(block, uri, unreadable)
    return Selection(found, unreadable)


def _find(block: Directive, uri: str, unreadable: list[Location]) -> Location | None:
    locations = locations_in(block)
    best: Location | None = None
    for location in locations:
        if location.modifier == "=":
            if location.path == uri:
                return location
        elif location.modifier in ("", "^~"):
            if uri.startswith(location.path) and (
                best is None or len(location.path) > len(best.path)
            ):
                best = location

    skip_regex = False
    if best is not None:
        skip_regex = best.modifier == "^~"
        nested = _find(best.directive, uri, unreadable)
        if nested is not None and (nested.is_regex or nested.modifier == "="):
            return nested
        if nested is not None:
            best = nested

    if not skip_regex:
        for location in locations:
            if not location.is_regex:
                continue
            if location.regex is None:
                unreadable.append(location)
                continue
            if location.regex.search(uri):
                nested = _find(location.directive, uri, unreadable)
                return nested or location
    return best


def location_chain(directive: Directive) -> list[Directive]:
    """Return the levels a directive inherits from: itself, then outward to `http`."""
    chain = [directive]
    chain.extend(
        block for block in directive.ancestors() if block.name in ("location", "server", "http")
    )
    return chain
