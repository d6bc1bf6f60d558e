"""Deep nesting: httpd accepts it, so stiglint must not crash or blame httpd."""

from __future__ import annotations

import os
from pathlib import Path

from stiglint.apache import loader
from stiglint.apache.model import Directive

from .helpers import codes, lint_text

HEAD = (
    "Timeout 3600\n<VirtualHost *:443>\nServerName stigman.example.org\n"
    "ProxyPreserveHost On\nRequestHeader set X-Forwarded-Proto \"https\"\n"
)
PROXY = "ProxyPass / http://stigman:54000/ upgrade=websocket\n"


def _nested(levels: int, opening: str = "<IfModule x>", closing: str = "</IfModule>") -> str:
    return HEAD + f"{opening}\n" * levels + PROXY + f"{closing}\n" * levels + "</VirtualHost>\n"


def test_thousand_nested_sections_is_input_error(tmp_path: Path):
    report = lint_text(tmp_path, _nested(1000))
    assert len(report.errors) == 1
    error = report.errors[0]
    # Five header lines, then the section that is one level too deep.
    assert error.place.line == 5 + loader.MAX_NESTING + 1
    assert "nested more than 200 levels" in error.message
    assert "httpd itself accepts deeper nesting" in error.message
    assert "refuse" not in error.message and "reject" not in error.message


def test_thousand_nested_locations_is_input_error(tmp_path: Path):
    report = lint_text(tmp_path, _nested(1000, "<Location />", "</Location>"))
    assert [e.place.line for e in report.errors] == [5 + loader.MAX_NESTING + 1]


def test_nesting_below_the_limit_is_read(tmp_path: Path):
    report = lint_text(tmp_path, _nested(loader.MAX_NESTING - 1))
    assert report.errors == []
    assert codes(report) == []
    assert [t.place.line for t in report.targets] == [5 + loader.MAX_NESTING]


def test_unclosed_deep_sections_do_not_crash(tmp_path: Path):
    report = lint_text(tmp_path, "<Location />\n" * 3000)
    assert len(report.errors) >= 3000
    assert all("was not closed" in e.message for e in report.errors[:3000])


def test_walk_is_depth_first_and_deep(tmp_path: Path):
    root = Directive("", [], "f", 0, 0, block=[])
    parent = root
    for line in range(1, 5001):
        section = Directive("Location", ["/"], "f", line, line, parent, block=[])
        parent.block.append(section)
        parent = section
    parent.block.append(Directive("ProxyPass", ["/", "http://a/"], "f", 5001, 5001, parent))
    lines = [d.line for d in root.walk()]
    assert lines == list(range(1, 5002))


def test_directory_include_with_symlink_loop(tmp_path: Path):
    conf = tmp_path / "conf.d"
    (conf / "b").mkdir(parents=True)
    (conf / "a.conf").write_text("Timeout 1\n")
    (conf / "b" / "c.conf").write_text("Timeout 2\n")
    (conf / "d.conf").write_text("Timeout 3\n")
    os.symlink(conf, conf / "b" / "loop")
    main = tmp_path / "httpd.conf"
    main.write_text(f"Include {conf}\n")
    config = loader.load(str(main))
    assert [Path(f).name for f in config.files] == ["httpd.conf", "a.conf", "c.conf", "d.conf"]
    assert config.errors == []
