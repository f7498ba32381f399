"""/add <url> and /feed through the real app: router, newsroom, SQL store and feed store,
against the loopback news site (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from local_web import RunningSite

from bot.app import BotApp, running_bot
from bot.config import Settings
from bot.messages import ChatKind, ChatRef, IncomingMessage, Sender
from briefings.models import StoryStatus

MODERATOR = Sender("telegram", "42")
CHAT = ChatRef("telegram", "42", ChatKind.PRIVATE)


@pytest.fixture(params=["sqlite", "postgresql"])
async def app(request: pytest.FixtureRequest, tmp_path: Path, pg_url: str | None) -> AsyncIterator[BotApp]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"
        settings = Settings(_env_file=None, database_url=url, moderators=["telegram:42"],
                            allow_private_networks=True)
        async with running_bot(settings, start_scheduler=False) as bot:
            yield bot
        return
    if not pg_url:
        pytest.skip("BRIEFBOT_TEST_DATABASE_URL is not set")
    from dbtesting import temporary_database

    async with temporary_database(pg_url) as url:
        settings = Settings(_env_file=None, database_url=url, moderators=["telegram:42"],
                            allow_private_networks=True)
        async with running_bot(settings, start_scheduler=False) as bot:
            yield bot


async def say(app: BotApp, text: str) -> str:
    replies = await app.router(IncomingMessage(CHAT, MODERATOR, text, addressed=True))
    return "\n".join(reply.plain_text() for reply in replies)


async def test_moderator_adds_a_url_and_a_feed_and_sees_briefings(app: BotApp, news_site: RunningSite) -> None:
    record = news_site.site.articles[0]
    added = await say(app, f"/add {news_site.url('/article/' + record['id'])}?utm_source=x")
    assert "New briefing #1" in added, added
    assert "already stored" in await say(app, f"/add {news_site.url('/article/' + record['id'])}")
    [article] = await app.store.story_articles("1")
    assert article.url == news_site.url(f"/article/{record['id']}") and article.source == "The Loopback Gazette"

    news_site.site.add_items(3)
    out = await say(app, f"/feed add {news_site.url('/feeds/teaser.rss')} business")
    # The feed's first item is the article added by URL above: seen, not reposted.
    assert "Feed #1 added" in out and "First poll: 2 new, 1 already stored" in out, out
    drafts = await app.store.stories(statuses=[StoryStatus.DRAFT])
    assert len(drafts) == 2  # an untrusted feed's stories wait for a moderator
    assert await app.store.count_articles() == 3
    listing = await say(app, "/briefings")
    assert all(f"#{story.id} " in listing for story in drafts)  # moderators see drafts, marked
    assert "[draft]" in listing
    assert "#1" in await say(app, "/feed list")


async def test_unsafe_urls_are_refused_with_the_default_setting(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'strict.db'}",
                        moderators=["telegram:42"])
    async with running_bot(settings, start_scheduler=False) as bot:
        for url in ("http://127.0.0.1:8080/news", "http://169.254.169.254/latest/meta-data/",
                    "http://[::1]/x", "http://10.1.2.3/", "ftp://example.com/file", "file:///etc/passwd"):
            out = await say(bot, f"/add {url}")
            assert "New briefing" not in out and "Traceback" not in out, (url, out)
            assert out.strip(), url
        assert await bot.store.count_articles() == 0


async def test_feed_failures_show_in_stats_with_the_reason(app: BotApp, news_site: RunningSite) -> None:
    news_site.site.add_items(2)
    assert "Feed #1 added" in await say(app, f"/feed add {news_site.url('/feeds/full.rss')} trusted")
    assert "Failing feeds: none" in await say(app, "/stats")
    await news_site.stop()  # the site goes down
    report = await app.feeds.poll("1")
    assert report.error is not None
    stats = await say(app, "/stats")
    assert "Failing feeds: 1" in stats and "feed #1" in stats and "failed poll" in stats, stats
