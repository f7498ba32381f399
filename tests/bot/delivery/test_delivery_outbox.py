"""The durable outbox on SQLite and PostgreSQL: content chosen at send time, failures, retries,
rate limits and recovery after a crash."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from delivery_helpers import Bot, Clock, RecordingAdapter, delivery_bot, make_subscription, publish_story, utc

from bot.adapters.base import ChatMoved, RateLimited, RecipientGone, TemporaryFailure
from bot.delivery import Outbox, RetryPolicy
from bot.digests import DigestComposer
from bot.messages import ChatRef, Reply
from bot.ratelimit import RateLimiter
from briefings.models import DeliveryStatus, Subscription, SubscriptionStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore

T0 = utc(2025, 6, 2, 6, 0)  # 07:00 BST, an hour before the 08:00 digests
EIGHT = utc(2025, 6, 2, 7, 0)


async def subscribe(store: BotStore, clock: Clock, chat_id: str = "5", **options: object):
    subscription = make_subscription(clock, chat_id=chat_id, **options)  # type: ignore[arg-type]
    return await store.upsert_subscription(subscription)


async def test_enqueue_is_idempotent_per_period(sql_store: BotStore, clock: Clock) -> None:
    clock.set(T0)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock)
        first = await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        again = await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        assert first.id == again.id and first.idempotency_key == f"{subscription.id}:2025-06-02"
        assert len(await sql_store.deliveries()) == 1


async def test_digest_since_the_last_one_ordered_and_recorded(sql_store: BotStore, clock: Clock) -> None:
    clock.set(T0)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, topics=("harbour", "canal"))
        # a story from before the last digest is old news, however recent
        old = await publish_story(bot.newsroom, "canal")
        clock.advance(minutes=1)
        earlier = await bot.outbox.enqueue(
            subscription, clock(), clock(), idempotency_key="an earlier period"
        )
        await sql_store.mark_delivery(earlier.id, DeliveryStatus.SENT)
        clock.advance(minutes=10)
        fresh = await publish_story(bot.newsroom, "harbour")
        other_topic = await publish_story(bot.newsroom, "tramway")
        clock.set(EIGHT)
        delivery = await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await bot.outbox.process_due()
        [sent] = bot.adapter.sent
        assert sent.story_ids == [fresh.id]
        assert old.id not in sent.story_ids and other_topic.id not in sent.story_ids
        [row] = [d for d in await sql_store.deliveries([DeliveryStatus.SENT]) if d.id == delivery.id]
        assert row.story_ids == (fresh.id,) and row.attempts == 1 and row.sent_at == EIGHT
        refreshed = await sql_store.subscription_for_chat("telegram", "5")
        assert refreshed is not None and refreshed.last_digest_at == EIGHT


async def test_a_briefing_withdrawn_before_sending_is_left_out(sql_store: BotStore, clock: Clock) -> None:
    clock.set(T0)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock)
        kept = await publish_story(bot.newsroom, "orchard")
        withdrawn = await publish_story(bot.newsroom, "quarry")
        clock.set(EIGHT)
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)  # queued while both were published
        await bot.newsroom.withdraw(withdrawn.id, actor="telegram:42", reason="wrong town")
        await bot.outbox.process_due()
        [sent] = bot.adapter.sent
        assert sent.story_ids == [kept.id]
        [row] = await sql_store.deliveries([DeliveryStatus.SENT])
        assert row.story_ids == (kept.id,)


async def digests_around_an_update(bot: Bot, clock: Clock, subscription: Subscription, *, another_story: bool):
    """Send today's digest with a story, give that story a new fact (and, if asked, publish another
    story), then send tomorrow's digest. Returns the story, the new fact, the other story, tomorrow's send."""
    story = await publish_story(bot.newsroom, "glacier")
    await bot.newsroom.add_fact(story.id, "Tom Reed chairs the glacier board", added_by="telegram:42")
    clock.set(EIGHT)
    await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
    await bot.outbox.process_due()
    clock.advance(hours=5)
    new_fact = await bot.newsroom.add_fact(story.id, "Maria Lopez leads the glacier council", added_by="telegram:42")
    other = await publish_story(bot.newsroom, "lantern") if another_story else None
    tomorrow = EIGHT + timedelta(days=1)
    clock.set(tomorrow)
    await bot.outbox.enqueue(subscription, tomorrow, tomorrow)
    await bot.outbox.process_due()
    return story, new_fact, other, bot.adapter.sent[1]


async def test_an_updated_story_comes_back_once_marked_updated(sql_store: BotStore, clock: Clock) -> None:
    clock.set(T0)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock)
        story, _, other, second = await digests_around_an_update(bot, clock, subscription, another_story=True)
        assert other is not None
        assert sorted(second.story_ids) == sorted([story.id, other.id])  # the update appears once
        assert second.reply.updated_story_ids == frozenset({story.id})
        assert "(updated)" in second.reply.plain_text()
        assert "Maria Lopez" in second.reply.plain_text()


async def test_an_updated_story_carries_only_its_new_facts(sql_store: BotStore, clock: Clock) -> None:
    clock.set(T0)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock)
        _, new_fact, _, second = await digests_around_an_update(bot, clock, subscription, another_story=False)
        [card] = second.reply.cards
        assert [f.id for f in card.facts] == [new_fact.id]
        assert "Tom Reed" not in second.reply.plain_text()


async def test_nothing_new_sends_nothing_unless_asked(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        quiet = await subscribe(sql_store, clock, chat_id="5")
        always = await subscribe(sql_store, clock, chat_id="6", send_empty=True)
        await bot.outbox.enqueue(quiet, EIGHT, EIGHT)
        await bot.outbox.enqueue(always, EIGHT, EIGHT)
        await bot.outbox.process_due()
        assert bot.adapter.to("5") == []
        [empty] = bot.adapter.to("6")
        assert "Nothing new" in empty.reply.plain_text()
        statuses = {d.subscription_id: d for d in await sql_store.deliveries()}
        assert statuses[quiet.id].status is DeliveryStatus.SKIPPED
        assert statuses[quiet.id].last_error == "nothing new since the last digest"
        assert statuses[always.id].status is DeliveryStatus.SENT


async def test_a_blocked_bot_pauses_the_subscription_with_the_reason(
    sql_store: BotStore, clock: Clock
) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        bot.adapter.fail("5", RecipientGone("Forbidden: bot was blocked by the user"))
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await bot.outbox.process_due()
        assert bot.adapter.sent == []
        paused = await sql_store.subscription_for_chat("telegram", "5")
        assert paused is not None and paused.status is SubscriptionStatus.PAUSED
        assert "blocked by the user" in (paused.paused_reason or "")
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.PAUSED and "blocked" in (row.last_error or "")
        clock.advance(days=1)
        await bot.outbox.process_due()
        assert bot.adapter.calls == 1  # never retried


async def test_a_moved_chat_is_updated_and_the_digest_resent_there(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, chat_id="-100", send_empty=True)
        bot.adapter.fail("-100", ChatMoved("-1009999"))
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await bot.outbox.process_due()
        assert [s.chat.chat_id for s in bot.adapter.sent] == ["-1009999"]
        moved = await sql_store.subscription_for_chat("telegram", "-1009999")
        assert moved is not None and moved.id == subscription.id
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.SENT
        # the next digest goes straight to the new chat
        tomorrow = EIGHT + timedelta(days=1)
        clock.set(tomorrow)
        await bot.outbox.enqueue(moved, tomorrow, tomorrow)
        await bot.outbox.process_due()
        assert [s.chat.chat_id for s in bot.adapter.sent] == ["-1009999", "-1009999"]


async def test_a_429_is_honoured_and_the_digest_is_not_lost(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        bot.adapter.fail("5", RateLimited(7))
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await bot.outbox.process_due()
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.PENDING and row.next_attempt_at == EIGHT + timedelta(seconds=7)
        clock.advance(seconds=6)
        await bot.outbox.process_due()
        assert bot.adapter.sent == []  # not before retry_after
        clock.advance(seconds=1)
        await bot.outbox.process_due()
        assert len(bot.adapter.sent) == 1
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.SENT and row.attempts == 2


async def test_temporary_failures_back_off_exponentially_then_give_up_after_the_grace_period(
    sql_store: BotStore, clock: Clock
) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        bot.adapter.fail("5", *[TemporaryFailure("502 Bad Gateway") for _ in range(100)])
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        waits = []
        while True:
            await bot.outbox.process_due()
            [row] = await sql_store.deliveries()
            if row.status is not DeliveryStatus.FAILED:
                break
            assert row.next_attempt_at is not None and "502" in (row.last_error or "")
            waits.append(row.next_attempt_at - clock())
            clock.set(row.next_attempt_at)
        policy = RetryPolicy()
        for attempt, wait in enumerate(waits[:5], start=1):
            ceiling = min(policy.cap, policy.base * 2 ** (attempt - 1))
            assert ceiling / 2 <= wait <= ceiling  # jittered within [0.5, 1] of the ceiling
        assert max(waits) <= policy.cap
        assert row.status is DeliveryStatus.SKIPPED and "gave up after" in (row.last_error or "")
        assert "502" in (row.last_error or "")
        assert clock() - EIGHT > timedelta(hours=6)


async def test_a_failed_digest_is_retried_and_succeeds(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        bot.adapter.fail("5", TemporaryFailure("timeout"), TemporaryFailure("timeout"))
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        for _ in range(3):
            await bot.outbox.process_due()
            [row] = await sql_store.deliveries()
            if row.next_attempt_at:
                clock.set(row.next_attempt_at)
        assert len(bot.adapter.sent) == 1
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.SENT and row.attempts == 3


async def test_rows_left_sending_by_a_crash_are_sent_again_once(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        delivery = await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
    # What a SIGKILL between "SENDING" and "SENT" leaves behind:
    await sql_store.mark_delivery(delivery.id, DeliveryStatus.SENDING)
    clock.advance(minutes=3)
    async with delivery_bot(sql_store, clock) as bot:  # restart: recover() re-queues it
        await bot.outbox.process_due()
        assert len(bot.adapter.sent) == 1
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.SENT and row.attempts == 2
        assert bot.outbox.counters.requeued_after_crash == 1
    async with delivery_bot(sql_store, clock) as bot:  # and a clean restart sends nothing
        await bot.outbox.process_due()
        assert bot.adapter.sent == []


async def test_a_later_digest_sent_first_makes_the_older_one_redundant(
    sql_store: BotStore, clock: Clock
) -> None:
    clock.set(EIGHT + timedelta(days=1))
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        today = EIGHT + timedelta(days=1)
        older = await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await sql_store.mark_delivery(
            older.id, DeliveryStatus.FAILED, error="timeout", next_attempt_at=today + timedelta(minutes=5)
        )
        await bot.outbox.enqueue(subscription, today, today)
        await bot.outbox.process_due()
        clock.advance(minutes=5)
        await bot.outbox.process_due()
        assert len(bot.adapter.sent) == 1
        rows = {d.id: d for d in await sql_store.deliveries()}
        assert rows[older.id].status is DeliveryStatus.SKIPPED
        assert "later digest" in (rows[older.id].last_error or "")


async def test_stop_finishes_sends_under_way(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    release = asyncio.Event()
    started = asyncio.Event()

    class SlowAdapter(RecordingAdapter):
        async def send(self, chat: ChatRef, reply: Reply) -> None:
            started.set()
            await release.wait()
            await super().send(chat, reply)

    adapter = SlowAdapter(clock)
    newsroom = Newsroom(sql_store, clock=clock)
    outbox = Outbox(
        sql_store,
        {"telegram": adapter},
        DigestComposer(newsroom, sql_store),
        _settings(),
        clock,
        poll_seconds=0.05,
    )
    subscription = await subscribe(sql_store, clock, send_empty=True)
    await outbox.start()
    await outbox.enqueue(subscription, EIGHT, EIGHT)
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(outbox.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # waiting for the send in flight
    release.set()
    await asyncio.wait_for(stopping, 5)
    [row] = await sql_store.deliveries()
    assert row.status is DeliveryStatus.SENT and len(adapter.sent) == 1


async def test_the_worker_sends_what_is_enqueued_and_paces_it(sql_store: BotStore, clock: Clock) -> None:
    """The background worker (as the app runs it), with a limiter: one digest per chat, none lost."""
    clock.set(EIGHT)
    adapter = RecordingAdapter(clock)
    newsroom = Newsroom(sql_store, clock=clock)
    limiter = RateLimiter(global_per_second=1000, per_chat_per_second=1000, group_per_minute=10_000)
    outbox = Outbox(
        sql_store,
        {"telegram": adapter},
        DigestComposer(newsroom, sql_store),
        _settings(),
        clock,
        limiters={"telegram": limiter},
        poll_seconds=0.05,
        concurrency=4,
        rng=random.Random(1),
    )
    subscriptions = [
        await subscribe(sql_store, clock, chat_id=str(-500 - i), send_empty=True) for i in range(12)
    ]
    await outbox.start()
    try:
        for subscription in subscriptions:
            await outbox.enqueue(subscription, EIGHT, EIGHT)
        for _ in range(200):
            if len(adapter.sent) == 12:
                break
            await asyncio.sleep(0.02)
    finally:
        await outbox.stop()
    assert sorted(s.chat.chat_id for s in adapter.sent) == sorted(s.chat_id for s in subscriptions)
    assert limiter.granted == 12
    assert {d.status for d in await sql_store.deliveries()} == {DeliveryStatus.SENT}


async def test_a_deleted_subscription_is_not_sent(sql_store: BotStore, clock: Clock) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, send_empty=True)
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await sql_store.delete_subscription(subscription.id)
        await bot.outbox.process_due()
        assert bot.adapter.sent == []


@pytest.mark.parametrize("platform", ["discord"])
async def test_a_platform_without_adapter_is_retried_not_dropped(
    sql_store: BotStore, clock: Clock, platform: str
) -> None:
    clock.set(EIGHT)
    async with delivery_bot(sql_store, clock) as bot:
        subscription = await subscribe(sql_store, clock, platform=platform, send_empty=True)
        await bot.outbox.enqueue(subscription, EIGHT, EIGHT)
        await bot.outbox.process_due()
        [row] = await sql_store.deliveries()
        assert row.status is DeliveryStatus.FAILED and "BRIEFBOT_DISCORD_TOKEN" in (row.last_error or "")


def _settings():
    from delivery_helpers import settings

    return settings()


async def test_a_slow_due_query_never_claims_a_finished_row_again(clock: Clock) -> None:
    """A due-rows answer computed before a send finished must not hand that row out again."""
    from fakes import FakeStore

    class SlowQueryStore(FakeStore):
        async def due_deliveries(self, now, limit=100):
            found = await super().due_deliveries(now, limit)
            await asyncio.sleep(0.03)  # sends finish while this answer is on its way
            return found

    class SlowishAdapter(RecordingAdapter):
        async def send(self, chat: ChatRef, reply: Reply) -> None:
            await asyncio.sleep(0.01)
            await super().send(chat, reply)

    clock.set(EIGHT)
    store = SlowQueryStore(clock=clock)
    adapter = SlowishAdapter(clock)
    newsroom = Newsroom(store, clock=clock)
    outbox = Outbox(store, {"telegram": adapter}, DigestComposer(newsroom, store), _settings(), clock,
                    poll_seconds=0.005, concurrency=3)
    subscriptions = [await subscribe(store, clock, chat_id=str(i), send_empty=True) for i in range(6)]
    await outbox.start()
    try:
        for subscription in subscriptions:
            await outbox.enqueue(subscription, EIGHT, EIGHT)
        for _ in range(200):
            if len(adapter.sent) >= 6 and not outbox._claimed:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
    finally:
        await outbox.stop()
    assert sorted(s.chat.chat_id for s in adapter.sent) == [str(i) for i in range(6)]
    assert {d.status for d in await store.deliveries()} == {DeliveryStatus.SENT}
