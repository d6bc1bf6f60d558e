"""The `stiglint` command line.

Exit codes: 0 no finding at or above the failing severity, 1 findings, 2 the input
could not be read or parsed or the command line is wrong, 3 an internal error.
"""

from __future__ import annotations

import enum
import os
import sys
import tempfile
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
    sarif = "sarif"
    github = "github"


class ProbeFormat(str, enum.Enum):
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
    paths: Optional[List[str]] = typer.Argument(
        None,
        help="Configuration files, such as /etc/nginx/nginx.conf; '-' reads standard "
        "input. Default: the entry files from the configuration.",
        show_default=False,
    ),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of standard output."
    ),
    fail_on: Optional[FailOn] = typer.Option(
        None, "--fail-on",
        help="Exit with 1 when a finding has this severity or a higher one; default warning.",
        show_default=False,
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
    apache_version: Optional[str] = typer.Option(
        None, "--apache-version",
        help="Apache httpd release the configuration runs on; default 2.4.71.",
    ),
    haproxy_version: Optional[str] = typer.Option(
        None, "--haproxy-version",
        help="HAProxy release the configuration runs on; decides .if version tests. "
        "Default 2.6.12.",
    ),
    combine: bool = typer.Option(
        False, "--combine",
        help="Read all given files as one HAProxy configuration, in order, as "
        "haproxy -f a -f b does.",
    ),
    prefix: Optional[str] = typer.Option(
        None, "--prefix",
        help="Directory that relative nginx include paths resolve against, or the "
        "Apache httpd ServerRoot (as httpd -d sets it); default: the main file's "
        "directory, or for Apache the configured ServerRoot when the main file "
        "lies below it.",
    ),
    config_file: Optional[str] = typer.Option(
        None, "--config",
        # The backslash keeps rich from reading [tool.stiglint] as markup.
        help="Read settings from this file (.stiglint.toml, or pyproject.toml with "
        "\\[tool.stiglint]); default: the nearest one at or above the working directory.",
    ),
    no_config: bool = typer.Option(
        False, "--no-config", help="Ignore configuration files; use only command-line options."
    ),
    select: List[str] = typer.Option(
        [], "--select",
        help="Report only these rule ids or families (repeatable, or comma-separated).",
    ),
    ignore: List[str] = typer.Option(
        [], "--ignore", help="Do not report these rule ids or families (repeatable, or comma-separated)."
    ),
    severity: List[str] = typer.Option(
        [], "--severity", metavar="RULE=LEVEL",
        help="Report a rule at another severity (error, warning or info); repeatable.",
    ),
    entry: List[str] = typer.Option(
        [], "--entry",
        help="Main configuration file whose includes give the context for the files "
        "named (repeatable).",
    ),
    body_size_min: Optional[str] = typer.Option(
        None, "--body-size-min",
        help="Smallest request body limit that passes, such as 100m (k, m, g are 1024-based).",
    ),
    timeout_error: Optional[str] = typer.Option(
        None, "--timeout-error",
        help="Idle timeouts at or below this duration, such as 30s, are errors.",
    ),
    timeout_warning: Optional[str] = typer.Option(
        None, "--timeout-warning",
        help="Idle timeouts below this duration, such as 3600s, are warnings.",
    ),
    stdin_filename: Optional[str] = typer.Option(
        None, "--stdin-filename",
        help="File name for the text read from '-': sets the server type and the "
        "directory that relative includes resolve against.",
    ),
) -> None:
    """Lint configurations and report what breaks STIG Manager."""
    from stiglint import config as configuration
    from stiglint import run as lint_run

    try:
        options = _options(
            config_file, no_config, select, ignore, severity, fail_on, mount, entry, server,
            prefix, {"nginx": nginx_version, "apache": apache_version,
                     "haproxy": haproxy_version},
            body_size_min, timeout_error, timeout_warning,
        )
        run = lint_run.resolve(options)
    except configuration.ConfigError as exc:
        _fail(str(exc))

    paths = list(paths or [])
    if not paths and not run.entries:
        _fail("no configuration file given: name one, such as /etc/nginx/nginx.conf, "
              "or set `entry` in .stiglint.toml")
    stdin_text = None
    if stdin_filename is not None and lint_run.STDIN not in paths:
        _fail("--stdin-filename names the text read from '-', so give '-' as a path too")
    if lint_run.STDIN in paths:
        if paths.count(lint_run.STDIN) > 1:
            _fail("'-' (standard input) can be given only once")
        # Read bytes: a Latin-1 comment must not stop the run, and the adapters
        # decode files the same lenient way.
        stdin_text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    _check_output_path(output, [path for path in paths if path != lint_run.STDIN])

    if combine:
        if run.server not in (None, "haproxy"):
            _fail("--combine reads HAProxy configurations only; drop --server or use haproxy")
        if run.server is None:
            from stiglint import linter

            for path in paths:
                if os.path.isfile(path) and _detected(linter, path) != "haproxy":
                    _fail(f"--combine reads HAProxy configurations only, and {path} is not one")
        if stdin_text is not None:
            _fail("--combine reads files, not standard input")
        reports = lint_run.lint_combined(paths, run)
    else:
        reports = lint_run.lint(paths, run, stdin_text, stdin_filename)
    _check_output_path(output, [file for report in reports for file in report.files])
    _write(reports, output_format, output, run)

    if any(report.errors for report in reports):
        raise typer.Exit(EXIT_INPUT_ERROR)
    if lint_run.fails(reports, run):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_CLEAN)


def _detected(linter, path: str) -> str | None:
    try:
        return linter.detect_server(path)
    except linter.UnknownServer:
        return None


def _split(values: List[str]) -> list[str]:
    return [word.strip() for value in values for word in value.split(",") if word.strip()]


def _options(config_file, no_config, select, ignore, severity, fail_on, mount, entry, server,
             prefix, versions, body_size_min, timeout_error, timeout_warning):
    """Read the configuration file and lay the command-line options over it."""
    from stiglint import config as configuration

    if config_file is not None and no_config:
        raise configuration.ConfigError("--config and --no-config cannot be used together")
    if config_file is not None:
        file_options = configuration.load(config_file)
    elif no_config:
        file_options = configuration.Options()
    else:
        found = configuration.find()
        file_options = configuration.load(found) if found else configuration.Options()

    where = "on the command line"
    cli = configuration.Options()
    if select:
        cli.select = configuration.rule_selectors(_split(select), "--select", where)
    if ignore:
        cli.ignore = configuration.rule_selectors(_split(ignore), "--ignore", where)
        if "INPUT-ERROR" in cli.ignore or "input" in cli.ignore:
            raise configuration.ConfigError("--ignore: INPUT-ERROR cannot be ignored")
    for item in severity:
        rule_id, _, level = item.partition("=")
        if not level:
            raise configuration.ConfigError(
                f"--severity {item!r}: expected RULE=LEVEL, such as TIMEOUT-MISSING=error"
            )
        name = f"--severity {rule_id.strip()}"
        rule_id = configuration.check_rule_id(rule_id.strip(), name, where)
        cli.severity[rule_id] = configuration.parse_severity(level, name, where)
    if fail_on is not None:
        cli.fail_on = fail_on.value
    if mount:
        cli.mounts = [
            configuration.normalise_mount(value, "--mount", where) for value in _split(mount)
        ]
    if entry:
        cli.entry = list(entry)
    if server is not None:
        cli.server = server.value
    cli.prefix = prefix
    for name, text in versions.items():
        if text is not None:
            _set_version(cli, name, text, f"--{name}-version")
    if body_size_min is not None:
        cli.body_size_min = configuration.parse_size(body_size_min, "--body-size-min", where)
    if timeout_error is not None:
        cli.timeout_error = configuration.parse_seconds(timeout_error, "--timeout-error", where)
    if timeout_warning is not None:
        cli.timeout_warning = configuration.parse_seconds(
            timeout_warning, "--timeout-warning", where
        )
    return file_options.merged(cli)


def _set_version(options, server: str, text: str, option: str) -> None:
    from stiglint.config import ConfigError
    from stiglint.settings import Version

    try:
        Version.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{option}: {exc}") from None
    options.versions[server] = text


def _check_output_path(output: str | None, inputs: list[str]) -> None:
    if output is None:
        return
    target = os.path.realpath(output)
    for path in inputs:
        if os.path.realpath(path) == target:
            _fail(f"-o {output} names an input file; choose another output file")


def _renderer(output_format: Format, run):
    """Return the render function for a format, importing only that reporter."""
    if output_format is Format.json:
        from stiglint.output import json as json_output

        return json_output.render
    if output_format is Format.sarif:
        from stiglint.output import sarif

        return lambda reports, stream: sarif.render(
            reports, stream, run.enabled_rules(), run.severity
        )
    if output_format is Format.github:
        from stiglint.output import github

        return github.render
    from stiglint.output import text

    return text.render


def _write(reports, output_format: Format, output: str | None, run) -> None:
    render = _renderer(output_format, run)
    if output is None:
        render(reports, sys.stdout)
        return
    # Write beside the target and rename, so a failed run never leaves half a report.
    directory = os.path.dirname(os.path.abspath(output))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".stiglint-", dir=directory)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    try:
        # mkstemp creates the file for the owner only; give it the usual mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            render(reports, stream)
        os.replace(temporary, output)
    except OSError as exc:
        _remove(temporary)
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


class RulesFormat(str, enum.Enum):
    text = "text"
    markdown = "markdown"


@app.command("rules")
def list_rules(
    output_format: RulesFormat = typer.Option(
        RulesFormat.text, "--format", "-f",
        help="text: aligned columns; markdown: the table the README carries.",
    ),
) -> None:
    """List every rule: id, family, default severity and summary."""
    from stiglint.output import rules

    if output_format is RulesFormat.markdown:
        typer.echo(rules.markdown_table())
    else:
        typer.echo(rules.text_table())


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
    output_format: ProbeFormat = typer.Option(
        ProbeFormat.text, "--format", "-f", help="Output format."
    ),
    timeout: float = typer.Option(
        10.0, "--timeout", help="Seconds to wait for each connection and each read."
    ),
    window: float = typer.Option(
        35.0, "--window",
        help="Seconds to watch the event stream; a window over 35 s also covers the app's "
        "30 s keepalive.",
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
    if output_format is ProbeFormat.json:
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
