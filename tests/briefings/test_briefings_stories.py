"""Grouping rules: name keys, time-bucketed keys, the name gate, follow-ups and the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clock import ManualClock as Clock
from fakes import FakeStore

from briefings.models import ArticleInput, StoryCandidate
from briefings.newsroom import Newsroom
from briefings.stories import (
    DEFAULT_WINDOW,
    bucket_keys,
    gate_candidates,
    grouping_keys,
    merge_keys,
    query_keys,
    unbucket,
)
from briefings.text import split_sentences

REPORT = (
    "Floodwater from the Varnel river broke through the Oskar Dam near Telmiro on Sunday, "
    "officials in Quessa province said. Governor Ilsa Brandt ordered the evacuation of Telmiro and "
    "two villages downstream. Engineers from Halvik Construction, which built the dam, said the "
    "spillway had been blocked by debris. Brandt said rescue boats reached 300 stranded residents. "
    "The Varnel river is expected to stay high until Wednesday, forecasters said."
)
SECOND_OUTLET = (
    "Officials in Quessa province say the Oskar Dam near Telmiro gave way on Sunday after the Varnel "
    "river rose. Governor Ilsa Brandt has ordered Telmiro evacuated, along with two villages "
    "downstream. Halvik Construction, the dam's builder, blamed debris blocking the spillway. "
    "Rescue boats have reached 300 stranded residents, Brandt said."
)
# The same wording about a different event: other people and places.
SAME_WORDS_OTHER_EVENT = (
    "Floodwater from the Dorsel river broke through the Penna Dam near Ulvano on Sunday, "
    "officials in Ravik province said. Governor Tomas Edde ordered the evacuation of Ulvano and "
    "two villages downstream. Engineers from Morrow Works, which built the dam, said the "
    "spillway had been blocked by debris. Edde said rescue boats reached 300 stranded residents. "
    "The Dorsel river is expected to stay high until Wednesday, forecasters said."
)



def _keys(text: str) -> frozenset[str]:
    return grouping_keys(None, split_sentences(text))


def test_names_and_other_terms_are_told_apart() -> None:
    keys = _keys(REPORT)
    assert {"n:varnel", "n:telmiro", "n:brandt"} <= keys
    assert "t:spillway" in keys or "t:debri" in keys
    assert not any(k in keys for k in ("n:sunday", "t:sunday", "n:said", "t:said"))


def test_bucketed_keys_round_trip_and_cover_the_window() -> None:
    now = datetime(2024, 3, 3, 12, 0, tzinfo=UTC)
    keys = frozenset({"n:telmiro", "t:dam"})
    stored = bucket_keys(keys, now)
    assert unbucket(stored) == keys
    assert stored <= set(query_keys(keys, now))
    later = now + DEFAULT_WINDOW - timedelta(minutes=1)
    assert stored <= set(query_keys(keys, later))  # still inside the window: still looked up
    much_later = now + 3 * DEFAULT_WINDOW
    assert not stored & set(query_keys(keys, much_later))  # old buckets are never read


def test_same_wording_with_other_names_is_not_a_candidate() -> None:
    now = datetime(2024, 3, 3, tzinfo=UTC)
    ours = _keys(REPORT)
    other = StoryCandidate("s1", 0, bucket_keys(_keys(SAME_WORDS_OTHER_EVENT), now), now)
    same = StoryCandidate("s2", 0, bucket_keys(_keys(SECOND_OUTLET), now), now)
    assert [d.story_id for d in gate_candidates(ours, [other, same], now=now)] == ["s2"]


def test_merge_keys_keeps_shared_stems_and_names() -> None:
    merged = merge_keys({"n:telmiro", "t:dam", "t:brandt"}, {"t:telmiro", "n:brandt", "t:spillway"}, limit=10)
    assert merged == {"n:telmiro", "n:brandt", "t:dam", "t:spillway"}
    assert len(merge_keys({f"t:a{i}" for i in range(50)}, {"t:b"}, limit=40)) == 40


async def test_two_outlets_merge_and_the_story_is_marked_updated() -> None:
    clock = Clock(datetime(2024, 3, 3, 12, 0, tzinfo=UTC))
    store = FakeStore(clock=clock)
    newsroom = Newsroom(store, clock=clock)
    first = await newsroom.ingest(ArticleInput(text=REPORT, source="Wire"), added_by="t")
    clock.now += timedelta(hours=3)
    second = await newsroom.ingest(ArticleInput(text=SECOND_OUTLET, source="Daily"), added_by="t")
    assert first.story is not None and second.story is not None
    assert second.merged and second.story.id == first.story.id
    assert second.story.updated_at == clock.now > first.story.updated_at
    assert len(second.story.article_ids) == 2
    texts = split_sentences(second.story.summary)
    assert 2 <= len(texts) <= 4 and len(set(texts)) == len(texts)


async def test_same_wording_about_another_event_stays_apart() -> None:
    clock = Clock(datetime(2024, 3, 3, 12, 0, tzinfo=UTC))
    store = FakeStore(clock=clock)
    newsroom = Newsroom(store, clock=clock)
    await newsroom.ingest(ArticleInput(text=REPORT), added_by="t")
    other = await newsroom.ingest(ArticleInput(text=SAME_WORDS_OTHER_EVENT), added_by="t")
    assert not other.merged
    assert await store.count_stories() == 2


async def test_a_follow_up_after_the_window_starts_a_new_story() -> None:
    clock = Clock(datetime(2024, 3, 3, 12, 0, tzinfo=UTC))
    store = FakeStore(clock=clock)
    newsroom = Newsroom(store, clock=clock)
    await newsroom.ingest(ArticleInput(text=REPORT), added_by="t")
    clock.now += DEFAULT_WINDOW + timedelta(hours=1)
    late = await newsroom.ingest(ArticleInput(text=SECOND_OUTLET), added_by="t")
    assert not late.merged
    assert await store.count_stories() == 2
