"""The `stiglint` command line.

Exit codes: 0 no finding at or above the failing severity, 1 findings, 2 the input
could not be read or parsed or the command line is wrong, 3 an internal error.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import List, Optional

import typer

from stiglint import __version__

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
EXIT_INTERNAL_ERROR = 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Lint nginx, Apache httpd and HAProxy configurations that proxy STIG Manager.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, enum.Enum):
    text = "text"
    json = "json"


class Server(str, enum.Enum):
    nginx = "nginx"
    apache = "apache"
    haproxy = "haproxy"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"stiglint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Lint nginx, Apache httpd and HAProxy configurations that proxy STIG Manager."""


def _fail(message: str) -> None:
    typer.echo(f"stiglint: error: {message}", err=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


@app.command()
def check(
    paths: List[str] = typer.Argument(
        ..., help="Main configuration files, such as /etc/nginx/nginx.conf."
    ),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of standard output."
    ),
    fail_on: FailOn = typer.Option(
        FailOn.warning, "--fail-on",
        help="Exit with 1 when a finding has this severity or a higher one.",
    ),
    server: Optional[Server] = typer.Option(
        None, "--server", help="Server type of the inputs; default: detect from name and content."
    ),
    mount: List[str] = typer.Option(
        [], "--mount",
        help="Public path STIG Manager is mounted at, such as /stigman/ (repeatable); "
        "default: detect from the proxy targets.",
    ),
    nginx_version: Optional[str] = typer.Option(
        None, "--nginx-version", help="nginx release the configuration runs on; default 1.22.1."
    ),
    haproxy_version: Optional[str] = typer.Option(
        None, "--haproxy-version",
        help="HAProxy release the configuration runs on; decides .if version tests. "
        "Default 2.6.12.",
    ),
    prefix: Optional[str] = typer.Option(
        None, "--prefix",
        help="Directory that relative nginx include paths resolve against; "
        "default: the main file's directory.",
    ),
    combine: bool = typer.Option(
        False, "--combine",
        help="Read all given files as one configuration, in order, as haproxy -f a -f b.",
    ),
) -> None:
    """Lint configurations and report what breaks STIG Manager."""
    from stiglint import linter
    from stiglint.findings import Severity
    from stiglint.settings import Settings, Version

    versions = {}
    if nginx_version is not None:
        try:
            versions["nginx"] = Version.parse(nginx_version)
        except ValueError as exc:
            _fail(f"--nginx-version: {exc}")
    if haproxy_version is not None:
        try:
            versions["haproxy"] = Version.parse(haproxy_version)
        except ValueError as exc:
            _fail(f"--haproxy-version: {exc}")
    mounts = tuple(_normalise_mount(value) for value in mount)
    settings = Settings(mounts=mounts, versions=versions, prefix=prefix)

    if combine:
        if server not in (None, Server.haproxy):
            _fail("--combine reads HAProxy configurations only; drop --server or use haproxy")
        from stiglint import haproxy

        reports = [haproxy.lint_files(paths, settings)]
    else:
        reports = [
            linter.lint_file(path, settings, server.value if server else None) for path in paths
        ]
    _write(reports, output_format, output)

    if any(report.errors for report in reports):
        raise typer.Exit(EXIT_INPUT_ERROR)
    if fail_on is not FailOn.never:
        threshold = Severity.parse(fail_on.value)
        if any(f.severity >= threshold for report in reports for f in report.findings):
            raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_CLEAN)


def _normalise_mount(value: str) -> str:
    if not value.startswith("/"):
        _fail(f"--mount {value!r}: a mount path must start with '/', such as /stigman/")
    return value if value.endswith("/") else value + "/"


def _write(reports, output_format: Format, output: str | None) -> None:
    if output_format is Format.json:
        from stiglint.output import json as reporter
    else:
        from stiglint.output import text as reporter
    if output is None:
        reporter.render(reports, sys.stdout)
        return
    try:
        with open(output, "w", encoding="utf-8") as stream:
            reporter.render(reports, stream)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


@app.command("rules")
def list_rules() -> None:
    """List every rule: id, family, default severity and summary."""
    from stiglint import catalogue

    width = max(len(rule.id) for rule in catalogue.RULES)
    for rule in catalogue.RULES:
        typer.echo(
            f"{rule.id:<{width}}  {rule.family:<17}  {rule.severity.label:<7}  {rule.summary}"
        )


@app.command("rule")
def show_rule(rule_id: str = typer.Argument(..., help="Rule id, such as WEBSOCKET-UPGRADE.")) -> None:
    """Print a rule's page: what it checks, why, examples and the fix."""
    from stiglint import catalogue, pages

    try:
        rule = catalogue.get(rule_id)
    except KeyError:
        _fail(f"unknown rule {rule_id!r}; `stiglint rules` lists them")
    text = pages.read(rule.id)
    if text is None:
        _fail(f"the page for {rule.id} is missing from this installation")
    typer.echo(text.rstrip("\n"))


@app.command()
def probe(
    url: str = typer.Argument(
        ..., help="Public base URL of the deployment, such as https://stigman.example.com/stigman/."
    ),
    token: Optional[str] = typer.Option(
        None, "--token", help="Bearer token sent with every request, for endpoints that need one."
    ),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each connection and each read."
    ),
    window: float = typer.Option(
        35.0, "--window",
        help="Seconds to watch the event stream; over 35 s it also sees the app's 30 s keepalive.",
    ),
    insecure: bool = typer.Option(
        False, "--insecure", help="Accept a TLS certificate that is not trusted."
    ),
) -> None:
    """Check a running deployment from outside: SSE, WebSocket, body size, headers.

    Exit codes: 0 every check passed, 1 a check failed or was inconclusive,
    2 the URL is invalid or the host cannot be reached.
    """
    from stiglint import probe as prober

    try:
        checks = prober.run(url, token, timeout, window, insecure)
    except prober.ProbeError as exc:
        _fail(str(exc))
    if output_format is Format.json:
        prober.render_json(url, checks, sys.stdout)
    else:
        prober.render_text(url, checks, sys.stdout)
    raise typer.Exit(prober.exit_code(checks))


def main() -> None:
    """Console entry point: run the app, turning crashes into one-line errors."""
    try:
        app()
    except BrokenPipeError:
        # The reader went away (`stiglint check ... | head`); exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_CLEAN)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("STIGLINT_DEBUG"):
            raise
        typer.echo(
            f"stiglint: internal error: {type(exc).__name__}: {exc} "
            "(set STIGLINT_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL_ERROR)
