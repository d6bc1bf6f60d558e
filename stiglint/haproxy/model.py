"""stiglint's typed model of an HAProxy configuration: sections of keyword lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from stiglint.findings import InputError, Place

# Section keywords HAProxy 2.x and 3.x accept at the start of a line. Any other
# first word belongs to the section above it.
SECTION_KINDS = frozenset(
    {
        "global",
        "defaults",
        "frontend",
        "backend",
        "listen",
        "resolvers",
        "peers",
        "userlist",
        "cache",
        "http-errors",
        "ring",
        "program",
        "mailers",
        "log-forward",
        "fcgi-app",
        "crt-store",
        "traces",
        "acme",
        "namespace_list",
        "dynamic-update",
        "email-alert",
    }
)
PROXY_KINDS = frozenset({"frontend", "backend", "listen"})


@dataclass(frozen=True)
class Keyword:
    """One configuration line: its first word and the words after it."""

    name: str
    args: tuple[str, ...]
    place: Place

    @property
    def line(self) -> int:
        return self.place.line or 0

    def text(self) -> str:
        """Return the line as HAProxy words joined by spaces, for messages."""
        return " ".join((self.name, *self.args))


@dataclass(eq=False)
class Section:
    kind: str
    name: str | None
    # The defaults section named with `from`, if any.
    parent: str | None
    place: Place
    keywords: list[Keyword] = field(default_factory=list)

    @property
    def last_line(self) -> int:
        if self.keywords:
            return self.keywords[-1].line
        return self.place.line or 0

    @property
    def is_proxy(self) -> bool:
        return self.kind in PROXY_KINDS

    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind

    def find(self, name: str) -> list[Keyword]:
        return [keyword for keyword in self.keywords if keyword.name == name]


@dataclass
class Config:
    files: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
