"""The SQL implementation of :class:`briefings.ports.BotStore` (SQLite and PostgreSQL).

Every public method is one transaction on its own connection, written with SQLAlchemy
Core against the tables of :mod:`storage.tables` so that bulk writes stay cheap and
nothing is ever loaded lazily. Rows are converted to the frozen dataclasses of
:mod:`briefings.models` before they leave this module; integer keys become strings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from briefings.models import (
    Article,
    AuditEntry,
    Delivery,
    DeliveryStatus,
    Fact,
    IngestPlan,
    NewFact,
    SentenceHit,
    SentenceRecord,
    Story,
    StoryCandidate,
    StoryStatus,
    Subscription,
    SubscriptionStatus,
)
from briefings.ports import DuplicateArticle, NotFound
from briefings.text import index_terms
from storage.engine import WRITE_OPTION
from storage.errors import translate_errors
from storage.tables import (
    ArticleRow,
    AuditRow,
    DeliveryRow,
    FactRow,
    SentenceRow,
    StoryKeyRow,
    StoryRow,
    SubscriptionRow,
    UTCDateTime,
)

_articles = ArticleRow.__table__
_stories = StoryRow.__table__
_story_keys = StoryKeyRow.__table__
_sentences = SentenceRow.__table__
_facts = FactRow.__table__
_subscriptions = SubscriptionRow.__table__
_deliveries = DeliveryRow.__table__
_audit = AuditRow.__table__

# Integer keys are 32-bit on PostgreSQL; anything larger cannot be an id of ours.
_MAX_ID = 2**31 - 1
# A question never needs more terms than this; the cap keeps one query's cost bounded.
_MAX_QUERY_TERMS = 64
_PUBLISHED = StoryStatus.PUBLISHED.value
# Ranked matches fetched before the published filter; grown eightfold when too few survive.
_FIRST_WINDOW = 200
_LAST_WINDOW = 12_800


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime | None) -> datetime | None:
    """What a stored timestamp reads back as: aware UTC (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_id(value: str | int | None, noun: str) -> int:
    """The integer key behind a domain id; :class:`NotFound` ("no briefing 'abc'") otherwise."""
    text_value = str(value).strip() if value is not None else ""
    if text_value.isascii() and text_value.isdigit():
        number = int(text_value)
        if 0 < number <= _MAX_ID:
            return number
    raise NotFound(f"no {noun} {str(value)!r}")


def _maybe_id(value: str | int | None) -> int | None:
    try:
        return parse_id(value, "row")
    except NotFound:
        return None


def _same_words(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


def _query_terms(terms: Iterable[str]) -> list[str]:
    """The distinct, non-blank terms of a query, at most ``_MAX_QUERY_TERMS`` of them."""
    seen: dict[str, None] = {}
    for term in terms:
        cleaned = " ".join(str(term).replace("\x00", " ").split()).lower()
        if cleaned and any(character.isalnum() for character in cleaned):
            seen.setdefault(cleaned, None)
        if len(seen) >= _MAX_QUERY_TERMS:
            break
    return list(seen)


def fts5_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression that ORs ``terms``, each as a quoted phrase.

    Inside double quotes FTS5 treats everything as text to tokenise (``NEAR``, ``OR``,
    ``*``, ``-``, ``:`` lose their meaning); a double quote inside a term is escaped by
    doubling it. So no term can change the shape of the query.
    """
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _time_text(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _parse_time(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


# --- row conversion -----------------------------------------------------------------------


def _article(row: Row[Any]) -> Article:
    return Article(
        id=str(row.id),
        source=row.source,
        url=row.url,
        title=row.title,
        text=row.text,
        published_at=row.published_at,
        content_hash=row.content_hash,
        story_id=str(row.story_id),
        external_id=row.external_id,
        added_at=row.added_at,
    )


def _story(row: Row[Any], article_ids: Sequence[int] = ()) -> Story:
    return Story(
        id=str(row.id),
        headline=row.headline,
        summary=row.summary,
        status=StoryStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
        topics=tuple(row.topics or ()),
        article_ids=tuple(str(article_id) for article_id in article_ids),
    )


def _fact(row: Row[Any]) -> Fact:
    return Fact(
        id=str(row.id),
        story_id=str(row.story_id),
        subject=row.subject,
        relation=row.relation,
        object=row.object,
        evidence=row.evidence,
        article_id=str(row.article_id) if row.article_id is not None else None,
        added_by=row.added_by,
        added_at=row.added_at,
        superseded_by=str(row.superseded_by) if row.superseded_by is not None else None,
    )


def _subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        id=str(row.id),
        platform=row.platform,
        chat_id=row.chat_id,
        thread_id=row.thread_id or None,
        subscriber_id=row.subscriber_id,
        local_time=_parse_time(row.local_time),
        timezone=row.timezone,
        days=row.days,
        topics=tuple(row.topics or ()),
        send_empty=bool(row.send_empty),
        status=SubscriptionStatus(row.status),
        paused_reason=row.paused_reason,
        created_at=row.created_at,
        last_digest_at=row.last_digest_at,
    )


def _delivery(row: Row[Any]) -> Delivery:
    return Delivery(
        id=str(row.id),
        subscription_id=str(row.subscription_id),
        idempotency_key=row.idempotency_key,
        period_start=row.period_start,
        period_end=row.period_end,
        due_at=row.due_at,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        story_ids=tuple(str(story_id) for story_id in (row.story_ids or ())),
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def _audit_entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=str(row.id),
        actor=row.actor,
        action=row.action,
        target=row.target,
        detail=row.detail,
        at=row.at,
    )


def _subscription_values(subscription: Subscription) -> dict[str, Any]:
    return {
        "platform": subscription.platform,
        "chat_id": subscription.chat_id,
        "thread_id": subscription.thread_id or "",
        "subscriber_id": subscription.subscriber_id,
        "local_time": _time_text(subscription.local_time),
        "timezone": subscription.timezone,
        "days": subscription.days,
        "topics": list(subscription.topics),
        "send_empty": subscription.send_empty,
        "status": SubscriptionStatus(subscription.status).value,
        "paused_reason": subscription.paused_reason,
    }


class SqlStore:
    """Briefbot's storage on SQLite or PostgreSQL; implements :class:`briefings.ports.BotStore`.

    The engine is the caller's: this object does not dispose of it. ``clock`` gives the
    time for rows that the protocol does not date (moderator edits, sends).
    """

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self._url = engine.url
        self._clock = clock or _utcnow
        self._dialect = engine.dialect.name

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    # --- transactions -------------------------------------------------------------------

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        with translate_errors(self._url):
            async with self._engine.connect() as connection:
                yield connection

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        with translate_errors(self._url):
            async with self._engine.connect() as connection:
                # BEGIN IMMEDIATE on SQLite: take the write lock first, so that a busy
                # database makes us wait (busy timeout) instead of failing mid-transaction.
                connection = await connection.execution_options(**{WRITE_OPTION: True})
                async with connection.begin():
                    yield connection

    # --- articles -------------------------------------------------------------------------

    async def article_by_hash(self, content_hash: str) -> Article | None:
        async with self._read() as connection:
            row = (await connection.execute(select(_articles).where(_articles.c.content_hash == content_hash))).first()
        return _article(row) if row is not None else None

    async def article_by_url(self, url: str) -> Article | None:
        async with self._read() as connection:
            row = (
                await connection.execute(
                    select(_articles).where(_articles.c.url == url).order_by(_articles.c.id).limit(1)
                )
            ).first()
        return _article(row) if row is not None else None

    async def articles(self, article_ids: Sequence[str]) -> list[Article]:
        wanted = [number for number in (_maybe_id(article_id) for article_id in article_ids) if number]
        if not wanted:
            return []
        async with self._read() as connection:
            rows = await connection.execute(select(_articles).where(_articles.c.id.in_(set(wanted))))
            found = {row.id: _article(row) for row in rows}
        return [found[number] for number in wanted if number in found]

    async def story_articles(self, story_id: str) -> list[Article]:
        number = _maybe_id(story_id)
        if number is None:
            return []
        async with self._read() as connection:
            rows = await connection.execute(
                select(_articles).where(_articles.c.story_id == number).order_by(_articles.c.added_at, _articles.c.id)
            )
            return [_article(row) for row in rows]

    async def story_sentences(self, story_id: str) -> list[SentenceRecord]:
        number = _maybe_id(story_id)
        if number is None:
            return []
        async with self._read() as connection:
            rows = await connection.execute(
                select(_sentences)
                .join(_articles, _articles.c.id == _sentences.c.article_id)
                .where(_articles.c.story_id == number)
                .order_by(_articles.c.added_at, _articles.c.id, _sentences.c.position)
            )
            return [
                SentenceRecord(
                    article_id=str(row.article_id),
                    position=row.position,
                    text=row.text,
                    index_terms=row.index_terms,
                )
                for row in rows
            ]

    async def count_articles(self) -> int:
        async with self._read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(_articles)) or 0)

    # --- stories --------------------------------------------------------------------------

    async def _stories_with_articles(self, connection: AsyncConnection, rows: Sequence[Row[Any]]) -> list[Story]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        by_story: dict[int, list[int]] = {story_id: [] for story_id in ids}
        article_rows = await connection.execute(
            select(_articles.c.story_id, _articles.c.id)
            .where(_articles.c.story_id.in_(ids))
            .order_by(_articles.c.added_at, _articles.c.id)
        )
        for article_row in article_rows:
            by_story[article_row.story_id].append(article_row.id)
        return [_story(row, by_story[row.id]) for row in rows]

    async def _load_story(self, connection: AsyncConnection, story_id: int, asked: str) -> Story:
        row = (await connection.execute(select(_stories).where(_stories.c.id == story_id))).first()
        if row is None:
            raise NotFound(f"no briefing {asked!r}")
        return (await self._stories_with_articles(connection, [row]))[0]

    async def story(self, story_id: str) -> Story:
        number = parse_id(story_id, "briefing")
        async with self._read() as connection:
            return await self._load_story(connection, number, story_id)

    async def stories(
        self,
        statuses: Sequence[StoryStatus] | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[Story]:
        query = select(_stories)
        if statuses is not None:
            query = query.where(_stories.c.status.in_([StoryStatus(status).value for status in statuses]))
        if since is not None:
            query = query.where(_stories.c.updated_at >= since)
        query = query.order_by(_stories.c.updated_at.desc(), _stories.c.id.desc()).limit(max(0, limit))
        async with self._read() as connection:
            rows = (await connection.execute(query)).all()
            return await self._stories_with_articles(connection, rows)

    async def published_between(self, start: datetime | None, end: datetime) -> list[Story]:
        def within(column: Any) -> ColumnElement[bool]:
            upper = column <= end
            return and_(column > start, upper) if start is not None else upper

        query = (
            select(_stories)
            .where(
                _stories.c.status == _PUBLISHED,
                or_(within(_stories.c.published_at), within(_stories.c.updated_at)),
            )
            .order_by(_stories.c.updated_at.desc(), _stories.c.id.desc())
        )
        async with self._read() as connection:
            rows = (await connection.execute(query)).all()
            return await self._stories_with_articles(connection, rows)

    async def candidate_stories(self, keys: Sequence[str], since: datetime | None, limit: int) -> list[StoryCandidate]:
        wanted = sorted({key for key in keys if key})
        if not wanted or limit <= 0:
            return []
        shared = func.count().label("shared")
        query = (
            select(_story_keys.c.story_id, shared, _stories.c.updated_at)
            .join(_stories, _stories.c.id == _story_keys.c.story_id)
            .where(_story_keys.c.key.in_(wanted))
            .group_by(_story_keys.c.story_id, _stories.c.updated_at)
            .order_by(shared.desc(), _stories.c.updated_at.desc(), _story_keys.c.story_id.desc())
            .limit(limit)
        )
        if since is not None:
            query = query.where(_stories.c.updated_at >= since)
        async with self._read() as connection:
            rows = (await connection.execute(query)).all()
            if not rows:
                return []
            key_sets: dict[int, set[str]] = {row.story_id: set() for row in rows}
            key_rows = await connection.execute(
                select(_story_keys.c.story_id, _story_keys.c.key).where(_story_keys.c.story_id.in_(list(key_sets)))
            )
            for key_row in key_rows:
                key_sets[key_row.story_id].add(key_row.key)
        return [
            StoryCandidate(
                story_id=str(row.story_id),
                shared_keys=int(row.shared),
                keys=frozenset(key_sets[row.story_id]),
                updated_at=row.updated_at,
            )
            for row in rows
        ]

    async def save_ingest(self, plan: IngestPlan) -> tuple[Article, Story]:
        try:
            return await self._save_ingest(plan)
        except IntegrityError as error:
            # The unique content hash is the duplicate check: no extra query per ingest, and
            # it also holds when two writers store the same text at once.
            existing = await self.article_by_hash(plan.content_hash)
            if existing is not None:
                raise DuplicateArticle(existing.id) from error
            raise

    async def _save_ingest(self, plan: IngestPlan) -> tuple[Article, Story]:
        # Round trips are the cost of a bulk ingest (each one is a thread hop on aiosqlite),
        # so rows are built from the values we write instead of being read back.
        at = _as_utc(plan.added_at)
        status = StoryStatus(plan.status)
        article = plan.article
        async with self._write() as connection:
            story_values: dict[str, Any] = {
                "headline": plan.headline,
                "summary": plan.summary,
                "status": status.value,
                "topics": list(plan.topics),
                "updated_at": at,
            }
            if plan.story_id is None:
                published_at = at if status is StoryStatus.PUBLISHED else None
                story_id = int(
                    await connection.scalar(
                        insert(_stories)
                        .values(**story_values, created_at=at, published_at=published_at)
                        .returning(_stories.c.id)
                    )
                )
                created_at = at
            else:
                story_id = parse_id(plan.story_id, "briefing")
                if status is StoryStatus.PUBLISHED:
                    # keep the first publication time
                    story_values["published_at"] = func.coalesce(_stories.c.published_at, literal(at, UTCDateTime()))
                updated = (
                    await connection.execute(
                        update(_stories)
                        .where(_stories.c.id == story_id)
                        .values(**story_values)
                        .returning(_stories.c.created_at, _stories.c.published_at)
                    )
                ).first()
                if updated is None:
                    raise NotFound(f"no briefing {plan.story_id!r}")
                created_at, published_at = updated.created_at, updated.published_at

            article_id = int(
                await connection.scalar(
                    insert(_articles)
                    .values(
                        source=plan.source,
                        url=article.url,
                        title=article.title,
                        text=article.text,
                        published_at=article.published_at,
                        content_hash=plan.content_hash,
                        external_id=article.external_id,
                        story_id=story_id,
                        added_at=at,
                        added_by=plan.added_by,
                    )
                    .returning(_articles.c.id)
                )
            )
            if plan.sentences:
                # executemany: one round trip for all sentences; the FTS5 rows follow by
                # trigger (SQLite) or generated column (PostgreSQL).
                await connection.execute(
                    insert(_sentences),
                    [
                        {
                            "article_id": article_id,
                            "position": sentence.position,
                            "text": sentence.text,
                            "index_terms": sentence.index_terms,
                        }
                        for sentence in plan.sentences
                    ],
                )
            if plan.story_id is not None:
                await connection.execute(delete(_story_keys).where(_story_keys.c.story_id == story_id))
            keys = sorted({key for key in plan.grouping_keys if key})
            if keys:
                await connection.execute(insert(_story_keys), [{"story_id": story_id, "key": key} for key in keys])
            if plan.facts:
                facts = [
                    (fact, article_id if fact.article_id is None else parse_id(fact.article_id, "article"))
                    for fact in plan.facts
                ]
                await self._insert_facts(
                    connection, story_id, facts, plan.added_by, at, new_story=plan.story_id is None
                )
            if plan.audit_action:
                await self._insert_audit(
                    connection,
                    actor=plan.added_by,
                    action=plan.audit_action,
                    target=str(story_id),
                    detail=f"article {article_id} from {plan.source}" + (f": {article.title}" if article.title else ""),
                    at=at,
                )
            if plan.story_id is None:
                article_ids: Sequence[int] = (article_id,)
            else:
                article_ids = (
                    await connection.scalars(
                        select(_articles.c.id)
                        .where(_articles.c.story_id == story_id)
                        .order_by(_articles.c.added_at, _articles.c.id)
                    )
                ).all()
        stored = Article(
            id=str(article_id),
            source=plan.source,
            url=article.url,
            title=article.title,
            text=article.text,
            published_at=_as_utc(article.published_at),
            content_hash=plan.content_hash,
            story_id=str(story_id),
            external_id=article.external_id,
            added_at=at,
        )
        story = Story(
            id=str(story_id),
            headline=plan.headline,
            summary=plan.summary,
            status=status,
            created_at=created_at,
            updated_at=at,
            published_at=published_at,
            topics=tuple(plan.topics),
            article_ids=tuple(str(number) for number in article_ids),
        )
        return stored, story

    async def update_story(
        self,
        story_id: str,
        *,
        actor: str,
        action: str,
        status: StoryStatus | None = None,
        summary: str | None = None,
        headline: str | None = None,
        detail: str = "",
    ) -> Story:
        number = parse_id(story_id, "briefing")
        now = self._clock()
        async with self._write() as connection:
            row = (await connection.execute(select(_stories.c.published_at).where(_stories.c.id == number))).first()
            if row is None:
                raise NotFound(f"no briefing {story_id!r}")
            values: dict[str, Any] = {"updated_at": now}
            if status is not None:
                values["status"] = StoryStatus(status).value
                if status is StoryStatus.PUBLISHED and row.published_at is None:
                    values["published_at"] = now
            if summary is not None:
                values["summary"] = summary
            if headline is not None:
                values["headline"] = headline
            await connection.execute(update(_stories).where(_stories.c.id == number).values(**values))
            await self._insert_audit(connection, actor=actor, action=action, target=str(number), detail=detail, at=now)
            return await self._load_story(connection, number, story_id)

    async def count_stories(self) -> int:
        async with self._read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(_stories)) or 0)

    # --- facts ----------------------------------------------------------------------------

    async def _insert_facts(
        self,
        connection: AsyncConnection,
        story_id: int,
        facts: Sequence[tuple[NewFact, int | None]],
        added_by: str,
        at: datetime,
        *,
        new_story: bool = False,
    ) -> list[int]:
        """Insert facts in order; each one supersedes the story's current facts with the same
        subject and relation (compared in Python: casefold() knows every script, SQLite's
        lower() only ASCII). A story created in this transaction has no facts to read yet."""
        current = (
            {}
            if new_story
            else {
                row.id: (row.subject, row.relation)
                for row in await connection.execute(
                    select(_facts.c.id, _facts.c.subject, _facts.c.relation).where(
                        _facts.c.story_id == story_id, _facts.c.superseded_by.is_(None)
                    )
                )
            }
        )
        new_ids: list[int] = []
        for fact, article_id in facts:
            fact_id = int(
                await connection.scalar(
                    insert(_facts)
                    .values(
                        story_id=story_id,
                        subject=fact.subject,
                        relation=fact.relation,
                        object=fact.object,
                        evidence=fact.evidence,
                        terms=index_terms(f"{fact.subject} {fact.object}"),
                        article_id=article_id,
                        added_by=added_by,
                        added_at=at,
                    )
                    .returning(_facts.c.id)
                )
            )
            older = [
                other_id
                for other_id, (subject, relation) in current.items()
                if _same_words(subject, fact.subject) and _same_words(relation, fact.relation)
            ]
            if older:
                await connection.execute(update(_facts).where(_facts.c.id.in_(older)).values(superseded_by=fact_id))
                for other_id in older:
                    del current[other_id]
            current[fact_id] = (fact.subject, fact.relation)
            new_ids.append(fact_id)
        return new_ids

    async def add_fact(self, story_id: str, fact: NewFact, *, added_by: str, at: datetime) -> Fact:
        number = parse_id(story_id, "briefing")
        article_id = parse_id(fact.article_id, "article") if fact.article_id is not None else None
        async with self._write() as connection:
            if await connection.scalar(select(_stories.c.id).where(_stories.c.id == number)) is None:
                raise NotFound(f"no briefing {story_id!r}")
            if article_id is not None and (
                await connection.scalar(select(_articles.c.id).where(_articles.c.id == article_id)) is None
            ):
                raise NotFound(f"no article {fact.article_id!r}")
            [fact_id] = await self._insert_facts(connection, number, [(fact, article_id)], added_by, at)
            await self._insert_audit(
                connection,
                actor=added_by,
                action="add_fact",
                target=str(number),
                detail=f"{fact.subject} | {fact.relation} | {fact.object}",
                at=at,
            )
            row = (await connection.execute(select(_facts).where(_facts.c.id == fact_id))).one()
        return _fact(row)

    async def story_facts(self, story_id: str, include_superseded: bool = False) -> list[Fact]:
        number = _maybe_id(story_id)
        if number is None:
            return []
        query = select(_facts).where(_facts.c.story_id == number)
        if not include_superseded:
            query = query.where(_facts.c.superseded_by.is_(None))
        async with self._read() as connection:
            rows = await connection.execute(query.order_by(_facts.c.added_at, _facts.c.id))
            return [_fact(row) for row in rows]

    async def search_facts(self, terms: Sequence[str], limit: int = 20) -> list[Fact]:
        wanted: list[str] = []
        for term in terms:
            # The caller should pass normalised words; a plain word is normalised too, so
            # that "Ministers" still finds the stem "minist".
            wanted.append(term)
            normalised = index_terms(str(term))
            if normalised:
                wanted.extend(normalised.split())
        query_terms = _query_terms(wanted)
        if not query_terms or limit <= 0:
            return []
        params: dict[str, Any]
        if self._dialect == "postgresql":
            tsquery, params = _pg_tsquery(query_terms)
            statement = text(
                f"SELECT f.id AS id FROM facts f, (SELECT {tsquery} AS query) q "
                "WHERE f.terms_tsv @@ q.query "
                "ORDER BY ts_rank(f.terms_tsv, q.query) DESC, f.id DESC LIMIT :window"
            )
        else:
            params = {"query": fts5_query(query_terms)}
            statement = text(
                "SELECT rowid AS id FROM facts_fts WHERE facts_fts MATCH :query ORDER BY rank LIMIT :window"
            )
        # As for sentences: rank on the index alone, then keep facts of published stories.
        window = max(limit * 4, _FIRST_WINDOW)
        async with self._read() as connection:
            while True:
                ids = [row.id for row in await connection.execute(statement, {**params, "window": window})]
                found: dict[int, Fact] = {}
                if ids:
                    rows = await connection.execute(
                        select(_facts, _stories.c.status.label("story_status"))
                        .join(_stories, _stories.c.id == _facts.c.story_id)
                        .where(_facts.c.id.in_(ids))
                    )
                    found = {row.id: _fact(row) for row in rows if row.story_status == _PUBLISHED}
                facts = [found[fact_id] for fact_id in ids if fact_id in found][:limit]
                if len(facts) >= limit or len(ids) < window or window >= _LAST_WINDOW:
                    return facts
                window = min(window * 8, _LAST_WINDOW)

    # --- sentence search --------------------------------------------------------------------

    async def search_sentences(
        self, terms: Sequence[str], limit: int = 50, story_id: str | None = None
    ) -> list[SentenceHit]:
        query_terms = _query_terms(terms)
        if not query_terms or limit <= 0:
            return []
        story_number: int | None = None
        if story_id is not None:
            story_number = _maybe_id(story_id)
            if story_number is None:
                return []
        # Ranking first, on the index alone, then joining only the best few to keep the
        # published ones: joining every match to its story costs three lookups a match,
        # which is what made frequent terms slow. The window grows when too many of the
        # best matches belong to unpublished stories (up to _LAST_WINDOW ranked matches).
        window = max(limit * 4, _FIRST_WINDOW)
        async with self._read() as connection:
            while True:
                ranked = await self._ranked_sentences(connection, query_terms, window, story_number)
                hits = await self._published_hits(connection, ranked, limit)
                if len(hits) >= limit or len(ranked) < window or window >= _LAST_WINDOW:
                    return hits
                window = min(window * 8, _LAST_WINDOW)

    async def _ranked_sentences(
        self,
        connection: AsyncConnection,
        query_terms: Sequence[str],
        window: int,
        story_id: int | None,
    ) -> list[tuple[int, float]]:
        """(sentence id, score) of matching sentences, best first, at most ``window`` of them."""
        params: dict[str, Any] = {"window": window}
        joins = filters = ""
        if story_id is not None:
            joins = " JOIN articles a ON a.id = s.article_id"
            filters = " AND a.story_id = :story_id"
            params["story_id"] = story_id
        if self._dialect == "postgresql":
            tsquery, term_params = _pg_tsquery(query_terms)
            params.update(term_params)
            statement = text(
                "SELECT s.id AS id, ts_rank(s.index_tsv, q.query) AS score "
                f"FROM (SELECT {tsquery} AS query) q, sentences s{joins} "
                f"WHERE s.index_tsv @@ q.query{filters} ORDER BY score DESC, s.id LIMIT :window"
            )
        elif joins:
            params["query"] = fts5_query(query_terms)
            statement = text(
                "SELECT s.id AS id, -bm25(sentences_fts) AS score FROM sentences_fts "
                f"JOIN sentences s ON s.id = sentences_fts.rowid{joins} "
                f"WHERE sentences_fts MATCH :query{filters} ORDER BY score DESC, s.id LIMIT :window"
            )
        else:
            # FTS5 sorts by its own "rank" (bm25) without a join; lower is better.
            params["query"] = fts5_query(query_terms)
            statement = text(
                "SELECT rowid AS id, -rank AS score FROM sentences_fts "
                "WHERE sentences_fts MATCH :query ORDER BY rank LIMIT :window"
            )
        return [(row.id, float(row.score)) for row in await connection.execute(statement, params)]

    async def _published_hits(
        self, connection: AsyncConnection, ranked: Sequence[tuple[int, float]], limit: int
    ) -> list[SentenceHit]:
        if not ranked:
            return []
        # The story's status is read, not filtered on, in SQL: with a status condition the
        # planner may start from every published story instead of from these few sentences.
        rows = await connection.execute(
            select(
                _sentences.c.id,
                _sentences.c.article_id,
                _sentences.c.position,
                _sentences.c.text,
                _articles.c.story_id,
                _stories.c.status,
            )
            .join(_articles, _articles.c.id == _sentences.c.article_id)
            .join(_stories, _stories.c.id == _articles.c.story_id)
            .where(_sentences.c.id.in_([sentence_id for sentence_id, _ in ranked]))
        )
        found = {row.id: row for row in rows if row.status == _PUBLISHED}
        hits: list[SentenceHit] = []
        for sentence_id, score in ranked:
            row = found.get(sentence_id)
            if row is None:
                continue
            hits.append(
                SentenceHit(
                    article_id=str(row.article_id),
                    story_id=str(row.story_id),
                    position=row.position,
                    text=row.text,
                    score=score,
                )
            )
            if len(hits) >= limit:
                break
        return hits

    # --- audit ----------------------------------------------------------------------------

    async def _insert_audit(
        self,
        connection: AsyncConnection,
        *,
        actor: str,
        action: str,
        target: str | None,
        detail: str,
        at: datetime,
    ) -> None:
        await connection.execute(insert(_audit).values(actor=actor, action=action, target=target, detail=detail, at=at))

    async def record(self, actor: str, action: str, target: str | None, detail: str, at: datetime) -> None:
        async with self._write() as connection:
            await self._insert_audit(connection, actor=actor, action=action, target=target, detail=detail, at=at)

    async def audit_entries(self, limit: int = 50) -> list[AuditEntry]:
        async with self._read() as connection:
            rows = await connection.execute(
                select(_audit).order_by(_audit.c.at.desc(), _audit.c.id.desc()).limit(max(0, limit))
            )
            return [_audit_entry(row) for row in rows]

    # --- subscriptions ----------------------------------------------------------------------

    async def upsert_subscription(self, subscription: Subscription) -> Subscription:
        try:
            return await self._upsert_subscription(subscription)
        except IntegrityError:
            # A concurrent upsert created the row first; now it exists and we replace it.
            return await self._upsert_subscription(subscription)

    async def _upsert_subscription(self, subscription: Subscription) -> Subscription:
        values = _subscription_values(subscription)
        async with self._write() as connection:
            existing = (
                await connection.execute(
                    select(_subscriptions.c.id, _subscriptions.c.last_digest_at).where(
                        _subscriptions.c.platform == values["platform"],
                        _subscriptions.c.chat_id == values["chat_id"],
                        _subscriptions.c.thread_id == values["thread_id"],
                    )
                )
            ).first()
            if existing is None:
                subscription_id = int(
                    await connection.scalar(
                        insert(_subscriptions)
                        .values(
                            **values,
                            created_at=subscription.created_at,
                            last_digest_at=subscription.last_digest_at,
                        )
                        .returning(_subscriptions.c.id)
                    )
                )
            else:
                # Replacing keeps the row's id (its outbox points at it), its creation time,
                # and when it last got a digest unless the new value says otherwise.
                subscription_id = existing.id
                await connection.execute(
                    update(_subscriptions)
                    .where(_subscriptions.c.id == subscription_id)
                    .values(**values, last_digest_at=subscription.last_digest_at or existing.last_digest_at)
                )
            row = (await connection.execute(select(_subscriptions).where(_subscriptions.c.id == subscription_id))).one()
        return _subscription(row)

    async def subscription_for_chat(
        self, platform: str, chat_id: str, thread_id: str | None = None
    ) -> Subscription | None:
        async with self._read() as connection:
            row = (
                await connection.execute(
                    select(_subscriptions).where(
                        _subscriptions.c.platform == platform,
                        _subscriptions.c.chat_id == chat_id,
                        _subscriptions.c.thread_id == (thread_id or ""),
                    )
                )
            ).first()
        return _subscription(row) if row is not None else None

    async def subscriptions(self, active_only: bool = True) -> list[Subscription]:
        query = select(_subscriptions).order_by(_subscriptions.c.id)
        if active_only:
            query = query.where(_subscriptions.c.status == SubscriptionStatus.ACTIVE.value)
        async with self._read() as connection:
            return [_subscription(row) for row in await connection.execute(query)]

    async def delete_subscription(self, subscription_id: str) -> bool:
        number = _maybe_id(subscription_id)
        if number is None:
            return False
        async with self._write() as connection:
            result = await connection.execute(delete(_subscriptions).where(_subscriptions.c.id == number))
            return bool(result.rowcount)

    async def _set_subscription(self, subscription_id: str, **values: Any) -> None:
        number = parse_id(subscription_id, "subscription")
        async with self._write() as connection:
            result = await connection.execute(
                update(_subscriptions).where(_subscriptions.c.id == number).values(**values)
            )
            if not result.rowcount:
                raise NotFound(f"no subscription {subscription_id!r}")

    async def pause_subscription(self, subscription_id: str, reason: str) -> None:
        await self._set_subscription(subscription_id, status=SubscriptionStatus.PAUSED.value, paused_reason=reason)

    async def resume_subscription(self, subscription_id: str) -> None:
        await self._set_subscription(subscription_id, status=SubscriptionStatus.ACTIVE.value, paused_reason=None)

    async def move_chat(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        if old_chat_id == new_chat_id:
            return 0
        async with self._write() as connection:
            rows = (
                await connection.execute(
                    select(_subscriptions.c.id, _subscriptions.c.chat_id, _subscriptions.c.thread_id).where(
                        _subscriptions.c.platform == platform,
                        _subscriptions.c.chat_id.in_([old_chat_id, new_chat_id]),
                    )
                )
            ).all()
            taken = {row.thread_id for row in rows if row.chat_id == new_chat_id}
            moving = [row for row in rows if row.chat_id == old_chat_id]
            # If the new chat already subscribed (same thread), that newer subscription wins.
            clashing = [row.id for row in moving if row.thread_id in taken]
            movable = [row.id for row in moving if row.thread_id not in taken]
            if clashing:
                await connection.execute(delete(_subscriptions).where(_subscriptions.c.id.in_(clashing)))
            if movable:
                await connection.execute(
                    update(_subscriptions).where(_subscriptions.c.id.in_(movable)).values(chat_id=new_chat_id)
                )
            return len(movable)

    # --- deliveries -------------------------------------------------------------------------

    async def create_delivery(self, delivery: Delivery) -> tuple[Delivery, bool]:
        subscription_id = parse_id(delivery.subscription_id, "subscription")
        try:
            async with self._write() as connection:
                existing = (
                    await connection.execute(
                        select(_deliveries).where(_deliveries.c.idempotency_key == delivery.idempotency_key)
                    )
                ).first()
                if existing is not None:
                    return _delivery(existing), False
                known = await connection.scalar(
                    select(_subscriptions.c.id).where(_subscriptions.c.id == subscription_id)
                )
                if known is None:
                    raise NotFound(f"no subscription {delivery.subscription_id!r}")
                delivery_id = await connection.scalar(
                    insert(_deliveries)
                    .values(
                        subscription_id=subscription_id,
                        idempotency_key=delivery.idempotency_key,
                        period_start=delivery.period_start,
                        period_end=delivery.period_end,
                        due_at=delivery.due_at,
                        status=DeliveryStatus(delivery.status).value,
                        attempts=delivery.attempts,
                        next_attempt_at=delivery.next_attempt_at,
                        last_error=delivery.last_error,
                        story_ids=list(delivery.story_ids),
                        created_at=delivery.created_at,
                        sent_at=delivery.sent_at,
                    )
                    .returning(_deliveries.c.id)
                )
                row = (await connection.execute(select(_deliveries).where(_deliveries.c.id == delivery_id))).one()
                return _delivery(row), True
        except IntegrityError:
            # Lost a race for the same idempotency key: the other writer's row is the one.
            async with self._read() as connection:
                row = (
                    await connection.execute(
                        select(_deliveries).where(_deliveries.c.idempotency_key == delivery.idempotency_key)
                    )
                ).first()
            if row is None:
                raise
            return _delivery(row), False

    async def deliveries(
        self, statuses: Sequence[DeliveryStatus] | None = None, subscription_id: str | None = None
    ) -> list[Delivery]:
        query = select(_deliveries)
        if statuses is not None:
            query = query.where(_deliveries.c.status.in_([DeliveryStatus(status).value for status in statuses]))
        if subscription_id is not None:
            number = _maybe_id(subscription_id)
            if number is None:
                return []
            query = query.where(_deliveries.c.subscription_id == number)
        async with self._read() as connection:
            rows = await connection.execute(query.order_by(_deliveries.c.due_at, _deliveries.c.id))
            return [_delivery(row) for row in rows]

    async def due_deliveries(self, now: datetime, limit: int = 100) -> list[Delivery]:
        column = _deliveries.c
        due_time = func.coalesce(column.next_attempt_at, column.due_at)
        query = (
            select(_deliveries)
            .where(
                column.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value]),
                or_(
                    column.next_attempt_at <= now,
                    and_(column.next_attempt_at.is_(None), column.due_at <= now),
                ),
            )
            .order_by(due_time, column.id)
            .limit(max(0, limit))
        )
        async with self._read() as connection:
            return [_delivery(row) for row in await connection.execute(query)]

    async def mark_delivery(
        self,
        delivery_id: str,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        sent_at: datetime | None = None,
        story_ids: Sequence[str] | None = None,
    ) -> Delivery:
        number = parse_id(delivery_id, "delivery")
        status = DeliveryStatus(status)
        async with self._write() as connection:
            row = (await connection.execute(select(_deliveries).where(_deliveries.c.id == number))).first()
            if row is None:
                raise NotFound(f"no delivery {delivery_id!r}")
            values: dict[str, Any] = {"status": status.value, "next_attempt_at": next_attempt_at}
            if status is DeliveryStatus.SENDING:
                values["attempts"] = row.attempts + 1
            if error is not None:
                values["last_error"] = error
            if sent_at is not None:
                values["sent_at"] = sent_at
            elif status is DeliveryStatus.SENT and row.sent_at is None:
                values["sent_at"] = self._clock()
            if story_ids is not None:
                values["story_ids"] = [str(story_id) for story_id in story_ids]
            await connection.execute(update(_deliveries).where(_deliveries.c.id == number).values(**values))
            if status is DeliveryStatus.SENT:
                # Never move last_digest_at backwards: a late retry of an older period must
                # not make the next digest repeat stories.
                subscriptions = _subscriptions.c
                await connection.execute(
                    update(_subscriptions)
                    .where(
                        subscriptions.id == row.subscription_id,
                        or_(
                            subscriptions.last_digest_at.is_(None),
                            subscriptions.last_digest_at < row.period_end,
                        ),
                    )
                    .values(last_digest_at=row.period_end)
                )
            updated = (await connection.execute(select(_deliveries).where(_deliveries.c.id == number))).one()
        return _delivery(updated)

    async def sent_story_ids(
        self, subscription_ids: Sequence[str] | None, since: datetime
    ) -> dict[str, set[str]]:
        column = _deliveries.c
        query = select(column.subscription_id, column.story_ids).where(
            column.status == DeliveryStatus.SENT.value, column.period_end > since
        )
        wanted: set[int] | None = None
        if subscription_ids is not None:
            wanted = {number for number in (_maybe_id(sid) for sid in subscription_ids) if number is not None}
            if not wanted:
                return {}
            if len(wanted) <= 1000:  # a short IN list uses the subscription index; long ones filter here
                query = query.where(column.subscription_id.in_(wanted))
        found: dict[str, set[str]] = {}
        async with self._read() as connection:
            for row in await connection.execute(query):
                if wanted is not None and row.subscription_id not in wanted:
                    continue
                found.setdefault(str(row.subscription_id), set()).update(str(s) for s in row.story_ids or ())
        return found

    @staticmethod
    def _delivery_filters(
        since: datetime | None,
        statuses: Sequence[DeliveryStatus] | None,
        exclude_error_prefix: str | None,
    ) -> list[ColumnElement[bool]]:
        column = _deliveries.c
        filters: list[ColumnElement[bool]] = []
        if statuses is not None:
            filters.append(column.status.in_([DeliveryStatus(status).value for status in statuses]))
        if since is not None:
            filters.append(func.coalesce(column.sent_at, column.due_at) >= since)
        if exclude_error_prefix:
            escaped = exclude_error_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            filters.append(
                or_(column.last_error.is_(None), ~column.last_error.like(escaped + "%", escape="\\"))
            )
        return filters

    async def count_deliveries(
        self,
        since: datetime | None = None,
        statuses: Sequence[DeliveryStatus] | None = None,
        exclude_error_prefix: str | None = None,
    ) -> dict[DeliveryStatus, int]:
        column = _deliveries.c
        query = (
            select(column.status, func.count())
            .where(*self._delivery_filters(since, statuses, exclude_error_prefix))
            .group_by(column.status)
        )
        async with self._read() as connection:
            return {DeliveryStatus(row[0]): int(row[1]) for row in await connection.execute(query)}

    async def recent_deliveries(
        self,
        statuses: Sequence[DeliveryStatus],
        since: datetime | None = None,
        limit: int = 20,
        exclude_error_prefix: str | None = None,
    ) -> list[Delivery]:
        column = _deliveries.c
        query = (
            select(_deliveries)
            .where(*self._delivery_filters(since, statuses, exclude_error_prefix))
            .order_by(func.coalesce(column.sent_at, column.due_at).desc(), column.id.desc())
            .limit(max(0, limit))
        )
        async with self._read() as connection:
            return [_delivery(row) for row in await connection.execute(query)]


def _pg_tsquery(terms: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """A tsquery expression that ORs ``terms`` as phrases, with every term a bound parameter.

    ``phraseto_tsquery`` parses its argument as plain text with the same parser as the
    stored ``tsvector`` (configuration 'simple'), so no operator in a term is ever
    interpreted.
    """
    params = {f"term_{index}": term for index, term in enumerate(terms)}
    expression = " || ".join(f"phraseto_tsquery('simple', :{name})" for name in params)
    return f"({expression})", params
