"""Subscriptions and the delivery outbox on each backend."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest
from storage_builders import T0, delivery, subscription

from briefings.models import DeliveryStatus, SubscriptionStatus
from briefings.ports import NotFound
from storage import SqlStore


async def test_upsert_creates_then_replaces_the_same_chat(store: SqlStore) -> None:
    created = await store.upsert_subscription(subscription("100", topics=("politics",)))
    assert created.id and created.thread_id is None
    assert created.local_time == time(7, 30)
    assert created.topics == ("politics",)
    assert created.status is SubscriptionStatus.ACTIVE
    assert created.created_at == T0

    replaced = await store.upsert_subscription(
        subscription("100", at=time(18, 5), topics=(), created_at=T0 + timedelta(days=1))
    )
    assert replaced.id == created.id
    assert replaced.local_time == time(18, 5)
    assert replaced.topics == ()
    assert replaced.created_at == T0  # the row keeps when it was first made
    assert await store.subscription_for_chat("telegram", "100") == replaced
    assert len(await store.subscriptions()) == 1


async def test_threads_and_platforms_are_separate_subscriptions(store: SqlStore) -> None:
    plain = await store.upsert_subscription(subscription("100"))
    threaded = await store.upsert_subscription(subscription("100", thread_id="7"))
    discord = await store.upsert_subscription(subscription("100", platform="discord"))
    assert len({plain.id, threaded.id, discord.id}) == 3
    assert threaded.thread_id == "7"
    assert (await store.subscription_for_chat("telegram", "100", "7")) == threaded
    assert (await store.subscription_for_chat("telegram", "100", None)) == plain
    assert (await store.subscription_for_chat("telegram", "100", "8")) is None
    assert (await store.subscription_for_chat("telegram", "999")) is None


async def test_concurrent_upserts_leave_one_row(store: SqlStore) -> None:
    results = await asyncio.gather(*(store.upsert_subscription(subscription("55")) for _ in range(4)))
    assert len({result.id for result in results}) == 1
    assert len(await store.subscriptions()) == 1


async def test_pause_resume_and_delete(store: SqlStore) -> None:
    one = await store.upsert_subscription(subscription("1"))
    two = await store.upsert_subscription(subscription("2"))
    await store.pause_subscription(one.id, "bot was blocked")
    paused = await store.subscription_for_chat("telegram", "1")
    assert paused is not None
    assert (paused.status, paused.paused_reason) == (SubscriptionStatus.PAUSED, "bot was blocked")
    assert [s.id for s in await store.subscriptions()] == [two.id]
    assert [s.id for s in await store.subscriptions(active_only=False)] == [one.id, two.id]

    await store.resume_subscription(one.id)
    resumed = await store.subscription_for_chat("telegram", "1")
    assert resumed is not None and resumed.status is SubscriptionStatus.ACTIVE
    assert resumed.paused_reason is None

    await store.create_delivery(delivery(two.id, "two:2025-03-01"))
    assert await store.delete_subscription(two.id) is True
    assert await store.delete_subscription(two.id) is False
    assert await store.delete_subscription("abc") is False
    assert await store.deliveries() == []  # its outbox rows went with it

    for bad in ("abc", "4242"):
        with pytest.raises(NotFound, match="no subscription"):
            await store.pause_subscription(bad, "x")
        with pytest.raises(NotFound, match="no subscription"):
            await store.resume_subscription(bad)


async def test_move_chat_moves_every_row_of_the_old_chat(store: SqlStore) -> None:
    await store.upsert_subscription(subscription("-100"))
    await store.upsert_subscription(subscription("-100", thread_id="3"))
    other = await store.upsert_subscription(subscription("-100", platform="discord"))
    assert await store.move_chat("telegram", "-100", "-1001234") == 2
    assert await store.subscription_for_chat("telegram", "-100") is None
    assert await store.subscription_for_chat("telegram", "-1001234") is not None
    assert await store.subscription_for_chat("telegram", "-1001234", "3") is not None
    assert await store.subscription_for_chat("discord", "-100") == other
    assert await store.move_chat("telegram", "-100", "-1001234") == 0


async def test_move_chat_onto_a_chat_that_already_subscribed(store: SqlStore) -> None:
    await store.upsert_subscription(subscription("old", at=time(6, 0)))
    newer = await store.upsert_subscription(subscription("new", at=time(9, 0)))
    assert await store.move_chat("telegram", "old", "new") == 0
    assert await store.subscription_for_chat("telegram", "new") == newer
    assert len(await store.subscriptions()) == 1


async def test_idempotency_key_makes_one_delivery(store: SqlStore) -> None:
    sub = await store.upsert_subscription(subscription())
    first, new = await store.create_delivery(delivery(sub.id, "k1"))
    assert new is True
    assert first.subscription_id == sub.id and first.status is DeliveryStatus.PENDING
    again, new_again = await store.create_delivery(delivery(sub.id, "k1", due_at=T0 + timedelta(days=9)))
    assert new_again is False
    assert again == first

    results = await asyncio.gather(*(store.create_delivery(delivery(sub.id, "k2")) for _ in range(4)))
    assert sum(1 for _, is_new in results if is_new) == 1
    assert len({row.id for row, _ in results}) == 1
    assert len(await store.deliveries()) == 2


async def test_delivery_for_unknown_subscription_is_not_found(store: SqlStore) -> None:
    for bad in ("abc", "31337"):
        with pytest.raises(NotFound, match="no subscription"):
            await store.create_delivery(delivery(bad, f"k-{bad}"))


async def test_due_deliveries_and_retries(store: SqlStore) -> None:
    sub = await store.upsert_subscription(subscription())
    due, _ = await store.create_delivery(delivery(sub.id, "due", due_at=T0))
    later, _ = await store.create_delivery(delivery(sub.id, "later", due_at=T0 + timedelta(hours=3)))
    earliest, _ = await store.create_delivery(delivery(sub.id, "earliest", due_at=T0 - timedelta(hours=1)))
    assert [d.id for d in await store.due_deliveries(T0)] == [earliest.id, due.id]
    assert [d.id for d in await store.due_deliveries(T0, limit=1)] == [earliest.id]

    sending = await store.mark_delivery(due.id, DeliveryStatus.SENDING)
    assert (sending.status, sending.attempts) == (DeliveryStatus.SENDING, 1)
    assert [d.id for d in await store.due_deliveries(T0)] == [earliest.id]
    retry_at = T0 + timedelta(minutes=10)
    failed = await store.mark_delivery(due.id, DeliveryStatus.FAILED, error="timed out", next_attempt_at=retry_at)
    assert (failed.last_error, failed.next_attempt_at, failed.attempts) == ("timed out", retry_at, 1)
    assert due.id not in {d.id for d in await store.due_deliveries(T0)}
    assert [d.id for d in await store.due_deliveries(T0 + timedelta(minutes=10))] == [earliest.id, due.id]
    assert later.id in {d.id for d in await store.due_deliveries(T0 + timedelta(hours=3))}

    assert [d.id for d in await store.deliveries([DeliveryStatus.FAILED])] == [due.id]
    assert len(await store.deliveries(subscription_id=sub.id)) == 3
    assert await store.deliveries(subscription_id="abc") == []


async def test_marking_sent_moves_last_digest_at_forward_only(store: SqlStore) -> None:
    sub = await store.upsert_subscription(subscription())
    end = T0 + timedelta(days=1)
    today, _ = await store.create_delivery(delivery(sub.id, "d2", period_start=T0, period_end=end))
    yesterday, _ = await store.create_delivery(delivery(sub.id, "d1", period_end=T0))

    sent_at = end + timedelta(minutes=1)
    sent = await store.mark_delivery(today.id, DeliveryStatus.SENT, sent_at=sent_at, story_ids=["3", "1"])
    assert (sent.status, sent.sent_at, sent.story_ids) == (DeliveryStatus.SENT, sent_at, ("3", "1"))
    after = await store.subscription_for_chat("telegram", sub.chat_id)
    assert after is not None and after.last_digest_at == end

    late = await store.mark_delivery(yesterday.id, DeliveryStatus.SENT)
    assert late.sent_at is not None  # dated by the store's clock when not given
    after_late = await store.subscription_for_chat("telegram", sub.chat_id)
    assert after_late is not None and after_late.last_digest_at == end

    # Replacing the subscription does not forget when it last got a digest.
    replaced = await store.upsert_subscription(subscription(at=time(20, 0)))
    assert replaced.last_digest_at == end


@pytest.mark.parametrize("delivery_id", ["abc", "8080", ""])
async def test_mark_unknown_delivery_is_not_found(store: SqlStore, delivery_id: str) -> None:
    with pytest.raises(NotFound, match="no delivery"):
        await store.mark_delivery(delivery_id, DeliveryStatus.SENT)
