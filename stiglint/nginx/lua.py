"""Skipping OpenResty `*_by_lua_block` bodies as opaque text.

crossplane's own Lua extension stops at the first `}` inside a Lua long-bracket
string (`[[ ... } ... ]]`) and reads `set_by_lua_block $v{` as one argument, so
stiglint brings its own scanner and registers it with crossplane's public
`register_external_lexer` hook. The same scanner serves stiglint's syntax pre-check.
"""

from __future__ import annotations

from collections.abc import Iterator

import crossplane.lexer

LUA_BLOCK_DIRECTIVES = (
    "access_by_lua_block",
    "balancer_by_lua_block",
    "body_filter_by_lua_block",
    "content_by_lua_block",
    "exit_worker_by_lua_block",
    "header_filter_by_lua_block",
    "init_by_lua_block",
    "init_worker_by_lua_block",
    "log_by_lua_block",
    "rewrite_by_lua_block",
    "server_rewrite_by_lua_block",
    "set_by_lua_block",
    "ssl_certificate_by_lua_block",
    "ssl_client_hello_by_lua_block",
    "ssl_session_fetch_by_lua_block",
    "ssl_session_store_by_lua_block",
)


class LuaBodyScanner:
    """Find the `}` that closes a Lua block body, one character at a time.

    Tracks Lua strings ('...', "..."), long brackets ([[...]], [==[...]==]),
    line comments (-- ...) and long comments (--[[...]]), so braces inside them
    do not count. Feed the characters after the opening `{`; `feed` returns True
    on the closing `}`.
    """

    def __init__(self) -> None:
        self.depth = 1
        self.state = "code"
        self.quote = ""
        self.level = 0  # number of "=" in the current long bracket
        self.pending = ""  # characters of a possible long bracket or comment opener

    def feed(self, char: str) -> bool:
        if len(char) == 2 and char[0] == "\\":
            # crossplane hands over backslash escapes as one two-character item.
            if self.state == "code" and self.pending:
                self.pending = ""
            return False
        handler = getattr(self, "_in_" + self.state)
        return handler(char)

    def _in_code(self, char: str) -> bool:
        if self.pending:
            return self._continue_opener(char)
        if char in ("'", '"'):
            self.state, self.quote = "string", char
        elif char == "[":
            self.pending = "["
        elif char == "-":
            self.pending = "-"
        elif char == "{":
            self.depth += 1
        elif char == "}":
            self.depth -= 1
            return self.depth == 0
        return False

    def _continue_opener(self, char: str) -> bool:
        pending = self.pending + char
        if pending == "--":
            self.pending = "--"
            return False
        if pending.startswith("--"):
            rest = pending[2:]
            if rest.startswith("[") and _long_open_prefix(rest):
                if _long_open_complete(rest):
                    self.pending = ""
                    self.state, self.level = "long_comment", rest.count("=")
                else:
                    self.pending = pending
                return False
            self.pending = ""
            self.state = "line_comment"
            return self._in_line_comment(char)
        if pending.startswith("["):
            if _long_open_prefix(pending):
                if _long_open_complete(pending):
                    self.pending = ""
                    self.state, self.level = "long_string", pending.count("=")
                else:
                    self.pending = pending
                return False
        # Not an opener after all: the held characters were ordinary code.
        self.pending = ""
        return self._in_code(char)

    def _in_string(self, char: str) -> bool:
        if char == self.quote or char == "\n":
            self.state = "code"
        return False

    def _in_line_comment(self, char: str) -> bool:
        if char == "\n":
            self.state = "code"
        return False

    def _in_long_string(self, char: str) -> bool:
        return self._close_long(char)

    def _in_long_comment(self, char: str) -> bool:
        return self._close_long(char)

    def _close_long(self, char: str) -> bool:
        closer = "]" + "=" * self.level + "]"
        self.pending = (self.pending + char)[-len(closer) :]
        if self.pending == closer:
            self.pending = ""
            self.state = "code"
        return False


def _long_open_prefix(text: str) -> bool:
    """Return whether text can still grow into a long-bracket opener `[=*[`."""
    body = text[1:]
    stripped = body.rstrip("[")
    return set(stripped) <= {"="} and len(body) - len(stripped) <= 1


def _long_open_complete(text: str) -> bool:
    return len(text) >= 2 and text.endswith("[") and set(text[1:-1]) <= {"="}


def _lex_lua_block(chars: Iterator[tuple[str, int]], directive: str):
    """crossplane external lexer: yield the Lua body as one quoted token, then `;`."""
    char, line = next(chars)
    if directive == "set_by_lua_block":
        while char.isspace():
            char, line = next(chars)
        argument = ""
        while not char.isspace() and char != "{":
            argument += char
            char, line = next(chars)
        yield (argument, line, False)
    while char.isspace():
        char, line = next(chars)
    if char != "{":
        # Let crossplane's parser report the malformed block; nginx would too.
        yield (char, line, False)
        return
    scanner = LuaBodyScanner()
    body = []
    for char, line in chars:
        if scanner.feed(char):
            yield ("".join(body), line, True)
            yield (";", line, False)
            return
        body.append(char)


def register() -> None:
    """Make crossplane's lexer hand Lua block bodies to this module's scanner."""
    crossplane.lexer.register_external_lexer(LUA_BLOCK_DIRECTIVES, _lex_lua_block)
