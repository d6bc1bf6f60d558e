"""CLIENT-CERT-EMPTY-VALUE reads named ACLs as it reads anonymous ones."""

from __future__ import annotations

import pytest
from haproxy_configs import CLEAN

MTLS = CLEAN.replace(
    "    bind :80\n",
    "    bind :443 ssl crt site.pem verify optional ca-file cas.pem\n{rules}",
)
SET_HEADER = (
    "    http-request set-header SSL_CLIENT_CERT %[ssl_c_der,base64] if {condition}\n"
)


def mtls(acls: str, condition: str) -> str:
    rules = (
        acls
        + "    http-request del-header SSL_CLIENT_CERT\n"
        + SET_HEADER.replace("{condition}", condition)
    )
    return MTLS.replace("{rules}", rules)


@pytest.mark.parametrize(
    ("acls", "condition"),
    [
        ("    acl has_cert ssl_c_used\n", "has_cert"),
        ("    acl has_cert ssl_c_used\n", "{ ssl_c_used }"),
        ("    acl has_cert ssl_c_used\n    acl api path_beg /api\n", "has_cert api"),
        ("    acl has_cert ssl_c_used\n", "has_cert or { ssl_c_verify 0 }"),
        ("    acl has_cert ssl_c_used\n    acl has_cert ssl_c_verify 0\n", "has_cert"),
        ("    acl no_cert ssl_c_used\n", "!!no_cert"),
    ],
)
def test_guarded_condition_not_flagged(linter, acls, condition):
    assert linter.findings(mtls(acls, condition)) == []


@pytest.mark.parametrize(
    ("acls", "condition", "line"),
    [
        ("    acl has_cert ssl_c_used\n", "!has_cert", 12),
        ("    acl has_cert ssl_c_used\n", "! has_cert", 12),
        (
            "    acl has_cert ssl_c_used\n    acl api path_beg /api\n",
            "has_cert or api",
            13,
        ),
        (
            "    acl has_cert ssl_c_used\n    acl has_cert path_beg /api\n",
            "has_cert",
            13,
        ),
        ("    acl api path_beg /api\n", "api", 12),
        ("", "!{ ssl_c_used }", 11),
    ],
)
def test_unguarded_condition_flagged(linter, acls, condition, line):
    findings = linter.findings(mtls(acls, condition), rule="CLIENT-CERT-EMPTY-VALUE")
    assert findings == [f"CLIENT-CERT-EMPTY-VALUE:{line}"]
