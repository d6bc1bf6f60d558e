"""Benchmark stiglint on generated Apache httpd trees of 1,000 and 10,000 virtual hosts.

Each tree has a main file that includes `sites/*.conf`, one file per virtual
host. Every host proxies STIG Manager under /stigman/ and another app at /, with
a few Location sections and headers, so every check runs. The script prints
stiglint's wall time and peak resident memory (each run in a fresh process), and
the time of `apache2 -t` (or `httpd -t`) on the same tree when one is installed.
It prints figures and asserts nothing.

Usage: python benchmarks/apache.py [COUNT ...]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

COUNTS = (1_000, 10_000)

# Module directories of the Debian and RHEL packages, for `-t` runs.
_MODULE_DIRS = ("/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules")
_MODULES = ("mpm_event", "authz_core", "proxy", "proxy_http", "proxy_wstunnel", "headers", "rewrite")

_HOST = """\
<VirtualHost *:8080>
    ServerName site{index}.example.org
    ProxyPreserveHost On
    RequestHeader set X-Forwarded-Proto "https"
    Timeout {timeout}
    <Location /static/>
        Require all granted
    </Location>
    <Location /stigman/>
        ProxyPass http://stigman{index}:54000/ upgrade=websocket
    </Location>
    RewriteEngine On
    RewriteRule ^/old/(.*) /new/$1 [R=301,L]
    ProxyPass /static/ !
    ProxyPass / http://app{index}.internal:8000/
</VirtualHost>
"""


def generate(root: str, count: int, module_dir: str | None) -> str:
    """Write a tree with `count` virtual hosts below `root`; return the main file."""
    sites = os.path.join(root, "sites")
    os.makedirs(sites)
    for index in range(count):
        # Every seventh host has a short timeout, so findings are produced too.
        timeout = 30 if index % 7 == 0 else 3600
        with open(os.path.join(sites, f"site{index:05d}.conf"), "w", encoding="utf-8") as handle:
            handle.write(_HOST.format(index=index, timeout=timeout))
    lines = [
        f"ServerRoot {root}",
        f"ErrorLog {root}/error.log",
        f"PidFile {root}/httpd.pid",
        "Listen 127.0.0.1:8080",
        "ServerName localhost",
    ]
    if module_dir:
        lines += [f"LoadModule {name}_module {module_dir}/mod_{name}.so" for name in _MODULES]
    lines += ["Timeout 300", "Include sites/*.conf", ""]
    main = os.path.join(root, "httpd.conf")
    with open(main, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return main


def measure(main: str) -> None:
    """Lint `main` in this process and print seconds, peak RSS and counts as one line."""
    from stiglint import linter
    from stiglint.settings import Settings

    start = time.perf_counter()
    report = linter.lint_file(main, Settings(), "apache")
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(elapsed, peak_kib, len(report.findings), len(report.targets), len(report.errors))


def server_binary() -> str | None:
    for name in ("apache2", "httpd"):
        path = shutil.which(name) or next(
            (p for p in (f"/usr/sbin/{name}",) if os.path.exists(p)), None
        )
        if path:
            return path
    return None


def run(count: int, binary: str | None) -> None:
    module_dir = next((d for d in _MODULE_DIRS if os.path.isdir(d)), None) if binary else None
    with tempfile.TemporaryDirectory(prefix="stiglint-bench-") as root:
        main = generate(root, count, module_dir)
        output = subprocess.run(
            [sys.executable, __file__, "--measure", main],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        seconds, peak_kib, findings, targets, errors = output
        print(
            f"{count:>6} hosts  stiglint {float(seconds):7.2f} s  peak RSS "
            f"{int(peak_kib) / 1024:7.1f} MiB  ({findings} findings, {targets} targets, "
            f"{errors} input errors)"
        )
        if binary is None:
            print(f"{count:>6} hosts  apache2/httpd not installed: no -t timing")
            return
        start = time.perf_counter()
        result = subprocess.run(
            [binary, "-t", "-d", root, "-f", main], capture_output=True, text=True
        )
        elapsed = time.perf_counter() - start
        if result.returncode == 0:
            verdict = "Syntax OK"
        else:
            lines = result.stderr.strip().splitlines()
            verdict = "failed: " + (lines[-1] if lines else f"exit status {result.returncode}")
        print(f"{count:>6} hosts  {os.path.basename(binary)} -t {elapsed:7.2f} s  ({verdict})")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
        return
    counts = [int(arg) for arg in sys.argv[1:]] or list(COUNTS)
    binary = server_binary()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {sys.platform}")
    for count in counts:
        run(count, binary)


if __name__ == "__main__":
    main()
