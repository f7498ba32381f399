"""``briefbot eval squad``: exact match and F1 on a SQuAD v1.1 file, in two modes.

reader: each question is answered from its own paragraph by the newsroom's candidate
        extraction and scoring (:func:`briefings.reader.read`), without the store;
open:   every paragraph is ingested into a temporary SQLite database and each question is
        asked of the whole newsroom, as a chat user would (an abstention scores as "").

Scores use the official v1.1 normalisation (lower case, no punctuation, no articles).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from briefings.questions import analyse_question
from briefings.reader import answer_f1, load_model, normalise_answer, read
from briefings.text import split_sentences


class SquadFileError(ValueError):
    """The file is not in the SQuAD v1.1 format; the message says what is wrong."""


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    context: str
    title: str
    paragraph: int


def read_squad(path: Path) -> list[SquadQuestion]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        out = []
        paragraph_number = 0
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                for qa in paragraph["qas"]:
                    out.append(
                        SquadQuestion(
                            str(qa["id"]),
                            qa["question"],
                            tuple(a["text"] for a in qa["answers"]),
                            paragraph["context"],
                            str(article.get("title", "")),
                            paragraph_number,
                        )
                    )
                paragraph_number += 1
        return out
    except OSError as exc:
        raise SquadFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SquadFileError(
            f"{path} is not a SQuAD v1.1 file ({exc}); it needs data[].paragraphs[].context and "
            "qas[].id/question/answers[].text"
        ) from None


def f1_score(prediction: str, gold: str) -> float:
    return answer_f1(prediction, gold)


def exact_match(prediction: str, gold: str) -> float:
    return float(normalise_answer(prediction) == normalise_answer(gold))


def score(questions: Sequence[SquadQuestion], predictions: dict[str, str]) -> tuple[float, float]:
    """Official-style EM and F1 (percentages), best over each question's gold answers."""
    if not questions:
        return 0.0, 0.0
    em = sum(max(exact_match(predictions.get(q.id, ""), g) for g in q.answers) for q in questions)
    f1 = sum(max(f1_score(predictions.get(q.id, ""), g) for g in q.answers) for q in questions)
    return 100 * em / len(questions), 100 * f1 / len(questions)


def reader_predictions(questions: Sequence[SquadQuestion]) -> dict[str, str]:
    """Each question answered from its own paragraph; the best candidate always (no abstention)."""
    predictions: dict[str, str] = {}
    sentences_of: dict[int, list[str]] = {}
    for q in questions:
        sentences = sentences_of.get(q.paragraph)
        if sentences is None:
            sentences = sentences_of[q.paragraph] = split_sentences(q.context)
        ranked = read(analyse_question(q.question), sentences)
        predictions[q.id] = ranked[0].text if ranked else ""
    return predictions


async def open_predictions(
    questions: Sequence[SquadQuestion], database_url: str
) -> tuple[dict[str, str], list[float], int]:
    """Ingest every paragraph, then ask each question of the newsroom; abstentions become ""."""
    return await open_predictions_subset(questions, {q.id for q in questions}, database_url)


def _open_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}.open{output.suffix}")


def command(
    data: Annotated[Path, typer.Option("--data", help="A SQuAD v1.1 JSON file.")],
    mode: Annotated[str, typer.Option("--mode", help="reader, open or both.")] = "both",
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Only the first N questions (open mode is slow on thousands)."),
    ] = None,
    open_limit: Annotated[
        int | None,
        typer.Option(
            "--open-limit", min=1, help="Only the first N questions in open mode (default: --limit)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write predictions {id: answer}; open mode "
            "goes to the same name with .open before the extension.",
        ),
    ] = None,
) -> None:
    """Score the reader (own paragraph) and the open newsroom (all paragraphs) on SQuAD v1.1."""
    import asyncio

    if mode not in {"reader", "open", "both"}:
        typer.echo("briefbot: --mode must be reader, open or both", err=True)
        raise typer.Exit(2)
    try:
        questions = read_squad(data)
    except SquadFileError as exc:
        typer.echo(f"briefbot: {exc}", err=True)
        raise typer.Exit(2) from None
    if limit is not None:
        questions = questions[:limit]
    if mode in {"reader", "both"}:
        started = time.perf_counter()
        predictions = reader_predictions(questions)
        elapsed = time.perf_counter() - started
        em, f1 = score(questions, predictions)
        typer.echo(
            f"reader mode: {len(questions)} questions  EM {em:.1f}  F1 {f1:.1f}  "
            f"({1000 * elapsed / max(1, len(questions)):.1f} ms/question)"
        )
        if load_model().trained_on == data.name:
            typer.echo(
                f"  note: the shipped reader weights were trained on {data.name}, so these figures are "
                "in-sample; `python bench/train_reader.py --rerank` prints cross-validated ones"
            )
        if output is not None:
            output.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    if mode in {"open", "both"}:
        subset = questions[: open_limit or limit or len(questions)]
        # Every paragraph is ingested so that retrieval searches all of them, even for a subset.
        everything = read_squad(data)
        with tempfile.TemporaryDirectory(prefix="briefbot-squad-") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'squad.db'}"
            asked = {q.id for q in subset}

            async def main() -> tuple[dict[str, str], list[float], int]:
                return await open_predictions_subset(everything, asked, url)

            predictions, latencies, abstained = asyncio.run(main())
        em, f1 = score(subset, predictions)
        ordered = sorted(latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0
        typer.echo(
            f"open mode: {len(subset)} questions over {len({q.paragraph for q in everything})} "
            f"paragraphs  EM {em:.1f}  F1 {f1:.1f}  abstained {abstained} "
            f"({100 * abstained / max(1, len(subset)):.0f}%)  p95 {p95:.0f} ms"
        )
        if output is not None:
            _open_path(output).write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")


async def open_predictions_subset(
    everything: Sequence[SquadQuestion], asked: set[str], database_url: str
) -> tuple[dict[str, str], list[float], int]:
    """Like :func:`open_predictions`, ingesting every paragraph but asking only ``asked``."""
    from briefings.models import ArticleInput
    from briefings.newsroom import InvalidInput, Newsroom
    from storage.engine import create_engine, ensure_sqlite_directory
    from storage.migrate import upgrade
    from storage.sql import SqlStore

    ensure_sqlite_directory(database_url)
    await upgrade(database_url)
    engine = create_engine(database_url)
    predictions: dict[str, str] = {}
    latencies: list[float] = []
    abstained = 0
    try:
        newsroom = Newsroom(SqlStore(engine))
        seen: set[int] = set()
        for q in everything:
            if q.paragraph in seen:
                continue
            seen.add(q.paragraph)
            try:
                await newsroom.ingest(
                    ArticleInput(
                        text=q.context,
                        title=q.title.replace("_", " "),
                        source="Wikipedia",
                        external_id=f"p{q.paragraph}",
                    ),
                    added_by="eval:squad",
                )
            except InvalidInput:
                continue
        for q in everything:
            if q.id not in asked:
                continue
            started = time.perf_counter()
            answer = await newsroom.ask(q.question)
            latencies.append(1000 * (time.perf_counter() - started))
            predictions[q.id] = answer.text or ""
            abstained += answer.text is None
    finally:
        await engine.dispose()
    return predictions, latencies, abstained


__all__ = [
    "command",
    "exact_match",
    "f1_score",
    "open_predictions",
    "read_squad",
    "reader_predictions",
    "score",
]
