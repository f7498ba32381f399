"""Shared pieces for the outbox and scheduler tests: a hand-moved clock, a recording
platform adapter, and a builder that wires the real outbox, scheduler, newsroom and composer."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from clock import ManualClock as Clock

from bot.adapters.base import MessageHandler, SendError
from bot.config import Settings
from bot.delivery import Outbox, RetryPolicy
from bot.digests import DigestComposer
from bot.messages import ChatRef, Reply
from bot.schedule import DigestScheduler
from briefings.models import ArticleInput, Delivery, DeliveryStatus, Story, Subscription, SubscriptionStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore


@dataclass
class Sent:
    chat: ChatRef
    reply: Reply
    at: datetime

    @property
    def story_ids(self) -> list[str]:
        return [card.story.id for card in self.reply.cards]


@dataclass
class RecordingAdapter:
    """A chat platform in miniature: records what it was asked to send, and fails on demand.

    It implements the real :class:`bot.adapters.base.Adapter` protocol; ``failures`` maps a
    chat id to errors raised by the next sends to that chat, in order.
    """

    clock: Clock
    platform: str = "telegram"
    sent: list[Sent] = field(default_factory=list)
    failures: dict[str, list[SendError]] = field(default_factory=dict)
    calls: int = 0

    async def start(self, handler: MessageHandler) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        self.calls += 1
        planned = self.failures.get(chat.chat_id)
        if planned:
            raise planned.pop(0)
        self.sent.append(Sent(chat, reply, self.clock()))

    def fail(self, chat_id: str, *errors: SendError) -> None:
        self.failures.setdefault(chat_id, []).extend(errors)

    def to(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat.chat_id == chat_id]


_chat_ids = itertools.count(1000)


def make_subscription(
    clock: Clock,
    *,
    chat_id: str | None = None,
    at: str = "08:00",
    zone: str = "Europe/London",
    days: str = "daily",
    topics: tuple[str, ...] = (),
    send_empty: bool = False,
    platform: str = "telegram",
    created_at: datetime | None = None,
) -> Subscription:
    hours, minutes = (int(part) for part in at.split(":"))
    return Subscription(
        id="",
        platform=platform,
        chat_id=chat_id or str(next(_chat_ids)),
        thread_id=None,
        subscriber_id=f"{platform}:1",
        local_time=time(hours, minutes),
        timezone=zone,
        days=days,
        topics=topics,
        send_empty=send_empty,
        status=SubscriptionStatus.ACTIVE,
        paused_reason=None,
        created_at=created_at or clock(),
        last_digest_at=None,
    )


_article_numbers = itertools.count(1)

# Hand-written, deliberately distinct texts: each call makes a story of its own. The filler
# words are never a test's keyword or topic: a story must match only the keyword it was made
# for, whatever the order the tests run in (the article counter is shared by the session).
_WORDS = (
    "cobble",
    "thistle",
    "marble",
    "willow",
    "bramble",
    "pebble",
    "tinsel",
    "lichen",
    "sorrel",
    "fennel",
    "hazel",
    "nettle",
    "parsnip",
    "quince",
    "rowan",
    "sedge",
    "teasel",
    "yarrow",
)


_NAMES = (
    "Abernethy",
    "Brackwater",
    "Calderon",
    "Dunmore",
    "Eskdale",
    "Fairholm",
    "Glenrock",
    "Hawksley",
    "Ivybridge",
    "Jarrowby",
    "Kestwick",
    "Lowmoor",
    "Marchfield",
    "Northop",
    "Oakhanger",
    "Pendleby",
)


async def publish_story(newsroom: Newsroom, keyword: str, *, source: str = "Daily Test") -> Story:
    """Publish a short invented article about ``keyword`` in a town of its own; returns its story."""
    number = next(_article_numbers)
    town = f"{_NAMES[number % len(_NAMES)]}{_NAMES[(number // len(_NAMES)) % len(_NAMES)].lower()}"
    mayor = f"{_NAMES[(number + 5) % len(_NAMES)]} {_NAMES[(number + 11) % len(_NAMES)]}"
    filler = " ".join(_WORDS[(number + i) % len(_WORDS)] for i in range(3))
    text = (
        f"The {keyword} council in {town} approved a plan on Monday. "
        f"Mayor {mayor} said the {keyword} plan covers {filler} projects. "
        f"Residents of {town} will vote on the {keyword} proposal next month."
    )
    result = await newsroom.ingest(
        ArticleInput(text=text, title=f"{town} approves {keyword} plan", source=source),
        added_by="telegram:42",
    )
    assert result.story is not None and not result.merged, "test stories must not merge"
    return result.story


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, database_url="sqlite+aiosqlite:///unused.db", **overrides)


@dataclass
class Bot:
    """The delivery side of the bot, wired as bot/app.py wires it (minus the chat platforms)."""

    store: BotStore
    newsroom: Newsroom
    adapter: RecordingAdapter
    outbox: Outbox
    scheduler: DigestScheduler
    clock: Clock

    async def tick(self) -> int:
        """What the APScheduler wake-ups and the outbox worker do at this moment."""
        await self.scheduler.run_due()
        return await self.outbox.process_due()


@asynccontextmanager
async def delivery_bot(
    store: BotStore, clock: Clock, adapter: RecordingAdapter | None = None, **setting_overrides: Any
) -> AsyncIterator[Bot]:
    """Start an outbox and a scheduler on ``store``; stop them (a clean shutdown) afterwards."""
    config = settings(**setting_overrides)
    newsroom = Newsroom(store, clock=clock)
    adapter = adapter or RecordingAdapter(clock)
    import random

    outbox = Outbox(
        store,
        {adapter.platform: adapter},
        DigestComposer(newsroom, store),
        config,
        clock,
        retry=RetryPolicy(),
        rng=random.Random(5),
    )
    scheduler = DigestScheduler(store, outbox, config, clock, use_apscheduler=False)
    await outbox.recover()
    await scheduler.start()
    try:
        yield Bot(store, newsroom, adapter, outbox, scheduler, clock)
    finally:
        await scheduler.stop()
        await outbox.stop()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def delivery_row(
    subscription_id: str,
    key: str,
    period_end: datetime,
    status: DeliveryStatus,
    *,
    next_attempt_at: datetime | None = None,
    last_error: str | None = None,
    story_ids: tuple[str, ...] = (),
    sent_at: datetime | None = None,
) -> Delivery:
    """A delivery row due at the end of its period, created then, not yet stored."""
    return Delivery(
        id="",
        subscription_id=subscription_id,
        idempotency_key=key,
        period_start=None,
        period_end=period_end,
        due_at=period_end,
        status=status,
        attempts=0,
        next_attempt_at=next_attempt_at,
        last_error=last_error,
        story_ids=story_ids,
        created_at=period_end,
        sent_at=sent_at,
    )
