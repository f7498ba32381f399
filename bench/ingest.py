"""Ingest speed, grouping quality and memory: bbc_dev, then a synthetic corpus, on SQLite.

Every article goes through the whole pipeline (cleaning, sentence splitting, grouping,
summarising, facts, the search index and the database writes) via ``Newsroom.ingest_many`` in
batches (as ``briefbot ingest`` does) on the real ``SqlStore`` over a SQLite file. Printed:

* articles per second and milliseconds per article, next to sumy TextRank's time for one
  3-sentence summary of the same articles (TextRank timed in the same process);
* grouping on bbc_dev: stories, and every merged pair classed as a duplicate text, a
  same-story follow-up (titles share words) or a clearly different pair (a false merge);
* time per article split into the store's share (SQL, through ``SqlStore``) and the newsroom's
  (text, grouping, summary, facts, each timed), and the grouping look-up's cost
  (``candidate_stories_many``),
  early and late in the synthetic run, to show it does not grow with the stories stored;
* merges among synthetic copies (all distinct by construction: each is a false merge);
* peak memory (``ru_maxrss``) of the process.

Objects alive after start-up are frozen for the garbage collector (``gc.freeze``), as a long
bulk ingest should do; ``--no-freeze`` measures without.

The synthetic corpus is built from bbc_dev on the fly: copy *k* of an article gets its own
names, acronyms and figures (a per-copy random mapping), and its paragraphs shuffled, so
copies share wording but not the people, places and numbers that identify an event. The
bench clock moves ``--step`` seconds per article (a feed of ``86400/step`` articles a day),
so the grouping window behaves as it would in production.

    python bench/ingest.py --count 100000          # about an hour or more; run it in the background
    python bench/ingest.py --count 2000            # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summaries import TextRank  # noqa: E402

from briefings.models import ArticleInput  # noqa: E402
from briefings.newsroom import Newsroom  # noqa: E402
from briefings.stories import shingles  # noqa: E402
from briefings.text import STOPWORDS, split_sentences, terms  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


# --- the synthetic corpus --------------------------------------------------------------------

_SYLLABLES = (
    "ka ren dor mi la vo sen tar bel ri go nu fal es tor pa lin qua zem hal or vi dra mon sul ter "
    "ba cor elk ju nas pre wil ost fen ga rho ul yer"
).split()
# Capitalised words with a lower-case letter somewhere ("Blair", "McConnell", "PwC", "iPod" is
# left alone), and acronyms ("BBC", "DVDs").
_CAPITALISED_RE = re.compile(r"\b[A-Z][A-Za-z]*[a-z][A-Za-z]*(?:'s)?\b")
_ACRONYM_RE = re.compile(r"\b[A-Z]{2,6}s?\b")
_NUMBER_RE = re.compile(r"\d+")
_CODE_RE = re.compile(r"\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z\d]*[A-Z][A-Za-z\d]*\b")


def _pseudo_name(rng: random.Random) -> str:
    # Three or four syllables: about two million names, so copies rarely share one by chance.
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def vary(text: str, title: str | None, copy: int) -> tuple[str, str | None]:
    """A distinct article from a template: new names, acronyms and figures; paragraphs shuffled."""
    rng = random.Random(copy)
    names: dict[str, str] = {}

    def name(match: re.Match[str]) -> str:
        word = match.group(0)
        base, possessive = (word[:-2], "'s") if word.endswith("'s") else (word, "")
        if base.lower() in STOPWORDS:
            return word  # "The", "However": sentence starts, not names
        if base not in names:
            names[base] = _pseudo_name(rng)
        return names[base] + possessive

    def acronym(match: re.Match[str]) -> str:
        word = match.group(0)
        if word not in names:
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWZ") for _ in word.rstrip("s"))
            names[word] = letters + ("s" if word.endswith("s") else "")
        return names[word]

    def number(match: re.Match[str]) -> str:
        digits = match.group(0)
        return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    def code(match: re.Match[str]) -> str:
        word = match.group(0)  # "MP3", "P2P", "3G": product and technology names
        if word not in names:
            digits, letters = "0123456789", "ABCDEFGHJKLMNPRSTUVWZ"
            names[word] = "".join(rng.choice(digits if ch.isdigit() else letters) for ch in word)
        return names[word]

    def rewrite(part: str) -> str:
        part = _CODE_RE.sub(code, part)
        return _NUMBER_RE.sub(number, _ACRONYM_RE.sub(acronym, _CAPITALISED_RE.sub(name, part)))

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    rng.shuffle(paragraphs)
    return "\n\n".join(rewrite(p) for p in paragraphs), rewrite(title) if title else None


def synthetic(rows: list[dict[str, Any]], count: int) -> Iterator[tuple[str, ArticleInput]]:
    for number in range(count):
        row = rows[number % len(rows)]
        copy = number // len(rows) + 1
        text, title = vary(row["text"], row.get("title"), number + 1)
        yield (
            f"syn{copy}-{row['id']}",
            ArticleInput(text=text, title=title, external_id=f"syn{copy}-{row['id']}"),
        )


# --- measuring ------------------------------------------------------------------------------


class StepClock:
    """A clock that moves a fixed step at every reading: the newsroom reads it once per article."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now


class TimedStore:
    """Wraps a store and adds up the time spent in each method (for the grouping figures)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._store, name)
        if not callable(target):
            return target

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await target(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed


class Phases:
    """Adds up the time spent in the newsroom's main steps, by wrapping the functions it calls."""

    STEPS = (
        "split_sentences", "index_terms", "grouping_keys", "summarise_story", "extract_facts", "same_story"
    )

    def __init__(self) -> None:
        import briefings.newsroom as module

        self.seconds: dict[str, float] = dict.fromkeys(self.STEPS, 0.0)
        for name in self.STEPS:
            setattr(module, name, self._timed(name, getattr(module, name)))

    def _timed(self, name: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return timed

    def reset(self) -> None:
        self.seconds = dict.fromkeys(self.STEPS, 0.0)

    def line(self, articles: int) -> str:
        return ", ".join(f"{k} {1000 * v / max(1, articles):.2f} ms" for k, v in self.seconds.items())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class Run:
    articles: int = 0
    merged: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    textrank_seconds: list[float] = field(default_factory=list)
    ours_seconds: list[float] = field(default_factory=list)

    def line(self, label: str) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        per = 1000 * self.seconds / max(1, self.articles)
        text = (
            f"{label}: {self.articles} articles in {self.seconds:.1f} s = {rate:.1f} articles/s, "
            f"{per:.2f} ms/article"
        )
        if self.textrank_seconds:
            ours = 1000 * statistics.mean(self.ours_seconds)
            theirs = 1000 * statistics.mean(self.textrank_seconds)
            text += (
                f"\n    on the {len(self.textrank_seconds)} articles timed both ways: whole pipeline "
                f"{ours:.2f} ms/article, TextRank one summary {theirs:.2f} ms/article "
                f"(pipeline / TextRank = {ours / theirs:.2f})"
            )
        return text


async def ingest_all(
    newsroom: Newsroom,
    items: Iterator[tuple[str, ArticleInput]],
    total: int,
    run: Run,
    *,
    textrank: TextRank | None,
    textrank_every: int,
    batch_size: int,
    on_result: Any = None,
    label: str = "Ingesting",
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    ) as bar:
        task = bar.add_task(label, total=total)
        number = 0
        while True:
            batch = list(itertools.islice(items, batch_size))
            if not batch:
                break
            started = time.perf_counter()
            results = await newsroom.ingest_many([article for _, article in batch], added_by="bench")
            spent = time.perf_counter() - started
            run.seconds += spent
            for (doc_id, article), result in zip(batch, results, strict=True):
                assert not isinstance(result, Exception), f"{doc_id}: {result}"
                run.articles += 1
                run.merged += int(result.merged)
                run.duplicates += int(result.duplicate_of is not None)
                if textrank is not None and number % textrank_every == 0:
                    started = time.perf_counter()
                    textrank(article.text, 3)
                    run.textrank_seconds.append(time.perf_counter() - started)
                    run.ours_seconds.append(spent / len(batch))  # the batch's time per article
                if on_result is not None:
                    on_result(doc_id, article, result)
                number += 1
            bar.advance(task, len(batch))


def classify_pairs(groups: dict[str, list[tuple[str, str | None, str]]]) -> dict[str, list[str]]:
    """Merged pairs as duplicates (near-identical text), follow-ups (titles share words) or false merges."""
    out: dict[str, list[str]] = {"duplicate": [], "follow-up": [], "different": []}
    for members in groups.values():
        for i, (first_id, first_title, first_text) in enumerate(members):
            for second_id, second_title, second_text in members[i + 1 :]:
                a = shingles([terms(s) for s in split_sentences(first_text)])
                b = shingles([terms(s) for s in split_sentences(second_text)])
                containment = len(a & b) / max(1, min(len(a), len(b)))
                ta, tb = set(terms(first_title or "")), set(terms(second_title or ""))
                title_share = len(ta & tb) / max(1, len(ta | tb)) if ta and tb else 1.0
                kind = (
                    "duplicate" if containment >= 0.8 else "follow-up" if title_share >= 0.3 else "different"
                )
                out[kind].append(
                    f"{first_id} / {second_id}: {first_title!r} / {second_title!r} "
                    f"(shared phrases {containment:.2f})"
                )
    return out


async def synthetic_merges(engine: Any) -> int:
    """Synthetic articles stored in a story that already held another synthetic article."""
    from sqlalchemy import text

    query = text(
        "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM articles "
        "WHERE external_id LIKE 'syn%' GROUP BY story_id HAVING COUNT(*) > 1) AS merged"
    )
    async with engine.connect() as connection:
        return int((await connection.execute(query)).scalar_one())


async def main(args: argparse.Namespace) -> None:
    from storage import SqlStore, create_engine, upgrade

    rows = [json.loads(line) for line in (CORPUS / "bbc_dev.jsonl").open(encoding="utf-8")]
    directory = Path(tempfile.mkdtemp(prefix="briefbot-bench-"))
    path = args.database or directory / "bench.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url)
    store = TimedStore(SqlStore(engine))
    clock = StepClock(datetime(2024, 1, 1, tzinfo=UTC), timedelta(seconds=args.step))
    newsroom = Newsroom(store, clock=clock)  # type: ignore[arg-type]
    phases = Phases()
    textrank = TextRank()
    textrank("Warm up the summariser. It loads its stop words and stemmer now.", 1)
    if not args.no_freeze:
        # What a long bulk ingest should do once started (``gc.freeze``): the objects alive now
        # (modules, here also sumy's, numpy's and NLTK's) are never garbage, so the collector
        # stops walking them at every full collection. Without it those walks cost about 0.5
        # ms per article in this process, most of it for the TextRank side's imports.
        gc.collect()
        gc.freeze()
    print(
        f"SQLite database: {path}; clock step {args.step} s per article; batches of {args.batch}; "
        f"start-up objects {'not ' if args.no_freeze else ''}frozen for the garbage collector"
    )

    # 1. The seeds and bbc_dev: speed, and grouping quality.
    story_members: dict[str, list[tuple[str, str | None, str]]] = {}

    def remember(doc_id: str, article: ArticleInput, result: Any) -> None:
        if result.article is not None:
            story_members.setdefault(result.article.story_id, []).append(
                (doc_id, article.title, article.text)
            )

    seeds = [
        (p.stem, ArticleInput(text=p.read_text(encoding="utf-8"), external_id=p.stem))
        for p in sorted((CORPUS / "seeds").glob("*.txt"))
    ]
    bbc = [(r["id"], ArticleInput(text=r["text"], title=r["title"], external_id=r["id"])) for r in rows]
    first = Run()
    await ingest_all(
        newsroom,
        iter(seeds + bbc),
        len(seeds) + len(bbc),
        first,
        textrank=textrank,
        textrank_every=1,
        batch_size=args.batch,
        on_result=remember,
        label="seeds + bbc_dev",
    )
    print(first.line("seeds + bbc_dev"))
    merged = {k: v for k, v in story_members.items() if len(v) > 1}
    stories = await store.count_stories()
    print(
        f"grouping: {first.articles - first.duplicates} articles stored in {stories} stories; "
        f"{first.duplicates} exact duplicates refused; {len(merged)} stories with several articles"
    )
    seed_story = [k for k, v in merged.items() if {d for d, _, _ in v} >= {d for d, _ in seeds}]
    print(f"  the two seeds share one story: {'yes' if seed_story else 'NO'}")
    classes = classify_pairs({k: v for k, v in merged.items() if k not in seed_story})
    for kind, pairs in classes.items():
        print(f"  merged pairs, {kind}: {len(pairs)}")
        for pair in pairs if args.verbose or kind == "different" else []:
            print(f"    {pair}")
    store_seconds = {k: v for k, v in store.seconds.items()}
    print(
        f"  store time per article: {1000 * sum(store_seconds.values()) / first.articles:.2f} ms in all; "
        + ", ".join(
            f"{k} {1000 * v / first.articles:.2f} ms"
            for k, v in sorted(store_seconds.items(), key=lambda kv: -kv[1])
        )
    )
    in_store = sum(store_seconds.values())
    print(
        f"  newsroom time per article: {1000 * (first.seconds - in_store) / first.articles:.2f} ms in all; "
        f"of which {phases.line(first.articles)}"
    )
    print(f"peak memory so far: {peak_mb():.0f} MB")
    if args.count <= 0:
        await engine.dispose()
        return

    # 2. The synthetic corpus: speed and grouping cost as the store grows; memory.
    checkpoints = sorted({min(args.count, c) for c in (1000, 10_000, 50_000, args.count)})
    window = Run()
    total = Run()
    done = 0
    previous = 0

    items = synthetic(rows, args.count)
    print(f"\nsynthetic corpus: {args.count} articles")
    header = ("stored", "art/s", "ms/art", "store ms", "newsroom ms", "TextRank ms", "lookup ms", "peak MB")
    widths = (8, 7, 7, 9, 11, 11, 9, 8)
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    for checkpoint in checkpoints:
        size = checkpoint - previous
        window = Run()
        store.reset()
        phases.reset()

        def limited(n: int = size) -> Iterator[tuple[str, ArticleInput]]:
            for _ in range(n):
                yield next(items)

        await ingest_all(
            newsroom,
            limited(),
            size,
            window,
            textrank=textrank,
            textrank_every=args.textrank_every,
            batch_size=args.batch,
            label=f"synthetic {previous + 1}-{checkpoint}",
        )
        done += size
        total.articles += window.articles
        total.seconds += window.seconds
        total.merged += window.merged
        total.textrank_seconds += window.textrank_seconds
        total.ours_seconds += window.ours_seconds
        per_article = 1000 / max(1, window.articles)
        lookup = per_article * store.seconds.get("candidate_stories_many", 0.0)
        in_store = per_article * sum(store.seconds.values())
        spent = per_article * window.seconds
        textrank_ms = 1000 * statistics.mean(window.textrank_seconds) if window.textrank_seconds else 0.0
        stored = await store.count_stories()
        print(
            f"{stored:>8} {window.articles / window.seconds:>7.1f} {spent:>7.2f} {in_store:>9.2f} "
            f"{spent - in_store:>11.2f} {textrank_ms:>11.2f} {lookup:>9.3f} {peak_mb():>8.0f}",
            flush=True,
        )
        print(
            "         store: "
            + ", ".join(
                f"{k} {per_article * v:.2f} ms"
                for k, v in sorted(store.seconds.items(), key=lambda kv: -kv[1])
            )
            + "\n         newsroom: "
            + phases.line(window.articles),
            flush=True,
        )
        previous = checkpoint
    print(total.line("synthetic total"))
    merged_copies = await synthetic_merges(engine)
    print(
        f"synthetic copies merged into another copy's story (false merges): "
        f"{merged_copies} of {total.articles}"
    )
    print(f"peak memory (ru_maxrss): {peak_mb():.0f} MB; database file {path.stat().st_size / 1e6:.0f} MB")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--count", type=int, default=100_000, help="synthetic articles after bbc_dev (0: none)"
    )
    parser.add_argument("--step", type=float, default=30.0, help="clock seconds between articles")
    parser.add_argument(
        "--textrank-every", type=int, default=20, help="time TextRank on every N-th synthetic article"
    )
    parser.add_argument(
        "--database", type=Path, default=None, help="SQLite file (default: a new temporary one)"
    )
    parser.add_argument("--batch", type=int, default=256, help="articles per Newsroom.ingest_many call")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every merged pair")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave start-up objects to the garbage collector"
    )
    asyncio.run(main(parser.parse_args()))
