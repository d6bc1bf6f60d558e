"""Read the live configuration cases under `cases/<server>/`.

A case is a whole configuration file for its server. Header comments, which all
three servers read as comments, say what a client was observed to get:

    # live: expect body-size=rejected websocket=refused timeout=short
    # live: scale 0.05        time scale of the run (default 0.1)
    # live: mount /stigman/   public path of STIG Manager (default /)
    # live: tls               observe through the TLS listener
    # live: client-cert       present the run's throw-away certificate as a client
    # live: seen nginx/1.22.1 the server release the expectations come from

A file named `*.case` holds only these headers plus `# live: config PATH`,
which names a configuration elsewhere in the repository (a sample) to run
and lint unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CASES_DIR = Path(__file__).parent / "cases"
REPO = Path(__file__).resolve().parents[2]
SERVER_DIRS = ("nginx", "apache", "haproxy")
DEFAULT_SCALE = 0.1
# STIG Manager's SSE keepalive and WebSocket ping interval, in seconds.
APP_KEEPALIVE_SECONDS = 30

_HEADER = re.compile(r"^\s*#\s*live:\s*(\S+)\s*(.*?)\s*$")


class CaseError(Exception):
    pass


@dataclass
class Case:
    server: str
    path: Path
    expect: dict[str, str] = field(default_factory=dict)
    scale: float = DEFAULT_SCALE
    mount: str = "/"
    tls: bool = False
    client_cert: bool = False
    seen: str = ""
    # The configuration to run and lint: the case file itself unless it names one.
    config: Path | None = None

    @property
    def name(self) -> str:
        return f"{self.server}/{self.path.name}"

    @property
    def config_path(self) -> Path:
        return self.config or self.path

    @property
    def keepalive(self) -> float:
        return APP_KEEPALIVE_SECONDS * self.scale


def load(path: Path) -> Case:
    case = Case(server=path.parent.name, path=path)
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "expect":
            for pair in value.split():
                family, _, word = pair.partition("=")
                if not word:
                    raise CaseError(f"{path}:{number}: expected family=word, got {pair!r}")
                case.expect[family] = word
        elif key == "scale":
            case.scale = float(value)
        elif key == "mount":
            case.mount = value
        elif key == "tls":
            case.tls = True
        elif key == "client-cert":
            case.client_cert = True
        elif key == "seen":
            case.seen = value
        elif key == "config":
            case.config = REPO / value
            if not case.config.is_file():
                raise CaseError(f"{path}:{number}: {value} not found in the repository")
        else:
            raise CaseError(f"{path}:{number}: unknown live header {key!r}")
    if not case.expect:
        raise CaseError(f"{path}: no '# live: expect' line")
    return case


def all_cases() -> list[Case]:
    found = []
    for server in SERVER_DIRS:
        for path in sorted((CASES_DIR / server).glob("*")):
            if path.is_file():
                found.append(load(path))
    return found
