"""Database engines for Briefbot: SQLite (aiosqlite) and PostgreSQL (asyncpg).

Nothing here runs at import. :func:`create_engine` builds an async engine and, on
SQLite, tunes every new connection (WAL, busy timeout, foreign keys). It also takes
over SQLite's transaction start so that write transactions can take the write lock
up front (``BEGIN IMMEDIATE``), which makes concurrent writers wait for the busy
timeout instead of failing at once when a read turns into a write.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import StaticPool

#: Execution option asking for a write transaction (``BEGIN IMMEDIATE`` on SQLite).
WRITE_OPTION = "briefbot_write"

DEFAULT_SQLITE_BUSY_TIMEOUT = 5.0


def is_sqlite(url: str | URL) -> bool:
    """Whether ``url`` names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def _is_memory_sqlite(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def describe_url(url: str | URL) -> str:
    """The URL for messages and logs: the password is hidden."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparseable URL is shown as "<invalid URL>" rather than leaking it
        return "<invalid database URL>"
    return parsed.render_as_string(hide_password=True)


def describe_location(url: str | URL) -> str:
    """A short human name for where the database lives: a file path or ``host:port``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    host = parsed.host or "localhost"
    port = parsed.port or 5432
    return f"{host}:{port}"


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or _is_memory_sqlite(parsed):
        return None
    database = parsed.database or ""
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database)


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the parent directories of a SQLite database file; other URLs are left alone."""
    path = sqlite_path(url)
    if path is not None:
        path.expanduser().parent.mkdir(parents=True, exist_ok=True)


def create_engine(
    url: str | URL,
    *,
    sqlite_busy_timeout: float = DEFAULT_SQLITE_BUSY_TIMEOUT,
    echo: bool = False,
    **engine_options: object,
) -> AsyncEngine:
    """Build the async engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``).

    SQLite connections get ``journal_mode=WAL``, ``synchronous=NORMAL``,
    ``foreign_keys=ON`` and a busy timeout of ``sqlite_busy_timeout`` seconds.
    The directory of a SQLite file is not created here: call
    :func:`ensure_sqlite_directory` first.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed, sqlite_busy_timeout, echo, engine_options)
    options: dict[str, object] = {"pool_pre_ping": True}
    options.update(engine_options)
    return _create_async_engine(parsed, echo=echo, **options)


def _create_sqlite_engine(url: URL, busy_timeout: float, echo: bool, engine_options: dict[str, object]) -> AsyncEngine:
    options: dict[str, object] = {}
    if _is_memory_sqlite(url):
        # Every connection to ":memory:" is a new empty database; share one connection.
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    options.update(engine_options)
    engine = _create_async_engine(url, echo=echo, **options)
    busy_ms = max(0, int(busy_timeout * 1000))

    path = sqlite_path(url)
    if path is not None:

        @event.listens_for(engine.sync_engine, "do_connect")
        def _check_folder(_dialect, _record, _cargs, _cparams) -> None:  # type: ignore[no-untyped-def]
            # Fail before the driver starts its worker thread: aiosqlite leaves that thread
            # behind when the file cannot be opened.
            if not path.expanduser().parent.is_dir():
                raise sqlite3.OperationalError("unable to open database file")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let us emit BEGIN ourselves (see _on_begin); the driver's own implicit BEGIN
        # cannot be made IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (nothing loads lazily in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)
