"""Values and names that `nginx -t` rejects in the directives stiglint reads.

crossplane runs with its argument and context checks off, so that fragments and
third-party modules parse. This pass restores the checks that matter for the
rules. It reports a misspelled directive, which nginx rejects and which would
silently leave a default in force. It also reports a value that does not parse
as nginx's size or time, a flag that is not on or off, and a directive repeated
in one block where nginx rejects duplicates.
"""

from __future__ import annotations

from crossplane.analyzer import DIRECTIVES

from stiglint.findings import InputError
from stiglint.nginx.model import Directive
from stiglint.nginx.values import parse_size, parse_time

# Blocks whose contents are data, not directives.
_DATA_BLOCKS = frozenset({"map", "types", "geo", "split_clients", "charset_map", "match"})

# Directives newer than crossplane's table (nginx CHANGES): they are not typos.
_NEWER = frozenset(
    {
        "http2", "http3", "quic_retry", "quic_gso", "quic_host_key", "quic_bpf",
        "ssl_reject_handshake", "ssl_conf_command", "ssl_key_log", "ssl_object_cache_inheritable",
        "add_header_inherit", "add_trailer", "proxy_pass_trailers", "proxy_ssl_key_log",
        "keepalive_time", "keepalive_min_timeout", "early_hints", "mp4_start_key_frame",
        "proxy_half_close", "uwsgi_socket_keepalive", "resolver_file",
    }
)
KNOWN = frozenset(DIRECTIVES) | _NEWER

# The directives whose values decide STIG Manager findings; a near miss of one of
# these names is almost surely a typo.
_WATCHED = (
    "location", "server", "upstream", "map", "include", "listen", "server_name",
    "proxy_pass", "proxy_set_header", "proxy_http_version", "proxy_read_timeout",
    "proxy_send_timeout", "proxy_connect_timeout", "proxy_buffering",
    "proxy_ignore_headers", "proxy_cache", "proxy_hide_header", "proxy_pass_header",
    "client_max_body_size", "gzip", "gzip_types", "ssl_verify_client",
    "ssl_client_certificate", "ssl_verify_depth", "add_header", "keepalive_timeout",
)

_SIZES = frozenset({"client_max_body_size", "proxy_max_temp_file_size"})
_TIMES = frozenset(
    {
        "proxy_read_timeout", "proxy_send_timeout", "proxy_connect_timeout",
        "client_body_timeout", "client_header_timeout", "send_timeout",
        "keepalive_timeout", "resolver_timeout",
    }
)
_FLAGS = frozenset({"proxy_buffering", "proxy_request_buffering", "gzip", "chunked_transfer_encoding"})
_ENUMS = {
    "proxy_http_version": ("1.0", "1.1", "2"),
    "ssl_verify_client": ("on", "off", "optional", "optional_no_ca"),
}
# The timeouts above are kept in milliseconds and parsed with a 32-bit limit
# (ngx_parse_time in src/core/ngx_parse.c), so 1M and 1y are rejected.
_MAX_MSEC = 2**31 - 1
# Directives nginx reports as "is duplicate" when repeated in one block.
_SINGLE = _SIZES | _TIMES | _FLAGS | frozenset(_ENUMS) | frozenset(
    {"proxy_pass", "ssl_verify_depth", "ssl_client_certificate", "proxy_cache"}
)


def validate(root: Directive) -> list[InputError]:
    errors: list[InputError] = []
    pending = [root]
    while pending:
        block = pending.pop()
        seen: dict[str, Directive] = {}
        for directive in block.block or ():
            errors.extend(_check(directive))
            if directive.name in _SINGLE and block.name != "if":
                first = seen.setdefault(directive.name, directive)
                if first is not directive:
                    errors.append(
                        InputError(
                            directive.place,
                            f'"{directive.name}" directive is duplicate (first set at '
                            f"line {first.line})",
                            "keep one of the two lines: nginx -t rejects this",
                        )
                    )
            if directive.block is not None and directive.name not in _DATA_BLOCKS:
                pending.append(directive)
    return sorted(errors, key=lambda error: (error.place.file, error.place.line or 0))


def _check(directive: Directive) -> list[InputError]:
    name = directive.name
    if name not in KNOWN:
        match = _near_miss(name)
        if match:
            return [
                InputError(
                    directive.place,
                    f'unknown directive "{name}" (did you mean "{match}"?)',
                    "nginx -t rejects unknown directives, and the setting meant here "
                    "is not in force",
                )
            ]
        return []
    if not directive.args:
        return []
    value = directive.args[0]
    if "$" in value:
        return []
    if name in _SIZES and parse_size(value) is None:
        return [_invalid(directive, "a size such as 100m (k, m or g)")]
    if name in _TIMES:
        seconds = parse_time(value)
        if seconds is None:
            return [_invalid(directive, "a time such as 3600s (ms, s, m, h, d, w, M or y)")]
        if seconds * 1000 > _MAX_MSEC:
            return [_invalid(directive, "at most 24d: nginx keeps these timeouts in 32-bit milliseconds")]
    if name in _FLAGS and value.lower() not in ("on", "off"):
        return [_invalid(directive, '"on" or "off"')]
    if name in _ENUMS and value.lower() not in _ENUMS[name]:
        return [_invalid(directive, " or ".join(_ENUMS[name]))]
    return []


def _invalid(directive: Directive, expected: str) -> InputError:
    return InputError(
        directive.place,
        f'"{directive.name}" directive invalid value "{directive.args[0]}"',
        f"use {expected}: nginx -t rejects this",
    )


def _near_miss(name: str) -> str | None:
    best = None
    for candidate in _WATCHED:
        if abs(len(candidate) - len(name)) > 2:
            continue
        distance = _distance(name, candidate)
        if distance <= 2 and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best and len(name) > 4 else None


def _distance(first: str, second: str) -> int:
    """Return the Damerau-Levenshtein distance (adjacent swaps count once)."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = 0 if a == b else 1
            value = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                value = min(value, rows[-2][j - 2] + 1)
            row.append(value)
        rows.append(row)
    return rows[-1][-1]
