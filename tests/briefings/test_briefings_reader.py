"""The reader's candidate spans, question weights and paragraph features (briefings/reader.py)."""

from __future__ import annotations

import pytest

from briefings.questions import analyse_question
from briefings.reader import (
    QuestionView,
    SentenceView,
    candidates,
    is_syntax_feature,
    load_model,
    load_reader_model,
    paragraph_candidates,
    person_like,
    question_view,
    rank_sentences,
    read,
    sentence_view,
    tokenize,
    with_sentence_idf,
)


def _spans(question: str, sentence: str) -> set[str]:
    view = question_view(analyse_question(question))
    return {c.text for c in candidates(sentence_view(sentence, view), view)}


@pytest.mark.parametrize(
    ("question", "sentence", "span"),
    [
        ("When did the mill open?", "The mill opened on March 4, 1921 after a long delay.", "March 4, 1921"),
        ("Who ran the mill?", "The mill was run by Ada K. Morrow for a decade.", "Ada K. Morrow"),
        ("Who ran the mill?", "The mill was sold to the U.S. Forest Service in 1950.", "U.S. Forest Service"),
        ("In which season did the club win?", "The club won the cup in the 1987–88 season.", "1987–88 season"),
        ("Which firm bought the mill?", "The mill was bought by Hale & Sons last year.", "Hale & Sons"),
        (
            "What song did the band play first?",
            'The band opened with "Down by the Old Grey River and Back Again Tonight" to cheers.',
            "Down by the Old Grey River and Back Again Tonight",
        ),
    ],
)
def test_candidates_keep_punctuation_that_belongs_inside_an_answer(question: str, sentence: str, span: str) -> None:
    assert span in _spans(question, sentence)


def test_candidates_do_not_run_across_a_plain_comma() -> None:
    spans = _spans("Who ran the mill?", "The mill was run by Ada Morrow, Tom Price and others.")
    assert "Ada Morrow" in spans
    # Only phrases that run to the end of the list cross its comma, never a piece of it.
    crossing = {s for s in spans if "Morrow, Tom" in s}
    assert "Ada Morrow, Tom Price and others" in crossing
    assert all(s.endswith("Tom Price and others") for s in crossing)
    spans = _spans("Who ran the mill?", "The mill was run by Ada Morrow, then sold to Tom Price.")
    assert not any("Morrow, " in s for s in spans)


def test_a_whole_list_and_qualified_numbers_are_candidates() -> None:
    spans = _spans("What lives by the mill?", "The mill is home to the otter, beaver and hundreds of bird species.")
    assert "otter, beaver and hundreds of bird species" in spans
    assert "over two million" in _spans("How many items?", "The library holds over two million items.")
    assert "World War I" in _spans("After which war?", "It closed after World War I ended.")
    assert "3:08" in _spans("How long was left?", "They led with 3:08 left.")


def test_a_clause_after_because_is_one_long_candidate() -> None:
    spans = _spans(
        "Why was the mill closed?",
        "The mill was closed because heavy floods had wrecked the wheel and the old dam beyond any repair.",
    )
    assert "heavy floods had wrecked the wheel and the old dam beyond any repair" in spans


def test_sentence_idf_discounts_the_paragraphs_running_subject() -> None:
    sentences = [
        "The Larch Mill was built in 1850.",
        "The Larch Mill burned down in 1902.",
        "The Larch Mill reopened as a museum in 1990.",
    ]
    plain = question_view(analyse_question("When did the Larch Mill burn down?"))
    weighted = with_sentence_idf(plain, sentences)
    larch, burn = "larch", "burn"
    assert weighted.weights[larch] < plain.weights[larch]
    assert weighted.weights[burn] == pytest.approx(plain.weights[burn])
    views = rank_sentences([sentence_view(s, weighted) for s in sentences])
    assert views[0].text == sentences[1]
    # One sentence alone: nothing to compare with, the weights stay as they are.
    assert with_sentence_idf(plain, sentences[:1]) is plain


def test_question_view_knows_which_terms_come_before_the_question_word() -> None:
    view = question_view(analyse_question("The Larch Mill was sold to which company?"))
    assert view.side["larch"] == -1
    assert view.side["compani"] == 1 or view.focus == "compani"


def test_paragraph_candidates_mark_the_paragraphs_recurring_words() -> None:
    sentences = [
        "Larch Mill stands by the river.",
        "Larch Mill was bought by Hale & Sons in 1950.",
        "Larch Mill still grinds flour.",
    ]
    question = with_sentence_idf(question_view(analyse_question("Who bought the mill in 1950?")), sentences)
    views = rank_sentences([sentence_view(s, question) for s in sentences])
    found = {c.text: c for c in paragraph_candidates(question, views)}
    assert found["Larch Mill"].features["head_elsewhere_any"] == 1.0
    assert found["Hale & Sons"].features["head_elsewhere_any"] == 0.0


def _read_features(sentence: str, asked: str) -> tuple[QuestionView, list[SentenceView], dict[str, dict[str, float]]]:
    """The question's view, the ranked sentence and each candidate's features by its text."""
    question = question_view(analyse_question(asked))
    views = rank_sentences([sentence_view(sentence, question)])
    return question, views, {c.text: c.features for c in paragraph_candidates(question, views)}


def test_paragraph_candidates_get_the_taggers_phrase_features() -> None:
    question, views, found = _read_features(
        "Ada Morrow bought the old mill in 1950 from the county council.", "Who bought the old mill?"
    )
    # A whole noun phrase, the subject of the question's verb.
    assert found["Ada Morrow"]["syn:whole=NP"] == 1.0
    assert found["Ada Morrow"]["syn:before_qverb"] == 1.0
    assert found["Ada Morrow"]["syn:first=NNP"] == 1.0 and found["Ada Morrow"]["syn:all_nnp"] == 1.0
    # A noun phrase without its article is still whole; one inside "from ..." is in a PNP.
    assert found["county council"]["syn:whole=NP"] == 1.0
    assert found["county council"]["syn:in_pnp"] == 1.0
    assert found["1950"]["syn:whole=NP"] == 1.0 and found["1950"]["syn:has_cd"] == 1.0
    # Spans that cut a phrase or run across several are not whole phrases.
    for text in ("Morrow", "Morrow bought the old mill", "old mill in 1950"):
        assert not any(name.endswith("syn:whole=NP") for name in found[text]), text
    assert found["Morrow"]["syn:cuts_left"] == 1.0
    assert found["old mill in 1950"]["syn:chunks=3"] == 1.0
    assert found["old mill in 1950"]["syn:after_qverb"] == 1.0  # it starts the verb's object
    # The news engine's candidates (and paragraphs read without syntax) have none of them.
    plain = [*candidates(views[0], question), *paragraph_candidates(question, views, syntax=False)]
    assert plain and not any("syn:" in name for c in plain for name in c.features)


def test_paragraph_candidates_get_lexicalised_question_and_path_features() -> None:
    sentence = "The mill was founded by Ada Morrow in 1950, in Kettleby."
    _, _, found = _read_features(sentence, "Who founded the mill?")
    # The asked-for phrase with the span's last tag, and the span's own tags.
    assert found["Ada Morrow"]["syn:ask=who|last=NNP"] == 1.0
    assert found["Ada Morrow"]["w:who|syn:tags=NNP_NNP"] == 1.0
    # The phrases between the span and the nearest question word: "founded [by] Ada Morrow".
    assert found["Ada Morrow"]["w:who|syn:path=L:PP"] == 1.0
    assert found["Ada Morrow"]["w:who|syn:qunit=L:VP"] == 1.0
    # A piece of the name has the rest of its own phrase on the path.
    assert found["Morrow"]["w:who|syn:path=L:PP_NP"] == 1.0
    # "What year" asks for its own phrase; a question word far away is "far".
    year, views, found = _read_features(sentence, "What year was the mill founded?")
    assert found["1950"]["syn:ask=what_year|last=CD"] == 1.0
    assert found["1950"]["syn:ask=what_year|whole=NP"] == 1.0
    assert found["1950"]["syn:ask=what_year|first=CD"] == 1.0
    assert found["Kettleby"]["w:what|syn:path=L:far"] == 1.0
    # Reading without syntax leaves them out, and they count as the tagger's features.
    assert all(is_syntax_feature(name) for name in found["1950"] if "ask=" in name or "path=" in name)
    plain = paragraph_candidates(year, views, syntax=False)
    assert not any("path=" in name or "ask=" in name for c in plain for name in c.features)


def test_paragraph_candidates_get_boundary_and_relation_features() -> None:
    sentence = "The mill was founded by Ada Morrow in 1950, in Kettleby."
    question, views, found = _read_features(sentence, "Who founded the mill?")
    morrow = found["Ada Morrow"]
    # The words just outside the span, with the asked-for phrase: "by [Ada Morrow] in".
    assert morrow["syn:Bask=who|prev=by"] == 1.0 and morrow["syn:Bask=who|next=in"] == 1.0
    assert morrow["w:who|syn:Bedges=by_in"] == 1.0
    assert morrow["w:who|syn:Bprev2_q"] == 1.0  # "founded by [Ada Morrow]"
    # The nearest question word two tokens to the left, in the phrase right before the span.
    assert morrow["w:who|syn:Rnear=L2"] == 1.0 and morrow["w:who|syn:Rsides=L"] == 1.0
    assert morrow["w:who|syn:Rlchunk_q=PP"] == 1.0
    assert found["Morrow"]["syn:Bask=who|prev=NNP"] == 1.0  # it cuts the name
    assert all(is_syntax_feature(name) for c in found.values() for name in c if "syn:B" in name or "syn:R" in name)
    # The question's head noun right after the span, or as its head: "the [Broncos] team".
    _, _, team = _read_features("The Broncos team won the final in Denver.", "Which team won the final?")
    assert team["Broncos"]["w:which|syn:Rfocus_next"] == 1.0
    assert team["Broncos team"]["w:which|syn:Rfocus_head"] == 1.0
    plain = paragraph_candidates(question, views, syntax=False)
    assert not any("syn:B" in name or "syn:R" in name for c in plain for name in c.features)


def test_read_prefers_the_answer_of_the_sentence_that_asks_it() -> None:
    paragraph = [
        "Larch Mill stands by the river near Kettleby.",
        "Larch Mill was bought by Ada Morrow in 1950.",
        "It was turned into a museum in 1990 by the county council.",
    ]
    assert read(analyse_question("When did Ada Morrow buy Larch Mill?"), paragraph)[0].text == "1950"
    assert read(analyse_question("Who bought Larch Mill?"), paragraph)[0].text == "Ada Morrow"


def test_the_shipped_model_is_trained_and_knows_the_new_features() -> None:
    model = load_model()
    assert model.trained
    assert any(name.startswith("w:who|lgap=") for name in model.weights)
    assert "head_elsewhere" in model.weights
    assert any(name.startswith("lb=") for name in model.weights)
    # The news engine's weights know nothing of the tagger; read()'s were trained with its features.
    assert not any(is_syntax_feature(name) for name in model.weights)
    syntax = load_reader_model()
    assert syntax.trained and syntax is not model
    assert "syn:ends_chunk" in syntax.weights and any(name.startswith("syn:whole=") for name in syntax.weights)
    # and with the lexicalised ones: the asked-for phrase and the phrases on the way to the question.
    assert "syn:ask=who|last=NNP" in syntax.weights
    assert any(name.startswith("w:who|syn:path=") for name in syntax.weights)


def test_events_and_places_are_not_people() -> None:
    assert person_like(tokenize("Ivan Ljubicic")) and person_like(tokenize("Wayne Bridge"))
    for name in ("Kelly Holmes", "Tom Parsons", "Ricki Lake"):  # a surname ending in "s", or a place word
        assert person_like(tokenize(name)), name
    for name in (
        "World Indoor Tournament",
        "Six Nations",
        "European Indoors",
        "Heathrow Airport",
        "Sichuan Province",
        "Orange Prize",
    ):
        assert not person_like(tokenize(name)), name
    # A title or a firm's plural is not part of a name: "Martin Sorrell", not his title with it.
    for name in ("Chief Executive Martin Sorrell", "Hibernian Investment Managers"):
        assert not person_like(tokenize(name)), name
