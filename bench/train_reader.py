"""Train the reader's candidate weights on a SQuAD v1.1 file, with k-fold figures by article.

For every question the question's own paragraph is read by :func:`briefings.reader.read`'s
candidate generator; a candidate is positive when its normalised text equals a gold answer's.
The model is a softmax over each question's candidates (linear scores), fitted with Adam and a
little L2. Folds split by Wikipedia article, so no article is both trained and scored.

A second stage reorders the linear model's best few candidates with boosted regression trees
(LightGBM's lambdarank, used here for training only: the package walks the exported trees in
plain Python). The trees learn from linear scores the linear model never saw: in each fold of
the cross-validation they are trained on the other folds' scores from nested linear models that
left out both the held-out fold and the fold being scored, and the shipped trees on the
out-of-fold scores of the k fold models. The answer is then the candidate with the highest
expected word F1 under the trees' scores (``briefings.reader.expected_f1_order``), as read() picks it.

Nested 5-fold CV on squad11_dev_half.json (EM/F1): linear 44.3/53.0 and trees 44.8/54.1 before the
boundary and relation features (``syntax_features``' "syn:B..." and "syn:R..."), linear 44.8/53.8
with them; trees 45.2/54.6, 45.3/54.8 with the cross-candidate head-word columns (head_share to
sentence_gap), and 45.1/55.1 with the expected-F1 choice (its temperature and the 150 rounds were
picked on these figures, so they are somewhat optimistic).

Run: python bench/train_reader.py [--data FILE] [--folds 5] [--rerank] [--no-syntax] [--write]
[--retrain-plain]
--write saves the weights trained on the whole file to briefings/data/reader_weights.json, and
with --rerank the trees to briefings/data/reader_trees.json. Training the trees needs lightgbm.
--write keeps the file's "weights" set (the news engine's, see below) as it is unless
--retrain-plain is given: retrain it only after checking the news answers (briefbot eval qa).

The candidates of :func:`briefings.reader.read` also carry the tagger's phrase features
(``briefings.reader.syntax_features``); the news engine's do not. So the file holds two sets:
"syntax_weights", trained with them (read() and the trees use these; the figures above are
theirs), and "weights", trained on the same data without them (the news engine's). --no-syntax
leaves the phrase features out altogether, to compare, and writes one set.
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
    Candidate,
    SentenceView,
    answer_f1,
    expected_f1_order,
    is_syntax_feature,
    normalise_answer,
    paragraph_candidates,
    question_view,
    rank_sentences,
    rerank_fixed_columns,
    rerank_rows,
    reranker_from_json,
    sentence_view,
    with_sentence_idf,
)
from briefings.text import split_sentences  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "corpus" / "squad11_dev_half.json"
WEIGHTS = ROOT / "briefings" / "data" / "reader_weights.json"
TREES = ROOT / "briefings" / "data" / "reader_trees.json"
RERANK_K = 10
TREE_PARAMS = {
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "num_threads": 1,
    "verbose": -1,
    "seed": 1,
}
# 150 rounds since the graded labels (see relevance): more fit the near misses too closely.
TREE_ROUNDS = 150
# The linear model's L2 penalty: 1e-3 rather than 3e-4 since the lexicalised phrase features
# (syntax_features' "ask", "tags" and "path" pairs) came in (linear, 5-fold CV: EM 43.3 -> 44.0).
L2 = 1e-3


def build(data: dict, top_sentences: int = TOP_SENTENCES, syntax: bool = True) -> list[dict]:
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
                found = paragraph_candidates(question, views, top_sentences, syntax=syntax)
                items.append(
                    {
                        "article": article_index,
                        "texts": [c.text for c in found],
                        "features": [c.features for c in found],
                        "positive": [normalise_answer(c.text) in gold_norm for c in found],
                        "spans": [(c.sentence.rank, c.first, c.last) for c in found],
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


def train(items: list[dict], names: dict[str, int], epochs: int = 100, l2: float = L2, rate: float = 0.1) -> np.ndarray:
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
        f1 += max(answer_f1(prediction, g) for g in item["golds"])
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


def linear_scores(items: list[dict], weights: dict[str, float]) -> list[list[float]]:
    return [[sum(weights.get(k, 0.0) * v for k, v in f.items()) for f in item["features"]] for item in items]


def fit_linear(items: list[dict], epochs: int, l2: float = L2) -> dict[str, float]:
    names = feature_names(items)
    w = train(items, names, epochs, l2)
    return {name: float(w[i]) for name, i in names.items()}


def _ranked(item: dict, scores: list[float]) -> tuple[list[Candidate], list[int]]:
    """The item's candidates as the reader would rank them: only what the trees' rows read."""
    views: dict[int, SentenceView] = {}
    found = []
    for text, (rank, first, last), features, score in zip(
        item["texts"], item["spans"], item["features"], scores, strict=True
    ):
        view = views.get(rank) or views.setdefault(rank, SentenceView("", [], rank=rank))
        found.append(Candidate(text, 0, 0, first, last, "", view, features, score))
    order = sorted(range(len(found)), key=lambda i: -found[i].score)
    return [found[i] for i in order], order


def tree_columns(items: list[dict], scores: list[list[float]], k: int, share: float = 0.005) -> list[str]:
    """The fixed columns, then the linear features found in enough of the best-k candidates."""
    counts: dict[str, int] = {}
    rows = 0
    for item, item_scores in zip(items, scores, strict=True):
        ranked, _ = _ranked(item, item_scores)
        for candidate in ranked[:k]:
            rows += 1
            for name in candidate.features:
                counts[name] = counts.get(name, 0) + 1
    fixed = rerank_fixed_columns()
    kept = sorted(n for n, c in counts.items() if c >= share * rows and n != "bias" and n not in fixed)
    return fixed + kept


def relevance(item: dict, i: int) -> float:
    """The trees' label for a candidate: 2 for a gold answer, 1 for a near miss (word F1 with a
    gold answer above one half: a word too many or too few), else 0. Graded labels rather than
    exact-only (nested 5-fold CV, with the rounds at 150: EM 44.6 -> 44.8, F1 53.1 -> 54.1; any
    overlap as a near miss: F1 54.2 but EM 43.9)."""
    if item["positive"][i]:
        return 2.0
    return 1.0 if any(answer_f1(item["texts"][i], gold) > 0.5 for gold in item["golds"]) else 0.0


def tree_rows(items: list[dict], scores: list[list[float]], columns: list[str], k: int):
    """Rows, labels (:func:`relevance`), per-question group sizes and each row's (item, candidate)."""
    names = {name: i for i, name in enumerate(columns) if i >= len(rerank_fixed_columns())}
    x, y, groups, where = [], [], [], []
    for q, (item, item_scores) in enumerate(zip(items, scores, strict=True)):
        if not item["texts"]:
            continue
        ranked, order = _ranked(item, item_scores)
        rows = rerank_rows(ranked, names, k)
        x.extend(rows)
        y.extend(relevance(item, i) for i in order[: len(rows)])
        where.extend((q, i) for i in order[: len(rows)])
        groups.append(len(rows))
    return np.array(x, dtype=np.float64), np.array(y), np.array(groups), where


def fit_trees(items: list[dict], scores: list[list[float]], columns: list[str], k: int, rounds: int):
    import lightgbm  # training only; the package reads the exported trees

    x, y, groups, _ = tree_rows(items, scores, columns, k)
    data = lightgbm.Dataset(x, y, group=groups)
    return lightgbm.train({**TREE_PARAMS, "lambdarank_truncation_level": k}, data, num_boost_round=rounds)


def _flatten(node: dict, tree: dict[str, list]) -> int:
    """Append a dumped LightGBM node (and its subtree) to the flat arrays; its index, or ~leaf."""
    if "leaf_value" in node:
        tree["leaf"].append(round(float(node["leaf_value"]), 7))
        return ~(len(tree["leaf"]) - 1)
    if node["decision_type"] != "<=":
        raise ValueError(f"unsupported split {node['decision_type']}")
    index = len(tree["feature"])
    tree["feature"].append(int(node["split_feature"]))
    tree["threshold"].append(float(node["threshold"]))
    tree["left"].append(0)
    tree["right"].append(0)
    tree["left"][index] = _flatten(node["left_child"], tree)
    tree["right"][index] = _flatten(node["right_child"], tree)
    return index


def export_trees(booster, columns: list[str], k: int) -> dict:
    """LightGBM's trees as flat arrays (see briefings.reader.Tree); numeric "<=" splits only."""
    trees = []
    for info in booster.dump_model()["tree_info"]:
        tree: dict[str, list] = {"feature": [], "threshold": [], "left": [], "right": [], "leaf": []}
        _flatten(info["tree_structure"], tree)
        trees.append(tree)
    return {"k": k, "columns": columns, "trees": trees}


def evaluate_reranked(items: list[dict], scores: list[list[float]], exported: dict) -> tuple[float, float]:
    """EM and F1 when the exported trees (walked as the package walks them) and
    :func:`briefings.reader.expected_f1_order` pick the answer, as :func:`briefings.reader.read` does."""
    reranker = reranker_from_json(exported)
    em = f1 = 0.0
    for item, item_scores in zip(items, scores, strict=True):
        prediction = ""
        if item["texts"]:
            ranked, _ = _ranked(item, item_scores)
            rows = rerank_rows(ranked, reranker.names, reranker.k)
            tree_scores = [reranker.score(row) for row in rows]
            prediction = ranked[expected_f1_order([c.text for c in ranked[: len(rows)]], tree_scores)[0]].text
        em += max(float(normalise_answer(prediction) == normalise_answer(g)) for g in item["golds"])
        f1 += max(answer_f1(prediction, g) for g in item["golds"])
    return 100 * em / len(items), 100 * f1 / len(items)


def _check_export(booster, exported: dict, items: list[dict], scores: list[list[float]]) -> None:
    """The exported trees give LightGBM's own scores."""
    x, _, _, _ = tree_rows(items[:200], scores[:200], exported["columns"], exported["k"])
    reranker = reranker_from_json(exported)
    ours = np.array([reranker.score(row) for row in x])
    gap = float(np.max(np.abs(ours - booster.predict(x)))) if len(x) else 0.0
    if gap > 1e-4:
        raise AssertionError(f"exported trees differ from LightGBM's by {gap}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--rerank", action="store_true", help="also train and score the second-stage trees")
    parser.add_argument("--k", type=int, default=RERANK_K, help="candidates the trees reorder")
    parser.add_argument("--rounds", type=int, default=TREE_ROUNDS, help="trees")
    parser.add_argument("--no-syntax", action="store_true", help="leave out the tagger's features (to compare)")
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--retrain-plain", action="store_true", help='with --write, also retrain the news engine\'s "weights" set'
    )
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    started = time.perf_counter()
    items = build(data, syntax=not args.no_syntax)
    reach = sum(any(it["positive"]) for it in items) / len(items)
    print(
        f"{len(items)} questions, candidates built in {time.perf_counter() - started:.0f}s; "
        f"a gold answer is among the candidates for {100 * reach:.1f}%"
    )
    folds = [it["article"] % args.folds for it in items]
    out_of_fold: list[list[float]] = [[] for _ in items]
    results, tree_results = [], []
    for fold in range(args.folds):
        train_at = [i for i, f in enumerate(folds) if f != fold]
        test_at = [i for i, f in enumerate(folds) if f == fold]
        test_items = [items[i] for i in test_at]
        weights = fit_linear([items[i] for i in train_at], args.epochs)
        for i, scores in zip(test_at, linear_scores(test_items, weights), strict=True):
            out_of_fold[i] = scores
        em, f1 = evaluate(test_items, weights)
        results.append((len(test_items), em, f1))
        line = f"fold {fold}: {len(test_items)} questions  EM {em:.1f}  F1 {f1:.1f}"
        if args.rerank:
            # The trees' training scores come from linear models that saw neither this fold nor
            # the fold they score.
            nested: dict[int, list[float]] = {}
            for inner in sorted(set(folds) - {fold}):
                inner_weights = fit_linear(
                    [it for it, f in zip(items, folds, strict=True) if f not in (fold, inner)], args.epochs
                )
                inner_at = [i for i, f in enumerate(folds) if f == inner]
                for i, scores in zip(inner_at, linear_scores([items[i] for i in inner_at], inner_weights), strict=True):
                    nested[i] = scores
            train_items = [items[i] for i in train_at]
            train_scores = [nested[i] for i in train_at]
            columns = tree_columns(train_items, train_scores, args.k)
            booster = fit_trees(train_items, train_scores, columns, args.k, args.rounds)
            exported = export_trees(booster, columns, args.k)
            test_scores = [out_of_fold[i] for i in test_at]
            tem, tf1 = evaluate_reranked(test_items, test_scores, exported)
            tree_results.append((len(test_items), tem, tf1))
            line += f"  |  reranked EM {tem:.1f}  F1 {tf1:.1f}"
        print(line, flush=True)
    total = sum(n for n, _, _ in results)
    print(
        f"cross-validated ({args.folds} folds by article): "
        f"EM {sum(n * e for n, e, _ in results) / total:.1f}  "
        f"F1 {sum(n * f for n, _, f in results) / total:.1f}"
    )
    if tree_results:
        print(
            f"reranked, cross-validated: EM {sum(n * e for n, e, _ in tree_results) / total:.1f}  "
            f"F1 {sum(n * f for n, _, f in tree_results) / total:.1f}"
        )
    if args.write:
        # Two sets: "weights" without the tagger's features, for the news engine's candidates
        # (which have none), and "syntax_weights" with them, for read() and the trees.
        names = feature_names(items)
        plain_names = {name: i for i, name in enumerate(n for n in names if not is_syntax_feature(n))}
        payload: dict[str, object] = {"trained_on": args.data.name}
        kept = json.loads(WEIGHTS.read_text(encoding="utf-8")).get("weights") if WEIGHTS.exists() else None
        for key, wanted in (("weights", plain_names), ("syntax_weights", names)):
            if key == "syntax_weights" and len(wanted) == len(plain_names):
                break  # --no-syntax: one set
            if key == "weights" and kept and not args.retrain_plain and len(names) != len(plain_names):
                # The news engine's set stays as it was unless asked: its answers were checked
                # with it (briefbot eval qa), and read() does not use it.
                payload[key] = kept
                print(f"weights: {len(kept)} weights kept from {WEIGHTS.name} (--retrain-plain to retrain)")
                continue
            w = train(items, wanted, args.epochs)
            weights = {name: round(float(w[i]), 3) for name, i in wanted.items() if abs(w[i]) >= 0.005}
            payload[key] = weights
            em, f1 = evaluate(items, weights)
            print(f"{key}: {len(weights)} weights; on their own training data EM {em:.1f} F1 {f1:.1f}")
        WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
        WEIGHTS.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")
        if args.rerank:
            columns = tree_columns(items, out_of_fold, args.k)
            booster = fit_trees(items, out_of_fold, columns, args.k, args.rounds)
            exported = export_trees(booster, columns, args.k)
            _check_export(booster, exported, items, out_of_fold)
            TREES.write_text(
                json.dumps({"trained_on": args.data.name, **exported}, separators=(",", ":")) + "\n",
                encoding="utf-8",
            )
            print(f"wrote {TREES.relative_to(ROOT)} ({len(exported['trees'])} trees, {len(columns)} columns)")


if __name__ == "__main__":
    main()
