"""The reader's second stage: boosted trees exported to JSON and walked in plain Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefings.questions import analyse_question
from briefings.reader import (
    RERANK_COLUMNS,
    Tree,
    expected_f1_order,
    is_syntax_feature,
    load_model,
    load_reranker,
    paragraph_candidates,
    question_view,
    rank_sentences,
    read,
    rerank,
    rerank_fixed_columns,
    rerank_rows,
    reranker_at,
    reranker_from_json,
    score_candidates,
    sentence_view,
    with_sentence_idf,
)

FIXED = len(rerank_fixed_columns())
RANK = RERANK_COLUMNS.index("rank")


def _tiny() -> dict:
    """Three hand-built trees over the fixed columns and one linear feature, ``sent_cov``."""
    return {
        "k": 3,
        "columns": [*rerank_fixed_columns(), "sent_cov"],
        "trees": [
            # The best linear candidate loses 5, the second gains 5, the rest get nothing.
            {
                "feature": [RANK, RANK],
                "threshold": [0.5, 1.5],
                "left": [-1, -2],
                "right": [1, -3],
                "leaf": [-5.0, 5.0, 0.0],
            },
            {"feature": [], "threshold": [], "left": [], "right": [], "leaf": [0.25]},
            {"feature": [FIXED], "threshold": [0.5], "left": [-1], "right": [-2], "leaf": [0.0, 3.0]},
        ],
    }


def _row(rank: float, sent_cov: float) -> list[float]:
    row = [0.0] * (FIXED + 1)
    row[RANK] = rank
    row[FIXED] = sent_cov
    return row


@pytest.mark.parametrize(
    ("rank", "sent_cov", "expected"),
    [(0, 0.0, -4.75), (0, 0.9, -1.75), (1, 0.2, 5.25), (1, 0.5, 5.25), (2, 1.0, 3.25), (7, 0.0, 0.25)],
)
def test_hand_built_trees_give_the_expected_scores(rank: float, sent_cov: float, expected: float) -> None:
    reranker = reranker_from_json(_tiny())
    row = _row(rank, sent_cov)
    assert reranker.score(row) == pytest.approx(expected)
    # The compiled sum and the plain walk of the arrays agree.
    assert sum(tree.value(row) for tree in reranker.trees) == pytest.approx(expected)
    assert reranker.names == {"sent_cov": FIXED}


def test_a_tree_of_one_leaf_and_a_walk_by_hand() -> None:
    assert Tree((), (), (), (), (1.5,)).value([0.0]) == 1.5
    tree = Tree((0,), (2.0,), (-1,), (-2,), (10.0, 20.0))
    assert tree.value([2.0]) == 10.0  # "<=" goes left
    assert tree.value([2.0001]) == 20.0


def _paragraph_ranked():
    sentences = [
        "Larch Mill stands by the river near Kettleby.",
        "Larch Mill was bought by Ada Morrow in 1950.",
        "It was turned into a museum in 1990 by the county council.",
    ]
    analysis = analyse_question("Who bought Larch Mill?")
    question = with_sentence_idf(question_view(analysis), sentences)
    views = rank_sentences([sentence_view(s, question) for s in sentences])
    return score_candidates(paragraph_candidates(question, views), load_model())


def test_rerank_reorders_only_the_best_k() -> None:
    ranked = _paragraph_ranked()
    assert len(ranked) > 4
    reordered = rerank(list(ranked), reranker_from_json(_tiny()))
    assert reordered[0] is ranked[1]  # rank 1 gains 5, rank 0 loses 5
    assert {id(c) for c in reordered[:3]} == {id(c) for c in ranked[:3]}
    assert reordered[3:] == ranked[3:]
    assert reordered[0].rerank_score is not None and ranked[5].rerank_score is None
    # The linear scores stay as they were: the news engine's thresholds read them.
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    assert rerank(list(ranked), None) == ranked


def test_rows_hold_the_cross_candidate_values() -> None:
    ranked = _paragraph_ranked()
    rows = rerank_rows(ranked, {"sent_cov": FIXED}, 4)
    assert len(rows) == 4 and all(len(row) == FIXED + 1 for row in rows)
    column = {name: i for i, name in enumerate(rerank_fixed_columns())}
    assert [row[RANK] for row in rows] == [0.0, 1.0, 2.0, 3.0]
    assert rows[0][column["gap"]] == 0.0 and rows[0][column["in_top1"]] == 1.0
    assert all(row[column["gap"]] >= 0.0 for row in rows)
    assert sum(row[column["prob"]] for row in rows) <= 1.0 + 1e-9
    assert [row[FIXED] for row in rows] == [c.features["sent_cov"] for c in ranked[:4]]
    assert all(row[column["rel:sent_cov"]] <= 0.0 for row in rows)
    # Candidates compared with the others: shared last words, length and score within a sentence.
    assert rows[0][column["tokens_rel"]] == 0.0 and rows[0][column["sentence_gap"]] == 0.0
    assert all(0.0 < row[column["head_mass"]] <= 1.0 and 0.0 < row[column["first_mass"]] <= 1.0 for row in rows)
    assert all(0.0 <= row[column["head_share"]] < 1.0 for row in rows)
    assert all(row[column["longest_of_head"]] in (0.0, 1.0) and row[column["sentence_gap"]] >= 0.0 for row in rows)


def test_the_answer_is_the_span_with_most_words_in_common_with_the_likely_ones() -> None:
    # The trees hesitate: two spans of one name outweigh a slightly better lone span.
    assert expected_f1_order(["Carolina", "Denver Broncos", "Broncos"], [1.0, 0.95, 0.9]) == [1, 2, 0]
    # A clear winner stays first.
    assert expected_f1_order(["Carolina", "Denver Broncos", "Broncos"], [3.0, 0.95, 0.9])[0] == 0
    assert expected_f1_order(["Carolina"], [0.0]) == [0]


def test_loading_falls_back_cleanly(tmp_path: Path) -> None:
    assert reranker_at(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert reranker_at(broken) is None
    other = _tiny()
    other["columns"] = ["something", "else"]
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(other), encoding="utf-8")
    assert reranker_at(wrong) is None
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_tiny()), encoding="utf-8")
    loaded = reranker_at(good)
    assert loaded is not None and loaded.k == 3 and len(loaded.trees) == 3


def test_bad_trees_are_refused() -> None:
    data = _tiny()
    data["trees"][0]["feature"] = [RANK, FIXED + 5]  # a column that does not exist
    with pytest.raises(ValueError, match="column"):
        reranker_from_json(data)
    data = _tiny()
    data["trees"][2]["leaf"] = [0.0]
    with pytest.raises(ValueError, match="arrays"):
        reranker_from_json(data)
    # The trees are compiled to source: only finite numbers, and children below their parents.
    data = _tiny()
    data["trees"][2]["leaf"] = [0.0, float("nan")]
    with pytest.raises(ValueError, match="finite"):
        reranker_from_json(data)
    data = _tiny()
    data["trees"][0]["right"] = [0, -3]  # the root as its own child: a loop
    with pytest.raises(ValueError, match="back up"):
        reranker_from_json(data)
    data = _tiny()
    data["trees"][0]["left"] = [-4, -2]  # leaf 3 of a tree with three leaves
    with pytest.raises(ValueError, match="does not exist"):
        reranker_from_json(data)


def test_read_works_with_and_without_the_shipped_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    paragraph = [
        "Larch Mill stands by the river near Kettleby.",
        "Larch Mill was bought by Ada Morrow in 1950.",
        "It was turned into a museum in 1990 by the county council.",
    ]
    import briefings.reader as reader

    monkeypatch.setattr(reader, "load_reranker", lambda: None)
    assert read(analyse_question("When did Ada Morrow buy Larch Mill?"), paragraph)[0].text == "1950"
    monkeypatch.undo()
    shipped = load_reranker()  # the package ships its trees (installed, not only in the checkout)
    assert shipped is not None and shipped.k >= 2 and shipped.trees
    assert any(is_syntax_feature(name) for name in shipped.names)  # they read the tagger's features too
    ranked = read(analyse_question("When did Ada Morrow buy Larch Mill?"), paragraph)
    assert ranked[0].text == "1950" and ranked[0].rerank_score is not None


def _train_reader():
    """bench/train_reader.py as a module (the bench scripts are not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "train_reader.py"
    spec = importlib.util.spec_from_file_location("train_reader_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_trees_learn_graded_labels_exact_over_near_misses() -> None:
    train_reader = _train_reader()
    texts = [
        "Ada Morrow",
        "Lady Ada Morrow",
        "Morrow",
        "Ada Morrow of Kettleby Hall",
        "Morrow of Kettleby Hall",
        "1950",
    ]
    item = {
        "article": 0,
        "texts": texts,
        "features": [{"bias": 1.0, "sent_cov": 0.1 * i} for i in range(len(texts))],
        "positive": [True, False, False, False, False, False],
        "spans": [(0, i, i + 2) for i in range(len(texts))],
        "golds": ["Ada Morrow"],
    }
    # Exact: 2. Near misses, word F1 above one half: a word too many (0.8), half the name
    # (0.67), three words too many (0.57): 1. A word shared but little else (0.29), or none: 0.
    graded = [2.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    assert [train_reader.relevance(item, i) for i in range(len(texts))] == graded
    scores = [[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]]
    columns = train_reader.tree_columns([item], scores, 6, share=0.0)
    _, labels, groups, _ = train_reader.tree_rows([item], scores, columns, 6)
    assert list(labels) == graded and list(groups) == [6]
