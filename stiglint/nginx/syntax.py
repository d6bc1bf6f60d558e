"""A syntax pre-check for the mistakes crossplane lets through but nginx rejects.

With argument checks off, crossplane accepts a directive that lacks its `;` before
`}`; it glues a UTF-8 byte-order mark to the first directive name; and for an
unterminated quote it reports an empty message with no line. This module finds
those three with one regular-expression pass over the text.
"""

from __future__ import annotations

import re

from stiglint.findings import InputError, Place
from stiglint.nginx.lua import LUA_BLOCK_DIRECTIVES, LuaBodyScanner

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<quoted>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')
    | (?P<open_quote>["'])
    | (?P<punct>[{};])
    | (?P<word>(?:\\.|\$\{[^}\s]*\}|[^\s{};\\])+|\\)
    """,
    re.VERBOSE | re.DOTALL,
)

_LUA = frozenset(LUA_BLOCK_DIRECTIVES)


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

    line = 1
    statement: list[str] = []  # tokens of the directive being read
    statement_line = 0
    position = 0
    length = len(text)
    while position < length:
        match = _TOKEN.match(text, position)
        kind = match.lastgroup
        value = match.group()
        if kind == "open_quote":
            errors.append(
                InputError(
                    Place(file, line),
                    f"unterminated quoted string: the {value} opened here is never "
                    "closed",
                    f"add the closing {value}",
                )
            )
            return errors, blocks
        if kind == "word" or kind == "quoted":
            if not statement:
                statement_line = line
            statement.append(value)
        elif kind == "punct":
            if value == "}" and statement:
                errors.append(_missing_semicolon(file, statement, statement_line))
            if value == "}" and open_blocks:
                blocks.append((open_blocks.pop(), line))
            elif value == "{" and statement and statement[0] in _LUA:
                end = _skip_lua_body(text, match.end())
                if end is None:
                    errors.append(
                        InputError(
                            Place(file, statement_line),
                            f'"{statement[0]}" block is not closed',
                            "balance the braces of the Lua code",
                        )
                    )
                    return errors, blocks
                line += text.count("\n", match.start(), end)
                blocks.append((statement_line, line))
                position = end
                statement = []
                continue
            elif value == "{":
                open_blocks.append(statement_line if statement else line)
            statement = []
        line += value.count("\n")
        position = match.end()

    if statement:
        errors.append(
            InputError(
                Place(file, statement_line),
                f'directive "{_name(statement)}" is not terminated by ";" before the '
                "end of the file",
                'add ";" after its arguments',
            )
        )
    return errors, blocks


def _missing_semicolon(file: str, statement: list[str], line: int) -> InputError:
    return InputError(
        Place(file, line),
        f'directive "{_name(statement)}" is not terminated by ";" before "}}"',
        'add ";" after its arguments',
    )


def _name(statement: list[str]) -> str:
    return statement[0].strip("\"'")


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
