"""Throw-away databases for tests, shared by every test folder.

``temporary_database(base_url)`` makes a fresh PostgreSQL database next to the one that
``base_url`` names and drops it afterwards; ``fresh_database_url`` picks SQLite or
PostgreSQL by name. Set ``BRIEFBOT_TEST_DATABASE_URL`` (for example
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) to run database tests on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

POSTGRES_URL_VARIABLE = "BRIEFBOT_TEST_DATABASE_URL"


def postgres_base_url() -> str | None:
    """The PostgreSQL URL tests may create databases next to, or ``None`` when not configured."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


def sqlite_url(path: Path) -> str:
    """An aiosqlite URL for a database file."""
    return f"sqlite+aiosqlite:///{path}"


@asynccontextmanager
async def temporary_database(base_url: str) -> AsyncIterator[str]:
    """Create an empty PostgreSQL database with a random name; yield its URL; drop it."""
    base = make_url(base_url)
    if base.get_backend_name() != "postgresql":
        raise ValueError(f"temporary_database needs a PostgreSQL URL, not {base.get_backend_name()}")
    name = f"briefbot_test_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                # FORCE ends connections a failed test may have left open (PostgreSQL 13+).
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@asynccontextmanager
async def fresh_database_url(backend: str, directory: Path) -> AsyncIterator[str]:
    """A URL of an empty database: a new SQLite file in ``directory`` or a new PostgreSQL database.

    Raises ``LookupError`` for "postgresql" when ``BRIEFBOT_TEST_DATABASE_URL`` is not set,
    so that callers can skip.
    """
    if backend == "sqlite":
        yield sqlite_url(directory / f"briefbot-{uuid.uuid4().hex[:8]}.db")
        return
    if backend != "postgresql":
        raise ValueError(f"unknown test database backend {backend!r}")
    base = postgres_base_url()
    if base is None:
        raise LookupError(f"set {POSTGRES_URL_VARIABLE} to run tests on PostgreSQL")
    async with temporary_database(base) as url:
        yield url
