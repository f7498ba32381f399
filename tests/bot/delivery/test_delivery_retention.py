"""Deleting old deliveries without losing anything the bot still needs: the retention setting and
its safe minimum, the outbox's pruning task, and the real scheduler and outbox after pruning (a
period whose row was deleted is never sent again; a story sent before a quiet spell is still
"already sent")."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pytest
from delivery_helpers import (
    Bot,
    Clock,
    RecordingAdapter,
    delivery_bot,
    delivery_row,
    make_subscription,
    publish_story,
    settings,
    utc,
)

from bot.app import BotApp
from bot.config import SettingsError, load_settings
from bot.delivery import SAME_DAY_SPREAD, Outbox, minimum_retention, minimum_retention_days
from bot.digests import SENT_LOOKBACK, DigestComposer
from bot.schedule import CATCH_UP_LOOKBACK, fire_time
from briefings.models import DeliveryStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore

MIN_DAYS = minimum_retention_days(6)  # with the default grace period


async def run_until(bot: Bot, end: datetime, step: timedelta = timedelta(hours=12)) -> None:
    """Move the clock to ``end`` in steps, stopping exactly at each fire time on the way."""
    await bot.tick()
    while bot.clock() < end:
        fires = [t for t in (bot.scheduler.next_fire(s) for s in list(bot.scheduler._slots)) if t]
        bot.clock.set(min([bot.clock() + step, end, *[t for t in fires if t > bot.clock()]]))
        await bot.tick()


# --- the setting and its minimum --------------------------------------------------------------


def test_the_minimum_covers_catch_up_and_already_sent() -> None:
    grace = timedelta(hours=6)
    assert minimum_retention(grace) == timedelta(days=8, hours=6)
    assert minimum_retention(grace) >= CATCH_UP_LOOKBACK + SAME_DAY_SPREAD
    assert minimum_retention(grace) >= grace + SAME_DAY_SPREAD
    assert minimum_retention(grace) >= SENT_LOOKBACK + timedelta(days=1) + grace
    assert MIN_DAYS == 9
    assert minimum_retention_days(48) == 10  # a longer grace period needs longer


def test_one_local_date_spans_less_than_the_same_day_spread_in_every_zone() -> None:
    zones = []
    for name in sorted(available_timezones()):
        try:
            zones.append(ZoneInfo(name))
        except (OSError, ValueError):
            continue
    assert len(zones) > 300
    for day in (date(2025, 1, 15), date(2025, 3, 30), date(2025, 10, 26), date(2026, 7, 1)):
        first = min(fire_time(day, time(0, 0), zone) for zone in zones)
        last = max(fire_time(day, time(23, 59), zone) for zone in zones)
        assert last - first < SAME_DAY_SPREAD
        assert last - first < timedelta(hours=50)


def test_retention_setting_rejects_less_than_the_safe_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(_env_file=None).delivery_retention_days == 30
    assert load_settings(_env_file=None, delivery_retention_days=MIN_DAYS).delivery_retention_days == MIN_DAYS
    with pytest.raises(
        SettingsError,
        match=r"^BRIEFBOT_DELIVERY_RETENTION_DAYS is invalid: 8 days is less than the safe minimum of 9 days "
        r"for a 6 h grace period \(BRIEFBOT_DIGEST_GRACE_HOURS\)",
    ):
        load_settings(_env_file=None, delivery_retention_days=8)
    with pytest.raises(SettingsError, match="BRIEFBOT_DELIVERY_RETENTION_DAYS is invalid"):
        load_settings(_env_file=None, delivery_retention_days=0)

    monkeypatch.setenv("BRIEFBOT_DIGEST_GRACE_HOURS", "48")
    monkeypatch.setenv("BRIEFBOT_DELIVERY_RETENTION_DAYS", "9")
    with pytest.raises(SettingsError, match="9 days is less than the safe minimum of 10 days for a 48 h grace"):
        load_settings(_env_file=None)
    monkeypatch.setenv("BRIEFBOT_DELIVERY_RETENTION_DAYS", "10")
    assert load_settings(_env_file=None).delivery_retention_days == 10
    # The default is checked too: a grace period of 25 days needs more than 30 days.
    monkeypatch.delenv("BRIEFBOT_DELIVERY_RETENTION_DAYS")
    monkeypatch.setenv("BRIEFBOT_DIGEST_GRACE_HOURS", "600")
    with pytest.raises(SettingsError, match="30 days is less than the safe minimum of 33 days"):
        load_settings(_env_file=None)


async def test_the_outbox_refuses_a_retention_below_the_minimum(fake_store: BotStore, clock: Clock) -> None:
    composer = DigestComposer(Newsroom(fake_store, clock=clock), fake_store)
    with pytest.raises(ValueError, match="shorter than the safe minimum"):
        Outbox(fake_store, {}, composer, settings(), clock, retention=timedelta(days=8))
    outbox = Outbox(fake_store, {}, composer, settings(delivery_retention_days=12), clock)
    assert outbox.retention == timedelta(days=12)


async def test_the_app_outbox_uses_the_configured_retention(bot: BotApp) -> None:
    assert bot.outbox.retention == timedelta(days=bot.settings.delivery_retention_days) == timedelta(days=30)


# --- the pruning task -------------------------------------------------------------------------


class RecordingPrunes:
    """The store as it is, noting what each prune call removed."""

    def __init__(self, store: BotStore) -> None:
        self._store = store
        self.batches: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def prune_deliveries(self, before: datetime, *, sent_lookback: timedelta, limit: int = 500) -> int:
        removed = await self._store.prune_deliveries(before, sent_lookback=sent_lookback, limit=limit)
        self.batches.append(removed)
        return removed


async def test_the_running_outbox_prunes_old_rows_in_batches(
    sql_store: BotStore, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Outbox, "PRUNE_FIRST_AFTER", timedelta(0))
    monkeypatch.setattr(Outbox, "PRUNE_PAUSE", timedelta(0))
    subscription = await sql_store.upsert_subscription(make_subscription(clock, chat_id="3"))
    for number in range(10):
        old = clock() - timedelta(days=31, hours=number)
        await sql_store.create_delivery(delivery_row(subscription.id, f"old {number}", old, DeliveryStatus.SKIPPED))
    # (a failed row waiting for its retry: the worker leaves it alone until then)
    await sql_store.create_delivery(delivery_row(subscription.id, "old failed", clock() - timedelta(days=40),
                                        DeliveryStatus.FAILED, next_attempt_at=clock() + timedelta(hours=1)))
    await sql_store.create_delivery(delivery_row(subscription.id, "recent", clock() - timedelta(days=29),
                                        DeliveryStatus.SKIPPED))
    store = RecordingPrunes(sql_store)
    outbox = Outbox(store, {}, DigestComposer(Newsroom(store, clock=clock), store), settings(), clock,  # type: ignore[arg-type]
                    prune_batch=4)
    await outbox.start()
    try:
        for _ in range(500):
            if outbox.counters.pruned >= 10:
                break
            await asyncio.sleep(0.01)
    finally:
        await outbox.stop()
    assert store.batches == [4, 4, 2]
    assert outbox.counters.pruned == 10
    assert {d.idempotency_key for d in await sql_store.deliveries()} == {"old failed", "recent"}


# --- the scheduler and outbox after pruning ---------------------------------------------------


async def prune(bot: Bot, unsafe: bool) -> int:
    """The outbox's own pruning; or, to show what the safeguards prevent, the store with a
    one-hour cutoff and no "already sent" look-back (the setting cannot ask for that)."""
    if unsafe:
        return await bot.store.prune_deliveries(
            bot.clock() - timedelta(hours=1), sent_lookback=timedelta(0), limit=1000
        )
    return await bot.outbox.prune()


class SentLedger:
    """Every SENT row ever seen, gathered before each prune deletes some."""

    def __init__(self, store: BotStore) -> None:
        self._store = store
        self.keys: dict[str, str] = {}  # row id -> idempotency key

    async def gather(self) -> None:
        for delivery in await self._store.deliveries([DeliveryStatus.SENT]):
            self.keys[delivery.id] = delivery.idempotency_key

    def repeated(self) -> list[str]:
        return [key for key, count in Counter(self.keys.values()).items() if count > 1]


async def zone_change_after_pruning(store: BotStore, clock: Clock, *, unsafe: bool) -> tuple[SentLedger, list, int]:
    """Twelve daily digests at 08:00 on Kiritimati (UTC+14); the bot stops just after the last
    one and prunes; while it is down the subscriber moves to 23:00 in Pago Pago (UTC-11), where
    the same local dates come about 39 hours later; the bot restarts two hours after the first of
    those slots (so the start-up catch-up queues it) and runs three more days, pruning every 6 h."""
    adapter = RecordingAdapter(clock)
    ledger = SentLedger(store)
    pruned = 0
    clock.set(utc(2025, 5, 1, 0, 0))
    async with delivery_bot(store, clock, adapter, delivery_retention_days=MIN_DAYS) as bot:
        subscription = await store.upsert_subscription(
            make_subscription(clock, chat_id="9", zone="Pacific/Kiritimati", at="08:00", send_empty=True)
        )
        await bot.scheduler.subscription_changed(subscription)
        await run_until(bot, utc(2025, 5, 12, 18, 30), step=timedelta(hours=12))
        assert len(adapter.sent) == 12
        await ledger.gather()
        pruned += await prune(bot, unsafe)
    # as /subscribe does: the same subscription, its last digest kept
    existing = await store.subscription_for_chat("telegram", "9")
    assert existing is not None
    await store.upsert_subscription(replace(existing, timezone="Pacific/Pago_Pago", local_time=time(23, 0)))
    clock.set(utc(2025, 5, 13, 12, 0))  # 23:00 on 12 May in Pago Pago was 10:00 UTC on 13 May
    async with delivery_bot(store, clock, adapter, delivery_retention_days=MIN_DAYS) as bot:
        await bot.tick()  # the catch-up
        while clock() < utc(2025, 5, 16, 12, 0):
            await ledger.gather()
            pruned += await prune(bot, unsafe)
            await run_until(bot, clock() + timedelta(hours=6), step=timedelta(hours=6))
        await ledger.gather()
    return ledger, adapter.sent, pruned


async def test_a_pruned_period_is_not_delivered_again_when_the_scheduler_catches_up(
    sql_store: BotStore, clock: Clock
) -> None:
    ledger, sent, pruned = await zone_change_after_pruning(sql_store, clock, unsafe=False)
    assert pruned >= 3  # rows did go: the first three days were older than the retention
    assert ledger.repeated() == []
    assert len(ledger.keys) == len(sent) == 12 + 2  # Pago Pago's 14 and 15 May; 12 and 13 May went already
    assert [s.at for s in sent[12:]] == [utc(2025, 5, 15, 10, 0), utc(2025, 5, 16, 10, 0)]
    oldest = min(d.period_end for d in await sql_store.deliveries())
    assert oldest >= clock() - timedelta(days=MIN_DAYS)


async def test_the_same_catch_up_sends_a_day_twice_with_an_unsafe_cutoff(fake_store: BotStore, clock: Clock) -> None:
    """The control: the scenario above does catch a too-short retention."""
    ledger, sent, _ = await zone_change_after_pruning(fake_store, clock, unsafe=True)
    assert ledger.repeated() != []
    assert len(sent) > 12 + 2


async def quiet_spell_after_pruning(store: BotStore, clock: Clock, *, unsafe: bool) -> tuple[str, Sequence[Any]]:
    """A harbour-only subscriber gets two stories on two mornings, then nothing for a fortnight
    (a "nothing new" row a day, pruned daily). Then the first story gains a fact."""
    clock.set(utc(2025, 5, 1, 6, 0))  # 07:00 BST
    async with delivery_bot(store, clock, delivery_retention_days=MIN_DAYS) as bot:
        subscription = await store.upsert_subscription(
            make_subscription(clock, chat_id="8", topics=("harbour",))
        )
        await bot.scheduler.subscription_changed(subscription)
        first = await publish_story(bot.newsroom, "harbour")
        await run_until(bot, utc(2025, 5, 1, 12, 0))
        await publish_story(bot.newsroom, "harbour")
        await run_until(bot, utc(2025, 5, 2, 12, 0))
        assert len(bot.adapter.sent) == 2
        for _ in range(14):
            await run_until(bot, clock() + timedelta(days=1), step=timedelta(hours=12))
            await prune(bot, unsafe)
        assert len(bot.adapter.sent) == 2
        if not unsafe:  # "nothing new" rows older than the retention went; the rest are kept
            skipped = await store.deliveries([DeliveryStatus.SKIPPED])
            assert len(skipped) == MIN_DAYS
            assert all(d.period_end >= clock() - timedelta(days=MIN_DAYS) for d in skipped)
        await bot.newsroom.add_fact(first.id, "Ada Quill chairs the harbour board", added_by="telegram:42")
        await run_until(bot, clock() + timedelta(days=1), step=timedelta(hours=12))
        return first.id, bot.adapter.sent[2:]


async def test_a_story_sent_before_a_quiet_fortnight_still_comes_back_as_an_update(
    sql_store: BotStore, clock: Clock
) -> None:
    story_id, later = await quiet_spell_after_pruning(sql_store, clock, unsafe=False)
    [update] = later
    assert update.story_ids == [story_id]
    assert update.reply.updated_story_ids == frozenset({story_id})
    assert "Ada Quill" in update.reply.plain_text()


async def test_without_the_look_back_the_update_would_be_lost(fake_store: BotStore, clock: Clock) -> None:
    """The control: pruning the row "already sent" reads loses the story's new fact."""
    _, later = await quiet_spell_after_pruning(fake_store, clock, unsafe=True)
    assert later == []
