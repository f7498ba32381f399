"""Learn the summariser's sentence weights from labelled articles, with k-fold figures.

A sentence's label is whether it appears in the article's reference summary. The model is an
L2-regularised logistic regression over the general features of
:func:`briefings.summarise.sentence_features` (position, length, centrality, title and lead
overlap, figures, quotes, attribution, names): nothing about particular words or articles.
``length_bonus`` (a preference for fuller sentences when ranking: sentences are ranked by
log P(in summary) + length_bonus * log(1 + words)) is picked from a small grid by
cross-validated ROUGE-2 (the sum at both lengths). The script prints k-fold ROUGE (weights
trained without the fold) and writes weights trained on every article to
briefings/data/summary_weights.json.

    python bench/train_summary_weights.py [--data ../shared/corpus/bbc_dev.jsonl] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate.summaries import LabelledArticle, RougeTotals, make_scorer, read_labelled  # noqa: E402
from briefings.summarise import (  # noqa: E402
    FEATURES,
    SummaryWeights,
    _candidates_from_sentences,
    sentence_features,
    summarise_sentences,
)
from briefings.text import split_glued_sentences, split_sentences, terms  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "corpus" / "bbc_dev.jsonl"
OUTPUT = ROOT / "briefings" / "data" / "summary_weights.json"
LENGTH_BONUSES = (0.25, 0.4, 0.5, 0.6, 0.75)
L2 = 1.0


def _key(sentence: str) -> str:
    return re.sub(r"\W+", "", sentence.lower())


def examples(article: LabelledArticle) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of an article's usable sentences."""
    reference = {_key(s) for s in split_glued_sentences(article.reference)}
    candidates = _candidates_from_sentences(split_sentences(article.text))
    rows = sentence_features(candidates, set(terms(article.title or "")))
    labels = [1.0 if _key(c.text) in reference else 0.0 for c in candidates]
    return np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 30) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method; the bias is not regularised."""
    design = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ theta))
        gradient = design.T @ (p - y) + penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def rouge(
    articles: list[LabelledArticle], weights: SummaryWeights, scorer
) -> tuple[RougeTotals, RougeTotals]:
    at_3, at_ref = RougeTotals(), RougeTotals()
    for article in articles:
        sentences = split_sentences(article.text)
        for n, totals in ((3, at_3), (article.reference_sentence_count, at_ref)):
            chosen = summarise_sentences(sentences, n, article.title, weights)
            totals.add(scorer.score(article.reference, " ".join(sentences[i] for i in chosen)))
    return at_3, at_ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print figures only")
    args = parser.parse_args()
    articles = read_labelled(args.data)
    data = [examples(a) for a in articles]
    scorer = make_scorer()
    folds = [list(range(k, len(articles), args.folds)) for k in range(args.folds)]
    results: dict[float, tuple[RougeTotals, RougeTotals]] = {
        b: (RougeTotals(), RougeTotals()) for b in LENGTH_BONUSES
    }
    for k, held_out in enumerate(folds):
        held = set(held_out)
        train = [i for i in range(len(articles)) if i not in held]
        w, b = fit(np.vstack([data[i][0] for i in train]), np.concatenate([data[i][1] for i in train]))
        for bonus in LENGTH_BONUSES:
            weights = SummaryWeights(tuple(float(v) for v in w), b, bonus)
            at_3, at_ref = rouge([articles[i] for i in held_out], weights, scorer)
            for total, part in zip(results[bonus], (at_3, at_ref), strict=True):
                for name in total.sums:
                    total.sums[name] += part.sums[name]
                total.count += part.count
        print(f"fold {k + 1}/{args.folds} done", file=sys.stderr)
    print(f"{args.folds}-fold cross-validated ROUGE F1 (x100) on {len(articles)} articles")
    print(
        f"{'length_bonus':>12} {'R1@3':>7} {'R2@3':>7} {'RL@3':>7} {'R1@ref':>7} {'R2@ref':>7} {'RL@ref':>7}"
    )
    for bonus, (at_3, at_ref) in results.items():
        a, r = at_3.means(), at_ref.means()
        print(
            f"{bonus:>12.2f} {a['rouge1']:7.2f} {a['rouge2']:7.2f} {a['rougeL']:7.2f} "
            f"{r['rouge1']:7.2f} {r['rouge2']:7.2f} {r['rougeL']:7.2f}"
        )
    best = max(results, key=lambda b: results[b][0].means()["rouge2"] + results[b][1].means()["rouge2"])
    w, b = fit(np.vstack([x for x, _ in data]), np.concatenate([y for _, y in data]))
    print(f"chosen length_bonus {best}; weights on all articles:")
    for name, value in zip(FEATURES, w, strict=True):
        print(f"  {name:<18}{value:+.3f}")
    print(f"  {'bias':<18}{b:+.3f}")
    if not args.no_write:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "about": "Logistic sentence weights for briefings.summarise, "
            "written by bench/train_summary_weights.py",
            "trained_on": f"{args.data.name}, {len(articles)} articles",
            "features": list(FEATURES),
            "weights": [round(float(v), 5) for v in w],
            "bias": round(b, 5),
            "length_bonus": best,
        }
        OUTPUT.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
