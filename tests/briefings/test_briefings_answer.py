"""Question analysis, candidate reading and the answer engine on short hand-written articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from clock import ManualClock as Clock
from fakes import FakeStore

from briefings.answer import MAX_ALIASES, AnswerEngine, _ArticleWords
from briefings.checks import (
    asked_portfolio,
    distinctive_last,
    owned_by,
    shape_answers,
)
from briefings.models import Answer, Article, ArticleInput
from briefings.newsroom import Newsroom
from briefings.questions import analyse_question, recase_names, typed_in_lower_case
from briefings.reader import candidates, fits, question_view, read, sentence_view


def test_expected_types() -> None:
    cases = {
        "who leads the NRF?": "person",
        "when did the rebels seize the capital?": "date",
        "where is the valley?": "place",
        "how many people live in the valley?": "number",
        "How old was the coach when he died?": "number",
        "How much did the firm pay for its rival?": "money",
        "What does the cheapest model cost in the US?": "money",
        "what's the average price of a home in varn?": "money",
        "What was the firm's annual profit?": "money",
        "Which city is the chain based in?": "place",
        "Which airline sacked the blogger?": "organisation",
        "Which US dictionary publisher chose the word?": "organisation",
        "what does NRF stand for?": "expansion",
        "What percentage of voters backed it?": "percentage",
        "What year did the war end?": "date",
        "What album won the award?": "other",
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
    assert analyse_question("who is in charge of Globex?").relation == "leads"
    assert analyse_question("Who founded the Argo games group?").relation == "founded"
    assert analyse_question("who won the cup?").relation is None


def test_follow_up_takes_previous_subject() -> None:
    previous = Answer(question="who leads the NRF?", text="Ahmad Massoud", subject="NRF")
    analysis = analyse_question("and who is their spokesman?", previous)
    assert analysis.entities == ("NRF",) and analysis.used_previous
    assert "nrf" in analysis.terms
    fresh = analyse_question("who is the Taliban spokesman?", previous)
    assert fresh.entities == ("Taliban",) and not fresh.used_previous


def _typed(sentence: str, question: str) -> set[str]:
    analysis = analyse_question(question)
    view = sentence_view(sentence, question_view(analysis))
    return {c.text for c in candidates(view, question_view(analysis)) if fits(c, analysis.expected)}


def test_typed_candidates() -> None:
    sentence = (
        "On 15 August, Anna Berg, leader of the Free Party, said 150,000 people had paid $3.5m, "
        "or 12% more, in Bath."
    )
    assert "Anna Berg" in _typed(sentence, "who spoke?")
    assert "Free Party" not in _typed(sentence, "who spoke?")
    assert "15 August" in _typed(sentence, "when did she speak?")
    assert "$3.5m" in _typed(sentence, "how much did they pay?")
    assert "12%" in _typed(sentence, "what percentage more?")
    assert "150,000" in _typed(sentence, "how many people?")
    assert "Bath" in _typed(sentence, "where did she speak?")


def test_reader_picks_the_span_near_the_question_words() -> None:
    paragraph = [
        "The old bridge over the Lune was built by the engineer Tomas Brack in 1861.",
        "It carried trains until 1965, when the line closed.",
        "About 4,000 people now cross it on foot every day.",
    ]
    assert read(analyse_question("Who built the bridge over the Lune?"), paragraph)[0].text == "Tomas Brack"
    assert read(analyse_question("When did the line close?"), paragraph)[0].text == "1965"
    top = read(analyse_question("How many people cross the bridge every day?"), paragraph)[0].text
    assert "4,000" in top


# --- the engine, through the newsroom, on hand-written articles --------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def newsroom(clock: Clock) -> Newsroom:
    return Newsroom(FakeStore(clock=clock), clock=clock)


ALLIANCE = (
    "Fighters of the Northern Mountain Alliance (NMA) held the Korla pass on Monday after three days of "
    "fighting.\n\nAli Karim, leader of the Northern Mountain Alliance, said his men would not surrender. "
    "NMA spokesman Omar Said told reporters that about 2,500 fighters remained in the valley.\n\n"
    "The valley, home to between 40,000 and 50,000 people, lies north of the city of Varn."
)
HARBOUR = (
    "The port authority of Selmouth opened its new harbour on 12 May. The harbour cost £45m to build "
    "and can hold 300 boats.\n\nThe mayor, Jane Orrin, said the work had taken four years."
)


async def _add(newsroom: Newsroom, text: str, title: str, when: datetime, source: str = "Daily Test") -> None:
    result = await newsroom.ingest(
        ArticleInput(text=text, title=title, source=source, published_at=when, external_id=title),
        added_by="test",
    )
    assert result.article is not None


async def test_role_questions_and_acronyms_in_both_directions(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    answer = await newsroom.ask("who leads the NMA?")
    assert answer.text == "Ali Karim"
    assert answer.evidence is not None and "Ali Karim" in answer.evidence
    assert answer.citations and answer.citations[0].outlet == "Daily Test"
    assert answer.as_of is not None
    assert (await newsroom.ask("what does NMA stand for?")).text == "Northern Mountain Alliance"
    spokesman = await newsroom.ask("who is the spokesman of the Northern Mountain Alliance?")
    assert spokesman.text == "Omar Said"


async def test_typed_questions_from_sentences(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    await _add(newsroom, HARBOUR, "Selmouth harbour opens", clock.now)
    assert "40,000 and 50,000" in ((await newsroom.ask("how many people live in the valley?")).text or "")
    assert (await newsroom.ask("When did the Selmouth harbour open?")).text == "12 May"
    assert (await newsroom.ask("How much did the Selmouth harbour cost to build?")).text == "£45m"
    assert "Varn" in ((await newsroom.ask("Where is the valley?")).text or "")


async def test_abstains_rather_than_guessing(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    await _add(newsroom, HARBOUR, "Selmouth harbour opens", clock.now)
    for question in (
        "who leads the Varn city council?",
        "how many fighters were killed at the Korla pass?",
        "who is Ali Karim's father?",
        "how many boats were sold in Selmouth?",
        "who won the election in Varn?",
    ):
        answer = await newsroom.ask(question)
        assert answer.text is None, (question, answer.text)
    closest = await newsroom.ask("how many fighters were killed at the Korla pass?")
    assert closest.closest_story is not None and "pass" in closest.closest_story.headline.lower()


async def test_newest_report_wins_and_the_older_is_mentioned(newsroom: Newsroom, clock: Clock) -> None:
    old = "Globex said on Tuesday that Lara Voss, chief executive of Globex, would open a new plant in Derry."
    new = "Tom Hale, chief executive of Globex, said the company would close its plant in Derry next year."
    await _add(newsroom, old, "Globex opens Derry plant", datetime(2023, 1, 10, tzinfo=UTC), source="Paper A")
    clock.now += timedelta(days=400)
    await _add(
        newsroom, new, "Globex to close Derry plant", datetime(2024, 2, 10, tzinfo=UTC), source="Paper B"
    )
    answer = await newsroom.ask("Who is the chief executive of Globex?")
    assert answer.text == "Tom Hale"
    assert answer.superseded == ("Lara Voss",)
    assert answer.citations[0].outlet == "Paper B"


async def test_follow_up_question_uses_the_previous_subject(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    first = await newsroom.ask("who leads the NMA?")
    assert first.subject == "NMA"
    follow = await newsroom.ask("and who is their spokesman?", previous=first)
    assert follow.text == "Omar Said"
    assert follow.subject == "NMA"


async def test_seeds(newsroom: Newsroom, clock: Clock, seed_paths) -> None:  # type: ignore[no-untyped-def]
    for path in seed_paths:
        result = await newsroom.ingest(
            ArticleInput(text=path.read_text(encoding="utf-8"), external_id=path.stem), added_by="test"
        )
        assert result.article is not None
    leader = await newsroom.ask("who leads the NRF?")
    assert leader.text is not None and "Massoud" in leader.text
    assert {c.external_id for c in leader.citations} == {p.stem for p in seed_paths}
    spokesman = await newsroom.ask("who is the Taliban spokesman?")
    assert spokesman.text is not None and "Mujahid" in spokesman.text
    assert (await newsroom.ask("who leads the Taliban?")).text is None
    assert (await newsroom.ask("how many people were airlifted out of Panjshir?")).text is None


COURT = (
    "A court in Dorvik jailed a local blogger for ten years on Tuesday. Prime Minister Tomas Brenn "
    "defended the ruling.\n\nEditor Lina Vos said Rik Osten's sentence was harsh. Distinguished lawyer "
    "Pavel Strand, who defended him, will appeal."
)


async def test_which_person_questions_need_the_asked_description(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, COURT, "Dorvik court jails blogger", clock.now)
    # "Prime Minister Tomas Brenn" and "Editor Lina Vos" are titled as someone else; nobody in the
    # sentences is called the blogger, so the engine abstains rather than name one of them.
    for question in ("Which Dorvik blogger was jailed for ten years?", "Which blogger did the Dorvik court jail?"):
        answer = await newsroom.ask(question)
        assert answer.text is None, (question, answer.text)
    # A plain description before a name ("lawyer Pavel Strand") is no other title.
    lawyer = await newsroom.ask("Which lawyer will appeal?")
    assert lawyer.text == "Pavel Strand"


async def test_another_groups_spokesman_is_not_an_earlier_report(newsroom: Newsroom, seed_paths) -> None:  # type: ignore[no-untyped-def]
    # One seed names the Taliban's spokesman and the NRF's in the same report.
    for path in seed_paths:
        await newsroom.ingest(ArticleInput(text=path.read_text(encoding="utf-8"), external_id=path.stem), added_by="t")
    first = await newsroom.ask("who leads the Taliban?")
    assert first.text is None
    follow = await newsroom.ask("and who is their spokesman?", previous=first)
    assert follow.text is not None and "Mujahid" in follow.text
    assert not any("Maisam" in earlier for earlier in follow.superseded)


def test_descriptions_and_possessive_names() -> None:
    gamer = analyse_question("How much did the gamer Zorbix spend on a virtual moon in Project Halo?")
    assert "gamer" in gamer.descriptors and {"spend", "virtual", "moon"}.isdisjoint(gamer.descriptors)
    fisher = analyse_question("Where is Tom Reed, the man selling ad space on his arm, from?")
    assert {"man", "sell", "ad", "space", "arm"} <= fisher.descriptors
    chain = analyse_question("Which city is the bankrupt US grocery chain Fresh-Mart based in?")
    assert {"bankrupt", "groceri", "chain"} <= chain.descriptors and "base" not in chain.descriptors
    # A verb between two names describes nothing.
    assert analyse_question("when did the Korlan Front seize Varn?").descriptors == frozenset()
    assert analyse_question("Who will play the lead in Storm Harbour?").descriptors == frozenset()
    assert analyse_question("Who is the deputy leader of Reed's Unity party?").entities == ("Reed", "Unity")
    # A role word written as a title is a description, not the relation asked about.
    assert analyse_question("How old was the Dutch coach Rinus Vos when he died?").relation is None
    assert analyse_question("Which former Varn chairman has bought into Selmouth Town?").relation is None
    assert analyse_question("Who is Valmont's new coach?").relation == "coaches"
    assert analyse_question("how many visa applications does each officer handle?").focus == "applications"


FOREHEAD = (
    "A man from Selmouth is selling advertising space on his forehead to the highest bidder.\n\n"
    "Tom Reed, from Harbury, said he would wear the logo for a month.\n\n"
    "The auction closes on Friday."
)
MOON = (
    "A 22-year-old gamer has spent $26,500 (£13,700) on a virtual moon in an online game.\n\n"
    "The player, known as Zorbix, bought the moon in Project Halo, a game run by Starfold.\n\n"
    "It is being sold on to a club of players for $40,000, the firm said."
)
CUPS = (
    "Dana Kell won 121 of her 147 matches while Ben Ross was her coach.\n\n"
    "The Merlin Pro, sold for £339 in the UK, costs $499 in the US, the maker said."
)


async def test_names_given_elsewhere_in_the_article(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, MOON, "Gamer pays $26,500 for virtual moon", clock.now)
    # Neither name is in the sentence that says how much; the article names both.
    answer = await newsroom.ask("How much did the gamer Zorbix spend on a virtual moon in Project Halo?")
    assert answer.text == "$26,500"
    await _add(newsroom, FOREHEAD, "Man sells forehead space", clock.now)
    fisher = await newsroom.ask("Where is Tom Reed, the man selling ad space on his forehead, from?")
    assert fisher.text == "Harbury"
    # A name the article never gives is still needed: no answer about another game.
    assert (await newsroom.ask("How much did the gamer Zorbix spend in Project Nova?")).text is None


async def test_a_sentence_naming_something_else_does_not_answer(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    # The article is about the Korla pass; the figure of people is about the valley north of Varn,
    # and a sentence naming another place cannot say how many live in Korla.
    answer = await newsroom.ask("how many people were evacuated from Korla?")
    assert answer.text is None


async def test_partitive_numbers_and_the_asked_currency(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, CUPS, "Kell splits with coach", clock.now)
    assert (await newsroom.ask("How many matches did Dana Kell win while Ben Ross was her coach?")).text == "121"
    assert (await newsroom.ask("What does the Merlin Pro cost in the US?")).text == "$499"
    assert (await newsroom.ask("What does the Merlin Pro cost in the UK?")).text == "£339"


async def test_a_country_named_by_its_nationality_and_a_shortened_name(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Norway lent Sweden money to help the Swedish state take back the Korvaskneft oil unit of Dalgas.\n\n"
        "Officials said on Tuesday that the $4bn which Swedish state bank SKB lent state-owned Norrolja to "
        "help buy Korvask in turn came from Norwegian banks.",
        "Norway funded oil deal",
        clock.now,
    )
    answer = await newsroom.ask("How much did Norway lend Sweden to help Norrolja buy Korvask?")
    assert answer.text == "$4bn"
    await _add(newsroom, "Dalgas said its Korvaskneft unit employs 3,000 people.", "Dalgas staff", clock.now)
    assert (await newsroom.ask("How many people does the Dalgas unit Korvask employ?")).text == "3,000"


async def test_the_whole_and_the_base_of_a_rate_are_not_the_count(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "In 1999 the Varn council removed all but 40 of the Old Town Guild's 300 elected members.\n\n"
        "One in 10 adult Varnese - some 30,000 people - owns a fishing boat, a survey found.",
        "Guild loses seats",
        clock.now,
    )
    assert (await newsroom.ask("How many elected members of the Old Town Guild kept their place in 1999?")).text == "40"
    assert (await newsroom.ask("How many adult Varnese own a fishing boat?")).text == "30,000"


JAILED = (
    "A court in Varn jailed a blogger for 14 years on Monday.\n\n"
    "Anya Sokol was arrested in May after writing about the army.\n\n"
    "Officials at Great Harbour Street Hospital treated two guards."
)


async def test_the_next_sentence_may_name_who(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, JAILED, "Varn court jails blogger", clock.now)
    # The sentence that matches names nobody; the next one opens with the person.
    assert (await newsroom.ask("Which blogger did the Varn court jail for 14 years?")).text == "Anya Sokol"
    # Part of a longer name is no answer.
    assert (await newsroom.ask("Who treated two guards?")).text is None


def test_verbs_of_roles_and_calendar_words() -> None:
    # "heads" before a name is the verb asked about, "coach" before a name is a title.
    assert analyse_question("Who heads Athletics Varn?").relation == "leads"
    assert analyse_question("Who will head Selmouth Town?").relation == "leads"
    assert analyse_question("Which magazine named Tom Reed businessman of the year?").expected == "organisation"
    # A month is a date to match, not a name the answer must be about.
    assert analyse_question("How much did UK house prices rise in February?").entities == ("UK",)


def test_rates_and_names_followed_by_a_title() -> None:
    assert analyse_question("What is the annual rate of inflation in Varn?").expected == "percentage"
    named = analyse_question("Which magazine named Tom Reed European Banker of the Year?")
    assert named.entities == ("Tom Reed", "European Banker of the Year")


SOCIETY = (
    "More than 800,000 Selmouth Building Society members are to get a share of its profits.\n\n"
    "Members of the society will share £42m, the society said.\n\n"
    "Tom Reed never coached Varn Rovers, although he played for them. Jan Olsen coaches Selmouth Town."
)


async def test_amounts_and_negated_roles(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, SOCIETY, "Society shares profits", clock.now)
    # "How much" asks for an amount, not the count of members in the same story.
    assert (await newsroom.ask("How much will Selmouth Building Society members share?")).text == "£42m"
    # "never coached" says who does not coach them.
    assert (await newsroom.ask("Who coaches Varn Rovers?")).text is None


MATCH = (
    "England lost 19-13 to Wales in Cardiff on Saturday.\n\n"
    "England coach Tom Reed was livid after referee Piet Olsen disallowed two tries against Wales in Cardiff.\n\n"
    "England coach Tom Reed refereed the loss to Wales in Cardiff from the stand, he joked.\n\n"
    "Sam Hale, a student from Varn studying at Selmouth University in Harbury, scored twice. "
    "Twenty-seven tries were scored in the league last year."
)


async def test_roles_named_by_the_verb_and_the_asked_kind(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, MATCH, "England lose in Cardiff", clock.now)
    # "refereed" asks for the referee, not the coach named in the same sentence.
    assert (await newsroom.ask("Who refereed England's loss to Wales in Cardiff?")).text == "Piet Olsen"
    # "Which university": a name that says it is one, not the town beside it.
    assert (await newsroom.ask("Which university is Sam Hale studying at?")).text == "Selmouth University"
    assert analyse_question("What's the name of the Californian accused of hacking?").expected == "person"


PLAYER = (
    "Teenage star Mia Kahn beat the champion in straight sets on Monday.\n\n"
    "Kahn, who lives in the southern Varnish city of Selby, turned professional in 2003. "
    "Police said a man stole data on 400 customers from the club's computers."
)


async def test_the_kind_asked_and_counts_that_are_no_amounts(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, PLAYER, "Kahn beats the champion", clock.now)
    assert (await newsroom.ask("Which Varnish city is tennis star Mia Kahn from?")).text == "Selby"
    # "How much" asks for an amount: a count of customers is none.
    assert (await newsroom.ask("How much data did the man steal from the club?")).text is None


TOURISTS = (
    "Last year 5,000 tourists visited Varn, the BBC said.\n\n"
    "Channel Nine paid £20m for the rights to the Selmouth Open. Selmouth Motors employs 4,000 staff in Varn."
)


async def test_names_and_years_are_not_waved_through(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, TOURISTS, "Varn tourism grows", clock.now)
    # An acronym is a name the answer must be about, not a nationality to skip.
    assert (await newsroom.ask("How much did the BBC pay for the rights to the Selmouth Open?")).text is None
    assert (await newsroom.ask("How many staff does IBM employ in Varn?")).text is None
    # "Last year" is 1995 only in an article written in 1996.
    assert (await newsroom.ask("How many tourists visited Varn in 1995?")).text is None


async def test_long_questions_are_refused_quickly(newsroom: Newsroom, clock: Clock) -> None:
    from briefings.newsroom import MAX_QUESTION_CHARS, InvalidInput

    await _add(newsroom, ALLIANCE, "Alliance holds the pass", clock.now)
    with pytest.raises(InvalidInput, match="characters long"):
        await newsroom.ask("Who is " + "X's " * MAX_QUESTION_CHARS + "boss?")
    # Within the limit, a repetitive question that asks nothing the story says gets no answer.
    answer = await newsroom.ask(("which coach Tom " * 30)[: MAX_QUESTION_CHARS])
    assert answer.text is None


async def test_a_word_that_only_opens_the_sentence_is_no_name(newsroom: Newsroom, clock: Clock) -> None:
    await _add(newsroom, "According to the survey, a blog is created every five seconds.", "Blogs boom", clock.now)
    assert (await newsroom.ask("Which research firm says a blog is created every five seconds?")).text is None


async def test_an_acronym_of_many_bodies_is_looked_up_by_its_commonest_names(clock: Clock) -> None:
    store = FakeStore(clock=clock)
    newsroom = Newsroom(store, clock=clock)
    bodies = [
        "Ports Control Authority",
        "Ports Control Authority",
        "Ports Control Authority",
        "Poetry Circle Association",
        "Poetry Circle Association",
        "Pine County Archive",
        "Plant Care Alliance",
        "Public Choir Academy",
    ]
    for number, body in enumerate(bodies):
        town = ["Selmouth", "Varn", "Korla", "Ostby", "Lund", "Brae", "Dunmere", "Alcott"][number]
        await _add(
            newsroom,
            f"The {body} (PCA) met in {town} on Monday. It agreed on plan number {number + 10}.",
            f"{town} meeting {number}",
            clock.now - timedelta(days=number),
        )
    expansions, _ = await AnswerEngine(store)._expansions(("PCA",))
    # The two given most often, and one of the names given once.
    assert len(expansions["PCA"]) == MAX_ALIASES == 3
    assert {"Ports Control Authority", "Poetry Circle Association"} < expansions["PCA"]


def test_article_words_are_whole_words() -> None:
    article = Article(
        id="1",
        source="Daily Test",
        url=None,
        title="Banana talks",
        text="Ana met Dana in Canada; the ana-lysis waited.",
        published_at=None,
        content_hash="x",
        story_id="1",
        external_id=None,
        added_at=datetime(2024, 3, 1, tzinfo=UTC),
    )
    said = _ArticleWords()
    assert said.has(article, "ana") and said.has(article, "dana") and said.has(article, "banana")
    assert not said.has(article, "anad") and not said.has(article, "lysi")
    assert said.has(article, "lysis") and not said.has(article, "nad")
    assert "talk" in said.stems(article)


async def test_later_sentences_of_an_article_about_the_subject_may_leave_it_unsaid(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Globex is to build a battery plant in Varn, creating 300 jobs.\n\n"
        "Work on the site begins next month. Local leaders welcomed the news.\n\n"
        "The factory will open on 3 June next year, the firm said.",
        "Battery plant to bring 300 jobs",
        clock.now,
    )
    await _add(newsroom, HARBOUR, "Selmouth harbour opens", clock.now)
    answer = await newsroom.ask("When will the Globex battery plant in Varn open?")
    assert answer.text == "3 June"
    # A name the article never gives is still missing: no answer about somebody else's plant.
    assert (await newsroom.ask("When will the Initech battery plant in Varn open?")).text is None


async def test_a_role_tied_to_a_surname_belongs_to_that_person(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Varley will miss the cup final with a knee injury.\n\n"
        "But Ian Dorne, coach of Varley's club side Selmouth, said the forward could return in May.",
        "Varley out of final",
        clock.now,
    )
    assert (await newsroom.ask("who is Tom Varley's coach at Selmouth?")).text == "Ian Dorne"


async def test_a_sentence_that_opens_with_a_pronoun_goes_on_about_the_one_before(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Shares in Globex rose on Monday after a strong quarter.\n\n"
        "The firm also showed its first electric delivery van to dealers in Varn. "
        "It will reach the showrooms on 4 May, priced at £20,000.\n\n"
        "Rivals are expected to follow later in the year.",
        "Globex shares rise",
        clock.now,
    )
    assert (await newsroom.ask("When will the Globex electric delivery van reach the showrooms?")).text == "4 May"
    assert (await newsroom.ask("How much will the Globex electric delivery van cost?")).text == "£20,000"


async def test_brackets_and_two_letter_abbreviations_are_no_other_names(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn Media Board fined the broadcaster Globex on Monday after a long inquiry.\n\n"
        "Viewers had complained about late-night shows for two years.\n\n"
        "Globex has paid out $3.5m (£1.8m) to end the inquiry into its TV shows.",
        "Broadcaster fined",
        clock.now,
    )
    answer = await newsroom.ask("How much did Globex pay the Varn Media Board to end the inquiry?")
    assert answer.text is not None and "$3.5m" in answer.text


async def test_a_minister_of_another_country_or_portfolio_is_not_the_one_asked_for(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Creditor nations met on Monday to discuss the debts of Indonesia and Argentina.\n\n"
        "French finance minister Paul Vey said the freeze on repayments would stay for now.\n\n"
        "Argentina's economics minister Rosa Lind said her country would pay on time.\n\n"
        "Indonesia's economics minister Ida Brak said the country no longer needed the freeze.",
        "Creditors discuss debt",
        clock.now,
    )
    assert (await newsroom.ask("who is indonesia's economics minister?")).text == "Ida Brak"
    assert (await newsroom.ask("who is Indonesia's finance minister?")).text is None
    assert (await newsroom.ask("who is the finance minister of Indonesia?")).text is None


def test_a_country_in_lower_case_is_still_a_name() -> None:
    assert analyse_question("who is indonesia's economics minister?").entities == ("Indonesia",)
    assert analyse_question("how many people live in the uk?").entities == ("UK",)
    assert analyse_question("who told us about the plan?").entities == ()  # "us" is the pronoun
    assert analyse_question("how much does a turkey cost at christmas?").entities == ()


async def test_a_role_the_question_asks_for_must_be_said(newsroom: Newsroom, clock: Clock) -> None:
    question = "Who has been appointed the first children's commissioner for Selmouth?"
    await _add(
        newsroom,
        "Fly-half Tom Varley has been named as Selmouth's new rugby union captain for the three autumn Tests.",
        "Varley named captain",
        clock.now,
    )
    assert (await newsroom.ask(question)).text is None  # a captain, not a commissioner
    assert (await newsroom.ask("who has been named Selmouth's new captain?")).text == "Tom Varley"
    await _add(
        newsroom,
        "Ann Dorne has been appointed as the first children's commissioner for Selmouth, the council said.",
        "Children's commissioner appointed",
        clock.now,
    )
    assert (await newsroom.ask(question)).text == "Ann Dorne"


async def test_a_number_that_is_part_of_a_name_may_be_given_elsewhere_in_the_article(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Globex showed its Zeta Phone 300 to reporters in Varn on Monday.\n\n"
        "The handset will reach the shops on 4 May, the firm said.",
        "Globex shows new handset",
        clock.now,
    )
    assert (await newsroom.ask("When will the Globex Zeta Phone 300 reach the shops?")).text == "4 May"


def test_a_question_typed_in_lower_case_marks_no_names() -> None:
    assert typed_in_lower_case("who heads amnesty international?")
    assert typed_in_lower_case("Who heads amnesty international?")
    assert typed_in_lower_case("how many people were expected at CES in las vegas?")  # an acronym aside
    assert not typed_in_lower_case("Who heads Amnesty International?")
    assert not typed_in_lower_case("who heads Amnesty?")


def test_names_typed_in_lower_case_are_written_as_the_stored_sentences_write_them() -> None:
    texts = [
        "The head of Varn Press Council, Ada Quill, spoke on Monday.",
        "Members of Varn Press Council met in the capital.",
        "International talks on the press were held in the council chamber.",
        "The international council of editors met too.",
        "Channel 4 will show the series, and Channel 5 the rest.",
        "Reporters said the channel was full.",
        "Freedom was the theme.",
    ]
    assert recase_names("who heads the varn press council?", texts) == "who heads the Varn Press Council?"
    # Written in lower case more often than not: a plain word.
    assert recase_names("which international council met?", texts) == "which international council met?"
    # The noun after "which" is the kind asked for, even where news capitalises it in a name.
    assert recase_names("which channel shows it?", texts) == "which channel shows it?"
    # A sentence's first word is capitalised whatever it is: "Freedom" opening one is no name.
    assert recase_names("who spoke about freedom?", texts) == "who spoke about freedom?"
    assert recase_names("did ada quill's team win?", texts) == "did Ada Quill's team win?"
    # Right after a name, a word seen capitalised only where it opens a sentence is part of it.
    said = ["Comedian Ivo Bell made the show.", "Marr will direct it."]
    assert recase_names("is ivo marr making it?", said) == "is Ivo Marr making it?"
    assert recase_names("is marr making it?", said) == "is marr making it?"


def test_a_feast_is_a_time_not_a_name() -> None:
    assert analyse_question("who decorated the Christmas tree at Tate Britain?").entities == ("Tate Britain",)


async def test_a_question_typed_in_lower_case_is_answered_about_the_names_it_means(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "The Varn Press Council has chosen Ada Quill as its new head.\n\n"
        "Ms Quill, a former editor, takes over in May.",
        "Press council picks head",
        clock.now,
    )
    await _add(
        newsroom,
        "The head of the city council, Bo Trent, said the press had been unfair.\n\n"
        "Mr Trent said he would stand again.",
        "Council head hits back",
        clock.now,
    )
    answer = await newsroom.ask("who heads the varn press council?")
    assert answer.text == "Ada Quill"
    # Asked about a name no article holds, the same words find nothing to answer with.
    assert (await newsroom.ask("which company bought the varn press?")).text is None


async def test_a_lower_case_name_made_of_common_words_is_found_by_its_words_side_by_side(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "The new rules will cost members dearly, says Guild of Bell Founders president Ivo Brand.\n\n"
        "Mr Brand spoke in Varn.",
        "Founders fear rules",
        clock.now,
    )
    # Afterwards each of the name's words is in the news many times over, in lower case.
    for day in range(12):
        clock.advance(hours=1)
        await _add(
            newsroom,
            f"The town guild met for the {day + 1}th time. A church bell rang for an hour. "
            f"The founders of the school gave {day + 3} prizes. The club president thanked them.",
            f"Town news {day}",
            clock.now,
        )
    answer = await newsroom.ask("who is the president of the guild of bell founders?")
    assert answer.subject == "Guild of Bell Founders"
    assert answer.text == "Ivo Brand"


async def test_a_place_may_follow_the_and_end_in_a_word_like_province(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Korla Nature Reserve in the Tamsin Province of northern Varnland is home to 300 snow leopards.\n\n"
        "Rangers now track them by radio.",
        "Leopards tracked",
        clock.now,
    )
    answer = await newsroom.ask("Where is the Korla Nature Reserve?")
    assert answer.text == "Tamsin Province"


async def test_chief_or_head_before_another_role_word_is_not_the_top_role(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        'Varnco is to open a photonics lab in Korla.\n\n"Speed matters more than ever," said Ivo Brand, '
        "chief mobile technology evangelist for Varnco.",
        "Varnco opens lab",
        clock.now,
    )
    assert (await newsroom.ask("Who runs Varnco?")).text is None
    await _add(
        newsroom,
        'Delmar will cut 300 jobs in Varn.\n\n"It is a hard day," said Ada Quill, chief of Delmar.',
        "Delmar cuts jobs",
        clock.now,
    )
    assert (await newsroom.ask("Who runs Delmar?")).text == "Ada Quill"


async def test_what_a_count_counts_is_looked_up_when_the_only_name_is_short(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The UK has 529 quangos paid for with billions of pounds of public money, many of which do "
        "the same work as each other, a report by a group of campaigners claims.",
        "Quangos under fire",
        clock.now,
    )
    for day in range(12):  # far more sentences name the UK than the search reads, and are shorter
        clock.advance(hours=1)
        text = " ".join(f"UK rain on day {day}, part {part}." for part in range(5))
        await _add(newsroom, text, f"Weather {day}", clock.now)
    assert (await newsroom.ask("How many quangos does the UK have?")).text == "529"


async def test_new_in_a_role_question_need_not_be_said(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The deal with Korla Motors was hailed by Delmar's newly-appointed chief executive Ada Quill, who took "
        "over after three bosses quit.",
        "Delmar seals deal",
        clock.now,
    )
    assert (await newsroom.ask("who's the new chief executive at Delmar?")).text == "Ada Quill"


async def test_a_hyphenated_description_of_a_name_need_not_be_said(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn finance chief Ada Quill will deliver her Budget to the council on 16 March, officials said.\n\n"
        "It will be her last, pre-election, Budget before the vote in May.",
        "Budget date set",
        clock.now,
    )
    assert (await newsroom.ask("What date is Ada Quill giving her pre-election Budget?")).text == "16 March"


async def test_a_nationality_describing_the_owner_does_not_hide_a_stored_role(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        'The film body will sue file-sharing sites.\n\n"We will act," said Dan Glick, VPA chief.',
        "Film body to sue",
        clock.now,
    )
    answer = await newsroom.ask("who heads the VPA, the US film industry body?")
    assert answer.text == "Dan Glick"
    assert answer.confidence == 0.9  # from the stored role, not read again from the sentences


async def test_a_question_s_verb_said_in_other_words(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Second seed Ivo Brand suffered a heavy defeat by Tom Hale in the quarter-finals of the Varn Open.\n\n"
        "Hale now meets Ben Ross.",
        "Hale stuns Brand",
        clock.now,
    )
    assert (await newsroom.ask("Who knocked Ivo Brand out of the Varn Open?")).text == "Tom Hale"
    await _add(
        newsroom,
        "The Korla Tales will be released in Spain on 12 January, its makers said.",
        "Korla Tales dates",
        clock.now,
    )
    assert (await newsroom.ask("When does The Korla Tales open in Spain?")).text == "12 January"


async def test_a_price_paid_is_told_as_a_sale(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Selmouth Foods has agreed to buy the Varn dairy group Korla for $310m in cash.\n\n"
        "Korla had sales of $95m last year.",
        "Selmouth buys Korla",
        clock.now,
    )
    assert (await newsroom.ask("how much is selmouth foods paying for korla?")).text == "$310m"
    # The sale says what was paid, not what was spent on anything else.
    assert (await newsroom.ask("How much did Selmouth Foods spend on advertising?")).text is None


async def test_irregular_verbs_and_idioms_are_the_question_s_words(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Actor Pim Daal made 4.2m euros last year, a survey of film pay showed.\n\n"
        "Singer Ola Berg will go on running Korla, which he founded with Erik Lund in 1999.\n\n"
        "Varn will remain under a caretaker council until elections on 9 May.",
        "Film pay survey",
        clock.now,
    )
    assert (await newsroom.ask("how much money did pim daal make last year?")).text == "4.2m euros"
    assert (await newsroom.ask("Who did Ola Berg start the Korla label with?")).text == "Erik Lund"
    assert (await newsroom.ask("when is varn going to the polls?")).text == "9 May"


async def test_a_name_may_begin_with_a_lower_case_article(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn's Labour Minister Samir al-Harbi said the ministry would hire 300 more inspectors.",
        "Varn hires inspectors",
        clock.now,
    )
    assert (await newsroom.ask("Which Varn minister said his ministry would hire more inspectors?")).text == (
        "Samir al-Harbi"
    )


async def test_another_kind_of_organisation_is_not_the_kind_asked(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The word 'vlog' has been chosen as the word of the year by a Varn dictionary publisher.\n\n"
        "Varn research firm Delta Polls said 'vlog' was the word of the year chosen most by its readers.",
        "Vlog is word of the year",
        clock.now,
    )
    assert (await newsroom.ask("Which Varn dictionary publisher chose 'vlog' as its word of the year?")).text is None


async def test_answers_of_the_wrong_kind_are_refused(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Chile will meet Norway in the final of the Korla Cup in Selmouth after beating Ostland.\n\n"
        "Erik Lund, 52, has stepped down as chairman of Korla Mills, whose sales rose 7%.\n\n"
        "Selmouth boss Sam Reed has signed Tarnside defender Ivo Brand on a five-month deal.\n\n"
        "Ministers were meeting at Tuesday's Varncouncil in Selmouth.",
        "Chile reach final",
        clock.now,
    )
    assert (await newsroom.ask("Which country will Chile meet in the Korla Cup final?")).text == "Norway"
    assert (await newsroom.ask("how old is erik lund?")).text == "52"
    assert (await newsroom.ask("Which club did Ivo Brand leave to sign for Selmouth?")).text == "Tarnside"
    assert (await newsroom.ask("Where were ministers meeting?")).text == "Selmouth"


async def test_a_former_holder_of_a_role_is_not_its_holder(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "A close associate of former Korvask boss Ivan Petrov has told a court the charges are false.",
        "Korvask case",
        clock.now,
    )
    assert (await newsroom.ask("Who's the MD at Korvask?")).text is None
    await _add(
        newsroom, "Korvask Group's managing director Olga Berg said the firm would appeal.", "Korvask appeal", clock.now
    )
    # "Korvask Group" is Korvask; "MD" is its managing director.
    assert (await newsroom.ask("Who's the MD at Korvask?")).text == "Olga Berg"


async def test_an_acronym_asked_in_lower_case(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Reed signed a new act, Fab K - which stands for Friends And Brothers Kollective - on Monday.",
        "Reed signs Fab K",
        clock.now,
    )
    answer = await newsroom.ask("what does fab k stand for, the band tom reed signed?")
    assert answer.text == "Friends And Brothers Kollective"


async def test_a_firm_described_as_based_somewhere(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Port Selmouth-based grain trader Korla Mills has bid £40m for the Tarn Exchange.\n\n"
        "The deal would move the exchange's headquarters to London, critics fear.",
        "Korla Mills bids for exchange",
        clock.now,
    )
    answer = await newsroom.ask("Which city is Korla Mills based in?")
    assert answer.text == "Port Selmouth"
    assert answer.citations and answer.evidence.startswith("Port Selmouth-based")
    assert (await newsroom.ask("where is korla mills headquartered?")).text == "Port Selmouth"


async def test_a_team_or_a_count_is_not_the_person_or_the_sum(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Selmouth Rovers are closing in on a £2m deal for Varn's Ivo Brand after his agent flew to Tarn.\n\n"
        "His agent says he has received an offer for Brand which dwarfs Selmouth's and that two other clubs "
        "want to talk.",
        "Rovers in talks over Brand",
        clock.now,
    )
    assert (await newsroom.ask("Who is Ivo Brand's agent?")).text is None
    assert (await newsroom.ask("How much are Selmouth offering Ivo Brand to stay?")).text is None


async def test_a_number_or_a_name_that_belongs_to_something_else(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn poll found that a majority of people in 13 countries thought the economy was doing well.\n\n"
        "The Varn Film Fund spends millions of pounds on short films, said its chief executive Ola Berg.\n\n"
        "Korvask boss Ivan Petrov says the case against him is false.\n\n"
        "The visit was led by Tom Reed, director general of the Varn Chamber of Trade, and included "
        "Selmouth Foods.",
        "Varn poll",
        clock.now,
    )
    assert (await newsroom.ask("how many people took part in the Varn poll?")).text is None
    await _add(
        newsroom, "Nine overseas embassies and consulates will close, Varn's foreign minister said.", "Cuts", clock.now
    )
    assert (await newsroom.ask("How many Varn embassies and consulates are closing?")).text == "Nine"
    # A bonus is a sum, and "millions of pounds" is none.
    assert analyse_question("How much of a bonus did the Varn Film Fund chief executive get?").expected == "money"
    assert (await newsroom.ask("How much of a bonus did the Varn Film Fund chief executive get?")).text is None
    assert (await newsroom.ask("Which judge is in charge of the Korvask case?")).text is None
    assert (await newsroom.ask("who runs selmouth foods?")).text is None


async def test_a_question_about_now_is_not_answered_from_the_past(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn Gallery has unveiled its Christmas tree, which visitors may decorate themselves.\n\n"
        "Artists who have decorated the Varn Gallery tree in previous years include Ola Berg in 2002.",
        "Gallery unveils tree",
        clock.now,
    )
    assert (await newsroom.ask("who is decorating the varn gallery christmas tree this year")).text is None
    assert (await newsroom.ask("Who has decorated the Varn Gallery tree before?")).text == "Ola Berg"


async def test_descriptions_and_sums_said_another_way(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla Motors, majority-owned by Japan's Tarumi, said steel costs had hit its profits.\n\n"
        "The Varn Book Trust was criticised over its spending.\n\n"
        "Chief executive Ola Berg was paid a bonus of £44,500, despite a fall in sales.\n\n"
        "The new £70,000 Selmouth award is open to writers of every nationality.\n\n"
        "Officials met at a two-day summit at Tarn House, the minister's country home.",
        "Korla profits hit",
        clock.now,
    )
    # "Japanese" is said as "Japan's"; the chief executive the question means is not another name.
    assert (await newsroom.ask("which japanese firm owns most of korla motors?")).text == "Tarumi"
    assert (await newsroom.ask("How much of a bonus did the Varn Book Trust's chief executive get?")).text == (
        "£44,500"
    )
    # A sum says what a prize is worth; a summit is where talks are held.
    assert analyse_question("what was Korla Motors' net income for 2004?").expected == "money"
    assert (await newsroom.ask("How much is the new Selmouth award worth?")).text == "£70,000"
    assert (await newsroom.ask("Where were the two-day talks held?")).text == "Tarn House"


async def test_dates_and_people_read_in_their_place(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Korla Band will play in a tent on Selmouth Green on Tuesday, 14 June.\n\n"
        "Ivo Brand has been voted Varn Athletics woman athlete of 2004 in the body's annual poll.\n\n"
        "\"What I do after I leave Tarn Air is too early to say,\" Mr Reed told reporters on Wednesday.\n\n"
        "The Korla musical has been staged by theatre impresario Sir Tom Vale.",
        "Korla Band to play Selmouth",
        clock.now,
    )
    # A weekday answers with its date; a man's prize is not a woman's.
    assert (await newsroom.ask("when is the korla band playing selmouth green")).text == "Tuesday, 14 June"
    assert (await newsroom.ask("Who was voted Varn Athletics male athlete of 2004?")).text is None
    # When something was said is not when it happens; a titled man is not a theatre.
    assert (await newsroom.ask("When is Mr Reed leaving Tarn Air?")).text is None
    assert (await newsroom.ask("Which theatre is the Korla musical on at?")).text is None


async def test_a_title_keeps_its_capitalised_the(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn film prize went to The Quiet Harbour, a drama about fishermen.\n\n"
        "Its director, Ana Ruiz, thanked the jury.",
        "Drama wins Varn prize",
        clock.now,
    )
    assert (await newsroom.ask("Which film won the Varn film prize?")).text == "The Quiet Harbour"


async def test_an_answer_is_of_the_kind_asked_for(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn underground is to raise its fares by a fifth.\n\n"
        "The utilities operating in Argentina run the underground and the buses, under pressure "
        "from the government.",
        "Varn fares rise",
        clock.now,
    )
    await _add(
        newsroom,
        "Some 36% of mobile users in Selmouth now have camera phones, the survey found.\n\n"
        "In the three months to June, almost five times as many people signed up to the Varn rail "
        "card as to the bus pass.",
        "Camera phones spread",
        clock.now,
    )
    # A company is not a country; "how many" counts, and a share or a multiplier counts nothing.
    assert (await newsroom.ask("which company runs the Varn underground?")).text is None
    assert (await newsroom.ask("how many mobile users in Selmouth have camera phones?")).text is None
    assert (await newsroom.ask("how many people signed up to the Varn rail card?")).text is None


async def test_the_question_own_names_and_countries_are_not_answers(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Conductor Ivo Marr, director of the famous Selmouth Opera Theatre, has died in Germany at 50.\n\n"
        "Marr had been ill for some months, the theatre said.",
        "Conductor Ivo Marr dies",
        clock.now,
    )
    # Neither Germany (the country the question names) nor "Theatre" (a piece of a longer name)
    # is the German city asked for, which the article does not give.
    assert (await newsroom.ask("which German city did conductor Ivo Marr die in?")).text is None


async def test_no_piece_of_the_question_and_no_plain_phrase_answers(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Shoppers are very worried about radio frequency ID (RFID) tags in shops, a survey says.\n\n"
        "A fake appeal website asked people for aid after the floods in Varn.",
        "Tags worry shoppers",
        clock.now,
    )
    # "ID" is a piece of the question's own "RFID"; "what" asks for a name or an address.
    assert (await newsroom.ask("which consultancy ran the survey on shoppers' RFID worries?")).text is None
    assert (await newsroom.ask("what's the address of the fake appeal website?")).text is None


def test_role_abbreviations_and_pieces_of_words_are_no_names() -> None:
    assert analyse_question("when did Ada Quill become an MP?").entities == ("Ada Quill",)
    assert analyse_question("where did Globex roll out its new 777-200LR?").entities == ("Globex",)
    assert analyse_question("Which consultancy ran the survey?").expected == "organisation"


async def test_a_plural_name_is_named_by_its_singular(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Film-makers from Varn hope to win a Globie this year.\n\n"
        "The main Globie prizes will be handed out on 27 February.",
        "Varn film-makers hope",
        clock.now,
    )
    assert (await newsroom.ask("when will the Globies be handed out?")).text == "27 February"


async def test_a_qualified_role_asks_for_that_one_only(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Selmouth Rovers manager Bo Trent said the striker would miss two games.\n\n"
        "Rovers' assistant manager Ada Quill said: \"He had a small operation on his knee.\"",
        "Rovers striker out",
        clock.now,
    )
    assert (await newsroom.ask("who is Selmouth Rovers' assistant manager?")).text == "Ada Quill"
    assert (await newsroom.ask("who is the Selmouth Rovers manager?")).text == "Bo Trent"


async def test_a_newer_report_whose_sentence_names_the_answer_does_not_replace_it(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Selmouth boss Ivan Petrov has been guaranteed transfer funds to boost his squad in the summer.",
        "Petrov given funds",
        clock.now - timedelta(days=30),
    )
    await _add(
        newsroom,
        "Selmouth boss Ivan Petrov would consider signing Tom Reed once the striker has served his drugs ban.",
        "Petrov offers Reed hope",
        clock.now,
    )
    # The newer report names the striker beside the boss: he does not take the boss's place.
    answer = await newsroom.ask("Who is the boss of Selmouth?")
    assert answer.text == "Ivan Petrov"
    assert answer.superseded == ()
    # A club's boss is its manager; its managing director is someone else, whom no report names.
    assert (await newsroom.ask("Who is the managing director of Selmouth?")).text is None


async def test_somewhere_is_no_one(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Ivo Brand will play Tom Reed in the final of the Varn Open in San Marco on Sunday.\n\n"
        "The midfielder says he has lacked the backing of boss Martin Reed since his move to Korla Park.",
        "Brand to face Reed in final",
        clock.now,
    )
    # A name put somewhere ("in San Marco"), or ending as a place's name does, is no person.
    assert (await newsroom.ask("Who won the Varn Open final between Brand and Reed?")).text is None
    # "Martin Reed" is not the car maker Aston Martin.
    assert (await newsroom.ask("Who is the boss of Aston Martin?")).text is None


async def test_a_name_opening_a_sentence_loses_a_common_noun_before_it(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Actor Ivo Brand is joining the cast of the film version of The Quiet Harbour.\n\n"
        "The actor will play a fisherman, the studio said.",
        "Brand joins Harbour cast",
        clock.now,
    )
    assert (await newsroom.ask("Who is joining the cast of The Quiet Harbour?")).text == "Ivo Brand"


async def test_a_number_counts_the_noun_its_phrase_ends_on(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "British troops are on standby to help evacuate several hundred UK citizens from Varn.\n\n"
        "A company of 100-120 UK troops has been put on standby, officials said.\n\n"
        "Korla Bank is to cut 2,850 jobs as a result of falling profits.",
        "UK troops on Varn standby",
        clock.now,
    )
    # "UK citizens" are not soldiers, "several hundred" is no number, and a range is as written.
    assert (await newsroom.ask("How many UK soldiers were put on standby over Varn?")).text == "100-120"
    # Jobs cut are staff laid off.
    assert (await newsroom.ask("How many staff is Korla Bank laying off?")).text == "2,850"


async def test_sums_of_another_year_or_kind_do_not_answer(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla said revenues slipped 11% from £3.24bn ($6.13bn) in 2003 to £2.89bn in 2004.\n\n"
        "Mr Reed has promised to halve the Varn budget deficit within five years.\n\n"
        "Last year the Varn budget deficit was a record $412bn, officials said.\n\n"
        "A Selmouth firm whose main product comes from the saliva of the vampire bat hopes to raise 70m euros.",
        "Korla revenues slip",
        clock.now,
    )
    assert (await newsroom.ask("What were Korla's revenues in 2005?")).text is None
    assert (await newsroom.ask("What were Korla's revenues in 2004?")).text == "£2.89bn"
    # "How big" a deficit is a sum, not "five" years.
    assert analyse_question("how big was the Varn budget deficit").expected == "money"
    assert (await newsroom.ask("how big was the Varn budget deficit")).text == "$412bn"
    # A name is asked for: no sum answers.
    assert (await newsroom.ask("What is the name of the Selmouth firm's main product?")).text is None


async def test_organisations_of_the_kind_asked_for(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla boss Ivan Petrov said the new console would sell well.\n\n"
        "The Varn Times reported that the French spirits firm is considering a bid for Tarn Drinks.\n\n"
        "Selmouth says its new RipLock technology will thwart most programs used to copy DVDs.",
        "Korla console",
        clock.now,
    )
    # The head of a division is not the head of the firm.
    assert (await newsroom.ask("Who heads Korla's home entertainment division?")).text is None
    # The paper that reported it is not the firm; a defender is not a club.
    assert (await newsroom.ask("Which French drinks group is eyeing a bid for Tarn Drinks?")).text is None
    await _add(
        newsroom,
        "Varn Rovers go into the game boosted by the news that defender Tom Reed is on the verge of signing "
        "a new deal with the club.",
        "Rovers keep faith with Brand",
        clock.now,
    )
    assert (await newsroom.ask("which club did varn rovers sign ivo brand from")).text is None
    # "DVDs" is in the question ("dvd"), so it is not the answer.
    assert (await newsroom.ask("which company makes the riplock dvd copy protection")).text == "Selmouth"


async def test_a_forecast_does_not_answer_what_has_happened(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla said it expected to sell about 500 of its KX-200LR planes over the next 20 years.\n\n"
        "Korla has delivered 36 sports utility vehicles to Tarn Motors so far.\n\n"
        "Varn Party officials met Tom Reed on Monday to discuss the merger. Mr Reed later said the talks had "
        "gone well.",
        "Korla forecast",
        clock.now,
    )
    # The counted noun is the last plural of its phrase, past a model number.
    assert analyse_question("How many KX-200LR planes has Korla sold so far?").focus == "planes"
    assert analyse_question("How many sports utility vehicles has Korla delivered?").focus == "vehicles"
    assert (await newsroom.ask("How many KX-200LR planes has Korla sold so far?")).text is None
    assert (await newsroom.ask("How many KX-200LR planes does Korla expect to sell?")).text == "500"
    assert (await newsroom.ask("How many sports utility vehicles has Korla delivered?")).text == "36"
    # Someone the article calls "Mr Reed" is no firm.
    assert (await newsroom.ask("Which firm did Varn Party officials meet on Monday?")).text is None


async def test_a_sentence_about_three_others_does_not_answer_for_the_name_it_leaves_out(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "Ivo Brand suffered a first-round defeat at the Varn Championships on Monday.\n\n"
        "Martinez, 32, beat Shinobu Asagoe 6-4 6-4 and 18-year-old Mirza beat Jelena Kostanic 6-3 6-1.\n\n"
        "Brand blamed her defeat by Tia Vale on injuries.",
        "Shock at the Varn Championships",
        clock.now,
    )
    # The article is about Brand, but the middle sentence is about four other players.
    assert (await newsroom.ask("Who beat Ivo Brand in the first round at Varn?")).text == "Tia Vale"
    await _add(
        newsroom,
        "Varn Watch says official figures on migration are wrong.\n\n"
        "Sir Tom Reed, chairman of the organisation, says there is no need for an independent body because "
        "Office of National Statistics data are accurate.",
        "Migration figures wrong",
        clock.now,
    )
    # "Office of National Statistics" is one name, not two.
    assert (await newsroom.ask("Who is the chairman of Varn Watch?")).text == "Sir Tom Reed"


async def test_an_answer_of_the_nationality_asked_for_and_its_headline(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Swiss drugmaker Korla has announced purchases to make its generics unit a leader.\n\n"
        "Korla, which last month forecast record sales for 2005, said it had bought all of Germany's Tarn.\n\n"
        "It also acquired 67.7% of Tarn's US affiliate Selmouth Labs, and offered to buy the remaining shares "
        "for $31 each.",
        "Korla buys Tarn",
        clock.now,
    )
    # "Germany's Tarn" says it is German; "Tarn's US affiliate" is American.
    assert (await newsroom.ask("which german company did korla buy")).text == "Tarn"
    await _add(
        newsroom,
        "Varn Bank, the country's largest lender, is to cut 2,850 jobs as a result of falling profits.\n\n"
        "The bank said 1,000 of the jobs would go in its home market.",
        "Varn bank to lay off 2,850 staff",
        clock.now,
    )
    # The headline says the same figure: the story's point.
    assert (await newsroom.ask("How many staff is Varn Bank laying off?")).text == "2,850"


async def test_a_whole_a_share_is_taken_of_and_a_name_after_its_description(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Korla Nature Reserve in the Tarn Province of southwest Varn is home to 20% of the remaining 1,500 "
        "snow leopards in the world.\n\n"
        "A man is facing charges of hacking into computers at the Varn arm of phone firm Selmouth.\n\n"
        "The Californian man, Nicholas Lee Vale, was arrested in October.",
        "Reserve helps leopards",
        clock.now,
    )
    # "20% of the remaining 1,500": the share is of the whole, and the whole is the count.
    assert (await newsroom.ask("how many snow leopards are left in the world")).text == "1,500"
    # The next sentence names him after a description of him.
    assert (await newsroom.ask("Who is accused of hacking into Selmouth's computers?")).text == "Nicholas Lee Vale"


def test_the_kind_asked_for_is_no_name_past_its_description() -> None:
    stored = ["The Korla Reserve in the Tarn Province of Varn is home to leopards."]
    assert recase_names("which varnese province is the korla reserve in", stored) == (
        "which varnese province is the Korla Reserve in"
    )


async def test_another_span_of_time_or_a_plain_phrase_does_not_answer(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Korla Castle set a Varn box office record last week, taking 1.5bn yen in its first two days.\n\n"
        "Hundreds of ballot papers for the regional assembly referendum in Selmouth have disappeared.",
        "Korla Castle breaks record",
        clock.now,
    )
    assert (await newsroom.ask("How much did The Korla Castle take in its first week in Varn?")).text is None
    assert (await newsroom.ask("How much did The Korla Castle take in its first two days?")).text == "1.5bn yen"
    # "Hundreds of ballot papers" is a plain phrase that opens a sentence, not a name.
    assert (await newsroom.ask("What was the result of the Selmouth regional assembly referendum?")).text is None


async def test_a_city_is_no_country_and_an_earlier_year_does_not_say_when(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "On Thursday Mr Reed was in France visiting the country's oldest shrine, the Sun Temple in Korla.\n\n"
        "Tia Vale will run in the 2005 Selmouth Marathon.\n\n"
        "The 29-year-old took part in the 2002 and 2003 Selmouth Marathons and was edged out by Ivo Brand in "
        "an epic race.",
        "Reed visits shrine",
        clock.now,
    )
    assert (await newsroom.ask("In which city did Tom Reed visit the Sun Temple?")).text == "Korla"
    assert (await newsroom.ask("when is the 2005 selmouth marathon")).text is None


async def test_a_sentence_with_a_blended_nationality_and_a_von_name_is_about_few_others(
    newsroom: Newsroom, clock: Clock
) -> None:
    await _add(
        newsroom,
        "The Sound of Korla is to be staged in Varn for the first time.\n\n"
        "Maria, the novice nun who falls in love with Baron von Trapp, will be played by Austro-Australian "
        "actress and singer Ana Ruiz.",
        "Varn stages Sound of Korla",
        clock.now,
    )
    assert (await newsroom.ask("who's playing maria in the sound of korla in varn")).text == "Ana Ruiz"


async def test_rates_other_countries_and_other_roles_do_not_answer(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Germany has 8.4 broadband users per 100 people, below the EU average, a report says.\n\n"
        "Broadband in Germany is growing more slowly than elsewhere in Europe.\n\n"
        "The new connections take the total number of people in the UK signing up for broadband to almost "
        "3.3 million.",
        "Broadband in Germany lags",
        clock.now,
    )
    # "8.4 ... per 100 people" is a rate, and the UK's users are not Germany's.
    assert (await newsroom.ask("How many broadband users does Germany have in total?")).text is None
    await _add(
        newsroom,
        "Korla Brewers named a new chief executive on Monday.\n\n"
        "He was also chairman of the council of economic advisers to Ivan Petrov.\n\n"
        "Asked about the future leadership of the party, he told Radio Korla's Morning programme: \"That "
        "contest will come only when the Prime Minister, Ivo Brand, decides he has done all he can.\"",
        "Korla Brewers names chief",
        clock.now,
    )
    # The object of "to" holds no role; the prime minister is not the finance minister.
    assert (await newsroom.ask("who is the chairman of korla brewers")).text is None
    assert (await newsroom.ask("Who is Korla's finance minister?")).text is None


async def test_a_common_name_s_story_with_the_question_s_other_words_is_read(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla officials said on Monday that the club's new stadium will open in August after two years of work.",
        "Stadium date set",
        clock.now - timedelta(days=60),
    )
    for day in range(45):
        when = clock.now - timedelta(days=day)
        await _add(newsroom, f"Korla won again, {day + 2}-0.", f"Korla win number {day}", when)
    # "Korla" alone finds the short match reports first; the stadium story is read as well.
    assert (await newsroom.ask("When will Korla's new stadium open?")).text == "August"


async def test_another_month_a_titled_person_and_a_country_in_a_name(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "According to Labour Department figures, Varn firms added only 146,000 jobs in January.\n\n"
        "Korla's bid for Tarn Mining was thrown out by Treasurer Ivo Brand on national interest grounds.\n\n"
        "Share trading in Air Peru will begin on 15 December, the exchange said.",
        "Varn jobs figures",
        clock.now,
    )
    assert (await newsroom.ask("How many jobs did Varn employers add in February?")).text is None
    assert (await newsroom.ask("How many jobs did Varn employers add in January?")).text == "146,000"
    # "Treasurer Ivo Brand" is a person, not the company that bid.
    assert (await newsroom.ask("Which Swiss company has made a bid for Tarn Mining?")).text is None
    # "Air China" is not any sentence about China: a country's name does not stand for it.
    assert distinctive_last("Air China") is None


async def test_everyday_ways_of_saying_it(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Video game Korla Quest 2 has been released in Varn on 9 November.\n\n"
        "She used her speech to highlight the work of a drugs charity, Tarnaid, which she supports.\n\n"
        "Tom Reed, 54, was due to stand in the Selmouth North seat at the next election.",
        "Ana Ruiz backs charity",
        clock.now,
    )
    # "come out" is to be released; backing is support; to contest a seat is to stand in it.
    assert (await newsroom.ask("When did Korla Quest 2 come out in Varn?")).text == "9 November"
    assert (await newsroom.ask("which drugs charity does ana ruiz back")).text == "Tarnaid"
    assert (await newsroom.ask("which seat was tom reed going to contest")).text == "Selmouth North"
    await _add(
        newsroom,
        "Unions have set a date for a national strike over pensions.\n\n"
        "Up to 1.4m workers could take part in a strike already earmarked for 23 March.",
        "Strike date set",
        clock.now,
    )
    # Earmarked is planned.
    assert (await newsroom.ask("when is the national pensions strike planned for")).text == "23 March"


async def test_a_party_is_named_by_its_short_and_long_names(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Mr Kennedy spoke at the Liberal Democrats' spring conference in Korla on Saturday.\n\n"
        "He also visited Selmouth, where the party's candidate lost narrowly last year.",
        "Kennedy rallies party",
        clock.now,
    )
    assert (await newsroom.ask("Where were the Lib Dems holding their spring conference?")).text == "Korla"


async def test_a_surname_goes_on_past_its_particle(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Sir Tom Reed was given the Order of Arts by Varn culture minister Ivo Brand de Vabres on Monday.",
        "Reed honoured",
        clock.now,
    )
    answer = await newsroom.ask("Which Varn culture minister gave Sir Tom Reed the Order of Arts?")
    assert answer.text == "Ivo Brand de Vabres"


def test_a_two_letter_name_is_recased_but_not_a_role() -> None:
    stored = ["The KX board met.", "KX chief executive Ivo Brand spoke.", "Tom Reed, the MP for Korla, spoke.",
              "Ana Ruiz MP said so."]
    assert recase_names("who is in charge at kx", stored) == "who is in charge at KX"
    assert recase_names("which seat is the mp for korla", stored) == "which seat is the mp for Korla"


async def test_a_role_asked_by_its_verb_and_the_beaten_asked_by_name(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Ivo Brand beat Tom Reed 6-3 6-2 in the final of the Selmouth Open.\n\n"
        "The Quiet Harbour was first written by author Ana Ruiz, who cried when she saw the 1964 film of her book.\n\n"
        "Quiet Harbour star Dame Tia Vale watched the stage version on Monday.",
        "Brand wins Selmouth Open",
        clock.now,
    )
    # "Who directed" asks for a director: not the author, nor the star.
    assert (await newsroom.ask("Who directed the 1964 film of The Quiet Harbour?")).text is None
    # "Who did he beat" asks for the beaten one.
    assert (await newsroom.ask("Who did Ivo Brand beat in the final of the Selmouth Open?")).text == "Tom Reed"


async def test_a_model_number_goes_with_its_name(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The game Varn Quest for the PlayStation 2 lets players drive around the city.",
        "Varn Quest reviewed",
        clock.now,
    )
    # "PlayStation" is cut from "PlayStation 2": not the hero's name.
    assert (await newsroom.ask("what's the name of the hero you play in varn quest")).text is None


async def test_a_portfolio_asked_must_be_the_one_said(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn Party spokesman Tom Reed said the budget did not add up.\n\n"
        "Varn Party health spokesman Ana Ruiz said hospitals needed more money.\n\n"
        "Former Korla transport minister Sir Ivo Brand has died, his family said.",
        "Varn Party questions the budget",
        clock.now,
    )
    # A spokesman without a portfolio, or with another one, is not the one asked for; the stored
    # facts keep no portfolio, so they do not answer either.
    assert (await newsroom.ask("Who is the Varn Party environment spokesman?")).text is None
    assert (await newsroom.ask("Who is the Varn Party's health spokesman?")).text == "Ana Ruiz"
    assert (await newsroom.ask("who is the varn party's constitutional affairs spokesman?")).text is None
    # A title between the role and the name does not hide the role's other portfolio.
    assert (await newsroom.ask("Who is Korla's finance minister?")).text is None


async def test_what_could_happen_does_not_answer_what_did(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Former Varn Telecom boss Tom Reed could face a jail sentence of 85 years if convicted.\n\n"
        "The fraud charges against Ana Ruiz carry sentences of up to 20 years.",
        "Varn Telecom boss on trial",
        clock.now,
    )
    assert (await newsroom.ask("How many years in prison was Tom Reed given?")).text is None
    assert (await newsroom.ask("how many years in jail did Ana Ruiz get?")).text is None
    assert (await newsroom.ask("How many years could Tom Reed face in jail?")).text == "85"


async def test_sums_places_and_kinds_of_things(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn Mining raised its offer for Korla Metals to A$8.4bn last week.\n\n"
        "The Tory leader shrugged off the defection of one of his MPs, Tom Reed, to Labour.\n\n"
        "According to Reuters, officials plan to seize 12,900 acres from the Selmouth ranch.",
        "Varn raises Korla offer",
        clock.now,
    )
    # Whose dollars: the country's letters stay with the sum.
    assert (await newsroom.ask("How much did Varn Mining raise its offer for Korla Metals to?")).text == "A$8.4bn"
    # A party, "MPs" and the source of a report are no places.
    assert (await newsroom.ask("Which constituency does Tory defector Tom Reed represent?")).text is None
    assert (await newsroom.ask("In which state is the Selmouth ranch facing seizure?")).text is None


def test_how_much_a_thing_is_costing_asks_for_a_sum() -> None:
    assert analyse_question("How much is the new stadium costing?").expected == "money"
    assert analyse_question("how much does the club charge for tickets?").expected == "money"
    assert analyse_question("How much rain fell?").expected == "number"


async def test_a_title_of_two_role_words_asks_for_its_last(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "KX General Secretary Tom Reed called for calm.\n\nThe KX met in Varn on Monday.",
        "KX calls for calm",
        clock.now,
    )
    # "general secretary" asks for a secretary, not a general; typed in lower case, the title the
    # news capitalises is still no name.
    assert (await newsroom.ask("Who is the general secretary of the KX?")).text == "Tom Reed"
    assert (await newsroom.ask("who is the general secretary of the kx?")).text == "Tom Reed"
    stored = ["Union chief Tom Reed spoke for the KX.", "He is General Secretary of the KX."]
    assert recase_names("who is the secretary of the kx?", stored) == "who is the secretary of the KX?"


async def test_an_answer_may_share_a_first_name_with_the_question(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Documentary maker Tom Vale made the film Quiet Days about Tom Reed.\n\n"
        "The film Quiet Days was shown on Monday.",
        "Film on Reed shown",
        clock.now,
    )
    assert (await newsroom.ask("Who made the film Quiet Days about Tom Reed?")).text == "Tom Vale"


async def test_people_are_counted_as_staff_or_fans(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn Bank has branches in over 60 countries and employs 76,200 staff worldwide.",
        "Varn Bank profits rise",
        clock.now,
    )
    answer = await newsroom.ask("how many people does varn bank employ worldwide?")
    assert answer.text == "76,200"
    assert (await newsroom.ask("How many countries does Varn Bank have branches in?")).text == "60"


async def test_a_count_of_the_thing_asked_needs_no_light_verb(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Quiet Harbour leads the field with 14 nominations, ahead of Varn Days.\n\n"
        "About 150,000 people live in the Korla valley.",
        "Quiet Harbour leads the field",
        clock.now,
    )
    # "get" says little: a count of nominations answers it.
    assert (await newsroom.ask("How many nominations did The Quiet Harbour get?")).text == "14"
    # A verb that carries the question's sense must still be said: nominations are not wins.
    assert (await newsroom.ask("How many awards did The Quiet Harbour win?")).text is None
    assert (await newsroom.ask("How many nominations did The Quiet Harbour win?")).text is None


async def test_a_place_the_asked_place_owns_answers(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Every Friday, hundreds of people gather in Korla's Freedom Square to record messages for lost relatives.",
        "Families search for relatives",
        clock.now,
    )
    answer = await newsroom.ask("Where in Korla do people gather every Friday to record messages?")
    assert answer.text is not None and "Freedom Square" in answer.text
    assert owned_by("Korla's Freedom Square", ["Korla"]) == "Freedom Square"
    assert owned_by("King's College London", ["Korla"]) is None


async def test_a_researcher_is_a_person_and_a_language_is_not(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Games could be used to teach languages, says researcher Tom Reed of Varn University.\n\n"
        "In a version of the game adapted to teach German, a player sees what each word means, he said.",
        "Games help you learn",
        clock.now,
    )
    assert analyse_question("which researcher says games teach languages?").expected == "person"
    assert (await newsroom.ask("which researcher says games could be used to teach languages?")).text == "Tom Reed"
    analysis = analyse_question("who teaches it?")
    question = question_view(analysis)
    view = sentence_view("In Varn, Tom Reed said, Italians teach German.", question)
    named = {c.text: c for c in candidates(view, question)}
    assert {"Italians", "German", "Tom Reed"} <= set(named)
    assert not shape_answers(named["German"], analysis, frozenset())
    assert not shape_answers(named["Italians"], analysis, frozenset())
    assert shape_answers(named["Tom Reed"], analysis, frozenset())


async def test_a_date_in_a_clause_about_something_else(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Reed and Ana Ruiz, who formed Varn Oak at school in 1977, begin a world tour on 28 March.",
        "Varn Oak to tour",
        clock.now,
    )
    assert (await newsroom.ask("When do Varn Oak start their world tour?")).text == "28 March"
    assert (await newsroom.ask("When did Tom Reed and Ana Ruiz form Varn Oak?")).text == "1977"


async def test_a_title_set_off_after_its_kind_keeps_its_small_words(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The resulting song, Into the Harbour, became Ana Ruiz's first UK hit in April 2004.\n\n"
        "Her next album was called Songs of the Sea.",
        "Ana Ruiz's rise",
        clock.now,
    )
    assert (await newsroom.ask("What was Ana Ruiz's first UK hit?")).text == "Into the Harbour"


async def test_words_a_count_lacks_may_be_said_elsewhere_in_its_article(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The government plans deep cuts to the civil service.\n\n"
        "At the Varn Office, 3,000 jobs are to go, and 400 will be lost at the Korla Agency.",
        "Civil service cuts",
        clock.now,
    )
    answer = await newsroom.ask("How many civil service jobs are going at the Varn Office?")
    assert answer.text == "3,000"


async def test_portfolios_after_the_role_ages_and_sums_of_another_kind(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varn Party spokesman Tom Reed told MPs the bill was flawed.\n\n"
        "Korla's economy minister, Ana Ruiz, said talks would go on.\n\n"
        "The software gives each of 88 piano notes a colour, said student Ivo Brand.\n\n"
        "Ex-spy Max Vale got a £65,000 settlement four years ago.",
        "Varn Party attacks bill",
        clock.now,
    )
    assert asked_portfolio("Who is the spokesman for the Varn Party on sport?", ["spokesman"]) == (
        "spokesman",
        ("sport",),
    )
    assert asked_portfolio("Who is Korla's planning minister?", ["minister"]) == ("minist", ("plan",))
    assert (await newsroom.ask("Who speaks for the Varn Party on sport?")).text is None
    assert (await newsroom.ask("Who is Korla's planning minister?")).text is None
    assert (await newsroom.ask("how old is Ivo Brand, the student?")).text is None
    assert analyse_question("How big a pension is Max Vale demanding?").expected == "money"
    assert (await newsroom.ask("How big a pension is Max Vale demanding?")).text is None
    assert analyse_question("which sheriff says he was tricked?").expected == "person"


async def test_near_misses_of_deed_place_kin_age_and_turn_abstain(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Rapper Sam Lund has been charged after allegedly hitting a man who attacked Tom Reed as he was "
        "about to receive a lifetime achievement award at the Korla awards.\n\n"
        "The Varn Code has sold more than seven million copies worldwide.\n\n"
        "The agent said nothing should be read into Ivo Brand's father being in Scotland and talk of a move "
        "back to Selmouth in Brazil.\n\n"
        "After losing the first set 6-1 to Tom Reed, Ivo Brand said he began to doubt himself.\n\n"
        "Dr Erik Lund, who became chairman of the Varn Bank for a fifth term in June 2004, will step down.",
        "Korla awards go on",
        clock.now,
    )
    for question in (
        "who presented Tom Reed's lifetime achievement award at the Korla awards?",
        "how many copies of The Varn Code have been sold in the UK?",
        "What is the name of Ivo Brand's father?",
        "how old is Tom Reed?",
        "When did Erik Lund first become chairman of the Varn Bank?",
    ):
        answer = await newsroom.ask(question)
        assert answer.text is None, (question, answer.text)
    # What the sentences do say is still answered, a father by his first name too.
    await _add(
        newsroom,
        "A glance at Tom Reed's family shows a pedigree in the form of his father Ralph, who died in 1994.",
        "Profile: Tom Reed",
        clock.now,
    )
    assert (await newsroom.ask("What was the name of Tom Reed's father?")).text == "Ralph"
    assert "Sam Lund" in ((await newsroom.ask("Who was charged after the attack at the Korla awards?")).text or "")
    assert (await newsroom.ask("how many copies of The Varn Code have been sold?")).text == "more than seven million"


async def test_the_asked_year_and_place_and_a_verb_said_otherwise(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Reed made 5.45m euros (£3.77m) last year, according to a table drawn up by a newspaper.\n\n"
        "Film star Sam Lund was France's second best-paid actor in 2004, earning 3.55m euros (£2.45m).\n\n"
        "In September 2003, Korla Labs caught only 273 phishing e-mails.",
        "Reed tops French actor league",
        datetime(2005, 3, 1, tzinfo=UTC),
    )
    answer = await newsroom.ask("How much did Tom Reed earn in 2004 as France's best-paid actor?")
    assert answer.text is not None and "5.45m" in answer.text
    assert (await newsroom.ask("How many phishing e-mails did Korla Labs catch in 2004?")).text is None
    assert (await newsroom.ask("How many phishing e-mails did Korla Labs catch in 2003?")).text == "273"


async def test_roles_that_open_with_chief(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "According to the Financial Times, chief operating officer Tom Reed said that Varn Corp was "
        "looking at video games companies.\n\n"
        "Varn Corp's chief economic adviser Ivo Brand said the housing market would slow.",
        "Varn Corp eyes games",
        clock.now,
    )
    assert (await newsroom.ask("Who is Varn Corp's chief operating officer?")).text == "Tom Reed"
    assert (await newsroom.ask("Who is Varn Corp's chief economic adviser?")).text == "Ivo Brand"
    assert (await newsroom.ask("Who is Varn Corp's chief financial officer?")).text is None


async def test_the_object_asked_the_kind_asked_and_an_origin(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("England player Sam Lee beat team-mate Ivo Brand to win the Korla Sevens award.", "Sevens awards"),
        ("Tom Reed endured early problems against Korean player Hyung-Taik Lee at the Selmouth Open.", "Reed through"),
        ("Walker Jamie Vale has trained in Spala for the past five years.", "Vale aims for comeback"),
    ):
        await _add(newsroom, text, title, clock.now)
    assert (await newsroom.ask("Who did Sam Lee beat to win the Korla Sevens award?")).text == "Ivo Brand"
    assert (await newsroom.ask("which Danish player did Tom Reed play at the Selmouth Open?")).text is None
    assert (await newsroom.ask("which Korean player did Tom Reed play at the Selmouth Open?")).text == "Hyung-Taik Lee"
    assert (await newsroom.ask("where is walker Jamie Vale from?")).text is None
    assert analyse_question("which developer made the game Korla?").expected == "organisation"


async def test_a_name_ending_in_s_is_found_elsewhere_in_the_article(newsroom: Newsroom, clock: Clock) -> None:
    # The question's names are looked for in their singular form too ("Oscar" for "the Oscars");
    # the article must still be found to have "Varnlabs" itself.
    await _add(
        newsroom,
        "Security firm Varnlabs says phishing attacks are rising fast.\n\n"
        "In 2004 it detected more than 18 million phishing e-mail messages.",
        "Phishing on the rise",
        datetime(2005, 1, 10, tzinfo=UTC),
    )
    answer = await newsroom.ask("How many phishing e-mails did Varnlabs detect in 2004?")
    assert answer.text is not None and "18 million" in answer.text


async def test_right_answers_the_new_checks_must_not_refuse(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("Tom Reed won the 2004 Varn prize for his first novel.", "Reed wins Varn prize"),
        ("The Varn Code sold 500,000 copies in the UK and more than two million worldwide.", "Varn Code sales"),
        ("Ivo Brand gave his speech at the Varn conference on Friday.", "Brand speaks"),
        ("Korla Soft founder Sam Lund said the firm would grow.", "Korla Soft to grow"),
    ):
        await _add(newsroom, text, title, clock.now)
    assert (await newsroom.ask("Who has won the 2004 Varn prize?")).text == "Tom Reed"
    assert (await newsroom.ask("How many copies has The Varn Code sold in the UK?")).text == "500,000"
    assert (await newsroom.ask("When did Ivo Brand give his speech at the Varn conference?")).text == "Friday"
    assert (await newsroom.ask("Which company did Sam Lund found?")).text == "Korla Soft"


async def test_how_old_reads_the_sentences_that_give_an_age(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Former Varncom boss Tom Reed has told a New York court that he knew nothing of the fraud at Varncom.\n\n"
        "Varncom's former finance chief said the Varncom boss had been kept informed.\n\n"
        "Mr Reed, 63, is accused of being the mastermind behind an $11bn accounting fraud.\n\n"
        "With his ranking down at 168, Ivo Brand's career seemed over.",
        "Reed denies Varncom fraud",
        clock.now,
    )
    assert analyse_question("How old is former Varncom boss Tom Reed?").descriptors >= {"boss", "former"}
    assert (await newsroom.ask("How old is former Varncom boss Tom Reed?")).text == "63"
    assert (await newsroom.ask("how old is Ivo Brand?")).text is None


async def test_a_commissioner_of_another_portfolio_is_not_the_one_asked(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn Union has said it supports the deal, said a spokesman for Varn Union trade commissioner Peter Lund.",
        "Varn Union backs deal",
        clock.now,
    )
    assert (await newsroom.ask("Who is the Varn Union's monetary affairs commissioner?")).text is None
    assert (await newsroom.ask("Who is the Varn Union's trade commissioner?")).text == "Peter Lund"


async def test_the_year_of_an_event_the_article_leaves_unsaid(newsroom: Newsroom, clock: Clock) -> None:
    # "the 2005 Varn Open": an article on the event may never give its year; one that names the
    # year next to it may be on another year's event.
    await _add(
        newsroom, "Tom Reed will play Ivo Brand in the final of the Varn Open on Sunday.", "Reed in final", clock.now
    )
    await _add(
        newsroom,
        "Sam Lund is favourite to win the Korla prize after winning the novel award.\n\n"
        "The 2003 prize went to Ann Vale.",
        "Lund tipped for Korla prize",
        clock.now,
    )
    assert (await newsroom.ask("who did tom reed play in the 2005 Varn Open final")).text == "Ivo Brand"
    assert (await newsroom.ask("who did tom reed play in the final in 2005?")).text is None  # a time, not a name
    assert (await newsroom.ask("Who won the 2004 Korla prize?")).text is None


async def test_a_precise_date_answers_for_its_month(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("The Varn Championships start in March, and Tom Reed will run.", "Varn Championships start"),
        ("Ivo Brand is unsure about the Varn Championships, which start on 19 March.", "Brand unsure"),
    ):
        await _add(newsroom, text, title, clock.now)
    assert (await newsroom.ask("When do the Varn Championships start?")).text == "19 March"


async def test_a_sum_with_the_noun_asked_needs_no_light_verb(newsroom: Newsroom, clock: Clock) -> None:
    # "How much profit did it make": "its profits rose to £6.2bn" says it without "make"; not
    # when a year is asked that the sentence leaves out, and the article names elsewhere.
    await _add(
        newsroom,
        "Drugmaker Varnox saw its profits rise 9% to £6.2bn.\n\nVarnox said 2005 would be harder.",
        "Varnox profits up",
        clock.now,
    )
    await _add(newsroom, "The REM gig on Selmouth Green will be on Tuesday, 14 June.", "REM in Selmouth", clock.now)
    assert (await newsroom.ask("How much profit did Varnox make?")).text == "£6.2bn"
    assert (await newsroom.ask("How much profit did Varnox make in 2005?")).text is None
    assert (await newsroom.ask("when will REM play their concert on Selmouth Green?")).text == "Tuesday, 14 June"


async def test_a_lone_name_given_the_role_asked_needs_less_support(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn assembly agreed a budget for local councils on Monday.\n\n"
        "Finance Minister Ann Vale said it was a good deal for local government, which will allow councils "
        "to develop their services.\n\nCouncils had asked for more money.",
        "Varn budget agreed",
        clock.now,
    )
    assert (await newsroom.ask("Who is the Varn assembly's finance minister?")).text == "Ann Vale"
    assert (await newsroom.ask("Who is the Varn assembly's health minister?")).text is None
    # Without the role asked beside it, the same lone name is not enough.
    assert (await newsroom.ask("who said the deal was good for local government?")).text is None


async def test_a_role_owner_described_by_what_the_article_says_elsewhere(newsroom: Newsroom, clock: Clock) -> None:
    # "surprised by the weak fourth quarter" describes the economist: the article says so
    # elsewhere, and the sentence that gives the role asked and its owner need not repeat it.
    await _add(
        newsroom,
        "Korla's economy grew by just 2% in the fourth quarter, a weak result that surprised analysts.\n\n"
        '"The main drag came from electronics," said Lian Chia, economist at Varn Chase.\n\n'
        "Other economists expect growth to return.",
        "Korla growth slows",
        clock.now,
    )
    asked = "which Varn Chase economist said he was surprised by the weak fourth quarter?"
    assert (await newsroom.ask(asked)).text == "Lian Chia"
    # Without the role asked, the sentence must still say what happened.
    assert (await newsroom.ask("who said he was surprised by the weak fourth quarter?")).text is None


async def test_wanting_to_stay_is_hoping_to_remain(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Reed has published a biography of Ivo the Younger.\n\n"
        "He also said he hopes to remain MP for Varnley, and to keep writing books.",
        "Reed to keep writing",
        clock.now,
    )
    assert (await newsroom.ask("Which constituency does Tom Reed want to stay MP for?")).text == "Varnley"


async def test_a_when_question_dates_the_deed_it_asks(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Tom Reed, who was indicted on murder charges in September, will learn his trial date later this month.\n\n"
        "The Varn arson campaign began in December 1979.\n\nThe Varn arson campaign continued until the early 1990s.",
        "Reed awaits trial date",
        clock.now,
    )
    assert (await newsroom.ask("When does Tom Reed's murder trial start?")).text is None  # not when he was indicted
    assert (await newsroom.ask("When did the Varn arson campaign begin?")).text == "December 1979"


async def test_review_of_dates_years_and_changes(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("The Varn Championships start in March, and Tom Reed will run.", "Varn Championships start"),
        ("The first Varn Championships started in March 1999 in Selmouth.", "Varn history"),
        ("Ivo Brand, who won the Korla Open last year, will defend his title.", "Brand to defend"),
        ("Drugmaker Korlax saw its profits rise by £500m to £6.2bn.", "Korlax profits up"),
    ):
        await _add(newsroom, text, title, clock.now)
    # Another year's March is not this one's.
    assert (await newsroom.ask("When do the Varn Championships start?")).text == "March"
    # "last year" in an article of 2024 is 2023: not the 2024 Korla Open.
    assert (await newsroom.ask("Who won the 2024 Korla Open?")).text is None
    # A change is not a range.
    assert (await newsroom.ask("How much profit did Korlax make?")).text == "£6.2bn"


async def test_a_when_clause_dates_something_else(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The foundation moved the house, in which Ivo Brand lived between 1953 and 1956, when the land it was "
        "built on was to be developed for housing in 2002.",
        "Brand house moved",
        clock.now,
    )
    assert (await newsroom.ask("when did Ivo Brand live in the house?")).text == "1953 and 1956"


async def test_coming_up_with_is_devising(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The Varn Mouse Adapter is the brainchild of Korla researcher Jim Lee, who developed it for his uncle.",
        "Adapter for shaky hands",
        clock.now,
    )
    assert (await newsroom.ask("Which Korla researcher came up with the Varn Mouse Adapter?")).text == "Jim Lee"


async def test_the_first_of_two_joined_names_is_no_first_name(newsroom: Newsroom, clock: Clock) -> None:
    # "Reed and Lund": "Reed" is a surname there, so "Tony Reed" is named in the question.
    await _add(
        newsroom,
        "Gordon Lund has criticised a union leader who said conflict between himself and Tony Reed was harming "
        "the workings of government.",
        "Lund hits back",
        clock.now,
    )
    asked = "Which union leader claimed rivalry between Reed and Lund was harming government?"
    assert (await newsroom.ask(asked)).text is None


async def test_a_role_of_two_words_is_no_portfolio(newsroom: Newsroom, clock: Clock) -> None:
    # "prime" of "prime minister" narrows nothing: the stored fact answers.
    await _add(
        newsroom, "Ivo Brand, prime minister of Varn and Korla, met officials in Selmouth.", "Brand meets officials",
        clock.now,
    )
    for asked in ("Who is prime minister of Varn and Korla?", "Who is the prime minister of Varn and Korla?"):
        assert (await newsroom.ask(asked)).text == "Ivo Brand", asked


async def test_names_run_together_contests_and_owners(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("Korlax says VarnShield will thwart most copying programs. Korlax has said that Varn Shield can be "
         "updated if hackers find a way around the anti-copying measures.", "Korlax anti-copying"),
        ("Chelsea meet Selmouth in the Korla League and Varnton in the Varn Cup final.", "Chelsea blow"),
        ("Ivo Brand's Varn Song Contest win topped the poll, and a Korla Nights sketch won the comedy prize.",
         "Brand tops poll"),
    ):
        await _add(newsroom, text, title, clock.now)
    # "Varn Shield" is the "VarnShield" asked about, not the firm that makes it.
    assert (await newsroom.ask("which company makes the VarnShield anti-copying tech?")).text == "Korlax"
    # Another contest is not where a final is played.
    assert (await newsroom.ask("Where was the Varn Cup final played?")).text is None
    # "a Korla Nights sketch" is no winner; the owner of the win may be (or abstain).
    assert (await newsroom.ask("Who won the Varn Song Contest?")).text in {None, "Ivo Brand"}


def test_a_word_with_a_capital_inside_is_a_name_even_opening_a_sentence() -> None:
    # The only sentences that write it open with it: "VarnZeneca" is still a name, "Shares" not.
    texts = ["VarnZeneca hit by drug failure", "Shares fell after the trial."]
    assert recase_names("who is the boss of varnzeneca", texts) == "who is the boss of VarnZeneca"
    assert recase_names("who is the boss of shares", texts) == "who is the boss of shares"


async def test_a_director_runs_the_lab_asked_about(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        '"We have overcome a limit," said Dr Ivo Brand, director of Korlax\'s photonics technology lab.',
        "Korlax laser breakthrough",
        clock.now,
    )
    assert (await newsroom.ask("who runs Korlax's photonics lab?")).text == "Ivo Brand"


async def test_another_country_describing_a_name_asked_about(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The manager does not view the friendly against Korlaland - a region of Spain - on 28 "
        "December as important.",
        "Greece friendly",
        clock.now,
    )
    # Spain, in an aside, describes Korlaland: the sentence is still about Greece's friendly.
    assert (await newsroom.ask("when is Greece's friendly against Korlaland?")).text == "28 December"


async def test_how_much_of_a_stuff_is_a_measure(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("Varnland is the second largest producer of feta, producing about 30,000 tonnes a year.", "Feta row"),
        ("Varnland's cheese board paid about £1.4m a year for feta adverts.", "Feta adverts"),
    ):
        await _add(newsroom, text, title, clock.now)
    # "How much feta": tonnes, not the sum beside it elsewhere.
    assert (await newsroom.ask("how much feta does Varnland produce a year?")).text == "30,000"


async def test_another_partys_conference_is_not_the_one_asked(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Speaking at Labour's spring conference in Varnley, Tom Reed claimed the NHS was not safe in Tory hands.",
        "Reed attacks Tories",
        clock.now,
    )
    assert (await newsroom.ask("where did the Tories have their spring conference?")).text is None


async def test_a_game_against_a_side_is_playing_it(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Varnland's first autumn Test is against Korlaland on 13 November, followed by a visit from Selmouth.",
        "Varnland squad named",
        clock.now,
    )
    assert (await newsroom.ask("when do Varnland play Korlaland?")).text == "13 November"


async def test_a_count_the_sentence_says_and_its_changes(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "The number of people out of work in Varnland rose 32,000 to 1.41 million in the last three months of "
        "2004, even as 90,000 more people were in employment.",
        "Varnland jobless up",
        clock.now,
    )
    # "The number of people ... 1.41 million": the level; 32,000 and "90,000 more" are changes.
    asked = "how many people were out of work in Varnland in the last three months of 2004?"
    assert (await newsroom.ask(asked)).text == "1.41 million"


async def test_review_of_owners_people_changes_and_places(newsroom: Newsroom, clock: Clock) -> None:
    # Reproductions from the review of this session's rules: each one answered wrongly or not at
    # all on the way, and answers again here.
    for text, title in (
        ("Ana Lee now heads Varn Foods, owned by the Korla group.", "Lee heads Varn Foods"),
        ("Varn Motors chief executive Tom Reed will be replaced by Ana Lee in May.", "Reed to go"),
        ("Varn Motors will hold its annual meeting on 5 May, a week after Korla's annual meeting.", "Meeting"),
        ("Varn Motors said it will hire 2,000 more staff at its Selmouth plant.", "Varn hiring"),
        ("Tom Reed was born in 1922 in the Korla town of Selmouth.", "Reed profile"),
        ("Ivo Brand not only won the Varn Open in 2002 but also the Korla Open.", "Brand's wins"),
        ("The rate, the lowest of any European economy, was up from 1.6% in February.", "UK prices"),
    ):
        await _add(newsroom, text, title, clock.now)
    assert (await newsroom.ask("Who heads Varn Foods?")).text == "Ana Lee"
    assert (await newsroom.ask("Who will replace Tom Reed as chief executive of Varn Motors?")).text == "Ana Lee"
    assert (await newsroom.ask("When will Varn Motors hold its annual meeting?")).text == "5 May"
    assert (await newsroom.ask("How many staff will Varn Motors hire?")).text == "2,000"
    assert (await newsroom.ask("Where was Tom Reed born?")).text == "Selmouth"
    assert (await newsroom.ask("When did Ivo Brand win the Varn Open?")).text == "2002"
    assert (await newsroom.ask("What was the UK inflation rate in February?")).text == "1.6%"


async def test_a_sentence_that_says_the_deed_another_way(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Ivo Brand, the MP for Varnton North, has resigned as home secretary. Mr Brand entered Parliament in "
        "1987, after first contesting the Varnton South seat in 1974.",
        "Brand quits as MP",
        clock.now,
    )
    # No sentence says he "became" an MP: the one that says when he entered Parliament answers.
    assert (await newsroom.ask("When did Ivo Brand first become an MP?")).text == "1987"
    # A sentence that says the deed asked about still comes first.
    await _add(
        newsroom,
        "Tom Reed became an MP in 1992. Mr Reed entered Parliament's tea room in 1983.",
        "Reed profile",
        clock.now,
    )
    assert (await newsroom.ask("When did Tom Reed first become an MP?")).text == "1992"


async def test_a_figure_keeps_its_qualifier(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Korla Bank said more than one million customers were hit when it lost the tapes. Varn Steel "
        "could cut up to 45,000 jobs. Between 40,000 and 50,000 people marched in Selmouth.",
        "Korla Bank loses tapes",
        clock.now,
    )
    assert (await newsroom.ask("how many customers were hit when Korla Bank lost the tapes?")).text == (
        "more than one million"
    )
    assert (await newsroom.ask("how many jobs could Varn Steel cut?")).text == "up to 45,000"
    assert (await newsroom.ask("how many people marched in Selmouth?")).text == "40,000 and 50,000"


async def test_a_portfolio_said_by_a_word_of_its_family(newsroom: Newsroom, clock: Clock) -> None:
    await _add(
        newsroom,
        "Three senior executives of Korla Air are to leave. The trio are chief executive Ivo Brand, chief "
        "financial officer Tom Reed and chief operations officer Sam Lund.",
        "Korla Air bosses to quit",
        clock.now,
    )
    # "Financial" is the finance chief's; "chief operations officer" titles someone else.
    assert (await newsroom.ask("who is the Korla Air finance chief leaving along with Ivo Brand?")).text == "Tom Reed"
    assert (await newsroom.ask("who is the Korla Air operations chief?")).text == "Sam Lund"



async def test_review_of_the_deed_qualifier_and_portfolio_rules(newsroom: Newsroom, clock: Clock) -> None:
    for text, title in (
        ("Tom Reed was born in Selmouth in 1961. He is now a Varn MP.", "Reed profile"),
        ("Ivo Brand joined Korla Motors in 1998. He is widely admired in Varnton.", "Brand profile"),
        ("Under the new rules, Korla Air may carry no more than 120 passengers on each Varn flight.", "Air rules"),
        ("Varn Rail says talks about 1,200 job cuts at its Selmouth depot will begin on Monday.", "Varn Rail talks"),
        ("Nearly 70 Varn soldiers and 65 Korla police were sent to Selmouth.", "Troops sent"),
        ("Varn Party police spokesman Sam Lund said officers had made no arrests at the rally.", "Varn Party rally"),
    ):
        await _add(newsroom, text, title, clock.now)
    # The deed is all the question asks: another deed's date does not answer it.
    assert (await newsroom.ask("When did Tom Reed die?")).text is None
    assert (await newsroom.ask("When did Ivo Brand leave Korla Motors?")).text is None
    # "No more than" keeps its "no"; "talks about" is no qualifier; an opening capital is lowered.
    answer = await newsroom.ask("how many passengers may Korla Air carry on each Varn flight?")
    assert answer.text == "no more than 120"
    assert (await newsroom.ask("how many jobs will Varn Rail cut at Selmouth?")).text == "1,200"
    assert (await newsroom.ask("how many Varn soldiers were sent to Selmouth?")).text == "nearly 70"
    # "Police" is no word of the policy family.
    assert (await newsroom.ask("who is the Varn Party policy spokesman?")).text is None
