"""ROUGE of Briefbot's summariser next to sumy's TextRank, on the same articles and sentences.

Both summarisers see exactly the same sentences (Briefbot's splitter), so the figures compare
sentence choice alone. TextRank uses sumy's English stop words and Snowball stemmer, with a
regular-expression word tokenizer instead of NLTK's (which would need downloaded data).

    python bench/summaries.py [--data ../shared/corpus/bbc_dev.jsonl] [--every 3] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate.summaries import evaluate, format_table, make_scorer, ours, read_labelled  # noqa: E402
from briefings.text import split_sentences  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "corpus" / "bbc_dev.jsonl"


class RegexWordTokenizer:
    """What sumy's tokenizer does for words, without NLTK data: letters, hyphens, apostrophes."""

    _word = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*", re.UNICODE)
    language = "english"

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._word.findall(sentence))


class TextRank:
    """sumy's TextRankSummarizer over pre-split sentences; returns sentences in article order."""

    def __init__(self) -> None:
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words

        self._summarizer = TextRankSummarizer(Stemmer("english"))
        self._summarizer.stop_words = get_stop_words("english")
        self._tokenizer = RegexWordTokenizer()

    def document(self, sentences: list[str]):
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

        return ObjectDocumentModel([Paragraph([Sentence(s, self._tokenizer) for s in sentences])])

    def summarise_sentences(self, sentences: list[str], n: int) -> list[str]:
        if not sentences:
            return []
        return [str(s) for s in self._summarizer(self.document(sentences), n)]

    def __call__(self, text: str, n: int, title: str | None = None) -> list[str]:
        return self.summarise_sentences(split_sentences(text), n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--every", type=int, default=1, help="only every N-th article")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    articles = read_labelled(args.data, limit=args.limit, every=args.every)
    scorer = make_scorer()
    columns = []
    timings = []
    for name, summariser in (("briefbot", ours), ("TextRank", TextRank())):
        started = time.perf_counter()
        columns.append((name, evaluate(articles, summariser, scorer=scorer)))
        timings.append((name, time.perf_counter() - started))
    print(format_table(columns))
    ours_eval, textrank_eval = columns[0][1], columns[1][1]
    for label, attribute in (("3 sentences", "at_3"), ("reference length", "at_reference")):
        delta = (
            getattr(ours_eval, attribute).means()["rouge2"]
            - getattr(textrank_eval, attribute).means()["rouge2"]
        )
        print(f"ROUGE-2 briefbot minus TextRank at {label}: {delta:+.2f} points")
    for name, seconds in timings:
        print(f"{name}: {seconds:.1f} s for {len(articles)} articles (two summaries each, with scoring)")


if __name__ == "__main__":
    main()
