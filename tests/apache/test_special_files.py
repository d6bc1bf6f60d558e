"""Include targets that are not regular files are reported, never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stiglint.apache.loader import load

from .helpers import write

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _messages(config) -> list[str]:
    return [error.message for error in config.errors]


def test_include_of_fifo_is_input_error(tmp_path: Path):
    # No process writes to the pipe, so opening it would block forever.
    pipe = tmp_path / "pipe.conf"
    os.mkfifo(pipe)
    main = write(tmp_path, "httpd.conf", f"Include {pipe}\n")
    config = load(str(main))
    assert _messages(config) == [f"{pipe}: not a regular file (a pipe, socket or device), so it was not read"]
    assert config.errors[0].place.line == 1


def test_wildcard_include_matching_fifo_is_input_error(tmp_path: Path):
    write(tmp_path, "conf.d/a.conf", "Timeout 3600\n")
    os.mkfifo(tmp_path / "conf.d" / "b.conf")
    main = write(tmp_path, "httpd.conf", "IncludeOptional conf.d/*.conf\n")
    config = load(str(main))
    assert _messages(config) == [
        f"{tmp_path / 'conf.d' / 'b.conf'}: not a regular file (a pipe, socket or device), so it was not read"
    ]
    assert [d.source() for d in config.root.block] == ["Timeout 3600"]


def test_directory_include_with_fifo_is_input_error(tmp_path: Path):
    write(tmp_path, "conf.d/a.conf", "Timeout 3600\n")
    os.mkfifo(tmp_path / "conf.d" / "z")
    main = write(tmp_path, "httpd.conf", "Include conf.d\n")
    config = load(str(main))
    assert len(config.errors) == 1
    assert "not a regular file" in config.errors[0].message


def test_include_of_dev_null_is_empty(tmp_path: Path):
    main = write(tmp_path, "httpd.conf", "Include /dev/null\nTimeout 3600\n")
    config = load(str(main))
    assert config.errors == []
    assert [d.source() for d in config.root.block] == ["Timeout 3600"]
