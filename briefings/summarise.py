"""Extractive summaries: of one article, and of a story told by several outlets.

Each sentence is described by a few general features: where it stands (news puts the point
first), how long it is, how central it is (how much it shares with the rest of the text, as
TextRank measures it, and with the text's vocabulary), how much it shares with the title and
the lead, and whether it carries figures, quotes or attribution. A small logistic model
turns the features into a score; its weights were learned on labelled news summaries by
``bench/train_summary_weights.py`` and ship as ``briefings/data/summary_weights.json``.

Across outlets, a sentence also gains from *support* (how many other outlets say much the
same). Near-duplicate sentences are dropped, so two outlets saying one thing yield one
sentence. Every chosen sentence keeps its article id.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from briefings.text import is_junk, split_sentences, terms

MIN_SENTENCES = 2
MAX_SENTENCES = 4
TARGET_WORDS = 75
HEADLINE_CHARS = 90
NEAR_DUPLICATE = 0.5
# Story summaries are read in a chat, not scored against a reference: they lean more on the
# lead (what happened) and on what several outlets report, and less on sheer length.
SUPPORT_WEIGHT = 2.0  # in logits: a sentence every other outlet also reports gains this much
LEAD_WEIGHT = 1.5  # in logits, times 1 / (1 + rank): the opening sentence gains the most

#: The features of a sentence, in the order the weights use.
FEATURES = (
    "first",
    "inverse_position",
    "relative_position",
    "log_words",
    "short",
    "long",
    "centrality",
    "degree",
    "title",
    "lead",
    "numbers",
    "quote_start",
    "quoted",
    "attribution",
    "names",
)


@dataclass(frozen=True)
class SummaryWeights:
    """A logistic model over :data:`FEATURES`, plus a length preference used when ranking.

    A single article's sentences are ranked by ``log P(in summary) + length_bonus * log(1 +
    words)``: the overlap a sentence brings to a short summary grows with its length as well
    as with the odds that it belongs there.
    """

    weights: tuple[float, ...]
    bias: float
    length_bonus: float = 0.0

    def score(self, features: Sequence[float]) -> float:
        return self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))


# Used when the data file is missing (a source checkout without package data): hand-set.
_FALLBACK = SummaryWeights(
    weights=(1.0, 0.8, -0.6, 0.5, -0.8, 0.0, 1.5, 1.5, 0.8, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0),
    bias=-1.5,
    length_bonus=0.5,
)


@lru_cache(maxsize=1)
def default_weights() -> SummaryWeights:
    """The shipped weights (read once, on first use)."""
    try:
        raw = resources.files("briefings").joinpath("data/summary_weights.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return _FALLBACK
    return weights_from_json(raw)


def weights_from_json(raw: str) -> SummaryWeights:
    """Weights from the JSON the training script writes; features are matched by name."""
    data = json.loads(raw)
    by_name = dict(zip(data["features"], data["weights"], strict=True))
    return SummaryWeights(
        weights=tuple(float(by_name.get(name, 0.0)) for name in FEATURES),
        bias=float(data["bias"]),
        length_bonus=float(data.get("length_bonus", 0.0)),
    )


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
    # Questions rarely summarise a story.
    if stripped.endswith("?"):
        return False
    return len(stripped.split()) >= 5


_DIGIT_RE = re.compile(r"\d")
_ATTRIBUTION_RE = re.compile(r"\b(?:said|says|told|according to|added|announced|stated)\b")
_NAME_RE = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")


def sentence_features(candidates: Sequence[_Candidate], title_terms: set[str]) -> list[list[float]]:
    """The :data:`FEATURES` of each candidate sentence of one article (in article order)."""
    count = len(candidates)
    if not count:
        return []
    frequency: Counter[str] = Counter()
    for candidate in candidates:
        frequency.update(candidate.bag)  # one vote per sentence
    # Document vector: words in several sentences carry the text's subject.
    weights = {w: math.log1p(c) for w, c in frequency.items() if c > 1}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    bags = [c.bag for c in candidates]
    logs = [math.log(1 + max(1, len(bag))) for bag in bags]
    # TextRank's edge weight (shared words over the sum of log lengths), summed per sentence:
    # the degree centrality that its PageRank ranking closely follows.
    degree = [0.0] * count
    for i in range(count):
        bag_i, log_i = bags[i], logs[i]
        for j in range(i + 1, count):
            shared = len(bag_i & bags[j])
            if shared:
                edge = shared / (log_i + logs[j])
                degree[i] += edge
                degree[j] += edge
    top_degree = max(degree) or 1.0
    centrality = []
    for candidate in candidates:
        bag = Counter(candidate.words)
        # Words outside ``weights`` add nothing: leaving them out gives the same sum, faster.
        dot = sum([n * weights[w] for w, n in bag.items() if w in weights])
        centrality.append(dot / (norm * math.sqrt(sum(n * n for n in bag.values()) or 1)))
    top_central = max(centrality) or 1.0
    lead = candidates[0].bag
    rows = []
    for index, candidate in enumerate(candidates):
        text = candidate.text
        words = len(text.split())
        bag = candidate.bag
        rows.append(
            [
                1.0 if index == 0 else 0.0,
                1.0 / (1 + index),
                index / max(1, count - 1),
                math.log(1 + words),
                1.0 if words < 10 else 0.0,
                1.0 if words > 40 else 0.0,
                centrality[index] / top_central,
                degree[index] / top_degree,
                len(bag & title_terms) / len(title_terms) if title_terms else 0.0,
                len(bag & lead) / len(bag | lead) if index and bag else 0.0,
                1.0 if _DIGIT_RE.search(text) else 0.0,
                1.0 if text[:1] in "\"'" else 0.0,
                1.0 if '"' in text else 0.0,
                1.0 if _ATTRIBUTION_RE.search(text) else 0.0,
                min(1.0, len(_NAME_RE.findall(text)) / 4),
            ]
        )
    return rows


def _log_sigmoid(z: float) -> float:
    return z - math.log1p(math.exp(z)) if z < 0 else -math.log1p(math.exp(-z))


def _score(
    candidates: list[_Candidate],
    title_terms: set[str],
    weights: SummaryWeights,
    support: Mapping[int, float] | None = None,
) -> None:
    """Single articles: the model plus its length preference. Stories (``support`` given): the
    model plus cross-outlet support and a lead prior."""
    rows = sentence_features(candidates, title_terms)
    for index, (candidate, row) in enumerate(zip(candidates, rows, strict=True)):
        if support is None:
            # Ranked by the expected share of a reader's summary a sentence brings: the odds it
            # belongs there (as a log-probability) plus a preference for fuller sentences.
            candidate.score = _log_sigmoid(weights.score(row)) + weights.length_bonus * row[3]
        else:
            candidate.score = (
                weights.score(row)
                + SUPPORT_WEIGHT * support.get(index, 0.0)
                + LEAD_WEIGHT / (1 + candidate.rank)
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


def _candidates_from_sentences(sentences: Sequence[str], article_id: str = "") -> list[_Candidate]:
    out = []
    for position, sentence in enumerate(sentences):
        if not _usable(sentence):
            continue
        words = terms(sentence)
        out.append(_Candidate(sentence, article_id, position, len(out), words, frozenset(words)))
    return out


def summarise_sentences(
    sentences: Sequence[str], n: int = 3, title: str | None = None, weights: SummaryWeights | None = None
) -> list[int]:
    """Positions of the ``n`` best of an article's sentences, in article order."""
    candidates = _candidates_from_sentences(sentences)
    if not candidates:
        return list(range(min(n, len(sentences))))
    _score(candidates, set(terms(title or "")), weights or default_weights())
    chosen = [c.position for c in _choose(candidates, n, n, None)]
    if len(chosen) < n:
        # Asked for more than the good sentences: fill with the rest in article order.
        taken = set(chosen)
        chosen += [i for i in range(len(sentences)) if i not in taken][: n - len(chosen)]
    return sorted(chosen)


def summarise_article(
    text: str, n: int = 3, title: str | None = None, weights: SummaryWeights | None = None
) -> list[str]:
    """The ``n`` best sentences of one article, in article order."""
    sentences = split_sentences(text)
    return [sentences[i] for i in summarise_sentences(sentences, n, title, weights)]


@dataclass(frozen=True)
class SourceSentence:
    """A sentence of one of a story's articles, as the summariser takes it in."""

    article_id: str
    position: int
    text: str
    terms: tuple[str, ...] | None = None  # its index terms when already known (saves work)


def summarise_story(
    sentences: Sequence[SourceSentence],
    titles: Mapping[str, str | None] | None = None,
    *,
    max_sentences: int = MAX_SENTENCES,
) -> StorySummary:
    """A 2–4 sentence summary from all of a story's articles, with a headline.

    ``sentences`` are given article by article in position order; ``titles`` maps article
    ids to their titles (None for untitled text). Each article's sentences are scored within
    that article; sentences that other outlets also report score higher; near-duplicates
    across outlets are dropped.
    """
    titles = titles or {}
    weights = default_weights()
    by_article: dict[str, list[_Candidate]] = {}
    for sentence in sentences:
        if not _usable(sentence.text):
            continue
        words = list(sentence.terms) if sentence.terms is not None else terms(sentence.text)
        group = by_article.setdefault(sentence.article_id, [])
        group.append(
            _Candidate(
                sentence.text, sentence.article_id, sentence.position, len(group), words, frozenset(words)
            )
        )
    vocab = {aid: frozenset().union(*(c.bag for c in group)) for aid, group in by_article.items()}
    for article_id, group in by_article.items():
        title_terms = set(terms(titles.get(article_id) or ""))
        support: dict[int, float] = {}
        others = [v for aid, v in vocab.items() if aid != article_id]
        if others:
            for index, candidate in enumerate(group):
                if candidate.bag:
                    covered = sum(1 for v in others if len(candidate.bag & v) >= 0.6 * len(candidate.bag))
                    support[index] = covered / len(others)
        _score(group, title_terms, weights, support)
    candidates = [c for group in by_article.values() for c in group]
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
        # Else the last comma that leaves a headline of some substance.
        comma = text.rfind(", ", 40, limit)
        if comma > 0:
            text = text[:comma]
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
    # Untitled text: the best-scored opening sentence among the outlets, compressed.
    leads = [c for c in candidates if c.rank == 0]
    if leads:
        return compress_sentence(max(leads, key=lambda c: (c.score, -len(c.text))).text)
    return "Untitled story"
