r"""Splitting HAProxy configuration lines into words, and `.if` conditions.

HAProxy reads its configuration one line at a time and splits each line into
words (HAProxy configuration manual, "Quoting and escaping"). Outside quotes a
`#` starts a comment and a backslash escapes the next character. Double quotes
group a word, still honour backslash escapes and are the only place where
environment variables (`$NAME`, `${NAME}`) are expanded. Single quotes group a
word literally. A backslash before a character with no special meaning is kept,
which is what lets regular expressions such as `^/api\.` through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Backslash escapes HAProxy turns into one character; others keep the backslash.
_ESCAPES = {
    "\\": "\\",
    " ": " ",
    "#": "#",
    "'": "'",
    '"': '"',
    "$": "$",
    "r": "\r",
    "n": "\n",
    "t": "\t",
}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.?)")
_ENV_REFERENCE = re.compile(r"(?<!\\)\$(\{[^}]*\}|[A-Za-z_])")
_UNTERMINATED_ENV = re.compile(r"(?<!\\)\$\{[^}]*$")
_SPECIAL = frozenset("\"'\\")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


class LineError(ValueError):
    """A line HAProxy would reject, with the 1-based column of the problem."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Words:
    """The words of one line, with quotes and escapes resolved."""

    words: tuple[str, ...]
    # Whether a double-quoted word refers to an environment variable, which
    # HAProxy expands at startup and stiglint keeps as written.
    has_env: bool = False


def _unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code.startswith("x") and len(code) == 3:
            return chr(int(code[1:], 16))
        if code in _ESCAPES:
            return _ESCAPES[code]
        return "\\" + code

    return _ESCAPE.sub(replace, text)


@lru_cache(maxsize=1)
def _line_grammar():
    # pyparsing is imported here so that loading stiglint stays fast for the
    # other servers.
    import pyparsing as pp

    pp.ParserElement.set_default_whitespace_chars(" \t")
    double = pp.Regex(r'"(?:[^"\\]|\\.)*"')
    double.set_parse_action(lambda tokens: _unescape(tokens[0][1:-1]))
    single = pp.Regex(r"'[^']*'").set_parse_action(lambda tokens: tokens[0][1:-1])
    escape = pp.Regex(r"\\(?:x[0-9a-fA-F]{2}|.)?").set_parse_action(
        lambda tokens: _unescape(tokens[0])
    )
    plain = pp.Regex(r"[^ \t\"'\\#]+")
    word = pp.Combine(pp.OneOrMore(double | single | escape | plain))
    comment = pp.Regex(r"#.*").suppress()
    grammar = pp.ZeroOrMore(word) + pp.Optional(comment) + pp.StringEnd()
    pp.ParserElement.set_default_whitespace_chars(" \n\t\r")
    return grammar


def split_line(text: str) -> Words:
    """Split one configuration line into words, raising LineError when malformed."""
    if not _SPECIAL.intersection(text):
        # Fast path for the common line with no quote or backslash: only a
        # comment can end it early. Both paths are tested to agree.
        content = text.split("#", 1)[0].replace("\t", " ")
        return Words(tuple(word for word in content.split(" ") if word))
    return _split_with_grammar(text)


def _split_with_grammar(text: str) -> Words:
    import pyparsing as pp

    has_env = False
    for match in _DOUBLE_QUOTED.finditer(text):
        inside = match.group(0)[1:-1]
        if _UNTERMINATED_ENV.search(inside):
            raise LineError(
                "unterminated environment variable reference '${'", match.start() + 1
            )
        has_env = has_env or bool(_ENV_REFERENCE.search(inside))
    try:
        tokens = _line_grammar().parse_string(text, parse_all=True)
    except pp.ParseException as exc:
        raise LineError(_describe_failure(text, exc.loc), exc.loc + 1) from None
    return Words(tuple(tokens), has_env)


def _describe_failure(text: str, location: int) -> str:
    # A quote that pyparsing could not consume is one that is never closed.
    rest = text[location:].lstrip(" \t")
    offset = len(text) - len(rest)
    for position in range(offset, len(text)):
        char = text[position]
        if char == "#":
            break
        if char == '"':
            return "missing closing double quote"
        if char == "'":
            return "missing closing single quote"
    return "invalid characters in line"


@lru_cache(maxsize=1)
def _condition_grammar():
    import pyparsing as pp

    call = pp.Regex(r"[A-Za-z_][\w.]*\([^()]*\)")
    number = pp.Regex(r"-?\d+")
    operand = call | number
    return pp.infix_notation(
        operand,
        [
            (pp.Literal("!"), 1, pp.OpAssoc.RIGHT),
            (pp.Literal("&&"), 2, pp.OpAssoc.LEFT),
            (pp.Literal("||"), 2, pp.OpAssoc.LEFT),
        ],
    )


class ConditionError(ValueError):
    pass


def evaluate_condition(
    words: tuple[str, ...], version: tuple[int, ...] | None
) -> bool | None:
    """Evaluate the condition of `.if` or `.elif`.

    Returns True or False when the configuration text decides it, and None when
    it depends on the machine HAProxy runs on: environment variables, built-in
    features, or the release when `version` is None. Raises ConditionError for
    a condition HAProxy would reject.
    """
    import pyparsing as pp

    text = " ".join(words).strip()
    if not text:
        # HAProxy takes an empty condition as false.
        return False
    try:
        parsed = _condition_grammar().parse_string(text, parse_all=True)
    except pp.ParseException:
        raise ConditionError(f"invalid condition {text!r}") from None
    return _evaluate(parsed[0], version)


def _evaluate(node, version):
    if isinstance(node, str):
        return _evaluate_term(node, version)
    items = list(node)
    if items[0] == "!":
        value = _evaluate(items[1], version)
        return None if value is None else not value
    values = [_evaluate(item, version) for item in items[::2]]
    operator = items[1]
    if operator == "&&":
        if False in values:
            return False
        return None if None in values else True
    if True in values:
        return True
    return None if None in values else False


_VERSION_TERM = re.compile(r"(version_atleast|version_before)\(([\d.]+)[^)]*\)")
_STRING_TERM = re.compile(r"(streq|strneq)\(([^,]*),([^,]*)\)")


def _evaluate_term(term: str, version: tuple[int, ...] | None) -> bool | None:
    if re.fullmatch(r"-?\d+", term):
        return int(term) != 0
    match = _STRING_TERM.fullmatch(term)
    if match:
        if "$" in term:
            return None
        same = match.group(2) == match.group(3)
        return same if match.group(1) == "streq" else not same
    match = _VERSION_TERM.fullmatch(term)
    if match and version is not None:
        required = tuple(int(part) for part in match.group(2).split(".") if part)
        at_least = version >= required
        return at_least if match.group(1) == "version_atleast" else not at_least
    # defined(), feature(), enabled(), the SSL library checks and the version
    # without a known release depend on the machine HAProxy runs on.
    return None
