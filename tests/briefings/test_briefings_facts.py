"""Fact extraction: acronym definitions, roles, and moderators' statements."""

from briefings.facts import STANDS_FOR, STATES, acronym_facts, extract_facts, parse_statement, role_facts


def _triples(facts):
    return {(f.subject, f.relation, f.object) for f in facts}


def test_acronym_definition() -> None:
    facts = acronym_facts("Fighters of the Northern Mountain Alliance (NMA) held the pass.")
    assert _triples(facts) == {("NMA", STANDS_FOR, "Northern Mountain Alliance")}


def test_acronym_with_trailing_place() -> None:
    facts = acronym_facts("Leader of the Free Citizens Party of Ruritania (FCP), Anna Berg, spoke.")
    assert ("FCP", STANDS_FOR, "Free Citizens Party of Ruritania") in _triples(facts)


def test_acronym_of_a_short_capitalised_word_and_hyphenated_parts() -> None:
    # "US" gives both its letters and "Anti-Doping" one for each part: USADA.
    facts = acronym_facts("The Varn Anti-Doping Agency (VADA) and the UK Korla Party (Ukkp) met.")
    assert ("VADA", STANDS_FOR, "Varn Anti-Doping Agency") in _triples(facts)
    facts = acronym_facts("The US Anti-Doping Agency (USADA) and the UK Korla Party (Ukkp) met.")
    assert _triples(facts) == {
        ("USADA", STANDS_FOR, "US Anti-Doping Agency"),
        ("Ukkp", STANDS_FOR, "UK Korla Party"),
    }


def test_bracketed_words_that_are_not_acronyms_are_ignored() -> None:
    assert acronym_facts("The talks (UN) were long.") == []
    assert acronym_facts("Prices rose (again) on Monday.") == []


def test_role_shapes() -> None:
    cases = {
        "Anna Berg, leader of the Free Citizens Party, said no.": (
            "Anna Berg",
            "leads",
            "Free Citizens Party",
        ),
        "Leader of the Free Citizens Party, Anna Berg, said no.": (
            "Anna Berg",
            "leads",
            "Free Citizens Party",
        ),
        "Acme Widgets chief executive Tom Hale resigned.": ("Tom Hale", "chief_executive_of", "Acme Widgets"),
        "Tom Hale, Acme Widgets' chief executive, resigned.": (
            "Tom Hale",
            "chief_executive_of",
            "Acme Widgets",
        ),
        "Tom Hale, the chief executive of Acme Widgets, resigned.": (
            "Tom Hale",
            "chief_executive_of",
            "Acme Widgets",
        ),
        "But Rebel Front spokesman Omar Said denied it.": ("Omar Said", "spokesperson_of", "Rebel Front"),
        "Omar Said, spokesman for the Rebel Front, denied it.": (
            "Omar Said",
            "spokesperson_of",
            "Rebel Front",
        ),
        "Globex's chairman, Lara Voss, left.": ("Lara Voss", "chairs", "Globex"),
        "Lara Voss, head of Globex, left.": ("Lara Voss", "leads", "Globex"),
        '"We will sue," said Dan Glick, MPFA chief.': ("Dan Glick", "leads", "MPFA"),
        "Tom Hale, the Acme Widgets chief executive, resigned.": ("Tom Hale", "chief_executive_of", "Acme Widgets"),
    }
    for sentence, expected in cases.items():
        assert expected in _triples(role_facts(sentence)), sentence


def test_a_role_before_the_next_name_of_a_list_is_that_name_s() -> None:
    facts = _triples(role_facts("Tony Blair, Tory leader Michael Howard and Lib Dem leader Charles Kennedy spoke."))
    assert ("Michael Howard", "leads", "Tory") in facts
    assert not any(subject == "Tony Blair" for subject, _, _ in facts)


def test_former_roles_and_unnamed_roles_are_not_facts() -> None:
    assert role_facts("Their leader has called for calm.") == []
    assert role_facts("The former leader of the Free Citizens Party, Anna Berg, spoke.") == []
    # A qualifier before the organisation and its role: a past holder, or another role.
    assert role_facts("Former Korla boss Ivan Petrov is in jail.") == []
    assert role_facts("Then deputy Varn Party Chairman Tom Reed was said to have suggested it.") == []
    assert _triples(role_facts("Varn Party chairman Tom Reed spoke.")) == {("Tom Reed", "chairs", "Varn Party")}


def test_a_name_that_goes_on_in_lower_case_is_not_the_organisation() -> None:
    # The committee is "the Varn Commons work and pensions committee", not the Varn Commons.
    assert role_facts("Tom Reed, who chairs the Varn Commons work and pensions committee, said so.") == []
    facts = _triples(role_facts("Tom Reed, who chairs the Varn Commons, said so."))
    assert facts == {("Tom Reed", "chairs", "Varn Commons")}


def test_an_acronym_explained_after_it() -> None:
    facts = extract_facts(
        [
            "I went to see this band, Fab K - which stands for Friends And Brothers Kollective - last year.",
            "The VCA, short for the Varn Cricket Association, met on Monday.",
            "He voted for Tom Reed.",
        ]
    )
    assert _triples(facts) == {
        ("Fab K", STANDS_FOR, "Friends And Brothers Kollective"),
        ("VCA", STANDS_FOR, "Varn Cricket Association"),
    }


def test_extract_facts_removes_repeats() -> None:
    sentences = ["Anna Berg, leader of the Free Citizens Party, spoke."] * 2
    assert len(extract_facts(sentences)) == 1


def test_parse_statement_forms() -> None:
    assert _triples([parse_statement("Ahmad Shah leads the NMA")]) == {("Ahmad Shah", "leads", "NMA")}
    assert _triples([parse_statement("The leader of the NMA is Ali Karim.")]) == {
        ("Ali Karim", "leads", "NMA")
    }
    assert _triples([parse_statement("NMA stands for Northern Mountain Alliance")]) == {
        ("NMA", STANDS_FOR, "Northern Mountain Alliance")
    }
    free = parse_statement("the ceasefire held overnight")
    assert free.relation == STATES and free.object == "the ceasefire held overnight"


def test_who_is_now_role_of() -> None:
    facts = role_facts("He was joined by Mark Tell who is now Unity's deputy leader.")
    assert ("Mark Tell", "deputy_leader_of", "Unity") in _triples(facts)
