"""Input nginx rejects: each is an error with file and line, never a traceback."""

import pytest

from stiglint.nginx.loader import load


def _errors(nginx, text, name="nginx.conf"):
    path = nginx.write(name, "")
    path.write_text(text, encoding="utf-8")
    return [(e.place.line, e.message) for e in load(str(path)).errors]


def test_missing_semicolon_before_brace(nginx):
    errors = _errors(nginx, "http {\n  server {\n    listen 80\n  }\n}\n")
    assert len(errors) == 1
    assert errors[0][0] == 3
    assert 'directive "listen" is not terminated by ";"' in errors[0][1]


def test_missing_semicolon_at_end_of_file(nginx):
    errors = _errors(nginx, "worker_processes 1;\nuser nginx")
    assert errors == [(2, 'directive "user" is not terminated by ";" before the end of the file')]


def test_byte_order_mark(nginx):
    errors = _errors(nginx, "\ufeffhttp {\n}\n")
    assert len(errors) == 1
    assert errors[0][0] == 1
    assert "byte-order mark" in errors[0][1]


def test_byte_order_mark_does_not_hide_first_directive(nginx):
    path = nginx.write("nginx.conf", "")
    path.write_text("\ufeffhttp { server { listen 80; } }\n", encoding="utf-8")
    config = load(str(path))
    assert [d.name for d in config.root.block] == ["http"]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unterminated_quote_top_level(nginx, quote):
    errors = _errors(nginx, f"events {{}}\nworker_processes {quote}auto;\npid /run/x.pid;\n")
    assert len(errors) == 1
    assert errors[0][0] == 2
    assert "unterminated quoted string" in errors[0][1]


def test_unterminated_quote_inside_block(nginx):
    errors = _errors(nginx, 'http {\n  server {\n    add_header X "y;\n  }\n}\n')
    assert errors[0][0] == 3
    assert "unterminated quoted string" in errors[0][1]


def test_unbalanced_closing_brace(nginx):
    errors = _errors(nginx, "http {\n}\n}\n")
    assert len(errors) >= 1
    assert errors[0][0] == 3


def test_unclosed_block(nginx):
    errors = _errors(nginx, "http {\n  server {\n")
    assert len(errors) == 1
    assert "end of file" in errors[0][1]


def test_lua_blocks_are_opaque(nginx):
    text = (
        "http {\n"
        "  server {\n"
        "    location / {\n"
        "      set_by_lua_block $v{ return \"}\" }\n"
        "      content_by_lua_block {\n"
        "        local s = [[ } } ]] -- a } in a comment\n"
        "        local t = [==[ ]] } ]==]\n"
        "        --[[ long } comment ]]\n"
        "        ngx.say('{', s)\n"
        "      }\n"
        "      proxy_pass http://app;\n"
        "    }\n"
        "  }\n"
        "}\n"
    )
    path = nginx.write("nginx.conf", text)
    config = load(str(path))
    assert config.errors == []
    names = [(d.name, d.line) for d in config.root.walk()]
    assert ("proxy_pass", 11) in names
    assert ("set_by_lua_block", 4) in names


def test_unclosed_lua_block(nginx):
    errors = _errors(nginx, "http { content_by_lua_block { if x then\n")
    assert len(errors) >= 1
    assert "not closed" in errors[0][1]


def test_not_a_text_file(nginx, tmp_path):
    path = tmp_path / "nginx.conf"
    path.write_bytes(b"\x00\x01binary")
    errors = load(str(path)).errors
    assert "not a text file" in errors[0].message


def test_missing_main_file(tmp_path):
    errors = load(str(tmp_path / "nope.conf")).errors
    assert len(errors) == 1
    assert "not found" in errors[0].message


def test_directory_as_main_file(tmp_path):
    errors = load(str(tmp_path)).errors
    assert "is a directory" in errors[0].message


def test_lone_carriage_return(nginx):
    path = nginx.write("nginx.conf", "")
    path.write_bytes(b"http {\n  # note\rclient_max_body_size 100m;\n}\n")
    errors = load(str(path)).errors
    assert [(e.place.line, e.message.split(":")[0]) for e in errors] == [
        (2, "carriage return without a line feed")
    ]


def test_crlf_line_endings_are_fine(nginx):
    path = nginx.write("nginx.conf", "")
    path.write_bytes(b"http {\r\n  server { listen 80; }\r\n}\r\n")
    assert load(str(path)).errors == []


def test_fifo_is_not_read(nginx, tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.conf")
    main = nginx.write("nginx.conf", "http {\n  include pipe.conf;\n}\n")
    errors = load(str(main)).errors
    assert [e.place.line for e in errors] == [2]
    assert "not a regular file" in errors[0].message


def test_too_long_token(nginx):
    path = nginx.write("nginx.conf", "http {\n  add_header X \"" + "a" * 5000 + "\";\n}\n")
    errors = load(str(path)).errors
    assert [e.place.line for e in errors] == [2]
    assert "longer than 4096 bytes" in errors[0].message


def test_deep_nesting_is_read(nginx):
    depth = 3000
    text = "http { server { " + "location /a { " * depth + "}" * depth + " } }\n"
    report = nginx.report(text)
    assert report.errors == []


def test_nesting_beyond_reach_is_an_honest_error(nginx):
    depth = 30000
    report = nginx.report("http { " + "location /a { " * depth + "}" * depth + " }\n")
    assert len(report.errors) == 1
    assert "nested deeper than stiglint can read" in report.errors[0].message
    assert "nginx -t" not in report.errors[0].hint
