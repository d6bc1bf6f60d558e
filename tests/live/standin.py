"""A loopback stand-in for STIG Manager where a reverse proxy can break it.

The server speaks just enough HTTP/1.1 (and HTTP/1.0) to behave like the app on
the endpoints that a proxy can break, with every time shortened so that a test
runs in seconds:

- `POST .../api/collections/{id}/export-to/{dst}` and `.../clone` stream
  `application/x-ndjson` lines with pauses between them;
- `GET .../api/op/state/sse` sends one event at once, then a keepalive comment
  every `keepalive` seconds;
- `GET .../socket/log-socket` responds 101 only when `Upgrade: websocket` and
  `Connection: upgrade` arrive over HTTP/1.1 (426 otherwise), then sends a ping
  every `keepalive` seconds;
- `POST .../api/stigs` and `.../api/op/appdata` accept large bodies, send 100
  Continue for `Expect: 100-continue`, and return the byte count;
- every other path returns the request record as JSON.

Every request is recorded (request line and headers as received) in
`StandIn.records`, and normal responses carry the record in their JSON body.
Streaming responses send `X-Accel-Buffering: no` as the app does, and HTTP/1.0
requests get close-delimited bodies instead of chunked ones, as Node does.
Query parameters override the stream timings per request: `pause` and `lines`
(NDJSON), `gap` (one silence in the middle of an NDJSON stream), `keepalive`
(SSE and WebSocket) and `duration` (how long SSE runs before it ends).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

LOG = logging.getLogger(__name__)

_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_NDJSON_PATH = re.compile(r"/api/collections/[^/]+/(export-to/[^/]+|clone)$")
_UPLOAD_PATH = re.compile(r"/api/(stigs|op/appdata)$")
# Maximum size of a request head, as Node's default --max-http-header-size.
_MAX_HEADER_BYTES = 16 * 1024
_READ_CHUNK = 256 * 1024


@dataclass
class Record:
    """One request as the stand-in received it."""

    method: str
    target: str
    version: str
    # Header names in lower case; a header sent twice keeps every value.
    headers: dict[str, list[str]]
    received: float
    body_bytes: int = 0

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return ", ".join(values) if values else None

    def as_json(self) -> dict:
        return {
            "method": self.method,
            "target": self.target,
            "version": self.version,
            "headers": self.headers,
            "body_bytes": self.body_bytes,
        }


@dataclass
class StandIn:
    """The server's state; `start` runs it on a background thread."""

    host: str = "127.0.0.1"
    port: int = 0
    # Seconds between SSE keepalive comments and between WebSocket pings. The app
    # uses 30 s; tests shorten it with the rest of the time scale.
    keepalive: float = 3.0
    ndjson_lines: int = 5
    ndjson_pause: float = 0.6
    # How long an SSE response runs before the server ends it.
    sse_duration: float = 60.0
    # When set, requests without "Authorization: Bearer <token>" get 401.
    token: str | None = None
    records: list[Record] = field(default_factory=list)
    # WebSocket frames received from the client: (opcode, monotonic time).
    websocket_frames: list[tuple[int, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._writers: set[asyncio.StreamWriter] = set()

    # --- life cycle ---------------------------------------------------------

    def start(self) -> StandIn:
        """Start listening and return once the port is bound."""
        if self.host not in ("127.0.0.1", "::1"):
            raise ValueError(f"the stand-in binds to loopback only, not {self.host!r}")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, self.port, limit=_MAX_HEADER_BYTES)
                )
            except OSError as exc:
                failure.append(exc)
                ready.set()
                return
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="standin", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        """Close the listening socket and every open connection."""
        loop = self._loop
        if loop is None or self._server is None:
            return

        async def shutdown() -> None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def requests_to(self, suffix: str) -> list[Record]:
        """Return the records whose path ends with `suffix`, oldest first."""
        with self._lock:
            return [r for r in self.records if urlsplit(r.target).path.endswith(suffix)]

    # --- connection handling ------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                record = await self._read_head(reader)
                if record is None:
                    return
                keep_open = await self._dispatch(record, reader, writer)
                if not keep_open:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        except asyncio.CancelledError:
            # `stop` cancels open connections; ending quietly keeps asyncio from
            # reporting the cancellation as an error.
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _read_head(self, reader: asyncio.StreamReader) -> Record | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = (lines[0].split(" ", 2) + ["", ""])[:3]
        headers: dict[str, list[str]] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        record = Record(method, target, version, headers, time.monotonic())
        with self._lock:
            self.records.append(record)
        return record

    async def _dispatch(
        self, record: Record, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Respond to one request and return whether the connection stays open."""
        path = urlsplit(record.target).path
        query = {k: v[-1] for k, v in parse_qs(urlsplit(record.target).query).items()}
        if self.token and record.header("authorization") != f"Bearer {self.token}":
            await self._read_body(record, reader, writer)
            return await self._send_json(record, writer, 401, {"error": "Unauthorized"})
        if path.endswith("/socket/log-socket"):
            await self._read_body(record, reader, writer)
            await self._websocket(record, query, reader, writer)
            return False
        if _UPLOAD_PATH.search(path):
            await self._read_body(record, reader, writer)
            return await self._send_json(record, writer, 200, {"received": record.body_bytes})
        await self._read_body(record, reader, writer)
        if _NDJSON_PATH.search(path) and record.method == "POST":
            return await self._ndjson(record, query, writer)
        if path.endswith("/api/op/state/sse") and record.method == "GET":
            return await self._sse(record, query, writer)
        return await self._send_json(record, writer, 200, {"request": record.as_json()})

    async def _read_body(
        self, record: Record, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        length = record.header("content-length")
        chunked = "chunked" in (record.header("transfer-encoding") or "").lower()
        if not chunked and not length:
            return
        if (record.header("expect") or "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        if chunked:
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")  # the last-chunk's empty trailer
                    return
                await self._discard(reader, size, record)
                await reader.readexactly(2)
        remaining = int(length)
        await self._discard(reader, remaining, record)

    @staticmethod
    async def _discard(reader: asyncio.StreamReader, count: int, record: Record) -> None:
        while count > 0:
            data = await reader.read(min(count, _READ_CHUNK))
            if not data:
                raise asyncio.IncompleteReadError(b"", count)
            count -= len(data)
            record.body_bytes += len(data)

    # --- responses ----------------------------------------------------------

    @staticmethod
    def _keeps_alive(record: Record) -> bool:
        connection = (record.header("connection") or "").lower()
        if record.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection

    async def _send_json(
        self, record: Record, writer: asyncio.StreamWriter, status: int, payload: dict
    ) -> bool:
        body = json.dumps(payload).encode()
        keep = self._keeps_alive(record)
        reason = {200: "OK", 401: "Unauthorized", 426: "Upgrade Required"}.get(status, "Status")
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        return keep

    async def _start_stream(
        self, record: Record, writer: asyncio.StreamWriter, content_type: str
    ) -> bool:
        """Send a streaming response head; return whether the body is chunked."""
        chunked = record.version == "HTTP/1.1"
        framing = "Transfer-Encoding: chunked\r\n" if chunked else "Connection: close\r\n"
        head = (
            "HTTP/1.1 200 OK\r\n"
            f"Content-Type: {content_type}\r\n"
            "Cache-Control: no-cache\r\n"
            "X-Accel-Buffering: no\r\n"
            f"{framing}\r\n"
        )
        writer.write(head.encode())
        await writer.drain()
        return chunked

    @staticmethod
    async def _write_piece(writer: asyncio.StreamWriter, data: bytes, chunked: bool) -> None:
        if chunked:
            data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        writer.write(data)
        await writer.drain()

    @staticmethod
    async def _end_stream(writer: asyncio.StreamWriter, chunked: bool) -> bool:
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        return chunked

    async def _ndjson(self, record: Record, query: dict, writer: asyncio.StreamWriter) -> bool:
        lines = int(query.get("lines", self.ndjson_lines))
        pause = float(query.get("pause", self.ndjson_pause))
        gap = float(query["gap"]) if "gap" in query else None
        chunked = await self._start_stream(record, writer, "application/x-ndjson")
        if gap is not None:
            # One line, a silence of `gap` seconds, then the last line.
            delays = [0.0, gap]
        else:
            delays = [0.0] + [pause] * (lines - 1)
        for seq, delay in enumerate(delays):
            await asyncio.sleep(delay)
            line = json.dumps({"seq": seq, "sent": time.monotonic()}) + "\n"
            await self._write_piece(writer, line.encode(), chunked)
        return await self._end_stream(writer, chunked) and self._keeps_alive(record)

    async def _sse(self, record: Record, query: dict, writer: asyncio.StreamWriter) -> bool:
        keepalive = float(query.get("keepalive", self.keepalive))
        duration = float(query.get("duration", self.sse_duration))
        chunked = await self._start_stream(record, writer, "text/event-stream")
        started = time.monotonic()
        event = json.dumps({"state": "available", "sent": started})
        await self._write_piece(writer, f"event: state\ndata: {event}\n\n".encode(), chunked)
        while time.monotonic() - started + keepalive <= duration:
            await asyncio.sleep(keepalive)
            await self._write_piece(writer, f": keepalive {time.monotonic()}\n\n".encode(), chunked)
        return await self._end_stream(writer, chunked) and self._keeps_alive(record)

    # --- WebSocket ----------------------------------------------------------

    async def _websocket(
        self, record: Record, query: dict, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        upgrade = (record.header("upgrade") or "").lower()
        tokens = {t.strip().lower() for t in (record.header("connection") or "").split(",")}
        key = record.header("sec-websocket-key")
        if record.version != "HTTP/1.1" or upgrade != "websocket" or "upgrade" not in tokens or not key:
            payload = {"error": "WebSocket upgrade required", "request": record.as_json()}
            await self._send_json(record, writer, 426, payload)
            return

        accept = base64.b64encode(hashlib.sha1((key + _WEBSOCKET_GUID).encode()).digest()).decode()
        writer.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        # The first message carries the request record, as a log line would.
        writer.write(_frame(0x1, json.dumps({"request": record.as_json()}).encode()))
        await writer.drain()

        keepalive = float(query.get("keepalive", self.keepalive))
        pinger = asyncio.ensure_future(self._ping(writer, keepalive))
        try:
            while True:
                opcode = await _read_frame(reader)
                with self._lock:
                    self.websocket_frames.append((opcode, time.monotonic()))
                if opcode == 0x8:
                    writer.write(_frame(0x8, b""))
                    await writer.drain()
                    return
        finally:
            pinger.cancel()

    @staticmethod
    async def _ping(writer: asyncio.StreamWriter, interval: float) -> None:
        try:
            while True:
                await asyncio.sleep(interval)
                writer.write(_frame(0x9, str(time.monotonic()).encode()))
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            return


def _frame(opcode: int, payload: bytes) -> bytes:
    """Build one unmasked server frame (payloads under 64 KiB)."""
    length = len(payload)
    if length < 126:
        header = bytes([0x80 | opcode, length])
    else:
        header = bytes([0x80 | opcode, 126]) + length.to_bytes(2, "big")
    return header + payload


async def _read_frame(reader: asyncio.StreamReader) -> int:
    """Read one client frame, unmask and drop its payload, return the opcode."""
    first, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(await reader.readexactly(2), "big")
    elif length == 127:
        length = int.from_bytes(await reader.readexactly(8), "big")
    if second & 0x80:
        await reader.readexactly(4)
    await reader.readexactly(length)
    return first & 0x0F


def main() -> None:
    """Run the stand-in in the foreground: `python standin.py [PORT]`."""
    import sys

    logging.basicConfig(level=logging.INFO)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    standin = StandIn(port=port).start()
    LOG.info("stand-in listening on %s", standin.address)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
