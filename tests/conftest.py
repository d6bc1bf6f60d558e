import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# CI and developers have the shared corpus of real configurations beside the
# repository; STIGLINT_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("STIGLINT_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"corpus of real configurations not found at {CORPUS}")
    return CORPUS
