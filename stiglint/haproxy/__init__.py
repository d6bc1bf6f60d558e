"""HAProxy support: read the sections, find STIG Manager, check each endpoint's route."""

from __future__ import annotations

import os

from stiglint import endpoints, merge
from stiglint.findings import Place, Report, Target
from stiglint.haproxy import checks
from stiglint.haproxy.loader import load
from stiglint.haproxy.model import PROXY_KINDS, Config
from stiglint.haproxy.proxies import Proxies, Proxy
from stiglint.haproxy.routing import Request, route
from stiglint.haproxy.targets import Finder
from stiglint.haproxy.targets import Target as Route
from stiglint.haproxy.validate import validate
from stiglint.settings import Settings


def lint(path: str, settings: Settings) -> Report:
    """Lint the HAProxy configuration at `path`: a file, or a directory of *.cfg files."""
    report, config = _lint([path], settings)
    if os.path.isfile(path):
        _suggest_combine(path, config, report)
    return report


def lint_files(paths: list[str], settings: Settings) -> Report:
    """Lint several files read together as one configuration, as `haproxy -f a -f b`."""
    return _lint(paths, settings)[0]


def _suggest_combine(path: str, config: Config, report: Report) -> None:
    """Note sibling *.cfg files when a file has proxies but no defaults section.

    Such a file is often one part of `haproxy -f 00-global.cfg -f 10-site.cfg`,
    whose defaults carry over from an earlier file, so alone it draws false
    TIMEOUT-MISSING warnings.
    """
    kinds = {section.kind for section in config.sections}
    if "defaults" in kinds or not kinds & PROXY_KINDS:
        return
    directory = os.path.dirname(path) or "."
    try:
        names = sorted(
            name
            for name in os.listdir(directory)
            if name.endswith(".cfg")
            and name != os.path.basename(path)
            and os.path.isfile(os.path.join(directory, name))
        )
    except OSError:
        return
    if not names:
        return
    shown = ", ".join(names[:3]) + (" and more" if len(names) > 3 else "")
    report.notes.append(
        f"{path}: this file has proxies but no defaults section, and its directory "
        f"has other *.cfg files ({shown}). If HAProxy reads them together "
        "(haproxy -f a.cfg -f b.cfg), lint them as one configuration with --combine "
        "or give the directory, so that the defaults of the other files apply"
    )


def _lint(paths: list[str], settings: Settings) -> tuple[Report, Config]:
    # Without --haproxy-version, `.if version_atleast(...)` blocks are decided
    # for the default release, and the loader notes that it was assumed.
    config = load(
        paths,
        settings.version("haproxy").parts,
        version_assumed=not settings.version_given("haproxy"),
    )
    config.errors.extend(validate(config))
    report = Report("haproxy", files=list(config.files), errors=list(config.errors))
    report.notes.extend(config.notes)
    for section in config.sections:
        file = section.place.file
        report.blocks.setdefault(file, []).append(
            (section.place.line or 0, section.last_line)
        )

    _note_removed_keywords(config, settings, report)
    proxies = Proxies(config, settings.version("haproxy"))
    report.errors.extend(proxies.errors)
    finder = Finder(proxies)
    issues: list[checks.Issue] = []
    routed: set[str] = set()
    for frontend in proxies.frontends.values():
        if _disabled(frontend):
            continue
        if settings.mounts:
            targets = finder.from_mounts(frontend, settings.mounts)
        else:
            targets = finder.detect(frontend)
        backends: dict[str, Proxy] = {}
        for target in targets:
            description = _describe(target, proxies)
            report.targets.append(
                Target(frontend.section.place, description, target.reason, target.mount)
            )
            issues.extend(_check_target(target, proxies, settings, report, backends))
        routed.update(backends)
        if targets:
            issues.extend(
                checks.check_client_cert(frontend, _reachable(frontend, proxies))
            )
    for name, reason in finder.reasons.items():
        if name not in routed and not settings.mounts:
            backend = proxies.backends[name]
            report.notes.append(
                f"{backend.section.place}: {reason}, but no frontend routes STIG Manager's "
                "endpoints to it, so it was not checked"
            )
    report.findings = merge.collect(issues)
    # Routes of several endpoints and mounts can repeat the same note.
    report.notes = list(dict.fromkeys(report.notes))
    return report, config


# Header rewriting keywords removed in HAProxy 2.1 in favour of http-request and
# http-response rules. HAProxy 2.6.12 rejects reqrep with "not supported anymore
# since HAProxy 2.1", and the others the same way.
_REMOVED_IN_2_1 = frozenset(
    f"{side}{kind}"
    for side in ("req", "rsp")
    for kind in (
        "rep",
        "irep",
        "del",
        "idel",
        "deny",
        "ideny",
        "pass",
        "ipass",
        "allow",
        "iallow",
        "tarpit",
        "itarpit",
        "add",
        "setbe",
        "isetbe",
    )
)


def _note_removed_keywords(config, settings: Settings, report: Report) -> None:
    if not settings.version("haproxy").at_least(2, 1):
        return
    for section in config.sections:
        for keyword in section.keywords:
            if keyword.name in _REMOVED_IN_2_1:
                report.notes.append(
                    f"{keyword.place}: HAProxy 2.1 and later refuse to start with "
                    f"{keyword.name!r}, which was removed; rewrite it as an http-request "
                    "or http-response rule"
                )


def _disabled(proxy: Proxy) -> bool:
    return bool(proxy.own("disabled"))


def _describe(target: Route, proxies: Proxies) -> str:
    labels = [
        proxies.backends[name].label()
        for name in sorted(target.used)
        if name in proxies.backends
    ]
    return f"{target.frontend.label()} -> {', '.join(labels)}"


def _reachable(frontend: Proxy, proxies: Proxies) -> list[Proxy]:
    names = [k.args[0] for k in frontend.own("use_backend") if k.args]
    default = frontend.last(lambda k: k.name == "default_backend" and bool(k.args))
    if default is not None:
        names.append(default.args[0])
    if frontend.kind == "listen":
        names.append(frontend.name)
    found: list[Proxy] = []
    for name in names:
        backend = proxies.backends.get(name)
        if backend is not None and backend not in found:
            found.append(backend)
    return found


def _check_target(
    target: Route,
    proxies: Proxies,
    settings: Settings,
    report: Report,
    checked: dict[str, Proxy],
) -> list[checks.Issue]:
    frontend = target.frontend
    issues: list[checks.Issue] = []
    for endpoint in endpoints.ENDPOINTS:
        path = endpoint.request_path(target.mount)
        request = _request(endpoint, path)
        result = route(frontend, request)
        label = f"{endpoint.method} {path}"
        for keyword in result.uncertain:
            report.notes.append(
                f"{keyword.place}: cannot tell whether {keyword.text()!r} rewrites "
                f"{path}, so the route checked for it may differ"
            )
        if result.blocked_by is not None:
            issues.append(
                _shadowed(
                    result.blocked_by.place,
                    label,
                    f"{result.blocked_by.text()} responds to it first",
                )
            )
            continue
        stigman = [c for c in result.candidates if c.backend in target.backends]
        if not stigman and any(c.backend is None for c in result.candidates):
            report.notes.append(
                f"{frontend.section.place}: {frontend.label()} picks the backend for "
                f"{path} at run time, so stiglint cannot check that route"
            )
            continue
        if not stigman:
            issues.append(_unrouted(frontend, result, label))
            continue
        for candidate in stigman:
            backend = proxies.backends.get(candidate.backend or "")
            if backend is None:
                continue
            checked[backend.name] = backend
            context = checks.Context(
                endpoint, path, request, frontend, backend, settings, proxies
            )
            for check in checks.ROUTE_CHECKS:
                issues.extend(check(context))
    return issues


def _request(endpoint: endpoints.Endpoint, path: str) -> Request:
    headers = {}
    if endpoint.kind is endpoints.Kind.WEBSOCKET:
        headers = {"upgrade": "websocket", "connection": "Upgrade"}
    return Request(endpoint.method, path, headers)


def _unrouted(frontend: Proxy, result, label: str) -> checks.Issue:
    certain = [c for c in result.candidates if c.certain]
    if certain and certain[0].keyword is not None:
        keyword = certain[0].keyword
        return _shadowed(
            keyword.place, label, f"{keyword.text()} sends it to {certain[0].backend}"
        )
    if result.candidates:
        # Every candidate is another backend, some behind rules stiglint cannot decide.
        return _shadowed(
            frontend.section.place,
            label,
            "no rule of this frontend sends it to a STIG Manager backend",
        )
    return _shadowed(
        frontend.section.place,
        label,
        "no use_backend rule matches it and there is no default_backend, "
        "so HAProxy answers 503",
    )


def _shadowed(place: Place, label: str, reason: str) -> checks.Issue:
    return checks.Issue(
        "ROUTE-SHADOWED",
        place,
        f"{{endpoints}} does not reach STIG Manager: {reason}",
        "# route the endpoint to the STIG Manager backend, for example:\n"
        "use_backend stigman if { path_beg /api/ /socket/ }",
        label,
    )
