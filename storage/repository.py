"""What every SQL repository shares: its engine and its read and write transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

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

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        with translate_errors(self._url):
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
