"""Reading trees: includes as nginx follows them, fragments, and bad input."""

from stiglint.nginx.loader import load


def _names(config):
    return [(d.name, d.args, d.file.rsplit("/", 1)[-1], d.line) for d in config.root.walk()]


def test_include_relative_to_main_file_directory(nginx, tmp_path, monkeypatch):
    nginx.write("conf.d/a.conf", "server { listen 80; }\n")
    main = nginx.write("nginx.conf", "http {\n  include conf.d/*.conf;\n}\n")
    monkeypatch.chdir("/")
    config = load(str(main))
    assert config.errors == []
    server = next(d for d in config.root.walk() if d.name == "server")
    assert server.file.endswith("conf.d/a.conf")
    assert server.line == 1
    assert server.parent.name == "http"
    assert server.included_by.line == 2


def test_include_with_prefix(nginx, tmp_path):
    nginx.write("etc/site.conf", "server { listen 81; }\n")
    main = nginx.write("conf/nginx.conf", "http { include site.conf; }\n")
    config = load(str(main), prefix=str(tmp_path / "etc"))
    assert config.errors == []
    assert any(d.name == "listen" and d.args == ["81"] for d in config.root.walk())


def test_glob_expands_in_sorted_order(nginx):
    for name in ("b.conf", "a.conf", "c.conf"):
        nginx.write(f"sites/{name}", f"server {{ server_name {name}; }}\n")
    main = nginx.write("nginx.conf", "http { include sites/*.conf; }\n")
    config = load(str(main))
    names = [d.args[0] for d in config.root.walk() if d.name == "server_name"]
    assert names == ["a.conf", "b.conf", "c.conf"]


def test_glob_matching_nothing_is_fine(nginx):
    main = nginx.write("nginx.conf", "http { include none/*.conf; }\n")
    assert load(str(main)).errors == []


def test_missing_literal_include_is_error_at_include_line(nginx):
    main = nginx.write("nginx.conf", "http {\n\n  include missing.conf;\n}\n")
    errors = load(str(main)).errors
    assert len(errors) == 1
    assert errors[0].place.line == 3
    assert errors[0].place.file == str(main)
    assert "missing.conf" in errors[0].message
    assert "not found" in errors[0].message


def test_include_cycle_reported(nginx):
    nginx.write("a.conf", "include b.conf;\n")
    nginx.write("b.conf", "include a.conf;\n")
    main = nginx.write("nginx.conf", "http {\n include a.conf;\n}\n")
    errors = load(str(main)).errors
    assert len(errors) == 1
    assert "include cycle" in errors[0].message
    assert errors[0].place.file.endswith("b.conf")
    assert errors[0].place.line == 1


def test_self_include_reported(nginx):
    main = nginx.write("nginx.conf", "http {\n include nginx.conf;\n}\n")
    errors = load(str(main)).errors
    assert [e.place.line for e in errors] == [2]


def test_same_file_included_twice_is_spliced_twice(nginx):
    nginx.write("proxy.conf", "proxy_set_header Host $host;\n")
    main = nginx.write(
        "nginx.conf",
        "http { server { location /a/ { include proxy.conf; } location /b/ { include proxy.conf; } } }\n",
    )
    config = load(str(main))
    parents = [d.parent.args[0] for d in config.root.walk() if d.name == "proxy_set_header"]
    assert parents == ["/a/", "/b/"]


def test_fragment_server_block_sits_in_http(nginx):
    main = nginx.write("site.conf", "server {\n  listen 80;\n}\n")
    config = load(str(main))
    assert config.fragment
    server = next(d for d in config.root.walk() if d.name == "server")
    assert server.parent.name == "http"
    assert server.line == 1


def test_fragment_of_locations_sits_in_server(nginx):
    main = nginx.write("snippet.conf", "location /x/ { return 204; }\n")
    config = load(str(main))
    location = next(d for d in config.root.walk() if d.name == "location")
    assert [a.name for a in location.ancestors()] == ["server", "http", ""]


def test_arguments_normalised(nginx):
    main = nginx.write(
        "nginx.conf",
        'http { proxy_set_header Connection "upgrade"; proxy_set_header Connection upgrade;'
        " proxy_set_header X 'a\\'b'; add_header Y \"a\\\"b\"; }\n",
    )
    values = [d.args for d in load(str(main)).root.walk() if d.name in ("proxy_set_header", "add_header")]
    assert values[0] == values[1] == ["Connection", "upgrade"]
    assert values[2] == ["X", "a'b"]
    assert values[3] == ["Y", 'a"b']


def test_unknown_and_third_party_directives_accepted(nginx):
    main = nginx.write("nginx.conf", "http { server { http2 on; voms_enable on; more_set_headers 'X: y'; } }\n")
    assert load(str(main)).errors == []


def test_comments_recorded(nginx):
    main = nginx.write("nginx.conf", "# top\nhttp { # inside\n}\n")
    config = load(str(main))
    assert config.comments[str(main)] == [(1, " top"), (2, " inside")]


def test_copied_tree_reads_its_own_absolute_includes(nginx, tmp_path):
    nginx.write("deploy/nginx/sites-enabled/app", "server { listen 8080; }\n")
    main = nginx.write("deploy/nginx/nginx.conf", "http {\n  include /etc/nginx/sites-enabled/*;\n}\n")
    config = load(str(main))
    assert config.errors == []
    listens = [d.args for d in config.root.walk() if d.name == "listen"]
    assert listens == [["8080"]]
    assert any("read from" in note and str(tmp_path) in note for note in config.notes)


def test_missing_relative_include_names_base_and_prefix(nginx, tmp_path):
    main = nginx.write("snippets/php.conf", "include fastcgi.conf;\n")
    errors = load(str(main)).errors
    assert len(errors) == 1
    assert f"relative paths resolve against {tmp_path / 'snippets'}" in errors[0].hint
    assert "--prefix" in errors[0].hint
