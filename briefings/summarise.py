"""Extractive summaries: of one article, and of a story told by several outlets.

Sentences are scored by position (news puts the point first), centrality (how much of the
text's vocabulary a sentence carries), overlap with the title, and, across outlets, support
(how many other outlets say much the same). Near-duplicate sentences are dropped, so two
outlets saying one thing yield one sentence. Every chosen sentence keeps its article id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefings.text import is_junk, split_sentences, terms

MIN_SENTENCES = 2
MAX_SENTENCES = 4
TARGET_WORDS = 75
HEADLINE_CHARS = 90
NEAR_DUPLICATE = 0.5


@dataclass(frozen=True)
class SummarySentence:
    """A sentence chosen for a summary and where it came from."""

    text: str
    article_id: str
    position: int


@dataclass(frozen=True)
class StorySummary:
    """A headline and the chosen sentences, in reading order."""

    headline: str
    sentences: tuple[SummarySentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class _Candidate:
    text: str
    article_id: str
    position: int
    rank: int  # position among the article's usable sentences
    words: list[str]
    bag: frozenset[str]
    score: float = 0.0


def _usable(text: str) -> bool:
    if is_junk(text):
        return False
    stripped = text.strip()
    # Questions and bare quotes without attribution rarely summarise a story.
    if stripped.endswith("?"):
        return False
    return len(stripped.split()) >= 5


def _centrality(words: list[str], weights: Mapping[str, float], norm: float) -> float:
    if not words or not norm:
        return 0.0
    bag = Counter(words)
    dot = sum(count * weights.get(word, 0.0) for word, count in bag.items())
    return dot / (norm * math.sqrt(sum(c * c for c in bag.values())))


def _score(candidates: list[_Candidate], title_terms: set[str], support: Mapping[int, float]) -> None:
    totals: Counter[str] = Counter()
    for candidate in candidates:
        totals.update(candidate.bag)  # document frequency within the text: one vote per sentence
    # Words in only one sentence say little about the whole; dampen very frequent ones.
    weights = {w: math.log1p(c) for w, c in totals.items() if c > 1}
    norm = math.sqrt(sum(v * v for v in weights.values()))
    for index, candidate in enumerate(candidates):
        central = _centrality(candidate.words, weights, norm)
        position = 1.0 / math.sqrt(1 + candidate.rank)
        title = len(candidate.bag & title_terms) / len(title_terms) if title_terms else 0.0
        length = len(candidate.words)
        shape = 1.0 if 8 <= length <= 35 else 0.8 if length < 8 else 0.9
        candidate.score = shape * (
            1.0 * central + 0.45 * position + 0.35 * title + 0.3 * support.get(index, 0.0)
        )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _choose(
    candidates: list[_Candidate], n_min: int, n_max: int, target_words: int | None
) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    words = 0
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.rank)):
        if len(chosen) >= n_max:
            break
        if target_words is not None and len(chosen) >= n_min and words >= target_words:
            break
        if any(_jaccard(candidate.bag, other.bag) >= NEAR_DUPLICATE for other in chosen):
            continue
        chosen.append(candidate)
        words += len(candidate.text.split())
    return chosen


def _candidates_from_text(text: str, article_id: str = "") -> list[_Candidate]:
    out = []
    for position, sentence in enumerate(split_sentences(text)):
        if not _usable(sentence):
            continue
        words = terms(sentence)
        out.append(_Candidate(sentence, article_id, position, len(out), words, frozenset(words)))
    return out


def summarise_article(text: str, n: int = 3, title: str | None = None) -> list[str]:
    """The ``n`` best sentences of one article, in article order."""
    candidates = _candidates_from_text(text)
    if not candidates:
        return []
    _score(candidates, set(terms(title or "")), {})
    chosen = _choose(candidates, n, n, None)
    return [c.text for c in sorted(chosen, key=lambda c: c.rank)]


@dataclass(frozen=True)
class SourceSentence:
    """A sentence of one of a story's articles, as the summariser takes it in."""

    article_id: str
    position: int
    text: str


def summarise_story(
    sentences: Sequence[SourceSentence],
    titles: Mapping[str, str | None] | None = None,
    *,
    max_sentences: int = MAX_SENTENCES,
) -> StorySummary:
    """A 2–4 sentence summary from all of a story's articles, with a headline.

    ``sentences`` are given article by article in position order; ``titles`` maps article
    ids to their titles (None for untitled text).
    """
    titles = titles or {}
    by_article: dict[str, list[_Candidate]] = {}
    for sentence in sentences:
        if not _usable(sentence.text):
            continue
        words = terms(sentence.text)
        group = by_article.setdefault(sentence.article_id, [])
        group.append(
            _Candidate(
                sentence.text, sentence.article_id, sentence.position, len(group), words, frozenset(words)
            )
        )
    candidates = [c for group in by_article.values() for c in group]
    title_terms: set[str] = set()
    for title in titles.values():
        if title:
            title_terms.update(terms(title))
    support: dict[int, float] = {}
    if len(by_article) > 1:
        vocab = {aid: frozenset().union(*(c.bag for c in group)) for aid, group in by_article.items()}
        for index, candidate in enumerate(candidates):
            if not candidate.bag:
                continue
            others = [v for aid, v in vocab.items() if aid != candidate.article_id]
            covered = sum(1 for v in others if len(candidate.bag & v) >= 0.6 * len(candidate.bag))
            support[index] = covered / len(others)
    _score(candidates, title_terms, support)
    chosen = _choose(candidates, MIN_SENTENCES, max_sentences, TARGET_WORDS)
    article_order = {aid: i for i, aid in enumerate(by_article)}
    chosen.sort(key=lambda c: (c.rank, article_order[c.article_id]))
    picked = tuple(SummarySentence(c.text, c.article_id, c.position) for c in chosen)
    return StorySummary(make_headline(titles, candidates, chosen), picked)


_OPENER_RE = re.compile(
    r"^(?:in a (?:recent|new|fresh|major|surprise) [a-z]+|in (?:a|an) [a-z]+ (?:move|development)"
    r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|meanwhile|however|earlier"
    r"|today|yesterday|according to [^,]{1,40}|in [^,]{1,25})\s*,\s*",
    re.IGNORECASE,
)
_CLAUSE_CUT_RE = re.compile(r",\s+(?:the|which|who|where|while|a|an|as|after|but|and)\s|\s[-–—]\s|;\s")


def compress_sentence(sentence: str, limit: int = HEADLINE_CHARS) -> str:
    """A headline from a sentence: leading time/transition phrases and trailing clauses cut."""
    text = _OPENER_RE.sub("", sentence.strip(), count=1)
    text = text[:1].upper() + text[1:]
    if len(text) > limit:
        cut = _CLAUSE_CUT_RE.search(text, 30)
        if cut and cut.start() <= limit:
            text = text[: cut.start()]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
    return text.rstrip(" .,;:")


def make_headline(
    titles: Mapping[str, str | None], candidates: Sequence[_Candidate], chosen: Sequence[_Candidate]
) -> str:
    """The best source title (the one sharing most with the story), else a compressed sentence."""
    present = [(aid, t.strip()) for aid, t in titles.items() if t and t.strip()]
    if present:
        totals: Counter[str] = Counter()
        for candidate in candidates:
            totals.update(candidate.bag)

        def fit(item: tuple[str, str]) -> float:
            words = set(terms(item[1]))
            return sum(math.log1p(totals.get(w, 0)) for w in words) / math.sqrt(1 + len(words))

        return max(present, key=fit)[1]
    if chosen:
        lead = min(chosen, key=lambda c: (c.rank, -c.score))
        return compress_sentence(lead.text)
    if candidates:
        return compress_sentence(candidates[0].text)
    return "Untitled story"
