"""Question latency at 1k, 10k and 100k stored articles on SQLite (FTS5).

The articles are bbc_dev (plus the seeds) copied with their names and numbers varied, so that
copies are different articles about different people; copy 0 is the original text, so the
qa_dev questions keep their answers. Databases are built once and cached under bench/out/
(gitignored): building 100k takes a while. The build writes each article through the store's
``save_ingest`` (sentences indexed, facts extracted) as its own story, skipping story grouping,
which is not what this measures.

Prints p50 / p95 / p99 of ``Newsroom.ask`` per question and the peak memory of the process.
Run: python bench/qa_latency.py [--sizes 1000,10000,100000] [--rounds 2] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
OUT = ROOT / "bench" / "out"

from briefings.facts import extract_facts  # noqa: E402
from briefings.models import ArticleInput, IngestPlan, SentenceRecord, StoryStatus  # noqa: E402
from briefings.newsroom import Newsroom  # noqa: E402
from briefings.text import content_hash, index_terms, is_junk, normalise, split_sentences  # noqa: E402
from storage.engine import create_engine, ensure_sqlite_directory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.sql import SqlStore  # noqa: E402

_SYLLABLES = ["ka", "ro", "mi", "te", "su", "na", "vo", "li", "de", "pa", "zu", "fe", "go", "hi", "ju", "be"]
_CAP_RE = re.compile(r"(?<![\w'])([A-Z][a-z]{2,})\b")
_NUM_RE = re.compile(r"\b(\d+)\b")


def _suffix(copy: int) -> str:
    out = ""
    while copy:
        copy, digit = divmod(copy, len(_SYLLABLES))
        out += _SYLLABLES[digit]
    return out


def vary(text: str, copy: int) -> str:
    """Copy ``copy`` of a text: capitalised words get a made-up ending, numbers shift."""
    if copy == 0:
        return text
    ending = _suffix(copy)
    text = _CAP_RE.sub(lambda m: m.group(1) + ending, text)
    return _NUM_RE.sub(lambda m: str(int(m.group(1)) + copy % 97 + 1), text)


def base_articles() -> list[ArticleInput]:
    items = [
        ArticleInput(text=p.read_text(encoding="utf-8"), source=p.stem.split("_")[0], external_id=p.stem)
        for p in sorted((CORPUS / "seeds").glob("*.txt"))
    ]
    with (CORPUS / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            items.append(
                ArticleInput(text=row["text"], title=row["title"], source="BBC", external_id=row["id"])
            )
    return items


def plan_for(article: ArticleInput, copy: int, when: datetime) -> IngestPlan:
    text = normalise(vary(article.text, copy))
    title = vary(article.title, copy) if article.title else None
    sentences = [(i, s) for i, s in enumerate(split_sentences(text)) if not is_junk(s)]
    records = tuple(SentenceRecord("", i, s, index_terms(s)) for i, s in sentences)
    facts = tuple(f.to_new_fact() for f in extract_facts([s for _, s in sentences]))
    clean = ArticleInput(
        text=text,
        title=title,
        source=article.source,
        published_at=when,
        external_id=f"{article.external_id}#{copy}",
    )
    return IngestPlan(
        article=clean,
        content_hash=content_hash(text),
        source=article.source or "bench",
        sentences=records,
        story_id=None,
        headline=title or sentences[0][1][:80],
        summary=" ".join(s for _, s in sentences[:2]),
        status=StoryStatus.PUBLISHED,
        topics=(),
        grouping_keys=frozenset({f"bench:{article.external_id}#{copy}"}),
        facts=facts,
        added_by="bench",
        added_at=when,
    )


async def build(url: str, size: int, done: Path | None = None) -> SqlStore:
    """The database of ``size`` articles at ``url``, built unless ``done`` (a marker file written
    after a build) says it was: copies whose text repeats are skipped, so a built database holds
    fewer than ``size`` and its count alone cannot tell."""
    ensure_sqlite_directory(url)
    await upgrade(url)
    store = SqlStore(create_engine(url))
    have = await store.count_articles()
    if have >= size or (done is not None and await asyncio.to_thread(done.exists)):
        return store
    base = base_articles()
    started = time.perf_counter()
    start_time = datetime(2005, 1, 1, tzinfo=UTC)
    for index in range(have, size):
        copy, which = divmod(index, len(base))
        when = start_time + timedelta(minutes=index)
        try:
            await store.save_ingest(plan_for(base[which], copy, when))
        except Exception as exc:  # a duplicate text after variation: skip it, note it
            print(f"  skipped {base[which].external_id}#{copy}: {exc}", file=sys.stderr)
        if (index + 1) % 5000 == 0:
            rate = (index + 1 - have) / (time.perf_counter() - started)
            print(f"  built {index + 1}/{size} ({rate:.0f} articles/s)", file=sys.stderr)
    await store.refresh_statistics()  # as `briefbot ingest` does after a bulk load
    if done is not None:
        await asyncio.to_thread(done.write_text, f"{size}\n", encoding="utf-8")
    return store


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(store: SqlStore, questions: list[str], rounds: int) -> tuple[list[float], float]:
    """Latencies (ms) over ``rounds`` passes, then the peak Python memory of one more pass.

    tracemalloc slows Python code several times over, so it is on only for the memory pass.
    """
    newsroom = Newsroom(store)
    for question in questions:  # warm the caches, the page cache and the connection
        await newsroom.ask(question)
    latencies = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            await newsroom.ask(question)
            latencies.append(1000 * (time.perf_counter() - started))
    tracemalloc.start()
    for question in questions:
        await newsroom.ask(question)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return latencies, peak / 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description="Question latency at growing corpus sizes.")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--build-only", action="store_true", help="Build (or extend) the cached databases, measure nothing."
    )
    parser.add_argument("--postgres", default=None, help="Also measure on this PostgreSQL URL (built fresh).")
    args = parser.parse_args()
    with (CORPUS / "qa_dev.jsonl").open(encoding="utf-8") as lines:
        questions = [json.loads(line)["question"] for line in lines]
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        url = f"sqlite+aiosqlite:///{OUT / f'qa_latency_{size}.db'}"
        started = time.perf_counter()
        store = await build(url, size, done=OUT / f"qa_latency_{size}.done")
        built = time.perf_counter() - started
        count = await store.count_articles()
        if args.build_only:
            print(f"built {count} articles in {built:.0f} s")
            await store.engine.dispose()
            continue
        latencies, peak = await measure(store, questions, args.rounds)
        await store.engine.dispose()
        rows.append((f"sqlite {count}", built, latencies, peak))
    if args.postgres:
        store = await build(args.postgres, min(int(s) for s in args.sizes.split(",")))
        latencies, peak = await measure(store, questions, args.rounds)
        rows.append((f"postgres {await store.count_articles()}", 0.0, latencies, peak))
        await store.engine.dispose()
    print(
        f"\n{'store':<18}{'build s':>9}{'asks':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'py peak MB':>11}"
    )
    for name, built, latencies, peak in rows:
        print(
            f"{name:<18}{built:>9.0f}{len(latencies):>6}{percentile(latencies, 0.5):>8.1f}"
            f"{percentile(latencies, 0.95):>8.1f}{percentile(latencies, 0.99):>8.1f}{peak:>11.1f}"
        )
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
