"""Lines that make `haproxy -c` fail: bad values, misspelled keywords, unknown ACLs.

Each problem becomes an InputError worded as HAProxy 2.6.12 words its alert,
with the fix. Keyword typos are judged by `keywords.close_match`, so an unknown
word that resembles no listed keyword is accepted.
"""

from __future__ import annotations

import re

from stiglint.findings import InputError
from stiglint.haproxy.keywords import OPTIONS, PROXY_KEYWORDS, TIMEOUTS, close_match
from stiglint.haproxy.model import Config, Keyword, Section
from stiglint.haproxy.routing import split_condition
from stiglint.haproxy.values import MAX_TIME_MS, time_error, time_trailer

# ACLs HAProxy predefines. HAProxy 2.6.12 accepts each of them except HTTP_3.0,
# which is kept for newer releases.
PREDEFINED_ACLS = frozenset(
    {
        "FALSE",
        "HTTP",
        "HTTP_1.0",
        "HTTP_1.1",
        "HTTP_2.0",
        "HTTP_3.0",
        "HTTP_CONTENT",
        "HTTP_URL_ABS",
        "HTTP_URL_SLASH",
        "HTTP_URL_STAR",
        "LOCALHOST",
        "METH_CONNECT",
        "METH_DELETE",
        "METH_GET",
        "METH_HEAD",
        "METH_OPTIONS",
        "METH_POST",
        "METH_PUT",
        "METH_TRACE",
        "RDP_COOKIE",
        "REQ_CONTENT",
        "TRUE",
        "WAIT_END",
    }
)
# Keywords whose lines may end with an `if` or `unless` condition.
_CONDITIONAL_KEYWORDS = frozenset(
    {
        "block",
        "force-persist",
        "http-after-response",
        "http-request",
        "http-response",
        "ignore-persist",
        "monitor",
        "redirect",
        "stick",
        "stick-match",
        "stick-on",
        "stick-store-request",
        "stick-store-response",
        "tcp-request",
        "tcp-response",
        "use-fcgi-app",
        "use-server",
        "use_backend",
    }
)
# Sample fetches whose ACL values are integers, as `req.body_size gt 10485760`.
_INTEGER_FETCHES = frozenset(
    {
        "req.body_size",
        "req.body_len",
        "req.hdr_val",
        "hdr_val",
        "req.fhdr_val",
    }
)
_INTEGER_OPERATORS = frozenset({"eq", "ge", "gt", "le", "lt"})
# HAProxy's integer patterns: a number, a dotted pair, or a range "low:high".
_INTEGER_PATTERN = re.compile(r"\d+(\.\d+)?|\d*:\d*")
# Global tunables HAProxy 2.6 reads with atol(): only the leading digits count.
_BYTE_COUNTS = ("tune.bufsize", "tune.maxrewrite")


def validate(config: Config) -> list[InputError]:
    """Return the input errors of every section of `config`."""
    errors: list[InputError] = []
    for section in config.sections:
        if section.kind == "global":
            errors.extend(_check_global(section))
        elif section.kind == "defaults" or section.is_proxy:
            errors.extend(_check_proxy_section(section, config))
    return errors


def _check_global(section: Section) -> list[InputError]:
    errors = []
    for keyword in section.keywords:
        if keyword.name not in _BYTE_COUNTS or not keyword.args:
            continue
        value = keyword.args[0]
        if value.isdigit() or _from_environment(value):
            continue
        leading = re.match(r"\d*", value).group(0)
        if not leading:
            message = f"{keyword.name!r} expects a positive integer argument"
        else:
            message = (
                f"{keyword.name} {value} is read as {leading} bytes: HAProxy 2.6 takes "
                "only the leading digits of this value (a size suffix is not "
                "supported here, and HAProxy 2.6.12 was observed to crash at startup "
                "with tune.bufsize 16k)"
            )
        errors.append(
            InputError(
                keyword.place,
                message,
                f"write the size in bytes, such as '{keyword.name} 16384'",
            )
        )
    return errors


def _check_proxy_section(section: Section, config: Config) -> list[InputError]:
    errors = []
    defined_acls: set[str] = set()
    for keyword in section.keywords:
        errors.extend(_check_keyword(section, keyword))
        if keyword.name in _CONDITIONAL_KEYWORDS:
            errors.extend(_check_condition(section, keyword, defined_acls))
        if keyword.name == "acl" and keyword.args:
            defined_acls.add(keyword.args[0])
            errors.extend(_check_integer_values(keyword, keyword.args[1:]))
        trailer = _timeout_trailer(keyword)
        if trailer:
            config.notes.append(
                f"{keyword.place}: HAProxy 2.6 reads {keyword.text()!r} without the "
                f"trailing {trailer!r} and warns that later releases will reject it. "
                "Write one number with one unit"
            )
    return errors


def _check_keyword(section: Section, keyword: Keyword) -> list[InputError]:
    name = keyword.name
    suggestion = close_match(name, PROXY_KEYWORDS)
    if suggestion is not None:
        return [
            _error(
                keyword,
                f"unknown keyword {name!r} in {section.kind!r} section; "
                f"did you mean {suggestion!r}?",
                f"replace {name!r} with {suggestion!r}",
            )
        ]
    args = keyword.args
    if name == "no" and args[:1] == ("option",):
        name, args = "option", args[1:]
    if name == "option" and args:
        suggestion = close_match(args[0], OPTIONS)
        if suggestion is not None:
            return [
                _error(
                    keyword,
                    f"unknown option {args[0]!r}; did you mean {suggestion!r}?",
                    f"replace {args[0]!r} with {suggestion!r}",
                )
            ]
    if name == "timeout":
        return _check_timeout(keyword)
    return []


def _check_timeout(keyword: Keyword) -> list[InputError]:
    if not keyword.args:
        return [_error(keyword, "'timeout' needs a kind and a value")]
    kind = keyword.args[0]
    suggestion = close_match(kind, TIMEOUTS)
    if suggestion is not None:
        return [
            _error(
                keyword,
                f"unknown timeout {kind!r}; did you mean 'timeout {suggestion}'?",
                f"replace {kind!r} with {suggestion!r}",
            )
        ]
    value = keyword.args[1] if len(keyword.args) > 1 else ""
    if _from_environment(value):
        return []
    problem = time_error(value)
    if problem is None:
        return []
    return [
        _error(
            keyword,
            f"{problem} in 'timeout {kind}' (value {value!r})",
            "write a whole number with one unit: us, ms, s, m, h or d, such as "
            f"'timeout {kind} {_suggest_time(value)}'",
        )
    ]


def _suggest_time(value: str) -> str:
    """Return a valid spelling of `value`: whole seconds, or 3600s when unclear."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([a-zA-Z]+)", value)
    if match is None or match.group(2).lower() not in _SECONDS_PER_UNIT:
        return "3600s"
    seconds = float(match.group(1)) * _SECONDS_PER_UNIT[match.group(2).lower()]
    if seconds * 1000 > MAX_TIME_MS:
        # The largest whole number of days HAProxy accepts.
        return "24d"
    if seconds < 1 or seconds != int(seconds):
        return "3600s"
    return f"{int(seconds)}s"


_SECONDS_PER_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _from_environment(value: str) -> bool:
    """Return whether a value refers to an environment variable HAProxy expands."""
    return "$" in value


def _timeout_trailer(keyword: Keyword) -> str:
    if keyword.name != "timeout" or len(keyword.args) < 2:
        return ""
    if time_error(keyword.args[1]) is not None:
        return ""
    return time_trailer(keyword.args[1])


def _check_condition(
    section: Section, keyword: Keyword, defined: set[str]
) -> list[InputError]:
    words = list(split_condition(keyword.args)[1])
    errors = []
    depth = 0
    for word in words:
        if word == "{":
            depth += 1
            continue
        if word == "}":
            depth -= 1
            continue
        if depth > 0 or word in ("||", "or", "!"):
            continue
        name = word
        if name in defined or name in PREDEFINED_ACLS:
            continue
        errors.append(
            _error(
                keyword,
                f"no such ACL {name!r}: no 'acl {name} ...' line above this "
                f"{keyword.name} rule in {section.label()} defines it",
                f"add 'acl {name} <criterion>' above this line, or correct the name",
            )
        )
    for start, end in _anonymous_blocks(words):
        errors.extend(_check_integer_values(keyword, tuple(words[start + 1 : end])))
    return errors


def _anonymous_blocks(words: list[str]) -> list[tuple[int, int]]:
    blocks = []
    start = None
    for index, word in enumerate(words):
        if word == "{":
            start = index
        elif word == "}" and start is not None:
            blocks.append((start, index))
            start = None
    return blocks


def _check_integer_values(keyword: Keyword, words: tuple[str, ...]) -> list[InputError]:
    """Check the values of an integer ACL on a body size or Content-Length fetch."""
    if not words:
        return []
    fetch = words[0].partition(",")[0].partition("(")[0].lower()
    if fetch not in _INTEGER_FETCHES:
        return []
    values = [word for word in words[1:] if not word.startswith("-")]
    if values and values[0] in _INTEGER_OPERATORS:
        values = values[1:]
    for value in values:
        if _INTEGER_PATTERN.fullmatch(value) or _from_environment(value):
            continue
        return [
            _error(
                keyword,
                f"{value!r} is neither a number nor a supported operator "
                f"(in {keyword.text()!r})",
                "write the size in bytes, such as 104857600 for 100 MiB: "
                "ACL integers take no k, m or g suffix",
            )
        ]
    return []


def _error(keyword: Keyword, message: str, hint: str = "") -> InputError:
    return InputError(keyword.place, message, hint)
