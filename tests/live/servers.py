"""Start Debian's nginx, Apache httpd and HAProxy on loopback for one test.

Each server gets a throw-away directory, runs in the foreground as a child of
the test, writes a pid file there, and `Server.stop` ends it by that process id.
A configuration is copied with the least rewriting the run needs: its listen
addresses and upstream addresses, certificate paths, runtime paths (pid, logs,
temporary files) and its time scale.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BINARIES = {
    "nginx": "/usr/sbin/nginx",
    "apache": "/usr/sbin/apache2",
    "haproxy": "/usr/sbin/haproxy",
}
APACHE_MODULES = "/usr/lib/apache2/modules"
START_SECONDS = 10.0
STOP_SECONDS = 10.0


class ServerError(Exception):
    """A server did not start; the message carries its own error output."""


def free_port() -> int:
    """Return a loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def version(server: str) -> str:
    """Return the installed server's version line, such as 'nginx/1.22.1'."""
    binary = BINARIES[server]
    flag = {"nginx": "-v", "apache": "-v", "haproxy": "-v"}[server]
    result = subprocess.run([binary, flag], capture_output=True, text=True, timeout=10)
    text = (result.stdout + result.stderr).strip()
    match = re.search(r"(nginx/\S+|Apache/\S+|HAProxy version \S+)", text)
    return match.group(1) if match else text.splitlines()[0]


def make_certificate(directory: Path) -> None:
    """Write a throw-away self-signed certificate as cert.pem, key.pem and both.pem."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=stigman.example.test",
            "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem"),
        ],
        check=True, capture_output=True, timeout=60,
    )
    both = (directory / "cert.pem").read_text() + (directory / "key.pem").read_text()
    (directory / "both.pem").write_text(both)


@dataclass
class Server:
    """One running proxy: its kind, ports, directory and process."""

    kind: str
    directory: Path
    port: int
    tls_port: int
    process: subprocess.Popen
    pid_file: Path
    log_file: Path

    def stop(self) -> None:
        """Stop the server by its process id, killing it if it does not exit in time."""
        pid = self.process.pid
        if self.pid_file.exists():
            recorded = self.pid_file.read_text().split()
            if recorded and recorded[0].isdigit() and int(recorded[0]) != pid:
                raise ServerError(
                    f"{self.kind}: pid file {self.pid_file} names {recorded[0]}, "
                    f"but the process started was {pid}"
                )
        if self.process.poll() is None:
            os.kill(pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)
                self.process.wait(STOP_SECONDS)

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""


def start(kind: str, case_text: str, directory: Path, upstream_port: int, scale: float) -> Server:
    """Rewrite `case_text` for this run, start the server and wait for its ports."""
    directory.mkdir(parents=True, exist_ok=True)
    certs = directory / "certs"
    ports = Ports()
    text = rewrite_addresses(kind, case_text, ports, upstream_port, certs)
    if str(certs) in text:
        make_certificate(certs)
    text = scale_times(kind, text, scale)
    pid_file = directory / f"{kind}.pid"
    log_file = directory / "error.log"
    if kind == "nginx":
        command = _nginx(text, directory, pid_file, log_file)
    elif kind == "apache":
        command = _apache(text, directory, pid_file, log_file)
    else:
        command = _haproxy(text, directory, pid_file)
    output = open(directory / "output.log", "wb")
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=directory)
    output.close()
    server = Server(kind, directory, ports.plain, ports.tls, process, pid_file, log_file)
    try:
        _wait_ready(server, list(ports.by_original.values()))
    except ServerError:
        server.stop()
        raise
    return server


class Ports:
    """Loopback ports for a run: one per port number the configuration listens on."""

    def __init__(self) -> None:
        self.by_original: dict[str, int] = {}
        # The first plain-HTTP and the first TLS port, where observations go.
        self.plain = 0
        self.tls = 0

    def address(self, original: str, secure: bool) -> str:
        key = original.rsplit(":", 1)[-1]
        if key not in self.by_original:
            self.by_original[key] = free_port()
        port = self.by_original[key]
        if secure and not self.tls:
            self.tls = port
        if not secure and not self.plain:
            self.plain = port
        return f"127.0.0.1:{port}"


_URL = re.compile(r"\b(https?|wss?)://[A-Za-z0-9.-]+:\d+")
_UPSTREAM_SERVER = re.compile(r"(?m)^(\s*server\s+(?:[\w.-]+\s+)?)[\w.-]+:\d+\b")
_NGINX_LISTEN = re.compile(r"(?m)^(\s*listen\s+)(\S+)([^;\n]*);")
_APACHE_LISTEN = re.compile(r"(?im)^(\s*Listen\s+)(\S+)(.*)$")
_APACHE_VHOST = re.compile(r"(?i)<VirtualHost\s+([^>]+)>")
_HAPROXY_BIND = re.compile(r"(?m)^(\s*bind\s+)(\S+)(.*)$")
_CERT_PATH = re.compile(r"(?<![\w/])/[\w./-]+\.(?:pem|crt|key)\b")


def rewrite_addresses(kind: str, text: str, ports: Ports, upstream_port: int, certs: Path) -> str:
    """Point a configuration at this run's loopback ports, upstream and certificates.

    Every listening address becomes 127.0.0.1 with a port of its own, chosen per
    port number, so that two blocks on the same port still share one. IPv6
    listeners are commented out. Every upstream host:port becomes the stand-in,
    and every certificate or key path becomes a throw-away self-signed one.
    """
    upstream = f"127.0.0.1:{upstream_port}"
    text = _URL.sub(lambda m: f"{m.group(1)}://{upstream}", text)
    text = _UPSTREAM_SERVER.sub(lambda m: m.group(1) + upstream, text)

    # An Apache port is TLS only where mod_ssl is switched on, even on 443.
    apache_tls = re.search(r"(?im)^\s*SSLEngine\s+on\b", text) is not None

    def pick(address: str, rest: str) -> str | None:
        if address.startswith("["):
            return None
        secure = address.endswith("443") or re.search(r"\bssl\b", rest) is not None
        if kind == "apache":
            secure = secure and apache_tls
        return ports.address(address, secure)

    def listen(match: re.Match) -> str:
        chosen = pick(match.group(2), match.group(3))
        if chosen is None:
            return "#" + match.group(0)
        ending = ";" if kind == "nginx" else ""
        return f"{match.group(1)}{chosen}{match.group(3)}{ending}"

    if kind == "nginx":
        text = _NGINX_LISTEN.sub(listen, text)
    elif kind == "apache":
        text = _APACHE_LISTEN.sub(listen, text)
        text = _APACHE_VHOST.sub(lambda m: f"<VirtualHost {pick(m.group(1).split()[0], '')}>", text)
    else:
        text = _HAPROXY_BIND.sub(listen, text)
        text = re.sub(r"\bcrt\s+\S+", f"crt {certs / 'both.pem'}", text)

    def certificate(match: re.Match) -> str:
        if match.group(0).startswith(str(certs)):
            return match.group(0)
        name = os.path.basename(match.group(0))
        return str(certs / ("key.pem" if "key" in name else "cert.pem"))

    return _CERT_PATH.sub(certificate, text)


# --- time scale --------------------------------------------------------------

_NGINX_TIMES = ("proxy_read_timeout", "proxy_send_timeout", "send_timeout", "client_body_timeout")
_NGINX_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "": 1}
# `timeout http-request` is left alone: it is a deadline for a whole request,
# body included, whose outcome depends on bandwidth, not an idle timeout.
_HAPROXY_TIMES = ("client", "server", "tunnel", "client-fin", "server-fin")
_HAPROXY_UNITS = {"us": 1e-6, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "": 0.001}


def scale_times(kind: str, text: str, scale: float) -> str:
    """Multiply the idle timeouts of a configuration by `scale`.

    Built-in defaults that the case relies on are written out scaled too:
    nginx's 60 s proxy_read_timeout and Apache's 60 s Timeout. HAProxy has no
    default to scale, because a missing timeout is infinite.
    """
    if kind == "nginx":
        return _scale_nginx(text, scale)
    if kind == "apache":
        return _scale_apache(text, scale)
    return _scale_haproxy(text, scale)


def _nginx_seconds(value: str) -> float:
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|s|m|h|d|)", value):
        total += int(number) * _NGINX_UNITS[unit]
    return total


def _scale_nginx(text: str, scale: float) -> str:
    pattern = re.compile(r"\b(%s)(\s+)([^;]+);" % "|".join(_NGINX_TIMES))

    def replace(match: re.Match) -> str:
        milliseconds = max(1, round(_nginx_seconds(match.group(3)) * scale * 1000))
        return f"{match.group(1)}{match.group(2)}{milliseconds}ms;"

    text = pattern.sub(replace, text)
    if "proxy_read_timeout" not in text:
        text = _after_http_open(text, f"proxy_read_timeout {round(60 * scale * 1000)}ms;")
    return text


def _scale_apache(text: str, scale: float) -> str:
    def seconds(value: str) -> str:
        # Apache takes whole seconds, so the scaled value is rounded, at least 1.
        return str(max(1, round(int(value) * scale)))

    text = re.sub(
        r"(?im)^(\s*(?:Timeout|ProxyTimeout)\s+)(\d+)",
        lambda m: m.group(1) + seconds(m.group(2)),
        text,
    )
    text = re.sub(r"(?i)\b(timeout=)(\d+)", lambda m: m.group(1) + seconds(m.group(2)), text)
    if not re.search(r"(?im)^\s*Timeout\s", text):
        text = f"Timeout {seconds('60')}\n" + text
    return text


def _scale_haproxy(text: str, scale: float) -> str:
    pattern = re.compile(r"(?m)^(\s*timeout\s+(%s)\s+)(\d+)(us|ms|s|m|h|d|)\b" % "|".join(_HAPROXY_TIMES))

    def replace(match: re.Match) -> str:
        seconds = int(match.group(3)) * _HAPROXY_UNITS[match.group(4)]
        return f"{match.group(1)}{max(1, round(seconds * scale * 1000))}ms"

    return pattern.sub(replace, text)


def _after_http_open(text: str, line: str) -> str:
    match = re.search(r"(?m)^\s*http\s*\{", text)
    if match is None:
        raise ServerError("an nginx case must contain an http block")
    return text[: match.end()] + "\n    " + line + text[match.end():]


# --- per-server commands -----------------------------------------------------


def _nginx(text: str, directory: Path, pid_file: Path, log_file: Path) -> list[str]:
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / name).mkdir(exist_ok=True)
    runtime = " ".join(
        f"{name}_temp_path {directory / folder};"
        for name, folder in (
            ("client_body", "client_body"),
            ("proxy", "proxy"),
            ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"),
            ("scgi", "scgi"),
        )
    )
    text = _after_http_open(text, f"{runtime} access_log {directory / 'access.log'};")
    config = directory / "nginx.conf"
    config.write_text(text)
    directives = f"daemon off; pid {pid_file}; error_log {log_file} info;"
    if os.geteuid() == 0:
        # Workers must reach the throw-away directory, which only root can enter.
        directives += " user root;"
    return [BINARIES["nginx"], "-p", str(directory), "-e", str(log_file), "-c", str(config), "-g", directives]


# Modules a configuration may use without loading them, because a packaged
# apache2.conf loads them elsewhere: (module name, file, directive that needs it).
_APACHE_NEEDS = (
    ("mpm_event_module", "mod_mpm_event.so", None),
    ("authz_core_module", "mod_authz_core.so", None),
    ("proxy_module", "mod_proxy.so", r"ProxyPass"),
    ("proxy_http_module", "mod_proxy_http.so", r"ProxyPass"),
    ("proxy_wstunnel_module", "mod_proxy_wstunnel.so", r"wss?://"),
    ("headers_module", "mod_headers.so", r"RequestHeader|\bHeader\b"),
    ("ssl_module", "mod_ssl.so", r"SSLEngine"),
    ("rewrite_module", "mod_rewrite.so", r"RewriteEngine"),
    ("filter_module", "mod_filter.so", r"AddOutputFilterByType"),
    ("deflate_module", "mod_deflate.so", r"DEFLATE"),
)


def _apache_modules(text: str) -> list[str]:
    """Return LoadModule lines for modules the text needs but does not load."""
    lines = []
    for name, file, needed_by in _APACHE_NEEDS:
        if re.search(rf"(?im)^\s*LoadModule\s+{name}\b", text):
            continue
        if needed_by is None or re.search(needed_by, text):
            lines.append(f"LoadModule {name} {APACHE_MODULES}/{file}")
    return lines


def _apache_listens(text: str) -> list[str]:
    """Return Listen lines for virtual host addresses that nothing listens on."""
    listening = set(re.findall(r"(?im)^\s*Listen\s+(\S+)", text))
    lines = []
    for address in re.findall(r"(?i)<VirtualHost\s+([^>\s]+)", text):
        if address not in listening:
            listening.add(address)
            lines.append(f"Listen {address}")
    return lines


def _apache(text: str, directory: Path, pid_file: Path, log_file: Path) -> list[str]:
    # Module paths relative to ServerRoot (RHEL's modules/) point at Debian's.
    text = re.sub(r"(?im)^(\s*LoadModule\s+\S+\s+)modules/", rf"\g<1>{APACHE_MODULES}/", text)
    preamble = [
        f"ServerRoot {directory}",
        f"DefaultRuntimeDir {directory}",
        f"PidFile {pid_file}",
        f"ErrorLog {log_file}",
        "LogLevel info",
        f"Mutex file:{directory} default",
        "ServerName stigman.example.test",
    ]
    if os.geteuid() == 0 and not re.search(r"(?im)^\s*User\s", text):
        preamble += ["User www-data", "Group www-data"]
    preamble += _apache_modules(text) + _apache_listens(text)
    config = directory / "httpd.conf"
    config.write_text("\n".join(preamble) + "\n" + text)
    os.chmod(directory, 0o755)
    return [BINARIES["apache"], "-f", str(config), "-DFOREGROUND"]


def _haproxy(text: str, directory: Path, pid_file: Path) -> list[str]:
    config = directory / "haproxy.cfg"
    config.write_text(text)
    # Master-worker mode (-W) writes the pid file in the foreground too, and
    # stopping the master stops its worker.
    return [BINARIES["haproxy"], "-W", "-db", "-f", str(config), "-p", str(pid_file)]


def _wait_ready(server: Server, ports: list[int]) -> None:
    deadline = time.monotonic() + START_SECONDS
    pending = list(ports)
    while pending:
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.kind} exited with {server.process.returncode}:\n"
                + (server.directory / "output.log").read_text(errors="replace")
                + server.log()
            )
        try:
            with socket.create_connection(("127.0.0.1", pending[0]), timeout=0.5):
                pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise ServerError(f"{server.kind} did not listen on 127.0.0.1:{pending[0]}") from None
            time.sleep(0.05)
    while not server.pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.pid_file.exists():
        raise ServerError(f"{server.kind} wrote no pid file at {server.pid_file}")
