"""Question analysis and candidate extraction."""

from __future__ import annotations

from briefings.answer import analyse_question, extract_candidates
from briefings.models import Answer


def test_expected_types() -> None:
    cases = {
        "who leads the NRF?": "person",
        "when did the rebels seize the capital?": "date",
        "where is the valley?": "place",
        "how many people live in the valley?": "number",
        "How much did the firm pay for its rival?": "money",
        "Which city is the chain based in?": "place",
        "Which airline sacked the blogger?": "organisation",
        "what does NRF stand for?": "expansion",
        "What percentage of voters backed it?": "percentage",
    }
    for question, expected in cases.items():
        assert analyse_question(question).expected == expected, question


def test_relations_and_entities() -> None:
    analysis = analyse_question("Who runs sugar group Tate & Lyle?")
    assert analysis.relation == "leads"
    assert analysis.entities == ("Tate & Lyle",)
    assert analyse_question("who's the NRF spokesman").relation == "spokesperson_of"
    assert analyse_question("Who chairs the airline Skyways?").relation == "chairs"
    assert analyse_question("Who is the chief executive of Globex?").relation == "chief_executive_of"
    assert analyse_question("who is the boss of Globex?").relation == "leads"
    assert analyse_question("Who founded the Argo games group?").relation == "founded"


def test_follow_up_takes_previous_subject() -> None:
    previous = Answer(question="who leads the NRF?", text="Ahmad Massoud", subject="NRF")
    analysis = analyse_question("and who is their spokesman?", previous)
    assert analysis.entities == ("NRF",) and analysis.used_previous
    assert "nrf" in analysis.terms
    fresh = analyse_question("who is the Taliban spokesman?", previous)
    assert fresh.entities == ("Taliban",) and not fresh.used_previous


def test_typed_candidates() -> None:
    sentence = (
        "On 15 August, Anna Berg, leader of the Free Party, said 150,000 people had paid $3.5m, "
        "or 12% more, in Bath."
    )
    assert any(c.text == "Anna Berg" for c in extract_candidates(sentence, "person"))
    assert any("15 August" in c.text for c in extract_candidates(sentence, "date"))
    assert any(c.text == "$3.5m" for c in extract_candidates(sentence, "money"))
    assert any(c.text.startswith("12%") for c in extract_candidates(sentence, "percentage"))
    assert any(c.text == "150,000" for c in extract_candidates(sentence, "number"))
    assert any(c.text == "Bath" for c in extract_candidates(sentence, "place"))
    assert not any(c.text == "Free Party" for c in extract_candidates(sentence, "person"))
