"""What a client gets through a proxy, measured per rule family.

Each `observe_*` function returns an `Observation`: a verdict word that names
what happened (the same words `verdicts.py` derives from stiglint's findings)
and a detail line for the table. Times are in seconds of the scaled run, and
the stand-in's keepalive is the app's 30 s times the case's scale.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

CLIENT_HOST = "stigman.example.test"
# A body at the size STIG Manager imports need (100 MiB), sent in 1 MiB pieces.
LARGE_BODY_BYTES = 100 * 1024 * 1024
_PIECE = bytes(1024 * 1024)
# STIG Manager's guide expects the first SSE byte within 1-2 s.
FIRST_EVENT_SECONDS = 2.0
# A streamed piece that arrives later than this after the stand-in sent it was held.
HELD_SECONDS = 0.45
# The silence that separates a short timeout from a long one. At the default
# scale of 0.1 it is 80 s of real time, so a timeout between 80 s and 3600 s
# is observed as long.
LONG_SILENCE_SECONDS = 8.0


@dataclass
class Observation:
    verdict: str
    detail: str


@dataclass
class Endpoint:
    """Where the proxy listens and the public path STIG Manager is mounted at."""

    port: int
    tls: bool = False
    mount: str = "/"
    # Certificate and key files the client presents in the TLS handshake.
    client_cert: tuple[str, str] | None = None

    def path(self, relative: str) -> str:
        return self.mount.rstrip("/") + "/" + relative


def connect(endpoint: Endpoint, timeout: float) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", endpoint.port), timeout=timeout)
    if endpoint.tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if endpoint.client_cert:
            context.load_cert_chain(*endpoint.client_cert)
        sock = context.wrap_socket(sock, server_hostname=CLIENT_HOST)
    return sock


class Response:
    """A response read from a raw socket, with the arrival time of each body piece."""

    def __init__(self, sock: socket.socket, started: float) -> None:
        self.sock = sock
        self.started = started
        self.buffer = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.pieces: list[tuple[float, bytes]] = []
        self.complete = False
        self.closed = False
        self._chunked = False
        self._length: int | None = None
        # Chunked bytes received but not yet split into whole chunks.
        self._pending = b""

    def read_head(self) -> None:
        while b"\r\n\r\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed before a response head")
            self.buffer += data
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self._chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        if "content-length" in self.headers:
            self._length = int(self.headers["content-length"])
        if self.status == 100:
            self.read_head()

    def read_body(self, until: float) -> None:
        """Read body pieces until the body ends, the peer closes or `until` passes."""
        raw = self.buffer
        self.buffer = b""
        if raw:
            self._feed(raw)
        while not self.complete and not self.closed:
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return
            except (ConnectionError, ssl.SSLError):
                self.closed = True
                return
            if not data:
                self.closed = True
                if self._length is None and not self._chunked:
                    self.complete = True
                return
            self._feed(data)

    def _feed(self, data: bytes) -> None:
        now = time.monotonic()
        if not self._chunked:
            self.pieces.append((now, data))
            received = sum(len(piece) for _, piece in self.pieces)
            if self._length is not None and received >= self._length:
                self.complete = True
            return
        self._pending += data
        while True:
            line_end = self._pending.find(b"\r\n")
            if line_end < 0:
                return
            size = int(self._pending[:line_end].split(b";")[0] or b"0", 16)
            if size == 0:
                self.complete = True
                return
            if len(self._pending) < line_end + 2 + size + 2:
                return
            start = line_end + 2
            self.pieces.append((now, self._pending[start:start + size]))
            self._pending = self._pending[start + size + 2:]

    @property
    def body(self) -> bytes:
        return b"".join(piece for _, piece in self.pieces)

    def lines(self) -> list[tuple[float, bytes]]:
        """Return each complete line of the body with the time its end arrived.

        A gzip body is inflated piece by piece, so a line's time is still the
        time its compressed bytes arrived.
        """
        inflater = None
        if self.headers.get("content-encoding", "").lower() == "gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        found, pending = [], b""
        for arrived, piece in self.pieces:
            pending += inflater.decompress(piece) if inflater else piece
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                found.append((arrived, line))
        return found


def request(
    endpoint: Endpoint,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 5.0,
) -> Response:
    """Send one request on a fresh connection and read the response head."""
    sock = connect(endpoint, timeout)
    fields = {"Host": CLIENT_HOST, "Connection": "close", **(headers or {})}
    if body or method == "POST":
        fields["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    started = time.monotonic()
    sock.sendall(head.encode() + b"\r\n" + body)
    response = Response(sock, started)
    response.read_head()
    return response


# --- body size ---------------------------------------------------------------


def observe_body_size(endpoint: Endpoint) -> Observation:
    """Send a 100 MiB import body and report whether the proxy rejected it."""
    sock = connect(endpoint, 30)
    path = endpoint.path("api/stigs")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {CLIENT_HOST}\r\nConnection: close\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {LARGE_BODY_BYTES}\r\nExpect: 100-continue\r\n\r\n"
    )
    sock.sendall(head.encode())
    response = Response(sock, time.monotonic())
    sock.settimeout(1.0)
    try:
        response.read_head()
    except socket.timeout:
        # No interim response: the proxy waits for the body, which HTTP/1.1 allows.
        response.status = 100
    if response.status == 100:
        sent = 0
        try:
            sock.settimeout(30)
            while sent < LARGE_BODY_BYTES:
                sock.sendall(_PIECE)
                sent += len(_PIECE)
        except (ConnectionError, ssl.SSLError, socket.timeout) as exc:
            error = type(exc).__name__
        else:
            error = ""
        sock.settimeout(30)
        try:
            response.read_head()
        except (ConnectionError, socket.timeout, ssl.SSLError):
            sock.close()
            return Observation("rejected", f"no final response after {sent} bytes ({error})")
        status = response.status
        detail = f"{status} after sending {sent // 2**20} MiB"
    else:
        status = response.status
        detail = f"{status} before the body was sent"
    sock.close()
    return Observation("accepted" if 200 <= status < 300 else "rejected", detail)


# --- buffering ---------------------------------------------------------------


def observe_buffering(endpoint: Endpoint) -> Observation:
    """Report whether SSE and NDJSON pieces arrive as the stand-in sends them."""
    with ThreadPoolExecutor(2) as pool:
        sse = pool.submit(_first_sse_event, endpoint)
        ndjson = pool.submit(_ndjson_delays, endpoint)
        (first, encoding), delays = sse.result(), ndjson.result()

    delayed = first is None or first > FIRST_EVENT_SECONDS or not delays or max(delays) > HELD_SECONDS
    first_text = "none" if first is None else f"{first:.2f}s"
    late = f"{max(delays):.2f}s" if delays else "no lines"
    detail = f"first SSE event {first_text}; NDJSON {len(delays)} lines, latest {late} late"
    if encoding:
        detail += f"; SSE Content-Encoding {encoding}"
    return Observation("held" if delayed else "streamed", detail)


def _first_sse_event(endpoint: Endpoint) -> tuple[float | None, str | None]:
    """Return the seconds to the first complete SSE event (None if none came) and the encoding."""
    limit = 2 * FIRST_EVENT_SECONDS
    try:
        sse = request(
            endpoint, "GET", endpoint.path("api/op/state/sse?duration=30"),
            {"Accept-Encoding": "gzip"}, timeout=limit,
        )
    except socket.timeout:
        return None, None
    sse.read_body(sse.started + limit)
    sse.sock.close()
    return _first_event_time(sse), sse.headers.get("content-encoding")


def _first_event_time(response: Response) -> float | None:
    """Return the seconds until the first SSE event was complete (its blank line arrived).

    A compressor can send part of an event and hold its end back, so the time
    of the first byte alone would call a held event streamed.
    """
    inflater = None
    if response.headers.get("content-encoding", "").lower() == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    text = b""
    for arrived, piece in response.pieces:
        text += inflater.decompress(piece) if inflater else piece
        if b"\n\n" in text:
            return arrived - response.started
    return None


def _ndjson_delays(endpoint: Endpoint) -> list[float]:
    """Return how late each NDJSON line arrived after the stand-in sent it."""
    try:
        ndjson = request(
            endpoint, "POST", endpoint.path("api/collections/1/export-to/2?lines=5&pause=0.6"),
            {"Accept-Encoding": "gzip"}, timeout=10,
        )
    except socket.timeout:
        return []
    ndjson.read_body(ndjson.started + 10)
    ndjson.sock.close()
    if ndjson.status != 200:
        return []
    return [arrived - sent for arrived, sent in _sent_times(ndjson)]


# --- WebSocket ---------------------------------------------------------------


class WebSocket:
    """A minimal client that upgrades, replies to pings with pongs and reports closing."""

    def __init__(self, endpoint: Endpoint, timeout: float = 5.0) -> None:
        key = base64.b64encode(os.urandom(16)).decode()
        self.response = request(
            endpoint,
            "GET",
            endpoint.path("socket/log-socket"),
            {
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": key,
            },
            timeout=timeout,
        )
        self.sock = self.response.sock
        self.buffer = self.response.buffer
        self.pings = 0

    @property
    def upgraded(self) -> bool:
        return self.response.status == 101

    def hold(self, seconds: float) -> float | None:
        """Keep the socket open for `seconds`; return when it closed, or None."""
        start = time.monotonic()
        until = start + seconds
        while True:
            remaining = until - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            except (ConnectionError, ssl.SSLError):
                return time.monotonic() - start
            if not data:
                return time.monotonic() - start
            self.buffer += data
            if self._handle_frames():
                return time.monotonic() - start

    def _handle_frames(self) -> bool:
        """Reply to pings with pongs, and return True when a close frame arrived."""
        while len(self.buffer) >= 2:
            length = self.buffer[1] & 0x7F
            offset = 2
            if length == 126:
                if len(self.buffer) < 4:
                    return False
                length = int.from_bytes(self.buffer[2:4], "big")
                offset = 4
            if len(self.buffer) < offset + length:
                return False
            opcode = self.buffer[0] & 0x0F
            payload = self.buffer[offset:offset + length]
            self.buffer = self.buffer[offset + length:]
            if opcode == 0x8:
                return True
            if opcode == 0x9:
                self.pings += 1
                self.sock.sendall(_client_frame(0xA, payload))
        return False

    def close(self) -> None:
        try:
            self.sock.sendall(_client_frame(0x8, b""))
        except OSError:
            pass
        self.sock.close()


def _client_frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked


def observe_websocket(endpoint: Endpoint) -> Observation:
    socket_ = WebSocket(endpoint)
    status = socket_.response.status
    socket_.close()
    return Observation("upgraded" if status == 101 else "refused", f"status {status}")


# --- timeouts ----------------------------------------------------------------


def observe_timeout(endpoint: Endpoint, keepalive: float) -> Observation:
    """Report whether long-lived responses are cut, and at which silence.

    "cut": SSE or the WebSocket closes although the stand-in sends a keepalive
    every `keepalive` seconds (the app's 30 s, scaled). "short": both survive,
    but an NDJSON stream with a LONG_SILENCE_SECONDS quiet gap is cut. "long":
    everything survives. The three connections are watched at the same time.
    """
    window = 2.5 * keepalive + 0.5
    with ThreadPoolExecutor(3) as pool:
        sse = pool.submit(_watch_sse, endpoint, window)
        websocket = pool.submit(_watch_websocket, endpoint, window)
        ndjson = pool.submit(_watch_gap, endpoint)
        sse_cut_at, ws_result, lines = sse.result(), websocket.result(), ndjson.result()
    upgraded, ws_cut_at = ws_result

    if not upgraded:
        websocket_text = "not upgraded"
    elif ws_cut_at is None:
        websocket_text = "open"
    else:
        websocket_text = f"cut at {ws_cut_at:.1f}s"
    parts = [
        "SSE " + ("open" if sse_cut_at is None else f"cut at {sse_cut_at:.1f}s"),
        f"WebSocket {websocket_text}",
        f"NDJSON {lines}/2 lines across a {LONG_SILENCE_SECONDS:.0f}s gap",
    ]
    if sse_cut_at is not None or ws_cut_at is not None:
        verdict = "cut"
    elif lines < 2:
        verdict = "short"
    else:
        verdict = "long"
    return Observation(verdict, f"keepalive {keepalive:g}s; " + "; ".join(parts))


def _watch_sse(endpoint: Endpoint, window: float) -> float | None:
    """Return when the SSE connection closed within `window`, or None if it stayed open.

    A proxy that buffers the whole response sends no head, so a silent but open
    connection counts as open here. The buffering family reports the delay.
    """
    started = time.monotonic()
    try:
        sse = request(
            endpoint, "GET", endpoint.path(f"api/op/state/sse?duration={window + 5}"), timeout=window
        )
    except socket.timeout:
        return None
    except (ConnectionError, ssl.SSLError):
        return time.monotonic() - started
    sse.read_body(started + window)
    sse.sock.close()
    if sse.closed or sse.complete:
        return time.monotonic() - started
    return None


def _watch_websocket(endpoint: Endpoint, window: float) -> tuple[bool, float | None]:
    websocket = WebSocket(endpoint)
    if not websocket.upgraded:
        websocket.close()
        return False, None
    cut_at = websocket.hold(window)
    websocket.close()
    return True, cut_at


def _watch_gap(endpoint: Endpoint) -> int:
    ndjson = request(
        endpoint,
        "POST",
        endpoint.path(f"api/collections/1/clone?gap={LONG_SILENCE_SECONDS}"),
        timeout=LONG_SILENCE_SECONDS + 5,
    )
    ndjson.read_body(ndjson.started + LONG_SILENCE_SECONDS + 5)
    ndjson.sock.close()
    if ndjson.status != 200:
        return 0
    return len(_sent_times(ndjson))


def _sent_times(response: Response) -> list[tuple[float, float]]:
    """Return (arrived, sent) for each stand-in line in an NDJSON response body."""
    found = []
    for arrived, line in response.lines():
        try:
            sent = json.loads(line)["sent"]
        except (ValueError, KeyError, TypeError):
            continue
        found.append((arrived, sent))
    return found


# --- forwarded headers and routing ---------------------------------------------


# Each STIG Manager endpoint, requested briefly: (name, method, path under the mount).
QUICK_REQUESTS = (
    ("state-sse", "GET", "api/op/state/sse?duration=0"),
    ("export-to", "POST", "api/collections/1/export-to/2?lines=1"),
    ("clone", "POST", "api/collections/1/clone?lines=1"),
    ("stig-import", "POST", "api/stigs"),
    ("log-socket", "GET", "socket/log-socket"),
)


def send_quick_requests(endpoint: Endpoint, records: list) -> dict[str, list]:
    """Request each endpoint once, and return the stand-in records each request caused.

    `records` is the stand-in's list of records, which grows as requests arrive.
    Requests go one at a time, so the records added meanwhile belong to one endpoint.
    """
    caused: dict[str, list] = {}
    for name, method, relative in QUICK_REQUESTS:
        before = len(records)
        if name == "log-socket":
            WebSocket(endpoint).close()
        else:
            response = request(endpoint, method, endpoint.path(relative))
            response.read_body(time.monotonic() + 3)
            response.sock.close()
        # The proxy may still be passing the request on when the client is done.
        deadline = time.monotonic() + 1
        while len(records) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        caused[name] = records[before:]
    return caused


def app_path(name: str) -> str:
    """Return the path the app serves an endpoint at, mounted at the root."""
    relative = dict((n, r) for n, _, r in QUICK_REQUESTS)[name]
    return "/" + relative.split("?")[0]


def observe_forwarded(records_by_endpoint: dict[str, list]) -> Observation:
    """Report whether every endpoint received the client's Host and X-Forwarded-*."""
    problems: dict[str, list[str]] = {}
    for name, records in records_by_endpoint.items():
        if not records:
            continue
        record = records[-1]
        host = record.header("host")
        if host != CLIENT_HOST:
            problems.setdefault(f"Host {host}", []).append(name)
        for header in ("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"):
            if not record.header(header):
                problems.setdefault(f"no {header}", []).append(name)
    if not problems:
        return Observation("kept", "Host and X-Forwarded-For/Proto/Host reached every endpoint")
    reached = [name for name, records in records_by_endpoint.items() if records]
    parts = []
    for problem, names in problems.items():
        where = "every endpoint" if names == reached else ", ".join(names)
        parts.append(f"{problem} at {where}")
    return Observation("lost", "; ".join(parts))


def observe_routing(records_by_endpoint: dict[str, list]) -> Observation:
    """Report whether each endpoint reached the app, and under its own path."""
    missing = [name for name, records in records_by_endpoint.items() if not records]
    if missing:
        return Observation("shadowed", "never reached the app: " + ", ".join(missing))
    moved = []
    for name, records in records_by_endpoint.items():
        received = urlsplit(records[-1].target).path
        if received != app_path(name):
            moved.append(f"{name} as {received}")
    if moved:
        return Observation("misrouted", "reached the app under another path: " + ", ".join(moved))
    return Observation("routed", "every endpoint reached the app under its own path")
