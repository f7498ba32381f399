"""The first schema: stories, articles, sentences, facts, subscriptions, outbox, audit log,
and the full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Index terms are already lower-case stems from briefings.text, so neither backend may
# stem or drop stop words again: FTS5 'unicode61' without diacritic folding, and the
# PostgreSQL 'simple' configuration, both index exactly the words they are given.
_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE sentences_fts USING fts5("
    "index_terms, content='sentences', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences BEGIN "
    "INSERT INTO sentences_fts(rowid, index_terms) VALUES (new.id, new.index_terms); END",
    "CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, index_terms) "
    "VALUES ('delete', old.id, old.index_terms); END",
    "CREATE TRIGGER sentences_fts_update AFTER UPDATE OF index_terms ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, index_terms) "
    "VALUES ('delete', old.id, old.index_terms); "
    "INSERT INTO sentences_fts(rowid, index_terms) VALUES (new.id, new.index_terms); END",
    "CREATE VIRTUAL TABLE facts_fts USING fts5("
    "terms, content='facts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN "
    "INSERT INTO facts_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN "
    "INSERT INTO facts_fts(facts_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER facts_fts_update AFTER UPDATE OF terms ON facts BEGIN "
    "INSERT INTO facts_fts(facts_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO facts_fts(rowid, terms) VALUES (new.id, new.terms); END",
]


def _when(timezone: bool = True) -> sa.DateTime:
    return sa.DateTime(timezone=timezone)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    is_pg = dialect == "postgresql"

    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("published_at", _when(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_stories_status_updated_at", "stories", ["status", "updated_at"])
    op.create_index("ix_stories_updated_at", "stories", ["updated_at"])

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", _when(), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("added_at", _when(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.UniqueConstraint("content_hash", name="uq_articles_content_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_index("ix_articles_external_id", "articles", ["external_id"])

    op.create_table(
        "story_keys",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.Text(), primary_key=True),
    )
    op.create_index("ix_story_keys_key_story_id", "story_keys", ["key", "story_id"])

    sentence_columns: list[sa.Column] = [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("index_terms", sa.Text(), nullable=False),
    ]
    if is_pg:
        sentence_columns.append(
            sa.Column(
                "index_tsv",
                postgresql.TSVECTOR(),
                sa.Computed("to_tsvector('simple'::regconfig, index_terms)", persisted=True),
            )
        )
    op.create_table(
        "sentences",
        *sentence_columns,
        sa.UniqueConstraint("article_id", "position", name="uq_sentences_article_position"),
    )

    fact_columns: list[sa.Column] = [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("story_id", sa.Integer(), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("relation", sa.Text(), nullable=False),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="SET NULL"), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", _when(), nullable=False),
        sa.Column("superseded_by", sa.Integer(), sa.ForeignKey("facts.id", ondelete="SET NULL"), nullable=True),
    ]
    if is_pg:
        fact_columns.append(
            sa.Column(
                "terms_tsv",
                postgresql.TSVECTOR(),
                sa.Computed("to_tsvector('simple'::regconfig, terms)", persisted=True),
            )
        )
    op.create_table("facts", *fact_columns, sqlite_autoincrement=True)
    op.create_index("ix_facts_story_id", "facts", ["story_id"])
    op.create_index("ix_facts_article_id", "facts", ["article_id"])

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.Text(), nullable=False),
        sa.Column("thread_id", sa.Text(), nullable=False),
        sa.Column("subscriber_id", sa.Text(), nullable=False),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("days", sa.String(16), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("send_empty", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paused_reason", sa.Text(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("last_digest_at", _when(), nullable=True),
        sa.UniqueConstraint("platform", "chat_id", "thread_id", name="uq_subscriptions_chat"),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("period_start", _when(), nullable=True),
        sa.Column("period_end", _when(), nullable=False),
        sa.Column("due_at", _when(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _when(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("story_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("sent_at", _when(), nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_deliveries_idempotency_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deliveries_subscription_id", "deliveries", ["subscription_id"])
    op.create_index("ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", _when(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    if is_pg:
        op.create_index("ix_sentences_index_tsv", "sentences", ["index_tsv"], postgresql_using="gin")
        op.create_index("ix_facts_terms_tsv", "facts", ["terms_tsv"], postgresql_using="gin")
    elif dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in (
            "sentences_fts_insert",
            "sentences_fts_delete",
            "sentences_fts_update",
            "facts_fts_insert",
            "facts_fts_delete",
            "facts_fts_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS sentences_fts")
        op.execute("DROP TABLE IF EXISTS facts_fts")
    for table in (
        "audit_log",
        "deliveries",
        "subscriptions",
        "facts",
        "sentences",
        "story_keys",
        "articles",
        "stories",
    ):
        op.drop_table(table)
