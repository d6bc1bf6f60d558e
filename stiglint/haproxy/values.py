"""HAProxy time values, parsed as HAProxy parses them, and message formatting.

Times (HAProxy configuration manual, "Time format"): an integer with an optional
unit us, ms, s, m, h or d; a bare number is milliseconds. The sizes stiglint
reads (ACL integers, tune.bufsize) are plain byte counts, checked in `validate`.
"""

from __future__ import annotations

import re

_TIME_UNITS = {
    "us": 1e-6,
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "": 0.001,
}
_TIME = re.compile(r"(\d+)(us|ms|s|m|h|d|)(.*)", re.DOTALL)
# HAProxy keeps timers in milliseconds in a signed 32-bit integer.
MAX_TIME_MS = 2**31 - 1


def time_error(text: str) -> str | None:
    """Return why HAProxy rejects `text` as a time, in its wording, or None if valid.

    The wording is that of HAProxy 2.6.12's `haproxy -c` for a `timeout` line.
    """
    match = _TIME.fullmatch(text)
    if match is None:
        if not text:
            return "expects an integer value (in milliseconds)"
        return f"unexpected character {text[0]!r}"
    digits, unit = match.group(1), match.group(2)
    if not unit and match.group(3):
        # A character that starts no unit, such as "S" in "3600S" or "." in "1.5h".
        return f"unexpected character {match.group(3)[0]!r}"
    milliseconds = int(digits) * _TIME_UNITS[unit] * 1000
    if milliseconds > MAX_TIME_MS:
        return (
            f"timer overflow in argument {text!r} "
            "(maximum value is 2147483647 ms or ~24.8 days)"
        )
    return None


def time_trailer(text: str) -> str:
    """Return the characters after a valid time's unit, which HAProxy 2.6 ignores.

    HAProxy 2.6.12 accepts "1h30m" as one hour and warns that such trailing
    characters will become an error in a later release.
    """
    match = _TIME.fullmatch(text)
    if match is None or not match.group(2):
        return ""
    return match.group(3)


def parse_time(text: str) -> float | None:
    """Return the time in seconds, or None when HAProxy would reject the value."""
    if time_error(text) is not None:
        return None
    match = _TIME.fullmatch(text)
    assert match is not None
    return int(match.group(1)) * _TIME_UNITS[match.group(2)]


def is_unitless(text: str) -> bool:
    return text.isdigit()


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
