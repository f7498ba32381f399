"""The SQL implementation of :class:`briefings.ports.BotStore` (SQLite and PostgreSQL).

Every public method is one transaction on its own connection, written with SQLAlchemy
Core against the tables of :mod:`storage.tables` so that bulk writes stay cheap and
nothing is ever loaded lazily. Rows are converted to the frozen dataclasses of
:mod:`briefings.models` before they leave this module; integer keys become strings.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Interval,
    Row,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    type_coerce,
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
from briefings.ports import BatchIngest, DuplicateArticle, NotFound
from briefings.text import index_terms
from storage.repository import SqlRepository
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

_KEY_SEPARATOR = "\x1f"  # joins a story's grouping keys in one fetched value (see _keys_of)
# Integer keys are 32-bit on PostgreSQL; anything larger cannot be an id of ours.
_MAX_ID = 2**31 - 1
# A question never needs more terms than this; the cap keeps one query's cost bounded.
_MAX_QUERY_TERMS = 64
_PUBLISHED = StoryStatus.PUBLISHED.value
# "No earlier than" for a candidate look-up without a since (bulk look-ups take one each).
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
# Ranked matches fetched before the published filter (each costs a join and its text);
# grown eightfold when too few survive.
_FIRST_FETCH_WINDOW = 50
_LAST_WINDOW = 12_800
# Matches a sentence search ranks at most. Counting a term's matches costs next to nothing,
# ranking them about a microsecond and a half each on SQLite: beyond this many, only the
# rarest terms' matches are ranked (see SqlStore._selective_search). Halved from 3,000 when a
# slower machine took p95 at 100k articles over 50 ms: the mean question at 100k went from 34
# to 29 ms, and no answer changed on 360 questions over the 1,116-article corpus.
_RANK_BUDGET = 1500
# Each frequent term a selectively ranked sentence also has lifts its score by this share.
_FREQUENT_LIFT = 0.2
# Frequent terms combined pairwise when no term is rare (15 pairs at most).
_MAX_FREQUENT_TERMS = 6
_SAMPLED_TERMS = 3  # a sample of sentences is taken from the matches of the rarest terms (a name may be third)


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


def sampled_terms(query_terms: Sequence[str], counts: Mapping[str, int]) -> list[str]:
    """The terms a sample of sentences is drawn from: the rarest ``_SAMPLED_TERMS`` phrases and
    the rarest ``_SAMPLED_TERMS`` single words that match anything (a phrase is rarer than its
    words, so it would otherwise crowd out a one-word name)."""
    present = sorted((term for term in query_terms if counts.get(term)), key=lambda term: counts[term])
    phrases = [term for term in present if " " in term][:_SAMPLED_TERMS]
    words = [term for term in present if " " not in term][:_SAMPLED_TERMS]
    return [*phrases, *words]


def fts5_query(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression that ORs ``terms``, each as a quoted phrase.

    Inside double quotes FTS5 treats everything as text to tokenise (``NEAR``, ``OR``,
    ``*``, ``-``, ``:`` lose their meaning); a double quote inside a term is escaped by
    doubling it. So no term can change the shape of the query.
    """
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _has_term(words: set[str], term: str) -> bool:
    """Whether a sentence with these index words has ``term`` (each word of a phrase term)."""
    return all(word in words for word in term.split())


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


class SqlStore(SqlRepository):
    """Briefbot's storage on SQLite or PostgreSQL; implements :class:`briefings.ports.BotStore`.

    The engine is the caller's: this object does not dispose of it. ``clock`` gives the
    time for rows that the protocol does not date (moderator edits, sends).
    """

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(engine)
        self._clock = clock or _utcnow

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
        return (await self.sentences_of_stories([story_id])).get(story_id, [])

    async def sentences_of_stories(self, story_ids: Sequence[str]) -> dict[str, list[SentenceRecord]]:
        wanted = sorted({number for number in (_maybe_id(story_id) for story_id in story_ids) if number})
        if not wanted:
            return {}
        async with self._read() as connection:
            found = await self._sentences_of(connection, wanted)
        return {str(number): records for number, records in found.items()}

    @staticmethod
    async def _sentences_of(connection: AsyncConnection, story_ids: list[int]) -> dict[int, list[SentenceRecord]]:
        """The sentences of these stories' articles, by story number; by article then position."""
        found: dict[int, list[SentenceRecord]] = {}
        for row in await connection.execute(
            select(
                _articles.c.story_id,
                _sentences.c.article_id,
                _sentences.c.position,
                _sentences.c.text,
                _sentences.c.index_terms,
            )
            .join(_articles, _articles.c.id == _sentences.c.article_id)
            .where(_articles.c.story_id.in_(story_ids))
            .order_by(_articles.c.added_at, _articles.c.id, _sentences.c.position)
        ):
            found.setdefault(row.story_id, []).append(
                SentenceRecord(str(row.article_id), row.position, row.text, row.index_terms)
            )
        return found

    async def count_articles(self) -> int:
        async with self._read() as connection:
            return int(await connection.scalar(select(func.count()).select_from(_articles)) or 0)

    async def refresh_statistics(self) -> None:
        """Bring PostgreSQL's planner statistics up to date after a bulk load.

        Until autovacuum gets round to it (or never, where it is off), the planner guesses from
        the empty tables the load started with: a story's sentences were then read by scanning
        every sentence, 50 ms instead of 0.4 at 10k articles. SQLite plans these searches from
        its indexes alone, so there is nothing to do there.
        """
        if self._dialect != "postgresql":
            return
        tables = ", ".join(table.name for table in (_stories, _articles, _story_keys, _sentences, _facts))
        async with self._write() as connection:
            await connection.execute(text(f"ANALYZE {tables}"))

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
            key_sets = await self._key_sets(connection, [row.story_id for row in rows])
        return [
            StoryCandidate(
                story_id=str(row.story_id),
                shared_keys=int(row.shared),
                keys=key_sets[row.story_id],
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

    # --- bulk ingest ------------------------------------------------------------------------
    # A bulk ingest writes hundreds of articles per transaction: every statement below is one
    # round trip for the whole batch (executemany, or a JSON / array parameter), because on
    # aiosqlite each round trip is a thread hop and on PostgreSQL a network one.

    def _since_text(self, moment: datetime | None) -> Any:
        moment = _as_utc(moment) or _EARLIEST
        if self._dialect == "sqlite":
            # Compared as text with the stored form (naive UTC, microseconds always written).
            return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        return moment

    async def candidate_stories_many(
        self, queries: Sequence[tuple[Sequence[str], datetime | None]], limit: int
    ) -> list[list[StoryCandidate]]:
        out: list[list[StoryCandidate]] = [[] for _ in queries]
        pairs = [
            (item, key) for item, (keys, _) in enumerate(queries) for key in sorted({k for k in keys if k})
        ]
        if not pairs or limit <= 0:
            return out
        sinces = [self._since_text(since) for _, since in queries]
        # Each (article, key) pair carries the article's since: a separate table of sinces would
        # be scanned once per posting on SQLite (json_each has no index).
        if self._dialect == "sqlite":
            sources = (
                "wanted(item, key, since) AS (SELECT json_extract(value, '$[0]'), "
                "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(:pairs))"
            )
            params: dict[str, Any] = {"pairs": json.dumps([(item, key, sinces[item]) for item, key in pairs])}
        else:
            sources = (
                "wanted AS (SELECT * FROM unnest(CAST(:items AS integer[]), CAST(:keys AS text[]), "
                "CAST(:sinces AS timestamptz[])) AS w(item, key, since))"
            )
            params = {
                "items": [item for item, _ in pairs],
                "keys": [key for _, key in pairs],
                "sinces": [sinces[item] for item, _ in pairs],
            }
        query = text(
            f"WITH {sources}, "
            "hits AS (SELECT w.item AS item, k.story_id AS story_id, count(*) AS shared, "
            "s.updated_at AS updated_at "
            "FROM wanted w JOIN story_keys k ON k.key = w.key JOIN stories s ON s.id = k.story_id "
            "WHERE s.updated_at >= w.since "
            "GROUP BY w.item, k.story_id, s.updated_at), "
            "ranked AS (SELECT item, story_id, shared, updated_at, row_number() OVER "
            "(PARTITION BY item ORDER BY shared DESC, updated_at DESC, story_id DESC) AS place FROM hits) "
            "SELECT item, story_id, shared, updated_at FROM ranked WHERE place <= :limit "
            "ORDER BY item, place"
        ).columns(item=Integer(), story_id=Integer(), shared=Integer(), updated_at=UTCDateTime())
        params["limit"] = limit
        async with self._read() as connection:
            rows = (await connection.execute(query, params)).all()
            if not rows:
                return out
            key_sets = await self._key_sets(connection, list(dict.fromkeys(row.story_id for row in rows)))
        for row in rows:
            out[row.item].append(
                StoryCandidate(
                    story_id=str(row.story_id),
                    shared_keys=int(row.shared),
                    keys=key_sets[row.story_id],
                    updated_at=row.updated_at,
                )
            )
        return out

    def _keys_of(self, story_ids: list[int]) -> tuple[Any, dict[str, Any]]:
        """The grouping keys of stories: one row per story, its keys joined by the unit separator
        (character 31, which no key holds), since a row per key costs far more to fetch than
        the text of a few keys."""
        if self._dialect == "sqlite":
            return (
                text(
                    "SELECT story_id, group_concat(key, char(31)) AS keys FROM story_keys "
                    "WHERE story_id IN (SELECT value FROM json_each(:ids)) GROUP BY story_id"
                ),
                {"ids": json.dumps(story_ids)},
            )
        return (
            text(
                "SELECT story_id, string_agg(key, chr(31)) AS keys FROM story_keys "
                "WHERE story_id = ANY(CAST(:ids AS integer[])) GROUP BY story_id"
            ),
            {"ids": story_ids},
        )

    async def _key_sets(self, connection: AsyncConnection, story_ids: list[int]) -> dict[int, frozenset[str]]:
        found: dict[int, frozenset[str]] = dict.fromkeys(story_ids, frozenset())
        for row in await connection.execute(*self._keys_of(story_ids)):
            found[row.story_id] = frozenset(row.keys.split(_KEY_SEPARATOR))
        return found

    async def grouping_material(
        self, story_ids: Sequence[str]
    ) -> dict[str, tuple[Story, list[tuple[str, str | None]], list[SentenceRecord]]]:
        wanted = sorted({number for number in (_maybe_id(story_id) for story_id in story_ids) if number})
        if not wanted:
            return {}
        async with self._read() as connection:
            story_rows = (await connection.execute(select(_stories).where(_stories.c.id.in_(wanted)))).all()
            titles: dict[int, list[tuple[str, str | None]]] = {row.id: [] for row in story_rows}
            for row in await connection.execute(
                select(_articles.c.story_id, _articles.c.id, _articles.c.title)
                .where(_articles.c.story_id.in_(wanted))
                .order_by(_articles.c.added_at, _articles.c.id)
            ):
                titles[row.story_id].append((str(row.id), row.title))
            sentences = await self._sentences_of(connection, wanted)
        return {
            str(row.id): (
                _story(row, [int(article_id) for article_id, _ in titles[row.id]]),
                titles[row.id],
                sentences.get(row.id, []),
            )
            for row in story_rows
        }

    async def articles_by_hash(self, content_hashes: Sequence[str]) -> dict[str, Article]:
        wanted = sorted(set(content_hashes))
        found: dict[str, Article] = {}
        async with self._read() as connection:
            for start in range(0, len(wanted), 500):
                rows = await connection.execute(
                    select(_articles).where(_articles.c.content_hash.in_(wanted[start : start + 500]))
                )
                found.update((row.content_hash, _article(row)) for row in rows)
        return found

    async def save_ingests(self, batch: Sequence[BatchIngest]) -> list[tuple[Article, Story]]:
        hashes = [entry.plan.content_hash for entry in batch]
        if len(set(hashes)) < len(hashes):
            raise ValueError("the same content hash appears twice in one batch")
        if not batch:
            return []
        try:
            return await self._save_ingests(batch)
        except IntegrityError as error:
            existing = await self.articles_by_hash(hashes)
            for content_hash in hashes:
                if content_hash in existing:
                    raise DuplicateArticle(existing[content_hash].id) from error
            raise

    async def _save_ingests(self, batch: Sequence[BatchIngest]) -> list[tuple[Article, Story]]:
        plans = [entry.plan for entry in batch]
        ats = [_as_utc(plan.added_at) for plan in plans]
        statuses = [StoryStatus(plan.status) for plan in plans]
        # Which story each entry writes to: ("new", index of the entry creating it) or ("id", number).
        targets: list[tuple[str, int]] = []
        for index, entry in enumerate(batch):
            if entry.joins is not None:
                if not 0 <= entry.joins < index:
                    raise ValueError(f"entry {index} joins entry {entry.joins}, which is not before it")
                targets.append(targets[entry.joins])
            elif entry.plan.story_id is None:
                targets.append(("new", index))
            else:
                targets.append(("id", parse_id(entry.plan.story_id, "briefing")))
        members: dict[tuple[str, int], list[int]] = {}
        for index, target in enumerate(targets):
            members.setdefault(target, []).append(index)
        stored_numbers = sorted({number for kind, number in members if kind == "id"})

        async with self._write() as connection:
            known: dict[int, tuple[datetime, datetime | None]] = {}
            if stored_numbers:
                for row in await connection.execute(
                    select(_stories.c.id, _stories.c.created_at, _stories.c.published_at).where(
                        _stories.c.id.in_(stored_numbers)
                    )
                ):
                    known[row.id] = (row.created_at, row.published_at)
                for number in stored_numbers:
                    if number not in known:
                        raise NotFound(f"no briefing {str(number)!r}")
            # Each entry's view of its story (created_at, published_at) as saving one by one gives.
            created: list[datetime] = [ats[0]] * len(plans)
            published: list[datetime | None] = [None] * len(plans)
            for target, indexes in members.items():
                if target[0] == "new":
                    first_created, first_published = ats[indexes[0]], None
                else:
                    first_created, first_published = known[target[1]]
                moment = first_published
                for index in indexes:
                    if statuses[index] is StoryStatus.PUBLISHED and moment is None:
                        moment = ats[index]
                    created[index], published[index] = first_created, moment

            def story_values(index: int) -> dict[str, Any]:
                plan = plans[index]
                return {
                    "headline": plan.headline,
                    "summary": plan.summary,
                    "status": statuses[index].value,
                    "topics": list(plan.topics),
                    "updated_at": ats[index],
                }

            numbers: dict[tuple[str, int], int] = {}
            new_targets = [target for target in members if target[0] == "new"]
            if new_targets:
                rows = [
                    {
                        **story_values(members[target][-1]),
                        "created_at": created[members[target][-1]],
                        "published_at": published[members[target][-1]],
                    }
                    for target in new_targets
                ]
                ids = await self._insert_with_ids(connection, _stories, rows)
                numbers.update(zip(new_targets, ids, strict=True))
            if stored_numbers:
                await connection.execute(
                    update(_stories)
                    .where(_stories.c.id == bindparam("b_id"))
                    .values(
                        headline=bindparam("b_headline"),
                        summary=bindparam("b_summary"),
                        status=bindparam("b_status"),
                        topics=bindparam("b_topics", type_=_stories.c.topics.type),
                        updated_at=bindparam("b_updated_at", type_=UTCDateTime()),
                        # keep the first publication time
                        published_at=func.coalesce(
                            _stories.c.published_at, bindparam("b_published_at", type_=UTCDateTime())
                        ),
                    ),
                    [
                        {
                            f"b_{name}": value
                            for name, value in {
                                "id": number,
                                **story_values(members[("id", number)][-1]),
                                "published_at": published[members[("id", number)][-1]],
                            }.items()
                        }
                        for number in stored_numbers
                    ],
                )
                numbers.update((("id", number), number) for number in stored_numbers)
            story_of = [numbers[target] for target in targets]

            article_ids = await self._insert_with_ids(
                connection,
                _articles,
                [
                    {
                        "source": plan.source,
                        "url": plan.article.url,
                        "title": plan.article.title,
                        "text": plan.article.text,
                        "published_at": plan.article.published_at,
                        "content_hash": plan.content_hash,
                        "external_id": plan.article.external_id,
                        "story_id": story_of[index],
                        "added_at": ats[index],
                        "added_by": plan.added_by,
                    }
                    for index, plan in enumerate(plans)
                ],
            )
            sentence_rows = [
                {
                    "article_id": article_ids[index],
                    "position": sentence.position,
                    "text": sentence.text,
                    "index_terms": sentence.index_terms,
                }
                for index, plan in enumerate(plans)
                for sentence in plan.sentences
            ]
            if sentence_rows:
                await connection.execute(insert(_sentences), sentence_rows)
            if stored_numbers:
                await connection.execute(
                    delete(_story_keys).where(_story_keys.c.story_id.in_(stored_numbers))
                )
            key_rows = [
                {"story_id": numbers[target], "key": key}
                for target, indexes in members.items()
                for key in sorted({key for key in plans[indexes[-1]].grouping_keys if key})
            ]
            if key_rows:
                await connection.execute(insert(_story_keys), key_rows)
            await self._insert_batch_facts(connection, plans, ats, story_of, article_ids, stored_numbers)
            audit_rows = [
                {
                    "actor": plan.added_by,
                    "action": plan.audit_action,
                    "target": str(story_of[index]),
                    "detail": f"article {article_ids[index]} from {plan.source}"
                    + (f": {plan.article.title}" if plan.article.title else ""),
                    "at": ats[index],
                }
                for index, plan in enumerate(plans)
                if plan.audit_action
            ]
            if audit_rows:
                await connection.execute(insert(_audit), audit_rows)
            earlier: dict[int, list[int]] = {number: [] for number in stored_numbers}
            if stored_numbers:
                batch_ids = set(article_ids)
                for row in await connection.execute(
                    select(_articles.c.story_id, _articles.c.id)
                    .where(_articles.c.story_id.in_(stored_numbers))
                    .order_by(_articles.c.added_at, _articles.c.id)
                ):
                    if row.id not in batch_ids:
                        earlier[row.story_id].append(row.id)

        results: list[tuple[Article, Story]] = []
        so_far: dict[int, list[int]] = {}
        for index, plan in enumerate(plans):
            number = story_of[index]
            members_so_far = so_far.setdefault(number, list(earlier.get(number, ())))
            members_so_far.append(article_ids[index])
            article = plan.article
            results.append(
                (
                    Article(
                        id=str(article_ids[index]),
                        source=plan.source,
                        url=article.url,
                        title=article.title,
                        text=article.text,
                        published_at=_as_utc(article.published_at),
                        content_hash=plan.content_hash,
                        story_id=str(number),
                        external_id=article.external_id,
                        added_at=ats[index],
                    ),
                    Story(
                        id=str(number),
                        headline=plan.headline,
                        summary=plan.summary,
                        status=statuses[index],
                        created_at=created[index],
                        updated_at=ats[index],
                        published_at=published[index],
                        topics=tuple(plan.topics),
                        article_ids=tuple(str(member) for member in members_so_far),
                    ),
                )
            )
        return results

    async def _insert_with_ids(
        self, connection: AsyncConnection, table: Any, rows: list[dict[str, Any]]
    ) -> list[int]:
        """Insert rows into a table with an integer ``id`` and return their new ids, in order.

        PostgreSQL returns them from one multi-row INSERT. SQLite cannot promise the order of
        RETURNING rows, so SQLAlchemy would send one INSERT per row; instead the ids are given
        here as SQLite itself would give them: after the largest id stored and, for an
        AUTOINCREMENT table, after the largest ever given (``sqlite_sequence``), so that the id
        of a deleted row is never reused. That is safe because every write runs in a
        ``BEGIN IMMEDIATE`` transaction: no other writer can insert between the look-up and
        the insert.
        """
        if not rows:
            return []
        if self._dialect != "sqlite":
            inserted = await connection.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
            )
            return [int(number) for number in inserted.all()]
        largest = f"coalesce((SELECT max(id) FROM {table.name}), 0)"
        if table.dialect_options["sqlite"].get("autoincrement"):
            given = "coalesce((SELECT seq FROM sqlite_sequence WHERE name = :name), 0)"
            largest = f"max({largest}, {given})"
        start = int(await connection.scalar(text(f"SELECT {largest}"), {"name": table.name})) + 1
        ids = list(range(start, start + len(rows)))
        await connection.execute(insert(table), [{**row, "id": number} for row, number in zip(rows, ids, strict=True)])
        return ids

    async def _insert_batch_facts(
        self,
        connection: AsyncConnection,
        plans: Sequence[IngestPlan],
        ats: Sequence[datetime],
        story_of: Sequence[int],
        article_ids: Sequence[int],
        stored_numbers: Sequence[int],
    ) -> None:
        """The facts of a batch, each superseding its story's current facts with the same subject
        and relation (the rule of :meth:`_insert_facts`, applied in order across the batch)."""
        facts = [
            (
                index,
                fact,
                article_ids[index] if fact.article_id is None else parse_id(fact.article_id, "article"),
            )
            for index, plan in enumerate(plans)
            for fact in plan.facts
        ]
        if not facts:
            return
        current: dict[int, dict[int, tuple[str, str]]] = {}
        if stored_numbers:
            for row in await connection.execute(
                select(_facts.c.id, _facts.c.story_id, _facts.c.subject, _facts.c.relation).where(
                    _facts.c.story_id.in_(stored_numbers), _facts.c.superseded_by.is_(None)
                )
            ):
                current.setdefault(row.story_id, {})[row.id] = (row.subject, row.relation)
        fact_ids = await self._insert_with_ids(
            connection,
            _facts,
            [
                {
                    "story_id": story_of[index],
                    "subject": fact.subject,
                    "relation": fact.relation,
                    "object": fact.object,
                    "evidence": fact.evidence,
                    "terms": index_terms(f"{fact.subject} {fact.object}"),
                    "article_id": article_id,
                    "added_by": plans[index].added_by,
                    "added_at": ats[index],
                }
                for index, fact, article_id in facts
            ],
        )
        superseded: list[dict[str, int]] = []
        for (index, fact, _), fact_id in zip(facts, fact_ids, strict=True):
            story_facts = current.setdefault(story_of[index], {})
            older = [
                other_id
                for other_id, (subject, relation) in story_facts.items()
                if _same_words(subject, fact.subject) and _same_words(relation, fact.relation)
            ]
            for other_id in older:
                superseded.append({"b_id": other_id, "b_by": int(fact_id)})
                del story_facts[other_id]
            story_facts[int(fact_id)] = (fact.subject, fact.relation)
        if superseded:
            await connection.execute(
                update(_facts)
                .where(_facts.c.id == bindparam("b_id"))
                .values(superseded_by=bindparam("b_by")),
                superseded,
            )

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
        # As for sentences: rank on the index alone, then keep facts of published stories. The
        # first window is small (each fact fetched costs a join); it grows when too few survive.
        window = max(limit + limit // 2, _FIRST_FETCH_WINDOW)
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
        async with self._read() as connection:
            if story_number is not None:
                # One story's sentences are few whatever the terms: rank them all.
                found = await self._ranked_search(connection, query_terms, limit, limit, story_number)
                return [hit for hit, _ in found]
            return await self._selective_search(connection, query_terms, limit)

    async def sample_sentences(self, terms: Sequence[str], limit: int = 20) -> list[SentenceHit]:
        query_terms = _query_terms(terms)
        if not query_terms or limit <= 0:
            return []
        async with self._read() as connection:
            counts = await self._match_counts(connection, query_terms, _RANK_BUDGET + 1)
            chosen = sampled_terms(query_terms, counts)
            if not chosen:
                return []
            # A share for each rare term: "amnesty" is not drowned by the many more "head"s.
            share = max(1, limit // len(chosen))
            hits: dict[tuple[str, int], SentenceHit] = {}
            for term in chosen:
                for hit, _ in await self._newest_matches(connection, [[term]], share, first_window=share):
                    hits.setdefault((hit.article_id, hit.position), hit)
            return list(hits.values())[:limit]

    async def _selective_search(
        self, connection: AsyncConnection, query_terms: Sequence[str], limit: int
    ) -> list[SentenceHit]:
        """Rank the matches of the question's selective terms only, so that the cost follows them.

        Ranking costs per match; counting is nearly free. So the matches of each term are
        counted first (up to ``_RANK_BUDGET``). When all terms together match at most that
        many sentences, every match is ranked, as a plain OR. Otherwise only the rarest terms,
        as many as fit in the budget, are ranked, and the frequent ones ("year", "said") only
        lift the sentences that have them too. When even the rarest term is frequent, the
        newest sentences having at least two of the terms are taken, most terms first.
        """
        counts = await self._match_counts(connection, query_terms, _RANK_BUDGET + 1)
        present = [term for term in query_terms if counts.get(term)]
        if not present:
            return []
        if sum(counts[term] for term in present) <= _RANK_BUDGET:
            found = await self._ranked_search(connection, present, limit, limit, None)
            return [hit for hit, _ in found]
        ordered = sorted(present, key=lambda term: counts[term])  # stable: the caller's order breaks ties
        selective: list[str] = []
        budget = _RANK_BUDGET
        for term in ordered:
            if counts[term] > budget:
                break
            selective.append(term)
            budget -= counts[term]
        frequent = [term for term in ordered if term not in selective]
        scored: list[tuple[SentenceHit, float]] = []
        if selective:
            # Rank a window on the selective terms, then let the frequent ones reorder it.
            window = max(limit * 2, _FIRST_FETCH_WINDOW)
            for hit, index_terms_text in await self._ranked_search(connection, selective, window, limit, None):
                words = set(index_terms_text.split())
                lift = sum(1 for term in frequent if _has_term(words, term))
                scored.append((hit, hit.score * (1 + _FREQUENT_LIFT * lift)))
            scored.sort(key=lambda pair: pair[1], reverse=True)
        if len(scored) < limit and frequent:
            # Too few sentences with a rare term: add those with most of the frequent ones.
            seen = {(hit.article_id, hit.position) for hit, _ in scored}
            floor = min((score for _, score in scored), default=1.0)
            extra: list[tuple[SentenceHit, float]] = []
            for hit, index_terms_text in await self._frequent_matches(connection, frequent, limit):
                if (hit.article_id, hit.position) in seen:
                    continue
                words = set(index_terms_text.split())
                share = sum(1 for term in present if _has_term(words, term)) / len(present)
                extra.append((hit, 0.5 * floor * share))
            extra.sort(key=lambda pair: pair[1], reverse=True)
            scored.extend(extra)
        return [replace(hit, score=score) for hit, score in scored[:limit]]

    async def _match_counts(
        self, connection: AsyncConnection, query_terms: Sequence[str], cap: int
    ) -> dict[str, int]:
        """How many sentences match each term, counting no further than ``cap`` (one statement)."""
        params: dict[str, Any] = {"cap": cap}
        columns = []
        for index, term in enumerate(query_terms):
            if self._dialect == "postgresql":
                params[f"term_{index}"] = term
                columns.append(
                    "(SELECT count(*) FROM (SELECT 1 FROM sentences WHERE index_tsv @@ "
                    f"phraseto_tsquery('simple', :term_{index}) LIMIT :cap) AS m) AS count_{index}"
                )
            else:
                params[f"term_{index}"] = fts5_query([term])
                columns.append(
                    "(SELECT count(*) FROM (SELECT 1 FROM sentences_fts WHERE sentences_fts MATCH "
                    f":term_{index} LIMIT :cap)) AS count_{index}"
                )
        row = (await connection.execute(text("SELECT " + ", ".join(columns)), params)).one()
        return {term: int(row[index] or 0) for index, term in enumerate(query_terms)}

    async def _ranked_search(
        self,
        connection: AsyncConnection,
        query_terms: Sequence[str],
        keep: int,
        needed: int,
        story_id: int | None,
    ) -> list[tuple[SentenceHit, str]]:
        """The best ``keep`` published matches of any of ``query_terms``, with their index terms.

        Ranking first, on the index alone, then joining only the best few to keep the
        published ones: joining every match to its story costs three lookups a match. The
        window grows when fewer than ``needed`` of the best matches belong to published
        stories (up to _LAST_WINDOW ranked matches).
        """
        window = max(keep, needed * 2, _FIRST_FETCH_WINDOW)
        while True:
            ranked = await self._ranked_sentences(connection, query_terms, window, story_id)
            hits = await self._published_hits(connection, ranked, keep)
            if len(hits) >= needed or len(ranked) < window or window >= _LAST_WINDOW:
                return hits
            window = min(window * 8, _LAST_WINDOW)

    async def _frequent_matches(
        self, connection: AsyncConnection, frequent: Sequence[str], limit: int
    ) -> list[tuple[SentenceHit, str]]:
        """The newest published sentences with at least two of ``frequent`` (or the one term),
        unranked: finding them costs little, ranking all of them would not."""
        chosen = list(frequent[:_MAX_FREQUENT_TERMS])
        groups = (
            [[term] for term in chosen]
            if len(chosen) == 1
            else [list(pair) for pair in itertools.combinations(chosen, 2)]
        )
        return await self._newest_matches(connection, groups, limit)

    async def _newest_matches(
        self,
        connection: AsyncConnection,
        groups: Sequence[Sequence[str]],
        limit: int,
        first_window: int = _FIRST_FETCH_WINDOW,
    ) -> list[tuple[SentenceHit, str]]:
        """The newest published sentences having all the terms of any one of ``groups``; the
        first fetch reads ``first_window`` or twice ``limit``, more only when too few are published."""
        chosen = list(dict.fromkeys(term for group in groups for term in group))
        params: dict[str, Any] = {}
        if self._dialect == "postgresql":
            names = {term: f"term_{index}" for index, term in enumerate(chosen)}
            params.update({name: term for term, name in names.items()})
            expression = " || ".join(
                "(" + " && ".join(f"phraseto_tsquery('simple', :{names[term]})" for term in group) + ")"
                for group in groups
            )
            statement = text(
                f"SELECT s.id AS id FROM sentences s WHERE s.index_tsv @@ ({expression}) "
                "ORDER BY s.id DESC LIMIT :window"
            )
        else:
            params["query"] = " OR ".join("(" + " AND ".join(fts5_query([t]) for t in group) + ")" for group in groups)
            statement = text(
                "SELECT rowid AS id FROM sentences_fts WHERE sentences_fts MATCH :query "
                "ORDER BY rowid DESC LIMIT :window"
            )
        window = max(limit * 2, first_window)
        while True:
            rows = list(await connection.execute(statement, {**params, "window": window}))
            ranked = [(row.id, 0.0) for row in rows]
            hits = await self._published_hits(connection, ranked, window)
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
    ) -> list[tuple[SentenceHit, str]]:
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
                _sentences.c.index_terms,
                _articles.c.story_id,
                _stories.c.status,
            )
            .join(_articles, _articles.c.id == _sentences.c.article_id)
            .join(_stories, _stories.c.id == _articles.c.story_id)
            .where(_sentences.c.id.in_([sentence_id for sentence_id, _ in ranked]))
        )
        found = {row.id: row for row in rows if row.status == _PUBLISHED}
        hits: list[tuple[SentenceHit, str]] = []
        for sentence_id, score in ranked:
            row = found.get(sentence_id)
            if row is None:
                continue
            hit = SentenceHit(
                article_id=str(row.article_id),
                story_id=str(row.story_id),
                position=row.position,
                text=row.text,
                score=score,
            )
            hits.append((hit, row.index_terms or ""))
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
        waiting = column.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value])
        limit = max(0, limit)
        # Two index range scans (ix_deliveries_status_next_attempt_at_due_at), each stopping at
        # ``limit`` rows, merged here: ordering every waiting row by coalesce(next_attempt_at,
        # due_at) would sort the whole fan-out on every call.
        retries = (
            select(_deliveries)
            .where(waiting, column.next_attempt_at <= now)
            .order_by(column.next_attempt_at, column.id)
            .limit(limit)
        )
        first_tries = (
            select(_deliveries)
            .where(waiting, column.next_attempt_at.is_(None), column.due_at <= now)
            .order_by(column.due_at, column.id)
            .limit(limit)
        )
        async with self._read() as connection:
            rows = [_delivery(row) for row in await connection.execute(retries)]
            rows += [_delivery(row) for row in await connection.execute(first_tries)]
        rows.sort(key=lambda delivery: (delivery.next_attempt_at or delivery.due_at, int(delivery.id)))
        return rows[:limit]

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
        column = _deliveries.c
        values: dict[str, Any] = {"status": status.value, "next_attempt_at": next_attempt_at}
        if status is DeliveryStatus.SENDING:
            values["attempts"] = column.attempts + 1
        if error is not None:
            values["last_error"] = error
        if sent_at is not None:
            values["sent_at"] = sent_at
        elif status is DeliveryStatus.SENT:
            values["sent_at"] = func.coalesce(column.sent_at, literal(self._clock(), UTCDateTime()))
        if story_ids is not None:
            values["story_ids"] = [str(story_id) for story_id in story_ids]
        # One UPDATE ... RETURNING (and one more for the subscription when SENT): the outbox
        # writes twice per digest, so this is on the fan-out's hot path.
        async with self._write() as connection:
            row = (
                await connection.execute(
                    update(_deliveries).where(column.id == number).values(**values).returning(*_deliveries.c)
                )
            ).first()
            if row is None:
                raise NotFound(f"no delivery {delivery_id!r}")
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
        return _delivery(row)

    async def claim_delivery(
        self, delivery_id: str, now: datetime, lease_until: datetime | None = None
    ) -> Delivery | None:
        number = _maybe_id(delivery_id)
        if number is None:
            return None
        column = _deliveries.c
        # One UPDATE ... RETURNING: the row changes only if it is still waiting and due, so of
        # two workers racing for it exactly one gets it back (SQLite >= 3.35, PostgreSQL).
        claim = (
            update(_deliveries)
            .where(
                column.id == number,
                column.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value]),
                or_(
                    column.next_attempt_at <= now,
                    and_(column.next_attempt_at.is_(None), column.due_at <= now),
                ),
            )
            .values(
                status=DeliveryStatus.SENDING.value,
                attempts=column.attempts + 1,
                next_attempt_at=lease_until,
            )
            .returning(*_deliveries.c)
        )
        async with self._write() as connection:
            row = (await connection.execute(claim)).first()
        return _delivery(row) if row is not None else None

    async def renew_claims(self, delivery_ids: Sequence[str], lease_until: datetime) -> int:
        numbers = [number for number in (_maybe_id(value) for value in delivery_ids) if number is not None]
        if not numbers:
            return 0
        column = _deliveries.c
        async with self._write() as connection:
            result = await connection.execute(
                update(_deliveries)
                .where(column.id.in_(numbers), column.status == DeliveryStatus.SENDING.value)
                .values(next_attempt_at=lease_until)
            )
            return int(result.rowcount or 0)

    async def requeue_stale_deliveries(self, now: datetime, error: str) -> int:
        column = _deliveries.c
        async with self._write() as connection:
            result = await connection.execute(
                update(_deliveries)
                .where(
                    column.status == DeliveryStatus.SENDING.value,
                    or_(column.next_attempt_at.is_(None), column.next_attempt_at < now),
                )
                .values(status=DeliveryStatus.PENDING.value, next_attempt_at=None, last_error=error)
            )
            return int(result.rowcount or 0)

    async def prune_deliveries(self, before: datetime, *, sent_lookback: timedelta, limit: int = 500) -> int:
        column = _deliveries.c
        limit = max(0, limit)
        if not limit:
            return 0
        finished = [DeliveryStatus.SENT.value, DeliveryStatus.SKIPPED.value, DeliveryStatus.PAUSED.value]
        last = _subscriptions.c.last_digest_at
        # A second wider than asked: SQLite's date arithmetic works in milliseconds.
        reach = sent_lookback + timedelta(seconds=1)
        if self._dialect == "sqlite":
            days = reach.total_seconds() / 86_400
            still_read = func.julianday(column.period_end) > func.julianday(last) - days
        else:
            still_read = column.period_end > last - literal(reach, Interval())
        # sent_story_ids(since=last_digest_at - lookback) may still read these, whatever their age.
        kept = and_(column.status == DeliveryStatus.SENT.value, last.is_not(None), still_read)
        batch = (
            select(column.id)
            .select_from(_deliveries.outerjoin(_subscriptions, _subscriptions.c.id == column.subscription_id))
            .where(
                column.status.in_(finished),  # (status, period_end) index
                column.period_end < before,
                column.due_at < before,
                or_(column.sent_at.is_(None), column.sent_at < before),
                ~kept,
            )
            .limit(limit)
        )
        # One short transaction per batch: a big backlog never holds the write lock for long.
        async with self._write() as connection:
            result = await connection.execute(delete(_deliveries).where(column.id.in_(batch.scalar_subquery())))
            return int(result.rowcount or 0)

    async def sent_story_ids(
        self, subscription_ids: Sequence[str] | None, since: datetime
    ) -> dict[str, set[str]]:
        column = _deliveries.c
        # The JSON list is read as text and decoded once per distinct value: at a fan-out most
        # subscribers' digests carried one of a few lists of stories.
        sent = column.status == DeliveryStatus.SENT.value
        wanted: set[int] | None = None
        if subscription_ids is not None:
            texts = (str(value).strip() for value in subscription_ids)
            numbers = (int(sid) for sid in texts if sid.isascii() and sid.isdigit())
            wanted = {number for number in numbers if 0 < number <= _MAX_ID}
            if not wanted:
                return {}
        short_list = wanted is not None and len(wanted) <= 1000
        if short_list:
            # A short IN list (the outbox asks for one subscription at a time) must use the
            # subscription index; wrapping the status keeps SQLite's planner, which has no
            # statistics, from scanning every SENT row of the week by (status, period_end).
            sent = func.coalesce(column.status, "") == DeliveryStatus.SENT.value
        query = select(column.subscription_id, type_coerce(column.story_ids, Text)).where(
            sent, column.period_end > since
        )
        if short_list:
            assert wanted is not None
            query = query.where(column.subscription_id.in_(wanted))  # long lists are filtered here
        decoded: dict[str, tuple[str, ...]] = {}
        found: dict[str, set[str]] = {}
        async with self._read() as connection:
            for subscription_id, raw in await connection.execute(query):
                if wanted is not None and subscription_id not in wanted:
                    continue
                if not isinstance(raw, str):  # asyncpg hands json back decoded already
                    story_ids = tuple(str(s) for s in raw or ())
                elif (story_ids := decoded.get(raw)) is None:
                    story_ids = decoded[raw] = tuple(str(s) for s in json.loads(raw) or ())
                key = str(subscription_id)
                known = found.get(key)
                if known is None:
                    found[key] = set(story_ids)
                else:
                    known.update(story_ids)
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
            # coalesce(sent_at, due_at) >= since, written so that the sent_at and due_at indexes serve it.
            filters.append(or_(column.sent_at >= since, and_(column.sent_at.is_(None), column.due_at >= since)))
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
