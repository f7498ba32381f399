"""Schema migrations from Python: apply them, or tell whether the database needs them.

The Alembic scripts ship inside the package (``storage/migrations``), so this works from
an installed wheel as well as from a checkout; no ``alembic.ini`` in the working
directory is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import (
    WRITE_OPTION,
    create_engine,
    describe_url,
    ensure_sqlite_directory,
    sqlite_path,
)
from storage.errors import translate_errors

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent / "migrations"

# Tables that mean "this database already holds Briefbot data" even without alembic_version.
_OUR_TABLES = frozenset({"stories", "articles", "sentences", "facts", "subscriptions", "deliveries"})


class SchemaState(StrEnum):
    """How the database's schema compares with the migrations this code carries."""

    UP_TO_DATE = "up_to_date"
    NEEDS_UPGRADE = "needs_upgrade"
    AHEAD_OR_UNKNOWN = "ahead_or_unknown"
    EMPTY = "empty"


@dataclass(frozen=True)
class SchemaStatus:
    """The database's revision, the newest one known to this code, and what that means."""

    state: SchemaState
    current: tuple[str, ...]
    head: str
    message: str

    @property
    def up_to_date(self) -> bool:
        return self.state is SchemaState.UP_TO_DATE


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no head revision"
    return head


async def upgrade(url: str, *, engine: AsyncEngine | None = None) -> None:
    """Apply every migration that ``url``'s database lacks (creating a SQLite file if needed).

    Pass ``engine`` to reuse one; otherwise a short-lived engine is made and disposed of.
    """
    ensure_sqlite_directory(url)
    own_engine = engine is None
    engine = engine or create_engine(url)
    try:
        with translate_errors(url):
            async with engine.connect() as connection:
                connection = await connection.execution_options(**{WRITE_OPTION: True})
                await connection.run_sync(_upgrade_sync)
                await connection.commit()
    finally:
        if own_engine:
            await engine.dispose()


def _upgrade_sync(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def schema_status(url: str, *, engine: AsyncEngine | None = None) -> SchemaStatus:
    """Compare the database's revision with the packaged migrations' head, without changing it."""
    path = sqlite_path(url)
    if engine is None and path is not None and not path.expanduser().exists():
        # Looking must not create the file; a missing file is simply an empty database.
        return _status(url, (), frozenset())
    own_engine = engine is None
    engine = engine or create_engine(url)
    try:
        with translate_errors(url):
            async with engine.connect() as connection:
                current, tables = await connection.run_sync(_current_revisions)
    finally:
        if own_engine:
            await engine.dispose()
    return _status(url, current, tables)


def _current_revisions(connection: Connection) -> tuple[tuple[str, ...], frozenset[str]]:
    heads = MigrationContext.configure(connection).get_current_heads()
    tables = frozenset(inspect(connection).get_table_names())
    return tuple(heads), tables


def _status(url: str, current: tuple[str, ...], tables: frozenset[str]) -> SchemaStatus:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head() or ""
    where = describe_url(url)
    if not current:
        if tables & _OUR_TABLES:
            return SchemaStatus(
                SchemaState.AHEAD_OR_UNKNOWN,
                current,
                head,
                f"The database at {where} has Briefbot tables but no migration record; "
                "it was not made by `briefbot` migrations. Use a fresh database.",
            )
        return SchemaStatus(
            SchemaState.EMPTY,
            current,
            head,
            f"The database at {where} is empty; the schema will be created by upgrading to {head}.",
        )
    if current == (head,):
        return SchemaStatus(SchemaState.UP_TO_DATE, current, head, f"The database at {where} is up to date ({head}).")
    known = True
    for revision in current:
        try:
            known = known and script.get_revision(revision) is not None
        except Exception:  # alembic raises for revisions it has never heard of
            known = False
    if not known or len(current) > 1:
        return SchemaStatus(
            SchemaState.AHEAD_OR_UNKNOWN,
            current,
            head,
            f"The database at {where} is at revision {', '.join(current)}, which this version of "
            f"Briefbot does not know (newest known: {head}). It was probably upgraded by a newer "
            "Briefbot; run that version, or restore a backup.",
        )
    return SchemaStatus(
        SchemaState.NEEDS_UPGRADE,
        current,
        head,
        f"The database at {where} is at revision {current[0]} and needs upgrading to {head}.",
    )
