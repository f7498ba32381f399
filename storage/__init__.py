"""Briefbot's storage: SQLModel tables, the SQL store behind :mod:`briefings.ports`,
the full-text search index and the schema migrations.

Typical start-up (in the composition root)::

    status = await schema_status(url)      # refuse or upgrade with a clear message
    await upgrade(url)
    engine = create_engine(url)
    store = SqlStore(engine)
    ...
    await engine.dispose()
"""

from storage.engine import create_engine, create_sessionmaker, describe_url, ensure_sqlite_directory
from storage.migrate import SchemaState, SchemaStatus, head_revision, schema_status, upgrade
from storage.sql import SqlStore

__all__ = [
    "SchemaState",
    "SchemaStatus",
    "SqlStore",
    "create_engine",
    "create_sessionmaker",
    "describe_url",
    "ensure_sqlite_directory",
    "head_revision",
    "schema_status",
    "upgrade",
]
