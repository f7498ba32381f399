"""Web pages and feeds becoming articles: /add <url>, /feed, and the feed poller.

:func:`ingest_page` fetches one page safely, extracts its article and hands it to the newsroom
(deduped by canonical URL first, then by content hash in the newsroom).

:class:`FeedService` keeps the feeds: it adds, lists, pauses and removes them, polls one feed
with ETag / If-Modified-Since, backs off when a feed fails (and keeps the reason for
/feed list), dedupes entries by GUID, then canonical link, then content hash, fetches the
full page of teaser-only entries, applies each feed's keyword filters, and turns new entries
into articles: published at once for trusted feeds, drafts for the others. Its own background
task polls every due feed; ``start()`` and ``stop()`` belong in the composition root.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.web import Expect, FetchRefused, SafeFetcher
from briefings.models import (
    Article,
    ArticleInput,
    Feed,
    FeedItem,
    FeedItemOutcome,
    FeedStatus,
    IngestResult,
)
from briefings.newsroom import InvalidInput, Newsroom
from briefings.ports import ArticleStore, AuditLog, DuplicateFeed, FeedStore, NotFound, StoreUnavailable
from briefings.sources import (
    MIN_ARTICLE_WORDS,
    ExtractedArticle,
    FeedEntry,
    InvalidUrl,
    KeywordFilter,
    NotAFeed,
    ParsedFeed,
    SourceError,
    canonical_url,
    discover_feeds,
    entry_keys,
    extract_article,
    is_teaser,
    parse_feed,
)

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MINUTES = 15
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 24 * 60
MAX_BACKOFF = timedelta(hours=24)
MAX_ENTRIES_PER_POLL = 50


class FeedError(InvalidInput):
    """A feed command cannot be done; ``str()`` says why and what to type (the router shows it)."""


class FeedAlreadyAdded(FeedError):
    """The feed (same canonical URL) is already added."""


# --- single pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageIngest:
    """What adding one web page did: a new or duplicate ingest, or an article already stored
    under the page's canonical address (then nothing was fetched twice or ingested)."""

    url: str
    result: IngestResult | None = None
    existing: Article | None = None
    extracted: ExtractedArticle | None = None

    @property
    def duplicate_article_id(self) -> str | None:
        if self.existing is not None:
            return self.existing.id
        return self.result.duplicate_of if self.result is not None else None


async def fetch_article(
    fetcher: SafeFetcher, url: str, *, min_words: int = MIN_ARTICLE_WORDS
) -> ExtractedArticle:
    """Fetch a page and extract its article. Raises :class:`FetchRefused` or :class:`SourceError`."""
    fetched = await fetcher.fetch(url, Expect.HTML)
    return extract_article(fetched.text(), fetched.url, min_words=min_words)


async def ingest_page(
    url: str,
    *,
    fetcher: SafeFetcher,
    newsroom: Newsroom,
    articles: ArticleStore,
    added_by: str,
    publish: bool,
    topics: Sequence[str] = (),
    published_at: datetime | None = None,
) -> PageIngest:
    """Fetch, extract and ingest one page; dedupe by canonical URL before and after fetching.

    Raises :class:`FetchRefused` (unsafe or failed fetch), :class:`SourceError` (not an article)
    and :class:`InvalidInput` (the newsroom refused the text).
    """
    try:
        canonical = canonical_url(url)
    except InvalidUrl as exc:
        raise FeedError(str(exc)) from None
    existing = await articles.article_by_url(canonical)
    if existing is not None:
        return PageIngest(url=canonical, existing=existing)
    extracted = await fetch_article(fetcher, url)
    if extracted.url != canonical:  # the page named its canonical address (or we were redirected)
        existing = await articles.article_by_url(extracted.url)
        if existing is not None:
            return PageIngest(url=extracted.url, existing=existing, extracted=extracted)
    article = extracted.to_input(topics=topics)
    if article.published_at is None and published_at is not None:
        article = replace(article, published_at=published_at)
    result = await newsroom.ingest(article, added_by=added_by, publish=publish)
    return PageIngest(url=extracted.url, result=result, extracted=extracted)


# --- feeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollReport:
    """What one poll of one feed did."""

    feed_id: str
    not_modified: bool = False
    added: int = 0
    merged: int = 0  # of the added, how many joined an existing story
    duplicates: int = 0  # stored already, from this feed under another GUID or from elsewhere
    filtered: int = 0
    already_seen: int = 0
    retry_later: int = 0
    refused: tuple[str, ...] = ()
    story_ids: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        """One line for people: "2 new, 1 filtered, 1 refused (…)"."""
        if self.error is not None:
            return f"failed: {self.error}"
        if self.not_modified:
            return "no change since the last poll"
        parts = [f"{self.added} new"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already stored")
        if self.filtered:
            parts.append(f"{self.filtered} filtered out")
        if self.retry_later:
            parts.append(f"{self.retry_later} to retry")
        if self.refused:
            parts.append(f"{len(self.refused)} refused ({'; '.join(self.refused[:3])})")
        return ", ".join(parts)


@dataclass
class _Tally:
    added: int = 0
    merged: int = 0
    duplicates: int = 0
    filtered: int = 0
    already_seen: int = 0
    retry_later: int = 0
    refused: list[str] = field(default_factory=list)
    story_ids: list[str] = field(default_factory=list)


def backoff_delay(interval_minutes: int, failures: int) -> timedelta:
    """The wait after ``failures`` failed polls in a row: the interval doubled per failure, at most a day."""
    if failures <= 0:
        return timedelta(minutes=interval_minutes)
    return min(timedelta(minutes=interval_minutes) * (2 ** min(failures, 10)), MAX_BACKOFF)


def outlet_from_feed_title(title: str | None) -> str | None:
    """ "The Gazette - Top stories" -> "The Gazette": a feed's title usually starts with the outlet."""
    if not title:
        return None
    for separator in (" - ", " | ", " – ", " — ", ": "):
        if separator in title:
            return title.split(separator, 1)[0].strip() or title
    return title


class FeedService:
    """Feeds: add, list, pause, resume, remove, poll; and a background poller."""

    def __init__(
        self,
        feeds: FeedStore,
        articles: ArticleStore,
        audit: AuditLog,
        newsroom: Newsroom,
        fetcher: SafeFetcher,
        *,
        clock: Callable[[], datetime],
        default_interval_minutes: int = DEFAULT_INTERVAL_MINUTES,
        tick_seconds: float = 30.0,
        concurrency: int = 4,
        max_entries_per_poll: int = MAX_ENTRIES_PER_POLL,
    ) -> None:
        self._feeds = feeds
        self._articles = articles
        self._audit = audit
        self._newsroom = newsroom
        self._fetcher = fetcher
        self._clock = clock
        self.default_interval_minutes = default_interval_minutes
        self._tick = tick_seconds
        self._semaphore = asyncio.Semaphore(concurrency)
        self._max_entries = max_entries_per_poll
        self._locks: dict[str, asyncio.Lock] = {}
        self._task: asyncio.Task[None] | None = None

    # --- moderator actions ---

    async def add(
        self,
        url: str,
        *,
        added_by: str,
        topics: Sequence[str] = (),
        trusted: bool = False,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        interval_minutes: int | None = None,
    ) -> tuple[Feed, PollReport]:
        """Check that ``url`` is a feed (or a page that links to one), store it and poll it once."""
        try:
            canonical = canonical_url(url)
        except InvalidUrl as exc:
            raise FeedError(f"{exc} Usage: /feed add https://example.com/rss [topics…] [trusted]") from None
        await self._refuse_known(canonical)
        interval = interval_minutes or self.default_interval_minutes
        if not MIN_INTERVAL_MINUTES <= interval <= MAX_INTERVAL_MINUTES:
            raise FeedError(
                f"Poll every {MIN_INTERVAL_MINUTES} to {MAX_INTERVAL_MINUTES} minutes, not {interval}."
            )
        try:
            fetched = await self._fetcher.fetch(url, Expect.FEED)
            if fetched.content_type in {"text/html", "application/xhtml+xml"}:
                links = discover_feeds(fetched.text(), fetched.url)
                if not links:
                    raise NotAFeed(
                        "That is a web page, not a feed, and it links to no RSS or Atom feed. "
                        "Look for an RSS link on the site (often /rss or /feed)."
                    )
                fetched = await self._fetcher.fetch(links[0], Expect.FEED)
            parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
        except FetchRefused as exc:
            raise FeedError(f"I could not add that feed: {exc}") from None
        except NotAFeed as exc:
            raise FeedError(str(exc)) from None
        final_url = fetched.url
        final_canonical = canonical_url(final_url)
        if final_canonical != canonical:
            await self._refuse_known(final_canonical)
        now = self._clock()
        feed = Feed(
            id="",
            url=final_url,
            canonical_url=final_canonical,
            title=parsed.title,
            topics=tuple(dict.fromkeys(t.lower() for t in topics)),
            trusted=trusted,
            include_keywords=tuple(include),
            exclude_keywords=tuple(exclude),
            interval_minutes=interval,
            status=FeedStatus.ACTIVE,
            added_by=added_by,
            added_at=now,
            next_poll_at=now,
        )
        try:
            feed = await self._feeds.add_feed(feed)
        except DuplicateFeed as exc:
            raise FeedAlreadyAdded(
                f"That feed is already added as feed #{exc.existing_feed_id}. Type /feed list to see it."
            ) from None
        await self._audit.record(
            added_by,
            "feed.add",
            f"feed:{feed.id}",
            f"{final_url} trusted={trusted} topics={','.join(feed.topics)}",
            now,
        )
        async with self._lock(feed.id):
            report = await self._process(feed, parsed)
            feed = await self._succeeded(feed, report, etag=fetched.etag, last_modified=fetched.last_modified)
        return feed, report

    async def list(self) -> list[Feed]:
        return await self._feeds.feeds()

    async def feed(self, feed_id: str) -> Feed:
        return await self._feeds.feed(feed_id)

    async def remove(self, feed_id: str, *, actor: str) -> Feed:
        feed = await self._feeds.feed(feed_id)
        await self._feeds.delete_feed(feed_id)
        await self._audit.record(actor, "feed.remove", f"feed:{feed_id}", feed.url, self._clock())
        return feed

    async def pause(self, feed_id: str, *, actor: str) -> Feed:
        feed = await self._feeds.feed(feed_id)
        updated = await self._feeds.update_feed(replace(feed, status=FeedStatus.PAUSED))
        await self._audit.record(actor, "feed.pause", f"feed:{feed_id}", feed.url, self._clock())
        return updated

    async def resume(self, feed_id: str, *, actor: str) -> Feed:
        feed = await self._feeds.feed(feed_id)
        updated = await self._feeds.update_feed(
            replace(feed, status=FeedStatus.ACTIVE, failures=0, next_poll_at=self._clock())
        )
        await self._audit.record(actor, "feed.resume", f"feed:{feed_id}", feed.url, self._clock())
        return updated

    async def problems(self) -> list[str]:
        """One line per failing feed, with the reason, for /stats."""
        lines = []
        for feed in await self._feeds.feeds():
            if feed.failures and feed.last_error:
                lines.append(
                    f"feed #{feed.id} {feed.title or feed.url}: {feed.failures} failed poll(s) — "
                    f"{feed.last_error}"
                )
        return lines

    # --- polling ---

    async def poll(self, feed_id: str) -> PollReport:
        """Poll one feed now (also when it is not due), with a conditional GET."""
        async with self._lock(feed_id):
            feed = await self._feeds.feed(feed_id)
            return await self._poll(feed)

    async def poll_due(self) -> list[PollReport]:
        """Poll every active feed that is due, a few at a time."""
        due = await self._feeds.due_feeds(self._clock())

        async def one(feed: Feed) -> PollReport:
            async with self._semaphore, self._lock(feed.id):
                try:
                    current = await self._feeds.feed(feed.id)
                except NotFound:  # removed since due_feeds() listed it
                    return PollReport(feed.id, error="the feed was removed")
                return await self._poll(current)

        # One feed's failure must not lose the others' reports or leave their polls orphaned.
        results = await asyncio.gather(*(one(feed) for feed in due), return_exceptions=True)
        reports = []
        for feed, result in zip(due, results, strict=True):
            if isinstance(result, BaseException):
                log.error("polling feed %s failed: %s", feed.id, result, exc_info=result)
                reports.append(PollReport(feed.id, error=f"internal error: {type(result).__name__}"))
            else:
                reports.append(result)
        return reports

    async def start(self) -> None:
        """Start the background poller (one task; each feed's own interval decides when it is due)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="feed-poller")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            try:
                reports = await self.poll_due()
                for report in reports:
                    if report.added or report.error:
                        log.info("feed %s polled: %s", report.feed_id, report.describe())
            except asyncio.CancelledError:
                raise
            except Exception:  # the poller must survive a bad feed or a database hiccup
                log.exception("feed poller tick failed")
            await asyncio.sleep(self._tick)

    def _lock(self, feed_id: str) -> asyncio.Lock:
        return self._locks.setdefault(feed_id, asyncio.Lock())

    async def _refuse_known(self, canonical: str) -> None:
        known = await self._feeds.feed_by_url(canonical)
        if known is not None:
            raise FeedAlreadyAdded(
                f"That feed is already added as feed #{known.id} ({known.status}). Type /feed list to see it."
            )

    async def _poll(self, feed: Feed) -> PollReport:
        if feed.status is not FeedStatus.ACTIVE:
            return PollReport(feed.id, error="the feed is paused")
        try:
            fetched = await self._fetcher.fetch(
                feed.url, Expect.FEED, etag=feed.etag, last_modified=feed.last_modified
            )
            if fetched.not_modified:
                report = PollReport(feed.id, not_modified=True)
                await self._succeeded(feed, report, etag=fetched.etag, last_modified=fetched.last_modified)
                return report
            parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
        except (FetchRefused, SourceError) as exc:
            return await self._failed(feed, str(exc))
        try:
            report = await self._process(feed, parsed)
            await self._succeeded(feed, report, etag=fetched.etag, last_modified=fetched.last_modified)
        except StoreUnavailable as exc:
            # Nothing can be recorded while the database is down; the feed stays due and the
            # next tick tries again (items already stored are deduplicated then).
            log.warning("feed %s: the database is unavailable: %s", feed.id, exc)
            return PollReport(feed.id, error=str(exc))
        except Exception as exc:  # a bug for one feed: back off with the reason rather than retry every tick
            log.exception("feed %s could not be processed", feed.id)
            return await self._failed(feed, f"internal error while processing the feed ({type(exc).__name__})")
        return report

    async def _failed(self, feed: Feed, reason: str) -> PollReport:
        now = self._clock()
        failures = feed.failures + 1
        delay = backoff_delay(feed.interval_minutes, failures)
        await self._feeds.update_feed(
            replace(feed, failures=failures, last_error=reason, last_polled_at=now, next_poll_at=now + delay)
        )
        log.warning(
            "feed %s (%s) failed %d time(s): %s; next try in %s", feed.id, feed.url, failures, reason, delay
        )
        return PollReport(feed.id, error=reason)

    async def _succeeded(
        self, feed: Feed, report: PollReport, *, etag: str | None, last_modified: str | None
    ) -> Feed:
        now = self._clock()
        summary = report.describe()
        return await self._feeds.update_feed(
            replace(
                feed,
                etag=etag,
                last_modified=last_modified,
                failures=0,
                last_error=None,
                last_polled_at=now,
                next_poll_at=now + timedelta(minutes=feed.interval_minutes),
                last_result=feed.last_result if report.not_modified and feed.last_result else summary,
            )
        )

    async def _process(self, feed: Feed, parsed: ParsedFeed) -> PollReport:
        """Turn the feed's new entries into articles, oldest first, remembering every entry seen."""
        keyword_filter = KeywordFilter(feed.include_keywords, feed.exclude_keywords)
        tally = _Tally()
        entries = list(parsed.entries[: self._max_entries])
        entries.sort(key=lambda e: e.published_at.timestamp() if e.published_at else 0.0)
        outlet = outlet_from_feed_title(feed.title or parsed.title)
        for entry in entries:
            await self._process_entry(feed, entry, keyword_filter, outlet, tally)
        return PollReport(
            feed.id,
            added=tally.added,
            merged=tally.merged,
            duplicates=tally.duplicates,
            filtered=tally.filtered,
            already_seen=tally.already_seen,
            retry_later=tally.retry_later,
            refused=tuple(tally.refused),
            story_ids=tuple(dict.fromkeys(tally.story_ids)),
        )

    async def _process_entry(
        self, feed: Feed, entry: FeedEntry, keyword_filter: KeywordFilter, outlet: str | None, tally: _Tally
    ) -> None:
        keys = entry_keys(entry)
        now = self._clock()

        async def remember(outcome: FeedItemOutcome, article_id: str | None = None, detail: str = "") -> None:
            await self._feeds.add_feed_items(
                [FeedItem(feed.id, keys.guid, keys.link, keys.content_hash, outcome, now, article_id, detail)]
            )

        seen = await self._feeds.seen_feed_item(feed.id, keys.guid, keys.link, keys.content_hash)
        if seen is not None:
            tally.already_seen += 1
            if keys.guid and seen.guid != keys.guid:
                # A rewritten GUID: remember it too, so the next poll matches it directly.
                await remember(seen.outcome, seen.article_id, "same entry under a new GUID")
            return
        rejection = keyword_filter.rejection(entry.title, entry.text)
        if rejection is not None:
            tally.filtered += 1
            await remember(FeedItemOutcome.FILTERED, detail=rejection)
            return
        label = (entry.title or entry.link or entry.guid or "an entry")[:60]
        try:
            if is_teaser(entry):
                if not entry.link:
                    raise NotAFeed("the feed gives only a teaser and no link to the full article")
                page = await ingest_page(
                    entry.link,
                    fetcher=self._fetcher,
                    newsroom=self._newsroom,
                    articles=self._articles,
                    added_by=f"feed:{feed.id}",
                    publish=feed.trusted,
                    topics=feed.topics,
                    published_at=entry.published_at,
                )
                result, existing_id = page.result, (page.existing.id if page.existing else None)
            else:
                existing = await self._articles.article_by_url(keys.link) if keys.link else None
                if existing is not None:
                    result, existing_id = None, existing.id
                else:
                    article = ArticleInput(
                        text=entry.text,
                        title=entry.title,
                        source=outlet,
                        url=keys.link,
                        published_at=entry.published_at,
                        topics=feed.topics,
                    )
                    result = await self._newsroom.ingest(
                        article, added_by=f"feed:{feed.id}", publish=feed.trusted
                    )
                    existing_id = None
        except FetchRefused as exc:
            if exc.transient:
                tally.retry_later += 1  # not remembered: the next poll tries again
                return
            tally.refused.append(f"{label}: {exc}")
            await remember(FeedItemOutcome.REFUSED, detail=str(exc))
            return
        except (SourceError, InvalidInput) as exc:
            tally.refused.append(f"{label}: {exc}")
            await remember(FeedItemOutcome.REFUSED, detail=str(exc))
            return
        duplicate_of = existing_id or (result.duplicate_of if result is not None else None)
        if duplicate_of is not None:
            tally.duplicates += 1
            await remember(FeedItemOutcome.DUPLICATE, duplicate_of, "already stored")
            return
        assert result is not None and result.article is not None
        tally.added += 1
        tally.merged += int(result.merged)
        if result.story is not None:
            tally.story_ids.append(result.story.id)
        await remember(FeedItemOutcome.ADDED, result.article.id)
