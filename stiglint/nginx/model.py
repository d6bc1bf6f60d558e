"""stiglint's own typed model of an nginx configuration.

crossplane's payload is converted once, in `loader`, into `Directive` objects that
carry their file, line, normalised arguments and enclosing block. `include`
directives are replaced by the directives of the files they name, as nginx splices
them in place, and each spliced directive remembers the include that brought it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from stiglint.findings import InputError, Place


@dataclass(eq=False, slots=True)
class Directive:
    name: str
    args: list[str]
    file: str
    line: int
    parent: Directive | None = None
    # The directives inside `{ ... }`; None for a simple directive.
    block: list[Directive] | None = None
    # The `include` directive that spliced this one in, if any.
    included_by: Directive | None = None

    @property
    def place(self) -> Place:
        return Place(self.file, self.line)

    # Directives of the block by name, built on first use once the tree is complete.
    _index: dict[str, list[Directive]] | None = field(default=None, repr=False)
    # Values computed from this block by later stages, such as its locations.
    _derived: dict | None = field(default=None, repr=False)

    @property
    def derived(self) -> dict:
        if self._derived is None:
            self._derived = {}
        return self._derived

    def children(self, name: str) -> list[Directive]:
        """Return the directives of this block named `name`, in file order."""
        if not self.block:
            return []
        if self._index is None:
            index: dict[str, list[Directive]] = {}
            for child in self.block:
                index.setdefault(child.name, []).append(child)
            self._index = index
        return self._index.get(name, [])

    def child(self, name: str) -> Directive | None:
        """Return the last directive named `name` in this block, as nginx uses."""
        found = self.children(name)
        return found[-1] if found else None

    def ancestors(self) -> Iterator[Directive]:
        """Yield the enclosing blocks, innermost first."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self) -> Iterator[Directive]:
        """Yield every directive below this one, depth first, in file order."""
        for child in self.block or ():
            yield child
            yield from child.walk()

    def source(self) -> str:
        """Return the directive as one line of nginx text (without its block)."""
        words = [self.name, *(_quote(arg) for arg in self.args)]
        return " ".join(words) + (" {" if self.block is not None else ";")

    def __repr__(self) -> str:
        return f"<Directive {self.source()} at {self.file}:{self.line}>"


def _quote(arg: str) -> str:
    if not arg or any(char.isspace() or char in ';{}"\'' for char in arg):
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return arg


@dataclass
class Config:
    """A parsed nginx configuration tree rooted at one main file."""

    main_file: str
    # A synthetic block whose children are the main file's top-level directives.
    root: Directive
    files: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    # Comments by file: (line, text after "#").
    comments: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # Line ranges of blocks by file: (first line, last line).
    blocks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # Remarks about how the tree was read, for the report's notes.
    notes: list[str] = field(default_factory=list)
    # True when the main file was a fragment and was placed inside `http`.
    fragment: bool = False
