"""Effective directive values for one request, with httpd's merge order.

Server-level directives (`Timeout`, `ProxyTimeout`, the mod_ssl settings at
host level) come from the virtual host, else from the main server. Directives
allowed in sections (`ProxyPreserveHost`, `ProxyAddHeaders`, `LimitRequestBody`)
merge from the main server, through the virtual host and the matching `<Proxy>`
sections, to the matching `<Location>` sections, and the last one set wins.
`RequestHeader` lines do not replace each other: mod_headers appends the inner
list to the outer one and applies every line in that order (mod_headers.c,
merge_headers_config, httpd 2.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stiglint.apache.model import Directive
from stiglint.apache.routing import Route, Server, alias_matches
from stiglint.settings import Version

# httpd's built-in `Timeout` (core documentation, Apache httpd 2.4).
DEFAULT_TIMEOUT_SECONDS = 60
# `upgrade=websocket` on ProxyPass exists since this release (mod_proxy docs).
UPGRADE_KEY_SINCE = (2, 4, 47)

_LEADING_NUMBER = re.compile(r"\s*(\d+)")


@dataclass
class Timeout:
    seconds: int
    # The directive that sets it; None for httpd's built-in default.
    directive: Directive | None
    # The setting as a message names it, such as "ProxyTimeout 30".
    description: str
    # The directive or parameter a fix raises: "Timeout", "ProxyTimeout" or "timeout=".
    name: str


@dataclass
class WorkerParameter:
    """One parameter of the mod_proxy worker a request uses, such as `timeout=10`."""

    value: str
    # The ProxyPass or ProxySet line that sets it.
    directive: Directive


@dataclass
class HeaderRule:
    """One `RequestHeader` line, split into its parts."""

    directive: Directive
    action: str
    # The header name in lower case.
    header: str
    value: str
    # True when an `env=` or `expr=` condition limits the line.
    conditional: bool
    early: bool

    @classmethod
    def parse(cls, directive: Directive) -> HeaderRule | None:
        args = directive.args
        if len(args) < 2:
            return None
        action = args[0].lower()
        rest = args[2:]
        conditional = any(arg.startswith(("env=", "expr=")) for arg in rest)
        early = any(arg.lower() == "early" for arg in rest)
        values = [arg for arg in rest if not arg.startswith(("env=", "expr=")) and arg.lower() != "early"]
        return cls(directive, action, args[1].lower(), values[0] if values else "", conditional, early)


def parse_seconds(text: str) -> int | None:
    """Read an httpd timeout value as seconds.

    NOTE: httpd 2.4.71 (Debian 12, lab) read "2ms" in `timeout=` as 2 seconds, so
    only the leading digits count, whatever suffix follows.
    """
    match = _LEADING_NUMBER.match(text)
    return int(match.group(1)) if match else None


def describe_seconds(setting: str, text: str) -> str:
    """Describe a timeout setting for a message, saying how httpd reads a unit after the number.

    `setting` is the text before the value, such as "ProxyTimeout " or "timeout=".
    """
    match = _LEADING_NUMBER.match(text)
    unit = text[match.end():].strip() if match else ""
    # A bare number, or one followed by "s", means what httpd reads.
    if match is None or unit.lower() in ("", "s"):
        return f"{setting}{text}"
    seconds = int(match.group(1))
    return (
        f"{setting}{text}, read as {seconds} s because httpd reads only the leading "
        "number and ignores the unit"
    )


class Scope:
    """The settings in force for one request that a rule proxies."""

    def __init__(self, server: Server, route: Route, version: Version) -> None:
        self.server = server
        self.route = route
        self.version = version
        self.levels = [*server.levels, *self._proxy_sections(), *route.locations]

    def _proxy_sections(self) -> list[Directive]:
        url = self.route.backend_url() or ""
        found = []
        for section in self.server.proxy_sections():
            pattern = section.args[-1] if section.args else ""
            if section.key == "proxymatch" or section.args[:1] == ["~"]:
                try:
                    if re.search(pattern, url):
                        found.append(section)
                except re.error:
                    continue
            elif pattern == "*" or alias_matches(pattern.rstrip("/"), url.rstrip("/")) or url.startswith(pattern):
                found.append(section)
        return found

    def worker_parameters(self) -> dict[str, WorkerParameter]:
        """Return the parameters of the mod_proxy worker that proxies this request, by key."""
        url = self.route.backend_url()
        rule = self.route.rule
        if rule is None or url is None:
            return {}
        worker = _find_worker(_define_workers(self.server.levels), _worker_name(url))
        if worker is not None:
            return dict(worker.parameters)
        # A balancer:// URL is not a worker: its ProxyPass parameters stay as written.
        return {key: WorkerParameter(value, rule.directive) for key, value in rule.keys.items()}

    def ignored_rule_parameters(self) -> Directive | None:
        """Return the earlier line whose worker made httpd ignore the rule's key=value words.

        That line is a ProxySet, or another ProxyPass to a URL that covers this
        one. None when the rule's own parameters are in force or it has none.
        """
        rule = self.route.rule
        url = self.route.backend_url()
        if rule is None or url is None or not rule.keys or rule.kind == "rewrite":
            return None
        worker = _find_worker(_define_workers(self.server.levels), _worker_name(url))
        if worker is None or worker.defined_by is rule.directive:
            return None
        return worker.defined_by

    def get(self, name: str) -> Directive | None:
        """Return the last directive named `name` across the merged sections."""
        found = None
        for level in self.levels:
            directive = level.child(name)
            if directive is not None:
                found = directive
        return found

    def flag(self, name: str, default: bool) -> tuple[bool, Directive | None]:
        directive = self.get(name)
        if directive is None or not directive.args:
            return default, directive
        return directive.args[0].lower() == "on", directive

    def request_headers(self) -> list[HeaderRule]:
        rules = []
        for level in self.levels:
            for directive in level.children("requestheader"):
                rule = HeaderRule.parse(directive)
                if rule is not None:
                    rules.append(rule)
        return rules

    def sent_headers(self) -> dict[str, HeaderRule]:
        """Return the headers the RequestHeader lines leave set, by lower-case name."""
        present: dict[str, HeaderRule] = {}
        for rule in sorted(self.request_headers(), key=lambda rule: not rule.early):
            if rule.action == "unset":
                if not rule.conditional:
                    present.pop(rule.header, None)
            elif rule.action in ("set", "add", "append", "merge", "setifempty"):
                present[rule.header] = rule
        return present

    def client_timeout(self) -> Timeout:
        directive = self.server.get("timeout")
        seconds = parse_seconds(directive.args[0]) if directive and directive.args else None
        if directive is None or seconds is None:
            return Timeout(DEFAULT_TIMEOUT_SECONDS, None, "the default Timeout of 60", "Timeout")
        return Timeout(seconds, directive, describe_seconds("Timeout ", directive.args[0]), "Timeout")

    def backend_timeout(self) -> Timeout:
        """Return the idle limit on the backend connection: timeout=, else ProxyTimeout, else Timeout."""
        parameter = self.worker_parameters().get("timeout")
        if parameter is not None:
            seconds = parse_seconds(parameter.value)
            if seconds is not None:
                setting = "ProxySet timeout=" if parameter.directive.key == "proxyset" else "timeout="
                described = describe_seconds(setting, parameter.value)
                return Timeout(seconds, parameter.directive, described, "timeout=")
        directive = self.server.get("proxytimeout")
        seconds = parse_seconds(directive.args[0]) if directive and directive.args else None
        if directive is not None and seconds is not None:
            return Timeout(seconds, directive, describe_seconds("ProxyTimeout ", directive.args[0]),
                           "ProxyTimeout")
        client = self.client_timeout()
        inherited = client.description if client.directive else "the default Timeout of 60"
        return Timeout(client.seconds, client.directive,
                       f"{inherited}, which ProxyTimeout defaults to", "ProxyTimeout")

    def upgrade_key_supported(self) -> bool:
        return self.version.at_least(*UPGRADE_KEY_SINCE)


@dataclass
class _Worker:
    name: str
    parameters: dict[str, WorkerParameter]
    # The ProxyPass or ProxySet line that defined it.
    defined_by: Directive


def _worker_name(url: str) -> str:
    """Return a backend URL as mod_proxy names workers: scheme and host in lower case.

    NOTE: a ProxyPassMatch URL is taken to name its worker up to the first `$`
    reference; that case was not checked against httpd.
    """
    url = url.split("$", 1)[0]
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{authority.lower()}{slash}{path}"


def _find_worker(workers: list[_Worker], name: str) -> _Worker | None:
    """Return the worker whose name is the longest prefix of `name`, as mod_proxy looks it up.

    The prefix must cover the whole scheme, host and port: a lab run on httpd
    2.4.71 showed that <Proxy http://app> does not apply to http://app:54000/.
    """
    scheme_end = name.find("://")
    path_start = name.find("/", scheme_end + 3) if scheme_end >= 0 else -1
    authority_end = len(name) if path_start < 0 else path_start
    found = None
    for worker in workers:
        if len(worker.name) < authority_end or not name.startswith(worker.name):
            continue
        if found is None or len(worker.name) > len(found.name):
            found = worker
    return found


def _define_workers(levels: list[Directive]) -> list[_Worker]:
    """Define the workers of the server levels in configuration order, as httpd does.

    A `ProxyPass` URL or a `ProxySet` inside `<Proxy URL>` first looks for an
    existing worker whose name is a prefix of the URL and shares it. A ProxyPass
    that shares one has its key=value parameters ignored, and a ProxySet sets its
    parameters on the shared worker. Only a URL that no worker covers defines a new
    one. A `<Proxy URL>` without ProxySet defines none. A lab run on Apache httpd
    2.4.71 confirmed each of these with a backend that logged the Upgrade header
    and replied after 6 s.
    """
    # The main server's workers come first, and a host's ProxyPass shares one of
    # them too: in the lab, a host's `upgrade=websocket timeout=2` was ignored
    # after a main-server ProxyPass to the same URL.
    workers: list[_Worker] = []

    def define(url: str, directive: Directive, words: list[str], setting: bool) -> None:
        name = _worker_name(url)
        if name.startswith("balancer://"):
            return
        worker = _find_worker(workers, name)
        if worker is None:
            worker = _Worker(name, {}, directive)
            workers.append(worker)
        elif not setting:
            return
        for word in words:
            key, sep, value = word.partition("=")
            if sep:
                worker.parameters[key.lower()] = WorkerParameter(value, directive)

    for level in levels:
        for child in level.block or ():
            if child.key in ("proxypass", "proxypassmatch") and len(child.args) >= 2:
                if child.args[1] != "!":
                    define(child.args[1], child, child.args[2:], setting=False)
            elif child.key in ("location", "locationmatch") and child.is_section:
                for inner in child.children_in("proxypass", "proxypassmatch"):
                    if inner.args and inner.args[0] != "!":
                        define(inner.args[0], inner, inner.args[1:], setting=False)
            elif child.key == "proxy" and child.is_section and child.args:
                if child.args[0] != "~" and "://" in child.args[0]:
                    for line in child.children("proxyset"):
                        define(child.args[0], line, line.args, setting=True)
            elif child.key == "proxyset" and child.args and "://" in child.args[0]:
                define(child.args[0], child, child.args[1:], setting=True)
    return workers
