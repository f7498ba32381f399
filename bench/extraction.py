"""Extraction quality: how much of an article's text survives fetching and extraction, and how
much boilerplate gets in.

Serves corpus articles (``bbc_dev.jsonl``, read at run time) on a loopback news site, wrapped
in navigation, adverts, cookie banners, related links and comments; fetches each page through
the real :class:`bot.web.SafeFetcher`; extracts it with :func:`briefings.sources.extract_article`;
and prints word-overlap precision / recall / F1 against the original text, next to a naive
"all visible text" baseline, plus fetch and extraction times.

    python bench/extraction.py [--limit 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "web")]

from corpus import corpus_dir  # noqa: E402
from local_web import NewsSite, RunningSite, load_corpus_articles  # noqa: E402
from overlap import Overlap, word_overlap  # noqa: E402

from bot.web import SafeFetcher  # noqa: E402
from briefings.sources import NotAnArticle, extract_article  # noqa: E402
from briefings.text import strip_html  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def row(name: str, scores: list[Overlap]) -> str:
    precision = [s.precision for s in scores]
    recall = [s.recall for s in scores]
    f1 = [s.f1 for s in scores]
    return (
        f"{name:<28} {statistics.mean(precision):>9.3f} {statistics.mean(recall):>7.3f} "
        f"{statistics.mean(f1):>7.3f} {percentile(f1, 0.1):>7.3f} {min(f1):>7.3f}"
    )


async def main(limit: int) -> None:
    articles = load_corpus_articles(corpus_dir(), limit=limit)
    running = RunningSite(NewsSite(articles=articles))
    await running.start()
    layouts = {"semantic": "/article/", "div soup": "/soup/"}
    extracted_scores: dict[str, list[Overlap]] = {name: [] for name in layouts}
    naive_scores: dict[str, list[Overlap]] = {name: [] for name in layouts}
    fetch_ms: list[float] = []
    extract_ms: list[float] = []
    refused: list[str] = []
    metadata_ok = 0
    try:
        async with SafeFetcher(allow_private_networks=True) as fetcher:
            for layout, prefix in layouts.items():
                for record in articles:
                    url = running.url(f"{prefix}{record['id']}?utm_source=bench")
                    started = time.perf_counter()
                    fetched = await fetcher.fetch(url)
                    page = fetched.text()
                    fetch_ms.append((time.perf_counter() - started) * 1000)
                    naive_scores[layout].append(word_overlap(strip_html(page), record["text"]))
                    started = time.perf_counter()
                    try:
                        article = extract_article(page, fetched.url)
                    except NotAnArticle as exc:
                        refused.append(f"{layout} {record['id']}: {exc}")
                        extracted_scores[layout].append(Overlap(0.0, 0.0))
                        continue
                    finally:
                        extract_ms.append((time.perf_counter() - started) * 1000)
                    extracted_scores[layout].append(word_overlap(article.text, record["text"]))
                    metadata_ok += int(
                        article.title == record["title"]
                        and article.outlet == "The Loopback Gazette"
                        and article.author is not None
                        and article.published_at is not None
                    )
    finally:
        await running.stop()

    print(f"Extraction of {len(articles)} corpus articles in two page layouts with news-site boilerplate\n")
    print(f"{'method':<28} {'precision':>9} {'recall':>7} {'F1':>7} {'F1 p10':>7} {'F1 min':>7}")
    for layout in layouts:
        print(row(f"{layout}: trafilatura", extracted_scores[layout]))
        print(row(f"{layout}: all visible text", naive_scores[layout]))
    pages = len(articles) * len(layouts)
    print(f"\nmetadata (title, outlet, author, date) all right: {metadata_ok}/{pages} pages")
    print(f"refused as too little text: {len(refused)}")
    for line in refused[:5]:
        print(f"  {line}")
    print(
        f"fetch ms p50 {percentile(fetch_ms, 0.5):.1f} p95 {percentile(fetch_ms, 0.95):.1f}; "
        f"extract ms p50 {percentile(extract_ms, 0.5):.1f} p95 {percentile(extract_ms, 0.95):.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300, help="how many corpus articles (default 300)")
    asyncio.run(main(parser.parse_args().limit))
