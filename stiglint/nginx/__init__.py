"""nginx support: read the tree, find STIG Manager, evaluate each endpoint."""

from __future__ import annotations


from stiglint import endpoints, merge
from stiglint.findings import InputError, Report, Target
from stiglint.nginx import checks
from stiglint.nginx.clientcert import check_client_cert
from stiglint.nginx.effective import Scope
from stiglint.nginx.loader import deep_recursion, load
from stiglint.nginx.locations import Location, locations_in, select
from stiglint.nginx.model import Directive
from stiglint.nginx.validate import validate
from stiglint.nginx.targets import Finder, Mount, Upstream, fallback_location
from stiglint.settings import Settings, version_from_comments

# A comment in the configuration can state the nginx release it runs on.


def lint(path: str, settings: Settings) -> Report:
    """Lint the nginx configuration whose main file is `path`."""
    with deep_recursion():
        return _lint(path, settings)


def _lint(path: str, settings: Settings) -> Report:
    config = load(path, settings.prefix)
    report = Report(
        "nginx", files=list(config.files), errors=list(config.errors), blocks=config.blocks
    )
    report.notes.extend(config.notes)
    if config.fragment:
        report.notes.append(f"{path} has no http block; it was read as if inside http")
    version = version_from_comments("nginx", settings, config.comments, report.notes)
    finder = Finder(config)
    report.errors.extend(_duplicate_locations(finder.servers()))
    report.errors.extend(validate(config.root))
    maps = finder.maps()

    issues: list[checks.Issue] = []
    for server in finder.servers():
        if settings.mounts:
            targets = finder.from_mounts(server, settings.mounts)
        else:
            targets = finder.detect(server)
        for target in targets:
            mount = target.mount.label() if target.mount else None
            report.targets.append(
                Target(target.location.directive.place, target.location.label(), target.reason, mount)
            )
            if target.mount is None:
                report.notes.append(
                    f"{target.location.directive.place}: cannot work out where STIG Manager "
                    f"is mounted from {target.location.label()}; give the mount path "
                    "with --mount"
                )
        issues.extend(_check_server(server, targets, settings, version, maps, report))
    if report.targets:
        # Keycloak often has a server block of its own, so every server that
        # verifies client certificates is checked once STIG Manager is found.
        for server in finder.servers():
            issues.extend(check_client_cert(server, version))

    report.findings = merge.collect(issues)
    return report


def _check_server(server, targets, settings, version, maps, report) -> list[checks.Issue]:
    proxied = {target.location.directive: target for target in targets}
    mounts: list[Mount] = []
    for target in targets:
        if target.mount is not None and target.mount not in mounts:
            mounts.append(target.mount)

    issues: list[checks.Issue] = []
    scopes: dict[Directive, Scope] = {}
    for mount in mounts:
        for endpoint in endpoints.ENDPOINTS:
            path = mount.request_path(endpoint)
            if path is None:
                continue
            selection = select(server, path)
            for location in selection.unreadable:
                report.notes.append(
                    f"{location.directive.place}: the pattern of {location.label()} cannot "
                    f"be evaluated here, so the location chosen for {path} may differ"
                )
            location = selection.location
            if location is None:
                issues.append(checks.check_unrouted(server, endpoint, path))
                continue
            location = fallback_location(server, location) or location
            scope = scopes.get(location.directive)
            if scope is None:
                scope = scopes[location.directive] = Scope(location.directive, version)
            context = checks.Context(endpoint, path, location, scope, settings, maps)
            is_proxied = location.directive in proxied
            issues.extend(checks.check_route(context, _intended(targets, path), is_proxied))
            if not is_proxied:
                continue
            upstream = Upstream.parse(proxied[location.directive].proxy_pass.args[0])
            uri = upstream.uri if upstream else None
            issues.extend(checks.check_upstream_path(context, location.path, uri))
            issues.extend(checks.check_if_branches(context, uri))
            for check in checks.CHECKS:
                issues.extend(check(context))
    return issues


def _intended(targets, path: str) -> Location | None:
    """Return the STIG Manager prefix location that would serve `path` by prefix alone."""
    best = None
    for target in targets:
        location = target.location
        if location.is_regex or not path.startswith(location.path):
            continue
        if best is None or len(location.path) > len(best.path):
            best = location
    return best


def _duplicate_locations(servers: list[Directive]) -> list[InputError]:
    """nginx refuses two prefix or exact locations with the same path in one block."""
    errors = []
    pending = list(servers)
    while pending:
        block = pending.pop()
        seen: dict[tuple[str, str], Location] = {}
        for location in locations_in(block):
            pending.append(location.directive)
            if location.is_regex or location.modifier == "@":
                continue
            key = ("=" if location.modifier == "=" else "", location.path)
            first = seen.setdefault(key, location)
            if first is not location:
                errors.append(
                    InputError(
                        location.directive.place,
                        f'duplicate location "{location.path}": the first one is at line '
                        f"{first.directive.line}",
                        "merge the two blocks: nginx -t rejects this",
                    )
                )
    return errors

