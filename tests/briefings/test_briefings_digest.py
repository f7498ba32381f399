"""Digest selection: filtering by topics, ordering by importance, updates of sent stories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefings.digest import choose_briefings, topic_matches
from briefings.models import Story, StoryStatus

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def _story(
    story_id: str,
    headline: str,
    *,
    sources: int = 1,
    hours_ago: float = 1,
    status: StoryStatus = StoryStatus.PUBLISHED,
    topics: tuple[str, ...] = (),
) -> Story:
    moment = NOW - timedelta(hours=hours_ago)
    return Story(
        story_id,
        headline,
        f"{headline}. More detail.",
        status,
        moment,
        moment,
        moment,
        topics,
        tuple(f"{story_id}-a{i}" for i in range(sources)),
    )


def test_orders_by_sources_then_recency() -> None:
    stories = [
        _story("old", "Harbour fire", hours_ago=20),
        _story("many", "Election called", sources=3, hours_ago=10),
        _story("new", "Bridge opens", hours_ago=0.5),
    ]
    items = choose_briefings(stories, topics=[], since=NOW - timedelta(days=1), now=NOW)
    assert [i.story.id for i in items] == ["many", "new", "old"]


def test_filters_by_topics_and_leaves_out_withdrawn_and_drafts() -> None:
    stories = [
        _story("a", "Election called in Ruritania"),
        _story("b", "Harbour fire", topics=("Ruritania",)),
        _story("c", "Cricket final rained off"),
        _story("d", "Ruritania vote delayed", status=StoryStatus.WITHDRAWN),
        _story("e", "Ruritania budget", status=StoryStatus.DRAFT),
    ]
    items = choose_briefings(stories, topics=["ruritania"], since=None, now=NOW)
    assert {i.story.id for i in items} == {"a", "b"}
    assert topic_matches(stories[2], ["cricket"]) == ("cricket",)
    assert choose_briefings(stories, topics=["weather"], since=None, now=NOW) == []


def test_sent_stories_return_only_with_news() -> None:
    since = NOW - timedelta(hours=12)
    stories = [_story("sent", "Election called", sources=2), _story("fresh", "Bridge opens")]
    plain = choose_briefings(stories, topics=[], since=since, now=NOW, sent_story_ids={"sent"})
    assert [i.story.id for i in plain] == ["fresh"]
    changed = {"sent": NOW - timedelta(hours=1)}
    marked = choose_briefings(
        stories, topics=[], since=since, now=NOW, sent_story_ids={"sent"}, changed_since=changed
    )
    assert [(i.story.id, i.is_update) for i in marked] == [("sent", True), ("fresh", False)]


def test_stories_before_since_and_limit() -> None:
    stories = [_story(f"s{i}", f"Story {i}", hours_ago=i) for i in range(1, 30)]
    items = choose_briefings(stories, topics=[], since=NOW - timedelta(hours=10), now=NOW, limit=5)
    assert len(items) == 5
    assert all(i.story.updated_at > NOW - timedelta(hours=10) for i in items)
