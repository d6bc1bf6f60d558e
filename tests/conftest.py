"""Shared fixtures: the corpus of real configurations and the CLI run in a directory."""

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paths import CORPUS  # noqa: E402

from cli_helpers import Outcome  # noqa: E402

from stiglint.cli import app  # noqa: E402


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(
            f"corpus of real configurations not found at {CORPUS}: place it there, "
            "or set STIGLINT_CORPUS to its directory"
        )
    return CORPUS


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `stiglint` in `tmp_path` (no configuration file above it applies)."""
    monkeypatch.chdir(tmp_path)
    # A .stiglint.toml above the temporary directory must not leak into tests.
    monkeypatch.setenv("HOME", str(tmp_path))

    def invoke(*args: str, input: str | None = None) -> Outcome:
        result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return invoke
