"""HAProxy itself agrees with stiglint about the samples and rule page examples.

Each configuration goes through `haproxy -c` (check only, nothing listens), with
certificate paths pointed at a throw-away self-signed certificate. The tests are
skipped where haproxy or openssl is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = shutil.which("haproxy")
OPENSSL = shutil.which("openssl")
_FENCE = re.compile(r"^```haproxy (fail|pass)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_CERTIFICATE_PATHS = ("/etc/haproxy/site.pem", "/etc/haproxy/dod-cas.pem")

pytestmark = pytest.mark.skipif(
    HAPROXY is None or OPENSSL is None, reason="haproxy and openssl are needed"
)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    bundle = directory / "site.pem"
    bundle.write_text(cert.read_text() + key.read_text())
    return bundle


def _check(text: str, certificate: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    for placeholder in _CERTIFICATE_PATHS:
        text = text.replace(placeholder, str(certificate))
    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    return subprocess.run(
        [HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )


def _examples():
    for page in sorted((ROOT / "rules").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        if "\n## HAProxy\n" not in text:
            continue
        section = text.split("\n## HAProxy\n", 1)[1]
        for index, match in enumerate(_FENCE.finditer(section)):
            yield pytest.param(
                page.stem, match.group(1), match.group(2), id=f"{page.stem}-{index}"
            )


@pytest.mark.parametrize(("rule", "verdict", "config"), list(_examples()))
def test_example_accepted_by_haproxy(rule, verdict, config, certificate, tmp_path):
    result = _check(config, certificate, tmp_path)
    output = result.stdout + result.stderr
    if rule == "INPUT-ERROR" and verdict == "fail":
        assert result.returncode != 0
        return
    assert result.returncode == 0, output
    # Only the example about missing timeouts may draw HAProxy's warning.
    assert ("missing timeouts" in output) is (
        rule == "TIMEOUT-MISSING" and verdict == "fail"
    )


@pytest.mark.parametrize(
    "sample", sorted((ROOT / "samples" / "haproxy").glob("*.cfg")), ids=lambda p: p.name
)
def test_sample_accepted_by_haproxy(sample, certificate, tmp_path):
    result = _check(sample.read_text(), certificate, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output


MALFORMED = {
    "unterminated-quote": 'global\n    log "stdout local0\n',
    "keyword-outside-section": "maxconn 10\n",
    "endif-without-if": "global\n.endif\n",
    "if-without-endif": "global\n.if 1\n",
    "elif-after-else": "global\n.if 0\n.else\n.elif 1\n.endif\n",
    "unknown-defaults": "defaults\n    mode http\nbackend be from nowhere\n",
    "duplicate-backend": "backend be\nbackend be\n",
    "unknown-backend": "frontend fe\n    mode http\n    bind :80\n    default_backend nowhere\n",
    "proxy-without-name": "frontend\n",
}


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_rejected_by_both(text, tmp_path):
    from stiglint import haproxy
    from stiglint.settings import Settings

    path = tmp_path / "haproxy.cfg"
    path.write_text(text)
    assert haproxy.lint(str(path), Settings()).errors != []
    result = subprocess.run(
        [HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0, result.stdout + result.stderr
