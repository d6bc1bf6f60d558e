"""The result types every server adapter returns: findings, input errors, targets."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Finding severity; a higher value is more severe."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"invalid severity {text!r}: expected one of {names}") from None


@dataclass(frozen=True)
class Place:
    """A position in a configuration file. Lines and columns start at 1."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Finding:
    """One problem at one place. Findings at different places are never merged."""

    rule: str
    severity: Severity
    place: Place
    message: str
    fix: str = ""
    # Request paths of the STIG Manager endpoints this finding breaks.
    endpoints: tuple[str, ...] = ()
    end_line: int | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.place.file, self.place.line or 0, self.rule, self.message)


@dataclass(frozen=True)
class InputError:
    """Input that could not be read or parsed: the server would reject it too."""

    place: Place
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass(frozen=True)
class Target:
    """A proxy block taken as serving STIG Manager, and why."""

    place: Place
    description: str
    reason: str
    mount: str | None = None


@dataclass
class Report:
    """The result of linting one configuration."""

    server: str
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Line ranges of blocks (sections) by file: (first line, last line), so that a
    # suppression comment above a block can cover everything inside it.
    blocks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def extend(self, other: Report) -> None:
        self.files.extend(f for f in other.files if f not in self.files)
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        self.targets.extend(other.targets)
        self.notes.extend(other.notes)
        for file, ranges in other.blocks.items():
            self.blocks.setdefault(file, []).extend(ranges)
