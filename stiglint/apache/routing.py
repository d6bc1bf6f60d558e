"""Which rule proxies a request path, resolved the way httpd 2.4 does it.

For one request, httpd decides in this order (mod_rewrite, mod_proxy and the
"How the sections are merged" page of the Apache httpd 2.4 documentation):

1. `RewriteRule`s of the virtual host, in order, when `RewriteEngine On`: a
   matching rule with the `[P]` flag proxies the request, and one that redirects,
   forbids or rewrites to a local path keeps it from being proxied.
2. The `ProxyPass` of the last `<Location>` (or `<LocationMatch>`) that matches
   the path and has one, because Location sections merge in configuration order.
3. The server's `ProxyPass` and `ProxyPassMatch` rules in configuration order,
   the main server's first (`ProxyPassInherit On`, the default): the first match
   wins, so a shorter path written earlier hides a longer one written later.

`<Location>` sections outside virtual hosts apply before those inside. A lab
run on Apache httpd 2.4.71 confirmed each step. A `[P]` rewrite took a path
before a `ProxyPass`, and a `<Location>` ProxyPass beat a server-level one. The
later of two matching Locations won. A main-server `ProxyPass /m` took `/m/sub`
before the host's own `ProxyPass /m/sub`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from stiglint.apache.model import Config, Directive

_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)", re.IGNORECASE)
_REFERENCE = re.compile(r"%\{[^}]*\}|\$\d")
_REWRITE_VARIABLE = re.compile(r"%\{([^}]+)\}")
_LOCATION_SECTIONS = ("location", "locationmatch")


@dataclass(frozen=True)
class Backend:
    scheme: str
    host: str
    port: int | None
    # The path part of the URL, "" when there is none.
    path: str

    @classmethod
    def parse(cls, url: str) -> Backend | None:
        # A RewriteRule target may carry references such as %{REQUEST_URI} or $1
        # right after the authority; they are not part of the host or port.
        url = _REFERENCE.sub("", url.strip())
        match = _URL.fullmatch(url)
        if not match:
            return None
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return None
        host = parts.hostname or ""
        return cls(match.group("scheme").lower(), host, port, parts.path)


@dataclass(eq=False)
class ProxyRule:
    """One way a request can be proxied: a ProxyPass, ProxyPassMatch or RewriteRule [P]."""

    directive: Directive
    # "prefix" (ProxyPass), "regex" (ProxyPassMatch) or "rewrite" (RewriteRule).
    kind: str
    # The public path for a prefix rule, the pattern for the others.
    path: str
    # The backend URL; None for `ProxyPass /path !`, which excludes the path.
    url: str | None
    # The ProxyPass parameters (key=value), with lower-case keys.
    keys: dict[str, str] = field(default_factory=dict)
    # The <Location> section the rule sits in, if any.
    location: Directive | None = None
    # For a RewriteRule: its RewriteCond lines and flags.
    conditions: list[Directive] = field(default_factory=list)
    flags: frozenset[str] = frozenset()
    negated: bool = False

    @property
    def proxies(self) -> bool:
        if self.kind == "rewrite":
            return "p" in self.flags or "proxy" in self.flags
        return self.url is not None

    @property
    def place_directive(self) -> Directive:
        return self.directive

    def backend(self) -> Backend | None:
        if self.url is None:
            return None
        return Backend.parse(self.url)

    def regex(self) -> re.Pattern | None:
        if self.kind == "prefix":
            return None
        try:
            return re.compile(self.path, re.IGNORECASE if "nc" in self.flags else 0)
        except re.error:
            return None

    def matches(self, path: str) -> bool | None:
        """Return whether the rule's path matches; None when its pattern is unreadable."""
        if self.kind == "prefix":
            return alias_matches(self.path, path)
        pattern = self.regex()
        if pattern is None:
            return None
        return (pattern.search(path) is not None) != self.negated

    def target_for(self, path: str) -> str | None:
        """Return the backend URL a request for `path` goes to; None for an exclusion.

        A ProxyPass maps the rest of the path after its own path onto its URL. A
        ProxyPassMatch or RewriteRule fills in `$N` from the pattern's groups, and
        a ProxyPassMatch URL without any `$N` gets the whole path appended
        (mod_proxy documentation, ProxyPassMatch).
        """
        if self.url is None:
            return None
        if self.kind == "prefix":
            rest = path[len(self.path):] if path.startswith(self.path) else ""
            if self.url.endswith("/") and rest.startswith("/"):
                rest = rest[1:]
            return self.url + rest
        pattern = self.regex()
        match = pattern.search(path) if pattern is not None else None
        url = self.url
        if self.kind == "regex" and not re.search(r"\$\d", url):
            return url + path
        if match is not None:
            groups = match.groups()
            url = re.sub(
                r"\$(\d)",
                lambda ref: (groups[int(ref.group(1)) - 1] or "")
                if 0 < int(ref.group(1)) <= len(groups) else (match.group(0) if ref.group(1) == "0" else ""),
                url,
            )
        return _REWRITE_VARIABLE.sub(
            lambda ref: path if ref.group(1).upper() in ("REQUEST_URI", "REQUEST_FILENAME") else "",
            url,
        )

    def label(self) -> str:
        if self.location is not None and self.kind != "rewrite":
            return f"{self.location.label()} {self.directive.name} (line {self.directive.line})"
        return f"{self.directive.name} at line {self.directive.line}"


def alias_matches(prefix: str, path: str) -> bool:
    """Match a ProxyPass path the way mod_proxy does: a prefix ending at a segment boundary."""
    if not path.startswith(prefix):
        return False
    if prefix.endswith("/") or len(path) == len(prefix):
        return True
    return path[len(prefix)] == "/"


@dataclass(eq=False)
class Server:
    """The main server or one virtual host, with what it inherits from the main server."""

    config: Config
    # The <VirtualHost> section; None for the main server.
    section: Directive | None
    # Rules and sections computed once per server, by method name.
    _cache: dict[str, list] = field(default_factory=dict, repr=False)

    def _cached(self, name: str, build) -> list:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    @property
    def levels(self) -> list[Directive]:
        """The server-level scopes, outermost first: the main server, then the host."""
        if self.section is None:
            return [self.config.root]
        return [self.config.root, self.section]

    @property
    def directive(self) -> Directive:
        return self.section or self.config.root

    def label(self) -> str:
        if self.section is None:
            return "the main server"
        return f"{self.section.label()} (line {self.section.line})"

    def get(self, name: str) -> Directive | None:
        """Return the directive in force at server level: the host's, else the main server's."""
        for level in reversed(self.levels):
            found = level.child(name)
            if found is not None:
                return found
        return None

    def server_rules(self) -> list[ProxyRule]:
        return self._cached("server_rules", self._build_server_rules)

    def _build_server_rules(self) -> list[ProxyRule]:
        rules: list[ProxyRule] = []
        own = self.levels[-1]
        levels = self.levels
        inherit = own.child("proxypassinherit") if self.section is not None else None
        if inherit is not None and inherit.args[:1] and inherit.args[0].lower() == "off":
            levels = [own]
        for level in levels:
            for directive in level.children_in("proxypass", "proxypassmatch"):
                rule = _server_rule(directive)
                if rule is not None:
                    rules.append(rule)
        return rules

    def rewrite_rules(self) -> list[ProxyRule]:
        return self._cached("rewrite_rules", self._build_rewrite_rules)

    def _build_rewrite_rules(self) -> list[ProxyRule]:
        """Return the host's RewriteRules, or [] when its rewrite engine is off.

        A virtual host runs the main server's rules only with `RewriteOptions
        Inherit` (after its own) or `InheritBefore` (before them), as mod_rewrite
        documents.
        """
        own = self.levels[-1]
        engine = own.child("rewriteengine")
        if engine is None or engine.args[:1] == [] or engine.args[0].lower() != "on":
            return []
        rules = _rewrite_rules_of(own)
        if self.section is None:
            return rules
        options = {arg.lower() for d in own.children("rewriteoptions") for arg in d.args}
        if "inheritbefore" in options:
            return _rewrite_rules_of(self.config.root) + rules
        if "inherit" in options:
            return rules + _rewrite_rules_of(self.config.root)
        return rules

    def location_sections(self) -> list[Directive]:
        return self._cached("location_sections", self._build_location_sections)

    def _build_location_sections(self) -> list[Directive]:
        """Return the Location sections that apply here, in the order httpd merges them."""
        found = []
        for level in self.levels:
            found.extend(d for d in level.children_in(*_LOCATION_SECTIONS) if d.is_section)
        return found

    def proxy_sections(self) -> list[Directive]:
        return self._cached("proxy_sections", self._build_proxy_sections)

    def _build_proxy_sections(self) -> list[Directive]:
        found = []
        for level in self.levels:
            found.extend(d for d in level.children_in("proxy", "proxymatch") if d.is_section)
        return found

    def location_rules(self) -> list[ProxyRule]:
        return self._cached("location_rules", self._build_location_rules)

    def _build_location_rules(self) -> list[ProxyRule]:
        rules = []
        for section in self.location_sections():
            for directive in section.block or ():
                rule = _location_rule(section, directive)
                if rule is not None:
                    rules.append(rule)
        return rules


def servers_of(config: Config) -> list[Server]:
    """Return the main server and every virtual host."""
    return [Server(config, None), *(Server(config, host) for host in config.virtual_hosts())]


def _rewrite_rules_of(level: Directive) -> list[ProxyRule]:
    rules = []
    conditions: list[Directive] = []
    for directive in level.children_in("rewritecond", "rewriterule"):
        if directive.key == "rewritecond":
            conditions.append(directive)
            continue
        rule = _rewrite_rule(directive, conditions)
        conditions = []
        if rule is not None:
            rules.append(rule)
    return rules


def _split_keys(words: list[str]) -> dict[str, str]:
    keys = {}
    for word in words:
        name, sep, value = word.partition("=")
        if sep:
            keys[name.lower()] = value
    return keys


def _server_rule(directive: Directive) -> ProxyRule | None:
    if directive.key not in ("proxypass", "proxypassmatch") or len(directive.args) < 2:
        return None
    path, target, *rest = directive.args
    url = None if target == "!" else target
    kind = "prefix" if directive.key == "proxypass" else "regex"
    return ProxyRule(directive, kind, path, url, _split_keys(rest))


def _location_rule(section: Directive, directive: Directive) -> ProxyRule | None:
    if directive.key not in ("proxypass", "proxypassmatch") or not directive.args:
        return None
    target, *rest = directive.args
    url = None if target == "!" else target
    is_regex = section.key == "locationmatch" or section.args[:1] == ["~"]
    path = section.args[-1] if section.args else "/"
    kind = "regex" if is_regex else "prefix"
    return ProxyRule(directive, kind, path, url, _split_keys(rest), location=section)


def _rewrite_rule(directive: Directive, conditions: list[Directive]) -> ProxyRule | None:
    if len(directive.args) < 2:
        return None
    pattern, target = directive.args[0], directive.args[1]
    flags = _flags(directive.args[2] if len(directive.args) > 2 else "")
    negated = pattern.startswith("!")
    url = None if target == "-" else target
    return ProxyRule(
        directive, "rewrite", pattern.lstrip("!") if negated else pattern, url,
        conditions=list(conditions), flags=flags, negated=negated,
    )


def _flags(text: str) -> frozenset[str]:
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return frozenset()
    return frozenset(flag.strip().lower().split("=")[0] for flag in text[1:-1].split(","))


def location_matches(section: Directive, path: str) -> bool | None:
    """Return whether a <Location> section applies to `path`; None when unreadable."""
    args = section.args
    if not args:
        return False
    if section.key == "locationmatch" or (args[0] == "~" and len(args) > 1):
        try:
            return re.search(args[-1], path) is not None
        except re.error:
            return None
    prefix = args[0]
    if any(char in prefix for char in "*?["):
        return re.fullmatch(_fnmatch_pattern(prefix), path) is not None
    return alias_matches(prefix, path)


def _fnmatch_pattern(pattern: str) -> str:
    """Translate an fnmatch pattern whose wildcards stop at '/' (APR_FNM_PATHNAME)."""
    out = []
    for char in pattern:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char in "[]":
            out.append(char)
        else:
            out.append(re.escape(char))
    return "".join(out)


@dataclass
class Route:
    """The outcome of routing one request path in one server."""

    path: str
    # The rule that takes the request; None when no rule matches it.
    rule: ProxyRule | None
    # The Location sections that apply to the path, in merge order.
    locations: list[Directive]
    # Rules whose patterns could not be evaluated, so the result may differ.
    unreadable: list[ProxyRule] = field(default_factory=list)
    # The RewriteRule that keeps the request local, when one does.
    local_rewrite: ProxyRule | None = None

    @property
    def proxied(self) -> bool:
        return self.rule is not None and self.rule.proxies and self.local_rewrite is None

    def backend_url(self) -> str | None:
        """Return the URL this request is sent to, with rewrite references filled in."""
        if not self.proxied or self.rule is None:
            return None
        return self.rule.target_for(self.path)


def _condition_holds(condition: Directive, path: str, websocket: bool) -> bool:
    """Evaluate a RewriteCond for a request; conditions on unknown data are taken as true."""
    if len(condition.args) < 2:
        return True
    test, pattern = condition.args[0], condition.args[1]
    flags = _flags(condition.args[2] if len(condition.args) > 2 else "")
    variables = {
        "HTTP:UPGRADE": "websocket" if websocket else "",
        "HTTP:CONNECTION": "Upgrade" if websocket else "keep-alive",
        "REQUEST_URI": path,
    }
    known = _REWRITE_VARIABLE.fullmatch(test)
    if known is None or known.group(1).upper() not in variables:
        return True
    value = variables[known.group(1).upper()]
    negate = pattern.startswith("!")
    pattern = pattern.lstrip("!")
    if pattern.startswith(("-", "<", ">", "=")):
        return True
    try:
        found = re.search(pattern, value, re.IGNORECASE if "nc" in flags or "nocase" in flags else 0)
    except re.error:
        return True
    return (found is not None) != negate


def _conditions_hold(rule: ProxyRule, path: str, websocket: bool) -> bool:
    result = True
    pending_or = False
    for condition in rule.conditions:
        flags = _flags(condition.args[2] if len(condition.args) > 2 else "")
        holds = _condition_holds(condition, path, websocket)
        result = (result or holds) if pending_or else (result and holds)
        pending_or = "or" in flags or "ornext" in flags
    return result


def resolve(server: Server, path: str, websocket: bool = False) -> Route:
    """Return the rule that handles a request for `path` in `server`."""
    locations = []
    unreadable: list[ProxyRule] = []
    for section in server.location_sections():
        if location_matches(section, path):
            locations.append(section)

    for rule in server.rewrite_rules():
        matched = rule.matches(path)
        if matched is None:
            unreadable.append(rule)
            continue
        if not matched or not _conditions_hold(rule, path, websocket):
            continue
        if rule.proxies:
            return Route(path, rule, locations, unreadable)
        if rule.url is None:
            continue  # a "-" substitution changes nothing
        if rule.flags & {"r", "redirect", "f", "forbidden", "g", "gone"} or not (
            rule.flags & {"pt", "passthrough"}
        ):
            return Route(path, rule, locations, unreadable, local_rewrite=rule)

    location_rule = None
    for rule in server.location_rules():
        if rule.location in locations:
            location_rule = rule
    if location_rule is not None:
        return Route(path, location_rule, locations, unreadable)

    for rule in server.server_rules():
        matched = rule.matches(path)
        if matched is None:
            unreadable.append(rule)
            continue
        if matched:
            return Route(path, rule, locations, unreadable)
    return Route(path, None, locations, unreadable)
