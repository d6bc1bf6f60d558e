"""Splitting lines into words and evaluating `.if` conditions."""

from __future__ import annotations

import pytest

from stiglint.haproxy.syntax import (
    ConditionError,
    LineError,
    _split_with_grammar,
    evaluate_condition,
    split_line,
)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("frontend public", ("frontend", "public")),
        ("\ttimeout  client\t50000", ("timeout", "client", "50000")),
        ("timeout tunnel 4h  # for websocket", ("timeout", "tunnel", "4h")),
        ("# only a comment", ()),
        ("", ()),
        (
            'http-response set-header X "a b"',
            ("http-response", "set-header", "X", "a b"),
        ),
        ("alt-svc 'h3=\":443\"; ma=90000'", ("alt-svc", 'h3=":443"; ma=90000')),
        ("x \"a\"b'c'", ("x", "abc")),
        (
            r"reqrep ^([^\ :]*)\ /doc/(.*) \1\ /\2",
            ("reqrep", "^([^ :]*) /doc/(.*)", r"\1 /\2"),
        ),
        (r"x a\#b", ("x", "a#b")),
        (r"path_reg ^/api\.v1$", ("path_reg", r"^/api\.v1$")),
        (r'x "say \"hi\""', ("x", 'say "hi"')),
        (r"x 'no \escape'", ("x", r"no \escape")),
        ('x "#not a comment"', ("x", "#not a comment")),
        ("x a#comment", ("x", "a")),
        (r"x \x41", ("x", "A")),
    ],
)
def test_split_line_words(line, words):
    assert split_line(line).words == words


@pytest.mark.parametrize(
    "line",
    [
        "frontend public",
        "timeout client 5s # c",
        "acl a path_beg /api /socket",
        "x a#b c",
    ],
)
def test_fast_path_agrees_with_grammar(line):
    assert split_line(line) == _split_with_grammar(line)


def test_environment_reference_kept_and_marked():
    words = split_line('bind "${ADDR}:443" ssl')
    assert words.words == ("bind", "${ADDR}:443", "ssl")
    assert words.has_env is True


def test_dollar_in_single_quotes_is_literal():
    words = split_line("x '${NOT}'")
    assert words.words == ("x", "${NOT}")
    assert words.has_env is False


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ('x "open', "missing closing double quote", 3),
        ("x 'open", "missing closing single quote", 3),
        ('log "${LOG" local0', "unterminated environment variable reference '${'", 5),
    ],
)
def test_split_line_errors(line, message, column):
    with pytest.raises(LineError) as caught:
        split_line(line)
    assert str(caught.value) == message
    assert caught.value.column == column


@pytest.mark.parametrize(
    ("words", "version", "expected"),
    [
        (("1",), None, True),
        (("0",), None, False),
        (("!0",), None, True),
        (("feature(QUIC)",), None, None),
        (("defined(HOME)",), None, None),
        (("version_atleast(2.4)",), None, None),
        (("version_atleast(2.4)",), (2, 6, 12), True),
        (("version_before(2.4)",), (2, 6, 12), False),
        (("streq(a,a)",), None, True),
        (("strneq(a,a)",), None, False),
        (("streq(${X},a)",), None, None),
        (("0", "&&", "feature(QUIC)"), None, False),
        (("1", "||", "feature(QUIC)"), None, True),
        (("1", "&&", "feature(QUIC)"), None, None),
        (("(", "0", "||", "1", ")", "&&", "1"), None, True),
    ],
)
def test_evaluate_condition(words, version, expected):
    assert evaluate_condition(words, version) is expected


def test_empty_condition_is_false():
    assert evaluate_condition((), None) is False


@pytest.mark.parametrize("words", [("(", "1"), ("&&",), ("1", "1")])
def test_evaluate_condition_rejects_malformed(words):
    with pytest.raises(ConditionError):
        evaluate_condition(words, None)


def test_only_space_and_tab_separate_words():
    assert split_line("x a\x0cb").words == ("x", "a\x0cb")
    assert _split_with_grammar("x 'q' a\x0cb").words == ("x", "q", "a\x0cb")
