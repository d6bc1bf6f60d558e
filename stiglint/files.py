"""Reading configuration files safely, for every server adapter."""

from __future__ import annotations

import os
import stat

MAX_FILE_BYTES = 64 * 1024 * 1024


class UnreadableFile(Exception):
    """A file that cannot be linted: `message` states why and `hint` what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def read_text(path: str, server: str, example: str) -> str:
    """Return the text of a configuration file; raise UnreadableFile with the reason.

    The file is opened without blocking and checked with fstat before a byte is
    read, so a FIFO or device given by mistake (or matched by an include glob)
    cannot hang the run. Reads are capped at 64 MiB and sized by the file, and
    bytes that are not UTF-8 are replaced rather than rejected, as the servers
    read bytes. `server` names the server in messages, and `example` is a main
    file to suggest, such as /etc/nginx/nginx.conf.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UnreadableFile(f"{path}: file not found", "check the path") from None
    except IsADirectoryError:
        raise UnreadableFile(
            f"{path} is a directory, not a configuration file",
            f"name the main file, such as {example}",
        ) from None
    except PermissionError:
        raise UnreadableFile(
            f"{path}: permission denied", "run as a user that can read it"
        ) from None
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read: {exc.strerror or exc}", "check the file") from None

    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFile(
                f"{path} is a directory, not a configuration file",
                f"name the main file, such as {example}",
            )
        raise UnreadableFile(
            f"{path}: not a regular file (a pipe, socket or device), so it was not read",
            "give the configuration file itself",
        )
    with os.fdopen(descriptor, "rb") as handle:
        if status.st_size > MAX_FILE_BYTES:
            raise UnreadableFile(f"{path}: file is larger than 64 MiB", f"name the main file, such as {example}")
        try:
            # The file may grow after fstat, so the read stays capped.
            data = handle.read(min(status.st_size, MAX_FILE_BYTES) + 4096)
        except OSError as exc:
            raise UnreadableFile(f"{path}: cannot read: {exc.strerror or exc}", "check the file") from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"{path}: file is larger than 64 MiB", f"name the main file, such as {example}")
    if b"\0" in data:
        raise UnreadableFile(f"{path} is not a text file", f"name an {server} configuration file")
    return data.decode("utf-8", errors="replace")
