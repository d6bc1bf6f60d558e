"""Reading HAProxy configuration files into sections, as `haproxy -f` does.

Several paths are read in order, as with `haproxy -f a -f b`, and a directory
stands for its `*.cfg` files in name order. A section ends where the next one
starts or at the end of its file. The `defaults` section in force carries over
from one file to the next, which `proxies` resolves later.
"""

from __future__ import annotations

import os

from stiglint.files import UnreadableFile, read_text
from stiglint.findings import InputError, Place
from stiglint.haproxy.model import PROXY_KINDS, SECTION_KINDS, Config, Keyword, Section
from stiglint.haproxy.syntax import (
    ConditionError,
    LineError,
    evaluate_condition,
    split_line,
)

_CONDITIONAL = frozenset({".if", ".elif", ".else", ".endif"})
# Directives HAProxy reports or ignores at load time. They never change sections.
_DIAGNOSTICS = frozenset({".notice", ".warning", ".alert", ".diag", ".line"})


def expand_paths(paths: list[str], config: Config) -> list[str]:
    """Return the files to read: each file as given, each directory's `*.cfg` sorted."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                name
                for name in os.listdir(path)
                if name.endswith(".cfg") and os.path.isfile(os.path.join(path, name))
            )
            if not found:
                config.errors.append(
                    InputError(
                        Place(path),
                        "no *.cfg file found in the directory",
                        "give a configuration file or a directory of *.cfg files",
                    )
                )
            files.extend(os.path.join(path, name) for name in found)
        else:
            files.append(path)
    return files


def load(
    paths: list[str],
    version: tuple[int, ...] | None = None,
    version_assumed: bool = False,
) -> Config:
    """Read the configuration made of `paths`, reporting problems as InputErrors.

    `version` decides `.if version_atleast(...)` blocks, and None leaves them
    undecided. With `version_assumed`, each block it decides gets a note.
    """
    config = Config()
    for path in expand_paths(paths, config):
        text = _read(path, config)
        if text is None:
            continue
        config.files.append(path)
        _FileReader(path, config, version, version_assumed).read(text)
    return config


def _read(path: str, config: Config) -> str | None:
    try:
        return read_text(path, "HAProxy", "/etc/haproxy/haproxy.cfg")
    except UnreadableFile as exc:
        config.errors.append(InputError(Place(path), exc.message, exc.hint))
        return None


def _names_version(args: tuple[str, ...]) -> bool:
    return any("version_atleast(" in word or "version_before(" in word for word in args)


class _Branch:
    """One `.if` block being read: whether its current lines are kept."""

    def __init__(self, place: Place, value: bool | None) -> None:
        self.place = place
        # True keeps the lines, False skips them, and None (undecided) keeps them.
        self.value = value
        # Whether an earlier branch of the block was taken: "no", "maybe", "yes".
        self.taken = _TAKEN[value]
        self.seen_else = False

    def next_branch(self, value: bool | None) -> None:
        """Move to an `.elif` or `.else` branch whose own condition is `value`."""
        if self.taken == "yes":
            self.value = False
            return
        if self.taken == "maybe":
            self.value = False if value is False else None
            if value is True:
                self.taken = "yes"
            return
        self.value = value
        self.taken = _TAKEN[value]


_TAKEN = {True: "yes", None: "maybe", False: "no"}


class _FileReader:
    def __init__(
        self,
        path: str,
        config: Config,
        version: tuple[int, ...] | None,
        version_assumed: bool = False,
    ) -> None:
        self.path = path
        self.config = config
        self.version = version
        self.version_assumed = version_assumed
        self.section: Section | None = None
        self.branches: list[_Branch] = []
        self.env_lines: list[int] = []

    def error(
        self, line: int, message: str, hint: str = "", column: int | None = None
    ) -> None:
        self.config.errors.append(
            InputError(Place(self.path, line, column), message, hint)
        )

    def read(self, text: str) -> None:
        # HAProxy ends lines at LF only; a CR before it is dropped.
        for number, raw in enumerate(text.split("\n"), start=1):
            raw = raw.removesuffix("\r")
            try:
                words = split_line(raw)
            except LineError as exc:
                self.error(
                    number,
                    str(exc),
                    "close the quote or escape it with a backslash",
                    exc.column,
                )
                continue
            if not words.words:
                continue
            if words.has_env:
                self.env_lines.append(number)
            name = words.words[0]
            if name in _CONDITIONAL:
                self.conditional(number, name, words.words[1:])
                continue
            if any(branch.value is False for branch in self.branches):
                # Lines of a skipped branch are still split above: HAProxy splits
                # them too, to find where the block ends.
                continue
            if name in _DIAGNOSTICS:
                continue
            self.keyword(number, words.words)
        for branch in self.branches:
            self.error(
                branch.place.line or 0,
                ".if block has no matching .endif",
                "add .endif where the block ends",
            )
        if self.env_lines:
            lines = ", ".join(str(line) for line in self.env_lines[:5])
            more = " and more" if len(self.env_lines) > 5 else ""
            noun = "line" if len(self.env_lines) == 1 else "lines"
            self.config.notes.append(
                f"{self.path}: {noun} {lines}{more} refer to environment variables, which "
                "HAProxy expands at startup; stiglint read them as written, so checks "
                "that need their values were skipped"
            )

    def conditional(self, number: int, name: str, args: tuple[str, ...]) -> None:
        place = Place(self.path, number)
        if name == ".if":
            self.branches.append(_Branch(place, self.evaluate(number, args)))
            return
        if not self.branches:
            self.error(
                number, f"{name} without a matching .if", "remove it or add the .if"
            )
            return
        branch = self.branches[-1]
        if name == ".endif":
            self.branches.pop()
            return
        if branch.seen_else:
            self.error(
                number,
                f"{name} after .else in the same .if block",
                "move the .else branch last",
            )
            return
        if name == ".else":
            branch.seen_else = True
            branch.next_branch(True)
        else:
            branch.next_branch(self.evaluate(number, args))

    def evaluate(self, number: int, args: tuple[str, ...]) -> bool | None:
        try:
            value = evaluate_condition(args, self.version)
        except ConditionError as exc:
            self.error(
                number,
                f"invalid .if condition: {exc}",
                "use predicates such as defined(NAME) or version_atleast(2.6)",
            )
            return False
        if value is None:
            self.config.notes.append(
                f"{self.path}:{number}: the condition {' '.join(args)!r} depends on the "
                "machine HAProxy runs on, so stiglint read every branch of this block"
            )
        elif self.version_assumed and self.version and _names_version(args):
            release = ".".join(str(part) for part in self.version)
            self.config.notes.append(
                f"{self.path}:{number}: the condition {' '.join(args)!r} was evaluated "
                f"for HAProxy {release}, the assumed release; give the real one with "
                "--haproxy-version"
            )
        return value

    def keyword(self, number: int, words: tuple[str, ...]) -> None:
        name, args = words[0], words[1:]
        place = Place(self.path, number)
        if name in SECTION_KINDS:
            self.section = self.start_section(name, args, place)
            self.config.sections.append(self.section)
            return
        if self.section is None:
            self.error(
                number,
                f"keyword {name!r} is outside any section",
                "put it under a section such as global, defaults, frontend or backend",
            )
            return
        self.section.keywords.append(Keyword(name, args, place))

    def start_section(self, kind: str, args: tuple[str, ...], place: Place) -> Section:
        name: str | None = args[0] if args else None
        parent = None
        rest = args[1:]
        if kind == "defaults" and name == "from":
            name, rest = None, args
        if rest[:1] == ("from",):
            if len(rest) < 2:
                self.error(
                    place.line or 0,
                    f"{kind} {name or ''}: 'from' needs a defaults name".replace(
                        "  ", " "
                    ),
                    "write 'from <defaults name>'",
                )
            else:
                parent = rest[1]
        if kind in PROXY_KINDS and name is None:
            self.error(
                place.line or 0, f"{kind} section has no name", f"write '{kind} <name>'"
            )
        return Section(kind, name, parent, place)
