"""The whole bot on Discord: ``running_bot`` with the real adapter against a Discord on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from discord_server import (
    ADMIN_PERMISSIONS,
    GENERAL_CHANNEL_ID,
    NEWS_CHANNEL_ID,
    ChannelOption,
    FakeDiscord,
)

from bot.adapters.base import RecipientGone
from bot.app import BotApp, running_bot
from bot.config import Settings
from bot.messages import ChatKind, ChatRef, Reply
from bot.render.discord import EMBED_TOTAL_LIMIT, EMBEDS_PER_MESSAGE
from bot.replies import digest_reply
from briefings.models import ArticleInput, SubscriptionStatus

TOKEN = "x.y.z"


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN) as fake:
        yield fake


@pytest.fixture
async def app(server: FakeDiscord, tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        discord_token=TOKEN,
        discord_api_url=server.api_url,
        discord_gateway_url=server.gateway_url,
        moderators=["discord:42"],
        _env_file=None,
    )
    async with running_bot(settings, start_scheduler=False) as running:
        yield running


async def ingest_seeds(app: BotApp, seed_paths: list[Path]) -> None:
    for path in seed_paths:
        await app.newsroom.ingest(
            ArticleInput(text=path.read_text(encoding="utf-8"), source=path.stem), added_by="test"
        )


def embed_sizes(message: dict) -> int:
    total = 0
    for embed in message.get("embeds") or []:
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        total += len((embed.get("footer") or {}).get("text") or "")
        total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
    return total


async def test_ask_is_deferred_and_answered_with_cited_sources(
    server: FakeDiscord, app: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(app, seed_paths)
    record = await server.slash("ask", {"question": "who leads the NRF?"})
    await server.wait_for(lambda: record.original, within=20)
    assert record.callbacks[0]["type"] == 5  # deferred before the core ran
    text = record.text()
    assert "Ahmad Massoud" in text
    assert "Sources" in text, text  # a source is cited
    assert "discord" in app.adapters


async def test_moderator_commands_refused_then_accepted(
    server: FakeDiscord, app: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(app, seed_paths)
    [story] = await app.store.stories()
    refused = await server.slash("briefing", {"id": story.id, "reason": "test"}, sub="withdraw", user_id=7)
    await server.wait_for(lambda: refused.original or refused.followups)
    assert refused.deferred_ephemeral
    assert "Only moderators" in refused.text()
    assert (await app.store.story(story.id)).status == "published"
    accepted = await server.slash("briefing", {"id": story.id, "reason": "test"}, sub="withdraw", user_id=42)
    await server.wait_for(lambda: accepted.original or accepted.followups)
    assert "Only moderators" not in accepted.text()
    assert (await app.store.story(story.id)).status == "withdrawn"


async def test_a_channel_subscription(server: FakeDiscord, app: BotApp) -> None:
    news = ChannelOption(NEWS_CHANNEL_ID)
    record = await server.slash(
        "subscribe",
        {"time": "08:00", "timezone": "Europe/London", "channel": news},
        resolved=news.resolved(),
        permissions=ADMIN_PERMISSIONS,
    )
    await server.wait_for(lambda: record.original or record.followups)
    subscription = await app.store.subscription_for_chat("discord", str(NEWS_CHANNEL_ID))
    assert subscription is not None, record.text()
    assert subscription.timezone == "Europe/London" and subscription.local_time.hour == 8


async def test_closed_dms_pause_the_subscription(
    server: FakeDiscord, app: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(app, seed_paths)
    record = await server.slash("subscribe", {"time": "07:30", "timezone": "UTC"}, dm=True, user_id=77)
    await server.wait_for(lambda: record.original or record.followups)
    dm_chat = str(server.dm_channels[77])
    subscription = await app.store.subscription_for_chat("discord", dm_chat)
    assert subscription is not None, record.text()
    server.closed_dm_users.add(77)
    adapter = app.adapters["discord"]
    with pytest.raises(RecipientGone):
        await adapter.send(ChatRef("discord", dm_chat, ChatKind.PRIVATE), Reply.text("Your digest"))
    now = datetime.now(UTC)
    await app.outbox.enqueue(subscription, period_end=now, due_at=now)
    await app.outbox.process_due()
    paused = await app.store.subscription_for_chat("discord", dm_chat)
    assert paused is not None and paused.status is SubscriptionStatus.PAUSED
    assert paused.paused_reason


async def test_a_long_digest_is_split_within_the_embed_limits(
    server: FakeDiscord, app: BotApp, corpus: Path, seed_paths: list[Path]
) -> None:
    await ingest_seeds(app, seed_paths)
    with (corpus / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        for line, _ in zip(lines, range(40), strict=False):
            item = json.loads(line)
            await app.newsroom.ingest(
                ArticleInput(text=item["text"], title=item["title"], source="BBC"), added_by="test"
            )
    record = await server.slash("digest", dm=True, user_id=91)
    await server.wait_for(lambda: record.original, within=20)
    answers = record.answers()
    # A scheduled digest of every briefing, sent to a channel by the adapter the outbox uses.
    digest = digest_reply(await app.newsroom.briefings(limit=40))
    await app.adapters["discord"].send(ChatRef("discord", str(GENERAL_CHANNEL_ID), ChatKind.GROUP), digest)
    sent = server.messages[GENERAL_CHANNEL_ID]
    assert len(sent) >= 2, "a digest of 30+ briefings needs more than one message"
    for message in [*answers, *sent]:
        assert 1 <= len(message["embeds"]) <= EMBEDS_PER_MESSAGE
        assert embed_sizes(message) <= EMBED_TOTAL_LIMIT
    shown = "".join(json.dumps(m["embeds"]) for m in sent)
    for briefing in digest.cards:
        assert f"#{briefing.story.id} " in shown
