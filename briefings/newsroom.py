"""The newsroom service the bot calls: ingest, ask, facts, moderation, briefings, digests."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from briefings.answer import AnswerEngine
from briefings.facts import extract_facts, parse_statement
from briefings.models import (
    Answer,
    ArticleInput,
    Briefing,
    Citation,
    Fact,
    IngestPlan,
    IngestResult,
    SentenceRecord,
    Story,
    StoryCandidate,
    StoryStatus,
)
from briefings.ports import BatchIngest, DuplicateArticle, NewsroomStore, NotFound
from briefings.stories import (
    DEFAULT_WINDOW,
    bucket_keys,
    gate_candidates,
    grouping_keys,
    key_term,
    lookup_keys,
    merge_keys,
    query_keys,
    same_story,
    unbucket,
)
from briefings.summarise import SourceSentence, summarise_story
from briefings.text import (
    Memo,
    index_terms,
    is_junk,
    normalise,
    split_sentences,
    stem,
    strip_html,
    tokens,
)
from briefings.text import content_hash as hash_text

# Questions are chat messages; a longer text is a paste, not a question.
MAX_QUESTION_CHARS = 500


class InvalidInput(ValueError):
    """Input a person gave that we cannot use; ``str()`` says what is wrong and what to do."""


class InvalidArticle(InvalidInput):
    """Article text that cannot be stored (empty, too long, binary)."""


NEW_ARTICLE = ""  # stands for the article being ingested, which has no id yet
MAX_TOPICS = 5


def _utcnow() -> datetime:
    return datetime.now(UTC)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:4000]
    # Control characters (and the replacement character left by a wrong decoding) mark binary.
    return len(_CONTROL_RE.findall(sample)) > len(sample) * 0.1



def _name_term(token: str) -> str:
    return stem(token.lower().replace(".", "").replace("-", ""))


_NAME_TERMS = Memo(20_000)  # capitalised token -> its stem, as grouping keys spell names


def _topics(keys: frozenset[str], texts: Sequence[str], given: Sequence[str] = ()) -> tuple[str, ...]:
    """Topics given with the articles first, then the story's names among its grouping keys,
    as written in ``texts`` (the headline and the newest article's first sentences)."""
    names = {key_term(k) for k in keys if k.startswith("n:")}
    surface: dict[str, str] = {}
    for sentence in texts:
        if len(surface) >= len(names):
            break  # every name found: later tokens cannot add one
        for token in tokens(sentence):
            if token[:1].isupper() and len(surface) < len(names):
                term = _NAME_TERMS.recent.get(token) or _NAME_TERMS.fill(token, _name_term)
                if term in names:
                    surface.setdefault(term, token.removesuffix("'s").removesuffix("’s"))
    named = sorted(surface.values(), key=str.lower)
    return tuple(dict.fromkeys([*given, *named]))[:MAX_TOPICS]


def _story_terms(records: Sequence[SentenceRecord]) -> tuple[list[list[str]], list[list[list[str]]]]:
    """A story's sentences' terms, pooled and per article (each in position order)."""
    pooled: list[list[str]] = []
    by_article: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for record in records:
        words = record.index_terms.split()
        pooled.append(words)
        by_article[record.article_id].append((record.position, words))
    per_article = [[words for _, words in sorted(rows, key=lambda r: r[0])] for rows in by_article.values()]
    return pooled, per_article


def _source_sentence(article_id: str, record: SentenceRecord) -> SourceSentence:
    return SourceSentence(article_id, record.position, record.text, tuple(record.index_terms.split()))


@dataclass(frozen=True)
class _Prepared:
    """An article cleaned, split and keyed: everything ingesting it needs before any look-up."""

    clean: ArticleInput
    digest: str
    now: datetime
    records: tuple[SentenceRecord, ...]
    sentences: list[str]
    keys: frozenset[str]


@dataclass
class _Material:
    """What merging an article into a story needs: the story's state, titles, sentences, keys."""

    story_id: str | None  # None: created earlier in the same batch, not stored yet
    status: StoryStatus
    topics: tuple[str, ...]
    titles: list[tuple[str, str | None]]  # (article id, title), oldest first
    records: list[SentenceRecord]
    keys: frozenset[str]  # without time buckets


class Newsroom:
    """Turns articles into briefings and answers questions from them."""

    def __init__(
        self,
        store: NewsroomStore,
        clock: Callable[[], datetime] | None = None,
        max_article_chars: int = 100_000,
    ) -> None:
        self._store = store
        self._clock = clock or _utcnow
        self._max_chars = max_article_chars
        self._answers = AnswerEngine(store)
        self.grouping_window: timedelta = DEFAULT_WINDOW

    # --- ingest -----------------------------------------------------------------------------

    def _clean(self, article: ArticleInput) -> ArticleInput:
        raw = article.text or ""
        if _looks_binary(raw):
            raise InvalidArticle(
                "That looks like a binary file, not article text. Paste the article's text instead."
            )
        if len(raw) > self._max_chars * 4:
            raise InvalidArticle(
                f"That article is too long: the limit is {self._max_chars:,} characters. "
                "Paste just the article body."
            )
        text = normalise(strip_html(raw))
        if not text:
            raise InvalidArticle("The article text is empty. Paste the article's text after the command.")
        if len(text) > self._max_chars:
            raise InvalidArticle(
                f"That article is too long: {len(text):,} characters, and the limit is "
                f"{self._max_chars:,}. Paste just the article body."
            )
        title = normalise(strip_html(article.title)) if article.title else None
        return ArticleInput(
            text=text,
            title=title or None,
            source=(article.source or "").strip() or None,
            url=(article.url or "").strip() or None,
            published_at=article.published_at,
            external_id=article.external_id,
            topics=tuple(t.strip() for t in article.topics if t and t.strip()),
        )

    @staticmethod
    def _source(article: ArticleInput) -> str:
        if article.source:
            return article.source
        if article.url:
            host = urlsplit(article.url if "//" in article.url else f"//{article.url}").hostname
            if host:
                return host.removeprefix("www.")
        return "pasted"

    def _prepare(self, article: ArticleInput) -> _Prepared:
        """Clean, split and key one article (the newsroom's own work before any look-up)."""
        clean = self._clean(article)
        digest = hash_text(clean.text, normalised=True)
        now = self._clock()
        all_sentences = split_sentences(clean.text)
        kept = [(i, s) for i, s in enumerate(all_sentences) if not is_junk(s)]
        if not kept:
            raise InvalidArticle(
                "I could not find any sentences in that text. Paste the article's body text."
            )
        records = tuple(SentenceRecord(NEW_ARTICLE, i, s, index_terms(s)) for i, s in kept)
        sentences = [s for _, s in kept]
        return _Prepared(clean, digest, now, records, sentences, grouping_keys(clean.title, sentences))

    def _plan(
        self,
        prepared: _Prepared,
        material: _Material | None,
        *,
        added_by: str,
        publish: bool,
    ) -> IngestPlan:
        """The plan of one ingest, given the story it joins (None: a new story)."""
        clean, records, sentences, keys, now = (
            prepared.clean,
            prepared.records,
            prepared.sentences,
            prepared.keys,
            prepared.now,
        )
        facts = tuple(f.to_new_fact() for f in extract_facts(sentences))
        if material is None:
            summary = summarise_story(
                [_source_sentence(NEW_ARTICLE, r) for r in records], {NEW_ARTICLE: clean.title}
            )
            status = StoryStatus.PUBLISHED if publish else StoryStatus.DRAFT
            story_keys = keys
            topics = _topics(keys, [summary.headline, *sentences[:12]], clean.topics)
        else:
            titles = dict(material.titles)
            titles[NEW_ARTICLE] = clean.title
            pooled = [_source_sentence(r.article_id, r) for r in material.records]
            pooled += [_source_sentence(NEW_ARTICLE, r) for r in records]
            summary = summarise_story(pooled, titles)
            status = material.status  # merging never publishes a draft nor revives a withdrawn story
            story_keys = merge_keys(material.keys, keys)
            topics = _topics(
                story_keys, [summary.headline, *sentences[:12]], (*clean.topics, *material.topics)
            )
        return IngestPlan(
            article=clean,
            content_hash=prepared.digest,
            source=self._source(clean),
            sentences=records,
            story_id=material.story_id if material else None,
            headline=summary.headline,
            summary=summary.text,
            status=status,
            topics=topics,
            grouping_keys=bucket_keys(story_keys, now),
            facts=facts,
            added_by=added_by,
            added_at=now,
            audit_action="add",
        )

    async def ingest(self, article: ArticleInput, *, added_by: str, publish: bool = True) -> IngestResult:
        """Store an article, group it into a story, and (re)summarise that story.

        Raises :class:`InvalidArticle` for empty, binary or over-long text. Text already stored
        (same content after normalisation) is not stored again: the result names the original.
        """
        prepared = self._prepare(article)
        # No look-up of the hash first: duplicates are rare, and save_ingest checks the hash in
        # its own transaction anyway (raising DuplicateArticle), which saves a round trip.
        material = await self._find_story(prepared.keys, prepared.records, prepared.now)
        plan = self._plan(prepared, material, added_by=added_by, publish=publish)
        try:
            saved_article, saved_story = await self._store.save_ingest(plan)
        except DuplicateArticle as exc:
            return await self._duplicate(exc.existing_article_id)
        return IngestResult(
            article=saved_article,
            story=saved_story,
            merged=material is not None,
            facts_added=len(plan.facts),
        )

    async def _duplicate(self, article_id: str) -> IngestResult:
        found = await self._store.articles([article_id])
        story = await self._store.story(found[0].story_id) if found else None
        return IngestResult(article=None, story=story, duplicate_of=article_id)

    async def _find_story(
        self, keys: frozenset[str], records: Sequence[SentenceRecord], now: datetime
    ) -> _Material | None:
        """The story the article belongs to, with its stored sentences and grouping keys."""
        wanted = lookup_keys(keys)
        if not wanted:
            return None  # no names: no story can pass the gate
        lookup = query_keys(wanted, now, self.grouping_window)
        candidates = await self._store.candidate_stories(lookup, now - self.grouping_window, 20)
        stored_keys = {c.story_id: unbucket(c.keys) for c in candidates}
        ours = [r.index_terms.split() for r in records]
        for decision in gate_candidates(keys, candidates, now=now, window=self.grouping_window):
            assert decision.story_id is not None
            story_records = await self._store.story_sentences(decision.story_id)
            pooled, per_article = _story_terms(story_records)
            verdict, _, _ = same_story(
                ours,
                pooled,
                story_articles=per_article,
                article_keys=keys,
                story_keys=stored_keys[decision.story_id],
            )
            if verdict:
                story = await self._store.story(decision.story_id)
                story_articles = await self._store.story_articles(story.id)
                return _Material(
                    story_id=story.id,
                    status=story.status,
                    topics=story.topics,
                    titles=[(a.id, a.title) for a in story_articles],
                    records=story_records,
                    keys=stored_keys[decision.story_id],
                )
        return None

    async def ingest_many(
        self, articles: Sequence[ArticleInput], *, added_by: str, publish: bool = True
    ) -> list[IngestResult | InvalidInput]:
        """Ingest a batch of articles as :meth:`ingest` would one by one, in far fewer round trips.

        Returns one entry per article, in order: its :class:`IngestResult`, or the
        :class:`InvalidInput` that refused it. Articles are grouped in memory against each
        other and against the stored stories (one look-up for the whole batch), and the batch is
        written in one transaction. Keep batches to a few hundred articles: memory grows with
        the batch.
        """
        return await _Batch(self, added_by=added_by, publish=publish).run(articles)

    async def refresh_statistics(self) -> None:
        """After a bulk load, let the store bring its search planning up to date."""
        await self._store.refresh_statistics()

    # --- questions and facts ----------------------------------------------------------------

    async def ask(self, question: str, *, previous: Answer | None = None) -> Answer:
        """Answer from published stories, with evidence and citations, or abstain (text None)."""
        if not question or not question.strip():
            raise InvalidInput("Ask a question after the command, for example: /ask who leads the NRF?")
        question = question.strip()
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(
                f"That question is {len(question):,} characters long; please keep it under {MAX_QUESTION_CHARS}."
            )
        return await self._answers.ask(question, previous=previous, now=self._clock())

    async def add_fact(self, story_id: str, statement: str, *, added_by: str) -> Fact:
        """Add a moderator's follow-up fact to a story. Raises NotFound for an unknown story."""
        await self._store.story(story_id)
        text = " ".join((statement or "").split())
        if not text:
            raise InvalidInput(
                "The fact is empty. Type it after the story id, for example: "
                "/fact <id> Ahmad Massoud leads the NRF"
            )
        parsed = parse_statement(text)
        return await self._store.add_fact(story_id, parsed.to_new_fact(), added_by=added_by, at=self._clock())

    # --- moderation -------------------------------------------------------------------------

    async def publish(self, story_id: str, *, actor: str) -> Story:
        return await self._store.update_story(
            story_id, actor=actor, action="publish", status=StoryStatus.PUBLISHED
        )

    async def withdraw(self, story_id: str, *, actor: str, reason: str = "") -> Story:
        return await self._store.update_story(
            story_id, actor=actor, action="withdraw", status=StoryStatus.WITHDRAWN, detail=reason
        )

    async def correct(self, story_id: str, summary: str, *, actor: str) -> Story:
        text = " ".join((summary or "").split())
        if not text:
            raise InvalidInput("The corrected summary is empty. Type it after the story id.")
        return await self._store.update_story(story_id, actor=actor, action="correct", summary=text)

    # --- briefings --------------------------------------------------------------------------

    async def briefing(self, story_id: str) -> Briefing:
        """A story with one citation per article and its current facts. Raises NotFound."""
        story = await self._store.story(story_id)
        articles = await self._store.story_articles(story_id)
        facts = await self._store.story_facts(story_id)
        return Briefing(story, tuple(Citation.from_article(a) for a in articles), tuple(facts))

    async def briefings(self, *, include_drafts: bool = False, limit: int = 10) -> list[Briefing]:
        statuses = [StoryStatus.PUBLISHED, StoryStatus.DRAFT] if include_drafts else [StoryStatus.PUBLISHED]
        stories = await self._store.stories(statuses=statuses, limit=limit)
        return [await self.briefing(s.id) for s in stories]

# A batch asks storage for this many candidates per article beyond the 20 that grouping
# weighs, so that stories the batch itself changed can be set aside without a second look-up.
_CANDIDATE_MARGIN = 10
_CANDIDATES = 20


@dataclass
class _BatchStory:
    """A story as a batch sees it: stored and touched by the batch, or created by it."""

    ref: str  # the stored id, or a "batch:<n>" placeholder
    order: tuple[int, int]  # ties in the candidate ranking go to the higher (newer) id
    material: _Material
    bucketed: frozenset[str]  # keys with their time bucket, as storage would hold them
    updated_at: datetime
    entry: int | None = None  # index of the batch entry that creates it (new stories)
    last_entry: int | None = None  # the latest entry of the batch written to it


class _Batch:
    """One :meth:`Newsroom.ingest_many` call: grouping within the batch in memory, then one write."""

    def __init__(self, newsroom: Newsroom, *, added_by: str, publish: bool) -> None:
        self._newsroom = newsroom
        self._store = newsroom._store
        self._window = newsroom.grouping_window
        self._added_by = added_by
        self._publish = publish
        self._stories: dict[str, _BatchStory] = {}  # by ref, every story the batch touched
        self._postings: dict[str, set[str]] = defaultdict(set)  # bucketed key -> refs
        self._material: dict[str, _Material] = {}  # stored stories fetched for a closer look
        self._created = 0
        self._entry_story: list[str] = []  # entry index -> ref of the story it writes to

    async def run(self, articles: Sequence[ArticleInput]) -> list[IngestResult | InvalidInput]:
        newsroom = self._newsroom
        results: list[IngestResult | InvalidInput | None] = [None] * len(articles)
        prepared: list[tuple[int, _Prepared]] = []
        for index, article in enumerate(articles):
            try:
                prepared.append((index, newsroom._prepare(article)))
            except InvalidInput as exc:
                results[index] = exc
        if not prepared:
            return [r for r in results if r is not None]
        stored = await self._store.articles_by_hash([p.digest for _, p in prepared])
        first_of: dict[str, int] = {}  # content hash -> the batch article carrying it first
        fresh: list[tuple[int, _Prepared]] = []
        for index, item in prepared:
            if item.digest not in stored and item.digest not in first_of:
                first_of[item.digest] = index
                fresh.append((index, item))
        keyed = [(index, item) for index, item in fresh if lookup_keys(item.keys)]
        limit = _CANDIDATES + _CANDIDATE_MARGIN
        found = await self._store.candidate_stories_many(
            [(query_keys(lookup_keys(p.keys), p.now, self._window), p.now - self._window) for _, p in keyed],
            limit,
        )
        candidates = {index: listed for (index, _), listed in zip(keyed, found, strict=True)}
        await self._prefetch(keyed, candidates)

        entries: list[BatchIngest] = []
        entry_of: dict[int, int] = {}  # article index -> entry index
        merged: dict[int, bool] = {}
        # A duplicate's result: ready (its story untouched by the batch), or to be completed once
        # the batch is written: (the original's id, or the entry that stores the original text;
        # the entry whose result holds the story as it stood when the duplicate came).
        ready: dict[int, IngestResult] = {}
        pending: dict[int, tuple[str | int, int]] = {}
        for index, item in prepared:
            if item.digest in stored:
                original = stored[item.digest]
                touched = self._stories.get(original.story_id)
                if touched is not None and touched.last_entry is not None:
                    pending[index] = (original.id, touched.last_entry)
                else:
                    story = await self._load_story(original.story_id)
                    ready[index] = IngestResult(None, story, duplicate_of=original.id)
                continue
            if first_of[item.digest] != index:
                first_entry = entry_of[first_of[item.digest]]
                last = self._stories[self._entry_story[first_entry]].last_entry
                assert last is not None
                pending[index] = (first_entry, last)
                continue
            batch_story = await self._find(item, candidates.get(index, []), limit)
            material = batch_story.material if batch_story else None
            plan = newsroom._plan(item, material, added_by=self._added_by, publish=self._publish)
            merged[index] = batch_story is not None
            entry_of[index] = len(entries)
            entries.append(self._record(index, item, plan, batch_story))
        try:
            saved = await self._store.save_ingests(entries)
        except DuplicateArticle:
            # Another writer stored one of these texts meanwhile: nothing was written; take the
            # batch one by one, which settles each duplicate on its own.
            return await self._one_by_one(articles)
        for index, entry_index in entry_of.items():
            article, story = saved[entry_index]
            results[index] = IngestResult(
                article=article,
                story=story,
                merged=merged[index],
                facts_added=len(entries[entry_index].plan.facts),
            )
        for index, result in ready.items():
            results[index] = result
        for index, (original, story_entry) in pending.items():
            original_id = original if isinstance(original, str) else saved[original][0].id
            results[index] = IngestResult(None, saved[story_entry][1], duplicate_of=original_id)
        return [r for r in results if r is not None]

    async def _one_by_one(self, articles: Sequence[ArticleInput]) -> list[IngestResult | InvalidInput]:
        out: list[IngestResult | InvalidInput] = []
        for article in articles:
            try:
                result = await self._newsroom.ingest(article, added_by=self._added_by, publish=self._publish)
                out.append(result)
            except InvalidInput as exc:
                out.append(exc)
        return out

    async def _load_story(self, story_id: str) -> Story | None:
        try:
            return await self._store.story(story_id)
        except NotFound:
            return None

    async def _prefetch(
        self, keyed: list[tuple[int, _Prepared]], candidates: dict[int, list[StoryCandidate]]
    ) -> None:
        """Fetch, in one go, the stored stories that pass the key gate for any article."""
        wanted: set[str] = set()
        for index, item in keyed:
            for decision in gate_candidates(
                item.keys, candidates[index][:_CANDIDATES], now=item.now, window=self._window
            ):
                assert decision.story_id is not None
                wanted.add(decision.story_id)
        if wanted:
            await self._fetch(sorted(wanted))

    async def _fetch(self, story_ids: Sequence[str]) -> None:
        material = await self._store.grouping_material(story_ids)
        for story_id, (story, titles, records) in material.items():
            self._material[story_id] = _Material(
                story.id, story.status, story.topics, titles, records, frozenset()
            )

    async def _find(self, item: _Prepared, stored: list[StoryCandidate], limit: int) -> _BatchStory | None:
        """The story an article joins, as :meth:`Newsroom._find_story` would find it had the
        batch's earlier articles been stored one by one."""
        wanted = lookup_keys(item.keys)
        if not wanted:
            return None
        since = item.now - self._window
        lookup = query_keys(wanted, item.now, self._window)
        untouched = [c for c in stored if c.story_id not in self._stories]
        if len(stored) >= limit and len(untouched) < _CANDIDATES:
            # The batch changed so many of this article's candidates that the look-up's margin
            # ran out: ask again for this one article.
            asked = await self._store.candidate_stories(lookup, since, _CANDIDATES + len(self._stories))
            untouched = [c for c in asked if c.story_id not in self._stories]
        shared: dict[str, int] = defaultdict(int)
        for key in lookup:
            for ref in self._postings.get(key, ()):
                shared[ref] += 1
        ranked: list[tuple[StoryCandidate, tuple[int, int]]] = [
            (c, (0, int(c.story_id) if c.story_id.isdigit() else 0)) for c in untouched[:_CANDIDATES]
        ]
        for ref, count in shared.items():
            batch_story = self._stories[ref]
            if batch_story.updated_at >= since:
                candidate = StoryCandidate(ref, count, batch_story.bucketed, batch_story.updated_at)
                ranked.append((candidate, batch_story.order))
        # The store's order: most shared keys, then newest update, then highest id.
        ranked.sort(key=lambda pair: (pair[0].shared_keys, pair[0].updated_at, pair[1]), reverse=True)
        candidates = [c for c, _ in ranked[:_CANDIDATES]]
        keys_of = {c.story_id: c.keys for c in candidates}
        ours = [r.index_terms.split() for r in item.records]
        for decision in gate_candidates(item.keys, candidates, now=item.now, window=self._window):
            ref = decision.story_id
            assert ref is not None
            batch_story = self._stories.get(ref)
            if batch_story is not None:
                material = batch_story.material
            else:
                if ref not in self._material:
                    await self._fetch([ref])
                if ref not in self._material:
                    continue  # deleted meanwhile
                material = self._material[ref]
            pooled, per_article = _story_terms(material.records)
            verdict, _, _ = same_story(
                ours, pooled, story_articles=per_article, article_keys=item.keys, story_keys=keys_of[ref]
            )
            if not verdict:
                continue
            if batch_story is None:
                material.keys = unbucket(keys_of[ref])
                batch_story = _BatchStory(
                    ref=ref,
                    order=(0, int(ref) if ref.isdigit() else 0),
                    material=material,
                    bucketed=frozenset(keys_of[ref]),
                    updated_at=item.now,
                )
                self._stories[ref] = batch_story
                for key in batch_story.bucketed:
                    self._postings[key].add(ref)
            return batch_story
        return None

    def _record(
        self, index: int, item: _Prepared, plan: IngestPlan, batch_story: _BatchStory | None
    ) -> BatchIngest:
        """Note an ingest in the batch's view of its story; the entry that will write it."""
        entry_index = len(self._entry_story)
        article_ref = f"batch:{index}"
        records = [SentenceRecord(article_ref, r.position, r.text, r.index_terms) for r in item.records]
        if batch_story is None:
            self._created += 1
            ref = f"batch:story:{self._created}"
            batch_story = _BatchStory(
                ref=ref,
                order=(1, self._created),
                material=_Material(None, plan.status, plan.topics, [], [], frozenset()),
                bucketed=frozenset(),
                updated_at=item.now,
                entry=entry_index,
            )
            self._stories[ref] = batch_story
            entry = BatchIngest(plan)
        elif batch_story.entry is not None:
            entry = BatchIngest(plan, joins=batch_story.entry)
        else:
            entry = BatchIngest(plan)
        for key in batch_story.bucketed:
            self._postings[key].discard(batch_story.ref)
        batch_story.bucketed = plan.grouping_keys
        for key in plan.grouping_keys:
            self._postings[key].add(batch_story.ref)
        material = batch_story.material
        material.status = plan.status
        material.topics = plan.topics
        material.titles = [*material.titles, (article_ref, item.clean.title)]
        material.records = [*material.records, *records]
        material.keys = unbucket(plan.grouping_keys)
        batch_story.updated_at = item.now
        batch_story.last_entry = entry_index
        self._entry_story.append(batch_story.ref)
        return entry


__all__ = ["InvalidArticle", "InvalidInput", "Newsroom"]
