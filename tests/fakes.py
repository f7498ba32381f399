"""In-memory fakes of the storage protocols, for tests of the newsroom and the bot core.

:class:`FakeStore` implements :class:`briefings.ports.BotStore` (newsroom, subscriptions,
deliveries, audit) with plain dicts. It keeps the same rules as the real storage: only
published stories are searched, saving an ingest is all-or-nothing, a duplicate content hash
raises :class:`DuplicateArticle`, and a new fact supersedes an older one with the same
subject and relation in the same story.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from briefings.models import (
    Article,
    AuditEntry,
    Delivery,
    DeliveryStatus,
    Fact,
    IngestPlan,
    NewFact,
    SentenceHit,
    SentenceRecord,
    Story,
    StoryCandidate,
    StoryStatus,
    Subscription,
    SubscriptionStatus,
)
from briefings.ports import BatchIngest, DuplicateArticle, NotFound
from briefings.text import terms as text_terms
from storage.sql import sampled_terms


def _utcnow() -> datetime:
    return datetime.now(UTC)


class FakeStore:
    """Everything the bot and the newsroom need from storage, kept in memory."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or _utcnow
        self._counter = 0
        self.articles_by_id: dict[str, Article] = {}
        self._by_hash: dict[str, str] = {}
        self._by_url: dict[str, str] = {}
        self.stories_by_id: dict[str, Story] = {}
        self._story_keys: dict[str, frozenset[str]] = {}
        self._key_postings: dict[str, set[str]] = defaultdict(set)
        self._sentences: list[SentenceRecord] = []
        self._sentence_story: list[str] = []
        self._sentence_lengths: list[int] = []
        self._term_postings: dict[str, list[int]] = defaultdict(list)
        self._article_sentences: dict[str, list[int]] = defaultdict(list)
        self.facts_by_id: dict[str, Fact] = {}
        self.audit: list[AuditEntry] = []
        self.subscriptions_by_id: dict[str, Subscription] = {}
        self.deliveries_by_id: dict[str, Delivery] = {}

    def _new_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    # --- ArticleStore -----------------------------------------------------------------------

    async def article_by_hash(self, content_hash: str) -> Article | None:
        article_id = self._by_hash.get(content_hash)
        return self.articles_by_id[article_id] if article_id else None

    async def article_by_url(self, url: str) -> Article | None:
        article_id = self._by_url.get(url)
        return self.articles_by_id[article_id] if article_id else None

    async def articles(self, article_ids: Sequence[str]) -> list[Article]:
        return [self.articles_by_id[i] for i in article_ids if i in self.articles_by_id]

    async def story_articles(self, story_id: str) -> list[Article]:
        story = self.stories_by_id.get(story_id)
        if story is None:
            return []
        found = [self.articles_by_id[i] for i in story.article_ids]
        return sorted(found, key=lambda a: a.added_at)

    async def story_sentences(self, story_id: str) -> list[SentenceRecord]:
        story = self.stories_by_id.get(story_id)
        if story is None:
            return []
        out: list[SentenceRecord] = []
        for article in await self.story_articles(story_id):
            rows = [self._sentences[i] for i in self._article_sentences[article.id]]
            out.extend(sorted(rows, key=lambda r: r.position))
        return out

    async def sentences_of_stories(self, story_ids: Sequence[str]) -> dict[str, list[SentenceRecord]]:
        found = {story_id: await self.story_sentences(story_id) for story_id in story_ids}
        return {story_id: records for story_id, records in found.items() if records}

    async def count_articles(self) -> int:
        return len(self.articles_by_id)

    # --- StoryStore -------------------------------------------------------------------------

    async def story(self, story_id: str) -> Story:
        try:
            return self.stories_by_id[story_id]
        except KeyError:
            raise NotFound(f"no story with id {story_id}") from None

    async def stories(
        self,
        statuses: Sequence[StoryStatus] | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[Story]:
        found = [
            s
            for s in self.stories_by_id.values()
            if (statuses is None or s.status in statuses) and (since is None or s.updated_at >= since)
        ]
        found.sort(key=lambda s: (s.updated_at, s.id), reverse=True)
        return found[:limit]

    async def published_between(self, start: datetime | None, end: datetime) -> list[Story]:
        def inside(moment: datetime | None) -> bool:
            return moment is not None and (start is None or moment > start) and moment <= end

        return [
            s
            for s in self.stories_by_id.values()
            if s.status == StoryStatus.PUBLISHED and (inside(s.published_at) or inside(s.updated_at))
        ]

    async def candidate_stories(
        self, keys: Sequence[str], since: datetime | None, limit: int
    ) -> list[StoryCandidate]:
        shared: dict[str, int] = defaultdict(int)
        for key in set(keys):
            for story_id in self._key_postings.get(key, ()):
                shared[story_id] += 1
        found = []
        for story_id, count in shared.items():
            story = self.stories_by_id[story_id]
            if since is not None and story.updated_at < since:
                continue
            found.append(StoryCandidate(story_id, count, self._story_keys[story_id], story.updated_at))
        found.sort(key=lambda c: (c.shared_keys, c.updated_at), reverse=True)
        return found[:limit]

    async def save_ingest(self, plan: IngestPlan) -> tuple[Article, Story]:
        if plan.content_hash in self._by_hash:
            raise DuplicateArticle(self._by_hash[plan.content_hash])
        if plan.story_id is not None and plan.story_id not in self.stories_by_id:
            raise NotFound(f"no story with id {plan.story_id}")
        at = plan.added_at
        article_id = self._new_id("a")
        story_id = plan.story_id or self._new_id("s")
        source = plan.article
        article = Article(
            id=article_id,
            source=plan.source,
            url=source.url,
            title=source.title,
            text=source.text,
            published_at=source.published_at,
            content_hash=plan.content_hash,
            story_id=story_id,
            external_id=source.external_id,
            added_at=at,
        )
        published_at = at if plan.status == StoryStatus.PUBLISHED else None
        if plan.story_id is None:
            story = Story(
                id=story_id,
                headline=plan.headline,
                summary=plan.summary,
                status=plan.status,
                created_at=at,
                updated_at=at,
                published_at=published_at,
                topics=plan.topics,
                article_ids=(article_id,),
            )
        else:
            old = self.stories_by_id[story_id]
            story = replace(
                old,
                headline=plan.headline,
                summary=plan.summary,
                status=plan.status,
                updated_at=at,
                published_at=old.published_at or published_at,
                topics=plan.topics,
                article_ids=(*old.article_ids, article_id),
            )
        # Everything checked: now write (the fake cannot fail half-way).
        self.articles_by_id[article_id] = article
        self._by_hash[plan.content_hash] = article_id
        if source.url:
            self._by_url[source.url] = article_id
        self.stories_by_id[story_id] = story
        for key in self._story_keys.get(story_id, frozenset()):
            self._key_postings[key].discard(story_id)
        self._story_keys[story_id] = frozenset(plan.grouping_keys)
        for key in plan.grouping_keys:
            self._key_postings[key].add(story_id)
        for record in plan.sentences:
            self._add_sentence(replace(record, article_id=article_id), story_id)
        for new_fact in plan.facts:
            fact = new_fact if new_fact.article_id else replace(new_fact, article_id=article_id)
            self._store_fact(story_id, fact, plan.added_by, at)
        if plan.audit_action:
            self._record(plan.added_by, plan.audit_action, article_id, f"story {story_id}", at)
        return article, story

    async def candidate_stories_many(
        self, queries: Sequence[tuple[Sequence[str], datetime | None]], limit: int
    ) -> list[list[StoryCandidate]]:
        return [await self.candidate_stories(keys, since, limit) for keys, since in queries]

    async def grouping_material(
        self, story_ids: Sequence[str]
    ) -> dict[str, tuple[Story, list[tuple[str, str | None]], list[SentenceRecord]]]:
        out = {}
        for story_id in story_ids:
            if story_id in self.stories_by_id:
                titles = [(a.id, a.title) for a in await self.story_articles(story_id)]
                out[story_id] = (self.stories_by_id[story_id], titles, await self.story_sentences(story_id))
        return out

    async def articles_by_hash(self, content_hashes: Sequence[str]) -> dict[str, Article]:
        return {h: self.articles_by_id[self._by_hash[h]] for h in content_hashes if h in self._by_hash}

    async def save_ingests(self, batch: Sequence[BatchIngest]) -> list[tuple[Article, Story]]:
        hashes = [entry.plan.content_hash for entry in batch]
        if len(set(hashes)) < len(hashes):
            raise ValueError("the same content hash appears twice in one batch")
        for content_hash in hashes:
            if content_hash in self._by_hash:
                raise DuplicateArticle(self._by_hash[content_hash])
        for entry in batch:
            if entry.plan.story_id is not None and entry.plan.story_id not in self.stories_by_id:
                raise NotFound(f"no story with id {entry.plan.story_id}")
        # Checked: now write one by one (the fake cannot fail half-way).
        out: list[tuple[Article, Story]] = []
        for entry in batch:
            plan = entry.plan
            if entry.joins is not None:
                plan = replace(plan, story_id=out[entry.joins][1].id)
            out.append(await self.save_ingest(plan))
        return out

    def _add_sentence(self, record: SentenceRecord, story_id: str) -> None:
        index = len(self._sentences)
        self._sentences.append(record)
        self._sentence_story.append(story_id)
        words = record.index_terms.split()
        self._sentence_lengths.append(len(words))
        for term in set(words):
            self._term_postings[term].append(index)
        self._article_sentences[record.article_id].append(index)

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
        old = await self.story(story_id)
        now = self._clock()
        changes: dict[str, object] = {"updated_at": now}
        if status is not None:
            changes["status"] = status
            if status == StoryStatus.PUBLISHED and old.published_at is None:
                changes["published_at"] = now
        if summary is not None:
            changes["summary"] = summary
        if headline is not None:
            changes["headline"] = headline
        story = replace(old, **changes)  # type: ignore[arg-type]
        self.stories_by_id[story_id] = story
        self._record(actor, action, story_id, detail, now)
        return story

    async def count_stories(self) -> int:
        return len(self.stories_by_id)

    # --- FactStore --------------------------------------------------------------------------

    def _store_fact(self, story_id: str, fact: NewFact, added_by: str, at: datetime) -> Fact:
        fact_id = self._new_id("f")
        for old in list(self.facts_by_id.values()):
            if (
                old.story_id == story_id
                and old.superseded_by is None
                and old.subject.casefold() == fact.subject.casefold()
                and old.relation == fact.relation
            ):
                self.facts_by_id[old.id] = replace(old, superseded_by=fact_id)
        stored = Fact(
            id=fact_id,
            story_id=story_id,
            subject=fact.subject,
            relation=fact.relation,
            object=fact.object,
            evidence=fact.evidence,
            article_id=fact.article_id,
            added_by=added_by,
            added_at=at,
        )
        self.facts_by_id[fact_id] = stored
        return stored

    async def add_fact(self, story_id: str, fact: NewFact, *, added_by: str, at: datetime) -> Fact:
        await self.story(story_id)
        stored = self._store_fact(story_id, fact, added_by, at)
        self._record(added_by, "fact", story_id, f"{fact.subject} {fact.relation} {fact.object}", at)
        return stored

    async def story_facts(self, story_id: str, include_superseded: bool = False) -> list[Fact]:
        found = [
            f
            for f in self.facts_by_id.values()
            if f.story_id == story_id and (include_superseded or f.superseded_by is None)
        ]
        return sorted(found, key=lambda f: f.added_at)

    async def search_facts(self, terms: Sequence[str], limit: int = 20) -> list[Fact]:
        wanted = {t.casefold() for t in terms if t}
        scored: list[tuple[int, datetime, Fact]] = []
        for fact in self.facts_by_id.values():
            story = self.stories_by_id.get(fact.story_id)
            if story is None or story.status != StoryStatus.PUBLISHED:
                continue
            words = set(text_terms(f"{fact.subject} {fact.object}", keep_stopwords=True))
            words |= {w.casefold() for w in f"{fact.subject} {fact.object}".split()}
            hits = len(wanted & words)
            if hits:
                scored.append((hits, fact.added_at, fact))
        scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
        return [f for _, _, f in scored[:limit]]

    # --- ReadSnapshots ----------------------------------------------------------------------

    def snapshot(self) -> AbstractAsyncContextManager[None]:
        """In memory every read already sees one state: nothing to hold."""
        return nullcontext()

    # --- SearchIndex ------------------------------------------------------------------------

    async def refresh_statistics(self) -> None:
        """Nothing is planned from statistics in memory."""

    async def search_sentences(
        self, terms: Sequence[str], limit: int = 50, story_id: str | None = None
    ) -> list[SentenceHit]:
        """BM25 over the stored index terms, published stories only."""
        total = len(self._sentences)
        if not total:
            return []
        average = sum(self._sentence_lengths) / total
        scores: dict[int, float] = defaultdict(float)
        for term in set(terms):
            postings = self._term_postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for index in postings:
                length = self._sentence_lengths[index]
                scores[index] += idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length / average))
        hits = []
        for index, score in scores.items():
            owner = self._sentence_story[index]
            if story_id is not None and owner != story_id:
                continue
            if self.stories_by_id[owner].status != StoryStatus.PUBLISHED:
                continue
            record = self._sentences[index]
            hits.append(SentenceHit(record.article_id, owner, record.position, record.text, score))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]

    async def sample_sentences(self, terms: Sequence[str], limit: int = 20) -> list[SentenceHit]:
        """The newest published sentences with each of the rarest terms, a share each (as
        :func:`storage.sql.sampled_terms` picks them)."""
        matches = {term: self._matches(term) for term in dict.fromkeys(terms)}
        chosen = sampled_terms(list(matches), {term: len(found) for term, found in matches.items()})
        hits: dict[int, SentenceHit] = {}
        for term in chosen:
            published = [
                i for i in sorted(matches[term], reverse=True)
                if self.stories_by_id[self._sentence_story[i]].status == StoryStatus.PUBLISHED
            ]
            for index in published[: max(1, limit // len(chosen))]:
                record = self._sentences[index]
                owner = self._sentence_story[index]
                hits.setdefault(index, SentenceHit(record.article_id, owner, record.position, record.text, 0.0))
        return list(hits.values())[:limit]

    def _matches(self, term: str) -> list[int]:
        """The sentences having ``term``; a phrase's words side by side."""
        words = term.split()
        found = self._term_postings.get(words[0], []) if words else []
        if len(words) == 1:
            return list(found)
        out = []
        for index in found:
            stored = self._sentences[index].index_terms.split()
            if any(stored[i : i + len(words)] == words for i in range(len(stored) - len(words) + 1)):
                out.append(index)
        return out

    # --- AuditLog ---------------------------------------------------------------------------

    def _record(self, actor: str, action: str, target: str | None, detail: str, at: datetime) -> None:
        self.audit.append(AuditEntry(self._new_id("audit"), actor, action, target, detail, at))

    async def record(self, actor: str, action: str, target: str | None, detail: str, at: datetime) -> None:
        self._record(actor, action, target, detail, at)

    async def audit_entries(self, limit: int = 50) -> list[AuditEntry]:
        return list(reversed(self.audit))[:limit]

    # --- SubscriptionStore ------------------------------------------------------------------

    async def upsert_subscription(self, subscription: Subscription) -> Subscription:
        existing = await self.subscription_for_chat(
            subscription.platform, subscription.chat_id, subscription.thread_id
        )
        if existing is not None:
            subscription = replace(subscription, id=existing.id)
        elif not subscription.id:
            subscription = replace(subscription, id=self._new_id("sub"))
        self.subscriptions_by_id[subscription.id] = subscription
        return subscription

    async def subscription_for_chat(
        self, platform: str, chat_id: str, thread_id: str | None = None
    ) -> Subscription | None:
        for sub in self.subscriptions_by_id.values():
            if sub.platform == platform and sub.chat_id == chat_id and sub.thread_id == thread_id:
                return sub
        return None

    async def subscriptions(self, active_only: bool = True) -> list[Subscription]:
        return [
            s
            for s in self.subscriptions_by_id.values()
            if not active_only or s.status == SubscriptionStatus.ACTIVE
        ]

    async def delete_subscription(self, subscription_id: str) -> bool:
        return self.subscriptions_by_id.pop(subscription_id, None) is not None

    async def pause_subscription(self, subscription_id: str, reason: str) -> None:
        sub = self.subscriptions_by_id[subscription_id]
        self.subscriptions_by_id[subscription_id] = replace(
            sub, status=SubscriptionStatus.PAUSED, paused_reason=reason
        )

    async def resume_subscription(self, subscription_id: str) -> None:
        sub = self.subscriptions_by_id[subscription_id]
        self.subscriptions_by_id[subscription_id] = replace(
            sub, status=SubscriptionStatus.ACTIVE, paused_reason=None
        )

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        moved = 0
        for sub_id, sub in list(self.subscriptions_by_id.items()):
            if sub.platform == platform and sub.chat_id == old_chat_id:
                self.subscriptions_by_id[sub_id] = replace(sub, chat_id=new_chat_id)
                moved += 1
        return moved

    # --- DeliveryStore ----------------------------------------------------------------------

    async def create_delivery(self, delivery: Delivery) -> tuple[Delivery, bool]:
        for existing in self.deliveries_by_id.values():
            if existing.idempotency_key == delivery.idempotency_key:
                return existing, False
        if not delivery.id:
            delivery = replace(delivery, id=self._new_id("d"))
        self.deliveries_by_id[delivery.id] = delivery
        return delivery, True

    async def deliveries(
        self, statuses: Sequence[DeliveryStatus] | None = None, subscription_id: str | None = None
    ) -> list[Delivery]:
        found = [
            d
            for d in self.deliveries_by_id.values()
            if (statuses is None or d.status in statuses)
            and (subscription_id is None or d.subscription_id == subscription_id)
        ]
        return sorted(found, key=lambda d: (d.due_at, d.id))

    async def sent_story_ids(
        self, subscription_ids: Sequence[str] | None, since: datetime
    ) -> dict[str, set[str]]:
        wanted = None if subscription_ids is None else set(subscription_ids)
        found: dict[str, set[str]] = {}
        for d in self.deliveries_by_id.values():
            if d.status == DeliveryStatus.SENT and d.period_end > since:
                if wanted is None or d.subscription_id in wanted:
                    found.setdefault(d.subscription_id, set()).update(d.story_ids)
        return found

    def _filtered_deliveries(
        self,
        since: datetime | None,
        statuses: Sequence[DeliveryStatus] | None,
        exclude_error_prefix: str | None,
    ) -> list[Delivery]:
        return [
            d
            for d in self.deliveries_by_id.values()
            if (statuses is None or d.status in statuses)
            and (since is None or (d.sent_at or d.due_at) >= since)
            and not (exclude_error_prefix and (d.last_error or "").startswith(exclude_error_prefix))
        ]

    async def count_deliveries(
        self,
        since: datetime | None = None,
        statuses: Sequence[DeliveryStatus] | None = None,
        exclude_error_prefix: str | None = None,
    ) -> dict[DeliveryStatus, int]:
        counts: dict[DeliveryStatus, int] = {}
        for d in self._filtered_deliveries(since, statuses, exclude_error_prefix):
            counts[d.status] = counts.get(d.status, 0) + 1
        return counts

    async def recent_deliveries(
        self,
        statuses: Sequence[DeliveryStatus],
        since: datetime | None = None,
        limit: int = 20,
        exclude_error_prefix: str | None = None,
    ) -> list[Delivery]:
        found = self._filtered_deliveries(since, statuses, exclude_error_prefix)
        found.sort(key=lambda d: (d.sent_at or d.due_at, d.id), reverse=True)
        return found[: max(0, limit)]

    async def due_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        found = [
            d
            for d in self.deliveries_by_id.values()
            if d.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
            and d.due_at <= now
            and (d.next_attempt_at is None or d.next_attempt_at <= now)
        ]
        return sorted(found, key=lambda d: (d.due_at, d.id))[:limit]

    async def claim_delivery(
        self, delivery_id: str, now: datetime, lease_until: datetime | None = None
    ) -> Delivery | None:
        found = self.deliveries_by_id.get(delivery_id)
        if found is None or found.status not in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
            return None
        if found.due_at > now or (found.next_attempt_at is not None and found.next_attempt_at > now):
            return None
        claimed = replace(
            found, status=DeliveryStatus.SENDING, attempts=found.attempts + 1, next_attempt_at=lease_until
        )
        self.deliveries_by_id[delivery_id] = claimed
        return claimed

    async def renew_claims(self, delivery_ids: Sequence[str], lease_until: datetime) -> int:
        renewed = 0
        for delivery_id in delivery_ids:
            found = self.deliveries_by_id.get(delivery_id)
            if found is not None and found.status == DeliveryStatus.SENDING:
                self.deliveries_by_id[delivery_id] = replace(found, next_attempt_at=lease_until)
                renewed += 1
        return renewed

    async def requeue_stale_deliveries(self, now: datetime, error: str) -> int:
        stale = [
            d
            for d in self.deliveries_by_id.values()
            if d.status == DeliveryStatus.SENDING and (d.next_attempt_at is None or d.next_attempt_at < now)
        ]
        for d in stale:
            self.deliveries_by_id[d.id] = replace(
                d, status=DeliveryStatus.PENDING, next_attempt_at=None, last_error=error
            )
        return len(stale)

    async def prune_deliveries(self, before: datetime, *, sent_lookback: timedelta, limit: int = 500) -> int:
        finished = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.PAUSED)
        reach = sent_lookback + timedelta(seconds=1)  # as wide as the SQL store's

        def still_read(d: Delivery) -> bool:
            sub = self.subscriptions_by_id.get(d.subscription_id)
            last = sub.last_digest_at if sub is not None else None
            return d.status == DeliveryStatus.SENT and last is not None and d.period_end > last - reach

        doomed = [
            d.id
            for d in self.deliveries_by_id.values()
            if d.status in finished
            and d.period_end < before
            and d.due_at < before
            and (d.sent_at is None or d.sent_at < before)
            and not still_read(d)
        ][: max(0, limit)]
        for delivery_id in doomed:
            del self.deliveries_by_id[delivery_id]
        return len(doomed)

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
        try:
            old = self.deliveries_by_id[delivery_id]
        except KeyError:
            raise NotFound(f"no delivery with id {delivery_id}") from None
        changes: dict[str, object] = {
            "status": status,
            "last_error": error,
            "next_attempt_at": next_attempt_at,
        }
        if status == DeliveryStatus.SENDING:
            changes["attempts"] = old.attempts + 1
        if sent_at is not None:
            changes["sent_at"] = sent_at
        if story_ids is not None:
            changes["story_ids"] = tuple(story_ids)
        delivery = replace(old, **changes)  # type: ignore[arg-type]
        self.deliveries_by_id[delivery_id] = delivery
        if status == DeliveryStatus.SENT:
            sub = self.subscriptions_by_id.get(delivery.subscription_id)
            if sub is not None:
                self.subscriptions_by_id[sub.id] = replace(sub, last_digest_at=delivery.period_end)
        return delivery
