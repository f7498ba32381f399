"""Protocols that storage implements for the newsroom.

Every method is async and each call is its own transaction unless it says
otherwise. Implementations live in :mod:`storage`; in-memory fakes for tests live in
``tests/fakes.py``. Ids are strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from briefings.models import (
    Article,
    AuditEntry,
    Delivery,
    DeliveryStatus,
    Fact,
    Feed,
    FeedItem,
    FeedItemOutcome,
    IngestPlan,
    NewFact,
    SentenceHit,
    SentenceRecord,
    Story,
    StoryCandidate,
    StoryStatus,
    Subscription,
)


class StoreUnavailable(Exception):
    """The database cannot be reached or is locked; the caller should say so and retry later."""


class NotFound(LookupError):
    """No row has the id that was asked for."""


class ArticleStore(Protocol):
    async def article_by_hash(self, content_hash: str) -> Article | None: ...

    async def article_by_url(self, url: str) -> Article | None: ...

    async def articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The articles with these ids, in the order asked; unknown ids are left out."""
        ...

    async def story_articles(self, story_id: str) -> list[Article]:
        """A story's articles, oldest first."""
        ...

    async def story_sentences(self, story_id: str) -> list[SentenceRecord]:
        """Every stored sentence of every article of a story, by article then position."""
        ...

    async def sentences_of_stories(self, story_ids: Sequence[str]) -> dict[str, list[SentenceRecord]]:
        """:meth:`story_sentences` of several stories in one round trip, by story id; a story
        with no sentences, or an unknown id, is left out."""
        ...

    async def count_articles(self) -> int: ...


class StoryStore(Protocol):
    async def story(self, story_id: str) -> Story:
        """Raises :class:`NotFound` for an unknown id."""
        ...

    async def stories(
        self,
        statuses: Sequence[StoryStatus] | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[Story]:
        """Stories newest-updated first, optionally by status and updated on or after ``since``."""
        ...

    async def published_between(self, start: datetime | None, end: datetime) -> list[Story]:
        """Published stories whose ``published_at`` or ``updated_at`` lies in (start, end]."""
        ...

    async def candidate_stories(
        self, keys: Sequence[str], since: datetime | None, limit: int
    ) -> list[StoryCandidate]:
        """Stories sharing grouping keys with ``keys``, most shared first.

        Only stories updated on or after ``since`` count. The cost grows with the
        number of postings of ``keys``, not with the number of stories.
        """
        ...

    async def save_ingest(self, plan: IngestPlan) -> tuple[Article, Story]:
        """Write one ingest atomically: article, sentences (indexed), story, keys, facts, audit.

        Raises :class:`DuplicateArticle` if the content hash is already stored.
        """
        ...

    async def candidate_stories_many(
        self, queries: Sequence[tuple[Sequence[str], datetime | None]], limit: int
    ) -> list[list[StoryCandidate]]:
        """:meth:`candidate_stories` for several articles at once (``(keys, since)`` each), in
        one round trip: one list per query, in the order asked."""
        ...

    async def grouping_material(
        self, story_ids: Sequence[str]
    ) -> dict[str, tuple[Story, list[tuple[str, str | None]], list[SentenceRecord]]]:
        """What grouping and summarising need of several stories at once, by story id: the
        story, its articles' ``(id, title)`` oldest first, and their sentences (as
        :meth:`ArticleStore.story_sentences`). Unknown ids are left out."""
        ...

    async def articles_by_hash(self, content_hashes: Sequence[str]) -> dict[str, Article]:
        """The stored articles with any of these content hashes, by hash."""
        ...

    async def save_ingests(self, batch: Sequence[BatchIngest]) -> list[tuple[Article, Story]]:
        """Write several ingests in one transaction, in order; the result of each as
        :meth:`save_ingest` would give it had they been saved one by one.

        An entry may join a story created by an earlier entry of the same batch
        (:attr:`BatchIngest.joins`). Raises :class:`DuplicateArticle` (and writes nothing)
        when a content hash is already stored or appears twice in the batch.
        """
        ...

    async def update_story(
        self,
        story_id: str,
        *,
        actor: str,
        action: str,
        status: StoryStatus | None = None,
        summary: str | None = None,
        headline: str | None = None,
        detail: str = "",
    ) -> Story:
        """Change a story and write the audit entry in the same transaction."""
        ...

    async def count_stories(self) -> int: ...


@dataclass(frozen=True)
class BatchIngest:
    """One ingest of a batch (see :meth:`StoryStore.save_ingests`).

    ``joins`` is the index of an earlier entry of the same batch whose story this article
    joins, for a story that has no id yet; ``plan.story_id`` is then ``None``.
    """

    plan: IngestPlan
    joins: int | None = None


class DuplicateArticle(Exception):
    """The article's content hash is already stored."""

    def __init__(self, existing_article_id: str) -> None:
        super().__init__(f"already stored as article {existing_article_id}")
        self.existing_article_id = existing_article_id


class FactStore(Protocol):
    async def add_fact(self, story_id: str, fact: NewFact, *, added_by: str, at: datetime) -> Fact:
        """Store a fact and its audit entry; an older fact with the same subject and relation
        in the same story is marked superseded by the new one."""
        ...

    async def story_facts(self, story_id: str, include_superseded: bool = False) -> list[Fact]: ...

    async def search_facts(self, terms: Sequence[str], limit: int = 20) -> list[Fact]:
        """Facts of published stories whose subject or object contains any of ``terms``
        (normalised words), best match first, superseded facts included."""
        ...


class SearchIndex(Protocol):
    async def search_sentences(
        self, terms: Sequence[str], limit: int = 50, story_id: str | None = None
    ) -> list[SentenceHit]:
        """Sentences of published stories matching any of ``terms`` (index terms as produced by
        :func:`briefings.text.index_terms`), best first by the backend's ranking.

        An implementation may bound its work by the selective terms: when the terms together
        match very many sentences, it may rank only the matches of the rarest ones (the
        frequent ones then only reorder them, or, with no rare term, give the sentences
        having most of them), so a question's cost follows its selective terms."""
        ...

    async def sample_sentences(self, terms: Sequence[str], limit: int = 20) -> list[SentenceHit]:
        """Some sentences of published stories having the rarest of ``terms`` (the newest
        first), unranked: enough to see how the news writes those words, at the cost of finding
        them rather than of ranking every match. A term may be a phrase ("chief polic": the
        words side by side); the rarest phrases and the rarest single words each get a share."""
        ...

    async def refresh_statistics(self) -> None:
        """After a bulk load: bring whatever the backend plans its searches by up to date."""
        ...


class ReadSnapshots(Protocol):
    def snapshot(self) -> AbstractAsyncContextManager[None]:
        """A context in which the current task's reads share one connection (and, where the
        backend allows, one state of the store); a store without connections may return a
        context that does nothing."""
        ...


class SubscriptionStore(Protocol):
    async def upsert_subscription(self, subscription: Subscription) -> Subscription:
        """Create or replace the subscription of (platform, chat_id, thread_id)."""
        ...

    async def subscription_for_chat(
        self, platform: str, chat_id: str, thread_id: str | None = None
    ) -> Subscription | None: ...

    async def subscriptions(self, active_only: bool = True) -> list[Subscription]: ...

    async def delete_subscription(self, subscription_id: str) -> bool: ...

    async def pause_subscription(self, subscription_id: str, reason: str) -> None: ...

    async def resume_subscription(self, subscription_id: str) -> None: ...

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """A chat changed its id (Telegram group to supergroup): update every row; return how many."""
        ...


class DeliveryStore(Protocol):
    async def create_delivery(self, delivery: Delivery) -> tuple[Delivery, bool]:
        """Insert unless the idempotency key exists; return the row and whether it is new."""
        ...

    async def deliveries(
        self, statuses: Sequence[DeliveryStatus] | None = None, subscription_id: str | None = None
    ) -> list[Delivery]: ...

    async def due_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        """Pending or failed deliveries whose next attempt is due, oldest first."""
        ...

    async def mark_delivery(
        self,
        delivery_id: str,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        sent_at: datetime | None = None,
        story_ids: Sequence[str] | None = None,
    ) -> Delivery:
        """Move a delivery to ``status``; moving to SENDING counts an attempt. When it becomes
        SENT, its subscription's ``last_digest_at`` becomes the delivery's ``period_end``."""
        ...

    async def claim_delivery(
        self, delivery_id: str, now: datetime, lease_until: datetime | None = None
    ) -> Delivery | None:
        """Atomically take a due delivery for sending: if it is still PENDING or FAILED, make it
        SENDING, count an attempt, set ``next_attempt_at`` to ``lease_until`` (how long the claim
        holds without renewal) and return it; ``None`` when another worker took it first or it
        is no longer waiting (one compare-and-set, so two workers never both get a row)."""
        ...

    async def renew_claims(self, delivery_ids: Sequence[str], lease_until: datetime) -> int:
        """Extend the lease of deliveries still SENDING; return how many were extended."""
        ...

    async def requeue_stale_deliveries(self, now: datetime, error: str) -> int:
        """Put SENDING deliveries whose lease ended before ``now`` (or that have none) back to
        PENDING with ``error`` as their last error; return how many (one atomic statement)."""
        ...

    async def prune_deliveries(self, before: datetime, *, sent_lookback: timedelta, limit: int = 500) -> int:
        """Delete at most ``limit`` finished deliveries (SENT, SKIPPED, PAUSED) whose period ended,
        that were due and (if sent) sent before ``before``, in one short transaction; return how
        many. A SENT row whose period ended within ``sent_lookback`` before its subscription's
        ``last_digest_at`` stays whatever its age: "already sent" still reads it. PENDING, SENDING
        and FAILED rows are never deleted. Call again until it returns fewer than ``limit``."""
        ...

    async def sent_story_ids(
        self, subscription_ids: Sequence[str] | None, since: datetime
    ) -> dict[str, set[str]]:
        """Story ids of the SENT deliveries whose ``period_end`` is after ``since``, by subscription
        (only the given subscriptions, or all of them for ``None``). Bounds "already sent"."""
        ...

    async def count_deliveries(
        self,
        since: datetime | None = None,
        statuses: Sequence[DeliveryStatus] | None = None,
        exclude_error_prefix: str | None = None,
    ) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status, counted in the database. ``since`` keeps those
        sent (or, unsent, due) at or after it; ``exclude_error_prefix`` leaves out rows whose
        ``last_error`` starts with it."""
        ...

    async def recent_deliveries(
        self,
        statuses: Sequence[DeliveryStatus],
        since: datetime | None = None,
        limit: int = 20,
        exclude_error_prefix: str | None = None,
    ) -> list[Delivery]:
        """The newest deliveries (by sent time, else due time) in ``statuses``, filtered as in
        :meth:`count_deliveries`, at most ``limit``."""
        ...


class AuditLog(Protocol):
    async def record(self, actor: str, action: str, target: str | None, detail: str, at: datetime) -> None: ...

    async def audit_entries(self, limit: int = 50) -> list[AuditEntry]: ...


class NewsroomStore(ArticleStore, StoryStore, FactStore, SearchIndex, ReadSnapshots, AuditLog, Protocol):
    """Everything the newsroom needs from storage."""


class BotStore(NewsroomStore, SubscriptionStore, DeliveryStore, Protocol):
    """Everything the bot needs from storage: one object that the composition root builds."""


class DuplicateFeed(Exception):
    """A feed with the same canonical URL is already stored."""

    def __init__(self, existing_feed_id: str) -> None:
        super().__init__(f"already stored as feed {existing_feed_id}")
        self.existing_feed_id = existing_feed_id


class FeedStore(Protocol):
    """Feeds and the entries already seen from them (for dedupe)."""

    async def add_feed(self, feed: Feed) -> Feed:
        """Store a new feed (its ``id`` is ignored and assigned); raises :class:`DuplicateFeed`."""
        ...

    async def feed(self, feed_id: str) -> Feed:
        """Raises :class:`NotFound` for an unknown id."""
        ...

    async def feed_by_url(self, canonical_url: str) -> Feed | None: ...

    async def feeds(self) -> list[Feed]:
        """Every feed, oldest first."""
        ...

    async def due_feeds(self, now: datetime, limit: int = 50) -> list[Feed]:
        """Active feeds whose ``next_poll_at`` is at or before ``now`` (or unset), most overdue first."""
        ...

    async def update_feed(self, feed: Feed) -> Feed:
        """Write every field of ``feed`` except ``id``, ``added_by`` and ``added_at``; raises NotFound."""
        ...

    async def delete_feed(self, feed_id: str) -> bool:
        """Remove a feed and its seen entries; ``False`` when there was no such feed."""
        ...

    async def seen_feed_item(
        self, feed_id: str, guid: str | None, link: str | None, content_hash: str
    ) -> FeedItem | None:
        """The entry of this feed seen before with the same GUID, else the same canonical link,
        else the same content hash; ``None`` for a new entry."""
        ...

    async def add_feed_items(self, items: Sequence[FeedItem]) -> None:
        """Remember entries as seen. An entry whose (feed, GUID) is already stored is skipped."""
        ...

    async def count_feed_items(self, feed_id: str) -> dict[FeedItemOutcome, int]:
        """How many seen entries of a feed had each outcome, for /feed list and /stats."""
        ...
