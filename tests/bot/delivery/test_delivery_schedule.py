"""The scheduler and the outbox together on a simulated clock: a fortnight across a DST
change with a restart in the middle, catch-up after downtime, and changed subscriptions."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from delivery_helpers import Clock, RecordingAdapter, delivery_bot, make_subscription, publish_story, utc
from fakes import FakeStore

from briefings.models import DeliveryStatus
from briefings.ports import BotStore, StoreUnavailable


def local_noon(zone: str, year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=ZoneInfo(zone)).astimezone(UTC)


FORTNIGHTS = [
    ("Europe/London", local_noon("Europe/London", 2025, 3, 23)),  # spring forward 30 March
    ("America/New_York", local_noon("America/New_York", 2025, 10, 26)),  # fall back 2 November
    ("Australia/Sydney", local_noon("Australia/Sydney", 2025, 9, 28)),  # spring forward 5 October
]


async def run_until(bot, end: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    """Move the clock to ``end`` in steps, stopping exactly at each fire time on the way."""
    await bot.tick()  # what is due right now (a restart's catch-up) goes first
    while bot.clock() < end:
        fires = [t for t in (bot.scheduler.next_fire(s) for s in list(bot.scheduler._slots)) if t]
        target = min([bot.clock() + step, end, *[t for t in fires if t > bot.clock()]])
        bot.clock.set(target)
        await bot.tick()


async def fortnight(store: BotStore, clock: Clock, zone: str, start: datetime) -> RecordingAdapter:
    """Fourteen days, a new story every afternoon, the bot restarted on day 7 after 3 h downtime
    that covers the 08:00 digest (so it is caught up on start)."""
    adapter = RecordingAdapter(clock)
    tz = ZoneInfo(zone)
    clock.set(start)
    async with delivery_bot(store, clock, adapter) as bot:
        await store.upsert_subscription(make_subscription(clock, chat_id="77", zone=zone))
    restart_day = (start + timedelta(days=7)).astimezone(tz).date()
    down_at = datetime(restart_day.year, restart_day.month, restart_day.day, 6, 30, tzinfo=tz)
    for phase in ("before", "after"):
        async with delivery_bot(store, clock, adapter) as bot:
            end = down_at if phase == "before" else start + timedelta(days=14)
            while clock() < end:
                local = clock().astimezone(tz)
                afternoon = local.replace(hour=15, minute=0, second=0, microsecond=0)
                if local < afternoon:
                    await run_until(bot, min(end, afternoon.astimezone(clock.now.tzinfo)))
                    if clock() >= end:
                        break
                    await publish_story(bot.newsroom, f"bridge{local:%m%d}")
                await run_until(bot, min(end, afternoon.astimezone(clock.now.tzinfo) + timedelta(hours=12)))
        if phase == "before":
            clock.set(down_at + timedelta(hours=3))  # down over the 08:00 digest; restart at 09:30
    return adapter


@pytest.mark.parametrize(("zone", "start"), FORTNIGHTS)
async def test_one_digest_per_day_at_eight_across_dst_with_a_restart(zone: str, start: datetime) -> None:
    clock = Clock(start)
    store = FakeStore(clock=clock)
    adapter = await fortnight(store, clock, zone, start)
    check_one_per_day(adapter, zone, store)


async def test_one_digest_per_day_on_sql_across_dst_with_a_restart(sql_store: BotStore, clock: Clock) -> None:
    """The issue's "done when": 08:00 Europe/London, a fortnight over the March change, restart."""
    zone, start = FORTNIGHTS[0]
    clock.now = start
    adapter = await fortnight(sql_store, clock, zone, start)
    check_one_per_day(adapter, zone, sql_store)
    delivered = await sql_store.deliveries([DeliveryStatus.SENT])
    assert len(delivered) == len(adapter.sent)


def check_one_per_day(adapter: RecordingAdapter, zone: str, store: BotStore) -> None:
    tz = ZoneInfo(zone)
    sent = adapter.to("77")
    local_days = Counter(s.at.astimezone(tz).date() for s in sent)
    assert set(local_days.values()) == {1}, local_days
    assert len(sent) == 14  # a story every afternoon from day 0, so a digest on each of 14 mornings
    on_time = [s for s in sent if (s.at.astimezone(tz).hour, s.at.astimezone(tz).minute) == (8, 0)]
    late = [s for s in sent if s not in on_time]
    assert len(late) == 1 and (late[0].at.astimezone(tz).hour, late[0].at.minute) == (9, 30)  # caught up
    # "since the last digest": every story is in exactly one digest, and each digest has the
    # story published the afternoon before it
    story_counts = Counter(sid for s in sent for sid in s.story_ids)
    assert set(story_counts.values()) == {1}
    assert all(len(s.story_ids) == 1 for s in sent)


async def test_catch_up_within_grace_sends_once(fake_store: FakeStore, clock: Clock) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))  # 07:00 BST
    async with delivery_bot(fake_store, clock) as bot:
        await fake_store.upsert_subscription(make_subscription(clock, chat_id="5"))
        await publish_story(bot.newsroom, "library")
    clock.set(utc(2025, 5, 1, 11, 0))  # down over 08:00 BST; 4 h late is within the 6 h grace
    async with delivery_bot(fake_store, clock) as bot:
        await bot.tick()
        assert len(bot.adapter.to("5")) == 1
    clock.advance(minutes=20)
    async with delivery_bot(fake_store, clock) as bot:  # another restart: nothing more
        await bot.tick()
        assert bot.adapter.to("5") == []


async def test_missed_beyond_grace_is_skipped_and_recorded(fake_store: FakeStore, clock: Clock) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    async with delivery_bot(fake_store, clock) as bot:
        yesterday = utc(2025, 4, 30, 7, 0)  # its last digest: "since then" is over 24 h by the next one
        subscription = await fake_store.upsert_subscription(
            replace(make_subscription(clock, chat_id="5"), last_digest_at=yesterday)
        )
        first = await publish_story(bot.newsroom, "museum")
    clock.set(utc(2025, 5, 1, 15, 0))  # 8 h after 08:00 BST: beyond the grace period
    async with delivery_bot(fake_store, clock) as bot:
        await bot.tick()
        assert bot.adapter.sent == []
        skipped = await fake_store.deliveries([DeliveryStatus.SKIPPED], subscription.id)
        assert len(skipped) == 1 and "grace period" in (skipped[0].last_error or "")
        second = await publish_story(bot.newsroom, "stadium")
        await run_until(bot, utc(2025, 5, 2, 7, 30))
        [digest] = bot.adapter.to("5")
        # nothing was lost: the next digest holds everything since the last delivered one
        assert set(digest.story_ids) == {first.id, second.id}
        assert digest.at == utc(2025, 5, 2, 7, 0)


async def test_grace_period_is_a_setting(fake_store: FakeStore, clock: Clock) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    async with delivery_bot(fake_store, clock) as bot:
        await fake_store.upsert_subscription(make_subscription(clock, chat_id="5", send_empty=True))
    clock.set(utc(2025, 5, 1, 8, 0))  # one hour late
    async with delivery_bot(fake_store, clock, digest_grace_hours=0.5) as bot:
        await bot.tick()
        assert bot.adapter.sent == []
        assert len(await fake_store.deliveries([DeliveryStatus.SKIPPED])) == 1


async def test_changing_the_time_moves_the_job_without_a_second_digest_that_day(
    fake_store: FakeStore, clock: Clock
) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    async with delivery_bot(fake_store, clock) as bot:
        subscription = await fake_store.upsert_subscription(
            make_subscription(clock, chat_id="5", send_empty=True)
        )
        await bot.scheduler.subscription_changed(subscription)
        await run_until(bot, utc(2025, 5, 1, 7, 30))
        assert len(bot.adapter.to("5")) == 1
        later = make_subscription(clock, chat_id="5", at="18:00", send_empty=True)
        changed = await fake_store.upsert_subscription(later)
        await bot.scheduler.subscription_changed(changed)
        assert bot.scheduler.next_fire(changed.id) == utc(2025, 5, 1, 17, 0)
        await run_until(bot, utc(2025, 5, 2, 18, 0))
        days = Counter(s.at.date() for s in bot.adapter.to("5"))
        # 1 May: only the 08:00 one (the idempotency key is per local day); 2 May: at 18:00
        assert days == Counter({utc(2025, 5, 1).date(): 1, utc(2025, 5, 2).date(): 1})
        assert bot.adapter.to("5")[-1].at == utc(2025, 5, 2, 17, 0)


async def test_removed_subscription_stops_firing(fake_store: FakeStore, clock: Clock) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    async with delivery_bot(fake_store, clock) as bot:
        subscription = await fake_store.upsert_subscription(
            make_subscription(clock, chat_id="5", send_empty=True)
        )
        await bot.scheduler.subscription_changed(subscription)
        await fake_store.delete_subscription(subscription.id)
        await bot.scheduler.subscription_removed(subscription.id)
        await run_until(bot, utc(2025, 5, 3))
        assert bot.adapter.sent == []
        assert bot.scheduler.next_fire(subscription.id) is None


async def test_paused_subscription_is_not_sent_and_resumes_without_a_new_job(
    fake_store: FakeStore, clock: Clock
) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    async with delivery_bot(fake_store, clock) as bot:
        subscription = await fake_store.upsert_subscription(
            make_subscription(clock, chat_id="5", send_empty=True)
        )
        await bot.scheduler.subscription_changed(subscription)
        await fake_store.pause_subscription(subscription.id, "bot was blocked by the user")
        await run_until(bot, utc(2025, 5, 1, 12, 0))
        assert bot.adapter.sent == []
        await fake_store.resume_subscription(subscription.id)  # as the app does when the chat writes
        await run_until(bot, utc(2025, 5, 2, 12, 0))
        assert [s.at for s in bot.adapter.to("5")] == [utc(2025, 5, 2, 7, 0)]


async def test_weekday_subscriber_gets_nothing_at_the_weekend(fake_store: FakeStore, clock: Clock) -> None:
    clock.set(utc(2025, 5, 2, 12, 0))  # a Friday
    async with delivery_bot(fake_store, clock) as bot:
        subscription = make_subscription(
            clock, chat_id="5", days="weekdays", send_empty=True, zone="America/New_York"
        )
        await bot.scheduler.subscription_changed(await fake_store.upsert_subscription(subscription))
        await run_until(bot, utc(2025, 5, 6, 0, 0))
        assert [
            s.at.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") for s in bot.adapter.to("5")
        ] == ["Mon 08:00"]


class FlakyStore(FakeStore):
    """A store whose subscription look-up fails ``failures`` times (a database blip)."""

    def __init__(self, failures: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failures = failures

    async def subscription_for_chat(self, platform: str, chat_id: str, thread_id: str | None = None):  # type: ignore[no-untyped-def]
        if self.failures:
            self.failures -= 1
            raise StoreUnavailable("the database is locked")
        return await super().subscription_for_chat(platform, chat_id, thread_id)


async def test_a_database_blip_at_fire_time_does_not_lose_the_digest(clock: Clock) -> None:
    clock.set(utc(2025, 5, 1, 6, 0))
    store = FlakyStore(failures=0, clock=clock)
    async with delivery_bot(store, clock) as bot:
        subscription = await store.upsert_subscription(make_subscription(clock, chat_id="5", send_empty=True))
        await bot.scheduler.subscription_changed(subscription)
        store.failures = 1
        await run_until(bot, utc(2025, 5, 1, 7, 30))
        assert store.failures == 0  # the blip happened at 07:00
        assert bot.scheduler.next_fire(subscription.id) is not None
        await run_until(bot, utc(2025, 5, 2, 7, 30))
        assert len(bot.adapter.to("5")) == 2  # that day's digest and the next one: none lost
