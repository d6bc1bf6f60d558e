"""Input errors for lines `haproxy -c` rejects: values, keyword typos, unknown ACLs.

The expected messages follow the alerts of `haproxy -c` in HAProxy 2.6.12, and
the last tests run that check on each rejected case where HAProxy is installed.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from haproxy_configs import CLEAN


def errors_of(linter, text: str) -> list[str]:
    """Return the input errors as `line: message` strings."""
    report = linter.report(text)
    return [f"{error.place.line}: {error.message}" for error in report.errors]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5h", "unexpected character '.' in 'timeout server' (value '1.5h')"),
        ("3600S", "unexpected character 'S' in 'timeout server' (value '3600S')"),
        ("3600x", "unexpected character 'x' in 'timeout server' (value '3600x')"),
        ("-5s", "unexpected character '-' in 'timeout server' (value '-5s')"),
        (
            "30d",
            (
                "timer overflow in argument '30d' (maximum value is 2147483647 ms or "
                "~24.8 days) in 'timeout server' (value '30d')"
            ),
        ),
    ],
)
def test_invalid_time_is_input_error(linter, value, message):
    text = CLEAN.replace("timeout server 3600s", f"timeout server {value}")
    assert errors_of(linter, text) == [f"5: {message}"]


@pytest.mark.parametrize(
    ("value", "suggested"),
    [("1.5h", "5400s"), ("3600S", "3600s"), ("3600x", "3600s"), ("30d", "24d")],
)
def test_invalid_time_hint_suggests_value(linter, value, suggested):
    text = CLEAN.replace("timeout server 3600s", f"timeout server {value}")
    report = linter.report(text)
    assert report.errors[0].hint.endswith(f"'timeout server {suggested}'")


def test_misspelled_keyword_hint(linter):
    text = CLEAN.replace("timeout tunnel 3600s", "timeout tunel 3600s")
    report = linter.report(text)
    assert report.errors[0].hint == "replace 'tunel' with 'tunnel'"


def test_environment_values_not_checked(linter):
    text = CLEAN.replace("timeout server 3600s", 'timeout server "${SERVER_TIMEOUT}"')
    text = text.replace(
        "    default_backend stigman",
        '    acl big req.body_size gt "$MAX_BODY"\n'
        "    http-request deny if big\n"
        "    default_backend stigman",
    )
    assert errors_of(linter, 'global\n    tune.bufsize "$BUFSIZE"\n' + text) == []


@pytest.mark.parametrize("value", ["3600s", "1h", "500ms", "24d", "60m", "10us", "0"])
def test_valid_time_accepted(linter, value):
    text = CLEAN.replace("timeout server 3600s", f"timeout server {value}")
    assert errors_of(linter, text) == []


def test_time_trailing_characters_noted(linter):
    report = linter.report(
        CLEAN.replace("timeout server 3600s", "timeout server 1h30m")
    )
    assert report.errors == []
    notes = [note for note in report.notes if "trailing '30m'" in note]
    assert len(notes) == 1


def test_misspelled_timeout_kind(linter):
    text = CLEAN.replace("timeout tunnel 3600s", "timeout tunel 3600s")
    assert errors_of(linter, text) == [
        "6: unknown timeout 'tunel'; did you mean 'timeout tunnel'?"
    ]


def test_misspelled_option(linter):
    text = CLEAN.replace("option forwardfor", "option forwardfour")
    assert errors_of(linter, text) == [
        "10: unknown option 'forwardfour'; did you mean 'forwardfor'?"
    ]


def test_misspelled_negated_option(linter):
    text = CLEAN.replace("option forwardfor", "no option http-buffer-requets")
    assert errors_of(linter, text) == [
        "10: unknown option 'http-buffer-requets'; did you mean 'http-buffer-request'?"
    ]


def test_misspelled_keyword(linter):
    text = CLEAN.replace("    default_backend stigman", "    default_bakend stigman")
    assert errors_of(linter, text) == [
        (
            "13: unknown keyword 'default_bakend' in 'frontend' section; "
            "did you mean 'default_backend'?"
        )
    ]


@pytest.mark.parametrize(
    "line",
    [
        "frobnicate-requests 1",
        "option vendor-extension",
        "timeout vendor-idle 5s",
        "log-steps accept,close",
    ],
)
def test_unrelated_unknown_words_accepted(linter, line):
    text = CLEAN.replace(
        "    option forwardfor\n", f"    option forwardfor\n    {line}\n"
    )
    assert errors_of(linter, text) == []


def test_condition_with_undefined_acl(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    http-request deny if too_big\n    default_backend stigman",
    )
    assert errors_of(linter, text) == [
        (
            "13: no such ACL 'too_big': no 'acl too_big ...' line above this "
            "http-request rule in frontend public defines it"
        )
    ]


def test_acl_defined_after_use_is_error(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    use_backend stigman if !is_api or nope\n"
        "    acl is_api path_beg /api\n"
        "    default_backend stigman",
    )
    assert [error.split(":")[0:2] for error in errors_of(linter, text)] == [
        ["13", " no such ACL 'is_api'"],
        ["13", " no such ACL 'nope'"],
    ]


def test_defined_and_predefined_acls_accepted(linter):
    text = CLEAN.replace(
        "    default_backend stigman",
        "    acl is_api path_beg /api\n"
        "    http-request deny if !is_api METH_POST || { path_beg /x } TRUE\n"
        "    http-request deny if !{ path_beg /y }\n"
        "    http-request deny if !!is_api ! ! is_api\n"
        "    default_backend stigman",
    )
    assert errors_of(linter, text) == []


@pytest.mark.parametrize(
    "condition",
    [
        "acl big req.body_size gt 10m",
        "acl big req.hdr_val(content-length) ge 10M",
        "http-request deny if { req.body_size gt 10485760x }",
    ],
)
def test_acl_integer_with_suffix_is_error(linter, condition):
    text = CLEAN.replace(
        "    default_backend stigman", f"    {condition}\n    default_backend stigman"
    )
    errors = errors_of(linter, text)
    assert len(errors) == 1
    assert "is neither a number nor a supported operator" in errors[0]


@pytest.mark.parametrize("value", ["16k", "1m"])
def test_bufsize_with_suffix_is_error(linter, value):
    text = f"global\n    tune.bufsize {value}\n" + CLEAN.lstrip("\n")
    errors = errors_of(linter, text)
    assert errors == [
        (
            f"2: tune.bufsize {value} is read as {value[:-1]} bytes: HAProxy 2.6 takes only "
            "the leading digits of this value (a size suffix is not supported here, and "
            "HAProxy 2.6.12 was observed to crash at startup with tune.bufsize 16k)"
        )
    ]


def test_bufsize_without_digits_is_error(linter):
    text = "global\n    tune.maxrewrite abc\n" + CLEAN.lstrip("\n")
    assert errors_of(linter, text) == [
        "2: 'tune.maxrewrite' expects a positive integer argument"
    ]


def test_bufsize_in_bytes_accepted(linter):
    text = "global\n    tune.bufsize 32768\n" + CLEAN.lstrip("\n")
    assert errors_of(linter, text) == []


# Each change below makes `haproxy -c` fail, and stiglint must report it.
REJECTED_CHANGES = [
    ("timeout server 3600s", "timeout server 1.5h"),
    ("timeout server 3600s", "timeout server 3600S"),
    ("timeout server 3600s", "timeout server 30d"),
    ("timeout tunnel 3600s", "timeout tunel 3600s"),
    ("option forwardfor", "option forwardfour"),
    ("    default_backend stigman", "    default_bakend stigman"),
    (
        "    default_backend stigman",
        "    http-request deny if too_big\n    default_backend stigman",
    ),
    (
        "    default_backend stigman",
        "    acl big req.body_size gt 10m\n    default_backend stigman",
    ),
]


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
@pytest.mark.parametrize(("old", "new"), REJECTED_CHANGES)
def test_haproxy_and_stiglint_reject_change(linter, old, new):
    text = CLEAN.replace(old, new)
    path = linter.write(text, "checked.cfg")
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode != 0, checked.stdout + checked.stderr
    assert errors_of(linter, text) != []


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_haproxy_accepts_clean_configuration(linter):
    path = linter.write(CLEAN, "checked.cfg")
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
