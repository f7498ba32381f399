"""Shared test set-up: puts tests/ on the path (for fakes and local servers) and finds the corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from corpus import corpus_dir  # noqa: E402
from hypothesis import settings  # noqa: E402

# CI runs the property tests on the same examples every time (a red build then means a change
# broke something, not that the random search found an old bug); locally they search afresh.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared evaluation corpus (../shared/corpus beside the project)."""
    return corpus_dir()


@pytest.fixture(scope="session")
def seed_paths(corpus: Path) -> list[Path]:
    return sorted((corpus / "seeds").glob("*.txt"))


@pytest.fixture
def pg_url() -> str | None:
    """The PostgreSQL URL for tests, when BRIEFBOT_TEST_DATABASE_URL is set."""
    return os.environ.get("BRIEFBOT_TEST_DATABASE_URL") or None
