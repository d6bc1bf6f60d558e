"""Reading a tree: includes, variables and conditional sections, as httpd reads them."""

from __future__ import annotations

from pathlib import Path

from stiglint.apache.loader import load, module_key, read_envvars
from stiglint.settings import Version
from .helpers import error_lines, lint_text, write


def names(config) -> list[str]:
    return [directive.source() for directive in config.root.block]


def test_include_resolves_against_server_root(tmp_path: Path):
    root = tmp_path / "root"
    write(root, "extra/a.conf", "Timeout 10\n")
    # The main file lies below ServerRoot, as /etc/httpd/conf/httpd.conf does.
    main = write(root, "conf/httpd.conf", f"ServerRoot {root}\nInclude extra/a.conf\n")
    config = load(str(main))
    assert config.errors == []
    assert config.notes == []
    assert names(config) == [f"ServerRoot {root}", "Timeout 10"]
    assert config.root.block[1].file == str(root / "extra/a.conf")
    assert config.root.block[1].line == 1


def test_default_server_root_is_parent_of_conf(tmp_path: Path):
    write(tmp_path, "conf.d/site.conf", "KeepAlive On\n")
    main = write(tmp_path, "conf/httpd.conf", "IncludeOptional conf.d/*.conf\n")
    assert names(load(str(main))) == ["KeepAlive On"]


def test_wildcard_include_is_alphabetical(tmp_path: Path):
    write(tmp_path, "sites/b.conf", "Define B 1\n")
    write(tmp_path, "sites/a.conf", "Define A 1\n")
    write(tmp_path, "sites/c.txt", "Define C 1\n")
    main = write(tmp_path, "apache2.conf", "Include sites/*.conf\n")
    assert names(load(str(main))) == ["Define A 1", "Define B 1"]


def test_directory_include_reads_every_file_below(tmp_path: Path):
    write(tmp_path, "d/x.conf", "Define X 1\n")
    write(tmp_path, "d/sub/y", "Define Y 1\n")
    main = write(tmp_path, "apache2.conf", "Include d\n")
    assert names(load(str(main))) == ["Define Y 1", "Define X 1"]


def test_include_wildcard_without_match_is_an_error(tmp_path: Path):
    main = write(tmp_path, "apache2.conf", "Timeout 5\nInclude missing/*.conf\n")
    config = load(str(main))
    assert [(e.place.line, e.message.split(" matches")[0]) for e in config.errors] == [
        (2, f"Include wildcard {tmp_path}/missing/*.conf")
    ]


def test_include_optional_without_match_is_not_an_error(tmp_path: Path):
    main = write(tmp_path, "apache2.conf", "IncludeOptional missing/*.conf\nIncludeOptional nofile\n")
    assert load(str(main)).errors == []


def test_missing_literal_include_is_an_error(tmp_path: Path):
    main = write(tmp_path, "apache2.conf", "Include nofile.conf\n")
    config = load(str(main))
    assert [(e.place.line, e.message) for e in config.errors] == [
        (1, f"Include file {tmp_path}/nofile.conf not found")
    ]


def test_include_cycle_is_an_error(tmp_path: Path):
    write(tmp_path, "a.conf", "Include b.conf\n")
    write(tmp_path, "b.conf", "Include a.conf\n")
    main = write(tmp_path, "apache2.conf", "Include a.conf\n")
    config = load(str(main))
    assert len(config.errors) == 1
    assert config.errors[0].message.startswith("include cycle: apache2.conf -> a.conf -> b.conf -> a.conf")
    assert (Path(config.errors[0].place.file).name, config.errors[0].place.line) == ("b.conf", 1)


def test_define_and_variable_substitution(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "Define VPATH /app\n<Location ${VPATH}>\nProxyPass http://${HOST}/\n</Location>\n"
        "UnDefine VPATH\nAlias ${VPATH} /srv\n",
    )
    config = load(str(main))
    location = config.root.block[1]
    assert location.args == ["/app"]
    assert location.block[0].args == ["http://${HOST}/"]
    assert config.root.block[3].args == ["${VPATH}", "/srv"]
    assert any("${HOST} is not set by Define or envvars" in note for note in config.notes)


def test_quoted_variable_value_with_spaces(tmp_path: Path):
    main = write(tmp_path, "apache2.conf", 'Define NAME "a b"\nServerAdmin "${NAME}"\n')
    assert load(str(main)).root.block[1].args == ["a b"]


def test_envvars_beside_main_file(tmp_path: Path):
    write(
        tmp_path, "envvars",
        "unset HOME\nif [ x ]; then\n  SUFFIX=\"-${APACHE_CONFDIR##/etc/apache2-}\"\nelse\n"
        "  SUFFIX=\nfi\nexport APACHE_LOG_DIR=/var/log/apache2$SUFFIX\nexport APACHE_RUN_USER='www-data'\n",
    )
    main = write(tmp_path, "apache2.conf", "ErrorLog ${APACHE_LOG_DIR}/error.log\nUser ${APACHE_RUN_USER}\n")
    config = load(str(main))
    assert names(config) == ["ErrorLog /var/log/apache2/error.log", "User www-data"]
    assert config.notes == []


def test_read_envvars_skips_parameter_expansions(tmp_path: Path):
    path = write(tmp_path, "envvars", 'A=1\nB="${A}x"\nC="${X##y}"\n')
    assert read_envvars(str(path)) == {"A": "1", "B": "1x"}


def test_ifmodule_decided_by_loadmodule(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "LoadModule mpm_event_module modules/mod_mpm_event.so\n"
        "LoadModule proxy_module modules/mod_proxy.so\n"
        "<IfModule mod_proxy.c>\nDefine A 1\n</IfModule>\n"
        "<IfModule proxy_module>\nDefine B 1\n</IfModule>\n"
        "<IfModule ssl_module>\nDefine C 1\n</IfModule>\n"
        "<IfModule !ssl_module>\nDefine D 1\n</IfModule>\n"
        "<IfModule version_module>\nDefine E 1\n</IfModule>\n",
    )
    config = load(str(main))
    assert names(config)[2:] == ["Define A 1", "Define B 1", "Define D 1", "Define E 1"]
    assert config.notes == []


def test_ifmodule_without_loadmodule_is_assumed_true(tmp_path: Path):
    main = write(tmp_path, "site.conf", "<IfModule ssl_module>\nDefine A 1\n</IfModule>\n")
    config = load(str(main))
    assert names(config) == ["Define A 1"]
    assert len(config.notes) == 1
    assert "<IfModule ssl_module> was read as if the condition were true" in config.notes[0]


def test_ifmodule_in_fragment_with_some_loadmodule(tmp_path: Path):
    # A fragment may load a module or two; the rest come from the main file.
    main = write(
        tmp_path, "ssl.conf",
        "LoadModule ssl_module modules/mod_ssl.so\n<IfModule headers_module>\nDefine A 1\n</IfModule>\n"
        "ProxyPass / http://a/\n",
    )
    config = load(str(main))
    assert names(config)[1:] == ["Define A 1", "ProxyPass / http://a/"]
    assert config.errors == []


def test_ifdefine_uses_defines_and_assumes_unknown_true(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "Define ON\n<IfDefine ON>\nDefine A 1\n</IfDefine>\n<IfDefine !ON>\nDefine B 1\n</IfDefine>\n"
        "<IfDefine CLI_ONLY>\nDefine C 1\n</IfDefine>\n",
    )
    config = load(str(main))
    assert names(config) == ["Define ON", "Define A 1", "Define C 1"]
    assert len(config.notes) == 1
    assert "<IfDefine CLI_ONLY>" in config.notes[0]


def test_ifversion_against_the_given_version(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "<IfVersion >= 2.4.47>\nDefine NEW 1\n</IfVersion>\n"
        "<IfVersion < 2.4.47>\nDefine OLD 1\n</IfVersion>\n"
        "<IfVersion 2.4>\nDefine ANY24 1\n</IfVersion>\n"
        "<IfVersion !~ ^2\\.2>\nDefine NOT22 1\n</IfVersion>\n",
    )
    config = load(str(main), version=Version((2, 4, 40)), version_given=True)
    assert names(config) == ["Define OLD 1", "Define ANY24 1", "Define NOT22 1"]
    assert config.notes == []
    assumed = load(str(main))
    assert names(assumed) == ["Define NEW 1", "Define ANY24 1", "Define NOT22 1"]
    assert any("the assumed release" in note for note in assumed.notes)


def test_false_conditional_hides_its_includes(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "LoadModule mpm_event_module x.so\n<IfModule ssl_module>\nInclude missing.conf\n</IfModule>\n",
    )
    assert load(str(main)).errors == []


def test_every_directive_keeps_file_and_line(tmp_path: Path):
    write(tmp_path, "inc.conf", "# comment\n\nTimeout 7\n")
    main = write(tmp_path, "apache2.conf", "KeepAlive On\n\nInclude inc.conf\n")
    config = load(str(main))
    places = [(Path(d.file).name, d.line) for d in config.root.block]
    assert places == [("apache2.conf", 1), ("inc.conf", 3)]
    assert config.files == [str(main), str(tmp_path / "inc.conf")]


def test_module_key_forms():
    assert module_key("mod_ssl.c") == "ssl"
    assert module_key("ssl_module") == "ssl"
    assert module_key("proxy_wstunnel_module") == "proxy_wstunnel"


def test_unreadable_inputs_are_errors(tmp_path: Path):
    binary = tmp_path / "bin.conf"
    binary.write_bytes(b"Timeout\0 5\n")
    assert [e.message for e in load(str(binary)).errors] == [f"{binary} is not a text file"]
    assert [e.message for e in load(str(tmp_path / "none.conf")).errors] == [
        f"{tmp_path}/none.conf: file not found"
    ]
    assert [e.message for e in load(str(tmp_path)).errors] == [
        f"{tmp_path} is a directory, not a configuration file"
    ]


def test_lint_reports_blocks_and_errors(tmp_path: Path):
    report = lint_text(tmp_path, "<VirtualHost *:80>\n  <Location /a>\n  </Location>\n</VirtualHost>\n</Proxy>\n")
    assert report.server == "apache"
    assert report.blocks == {str(tmp_path / "httpd.conf"): [(1, 4), (2, 3)]}
    assert error_lines(report) == [("httpd.conf", 5)]


def test_directive_before_its_module_is_an_error(tmp_path: Path):
    main = write(
        tmp_path, "apache2.conf",
        "LoadModule mpm_event_module m/mod_mpm_event.so\n"
        "ProxyPass / http://a/\nProxyPreserveHost On\n"
        "LoadModule headers_module m/mod_headers.so\nRequestHeader set A b\n",
    )
    config = load(str(main))
    assert [(e.place.line, e.message) for e in config.errors] == [
        (2, "Invalid command 'ProxyPass': mod_proxy is not loaded at this point")
    ]


def test_module_check_skipped_without_loadmodule(tmp_path: Path):
    main = write(tmp_path, "site.conf", "ProxyPass / http://a/\nRequestHeader set A b\n")
    assert load(str(main)).errors == []
