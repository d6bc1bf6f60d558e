"""stiglint's typed model of an Apache httpd configuration.

The loader evaluates `Define`, `${VAR}`, `Include`/`IncludeOptional` and the
conditional sections (`<IfModule>`, `<IfDefine>`, `<IfVersion>` and the like) as
httpd does while it reads its configuration, so the tree holds only what httpd
would act on. Every directive keeps the file and line it was written at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from stiglint.findings import InputError, Place


@dataclass(eq=False)
class Directive:
    # The name as written; `key` is the lower-case form used for lookups.
    name: str
    args: list[str]
    file: str
    line: int
    # The closing tag's line for a section, else the directive's last line.
    end_line: int
    parent: Directive | None = None
    # The directives inside a section; None for a plain directive.
    block: list[Directive] | None = None
    # The lower-case name, used for lookups.
    key: str = field(init=False, repr=False)
    # The block's directives by key, built on the first lookup; the loader
    # finishes a block before anything looks into it.
    _by_key: dict[str, list[Directive]] | None = field(default=None, init=False, repr=False)
    _by_names: dict[tuple[str, ...], list[Directive]] | None = field(
        default=None, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.key = self.name.lower()

    @property
    def place(self) -> Place:
        return Place(self.file, self.line)

    @property
    def is_section(self) -> bool:
        return self.block is not None

    def children(self, name: str) -> list[Directive]:
        """Return the directives of this section named `name` (any case), in order."""
        if self._by_key is None:
            self._by_key = {}
            for child in self.block or ():
                self._by_key.setdefault(child.key, []).append(child)
        return self._by_key.get(name.lower(), [])

    def children_in(self, *names: str) -> list[Directive]:
        """Return the directives of this section named any of `names`, in order."""
        if self._by_names is None:
            self._by_names = {}
        if names not in self._by_names:
            wanted = {name.lower() for name in names}
            self._by_names[names] = [child for child in self.block or () if child.key in wanted]
        return self._by_names[names]

    def child(self, name: str) -> Directive | None:
        """Return the last directive named `name` in this section: the one httpd uses."""
        found = self.children(name)
        return found[-1] if found else None

    def walk(self) -> Iterator[Directive]:
        """Yield every directive below this one, depth first, in configuration order."""
        # An explicit stack instead of recursion, so deep nesting cannot exhaust it.
        stack = [iter(self.block or ())]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            yield child
            if child.block:
                stack.append(iter(child.block))

    def source(self) -> str:
        """Return the directive as one line of configuration text."""
        words = " ".join([self.name, *(_quote(arg) for arg in self.args)])
        return f"<{words}>" if self.is_section else words

    def label(self) -> str:
        """Return a short description such as `<Location /api/>` for messages."""
        if self.is_section:
            return f"<{' '.join([self.name, *self.args])}>"
        return self.source()

    def __repr__(self) -> str:
        return f"<Directive {self.source()} at {self.file}:{self.line}>"


def _quote(arg: str) -> str:
    if not arg or any(char.isspace() or char in "\"'" for char in arg):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


@dataclass
class Config:
    """A parsed Apache httpd configuration rooted at one main file."""

    main_file: str
    # A synthetic section whose children are the main server's directives.
    root: Directive
    files: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Comments by file: (line, text after "#").
    comments: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # (first line, last line) of every section, by file.
    blocks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Module names from `LoadModule` (such as "proxy_wstunnel_module").
    modules: set[str] = field(default_factory=set)

    @property
    def modules_known(self) -> bool:
        """Return whether `modules` is the whole set: a main tree loads an MPM module.

        Debian and RHEL build every MPM as a loadable module, so a tree without an
        MPM LoadModule is a fragment whose other modules are loaded elsewhere.
        """
        return any(name.startswith("mpm_") for name in self.modules)

    def virtual_hosts(self) -> list[Directive]:
        return [d for d in self.root.block or () if d.key == "virtualhost" and d.is_section]
