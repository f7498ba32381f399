"""Pruning the delivery outbox on each backend (and on the in-memory fake, which must agree):
old finished rows go, a batch at a time; unfinished rows, recent rows and the SENT rows that
"already sent" still reads stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from clock import ManualClock
from fakes import FakeStore
from storage_builders import T0, delivery, subscription

from briefings.models import Delivery, DeliveryStatus
from briefings.ports import BotStore
from storage import SqlStore

NOW = T0 + timedelta(days=60)
RETENTION = timedelta(days=30)
BEFORE = NOW - RETENTION
LOOKBACK = timedelta(days=7)
QUIET_LAST = NOW - timedelta(days=50)  # a quiet subscriber's last digest, long before the cutoff


async def add(
    store: BotStore,
    subscription_id: str,
    key: str,
    period_end: datetime,
    status: DeliveryStatus,
    *,
    sent_at: datetime | None = None,
    story_ids: tuple[str, ...] = (),
) -> Delivery:
    if status is DeliveryStatus.SENT and sent_at is None:
        sent_at = period_end + timedelta(minutes=1)
    row, created = await store.create_delivery(
        replace(
            delivery(subscription_id, key, due_at=period_end, period_end=period_end, status=status),
            sent_at=sent_at,
            story_ids=story_ids,
            created_at=period_end,
        )
    )
    assert created
    return row


async def keys(store: BotStore) -> set[str]:
    return {d.idempotency_key for d in await store.deliveries()}


async def seed(store: BotStore) -> tuple[str, str]:
    """A daily subscriber (last digest yesterday) and a quiet one (last digest 50 days ago)."""
    daily = await store.upsert_subscription(subscription("1", last_digest_at=NOW - timedelta(days=1)))
    quiet = await store.upsert_subscription(subscription("2", last_digest_at=QUIET_LAST))
    day = timedelta(days=1)
    await add(store, daily.id, "old sent", NOW - 40 * day, DeliveryStatus.SENT, story_ids=("1",))
    await add(store, daily.id, "old skipped", NOW - 35 * day, DeliveryStatus.SKIPPED)
    await add(store, daily.id, "old paused", BEFORE - timedelta(minutes=1), DeliveryStatus.PAUSED)
    await add(store, daily.id, "old pending", NOW - 45 * day, DeliveryStatus.PENDING)
    await add(store, daily.id, "old failed", NOW - 45 * day, DeliveryStatus.FAILED)
    await add(store, daily.id, "old sending", NOW - 45 * day, DeliveryStatus.SENDING)
    # due before the cutoff but sent after it: still counts as recent
    await add(store, daily.id, "sent late", BEFORE - timedelta(hours=1), DeliveryStatus.SENT,
              sent_at=BEFORE + timedelta(minutes=5))
    await add(store, daily.id, "just inside", BEFORE + timedelta(minutes=1), DeliveryStatus.SKIPPED)
    await add(store, daily.id, "yesterday", NOW - day, DeliveryStatus.SENT, story_ids=("2",))
    # The quiet subscriber's next digest reads its SENT rows of the week before QUIET_LAST.
    await add(store, quiet.id, "quiet last", QUIET_LAST, DeliveryStatus.SENT, story_ids=("3",))
    await add(store, quiet.id, "quiet week", QUIET_LAST - LOOKBACK + timedelta(minutes=1),
              DeliveryStatus.SENT, story_ids=("4",))
    await add(store, quiet.id, "quiet older", QUIET_LAST - LOOKBACK - timedelta(hours=1),
              DeliveryStatus.SENT, story_ids=("5",))
    await add(store, quiet.id, "quiet skipped", QUIET_LAST - day, DeliveryStatus.SKIPPED)
    return daily.id, quiet.id


KEPT = {
    "old pending", "old failed", "old sending", "sent late", "just inside", "yesterday",
    "quiet last", "quiet week",
}
PRUNED = {"old sent", "old skipped", "old paused", "quiet older", "quiet skipped"}


async def check_prune_keeps_what_is_needed(store: BotStore) -> None:
    daily, quiet = await seed(store)
    assert await keys(store) == KEPT | PRUNED

    async def already_sent() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """What each subscriber's next digest reads: SENT in the week before its last digest."""
        return (
            await store.sent_story_ids([daily], NOW - timedelta(days=1) - LOOKBACK),
            await store.sent_story_ids([quiet], QUIET_LAST - LOOKBACK),
        )

    read_before = await already_sent()
    today = await store.count_deliveries(since=NOW - timedelta(days=1))
    failing = await store.recent_deliveries([DeliveryStatus.FAILED])

    assert await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK, limit=100) == len(PRUNED)
    assert await keys(store) == KEPT
    assert await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK, limit=100) == 0
    # nothing a digest or /stats reads changed
    assert await already_sent() == read_before == ({daily: {"2"}}, {quiet: {"3", "4"}})
    assert await store.count_deliveries(since=NOW - timedelta(days=1)) == today
    assert await store.recent_deliveries([DeliveryStatus.FAILED]) == failing

    # Once the quiet subscriber gets a digest again, its old rows are no longer read.
    await store.mark_delivery(
        (await add(store, quiet, "quiet again", NOW, DeliveryStatus.PENDING)).id, DeliveryStatus.SENT
    )
    assert await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK, limit=100) == 2
    assert await keys(store) == (KEPT - {"quiet last", "quiet week"}) | {"quiet again"}


async def test_prune_deletes_old_finished_rows_and_keeps_what_is_needed(store: SqlStore) -> None:
    await check_prune_keeps_what_is_needed(store)


async def test_the_fake_prunes_like_the_sql_store(clock: ManualClock) -> None:
    await check_prune_keeps_what_is_needed(FakeStore(clock=clock))


async def check_batches(store: BotStore) -> None:
    sub = await store.upsert_subscription(subscription("1", last_digest_at=NOW))
    for number in range(25):
        status = DeliveryStatus.SENT if number % 2 else DeliveryStatus.SKIPPED
        await add(store, sub.id, f"old {number}", BEFORE - timedelta(hours=number + 1), status)
    await add(store, sub.id, "recent", NOW, DeliveryStatus.SENT)
    removed = []
    for _ in range(4):
        removed.append(await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK, limit=10))
    assert removed == [10, 10, 5, 0]
    assert await keys(store) == {"recent"}
    assert await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK, limit=0) == 0


async def test_prune_removes_at_most_one_batch_per_call(store: SqlStore) -> None:
    await check_batches(store)


async def test_the_fake_prunes_in_batches_too(clock: ManualClock) -> None:
    await check_batches(FakeStore(clock=clock))


@pytest.mark.parametrize("status", [DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED])
async def test_unfinished_rows_are_never_pruned_however_old(store: SqlStore, status: DeliveryStatus) -> None:
    sub = await store.upsert_subscription(subscription("1"))
    await add(store, sub.id, "ancient", T0 - timedelta(days=400), status)
    assert await store.prune_deliveries(NOW, sent_lookback=timedelta(0), limit=100) == 0
    assert await keys(store) == {"ancient"}


async def test_rows_of_a_subscription_without_a_last_digest_go_by_age(store: SqlStore) -> None:
    sub = await store.upsert_subscription(subscription("1"))
    await add(store, sub.id, "skipped", BEFORE - timedelta(days=1), DeliveryStatus.SKIPPED)
    await add(store, sub.id, "recent skipped", NOW, DeliveryStatus.SKIPPED)
    assert await store.prune_deliveries(BEFORE, sent_lookback=LOOKBACK) == 1
    assert await keys(store) == {"recent skipped"}
