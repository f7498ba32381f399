"""The delivery queries behind fan-out and /stats, on SQLite, PostgreSQL and the fake: "already
sent" bounded by time, counts by status without loading rows, the newest failures first."""

from __future__ import annotations

from datetime import timedelta

from delivery_helpers import Clock, delivery_row, make_subscription, utc

from briefings.models import Delivery, DeliveryStatus
from briefings.ports import BotStore

DAY = utc(2025, 6, 2, 7, 0)


async def add_delivery(
    store: BotStore, subscription_id: str, key: str, period_end, status, **fields
) -> Delivery:
    delivery, _ = await store.create_delivery(
        delivery_row(
            subscription_id,
            key,
            period_end,
            status,
            last_error=fields.get("last_error"),
            story_ids=tuple(fields.get("story_ids", ())),
            sent_at=fields.get("sent_at"),
        )
    )
    return delivery


async def check_queries(store: BotStore, clock: Clock) -> None:
    first = await store.upsert_subscription(make_subscription(clock, chat_id="11"))
    second = await store.upsert_subscription(make_subscription(clock, chat_id="12"))
    await add_delivery(store, first.id, "a", DAY - timedelta(days=9), DeliveryStatus.SENT, story_ids=["1"])
    await add_delivery(
        store, first.id, "b", DAY - timedelta(days=1), DeliveryStatus.SENT, story_ids=["2", "3"]
    )
    await add_delivery(store, second.id, "c", DAY - timedelta(days=1), DeliveryStatus.SENT, story_ids=["3"])
    await add_delivery(
        store, second.id, "d", DAY - timedelta(days=2), DeliveryStatus.SKIPPED, story_ids=["4"]
    )
    quiet = "nothing new since the last digest"
    await add_delivery(store, first.id, "e", DAY, DeliveryStatus.SKIPPED, last_error=quiet)
    await add_delivery(
        store, second.id, "f", DAY, DeliveryStatus.SKIPPED, last_error="gave up after 3 attempts"
    )
    await add_delivery(
        store, second.id, "g", DAY + timedelta(hours=1), DeliveryStatus.FAILED, last_error="boom"
    )
    await add_delivery(
        store, first.id, "h", DAY - timedelta(days=3), DeliveryStatus.FAILED, last_error="old boom"
    )

    week_ago = DAY - timedelta(days=7)
    assert await store.sent_story_ids([first.id], week_ago) == {first.id: {"2", "3"}}
    assert await store.sent_story_ids(None, week_ago) == {first.id: {"2", "3"}, second.id: {"3"}}
    assert await store.sent_story_ids([second.id], DAY) == {}

    today = await store.count_deliveries(since=DAY)
    assert today == {DeliveryStatus.SKIPPED: 2, DeliveryStatus.FAILED: 1}
    assert await store.count_deliveries(statuses=[DeliveryStatus.FAILED]) == {DeliveryStatus.FAILED: 2}
    quiet_left_out = await store.count_deliveries(
        since=DAY, statuses=[DeliveryStatus.SKIPPED], exclude_error_prefix="nothing new"
    )
    assert quiet_left_out == {DeliveryStatus.SKIPPED: 1}

    failed = await store.recent_deliveries([DeliveryStatus.FAILED], limit=5)
    assert [d.idempotency_key for d in failed] == ["g", "h"]  # newest first
    assert [d.idempotency_key for d in await store.recent_deliveries([DeliveryStatus.FAILED], limit=1)] == [
        "g"
    ]
    skipped = await store.recent_deliveries(
        [DeliveryStatus.SKIPPED], since=DAY, exclude_error_prefix="nothing new"
    )
    assert [d.idempotency_key for d in skipped] == ["f"]
    # A prefix is matched literally: "_" and "%" are not wildcards.
    assert await store.count_deliveries(
        statuses=[DeliveryStatus.SKIPPED], exclude_error_prefix="nothing_new"
    ) == {DeliveryStatus.SKIPPED: 3}


async def test_delivery_queries_on_sql(sql_store: BotStore, clock: Clock) -> None:
    await check_queries(sql_store, clock)


async def test_delivery_queries_on_the_fake(fake_store: BotStore, clock: Clock) -> None:
    await check_queries(fake_store, clock)
