"""Reading articles from files for bulk ingest and evaluation: plain text and JSONL.

A text file may start with the same ``title:``/``source:``/``url:``/``date:`` lines as a
pasted ``/add``; its doc id is the file name without ``.txt``. A JSONL file holds one
article per line in the ``bbc_dev.jsonl`` format (``id``, ``title``, ``text`` and optionally
``category``, ``source``, ``url``, ``date``).

Web addresses are fetched safely (:mod:`bot.web`) and their article extracted; an OPML file's
feeds are added as feeds (their first poll ingests their entries). :func:`classify_sources`
sorts command-line arguments into files, addresses and OPML files.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands.parsing import parse_article, parse_date
from bot.router import UsageError
from briefings.models import ArticleInput
from briefings.newsroom import InvalidInput, Newsroom
from briefings.ports import ArticleStore
from briefings.sources import (
    ExtractedArticle,
    InvalidUrl,
    NotAFeed,
    OpmlFeed,
    SourceError,
    canonical_url,
    is_web_url,
    parse_opml,
)

if TYPE_CHECKING:  # imported for annotations only: the web parts load httpx and trafilatura
    from bot.feeds import FeedService
    from bot.web import SafeFetcher

MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class SourceItem:
    """One article to ingest, or the reason it cannot be read."""

    label: str
    article: ArticleInput | None = None
    error: str | None = None


def read_text_file(path: Path) -> SourceItem:
    label = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return SourceItem(label, error=f"cannot read: {exc.strerror or exc}")
    if b"\x00" in raw[:4096]:
        return SourceItem(label, error="binary file, not text")
    text = raw.decode("utf-8", errors="replace")
    try:
        article, _ = parse_article(text)
    except UsageError as exc:
        return SourceItem(label, error=str(exc))
    return SourceItem(label, ArticleInput(
        text=article.text, title=article.title, source=article.source or path.stem, url=article.url,
        published_at=article.published_at, external_id=path.stem,
    ))


def read_jsonl(path: Path) -> Iterator[SourceItem]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            label = f"{path}:{number}"
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError("each line must be an object with a text field")
                published = parse_date(record["date"]) if record.get("date") else None
                topics = (str(record["category"]).lower(),) if record.get("category") else ()
                yield SourceItem(label, ArticleInput(
                    text=record["text"], title=record.get("title") or None,
                    source=record.get("source") or record.get("outlet") or None, url=record.get("url") or None,
                    published_at=published, external_id=str(record.get("id") or f"{path.stem}-{number}"),
                    topics=topics,
                ))
            except (ValueError, UsageError) as exc:
                yield SourceItem(label, error=f"not a valid article line: {exc}")


def read_paths(paths: Iterable[Path]) -> Iterator[SourceItem]:
    """Every article in the given files (``.jsonl`` as JSON lines, anything else as text)."""
    for path in paths:
        if path.is_dir():
            yield from read_paths(sorted(p for p in path.iterdir() if p.suffix in {".txt", ".jsonl"}))
        elif not path.exists():
            yield SourceItem(str(path), error="no such file")
        elif path.stat().st_size > MAX_FILE_BYTES:
            yield SourceItem(str(path), error=f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        elif path.suffix == ".jsonl":
            yield from read_jsonl(path)
        else:
            yield read_text_file(path)


@dataclass
class IngestSummary:
    added: int = 0
    new_stories: int = 0
    merged: int = 0
    duplicates: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    doc_ids: dict[str, str] = field(default_factory=dict)  # external id -> article id
    feeds_added: int = 0
    feeds_known: int = 0  # OPML feeds that were already added

    @property
    def refused_count(self) -> int:
        return sum(self.refused.values())


INGEST_BATCH = 256  # articles per transaction: big enough to amortise, small enough for memory


# A load of this many articles or more ends by refreshing the store's planner statistics.
REFRESH_AFTER = 100


async def ingest_items(
    newsroom: Newsroom,
    items: Iterable[SourceItem],
    *,
    added_by: str,
    on_item: Callable[[SourceItem], None] | None = None,
    batch_size: int = INGEST_BATCH,
) -> IngestSummary:
    """Ingest every item, counting what was added, merged, duplicate or refused (and why).

    Items are read lazily and ingested in batches (:meth:`Newsroom.ingest_many`: one look-up
    and one transaction per batch), with the same outcome as ingesting them one by one;
    ``on_item`` is called for each item once its batch is stored.
    """
    summary = IngestSummary()
    started = time.perf_counter()
    pending: list[SourceItem] = []

    async def flush() -> None:
        readable = [item for item in pending if item.article is not None]
        outcomes = await newsroom.ingest_many(
            [item.article for item in readable if item.article is not None], added_by=added_by
        )
        outcome_of = {id(item): outcome for item, outcome in zip(readable, outcomes, strict=True)}
        for item in pending:
            outcome = outcome_of.get(id(item))
            if item.article is None:
                summary.refused[f"{item.label}: {item.error}"] += 1
            elif isinstance(outcome, InvalidInput):
                summary.refused[f"{item.label}: {outcome}"] += 1
            elif outcome is not None:
                if outcome.duplicate_of is not None:
                    summary.duplicates += 1
                    article_id = outcome.duplicate_of
                else:
                    summary.added += 1
                    summary.merged += int(outcome.merged)
                    summary.new_stories += int(not outcome.merged)
                    article_id = outcome.article.id if outcome.article else ""
                if item.article.external_id:
                    summary.doc_ids[item.article.external_id] = article_id
            if on_item is not None:
                on_item(item)
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= max(1, batch_size):
            await flush()
    if pending:
        await flush()
    if summary.added >= REFRESH_AFTER:
        await newsroom.refresh_statistics()
    summary.seconds = time.perf_counter() - started
    return summary


# --- web addresses and OPML files ------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePlan:
    """Command-line arguments sorted by kind: files (text, JSONL, directories), web addresses,
    and the feeds of OPML files (with the OPML files that could not be read)."""

    paths: tuple[Path, ...] = ()
    urls: tuple[str, ...] = ()
    opml_feeds: tuple[OpmlFeed, ...] = ()
    errors: tuple[SourceItem, ...] = ()

    @property
    def total(self) -> int:
        return len(self.urls) + len(self.opml_feeds) + len(self.errors)


def _is_opml(path: Path) -> bool:
    if path.suffix.lower() == ".opml":
        return True
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with path.open("rb") as handle:
        return b"<opml" in handle.read(2048).lower()


def classify_sources(arguments: Sequence[str | Path]) -> SourcePlan:
    """Sort arguments into files, http(s) addresses and OPML feed lists (``.opml``, or ``.xml``
    starting with ``<opml``). OPML files are read here; unreadable ones become refused items."""
    paths: list[Path] = []
    urls: list[str] = []
    feeds: dict[str, OpmlFeed] = {}
    errors: list[SourceItem] = []
    for argument in arguments:
        text = str(argument)
        if isinstance(argument, str) and "://" in text:
            if is_web_url(text):
                urls.append(text)
            else:
                errors.append(SourceItem(text, error="not an http:// or https:// address"))
            continue
        path = Path(argument)
        if path.exists() and path.is_file() and _is_opml(path):
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise NotAFeed(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
                for feed in parse_opml(path.read_bytes()):
                    feeds.setdefault(feed.url, feed)
            except (OSError, NotAFeed) as exc:
                errors.append(SourceItem(str(path), error=str(exc)))
        else:
            paths.append(path)
    return SourcePlan(tuple(paths), tuple(dict.fromkeys(urls)), tuple(feeds.values()), tuple(errors))


async def ingest_urls(
    urls: Iterable[str],
    *,
    fetcher: SafeFetcher,
    newsroom: Newsroom,
    articles: ArticleStore,
    added_by: str,
    publish: bool = True,
    summary: IngestSummary | None = None,
    on_item: Callable[[SourceItem], None] | None = None,
    concurrency: int = 4,
) -> IngestSummary:
    """Fetch, extract and ingest web pages: a few fetches at a time, ingests one by one in order.

    An address whose canonical URL is already stored counts as a duplicate without a fetch.
    """
    from bot.feeds import fetch_article
    from bot.web import FetchRefused

    summary = summary if summary is not None else IngestSummary()
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(concurrency)

    async def fetch(url: str) -> ExtractedArticle | str:
        async with semaphore:
            try:
                return await fetch_article(fetcher, url)
            except (FetchRefused, SourceError) as exc:
                return str(exc)

    pending: list[tuple[str, str, asyncio.Task[ExtractedArticle | str] | None]] = []
    for url in urls:
        try:
            canonical = canonical_url(url)
        except InvalidUrl as exc:
            pending.append((url, str(exc), None))
            continue
        if await articles.article_by_url(canonical) is not None:
            pending.append((url, "", None))
            continue
        pending.append((url, "", asyncio.ensure_future(fetch(url))))
    try:
        for url, error, task in pending:
            item = SourceItem(url)
            if task is None:
                if error:
                    summary.refused[f"{url}: {error}"] += 1
                else:
                    summary.duplicates += 1
            else:
                outcome = await task
                if isinstance(outcome, str):
                    summary.refused[f"{url}: {outcome}"] += 1
                elif await articles.article_by_url(outcome.url) is not None:
                    summary.duplicates += 1
                else:
                    try:
                        result = await newsroom.ingest(outcome.to_input(), added_by=added_by, publish=publish)
                    except InvalidInput as exc:
                        summary.refused[f"{url}: {exc}"] += 1
                    else:
                        if result.duplicate_of is not None:
                            summary.duplicates += 1
                        else:
                            summary.added += 1
                            summary.merged += int(result.merged)
                            summary.new_stories += int(not result.merged)
            if on_item is not None:
                on_item(item)
    finally:
        for _, _, task in pending:
            if task is not None and not task.done():
                task.cancel()
    summary.seconds += time.perf_counter() - started
    return summary


async def add_opml_feeds(
    feeds: Iterable[OpmlFeed],
    *,
    service: FeedService,
    added_by: str,
    trusted: bool = False,
    summary: IngestSummary | None = None,
    on_item: Callable[[SourceItem], None] | None = None,
) -> IngestSummary:
    """Add the feeds of an OPML file (folders become topics); each first poll's entries count as
    added, duplicate or refused articles."""
    from bot.feeds import FeedAlreadyAdded, FeedError

    summary = summary if summary is not None else IngestSummary()
    started = time.perf_counter()
    for opml_feed in feeds:
        try:
            _, report = await service.add(opml_feed.url, added_by=added_by, topics=opml_feed.topics,
                                          trusted=trusted)
        except FeedAlreadyAdded:
            summary.feeds_known += 1
        except FeedError as exc:
            summary.refused[f"{opml_feed.url}: {exc}"] += 1
        else:
            summary.feeds_added += 1
            summary.added += report.added
            summary.merged += report.merged
            summary.new_stories += report.added - report.merged
            summary.duplicates += report.duplicates
            for reason in report.refused:
                summary.refused[f"{opml_feed.url}: {reason}"] += 1
        if on_item is not None:
            on_item(SourceItem(opml_feed.url))
    summary.seconds += time.perf_counter() - started
    return summary
