"""The Apache httpd syntax: logical lines, comments, quoting and section structure."""

from __future__ import annotations

import pytest

from stiglint.apache.syntax import logical_lines, parse_file, split_words


def test_continuation_joins_lines():
    lines = logical_lines("ProxyPass /a \\\n    http://b/\nTimeout 5\n")
    assert lines == [(1, 2, "ProxyPass /a     http://b/"), (3, 3, "Timeout 5")]


def test_backslash_followed_by_space_does_not_continue():
    lines = logical_lines("Timeout 5\\ \nKeepAlive On\n")
    assert [text for _, _, text in lines] == ["Timeout 5\\ ", "KeepAlive On"]


def test_continued_comment_swallows_next_line():
    parsed = parse_file("# note \\\nTimeout 5\nKeepAlive On\n", "x.conf")
    assert [node.text for node in parsed.nodes] == ["KeepAlive On"]
    assert parsed.comments == [(1, " note Timeout 5")]


def test_hash_inside_line_is_an_argument():
    assert split_words("Header set X-Color #fff") == ("Header", "set", "X-Color", "#fff")


def test_indented_comment_is_a_comment():
    parsed = parse_file("   # indented\nTimeout 5\n", "x.conf")
    assert [node.text for node in parsed.nodes] == ["Timeout 5"]
    assert parsed.comments == [(1, " indented")]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('ProxyPass "/a b" "http://x/"', ("ProxyPass", "/a b", "http://x/")),
        ("Alias '/x y' /srv", ("Alias", "/x y", "/srv")),
        (r'LogFormat "%h \"%r\"" common', ("LogFormat", '%h "%r"', "common")),
        (r'FilesMatch "^\.ht"', ("FilesMatch", r"^\.ht")),
        ("Foo a\\\\b", ("Foo", "a\\b")),
        ('Foo "runs to the end', ("Foo", "runs to the end")),
        ("Timeout\t300", ("Timeout", "300")),
        ('RequestHeader set X "%{SSL_CLIENT_CERT}s" "expr=-n %{SSL_CLIENT_CERT}"',
         ("RequestHeader", "set", "X", "%{SSL_CLIENT_CERT}s", "expr=-n %{SSL_CLIENT_CERT}")),
    ],
)
def test_split_words_quoting(line, words):
    assert split_words(line) == words


def test_sections_nest_and_record_blocks():
    text = (
        "<VirtualHost *:80>\n"
        "  <Location /a>\n"
        "    ProxyPass http://b/\n"
        "  </Location>\n"
        "</VirtualHost>\n"
    )
    parsed = parse_file(text, "x.conf")
    assert parsed.errors == []
    host = parsed.nodes[0]
    assert host.text == "VirtualHost *:80"
    assert (host.line, host.end_line) == (1, 5)
    location = host.children[0]
    assert (location.text, location.line, location.end_line) == ("Location /a", 2, 4)
    assert location.children[0].text == "ProxyPass http://b/"
    assert sorted(parsed.blocks) == [(1, 5), (2, 4)]


def test_closing_tag_is_case_insensitive():
    parsed = parse_file("<virtualhost *:80>\n</VIRTUALHOST>\n", "x.conf")
    assert parsed.errors == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<VirtualHost *:80>\nTimeout 5\n", 1, "<VirtualHost> was not closed"),
        ("<Location /a>\n</Directory>\n", 2, "expected </Location> but saw </Directory>"),
        ("Timeout 5\n</Location>\n", 2, "</Location> without matching <Location> section"),
        ("<Location /a\nTimeout 5\n", 1, "<Location> directive missing closing '>'"),
        ("<>\n", 1, "empty section tag '<>'"),
        ("</Location extra>\n", 1, "invalid closing tag '</Location extra>'"),
        ("<Location /a>\n</Location >\n", 2, "</Location> directive missing closing '>'"),
    ],
)
def test_malformed_structure_is_an_input_error(text, line, message):
    parsed = parse_file(text, "bad.conf")
    assert [(error.place.file, error.place.line, error.message) for error in parsed.errors] == [
        ("bad.conf", line, message)
    ]


@pytest.mark.parametrize(
    "line",
    ["ProxyPass / http://a/ upgrade=websocket", "Timeout\t300  ", "  Foo  a\tb  c ",
     "RewriteRule ^/(.*)$ http://x%{REQUEST_URI} [P,L]", "<Location /a>"],
)
def test_fast_split_matches_grammar(line):
    from stiglint.apache.syntax import parse_words

    assert split_words(line) == parse_words(line)
