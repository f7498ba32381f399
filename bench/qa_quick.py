"""Quick quality figures for the newsroom: grouping, QA accuracy on qa_dev, ingest speed.

Ingests the two seeds and every bbc_dev article into the in-memory FakeStore, then prints
false merges (articles with different titles grouped together), qa_dev accuracy by question
type (correct = answer contains a gold string and cites a gold doc; unanswerable = abstain),
and the ingest time per article. Run: python bench/qa_quick.py [-v] [--sweep]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
CORPUS = ROOT.parent / "shared" / "corpus"

from fakes import FakeStore  # noqa: E402

from briefings.models import ArticleInput  # noqa: E402
from briefings.newsroom import Newsroom  # noqa: E402
from briefings.text import terms  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


async def main(verbose: bool) -> None:
    store = FakeStore()
    newsroom = Newsroom(store)
    doc_of_article: dict[str, str] = {}
    titles: dict[str, str | None] = {}
    started = time.perf_counter()
    count = 0
    for path in sorted((CORPUS / "seeds").glob("*.txt")):
        result = await newsroom.ingest(
            ArticleInput(text=path.read_text(encoding="utf-8"), external_id=path.stem), added_by="bench"
        )
        if result.article:
            doc_of_article[result.article.id] = path.stem
            titles[path.stem] = None
        count += 1
    with (CORPUS / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            result = await newsroom.ingest(
                ArticleInput(text=row["text"], title=row["title"], source="BBC", external_id=row["id"]),
                added_by="bench",
            )
            if result.article:
                doc_of_article[result.article.id] = row["id"]
                titles[row["id"]] = row["title"]
            count += 1
    elapsed = time.perf_counter() - started
    print(
        f"ingested {count} articles in {elapsed:.1f}s ({1000 * elapsed / count:.2f} ms/article), "
        f"{await store.count_stories()} stories"
    )

    seeds = [doc_of_article[a] for a in doc_of_article if doc_of_article[a][0].isdigit()]
    seed_story = {store.articles_by_id[a].story_id for a, d in doc_of_article.items() if d in seeds}
    print(f"seeds in one story: {len(seed_story) == 1}")
    false_pairs = 0
    clearly = 0
    merged_pairs = 0
    for story in store.stories_by_id.values():
        docs = [doc_of_article[a] for a in story.article_ids if a in doc_of_article]
        for i in range(len(docs)):
            for j in range(i + 1, len(docs)):
                merged_pairs += 1
                ti, tj = titles[docs[i]], titles[docs[j]]
                if ti is not None and tj is not None and _norm(ti) != _norm(tj):
                    false_pairs += 1
                    a, b = set(terms(ti)), set(terms(tj))
                    clearly += len(a & b) / len(a | b) < 0.3
                    if verbose:
                        print(f"  merged: {ti!r} + {tj!r}")
    print(
        f"merged pairs: {merged_pairs}; with different titles: {false_pairs}; "
        f"with clearly different titles (<30% shared title terms): {clearly}"
    )

    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = [0, 0]
    q_started = time.perf_counter()
    with (CORPUS / "qa_dev.jsonl").open(encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines]
    for item in items:
        answer = await newsroom.ask(item["question"])
        cited = {doc_of_article.get(c.article_id) for c in answer.citations}
        if item["answerable"]:
            ok = (
                answer.text is not None
                and any(_norm(g) in _norm(answer.text) for g in item["answers"])
                and bool(cited & set(item["doc_ids"]))
            )
            kind = item["type"]
        else:
            ok = answer.text is None
            kind = "unanswerable"
        for key in (kind,):
            by_type[key][0] += ok
            by_type[key][1] += 1
        total[0] += ok
        total[1] += 1
        if verbose and not ok:
            print(
                f"  MISS {item['id']} {item['question']!r} -> {answer.text!r} gold={item['answers']} "
                f"cited={sorted(c for c in cited if c)[:3]}"
            )
    q_elapsed = time.perf_counter() - q_started
    if "--sweep" in sys.argv:
        await sweep(store, items, doc_of_article)
    print(f"\n{'type':<14}{'correct':>8}{'total':>7}{'acc':>7}")
    for kind in sorted(by_type):
        ok, n = by_type[kind]
        print(f"{kind:<14}{ok:>8}{n:>7}{100 * ok / n:>6.0f}%")
    print(f"{'all':<14}{total[0]:>8}{total[1]:>7}{100 * total[0] / total[1]:>6.0f}%")
    print(f"question latency: {1000 * q_elapsed / len(items):.1f} ms")


async def sweep(store: FakeStore, items: list[dict], doc_of_article: dict[str, str]) -> None:
    """Answerable accuracy and abstention for a grid of abstention thresholds and margins."""
    from briefings.answer import AnswerEngine

    print(f"\n{'threshold':>10}{'margin':>8}{'answerable':>12}{'abstained':>11}")
    for threshold in (-2.0, 0.0, 2.0, 4.0, 6.0):
        for margin in (0.0, 0.5, 1.0, 2.0):
            engine = AnswerEngine(store, threshold=threshold, margin=margin)
            good = [0, 0]
            for item in items:
                answer = await engine.ask(item["question"])
                cited = {doc_of_article.get(c.article_id) for c in answer.citations}
                if item["answerable"]:
                    good[0] += (
                        answer.text is not None
                        and any(_norm(g) in _norm(answer.text) for g in item["answers"])
                        and bool(cited & set(item["doc_ids"]))
                    )
                else:
                    good[1] += answer.text is None
            n_ans = sum(i["answerable"] for i in items)
            print(f"{threshold:>10.1f}{margin:>8.1f}{good[0]:>8}/{n_ans}{good[1]:>8}/{len(items) - n_ans}")


if __name__ == "__main__":
    asyncio.run(main("-v" in sys.argv))
