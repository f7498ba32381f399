"""Claiming deliveries atomically, on SQLite, PostgreSQL and the fake: of two workers racing for a
row exactly one gets it; a claim holds under a lease; only expired leases are taken back; two
outboxes sharing one database send every digest once."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

from delivery_helpers import Clock, RecordingAdapter, delivery_row, make_subscription, settings, utc

from bot.delivery import Outbox, RetryPolicy
from bot.digests import DigestComposer
from briefings.models import Delivery, DeliveryStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore

EIGHT = utc(2025, 6, 2, 7, 0)
LEASE = timedelta(seconds=30)


async def add_due(store: BotStore, clock: Clock, chat_id: str, key: str) -> Delivery:
    subscription = await store.upsert_subscription(make_subscription(clock, chat_id=chat_id, send_empty=True))
    delivery, _ = await store.create_delivery(delivery_row(subscription.id, key, EIGHT, DeliveryStatus.PENDING))
    return delivery


async def check_claims(store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    row = await add_due(store, clock, "31", "claims:a")
    assert await store.claim_delivery(row.id, EIGHT - timedelta(seconds=1)) is None  # not due yet
    claimed = await store.claim_delivery(row.id, EIGHT, lease_until=EIGHT + LEASE)
    assert claimed is not None and claimed.id == row.id
    assert claimed.status is DeliveryStatus.SENDING and claimed.attempts == 1
    assert claimed.next_attempt_at == EIGHT + LEASE
    assert await store.claim_delivery(row.id, EIGHT) is None  # taken
    assert await store.claim_delivery("999999", EIGHT) is None
    assert await store.claim_delivery("x", EIGHT) is None

    # The holder renews; a live lease is not taken back, an expired one is.
    assert await store.renew_claims([row.id], EIGHT + 2 * LEASE) == 1
    assert await store.requeue_stale_deliveries(EIGHT + LEASE, "stale") == 0
    assert await store.requeue_stale_deliveries(EIGHT + 2 * LEASE + timedelta(seconds=1), "stale") == 1
    [again] = [d for d in await store.deliveries() if d.id == row.id]
    assert again.status is DeliveryStatus.PENDING and again.next_attempt_at is None
    assert again.last_error == "stale" and again.attempts == 1
    assert await store.renew_claims([row.id], EIGHT + 3 * LEASE) == 0  # no longer SENDING

    # A failed row is claimable once its retry time has come, and counts its attempts.
    await store.mark_delivery(row.id, DeliveryStatus.FAILED, error="boom", next_attempt_at=EIGHT + LEASE)
    assert await store.claim_delivery(row.id, EIGHT + LEASE - timedelta(seconds=1)) is None
    retried = await store.claim_delivery(row.id, EIGHT + LEASE)
    assert retried is not None and retried.attempts == 2 and retried.next_attempt_at is None
    # A row left SENDING without a lease (an older bot, or a crash before leases) is stale at once.
    assert await store.requeue_stale_deliveries(EIGHT, "stale") == 1

    await store.mark_delivery(row.id, DeliveryStatus.SENT)
    assert await store.claim_delivery(row.id, EIGHT + LEASE) is None  # never claimed again once sent


async def test_claims_on_sql(sql_store: BotStore, clock: Clock) -> None:
    await check_claims(sql_store, clock)


async def test_claims_on_the_fake(fake_store: BotStore, clock: Clock) -> None:
    await check_claims(fake_store, clock)


async def test_racing_claims_give_a_row_to_exactly_one(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    rows = [await add_due(sql_store, clock, str(40 + number), f"race:{number}") for number in range(5)]
    for row in rows:
        results = await asyncio.gather(
            *(sql_store.claim_delivery(row.id, EIGHT, lease_until=EIGHT + LEASE) for _ in range(6))
        )
        assert sum(result is not None for result in results) == 1


def outbox_on(store: BotStore, clock: Clock, adapter: RecordingAdapter, seed: int) -> Outbox:
    newsroom = Newsroom(store, clock=clock)
    return Outbox(
        store,
        {adapter.platform: adapter},
        DigestComposer(newsroom, store),
        settings(),
        clock,
        concurrency=4,
        retry=RetryPolicy(),
        rng=random.Random(seed),
    )


async def test_two_outboxes_on_one_database_send_each_digest_once(sql_store: BotStore, clock: Clock) -> None:
    """Two bot processes, in miniature: each claims what it sends, and no chat gets two digests."""
    clock.set(EIGHT)
    chats = [str(100 + number) for number in range(24)]
    for chat in chats:
        await add_due(sql_store, clock, chat, f"two:{chat}")
    first, second = RecordingAdapter(clock), RecordingAdapter(clock)
    one, other = outbox_on(sql_store, clock, first, 1), outbox_on(sql_store, clock, second, 2)
    await asyncio.gather(one.process_due(), other.process_due())
    received = [sent.chat.chat_id for sent in first.sent + second.sent]
    assert sorted(received) == sorted(chats)  # every chat once, whichever process sent it
    rows = await sql_store.deliveries()
    assert {row.status for row in rows} == {DeliveryStatus.SENT}
    assert {row.attempts for row in rows} == {1}


async def test_starting_a_second_outbox_leaves_rows_another_one_holds(
    sql_store: BotStore, clock: Clock
) -> None:
    clock.set(EIGHT)
    row = await add_due(sql_store, clock, "77", "held")
    # What a live process sending it looks like: claimed, lease running.
    assert await sql_store.claim_delivery(row.id, EIGHT, lease_until=EIGHT + LEASE) is not None
    adapter = RecordingAdapter(clock)
    outbox = outbox_on(sql_store, clock, adapter, 3)
    assert await outbox.recover() == 0
    await outbox.process_due()
    assert adapter.sent == []  # not ours to send while its lease runs
    # The holder died: nobody renews, the lease runs out, and it is sent once.
    clock.set(EIGHT + LEASE + timedelta(seconds=1))
    assert await outbox.recover() == 1
    await outbox.process_due()
    assert [sent.chat.chat_id for sent in adapter.sent] == ["77"]
    [row] = await sql_store.deliveries()
    assert row.status is DeliveryStatus.SENT and row.attempts == 2
