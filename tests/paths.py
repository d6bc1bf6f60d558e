"""Locations of test data outside the test modules."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# CI and developers have the shared corpus of real configurations beside the
# repository; STIGLINT_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("STIGLINT_CORPUS", REPO.parent / "shared" / "corpus"))
