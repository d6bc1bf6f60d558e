"""Apache httpd support: read the tree, find STIG Manager, evaluate each endpoint."""

from __future__ import annotations


from stiglint import endpoints, merge
from stiglint.apache import checks
from stiglint.apache.effective import Scope
from stiglint.apache.loader import load
from stiglint.apache.routing import ProxyRule, Server, alias_matches, resolve, servers_of
from stiglint.apache.targets import Finder, Mount, Target
from stiglint.findings import Report
from stiglint.findings import Target as ReportTarget
from stiglint.settings import Settings, version_from_comments

# A comment in the configuration can state the httpd release it runs on.


def lint(path: str, settings: Settings) -> Report:
    """Lint the Apache httpd configuration whose main file is `path`."""
    report = Report("apache")
    config = load(path, settings.prefix, settings.version("apache"),
                  settings.version_given("apache"))
    version = version_from_comments("apache", settings, config.comments, report.notes)
    if version != settings.version("apache"):
        # <IfVersion> sections must be decided for the release the comment states.
        config = load(path, settings.prefix, version, True)
    report.files = list(config.files)
    report.errors = list(config.errors)
    report.notes = [*config.notes, *report.notes]
    report.blocks = {file: list(ranges) for file, ranges in config.blocks.items()}

    issues: list[checks.Issue] = []
    for server in servers_of(config):
        finder = Finder(server)
        targets = finder.from_mounts(settings.mounts) if settings.mounts else finder.detect()
        targets = _own_targets(server, targets)
        if not targets:
            continue
        for target in targets:
            rule = target.rule
            description = f"{rule.directive.source()} in {server.label()}"
            report.targets.append(
                ReportTarget(rule.directive.place, description, target.reason,
                             target.mount.label() if target.mount else None)
            )
        issues.extend(_check_server(server, targets, finder, settings, version, config, report))

    report.findings = merge.collect(issues)
    # Every endpoint runs into the same unreadable pattern, so report it once.
    report.notes = list(dict.fromkeys(report.notes))
    return report


def _own_targets(server: Server, targets: list[Target]) -> list[Target]:
    """Keep a virtual host's targets, and only the main server's own rules for the main server.

    A virtual host inherits the main server's ProxyPass rules, so each host checks
    them. The main server serves only the requests that no host takes, so it is
    checked for the rules written outside virtual hosts.
    """
    if server.section is not None:
        return targets
    return [t for t in targets if t.rule.directive.parent is server.config.root
            or (t.rule.location is not None and t.rule.location.parent is server.config.root)]


def _check_server(server, targets, finder, settings, version, config, report) -> list[checks.Issue]:
    mounts: list[Mount] = []
    for target in targets:
        if target.mount is not None and target.mount not in mounts:
            mounts.append(target.mount)
    if not mounts:
        report.notes.append(
            f"{server.directive.place}: cannot work out where STIG Manager is mounted in "
            f"{server.label()}; give the mount path with --mount"
        )
    target_rules = [target.rule for target in targets]
    target_directives = {rule.directive for rule in target_rules}

    issues: list[checks.Issue] = []
    labels: list[str] = []
    for mount in mounts:
        for endpoint in endpoints.ENDPOINTS:
            path = mount.request_path(endpoint)
            if path is None:
                continue
            label = f"{endpoint.method} {path}"
            labels.append(label)
            route = resolve(server, path, websocket=endpoint.kind is endpoints.Kind.WEBSOCKET)
            for rule in route.unreadable:
                report.notes.append(
                    f"{rule.directive.place}: the pattern of {rule.directive.name} is not a "
                    "valid regular expression here, so the rule chosen for STIG Manager's "
                    "endpoints may differ"
                )
            url = route.backend_url()
            to_stigman = route.rule is not None and route.proxied and (
                route.rule.directive in target_directives or finder.reason(route.rule, url) is not None
            )
            intended = _intended(target_rules, path)
            issues.extend(checks.check_route(route, server, label, intended, to_stigman))
            if not to_stigman:
                continue
            scope = Scope(server, route, version)
            context = checks.Context(endpoint, path, server, route, scope, settings, config)
            for check in checks.CHECKS:
                issues.extend(check(context))
    issues.extend(checks.check_client_cert(server, tuple(dict.fromkeys(labels))))
    note = checks.missing_ca_note(server)
    if note is not None:
        report.notes.append(note)
    return issues


def _intended(rules: list[ProxyRule], path: str) -> ProxyRule | None:
    """Return the server-level STIG Manager ProxyPass with the longest path matching `path`."""
    best = None
    for rule in rules:
        if rule.kind != "prefix" or rule.location is not None or not alias_matches(rule.path, path):
            continue
        if best is None or len(rule.path) > len(best.path):
            best = rule
    return best

