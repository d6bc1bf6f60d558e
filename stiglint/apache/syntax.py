"""The Apache httpd configuration syntax: logical lines, sections and arguments.

The rules follow Apache httpd 2.4 (the "Configuration Files" page and the
behaviour of `ap_cfg_getline` and `ap_getword_conf`):

- A line that ends in a backslash continues on the next line. The backslash
  must be the last character, with no white space after it.
- A line whose first non-blank character is `#` is a comment, including its
  continuation lines. A `#` later in a line is an ordinary character, so httpd
  passes `ProxyTimeout 20  # note` to the directive as three arguments.
- Directive and section names are case-insensitive.
- An argument that starts with a double or single quote runs to the matching
  unescaped quote. In every argument `\\\\` becomes one backslash. Inside quotes
  a backslash before the quote character keeps the quote. Any other backslash
  stays as written, so regular expressions such as `"^\\.ht"` keep it.

Splitting a file into lines and sections happens here; `${VAR}` substitution and
conditional sections are left to the loader, which tracks the defines in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from stiglint.findings import InputError, Place


@dataclass(eq=False)
class RawNode:
    """One directive or section of a file, before variables are substituted."""

    # The directive line, or the text between `<` and `>` of a section's opening tag.
    text: str
    line: int
    # The line of the closing tag for a section; the last physical line otherwise.
    end_line: int
    # The nodes inside a section; None for a plain directive.
    children: list[RawNode] | None = None


@dataclass
class ParsedFile:
    nodes: list[RawNode] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    # Comments as (line, text after "#").
    comments: list[tuple[int, str]] = field(default_factory=list)
    # (first line, last line) of every section.
    blocks: list[tuple[int, int]] = field(default_factory=list)


def logical_lines(text: str) -> list[tuple[int, int, str]]:
    """Join continued lines; return (first line, last line, text) for each."""
    result = []
    pending: list[str] = []
    start = 0
    for number, physical in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if physical.endswith("\\"):
            pending.append(physical[:-1])
            continue
        pending.append(physical)
        result.append((start, number, "".join(pending)))
        pending = []
    if pending:
        result.append((start, start + len(pending) - 1, "".join(pending)))
    return result


def parse_file(text: str, path: str) -> ParsedFile:
    """Split one file into directives and nested sections, reporting bad structure."""
    parsed = ParsedFile()
    # Each open section: (its name in lower case, as written, its node).
    stack: list[tuple[str, str, RawNode]] = []
    current = parsed.nodes

    for first, last, line_text in logical_lines(text.lstrip("\ufeff")):
        stripped = line_text.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            parsed.comments.append((first, stripped[1:]))
            continue
        if stripped.startswith("</"):
            name = _closing_name(stripped)
            if name is None:
                parsed.errors.append(_error(path, first, f"invalid closing tag {stripped!r}",
                                            "write it as </Name> on a line of its own"))
                continue
            if not stripped.endswith(name + ">"):
                # httpd 2.4.71 rejects "</Location >": the '>' must follow the name.
                parsed.errors.append(_error(
                    path, first, f"</{name}> directive missing closing '>'",
                    f"write it as </{name}>"))
            if not stack:
                parsed.errors.append(_error(
                    path, first, f"</{name}> without matching <{name}> section",
                    "remove it or add the opening tag"))
                continue
            open_key, open_name, node = stack[-1]
            if name.lower() != open_key:
                parsed.errors.append(_error(
                    path, first, f"expected </{open_name}> but saw </{name}>",
                    f"close the <{open_name}> section opened at line {node.line} first"))
                # Apache stops here; closing the inner section keeps later lines readable.
            stack.pop()
            node.end_line = last
            parsed.blocks.append((node.line, last))
            current = stack[-1][2].children if stack else parsed.nodes
            continue
        if stripped.startswith("<"):
            if not stripped.endswith(">"):
                name = stripped[1:].split(None, 1)[0] if len(stripped) > 1 else ""
                parsed.errors.append(_error(
                    path, first, f"<{name}> directive missing closing '>'",
                    "end the opening tag with '>'"))
                continue
            inner = stripped[1:-1].strip()
            if not inner:
                parsed.errors.append(_error(path, first, "empty section tag '<>'",
                                            "name the section, such as <Location /path>"))
                continue
            node = RawNode(inner, first, last, children=[])
            current.append(node)
            name = inner.split(None, 1)[0]
            stack.append((name.lower(), name, node))
            current = node.children
            continue
        current.append(RawNode(stripped, first, last))

    for _, name, node in reversed(stack):
        parsed.errors.append(_error(path, node.line, f"<{name}> was not closed",
                                    f"add </{name}> at the end of the section"))
        node.end_line = node.end_line if node.children is None else _last_line(node)
        parsed.blocks.append((node.line, node.end_line))
    return parsed


def _last_line(node: RawNode) -> int:
    """Return the last line inside an unclosed section, following its last children down."""
    last = node.end_line
    while node.children:
        node = node.children[-1]
        last = max(last, node.end_line)
    return last


def _closing_name(text: str) -> str | None:
    inner = text[2:]
    if not inner.endswith(">"):
        return None
    name = inner[:-1].strip()
    if not name or any(char.isspace() for char in name) or inner[:1].isspace():
        return None
    return name


def _error(path: str, line: int, message: str, hint: str) -> InputError:
    return InputError(Place(path, line), message, hint)


# The argument grammar, built with pyparsing on first use so that importing this
# module (and starting the command line) stays fast.
_GRAMMAR = None


def _grammar():
    global _GRAMMAR
    if _GRAMMAR is None:
        import pyparsing as pp

        double = pp.Regex(r'"(?:[^"\\]|\\.)*(?:"|\\?$)').set_parse_action(
            lambda tokens: _unquote(tokens[0], '"')
        )
        single = pp.Regex(r"'(?:[^'\\]|\\.)*(?:'|\\?$)").set_parse_action(
            lambda tokens: _unquote(tokens[0], "'")
        )
        bare = pp.Regex(r"\S+").set_parse_action(lambda tokens: tokens[0].replace("\\\\", "\\"))
        # pyparsing skips the blanks between words; a word that starts with a
        # quote runs to its closing quote, like ap_getword_conf.
        _GRAMMAR = pp.ZeroOrMore(double | single | bare)
        _GRAMMAR.parse_with_tabs()
    return _GRAMMAR


def _unquote(token: str, quote: str) -> str:
    # An unterminated quote runs to the end of the line, as in ap_getword_conf.
    body = token[1:-1] if len(token) > 1 and token.endswith(quote) and not token.endswith("\\" + quote) else token[1:]
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in ("\\", quote):
            out.append(body[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


_RAW_WORD = re.compile(r'"(?:[^"\\]|\\.)*"?|\'(?:[^\'\\]|\\.)*\'?|\S+')


def comment_word(text: str) -> int | None:
    """Return the offset of the first unquoted argument that starts with `#`, if any.

    The directive name itself is not checked: a line that starts with `#` is a
    comment and never reaches this function.
    """
    if "#" not in text:
        return None
    words = _RAW_WORD.finditer(text)
    next(words, None)
    for word in words:
        if word.group(0).startswith("#"):
            return word.start()
    return None


@lru_cache(maxsize=65536)
def split_words(text: str) -> tuple[str, ...]:
    """Split a directive line into its name and arguments, unquoting as Apache does."""
    if not any(char in text for char in "\"'\\"):
        # Without quotes or backslashes the grammar splits on blanks and changes
        # nothing, so str.split gives the same words much faster.
        return tuple(text.split())
    return parse_words(text)


def parse_words(text: str) -> tuple[str, ...]:
    """Split a directive line with the pyparsing grammar, whatever it contains."""
    return tuple(_grammar().parse_string(text, parse_all=True))
