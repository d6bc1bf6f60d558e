"""Reading an Apache httpd configuration tree the way httpd reads it at start-up.

httpd acts on some directives while it reads the files (Apache httpd 2.4 core
and mod_version documentation), and so does this loader, in configuration order:

- `Define` and `UnDefine` set variables that `${NAME}` in later lines refers
  to. Debian's `apache2.conf` uses variables that `envvars`, a shell file beside
  it, exports; that file is read first when present.
- `ServerRoot` sets the directory that later relative `Include` paths resolve
  against.
- `Include` and `IncludeOptional` splice files in place. Wildcards expand in
  alphabetical order, and a directory includes every file below it. An `Include`
  whose file or wildcard matches nothing stops httpd, while `IncludeOptional`
  skips it.
- `<IfModule>`, `<IfDefine>` and `<IfVersion>` keep or drop their contents. When
  the configuration cannot decide one (no `LoadModule` read yet, a name that only
  `-D` on the command line could define), it is taken as true and a note reports it.
"""

from __future__ import annotations

import glob
import os
import re

from stiglint.apache import directives, syntax
from stiglint.apache.model import Config, Directive
from stiglint.files import UnreadableFile, read_text
from stiglint.findings import InputError, Place
from stiglint.settings import Version

# httpd refuses to nest includes deeper than this (AP_MAX_INCLUDE_DEPTH).
_MAX_INCLUDE_DEPTH = 128

# The deepest nesting of sections and includes that the loader reads; deeper
# contents are skipped with an input error. httpd 2.4.71 accepted 1000 nested
# <IfModule> sections (lab), but evaluating them here would exhaust Python's
# recursion limit, and real configurations nest fewer than ten levels.
MAX_NESTING = 200

_VARIABLE = re.compile(r"\$\{([^}\s]+)\}")
_SHELL_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_SHELL_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")

# Modules compiled into Debian's httpd 2.4.71 (`apache2 -l`), so `<IfModule>` on
# them is true without a `LoadModule`. NOTE: RHEL and the official image load
# unixd, log_config, logio and version with LoadModule, which this also accepts.
BUILT_IN_MODULES = frozenset(
    {"core", "so", "http", "http_core", "watchdog", "version", "unixd", "log_config", "logio"}
)

# The module that provides each directive and section stiglint reads, so that
# one used before its LoadModule is reported the way httpd rejects it.
_MODULE_OF = {
    **dict.fromkeys(
        ("proxypass", "proxypassmatch", "proxypassreverse", "proxypreservehost",
         "proxytimeout", "proxyaddheaders", "proxyrequests", "proxyset", "balancermember",
         "proxypassinherit", "proxy", "proxymatch"),
        "proxy",
    ),
    **dict.fromkeys(("requestheader", "header"), "headers"),
    **dict.fromkeys(("rewriteengine", "rewriterule", "rewritecond", "rewriteoptions"), "rewrite"),
    **dict.fromkeys(
        ("sslengine", "sslverifyclient", "sslverifydepth", "sslcacertificatefile",
         "sslcacertificatepath", "sslcertificatefile", "sslcertificatekeyfile"),
        "ssl",
    ),
}

_CONDITIONAL = frozenset(
    {"ifmodule", "ifdefine", "ifversion", "ifdirective", "ifsection", "iffile"}
)


def module_key(name: str) -> str:
    """Return the short name of a module: `mod_ssl.c` and `ssl_module` are both `ssl`."""
    name = name.strip().lower()
    if name.endswith(".c"):
        name = name[:-2]
    if name.startswith("mod_"):
        name = name[4:]
    if name.endswith("_module"):
        name = name[: -len("_module")]
    return name


def default_server_root(main_file: str) -> str:
    """Return where httpd's compiled-in ServerRoot would be for this layout.

    Debian keeps `apache2.conf` in the server root (/etc/apache2); RHEL keeps
    `httpd.conf` in `conf/` below it (/etc/httpd/conf).
    """
    directory = os.path.dirname(os.path.abspath(main_file))
    if os.path.basename(directory) == "conf":
        return os.path.dirname(directory)
    return directory


def read_envvars(path: str) -> dict[str, str]:
    """Read the plain `NAME=value` assignments of a shell file such as Debian's envvars."""
    values: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return values
    for line in lines:
        match = _SHELL_ASSIGNMENT.match(line)
        if not match:
            continue
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if "${" in value and not _SHELL_VARIABLE.fullmatch(value):
            # Parameter expansions such as ${X##prefix} are beyond a plain reading.
            if any(op in value for op in ("##", "%%", ":-", ":=")):
                continue
        values[match.group(1)] = _SHELL_VARIABLE.sub(
            lambda found: values.get(found.group(1) or found.group(2), ""), value
        )
    return values


class _Loader:
    def __init__(
        self, main_file: str, server_root: str | None, version: Version, version_given: bool
    ) -> None:
        self.main_file = main_file
        self.root_given = server_root is not None
        self.server_root = server_root or default_server_root(main_file)
        # A ServerRoot that does not contain the main file: absolute Include paths
        # below it are mapped to `server_root`, because the tree is a copy.
        self.foreign_root: str | None = None
        self.version = version
        self.version_given = version_given
        self.config = Config(main_file, Directive("", [], main_file, 0, 0, block=[]))
        self.defines: dict[str, str] = {}
        self.parsed: dict[str, syntax.ParsedFile | None] = {}
        self.stack: list[str] = []
        self.noted: set[str] = set()

    def load(self) -> Config:
        envvars = os.path.join(os.path.dirname(os.path.abspath(self.main_file)), "envvars")
        if os.path.isfile(envvars):
            self.defines.update(read_envvars(envvars))
        parsed = self._parse(self.main_file, None)
        if parsed is None:
            return self.config
        self.stack.append(os.path.realpath(self.main_file))
        self.config.root.block = self._process(parsed.nodes, self.main_file, self.config.root)
        self.stack.pop()
        return self.config

    # Reading files

    def _parse(self, path: str, include: Directive | None) -> syntax.ParsedFile | None:
        key = os.path.realpath(path)
        if key in self.parsed:
            return self.parsed[key]
        self.parsed[key] = None
        text = self._read(path, include)
        if text is None:
            return None
        parsed = syntax.parse_file(text, path)
        self.parsed[key] = parsed
        self.config.files.append(path)
        self.config.errors.extend(parsed.errors)
        self.config.comments[path] = parsed.comments
        self.config.blocks[path] = sorted(parsed.blocks)
        return parsed

    def _read(self, path: str, include: Directive | None) -> str | None:
        place = include.place if include else Place(path)
        if path == os.devnull:
            return ""  # httpd reads /dev/null as an empty file
        try:
            return read_text(path, "Apache httpd", "/etc/apache2/apache2.conf")
        except UnreadableFile as exc:
            self._error(place, exc.message, exc.hint)
            return None

    def _error(self, place: Place, message: str, hint: str) -> None:
        self.config.errors.append(InputError(place, message, hint))

    def _note(self, key: str, text: str) -> None:
        if key not in self.noted:
            self.noted.add(key)
            self.config.notes.append(text)

    # Evaluating directives in order

    def _process(
        self, nodes: list[syntax.RawNode], file: str, parent: Directive, depth: int = 0
    ) -> list[Directive]:
        """Evaluate `nodes` in order; `depth` counts the sections and includes around them."""
        if depth > MAX_NESTING:
            self._report_nesting(file, nodes[0].line if nodes else None)
            return []
        out: list[Directive] = []
        for node in nodes:
            text = self._substitute(node.text, file, node.line)
            if node.children is None:
                offset = syntax.comment_word(text)
                if offset is not None:
                    self._report_comment_word(text[offset:], text.split(None, 1)[0], file, node.line)
                    # The rest of the model reads the directive as its author meant it.
                    text = text[:offset]
            words = syntax.split_words(text)
            if not words:
                continue
            name, args = words[0], list(words[1:])
            key = name.lower()
            self._check_spelling(name, node.children is not None, file, node.line)
            self._check_module(key, name, file, node.line)
            if node.children is not None:
                if key in _CONDITIONAL:
                    if self._condition(key, args, file, node.line):
                        out.extend(self._process(node.children, file, parent, depth + 1))
                    continue
                section = Directive(name, args, file, node.line, node.end_line, parent, block=[])
                section.block = self._process(node.children, file, section, depth + 1)
                out.append(section)
                continue
            directive = Directive(name, args, file, node.line, node.end_line, parent)
            if key in ("include", "includeoptional") and args:
                out.extend(
                    self._include(directive, parent, key == "includeoptional", depth + 1)
                )
                continue
            self._act(directive)
            out.append(directive)
        return out

    def _report_nesting(self, file: str, line: int | None) -> None:
        if "nesting" in self.noted:
            return
        self.noted.add("nesting")
        self._error(
            Place(file, line),
            f"sections and includes are nested more than {MAX_NESTING} levels deep here, "
            "deeper than stiglint reads, so the contents were skipped (httpd itself "
            "accepts deeper nesting)",
            "move these directives to a shallower level so that stiglint can check them",
        )

    def _act(self, directive: Directive) -> None:
        key, args = directive.key, directive.args
        if key == "define" and args:
            self.defines[args[0]] = args[1] if len(args) > 1 else ""
        elif key == "undefine" and args:
            self.defines.pop(args[0], None)
        elif key == "loadmodule" and args:
            self.config.modules.add(module_key(args[0]))
        elif key == "serverroot" and args:
            self._server_root(directive, args[0])

    def _server_root(self, directive: Directive, root: str) -> None:
        """Use a ServerRoot only when the main file lies below it.

        A configuration copied out of /etc/apache2 keeps `ServerRoot "/etc/apache2"`,
        and reading that directory would lint the host's files instead of the copy.
        """
        if not os.path.isabs(root):
            # NOTE: a relative ServerRoot is taken as written, relative to the
            # working directory, and only when that directory exists.
            if not self.root_given and os.path.isdir(root):
                self.server_root = root
            return
        main = os.path.realpath(self.main_file)
        real_root = os.path.realpath(root)
        below = main.startswith(real_root.rstrip(os.sep) + os.sep)
        if not below:
            # Absolute Include paths below this root are read from the copy too.
            self.foreign_root = os.path.normpath(root)
        if self.root_given:
            return
        if below and os.path.isdir(root):
            self.server_root = root
        elif not os.path.isdir(root):
            self._note(
                "serverroot",
                f"{directive.place}: ServerRoot {root} does not exist on this machine, so "
                f"relative paths were resolved against {self.server_root}; give the "
                "directory with --prefix",
            )
        else:
            main_directory = os.path.dirname(os.path.abspath(self.main_file))
            which = (
                "the main file's directory"
                if os.path.abspath(self.server_root) == main_directory
                else "the folder above the main file's conf/ directory"
            )
            self._note(
                "serverroot",
                f"{directive.place}: the main file is not below ServerRoot {root}, so the "
                f"files were read from {self.server_root}, {which}, not from {root} on "
                "this machine; give the real server root with --prefix",
            )

    def _report_comment_word(self, words: str, name: str, file: str, line: int) -> None:
        words = words.strip()
        excerpt = words if len(words) <= 60 else words[:57] + "..."
        self._error(
            Place(file, line),
            f"'{excerpt}' after the arguments of {name} is not a comment: httpd passes it "
            f"to {name} as arguments",
            "move the comment to a line of its own: Apache httpd comments must start a line",
        )

    def _check_spelling(self, name: str, is_section: bool, file: str, line: int) -> None:
        """Report a directive name that no module provides but that looks like one that does."""
        if directives.is_known(name):
            return
        suggestion = directives.close_match(name)
        if suggestion is None:
            return  # most likely a third-party module's directive
        opening = "<" if is_section else ""
        self._error(
            Place(file, line),
            f"Invalid command '{opening}{name}' (did you mean {opening}{suggestion}?)",
            "httpd refuses to start on a directive that no module provides: fix the spelling",
        )

    def _check_module(self, key: str, name: str, file: str, line: int) -> None:
        """Report a directive whose module is not loaded, once the tree loads modules."""
        module = _MODULE_OF.get(key)
        if module is None or not self.config.modules_known or module in self.config.modules:
            return
        if f"missing:{module}" in self.noted:
            return
        self.noted.add(f"missing:{module}")
        shown = name.lstrip("<")
        self._error(
            Place(file, line),
            f"Invalid command '{shown}': mod_{module} is not loaded at this point",
            f"httpd refuses to start: load it first with LoadModule {module}_module "
            f"modules/mod_{module}.so (on Debian: a2enmod {module})",
        )

    def _substitute(self, text: str, file: str, line: int) -> str:
        if "${" not in text:
            return text

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in self.defines:
                return self.defines[name]
            self._note(
                f"var:{name}",
                f"{file}:{line}: ${{{name}}} is not set by Define or envvars, so it was "
                "left as written",
            )
            return match.group(0)

        return _VARIABLE.sub(replace, text)

    def _condition(self, key: str, args: list[str], file: str, line: int) -> bool:
        place = f"{file}:{line}"
        if key == "ifmodule":
            return self._if_module(args[0] if args else "", place)
        if key == "ifdefine":
            word = args[0] if args else ""
            negate = word.startswith("!")
            name = word.lstrip("!")
            if name in self.defines:
                return not negate
            self._note(
                f"define:{word}",
                f"{place}: <IfDefine {word}> depends on a name that only the command line "
                "(-D) could define, so its contents were read as if the condition were true",
            )
            return True
        if key == "ifversion":
            return self._if_version(args, place)
        self._note(
            f"{key}:{place}",
            f"{place}: <{key[:2].capitalize()}{key[2:].capitalize()}> cannot be evaluated "
            "here, so its contents were read as if the condition were true",
        )
        return True

    def _if_module(self, word: str, place: str) -> bool:
        negate = word.startswith("!")
        name = module_key(word.lstrip("!"))
        if name in BUILT_IN_MODULES or name in self.config.modules:
            return not negate
        if self.config.modules_known:
            return negate
        self._note(
            f"module:{name}",
            f"{place}: no MPM module has been loaded at this point, so the modules are "
            f"not all known and <IfModule {word}> was read as if the condition were true",
        )
        return True

    def _if_version(self, args: list[str], place: str) -> bool:
        if not args:
            return True
        operator, wanted = ("=", args[0]) if len(args) == 1 else (args[0], args[1])
        negate = operator.startswith("!")
        operator = operator.lstrip("!")
        actual = str(self.version)
        if operator == "~" or (wanted.startswith("/") and wanted.endswith("/") and len(wanted) > 1):
            pattern = wanted.strip("/") if operator != "~" else wanted
            try:
                result = re.search(pattern, actual) is not None
            except re.error:
                return True
        else:
            try:
                parts = Version.parse(wanted).parts
            except ValueError:
                return True
            mine = self.version.parts[: len(parts)]
            result = {
                "=": mine == parts, "==": mine == parts, ">": mine > parts,
                ">=": mine >= parts, "<": mine < parts, "<=": mine <= parts,
            }.get(operator, True)
        if not self.version_given:
            self._note(
                f"version:{place}",
                f"{place}: <IfVersion {' '.join(args)}> was evaluated for Apache httpd "
                f"{actual}, the assumed release; give the real one with --apache-version",
            )
        return result != negate

    def _include(
        self, include: Directive, parent: Directive, optional: bool, depth: int
    ) -> list[Directive]:
        pattern = include.args[0]
        if not os.path.isabs(pattern):
            pattern = os.path.join(self.server_root, pattern)
        elif self.foreign_root and os.path.normpath(pattern).startswith(self.foreign_root + os.sep):
            rest = os.path.relpath(os.path.normpath(pattern), self.foreign_root)
            pattern = os.path.join(self.server_root, rest)
            self._note(
                "foreign-include",
                f"{include.place}: Include paths below ServerRoot {self.foreign_root} were read "
                f"below {self.server_root}, such as {pattern}; give the real server root with "
                "--prefix",
            )
        if glob.has_magic(pattern):
            # Pipes and devices are kept so that reading them reports an error, as
            # httpd does; directories are left out.
            paths = [
                path for path in sorted(glob.glob(pattern))
                if os.path.exists(path) and not os.path.isdir(path)
            ]
            if not paths and not optional:
                self._error(
                    include.place,
                    f"Include wildcard {pattern} matches no file",
                    "httpd refuses to start: fix the path or use IncludeOptional",
                )
        elif os.path.isdir(pattern):
            paths = _files_below(pattern)
        elif os.path.exists(pattern):
            paths = [pattern]
        else:
            paths = []
            if not optional:
                self._error(
                    include.place,
                    f"Include file {pattern} not found",
                    "httpd refuses to start: create it, fix the path or use IncludeOptional",
                )

        spliced: list[Directive] = []
        for path in paths:
            key = os.path.realpath(path)
            if key in self.stack or len(self.stack) >= _MAX_INCLUDE_DEPTH:
                chain = " -> ".join(os.path.basename(p) for p in [*self.stack, key])
                self._error(include.place, f"include cycle: {chain}",
                            "remove the Include that leads back to a file already open")
                continue
            parsed = self._parse(path, include)
            if parsed is None:
                continue
            self.stack.append(key)
            spliced.extend(self._process(parsed.nodes, path, parent, depth))
            self.stack.pop()
        return spliced


def _files_below(directory: str) -> list[str]:
    """List the files below a directory as httpd reads them: entries sorted, depth first.

    A directory reached a second time through a symbolic link is not read again.
    """
    found: list[str] = []
    seen: set[str] = set()
    # One iterator over sorted entries per open directory, innermost last.
    stack = [iter(_sorted_entries(directory, seen))]
    while stack:
        path = next(stack[-1], None)
        if path is None:
            stack.pop()
        elif os.path.isdir(path):
            stack.append(iter(_sorted_entries(path, seen)))
        elif os.path.exists(path):
            found.append(path)
    return found


def _sorted_entries(directory: str, seen: set[str]) -> list[str]:
    real = os.path.realpath(directory)
    if real in seen:
        return []
    seen.add(real)
    try:
        return [os.path.join(directory, name) for name in sorted(os.listdir(directory))]
    except OSError:
        return []


def load(
    path: str, server_root: str | None = None, version: Version = Version((2, 4, 62)),
    version_given: bool = False,
) -> Config:
    """Parse the configuration whose main file is `path`, following its includes."""
    return _Loader(path, server_root, version, version_given).load()
