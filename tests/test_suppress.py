"""Inline suppressions: which findings each comment silences, and unused ones."""

from __future__ import annotations

import json
import textwrap

from cli_helpers import CLEAN_NGINX, finding_keys, nginx_with, write
from stiglint import suppress
from stiglint.findings import Finding, InputError, Place, Report, Severity


def lint_json(cli, *args: str) -> dict:
    outcome = cli("check", "--format", "json", *args)
    assert outcome.stderr == ""
    return json.loads(outcome.stdout)


def finding(file: str, line: int | None, rule: str = "TIMEOUT-STREAM-CUT") -> Finding:
    return Finding(rule, Severity.ERROR, Place(file, line), "message")


def keys(report: Report) -> list[str]:
    return sorted(f"{f.rule}:{f.place.line}" for f in report.findings)


# Line numbers below are those of this text.
CONFIG = textwrap.dedent("""\
    global
        # stiglint: ignore=TIMEOUT-STREAM-CUT
        timeout client 20s
        timeout server 20s   # stiglint: ignore=TIMEOUT-STREAM-CUT, TIMEOUT-MISSING

    # stiglint: ignore=WEBSOCKET-UPGRADE
    backend app
        server a 10.0.0.1:80
        server b 10.0.0.2:80

    backend other
        server c 10.0.0.3:80
""")


def report_for(tmp_path, findings, blocks=None) -> Report:
    file = str(write(tmp_path / "haproxy.cfg", CONFIG))
    report = Report("haproxy", files=[file], findings=[finding(file, *f) for f in findings])
    if blocks is not None:
        report.blocks = {file: blocks}
    return report


def test_own_line_covers_next_directive(tmp_path):
    report = report_for(tmp_path, [(3,), (4,), (5,)])

    suppress.apply(report)

    assert keys(report) == [
        "SUPPRESSION-UNUSED:4",
        "SUPPRESSION-UNUSED:6",
        "TIMEOUT-STREAM-CUT:5",
    ]


def test_end_of_line_covers_only_that_line(tmp_path):
    report = report_for(tmp_path, [(4,), (4, "TIMEOUT-MISSING"), (3, "TIMEOUT-MISSING")])

    suppress.apply(report)

    assert keys(report) == [
        "SUPPRESSION-UNUSED:2",
        "SUPPRESSION-UNUSED:6",
        "TIMEOUT-MISSING:3",
    ]


def test_own_line_covers_whole_block(tmp_path):
    report = report_for(
        tmp_path,
        [(7, "WEBSOCKET-UPGRADE"), (8, "WEBSOCKET-UPGRADE"), (9, "WEBSOCKET-UPGRADE"),
         (12, "WEBSOCKET-UPGRADE"), (3,), (4,)],
        blocks=[(1, 4), (7, 9), (11, 12)],
    )

    suppress.apply(report)

    assert keys(report) == ["SUPPRESSION-UNUSED:4", "WEBSOCKET-UPGRADE:12"]


def test_without_blocks_covers_block_line(tmp_path):
    report = report_for(
        tmp_path, [(7, "WEBSOCKET-UPGRADE"), (8, "WEBSOCKET-UPGRADE"), (3,), (4,)]
    )

    suppress.apply(report)

    assert keys(report) == ["SUPPRESSION-UNUSED:4", "WEBSOCKET-UPGRADE:8"]


def test_ignore_file_covers_everything(tmp_path):
    file = str(write(tmp_path / "nginx.conf", """\
        server {
            listen 80;
        }
        # stiglint: ignore-file=ROUTE-SHADOWED,FORWARDED-HOST
    """))
    report = Report("nginx", files=[file], findings=[
        finding(file, 1, "ROUTE-SHADOWED"),
        finding(file, None, "ROUTE-SHADOWED"),
        finding(file, 2, "WEBSOCKET-UPGRADE"),
    ])

    suppress.apply(report)

    assert [f"{f.rule}:{f.place.line}" for f in report.findings] == [
        "WEBSOCKET-UPGRADE:2",
        "SUPPRESSION-UNUSED:4",
    ]
    assert "FORWARDED-HOST" in report.findings[1].message
    assert report.findings[1].severity is Severity.INFO


def test_other_file_not_covered(tmp_path):
    file = str(write(tmp_path / "haproxy.cfg", CONFIG))
    other = str(write(tmp_path / "other.cfg", "global\n    timeout client 20s\n"))
    report = Report("haproxy", files=[file, other], findings=[finding(other, 3)])

    suppress.apply(report)

    assert [(f.place.file, f.place.line) for f in report.findings if f.rule != "SUPPRESSION-UNUSED"] \
        == [(other, 3)]


def test_unknown_rule_reported(tmp_path):
    file = str(write(tmp_path / "nginx.conf", "# stiglint: ignore=NO-SUCH-RULE\nevents {}\n"))
    report = Report("nginx", files=[file])

    suppress.apply(report)

    assert [f.rule for f in report.findings] == ["SUPPRESSION-UNUSED"]
    assert report.findings[0].message == (
        "suppression names unknown rule NO-SUCH-RULE, so it silences nothing"
    )
    assert report.findings[0].place == Place(file, 1, 1)


def test_empty_rule_list_reported(tmp_path):
    file = str(write(tmp_path / "nginx.conf", "events {}  # stiglint: ignore=\n"))
    report = Report("nginx", files=[file])

    suppress.apply(report)

    assert [f.message for f in report.findings] == ["suppression comment names no rule"]


def test_unused_quiet_with_ignore_file(tmp_path):
    file = str(write(tmp_path / "nginx.conf", """\
        # stiglint: ignore-file=SUPPRESSION-UNUSED
        # stiglint: ignore=WEBSOCKET-UPGRADE
        events {}
    """))
    report = Report("nginx", files=[file])

    suppress.apply(report)

    assert report.findings == []


def test_unused_not_reported_after_input_error(tmp_path):
    file = str(write(tmp_path / "nginx.conf", "# stiglint: ignore=WEBSOCKET-UPGRADE\nevents {\n"))
    report = Report("nginx", files=[file], errors=[InputError(Place(file, 2), "unexpected end")])

    suppress.apply(report)

    assert report.findings == []


def test_comment_inside_value_not_suppression(tmp_path):
    file = str(write(tmp_path / "nginx.conf", 'return 200 "stiglint: ignore=X";\n'))
    report = Report("nginx", files=[file], findings=[finding(file, 1)])

    suppress.apply(report)

    assert keys(report) == ["TIMEOUT-STREAM-CUT:1"]


def test_stacked_comments_cover_same_line(tmp_path):
    file = str(write(tmp_path / "nginx.conf", """\
        # stiglint: ignore=TIMEOUT-STREAM-CUT
        # Reason: the app is on a private network.
        # stiglint: ignore=BODY-SIZE-LIMIT
        proxy_read_timeout 20s;
    """))
    report = Report("nginx", files=[file], findings=[
        finding(file, 4), finding(file, 4, "BODY-SIZE-LIMIT"),
    ])

    suppress.apply(report)

    assert report.findings == []


def test_cli_directive_suppression(cli, tmp_path):
    text = nginx_with("proxy_read_timeout 20s; # stiglint: ignore=TIMEOUT-STREAM-CUT")
    write(tmp_path / "nginx.conf", text)

    document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []


def test_cli_unused_suppression(cli, tmp_path):
    text = CLEAN_NGINX.replace(
        "            proxy_read_timeout 3600s;\n",
        "            # stiglint: ignore=TIMEOUT-STREAM-CUT\n            proxy_read_timeout 3600s;\n",
    )
    write(tmp_path / "nginx.conf", text)

    outcome = cli("check", "--format", "json", "nginx.conf")
    document = json.loads(outcome.stdout)

    assert finding_keys(document) == ["SUPPRESSION-UNUSED:14"]
    assert document["findings"][0]["severity"] == "info"
    # Info does not reach the default failing severity, warning.
    assert outcome.exit_code == 0


def test_cli_unused_can_be_ignored(cli, tmp_path):
    text = CLEAN_NGINX.replace(
        "            proxy_read_timeout 3600s;\n",
        "            proxy_read_timeout 3600s; # stiglint: ignore=TIMEOUT-STREAM-CUT\n",
    )
    write(tmp_path / "nginx.conf", text)

    document = lint_json(cli, "--ignore", "SUPPRESSION-UNUSED", "nginx.conf")

    assert finding_keys(document) == []


def test_cli_suppression_in_included_file(cli, tmp_path):
    write(tmp_path / "nginx.conf", CLEAN_NGINX.replace(
        "            proxy_read_timeout 3600s;\n", "            include timeouts.conf;\n"
    ))
    write(tmp_path / "timeouts.conf", """\
        # stiglint: ignore=TIMEOUT-STREAM-CUT
        proxy_read_timeout 20s;
    """)

    document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []


NGINX_BLOCK = """\
events {}
http {
    server {
        listen 80;
        # stiglint: ignore=TIMEOUT-STREAM-CUT,BODY-SIZE-LIMIT
        location /stigman/ {
            proxy_pass http://stigman:54000/;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_read_timeout 20s;
            client_max_body_size 1m;
        }
    }
}
"""


def test_cli_nginx_block_suppression(cli, tmp_path):
    write(tmp_path / "nginx.conf", NGINX_BLOCK)

    document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == []


def test_cli_nginx_block_suppression_stops_at_end(cli, tmp_path):
    # The suppression covers the location's first line even without block ranges,
    # and nothing after the location.
    write(tmp_path / "nginx.conf", NGINX_BLOCK.replace(
        "        # stiglint: ignore=TIMEOUT-STREAM-CUT,BODY-SIZE-LIMIT\n", ""
    ).replace(
        "        location /stigman/ {\n",
        "        location /stigman/ { # stiglint: ignore=TIMEOUT-STREAM-CUT\n",
    ))

    document = lint_json(cli, "nginx.conf")

    assert finding_keys(document) == [
        "SUPPRESSION-UNUSED:5",
        "TIMEOUT-STREAM-CUT:14",
        "BODY-SIZE-LIMIT:15",
    ]


def test_comment_start_ignores_quotes_and_words():
    from stiglint.suppress import comment_start

    assert comment_start('add_header X "# stiglint: ignore=A";') is None
    assert comment_start("add_header X '#a' ; # real") == 20
    assert comment_start("set $a b#c;") is None
    assert comment_start("# whole line") == 0
    assert comment_start('add_header X "a\\"#b"; # after') == 22


def test_suppression_text_inside_quotes_is_not_honoured(tmp_path):
    from stiglint.findings import Report, Finding, Place, Severity
    from stiglint.suppress import apply

    path = tmp_path / "nginx.conf"
    path.write_text('http {\n  add_header X "# stiglint: ignore-file=BODY-SIZE-LIMIT";\n}\n')
    finding = Finding("BODY-SIZE-LIMIT", Severity.ERROR, Place(str(path), 2), "m")
    report = Report("nginx", files=[str(path)], findings=[finding])
    apply(report)
    assert [f.rule for f in report.findings] == ["BODY-SIZE-LIMIT"]


def test_misspelled_stiglint_comment_is_reported(tmp_path):
    from stiglint.findings import Report
    from stiglint.suppress import apply

    path = tmp_path / "nginx.conf"
    path.write_text(
        "# stiglint: ignor=WEBSOCKET-UPGRADE\n# stiglint: nginx-version=1.30.0\nhttp {}\n"
    )
    report = Report("nginx", files=[str(path)])
    apply(report)
    assert [(f.rule, f.place.line) for f in report.findings] == [("SUPPRESSION-UNUSED", 1)]
    assert "unknown stiglint comment 'ignor'" in report.findings[0].message
