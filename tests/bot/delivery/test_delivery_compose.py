"""Composing a whole fan-out at once: the same digests as one subscriber at a time, shared
between subscribers who get the same stories, and updates only for those who had the story."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from delivery_helpers import Clock, make_subscription, publish_story, utc

from bot.digests import DigestComposer
from briefings.models import Delivery, DeliveryStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore

T0 = utc(2025, 6, 2, 7, 0)


async def check_fan_out(store: BotStore, clock: Clock) -> None:
    newsroom = Newsroom(store, clock=clock)
    clock.set(T0 - timedelta(days=2))
    old = await publish_story(newsroom, "orchard")
    yesterday = T0 - timedelta(days=1)
    subscribers = {}
    for name, topics, last in (
        ("a", ("harbour",), None),
        ("b", ("harbour",), None),
        ("c", (), None),
        ("d", ("orchard",), yesterday),
        ("e", ("orchard",), yesterday),
    ):
        made = make_subscription(clock, chat_id=f"7{ord(name)}", topics=topics)
        subscription = replace(made, last_digest_at=last)
        subscribers[name] = await store.upsert_subscription(subscription)
    # Yesterday "d" got the orchard story; "e" did not (it had nothing new then).
    await store.create_delivery(
        Delivery(
            id="",
            subscription_id=subscribers["d"].id,
            idempotency_key="d:yesterday",
            period_start=None,
            period_end=yesterday,
            due_at=yesterday,
            status=DeliveryStatus.SENT,
            attempts=1,
            next_attempt_at=None,
            last_error=None,
            story_ids=(old.id,),
            created_at=yesterday,
            sent_at=yesterday,
        )
    )
    clock.set(T0 - timedelta(hours=2))
    harbour = await publish_story(newsroom, "harbour")
    glacier = await publish_story(newsroom, "glacier")
    await newsroom.add_fact(old.id, "Nora Vance leads the orchard council", added_by="telegram:42")
    clock.set(T0)

    composer = DigestComposer(newsroom, store)
    many = await composer.compose_many(list(subscribers.values()), T0)
    assert many[subscribers["a"].id].story_ids == (harbour.id,)
    assert many[subscribers["a"].id] is many[subscribers["b"].id]  # one digest, shared
    assert many[subscribers["a"].id].reply() is many[subscribers["b"].id].reply()  # and one reply
    assert set(many[subscribers["c"].id].story_ids) == {harbour.id, glacier.id}
    updated = many[subscribers["d"].id]
    assert updated.story_ids == (old.id,) and updated.updated_story_ids == {old.id}
    [card] = updated.briefings
    assert [fact.subject for fact in card.facts] == ["Nora Vance"]  # only what is new since
    assert many[subscribers["e"].id].story_ids == ()  # old news for whoever did not have it

    # One subscriber at a time gives the same digests (a fresh composer, as the outbox has).
    single = DigestComposer(newsroom, store)
    for subscription in subscribers.values():
        assert await single.compose(subscription, T0) == many[subscription.id]


async def test_fan_out_on_sql(sql_store: BotStore, clock: Clock) -> None:
    await check_fan_out(sql_store, clock)


async def test_fan_out_on_the_fake(fake_store: BotStore, clock: Clock) -> None:
    await check_fan_out(fake_store, clock)
