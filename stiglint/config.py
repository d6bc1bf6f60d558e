"""Configuration files: `.stiglint.toml` or `[tool.stiglint]` in `pyproject.toml`.

The file is found by searching upward from the current directory, or named with
`--config`. In each directory `.stiglint.toml` wins over `pyproject.toml`, and a
`pyproject.toml` without a `[tool.stiglint]` table is passed over. Paths in the
file (`entry`, `prefix`) are relative to the directory that contains the file.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stiglint import catalogue
from stiglint.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SERVERS = ("nginx", "apache", "haproxy")
FAIL_ON = ("error", "warning", "info", "never")

_SIZE = re.compile(r"\s*(\d+)\s*([kmg]?)b?\s*", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_TIME = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*", re.IGNORECASE)
_TIME_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(Exception):
    """A configuration value that is missing, unknown or invalid."""


@dataclass
class Options:
    """Everything a user can set, before it is turned into a lint run.

    `None` means "not set here", so that command-line values can be laid over
    file values key by key.
    """

    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: str | None = None
    mounts: list[str] | None = None
    entry: list[str] | None = None
    server: str | None = None
    prefix: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    body_size_min: int | None = None
    timeout_error: float | None = None
    timeout_warning: float | None = None
    # The file these options came from, for messages; None for the command line.
    source: str | None = None

    def merged(self, override: Options) -> Options:
        """Return these options with every value that `override` sets replaced."""
        result = Options(**vars(self))
        for name, value in vars(override).items():
            if name == "source":
                continue
            if name in ("severity", "versions"):
                result_value = dict(getattr(result, name))
                result_value.update(value)
                setattr(result, name, result_value)
            elif value is not None:
                setattr(result, name, value)
        return result


def find(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the nearest configuration file at or above `start` (default: cwd)."""
    directory = Path(start or os.getcwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / ".stiglint.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = _read_toml(path)
    except ConfigError:
        # A broken pyproject.toml that mentions stiglint must not be skipped silently.
        try:
            return "tool.stiglint" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "stiglint" in data["tool"]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: invalid TOML: byte {exc.start} is not UTF-8; save the file as UTF-8"
        ) from None


def load(path: str | os.PathLike[str]) -> Options:
    """Read and check one configuration file; raise ConfigError naming key and file."""
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("stiglint") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"{path}: no [tool.stiglint] table")
        prefix = "tool.stiglint."
    else:
        table = data
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {prefix.rstrip('.') or 'the file'} must be a table")
    return parse_table(table, path, prefix)


def parse_table(table: dict[str, Any], path: Path, prefix: str = "") -> Options:
    """Check a configuration table and turn it into Options."""
    base = path.resolve().parent
    options = Options(source=str(path))
    where = f"in {path}"
    for key, value in table.items():
        name = prefix + key
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {name!r}{_suggest(key, _KEYS)}")
        _KEYS[key](options, value, name, where, base)
    return options


def _suggest(word: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(word.replace("_", "-"), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _list_of_strings(value: Any, name: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {name} must be a list of strings, got {value!r}")
    return value


def rule_selectors(values: list[str], name: str, where: str) -> list[str]:
    """Check rule ids or family names and return them in canonical spelling."""
    checked = []
    for value in values:
        word = value.strip()
        if word.upper() in catalogue.BY_ID:
            checked.append(word.upper())
        elif word.lower() in catalogue.FAMILIES:
            checked.append(word.lower())
        else:
            hint = _suggest(word.upper(), catalogue.BY_ID) or _suggest(
                word.lower(), catalogue.FAMILIES
            )
            raise ConfigError(
                f"{where}: {name}: unknown rule or family {value!r}{hint}; "
                "`stiglint rules` lists them"
            )
    return checked


def _set_select(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.select = rule_selectors(_list_of_strings(value, name, where), name, where)


def _set_ignore(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    ignored = rule_selectors(_list_of_strings(value, name, where), name, where)
    if "INPUT-ERROR" in ignored or "input" in ignored:
        raise ConfigError(
            f"{where}: {name}: INPUT-ERROR cannot be ignored, because a configuration "
            "that cannot be read would then look clean"
        )
    options.ignore = ignored


def _set_severity(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    if not isinstance(value, dict):
        raise ConfigError(
            f'{where}: {name} must be a table such as {{ "TIMEOUT-MISSING" = "error" }}'
        )
    for rule_id, level in value.items():
        options.severity[check_rule_id(rule_id, f"{name}.{rule_id}", where)] = (
            parse_severity(level, f"{name}.{rule_id}", where)
        )


def check_rule_id(rule_id: str, name: str, where: str) -> str:
    """Return `rule_id` in canonical spelling; raise ConfigError if it is unknown."""
    if not isinstance(rule_id, str) or rule_id.upper() not in catalogue.BY_ID:
        raise ConfigError(
            f"{where}: {name}: unknown rule {rule_id!r}{_suggest(str(rule_id).upper(), catalogue.BY_ID)}"
        )
    return rule_id.upper()


def parse_severity(value: Any, name: str, where: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be error, warning or info, got {value!r}")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {name}: {exc}") from None


def _set_fail_on(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.fail_on = parse_fail_on(value, name, where)


def parse_fail_on(value: Any, name: str, where: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in FAIL_ON:
        raise ConfigError(
            f"{where}: {name} must be one of {', '.join(FAIL_ON)}, got {value!r}"
        )
    return value.strip().lower()


def _set_mounts(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.mounts = [
        normalise_mount(mount, name, where) for mount in _list_of_strings(value, name, where)
    ]


def normalise_mount(value: str, name: str, where: str) -> str:
    """Return a mount path with its trailing slash; raise ConfigError if not absolute."""
    if not value.startswith("/"):
        raise ConfigError(
            f"{where}: {name}: mount path {value!r} must start with '/', such as /stigman/"
        )
    return value if value.endswith("/") else value + "/"


def _set_entry(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.entry = [
        str(base / entry) for entry in _list_of_strings(value, name, where)
    ]


def _set_server(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    if not isinstance(value, str) or value.lower() not in SERVERS:
        raise ConfigError(f"{where}: {name} must be one of {', '.join(SERVERS)}, got {value!r}")
    options.server = value.lower()


def _set_prefix(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: {name} must be a directory path, got {value!r}")
    options.prefix = str(base / value)


def _set_versions(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    from stiglint.settings import Version

    if not isinstance(value, dict):
        raise ConfigError(f'{where}: {name} must be a table such as {{ nginx = "1.24.0" }}')
    for server, text in value.items():
        key = f"{name}.{server}"
        if server not in SERVERS:
            raise ConfigError(
                f"{where}: unknown key {key!r}: servers are {', '.join(SERVERS)}"
            )
        if not isinstance(text, str):
            raise ConfigError(f'{where}: {key} must be a string such as "1.24.0", got {text!r}')
        try:
            Version.parse(text)
        except ValueError as exc:
            raise ConfigError(f"{where}: {key}: {exc}") from None
        options.versions[server] = text


def _set_body_size(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.body_size_min = parse_size(value, name, where)


def parse_size(value: Any, name: str, where: str) -> int:
    """Parse a byte count: an integer, or a string such as "100m" (k, m, g: 1024-based)."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: {name} must be a size such as \"100m\", got {value!r}")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str) and (match := _SIZE.fullmatch(value)):
        size = int(match.group(1)) * _SIZE_UNITS[match.group(2).lower()]
    else:
        raise ConfigError(
            f'{where}: {name} must be a size such as "100m" or a byte count, got {value!r}'
        )
    if size <= 0:
        raise ConfigError(f"{where}: {name} must be greater than 0, got {value!r}")
    return size


def _set_timeout_error(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.timeout_error = parse_seconds(value, name, where)


def _set_timeout_warning(options: Options, value: Any, name: str, where: str, base: Path) -> None:
    options.timeout_warning = parse_seconds(value, name, where)


def parse_seconds(value: Any, name: str, where: str) -> float:
    """Parse a duration: a number of seconds, or a string such as "30s", "1h" or "500ms"."""
    if isinstance(value, bool):
        raise ConfigError(f'{where}: {name} must be a duration such as "30s", got {value!r}')
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and (match := _TIME.fullmatch(value)):
        seconds = float(match.group(1)) * _TIME_UNITS[(match.group(2) or "s").lower()]
    else:
        raise ConfigError(
            f'{where}: {name} must be a duration such as "30s" or a number of seconds, '
            f"got {value!r}"
        )
    if seconds <= 0:
        raise ConfigError(f"{where}: {name} must be greater than 0, got {value!r}")
    return seconds


_KEYS = {
    "select": _set_select,
    "ignore": _set_ignore,
    "severity": _set_severity,
    "fail-on": _set_fail_on,
    "mounts": _set_mounts,
    "entry": _set_entry,
    "server": _set_server,
    "prefix": _set_prefix,
    "versions": _set_versions,
    "body-size-min": _set_body_size,
    "timeout-error": _set_timeout_error,
    "timeout-warning": _set_timeout_warning,
}
