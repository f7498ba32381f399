"""Whole conversations: the real bot (``running_bot``) on Telegram via the loopback Bot API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram_server import TelegramTestServer, retry_after

from bot.app import BotApp, running_bot
from bot.config import Settings
from bot.messages import ChatRef, Reply
from bot.render.telegram import html_to_text, render_full_html
from briefings.models import ArticleInput, SubscriptionStatus

GROUP = -100123


@pytest.fixture
async def server() -> AsyncIterator[TelegramTestServer]:
    async with TelegramTestServer() as running:
        yield running


@pytest.fixture
async def bot(server: TelegramTestServer, tmp_path: Path) -> AsyncIterator[BotApp]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        telegram_token=server.token,
        telegram_api_url=server.api_url,
        moderators=["telegram:42"],
    )
    async with running_bot(settings, start_scheduler=False) as app:
        yield app


async def ingest_seeds(app: BotApp, seed_paths: list[Path]) -> None:
    for number, path in enumerate(seed_paths, start=1):
        await app.newsroom.ingest(
            ArticleInput(text=path.read_text(encoding="utf-8"), source=f"Outlet {number}", external_id=path.stem),
            added_by="test",
        )


async def test_private_question_is_answered_with_sources(
    server: TelegramTestServer, bot: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(bot, seed_paths)
    server.private_message(7, "who leads the NRF?")
    sent = await server.wait_sent(1, within=10)
    answer = "\n".join(message.plain for message in sent)
    assert "Ahmad Massoud" in answer
    assert "Outlet 1" in answer or "Outlet 2" in answer


async def test_group_mention_is_answered_and_chatter_ignored(
    server: TelegramTestServer, bot: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(bot, seed_paths)
    server.group_message(GROUP, 8, "who leads the NRF?")  # not addressed: silence
    server.group_message(GROUP, 8, f"@{server.username} who leads the NRF?")
    sent = await server.wait_sent(1, within=10)
    await server.wait_for(lambda: server.last_offset_confirmed >= 2)
    assert len(server.sent) == 1
    assert sent[0].chat_id == GROUP and "Ahmad Massoud" in sent[0].plain


async def test_add_is_refused_to_readers_and_accepted_from_moderators(
    server: TelegramTestServer, bot: BotApp, seed_paths: list[Path]
) -> None:
    article = f"/add\nsource: Outlet One\n{seed_paths[0].read_text(encoding='utf-8')}"
    server.private_message(7, article)
    (refusal,) = await server.wait_sent(1, within=10)
    assert "Only moderators" in refusal.plain
    server.private_message(42, article, first_name="Mod")
    sent = await server.wait_sent(2, within=10)
    assert sent[1].chat_id == 42 and "briefing" in sent[1].plain.lower()


async def test_subscribing_with_the_inline_keyboard_then_blocked_user_is_paused(
    server: TelegramTestServer, bot: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(bot, seed_paths)
    server.private_message(7, "/subscribe")
    (menu,) = await server.wait_sent(1, within=10)
    eight = next(button for button in menu.buttons if button["text"] == "08:00")
    server.press_button(menu, eight["callback_data"], user_id=7)
    await server.wait_for(lambda: len(server.edits) == 1, within=10, what="the timezone step")
    zone = server.edits[0].buttons[0]
    server.press_button(server.edits[0], zone["callback_data"], user_id=7)
    await server.wait_for(lambda: len(server.edits) == 2, within=10, what="the confirmation")
    assert "Subscribed" in server.edits[1].plain
    assert len(server.callback_answers) == 2
    subscription = await bot.store.subscription_for_chat("telegram", "7", None)
    assert subscription is not None and subscription.local_time.strftime("%H:%M") == "08:00"

    # The user blocks the bot: the next digest is refused and the subscription pauses.
    server.block(7)
    now = datetime.now(UTC)
    await bot.outbox.enqueue(subscription, now, now)
    await bot.outbox.process_due()
    paused = await bot.store.subscription_for_chat("telegram", "7", None)
    assert paused is not None and paused.status is SubscriptionStatus.PAUSED
    assert "blocked" in (paused.paused_reason or "")


async def test_flood_wait_during_a_reply_delivers_it_exactly_once(
    server: TelegramTestServer, bot: BotApp, seed_paths: list[Path]
) -> None:
    await ingest_seeds(bot, seed_paths)
    server.fail_next("sendMessage", retry_after(1), chat_id=9)
    server.private_message(9, "who leads the NRF?")
    sent = await server.wait_sent(1, within=10)
    await server.wait_for(lambda: server.last_offset_confirmed >= 1)
    assert len(server.sent_to(9)) == 1 and "Ahmad Massoud" in sent[0].plain
    assert [error.status for method, _, error in server.rejected if method == "sendMessage"] == [429]


async def test_a_long_digest_is_split_within_the_limit(server: TelegramTestServer, bot: BotApp) -> None:
    paragraph = "Markets & <stocks> rose 5% 📈 while 𝔘nicode “quotes” held. " * 25
    reply = Reply(blocks=Reply.text(*[paragraph.strip()] * 8).blocks, digest=True, title="Digest")
    await bot.adapters["telegram"].send(ChatRef("telegram", "77"), reply)
    sent = server.sent_to(77)
    assert len(sent) >= 3
    original = html_to_text(render_full_html(reply))
    assert re.fullmatch(r"\s*" + r"\s*".join(re.escape(m.plain) for m in sent) + r"\s*", original)
    assert all(m.link_preview_options == {"is_disabled": True} for m in sent)
