"""Time stiglint on generated HAProxy configurations, with `haproxy -c` beside it.

Usage: python benchmarks/haproxy.py [COUNT ...]   (default: 1000 10000)

Each configuration has COUNT frontends and COUNT backends. Every tenth backend
points at port 54000, so stiglint treats it as STIG Manager and checks every
endpoint on its route. The other backends are plain web servers it only routes
past.
The script prints figures and asserts nothing. Peak memory is the maximum
resident set size of the `stiglint check` process, start-up included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

from stiglint import haproxy
from stiglint.settings import Settings

DEFAULT_COUNTS = (1000, 10000)


def generate(count: int) -> str:
    """Return a configuration with `count` frontend and backend pairs."""
    parts = [
        "global\n    maxconn 100000\n",
        (
            "defaults\n    mode http\n    timeout connect 5s\n    timeout client 50s\n"
            "    timeout server 50s\n"
        ),
    ]
    for index in range(count):
        port = 54000 if index % 10 == 0 else 8080
        parts.append(
            f"frontend fe{index}\n"
            f"    bind 127.0.0.1:{20000 + index}\n"
            "    option forwardfor\n"
            "    http-request set-header X-Forwarded-Proto https if { ssl_fc }\n"
            f"    acl is_api{index} path_beg /api/\n"
            f"    use_backend be{index} if is_api{index}\n"
            f"    default_backend be{index}\n"
            f"backend be{index}\n"
            f"    server s{index} 127.0.0.1:{port} check\n"
        )
    return "\n".join(parts)


def run_stiglint(path: str) -> tuple[float, float, int]:
    """Return in-process seconds, command seconds and the command's peak RSS in KiB."""
    start = time.perf_counter()
    report = haproxy.lint(path, Settings())
    in_process = time.perf_counter() - start
    if report.errors:
        raise SystemExit(f"generated configuration is invalid: {report.errors[0]}")

    command = [
        sys.executable,
        "-m",
        "stiglint",
        "check",
        "--fail-on",
        "never",
        "--format",
        "json",
        path,
    ]
    start = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        process = subprocess.Popen(command, stdout=devnull)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"stiglint exited with {os.waitstatus_to_exitcode(status)}")
    return in_process, elapsed, usage.ru_maxrss


def run_haproxy(path: str) -> str:
    binary = shutil.which("haproxy")
    if binary is None:
        return "not installed"
    start = time.perf_counter()
    result = subprocess.run(
        [binary, "-c", "-f", path], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    verdict = "valid" if result.returncode == 0 else f"exit {result.returncode}"
    return f"{elapsed:.2f} s ({verdict})"


def main(argv: list[str]) -> None:
    counts = [int(arg) for arg in argv] or list(DEFAULT_COUNTS)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(
        f"{'pairs':>7} {'lines':>8} {'lint()':>9} {'check cmd':>10} {'peak RSS':>10}  haproxy -c"
    )
    with tempfile.TemporaryDirectory() as directory:
        for count in counts:
            path = os.path.join(directory, f"bench-{count}.cfg")
            text = generate(count)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            in_process, command, peak = run_stiglint(path)
            lines = text.count("\n")
            print(
                f"{count:>7} {lines:>8} {in_process:>8.2f}s {command:>9.2f}s "
                f"{peak / 1024:>7.0f} MiB  {run_haproxy(path)}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
