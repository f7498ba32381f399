"""An in-memory :class:`briefings.ports.FeedStore`, with the same rules as the SQL one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from briefings.models import Feed, FeedItem, FeedItemOutcome, FeedStatus
from briefings.ports import DuplicateFeed, NotFound


class FakeFeedStore:
    """Feeds and seen entries in dicts; (feed, GUID) is unique as in the database."""

    def __init__(self) -> None:
        self._feeds: dict[str, Feed] = {}
        self._items: list[FeedItem] = []
        self._counter = 0

    async def add_feed(self, feed: Feed) -> Feed:
        for existing in self._feeds.values():
            if existing.canonical_url == feed.canonical_url:
                raise DuplicateFeed(existing.id)
        self._counter += 1
        stored = replace(feed, id=str(self._counter))
        self._feeds[stored.id] = stored
        return stored

    async def feed(self, feed_id: str) -> Feed:
        if feed_id not in self._feeds:
            raise NotFound(f"no feed #{feed_id}")
        return self._feeds[feed_id]

    async def feed_by_url(self, canonical_url: str) -> Feed | None:
        return next((f for f in self._feeds.values() if f.canonical_url == canonical_url), None)

    async def feeds(self) -> list[Feed]:
        return sorted(self._feeds.values(), key=lambda f: int(f.id))

    async def due_feeds(self, now: datetime, limit: int = 50) -> list[Feed]:
        due = [
            f
            for f in self._feeds.values()
            if f.status is FeedStatus.ACTIVE and (f.next_poll_at is None or f.next_poll_at <= now)
        ]
        due.sort(key=lambda f: (f.next_poll_at is not None, f.next_poll_at or now))
        return due[:limit]

    async def update_feed(self, feed: Feed) -> Feed:
        old = await self.feed(feed.id)
        stored = replace(feed, added_by=old.added_by, added_at=old.added_at)
        self._feeds[feed.id] = stored
        return stored

    async def delete_feed(self, feed_id: str) -> bool:
        if self._feeds.pop(feed_id, None) is None:
            return False
        self._items = [item for item in self._items if item.feed_id != feed_id]
        return True

    async def seen_feed_item(
        self, feed_id: str, guid: str | None, link: str | None, content_hash: str
    ) -> FeedItem | None:
        mine = [item for item in self._items if item.feed_id == feed_id]
        for attribute, value in (("guid", guid), ("link", link), ("content_hash", content_hash)):
            if value is None:
                continue
            for item in mine:
                if getattr(item, attribute) == value:
                    return item
        return None

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        for item in items:
            if item.guid is not None and any(
                i.feed_id == item.feed_id and i.guid == item.guid for i in self._items
            ):
                continue
            self._items.append(item)

    async def count_feed_items(self, feed_id: str) -> dict[FeedItemOutcome, int]:
        return dict(Counter(item.outcome for item in self._items if item.feed_id == feed_id))
