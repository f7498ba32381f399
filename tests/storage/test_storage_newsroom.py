"""Articles, stories, grouping keys, facts and the audit log on each backend."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from clock import ManualClock as Clock
from corpus import corpus_dir
from dbtesting import fresh_database_url
from storage_builders import T0, plan

from briefings.models import ArticleInput, IngestResult, NewFact, StoryStatus
from briefings.newsroom import InvalidInput, Newsroom
from briefings.ports import BatchIngest, DuplicateArticle, NotFound
from storage import SqlStore, create_engine, upgrade

BRIDGE = "The harbour bridge closed on Monday. Engineers found cracks in the main cable."
BRIDGE_2 = "Repairs to the harbour bridge will take six weeks. The mayor promised free ferries."
SCHOOL = "The new library opened its doors. Children queued for the reading room."


async def test_save_ingest_round_trip(store: SqlStore) -> None:
    ingest = plan(BRIDGE, keys={"harbour", "bridg"}, url="https://example.test/bridge", audit_action="ingest")
    article, story = await store.save_ingest(ingest)

    assert article.text == BRIDGE
    assert article.source == "Harbour Gazette"
    assert article.story_id == story.id
    assert article.added_at == T0
    assert article.added_at.tzinfo is not None and article.added_at.utcoffset() == timedelta(0)
    assert story.status is StoryStatus.PUBLISHED
    assert story.published_at == T0
    assert story.topics == ("local",)
    assert story.article_ids == (article.id,)

    assert await store.story(story.id) == story
    assert await store.article_by_hash(ingest.content_hash) == article
    assert await store.article_by_url("https://example.test/bridge") == article
    assert await store.article_by_url("https://example.test/other") is None
    assert await store.articles([article.id]) == [article]
    assert await store.story_articles(story.id) == [article]
    assert [s.text for s in await store.story_sentences(story.id)] == [
        "The harbour bridge closed on Monday.",
        "Engineers found cracks in the main cable.",
    ]
    assert {s.article_id for s in await store.story_sentences(story.id)} == {article.id}
    assert await store.count_articles() == 1
    assert await store.count_stories() == 1
    [entry] = await store.audit_entries()
    assert (entry.actor, entry.action, entry.target) == ("ingest", "ingest", story.id)


async def test_sentences_of_several_stories_come_in_one_read_by_story(store: SqlStore) -> None:
    _, bridge = await store.save_ingest(plan(BRIDGE, keys={"harbour", "bridg"}))
    await store.save_ingest(plan(BRIDGE_2, keys={"harbour", "bridg"}, story_id=bridge.id, at=T0 + timedelta(hours=1)))
    _, school = await store.save_ingest(plan(SCHOOL, keys={"librari"}))

    found = await store.sentences_of_stories([school.id, "999", "abc", bridge.id, school.id])

    assert set(found) == {bridge.id, school.id}  # unknown and malformed ids are left out
    assert [s.text for s in found[bridge.id]] == [
        "The harbour bridge closed on Monday.",
        "Engineers found cracks in the main cable.",
        "Repairs to the harbour bridge will take six weeks.",
        "The mayor promised free ferries.",
    ]
    assert found[bridge.id] == await store.story_sentences(bridge.id)
    assert [s.text for s in found[school.id]] == [
        "The new library opened its doors.",
        "Children queued for the reading room.",
    ]
    assert await store.sentences_of_stories([]) == {}


async def test_ingest_into_an_existing_story_updates_it_and_replaces_its_keys(store: SqlStore) -> None:
    first, story = await store.save_ingest(plan(BRIDGE, keys={"harbour", "bridg", "monday"}, status=StoryStatus.DRAFT))
    assert story.published_at is None
    later = T0 + timedelta(hours=2)
    second, merged = await store.save_ingest(
        plan(
            BRIDGE_2,
            story_id=story.id,
            keys={"harbour", "bridg", "ferri"},
            at=later,
            headline="Bridge shut for six weeks",
            source="Coast Courier",
        )
    )
    assert merged.id == story.id
    assert merged.headline == "Bridge shut for six weeks"
    assert merged.updated_at == later
    assert merged.created_at == T0
    assert merged.published_at == later  # it became published with this ingest
    assert merged.article_ids == (first.id, second.id)
    assert await store.candidate_stories(["monday"], None, 5) == []
    [candidate] = await store.candidate_stories(["ferri"], None, 5)
    assert candidate.keys == frozenset({"harbour", "bridg", "ferri"})
    assert await store.audit_entries() == []  # no audit_action, no entry


async def test_duplicate_text_is_refused_and_nothing_is_written(store: SqlStore) -> None:
    article, _ = await store.save_ingest(plan(BRIDGE, keys={"bridg"}))
    with pytest.raises(DuplicateArticle) as refused:
        await store.save_ingest(plan(BRIDGE, keys={"other"}, source="Coast Courier"))
    assert refused.value.existing_article_id == article.id
    assert await store.count_articles() == 1
    assert await store.count_stories() == 1


async def test_concurrent_duplicates_store_the_text_once(store: SqlStore) -> None:
    results = await asyncio.gather(
        *(store.save_ingest(plan(SCHOOL, keys={"librari"})) for _ in range(4)), return_exceptions=True
    )
    stored = [result for result in results if not isinstance(result, BaseException)]
    refused = [result for result in results if isinstance(result, DuplicateArticle)]
    assert len(stored) == 1 and len(refused) == 3
    assert {error.existing_article_id for error in refused} == {stored[0][0].id}
    assert await store.count_articles() == 1


async def test_ingest_into_unknown_story_writes_nothing(store: SqlStore) -> None:
    for story_id in ("999", "abc"):
        with pytest.raises(NotFound):
            await store.save_ingest(plan(BRIDGE, story_id=story_id, keys={"bridg"}))
    assert await store.count_articles() == 0
    assert await store.count_stories() == 0


async def test_candidate_stories_rank_by_shared_keys_and_respect_since_and_limit(store: SqlStore) -> None:
    _, old = await store.save_ingest(plan(SCHOOL, keys={"a", "b", "c"}, at=T0 - timedelta(days=3)))
    _, mid = await store.save_ingest(plan(BRIDGE, keys={"a", "b", "x"}, at=T0))
    _, new = await store.save_ingest(plan(BRIDGE_2, keys={"a", "y"}, at=T0 + timedelta(hours=1)))

    everything = await store.candidate_stories(["a", "b", "c"], None, 10)
    assert [(c.story_id, c.shared_keys) for c in everything] == [(old.id, 3), (mid.id, 2), (new.id, 1)]
    assert everything[1].keys == frozenset({"a", "b", "x"})
    assert everything[0].updated_at == T0 - timedelta(days=3)

    recent = await store.candidate_stories(["a", "b", "c"], T0 - timedelta(days=1), 10)
    assert [c.story_id for c in recent] == [mid.id, new.id]
    assert [c.story_id for c in await store.candidate_stories(["a", "b", "c"], None, 1)] == [old.id]
    assert await store.candidate_stories([], None, 10) == []
    assert await store.candidate_stories(["nothing"], None, 10) == []


async def test_story_listing_filters_and_orders(store: SqlStore) -> None:
    _, draft = await store.save_ingest(plan(SCHOOL, status=StoryStatus.DRAFT, at=T0))
    _, published = await store.save_ingest(plan(BRIDGE, at=T0 + timedelta(hours=1)))
    assert [s.id for s in await store.stories()] == [published.id, draft.id]
    assert [s.id for s in await store.stories([StoryStatus.DRAFT])] == [draft.id]
    assert [s.id for s in await store.stories(since=T0 + timedelta(minutes=30))] == [published.id]
    assert [s.id for s in await store.stories(limit=1)] == [published.id]
    assert (await store.stories([StoryStatus.PUBLISHED]))[0].article_ids == published.article_ids

    assert [s.id for s in await store.published_between(None, T0 + timedelta(hours=2))] == [published.id]
    assert await store.published_between(T0 + timedelta(hours=1), T0 + timedelta(hours=2)) == []
    assert [s.id for s in await store.published_between(T0, T0 + timedelta(hours=1))] == [published.id]


async def test_update_story_changes_it_and_writes_the_audit_entry(store: SqlStore, clock: Clock) -> None:
    _, story = await store.save_ingest(plan(BRIDGE, status=StoryStatus.DRAFT))
    now = clock.advance(hours=5)
    published = await store.update_story(
        story.id, actor="mod:7", action="publish", status=StoryStatus.PUBLISHED, detail="checked"
    )
    assert published.status is StoryStatus.PUBLISHED
    assert published.published_at == now
    assert published.updated_at == now
    clock.advance(hours=1)
    edited = await store.update_story(
        story.id, actor="mod:7", action="edit", summary="Shorter.", headline="Bridge shut"
    )
    assert (edited.summary, edited.headline) == ("Shorter.", "Bridge shut")
    assert edited.published_at == now  # first publication time is kept
    entries = await store.audit_entries()
    assert [(e.action, e.target, e.actor) for e in entries] == [
        ("edit", story.id, "mod:7"),
        ("publish", story.id, "mod:7"),
    ]
    assert entries[1].detail == "checked"


@pytest.mark.parametrize("story_id", ["abc", "999", "", "-1", "1.5", "99999999999999999999", "١"])
async def test_unknown_or_malformed_story_ids_are_not_found(store: SqlStore, story_id: str) -> None:
    with pytest.raises(NotFound, match="no briefing"):
        await store.story(story_id)
    with pytest.raises(NotFound, match="no briefing"):
        await store.update_story(story_id, actor="mod", action="withdraw", status=StoryStatus.WITHDRAWN)
    with pytest.raises(NotFound, match="no briefing"):
        await store.add_fact(story_id, NewFact("mayor", "is", "Ana", "The mayor is Ana."), added_by="m", at=T0)
    assert await store.story_articles(story_id) == []
    assert await store.story_sentences(story_id) == []
    assert await store.story_facts(story_id) == []
    assert await store.articles([story_id]) == []


async def test_not_found_message_quotes_the_id(store: SqlStore) -> None:
    with pytest.raises(NotFound) as missing:
        await store.story("abc")
    assert missing.value.args[0] == "no briefing 'abc'"


async def test_articles_come_back_in_the_order_asked(store: SqlStore) -> None:
    first, _ = await store.save_ingest(plan(BRIDGE))
    second, _ = await store.save_ingest(plan(SCHOOL))
    assert [a.id for a in await store.articles([second.id, "77", first.id, "x"])] == [second.id, first.id]


async def test_datetimes_come_back_as_aware_utc(store: SqlStore) -> None:
    eastern = timezone(timedelta(hours=5, minutes=30))
    local = T0.astimezone(eastern)
    article, story = await store.save_ingest(plan(BRIDGE, at=local))
    assert article.added_at == T0
    assert article.added_at.tzinfo is not None and article.added_at.utcoffset() == timedelta(0)
    assert (await store.story(story.id)).created_at.utcoffset() == timedelta(0)


async def test_facts_supersede_same_subject_and_relation_in_the_same_story(store: SqlStore) -> None:
    _, story = await store.save_ingest(
        plan(
            BRIDGE,
            facts=(NewFact("Harbour Authority", "spokesperson", "Lena Ortiz", "Lena Ortiz spoke."),),
        )
    )
    _, other_story = await store.save_ingest(plan(SCHOOL))
    [from_ingest] = await store.story_facts(story.id)
    assert from_ingest.article_id == story.article_ids[0]  # None in the plan means "this article"

    other = await store.add_fact(
        other_story.id,
        NewFact("harbour authority", "spokesperson", "Kim Lee", "Kim Lee spoke."),
        added_by="mod:1",
        at=T0,
    )
    later = T0 + timedelta(hours=1)
    newer = await store.add_fact(
        story.id,
        NewFact("  HARBOUR   authority ", "Spokesperson", "Sam Noor", "Sam Noor now speaks.", story.article_ids[0]),
        added_by="mod:1",
        at=later,
    )
    unrelated = await store.add_fact(
        story.id, NewFact("Harbour Authority", "chair", "Ida Berg", "Ida Berg chairs it."), added_by="m", at=later
    )
    assert newer.added_at == later and newer.superseded_by is None

    current = await store.story_facts(story.id)
    assert [f.id for f in current] == [newer.id, unrelated.id]
    everything = await store.story_facts(story.id, include_superseded=True)
    assert [(f.id, f.superseded_by) for f in everything] == [
        (from_ingest.id, newer.id),
        (newer.id, None),
        (unrelated.id, None),
    ]
    assert (await store.story_facts(other_story.id))[0].superseded_by is None
    assert other.superseded_by is None
    assert [e.action for e in await store.audit_entries()] == ["add_fact", "add_fact", "add_fact"]


async def test_fact_with_unknown_article_is_not_found(store: SqlStore) -> None:
    _, story = await store.save_ingest(plan(BRIDGE))
    with pytest.raises(NotFound, match="no article"):
        await store.add_fact(story.id, NewFact("a", "b", "c", "d", article_id="555"), added_by="m", at=T0)
    assert await store.story_facts(story.id) == []


async def test_audit_log_newest_first_with_limit(store: SqlStore) -> None:
    for minute in range(5):
        await store.record("mod:1", "note", None, f"entry {minute}", T0 + timedelta(minutes=minute))
    entries = await store.audit_entries(limit=3)
    assert [e.detail for e in entries] == ["entry 4", "entry 3", "entry 2"]
    assert entries[0].target is None and entries[0].at == T0 + timedelta(minutes=4)


# --- bulk ingest: save_ingests and Newsroom.ingest_many ----------------------------------------


async def test_save_ingests_writes_a_batch_with_stories_created_in_it(store: SqlStore) -> None:
    _, stored = await store.save_ingest(
        plan(SCHOOL, keys={"librari"}, facts=(NewFact("Library", "head", "Ana Lim", "Ana Lim heads it."),))
    )
    later = T0 + timedelta(hours=1)
    batch = [
        BatchIngest(
            plan(BRIDGE, keys={"bridg", "harbour"}, at=later, status=StoryStatus.DRAFT, audit_action="add")
        ),
        BatchIngest(
            plan(
                BRIDGE_2,
                keys={"bridg", "ferri"},
                at=later + timedelta(minutes=1),
                status=StoryStatus.DRAFT,
                headline="Bridge shut for six weeks",
                facts=(NewFact("Bridge", "reopens", "in six weeks", "Repairs will take six weeks."),),
            ),
            joins=0,
        ),
        BatchIngest(
            plan(
                "The library adds a second reading room. Volunteers run it.",
                story_id=stored.id,
                keys={"librari", "volunt"},
                at=later + timedelta(minutes=2),
                facts=(NewFact("library", "Head", "Bo Chan", "Bo Chan now heads it."),),
            )
        ),
    ]
    saved = await store.save_ingests(batch)
    (first, new_story), (second, grown), (third, merged) = saved
    assert first.story_id == second.story_id == new_story.id == grown.id
    assert new_story.article_ids == (first.id,) and grown.article_ids == (first.id, second.id)
    assert grown.headline == "Bridge shut for six weeks" and grown.status is StoryStatus.DRAFT
    assert grown.published_at is None and grown.created_at == later
    assert merged.id == stored.id and merged.article_ids == (*stored.article_ids, third.id)
    assert merged.created_at == T0 and merged.published_at == T0
    assert await store.story(grown.id) == grown
    assert await store.story(stored.id) == merged
    sentences = await store.story_sentences(grown.id)
    assert [s.article_id for s in sentences] == [first.id, first.id, second.id, second.id]
    [candidate] = await store.candidate_stories(["ferri"], None, 5)
    assert candidate.story_id == grown.id and candidate.keys == frozenset({"bridg", "ferri"})
    assert await store.candidate_stories(["harbour"], None, 5) == []
    facts = await store.story_facts(stored.id, include_superseded=True)
    assert [(f.object, f.superseded_by) for f in facts] == [("Ana Lim", facts[1].id), ("Bo Chan", None)]
    assert facts[1].article_id == third.id
    assert [e.action for e in await store.audit_entries()] == ["add"]
    assert await store.save_ingests([]) == []


async def test_save_ingests_ids_follow_the_stored_ones_and_are_never_reused(store: SqlStore) -> None:
    from sqlalchemy import text

    first = await store.save_ingests(
        [BatchIngest(plan(BRIDGE, keys={"bridg"}, facts=(NewFact("Bridge", "shut", "Monday", "x"),)))]
    )
    (article, story) = first[0]
    [fact] = await store.story_facts(story.id)
    async with store.engine.begin() as connection:  # the newest rows go: their ids stay used
        for table, number in (("facts", fact.id), ("articles", article.id), ("stories", story.id)):
            await connection.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": int(number)})
    texts = [SCHOOL, BRIDGE_2, "A third story about the ferry timetable. It changes in May."]
    saved = await store.save_ingests(
        [
            BatchIngest(plan(body, at=T0 + timedelta(minutes=n), facts=(NewFact(f"Thing {n}", "is", "new", body),)))
            for n, body in enumerate(texts)
        ]
    )
    article_ids = [int(a.id) for a, _ in saved]
    story_ids = [int(s.id) for _, s in saved]
    assert article_ids == sorted(article_ids) and min(article_ids) > int(article.id)
    assert story_ids == sorted(story_ids) and min(story_ids) > int(story.id)
    for (saved_article, saved_story), body in zip(saved, texts, strict=True):
        [stored] = await store.articles([saved_article.id])
        assert stored.text == body and stored.story_id == saved_story.id
        [saved_fact] = await store.story_facts(saved_story.id)
        assert int(saved_fact.id) > int(fact.id) and saved_fact.evidence == body


async def test_save_ingests_refuses_a_stored_text_and_writes_nothing(store: SqlStore) -> None:
    article, _ = await store.save_ingest(plan(BRIDGE, keys={"bridg"}))
    with pytest.raises(DuplicateArticle) as refused:
        await store.save_ingests(
            [BatchIngest(plan(SCHOOL)), BatchIngest(plan(BRIDGE, source="Coast Courier"))]
        )
    assert refused.value.existing_article_id == article.id
    assert await store.count_articles() == 1 and await store.count_stories() == 1
    with pytest.raises(NotFound):
        await store.save_ingests([BatchIngest(plan(SCHOOL, story_id="999"))])
    assert await store.count_articles() == 1


async def test_bulk_look_ups_match_single_ones(store: SqlStore) -> None:
    _, old = await store.save_ingest(plan(SCHOOL, keys={"a", "b", "c"}, at=T0 - timedelta(days=3)))
    _, mid = await store.save_ingest(plan(BRIDGE, keys={"a", "b", "x"}, at=T0))
    await store.save_ingest(plan(BRIDGE_2, keys={"a", "y"}, at=T0 + timedelta(hours=1)))
    queries = [
        (["a", "b", "c"], None),
        (["a", "b", "c"], T0 - timedelta(days=1)),
        (["nothing"], None),
        ([], None),
    ]
    assert await store.candidate_stories_many(queries, 2) == [
        await store.candidate_stories(keys, since, 2) for keys, since in queries
    ]
    material = await store.grouping_material([mid.id, old.id, "999", "x"])
    assert set(material) == {mid.id, old.id}
    story, titles, sentences = material[mid.id]
    assert story == await store.story(mid.id)
    assert titles == [(story.article_ids[0], "A title")]
    assert sentences == await store.story_sentences(mid.id)
    stored = await store.articles_by_hash([plan(SCHOOL).content_hash, "nope"])
    school_hash = plan(SCHOOL).content_hash
    assert list(stored) == [school_hash] and stored[school_hash].story_id == old.id


def _bulk_corpus() -> list[ArticleInput]:
    root = corpus_dir()
    seeds = [
        ArticleInput(text=path.read_text(encoding="utf-8"), external_id=path.stem)
        for path in sorted((root / "seeds").glob("*.txt"))
    ]
    with (root / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        # Politics, with revised reports (same title, other text) that join their first version.
        rows = [json.loads(line) for line in lines][469:625]
    articles = seeds + [ArticleInput(text=r["text"], title=r["title"], external_id=r["id"]) for r in rows]
    return [*articles[:40], articles[3], ArticleInput(text=" "), *articles[40:]]


async def _ingest_with(
    store: SqlStore, articles: list[ArticleInput], size: int | None
) -> list[tuple[object, ...]]:
    moments = iter(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=30 * n) for n in range(10_000))
    newsroom = Newsroom(store, clock=lambda: next(moments))
    results: list[IngestResult | InvalidInput] = []
    if size is None:
        for article in articles:
            try:
                results.append(await newsroom.ingest(article, added_by="bulk"))
            except InvalidInput as refused:
                results.append(refused)
    else:
        for start in range(0, len(articles), size):
            results += await newsroom.ingest_many(articles[start : start + size], added_by="bulk")
    external = {
        r.article.id: a.external_id for a, r in zip(articles, results, strict=True)
        if isinstance(r, IngestResult) and r.article
    }
    out: list[tuple[object, ...]] = []
    for result in results:
        if isinstance(result, InvalidInput):
            out.append(("refused", str(result)))
            continue
        story = result.story
        assert story is not None
        facts = await store.story_facts(story.id, include_superseded=True)
        out.append((
            "duplicate" if result.duplicate_of else "merged" if result.merged else "new",
            external.get(result.duplicate_of or ""),
            tuple(external[a] for a in story.article_ids),
            (story.headline, story.summary, story.topics, story.status, story.published_at, story.created_at),
            result.facts_added,
            [(f.subject, f.relation, f.object, f.superseded_by is None) for f in facts],
        ))
    return out


async def test_ingest_many_gives_the_same_stories_as_one_by_one(
    store: SqlStore, store_url: str, tmp_path: Path
) -> None:
    articles = _bulk_corpus()
    backend = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    async with fresh_database_url(backend, tmp_path) as other_url:
        await upgrade(other_url)
        engine = create_engine(other_url)
        try:
            expected = await _ingest_with(SqlStore(engine), articles, None)
        finally:
            await engine.dispose()
    kinds = [o[0] for o in expected]
    assert kinds.count("merged") >= 4 and kinds.count("duplicate") >= 1 and kinds.count("refused") == 1
    # Batches of 16: merges within a batch and into stories stored by earlier batches.
    assert await _ingest_with(store, articles, 16) == expected
    assert await store.count_articles() == kinds.count("new") + kinds.count("merged")
