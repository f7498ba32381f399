"""Summaries: 2–4 sentences, no repeats, every sentence traced to its article; headlines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from briefings_corpus import bbc_rows, seed_texts

from briefings.summarise import (
    FEATURES,
    SourceSentence,
    compress_sentence,
    default_weights,
    summarise_article,
    summarise_story,
    weights_from_json,
)
from briefings.text import split_sentences, terms


def _sources(article_id: str, text: str) -> list[SourceSentence]:
    return [SourceSentence(article_id, i, s) for i, s in enumerate(split_sentences(text))]


def test_story_summary_from_two_outlets() -> None:
    (id_a, text_a), (id_b, text_b) = seed_texts().items()
    pooled = _sources(id_a, text_a) + _sources(id_b, text_b)
    summary = summarise_story(pooled, {id_a: None, id_b: None})
    assert 2 <= len(summary.sentences) <= 4
    texts = [s.text for s in summary.sentences]
    assert len(set(texts)) == len(texts)
    bags = [set(terms(t)) for t in texts]
    for i, first in enumerate(bags):  # no near-duplicates either (the outlets repeat each other)
        for second in bags[i + 1 :]:
            assert len(first & second) / len(first | second) < 0.5
    assert summary.sentences[0].position <= 1  # a briefing opens with what happened
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


def test_shipped_weights_are_loaded_and_name_every_feature() -> None:
    from importlib import resources

    raw = resources.files("briefings").joinpath("data/summary_weights.json").read_text(encoding="utf-8")
    assert default_weights() == weights_from_json(raw)
    assert set(json.loads(raw)["features"]) == set(FEATURES)


def test_asking_for_more_sentences_than_are_good_fills_in_article_order() -> None:
    text = "Short one. The council approved the new harbour budget on Monday night. Yes? Fine."
    chosen = summarise_article(text, 3)
    assert len(chosen) == 3
    assert chosen[0] == "Short one."


def test_summary_sentences_come_from_every_outlet_when_each_adds_something() -> None:
    a = (
        "The harbour fire started in a fish warehouse on Monday night. Firefighters from three towns "
        "fought the blaze until dawn. The warehouse owner said the damage would cost millions."
    )
    b = (
        "A fire destroyed a fish warehouse in the harbour overnight on Monday. Police said they were "
        "treating the fire as suspicious and had closed the coast road. Two firefighters were treated "
        "for smoke inhalation in hospital."
    )
    summary = summarise_story(_sources("a", a) + _sources("b", b), {"a": None, "b": None})
    assert {s.article_id for s in summary.sentences} == {"a", "b"}
    assert 2 <= len(summary.sentences) <= 4
    # The two openings say the same thing: only one of them is used.
    openings = [s for s in summary.sentences if s.position == 0]
    assert len(openings) <= 1
    assert summary.headline.startswith(("The harbour fire started", "A fire destroyed"))


def test_headline_prefers_the_title_closest_to_the_story() -> None:
    a = "The dam burst on Tuesday, flooding three villages. Rescue teams arrived by boat."
    b = "The dam burst on Tuesday and flooded three villages. Rescue teams reached them by boat."
    summary = summarise_story(
        _sources("a", a) + _sources("b", b), {"a": "Live: weather updates", "b": "Dam burst floods villages"}
    )
    assert summary.headline == "Dam burst floods villages"


def test_evaluation_reads_labelled_lines_and_scores(tmp_path: Path) -> None:
    from bot.evaluate.summaries import EvaluationDataError, evaluate, read_labelled

    text = (
        "The council approved the harbour budget on Monday. The vote was close, at five to four. "
        "Work on the new pier starts in May. Critics said the plan ignored the fishing fleet."
    )
    data = tmp_path / "labelled.jsonl"
    line = {"id": "x1", "title": "Harbour budget", "text": text, "reference_summary": "Work on the new pier "
            "starts in May.The council approved the harbour budget on Monday."}
    data.write_text(json.dumps(line) + "\n", encoding="utf-8")
    articles = read_labelled(data)
    assert [a.reference_sentence_count for a in articles] == [2]
    result = evaluate(articles, keep_predictions=True)
    assert result.at_3.count == 1 and 0 < result.at_reference.means()["rouge2"] <= 100
    assert set(result.predictions[0]) == {"id", "summary_3", "summary_ref"}
    assert result.predictions[0]["summary_ref"].count(".") == 2
    (tmp_path / "bad.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(EvaluationDataError, match=r"bad\.jsonl:1"):
        read_labelled(tmp_path / "bad.jsonl")
