"""``briefbot eval qa``: grounded question answering over an ingested corpus.

The corpus (JSONL in the ``bbc_dev.jsonl`` format and/or plain-text files whose doc id is the
file name without ``.txt``) is ingested into a temporary SQLite database (or ``--database``),
then every question of a ``qa_dev.jsonl``-format file is asked. An answerable question is
correct when the answer contains a gold string (case-insensitive, whitespace normalised) and
cites a gold document; an unanswerable one is correct when the bot abstains. Figures are broken
down by question type, with the latency percentiles of ``ask``.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer


class QuestionFileError(ValueError):
    """The questions file cannot be read; the message says which line and why."""


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    doc_ids: frozenset[str]
    type: str
    answerable: bool


@dataclass
class QaReport:
    """Counts per type for answerable and unanswerable questions, and per-question latencies (ms)."""

    answerable: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    unanswerable: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    latencies_ms: list[float] = field(default_factory=list)
    ingest_seconds: float = 0.0
    articles: int = 0
    misses: list[str] = field(default_factory=list)
    output_lines: list[str] = field(default_factory=list)  # one JSON line per question, for --output

    @staticmethod
    def _total(table: dict[str, list[int]]) -> tuple[int, int]:
        return sum(v[0] for v in table.values()), sum(v[1] for v in table.values())

    @property
    def answerable_accuracy(self) -> float:
        ok, n = self._total(self.answerable)
        return ok / n if n else 0.0

    @property
    def abstention_accuracy(self) -> float:
        ok, n = self._total(self.unanswerable)
        return ok / n if n else 0.0


def read_questions(path: Path) -> list[LabelledQuestion]:
    """The questions of a ``qa_dev.jsonl``-format file."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append(
                LabelledQuestion(
                    id=str(row.get("id", number)),
                    question=str(row["question"]),
                    answers=tuple(str(a) for a in row.get("answers") or ()),
                    doc_ids=frozenset(str(d) for d in row.get("doc_ids") or ()),
                    type=str(row.get("type") or "other"),
                    answerable=bool(row.get("answerable", True)),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise QuestionFileError(
                f"{path}:{number} is not a question line ({exc}); each line needs at least "
                '{"question": ..., "answers": [...], "doc_ids": [...], "answerable": true|false}'
            ) from None
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def is_correct(question: LabelledQuestion, answer_text: str | None, cited: set[str]) -> bool:
    if not question.answerable:
        return answer_text is None
    if answer_text is None:
        return False
    text = _norm(answer_text)
    return any(_norm(gold) in text for gold in question.answers) and bool(cited & question.doc_ids)


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def run_qa(
    corpus: Sequence[Path],
    questions: Sequence[LabelledQuestion],
    database_url: str,
) -> QaReport:
    """Ingest the corpus into ``database_url`` (migrated first), ask every question, count."""
    from bot.bulk import ingest_items, read_paths
    from bot.replies import answer_reply
    from briefings.newsroom import Newsroom
    from storage.engine import create_engine, ensure_sqlite_directory
    from storage.migrate import upgrade
    from storage.sql import SqlStore

    ensure_sqlite_directory(database_url)
    await upgrade(database_url)
    engine = create_engine(database_url)
    report = QaReport()
    try:
        store = SqlStore(engine)
        newsroom = Newsroom(store)
        summary = await ingest_items(newsroom, read_paths(corpus), added_by="eval:qa")
        report.ingest_seconds = summary.seconds
        report.articles = await store.count_articles()
        doc_of = {article_id: doc for doc, article_id in summary.doc_ids.items()}
        lines = []
        for question in questions:
            started = time.perf_counter()
            answer = await newsroom.ask(question.question)
            report.latencies_ms.append(1000 * (time.perf_counter() - started))
            cited = {c.external_id or doc_of.get(c.article_id, "") for c in answer.citations}
            ok = is_correct(question, answer.text, cited)
            table = report.answerable if question.answerable else report.unanswerable
            table[question.type][0] += int(ok)
            table[question.type][1] += 1
            if not ok:
                report.misses.append(f"{question.id} {question.question!r} -> {answer.text!r}")
            lines.append(
                json.dumps(
                    {
                        "id": question.id,
                        "answer": answer.text,
                        "reply": answer_reply(answer).plain_text(),
                        "doc_ids": sorted(d for d in cited if d),
                    },
                    ensure_ascii=False,
                )
            )
        report.output_lines = lines
    finally:
        await engine.dispose()
    return report


def format_report(report: QaReport) -> str:
    out = [f"corpus: {report.articles} articles ingested in {report.ingest_seconds:.1f} s", ""]
    out.append(f"{'answerable, by type':<24}{'correct':>8}{'total':>7}{'acc':>8}")
    for kind in sorted(report.answerable):
        ok, n = report.answerable[kind]
        out.append(f"  {kind:<22}{ok:>8}{n:>7}{100 * ok / n:>7.1f}%")
    ok, n = report._total(report.answerable)
    out.append(f"  {'all answerable':<22}{ok:>8}{n:>7}{100 * report.answerable_accuracy:>7.1f}%")
    out.append("")
    out.append(f"{'unanswerable, by type':<24}{'abstained':>8}{'total':>7}{'acc':>8}")
    for kind in sorted(report.unanswerable):
        ok, n = report.unanswerable[kind]
        out.append(f"  {kind:<22}{ok:>8}{n:>7}{100 * ok / n:>7.1f}%")
    ok, n = report._total(report.unanswerable)
    out.append(f"  {'all unanswerable':<22}{ok:>8}{n:>7}{100 * report.abstention_accuracy:>7.1f}%")
    lat = report.latencies_ms
    out.append("")
    out.append(
        f"latency per question (ms): p50 {percentile(lat, 0.5):.1f}  p95 {percentile(lat, 0.95):.1f}  "
        f"p99 {percentile(lat, 0.99):.1f}  max {max(lat, default=0.0):.1f}"
    )
    return "\n".join(out)


def command(
    corpus: Annotated[
        list[Path],
        typer.Option("--corpus", help="JSONL or .txt files (or folders); repeat --corpus for several."),
    ],
    questions: Annotated[Path, typer.Option("--questions", help="Questions in the qa_dev.jsonl format.")],
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            help="Database URL or SQLite file to ingest into (default: a temporary SQLite file).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write one JSON line per question (id, answer, reply, doc_ids) here."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List the questions it got wrong.")
    ] = False,
    more_corpus: Annotated[
        list[Path] | None,
        typer.Argument(help="More corpus files: `--corpus A B C` reads all three.", show_default=False),
    ] = None,
) -> None:
    """Answer labelled questions over an ingested corpus; print accuracy, abstention and latency."""
    import asyncio

    corpus = [*corpus, *(more_corpus or [])]

    try:
        labelled = read_questions(questions)
    except QuestionFileError as exc:
        typer.echo(f"briefbot: {exc}", err=True)
        raise typer.Exit(2) from None
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        typer.echo(f"briefbot: no such corpus file: {', '.join(missing)}", err=True)
        raise typer.Exit(2)

    async def main(url: str) -> QaReport:
        return await run_qa(corpus, labelled, url)

    report: Any
    if database:
        url = database if "://" in database else f"sqlite+aiosqlite:///{Path(database)}"
        report = asyncio.run(main(url))
    else:
        with tempfile.TemporaryDirectory(prefix="briefbot-eval-") as folder:
            report = asyncio.run(main(f"sqlite+aiosqlite:///{Path(folder) / 'eval.db'}"))
    typer.echo(format_report(report))
    if output is not None:
        lines = report.output_lines
        output.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        typer.echo(f"answers written to {output}")
    if verbose:
        for miss in report.misses:
            typer.echo(f"  miss: {miss}")


__all__ = [
    "LabelledQuestion",
    "QaReport",
    "command",
    "format_report",
    "is_correct",
    "read_questions",
    "run_qa",
]
