"""Reading files into sections: section kinds, `.if` blocks, several files, errors."""

from __future__ import annotations

from stiglint.haproxy.loader import load
from stiglint.settings import Settings


def _sections(config):
    return [(s.kind, s.name, s.parent, s.place.line) for s in config.sections]


def test_every_section_kind(linter):
    path = linter.write(
        """
        global
            daemon
        defaults
            mode http
        defaults web from base
        frontend fe from web
        backend be
        listen both
        resolvers dns
        peers mesh
        userlist admins
        cache small
        http-errors site
        ring buffer
        program helper
        mailers alerts
        log-forward syslog
        """
    )
    config = load([str(path)])
    assert config.errors == []
    assert _sections(config) == [
        ("global", None, None, 1),
        ("defaults", None, None, 3),
        ("defaults", "web", "base", 5),
        ("frontend", "fe", "web", 6),
        ("backend", "be", None, 7),
        ("listen", "both", None, 8),
        ("resolvers", "dns", None, 9),
        ("peers", "mesh", None, 10),
        ("userlist", "admins", None, 11),
        ("cache", "small", None, 12),
        ("http-errors", "site", None, 13),
        ("ring", "buffer", None, 14),
        ("program", "helper", None, 15),
        ("mailers", "alerts", None, 16),
        ("log-forward", "syslog", None, 17),
    ]


def test_keywords_keep_file_and_line(linter):
    path = linter.write(
        """
        backend be
            # comment
            timeout server 30s

            server s1 127.0.0.1:54000 check
        """
    )
    config = load([str(path)])
    keywords = config.sections[0].keywords
    assert [(k.name, k.args, k.place.line) for k in keywords] == [
        ("timeout", ("server", "30s"), 3),
        ("server", ("s1", "127.0.0.1:54000", "check"), 5),
    ]
    assert keywords[0].place.file == str(path)
    assert config.sections[0].last_line == 5


def _lines_kept(linter, text, version=None):
    path = linter.write(text)
    config = load([str(path)], version)
    keywords = [k for s in config.sections for k in s.keywords]
    return [k.args[0] for k in keywords if k.name == "x"], config


def test_if_true_keeps_first_branch(linter):
    kept, config = _lines_kept(
        linter,
        """
        global
        .if 1
            x a
        .else
            x b
        .endif
        """,
    )
    assert kept == ["a"]
    assert config.notes == []


def test_if_false_keeps_elif_branch(linter):
    kept, _ = _lines_kept(
        linter,
        """
        global
        .if 0
            x a
        .elif 1
            x b
        .else
            x c
        .endif
        """,
    )
    assert kept == ["b"]


def test_undecidable_if_keeps_both_branches_with_note(linter):
    kept, config = _lines_kept(
        linter,
        """
        global
        .if feature(QUIC)
            x a
        .else
            x b
        .endif
            x c
        """,
    )
    assert kept == ["a", "b", "c"]
    assert len(config.notes) == 1
    assert "feature(QUIC)" in config.notes[0]


def test_undecided_branch_then_true_elif_skips_else(linter):
    kept, _ = _lines_kept(
        linter,
        """
        global
        .if defined(X)
            x a
        .elif 1
            x b
        .else
            x c
        .endif
        """,
    )
    assert kept == ["a", "b"]


def test_version_condition_decided_when_version_given(linter):
    text = """
        global
        .if version_atleast(2.8)
            x new
        .else
            x old
        .endif
        """
    kept, _ = _lines_kept(linter, text, (2, 6, 12))
    assert kept == ["old"]
    kept, _ = _lines_kept(linter, text, None)
    assert kept == ["new", "old"]


def test_nested_if_inside_false_branch_is_skipped(linter):
    kept, _ = _lines_kept(
        linter,
        """
        global
        .if 0
        .if 1
            x a
        .endif
        .endif
            x b
        """,
    )
    assert kept == ["b"]


def _errors(linter, text):
    path = linter.write(text)
    return [(e.place.line, e.message) for e in load([str(path)]).errors]


def test_error_unterminated_quote(linter):
    assert _errors(linter, 'global\n    log "stdout\n') == [
        (2, "missing closing double quote")
    ]


def test_error_column_of_unterminated_quote(linter):
    path = linter.write('global\n    log "stdout\n')
    assert load([str(path)]).errors[0].place.column == 9


def test_error_keyword_outside_section(linter):
    assert _errors(linter, "timeout client 5s\n") == [
        (1, "keyword 'timeout' is outside any section")
    ]


def test_error_endif_without_if(linter):
    assert _errors(linter, "global\n.endif\n") == [(2, ".endif without a matching .if")]


def test_error_if_without_endif(linter):
    assert _errors(linter, "global\n.if 1\n    daemon\n") == [
        (2, ".if block has no matching .endif")
    ]


def test_error_elif_after_else(linter):
    assert _errors(linter, "global\n.if 0\n.else\n.elif 1\n.endif\n") == [
        (4, ".elif after .else in the same .if block")
    ]


def test_error_invalid_condition(linter):
    assert _errors(linter, "global\n.if (1\n.endif\n") == [
        (2, "invalid .if condition: invalid condition '(1'")
    ]


def test_error_proxy_without_name(linter):
    assert _errors(linter, "frontend\n    bind :80\n") == [
        (1, "frontend section has no name")
    ]


def test_error_unreadable_file(tmp_path):
    config = load([str(tmp_path / "missing.cfg")])
    assert len(config.errors) == 1
    assert config.errors[0].message.endswith("missing.cfg: file not found")


def test_error_binary_file(tmp_path):
    path = tmp_path / "binary.cfg"
    path.write_bytes(b"\0\1\2")
    assert [e.message for e in load([str(path)]).errors] == [f"{path} is not a text file"]


def test_error_empty_directory(tmp_path):
    assert [e.message for e in load([str(tmp_path)]).errors] == [
        "no *.cfg file found in the directory"
    ]


def test_several_files_read_in_order(linter):
    first = linter.write("defaults\n    mode http\n    timeout client 5s\n", "a.conf")
    second = linter.write("frontend fe\n    bind :80\n", "b.conf")
    config = load([str(second), str(first)])
    assert config.files == [str(second), str(first)]
    assert [s.kind for s in config.sections] == ["frontend", "defaults"]


def test_section_ends_at_end_of_file(linter):
    first = linter.write("global\n    daemon\n", "a.cfg")
    second = linter.write("    maxconn 10\n", "b.cfg")
    config = load([str(first), str(second)])
    assert [(e.place.file, e.message) for e in config.errors] == [
        (str(second), "keyword 'maxconn' is outside any section")
    ]


def test_directory_reads_cfg_files_in_name_order(linter):
    linter.write("backend b\n", "conf/20-b.cfg")
    linter.write("frontend a\n", "conf/10-a.cfg")
    linter.write("backend ignored\n", "conf/notes.txt")
    config = load([str(linter.directory / "conf")])
    assert [s.name for s in config.sections] == ["a", "b"]
    assert [f.rsplit("/", 1)[1] for f in config.files] == ["10-a.cfg", "20-b.cfg"]


def test_report_blocks_cover_each_section(linter):
    report = linter.report(
        """
        global
            daemon

        backend be
            server s1 127.0.0.1:8080
            # trailing comment
        """
    )
    path = str(linter.directory / "haproxy.cfg")
    assert report.blocks == {path: [(1, 2), (4, 5)]}


def test_lint_reports_input_errors_not_exceptions(linter):
    report = linter.report('frontend fe\n    bind "oops\n')
    expected = (
        f"{linter.directory / 'haproxy.cfg'}:2: missing closing double quote "
        "(close the quote or escape it with a backslash)"
    )
    assert [str(error) for error in report.errors] == [expected]
    assert report.server == "haproxy"


def test_lint_settings_version_decides_if(linter):
    text = """
        global
        .if version_atleast(3.0)
            x a
        .endif
        """
    from stiglint.settings import Version

    report = linter.report(text, Settings(versions={"haproxy": Version((2, 6))}))
    assert report.notes == []


def test_crlf_line_endings_keep_line_numbers(tmp_path):
    path = tmp_path / "crlf.cfg"
    path.write_bytes(b"global\r\n    daemon\r\n\x0c\r\nbackend be\r\n")
    config = load([str(path)])
    assert config.errors == []
    assert [(s.kind, s.place.line) for s in config.sections] == [
        ("global", 1),
        ("backend", 4),
    ]
