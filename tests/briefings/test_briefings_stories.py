"""Grouping rules: name keys, time-bucketed keys, the name gate, follow-ups and the window;
leads and names that must agree, and bbc_dev pairs that must (not) merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from briefings_corpus import bbc_rows, seed_texts
from clock import ManualClock as Clock
from fakes import FakeStore

from briefings.models import ArticleInput, StoryCandidate
from briefings.newsroom import Newsroom
from briefings.stories import (
    DEFAULT_WINDOW,
    MIN_LEAD_AGREEMENT,
    bucket_keys,
    distinctive_terms,
    gate_candidates,
    grouping_keys,
    lead_agreement,
    lookup_keys,
    merge_keys,
    name_agreement,
    query_keys,
    same_story,
    unbucket,
)
from briefings.text import index_terms, split_sentences

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


def test_contractions_are_not_names() -> None:
    keys = _keys("Varnel said: I've seen floods before. I'll stay, and I'm not leaving Telmiro. Don't go.")
    assert not {key.partition(":")[2] for key in keys} & {"ive", "ill", "im", "dont"}
    assert "n:telmiro" in keys


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


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 3, 3, 12, 0, tzinfo=UTC))


@pytest.fixture
def store(clock: Clock) -> FakeStore:
    return FakeStore(clock=clock)


@pytest.fixture
def newsroom(store: FakeStore, clock: Clock) -> Newsroom:
    return Newsroom(store, clock=clock)


def test_merge_keys_keeps_shared_stems_and_names() -> None:
    merged = merge_keys({"n:telmiro", "t:dam", "t:brandt"}, {"t:telmiro", "n:brandt", "t:spillway"}, limit=10)
    assert merged == {"n:telmiro", "n:brandt", "t:dam", "t:spillway"}
    assert len(merge_keys({f"t:a{i}" for i in range(50)}, {"t:b"}, limit=40)) == 40


async def test_two_outlets_merge_and_the_story_is_marked_updated(clock: Clock, newsroom: Newsroom) -> None:
    first = await newsroom.ingest(ArticleInput(text=REPORT, source="Wire"), added_by="t")
    clock.now += timedelta(hours=3)
    second = await newsroom.ingest(ArticleInput(text=SECOND_OUTLET, source="Daily"), added_by="t")
    assert first.story is not None and second.story is not None
    assert second.merged and second.story.id == first.story.id
    assert second.story.updated_at == clock.now > first.story.updated_at
    assert len(second.story.article_ids) == 2
    texts = split_sentences(second.story.summary)
    assert 2 <= len(texts) <= 4 and len(set(texts)) == len(texts)


async def test_same_wording_about_another_event_stays_apart(store: FakeStore, newsroom: Newsroom) -> None:
    await newsroom.ingest(ArticleInput(text=REPORT), added_by="t")
    other = await newsroom.ingest(ArticleInput(text=SAME_WORDS_OTHER_EVENT), added_by="t")
    assert not other.merged
    assert await store.count_stories() == 2


async def test_a_follow_up_after_the_window_starts_a_new_story(
    clock: Clock, store: FakeStore, newsroom: Newsroom
) -> None:
    await newsroom.ingest(ArticleInput(text=REPORT), added_by="t")
    clock.now += DEFAULT_WINDOW + timedelta(hours=1)
    late = await newsroom.ingest(ArticleInput(text=SECOND_OUTLET), added_by="t")
    assert not late.merged
    assert await store.count_stories() == 2


# --- the same event, not just the same people or topic -------------------------------------

# A follow-up of REPORT by the same outlet: it leads with other news (an inquiry, days later),
# then repeats all of REPORT word for word as background.
FOLLOW_UP_OTHER_NEWS = (
    "Quessa province will hold a public inquiry into the design of the Oskar Dam, Governor Ilsa "
    "Brandt announced on Thursday. The inquiry will be led by retired judge Marta Kellin and will "
    "report within six months. Residents of Telmiro have demanded compensation for damaged homes "
    "and lost harvests. " + REPORT
)


def _terms_of(text: str) -> list[list[str]]:
    return [index_terms(s).split() for s in split_sentences(text)]


def test_leads_must_agree_both_ways() -> None:
    report, second, follow_up = _terms_of(REPORT), _terms_of(SECOND_OUTLET), _terms_of(FOLLOW_UP_OTHER_NEWS)
    sets = {
        name: [distinctive_terms(w) for w in terms]
        for name, terms in (("report", report), ("second", second), ("follow_up", follow_up))
    }
    assert lead_agreement(second[:3], sets["report"]) >= MIN_LEAD_AGREEMENT
    assert lead_agreement(report[:3], sets["second"]) >= MIN_LEAD_AGREEMENT
    # The follow-up tells REPORT's lead again, but its own lead is news REPORT does not have.
    assert lead_agreement(follow_up[:3], sets["report"]) < MIN_LEAD_AGREEMENT
    assert same_story(second, report)[0]
    assert same_story(follow_up, report, min_lead=0.0)[0]  # the shared text alone would merge them
    assert not same_story(follow_up, report)[0]


def test_names_must_agree_in_one_direction() -> None:
    report, other = _terms_of(REPORT), _terms_of(SAME_WORDS_OTHER_EVENT)
    ours, theirs = _keys(REPORT), _keys(SAME_WORDS_OTHER_EVENT)
    assert name_agreement(ours, _keys(SECOND_OUTLET), report, _terms_of(SECOND_OUTLET)) >= 0.5
    assert name_agreement(ours, theirs, report, other) < 0.5
    # Same wording, other names: the text test alone would merge them; the names do not.
    assert same_story(report, other)[0]
    assert not same_story(report, other, article_keys=ours, story_keys=theirs)[0]
    # A short report naming a few of a long one's people agrees through its own names.
    short = "Governor Ilsa Brandt ordered the evacuation of Telmiro after the Oskar Dam broke."
    assert name_agreement(_keys(short), ours, _terms_of(short), report) == 1.0


def test_candidates_are_looked_up_by_names_only() -> None:
    keys = frozenset({"n:telmiro", "n:brandt", "t:dam", "t:spillway"})
    assert lookup_keys(keys) == {"n:telmiro", "t:telmiro", "n:brandt", "t:brandt"}
    assert lookup_keys(frozenset({"t:dam", "t:flood"})) == frozenset()


async def test_a_follow_up_with_other_news_starts_its_own_story(clock: Clock, newsroom: Newsroom) -> None:
    first = await newsroom.ingest(ArticleInput(text=REPORT, source="Wire"), added_by="t")
    clock.now += timedelta(hours=5)
    second = await newsroom.ingest(ArticleInput(text=SECOND_OUTLET, source="Daily"), added_by="t")
    clock.now += timedelta(days=2)
    later = await newsroom.ingest(ArticleInput(text=FOLLOW_UP_OTHER_NEWS, source="Wire"), added_by="t")
    assert second.merged and not later.merged
    assert first.story is not None and later.story is not None and later.story.id != first.story.id


# Pairs of bbc_dev articles about different events (a follow-up, a related piece) that share
# people, topic and whole background paragraphs; read from the corpus at run time.
DIFFERENT_EVENTS = [
    ("Blair dismisses quit claim report", "Brown in appeal for Labour unity"),
    ("Tory backing for ID cards", "Howard denies split over ID cards"),
    ("Kilroy launches 'Veritas' party", "Kilroy names election seat target"),
    ("Blair buys copies of new Band Aid", "Band Aid 20 single storms to No 1"),
    ("Howard dismisses Tory tax fears", "Howard and Blair tax pledge clash"),
]
# The same report twice, reworded or revised: these may merge.
SAME_EVENT = [
    ("Federer claims Dubai crown", "Dogged Federer claims Dubai crown"),
    ("Chancellor rallies Labour voters", "Chancellor rallies Labour voters"),
]


def _bbc_by_title() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for row in bbc_rows():
        rows.setdefault(row["title"], []).append(row)
    return rows


async def _stories_for(first: dict, second: dict) -> int:
    store = FakeStore()
    newsroom = Newsroom(store)
    for row in (first, second):
        await newsroom.ingest(ArticleInput(text=row["text"], title=row["title"], source="BBC"), added_by="t")
    return await store.count_stories()


@pytest.mark.parametrize(("first", "second"), DIFFERENT_EVENTS)
async def test_bbc_articles_about_different_events_stay_apart(first: str, second: str) -> None:
    by_title = _bbc_by_title()
    for a in by_title[first]:
        for b in by_title[second]:
            assert await _stories_for(a, b) == 2, (a["id"], b["id"])
            assert await _stories_for(b, a) == 2, (b["id"], a["id"])


@pytest.mark.parametrize(("first", "second"), SAME_EVENT)
async def test_bbc_reports_of_one_event_merge(first: str, second: str) -> None:
    by_title = _bbc_by_title()
    a = by_title[first][0]
    b = by_title[second][-1]
    assert a["id"] != b["id"] and a["text"] != b["text"]
    assert await _stories_for(a, b) == 1


async def test_the_seeds_are_one_story_either_way_round() -> None:
    texts = list(seed_texts().values())
    for order in (texts, texts[::-1]):
        store = FakeStore()
        newsroom = Newsroom(store)
        results = [await newsroom.ingest(ArticleInput(text=t), added_by="t") for t in order]
        assert results[1].merged and await store.count_stories() == 1
