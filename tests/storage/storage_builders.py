"""Small hand-written articles and plans for storage tests (no corpus text)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, time

from briefings.models import (
    ArticleInput,
    Delivery,
    DeliveryStatus,
    IngestPlan,
    NewFact,
    SentenceRecord,
    StoryStatus,
    Subscription,
    SubscriptionStatus,
)
from briefings.text import index_terms

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def sentences_of(text: str) -> tuple[SentenceRecord, ...]:
    parts = [part.strip() for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]
    return tuple(
        SentenceRecord(article_id="", position=position, text=part, index_terms=index_terms(part))
        for position, part in enumerate(parts)
    )


def plan(
    text: str,
    *,
    story_id: str | None = None,
    status: StoryStatus = StoryStatus.PUBLISHED,
    keys: frozenset[str] | set[str] = frozenset(),
    facts: tuple[NewFact, ...] = (),
    title: str | None = "A title",
    source: str = "Harbour Gazette",
    url: str | None = None,
    at: datetime = T0,
    headline: str = "A headline",
    summary: str = "A summary.",
    topics: tuple[str, ...] = ("local",),
    audit_action: str | None = None,
    added_by: str = "ingest",
) -> IngestPlan:
    return IngestPlan(
        article=ArticleInput(text=text, title=title, source=source, url=url, published_at=at),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        source=source,
        sentences=sentences_of(text),
        story_id=story_id,
        headline=headline,
        summary=summary,
        status=status,
        topics=topics,
        grouping_keys=frozenset(keys),
        facts=facts,
        added_by=added_by,
        added_at=at,
        audit_action=audit_action,
    )


def subscription(
    chat_id: str = "100",
    *,
    platform: str = "telegram",
    thread_id: str | None = None,
    at: time = time(7, 30),
    topics: tuple[str, ...] = (),
    created_at: datetime = T0,
    last_digest_at: datetime | None = None,
) -> Subscription:
    return Subscription(
        id="",
        platform=platform,
        chat_id=chat_id,
        thread_id=thread_id,
        subscriber_id="user-1",
        local_time=at,
        timezone="Europe/Berlin",
        days="daily",
        topics=topics,
        send_empty=False,
        status=SubscriptionStatus.ACTIVE,
        paused_reason=None,
        created_at=created_at,
        last_digest_at=last_digest_at,
    )


def delivery(
    subscription_id: str,
    key: str,
    *,
    due_at: datetime = T0,
    period_start: datetime | None = None,
    period_end: datetime = T0,
    status: DeliveryStatus = DeliveryStatus.PENDING,
    next_attempt_at: datetime | None = None,
) -> Delivery:
    return Delivery(
        id="",
        subscription_id=subscription_id,
        idempotency_key=key,
        period_start=period_start,
        period_end=period_end,
        due_at=due_at,
        status=status,
        attempts=0,
        next_attempt_at=next_attempt_at,
        last_error=None,
        story_ids=(),
        created_at=T0,
        sent_at=None,
    )
