"""Choosing the server adapter for each input and running it."""

from __future__ import annotations

import importlib
import os
import re
import stat

from stiglint import catalogue
from stiglint.findings import Finding, InputError, Place, Report
from stiglint.settings import Settings

SERVERS = ("nginx", "apache", "haproxy")

_APACHE_NAMES = ("apache2.conf", "httpd.conf", "httpd-ssl.conf", ".htaccess")
_HAPROXY_NAMES = ("haproxy.cfg",)
_APACHE_TEXT = re.compile(
    r"^\s*(<VirtualHost\b|<IfModule\b|<Location\b|<Directory\b|ServerRoot\b|"
    r"ProxyPass\b|LoadModule\b|DocumentRoot\b|ServerName\s+\S+\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
_HAPROXY_TEXT = re.compile(r"^(frontend|backend|listen|defaults|global)\b", re.MULTILINE)
_NGINX_TEXT = re.compile(r"^\s*(server|http|location|upstream|events)\b[^;]*\{", re.MULTILINE)


# Folders that place a fragment whose text does not tell the server.
_FOLDERS = {
    "nginx": {"nginx", "openresty"},
    "apache": {"apache", "apache2", "httpd"},
    "haproxy": {"haproxy"},
}
# Main files looked for when a directory is given, in this order.
_MAIN_FILES = (
    ("nginx", ("nginx.conf",)),
    ("apache", ("apache2.conf", "httpd.conf", "conf/httpd.conf")),
    ("haproxy", ("haproxy.cfg",)),
)


class UnknownServer(Exception):
    pass


def detect_server(path: str, text: str | None = None) -> str:
    """Return which server's configuration `path` is: by name, content, then folder.

    `text` is the content when it does not come from `path` (standard input).
    The main file names of the three servers decide at once. Otherwise the
    directives in the text decide, and a fragment with too few of them to tell
    (such as nginx's proxy_params) is placed by the folders it sits in.
    """
    name = os.path.basename(path).lower()
    if name in _APACHE_NAMES:
        return "apache"
    if name in _HAPROXY_NAMES or name.endswith(".cfg"):
        return "haproxy"
    if name == "nginx.conf":
        return "nginx"
    unreadable = False
    if text is None:
        try:
            # A FIFO or device is never opened here, because opening a FIFO
            # with no writer blocks; the adapters reject such a file.
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise OSError(f"not a regular file: {path}")
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(256 * 1024)
        except OSError:
            text, unreadable = "", True
    scores = {
        "apache": len(_APACHE_TEXT.findall(text)),
        "haproxy": len(_HAPROXY_TEXT.findall(text)),
        "nginx": len(_NGINX_TEXT.findall(text)),
    }
    ranked = sorted(scores, key=scores.get, reverse=True)
    if scores[ranked[0]] > scores[ranked[1]]:
        return ranked[0]
    parts = {part.lower() for part in os.path.normpath(os.path.abspath(path)).split(os.sep)}
    for server, folders in _FOLDERS.items():
        if parts & folders:
            return server
    if unreadable:
        return "nginx"  # the nginx adapter reports why the file cannot be read
    raise UnknownServer(path)


def resolve_directory(path: str) -> tuple[str, str] | None:
    """Return (server, main file) for a configuration directory such as /etc/nginx."""
    for server, names in _MAIN_FILES:
        for name in names:
            candidate = os.path.join(path, name)
            if os.path.isfile(candidate):
                return server, candidate
    if any(entry.endswith(".cfg") for entry in os.listdir(path)):
        return "haproxy", path
    return None


def lint_file(path: str, settings: Settings, server: str | None = None) -> Report:
    """Lint one main configuration file or directory, reporting bad input as errors."""
    if os.path.isdir(path) and server != "haproxy":
        try:
            found = resolve_directory(path)
        except OSError as exc:
            found = None
            reason = exc.strerror or str(exc)
        else:
            reason = "it holds no nginx.conf, apache2.conf, httpd.conf or *.cfg"
        if found is None or (server is not None and found[0] != server):
            report = Report(server or "unknown", files=[])
            report.errors.append(
                InputError(
                    Place(path),
                    f"{path} is a directory and {reason}",
                    "name the main configuration file, such as /etc/nginx/nginx.conf",
                )
            )
            return report
        server, path = found
    if server is None:
        try:
            server = detect_server(path)
        except UnknownServer:
            report = Report("unknown", files=[path])
            report.errors.append(
                InputError(
                    Place(path),
                    "cannot tell whether this is an nginx, Apache httpd or HAProxy "
                    "configuration",
                    "name the server with --server",
                )
            )
            return report
    module = importlib.import_module(f"stiglint.{server}")
    report = module.lint(path, settings)
    served = {target.mount for target in report.targets}
    unserved = [mount for mount in settings.mounts if mount not in served]
    if unserved and not report.errors:
        report.findings.append(_unserved_mounts(path, unserved))
    return report


def _unserved_mounts(path: str, mounts: list[str]) -> Finding:
    """Report mount paths the user gave that no proxy block serves."""
    rule = catalogue.get("ROUTE-SHADOWED")
    names = ", ".join(mounts)
    return Finding(
        rule.id,
        rule.severity,
        Place(path),
        f"No block in these files proxies the STIG Manager mount path {names} given "
        "with --mount or in the configuration file, so nothing was checked there",
        "# check the mount path, or that these are the files the server loads",
    )
