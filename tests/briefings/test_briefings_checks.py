"""The checks of evidence and candidates (:mod:`briefings.checks`), each on a sentence or a question."""

from __future__ import annotations

from briefings.checks import (
    according_to,
    after_indefinite,
    after_others_thing,
    after_to,
    after_weekday_or_role,
    asked_event,
    asked_head_role,
    asked_object_verb,
    asked_portfolio,
    asked_when_deed,
    bare_name,
    beaten,
    common_abbreviation,
    counted_words,
    counts,
    cue_positions,
    cut_name,
    denied,
    distinctive_last,
    does_it,
    done_by_another,
    edition_years,
    entity_present,
    forecast,
    in_other_clause,
    kind_nations,
    measured,
    named_as_thing,
    names_one_of,
    nations_named,
    of_another_country,
    old_level,
    opening_word,
    optional_name,
    other_category,
    other_measure,
    other_names,
    other_turn,
    other_years,
    owner_of_asked,
    role_elsewhere,
    role_modifier,
    says_age,
    says_birthplace,
    says_kind,
    says_origin,
    says_role,
    says_who_won,
    says_worldwide,
    shape_answers,
    titled_as_asked,
    titled_person,
    used_as_modifier,
    what_is_run,
    with_whole_title,
)
from briefings.questions import analyse_question
from briefings.reader import (
    PARAPHRASES,
    a_change,
    candidates,
    fits,
    question_view,
    sentence_view,
    stems_of,
    tokenize,
    widen_to_range,
)
from briefings.text import stem, terms


def test_owners_that_are_part_of_a_name_stay() -> None:
    assert bare_name("Spain's Ferrovial") == "Ferrovial"
    assert bare_name("Madrid-based Ferrovial") == "Ferrovial"
    assert bare_name("King's College London") == "King's College London"
    assert analyse_question("Who heads FC Bayern Munich?").entities == ("FC Bayern Munich",)
    assert analyse_question("What is the name of the Italian restaurant?").expected != "person"


def test_a_word_capitalised_only_by_opening_the_sentence_is_no_name() -> None:
    analysis = analyse_question("which company showed the screen?")
    question = question_view(analysis)

    def opening_words(sentence: str, lower_case: set[str]) -> set[str]:
        found = candidates(sentence_view(sentence, question), question)
        return {c.text for c in found if opening_word(c, lower_case.__contains__)}

    # A phrase that opens the sentence with only lower-case words after its first is plain too.
    assert opening_words("Elsewhere at the fair, Korvex showed the screen.", set()) == {
        "Elsewhere",
        "Elsewhere at the fair",
    }
    # A word the articles write in lower case elsewhere is a plain word (after a quote mark too);
    # a name is not.
    assert opening_words('"Visitors loved it," Korvex said of the screen.', {"visitors"}) == {
        "Visitors",
        "Visitors loved",
    }
    assert opening_words('"Visitors loved it," Korvex said of the screen.', set()) == {"Visitors loved"}
    # The name itself is not refused; a phrase running on into lower-case words is.
    assert opening_words("Korvex showed the screen.", set()) == {"Korvex showed", "Korvex showed the screen"}


def test_a_number_before_a_unit_measures_rather_than_counts() -> None:
    analysis = analyse_question("How many visa applications does each officer deal with?")
    question = question_view(analysis)
    counted = frozenset({"applic"})

    def counting(sentence: str) -> set[str]:
        found = candidates(sentence_view(sentence, question), question)
        return {c.text for c in found if fits(c, analysis.expected) and counts(c, counted)}

    assert counting("Officers deal with a visa application in about 11 minutes.") == set()
    assert "8,000" in counting("Each officer deals with 8,000 visa applications a year.")


def test_short_capitals_that_name_a_kind_of_thing_are_common_words() -> None:
    assert all(common_abbreviation(word) for word in ("TV", "UK", "PCs", "CDs", "DVDs"))
    assert not any(common_abbreviation(word) for word in ("BBC", "NATO", "Apple", "Kabul"))


def test_a_country_by_another_of_its_names_is_the_same_country() -> None:
    question = question_view(analyse_question("who is the economics minister?"))

    def titled_elsewhere(sentence: str, countries: list[str]) -> set[str]:
        found = candidates(sentence_view(sentence, question), question)
        return {c.text for c in found if fits(c, "person") and of_another_country(c, countries)}

    assert titled_elsewhere("UK economics minister Ann Dorne spoke.", ["britain"]) == set()
    assert titled_elsewhere("US economics minister Ann Dorne spoke.", ["america"]) == set()
    assert titled_elsewhere("French economics minister Ann Dorne spoke.", ["britain"]) == {"Ann Dorne"}
    assert titled_elsewhere("Argentina's economics minister Ann Dorne spoke.", ["uk"]) == {"Ann Dorne"}
    assert titled_elsewhere("Indian economics minister Ann Dorne spoke.", ["indonesia"]) == {"Ann Dorne"}
    # A body or a region is no country: "UN envoy Ann Dorne" may well be Afghanistan's envoy.
    assert titled_elsewhere("UN economics envoy Ann Dorne spoke.", ["afghanistan"]) == set()


def test_only_a_plain_word_narrows_the_role_asked() -> None:
    assert role_modifier("who is indonesia's finance minister?", "minist") == ("financ",)
    for question in ("who became minister in 2004?", "who is the new minister?", "who is the former minister?"):
        assert role_modifier(question, "minist") is None, question


def test_only_a_person_name_stands_for_its_last_word() -> None:
    assert distinctive_last("Dame Alicia Markova") == "markova"
    assert distinctive_last("Night of Athletics") is None
    assert distinctive_last("Tate & Lyle") is None


def test_the_side_beaten_on_the_way_is_not_the_winner() -> None:
    question = question_view(analyse_question("which team won the cup?"))
    view = sentence_view("Varn Oak reached the final with a 3-2 win over Tarn United, beating Korla Rovers.", question)
    # Every span of the beaten side's name is refused, whole or cut.
    refused = {c.text for c in candidates(view, question) if beaten(c)}
    assert refused == {"Tarn", "Tarn United", "United", "Korla", "Korla Rovers", "Rovers"}
    assert "Varn Oak" not in refused


def test_according_to_and_the_nationality_of_the_kind_asked() -> None:
    question = question_view(analyse_question("who is the boss of korla?"))
    view = sentence_view("It is changing, according to Ana Ruiz, and an adviser to Tom Reed agrees.", question)
    refused = {c.text for c in candidates(view, question) if after_to(c)}
    assert "Tom Reed" in refused and "Ana Ruiz" not in refused  # "according to" only says who said it
    # "Turkish" describes the company asked for; "Iraqi" only the field.
    analysis = analyse_question("Which Turkish company is reported to have won an Iraqi oilfield contract?")
    assert kind_nations(analysis) == {"turkey"}


def test_portfolios_of_one_or_more_words() -> None:
    assert role_modifier("Who is Korla's civil aviation minister?", "minist") == ("civil", "aviat")
    assert role_modifier("Who is the Varn Democrats' constitutional affairs spokesman?", "spokesman") == (
        "constitut",
        "affair",
    )
    assert role_modifier("Who is the finance minister?", "minist") == ("financ",)
    assert role_modifier("Who became minister?", "minist") is None
    assert role_modifier("who was named acting minister?", "minist") is None


def test_a_name_called_an_organisation_or_a_made_thing_is_no_person() -> None:
    question = question_view(analyse_question("who said so?"))

    def refused(sentence: str) -> set[str]:
        view = sentence_view(sentence, question)
        return {c.text for c in candidates(view, question) if named_as_thing(c)}

    refused_here = refused("Investment bank Varn Stanley said so, as did analyst Tom Reed.")
    assert "Varn Stanley" in refused_here and "Tom Reed" not in refused_here
    assert "Brass Cup" in refused("Ana Ruiz, who made TV show Brass Cup, said so.")
    assert "Korla Hill" in refused("She created Korla Hill, the school-based drama serial which ran for years.")
    # A description that goes on past the noun is the person's: "the club chairman".
    assert "Tom Reed" not in refused("Tom Reed, the club chairman of Varn, said so.")
    assert "Ana Ruiz" not in refused("Documentary maker Ana Ruiz said so.")


def test_who_won_needs_a_win_of_what_was_asked() -> None:
    asked = "Who won the Selmouth Open?"
    assert says_who_won("Ivo Brand beat Tom Reed 6-3 6-2 in the final.", asked)
    assert says_who_won("Ana Ruiz scooped the award for best actress.", "Who won best actress?")
    assert says_who_won("The Varn prize went to The Quiet Harbour.", "Which film won the Varn prize?")
    # Going through to a later round, or a win in an early one, is not the title.
    assert not says_who_won("Ivo Brand reached the last four with an easy win over Tom Reed.", asked)
    assert not says_who_won("Ivo Brand beat Tom Reed in the first round.", asked)
    assert says_who_won("Ivo Brand beat Tom Reed in the first round.", "Who won the first round match?")
    # What could happen says nobody won; nor does a sentence without a win.
    assert not says_who_won("Tom Reed believes Varn can win the tie.", asked)
    assert not says_who_won("Injury left Tom Reed in line for the second place.", asked)


def test_the_source_of_a_report_answers_only_who_reported_it() -> None:
    sentence = "According to Reuters, Varn Group plans to seize 12,900 acres."
    for asked, expected in (("Which company plans to seize the land?", False), ("Who reported the plan?", True)):
        analysis = analyse_question(asked)
        question = question_view(analysis)
        named = {c.text: c for c in candidates(sentence_view(sentence, question), question)}
        assert "Reuters" in named, asked
        assert shape_answers(named["Reuters"], analysis, frozenset()) is expected, asked
    assert analyse_question("Which Italy scrum-half did the coach praise?").expected == "person"


def test_review_cases_of_the_new_checks() -> None:
    def named(question: str, sentence: str) -> tuple[object, dict]:
        analysis = analyse_question(question)
        view = question_view(analysis)
        return analysis, {c.text: c for c in candidates(sentence_view(sentence, view), view)}

    # An age after a comma is an age; a count of things is not.
    analysis, found = named("how old is Tom Reed?", "Tom Reed, 45, lives in Varn.")
    assert shape_answers(found["45"], analysis, frozenset())
    analysis, found = named("how old is Tom Reed?", "It gives each of 88 piano notes a colour.")
    assert not shape_answers(found["88"], analysis, frozenset())
    # "May" is a month, not a maybe.
    analysis, found = named("how many people were arrested?", "Since May 300 people have been arrested.")
    assert not forecast(found["300"])
    # "play" is a verb here: Roger Federer is a person.
    analysis, found = named("Who will Tom Reed play?", "Tom Reed will play Roger Federer in the final.")
    assert not named_as_thing(found["Roger Federer"])
    # The one beaten, past his seeding.
    analysis, found = named("Who won?", "Ivo Brand battled to a win over seventh seed Jurgen Melzer.")
    assert beaten(found["Jurgen Melzer"]) and not beaten(found["Ivo Brand"])
    # A portfolio after the role is matched by stem; a day is no portfolio; a participle neither.
    assert asked_portfolio("who is the minister for the Tories on sport?", ("minist",)) == ("minist", ("sport",))
    assert asked_portfolio("what did the Varn Party spokesman say on Monday?", ("spokesman",)) is None
    # A role given as its stem already ("commission" of "commissioner") is not stemmed again.
    question = "Who is the Varn Union's monetary affairs commissioner?"
    portfolio = (stem("monetary"), stem("affairs"))
    assert asked_portfolio(question, (stem("commissioner"),)) == (stem("commissioner"), portfolio)
    assert role_modifier("who was the winning captain?", "captain") is None
    # A title keeps its small words, but "with" joins two names.
    analysis, found = named("what was her hit?", "The song, Gold Digger with Jamie Foxx, was her hit.")
    assert with_whole_title(found["Digger"]) == "Gold Digger"


def test_an_age_is_written_as_one() -> None:
    def numbers(sentence: str) -> dict:
        view = question_view(analyse_question("how old is Tom Reed?"))
        return {c.text: c for c in candidates(sentence_view(sentence, view), view) if c.text[:1].isdigit()}

    for sentence in (
        "Mr Reed, 63, is accused of fraud.",
        "Tom Reed has died aged 77 in Varn.",
        "Tom Reed retired at the age of 77 last year.",
        "The 67-year-old Tom Reed said he would stay.",
        "Tom Reed (45) said he would stay.",
    ):
        found = numbers(sentence)
        assert any(says_age(c) for c in found.values()), sentence
    # A score, a film's title and a sum near the name are no ages.
    for sentence in (
        "After losing the first set 6-1 to Tom Reed, Ivo Brand began to doubt himself.",
        "Best actors are Ivo Brand for 36, Tom Reed for The Chorus and Sam Lund for Podium.",
        "The film, which stars Tom Reed, took $28.5m, making a total of 204.3m.",
    ):
        assert not any(says_age(c) for c in numbers(sentence).values()), sentence


def test_the_deed_a_who_question_asks_about() -> None:
    assert asked_event("who presented Tom Reed's lifetime achievement award?", ()) == stem("presented")
    assert asked_event("Who co-wrote the hit with Sam Lund?", ()) == stem("wrote")
    # A win is found by says_who_won, which reads "the prize went to Tom Reed" too.
    assert asked_event("who won the 2004 Varn prize?", ()) is None
    # A role is found by the relation's cues; "who is" asks for no deed.
    assert asked_event("who led the Varn Party?", ("led", "leader")) is None
    assert asked_event("who is the Varn Party's spokesman?", ()) is None
    assert asked_event("who runs Korla Mills?", ()) is None
    # A goal is scored as a header or an equaliser too.
    assert stem("header") in PARAPHRASES[asked_event("Who scored Selmouth's first goal?", ())]
    # A light verb is said many other ways: "who got the winner" is who scored it.
    assert asked_event("who got Selmouth's winner in the cup?", ()) is None


def test_figures_for_the_world_and_other_turns() -> None:
    assert says_worldwide("The book has sold more than seven million copies worldwide.")
    assert says_worldwide("Its fans around the world bought 2m copies.")
    assert not says_worldwide("The book has sold 500,000 copies in the UK.")
    question = "When did Tom Reed first become chairman of the Varn Bank?"
    assert other_turn("Tom Reed became chairman for a fifth term in June 2004.", question)
    assert not other_turn("Tom Reed became chairman in June 1987.", question)
    assert not other_turn("Tom Reed took over for his second spell in 2004.", "When did Reed start his second spell?")

    # A lower place is another one than the best.
    question = "How much did Tom Reed earn in 2004 as France's best-paid actor?"
    assert other_turn("Sam Lund was France's second best-paid actor in 2004, earning 3.55m euros.", question)
    assert not other_turn("Tom Reed made 5.45m euros last year, the most of any actor.", question)


def test_a_sentence_dated_to_another_year() -> None:
    assert other_years("In September 2003, Korla Labs caught only 273 phishing e-mails.", "2004")
    assert not other_years("Korla Labs caught 18 million phishing e-mails.", "2004")
    assert not other_years("Korla Labs caught 2,004 e-mails in 2004 and $2005m.", "2004")


def test_money_questions_in_other_words() -> None:
    assert analyse_question("what net profit did Varn Air make in the last three months of 2004?").expected == "money"
    assert analyse_question("How much worse off a year would families be under the plans?").expected == "money"


def test_a_role_that_opens_with_chief_is_not_the_top_one() -> None:
    assert analyse_question("Who is Varn Bank's chief economic adviser?").relation is None
    assert analyse_question("who is the chief of the Varn Bank?").relation == "leads"
    assert analyse_question("who is the chief executive of the Varn Bank?").relation == "chief_executive_of"
    role = asked_head_role("Who is Varn Corp's chief financial officer?")
    assert role == tuple(stem(w) for w in ("chief", "financial", "officer"))
    assert asked_head_role("who is the chief of the Varn Bank?") is None
    said = sentence_view("Chief financial officer Ivo Brand said so.", question_view(analyse_question("who?")))
    assert says_role(said.tokens, role)
    apart = sentence_view(
        "According to the Financial Times, chief operating officer Tom Reed said so.",
        question_view(analyse_question("who?")),
    )
    assert not says_role(apart.tokens, role)


def _found(question: str, sentence: str) -> dict:
    view = question_view(analyse_question(question))
    return {c.text: c for c in candidates(sentence_view(sentence, view), view)}


def test_who_does_the_asked_deed_and_where_someone_is_from() -> None:
    assert asked_object_verb("Who did England beat in the final?") == stem("beat")
    assert asked_object_verb("Which club did Ivo Brand leave to sign for Selmouth?") == stem("leave")
    assert asked_object_verb("Who beat England in the final?") is None
    found = _found("Who did England beat in the final?", "England player Sam Lee beat team-mate Ivo Brand.")
    assert does_it(found["Sam Lee"], stem("beat")) and not does_it(found["Ivo Brand"], stem("beat"))
    # The deed done by another name: "Ivo Brand, who beat Sam Lee", asked whom Tom Reed beat.
    names = set(terms("Tom Reed"))
    found = _found("Who did Tom Reed beat?", "But Ivo Brand, who beat Sam Lee in the last eight, lost to Tom Reed.")
    assert done_by_another(found["Sam Lee"], stem("beat"), names)
    found = _found("Who did Tom Reed beat?", "Tom Reed beat Sam Lee, and he beat Ivo Brand later.")
    assert not done_by_another(found["Sam Lee"], stem("beat"), names)
    assert not done_by_another(found["Ivo Brand"], stem("beat"), names)
    found = _found("where is Tom Reed from?", "Tom Reed, from Waterford, trained in Spala.")
    assert says_origin(found["Waterford"]) and not says_origin(found["Spala"])


def test_sources_owners_and_generic_last_words() -> None:
    found = _found("Which partner did Varn Bank choose?", "Varn Bank is scouting for a partner, the firm told Reuters.")
    assert according_to(found["Reuters"])
    assert not according_to(_found("Who did Varn Bank tell?", "Varn Bank told Reuters of its plans.")["Reuters"])
    # "Committee" alone does not name the Commons Transport Select Committee.
    assert not names_one_of("Committee", ["Commons Transport Select Committee"])
    assert names_one_of("Wilkinson", ["Jonny Wilkinson"])
    # The role's owner is read after the last word of a two-word role, a name opening with a digit too.
    sentence = '"That is not the case," said Tim Vale, managing director of 3ami.'
    assert cue_positions(sentence, ["managing director"], ["Korla Software"]) == []
    assert cue_positions(sentence, ["managing director"], ["3ami"]) != []


def test_shortened_names_and_a_kind_opening_the_sentence() -> None:
    assert names_one_of("GW Pharma", ["GW Pharmaceuticals"]) and names_one_of("GW Pharmaceuticals", ["GW Pharma"])
    assert not names_one_of("GW", ["GW Pharmaceuticals"])
    assert entity_present("GW Pharmaceuticals", {stem("gw"), stem("pharma"), stem("shares")}, set())
    assert not entity_present("GW Pharmaceuticals", {stem("pharma"), stem("shares")}, set())
    # "Charity" opens the sentence: a kind of body, not the owner of the role.
    assert cue_positions("Charity boss Gordon Lishman said so.", ["boss"], ["Age Concern"]) == [8]
    assert cue_positions("Oxfam boss Gordon Lishman said so.", ["boss"], ["Age Concern"]) == []
    # A role word titling a person the question names is theirs ("who was manager before Ivo Brand?").
    sentence = "Manager Ivo Brand praised Tom Reed on Varn's right flank."
    assert cue_positions(sentence, ["manager"], ["Varn", "Ivo Brand"]) == [0]
    assert cue_positions(sentence, ["manager"], ["Varn", "Ivo Brand"], asked_people=["Ivo Brand"]) == []


def test_what_a_number_counts_what_was_founded_and_what_is_no_firm() -> None:
    found = _found("how many foster carers are there?", "About 50,000 children live with foster families.")
    assert not counts(found["50,000"], frozenset({stem("foster"), stem("carers")}))
    # The thing founded follows the verb: the Rosemount label, not Southcorp.
    sentence = "The Oatleys, who founded the Rosemount Estates label, sold it to Southcorp in 2001."
    assert cue_positions(sentence, ["founded"], ["Southcorp"]) == []
    assert cue_positions(sentence, ["founded"], ["Rosemount Estates"]) != []
    assert cue_positions("Microsoft was founded in 1975 by Bill Gates.", ["founded"], ["Microsoft"]) != []
    analysis = analyse_question("Which company supplies the readers?")
    found = _found("Which company supplies the readers?", "The German Embassy and Korla Systems supply the readers.")
    assert not shape_answers(found["German Embassy"], analysis, frozenset())
    assert shape_answers(found["Korla Systems"], analysis, frozenset())
    found = _found("Which company supplies the readers?", "The Kyrgyz President, Askar Akaev, praised Korla Systems.")
    assert after_weekday_or_role(found["Askar Akaev"], "organisation")
    assert not after_weekday_or_role(found["Korla Systems"], "organisation")


def test_a_two_word_place_said_to_be_one() -> None:
    found = _found("Where are the trials?", "Trials start in the Indian state of Andhra Pradesh.")
    assert fits(found["Andhra Pradesh"], "place")
    found = _found("Where is the capital?", "The new capital Nova Vila opened.")
    assert fits(found["Nova Vila"], "place")
    # Two capitalised words are still someone when nothing says they are a place.
    found = _found("Where did they meet?", "Trials start with Berhane Adera at the track.")
    assert not fits(found["Berhane Adera"], "place")


def test_the_kind_asked_may_come_fourth() -> None:
    # "which Sri Lankan tourism firm": three words describe the firm before the noun says the kind.
    assert analyse_question("which Sri Lankan tourism firm halved in value?").expected == "organisation"
    assert analyse_question("Which Danish tennis player won?").expected == "person"
    # "which school's students": the possessor is what is asked for.
    analysis = analyse_question("Which school's students will sing with Ann Vale?")
    assert (analysis.expected, analysis.focus) == ("organisation", "school")


def test_review_cases_of_this_sessions_checks() -> None:
    # Only "did", "does" or "do" asks for an object: "Who has won?" asks for the winner.
    assert asked_object_verb("Who has won the 2004 Varn prize?") is None
    assert asked_object_verb("Who will replace Tom Reed?") is None
    # A chief's role ends with its noun; "head coach" may be said as "coach".
    assert asked_head_role("What did Varn Bank's chief economist predict?") == (stem("chief"), stem("economist"))
    assert asked_head_role("How much does Varn Bank's head coach earn?") is None
    assert asked_head_role("What is Tom Reed's head-to-head record?") is None
    # Ages said with "now", "at" or "was ... when".
    for sentence in ("Tom Reed, now 45, said so.", "Tom Reed died at 77.", "Tom Reed was 45 when he left."):
        found = _found("how old is Tom Reed?", sentence)
        assert any(says_age(c) for t, c in found.items() if t[:1].isdigit()), sentence
    # A name told something in the sentence's own clause is no source.
    found = _found("Who did Tom Reed tell about the deal?", "The deal stayed secret until Tom Reed told Ivo Brand.")
    assert not according_to(found["Ivo Brand"])
    # A title ending a clause does not title the name after the comma.
    found = _found("Which bank named him?", "Tom Reed has been named chairman, Varn Bank said on Monday.")
    assert not after_weekday_or_role(found["Varn Bank"], "organisation")
    # Only a year that opens the sentence dates it; "founded in 1999" dates the founding.
    assert not other_years("Korla Labs, founded in 1999, caught 273 this year.", "2004")
    assert not other_years("Korla Labs will cut 1800 jobs.", "2004")
    # A sentence telling of the asked turn too; a figure for the UK beside the world's.
    question = "In which year did Tom Reed first win the Varn Open?"
    assert not other_turn("Tom Reed, who first won the Varn Open in 1998, won it for a third time.", question)
    # Origins past a year; shortened names need a long cut; "İ" keeps the indices.
    found = _found("where is Tom Reed from?", "Tom Reed was born in 1960 in Selmouth and grew up in Varnton.")
    assert says_origin(found["Selmouth"]) and says_origin(found["Varnton"])
    assert not names_one_of("John Richards", ["John Richardson"])
    assert not entity_present("Nationwide", {stem("nation"), stem("banks")}, set())
    assert cue_positions("İzmir chief economist Ivo Brand said so.", ["chief"], ["Izmir"]) == []
    assert cue_positions("Goldman Sachs Chief Economist Jim Reed said so.", ["chief"], ["Goldman Sachs"]) == []
    assert cue_positions("MPAA chief Dan Reed said so.", ["chief"], ["MPAA"]) == [5]
    # "Chief Executive" written in capitals is still the top role.
    assert cue_positions("Chief Executive Sam Lund told Reuters that Korla had bid.", ["chief"], ["Korla"]) == [0]


def test_a_range_of_years_at_the_sentence_end() -> None:
    found = _found("When was Tom Reed minister?", "Tom Reed served as minister between 1987 and 1990.")
    assert widen_to_range(found["1987"]) == "1987 and 1990" == widen_to_range(found["1990"])
    found = _found("How much did it rise?", "It rose in 2003 to £2.89bn.")
    assert widen_to_range(found["2003"]) == "2003"
    found = _found("How much profit did it make?", "Its profits rose 9% to £6.2bn, between 40% and 45% of sales.")
    assert widen_to_range(found["£6.2bn"]) == "£6.2bn"  # a rise and the sum it reached
    assert widen_to_range(found["40%"]) == "40% and 45%"
    found = _found("How much profit did it make?", "Its profits rose by £500m to £6.2bn, up from £5m to £6m.")
    assert widen_to_range(found["£6.2bn"]) == "£6.2bn"  # a change, not a range
    assert a_change(found["£500m to £6.2bn"]) and a_change(found["£5m to £6m"])
    found = _found("How many people live there?", "The valley is home to 150,000 to 200,000 people.")
    assert not a_change(found["150,000 to 200,000"])


def test_a_clause_set_off_by_dashes_ends_at_its_dash() -> None:
    question = "when has the Varn hearing been put back to?"
    view = question_view(analyse_question(question))
    sentence = "Judge Ann Vale pushed back the Varn hearing - which was due on Wednesday - until 6 June."
    found = {c.text: c for c in candidates(sentence_view(sentence, view), view)}
    assert not in_other_clause(found["6 June"], view.predicate)
    assert in_other_clause(found["Wednesday"], view.predicate)


def test_a_name_titled_by_the_asked_role_is_no_other_name() -> None:
    view = question_view(analyse_question("Who runs Korla Energy?"))
    said = sentence_view("Chief executive Bill Vale said on Friday he was disappointed in Rajasthan.", view)
    with_chief = other_names(said, {stem("korla"), stem("energy")}, frozenset({stem("chief")}))
    without = other_names(said, {stem("korla"), stem("energy")}, frozenset())
    assert with_chief == without - 1


def test_letters_after_a_name_and_two_joined_names() -> None:
    question = "Who chairs the Varn Council?"
    found = _found(question, "The chairman of the Varn Council, Tom Reed QC, warned of a risk.")
    assert not cut_name(found["Tom Reed"], "person")  # "QC" is no part of his name
    assert cut_name(_found(question, "Tom Reed Lund spoke.")["Tom Reed"], "person")
    question = "who is the first woman picked to stand for parliament as a Varn candidate?"
    analysis = analyse_question(question)
    assert analysis.expected == "person" and analysis.relation is None  # not "what does X stand for"
    assert analyse_question("what does NRF stand for?").expected == "expansion"
    assert analyse_question("NRF is short for what").expected == "expansion"
    found = _found(question, "The candidates include Tom Reed and Ann Lund.")
    assert not shape_answers(found["Tom Reed and Ann Lund"], analysis, frozenset())  # two people
    assert shape_answers(found["Ann Lund"], analysis, frozenset())


def test_what_a_count_counts_when_its_noun_is_joined_or_has_no_plural() -> None:
    analysis = analyse_question("How many UK-based staff does the Varn Office have?")
    assert analysis.focus == "staff"
    found = _found(analysis.question, "The Varn Office has about 6,100 UK-based staff.")
    assert counts(found["6,100"], counted_words(analysis) or frozenset())
    analysis = analyse_question("How many web pages has Varnsearch indexed?")
    found = _found("How many web pages has Varnsearch indexed?", "Varnsearch has indexed 5 billion webpages so far.")
    assert counts(found["5 billion"], counted_words(analysis) or frozenset())
    assert analyse_question("how much a year will closing the embassies save?").expected == "money"
    assert analyse_question("how much is Varn Bank giving to the victims?").expected == "money"
    question = "What song did Tom Reed finish his set with?"
    found = _found(question, "The show saw the channel fined a record $550,000 last year.")
    assert not shape_answers(found["$550,000"], analyse_question(question), frozenset())  # a song is no sum


def test_a_year_in_an_event_name_is_no_time() -> None:
    assert edition_years("who did tom reed play in the 2005 Varn Open final") == {"2005"}
    assert edition_years("how many halls are there at Cebit 2005") == {"2005"}
    assert edition_years("How much profit did Varn make in 2005?") == set()
    assert edition_years("what were sales in March 2004, and between 2003 and 2005?") == set()
    assert edition_years("how many goals did he score in the 2019 season?") == set()  # a time
    assert edition_years("what did the $1999 Varn laptop do in the 2004-2005 Varn Cup?") == set()


def test_names_with_a_plural_owner_or_two_objects_and_deeds_before_a_name() -> None:
    assert analyse_question("Who is general secretary of the Varn Managers' Forum?").entities == (
        "Varn Managers' Forum",
    )
    assert analyse_question("What did the Beatles' Abbey Road sell?").entities == ("Beatles", "Abbey Road")
    handed = analyse_question("Who handed Tom Reed the Writers Guild award?")
    assert handed.entities == ("Tom Reed", "Writers Guild")
    # A verb before a name is a deed, not a word describing the name.
    assert "beat" not in analyse_question("who did Tom Reed face after beating Ivo Brand?").descriptors
    assert not analyse_question("How big was the bail-out that saved Varn Card?").descriptors
    assert "bankrupt" in analyse_question("Who bought the bankrupt chain Varnmart?").descriptors


def test_whom_someone_faces_is_no_forecast() -> None:
    question = "who did Tom Reed face in the last 16?"
    found = _found(question, "Reed, who now faces Russian Ivo Brand in the last 16, was pleased.")
    assert not forecast(found["Ivo Brand"])
    found = _found("how many years in jail did Tom Reed get?", "Reed faces 85 years in jail.")
    assert forecast(found["85"])  # before a figure, "faces" still says what could be


def test_a_title_is_no_person_and_a_magazine_says_its_kind() -> None:
    question = "who won the Varn literary award?"
    found = _found(question, "Tom Reed's The Varn Boys won the drama award, and Ann Lee won the literary award.")
    analysis = analyse_question(question)
    assert not shape_answers(found["Varn Boys"], analysis, frozenset())  # a play's title
    assert shape_answers(found["Ann Lee"], analysis, frozenset())
    question = "Which magazine did Lord Reed give his interview to?"
    view = question_view(analyse_question(question))
    found = _found(question, "Lord Reed said in an interview with The Varnish magazine that he was critical.")
    assert says_kind(found["Varnish"], view.focus or "")
    assert not used_as_modifier(found["Varnish"], view.focus)
    assert used_as_modifier(found["Varnish"])  # before any other noun, it qualifies the noun
    assert not cut_name(found["Varnish"], "organisation")  # "The" opens the title, not another name
    found = _found(question, "The interview was conducted by the magazine's editor, Conservative MP Ivo Brand.")
    assert titled_person(found["Conservative MP Ivo Brand"])
    question = "Which charity will manage the fund?"
    found = _found(question, "The Madrid-based charity Varn Allende Foundation will manage the fund.")
    assert not says_kind(found["Madrid-based"], question_view(analyse_question(question)).focus or "")


def test_a_name_given_the_role_asked_beside_it() -> None:
    roles = frozenset({stem("chairman")})
    found = _found("Who chairs the Varn Council?", "The chairman of the Varn Council, Tom Reed QC, warned of a risk.")
    assert titled_as_asked(found["Tom Reed"], roles, ["Varn Council"])
    found = _found("Who chairs the Varn Council?", "Tom Reed, its chairman, warned of a risk to Ivo Brand and others.")
    assert titled_as_asked(found["Tom Reed"], roles, ["Varn Council"])
    assert not titled_as_asked(found["Ivo Brand"], roles, ["Varn Council"])


def test_another_measure_of_money_and_a_kind_with_a_word_before_it() -> None:
    asked = "how much profit did Varn make in the fourth quarter?"
    assert other_measure(asked, set("the firm revenue nearly tripled".split()))
    assert not other_measure(asked, set("its profits and revenue rose".split()))
    assert not other_measure(asked, set("it made $17m".split()))
    # "earn" and "a sale" are no measures: the nouns are.
    assert not other_measure("How much did Varn earn from the deal?", set("varn made $2bn from the sale".split()))
    assert not other_measure("How much did Tom Reed earn?", set("he was paid $2m and a share of sales".split()))
    question = "Which Kenyan school is piloting the computers?"
    found = _found(question, "At the Varn Point primary school in western Kenya students use a computer.")
    assert says_kind(found["Varn Point"], question_view(analyse_question(question)).focus or "")


def test_the_deed_a_when_question_dates() -> None:
    assert asked_when_deed("When does Tom Reed's murder trial start?") == stem("start")
    assert asked_when_deed("When was Varncorp founded?") == stem("founded")
    assert asked_when_deed("when did the varn campaign begin") == stem("begin")
    assert asked_when_deed("When will Varn Air get its first planes?") is None  # a light verb
    assert asked_when_deed("When did Tom Reed take over the Varn job?") is None
    assert asked_when_deed("When is the 2005 Varn marathon?") is None  # no deed at all


def test_a_role_in_another_organisation_after_a_description() -> None:
    question = "Who is the chief executive of Varn Oil?"
    sentence = '"Countries need energy," said Tom Reed, managing director of oil industry analysts Korla-Reed.'
    found = _found(question, sentence)
    assert role_elsewhere(found["Tom Reed"], ["Varn Oil"])
    found = _found(question, "Tom Reed, chief executive of oil producer Varn Oil, said so.")
    assert not role_elsewhere(found["Tom Reed"], ["Varn Oil"])


def test_the_head_of_a_which_phrase_and_a_person_by_a_calling() -> None:
    assert analyse_question("Which union leader claimed the rivalry was harmful?").expected == "person"
    assert analyse_question("which record label boss signed them?").focus == "boss"
    assert analyse_question("Which company bought the airline?").focus == "company"  # a verb ends the phrase
    assert analyse_question("Which former Varn captain argued against it?").expected == "person"
    question = "Which UK firm will make the Varn adapter?"
    found = _found(question, "The adapter is the brainchild of Varn researcher Jim Lee, who built it.")
    assert titled_person(found["Jim Lee"])  # "researcher": a person, not a firm
    found = _found("What is the name of the daily that Varn publishes?", "Varn publishes India's top-selling daily.")
    assert used_as_modifier(found["India's"])  # an owner, not the name asked


def test_review_of_the_kinds_deeds_and_titles() -> None:
    # A kind after a name describes another name in an apposition or before a name.
    question = "Which club has Tom Reed joined?"
    focus = question_view(analyse_question(question)).focus or ""
    found = _found(question, "Tom Reed has joined Varn United, the Primera Liga club, on a three-year deal.")
    assert used_as_modifier(found["Primera Liga"], focus) and not says_kind(found["Primera Liga"], focus)
    found = _found(question, "Tom Reed joined the Korla League club Varn Rovers in May.")
    assert used_as_modifier(found["Korla League"], focus) and not says_kind(found["Korla League"], focus)
    # One word may stand between a name and its kind, but not a verb.
    question = "Which newspaper does Tom Reed write for?"
    focus = question_view(analyse_question(question)).focus or ""
    found = _found(question, "Tom Reed said Korla Media owns newspaper titles across the north.")
    assert not says_kind(found["Korla Media"], focus)
    # A "when" question's deed: not a piece of a name, and the verb after "expected to".
    assert asked_when_deed("When will Varn and Iran meet?") == stem("meet")
    assert asked_when_deed("When will talks with Iran resume?") is None
    assert asked_when_deed("When is Tom Reed's trial expected to start?") == stem("start")
    assert asked_when_deed("When was the Varn Union due to decide whether to open talks?") is None
    # A role inside a name past its first word is no title, unless it is an abbreviation.
    found = _found("Which hospital was he taken to?", "He was taken to the Royal Prince Alfred Hospital on Monday.")
    assert not titled_person(found["Royal Prince Alfred Hospital"])
    assert analyse_question("VRF stands for which words?").expected == "expansion"
    constituency = analyse_question("Which constituency did Tom Reed stand for?")
    assert constituency.expected == "place" and constituency.relation is None
    assert analyse_question("who is the boss of struggling carmaker Varn?").descriptors >= {stem("struggling")}


def test_a_portfolio_after_is_or_as() -> None:
    assert asked_portfolio("who is general secretary of the Varn Federation?", ("secretary",)) == (
        stem("secretary"),
        (stem("general"),),
    )
    assert asked_portfolio("who is finance minister of Varn?", ("minister",)) == (stem("minister"), (stem("finance"),))
    assert asked_portfolio("who became minister?", ("minister",)) is None


def test_an_organisation_named_by_its_opening_words() -> None:
    chair = ["chairman"]
    sentence = "Tom Reed, chairman of the Varnzilla foundation, warned of lawsuits."
    assert cue_positions(sentence, chair, ["Varnzilla Foundation"]) != []
    sentence = "Varn Federation chairman Jan Lee said officers should act."
    assert cue_positions(sentence, chair, ["Varn Federation of England and Wales"]) != []
    assert names_one_of("Varn Federation", ["Varn Federation of England and Wales"])
    # A nationality opens many names: "British director Sean Lee" is no chamber of commerce's.
    assert not names_one_of("British", ["British Chamber of Commerce"])
    assert cue_positions("British director Sean Lee filmed it.", ["director"], ["British Chamber of Commerce"]) == []


def test_someone_of_a_nation_is_no_other_name_and_shown_is_broadcast() -> None:
    question = question_view(analyse_question("How much prize money did Tom Reed give to the Varn appeal?"))
    view = sentence_view("The Spaniard then donated his £28,000 prize money to the appeal.", question)
    assert other_names(view, {stem("reed")}) == 0
    assert stem("broadcast") in PARAPHRASES[stem("shown")]


def test_a_chamber_is_no_constituency() -> None:
    question = "Which constituency is Tom Reed MP for?"
    analysis = analyse_question(question)
    found = _found(question, "I had been in the Cabinet and now I sit for Varnley.")
    assert not shape_answers(found["Cabinet"], analysis, frozenset())
    assert shape_answers(found["Varnley"], analysis, frozenset())


def test_second_review_of_clauses_deeds_portfolios_and_names() -> None:
    # "when" right after the verb dates the main clause too; only ", when ..." is another clause.
    question = question_view(analyse_question("When did Tom Reed leave Varn?"))
    found = _found("When did Tom Reed leave Varn?", "Tom Reed left Varn when the firm was bought by Korlax in 2003.")
    assert not in_other_clause(found["2003"], question.predicate)
    # The subject's nouns are no deed: "the oil price rise" asks when it rose.
    assert asked_when_deed("When did the oil price rise?") == stem("rise")
    assert asked_when_deed("When will the show be aired?") is None
    assert asked_when_deed("when did varn airways start flying") == stem("start")  # a verb before a gerund
    # An adverb after "is" narrows no role.
    assert asked_portfolio("Who is now manager of Varn?", ("manager",)) is None
    assert asked_portfolio("Who was previously chairman of Varn Motors?", ("chairman",)) is None
    # A firm's opening word names it only when the rest is a kind of body or a place.
    assert not names_one_of("Varnclays Capital", ["Varnclays"])
    assert names_one_of("Varnzilla", ["Varnzilla Foundation"]) and names_one_of("Varnpeace", ["Varnpeace UK"])
    assert names_one_of("Varncastle", ["Varncastle Falcons"])  # a team's plural nickname
    assert not names_one_of("Varngle Ventures", ["Varngle"])  # a firm's plural is no nickname
    # A team's nickname is a name in its sentence.
    view = sentence_view("The Kiwis beat Australia 24-0 in the final in Leeds.", question_view(analyse_question(
        "Which team beat Australia in the final?")))
    assert other_names(view, {stem("australia")}) >= 2


def test_a_role_given_beside_a_name_in_another_organisation() -> None:
    roles = frozenset({stem("president")})
    question = "who is Varn Motors' vice president for sales?"
    found = _found(question, '"Prices rise," said Jim Press, vice president and operating chief of Korla Motor.')
    assert not titled_as_asked(found["Jim Press"], roles, ["Varn Motors"])
    assert titled_as_asked(found["Jim Press"], roles, ["Korla Motor"])
    assert not names_one_of("Foster's", ["Fostering Network"])  # whole words, not stems


def test_the_owner_of_the_name_asked_and_names_after_an_indefinite_article() -> None:
    question = "who won the Varn Song Contest?"
    sentence = "Ivo Brand's Varn Song Contest win topped the poll, and a Korla Nights sketch won the comedy prize."
    found = _found(question, sentence)
    entities = analyse_question(question).entities
    # "Ivo Brand's" owns the contest asked about: whose win it was.
    assert owner_of_asked(found["Ivo Brand's"], entities)
    assert not fits(found["Ivo Brand's"], "person")  # a possessive alone is no person
    assert not owner_of_asked(found["Korla Nights"], entities)
    # "a Korla Nights sketch", "another Grand Slam": a kind of thing, not someone.
    assert after_indefinite(found["Korla Nights"]) and used_as_modifier(found["Korla Nights"])
    grand = _found("who did he beat?", "He hopes the win will help him to another Grand Slam.")["Grand Slam"]
    assert after_indefinite(grand) and not after_indefinite(found["Ivo Brand's"])


def test_a_place_is_introduced_as_one_and_is_no_contest() -> None:
    question = "where was the Varn Cup final played?"
    analysis = analyse_question(question)
    # A side played against is no place, though a comma may follow a place ("Jacksonville, Florida").
    found = _found(question, "He will not play against Selmouth, probably, nor in Varnland at Korla, Varn.")
    assert not fits(found["Selmouth"], "place")
    assert fits(found["Korla"], "place") and fits(found["Varnland"], "place")
    # Where a contest is played: another contest is no place; where someone ran, an event may be.
    found = _found(question, "Chelsea meet Selmouth in the Korla League and Varnton in the Varn Cup final.")
    assert not shape_answers(found["Korla League"], analysis, frozenset())
    ran = analyse_question("where did Tom Reed set a record?")
    found = _found(ran.question, "Tom Reed set a record at the Selmouth Indoor Games.")
    assert shape_answers(found["Selmouth Indoor Games"], ran, frozenset())


def test_sources_with_the_nouns_that_are_no_verbs_and_places_named_as_surnames() -> None:
    found = _found("which studio is Tom Reed in talks with?", "Tom Reed is in talks, according to the Varn Reporter.")
    assert according_to(found["Varn Reporter"])
    # "in the long run": a noun, not who runs it.
    sentence = "This will hurt revenue in the short run, said analyst Tom Reed at Korlax."
    assert cue_positions(sentence, ["run"], ["Varn Air Lines"]) == []
    assert cue_positions("Tom Reed runs Varn Air Lines.", ["run"], ["Varn Air Lines"]) != []
    # "Stanley Park" after "in" is somewhere, though "Park" is a surname too.
    found = _found("where is the new stadium?", "Funding for the new stadium in Varnley Park is close.")
    assert fits(found["Varnley Park"], "place")
    # A semi-final is no final.
    view = question_view(analyse_question("where was the Varn Cup final played?"))
    assert stem("final") not in stems_of(sentence_view("The Varn Cup semi-final at Korla.", view).tokens)
    assert stem("final") in stems_of(sentence_view("The Varn Cup final at Korla.", view).tokens)


def test_a_role_of_a_nations_body_and_the_holder_after_the_body() -> None:
    # A country's body named by its people's word: "head of the Turkish Central Bank".
    sentence = '"The lira is stable," said Ivo Brand, head of the Turkish Central Bank.'
    assert cue_positions(sentence, ["head"], ["Turkey"]) != []
    assert names_one_of("Turkish Central Bank", ["Turkey"]) and not names_one_of("Turkish Airlines", ["Turkey"])
    # The holder named right after the body is not part of its name.
    sentence = "Chairman of the Varn Audit Committee Tom Reed MP, said no."
    assert cue_positions(sentence, ["chairman"], ["Commons Varn Audit Committee"]) == [0]
    # ... though a name may end in words that look like a person's ("Korla Data Recovery").
    sentence = "said Tom Reed, managing director of Korla Data Recovery."
    assert cue_positions(sentence, ["managing director"], ["Korla Data Recovery"]) != []


def test_more_countries_and_their_peoples_words() -> None:
    # Countries past the big ones, with the words for their people made by the usual endings.
    assert nations_named("a Kenyan runner beat the Bulgarian and a Hungarian") == {"kenya", "bulgaria", "hungary"}
    assert names_one_of("Bulgarian", ["Bulgaria"]) and not names_one_of("Bulgarian", ["Romania"])
    sentence = "I spoke with the Bulgarian manager, Ivo Brand, about the game."
    assert cue_positions(sentence, ["manager"], ["Bulgaria"]) != []
    # A kind of thing in capitals beside other names need not be said ("reality TV shows").
    analysis = analyse_question("who's the Korla spokesman who gives odds on reality TV shows?")
    assert optional_name("TV", analysis) and not optional_name("Korla", analysis)


def test_the_thing_asked_about_said_as_another_names() -> None:
    def after_others(question: str, sentence: str, candidate: str, targets: list[str]) -> bool:
        view = question_view(analyse_question(question))
        found = _found(question, sentence)
        return after_others_thing(found[candidate], frozenset(view.predicate), tuple(targets), view.all_stems)

    tories = ["Tories", "Conservatives"]
    asked = "where did the Tories have their spring conference?"
    assert after_others(asked, "Speaking at Labour's spring conference in Varnley, he spoke.", "Varnley", tories)
    assert not after_others(asked, "At the Tories' spring conference in Selmouth, he spoke.", "Selmouth", tories)
    # The asked one's may be given too, before another's.
    sentence = "Varn Motors will hold its annual meeting on 5 May, a week after Korla's annual meeting."
    assert not after_others("when will Varn Motors hold its annual meeting?", sentence, "5 May", ["Varn Motors"])
    # The thing owned is another ("Amazon's book chart"); an opening word is no part of the owner
    # ("Yesterday Argentina's"); an owner the question names as a word is its own ("Registrars'").
    sentence = "The novel has topped Amazon's book chart since 16 July."
    assert not after_others("when is the new Varn book out?", sentence, "16 July", ["Varn"])
    sentence = "Yesterday Varnland's economy minister, Tom Reed, said so."
    assert not after_others("who is Varnland's economy minister?", sentence, "Tom Reed", ["Varnland"])
    sentence = "Registrars' spokesman, Tom Reed, said they welcomed the rules."
    assert not after_others("who's the spokesman for the registrars?", sentence, "Tom Reed", [])
    korla = sentence.replace("Registrars'", "Korla's")
    assert after_others("who's the spokesman for the registrars?", korla, "Tom Reed", [])


def test_what_something_was_changed_from_is_not_what_it_was_changed_to() -> None:
    question = "what did Tom Reed raise the stamp duty threshold to in the budget?"
    found = _found(question, "Tom Reed will raise the stamp duty threshold from £60,000 to £120,000.")
    assert old_level(found["£60,000"], question) and not old_level(found["£120,000"], question)
    assert not old_level(found["£60,000"], "what was the threshold before the budget?")


def test_another_award_category_is_another_award() -> None:
    question = "who won best actress at the 2005 Varn awards?"
    assert other_category("Korla was declared best film, and its star Ivo Brand won best supporting actress.", question)
    assert not other_category("Tom Reed took best director while Ana Lee took the best actress award.", question)
    # Naming no category, a sentence must still say the asked one's word.
    assert other_category("The mobile category was won by Ana Lee's team.", question)
    assert not other_category("Ana Lee, the actress who won, arrived in a green dress.", question)
    # In capitals too, and "best known" is no category.
    assert not other_category("Ana Lee, best known for Korla Days, won Best Actress.", question)
    assert other_category("Ivo Brand won Best Supporting Actress.", question)
    assert not other_category("Ivo Brand won best supporting actress.", "who won the Varn awards?")


def test_a_names_last_word_in_lower_case_and_what_a_body_runs() -> None:
    # "sport" in "sport utility vehicle" is no League Against Cruel Sports; "the college" is its college.
    def present(entity: str, sentence: str) -> bool:
        view = sentence_view(sentence, question_view(analyse_question("who?")))
        return entity_present(entity, stems_of(view.tokens), set(), view.tokens)

    assert not present("League Against Korla Sports", "It is the first full-hybrid sport utility vehicle.")
    assert present("Varn College", "Ana Lee, principal of the college, said so.")
    sentence = "Schools signed up for the Y Vote Mock Elections run by the Varn Society."
    found = _found("who runs the Varn Society?", sentence)
    assert what_is_run(found["Y Vote Mock Elections"])
    found = _found("who runs the Varn Society?", "The society, run by Ana Lee, said so.")
    assert not what_is_run(found["Ana Lee"])


def test_who_was_told_and_someone_referred_back_to_are_no_other_names() -> None:
    view = question_view(analyse_question("when did Varn Air suspend the blogger?"))

    def others(sentence: str) -> int:
        return other_names(sentence_view(sentence, view), set(), frozenset())

    assert others("Ms Lee told the Korla News website she was suspended on 25 September.") == 0
    assert others("She said Ivo Brand told Korla Radio she was suspended on 25 September.") == 1
    assert others("The airline suspended Tom Reed and Ana Lee on 25 September.") == 2


def test_birthplaces_salaries_and_deeds_denied() -> None:
    sentence = "Born in 1922 to immigrants from Varnland, Tom Reed grew up in Selmouth."
    found = _found("where was Tom Reed born?", sentence)
    assert not says_birthplace(found["Varnland"]) and not says_birthplace(found["Selmouth"])
    for sentence in (
        "Tom Reed was born at Selmouth, far from Varnland.",
        "Tom Reed was born in 1922 in the Korla town of Selmouth.",
        "He grew up in Selmouth, where he was born.",
    ):
        assert says_birthplace(_found("where was Tom Reed born?", sentence)["Selmouth"]), sentence
    sentence = "Born in 1934, Tom Reed won a scholarship to the Varn School of Speech."
    assert not says_birthplace(_found("where was Tom Reed born?", sentence)["Varn School of Speech"])
    asked = "how much was Tom Reed's salary at the Varn University?"
    assert other_measure(asked, set("the university was scrapped at a cost of £50m".split()))
    assert not other_measure(asked, set("he was paid £200,000 a year".split()))
    assert not other_measure("how much did Korlax pay for Varn?", set("it bought varn for £5m".split()))
    sentence = "After the first final that I didn't win against Tom Reed (in 2002), I wept."
    assert denied(tokenize(sentence), {stem("win")})
    assert not denied(tokenize("He won in 2000 but did not win in 2001."), {stem("win"), stem("won")})


def test_a_date_in_a_since_clause_dates_what_it_says() -> None:
    question = "when do Varnland play Korlaland?"
    sentence = "Selmouth have won three times since they joined the Cup in 2000, but two came against Korlaland."
    found = _found(question, sentence)
    assert in_other_clause(found["2000"], [stem("play")])
    found = _found(question, "Varnland have played Korlaland every year since 2000.")
    assert not in_other_clause(found["2000"], [stem("play")])


def test_review_of_counts_measures_doers_and_changes() -> None:
    # "5m" is millions, not metres; "the number of shops ... since 2004" counts no year.
    found = _found("How much rice does Varnland grow?", "Varnland, home to 5m farmers, grows 30% of the rice.")
    assert not measured(found["5m"])
    counted = counted_words(analyse_question("How many shops are there in Selmouth?"))
    sentence = "The number of shops in Selmouth has fallen since 2004, and 5,000 workers lost jobs."
    found = _found("How many shops are there in Selmouth?", sentence)
    assert counted is not None and not counts(found["2004"], counted) and not counts(found["5,000"], counted)
    # A doer whose name has parts: "Justine Henin-Hardenne beat ..." is Henin; "The Swiss" is no one known.
    names = set(terms("Henin"))
    found = _found("Who did Henin beat?", "Justine Henin-Hardenne beat compatriot Kim Clijsters in the final.")
    assert not done_by_another(found["Kim Clijsters"], stem("beat"), names)
    found = _found("Who did Tom Reed beat?", "The Swiss beat Ivo Brand in the final.")
    assert not done_by_another(found["Ivo Brand"], stem("beat"), set(terms("Tom Reed")))
    # "is set to cut from 500 to 800": a plan, not what something was changed to.
    found = _found("How many jobs is Varn set to cut?", "Varn is set to cut from 500 to 800 jobs.")
    assert not old_level(found["500"], "How many jobs is Varn set to cut?")
    # What a body runs is right before the passive, not "Ana Lee runs Varn Foods, founded by her father".
    found = _found("Who runs Varn Foods?", "Ana Lee runs Varn Foods, founded by her father.")
    assert not what_is_run(found["Ana Lee"])
