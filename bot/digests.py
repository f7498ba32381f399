"""Composing one subscriber's digest: shared by /digest and the scheduled outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from briefings.newsroom import Newsroom

from bot.messages import Reply
from bot.replies import digest_reply
from briefings.models import Briefing, DeliveryStatus, Subscription
from briefings.ports import BotStore

FIRST_DIGEST_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class ComposedDigest:
    briefings: tuple[Briefing, ...]
    updated_story_ids: frozenset[str]

    @property
    def story_ids(self) -> tuple[str, ...]:
        return tuple(b.story.id for b in self.briefings)

    def reply(self, empty_text: str | None = None) -> Reply:
        return digest_reply(self.briefings, updated_story_ids=self.updated_story_ids, empty_text=empty_text)


class DigestComposer:
    """Chooses what goes into a subscriber's digest: what is new since their last delivered one."""

    def __init__(self, newsroom: Newsroom, store: BotStore) -> None:
        self._newsroom = newsroom
        self._store = store

    async def compose(self, subscription: Subscription | None, now: datetime, limit: int = 10) -> ComposedDigest:
        topics = subscription.topics if subscription else ()
        # Before the first delivered digest, "new" means the last day's briefings.
        since = subscription.last_digest_at if subscription else None
        since = since or now - FIRST_DIGEST_WINDOW
        sent: set[str] = set()
        if subscription is not None:
            for delivery in await self._store.deliveries([DeliveryStatus.SENT], subscription_id=subscription.id):
                sent.update(delivery.story_ids)
        briefings = await self._newsroom.digest(topics=topics, since=since, now=now, sent_story_ids=sent,
                                                limit=limit)
        updated = frozenset(b.story.id for b in briefings if b.story.id in sent)
        return ComposedDigest(tuple(briefings), updated)
