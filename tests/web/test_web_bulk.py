"""Bulk ingest of web addresses and OPML files (what `briefbot ingest URL… FILE.opml` runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fake_feeds import FakeFeedStore
from fakes import FakeStore
from local_web import RunningSite

from bot.bulk import REFRESH_AFTER, SourceItem, add_opml_feeds, classify_sources, ingest_items, ingest_urls
from bot.feeds import FeedService
from bot.web import SafeFetcher
from briefings.models import ArticleInput
from briefings.newsroom import Newsroom


def test_classify_sources(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text('<opml version="2.0"><body><outline text="News">'
                    '<outline text="A" xmlUrl="https://a.example/rss"/></outline></body></opml>')
    xml_opml = tmp_path / "more.xml"
    xml_opml.write_text('<?xml version="1.0"?><opml><body><outline xmlUrl="https://b.example/atom"/>'
                        '<outline xmlUrl="https://a.example/rss?utm_source=x"/></body></opml>')
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>')
    text = tmp_path / "story.txt"
    text.write_text("Some text.")
    plan = classify_sources([str(text), "https://news.example/a?utm_medium=x", "ftp://x.example/f", str(opml),
                             str(xml_opml), str(bomb), "https://news.example/a?utm_medium=x"])
    assert plan.paths == (text,)
    assert plan.urls == ("https://news.example/a?utm_medium=x",)
    assert [(f.url, f.topics) for f in plan.opml_feeds] == [("https://a.example/rss", ("news",)),
                                                           ("https://b.example/atom", ())]
    assert [item.label for item in plan.errors] == ["ftp://x.example/f", str(bomb)]


async def test_ingest_urls_counts_added_duplicate_and_refused(news_site: RunningSite,
                                                              open_fetcher: SafeFetcher) -> None:
    store = FakeStore()
    newsroom = Newsroom(store)
    ids = [record["id"] for record in news_site.site.articles[:4]]
    urls = [news_site.url(f"/article/{i}") for i in ids]
    urls += [news_site.url(f"/article/{ids[0]}?utm_source=x"),  # same canonical URL
             news_site.url(f"/redirect/1/{ids[1]}"),  # same page through a redirect
             news_site.url("/paywall"), news_site.url("/image.png"), news_site.url("/nope")]
    seen: list[str] = []
    summary = await ingest_urls(urls, fetcher=open_fetcher, newsroom=newsroom, articles=store,
                                added_by="cli:ingest", on_item=lambda item: seen.append(item.label))
    assert summary.added == 4 and summary.duplicates == 2 and summary.refused_count == 3
    reasons = " ".join(summary.refused)
    assert "too little for a briefing" in reasons and "an image" in reasons and "404" in reasons
    assert seen == urls  # progress once per address, in order


async def test_opml_feeds_are_added_and_polled(news_site: RunningSite, open_fetcher: SafeFetcher,
                                               tmp_path: Path) -> None:
    news_site.site.add_items(3)
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<opml version="2.0"><body><outline text="Business">'
                    f'<outline text="Gazette" xmlUrl="{news_site.url("/feeds/full.rss")}"/></outline>'
                    f'<outline text="Broken" xmlUrl="{news_site.url("/feeds/broken.rss")}"/></body></opml>')
    store = FakeStore()
    newsroom = Newsroom(store)
    feed_store = FakeFeedStore()
    service = FeedService(feed_store, store, store, newsroom, open_fetcher, clock=lambda: datetime.now(UTC))
    plan = classify_sources([str(opml)])
    summary = await add_opml_feeds(plan.opml_feeds, service=service, added_by="cli:ingest", trusted=True)
    assert summary.feeds_added == 1 and summary.added == 3 and summary.refused_count == 1
    assert "503" in next(iter(summary.refused))
    [feed] = await feed_store.feeds()
    assert feed.topics == ("business",) and feed.trusted
    again = await add_opml_feeds(plan.opml_feeds, service=service, added_by="cli:ingest")
    assert again.feeds_known == 1 and again.added == 0


class _CountingStore(FakeStore):
    """A store that counts how often its planner statistics were refreshed."""

    def __init__(self) -> None:
        super().__init__()
        self.refreshed = 0

    async def refresh_statistics(self) -> None:
        self.refreshed += 1


async def test_a_bulk_load_ends_by_refreshing_statistics_and_a_small_one_does_not() -> None:
    store = _CountingStore()
    newsroom = Newsroom(store)

    def items(count: int, start: int) -> list[SourceItem]:
        return [
            SourceItem(
                f"item {n}",
                ArticleInput(text=f"Report number {n}: the Varn {n} council met on Monday.", source="Test"),
            )
            for n in range(start, start + count)
        ]

    small = await ingest_items(newsroom, items(3, 0), added_by="test")
    assert small.added == 3 and store.refreshed == 0
    bulk = await ingest_items(newsroom, items(REFRESH_AFTER, 100), added_by="test")
    assert bulk.added == REFRESH_AFTER and store.refreshed == 1
