"""The delivery side with its real neighbours: APScheduler waking jobs on the real clock, the
Telegram adapter against the local Bot API server enforcing Telegram's limits, and /stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from delivery_helpers import Clock, RecordingAdapter, make_subscription, publish_story, settings, utc
from fakes import FakeStore
from telegram_server import RateLimits, TelegramTestServer

from bot.adapters.base import RecipientGone, TemporaryFailure
from bot.commands.context import CommandContext
from bot.commands.stats import StatsCommands
from bot.delivery import Outbox
from bot.digests import DigestComposer
from bot.messages import ChatKind, ChatRef, IncomingMessage, Sender
from bot.ratelimit import RateLimiter
from bot.router import CommandCall
from bot.schedule import DigestScheduler
from briefings.models import DeliveryStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore


class OffsetClock:
    """The real clock shifted to a chosen moment, so real timers and simulated dates agree."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def test_apscheduler_wakes_the_job_and_re_arms_it(fake_store: FakeStore) -> None:
    clock = OffsetClock(utc(2025, 6, 2, 6, 59, 59, 700_000))  # 0.3 s before 08:00 BST
    config = settings()
    adapter = RecordingAdapter(Clock(clock()))
    newsroom = Newsroom(fake_store, clock=clock)
    outbox = Outbox(
        fake_store,
        {"telegram": adapter},
        DigestComposer(newsroom, fake_store),
        config,
        clock,
        poll_seconds=0.05,
    )
    scheduler = DigestScheduler(fake_store, outbox, config, clock)
    subscription = await fake_store.upsert_subscription(
        make_subscription(Clock(clock()), chat_id="5", send_empty=True, created_at=utc(2025, 6, 1))
    )
    await outbox.start()
    await scheduler.start()
    try:
        assert scheduler._scheduler is not None
        assert [job.id for job in scheduler._scheduler.get_jobs()] == [f"digest:{subscription.id}"]
        for _ in range(100):
            if adapter.sent:
                break
            await asyncio.sleep(0.05)
        assert len(adapter.sent) == 1
        assert scheduler.next_fire(subscription.id) == utc(2025, 6, 3, 7, 0)
        [job] = scheduler._scheduler.get_jobs()
        assert job.next_run_time > datetime.now(UTC) + timedelta(hours=23)
        await scheduler.subscription_removed(subscription.id)
        assert scheduler._scheduler.get_jobs() == []
    finally:
        await scheduler.stop()
        await outbox.stop()
    [row] = await fake_store.deliveries([DeliveryStatus.SENT])
    assert row.period_end == utc(2025, 6, 2, 7, 0)
    [missed] = await fake_store.deliveries([DeliveryStatus.SKIPPED])  # 1 June, long before the start
    assert missed.period_end == utc(2025, 6, 1, 7, 0)


async def test_fan_out_through_telegram_respects_the_flood_limits(fake_store: FakeStore) -> None:
    """45 digests to 40 private chats and 5 groups, through python-telegram-bot and the local
    server enforcing 30/s, 1/s per chat and 20/min per group: no 429, one message per chat."""
    from bot.adapters.telegram import TelegramAdapter

    clock = OffsetClock(utc(2025, 6, 2, 7, 0))
    async with TelegramTestServer(limits=RateLimits()) as server:
        # 25/s against the server's 30/s: real sockets on a busy CI machine jitter by tens of
        # milliseconds, and this test must not depend on that. bench/fanout.py measures how
        # close to the cap the bot runs.
        config = settings(telegram_token=server.token, telegram_api_url=server.api_url, telegram_rate_global=25)
        adapter = TelegramAdapter(config, [])

        async def nobody(message: IncomingMessage) -> list:  # type: ignore[type-arg]
            return []

        await adapter.start(nobody)
        newsroom = Newsroom(fake_store, clock=clock)
        await publish_story(newsroom, "harbour")
        limiter = RateLimiter.telegram(config)
        outbox = Outbox(
            fake_store,
            {"telegram": adapter},
            DigestComposer(newsroom, fake_store),
            config,
            clock,
            limiters={"telegram": limiter},
            poll_seconds=0.05,
        )
        chats = [str(1000 + n) for n in range(40)] + [str(-2000 - n) for n in range(5)]
        subscriptions = [
            await fake_store.upsert_subscription(make_subscription(Clock(clock()), chat_id=chat))
            for chat in chats
        ]
        await outbox.start()
        try:
            for subscription in subscriptions:
                await outbox.enqueue(subscription, clock(), clock())
            await server.wait_for(lambda: len(server.sent) >= len(chats), within=10, what="every digest")
        finally:
            await outbox.stop()
            await adapter.stop()
        assert [error for error in server.rejected if error[2].status == 429] == []
        assert sorted(str(message.chat_id) for message in server.sent) == sorted(chats)
        assert {d.status for d in await fake_store.deliveries()} == {DeliveryStatus.SENT}


async def test_stats_shows_subscribers_deliveries_pauses_and_failures_with_reasons(
    fake_store: BotStore, clock: Clock
) -> None:
    clock.set(utc(2025, 6, 2, 7, 0))
    adapter = RecordingAdapter(clock)
    newsroom = Newsroom(fake_store, clock=clock)
    outbox = Outbox(
        fake_store, {"telegram": adapter}, DigestComposer(newsroom, fake_store), settings(), clock
    )
    ok = await fake_store.upsert_subscription(make_subscription(clock, chat_id="1", send_empty=True))
    blocked = await fake_store.upsert_subscription(make_subscription(clock, chat_id="2", send_empty=True))
    flaky = await fake_store.upsert_subscription(make_subscription(clock, chat_id="3", send_empty=True))
    adapter.fail("2", RecipientGone("Forbidden: bot was blocked by the user"))
    adapter.fail("3", TemporaryFailure("Telegram unreachable after 4 tries"))
    for subscription in (ok, blocked, flaky):
        await outbox.enqueue(subscription, clock(), clock())
    await outbox.process_due()

    stats = StatsCommands(CommandContext(newsroom=newsroom, store=fake_store, clock=clock))
    message = IncomingMessage(ChatRef("telegram", "42", ChatKind.PRIVATE), Sender("telegram", "42"), "/stats")
    [reply] = await stats.stats(CommandCall(message, "stats", ""))
    text = reply.plain_text()
    assert "Subscribers: 3 (2 active, 1 paused)" in text
    assert "1 sent" in text and "1 failed" in text and "1 paused" in text
    assert "telegram 2: telegram refused delivery: Forbidden: bot was blocked by the user" in text
    assert "telegram 3" in text and "Telegram unreachable after 4 tries" in text and "next try in" in text
