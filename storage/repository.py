"""What every SQL repository shares: its engine and its read and write transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import StaticPool

from storage.engine import WRITE_OPTION
from storage.errors import translate_errors


class SqlRepository:
    """A repository on one engine (the caller's: it is not disposed of here).

    Database errors that mean "unreachable or locked" leave both helpers as
    :class:`briefings.ports.StoreUnavailable`.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._url = engine.url
        self._dialect = engine.dialect.name
        # The connection of the snapshot the current task is in, if any (see snapshot()).
        self._pinned: ContextVar[AsyncConnection | None] = ContextVar(f"snapshot-{id(self)}", default=None)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """Reads made inside share one connection and one read transaction.

        A question makes a dozen small reads. On their own connections each pays a checkout, a
        BEGIN and a ROLLBACK (on SQLite, each a hop to the driver's thread); in a snapshot it
        pays them once. On SQLite every read then sees the same state of the database; on
        PostgreSQL (read committed) each statement sees what was committed when it ran. Writes
        keep their own connections. Reads of one snapshot must not run concurrently (no gather
        inside), and the connection is held for the whole snapshot, so keep it to one question.
        """
        if self._pinned.get() is not None or isinstance(self._engine.pool, StaticPool):
            # Already in one (the outer snapshot holds the connection); or an in-memory database,
            # whose one shared connection a write from another task must not find mid-read.
            yield
            return
        with translate_errors(self._url):
            async with self._engine.connect() as connection:
                token = self._pinned.set(connection)
                try:
                    yield
                finally:
                    self._pinned.reset(token)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        pinned = self._pinned.get()
        with translate_errors(self._url):
            if pinned is not None:
                yield pinned
                return
            async with self._engine.connect() as connection:
                yield connection

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        with translate_errors(self._url):
            async with self._engine.connect() as connection:
                # BEGIN IMMEDIATE on SQLite: take the write lock first, so that a busy
                # database makes us wait (busy timeout) instead of failing mid-transaction.
                connection = await connection.execution_options(**{WRITE_OPTION: True})
                async with connection.begin():
                    yield connection
