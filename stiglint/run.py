"""One lint run: inputs in their include context, suppressions, rule selection.

This layer sits between the command line and the server adapters, so every
server gets entry files, standard input, inline suppressions, `select`/`ignore`
and severity overrides in the same way.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace

from stiglint import catalogue, linter, suppress
from stiglint.config import ConfigError, Options
from stiglint.findings import Finding, InputError, Place, Report, Severity, Target
from stiglint.settings import Settings, Version

STDIN = "-"
# The name standard input gets in reports when --stdin-filename is not given.
STDIN_DISPLAY = "<stdin>"


@dataclass(frozen=True)
class Run:
    """Resolved options of one lint run."""

    settings: Settings = field(default_factory=Settings)
    # Rule ids and family names; None selects every rule.
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    # None: findings never make the run fail.
    fail_on: Severity | None = Severity.WARNING
    server: str | None = None
    entries: tuple[str, ...] = ()

    def enabled(self, rule: catalogue.Rule) -> bool:
        """Return whether findings of `rule` are reported in this run."""
        if rule.id == "INPUT-ERROR":
            return True
        names = {rule.id, rule.family}
        if self.select is not None and not names & self.select:
            return False
        return not names & self.ignore

    def enabled_rules(self) -> list[catalogue.Rule]:
        return [rule for rule in catalogue.RULES if self.enabled(rule)]


def resolve(options: Options) -> Run:
    """Turn merged options into a Run; raise ConfigError for values that clash."""
    where = f"in {options.source}" if options.source else "on the command line"
    defaults = Settings()
    timeout_error = options.timeout_error or defaults.timeout_error_seconds
    timeout_warning = options.timeout_warning or defaults.timeout_warning_seconds
    if timeout_error > timeout_warning:
        raise ConfigError(
            f"{where}: timeout-error ({timeout_error:g} s) must not be greater than "
            f"timeout-warning ({timeout_warning:g} s)"
        )
    settings = Settings(
        mounts=tuple(options.mounts or ()),
        versions={server: Version.parse(text) for server, text in options.versions.items()},
        prefix=options.prefix,
        body_size_min=options.body_size_min or defaults.body_size_min,
        timeout_error_seconds=timeout_error,
        timeout_warning_seconds=timeout_warning,
    )
    fail_on = options.fail_on or "warning"
    return Run(
        settings=settings,
        select=frozenset(options.select) if options.select else None,
        ignore=frozenset(options.ignore or ()),
        severity=dict(options.severity),
        fail_on=None if fail_on == "never" else Severity.parse(fail_on),
        server=options.server,
        entries=tuple(options.entry or ()),
    )


def lint(paths: list[str], run: Run, stdin_text: str | None = None,
         stdin_name: str | None = None) -> list[Report]:
    """Lint `paths` (or the entry files when there are none) and return one report each.

    A path that an entry file includes, directly or through other includes, is
    linted as part of that entry, so a fragment such as `conf.d/app.conf` is
    judged in the configuration nginx actually loads. Each entry is reported once.
    """
    if not paths:
        paths = list(run.entries)
    contexts = _entry_contexts(run) if run.entries else []
    reports: list[Report] = []
    chosen: set[int] = set()
    for path in paths:
        if path == STDIN:
            reports.append(_lint_stdin(stdin_text or "", stdin_name, run))
            continue
        owners = [
            index
            for index, (_, files) in enumerate(contexts)
            if _key(path) in files
        ]
        if owners:
            for index in owners:
                if index not in chosen:
                    chosen.add(index)
                    reports.append(contexts[index][0])
            continue
        report = _lint_one(path, run)
        if run.entries:
            report.notes.append(
                f"{path} is not included by any entry file "
                f"({', '.join(run.entries)}), so it was linted on its own"
            )
        reports.append(report)
    # An entry file that could not be read at all is a configuration mistake that
    # would otherwise only show as "not included by any entry file".
    for index, (report, _) in enumerate(contexts):
        if not report.files and index not in chosen:
            chosen.add(index)
            reports.append(report)
    for report in reports:
        _finish(report, run)
    return reports


def lint_combined(paths: list[str], run: Run) -> list[Report]:
    """Lint several HAProxy files as one configuration, as haproxy -f a -f b reads them."""
    from stiglint import haproxy

    report = haproxy.lint_files(paths, run.settings)
    suppress.apply(report)
    _finish(report, run)
    return [report]


def _key(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _entry_contexts(run: Run) -> list[tuple[Report, set[str]]]:
    contexts = []
    for entry in dict.fromkeys(run.entries):
        report = _lint_one(entry, run)
        files = {_key(file) for file in report.files} | {_key(entry)}
        contexts.append((report, files))
    return contexts


def _lint_one(path: str, run: Run) -> Report:
    report = linter.lint_file(path, run.settings, run.server)
    suppress.apply(report)
    return report


def _lint_stdin(text: str, name: str | None, run: Run) -> Report:
    """Lint text from standard input as if it were the file `name`.

    The text goes to a private temporary file with the same base name, so that
    detection by name and the adapters work unchanged. Relative nginx includes
    resolve against the directory of `name`, and every place is renamed back.
    """
    display = name or STDIN_DISPLAY
    base = os.path.basename(name) if name else "stdin.conf"
    server = run.server
    if server is None:
        try:
            server = linter.detect_server(name or base, text)
        except linter.UnknownServer:
            report = Report("unknown", files=[display])
            report.errors.append(
                InputError(
                    Place(display),
                    "cannot tell whether this is an nginx, Apache httpd or HAProxy "
                    "configuration",
                    "name the server with --server, or give a file name with "
                    "--stdin-filename",
                )
            )
            return report
    # NOTE: Settings.prefix is read by the nginx adapter. Whether Apache httpd and
    # HAProxy includes from standard input resolve against it is up to those adapters.
    prefix = run.settings.prefix or (os.path.dirname(name) if name else "") or os.curdir
    settings = replace(run.settings, prefix=prefix)
    with tempfile.TemporaryDirectory(prefix="stiglint-") as directory:
        temporary = os.path.join(directory, base)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        report = linter.lint_file(temporary, settings, server)
        suppress.apply(report, {temporary: text})
    return _rename(report, temporary, display)


def _rename(report: Report, old: str, new: str) -> Report:
    def place(value: Place) -> Place:
        return replace(value, file=new) if value.file == old else value

    def words(text: str) -> str:
        return text.replace(old, new)

    report.files = [new if file == old else file for file in report.files]
    report.findings = [
        replace(f, place=place(f.place), message=words(f.message)) for f in report.findings
    ]
    report.errors = [
        replace(e, place=place(e.place), message=words(e.message)) for e in report.errors
    ]
    report.targets = [
        Target(place(t.place), t.description, words(t.reason), t.mount) for t in report.targets
    ]
    report.notes = [words(note) for note in report.notes]
    report.blocks = {
        (new if file == old else file): ranges for file, ranges in report.blocks.items()
    }
    return report


def _finish(report: Report, run: Run) -> None:
    """Drop findings of rules not enabled and apply severity overrides."""
    kept: list[Finding] = []
    for finding in report.findings:
        rule = catalogue.BY_ID.get(finding.rule)
        if rule is not None and not run.enabled(rule):
            continue
        if rule is not None and rule.id in run.severity:
            finding = replace(finding, severity=run.severity[rule.id])
        kept.append(finding)
    report.findings = kept


def fails(reports: list[Report], run: Run) -> bool:
    """Return whether a finding reaches the failing severity."""
    if run.fail_on is None:
        return False
    return any(f.severity >= run.fail_on for report in reports for f in report.findings)
