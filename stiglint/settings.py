"""Settings that shape a lint run, shared by every server adapter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stiglint import endpoints


@dataclass(frozen=True, order=True)
class Version:
    """A dotted server version such as 1.29.7."""

    parts: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> Version:
        match = re.fullmatch(r"\s*v?(\d+(?:\.\d+){0,3})\s*", text)
        if not match:
            raise ValueError(f"invalid version {text!r}: expected a form like 1.24.0")
        return cls(tuple(int(part) for part in match.group(1).split(".")))

    def at_least(self, *parts: int) -> bool:
        return self.parts >= parts

    def __str__(self) -> str:
        return ".".join(str(part) for part in self.parts)


# Without a version hint, assume releases that distributions ship today: Debian 12
# has nginx 1.22.1, Apache httpd 2.4.71 (from its security updates) and HAProxy
# 2.6.12.
DEFAULT_VERSIONS = {
    "nginx": Version((1, 22, 1)),
    "apache": Version((2, 4, 71)),
    "haproxy": Version((2, 6, 12)),
}


@dataclass(frozen=True)
class Settings:
    """Options a user sets on the command line or in a configuration file."""

    # Public paths STIG Manager is mounted at, such as "/stigman/". Empty means
    # detect them from the proxy targets.
    mounts: tuple[str, ...] = ()
    versions: dict[str, Version] = field(default_factory=dict)
    # Directory that relative nginx `include` paths resolve against; default is the
    # directory of the main configuration file, as with `nginx -c`.
    prefix: str | None = None
    body_size_min: int = endpoints.RECOMMENDED_BODY_BYTES
    timeout_error_seconds: float = endpoints.KEEPALIVE_SECONDS
    timeout_warning_seconds: float = endpoints.RECOMMENDED_TIMEOUT_SECONDS

    def version(self, server: str) -> Version:
        return self.versions.get(server, DEFAULT_VERSIONS[server])

    def version_given(self, server: str) -> bool:
        return server in self.versions


def version_from_comments(
    server: str,
    settings: Settings,
    comments: dict[str, list[tuple[int, str]]],
    notes: list[str],
) -> Version:
    """Return the release a lint should assume for `server`.

    A version in the settings wins; otherwise a comment such as
    `# stiglint: nginx-version=1.30.0` in the configuration states it, and an
    invalid one becomes a note. `comments` maps files to (line, text after "#").
    """
    if settings.version_given(server):
        return settings.version(server)
    pattern = re.compile(rf"\s*stiglint:\s*{server}-version\s*=\s*(\S+)")
    for file, lines in comments.items():
        for line, text in lines:
            match = pattern.match(text)
            if match:
                try:
                    return Version.parse(match.group(1))
                except ValueError as exc:
                    notes.append(f"{file}:{line}: {exc}")
    return settings.version(server)
