"""Domain types of the newsroom. Frozen dataclasses; ids are strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum


class StoryStatus(StrEnum):
    """Where a briefing is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ArticleInput:
    """An article as a moderator or an ingest run hands it in, before it is stored."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    external_id: str | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """A stored article: one outlet's report."""

    id: str
    source: str
    url: str | None
    title: str | None
    text: str
    published_at: datetime | None
    content_hash: str
    story_id: str
    external_id: str | None
    added_at: datetime


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence of an article as it goes into the search index.

    ``index_terms`` is the sentence already normalised by :mod:`briefings.text`
    (lower-case stems separated by spaces), so that every search backend indexes the
    very same tokens and the query side can produce them the same way.
    """

    article_id: str
    position: int
    text: str
    index_terms: str


@dataclass(frozen=True)
class SentenceHit:
    """A sentence found by the search index, with what a citation needs."""

    article_id: str
    story_id: str
    position: int
    text: str
    score: float


@dataclass(frozen=True)
class Story:
    """A briefing: one story told by one or more outlets."""

    id: str
    headline: str
    summary: str
    status: StoryStatus
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    topics: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryCandidate:
    """A stored story that shares grouping keys with a new article."""

    story_id: str
    shared_keys: int
    keys: frozenset[str]
    updated_at: datetime


@dataclass(frozen=True)
class Fact:
    """A (subject, relation, object) statement with the sentence that supports it."""

    id: str
    story_id: str
    subject: str
    relation: str
    object: str
    evidence: str
    article_id: str | None
    added_by: str
    added_at: datetime
    superseded_by: str | None = None


@dataclass(frozen=True)
class NewFact:
    """A fact before it is stored (no id yet)."""

    subject: str
    relation: str
    object: str
    evidence: str
    article_id: str | None = None


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True)
class Subscription:
    """A person, group or channel that wants a digest at a local time."""

    id: str
    platform: str
    chat_id: str
    thread_id: str | None
    subscriber_id: str
    local_time: time
    timezone: str
    days: str  # "daily" or "weekdays"
    topics: tuple[str, ...]
    send_empty: bool
    status: SubscriptionStatus
    paused_reason: str | None
    created_at: datetime
    last_digest_at: datetime | None


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    PAUSED = "paused"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    """One digest for one subscription and one period: a row of the durable outbox."""

    id: str
    subscription_id: str
    idempotency_key: str
    period_start: datetime | None
    period_end: datetime
    due_at: datetime
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    story_ids: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    """A moderator action, kept for accountability."""

    id: str
    actor: str
    action: str
    target: str | None
    detail: str
    at: datetime


@dataclass(frozen=True)
class IngestPlan:
    """Everything one ingest writes, saved in a single transaction.

    When ``story_id`` is ``None`` a new story is created with ``headline``,
    ``summary`` and ``status``; otherwise that story is updated in place.
    ``grouping_keys`` replace the story's stored keys.
    """

    article: ArticleInput
    content_hash: str
    source: str
    sentences: tuple[SentenceRecord, ...]  # article_id is ignored; the new article's id is used
    story_id: str | None
    headline: str
    summary: str
    status: StoryStatus
    topics: tuple[str, ...]
    grouping_keys: frozenset[str]
    facts: tuple[NewFact, ...]  # article_id None means "the new article"
    added_by: str
    added_at: datetime
    audit_action: str | None = None


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did, for the person who asked for it."""

    article: Article | None
    story: Story | None
    duplicate_of: str | None = None  # id of the existing article when the text was already stored
    merged: bool = False  # True when the article joined an existing story
    facts_added: int = 0


@dataclass(frozen=True)
class Citation:
    """A source behind an answer or a briefing."""

    article_id: str
    story_id: str
    outlet: str
    title: str | None
    url: str | None
    published_at: datetime | None
    external_id: str | None = None

    @classmethod
    def from_article(cls, article: Article) -> Citation:
        """The citation of a stored article."""
        return cls(
            article_id=article.id,
            story_id=article.story_id,
            outlet=article.source,
            title=article.title,
            url=article.url,
            published_at=article.published_at,
            external_id=article.external_id,
        )


@dataclass(frozen=True)
class Answer:
    """The newsroom's reply to a question: an answer with evidence, or an abstention."""

    question: str
    text: str | None  # the short answer; None when the bot does not know
    evidence: str | None = None
    citations: tuple[Citation, ...] = ()
    as_of: datetime | None = None
    confidence: float = 0.0
    closest_story: Story | None = None
    superseded: tuple[str, ...] = field(default=())  # older conflicting answers, newest first
    subject: str | None = None  # what the question was about, for follow-ups ("their")

    @property
    def known(self) -> bool:
        return self.text is not None


@dataclass(frozen=True)
class Briefing:
    """A story with what a reader sees alongside it: its sources and current facts."""

    story: Story
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...]


class FeedStatus(StrEnum):
    """Whether a feed is polled."""

    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True)
class Feed:
    """An RSS or Atom feed that the bot polls for new articles.

    ``trusted`` feeds publish their stories directly; others make drafts for a moderator.
    ``failures`` counts failed polls in a row (for back-off); ``last_error`` says why the last
    poll failed and ``last_result`` what the last successful poll did, for /feed list.
    """

    id: str
    url: str  # as the moderator typed it (after redirects to the feed itself)
    canonical_url: str
    title: str | None
    topics: tuple[str, ...]
    trusted: bool
    include_keywords: tuple[str, ...]
    exclude_keywords: tuple[str, ...]
    interval_minutes: int
    status: FeedStatus
    added_by: str
    added_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_poll_at: datetime | None = None
    last_error: str | None = None
    last_polled_at: datetime | None = None
    last_result: str | None = None


class FeedItemOutcome(StrEnum):
    """What became of a feed entry."""

    ADDED = "added"  # a new article
    DUPLICATE = "duplicate"  # the article was already stored (from this or another source)
    FILTERED = "filtered"  # dropped by the feed's keyword filters
    REFUSED = "refused"  # could not become an article (reason in ``detail``)


@dataclass(frozen=True)
class FeedItem:
    """A feed entry already seen, kept so that it is never posted twice.

    Entries are recognised by GUID, then canonical link, then content hash, so a feed that
    rewrites its GUIDs or bumps its dates does not repost.
    """

    feed_id: str
    guid: str | None
    link: str | None
    content_hash: str
    outcome: FeedItemOutcome
    seen_at: datetime
    article_id: str | None = None
    detail: str = ""
