"""The SQL feed store on SQLite and PostgreSQL (set BRIEFBOT_TEST_DATABASE_URL for PostgreSQL),
and the whole feed flow on it: a GUID-rewriting feed does not repost after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dbtesting import fresh_database_url
from fakes import FakeStore
from local_web import RunningSite

from bot.feeds import FeedService
from bot.web import SafeFetcher
from briefings.models import Feed, FeedItem, FeedItemOutcome, FeedStatus
from briefings.newsroom import Newsroom
from briefings.ports import DuplicateFeed, NotFound
from storage.engine import create_engine
from storage.feeds import SqlFeedStore
from storage.migrate import upgrade

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def feed_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlFeedStore]:
    try:
        manager = fresh_database_url(request.param, tmp_path)
        url = await manager.__aenter__()
    except LookupError as exc:
        pytest.skip(str(exc))
    try:
        await upgrade(url)
        engine = create_engine(url)
        try:
            yield SqlFeedStore(engine)
        finally:
            await engine.dispose()
    finally:
        await manager.__aexit__(None, None, None)


def new_feed(url: str = "https://example.com/rss", **changes: object) -> Feed:
    values: dict[str, object] = dict(
        id="", url=url, canonical_url=url, title="Example", topics=("business",), trusted=False,
        include_keywords=("oil",), exclude_keywords=("sport",), interval_minutes=15, status=FeedStatus.ACTIVE,
        added_by="telegram:42", added_at=NOW, next_poll_at=NOW,
    )
    values.update(changes)
    return Feed(**values)  # type: ignore[arg-type]


async def test_feeds_round_trip(feed_store: SqlFeedStore) -> None:
    feed = await feed_store.add_feed(new_feed())
    assert feed.id and feed.topics == ("business",) and feed.include_keywords == ("oil",)
    assert await feed_store.feed(feed.id) == feed
    assert await feed_store.feed_by_url("https://example.com/rss") == feed
    with pytest.raises(DuplicateFeed):
        await feed_store.add_feed(new_feed())
    with pytest.raises(NotFound):
        await feed_store.feed("999")
    with pytest.raises(NotFound):
        await feed_store.feed("not-a-number")
    failed = await feed_store.update_feed(Feed(**{**feed.__dict__, "failures": 2, "last_error": "503",
                                                  "next_poll_at": NOW + timedelta(hours=1), "etag": '"x"'}))
    assert failed.failures == 2 and failed.etag == '"x"' and failed.next_poll_at == NOW + timedelta(hours=1)
    other = await feed_store.add_feed(new_feed("https://example.org/atom", next_poll_at=None))
    paused = await feed_store.add_feed(new_feed("https://example.net/rss", status=FeedStatus.PAUSED))
    assert [f.id for f in await feed_store.due_feeds(NOW)] == [other.id]
    assert [f.id for f in await feed_store.due_feeds(NOW + timedelta(hours=2))] == [other.id, feed.id]
    assert [f.id for f in await feed_store.feeds()] == [feed.id, other.id, paused.id]
    assert await feed_store.delete_feed(other.id) and not await feed_store.delete_feed(other.id)


async def test_seen_items_by_guid_then_link_then_hash(feed_store: SqlFeedStore) -> None:
    feed = await feed_store.add_feed(new_feed())
    other = await feed_store.add_feed(new_feed("https://example.org/atom"))
    first = FeedItem(feed.id, "g1", "https://a/1", "h1", FeedItemOutcome.ADDED, NOW, None, "")
    second = FeedItem(feed.id, "g2", "https://a/2", "h2", FeedItemOutcome.FILTERED, NOW, None, "no keyword")
    await feed_store.add_feed_items([first, second])
    await feed_store.add_feed_items([first])  # the same GUID again: ignored
    assert (await feed_store.seen_feed_item(feed.id, "g2", "https://a/1", "h1")).guid == "g2"
    assert (await feed_store.seen_feed_item(feed.id, "new", "https://a/2", "h1")).guid == "g2"
    assert (await feed_store.seen_feed_item(feed.id, None, None, "h1")).guid == "g1"
    assert await feed_store.seen_feed_item(feed.id, "new", "https://a/3", "h3") is None
    assert await feed_store.seen_feed_item(other.id, "g1", "https://a/1", "h1") is None  # per feed
    no_guid = FeedItem(feed.id, None, "https://a/4", "h4", FeedItemOutcome.REFUSED, NOW, None, "paywall")
    await feed_store.add_feed_items([no_guid, no_guid])
    assert await feed_store.count_feed_items(feed.id) == {FeedItemOutcome.ADDED: 1, FeedItemOutcome.FILTERED: 1,
                                                          FeedItemOutcome.REFUSED: 2}
    long_guid = "x" * 5000
    await feed_store.add_feed_items([FeedItem(feed.id, long_guid, None, "h5", FeedItemOutcome.ADDED, NOW)])
    assert (await feed_store.seen_feed_item(feed.id, long_guid, None, "zz")) is not None
    assert await feed_store.delete_feed(feed.id)
    assert await feed_store.count_feed_items(feed.id) == {}


async def test_guid_rewrites_do_not_repost_across_restarts(feed_store: SqlFeedStore, news_site: RunningSite,
                                                           open_fetcher: SafeFetcher) -> None:
    news_site.site.add_items(3)
    store = FakeStore()
    newsroom = Newsroom(store)
    clock = [NOW]
    service = FeedService(feed_store, store, store, newsroom, open_fetcher, clock=lambda: clock[0])
    feed, report = await service.add(news_site.url("/feeds/rewrite.rss"), added_by="telegram:42", trusted=True)
    assert report.added == 3
    # A new service over the same database: what was seen is remembered in the tables.
    restarted = FeedService(feed_store, store, store, newsroom, open_fetcher, clock=lambda: clock[0])
    clock[0] = NOW + timedelta(minutes=20)
    [again] = await restarted.poll_due()
    assert again.added == 0 and again.already_seen == 3
    assert len(store.articles_by_id) == 3
    stored = await feed_store.feed(feed.id)
    assert stored.last_polled_at == clock[0] and stored.failures == 0
