"""Train the reader's candidate weights on a SQuAD v1.1 file, with k-fold figures by article.

For every question the question's own paragraph is read by :func:`briefings.reader.read`'s
candidate generator; a candidate is positive when its normalised text equals a gold answer's.
The model is a softmax over each question's candidates (linear scores), fitted with Adam and a
little L2. Folds split by Wikipedia article, so no article is both trained and scored.

Run: python bench/train_reader.py [--data FILE] [--folds 5] [--write]
--write saves the weights trained on the whole file to briefings/data/reader_weights.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefings.questions import analyse_question  # noqa: E402
from briefings.reader import (  # noqa: E402
    TOP_SENTENCES,
    normalise_answer,
    paragraph_candidates,
    question_view,
    rank_sentences,
    sentence_view,
    with_sentence_idf,
)
from briefings.text import split_sentences  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "corpus" / "squad11_dev_half.json"
WEIGHTS = ROOT / "briefings" / "data" / "reader_weights.json"


def f1_score(prediction: str, gold: str) -> float:
    p, g = normalise_answer(prediction).split(), normalise_answer(gold).split()
    common: dict[str, int] = {}
    for token in p:
        common[token] = common.get(token, 0) + 1
    overlap = 0
    for token in g:
        if common.get(token, 0) > 0:
            overlap += 1
            common[token] -= 1
    if not overlap:
        return 0.0
    precision, recall = overlap / len(p), overlap / len(g)
    return 2 * precision * recall / (precision + recall)


def build(data: dict, top_sentences: int = TOP_SENTENCES) -> list[dict]:
    """Per question: article index, candidate texts, feature dicts, positive flags, gold answers."""
    items = []
    for article_index, article in enumerate(data["data"]):
        for paragraph in article["paragraphs"]:
            sentences = split_sentences(paragraph["context"])
            for qa in paragraph["qas"]:
                golds = [a["text"] for a in qa["answers"]]
                gold_norm = {normalise_answer(g) for g in golds}
                analysis = analyse_question(qa["question"])
                question = with_sentence_idf(question_view(analysis), sentences)
                views = rank_sentences([sentence_view(s, question) for s in sentences])
                found = paragraph_candidates(question, views, top_sentences)
                items.append(
                    {
                        "article": article_index,
                        "texts": [c.text for c in found],
                        "features": [c.features for c in found],
                        "positive": [normalise_answer(c.text) in gold_norm for c in found],
                        "golds": golds,
                    }
                )
    return items


def matrices(items: list[dict], names: dict[str, int]):
    """The candidates as a sparse matrix (row, column, value arrays), labels and group offsets."""
    rows, cols, vals, labels, offsets = [], [], [], [], [0]
    row = 0
    for item in items:
        for features, positive in zip(item["features"], item["positive"], strict=True):
            for name, value in features.items():
                index = names.get(name)
                if index is not None and value:
                    rows.append(row)
                    cols.append(index)
                    vals.append(value)
            labels.append(1.0 if positive else 0.0)
            row += 1
        offsets.append(row)
    sparse = (
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(vals, dtype=np.float64),
    )
    return sparse, row, np.array(labels, dtype=np.float64), np.array(offsets, dtype=np.int64)


def train(
    items: list[dict], names: dict[str, int], epochs: int = 100, l2: float = 3e-4, rate: float = 0.1
) -> np.ndarray:
    usable = [it for it in items if any(it["positive"])]
    (rows, cols, vals), count, y, offsets = matrices(usable, names)
    starts = offsets[:-1]
    group = np.repeat(np.arange(len(usable)), np.diff(offsets))
    w = np.zeros(len(names), dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, epochs + 1):
        scores = np.bincount(rows, weights=vals * w[cols], minlength=count)
        top = np.maximum.reduceat(scores, starts)[group]
        e = np.exp(scores - top)
        z = np.add.reduceat(e, starts)[group]
        p = e / z
        pos_mass = np.add.reduceat(p * y, starts)[group]
        r = np.where(y > 0, p / np.maximum(pos_mass, 1e-12), 0.0)
        grad = np.bincount(cols, weights=vals * (p - r)[rows], minlength=len(names)) / len(usable) + l2 * w
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return w


def evaluate(items: list[dict], weights: dict[str, float]) -> tuple[float, float]:
    em = f1 = 0.0
    for item in items:
        if item["texts"]:
            scores = [sum(weights.get(k, 0.0) * val for k, val in f.items()) for f in item["features"]]
            prediction = item["texts"][int(np.argmax(scores))]
        else:
            prediction = ""
        em += max(float(normalise_answer(prediction) == normalise_answer(g)) for g in item["golds"])
        f1 += max(f1_score(prediction, g) for g in item["golds"])
    return 100 * em / len(items), 100 * f1 / len(items)


def feature_names(items: list[dict], min_questions: int = 5, min_articles: int = 2) -> dict[str, int]:
    """Features seen in enough questions of enough articles: a word pair from one article's
    questions would only learn that article (and make the weights file big)."""
    questions: dict[str, int] = {}
    articles: dict[str, set[int]] = {}
    for item in items:
        for name in set().union(*item["features"]) if item["features"] else ():
            questions[name] = questions.get(name, 0) + 1
            articles.setdefault(name, set()).add(item["article"])
    kept = sorted(n for n, c in questions.items() if c >= min_questions and len(articles[n]) >= min_articles)
    return {name: i for i, name in enumerate(kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    started = time.perf_counter()
    items = build(data)
    reach = sum(any(it["positive"]) for it in items) / len(items)
    print(
        f"{len(items)} questions, candidates built in {time.perf_counter() - started:.0f}s; "
        f"a gold answer is among the candidates for {100 * reach:.1f}%"
    )
    articles = sorted({it["article"] for it in items})
    results = []
    for fold in range(args.folds):
        held = {a for a in articles if a % args.folds == fold}
        train_items = [it for it in items if it["article"] not in held]
        test_items = [it for it in items if it["article"] in held]
        names = feature_names(train_items)
        w = train(train_items, names, args.epochs)
        weights = {name: float(w[i]) for name, i in names.items()}
        em, f1 = evaluate(test_items, weights)
        results.append((len(test_items), em, f1))
        print(f"fold {fold}: {len(test_items)} questions  EM {em:.1f}  F1 {f1:.1f}")
    total = sum(n for n, _, _ in results)
    print(
        f"cross-validated ({args.folds} folds by article): "
        f"EM {sum(n * e for n, e, _ in results) / total:.1f}  "
        f"F1 {sum(n * f for n, _, f in results) / total:.1f}"
    )
    if args.write:
        names = feature_names(items)
        w = train(items, names, args.epochs)
        weights = {name: round(float(w[i]), 3) for name, i in names.items() if abs(w[i]) >= 0.005}
        WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
        WEIGHTS.write_text(
            json.dumps({"trained_on": args.data.name, "weights": weights}, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        em, f1 = evaluate(items, weights)
        print(
            f"wrote {WEIGHTS.relative_to(ROOT)} ({len(weights)} weights); on its own training data "
            f"EM {em:.1f} F1 {f1:.1f}"
        )


if __name__ == "__main__":
    main()
