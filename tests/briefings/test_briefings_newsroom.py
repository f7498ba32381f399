"""The Newsroom service end to end on the in-memory FakeStore, with the seed articles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from briefings_corpus import seed_texts
from clock import ManualClock as Clock
from fakes import FakeStore

from briefings.models import ArticleInput, StoryStatus
from briefings.newsroom import InvalidArticle, InvalidInput, Newsroom
from briefings.ports import NotFound


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2021, 9, 7, 9, 0, tzinfo=UTC))


@pytest.fixture
def store(clock: Clock) -> FakeStore:
    return FakeStore(clock=clock)


@pytest.fixture
def newsroom(store: FakeStore, clock: Clock) -> Newsroom:
    return Newsroom(store, clock=clock)


async def _ingest_seeds(newsroom: Newsroom, clock: Clock) -> dict[str, str]:
    ids = {}
    for name, text in seed_texts().items():
        result = await newsroom.ingest(ArticleInput(text=text, external_id=name), added_by="mod")
        assert result.article is not None
        ids[name] = result.article.id
        clock.advance(minutes=5)
    return ids


async def test_seeds_become_one_story_with_two_sources(
    newsroom: Newsroom, clock: Clock, store: FakeStore
) -> None:
    ids = await _ingest_seeds(newsroom, clock)
    assert await store.count_stories() == 1
    story_ids = {store.articles_by_id[a].story_id for a in ids.values()}
    assert len(story_ids) == 1
    briefing = await newsroom.briefing(story_ids.pop())
    assert len(briefing.citations) == 2
    assert briefing.story.status == StoryStatus.PUBLISHED
    assert "Taliban" in briefing.story.headline or "Panjshir" in briefing.story.headline
    assert 2 <= briefing.story.summary.count(".") + briefing.story.summary.count("!") <= 8
    assert any(f.relation == "leads" and "Massoud" in f.subject for f in briefing.facts)
    assert [e.action for e in store.audit].count("add") == 2


async def test_who_leads_the_nrf_cites_both_seeds(newsroom: Newsroom, clock: Clock) -> None:
    ids = await _ingest_seeds(newsroom, clock)
    answer = await newsroom.ask("who leads the NRF?")
    assert answer.text is not None and "Ahmad Massoud" in answer.text
    assert answer.evidence and "Massoud" in answer.evidence
    assert {c.article_id for c in answer.citations} == set(ids.values())
    assert answer.subject == "NRF"


async def test_who_leads_the_taliban_abstains(newsroom: Newsroom, clock: Clock) -> None:
    await _ingest_seeds(newsroom, clock)
    answer = await newsroom.ask("who leads the Taliban?")
    assert answer.text is None
    assert not answer.known
    assert answer.evidence is None  # an abstention quotes no sentence, so it names nobody


async def test_follow_up_uses_previous_subject(newsroom: Newsroom, clock: Clock) -> None:
    await _ingest_seeds(newsroom, clock)
    first = await newsroom.ask("who leads the NRF?")
    follow = await newsroom.ask("and who is their spokesman?", previous=first)
    assert follow.text is not None and "Maisam" in follow.text
    assert follow.subject == "NRF"


async def test_acronym_and_spokesman_questions(newsroom: Newsroom, clock: Clock) -> None:
    await _ingest_seeds(newsroom, clock)
    expansion = await newsroom.ask("what does NRF stand for?")
    assert expansion.text is not None and "National Resistance Front" in expansion.text
    spokesman = await newsroom.ask("who is the Taliban spokesman?")
    assert spokesman.text is not None and "Mujahid" in spokesman.text
    by_name = await newsroom.ask("who leads the National Resistance Front?")
    assert by_name.text is not None and "Massoud" in by_name.text


async def test_newer_conflicting_fact_wins(newsroom: Newsroom, clock: Clock) -> None:
    await _ingest_seeds(newsroom, clock)
    story_id = (await newsroom.briefings())[0].story.id
    clock.advance(days=1)
    fact = await newsroom.add_fact(story_id, "Karim Noor leads the NRF", added_by="mod")
    assert (fact.subject, fact.relation, fact.object) == ("Karim Noor", "leads", "NRF")
    answer = await newsroom.ask("who leads the NRF?")
    assert answer.text == "Karim Noor"
    assert any("Massoud" in old for old in answer.superseded)


async def test_duplicate_is_not_stored_twice(newsroom: Newsroom, clock: Clock, store: FakeStore) -> None:
    text = next(iter(seed_texts().values()))
    first = await newsroom.ingest(ArticleInput(text=text), added_by="mod")
    again = await newsroom.ingest(
        ArticleInput(text="  " + text.replace("\n\n", "\n\n\n") + " "), added_by="mod"
    )
    assert first.article is not None
    assert again.duplicate_of == first.article.id and again.article is None
    assert again.story is not None and again.story.id == first.article.story_id
    assert await store.count_articles() == 1


async def test_invalid_articles_are_refused_with_clear_messages(newsroom: Newsroom) -> None:
    with pytest.raises(InvalidArticle, match="empty"):
        await newsroom.ingest(ArticleInput(text="   \n  "), added_by="mod")
    with pytest.raises(InvalidArticle, match="1,000"):
        small = Newsroom(FakeStore(), max_article_chars=1000)
        await small.ingest(ArticleInput(text="Word. " * 400), added_by="mod")
    with pytest.raises(InvalidArticle, match="binary"):
        await newsroom.ingest(ArticleInput(text="abc\x00\x01\x02def"), added_by="mod")
    with pytest.raises(InvalidInput):
        await newsroom.ask("   ")


async def test_html_is_stored_as_text_and_source_defaults(newsroom: Newsroom) -> None:
    html = "<p>The river flooded the old town on Monday.</p><p>Residents were moved to the school hall.</p>"
    result = await newsroom.ingest(ArticleInput(text=html, url="https://www.example.org/a/1"), added_by="mod")
    assert result.article is not None
    assert "<p>" not in result.article.text
    assert result.article.source == "example.org"
    pasted = await newsroom.ingest(
        ArticleInput(text="A quiet day in the valley ended with rain."), added_by="m"
    )
    assert pasted.article is not None and pasted.article.source == "pasted"
    named = await newsroom.ingest(
        ArticleInput(text="Another report said nothing.", source="Wire"), added_by="m"
    )
    assert named.article is not None and named.article.source == "Wire"


async def test_moderation_and_drafts(newsroom: Newsroom, clock: Clock, store: FakeStore) -> None:
    result = await newsroom.ingest(
        ArticleInput(text="The bridge reopened after repairs. Traffic returned at noon."),
        added_by="mod",
        publish=False,
    )
    assert result.story is not None and result.story.status == StoryStatus.DRAFT
    story_id = result.story.id
    assert await newsroom.briefings() == []
    assert [b.story.id for b in await newsroom.briefings(include_drafts=True)] == [story_id]
    published = await newsroom.publish(story_id, actor="mod")
    assert published.status == StoryStatus.PUBLISHED and published.published_at is not None
    corrected = await newsroom.correct(story_id, "The bridge reopened.", actor="mod")
    assert corrected.summary == "The bridge reopened."
    withdrawn = await newsroom.withdraw(story_id, actor="mod", reason="wrong town")
    assert withdrawn.status == StoryStatus.WITHDRAWN
    assert [e.action for e in store.audit][-3:] == ["publish", "correct", "withdraw"]
    with pytest.raises(NotFound):
        await newsroom.publish("nope", actor="mod")
    with pytest.raises(NotFound):
        await newsroom.add_fact("nope", "X leads Y", added_by="mod")
    with pytest.raises(InvalidInput):
        await newsroom.add_fact(story_id, "  ", added_by="mod")


async def test_merge_keeps_withdrawn_status(newsroom: Newsroom, clock: Clock) -> None:
    texts = list(seed_texts().values())
    first = await newsroom.ingest(ArticleInput(text=texts[0]), added_by="mod")
    assert first.story is not None
    await newsroom.withdraw(first.story.id, actor="mod")
    clock.advance(minutes=10)
    second = await newsroom.ingest(ArticleInput(text=texts[1]), added_by="mod")
    assert second.merged and second.story is not None
    assert second.story.status == StoryStatus.WITHDRAWN
    assert second.story.updated_at == clock.now
    assert (await newsroom.ask("who leads the NRF?")).text is None  # withdrawn stories are not used
