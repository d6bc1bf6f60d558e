"""Backend selection for a request, from a frontend's ACLs and rules.

Conditions are evaluated with three values. True and False come from what the
request line decides (path, method, the WebSocket upgrade headers). None stands
for what a static check cannot know, such as the Host header, the client
address or TLS state. HAProxy runs `http-request` rules, path
rewrites included, before it evaluates `use_backend` rules in order, and falls
back to `default_backend` (HAProxy configuration manual, "use_backend").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stiglint.haproxy.model import Keyword
from stiglint.haproxy.proxies import Proxy

# http-request actions that end the request without reaching any backend.
_FINAL_ACTIONS = frozenset(
    {"deny", "return", "redirect", "tarpit", "reject", "silent-drop"}
)
_MATCH_SUFFIXES = ("beg", "end", "sub", "dir", "dom", "reg", "len", "str")
_PATH_FETCHES = frozenset(
    {"path", "url", "pathq", "req.path", "capture.req.uri", "url_ip"}
)
_HEADER_FETCH = re.compile(
    r"(?:req\.)?f?hdr(?:_(beg|end|sub|dir|dom|reg|len|str|cnt|val))?\(([^,)]*)[^)]*\)"
)
_CONSTANTS = {"TRUE": True, "always_true": True, "FALSE": False, "always_false": False}


@dataclass
class Request:
    """A request as the rules see it: method, path and the headers that matter."""

    method: str
    path: str
    # Lower-case header names to values; absent headers are known to be absent
    # only for the names in `known_headers`.
    headers: dict[str, str] = field(default_factory=dict)
    known_headers: frozenset[str] = frozenset({"upgrade", "connection"})


@dataclass
class Acl:
    """One `acl` line: HAProxy ORs the lines that share a name."""

    criterion: str
    flags: tuple[str, ...]
    values: tuple[str, ...]
    keyword: Keyword | None


def acls_of(proxy: Proxy) -> dict[str, list[Acl]]:
    table: dict[str, list[Acl]] = {}
    for keyword in proxy.own("acl"):
        if len(keyword.args) < 2:
            continue
        criterion, flags, values = split_acl(keyword.args[1:])
        table.setdefault(keyword.args[0], []).append(
            Acl(criterion, flags, values, keyword)
        )
    return table


def split_acl(words: tuple[str, ...]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Split `criterion [flags] [operator] values` into its parts."""
    criterion = words[0]
    flags: list[str] = []
    index = 1
    while (
        index < len(words)
        and words[index].startswith("-")
        and not _is_number(words[index])
    ):
        flag = words[index]
        index += 1
        if flag == "--":
            break
        flags.append(flag)
        if flag in ("-m", "-f", "-M", "-u") and index < len(words):
            flags.append(words[index])
            index += 1
    return criterion, tuple(flags), tuple(words[index:])


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"-\d+", word))


def split_condition(args: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """Split rule words at `if`/`unless`: return the keyword and condition words."""
    for index, word in enumerate(args):
        if word in ("if", "unless"):
            return word, _normalise(args[index + 1 :])
    return None, ()


def _normalise(words: tuple[str, ...]) -> tuple[str, ...]:
    # `!{ ssl_fc }`, `!name` and `!!name` are written without a space after
    # `!`, and HAProxy 2.6.12 accepts each `!` as one more negation.
    result: list[str] = []
    for word in words:
        name = word.lstrip("!")
        if name and name != word:
            result.extend(["!"] * (len(word) - len(name)))
            result.append(name)
        else:
            result.append(word)
    return tuple(result)


class Evaluator:
    """Evaluates conditions of one proxy against one request."""

    def __init__(self, acls: dict[str, list[Acl]], request: Request) -> None:
        self.acls = acls
        self.request = request

    def rule_applies(self, keyword: Keyword) -> bool | None:
        """Return whether a rule with an optional if/unless condition fires."""
        kind, words = split_condition(keyword.args)
        if kind is None:
            return True
        value = self.condition(words)
        if kind == "unless" and value is not None:
            value = not value
        return value

    def condition(self, words: tuple[str, ...]) -> bool | None:
        terms: list[bool | None] = []
        for group in split_or(words):
            terms.append(self._all(group))
        if True in terms:
            return True
        return None if None in terms else False

    def _all(self, words: list[str]) -> bool | None:
        values: list[bool | None] = []
        index = 0
        while index < len(words):
            negate = False
            while words[index] == "!" and index + 1 < len(words):
                negate = not negate
                index += 1
            word = words[index]
            if word == "{":
                end = _closing_brace(words, index)
                inner = tuple(words[index + 1 : end])
                value = self.anonymous(inner) if inner else None
                index = end + 1
            else:
                value = self.named(word)
                index += 1
            if negate and value is not None:
                value = not value
            values.append(value)
        if False in values:
            return False
        return None if None in values else True

    def named(self, name: str) -> bool | None:
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in (
            "HTTP",
            "HTTP_1.1",
            "HTTP_CONTENT",
            "METH_GET",
            "METH_POST",
            "WAIT_END",
        ):
            return _predefined(name, self.request)
        entries = self.acls.get(name)
        if not entries:
            return None
        values = [
            match(entry.criterion, entry.flags, entry.values, self.request)
            for entry in entries
        ]
        if True in values:
            return True
        return None if None in values else False

    def anonymous(self, words: tuple[str, ...]) -> bool | None:
        criterion, flags, values = split_acl(words)
        return match(criterion, flags, values, self.request)


def split_or(words: tuple[str, ...]) -> list[list[str]]:
    """Split condition words at `||` and `or` outside braces into AND groups."""
    groups: list[list[str]] = [[]]
    depth = 0
    for word in words:
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        if depth == 0 and word in ("||", "or"):
            groups.append([])
            continue
        groups[-1].append(word)
    return [group for group in groups if group]


def _closing_brace(words: list[str], start: int) -> int:
    for index in range(start + 1, len(words)):
        if words[index] == "}":
            return index
    return len(words)


def _predefined(name: str, request: Request) -> bool | None:
    if name == "METH_GET":
        return request.method in ("GET", "HEAD")
    if name == "METH_POST":
        return request.method == "POST"
    if name in ("HTTP", "HTTP_1.1"):
        return True
    return None


def match(
    criterion: str, flags: tuple[str, ...], values: tuple[str, ...], request: Request
) -> bool | None:
    """Evaluate one ACL criterion against the request, or None when unknown."""
    if "-f" in flags or "-M" in flags:
        return None  # patterns come from a file
    fetch, _, converters = criterion.partition(",")
    method = _flag_value(flags, "-m")
    ignore_case = "-i" in flags
    subject: str | None
    base = fetch
    for suffix in _MATCH_SUFFIXES:
        if fetch.endswith("_" + suffix) and fetch[: -len(suffix) - 1] in _PATH_FETCHES:
            base, method = fetch[: -len(suffix) - 1], method or suffix
            break
    header = _HEADER_FETCH.fullmatch(fetch)

    if base in _PATH_FETCHES:
        subject = request.path
    elif base == "method":
        subject, method = request.method, method or "str"
        ignore_case = True
    elif header:
        name = header.group(2).strip().lower()
        if name not in request.known_headers:
            return None
        method = method or header.group(1) or "str"
        subject = request.headers.get(name)
        if method == "cnt":
            return None
    else:
        return None

    for converter in filter(None, converters.split(",")):
        if subject is None:
            break
        if converter == "lower":
            subject = subject.lower()
        elif converter == "upper":
            subject = subject.upper()
        else:
            return None

    method = method or "str"
    if method == "found":
        return subject is not None
    if subject is None:
        return False
    if method in ("int", "ip", "bool", "len", "val"):
        return None
    return any(_match_one(method, subject, value, ignore_case) for value in values)


def _flag_value(flags: tuple[str, ...], name: str) -> str | None:
    if name in flags:
        index = flags.index(name)
        if index + 1 < len(flags):
            return flags[index + 1]
    return None


def _match_one(method: str, subject: str, pattern: str, ignore_case: bool) -> bool:
    if method == "reg":
        try:
            return (
                re.search(pattern, subject, re.IGNORECASE if ignore_case else 0)
                is not None
            )
        except re.error:
            return False
    if ignore_case:
        subject, pattern = subject.lower(), pattern.lower()
    if method == "beg":
        return subject.startswith(pattern)
    if method == "end":
        return subject.endswith(pattern)
    if method == "sub":
        return pattern in subject
    if method == "dir":
        # The pattern must match whole slash-delimited parts of the subject.
        return f"/{pattern.strip('/')}/" in f"/{subject.strip('/')}/"
    if method == "dom":
        return pattern in re.split(r"[/.?]", subject)
    return subject == pattern


@dataclass
class Candidate:
    """A backend the request may reach, with the rule that picks it."""

    backend: str | None
    keyword: Keyword | None
    # False when an earlier rule with an undecidable condition may take the request.
    certain: bool


@dataclass
class Route:
    request: Request
    candidates: list[Candidate]
    # A rule that ends the request before any backend, when it surely fires.
    blocked_by: Keyword | None = None
    # Rewrites whose condition could not be decided.
    uncertain: list[Keyword] = field(default_factory=list)


def route(frontend: Proxy, request: Request) -> Route:
    """Follow a request through a frontend's rewrites and rules to its backends."""
    evaluator = Evaluator(acls_of(frontend), request)
    result = Route(request, [])
    if frontend.mode == "http":
        for keyword in frontend.rules():
            action = keyword.args[0] if keyword.args else ""
            applies = evaluator.rule_applies(keyword)
            # A scheme redirect keeps the path, so the client repeats the request
            # on the https listener.
            redirects_scheme = action == "redirect" and keyword.args[1:2] == ("scheme",)
            if action in _FINAL_ACTIONS and not redirects_scheme:
                if applies is True:
                    result.blocked_by = keyword
                    return result
                continue
            if action in (
                "set-path",
                "replace-path",
                "set-uri",
                "replace-uri",
                "set-pathq",
            ):
                if applies is None:
                    result.uncertain.append(keyword)
                elif applies:
                    rewritten = rewrite_path(keyword, request.path)
                    if rewritten is None:
                        result.uncertain.append(keyword)
                    else:
                        request.path = rewritten
    certain = True
    for keyword in frontend.own("use_backend"):
        if not keyword.args:
            continue
        name = keyword.args[0]
        applies = evaluator.rule_applies(keyword)
        if applies is False:
            continue
        backend = None if "%[" in name else name
        result.candidates.append(
            Candidate(backend, keyword, certain and applies is True)
        )
        if applies is True:
            return result
        certain = False
    default = frontend.last(lambda k: k.name == "default_backend" and bool(k.args))
    if default is not None:
        result.candidates.append(Candidate(default.args[0], default, certain))
    elif frontend.kind == "listen":
        result.candidates.append(Candidate(frontend.name, None, certain))
    return result


def rewrite_path(keyword: Keyword, path: str) -> str | None:
    """Apply a set-path or replace-path style rule; None when the result is unknown."""
    action, args = keyword.args[0], keyword.args[1:]
    if action in ("set-path", "set-uri", "set-pathq"):
        if not args or "%[" in args[0]:
            return None
        return args[0]
    if len(args) < 2 or "%[" in args[1]:
        return None
    try:
        found = re.search(args[0], path)
    except re.error:
        return None
    if found is None:
        return path
    # HAProxy replaces the whole value with the format, where \1..\9 name groups.
    return re.sub(r"\\(\d)", lambda m: found.group(int(m.group(1))) or "", args[1])


def path_prefixes(words: tuple[str, ...], acls: dict[str, list[Acl]]) -> list[str]:
    """Return the path prefixes a condition tests positively, to find mount paths."""
    prefixes: list[str] = []
    negated = False
    index = 0
    while index < len(words):
        word = words[index]
        if word == "!":
            negated = True
            index += 1
            continue
        entries: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        if word == "{":
            end = _closing_brace(list(words), index)
            inner = words[index + 1 : end]
            if inner:
                entries.append(split_acl(inner))
            index = end + 1
        else:
            entries.extend(
                (acl.criterion, acl.flags, acl.values) for acl in acls.get(word, ())
            )
            index += 1
        if not negated:
            for criterion, flags, values in entries:
                method = _flag_value(flags, "-m")
                fetch = criterion.partition(",")[0]
                if fetch in ("path_beg", "url_beg", "path_dir") or (
                    fetch in _PATH_FETCHES and method in ("beg", "dir")
                ):
                    prefixes.extend(value for value in values if value.startswith("/"))
        negated = False
    return prefixes
