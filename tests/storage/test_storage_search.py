"""Full-text search over sentences and facts: ranking, published-only, hostile terms."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text
from storage_builders import plan

import storage.sql
from briefings.models import NewFact, StoryStatus
from briefings.text import index_terms
from storage import SqlStore
from storage.sql import fts5_query, sampled_terms

BRIDGE = (
    "The harbour bridge closed on Monday. Engineers found cracks in the main cable. "
    "The mayor said ferries will run every hour."
)
LIBRARY = "The new library opened its doors. Children queued for the reading room."
SECRET_DRAFT = "Engineers inspected the tunnel cable in secret."
UNICODE = "Die Brücke in Zürich ist gesperrt. Мост через реку закрыт. 东京的新桥今天开放。"

HOSTILE_TERMS = [
    '"',
    '""',
    'a"b',
    "NEAR(",
    "NEAR(cabl engin, 2)",
    "*",
    "cabl*",
    "OR",
    "AND",
    "NOT",
    "-",
    "-cabl",
    "^cabl",
    "index_terms:cabl",
    "sentences_fts",
    "(",
    ")",
    "{}",
    "+",
    "'",
    "\\",
    ";--",
    "&",
    "|",
    "!",
    ":*",
    "<->",
    "\x00",
    "   ",
    "",
]


def query(text: str) -> list[str]:
    return index_terms(text).split()


async def test_the_matching_sentence_ranks_first(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    await store.save_ingest(plan(LIBRARY))
    hits = await store.search_sentences(query("cracks in the cable"))
    assert hits[0].text == "Engineers found cracks in the main cable."
    assert hits[0].position == 1
    assert hits[0].score >= hits[-1].score
    assert all(hit.text != LIBRARY.split(". ")[0] for hit in hits)

    library_hits = await store.search_sentences(query("children reading"))
    assert [hit.text for hit in library_hits] == ["Children queued for the reading room."]


async def test_terms_are_ored(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    await store.save_ingest(plan(LIBRARY))
    hits = await store.search_sentences(query("ferries library"))
    assert {hit.text for hit in hits} == {
        "The mayor said ferries will run every hour.",
        "The new library opened its doors.",
    }


async def test_only_published_stories_are_searched(store: SqlStore) -> None:
    _, draft = await store.save_ingest(plan(SECRET_DRAFT, status=StoryStatus.DRAFT))
    await store.save_ingest(plan(BRIDGE))
    hits = await store.search_sentences(query("tunnel cable secret"))
    assert [hit.story_id for hit in hits] != [] and draft.id not in {hit.story_id for hit in hits}
    assert await store.search_sentences(query("tunnel")) == []

    await store.update_story(draft.id, actor="m", action="publish", status=StoryStatus.PUBLISHED)
    assert [hit.story_id for hit in await store.search_sentences(query("tunnel"))] == [draft.id]
    await store.update_story(draft.id, actor="m", action="withdraw", status=StoryStatus.WITHDRAWN)
    assert await store.search_sentences(query("tunnel")) == []


async def test_a_sample_holds_the_rarest_terms_newest_first_published_only(store: SqlStore) -> None:
    await store.save_ingest(plan("The mayor of Selmouth spoke. The mayor said the port would grow."))
    _, draft = await store.save_ingest(plan("The mayor of Selmouth resigned in secret.", status=StoryStatus.DRAFT))
    await store.save_ingest(plan("Selmouth harbour reopened. The mayor of Varn came to see it."))
    hits = await store.sample_sentences(query("mayor Selmouth harbour port"), limit=6)
    # "harbour", "port" and "Selmouth" are the three rarest: the newest sentences with each, a
    # share of the limit each, none twice; "mayor", the most common, is sampled for none.
    assert [hit.text for hit in hits] == [
        "Selmouth harbour reopened.",
        "The mayor said the port would grow.",
        "The mayor of Selmouth spoke.",
    ]
    assert draft.id not in {hit.story_id for hit in await store.sample_sentences(query("Selmouth"))}
    assert await store.sample_sentences(query("Zanzibar")) == []
    for term in HOSTILE_TERMS:
        assert isinstance(await store.sample_sentences([term]), list)


async def test_a_sample_draws_on_the_rarest_phrases_and_words_apart(store: SqlStore) -> None:
    await store.save_ingest(plan("Speaking for the Guild of Bell Founders, Ivo Brand objected."))
    for day in range(6):
        await store.save_ingest(plan(f"The town guild met on day {day + 1}. A church bell rang {day + 2} times."))
    # The phrase's words side by side are in one sentence only; the words alone are newer and
    # many, and the rarest word ("guild" as often as "bell") still gets its own share.
    hits = await store.sample_sentences(["guild bell", "bell founder", "guild", "bell", "founder"], limit=6)
    texts = [hit.text for hit in hits]
    assert texts[0] == "Speaking for the Guild of Bell Founders, Ivo Brand objected."
    assert texts.count("Speaking for the Guild of Bell Founders, Ivo Brand objected.") == 1
    assert "The town guild met on day 6." in texts
    # A phrase whose words are never side by side adds nothing.
    assert [hit.text for hit in await store.sample_sentences(["church guild"], limit=6)] == []


async def test_search_within_one_story(store: SqlStore) -> None:
    _, bridge = await store.save_ingest(plan(BRIDGE))
    _, other = await store.save_ingest(plan("Engineers at the plant went on strike over cable contracts."))
    hits = await store.search_sentences(query("engineers cable"), story_id=bridge.id)
    assert {hit.story_id for hit in hits} == {bridge.id}
    assert {hit.story_id for hit in await store.search_sentences(query("engineers cable"))} == {
        bridge.id,
        other.id,
    }
    assert await store.search_sentences(query("engineers"), story_id="abc") == []
    assert await store.search_sentences(query("engineers"), story_id="4040") == []


async def test_limit_is_respected(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    assert len(await store.search_sentences(query("harbour cable ferries"), limit=2)) == 2
    assert await store.search_sentences(query("harbour"), limit=0) == []


async def test_hostile_terms_are_plain_text(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE, facts=(NewFact("mayor", "promised", "ferries", "The mayor said."),)))
    for term in HOSTILE_TERMS:
        # Alone: never an error; at most it matches the words inside it.
        alone = await store.search_sentences([term])
        assert all(hit.story_id for hit in alone), term
        # Mixed with a real term: the real term still finds its sentence.
        mixed = await store.search_sentences([term, "ferri"])
        assert "The mayor said ferries will run every hour." in {hit.text for hit in mixed}, term
        facts = await store.search_facts([term, "mayor"])
        assert [fact.subject for fact in facts] == ["mayor"], term
    everything = await store.search_sentences(HOSTILE_TERMS)
    assert all(hit.story_id for hit in everything)


async def test_operator_words_do_not_act_as_operators(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    # As FTS5 syntax these would be "NOT cable" / a prefix query; as text they match nothing.
    assert await store.search_sentences(["NOT cabl"]) == []
    assert await store.search_sentences(["cab*"]) == []
    assert await store.search_sentences(["harbour NEAR bridg"]) == []


async def test_empty_and_huge_queries(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    assert await store.search_sentences([]) == []
    assert await store.search_facts([]) == []
    many = [f"word{number}" for number in range(500)] + ["cabl"]
    assert isinstance(await store.search_sentences(many), list)


async def test_unicode_terms(store: SqlStore) -> None:
    await store.save_ingest(plan(UNICODE))
    for words, expected in [
        ("Brücke Zürich", "Die Brücke in Zürich ist gesperrt."),
        ("мост", "Мост через реку закрыт."),
    ]:
        hits = await store.search_sentences(query(words))
        assert [hit.text for hit in hits] == [expected], words
    assert await store.search_sentences(["🙂", "٣"]) == []


def test_fts5_query_quotes_every_term() -> None:
    assert fts5_query(["cabl", 'a"b', "NEAR("]) == '"cabl" OR "a""b" OR "NEAR("'


async def test_fact_search_published_only_and_includes_superseded(store: SqlStore) -> None:
    _, story = await store.save_ingest(
        plan(BRIDGE, facts=(NewFact("Harbour Authority", "spokesperson", "Lena Ortiz", "Lena spoke."),))
    )
    _, draft = await store.save_ingest(
        plan(
            LIBRARY,
            status=StoryStatus.DRAFT,
            facts=(NewFact("City Library", "director", "Omar Haddad", "Omar directs it."),),
        )
    )
    newer = await store.add_fact(
        story.id,
        NewFact("harbour authority", "spokesperson", "Sam Noor", "Sam speaks now."),
        added_by="m",
        at=story.updated_at,
    )
    found = await store.search_facts(query("harbour authority"))
    assert {f.object for f in found} == {"Lena Ortiz", "Sam Noor"}
    assert {f.superseded_by for f in found} == {None, newer.id}
    assert [f.object for f in await store.search_facts(query("Sam Noor"))] == ["Sam Noor"]
    # plain words are accepted too: "Ortiz" normalises to the stored term
    assert [f.object for f in await store.search_facts(["Ortiz"])] == ["Lena Ortiz"]
    assert await store.search_facts(query("Omar Haddad library")) == []
    await store.update_story(draft.id, actor="m", action="publish", status=StoryStatus.PUBLISHED)
    assert [f.object for f in await store.search_facts(query("Omar Haddad"))] == ["Omar Haddad"]


async def test_published_matches_are_found_behind_many_better_draft_matches(store: SqlStore) -> None:
    # Short draft sentences outrank the published one; the search must look past them.
    draft_text = " ".join(f"Zebra number {number} zebra." for number in range(260))
    await store.save_ingest(
        plan(
            draft_text,
            status=StoryStatus.DRAFT,
            facts=tuple(NewFact("zebra", f"rel{number}", "zebra", "z") for number in range(260)),
        )
    )
    _, published = await store.save_ingest(
        plan(
            "A long report about the city zoo mentions a single zebra among many other animals today.",
            facts=(NewFact("city zoo", "keeps", "one zebra", "The zoo keeps a zebra."),),
        )
    )
    hits = await store.search_sentences(["zebra"], limit=5)
    assert [hit.story_id for hit in hits] == [published.id]
    facts = await store.search_facts(["zebra"], limit=5)
    assert [fact.story_id for fact in facts] == [published.id]


async def test_frequent_terms_only_lift_the_matches_of_rare_ones(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a tiny budget "harbour" (in every sentence) is frequent and only "ferri" is ranked;
    # the sentence with both comes first; harbour-only sentences only fill up what is left.
    monkeypatch.setattr(storage.sql, "_RANK_BUDGET", 4)
    filler = " ".join(f"The harbour was quiet on day {number}." for number in range(8))
    await store.save_ingest(plan(filler))
    await store.save_ingest(plan("Ferries stopped. The harbour ferries run again."))
    hits = await store.search_sentences(["harbour", "ferri"], limit=2)
    assert [hit.text for hit in hits] == ["The harbour ferries run again.", "Ferries stopped."]
    assert hits[0].score > hits[1].score
    filled = await store.search_sentences(["harbour", "ferri"], limit=3)
    assert filled[:2] == hits and "harbour" in filled[2].text and filled[2].score < hits[1].score


async def test_only_frequent_terms_give_sentences_with_most_of_them(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.sql, "_RANK_BUDGET", 4)
    filler = " ".join(f"The harbour was quiet on day {number}. The mayor slept." for number in range(6))
    await store.save_ingest(plan(filler))
    await store.save_ingest(plan("The mayor visited the harbour."))
    hits = await store.search_sentences(["harbour", "mayor"], limit=5)
    assert [hit.text for hit in hits] == ["The mayor visited the harbour."]
    # A single frequent term still finds its sentences, newest first.
    assert len(await store.search_sentences(["harbour"], limit=3)) == 3


async def test_reads_in_a_snapshot_share_one_connection(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    checkouts: list[object] = []

    def on_checkout(dbapi_connection: object, record: object, proxy: object) -> None:
        checkouts.append(dbapi_connection)

    pool = store.engine.sync_engine.pool
    event.listen(pool, "checkout", on_checkout)
    try:
        async with store.snapshot():
            hits = await store.search_sentences(query("cracks in the cable"))
            async with store.snapshot():  # nested: still the outer connection
                story = await store.story(hits[0].story_id)
            sentences = await store.story_sentences(story.id)
        assert len(checkouts) == 1
        assert [s.text for s in sentences][1] == "Engineers found cracks in the main cable."

        # Outside, each read takes its own; two tasks in snapshots never share one.
        await store.search_sentences(query("cable"))
        assert len(checkouts) == 2

        async def in_snapshot() -> int:
            async with store.snapshot():
                await store.search_sentences(query("mayor"))
                await asyncio.sleep(0.01)
                await store.search_sentences(query("ferri"))
                return len(await store.search_sentences(query("bridg")))

        assert await asyncio.gather(in_snapshot(), in_snapshot()) == [1, 1]
        assert len(checkouts) == 4 and checkouts[2] is not checkouts[3]
    finally:
        event.remove(pool, "checkout", on_checkout)
    assert pool.checkedout() == 0


async def test_a_write_inside_a_snapshot_uses_its_own_connection(store: SqlStore) -> None:
    async with store.snapshot():
        assert await store.search_sentences(query("library")) == []
        await store.save_ingest(plan(LIBRARY))  # must not deadlock on SQLite's single writer
    assert [h.text for h in await store.search_sentences(query("library"))] == [
        "The new library opened its doors."
    ]


async def test_statistics_are_refreshed_after_a_bulk_load(store: SqlStore) -> None:
    await store.save_ingest(plan(BRIDGE))
    await store.save_ingest(plan(LIBRARY))
    await store.refresh_statistics()  # SQLite: nothing to do, and no error
    if store.engine.dialect.name == "postgresql":
        async with store.engine.connect() as connection:
            estimated = await connection.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'sentences'"))
        assert estimated == 5  # -1 until ANALYZE has run: the planner would be guessing
    assert len(await store.search_sentences(query("cable"))) == 1


def test_recasing_samples_the_three_rarest_words() -> None:
    # "when is yahoo's 10th anniversary officially marked?": the name is only the third rarest
    # of its words, and the sample of sentences that shows how the news writes them must have it.
    counts = {"10th": 8, "anniversari": 17, "yahoo": 39, "offici": 400, "mark": 900}
    assert sampled_terms(list(counts), counts) == ["10th", "anniversari", "yahoo"]
