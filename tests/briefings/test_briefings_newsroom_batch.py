"""Newsroom.ingest_many on the FakeStore: the same stories, merges and duplicates as ingesting
the same articles one by one (seeds and a slice of bbc_dev)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefings_corpus import bbc_rows, seed_texts
from fakes import FakeStore

from briefings.facts import may_state_facts, sentence_facts
from briefings.models import ArticleInput, IngestResult
from briefings.newsroom import InvalidInput, Newsroom
from briefings.text import normalise, split_sentences


class TickingClock:
    """Moves 30 seconds at every reading: each ingested article gets its own time."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=30)
        return self.now


def corpus_articles() -> list[ArticleInput]:
    seeds = [ArticleInput(text=text, external_id=name) for name, text in seed_texts().items()]
    # Politics 74-345 of bbc_dev holds revised reports (same title, other text) that join their
    # first version, and texts stored twice.
    rows = bbc_rows()[469:625]
    articles = seeds + [ArticleInput(text=r["text"], title=r["title"], external_id=r["id"]) for r in rows]
    # A text twice in one run, and text that is refused.
    return [*articles[:40], articles[3], ArticleInput(text="   "), *articles[40:], articles[0]]


def outcome(result: IngestResult | InvalidInput, external: dict[str, str]) -> tuple[object, ...]:
    """What an ingest did, with store ids replaced by the articles' external ids."""
    if isinstance(result, InvalidInput):
        return ("refused", str(result))
    story = result.story
    assert story is not None
    return (
        "duplicate" if result.duplicate_of else "merged" if result.merged else "new",
        external.get(result.duplicate_of or "", None),
        tuple(external[a] for a in story.article_ids),
        story.headline,
        story.summary,
        story.topics,
        story.status,
        result.facts_added,
    )


def outcomes(
    articles: list[ArticleInput], results: list[IngestResult | InvalidInput]
) -> list[tuple[object, ...]]:
    external = {
        r.article.id: a.external_id or ""
        for a, r in zip(articles, results, strict=True)
        if isinstance(r, IngestResult) and r.article is not None
    }
    return [outcome(r, external) for r in results]


async def one_by_one(newsroom: Newsroom, articles: list[ArticleInput]) -> list[IngestResult | InvalidInput]:
    results: list[IngestResult | InvalidInput] = []
    for article in articles:
        try:
            results.append(await newsroom.ingest(article, added_by="bulk"))
        except InvalidInput as refused:
            results.append(refused)
    return results


async def batched(
    newsroom: Newsroom, articles: list[ArticleInput], size: int
) -> list[IngestResult | InvalidInput]:
    results: list[IngestResult | InvalidInput] = []
    for start in range(0, len(articles), size):
        results += await newsroom.ingest_many(articles[start : start + size], added_by="bulk")
    return results


async def test_batches_give_the_same_stories_as_one_by_one() -> None:
    articles = corpus_articles()
    expected = outcomes(articles, await one_by_one(Newsroom(FakeStore(), clock=TickingClock()), articles))
    kinds = [o[0] for o in expected]
    assert kinds.count("merged") >= 4 and kinds.count("duplicate") >= 2 and kinds.count("refused") == 1
    for size in (1, 16, len(articles)):
        store = FakeStore()
        got = outcomes(articles, await batched(Newsroom(store, clock=TickingClock()), articles, size))
        assert got == expected, f"batches of {size}"
        assert await store.count_articles() == kinds.count("new") + kinds.count("merged")


async def test_seeds_in_one_batch_share_a_story() -> None:
    store = FakeStore()
    newsroom = Newsroom(store, clock=TickingClock())
    seeds = [ArticleInput(text=text, external_id=name) for name, text in seed_texts().items()]
    first, second = await newsroom.ingest_many(seeds, added_by="bulk")
    assert isinstance(first, IngestResult) and isinstance(second, IngestResult)
    assert first.article is not None and second.article is not None and second.story is not None
    assert not first.merged and second.merged
    assert second.article.story_id == first.article.story_id
    assert second.story.article_ids == (first.article.id, second.article.id)
    again = await newsroom.ingest_many([seeds[1]], added_by="bulk")
    assert isinstance(again[0], IngestResult) and again[0].duplicate_of == second.article.id


async def test_an_empty_batch_and_a_refused_batch() -> None:
    newsroom = Newsroom(FakeStore(), clock=TickingClock())
    assert await newsroom.ingest_many([], added_by="bulk") == []
    [refused] = await newsroom.ingest_many([ArticleInput(text="\x00\x01 binary")], added_by="bulk")
    assert isinstance(refused, InvalidInput) and "binary" in str(refused)


def test_sentences_skipped_for_facts_state_none() -> None:
    # extract_facts skips the sentences may_state_facts turns away: on the whole corpus, every
    # pattern must find nothing in each of them.
    texts = [*seed_texts().values(), *(row["text"] for row in bbc_rows())]
    skipped = 0
    for text in texts:
        for sentence in split_sentences(normalise(text)):
            if not may_state_facts(sentence):
                skipped += 1
                assert sentence_facts(sentence) == [], sentence
    assert skipped > 10_000  # the check is not vacuous: most sentences are skipped
    assert may_state_facts("Ana Lim, head of the Harbour Authority, spoke.")
    assert may_state_facts("The National Harbour Authority (NHA) met.")
    assert not may_state_facts("Rain fell all day on the quiet town.")
