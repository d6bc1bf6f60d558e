"""HAProxy value syntax: times and sizes, parsed as HAProxy parses them.

Times (HAProxy configuration manual, "Time format"): an integer with an optional
unit us, ms, s, m, h or d; a bare number is milliseconds. Sizes ("Size format"):
an integer with an optional k, m or g suffix in powers of 1024, any case.
"""

from __future__ import annotations

import re

_TIME = re.compile(r"(\d+)(us|ms|s|m|h|d)?")
_TIME_UNITS = {
    "us": 1e-6,
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    None: 0.001,
}
_SIZE = re.compile(r"(\d+)([kmgKMG]?)")
_SIZE_FACTORS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_time(text: str) -> float | None:
    """Return the time in seconds, or None when HAProxy would reject the value."""
    match = _TIME.fullmatch(text)
    if not match:
        return None
    return int(match.group(1)) * _TIME_UNITS[match.group(2)]


def is_unitless(text: str) -> bool:
    return text.isdigit()


def parse_size(text: str) -> int | None:
    """Return the size in bytes, or None when it is not a HAProxy size."""
    match = _SIZE.fullmatch(text)
    if not match:
        return None
    return int(match.group(1)) * _SIZE_FACTORS[match.group(2).lower()]


def format_seconds(seconds: float) -> str:
    """Format a duration in HAProxy syntax with an explicit unit ("3600s", "500ms")."""
    if seconds < 1 or seconds != int(seconds):
        return f"{round(seconds * 1000)}ms"
    return f"{int(seconds)}s"


def format_size(size: int) -> str:
    """Format a byte count for a message, such as "100 MiB" or "1536 bytes"."""
    for suffix, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size and size % factor == 0:
            return f"{size // factor} {suffix}"
    return f"{size} bytes"
