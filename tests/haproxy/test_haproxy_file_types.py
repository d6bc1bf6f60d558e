"""Files that are not regular files are rejected without being opened for reading."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from stiglint.haproxy import loader
from stiglint.haproxy.loader import load

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")


@needs_fifo
def test_fifo_without_writer_rejected(tmp_path):
    path = tmp_path / "pipe.cfg"
    os.mkfifo(path)
    result: list = []
    thread = threading.Thread(target=lambda: result.append(load([str(path)])))
    thread.daemon = True
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "load() blocked on a FIFO"
    messages = [error.message for error in result[0].errors]
    assert messages == [
        f"{path}: not a regular file (a pipe, socket or device), so it was not read"
    ]
    assert result[0].files == []


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_device_rejected():
    config = load(["/dev/zero"])
    assert [error.message for error in config.errors] == [
        "/dev/zero: not a regular file (a pipe, socket or device), so it was not read"
    ]


def test_read_capped_at_limit(tmp_path, monkeypatch):
    from stiglint import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.cfg"
    path.write_text("# x\n" * 100)
    config = load([str(path)])
    assert [error.message for error in config.errors] == [f"{path}: file is larger than 64 MiB"]


@needs_fifo
def test_cli_fifo_without_cfg_name(tmp_path):
    directory = tmp_path / "haproxy"
    directory.mkdir()
    path = directory / "pipe"
    os.mkfifo(path)
    completed = subprocess.run(
        [sys.executable, "-m", "stiglint", "check", "--no-config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "not a regular file" in completed.stdout
