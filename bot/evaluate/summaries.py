"""``briefbot eval summaries``: ROUGE of the single-article summariser on labelled articles.

The data is JSON lines in the ``bbc_dev.jsonl`` format (``id``, ``title``, ``text``,
``reference_summary``). Each article is summarised at two lengths: three sentences, and the
reference's own sentence count (reference sentences are counted with the splitter that
separates glued sentences such as ``$10.9bn.For the full-year``). Scores are ROUGE-1, ROUGE-2
and ROUGE-L F1 from the ``rouge-score`` package with Porter stemming, averaged over articles
and printed as percentages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from briefings.summarise import summarise_article
from briefings.text import split_glued_sentences

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")

#: A summariser: (text, number of sentences, title) -> chosen sentences.
Summariser = Callable[[str, int, "str | None"], list[str]]


class EvaluationDataError(ValueError):
    """The data file cannot be read as labelled articles; the message says which line and why."""


@dataclass(frozen=True)
class LabelledArticle:
    """One article with its reference summary."""

    id: str
    title: str | None
    text: str
    reference: str

    @property
    def reference_sentence_count(self) -> int:
        return max(1, len(split_glued_sentences(self.reference)))


@dataclass
class RougeTotals:
    """Running sums of ROUGE F1 for one summary length."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ROUGE_TYPES, 0.0))
    count: int = 0

    def add(self, scores: dict[str, Any]) -> None:
        for name in ROUGE_TYPES:
            self.sums[name] += scores[name].fmeasure
        self.count += 1

    def means(self) -> dict[str, float]:
        """Average F1 per ROUGE type, as a percentage."""
        return {name: 100 * total / max(1, self.count) for name, total in self.sums.items()}


def read_labelled(path: Path, limit: int | None = None, every: int = 1) -> list[LabelledArticle]:
    """Articles of a JSONL file; ``every`` > 1 keeps every n-th line (a quick sample)."""
    out: list[LabelledArticle] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvaluationDataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        kept = 0
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            kept += 1
            if (kept - 1) % every:
                continue
            try:
                row = json.loads(line)
                text, reference = row["text"], row["reference_summary"]
                if not isinstance(text, str) or not isinstance(reference, str):
                    raise TypeError("text and reference_summary must be strings")
            except (ValueError, KeyError, TypeError) as exc:
                raise EvaluationDataError(
                    f"{path}:{number} is not a labelled article ({exc}); each line needs "
                    '{"id", "title", "text", "reference_summary"} as in bbc_dev.jsonl'
                ) from exc
            out.append(
                LabelledArticle(str(row.get("id") or number), row.get("title") or None, text, reference)
            )
            if limit is not None and len(out) >= limit:
                break
    return out


def make_scorer() -> Any:
    """The ROUGE scorer every figure uses: ROUGE-1/2/L with Porter stemming."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def ours(text: str, n: int, title: str | None) -> list[str]:
    """Briefbot's summariser as evaluated: the ``n`` best sentences in article order."""
    return summarise_article(text, n, title=title)


@dataclass
class Evaluation:
    """ROUGE at three sentences and at the reference's length, plus the predictions."""

    at_3: RougeTotals = field(default_factory=RougeTotals)
    at_reference: RougeTotals = field(default_factory=RougeTotals)
    predictions: list[dict[str, str]] = field(default_factory=list)


def evaluate(
    articles: Iterable[LabelledArticle],
    summariser: Summariser = ours,
    *,
    scorer: Any = None,
    keep_predictions: bool = False,
    on_article: Callable[[], None] | None = None,
) -> Evaluation:
    """Summarise every article at both lengths and score against its reference."""
    scorer = scorer or make_scorer()
    result = Evaluation()
    for article in articles:
        three = " ".join(summariser(article.text, 3, article.title))
        at_ref = " ".join(summariser(article.text, article.reference_sentence_count, article.title))
        result.at_3.add(scorer.score(article.reference, three))
        result.at_reference.add(scorer.score(article.reference, at_ref))
        if keep_predictions:
            result.predictions.append({"id": article.id, "summary_3": three, "summary_ref": at_ref})
        if on_article is not None:
            on_article()
    return result


def format_table(columns: Sequence[tuple[str, Evaluation]]) -> str:
    """ROUGE F1 (%) rows for each length, one column per summariser."""
    names = [name for name, _ in columns]
    width = max(10, *(len(n) for n in names))
    lines = [f"{'length':<12}{'metric':<9}" + "".join(f"{n:>{width + 2}}" for n in names)]
    for label, attribute in (("3 sentences", "at_3"), ("reference", "at_reference")):
        for metric, title in zip(ROUGE_TYPES, ("ROUGE-1", "ROUGE-2", "ROUGE-L"), strict=True):
            cells = "".join(f"{getattr(ev, attribute).means()[metric]:>{width + 2}.2f}" for _, ev in columns)
            lines.append(f"{label:<12}{title:<9}{cells}")
    count = columns[0][1].at_3.count if columns else 0
    lines.append(f"({count} articles; F1 x 100; rouge-score with Porter stemming)")
    return "\n".join(lines)


def write_predictions(path: Path, predictions: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in predictions:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def command(
    data: Annotated[Path, typer.Option("--data", help="JSONL file in the bbc_dev.jsonl format.")],
    output: Annotated[
        Path | None, typer.Option("--output", help="Also write one prediction line per article here.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N articles.")] = None,
    every: Annotated[
        int, typer.Option("--every", min=1, help="Only every N-th article (a quick sample).")
    ] = 1,
) -> None:
    """Score the summariser with ROUGE-1/2/L F1 at 3 sentences and at the reference's length."""
    try:
        articles = read_labelled(data, limit=limit, every=every)
    except EvaluationDataError as exc:
        typer.echo(f"briefbot: {exc}", err=True)
        raise typer.Exit(2) from None
    if not articles:
        typer.echo(f"briefbot: {data} holds no articles; give a JSONL file like bbc_dev.jsonl.", err=True)
        raise typer.Exit(2)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("Summarising"), BarColumn(), MofNCompleteColumn(), transient=True) as progress:
        task = progress.add_task("eval", total=len(articles))
        result = evaluate(
            articles, keep_predictions=output is not None, on_article=lambda: progress.advance(task)
        )
    typer.echo(format_table([("briefbot", result)]))
    if output is not None:
        write_predictions(output, result.predictions)
        typer.echo(f"Wrote {len(result.predictions)} predictions to {output}")
