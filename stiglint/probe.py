"""`stiglint probe URL`: check a running STIG Manager deployment from outside.

The probe automates the check that STIG Manager's reverse-proxy guide
recommends after a deployment, with the standard library only:

- sse: the first event of `api/op/state/sse` must be complete within 2 s, and
  the stream must stay open with data at least every 30 s (the app's keepalive,
  plus a margin) over the observation window;
- websocket: `socket/log-socket` must upgrade (101 with the right accept key);
- body-size: a POST to `api/stigs` that declares a 100 MiB body with
  `Expect: 100-continue` must not be rejected with 413; the body is never sent;
- streaming-headers: what the SSE response head shows about buffering and
  compression (Content-Length, Content-Encoding, X-Accel-Buffering).

Every socket operation has a timeout, and the SSE check stops reading when the
window ends, so the probe always ends. A host that is slow at every step can
make it take the window plus about ten timeouts: four connections, each with a
connect and a TLS handshake, and the reads.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import ssl
import time
import zlib
from dataclasses import asdict, dataclass, field
from typing import TextIO
from urllib.parse import urlsplit

from stiglint import endpoints

PASS = "pass"
WARN = "warn"
FAIL = "fail"
INCONCLUSIVE = "inconclusive"

# STIG Manager's guide expects the first SSE response within 1-2 s.
FIRST_EVENT_SECONDS = 2.0
# Slack on top of the app's 30 s keepalive before a silence counts as late.
KEEPALIVE_SLACK_SECONDS = 5.0
_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_USER_AGENT = "stiglint-probe"


class ProbeError(Exception):
    """Invalid URL or unreachable host, reported with exit code 2."""


@dataclass
class Check:
    name: str
    verdict: str
    detail: str
    measurements: dict = field(default_factory=dict)


@dataclass
class Target:
    """The parsed base URL of a deployment."""

    scheme: str
    host: str
    port: int
    base_path: str
    insecure: bool = False

    @classmethod
    def parse(cls, url: str, insecure: bool = False) -> Target:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https"):
            raise ProbeError(
                f"invalid URL {url!r}: expected an http:// or https:// base URL, "
                "such as https://stigman.example.com/stigman/"
            )
        try:
            port = parts.port
        except ValueError:
            raise ProbeError(f"invalid URL {url!r}: the port is not a number from 1 to 65535") from None
        if not parts.hostname:
            raise ProbeError(f"invalid URL {url!r}: the host name is missing")
        if parts.query or parts.fragment:
            raise ProbeError(f"invalid URL {url!r}: give the base URL without a query or fragment")
        base = parts.path or "/"
        if not base.endswith("/"):
            base += "/"
        default = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme, parts.hostname, port or default, base, insecure)

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    def url(self, relative: str) -> str:
        return f"{self.scheme}://{self.host_header}{self.base_path}{relative}"


class Connection:
    """One HTTP/1.1 exchange on a raw socket, with a timeout on every operation."""

    def __init__(self, target: Target, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self.buffer = b""
        try:
            sock = socket.create_connection((target.host, target.port), timeout=timeout)
        except socket.gaierror as exc:
            raise ProbeError(f"cannot resolve host {target.host!r}: {exc.strerror}") from None
        except socket.timeout:
            raise ProbeError(
                f"connecting to {target.host}:{target.port} timed out after {timeout:g} s"
            ) from None
        except OSError as exc:
            raise ProbeError(
                f"cannot connect to {target.host}:{target.port}: {exc.strerror or exc}"
            ) from None
        if target.scheme == "https":
            context = ssl.create_default_context()
            if target.insecure:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            try:
                sock = context.wrap_socket(sock, server_hostname=target.host)
            except ssl.SSLCertVerificationError as exc:
                sock.close()
                raise ProbeError(
                    f"TLS certificate of {target.host} not trusted: {exc.verify_message}; "
                    "use --insecure to probe anyway"
                ) from None
            except (ssl.SSLError, OSError) as exc:
                sock.close()
                raise ProbeError(f"TLS handshake with {target.host}:{target.port} failed: {exc}") from None
        self.sock = sock

    def send_head(self, method: str, relative: str, headers: dict[str, str]) -> float:
        """Send a request head and return the monotonic time it was sent."""
        fields = {"Host": self.target.host_header, "User-Agent": _USER_AGENT, **headers}
        lines = [f"{method} {self.target.base_path}{relative} HTTP/1.1"]
        lines += [f"{name}: {value}" for name, value in fields.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        return time.monotonic()

    def read_head(self, deadline: float) -> tuple[int, dict[str, str]]:
        """Read one response head (interim 1xx heads included) before `deadline`."""
        while b"\r\n\r\n" not in self.buffer:
            data = self.recv(deadline)
            if data is None:
                raise socket.timeout("no response head in time")
            if not data:
                raise ConnectionError("the server closed the connection before responding")
            self.buffer += data
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        fields = lines[0].split(" ", 2)
        if len(fields) < 2 or not fields[1].isdigit():
            raise ConnectionError(f"not an HTTP response: {lines[0][:60]!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        return int(fields[1]), headers

    def recv(self, deadline: float) -> bytes | None:
        """Return the next bytes, b"" when the peer closed, None when `deadline` passed."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            # Each read waits at most `timeout`, and the loop at most until `deadline`.
            self.sock.settimeout(min(remaining, self.timeout))
            try:
                return self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionError, ssl.SSLError):
                return b""

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


# --- SSE ---------------------------------------------------------------------


class _ChunkDecoder:
    """Turn a chunked or plain body into content bytes, inflating gzip or deflate."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        encoding = headers.get("content-encoding", "").lower()
        self.inflater = None
        if encoding == "gzip":
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj()
        self.pending = b""
        self.finished = False

    def feed(self, data: bytes) -> bytes:
        if not self.chunked:
            return self._inflate(data)
        self.pending += data
        out = b""
        while True:
            end = self.pending.find(b"\r\n")
            if end < 0:
                break
            try:
                size = int(self.pending[:end].split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.finished = True
                break
            if size == 0:
                self.finished = True
                break
            if len(self.pending) < end + 2 + size + 2:
                break
            out += self.pending[end + 2:end + 2 + size]
            self.pending = self.pending[end + 4 + size:]
        return self._inflate(out)

    def _inflate(self, data: bytes) -> bytes:
        if self.inflater is None or not data:
            return data
        try:
            return self.inflater.decompress(data)
        except zlib.error:
            self.inflater = None
            return data


def check_sse(target: Target, token: str | None, timeout: float, window: float) -> tuple[Check, dict]:
    """Run the SSE check; also return the response headers for the header check."""
    relative = "api/op/state/sse"
    connection = Connection(target, timeout)
    try:
        started = connection.send_head(
            "GET", relative,
            {"Accept": "text/event-stream", "Accept-Encoding": "gzip, deflate",
             "Cache-Control": "no-cache", **_auth(token)},
        )
        try:
            status, headers = connection.read_head(started + max(timeout, FIRST_EVENT_SECONDS))
        except socket.timeout:
            return Check(
                "sse", FAIL,
                f"no response head from {target.url(relative)} within "
                f"{max(timeout, FIRST_EVENT_SECONDS):g} s: the proxy buffers the event stream",
            ), {}
        # The header check needs the event stream's head, not an error response's.
        if status in (401, 403):
            return Check(
                "sse", INCONCLUSIVE,
                f"{target.url(relative)} answered {status}: give a bearer token with --token",
                {"status": status},
            ), {}
        if status != 200:
            return Check(
                "sse", FAIL, f"{target.url(relative)} answered {status} instead of 200",
                {"status": status},
            ), {}
        return _watch_events(connection, headers, started, window, relative, target), headers
    except (ConnectionError, OSError) as exc:
        return Check("sse", FAIL, f"the connection to {target.url(relative)} failed: {exc}"), {}
    finally:
        connection.close()


def _watch_events(connection, headers, started, window, relative, target) -> Check:
    decoder = _ChunkDecoder(headers)
    text = connection.buffer
    connection.buffer = b""
    content = decoder.feed(text) if text else b""
    first_byte = time.monotonic() - started if content else None
    first_event = time.monotonic() - started if _has_event_end(content) else None
    arrivals = [time.monotonic()] if content else []
    closed_at = None
    deadline = started + window
    while time.monotonic() < deadline and not decoder.finished:
        data = connection.recv(deadline)
        if data is None:
            break
        if not data:
            closed_at = time.monotonic() - started
            break
        piece = decoder.feed(data)
        if piece:
            now = time.monotonic()
            arrivals.append(now)
            content += piece
            if first_byte is None:
                first_byte = now - started
            if first_event is None and _has_event_end(content):
                first_event = now - started
    if decoder.finished and closed_at is None:
        closed_at = time.monotonic() - started

    gaps = [later - earlier for earlier, later in zip([started] + arrivals, arrivals + [time.monotonic()])]
    longest = max(gaps) if gaps else window
    limit = endpoints.KEEPALIVE_SECONDS + KEEPALIVE_SLACK_SECONDS
    measurements = {
        "first_byte_seconds": _round(first_byte),
        "first_event_seconds": _round(first_event),
        "longest_silence_seconds": _round(longest),
        "closed_after_seconds": _round(closed_at),
        "window_seconds": window,
    }
    url = target.url(relative)
    if first_event is None or first_event > FIRST_EVENT_SECONDS:
        arrival = "never" if first_event is None else f"after {first_event:.2f} s"
        return Check(
            "sse", FAIL,
            f"the first event of {url} arrived {arrival}, expected within "
            f"{FIRST_EVENT_SECONDS:g} s: the proxy buffers or compresses the event stream",
            measurements,
        )
    if closed_at is not None:
        return Check(
            "sse", FAIL,
            f"{url} was closed after {closed_at:.1f} s: an idle timeout at the proxy cuts "
            "the event stream between the app's 30 s keepalives",
            measurements,
        )
    if longest > limit:
        return Check(
            "sse", FAIL,
            f"{url} was silent for {longest:.1f} s, longer than the app's 30 s keepalive: "
            "the proxy holds keepalives back",
            measurements,
        )
    detail = f"first event after {first_event:.2f} s; the stream stayed open for {window:g} s"
    if window < limit:
        detail += f" (a window under {limit:g} s cannot see a 30 s keepalive)"
    return Check("sse", PASS, detail, measurements)


def _has_event_end(content: bytes) -> bool:
    """Return whether an SSE event is complete: a blank line, in LF or CRLF form."""
    return b"\n\n" in content or b"\r\n\r\n" in content


def check_streaming_headers(headers: dict[str, str]) -> Check:
    """Report what the SSE response head shows about buffering and compression."""
    if not headers:
        return Check("streaming-headers", INCONCLUSIVE, "no SSE response head to inspect")
    seen = {name: headers[name] for name in (
        "content-type", "content-length", "content-encoding", "transfer-encoding",
        "x-accel-buffering", "cache-control", "via",
    ) if name in headers}
    if "content-length" in headers:
        return Check(
            "streaming-headers", FAIL,
            f"the event stream carries Content-Length {headers['content-length']}: a proxy "
            "read the whole response before sending it",
            seen,
        )
    encoding = headers.get("content-encoding")
    if encoding:
        return Check(
            "streaming-headers", WARN,
            f"the event stream is compressed ({encoding}): some proxies hold the end of "
            "each compressed event until the next one; exclude text/event-stream and "
            "application/x-ndjson from compression",
            seen,
        )
    detail = "no compression and no Content-Length on the event stream"
    if "x-accel-buffering" in headers:
        detail += "; X-Accel-Buffering reaches the client, so the outer proxy is not nginx or passes it on"
    return Check("streaming-headers", PASS, detail, seen)


# --- WebSocket -----------------------------------------------------------------


def check_websocket(target: Target, token: str | None, timeout: float) -> Check:
    relative = "socket/log-socket"
    key = base64.b64encode(os.urandom(16)).decode()
    expected = base64.b64encode(hashlib.sha1((key + _WEBSOCKET_GUID).encode()).digest()).decode()
    connection = Connection(target, timeout)
    try:
        started = connection.send_head(
            "GET", relative,
            {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": key, "Origin": f"{target.scheme}://{target.host_header}",
             **_auth(token)},
        )
        status, headers = connection.read_head(started + timeout)
    except socket.timeout:
        return Check("websocket", FAIL, f"no answer to the upgrade of {target.url(relative)} within {timeout:g} s")
    except (ConnectionError, OSError) as exc:
        return Check("websocket", FAIL, f"the upgrade request to {target.url(relative)} failed: {exc}")
    finally:
        connection.close()
    measurements = {"status": status}
    if status == 101 and headers.get("sec-websocket-accept") == expected:
        return Check("websocket", PASS, f"{target.url(relative)} upgraded (101)", measurements)
    if status == 101:
        return Check(
            "websocket", FAIL,
            f"{target.url(relative)} answered 101 with a wrong Sec-WebSocket-Accept", measurements,
        )
    if status == 404:
        cause = (
            "the path does not reach STIG Manager's log socket (check the base URL and "
            "that the proxy routes socket/log-socket to the app)"
        )
    elif status in (400, 426):
        cause = "the proxy does not pass Upgrade and Connection on to STIG Manager"
    else:
        cause = "the request was not upgraded on its way to STIG Manager"
    return Check(
        "websocket", FAIL,
        f"{target.url(relative)} answered {status} instead of 101: {cause}",
        measurements,
    )


# --- body size -------------------------------------------------------------------


def check_body_size(target: Target, token: str | None, timeout: float) -> Check:
    """Declare a 100 MiB import with Expect: 100-continue and never send the body."""
    relative = "api/stigs"
    size = endpoints.RECOMMENDED_BODY_BYTES
    connection = Connection(target, timeout)
    try:
        started = connection.send_head(
            "POST", relative,
            {"Content-Type": "multipart/form-data; boundary=stiglint-probe",
             "Content-Length": str(size), "Expect": "100-continue", "Connection": "close",
             **_auth(token)},
        )
        status, _ = connection.read_head(started + timeout)
    except socket.timeout:
        return Check(
            "body-size", INCONCLUSIVE,
            f"no answer to a {size // 2**20} MiB POST to {target.url(relative)} within "
            f"{timeout:g} s without the body: the proxy waits for the body before it decides",
        )
    except (ConnectionError, OSError) as exc:
        return Check("body-size", FAIL, f"the POST to {target.url(relative)} failed: {exc}")
    finally:
        connection.close()
    measurements = {"status": status, "declared_bytes": size}
    if status == 413:
        return Check(
            "body-size", FAIL,
            f"a {size // 2**20} MiB import to {target.url(relative)} is rejected with 413: "
            "raise the proxy's request body limit",
            measurements,
        )
    if status == 417:
        return Check(
            "body-size", INCONCLUSIVE,
            f"{target.url(relative)} answered 417: the proxy does not accept "
            "Expect: 100-continue, so the limit cannot be tested without sending the body",
            measurements,
        )
    if status == 100:
        detail = f"the proxy invites a {size // 2**20} MiB body (100 Continue)"
    else:
        detail = (
            f"the request reached past the body limit ({status} before any body was sent)"
        )
    return Check("body-size", PASS, detail, measurements)


# --- running and output ----------------------------------------------------------


def run(url: str, token: str | None, timeout: float, window: float, insecure: bool = False) -> list[Check]:
    """Run every check against the deployment at `url`; raise ProbeError if it is unreachable."""
    if timeout <= 0 or window <= 0:
        raise ProbeError("--timeout and --window must be positive numbers of seconds")
    target = Target.parse(url, insecure)
    # The first connection separates an unreachable host (exit 2) from failing checks.
    Connection(target, timeout).close()
    sse, headers = check_sse(target, token, timeout, window)
    return [
        sse,
        check_websocket(target, token, timeout),
        check_body_size(target, token, timeout),
        check_streaming_headers(headers),
    ]


def exit_code(checks: list[Check]) -> int:
    """Return 0 when every check passed (warnings allowed), else 1."""
    return 0 if all(check.verdict in (PASS, WARN) for check in checks) else 1


def render_text(url: str, checks: list[Check], stream: TextIO) -> None:
    stream.write(f"stiglint probe {url}\n")
    width = max(len(check.name) for check in checks)
    for check in checks:
        stream.write(f"  {check.verdict.upper():<12} {check.name:<{width}}  {check.detail}\n")
    failed = sum(1 for check in checks if check.verdict not in (PASS, WARN))
    if failed:
        stream.write(f"{failed} of {len(checks)} checks did not pass\n")
    else:
        stream.write(f"all {len(checks)} checks passed\n")


def render_json(url: str, checks: list[Check], stream: TextIO) -> None:
    document = {
        "url": url,
        "checks": [asdict(check) for check in checks],
        "passed": exit_code(checks) == 0,
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)

