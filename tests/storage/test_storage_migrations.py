"""Migrations create the whole schema from nothing, can be re-run, and match the tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage import SchemaState, create_engine, head_revision, schema_status, upgrade
from storage.migrate import MIGRATIONS_DIRECTORY
from storage.tables import metadata

EXPECTED_TABLES = {
    "alembic_version",
    "articles",
    "audit_log",
    "deliveries",
    "facts",
    "sentences",
    "stories",
    "story_keys",
    "subscriptions",
}


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_from_empty_creates_every_table_and_is_idempotent(store_url: str) -> None:
    before = await schema_status(store_url)
    assert before.state is SchemaState.EMPTY
    assert before.head == head_revision()

    await upgrade(store_url)
    await upgrade(store_url)  # a second run finds nothing to do

    after = await schema_status(store_url)
    assert after.state is SchemaState.UP_TO_DATE
    assert after.up_to_date
    assert after.current == (head_revision(),)
    engine = create_engine(store_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names)
            assert EXPECTED_TABLES <= tables
            if engine.dialect.name == "sqlite":
                assert {"sentences_fts", "facts_fts"} <= tables
            else:
                indexes = {
                    row.indexname
                    for row in await connection.execute(
                        text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
                    )
                }
                assert {"ix_sentences_index_tsv", "ix_facts_terms_tsv"} <= indexes
    finally:
        await engine.dispose()


async def test_schema_status_flags_an_unknown_revision(store_url: str) -> None:
    await upgrade(store_url)
    engine = create_engine(store_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
        status = await schema_status(store_url, engine=engine)
        assert status.state is SchemaState.AHEAD_OR_UNKNOWN
        assert "f00dfeed" in status.message

        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE alembic_version"))
        status = await schema_status(store_url, engine=engine)
        assert status.state is SchemaState.AHEAD_OR_UNKNOWN
        assert "no migration record" in status.message
    finally:
        await engine.dispose()


def _differences(connection: Connection) -> list[object]:
    def include(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
        # Backend-specific search index objects exist only in the migration on purpose.
        if kind == "table" and name and (name.endswith("_fts") or "_fts_" in name or name == "alembic_version"):
            return False
        if kind == "column" and name in {"index_tsv", "terms_tsv"}:
            return False
        if kind == "index" and name in {"ix_sentences_index_tsv", "ix_facts_terms_tsv"}:
            return False
        return True

    context = MigrationContext.configure(connection, opts={"include_object": include, "compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_tables_describe_exactly_what_the_migrations_create(store_url: str) -> None:
    await upgrade(store_url)
    engine = create_engine(store_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


def test_migration_scripts_ship_inside_the_package() -> None:
    # The script location is a package path, so an installed wheel finds it wherever it runs.
    assert MIGRATIONS_DIRECTORY.is_dir()
    assert (MIGRATIONS_DIRECTORY / "env.py").is_file()
    assert (MIGRATIONS_DIRECTORY / "script.py.mako").is_file()
    assert any(MIGRATIONS_DIRECTORY.joinpath("versions").glob("0001_*.py"))
