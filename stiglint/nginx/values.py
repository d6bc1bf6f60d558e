"""nginx value syntax: sizes and times, parsed as nginx itself parses them.

Sizes follow ngx_parse_offset (src/core/ngx_parse.c): a decimal number with an
optional k/K, m/M or g/G suffix, powers of 1024. Times follow ngx_parse_time:
units ms, s, m, h, d, w, M (30 days) and y (365 days), combined largest first
("1h 30m"), and a bare number is seconds.
"""

from __future__ import annotations

import re

_SIZE = re.compile(r"(\d+)([kKmMgG]?)")
_SIZE_FACTORS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}

# Seconds per unit; "ms" is matched before "m".
_TIME_UNITS = (
    ("y", 365 * 86400),
    ("M", 30 * 86400),
    ("w", 7 * 86400),
    ("d", 86400),
    ("h", 3600),
    ("ms", 0.001),
    ("m", 60),
    ("s", 1),
)
_TIME_PART = re.compile(r"(\d+)(ms|[yMwdhms]?)")


def parse_size(text: str) -> int | None:
    """Return the size in bytes, or None when nginx would reject the value."""
    match = _SIZE.fullmatch(text.strip())
    if not match:
        return None
    return int(match.group(1)) * _SIZE_FACTORS[match.group(2).lower()]


def parse_time(text: str) -> float | None:
    """Return the time in seconds, or None when nginx would reject the value."""
    text = text.strip()
    if not text:
        return None
    order = [unit for unit, _ in _TIME_UNITS]
    total = 0.0
    last_rank = -1
    position = 0
    # ngx_parse_time accepts spaces between parts ("1h 30m").
    for match in _TIME_PART.finditer(text):
        if text[position : match.start()].strip():
            return None
        number, unit = match.groups()
        if not unit:
            # A bare number is seconds, and only valid as the last part.
            if match.end() != len(text.rstrip()):
                return None
            unit = "s"
        rank = order.index(unit)
        if rank <= last_rank:
            return None
        last_rank = rank
        total += int(number) * dict(_TIME_UNITS)[unit]
        position = match.end()
    if position == 0 or text[position:].strip():
        return None
    return total


def format_seconds(seconds: float) -> str:
    """Format a duration in nginx syntax: whole seconds ("3600s") or "500ms"."""
    if seconds < 1 or seconds != int(seconds):
        return f"{round(seconds * 1000)}ms"
    return f"{int(seconds)}s"


def format_size(size: int) -> str:
    for suffix, factor in (("g", 1024**3), ("m", 1024**2), ("k", 1024)):
        if size and size % factor == 0:
            return f"{size // factor}{suffix}"
    return str(size)
