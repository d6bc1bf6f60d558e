"""Small nginx configurations and helpers for the command-line tests."""

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path


# A server that proxies STIG Manager with every setting the rules ask for.
CLEAN_NGINX = """\
events {}
http {
    server {
        listen 80;
        location /stigman/ {
            proxy_pass http://stigman:54000/;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            proxy_buffering off;
            client_max_body_size 100m;
        }
    }
}
"""


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def nginx_with(*lines: str) -> str:
    """Return CLEAN_NGINX with `lines` set in the STIG Manager location.

    A line whose directive is already there replaces it in place, so line numbers
    stay those of CLEAN_NGINX. Other lines are added at the end of the location.
    """
    text = CLEAN_NGINX
    added = ""
    for line in lines:
        name = line.split()[0]
        current = [row for row in text.splitlines() if row.strip().split()[:1] == [name]]
        if current:
            text = text.replace(current[0] + "\n", f"            {line}\n", 1)
        else:
            added += f"            {line}\n"
    last = "            client_max_body_size 100m;\n"
    if "client_max_body_size" not in " ".join(lines):
        return text.replace(last, last + added)
    return text.replace("        }\n    }\n}\n", added + "        }\n    }\n}\n")


def finding_keys(document: dict) -> list[str]:
    """Return `RULE:line` for every finding of a JSON report, in report order."""
    return [f"{item['rule']}:{item['line']}" for item in document["findings"]]


def relative(path: Path) -> str:
    return os.path.relpath(path)
