"""Summaries: 2–4 sentences, no repeats, every sentence traced to its article; headlines."""

from __future__ import annotations

from briefings_corpus import bbc_rows, seed_texts

from briefings.summarise import SourceSentence, compress_sentence, summarise_article, summarise_story
from briefings.text import split_sentences


def _sources(article_id: str, text: str) -> list[SourceSentence]:
    return [SourceSentence(article_id, i, s) for i, s in enumerate(split_sentences(text))]


def test_story_summary_from_two_outlets() -> None:
    (id_a, text_a), (id_b, text_b) = seed_texts().items()
    pooled = _sources(id_a, text_a) + _sources(id_b, text_b)
    summary = summarise_story(pooled, {id_a: None, id_b: None})
    assert 2 <= len(summary.sentences) <= 4
    texts = [s.text for s in summary.sentences]
    assert len(set(texts)) == len(texts)
    originals = {(s.article_id, s.position): s.text for s in pooled}
    for sentence in summary.sentences:
        assert originals[(sentence.article_id, sentence.position)] == sentence.text
    assert not any(t.lower().startswith(("also read", "image", "media caption", "•")) for t in texts)
    assert summary.headline and len(summary.headline) <= 91
    assert not summary.headline.lower().startswith("in a recent development")


def test_near_duplicate_sentences_across_outlets_appear_once() -> None:
    a = "The dam burst on Tuesday, flooding three villages. Rescue teams arrived by boat. Officials met."
    b = "The dam burst on Tuesday and flooded three villages. Rescue teams reached them by boat."
    summary = summarise_story(_sources("a", a) + _sources("b", b), {"a": "Dam bursts", "b": None})
    burst = [s for s in summary.sentences if "dam burst" in s.text.lower()]
    assert len(burst) == 1
    assert summary.headline == "Dam bursts"


def test_single_sentence_text_gives_what_it_has() -> None:
    summary = summarise_story(_sources("a", "Only one sentence here about the harbour fire."), {"a": None})
    assert len(summary.sentences) == 1
    assert summary.headline.startswith("Only one sentence")


def test_summarise_article_returns_n_sentences_in_order() -> None:
    row = bbc_rows()[0]
    chosen = summarise_article(row["text"], 3, title=row["title"])
    assert len(chosen) == 3
    body = split_sentences(row["text"])
    positions = [body.index(s) for s in chosen]
    assert positions == sorted(positions)


def test_compress_sentence_makes_a_headline() -> None:
    sentence = (
        "In a recent development, the harbour authority has closed the northern pier, which was damaged "
        "by the storm that swept the coast last week, until further notice."
    )
    headline = compress_sentence(sentence)
    assert headline.startswith("The harbour authority has closed the northern pier")
    assert len(headline) <= 91
