"""Fixtures for the outbox and scheduler tests: a migrated SqlStore on SQLite (and on a
fresh PostgreSQL database when BRIEFBOT_TEST_DATABASE_URL is set), and the in-memory fake."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from delivery_helpers import Clock, utc  # noqa: E402
from fakes import FakeStore  # noqa: E402

from storage import SqlStore, create_engine, upgrade  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2025, 3, 1, 6, 0))


@pytest.fixture
async def sql_store(database_url: str, clock: Clock) -> AsyncIterator[SqlStore]:
    """A migrated SqlStore on each backend (SQLite always; PostgreSQL when configured)."""
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        yield SqlStore(engine, clock=clock)
    finally:
        await engine.dispose()


@pytest.fixture
def fake_store(clock: Clock) -> FakeStore:
    return FakeStore(clock=clock)
