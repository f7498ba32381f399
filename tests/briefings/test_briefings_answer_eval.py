"""The evaluation commands (`briefbot eval qa`, `briefbot eval squad`) on tiny hand-written files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.evaluate import qa, squad

HARBOUR = (
    "The port authority of Selmouth opened its new harbour on 12 May. The harbour cost £45m to build "
    "and can hold 300 boats.\n\nThe mayor, Jane Orrin, said the work had taken four years."
)
ALLIANCE = (
    "Fighters of the Northern Mountain Alliance (NMA) held the Korla pass on Monday.\n\n"
    "Ali Karim, leader of the Northern Mountain Alliance, said his men would not surrender."
)


def _app(command) -> typer.Typer:  # type: ignore[no-untyped-def]
    app = typer.Typer()
    app.command()(command)
    return app


def test_scoring_rules() -> None:
    question = qa.LabelledQuestion("q1", "who?", ("Ali Karim",), frozenset({"doc-1"}), "who", True)
    assert qa.is_correct(question, "It is  ali karim.", {"doc-1"})
    assert not qa.is_correct(question, "Ali Karim", {"doc-2"})  # right name, wrong source
    unanswerable = qa.LabelledQuestion("q2", "who?", (), frozenset(), "who", False)
    assert qa.is_correct(unanswerable, None, set()) and not qa.is_correct(unanswerable, "X", set())
    assert squad.exact_match("The Beatles!", "beatles") == 1.0
    assert round(squad.f1_score("the big red bus", "red bus"), 2) == 0.8


def test_eval_qa_command(tmp_path: Path) -> None:
    (tmp_path / "alliance-01.txt").write_text(ALLIANCE, encoding="utf-8")
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        json.dumps({"id": "harbour-01", "title": "Selmouth harbour opens", "text": HARBOUR}) + "\n"
    )
    questions = tmp_path / "questions.jsonl"
    rows = [
        {
            "id": "a",
            "question": "who leads the NMA?",
            "answers": ["Ali Karim"],
            "doc_ids": ["alliance-01"],
            "type": "who",
            "answerable": True,
        },
        {
            "id": "b",
            "question": "How much did the Selmouth harbour cost to build?",
            "answers": ["£45m"],
            "doc_ids": ["harbour-01"],
            "type": "how_much",
            "answerable": True,
        },
        {
            "id": "c",
            "question": "who is Ali Karim's father?",
            "answers": [],
            "doc_ids": [],
            "type": "who",
            "answerable": False,
        },
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    output = tmp_path / "answers.jsonl"
    result = CliRunner().invoke(
        _app(qa.command),
        [
            # The form: one --corpus with several paths after it.
            "--corpus",
            str(tmp_path / "alliance-01.txt"),
            str(corpus),
            "--questions",
            str(questions),
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "all answerable" in result.output and "p95" in result.output
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["answer"] == "Ali Karim" and lines[0]["doc_ids"] == ["alliance-01"]
    assert lines[2]["answer"] is None and "I don't know" in lines[2]["reply"]
    # The repeated form reads the same files.
    again = CliRunner().invoke(
        _app(qa.command),
        ["--corpus", str(tmp_path / "alliance-01.txt"), "--corpus", str(corpus), "--questions", str(questions)],
    )
    assert again.exit_code == 0, again.output
    assert again.output.count("all answerable") == 1


def test_eval_qa_refuses_a_bad_questions_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text("not json\n")
    result = CliRunner().invoke(_app(qa.command), ["--corpus", str(bad), "--questions", str(bad)])
    assert result.exit_code == 2
    assert "q.jsonl:1" in result.output


def test_eval_squad_command(tmp_path: Path) -> None:
    data = {
        "version": "1.1",
        "data": [
            {
                "title": "Lune_bridge",
                "paragraphs": [
                    {
                        "context": "The old bridge over the Lune was built by the engineer Tomas Brack "
                        "in 1861. "
                        "It carried trains until 1965, when the line closed.",
                        "qas": [
                            {
                                "id": "q1",
                                "question": "Who built the bridge over the Lune?",
                                "answers": [{"text": "Tomas Brack"}],
                            },
                            {
                                "id": "q2",
                                "question": "When did the line close?",
                                "answers": [{"text": "1965"}],
                            },
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data))
    output = tmp_path / "predictions.json"
    result = CliRunner().invoke(_app(squad.command), ["--data", str(path), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "reader mode: 2 questions" in result.output and "open mode" in result.output
    assert json.loads(output.read_text()) == {"q1": "Tomas Brack", "q2": "1965"}
    assert set(json.loads((tmp_path / "predictions.open.json").read_text())) == {"q1", "q2"}
    assert "in-sample" not in result.output  # the weights were not trained on this file
    # Scored on the file the shipped weights learnt from, the command says its figures are in-sample.
    trained_on = tmp_path / "squad11_dev_half.json"
    trained_on.write_text(json.dumps(data))
    again = CliRunner().invoke(_app(squad.command), ["--data", str(trained_on), "--mode", "reader"])
    assert again.exit_code == 0 and "in-sample" in again.output
