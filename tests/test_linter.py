"""Choosing the server for an input: main file names, content, folders, directories."""

import pytest

from stiglint import linter
from stiglint.settings import Settings


@pytest.mark.parametrize(
    ("name", "server"),
    [("nginx.conf", "nginx"), ("apache2.conf", "apache"), ("httpd.conf", "apache"),
     ("haproxy.cfg", "haproxy"), ("site.cfg", "haproxy")],
)
def test_main_file_names_decide(tmp_path, name, server):
    path = tmp_path / name
    path.write_text("# empty\n")
    assert linter.detect_server(str(path)) == server


@pytest.mark.parametrize(
    ("text", "server"),
    [
        ("server {\n  listen 80;\n}\n", "nginx"),
        ("<VirtualHost *:80>\n  ProxyPass / http://a/\n</VirtualHost>\n", "apache"),
        ("frontend web\n  bind :80\nbackend app\n  server a 127.0.0.1:1\n", "haproxy"),
    ],
)
def test_content_decides_for_other_names(tmp_path, text, server):
    path = tmp_path / "apache" / "site.conf"  # a misleading folder loses to content
    path.parent.mkdir()
    path.write_text(text)
    expected = server
    assert linter.detect_server(str(path)) == expected


def test_folder_places_fragment_without_blocks(tmp_path):
    path = tmp_path / "nginx" / "proxy_params"
    path.parent.mkdir()
    path.write_text("proxy_set_header Host $http_host;\n")
    assert linter.detect_server(str(path)) == "nginx"


def test_unknown_text_raises(tmp_path):
    path = tmp_path / "notes"
    path.write_text("hello\n")
    with pytest.raises(linter.UnknownServer):
        linter.detect_server(str(path))


def test_directory_with_main_file(tmp_path):
    (tmp_path / "nginx.conf").write_text("http { server { listen 80; } }\n")
    report = linter.lint_file(str(tmp_path), Settings())
    assert report.server == "nginx"
    assert report.errors == []
    assert report.files == [str(tmp_path / "nginx.conf")]


def test_directory_of_haproxy_files(tmp_path):
    (tmp_path / "10-global.cfg").write_text("global\n  maxconn 100\n")
    report = linter.lint_file(str(tmp_path), Settings())
    assert report.server == "haproxy"


def test_directory_without_configuration(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing\n")
    report = linter.lint_file(str(tmp_path), Settings())
    assert len(report.errors) == 1
    assert "is a directory" in report.errors[0].message
    assert "name the main configuration file" in report.errors[0].hint


def test_directory_of_other_server_rejected(tmp_path):
    (tmp_path / "nginx.conf").write_text("http {}\n")
    report = linter.lint_file(str(tmp_path), Settings(), "apache")
    assert len(report.errors) == 1
