"""Reading an nginx configuration tree: crossplane per file, includes our own way.

Includes are followed here rather than by crossplane so that they behave as in
nginx (src/core/ngx_conf_file.c, ngx_conf_include). A relative path resolves
against the directory of the main file, or the given prefix. A pattern with
`*`, `?` or `[` expands in sorted order and may match nothing, while a literal
path must exist. A file included from two places is spliced into both.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sys

import crossplane

from stiglint.files import UnreadableFile, read_text
from stiglint.findings import InputError, Place
from stiglint.nginx import lua
from stiglint.nginx.model import Config, Directive
from stiglint.nginx.syntax import TOO_LONG, check_syntax

lua.register()

# Directives that only make sense inside `http`. A file whose top level contains
# them is a fragment such as conf.d/site.conf.
_HTTP_LEVEL = frozenset(
    {"server", "upstream", "map", "geo", "split_clients", "proxy_cache_path", "log_format"}
)
_SERVER_LEVEL = frozenset({"location", "listen", "server_name"})

# nginx's own escapes inside tokens (ngx_conf_read_token): \" \' \\ \t \r \n.
_ESCAPE = re.compile(r"\\([\"'\\trn])")
_ESCAPED = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "r": "\r", "n": "\n"}

_LONE_CR = re.compile("\r(?!\n)")
# crossplane parses nested blocks recursively, a few Python frames per level;
# this limit lets it read thousands of levels, which nginx accepts too.
_RECURSION_LIMIT = 20000


# Configuration directories that nginx packages compile in. A tree copied out of
# one (into a repository, say) still names it in absolute includes.
_CONF_DIRS = (
    "/etc/nginx/",
    "/usr/local/nginx/conf/",
    "/usr/local/etc/nginx/",
    "/etc/openresty/",
    "/usr/local/openresty/nginx/conf/",
)


def unescape(arg: str) -> str:
    if "\\" not in arg:
        return arg
    return _ESCAPE.sub(lambda match: _ESCAPED[match.group(1)], arg)


class _Loader:
    def __init__(self, main_file: str, prefix: str | None) -> None:
        self.main_file = main_file
        self.base_dir = prefix or os.path.dirname(os.path.abspath(main_file))
        self.config = Config(main_file, Directive("", [], main_file, 0, block=[]))
        self.payloads: dict[str, list[dict] | None] = {}
        self.stack: list[str] = []

    def load(self) -> Config:
        statements = self._parse_file(self.main_file, None)
        if statements is None:
            return self.config
        root = self.config.root
        self.stack.append(os.path.realpath(self.main_file))
        top = self._convert(statements, self.main_file, root, None)
        self.stack.pop()
        root.block = self._place_fragment(top)
        return self.config

    def _place_fragment(self, top: list[Directive]) -> list[Directive]:
        """Wrap a fragment in the synthetic blocks nginx would have around it."""
        names = {directive.name for directive in top}
        if names & {"http", "events", "stream", "mail"} or not top:
            return top
        self.config.fragment = True
        root = self.config.root
        http = Directive("http", [], self.main_file, 0, parent=root, block=[])
        if names & _SERVER_LEVEL and not names & _HTTP_LEVEL:
            server = Directive("server", [], self.main_file, 0, parent=http, block=top)
            http.block = [server]
            for directive in top:
                directive.parent = server
        else:
            http.block = top
            for directive in top:
                directive.parent = http
        return [http]

    def _parse_file(self, path: str, include: Directive | None) -> list[dict] | None:
        key = os.path.realpath(path)
        if key in self.payloads:
            return self.payloads[key]
        self.payloads[key] = None
        text = self._read(path, include)
        if text is None:
            return None
        self.config.files.append(path)
        errors, blocks = check_syntax(text, path)
        self.config.errors.extend(errors)
        self.config.blocks[path] = blocks
        if any(error.message.startswith(TOO_LONG) for error in errors):
            # crossplane builds tokens one character at a time; a token of
            # megabytes takes gigabytes of memory, and nginx rejects it anyway.
            self.payloads[key] = []
            return []
        payload = crossplane.parse(
            path,
            onerror=_error_fields,
            single=True,
            comments=True,
            check_ctx=False,
            check_args=False,
        )
        own_lines = {error.place.line for error in self.config.errors if error.place.file == path}
        for error in payload["errors"]:
            message, line = error.get("callback") or (error["error"], error["line"])
            if not message or line is None or line in own_lines:
                # crossplane's message for an unterminated quote is empty; the
                # pre-check above has already reported it with its line.
                if any(e.place.file == path for e in self.config.errors):
                    continue
                message = message or "could not parse the file"
            hint = "nginx -t rejects this too"
            if "recursion" in message:
                message = "blocks are nested deeper than stiglint can read"
                hint = "stiglint reads up to a few thousand levels of nesting"
            self.config.errors.append(InputError(Place(path, line), message, hint))
        statements = payload["config"][0]["parsed"] if payload["config"] else []
        self.payloads[key] = statements
        return statements

    def _read(self, path: str, include: Directive | None) -> str | None:
        place = include.place if include else Place(path)
        try:
            text = read_text(path, "nginx", "/etc/nginx/nginx.conf")
        except UnreadableFile as exc:
            self._error(place, exc.message, exc.hint)
            return None
        lone = _LONE_CR.search(text)
        if lone:
            line = text.count("\n", 0, lone.start()) + 1
            self._error(
                Place(path, line),
                "carriage return without a line feed: nginx ends lines and comments "
                "only at a line feed, so it reads this file differently from an editor",
                "convert the file to LF (or CRLF) line endings",
            )
        return text

    def _copied_tree_path(self, pattern: str) -> str:
        """Read `/etc/nginx/...` from the tree being linted when it is a copy.

        When the main file does not sit in the configuration directory that an
        absolute include names, the include is looked up in the main file's own
        directory (or the prefix) first, so a tree kept in a repository is linted
        as itself and not through the host's /etc/nginx.
        """
        home = os.path.realpath(self.base_dir) + os.sep
        for conf_dir in _CONF_DIRS:
            if not pattern.startswith(conf_dir) or home.startswith(conf_dir):
                continue
            copied = os.path.join(self.base_dir, pattern[len(conf_dir) :])
            parent = os.path.dirname(copied)
            if glob.glob(copied) or (glob.has_magic(copied) and os.path.isdir(parent)):
                self._note(
                    f"absolute includes under {conf_dir} were read from {self.base_dir}, "
                    "the directory of the main file (give --prefix to read them elsewhere)"
                )
                return copied
            if os.path.exists(pattern) or glob.glob(pattern):
                self._note(
                    f"{pattern} is not in {self.base_dir}, so it was read from this machine"
                )
            return pattern
        return pattern

    def _note(self, text: str) -> None:
        if text not in self.config.notes:
            self.config.notes.append(text)

    def _error(self, place: Place, message: str, hint: str) -> None:
        self.config.errors.append(InputError(place, message, hint))

    def _convert(
        self,
        statements: list[dict],
        file: str,
        parent: Directive,
        included_by: Directive | None,
        record_comments: bool | None = None,
    ) -> list[Directive]:
        converted: list[Directive] = []
        if record_comments is None:
            # A file spliced in twice has its comments recorded only once.
            record_comments = file not in self.config.comments
        comments = self.config.comments.setdefault(file, [])
        for statement in statements:
            name = statement["directive"]
            line = statement["line"]
            if name == "#":
                if record_comments:
                    comments.append((line, statement.get("comment", "")))
                continue
            directive = Directive(
                name.lstrip("\ufeff"),
                [unescape(arg) for arg in statement["args"]],
                file,
                line,
                parent=parent,
                included_by=included_by,
            )
            if directive.name == "include" and directive.args:
                converted.extend(self._include(directive, parent))
                continue
            if "block" in statement:
                directive.block = self._convert(
                    statement["block"], file, directive, included_by, record_comments
                )
            converted.append(directive)
        return converted

    def _include(self, include: Directive, parent: Directive) -> list[Directive]:
        pattern = include.args[0]
        if os.path.isabs(pattern):
            pattern = self._copied_tree_path(pattern)
        else:
            pattern = os.path.join(self.base_dir, pattern)
        if glob.has_magic(pattern):
            paths = [path for path in sorted(glob.glob(pattern)) if os.path.isfile(path)]
        elif os.path.exists(pattern):
            paths = [pattern]
        else:
            where = (
                "" if os.path.isabs(include.args[0])
                else f"relative paths resolve against {self.base_dir}; "
            )
            self._error(
                include.place,
                f'include file "{pattern}" not found',
                f"{where}give --prefix with the server's configuration directory if "
                "it differs, or create the file: nginx refuses to start without it",
            )
            return []

        spliced: list[Directive] = []
        for path in paths:
            key = os.path.realpath(path)
            if key in self.stack:
                chain = " -> ".join(os.path.basename(p) for p in [*self.stack, key])
                self._error(
                    include.place,
                    f"include cycle: {chain}",
                    "remove the include that leads back to a file already open",
                )
                continue
            statements = self._parse_file(path, include)
            if statements is None:
                continue
            self.stack.append(key)
            spliced.extend(self._convert(statements, path, parent, include))
            self.stack.pop()
        return spliced


def _error_fields(exc: Exception) -> tuple[str, int | None]:
    """Keep crossplane's reason and line apart; its str() embeds "in file:line"."""
    message = getattr(exc, "strerror", None) or str(exc)
    return message, getattr(exc, "lineno", None)


def load(path: str, prefix: str | None = None) -> Config:
    """Parse the configuration whose main file is `path`, following its includes."""
    with deep_recursion():
        return _Loader(path, prefix).load()


@contextlib.contextmanager
def deep_recursion():
    """Let crossplane and the location search follow thousands of nested blocks."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)
