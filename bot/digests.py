"""Composing subscribers' digests: shared by /digest and the scheduled outbox.

A digest holds what was published between the subscriber's last digest (``since``) and the
end of this digest's period (``until``), filtered by their topics. At a fan-out thousands of
subscribers share both moments, so the work is shared too:

* one **story pool** per ``(since, until)``: the published stories of the period with their
  citations and facts, loaded once (one query for the stories, one for all their articles,
  one per story for its facts) and kept in a small LRU cache;
* each story's index terms are computed once per pool, and the pool ranks its stories once per
  distinct set of topics; a subscriber's choice is then a walk down that ranking that skips
  what they were sent before. Subscribers who get the same stories share one
  :class:`ComposedDigest` (and one :class:`Reply`, so the adapters' rendering caches hit);
* "already sent" is bounded: the story ids of the subscriber's digests sent in the
  :data:`SENT_LOOKBACK` before ``since``. A story sent longer ago that changes comes back
  as a new story rather than as an update.

A pool answers "what is published now" without reloading: before every use it asks the store
for the stories changed since it last looked (one indexed query that is usually empty) and
refreshes those, so a briefing withdrawn or edited during a fan-out is honoured at once.

Facts are those known at ``until``. A story sent before comes back only if it gained a fact or
an article in ``(since, until]``, and then its card carries only the facts added since the
last digest (the renderers label them "New facts").
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.messages import Reply
from bot.replies import digest_reply
from briefings.digest import (
    DigestItem,
    RankedStory,
    card_facts,
    last_change,
    pick_ranked,
    rank_stories,
    story_terms,
)
from briefings.models import (
    Article,
    Briefing,
    Citation,
    Fact,
    Story,
    StoryStatus,
    Subscription,
)
from briefings.newsroom import Newsroom
from briefings.ports import BotStore, NotFound

log = logging.getLogger(__name__)

FIRST_DIGEST_WINDOW = timedelta(days=1)
SENT_LOOKBACK = timedelta(days=7)
POOLS_KEPT = 16
_CHANGES_PER_CHECK = 200  # more changed stories than this at one check: reload the pool
_MEMO_LIMIT = 100_000


@dataclass(frozen=True)
class ComposedDigest:
    """One subscriber's digest; subscribers who get the same stories share one instance."""

    briefings: tuple[Briefing, ...]
    updated_story_ids: frozenset[str]
    _reply: Reply | None = field(default=None, compare=False, repr=False)

    @property
    def story_ids(self) -> tuple[str, ...]:
        return tuple(b.story.id for b in self.briefings)

    def reply(self, empty_text: str | None = None) -> Reply:
        if empty_text is not None:
            return digest_reply(
                self.briefings, updated_story_ids=self.updated_story_ids, empty_text=empty_text
            )
        if self._reply is None:
            # Built once and shared: the same object for every subscriber of this digest, so
            # that renderers keyed by the reply (Telegram's split cache) do the work once.
            reply = digest_reply(self.briefings, updated_story_ids=self.updated_story_ids)
            object.__setattr__(self, "_reply", reply)
        assert self._reply is not None
        return self._reply


@dataclass
class _Entry:
    """A pool story with what its card needs."""

    story: Story
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...]  # current (not superseded), oldest first
    changed: datetime | None  # last fact or article added by the period's end
    in_period: bool  # published or updated within (since, until] when first seen


@dataclass
class _Pool:
    """The stories of one digest period, shared by every subscriber of that period."""

    since: datetime
    until: datetime
    entries: dict[str, _Entry] = field(default_factory=dict)
    looked_at: set[str] = field(default_factory=set)  # ids already considered (entry or not)
    versions: dict[str, datetime] = field(default_factory=dict)  # id -> updated_at seen
    watermark: datetime | None = None  # changes at or after this moment are not seen yet
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    # Derived from the entries, dropped whenever they change:
    ranked: dict[tuple[str, ...], tuple[RankedStory, ...]] = field(default_factory=dict)  # by topics
    composed: dict[tuple[tuple[str, bool], ...], ComposedDigest] = field(default_factory=dict)
    cards: dict[tuple[str, bool], Briefing] = field(default_factory=dict)  # (story id, is update)

    def changed(self) -> None:
        self.ranked.clear()
        self.composed.clear()
        self.cards.clear()



def _within(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since < moment <= until


class DigestComposer:
    """Chooses what goes into a subscriber's digest: what is new since their last delivered one.

    ``compose`` serves one subscriber (the outbox calls it at send time); ``compose_many``
    serves a whole fan-out at once. Both use the same pools and give the same answers.
    """

    def __init__(self, newsroom: Newsroom, store: BotStore, *, pools_kept: int = POOLS_KEPT) -> None:
        self._newsroom = newsroom  # kept for callers and for the newsroom's own digest parity
        self._store = store
        self._pools: OrderedDict[tuple[datetime, datetime], _Pool] = OrderedDict()
        self._pools_kept = max(1, pools_kept)
        self.pool_loads = 0  # for benchmarks and tests

    # --- public ----------------------------------------------------------------------------

    async def compose(
        self, subscription: Subscription | None, now: datetime, limit: int = 10
    ) -> ComposedDigest:
        """One subscriber's digest (``None``: everything new) for the period ending ``now``."""
        since = _since(subscription, now)
        pool = await self._pool(since, now)
        sent: Collection[str] = frozenset()
        if subscription is not None:
            sent = (await self._sent_story_ids([subscription.id], since)).get(subscription.id, frozenset())
            await self._look_at(pool, sent)
        topics = subscription.topics if subscription else ()
        return self._choose(pool, topics, sent, limit)

    async def compose_many(
        self, subscriptions: Sequence[Subscription], until: datetime, limit: int = 10
    ) -> dict[str, ComposedDigest]:
        """Every subscriber's digest for the period ending ``until``, by subscription id."""
        by_since: dict[datetime, list[Subscription]] = {}
        for subscription in subscriptions:
            by_since.setdefault(_since(subscription, until), []).append(subscription)
        composed: dict[str, ComposedDigest] = {}
        for since, group in by_since.items():
            pool = await self._pool(since, until)
            sent = await self._sent_story_ids([s.id for s in group], since)
            await self._look_at(pool, set().union(*sent.values()) if sent else ())
            for subscription in group:
                composed[subscription.id] = self._choose(
                    pool, subscription.topics, sent.get(subscription.id, frozenset()), limit
                )
        return composed

    # --- choosing --------------------------------------------------------------------------

    def _choose(
        self, pool: _Pool, topics: Sequence[str], sent: Collection[str], limit: int
    ) -> ComposedDigest:
        key = tuple(topics)
        ranked = pool.ranked.get(key)
        if ranked is None:
            if len(pool.ranked) >= _MEMO_LIMIT:
                pool.ranked.clear()
            ranked = pool.ranked[key] = tuple(
                rank_stories(
                    [entry.story for entry in pool.entries.values()],
                    topics=topics,
                    since=pool.since,
                    now=pool.until,
                    changed_since={
                        sid: e.changed for sid, e in pool.entries.items() if e.changed is not None
                    },
                    story_words=pool.words,
                )
            )
        items = pick_ranked(ranked, sent, limit)
        chosen = tuple((item.story.id, item.is_update) for item in items)
        composed = pool.composed.get(chosen)
        if composed is None:
            if len(pool.composed) >= _MEMO_LIMIT:
                pool.composed.clear()
            composed = pool.composed[chosen] = ComposedDigest(
                tuple(self._card(pool, item) for item in items),
                frozenset(item.story.id for item in items if item.is_update),
            )
        return composed

    @staticmethod
    def _card(pool: _Pool, item: DigestItem) -> Briefing:
        key = (item.story.id, item.is_update)
        card = pool.cards.get(key)
        if card is None:
            entry = pool.entries[item.story.id]
            facts = card_facts(entry.facts, since=pool.since, until=pool.until, is_update=item.is_update)
            card = pool.cards[key] = Briefing(entry.story, entry.citations, facts)
        return card

    # --- pools -----------------------------------------------------------------------------

    async def _pool(self, since: datetime, until: datetime) -> _Pool:
        key = (since, until)
        pool = self._pools.get(key)
        if pool is not None:
            self._pools.move_to_end(key)
            if await self._refresh(pool):
                return pool
        pool = await self._load(since, until)
        self._pools[key] = pool
        self._pools.move_to_end(key)
        while len(self._pools) > self._pools_kept:
            self._pools.popitem(last=False)
        return pool

    async def _load(self, since: datetime, until: datetime) -> _Pool:
        self.pool_loads += 1
        pool = _Pool(since, until)
        # The watermark is read first: whatever changes while the pool loads is seen at the
        # next refresh, at worst twice, never missed.
        newest = await self._store.stories(limit=1)
        pool.watermark = newest[0].updated_at if newest else None
        stories = await self._store.published_between(since, until)
        await self._admit(pool, stories, in_period=True)
        return pool

    async def _refresh(self, pool: _Pool) -> bool:
        """Bring a cached pool up to date with stories changed since it last looked; False: reload it."""
        if pool.watermark is None:
            changed = await self._store.stories(limit=_CHANGES_PER_CHECK)
        else:
            changed = await self._store.stories(since=pool.watermark, limit=_CHANGES_PER_CHECK)
        if len(changed) >= _CHANGES_PER_CHECK:
            return False
        fresh = [story for story in changed if pool.versions.get(story.id) != story.updated_at]
        if changed:
            pool.watermark = max(story.updated_at for story in changed)
        if not fresh:
            return True
        relevant = []
        for story in fresh:
            entry = pool.entries.get(story.id)
            was_in_period = entry.in_period if entry is not None else False
            if story.id in pool.looked_at or _within(story.published_at, pool.since, pool.until):
                relevant.append((story, was_in_period))
            else:
                pool.versions[story.id] = story.updated_at  # changed, but not part of this period
        for story, was_in_period in relevant:
            pool.entries.pop(story.id, None)
            pool.looked_at.discard(story.id)
            in_period = (
                was_in_period
                or _within(story.published_at, pool.since, pool.until)
                or _within(story.updated_at, pool.since, pool.until)
            )
            await self._admit(pool, [story], in_period=in_period)
        return True

    async def _look_at(self, pool: _Pool, story_ids: Iterable[str]) -> None:
        """Consider stories sent before that are not in the period: they return if they gained
        a fact or an article within it."""
        unknown = [story_id for story_id in story_ids if story_id not in pool.looked_at]
        if not unknown:
            return
        stories = []
        for story_id in unknown:
            try:
                stories.append(await self._store.story(story_id))
            except NotFound:
                pool.looked_at.add(story_id)
        await self._admit(pool, stories, in_period=False)

    async def _admit(self, pool: _Pool, stories: Sequence[Story], *, in_period: bool) -> None:
        """Load citations and facts of ``stories`` and add the published ones to the pool."""
        for story in stories:
            pool.looked_at.add(story.id)
            pool.versions[story.id] = story.updated_at
        published = [story for story in stories if story.status == StoryStatus.PUBLISHED]
        if not published:
            if stories:
                pool.changed()
            return
        articles = await self._store.articles([aid for story in published for aid in story.article_ids])
        by_story: dict[str, list[Article]] = {}
        for article in articles:
            by_story.setdefault(article.story_id, []).append(article)
        for story in published:
            facts = await self._store.story_facts(story.id)
            story_articles = by_story.get(story.id, [])
            changed = last_change(
                [fact.added_at for fact in facts] + [article.added_at for article in story_articles],
                pool.until,
            )
            if not in_period and not _within(changed, pool.since, pool.until):
                continue  # an old story with nothing new in this period
            pool.entries[story.id] = _Entry(
                story=story,
                citations=tuple(Citation.from_article(article) for article in story_articles),
                facts=tuple(facts),
                changed=changed,
                in_period=in_period,
            )
            pool.words[story.id] = story_terms(story)
        pool.changed()

    # --- already sent ----------------------------------------------------------------------

    async def _sent_story_ids(
        self, subscription_ids: Sequence[str], since: datetime
    ) -> Mapping[str, Collection[str]]:
        """Story ids of each subscription's digests whose period ended in the lookback before ``since``."""
        # Only read (``in``), never changed: the store's sets are used as they are.
        return await self._store.sent_story_ids(subscription_ids, since - SENT_LOOKBACK)


def _since(subscription: Subscription | None, until: datetime) -> datetime:
    """Where "new" starts: the last delivered digest, or the last day before the first one."""
    since = subscription.last_digest_at if subscription is not None else None
    return (since or until - FIRST_DIGEST_WINDOW).astimezone(UTC)
