"""Engines, connection settings, and errors that tell people the database is unreachable."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dbtesting import postgres_base_url, sqlite_url
from sqlalchemy import text
from sqlalchemy.engine import make_url

from briefings.ports import StoreUnavailable
from storage import (
    SchemaState,
    SqlStore,
    create_engine,
    create_sessionmaker,
    describe_url,
    ensure_sqlite_directory,
    schema_status,
    upgrade,
)
from storage.migrate import MIGRATIONS_DIRECTORY

CLOSED_PORT_URL = "postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/briefbot"
AT = datetime(2025, 3, 1, tzinfo=UTC)


async def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "tuned.db"))
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        await engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}


def test_describe_url_hides_the_password() -> None:
    described = describe_url(CLOSED_PORT_URL)
    assert "s3cret" not in described
    assert "127.0.0.1:1" in described
    assert describe_url("not a url") == "<invalid database URL>"


def test_ensure_sqlite_directory_creates_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "briefbot.db"
    ensure_sqlite_directory(sqlite_url(target))
    assert target.parent.is_dir()
    ensure_sqlite_directory("sqlite+aiosqlite://")  # in memory: nothing to do
    ensure_sqlite_directory("postgresql+asyncpg://postgres@127.0.0.1/x")  # not a file


async def test_upgrade_creates_the_sqlite_folder(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "new" / "folder" / "briefbot.db")
    assert (await schema_status(url)).state is SchemaState.EMPTY
    assert not (tmp_path / "new").exists()  # looking did not create anything
    await upgrade(url)
    assert (await schema_status(url)).state is SchemaState.UP_TO_DATE


async def test_in_memory_sqlite_shares_one_database(tmp_path: Path) -> None:
    url = "sqlite+aiosqlite://"
    engine = create_engine(url)
    try:
        await upgrade(url, engine=engine)
        store = SqlStore(engine)
        await store.record("mod", "note", None, "hello", AT)
        assert [entry.detail for entry in await store.audit_entries()] == ["hello"]
        sessions = create_sessionmaker(engine)
        async with sessions() as session:
            assert (await session.execute(text("SELECT count(*) FROM audit_log"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_closed_postgres_port_is_store_unavailable() -> None:
    engine = create_engine(CLOSED_PORT_URL)
    store = SqlStore(engine)
    try:
        with pytest.raises(StoreUnavailable) as refused:
            await store.count_articles()
        assert str(refused.value) == "Cannot reach PostgreSQL at 127.0.0.1:1: connection refused."
        with pytest.raises(StoreUnavailable, match="connection refused"):
            await store.record("mod", "note", None, "x", AT)
    finally:
        await engine.dispose()
    with pytest.raises(StoreUnavailable, match="connection refused"):
        await upgrade(CLOSED_PORT_URL)
    with pytest.raises(StoreUnavailable, match="connection refused"):
        await schema_status(CLOSED_PORT_URL)


async def test_missing_postgres_database_is_store_unavailable() -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip("set BRIEFBOT_TEST_DATABASE_URL to run on PostgreSQL")
    url = make_url(base).set(database="briefbot_no_such_database").render_as_string(hide_password=False)
    with pytest.raises(StoreUnavailable, match="no database 'briefbot_no_such_database'"):
        await schema_status(url)


async def test_locked_sqlite_is_store_unavailable_and_reads_still_work(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    url = sqlite_url(path)
    await upgrade(url)
    engine = create_engine(url, sqlite_busy_timeout=0.2)
    store = SqlStore(engine)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(StoreUnavailable) as locked:
            await store.record("mod", "note", None, "blocked", AT)
        assert "is locked by another process; try again in a moment." in str(locked.value)
        assert str(path) in str(locked.value)
        assert await store.count_articles() == 0  # WAL: readers are not blocked by the writer
        other.execute("ROLLBACK")
        await store.record("mod", "note", None, "after", AT)
        assert [entry.detail for entry in await store.audit_entries()] == ["after"]
    finally:
        other.close()
        await engine.dispose()


async def test_sqlite_in_a_missing_folder_is_store_unavailable(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "missing" / "briefbot.db"))
    try:
        with pytest.raises(StoreUnavailable, match="Cannot open the SQLite database"):
            await SqlStore(engine).count_stories()
    finally:
        await engine.dispose()


def test_alembic_command_line_uses_the_packaged_scripts(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    ini = MIGRATIONS_DIRECTORY.parent / "alembic.ini"
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "-x", f"url={sqlite_url(database)}", "upgrade", "head"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master")}
    assert {"stories", "sentences_fts", "alembic_version"} <= tables
