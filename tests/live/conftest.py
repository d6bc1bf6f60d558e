"""Fixtures of the live suite, and the table of agreements printed at its end.

The suite starts real servers and takes minutes, so it runs only when asked
for: `pytest tests/live`, or any run with STIGLINT_LIVE=1. A plain `pytest`
from the repository root deselects it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from live import servers
from live.standin import StandIn

LIVE_DIR = Path(__file__).parent
# Rows of the agreement table: (case, family, observed, stiglint, agrees, detail).
TABLE: list[tuple[str, str, str, str, bool, str]] = []


def _live_requested(config: pytest.Config) -> bool:
    if os.environ.get("STIGLINT_LIVE") == "1":
        return True
    for argument in config.args:
        path = Path(argument.split("::")[0]).resolve()
        if path == LIVE_DIR or LIVE_DIR in path.parents:
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _live_requested(config):
        return
    live = [item for item in items if LIVE_DIR in Path(str(item.fspath)).parents]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if item not in live]


@pytest.fixture(scope="session")
def installed() -> dict[str, str]:
    """Return the version of each installed server; fail if one is missing."""
    missing = [name for name, binary in servers.BINARIES.items() if not shutil.which(binary)]
    if missing:
        pytest.fail(
            "the live suite needs Debian's nginx, apache2 and haproxy packages "
            f"(missing: {', '.join(missing)}); run tests/live/install.sh"
        )
    return {name: servers.version(name) for name in servers.BINARIES}


@pytest.fixture
def standin() -> StandIn:
    app = StandIn().start()
    yield app
    app.stop()


@pytest.fixture
def start_server(tmp_path):
    """Start proxies for one test and stop each by its process id afterwards."""
    started: list[servers.Server] = []

    def start(kind: str, text: str, upstream_port: int, scale: float) -> servers.Server:
        server = servers.start(kind, text, tmp_path / f"{kind}-{len(started)}", upstream_port, scale)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not TABLE:
        return
    write = terminalreporter.write_line
    widths = [max(len(str(row[i])) for row in TABLE) for i in range(4)]
    titles = ("case", "family", "observed", "stiglint")
    widths = [max(width, len(title)) for width, title in zip(widths, titles)]
    terminalreporter.section("live agreement")
    write("  ".join(title.ljust(width) for title, width in zip(titles, widths)) + "  agrees  observation")
    for row in TABLE:
        cells = [str(cell).ljust(width) for cell, width in zip(row[:4], widths)]
        write("  ".join(cells) + ("  yes     " if row[4] else "  NO      ") + row[5])
    agreed = sum(1 for row in TABLE if row[4])
    write(f"{agreed} of {len(TABLE)} configuration-family cases agree")
