"""Each live case: observe the proxy through a client, then compare with stiglint.

For every family a case lists, two things must hold: the observation matches
the case's `expect` line (so a changed server release or stand-in shows up),
and stiglint's verdict for that family matches the observation.
"""

from __future__ import annotations

import pytest

from live import observe
from live.cases import Case, all_cases
from live.conftest import TABLE
from live.verdicts import adapter_missing, run_stiglint, verdict_from

CASES = all_cases()


def _observe(case: Case, endpoint: observe.Endpoint, standin) -> dict[str, observe.Observation]:
    found: dict[str, observe.Observation] = {}
    families = case.expect
    if "forwarded-headers" in families or "routing" in families:
        records = observe.send_quick_requests(endpoint, standin.records)
        if "forwarded-headers" in families:
            found["forwarded-headers"] = observe.observe_forwarded(records)
        if "routing" in families:
            found["routing"] = observe.observe_routing(records)
    if "websocket" in families:
        found["websocket"] = observe.observe_websocket(endpoint)
    if "body-size" in families:
        found["body-size"] = observe.observe_body_size(endpoint)
    if "buffering" in families:
        found["buffering"] = observe.observe_buffering(endpoint)
    if "timeout" in families:
        found["timeout"] = observe.observe_timeout(endpoint, case.keepalive)
    return found


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, installed, standin, start_server) -> None:
    standin.keepalive = case.keepalive
    server = start_server(case.server, case.config_path.read_text(), standin.port, case.scale)
    port = server.tls_port if case.tls else server.port
    endpoint = observe.Endpoint(port, tls=case.tls, mount=case.mount)
    if case.client_cert:
        # Every certificate path of the run is the same self-signed certificate,
        # so it verifies as its own CA.
        certs = server.directory / "certs"
        endpoint.client_cert = (str(certs / "cert.pem"), str(certs / "key.pem"))
    observed = _observe(case, endpoint, standin)

    if adapter_missing(case.server):
        stiglint_words = {family: "adapter missing" for family in case.expect}
        error = f"stiglint.{case.server} is not in this checkout, so nothing can be compared"
    else:
        verdict = verdict_from(run_stiglint(str(case.config_path), case.server))
        stiglint_words = verdict.words
        error = verdict.error

    problems = []
    for family, expected in case.expect.items():
        seen = observed[family]
        reported = stiglint_words.get(family, "?")
        TABLE.append((case.name, family, seen.verdict, reported, seen.verdict == reported, seen.detail))
        if seen.verdict != expected:
            problems.append(
                f"{family}: the case expects {expected!r} ({case.seen or 'no release noted'}) "
                f"but {installed[case.server]} gave {seen.verdict!r}: {seen.detail}"
            )
        if reported != seen.verdict:
            problems.append(
                f"{family}: stiglint says {reported!r}, observed {seen.verdict!r} "
                f"on {installed[case.server]}: {seen.detail}"
            )
    if error:
        problems.insert(0, error)
    assert not problems, f"{case.name}:\n  " + "\n  ".join(problems)
