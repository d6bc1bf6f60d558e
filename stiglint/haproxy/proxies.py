"""Effective settings of HAProxy proxies: defaults sections, `from`, `no option`.

A `frontend`, `backend` or `listen` starts from the last `defaults` section
above it, or from the one it names with `from` (HAProxy 2.4 and later). A
`defaults` section starts from nothing unless it names a parent with `from`.
Within a section the last line for a keyword wins, and a proxy's own line wins
over its defaults (HAProxy configuration manual, section 4 "Proxies").
"""

from __future__ import annotations

from collections.abc import Callable

from stiglint.findings import InputError
from stiglint.haproxy.model import Config, Keyword, Section
from stiglint.settings import Version


class Proxy:
    """A proxy section with the defaults sections it inherits from, nearest first."""

    def __init__(
        self, section: Section, defaults: list[Section], version: Version
    ) -> None:
        self.section = section
        self.defaults = defaults
        self.version = version

    @property
    def name(self) -> str:
        return self.section.name or ""

    @property
    def kind(self) -> str:
        return self.section.kind

    def label(self) -> str:
        return self.section.label()

    def chain(self) -> list[Section]:
        return [self.section, *self.defaults]

    def last(self, matches: Callable[[Keyword], bool]) -> Keyword | None:
        """Return the line in force for a keyword: the proxy's own, else inherited."""
        for section in self.chain():
            for keyword in reversed(section.keywords):
                if matches(keyword):
                    return keyword
        return None

    def timeout(self, kind: str) -> Keyword | None:
        return self.last(lambda k: k.name == "timeout" and k.args[:1] == (kind,))

    def option(self, name: str) -> tuple[bool, Keyword | None]:
        """Return whether `option name` is on, and the line that decides it."""
        keyword = self.last(
            lambda k: (
                (k.name == "option" and k.args[:1] == (name,))
                or (k.name == "no" and k.args[:2] == ("option", name))
            )
        )
        if keyword is None:
            return False, None
        return keyword.name == "option", keyword

    @property
    def mode(self) -> str:
        keyword = self.last(lambda k: k.name == "mode" and bool(k.args))
        # HAProxy's default mode is tcp.
        return keyword.args[0].lower() if keyword else "tcp"

    def rules(self, name: str = "http-request") -> list[Keyword]:
        """Return the proxy's rules of one kind, with those of named defaults first.

        HAProxy 2.5 and later run the HTTP rules of a named defaults section
        before the proxy's own; older releases do not accept them there.
        """
        found: list[Keyword] = []
        if self.version.at_least(2, 5):
            for section in reversed(self.defaults):
                if section.name:
                    found.extend(section.find(name))
        found.extend(self.section.find(name))
        return found

    def own(self, name: str) -> list[Keyword]:
        return self.section.find(name)

    def servers(self) -> list[Keyword]:
        return [
            k for k in self.section.keywords if k.name in ("server", "server-template")
        ]


class Proxies:
    """Every proxy of a configuration, resolved against its defaults."""

    def __init__(self, config: Config, version: Version) -> None:
        self.frontends: dict[str, Proxy] = {}
        self.backends: dict[str, Proxy] = {}
        self.all: list[Proxy] = []
        self.errors: list[InputError] = []
        self.global_section: Section | None = None
        named: dict[str, Section] = {}
        current: Section | None = None
        for section in config.sections:
            if section.kind == "global" and self.global_section is None:
                self.global_section = section
            if section.kind == "defaults":
                self._chain(section, named)
                current = section
                if section.name:
                    named[section.name] = section
                continue
            if not section.is_proxy or not section.name:
                continue
            if section.parent:
                parent = named.get(section.parent)
                if parent is None:
                    self._unknown_defaults(section)
                    defaults = []
                else:
                    defaults = self._chain(parent, named, include_self=True)
            else:
                defaults = (
                    self._chain(current, named, include_self=True) if current else []
                )
            self._add(Proxy(section, defaults, version))
        self._check_backend_names()

    def _check_backend_names(self) -> None:
        for frontend in self.frontends.values():
            keywords = frontend.own("use_backend")
            default = frontend.last(
                lambda k: k.name == "default_backend" and bool(k.args)
            )
            if default is not None:
                keywords = [*keywords, default]
            for keyword in keywords:
                name = keyword.args[0] if keyword.args else ""
                if not name or "%[" in name or name in self.backends:
                    continue
                self.errors.append(
                    InputError(
                        keyword.place,
                        f"{keyword.name} names backend {name!r}, which is not defined",
                        "define the backend or correct the name",
                    )
                )

    def _chain(
        self, section: Section, named: dict[str, Section], include_self: bool = False
    ) -> list[Section]:
        chain = [section] if include_self else []
        seen = {id(section)}
        node = section
        while node.parent:
            parent = named.get(node.parent)
            if parent is None:
                if not include_self:
                    self._unknown_defaults(node)
                break
            if id(parent) in seen:
                break
            seen.add(id(parent))
            chain.append(parent)
            node = parent
        return chain

    def _unknown_defaults(self, section: Section) -> None:
        self.errors.append(
            InputError(
                section.place,
                f"{section.label()} inherits from defaults section {section.parent!r}, "
                "which is not defined above it",
                "define 'defaults " + (section.parent or "") + "' before this section",
            )
        )

    def _add(self, proxy: Proxy) -> None:
        self.all.append(proxy)
        tables = []
        if proxy.kind in ("frontend", "listen"):
            tables.append(self.frontends)
        if proxy.kind in ("backend", "listen"):
            tables.append(self.backends)
        for table in tables:
            other = table.get(proxy.name)
            if other is not None:
                self.errors.append(
                    InputError(
                        proxy.section.place,
                        f"{proxy.label()} has the same name as {other.label()} at "
                        f"{other.section.place}",
                        "give each frontend and each backend a unique name",
                    )
                )
                continue
            table[proxy.name] = proxy

    def global_value(self, name: str) -> Keyword | None:
        if self.global_section is None:
            return None
        found = self.global_section.find(name)
        return found[-1] if found else None
