"""Word overlap between extracted text and the original, for tests and the extraction benchmark."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Overlap:
    precision: float  # share of extracted words that are in the original (boilerplate lowers it)
    recall: float  # share of the original's words that were extracted (lost body text lowers it)

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def word_overlap(extracted: str, original: str) -> Overlap:
    """Bag-of-words precision and recall (case-folded word tokens, counted with multiplicity)."""
    got = Counter(w.casefold() for w in _WORD.findall(extracted))
    want = Counter(w.casefold() for w in _WORD.findall(original))
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return Overlap(precision, recall)
