"""A syntax pre-check for the mistakes crossplane lets through but nginx rejects.

With argument checks off, crossplane accepts a directive that lacks its `;` before
`}`. It also glues a UTF-8 byte-order mark to the first directive name, and for an
unterminated quote it reports an empty message with no line. This module finds
those three with one regular-expression pass over the text.
"""

from __future__ import annotations

import bisect
import re

from stiglint.findings import InputError, Place
from stiglint.nginx.lua import LUA_BLOCK_DIRECTIVES, LuaBodyScanner

# Each alternative consumes runs of plain characters at once: a pattern that
# matched one character per repetition would need memory in proportion to the
# longest token.
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<quoted>"[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')
    | (?P<open_quote>["'])
    | (?P<punct>[{};])
    | (?P<word>(?:[^\s{};\\$]+|\\.|\$\{[^}\s]*\}|\$)+|\\)
    """,
    re.VERBOSE | re.DOTALL,
)

_LUA = frozenset(LUA_BLOCK_DIRECTIVES)
# nginx reads the configuration through a 4096-byte buffer and rejects a single
# token that does not fit (ngx_conf_read_token, "too long parameter").
MAX_TOKEN = 4096
TOO_LONG = "parameter longer than"
_NEWLINE = re.compile("\n")


def check_syntax(text: str, file: str) -> tuple[list[InputError], list[tuple[int, int]]]:
    """Return the syntax errors nginx would report that crossplane does not.

    Also return the line ranges of the file's blocks, (line of the directive that
    opens it, line of its closing brace), which crossplane does not record.
    """
    errors: list[InputError] = []
    blocks: list[tuple[int, int]] = []
    open_blocks: list[int] = []
    if text.startswith("\ufeff"):
        errors.append(
            InputError(
                Place(file, 1),
                "file starts with a UTF-8 byte-order mark, which nginx reads as part "
                "of the first directive name",
                "save the file as UTF-8 without a BOM",
            )
        )
        text = text[1:]

    newlines = [match.start() for match in _NEWLINE.finditer(text)]

    def line_at(offset: int) -> int:
        return bisect.bisect_right(newlines, offset - 1) + 1

    statement = ""  # name of the directive being read, "" between directives
    statement_start = 0
    position = 0
    while True:
        resume = None
        for match in _TOKEN.finditer(text, position):
            kind = match.lastgroup
            if kind == "space" or kind == "comment":
                continue
            if kind == "word" or kind == "quoted":
                if match.end() - match.start() > MAX_TOKEN:
                    errors.append(
                        InputError(
                            Place(file, line_at(match.start())),
                            f"{TOO_LONG} {MAX_TOKEN} bytes, which nginx rejects as too "
                            "long",
                            "look for a missing closing quote, or shorten the value",
                        )
                    )
                    return errors, blocks
                if not statement:
                    statement = match.group()
                    statement_start = match.start()
                continue
            value = match.group()
            if kind == "open_quote":
                errors.append(
                    InputError(
                        Place(file, line_at(match.start())),
                        f"unterminated quoted string: the {value} opened here is never "
                        "closed",
                        f"add the closing {value}",
                    )
                )
                return errors, blocks
            # kind == "punct"
            if value == "}":
                if statement:
                    errors.append(_missing_semicolon(file, statement, line_at(statement_start)))
                if open_blocks:
                    blocks.append((open_blocks.pop(), line_at(match.start())))
            elif value == "{" and statement in _LUA:
                end = _skip_lua_body(text, match.end())
                first = line_at(statement_start)
                if end is None:
                    errors.append(
                        InputError(
                            Place(file, first),
                            f'"{statement}" block is not closed',
                            "balance the braces of the Lua code",
                        )
                    )
                    return errors, blocks
                blocks.append((first, line_at(end - 1)))
                resume = end
                statement = ""
                break
            elif value == "{":
                open_blocks.append(line_at(statement_start if statement else match.start()))
            statement = ""
        if resume is None:
            break
        position = resume

    if statement:
        errors.append(
            InputError(
                Place(file, line_at(statement_start)),
                f'directive "{_name(statement)}" is not terminated by ";" before the '
                "end of the file",
                'add ";" after its arguments',
            )
        )
    return errors, blocks


def _missing_semicolon(file: str, statement: str, line: int) -> InputError:
    return InputError(
        Place(file, line),
        f'directive "{_name(statement)}" is not terminated by ";" before "}}"',
        'add ";" after its arguments',
    )


def _name(statement: str) -> str:
    return statement.strip("\"'")


def _skip_lua_body(text: str, start: int) -> int | None:
    """Return the index after the `}` closing a Lua body that starts at `start`."""
    scanner = LuaBodyScanner()
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            char = text[index : index + 2]
        index += len(char)
        if scanner.feed(char):
            return index
    return None
