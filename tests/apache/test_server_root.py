"""A copied tree whose ServerRoot names the host's directory reads the copy, not the host."""

from __future__ import annotations

from pathlib import Path

from stiglint.apache.loader import load

from .helpers import write


def _trees(tmp_path: Path, main_text: str) -> tuple[Path, Path]:
    """Make a 'host' server root and a copy of it elsewhere; return (host, copied main)."""
    host = tmp_path / "host"
    write(host, "mods-enabled/a.conf", "Timeout 111\n")
    copy = tmp_path / "copy"
    write(copy, "mods-enabled/a.conf", "Timeout 3600\n")
    main = write(copy, "apache2.conf", main_text.format(host=host))
    return host, main


def _timeouts(config) -> list[tuple[str, str]]:
    return [(Path(d.file).parent.parent.name, d.args[0]) for d in config.root.walk()
            if d.key == "timeout"]


def test_server_root_outside_main_file_is_not_read(tmp_path: Path):
    host, main = _trees(tmp_path, "ServerRoot {host}\nInclude mods-enabled/*.conf\n")
    config = load(str(main))
    assert config.errors == []
    assert _timeouts(config) == [("copy", "3600")]
    assert len(config.notes) == 1
    note = config.notes[0]
    assert note.startswith(f"{main}:1: the main file is not below ServerRoot {host}")
    assert "--prefix" in note


def test_absolute_include_below_foreign_server_root(tmp_path: Path):
    host, main = _trees(tmp_path, "ServerRoot {host}\nInclude {host}/mods-enabled/a.conf\n")
    config = load(str(main))
    assert config.errors == []
    assert _timeouts(config) == [("copy", "3600")]
    assert any("Include paths below ServerRoot" in note and "--prefix" in note
               for note in config.notes)


def test_absolute_include_with_prefix(tmp_path: Path):
    host, main = _trees(tmp_path, "ServerRoot {host}\nInclude {host}/mods-enabled/a.conf\n")
    config = load(str(main), server_root=str(main.parent))
    assert config.errors == []
    assert _timeouts(config) == [("copy", "3600")]


def test_server_root_containing_main_file_is_used(tmp_path: Path):
    host = tmp_path / "host"
    write(host, "mods-enabled/a.conf", "Timeout 111\n")
    main = write(host, "conf/httpd.conf", f"ServerRoot {host}\nInclude mods-enabled/*.conf\n")
    config = load(str(main))
    assert _timeouts(config) == [("host", "111")]
    assert config.notes == []


def test_absolute_include_elsewhere_is_unchanged(tmp_path: Path):
    other = tmp_path / "other"
    write(other, "x.conf", "Timeout 5\n")
    host, main = _trees(tmp_path, "ServerRoot {host}\nInclude " + str(other) + "/x.conf\n")
    config = load(str(main))
    assert [d.file for d in config.root.walk() if d.key == "timeout"] == [str(other / "x.conf")]


def test_rhel_layout_copy_uses_folder_above_conf(tmp_path: Path):
    host = tmp_path / "host"
    write(host, "conf.d/a.conf", "Timeout 111\n")
    copy = tmp_path / "copy"
    write(copy, "conf.d/a.conf", "Timeout 3600\n")
    main = write(copy, "conf/httpd.conf", f"ServerRoot {host}\nInclude conf.d/*.conf\n")
    config = load(str(main))
    assert [d.file for d in config.root.walk() if d.key == "timeout"] == [str(copy / "conf.d/a.conf")]
    assert len(config.notes) == 1
    assert f"read from {copy}, the folder above the main file's conf/ directory" in config.notes[0]
