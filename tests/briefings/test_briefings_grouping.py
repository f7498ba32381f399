"""Grouping articles into stories: the seeds merge, unrelated BBC articles stay apart."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from briefings_corpus import bbc_rows, seed_texts
from fakes import FakeStore

from briefings.models import ArticleInput, StoryCandidate
from briefings.newsroom import Newsroom
from briefings.stories import gate_candidates, grouping_keys, same_story
from briefings.text import is_junk, split_sentences, terms


def _keys(text: str, title: str | None = None) -> frozenset[str]:
    return grouping_keys(title, [s for s in split_sentences(text) if not is_junk(s)])


def test_keys_are_salient_and_skip_common_words() -> None:
    text = (
        "Zorvath Mining said on Monday that profits rose. Zorvath Mining chief Elka Varn told the BBC "
        "that the Quillon mine would reopen. Elka Varn said the government had agreed."
    )
    keys = _keys(text)
    assert {"n:zorvath", "n:quillon", "n:elka", "n:varn"} <= keys
    assert not keys & {"t:said", "t:monday", "t:govern", "t:bbc", "t:the"}


def test_seed_keys_share_enough_to_be_candidates() -> None:
    seeds = list(seed_texts().values())
    a, b = _keys(seeds[0]), _keys(seeds[1])
    now = datetime(2021, 9, 7, tzinfo=UTC)
    candidate = StoryCandidate("s1", len(a & b), b, now)
    assert [d.story_id for d in gate_candidates(a, [candidate], now=now)] == ["s1"]
    old = StoryCandidate("s1", len(a & b), b, now - timedelta(days=30))
    assert gate_candidates(a, [old], now=now) == []  # outside the time window
    # As the newsroom does: junk lines (web page chrome before the lead) are dropped first.
    verdict, _, _ = same_story(
        [terms(s) for s in split_sentences(seeds[0]) if not is_junk(s)],
        [terms(s) for s in split_sentences(seeds[1]) if not is_junk(s)],
    )
    assert verdict


async def test_unrelated_bbc_articles_do_not_merge() -> None:
    """200 BBC articles across all categories: no two with clearly different titles merge."""
    rows = bbc_rows()
    by_category: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row)
    chosen = [row for group in by_category.values() for row in group[:40]]
    store = FakeStore()
    newsroom = Newsroom(store)
    title_of: dict[str, str] = {}
    for row in chosen:
        result = await newsroom.ingest(
            ArticleInput(text=row["text"], title=row["title"], external_id=row["id"]), added_by="test"
        )
        if result.article:
            title_of[result.article.id] = row["title"]
    false_merges = []
    merged = []
    for story in store.stories_by_id.values():
        titles = sorted({title_of[a] for a in story.article_ids})
        if len(titles) > 1:
            merged.append(titles)
        for i, first in enumerate(titles):
            for second in titles[i + 1 :]:
                if _clearly_different(first, second):
                    false_merges.append((first, second))
    print(f"stories: {len(store.stories_by_id)} from {len(chosen)} articles; merged: {merged}")
    assert len(store.stories_by_id) >= 190
    assert false_merges == []


def _clearly_different(first: str, second: str) -> bool:
    """Titles sharing under 30% of their terms ("Levy tipped for prize" and "Levy takes prize" share more)."""
    a, b = set(terms(first)), set(terms(second))
    return len(a & b) / max(1, len(a | b)) < 0.3
