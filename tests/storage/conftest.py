"""Fixtures for storage tests: every test runs on SQLite and, when
``BRIEFBOT_TEST_DATABASE_URL`` is set, on a fresh PostgreSQL database too."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clock import ManualClock

# tests/ holds dbtesting.py; the top-level tests/conftest.py normally puts it on the path.
_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from dbtesting import POSTGRES_URL_VARIABLE, fresh_database_url, postgres_base_url  # noqa: E402

from storage import SqlStore, create_engine, upgrade  # noqa: E402

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of each backend (not migrated)."""
    if request.param == "postgresql" and postgres_base_url() is None:
        pytest.skip(f"set {POSTGRES_URL_VARIABLE} to run tests on PostgreSQL")
    async with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
async def store(store_url: str, clock: ManualClock) -> AsyncIterator[SqlStore]:
    """A migrated store on each backend; its engine is disposed of afterwards."""
    await upgrade(store_url)
    engine = create_engine(store_url)
    try:
        yield SqlStore(engine, clock=clock)
    finally:
        await engine.dispose()
