"""Choosing the server adapter for each input and running it."""

from __future__ import annotations

import importlib
import os
import re

from stiglint.findings import InputError, Place, Report
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


class UnknownServer(Exception):
    pass


def detect_server(path: str, text: str | None = None) -> str:
    """Return which server's configuration `path` is, by name and then by content.

    `text` is the content when it does not come from `path` (standard input).
    """
    name = os.path.basename(path).lower()
    parts = {part.lower() for part in os.path.normpath(os.path.abspath(path)).split(os.sep)}
    if name in _APACHE_NAMES or parts & {"apache", "apache2", "httpd"}:
        return "apache"
    if name in _HAPROXY_NAMES or name.endswith(".cfg") or "haproxy" in parts:
        return "haproxy"
    if name == "nginx.conf" or "nginx" in parts:
        return "nginx"
    if text is None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(256 * 1024)
        except OSError:
            return "nginx"  # let the adapter report why the file cannot be read
    scores = {
        "apache": len(_APACHE_TEXT.findall(text)),
        "haproxy": len(_HAPROXY_TEXT.findall(text)),
        "nginx": len(_NGINX_TEXT.findall(text)),
    }
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        raise UnknownServer(path)
    return best


def lint_file(path: str, settings: Settings, server: str | None = None) -> Report:
    """Lint one main configuration file; never raises for bad input."""
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
    return module.lint(path, settings)
