"""Choosing and ordering the briefings of one subscriber's digest. Pure functions.

A digest holds the published stories since the subscriber's last digest that match their
topics (no topics: everything), most important first. Importance counts sources, recency and
how many topics match. A story already sent comes back only when it gained something new
(a fact or an article) since then, marked as an update.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from briefings.models import Fact, Story, StoryStatus
from briefings.text import terms


@dataclass(frozen=True)
class DigestItem:
    """A story chosen for a digest, its importance, and whether it is an update of one sent before."""

    story: Story
    score: float
    is_update: bool = False
    matched_topics: tuple[str, ...] = ()


def story_terms(story: Story) -> frozenset[str]:
    """The index terms of a story's headline, summary and topics (what topics are matched against).

    A fan-out computes them once per story and passes them to :func:`choose_briefings`.
    """
    return frozenset(terms(" ".join((story.headline, story.summary, *story.topics))))


@lru_cache(maxsize=4096)
def topic_terms(topic: str) -> frozenset[str]:
    """The index terms a topic needs (all of them) to match a story; cached, topics repeat a lot."""
    return frozenset(terms(topic))


def topic_matches(
    story: Story, topics: Sequence[str], words: frozenset[str] | None = None
) -> tuple[str, ...]:
    """The topics (keywords or phrases) that a story's headline, summary or topics contain.

    ``words`` are the story's :func:`story_terms` when the caller has them already.
    """
    if not topics:
        return ()
    if words is None:
        words = story_terms(story)
    found = []
    for topic in topics:
        wanted = topic_terms(topic)
        if wanted and wanted <= words:
            found.append(topic)
    return tuple(found)


def importance(story: Story, now: datetime, matched: int = 0, half_life_hours: float = 24.0) -> float:
    """Sources count most; newer stories rank higher; each matched topic adds a little."""
    sources = len(story.article_ids) or 1
    moment = story.updated_at or story.published_at or now
    age_hours = max(0.0, (now - moment).total_seconds() / 3600)
    recency = math.exp(-age_hours * math.log(2) / half_life_hours)
    return math.log2(1 + sources) + recency + 0.5 * matched


@dataclass(frozen=True)
class RankedStory:
    """A candidate of a digest in rank order, with what decides whether a subscriber gets it.

    ``as_new``: it may go to a subscriber who has not had it (it is newer than ``since``);
    ``as_update``: it may go again, as an update, to one who has (it gained a fact or an
    article within the period).
    """

    item: DigestItem
    as_new: bool
    as_update: bool


def rank_stories(
    stories: Sequence[Story],
    *,
    topics: Sequence[str],
    since: datetime | None,
    now: datetime,
    changed_since: Mapping[str, datetime] | None = None,
    story_words: Mapping[str, frozenset[str]] | None = None,
) -> list[RankedStory]:
    """Every story that can be in a digest for ``topics``, most important first.

    What a particular subscriber gets depends only on which of these they were sent before
    (see :func:`pick_ranked`), so a fan-out ranks once per distinct set of topics.
    """
    changed_since = changed_since or {}
    ranked: list[RankedStory] = []
    seen: set[str] = set()
    for story in stories:
        if story.id in seen or story.status != StoryStatus.PUBLISHED:
            continue
        seen.add(story.id)
        moment = story.published_at or story.updated_at
        if moment is not None and moment > now:
            continue
        changed = changed_since.get(story.id)
        as_update = changed is not None and not (since is not None and changed <= since) and changed <= now
        newest = max(story.updated_at, story.published_at or story.updated_at)
        as_new = not (since is not None and newest <= since)
        if not (as_new or as_update):
            continue
        matched = topic_matches(story, topics, story_words.get(story.id) if story_words else None)
        if topics and not matched:
            continue
        ranked.append(RankedStory(DigestItem(story, importance(story, now, len(matched)), False, matched),
                                  as_new, as_update))
    ranked.sort(
        key=lambda entry: (entry.item.score, entry.item.story.updated_at, entry.item.story.id), reverse=True
    )
    return ranked


def pick_ranked(
    ranked: Sequence[RankedStory], sent_story_ids: Collection[str] = (), limit: int = 10
) -> list[DigestItem]:
    """One subscriber's digest from :func:`rank_stories`: a story sent before comes back only as
    an update, the others only when new; at most ``limit``."""
    items: list[DigestItem] = []
    for entry in ranked:
        if len(items) >= limit:
            break
        if entry.item.story.id in sent_story_ids:
            if entry.as_update:
                items.append(replace(entry.item, is_update=True))
        elif entry.as_new:
            items.append(entry.item)
    return items


def choose_briefings(
    stories: Sequence[Story],
    *,
    topics: Sequence[str],
    since: datetime | None,
    now: datetime,
    sent_story_ids: Collection[str] = (),
    changed_since: Mapping[str, datetime] | None = None,
    limit: int = 10,
    story_words: Mapping[str, frozenset[str]] | None = None,
) -> list[DigestItem]:
    """The stories of one digest, most important first.

    ``stories`` are candidate stories (usually published between ``since`` and ``now``);
    ``changed_since`` maps a story id to when it last gained a fact or an article, so that a
    story in ``sent_story_ids`` returns as an update only if that happened after ``since``.
    Drafts, withdrawn stories and stories outside the topics are left out. ``story_words``
    maps a story id to its :func:`story_terms`, precomputed by callers that choose for many
    subscribers from the same stories.
    """
    ranked = rank_stories(
        stories, topics=topics, since=since, now=now, changed_since=changed_since, story_words=story_words
    )
    return pick_ranked(ranked, sent_story_ids, limit)


def last_change(moments: Iterable[datetime], until: datetime) -> datetime | None:
    """When a story last gained a fact or an article, counting only what happened by ``until``.

    Something added after the digest period's end belongs to the next digest.
    """
    known = [moment for moment in moments if moment <= until]
    return max(known) if known else None


def card_facts(
    facts: Sequence[Fact], *, since: datetime | None, until: datetime, is_update: bool
) -> tuple[Fact, ...]:
    """The facts a digest card shows: those known at the period's end (``until``); for a story
    sent before (an update) only those added since the subscriber's last digest."""
    return tuple(
        fact
        for fact in facts
        if fact.added_at <= until and not (is_update and since is not None and fact.added_at <= since)
    )
