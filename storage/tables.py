"""SQLModel tables. They stay inside :mod:`storage`; :mod:`storage.sql` converts them to the
domain dataclasses of :mod:`briefings.models`.

The schema itself is created by the Alembic migrations in ``storage/migrations``; these
classes must describe the same tables (a test compares them). The search index parts that
only one backend has (SQLite FTS5 tables and their triggers, PostgreSQL ``tsvector``
columns) live only in the migrations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as a timezone-aware UTC datetime.

    SQLite keeps no time zone, so values are normalised to UTC before they are written
    and tagged as UTC when read. A naive value handed in is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # Stored as text; a fixed naive-UTC form keeps string comparisons in order.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StoryRow(SQLModel, table=True):
    """A briefing: one story told by one or more outlets."""

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_status_updated_at", "status", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    headline: str = Field(sa_type=Text)
    summary: str = Field(sa_type=Text)
    status: str = Field(max_length=16)
    topics: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ArticleRow(SQLModel, table=True):
    """One outlet's report of a story."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("content_hash", name="uq_articles_content_hash"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_type=Text)
    url: str | None = Field(default=None, sa_type=Text, index=True)
    title: str | None = Field(default=None, sa_type=Text)
    text: str = Field(sa_type=Text)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    content_hash: str = Field(sa_type=Text)
    external_id: str | None = Field(default=None, sa_type=Text, index=True)
    story_id: int = Field(foreign_key="stories.id", ondelete="CASCADE", index=True)
    added_at: datetime = Field(sa_type=UTCDateTime)
    added_by: str = Field(sa_type=Text)


class StoryKeyRow(SQLModel, table=True):
    """A grouping key of a story: the posting list that finds candidate stories."""

    __tablename__ = "story_keys"
    __table_args__ = (Index("ix_story_keys_key_story_id", "key", "story_id"),)

    story_id: int = Field(foreign_key="stories.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(sa_type=Text, primary_key=True)


class SentenceRow(SQLModel, table=True):
    """One sentence of an article; ``index_terms`` feeds the full-text index."""

    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "position", name="uq_sentences_article_position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", ondelete="CASCADE")
    position: int
    text: str = Field(sa_type=Text)
    index_terms: str = Field(sa_type=Text)


class FactRow(SQLModel, table=True):
    """A (subject, relation, object) statement with its evidence sentence."""

    __tablename__ = "facts"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="stories.id", ondelete="CASCADE", index=True)
    subject: str = Field(sa_type=Text)
    relation: str = Field(sa_type=Text)
    object: str = Field(sa_type=Text)
    evidence: str = Field(sa_type=Text)
    # subject and object normalised by briefings.text.index_terms, for the fact index
    terms: str = Field(sa_type=Text)
    article_id: int | None = Field(default=None, foreign_key="articles.id", ondelete="SET NULL", index=True)
    added_by: str = Field(sa_type=Text)
    added_at: datetime = Field(sa_type=UTCDateTime)
    superseded_by: int | None = Field(default=None, foreign_key="facts.id", ondelete="SET NULL")


class SubscriptionRow(SQLModel, table=True):
    """A chat that wants a digest. ``thread_id`` is '' when there is no thread, so that the
    unique constraint also holds for chats without threads (NULLs never collide)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "thread_id", name="uq_subscriptions_chat"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    chat_id: str = Field(sa_type=Text)
    thread_id: str = Field(default="", sa_type=Text)
    subscriber_id: str = Field(sa_type=Text)
    local_time: str = Field(max_length=5)  # "HH:MM"
    timezone: str = Field(sa_type=Text)
    days: str = Field(max_length=16)
    topics: list[str] = Field(default_factory=list, sa_type=JSON)
    send_empty: bool = False
    status: str = Field(max_length=16)
    paused_reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_digest_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeliveryRow(SQLModel, table=True):
    """One row of the durable outbox: a digest for one subscription and one period."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        # Migration 0003: the outbox's bounded queries ("already sent", due rows, /stats today).
        Index("ix_deliveries_status_period_end", "status", "period_end"),
        Index("ix_deliveries_status_next_attempt_at_due_at", "status", "next_attempt_at", "due_at"),
        Index("ix_deliveries_due_at", "due_at"),
        Index("ix_deliveries_sent_at", "sent_at"),
        UniqueConstraint("idempotency_key", name="uq_deliveries_idempotency_key"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscriptions.id", ondelete="CASCADE", index=True)
    idempotency_key: str = Field(sa_type=Text)
    period_start: datetime | None = Field(default=None, sa_type=UTCDateTime)
    period_end: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    story_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditRow(SQLModel, table=True):
    """A moderator action, kept for accountability."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(sa_type=Text)
    action: str = Field(sa_type=Text)
    target: str | None = Field(default=None, sa_type=Text)
    detail: str = Field(sa_type=Text)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


metadata = SQLModel.metadata

# The feed tables live in storage.feeds; importing it here puts them in the same metadata.
from storage import feeds as _feeds  # noqa: E402,F401
