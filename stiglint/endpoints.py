"""The STIG Manager endpoints a proxy can break, relative to the app's mount path.

The app serves its web client at its root, its API under `api/` and a WebSocket at
`socket/log-socket` (beside `api/`, not under it). Paths and behaviour are from
STIG Manager's API definition and source (api/source/controllers/Collection.js,
Operation.js, utils/logSocket.js).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    NDJSON = "NDJSON progress stream"
    SSE = "Server-Sent Events stream"
    WEBSOCKET = "WebSocket"
    UPLOAD = "large upload"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    kind: Kind

    def request_path(self, mount: str) -> str:
        """Return the public request path of this endpoint under `mount`."""
        if not mount.endswith("/"):
            mount += "/"
        return mount + self.path

    @property
    def streams(self) -> bool:
        return self.kind in (Kind.NDJSON, Kind.SSE)

    @property
    def long_lived(self) -> bool:
        return self.kind in (Kind.NDJSON, Kind.SSE, Kind.WEBSOCKET)


EXPORT_TO = Endpoint("export-to", "POST", "api/collections/1/export-to/2", Kind.NDJSON)
CLONE = Endpoint("clone", "POST", "api/collections/1/clone", Kind.NDJSON)
STATE_SSE = Endpoint("state-sse", "GET", "api/op/state/sse", Kind.SSE)
LOG_SOCKET = Endpoint("log-socket", "GET", "socket/log-socket", Kind.WEBSOCKET)
STIG_IMPORT = Endpoint("stig-import", "POST", "api/stigs", Kind.UPLOAD)

@dataclass(frozen=True)
class Mount:
    """Public paths of the app's root and of its API base, each ending in '/'.

    `root` is None when only the API is published (under another name), so the
    log socket, which sits beside the API, has no known public path.
    """

    root: str | None
    api: str

    @classmethod
    def at(cls, root: str) -> Mount:
        root = root if root.endswith("/") else root + "/"
        return cls(root, root + "api/")

    def request_path(self, endpoint: Endpoint) -> str | None:
        if endpoint.path.startswith("api/"):
            return self.api + endpoint.path[len("api/") :]
        if self.root is None:
            return None
        return self.root + endpoint.path

    def label(self) -> str:
        return self.root if self.root is not None else self.api


ENDPOINTS: tuple[Endpoint, ...] = (EXPORT_TO, CLONE, STATE_SSE, LOG_SOCKET, STIG_IMPORT)

# The app's own idle keepalive: SSE comments and WebSocket pings every 30 s.
KEEPALIVE_SECONDS = 30
# The read timeout STIG Manager's reverse-proxy guide recommends.
RECOMMENDED_TIMEOUT_SECONDS = 3600
# The body limit the guide calls a reasonable starting point for imports.
RECOMMENDED_BODY_BYTES = 100 * 1024 * 1024
# The API's default listening port.
DEFAULT_PORT = 54000


def looks_like_stigman(name: str) -> bool:
    """Return whether a host or upstream name looks like STIG Manager's."""
    lowered = name.lower()
    return any(word in lowered for word in ("stigman", "stig-manager", "stig_manager"))
