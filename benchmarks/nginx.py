"""Benchmark: stiglint against a bare crossplane.parse() on generated nginx trees.

Generates trees of N server blocks, one include file per server under conf.d/,
each server with a STIG Manager location and a few others, and times, in a fresh
subprocess each, (a) crossplane.parse() of the tree with its includes and (b) the
whole stiglint nginx lint of the same tree. Prints wall time, peak resident memory
and the ratios. Usage: python benchmarks/nginx.py [N ...] (default: 1000 10000).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER = """server {{
    listen 443 ssl;
    server_name site{index}.example.com;
    client_max_body_size 100m;
    location / {{ root /srv/www/site{index}; }}
    location ~* \\.(js|css|png)$ {{ expires 30d; }}
    location /stigman/ {{
        proxy_pass http://stigman{index}:54000/;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_read_timeout {timeout};
    }}
    location /kc/ {{ proxy_pass http://keycloak:8080/kc/; }}
}}
"""

MEASURE = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "crossplane":
    import crossplane
    payload = crossplane.parse(path)
    count = len(payload["config"])
elif mode == "crossplane-as-stiglint":
    import crossplane
    payload = crossplane.parse(path, check_ctx=False, check_args=False, comments=True)
    count = len(payload["config"])
else:
    from stiglint.nginx import lint
    from stiglint.settings import Settings
    report = lint(path, Settings())
    count = len(report.findings)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "count": count}))
"""


def generate(directory: Path, servers: int) -> Path:
    conf_d = directory / "conf.d"
    conf_d.mkdir(parents=True)
    for index in range(servers):
        timeout = "60s" if index % 10 == 0 else "3600s"
        (conf_d / f"site{index:05d}.conf").write_text(SERVER.format(index=index, timeout=timeout))
    main = directory / "nginx.conf"
    main.write_text("events {}\nhttp {\n    include conf.d/*.conf;\n}\n")
    return main


def measure(mode: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", MEASURE, mode, str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output)


def main(sizes: list[int], repeats: int = 3) -> None:
    print(
        f"{'servers':>8} {'parse() s':>10} {'parse(as used) s':>17} {'stiglint s':>11} "
        f"{'time x':>7} {'parse() MiB':>12} {'stiglint MiB':>13} {'memory x':>9}"
    )
    for servers in sizes:
        with tempfile.TemporaryDirectory() as temporary:
            main_file = generate(Path(temporary), servers)
            best = {
                mode: min(
                    (measure(mode, main_file) for _ in range(repeats)),
                    key=lambda result: result["seconds"],
                )
                for mode in ("crossplane", "crossplane-as-stiglint", "stiglint")
            }
        bare, used, ours = best["crossplane"], best["crossplane-as-stiglint"], best["stiglint"]
        print(
            f"{servers:>8} {bare['seconds']:>10.2f} {used['seconds']:>17.2f} "
            f"{ours['seconds']:>11.2f} {ours['seconds'] / bare['seconds']:>7.2f} "
            f"{bare['peak_kib'] / 1024:>12.1f} {ours['peak_kib'] / 1024:>13.1f} "
            f"{ours['peak_kib'] / bare['peak_kib']:>9.2f}"
        )
    print(
        "parse(): crossplane.parse() with its defaults; parse(as used): with the "
        "options stiglint passes (no context or argument checks, comments kept). "
        "Times are the best of", repeats, "runs, each in a fresh process."
    )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
