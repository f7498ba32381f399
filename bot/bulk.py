"""Reading articles from files for bulk ingest and evaluation: plain text and JSONL.

A text file may start with the same ``title:``/``source:``/``url:``/``date:`` lines as a
pasted ``/add``; its doc id is the file name without ``.txt``. A JSONL file holds one
article per line in the ``bbc_dev.jsonl`` format (``id``, ``title``, ``text`` and optionally
``category``, ``source``, ``url``, ``date``).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefings.newsroom import InvalidInput, Newsroom

from bot.commands.parsing import parse_article, parse_date
from bot.router import UsageError
from briefings.models import ArticleInput

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

    @property
    def refused_count(self) -> int:
        return sum(self.refused.values())


async def ingest_items(
    newsroom: Newsroom,
    items: Iterable[SourceItem],
    *,
    added_by: str,
    on_item: Callable[[SourceItem], None] | None = None,
) -> IngestSummary:
    """Ingest every item, counting what was added, merged, duplicate or refused (and why)."""
    summary = IngestSummary()
    started = time.perf_counter()
    for item in items:
        if item.article is None:
            summary.refused[f"{item.label}: {item.error}"] += 1
        else:
            try:
                result = await newsroom.ingest(item.article, added_by=added_by)
            except InvalidInput as exc:
                summary.refused[f"{item.label}: {exc}"] += 1
            else:
                if result.duplicate_of is not None:
                    summary.duplicates += 1
                    article_id = result.duplicate_of
                else:
                    summary.added += 1
                    summary.merged += int(result.merged)
                    summary.new_stories += int(not result.merged)
                    article_id = result.article.id if result.article else ""
                if item.article.external_id:
                    summary.doc_ids[item.article.external_id] = article_id
        if on_item is not None:
            on_item(item)
    summary.seconds = time.perf_counter() - started
    return summary
