"""The pre-commit hook, run through pre-commit itself.

`pre-commit try-repo` installs the hook from a temporary clone of this repository
(a copy of the work tree, uncommitted changes included, committed in a new git
repository) into a fresh virtualenv. That install fetches the build backend and
the dependencies through pip's configured package index and nothing else, so the
test needs only the package registry.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_helpers import CLEAN_NGINX, write
from paths import REPO

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
GIT = ["git", "-c", "user.name=stiglint tests", "-c", "user.email=tests@localhost",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def hook() -> dict:
    (found,) = [entry for entry in HOOKS if entry["id"] == "stiglint"]
    return found


def test_hook_declared():
    declared = hook()

    assert declared["entry"] == "stiglint check"
    assert declared["language"] == "python"
    assert declared["require_serial"] is True
    assert "files" in declared


@pytest.mark.parametrize(
    "path",
    [
        "nginx.conf",
        "etc/nginx/nginx.conf",
        "nginx/conf.d/app.conf",
        "proxy/sites-enabled/stigman",
        "apache2/sites-available/stigman.conf",
        "httpd/conf/httpd.conf",
        "httpd.conf",
        "apache2.conf",
        "deploy/haproxy/haproxy.cfg",
        "haproxy/conf.d/10-stigman.cfg",
        "conf.d/stigman.conf",
        "nginx/sites-available/stigman.example.org",
        "deploy/nginx/proxy_params",
        "nginx/templates/default.conf.template",
    ],
)
def test_files_pattern_matches(path):
    assert re.search(hook()["files"], path)


@pytest.mark.parametrize(
    "path",
    ["setup.cfg", "src/app.py", "docs/nginx.md", "nginx/mime.types", "config/app.conf.j2"],
)
def test_files_pattern_skips(path):
    assert not re.search(hook()["files"], path)


def _run(args, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """A temporary clone of this repository's work tree, committed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path_factory.mktemp("clone")
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                  cwd=REPO)
    if listed.returncode != 0:
        pytest.skip(f"{REPO} is not a git work tree: {listed.stderr.strip()}")
    for name in filter(None, listed.stdout.split("\0")):
        source = REPO / name
        if source.is_file():
            target = clone / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        result = _run([*GIT, *step], cwd=clone)
        assert result.returncode == 0, result.stderr
    return clone


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # One environment for every test in this module: installing it takes seconds.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path) -> Path:
    """A user's repository: nginx.conf includes conf.d/*.conf, where the app lives."""
    write(tmp_path / "nginx" / "nginx.conf", """\
        events {}
        http {
            proxy_read_timeout 20s;
            include conf.d/*.conf;
        }
    """)
    server = CLEAN_NGINX.split("http {\n", 1)[1].rsplit("}\n", 1)[0]
    write(tmp_path / "nginx" / "conf.d" / "app.conf",
          server.replace("            proxy_read_timeout 3600s;\n", ""))
    write(tmp_path / ".stiglint.toml", 'entry = ["nginx/nginx.conf"]\n')
    write(tmp_path / "README.md", "# proxies\n")
    result = _run([*GIT, "init", "-q"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path


def try_repo(hook_repo: Path, project: Path, home: Path, *files: str):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("STIGLINT_DEBUG", None)
    return _run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "stiglint",
         "--files", *files],
        cwd=project,
        env=env,
    )


def test_fragment_linted_in_context(hook_repo, project, pre_commit_home):
    result = try_repo(hook_repo, project, pre_commit_home, "nginx/conf.d/app.conf")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "stiglint" in result.stdout
    assert "Failed" in result.stdout
    # The timeout comes from nginx.conf, which only the entry file brings in.
    assert "nginx/nginx.conf:3: error TIMEOUT-STREAM-CUT" in result.stdout
    assert "STIG Manager: nginx/conf.d/app.conf:3 location /stigman/" in result.stdout


def test_fixed_fragment_passes(hook_repo, project, pre_commit_home):
    config = project / "nginx" / "nginx.conf"
    config.write_text(config.read_text(encoding="utf-8").replace("20s", "3600s"),
                      encoding="utf-8")

    result = try_repo(hook_repo, project, pre_commit_home, "nginx/conf.d/app.conf")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_other_files_skipped(hook_repo, project, pre_commit_home):
    result = try_repo(hook_repo, project, pre_commit_home, "README.md")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)" in result.stdout
