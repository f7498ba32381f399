"""End to end on loopback: a moderator /adds a URL and /feed adds feeds; briefings appear.

The bot's parts are real (newsroom, router, commands, fetcher, feed service); storage is the
in-memory fake here and the SQL store in ``test_web_feed_store.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from clock import ManualClock
from fake_feeds import FakeFeedStore
from fakes import FakeStore
from local_web import RunningSite
from overlap import word_overlap

from bot.commands.context import CommandContext
from bot.commands.feeds import FeedCommands, UrlCommands
from bot.feeds import FeedService
from bot.messages import ChatKind, ChatRef, IncomingMessage, Reply, Sender, Tone
from bot.router import Access, CommandCall, CommandSpec, PermissionChecker, Router
from bot.web import FetchLimits, SafeFetcher
from briefings.models import FeedItemOutcome, FeedStatus, StoryStatus
from briefings.newsroom import Newsroom

MODERATOR = Sender("telegram", "42")
MEMBER = Sender("telegram", "7")
CHAT = ChatRef("telegram", "100", ChatKind.PRIVATE)


@dataclass
class WebBot:
    router: Router
    store: FakeStore
    feed_store: FakeFeedStore
    feeds: FeedService
    clock: ManualClock
    site: RunningSite

    async def say(self, text: str, sender: Sender = MODERATOR) -> str:
        replies = await self.router(IncomingMessage(CHAT, sender, text, addressed=True))
        return "\n".join(reply.plain_text() for reply in replies)

    async def replies(self, text: str, sender: Sender = MODERATOR) -> list[Reply]:
        return await self.router(IncomingMessage(CHAT, sender, text, addressed=True))


def build_router(context: CommandContext, feeds: FeedService, fetcher: SafeFetcher) -> Router:
    """Register /add <url> and /feed the way bot/commands/__init__.py does."""
    router = Router(PermissionChecker(["telegram:42"]))
    urls = UrlCommands(context, fetcher)
    feed_commands = FeedCommands(context, feeds)

    async def add(call: CommandCall) -> list[Reply]:
        return await urls.add_url(call, call.args.strip())

    router.register(CommandSpec("add", "Add an article", "/add <url>", Access.MODERATOR, add))
    router.register(CommandSpec("feed", "Feeds", "/feed …", Access.MODERATOR, feed_commands.feed))
    return router


@pytest.fixture
async def web_bot(news_site: RunningSite) -> AsyncIterator[WebBot]:
    clock = ManualClock()
    store = FakeStore(clock=clock)
    newsroom = Newsroom(store, clock=clock)
    feed_store = FakeFeedStore()
    async with SafeFetcher(allow_private_networks=True, limits=FetchLimits(deadline=10.0)) as fetcher:
        feeds = FeedService(feed_store, store, store, newsroom, fetcher, clock=clock, tick_seconds=0.05)
        context = CommandContext(newsroom=newsroom, store=store, clock=clock)
        yield WebBot(build_router(context, feeds, fetcher), store, feed_store, feeds, clock, news_site)
        await feeds.stop()


# --- /add <url> -----------------------------------------------------------------------------------


async def test_add_url_makes_a_briefing_and_dedupes_by_canonical_url(web_bot: WebBot) -> None:
    site = web_bot.site
    record = site.site.articles[0]
    out = await web_bot.say(
        f"/add {site.url('/article/' + record['id'])}?utm_source=newsletter&fbclid=xyz#top"
    )
    assert "New briefing #" in out and "(published)" in out, out
    assert "The Loopback Gazette" in out and "Sam Writer" in out
    [article] = web_bot.store.articles_by_id.values()
    assert article.url == site.url(f"/article/{record['id']}")
    assert article.source == "The Loopback Gazette" and article.title == record["title"]
    assert word_overlap(article.text, record["text"]).f1 > 0.95
    hits = site.site.hits[f"article:{record['id']}"]

    again = await web_bot.say(f"/add {site.url('/article/' + record['id'])}?utm_campaign=x")
    assert "already stored" in again
    assert site.site.hits[f"article:{record['id']}"] == hits  # known canonical URL: not even fetched
    via_redirect = await web_bot.say(f"/add {site.url('/redirect/2/' + record['id'])}")
    assert "already stored" in via_redirect  # the page's rel=canonical names the stored URL
    assert len(web_bot.store.articles_by_id) == 1


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/paywall", "too little for a briefing"),
        ("/video", "too little for a briefing"),
        ("/image.png", "an image, not a web page"),
        ("/article/no-such-story", "does not exist (404"),
        ("/bomb", "larger than 5 MB"),
        ("/redirect-to?target=http://169.254.169.254/latest/meta-data/", "not the public web"),
    ],
)
async def test_add_url_refusals_are_clear(web_bot: WebBot, path: str, expected: str) -> None:
    replies = await web_bot.replies(f"/add {web_bot.site.url(path)}")
    assert replies[0].tone is Tone.ERROR
    assert expected in replies[0].plain_text()
    assert not web_bot.store.articles_by_id


async def test_add_url_refuses_private_hosts_with_the_default_setting(news_site: RunningSite) -> None:
    store = FakeStore()
    newsroom = Newsroom(store)
    async with SafeFetcher() as fetcher:  # BRIEFBOT_ALLOW_PRIVATE_NETWORKS off, as in production
        feeds = FeedService(FakeFeedStore(), store, store, newsroom, fetcher, clock=lambda: datetime.now(UTC))
        router = build_router(
            CommandContext(newsroom=newsroom, store=store, clock=lambda: datetime.now(UTC)), feeds, fetcher
        )
        for url in (
            news_site.url("/article/bbc-business-001"),
            "http://10.0.0.7/news",
            "http://[::1]/",
            "http://169.254.169.254/",
            "http://localhost/",
        ):
            replies = await router(IncomingMessage(CHAT, MODERATOR, f"/add {url}"))
            assert replies[0].tone is Tone.ERROR and "not the public web" in replies[0].plain_text(), url
            replies = await router(IncomingMessage(CHAT, MODERATOR, f"/feed add {url}"))
            assert replies[0].tone is Tone.ERROR and "not the public web" in replies[0].plain_text(), url
    assert not news_site.site.hits and not store.articles_by_id


async def test_members_cannot_add_urls_or_feeds(web_bot: WebBot) -> None:
    for text in (f"/add {web_bot.site.url('/article/bbc-business-001')}", "/feed list"):
        replies = await web_bot.replies(text, sender=MEMBER)
        assert replies[0].tone is Tone.REFUSAL


# --- feeds ---------------------------------------------------------------------------------------


async def test_trusted_full_text_feed_publishes_and_honours_conditional_get(web_bot: WebBot) -> None:
    site = web_bot.site.site
    site.add_items(3)
    out = await web_bot.say(f"/feed add {web_bot.site.url('/feeds/full.rss')} business trusted")
    assert "Feed #1 added" in out and "trusted" in out and "First poll: 3 new" in out, out
    stories = list(web_bot.store.stories_by_id.values())
    assert len(stories) == 3 and all(s.status is StoryStatus.PUBLISHED for s in stories)
    assert site.hits.get("article:" + site.items[0].record["id"]) is None  # full text: no page fetched
    assert {a.source for a in web_bot.store.articles_by_id.values()} == {"The Loopback Gazette"}

    web_bot.clock.now += timedelta(minutes=16)
    [report] = await web_bot.feeds.poll_due()
    assert report.not_modified and site.not_modified["full.rss"] == 1
    site.add_items(2)
    web_bot.clock.now += timedelta(minutes=16)
    [report] = await web_bot.feeds.poll_due()
    assert report.added == 2 and report.already_seen == 3
    assert len(web_bot.store.articles_by_id) == 5
    listing = await web_bot.say("/feed list")
    assert "#1" in listing and "2 new" in listing and "topics: business" in listing


async def test_untrusted_teaser_feed_fetches_full_text_and_makes_drafts(web_bot: WebBot) -> None:
    site = web_bot.site.site
    added = site.add_items(3)
    out = await web_bot.say(f"/feed add {web_bot.site.url('/feeds/teaser.rss')}")
    assert "stay drafts" in out and "3 new" in out, out
    assert all(s.status is StoryStatus.DRAFT for s in web_bot.store.stories_by_id.values())
    for item in added:
        assert site.hits["article:" + item.record["id"]] == 1  # the full page was fetched once
    by_url = {a.url: a for a in web_bot.store.articles_by_id.values()}
    for item in added:
        article = by_url[site.article_url(item.record)]
        assert word_overlap(article.text, item.record["text"]).recall > 0.95


async def test_atom_feed_with_keyword_filters(web_bot: WebBot) -> None:
    site = web_bot.site.site
    items = site.add_items(6)
    keep = items[0].record["title"].split()[-1]  # a word of one title, chosen at run time
    drop = items[1].record["title"].split()[-1]
    out = await web_bot.say(f'/feed add {web_bot.site.url("/feeds/atom.xml")} trusted +"{keep}" -"{drop}"')
    assert "Feed #1 added" in out, out
    [feed] = await web_bot.feed_store.feeds()
    assert feed.include_keywords == (keep,) and feed.exclude_keywords == (drop,)
    counts = await web_bot.feed_store.count_feed_items(feed.id)
    assert counts.get(FeedItemOutcome.ADDED, 0) >= 1
    assert counts.get(FeedItemOutcome.FILTERED, 0) >= 1
    assert sum(counts.values()) == 6  # every entry accounted for: nothing dropped silently
    titles = {a.title for a in web_bot.store.articles_by_id.values()}
    assert items[0].record["title"] in titles and items[1].record["title"] not in titles


async def test_a_guid_rewriting_feed_does_not_repost(web_bot: WebBot) -> None:
    site = web_bot.site.site
    site.add_items(4)
    out = await web_bot.say(f"/feed add {web_bot.site.url('/feeds/rewrite.rss')} trusted")
    assert "4 new" in out, out
    for _ in range(2):
        web_bot.clock.now += timedelta(minutes=16)
        [report] = await web_bot.feeds.poll_due()
        assert report.added == 0 and report.already_seen == 4 and report.duplicates == 0
    assert site.rewrite_counter == 3 and len(web_bot.store.articles_by_id) == 4


async def test_a_failing_feed_backs_off_and_shows_why(
    web_bot: WebBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = web_bot.site.site
    site.add_items(2)
    await web_bot.say(f"/feed add {web_bot.site.url('/feeds/full.rss')}")
    [feed] = await web_bot.feed_store.feeds()
    # The feed moves to a broken address (as when a site is down for maintenance).
    await web_bot.feed_store.update_feed(
        type(feed)(**{**feed.__dict__, "url": web_bot.site.url("/feeds/broken.rss")})
    )
    for failures in (1, 2):
        web_bot.clock.now += timedelta(days=2)
        [report] = await web_bot.feeds.poll_due()
        assert report.error is not None and "503" in report.error
        feed = await web_bot.feed_store.feed(feed.id)
        assert feed.failures == failures
        assert feed.next_poll_at == web_bot.clock.now + timedelta(minutes=15 * 2**failures)
    listing = await web_bot.say("/feed list")
    assert "Failing (2×)" in listing and "503" in listing
    assert any("503" in line for line in await web_bot.feeds.problems())


async def test_feed_add_refusals(web_bot: WebBot) -> None:
    site = web_bot.site
    refusals = {
        "/feed add": "Which feed?",
        "/feed add notaurl": "is not a feed address",
        f"/feed add {site.url('/feeds/broken.rss')}": "503",
        f"/feed add {site.url('/feeds/not-a-feed')}": "not an RSS or Atom feed",
        f"/feed add {site.url('/paywall')}": "links to no RSS or Atom feed",
        f"/feed add {site.url('/feeds/full.rss')} every:2": "Poll every 5 to 1440 minutes",
        "/feed frob": "I don't know /feed frob",
        "/feed remove x": "Which feed?",
        "/feed pause 99": "99",
    }
    for text, expected in refusals.items():
        replies = await web_bot.replies(text)
        assert replies[0].tone is Tone.ERROR and expected in replies[0].plain_text(), (text, replies)


async def test_feed_discovery_duplicates_pause_resume_remove(web_bot: WebBot) -> None:
    site = web_bot.site
    site.site.add_items(2)
    out = await web_bot.say(f"/feed add {site.url('/article/bbc-business-001')} every:30")
    assert "Feed #1 added" in out and "every 30 minutes" in out, out  # found through the page's feed link
    again = await web_bot.replies(f"/feed add {site.url('/feeds/full.rss')}?utm_source=x")
    assert again[0].tone is Tone.ERROR and "already added as feed #1" in again[0].plain_text()
    assert "paused" in await web_bot.say("/feed pause 1")
    assert (await web_bot.feed_store.feed("1")).status is FeedStatus.PAUSED
    web_bot.clock.now += timedelta(hours=1)
    assert await web_bot.feeds.poll_due() == []
    assert "Paused" in await web_bot.say("/feed list")
    assert "active again" in await web_bot.say("/feed resume #1")
    assert "removed" in await web_bot.say("/feed remove 1")
    assert "No feeds yet" in await web_bot.say("/feed list")
    assert len(web_bot.store.articles_by_id) == 2  # removing a feed keeps its articles


async def test_the_background_poller_polls_due_feeds(web_bot: WebBot) -> None:
    site = web_bot.site.site
    site.add_items(1)
    await web_bot.say(f"/feed add {web_bot.site.url('/feeds/full.rss')} trusted")
    site.add_items(2)
    web_bot.clock.now += timedelta(minutes=15)
    await web_bot.feeds.start()
    for _ in range(200):  # wait for the poller's next tick; no assertion on how long it takes
        if len(web_bot.store.articles_by_id) == 3:
            break
        await asyncio.sleep(0.05)
    await web_bot.feeds.stop()
    assert len(web_bot.store.articles_by_id) == 3
