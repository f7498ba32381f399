"""The newsroom service the bot calls: ingest, ask, facts, moderation, briefings, digests."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from briefings.answer import AnswerEngine
from briefings.digest import choose_briefings
from briefings.facts import extract_facts, parse_statement
from briefings.models import (
    Answer,
    Article,
    ArticleInput,
    Briefing,
    Citation,
    Fact,
    IngestPlan,
    IngestResult,
    SentenceRecord,
    Story,
    StoryStatus,
)
from briefings.ports import DuplicateArticle, NewsroomStore, NotFound
from briefings.stories import (
    DEFAULT_WINDOW,
    bucket_keys,
    gate_candidates,
    grouping_keys,
    key_term,
    merge_keys,
    query_keys,
    same_story,
    unbucket,
)
from briefings.summarise import SourceSentence, summarise_story
from briefings.text import content_hash as hash_text
from briefings.text import index_terms, is_junk, normalise, split_sentences, stem, strip_html, tokens


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


def _citation(article: Article) -> Citation:
    return Citation(
        article_id=article.id,
        story_id=article.story_id,
        outlet=article.source,
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        external_id=article.external_id,
    )


def _topics(keys: frozenset[str], texts: Sequence[str], given: Sequence[str] = ()) -> tuple[str, ...]:
    """Topics given with the articles first, then the story's names among its grouping keys,
    as written in ``texts`` (the headline and the newest article's first sentences)."""
    names = {key_term(k) for k in keys if k.startswith("n:")}
    surface: dict[str, str] = {}
    for sentence in texts:
        for token in tokens(sentence):
            if token[:1].isupper() and len(surface) < len(names):
                term = stem(token.lower().replace(".", "").replace("-", ""))
                if term in names:
                    surface.setdefault(term, token.removesuffix("'s").removesuffix("’s"))
    named = sorted(surface.values(), key=str.lower)
    return tuple(dict.fromkeys([*given, *named]))[:MAX_TOPICS]


def _source_sentence(article_id: str, record: SentenceRecord) -> SourceSentence:
    return SourceSentence(article_id, record.position, record.text, tuple(record.index_terms.split()))


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

    async def ingest(self, article: ArticleInput, *, added_by: str, publish: bool = True) -> IngestResult:
        """Store an article, group it into a story, and (re)summarise that story.

        Raises :class:`InvalidArticle` for empty, binary or over-long text. Text already stored
        (same content after normalisation) is not stored again: the result names the original.
        """
        clean = self._clean(article)
        digest = hash_text(clean.text, normalised=True)
        # No look-up of the hash first: duplicates are rare, and save_ingest checks the hash in
        # its own transaction anyway (raising DuplicateArticle), which saves a round trip.
        now = self._clock()
        all_sentences = split_sentences(clean.text)
        kept = [(i, s) for i, s in enumerate(all_sentences) if not is_junk(s)]
        if not kept:
            raise InvalidArticle(
                "I could not find any sentences in that text. Paste the article's body text."
            )
        records = tuple(SentenceRecord(NEW_ARTICLE, i, s, index_terms(s)) for i, s in kept)
        sentences = [s for _, s in kept]
        keys = grouping_keys(clean.title, sentences)
        story, story_records, stored_keys = await self._find_story(keys, records, now)
        facts = tuple(f.to_new_fact() for f in extract_facts(sentences))

        if story is None:
            summary = summarise_story(
                [_source_sentence(NEW_ARTICLE, r) for r in records], {NEW_ARTICLE: clean.title}
            )
            status = StoryStatus.PUBLISHED if publish else StoryStatus.DRAFT
            story_keys = keys
            topics = _topics(keys, [summary.headline, *sentences[:12]], clean.topics)
        else:
            story_articles = await self._store.story_articles(story.id)
            titles: dict[str, str | None] = {a.id: a.title for a in story_articles}
            titles[NEW_ARTICLE] = clean.title
            pooled = [_source_sentence(r.article_id, r) for r in story_records]
            pooled += [_source_sentence(NEW_ARTICLE, r) for r in records]
            summary = summarise_story(pooled, titles)
            status = story.status  # merging never publishes a draft nor revives a withdrawn story
            story_keys = merge_keys(stored_keys, keys)
            topics = _topics(story_keys, [summary.headline, *sentences[:12]], (*clean.topics, *story.topics))
        plan = IngestPlan(
            article=clean,
            content_hash=digest,
            source=self._source(clean),
            sentences=records,
            story_id=story.id if story else None,
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
        try:
            saved_article, saved_story = await self._store.save_ingest(plan)
        except DuplicateArticle as exc:
            return await self._duplicate(exc.existing_article_id)
        return IngestResult(
            article=saved_article, story=saved_story, merged=story is not None, facts_added=len(facts)
        )

    async def _duplicate(self, article_id: str) -> IngestResult:
        found = await self._store.articles([article_id])
        story = await self._store.story(found[0].story_id) if found else None
        return IngestResult(article=None, story=story, duplicate_of=article_id)

    async def _find_story(
        self, keys: frozenset[str], records: Sequence[SentenceRecord], now: datetime
    ) -> tuple[Story | None, list[SentenceRecord], frozenset[str]]:
        """The story the article belongs to, its stored sentences and grouping keys."""
        if not keys:
            return None, [], frozenset()
        lookup = query_keys(keys, now, self.grouping_window)
        candidates = await self._store.candidate_stories(lookup, now - self.grouping_window, 20)
        stored_keys = {c.story_id: unbucket(c.keys) for c in candidates}
        ours = [r.index_terms.split() for r in records]
        for decision in gate_candidates(keys, candidates, now=now, window=self.grouping_window):
            assert decision.story_id is not None
            story_records = await self._store.story_sentences(decision.story_id)
            verdict, _, _ = same_story(ours, [r.index_terms.split() for r in story_records])
            if verdict:
                story = await self._store.story(decision.story_id)
                return story, story_records, stored_keys[decision.story_id]
        return None, [], frozenset()

    # --- questions and facts ----------------------------------------------------------------

    async def ask(self, question: str, *, previous: Answer | None = None) -> Answer:
        """Answer from published stories, with evidence and citations, or abstain (text None)."""
        if not question or not question.strip():
            raise InvalidInput("Ask a question after the command, for example: /ask who leads the NRF?")
        return await self._answers.ask(question.strip(), previous=previous, now=self._clock())

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
        return Briefing(story, tuple(_citation(a) for a in articles), tuple(facts))

    async def briefings(self, *, include_drafts: bool = False, limit: int = 10) -> list[Briefing]:
        statuses = [StoryStatus.PUBLISHED, StoryStatus.DRAFT] if include_drafts else [StoryStatus.PUBLISHED]
        stories = await self._store.stories(statuses=statuses, limit=limit)
        return [await self.briefing(s.id) for s in stories]

    async def digest(
        self,
        *,
        topics: Sequence[str],
        since: datetime | None,
        now: datetime,
        sent_story_ids: Collection[str] = (),
        limit: int = 10,
    ) -> list[Briefing]:
        """The briefings of one subscriber's digest, most important first.

        A story in ``sent_story_ids`` appears only if it gained a fact or an article after
        ``since``; the caller can mark it as an update by that membership.
        """
        stories = await self._store.published_between(since, now)
        # A sent story may have gained a fact without being updated itself: look at each one.
        listed = {s.id for s in stories}
        for story_id in sent_story_ids:
            if story_id not in listed:
                try:
                    stories.append(await self._store.story(story_id))
                except NotFound:
                    continue
        changed: dict[str, datetime] = {}
        for story in stories:
            if story.id in sent_story_ids:
                moments = [f.added_at for f in await self._store.story_facts(story.id)]
                moments += [a.added_at for a in await self._store.story_articles(story.id)]
                if moments:
                    changed[story.id] = max(moments)
        items = choose_briefings(
            stories,
            topics=topics,
            since=since,
            now=now,
            sent_story_ids=sent_story_ids,
            changed_since=changed,
            limit=limit,
        )
        return [await self.briefing(item.story.id) for item in items]


__all__ = ["InvalidArticle", "InvalidInput", "Newsroom"]
