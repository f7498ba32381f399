"""Feeds and the feed entries already seen: SQLModel tables and :class:`SqlFeedStore`.

Implements :class:`briefings.ports.FeedStore` on SQLite and PostgreSQL. ``(feed_id, guid)`` is
unique, so an entry is remembered once; lookups by canonical link and by content hash have
their own indexes, so that a feed rewriting its GUIDs is still recognised cheaply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, Row, Text, UniqueConstraint, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Column, Field, SQLModel

from briefings.models import Feed, FeedItem, FeedItemOutcome, FeedStatus
from briefings.ports import DuplicateFeed, NotFound
from storage.repository import SqlRepository
from storage.tables import UTCDateTime

# Long keys are cut so that they fit a b-tree index on every backend; real GUIDs and links
# are far shorter, and a cut key still identifies its entry.
MAX_KEY_CHARS = 1000
_MAX_ID = 2**31 - 1


class FeedRow(SQLModel, table=True):
    """A feed the bot polls."""

    __tablename__ = "feeds"
    __table_args__ = (
        UniqueConstraint("canonical_url", name="uq_feeds_canonical_url"),
        Index("ix_feeds_status_next_poll_at", "status", "next_poll_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_type=Text)
    canonical_url: str = Field(sa_type=Text)
    title: str | None = Field(default=None, sa_type=Text)
    topics: list[str] = Field(default_factory=list, sa_type=JSON)
    trusted: bool = False
    include_keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    exclude_keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    interval_minutes: int = 15
    status: str = Field(max_length=16)
    etag: str | None = Field(default=None, sa_type=Text)
    last_modified: str | None = Field(default=None, sa_type=Text)
    failures: int = 0
    next_poll_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    last_polled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str | None = Field(default=None, sa_type=Text)
    added_by: str = Field(sa_type=Text)
    added_at: datetime = Field(sa_type=UTCDateTime)


class FeedItemRow(SQLModel, table=True):
    """A feed entry already seen, and what became of it."""

    __tablename__ = "feed_items"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid", name="uq_feed_items_feed_id_guid"),
        Index("ix_feed_items_feed_id_link", "feed_id", "link"),
        Index("ix_feed_items_feed_id_content_hash", "feed_id", "content_hash"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(sa_column=Column(Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False))
    guid: str | None = Field(default=None, sa_type=Text)
    link: str | None = Field(default=None, sa_type=Text)
    content_hash: str = Field(sa_type=Text)
    outcome: str = Field(max_length=16)
    detail: str = Field(default="", sa_type=Text)
    article_id: int | None = Field(default=None)
    seen_at: datetime = Field(sa_type=UTCDateTime)


_feeds = FeedRow.__table__
_items = FeedItemRow.__table__


def _feed_id(value: str) -> int | None:
    text = str(value).strip()
    if not text.isdigit() or int(text) > _MAX_ID:
        return None
    return int(text)


def _key(value: str | None) -> str | None:
    return value[:MAX_KEY_CHARS] if value else None


def _feed(row: Row[Any]) -> Feed:
    m = row._mapping
    return Feed(
        id=str(m["id"]), url=m["url"], canonical_url=m["canonical_url"], title=m["title"],
        topics=tuple(m["topics"] or ()), trusted=bool(m["trusted"]),
        include_keywords=tuple(m["include_keywords"] or ()), exclude_keywords=tuple(m["exclude_keywords"] or ()),
        interval_minutes=m["interval_minutes"], status=FeedStatus(m["status"]), added_by=m["added_by"],
        added_at=m["added_at"], etag=m["etag"], last_modified=m["last_modified"], failures=m["failures"],
        next_poll_at=m["next_poll_at"], last_error=m["last_error"], last_polled_at=m["last_polled_at"],
        last_result=m["last_result"],
    )


def _item(row: Row[Any]) -> FeedItem:
    m = row._mapping
    return FeedItem(
        feed_id=str(m["feed_id"]), guid=m["guid"], link=m["link"], content_hash=m["content_hash"],
        outcome=FeedItemOutcome(m["outcome"]), seen_at=m["seen_at"],
        article_id=str(m["article_id"]) if m["article_id"] is not None else None, detail=m["detail"] or "",
    )


def _mutable_values(feed: Feed) -> dict[str, Any]:
    return {
        "url": feed.url, "canonical_url": feed.canonical_url, "title": feed.title, "topics": list(feed.topics),
        "trusted": feed.trusted, "include_keywords": list(feed.include_keywords),
        "exclude_keywords": list(feed.exclude_keywords), "interval_minutes": feed.interval_minutes,
        "status": feed.status.value, "etag": feed.etag, "last_modified": feed.last_modified,
        "failures": feed.failures, "next_poll_at": feed.next_poll_at, "last_error": feed.last_error,
        "last_polled_at": feed.last_polled_at, "last_result": feed.last_result,
    }


class SqlFeedStore(SqlRepository):
    """:class:`briefings.ports.FeedStore` on SQLite or PostgreSQL (the engine is the caller's)."""

    async def add_feed(self, feed: Feed) -> Feed:
        values = _mutable_values(feed) | {"added_by": feed.added_by, "added_at": feed.added_at}
        try:
            async with self._write() as connection:
                existing = (await connection.execute(
                    select(_feeds.c.id).where(_feeds.c.canonical_url == feed.canonical_url))).first()
                if existing is not None:
                    raise DuplicateFeed(str(existing[0]))
                result = await connection.execute(_feeds.insert().values(**values).returning(*_feeds.c))
                return _feed(result.one())
        except IntegrityError:
            # Another writer added the same feed between our check and insert.
            async with self._read() as connection:
                row = (await connection.execute(
                    select(_feeds.c.id).where(_feeds.c.canonical_url == feed.canonical_url))).first()
            if row is None:
                raise
            raise DuplicateFeed(str(row[0])) from None

    async def feed(self, feed_id: str) -> Feed:
        key = _feed_id(feed_id)
        if key is not None:
            async with self._read() as connection:
                row = (await connection.execute(select(_feeds).where(_feeds.c.id == key))).first()
            if row is not None:
                return _feed(row)
        raise NotFound(f"no feed #{feed_id}")

    async def feed_by_url(self, canonical_url: str) -> Feed | None:
        async with self._read() as connection:
            row = (await connection.execute(select(_feeds).where(_feeds.c.canonical_url == canonical_url))).first()
        return _feed(row) if row is not None else None

    async def feeds(self) -> list[Feed]:
        async with self._read() as connection:
            rows = (await connection.execute(select(_feeds).order_by(_feeds.c.id))).all()
        return [_feed(row) for row in rows]

    async def due_feeds(self, now: datetime, limit: int = 50) -> list[Feed]:
        query = (
            select(_feeds)
            .where(_feeds.c.status == FeedStatus.ACTIVE.value)
            .where((_feeds.c.next_poll_at.is_(None)) | (_feeds.c.next_poll_at <= now))
            .order_by(_feeds.c.next_poll_at.is_not(None), _feeds.c.next_poll_at, _feeds.c.id)
            .limit(limit)
        )
        async with self._read() as connection:
            rows = (await connection.execute(query)).all()
        return [_feed(row) for row in rows]

    async def update_feed(self, feed: Feed) -> Feed:
        key = _feed_id(feed.id)
        if key is not None:
            async with self._write() as connection:
                result = await connection.execute(
                    update(_feeds).where(_feeds.c.id == key).values(**_mutable_values(feed)).returning(*_feeds.c)
                )
                row = result.first()
            if row is not None:
                return _feed(row)
        raise NotFound(f"no feed #{feed.id}")

    async def delete_feed(self, feed_id: str) -> bool:
        key = _feed_id(feed_id)
        if key is None:
            return False
        async with self._write() as connection:
            # Items first: SQLite enforces ON DELETE CASCADE only with its foreign_keys pragma.
            await connection.execute(delete(_items).where(_items.c.feed_id == key))
            result = await connection.execute(delete(_feeds).where(_feeds.c.id == key))
        return bool(result.rowcount)

    async def seen_feed_item(
        self, feed_id: str, guid: str | None, link: str | None, content_hash: str
    ) -> FeedItem | None:
        key = _feed_id(feed_id)
        if key is None:
            return None
        async with self._read() as connection:
            for column, value in ((_items.c.guid, _key(guid)), (_items.c.link, _key(link)),
                                  (_items.c.content_hash, content_hash)):
                if value is None:
                    continue
                row = (await connection.execute(
                    select(_items).where(_items.c.feed_id == key, column == value).order_by(_items.c.id).limit(1)
                )).first()
                if row is not None:
                    return _item(row)
        return None

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        if not items:
            return
        rows = [
            {
                "feed_id": int(item.feed_id), "guid": _key(item.guid), "link": _key(item.link),
                "content_hash": item.content_hash, "outcome": item.outcome.value, "detail": item.detail,
                "article_id": int(item.article_id) if item.article_id and item.article_id.isdigit() else None,
                "seen_at": item.seen_at,
            }
            for item in items
        ]
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        statement = insert(_items).on_conflict_do_nothing(index_elements=["feed_id", "guid"])
        async with self._write() as connection:
            await connection.execute(statement, rows)

    async def count_feed_items(self, feed_id: str) -> dict[FeedItemOutcome, int]:
        key = _feed_id(feed_id)
        if key is None:
            return {}
        async with self._read() as connection:
            rows = (await connection.execute(
                select(_items.c.outcome, func.count()).where(_items.c.feed_id == key).group_by(_items.c.outcome)
            )).all()
        return {FeedItemOutcome(outcome): count for outcome, count in rows}
