"""Alembic environment for Briefbot.

Used two ways: :func:`storage.migrate.upgrade` hands in an open connection through
``config.attributes["connection"]``; running ``alembic -c storage/alembic.ini`` by hand
takes the URL from ``-x url=...``, ``sqlalchemy.url`` or ``BRIEFBOT_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.tables import metadata

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("BRIEFBOT_DATABASE_URL")
    if not url:
        raise SystemExit(
            "No database URL: pass -x url=sqlite+aiosqlite:///path/to/briefbot.db or set BRIEFBOT_DATABASE_URL."
        )
    return url


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    from storage.engine import WRITE_OPTION, create_engine, ensure_sqlite_directory

    url = _url()
    ensure_sqlite_directory(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(**{WRITE_OPTION: True})
            await connection.run_sync(_configure_and_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
    else:
        asyncio.run(_run_with_own_engine())


if context.is_offline_mode():
    run_offline()
else:
    run_online()
