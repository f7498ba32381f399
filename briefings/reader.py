"""Reading an answer out of a few sentences: typed candidate spans and a linear scorer.

Given a question and some sentences (a SQuAD paragraph, or the best sentences the search index
found), every short span that could be an answer becomes a candidate: names, organisations,
dates, numbers, money, percentages, places and plain noun phrases. Each candidate gets a small
set of unlexicalised features (does its shape fit the expected type, how close is it to the
question's words, does the sentence cover the question, is it a whole name or a piece of
one...) and a linear score. The weights come from ``briefings/data/reader_weights.json``,
trained by ``bench/train_reader.py`` (softmax over each question's candidates); without that
file the hand-set weights below are used. For :func:`read`, a second stage of boosted regression
trees (``briefings/data/reader_trees.json``, walked in plain Python) reorders the linear model's
best few; :func:`score_candidates`, which the news engine uses, keeps the linear scores alone.

No neural model and no downloaded data: everything is regular expressions, stems and sums, and
for :func:`read` the part-of-speech tags and phrase chunks of the rule-based tagger that TextBlob
ships with its package (see :func:`syntax_features`).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from briefings.questions import (
    DATE,
    EXPANSION,
    KIN_NOUNS,
    MONEY,
    NUMBER,
    ORGANISATION,
    OTHER,
    PERCENTAGE,
    PERSON,
    PLACE,
    QuestionAnalysis,
)
from briefings.text import STOPWORDS, fold_accents, stem

# --- tokens ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"[$£€]\s?\d+(?:,\d{3})*(?:\.\d+)?(?:bn|m|k|tn)?"
    r"|\d+(?:,\d{3})*(?:\.\d+)?(?:%|bn|m|k|tn|st|nd|rd|th|s|km|kg|cm|mm)?"
    r"|\w(?:\w|[-'’.&](?=\w))*"
    r"|[^\w\s]"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions half quarter".split()
)
_CURRENCY_WORDS = frozenset("dollars dollar pounds pound euros euro yen francs cents pence".split())
_SCALE_WORDS = frozenset("million billion trillion thousand hundred bn m".split())
_PREPOSITIONS = frozenset("in at on from to by of for with into near since during until after before".split())
_PLACE_PREPS = frozenset("in at from to near into".split())
_DATE_PREPS = frozenset("in on since during until by after before from".split())
_ARTICLES = frozenset("the a an".split())
# Words that may sit inside a candidate but never start or end one.
_EDGE_STOP = STOPWORDS | frozenset("said says say also mr mrs ms dr who whom which that than then there here".split())
_ORG_WORDS = frozenset(
    "party front group council ministry government union league association army forces company "
    "corporation bank club team university committee commission agency office department federation "
    "organisation organization institute airline airlines inc ltd plc corp co news times post "
    "laboratory school college museum church society foundation board fc united city".split()
)

SHAPES = ("percent", "money", "date", "year", "number", "name", "acronym", "lower")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    low: str
    stem: str
    is_punct: bool
    is_cap: bool
    is_num: bool


@lru_cache(maxsize=100_000)
def _stem_word(low: str) -> str:
    low = fold_accents(low).replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    joined = low.replace(".", "").replace("-", "").replace("'", "")
    # "Winn-Dixie" and "U.S." stem as their joined forms, as the search index's terms do.
    return stem(joined) if joined.isalpha() else low.replace(",", "")


@lru_cache(maxsize=50_000)
def _part_stems(low: str) -> tuple[str, ...]:
    parts = [p for p in re.split(r"[-.']", fold_accents(low)) if p.isalpha()]
    if len(parts) > 1 and parts[0] in _NOT_THE_REST:
        return (stem(parts[0]),)  # a semi-final is no final, nor an ex-wife a wife
    return tuple(stem(p) for p in parts) if len(parts) > 1 else ()


# First parts of a hyphenated word that make it something else than its last part.
_NOT_THE_REST = frozenset("semi quarter ex vice non pre post anti".split())


def stems_of(tokens: Sequence[Token]) -> set[str]:
    """Every stem of the tokens, with the parts of hyphenated words ("Florida-based" gives "base")."""
    out = set()
    for token in tokens:
        out.add(token.stem)
        if "-" in token.low:
            out.update(_part_stems(token.low))
    return out


@lru_cache(maxsize=50_000)
def _token_parts(text: str) -> tuple[str, str, bool, bool, bool]:
    low = text.lower()
    first = text[0]
    is_punct = not (first.isalnum() or first in "$£€")
    is_num = (
        first.isdigit()
        or first in "$£€"
        or low in _NUMBER_WORDS
        or (not text.isalpha() and _DIGIT_RE.search(text) is not None)
    )
    is_cap = first.isupper() or _NAME_PARTICLE_RE.match(text) is not None
    return low, _stem_word(low), is_punct, is_cap, is_num


_DIGIT_RE = re.compile(r"\d")
# "Ghazi al-Gosaibi", "Mohamed el-Baradei": a surname led by a lower-case article is still a name.
_NAME_PARTICLE_RE = re.compile(r"(?:al|el|ad|ash|as|at|az|ar|an|ul)-[A-Z]")


def tokenize(sentence: str) -> list[Token]:
    """Tokens with character offsets: words, numbers (with currency and suffixes), punctuation."""
    return list(_tokenize(sentence))


@lru_cache(maxsize=20_000)
def _tokenize(sentence: str) -> tuple[Token, ...]:
    out = []
    for match in _TOKEN_RE.finditer(sentence):
        text = match.group(0)
        low, stemmed, is_punct, is_cap, is_num = _token_parts(text)
        out.append(Token(text, match.start(), match.end(), low, stemmed, is_punct, is_cap, is_num))
    return tuple(out)


# --- question side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    """The parts of a question that candidate scoring looks at."""

    analysis: QuestionAnalysis
    weights: dict[str, float]  # stem -> weight of the question's content terms
    all_stems: frozenset[str]  # every stem of the question, stopwords included (for overlap)
    bigrams: frozenset[tuple[str, str]]
    focus: str | None
    total: float
    predicate: dict[str, float] = field(default_factory=dict)  # plain (lower-case) content words
    # -1 when the term comes before the question word ("Paley founded what?"), 1 after it.
    side: dict[str, int] = field(default_factory=dict)
    next_to_wh: str | None = None  # the first content term after the question word and its noun


_COMMON_VERBS = frozenset(
    stem(w)
    for w in "be is was get got make made take took go went use used include say said call called "
    "become became give gave come came known know first one also".split()
)


def question_view(analysis: QuestionAnalysis) -> QuestionView:
    """Weighted content stems of the question: names and numbers count more than common verbs."""
    tokens = tokenize(analysis.text or analysis.question)
    weights: dict[str, float] = {}
    predicate: dict[str, float] = {}
    content = []
    wh_at = next((i for i, t in enumerate(tokens) if t.low in _WH_WORDS), 0)
    side: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.is_punct or token.low in STOPWORDS or token.low.split("'")[0] in _WH_AND_AUX:
            continue
        if token.low in {"many", "much", "name", "named", "called"}:
            continue
        weight = 1.0
        if token.is_cap and index > 0:
            weight = 2.0
        elif token.is_num:
            weight = 1.5
        elif token.stem in _COMMON_VERBS:
            weight = 0.4
        if analysis.focus and token.low == analysis.focus:
            weight = 0.6  # "which city": the answer sentence rarely repeats the noun
        weights[token.stem] = max(weights.get(token.stem, 0.0), weight)
        side.setdefault(token.stem, -1 if index < wh_at else 1)
        if weight in (1.0, 0.4) and not token.is_cap and not token.is_num:
            predicate[token.stem] = weight
        content.append(token.stem)
    bigrams = frozenset(itertools.pairwise(content))
    focus = _stem_word(analysis.focus) if analysis.focus else None
    return QuestionView(
        analysis=analysis,
        weights=weights,
        all_stems=frozenset(t.stem for t in tokens if not t.is_punct),
        bigrams=bigrams,
        focus=focus,
        total=sum(weights.values()) or 1.0,
        predicate=predicate,
        side=side,
        next_to_wh=next(
            (t.stem for t in tokens[wh_at + 1 :] if t.stem in weights and t.stem != focus and not t.is_punct),
            None,
        ),
    )


_WH_WORDS = frozenset("who whom whose what which where when why how".split())


def with_sentence_idf(question: QuestionView, sentences: Sequence[str]) -> QuestionView:
    """The question's weights scaled down for terms found in many of the given sentences.

    Over a paragraph, the article's subject is in nearly every sentence and says little about
    which one answers; a term found in one sentence says a lot. A term in all of N sentences keeps
    log(2)/log(N + 1) of its weight, a term in one keeps all of it.
    """
    count = len(sentences)
    if count < 2 or not question.weights:
        return question
    df = dict.fromkeys(question.weights, 0)
    for sentence in sentences:
        for s in stems_of(tokenize(sentence)) & df.keys():
            df[s] += 1
    norm = math.log(1 + count)
    weights = {s: w * math.log(1 + count / max(1, df[s])) / norm for s, w in question.weights.items()}
    return dataclasses.replace(question, weights=weights, total=sum(weights.values()) or 1.0)


_WH_AND_AUX = frozenset(
    "who whom whose what which where when why how whats is are was were do does did can could will would "
    "should has have had".split()
)

# --- sentences ----------------------------------------------------------------------------------


@dataclass
class SentenceView:
    """A sentence with its tokens and how well it covers the question."""

    text: str
    tokens: list[Token]
    coverage: float = 0.0  # weighted share of the question's terms found in the sentence
    bigram_share: float = 0.0
    matched: list[int] = field(default_factory=list)  # token positions that match question terms
    rank: int = 0
    key: object = None  # the caller's handle (a SentenceHit, a paragraph index, ...)
    extra_stems: frozenset[str] = frozenset()  # e.g. the article title's stems


def sentence_view(
    text: str, question: QuestionView, key: object = None, extra_stems: frozenset[str] = frozenset()
) -> SentenceView:
    tokens = tokenize(text)
    stems = [t.stem for t in tokens]
    present = stems_of(tokens)
    matched = [i for i, s in enumerate(stems) if s in question.weights]
    got = sum(w for s, w in question.weights.items() if s in present)
    # Terms only in the title count for half: they place the story, not the sentence.
    got += 0.5 * sum(w for s, w in question.weights.items() if s not in present and s in extra_stems)
    pairs = set(itertools.pairwise(stems))
    bigram_share = len(question.bigrams & pairs) / len(question.bigrams) if question.bigrams else 0.0
    return SentenceView(
        text=text,
        tokens=tokens,
        coverage=got / question.total,
        bigram_share=bigram_share,
        matched=matched,
        key=key,
        extra_stems=extra_stems,
    )


def rank_sentences(views: list[SentenceView]) -> list[SentenceView]:
    ordered = sorted(views, key=lambda v: v.coverage + 0.3 * v.bigram_share, reverse=True)
    for rank, view in enumerate(ordered):
        view.rank = rank
    return ordered


# --- candidates ---------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One span of one sentence that could answer the question."""

    text: str
    start: int  # character offsets in the sentence
    end: int
    first: int  # token positions [first, last)
    last: int
    shape: str
    sentence: SentenceView
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # the linear model's
    rerank_score: float | None = None  # the second stage's, for the few it rescored


def span_shape(tokens: Sequence[Token]) -> str:
    lows = [t.low for t in tokens]
    if any("%" in t for t in lows) or ("per" in lows and "cent" in lows) or "percent" in lows:
        return "percent"
    if any(t.text[0] in "$£€" for t in tokens) or any(t in _CURRENCY_WORDS for t in lows):
        return "money"
    if any(t in _MONTHS or t in DAYS for t in lows):
        return "date"
    digits = [t for t in tokens if t.is_num]
    if digits:
        if len(tokens) <= 2 and any(re.fullmatch(r"1\d{3}|20\d\d|1\d{3}s|20\d0s", t.low) for t in tokens):
            return "year"
        return "number"
    content = [t for t in tokens if t.low not in STOPWORDS]
    if content and all(t.is_cap for t in content):
        if len(content) == 1 and content[0].text.isupper() and len(content[0].text) > 1:
            return "acronym"
        return "name"
    return "lower"


# Which shapes fit which expected type (used for the type feature and, in the newsroom, as a gate).
COMPATIBLE: dict[str, frozenset[str]] = {
    PERSON: frozenset({"name"}),
    ORGANISATION: frozenset({"name", "acronym"}),
    PLACE: frozenset({"name", "acronym"}),
    DATE: frozenset({"date", "year"}),
    NUMBER: frozenset({"number", "year", "money", "percent"}),
    MONEY: frozenset({"money", "number"}),
    PERCENTAGE: frozenset({"percent"}),
    EXPANSION: frozenset({"name"}),
    OTHER: frozenset(SHAPES),
}

MAX_SPAN = 7
TOP_SENTENCES = 3  # how many of a paragraph's best sentences are read


def _extends(tokens: list[Token], index: int, shape_of: str) -> bool:
    """Whether the token at ``index`` would continue a name or a number run next to a span."""
    if index < 0 or index >= len(tokens):
        return False
    token = tokens[index]
    if token.is_punct:
        return False
    if shape_of == "name":
        return token.is_cap and index > 0 and token.low not in STOPWORDS
    if shape_of in {"number", "money", "percent", "year"}:
        return token.is_num or token.low in _SCALE_WORDS or token.low in _CURRENCY_WORDS
    if shape_of == "date":
        return token.low in _MONTHS or token.low in DAYS or token.is_num
    return False


def candidates(
    view: SentenceView,
    question: QuestionView,
    max_span: int = MAX_SPAN,
    keep: Callable[[Candidate], bool] | None = None,
) -> list[Candidate]:
    """Every plausible answer span of a sentence (that ``keep`` accepts), with its features."""
    tokens = view.tokens
    out: list[Candidate] = []
    n = len(tokens)
    q_stems = question.all_stems
    seen: set[tuple[int, int]] = set()

    def add(first: int, last: int, kind: str | None = None) -> None:
        span = tokens[first:last]
        if all(t.stem in q_stems for t in span if t.low not in STOPWORDS and not t.is_punct):
            return
        seen.add((first, last))
        candidate = _make(view, first, last)
        if keep is not None and not keep(candidate):
            return
        candidate.features = _features(candidate, question)
        if kind:
            candidate.features[kind] = 1.0
        out.append(candidate)

    for first in range(n):
        head = tokens[first]
        if head.is_punct and head.text not in "$£€":
            continue
        # "over two million", "most populous", "not guilty": a qualifier opens the answer.
        qualifier = head.low in _QUALIFIERS
        if _stop_edge(head) and not qualifier:
            continue
        for last in range(first + 1 + qualifier, min(n, first + max_span) + 1):
            tail = tokens[last - 1]
            if tail.is_punct and last - 1 > first:
                if _joins(tokens, last - 1):
                    continue  # "October 6, 1973", "William E. Simon", "1993–94": punctuation inside
                break
            if _stop_edge(tail) and not _numeral_after_name(tokens, first, last - 1):
                continue
            add(first, last)
        if max_span >= MAX_SPAN and _phrase_start(tokens, first):
            # A longer phrase that runs from a clause opening to the next punctuation mark, or a
            # whole list ("otters, beavers and hundreds of bird species").
            crossed = False
            for last in range(first + 2, min(n, first + LONG_SPAN) + 1):
                tail = tokens[last - 1]
                if tail.is_punct and not _joins(tokens, last - 1):
                    if not _list_comma(tokens, last - 1):
                        break
                    crossed = True
                    continue
                if last <= first + max_span and not crossed:
                    continue
                if last == n or (tokens[last].is_punct and tokens[last].text not in "$£€"):
                    if not _stop_edge(tail):
                        add(first, last, "list" if crossed else "long")
                    if not _list_comma(tokens, last):
                        break
    # Titles in quotation marks: "It's the Great Pumpkin".
    for i, token in enumerate(tokens):
        if token.text in _OPEN_QUOTES:
            for j in range(i + 2, min(n, i + LONG_SPAN + 2)):
                if tokens[j].text in _CLOSE_QUOTES:
                    if (i + 1, j) not in seen:
                        add(i + 1, j, "quoted")
                    break
    return out


def _stop_edge(token: Token) -> bool:
    """A word that may sit inside a candidate but not at its edge ("the", "said", "which")."""
    return token.low in _EDGE_STOP and not token.is_num and not (token.is_cap and token.low in _MONTHS)


def _numeral_after_name(tokens: Sequence[Token], first: int, index: int) -> bool:
    """A capital "I" ending a name is a numeral: "World War I", "Division I"."""
    return index > first and tokens[index].text == "I" and tokens[index - 1].is_cap


def _phrase_start(tokens: Sequence[Token], first: int) -> bool:
    """Where a long phrase may begin: at a clause opening, or after an article that follows one."""
    before = first - 1
    if before >= 0 and tokens[before].low in _ARTICLES:
        before -= 1
    return before < 0 or tokens[before].is_punct or tokens[before].low in _PHRASE_OPENERS


def _list_comma(tokens: Sequence[Token], index: int) -> bool:
    """A comma between the items of a list: "and" or "or" comes before the next other punctuation."""
    if index >= len(tokens) or tokens[index].text != ",":
        return False
    for token in tokens[index + 1 : index + LONG_SPAN]:
        if token.low in {"and", "or"}:
            return True
        if token.is_punct and token.text != ",":
            return False
    return False


_OPEN_QUOTES = frozenset({'"', "“"})
_CLOSE_QUOTES = frozenset({'"', "”"})
_CLAUSE_OPENERS = frozenset("to because by that as for of from with so".split())
_PHRASE_OPENERS = _CLAUSE_OPENERS | frozenset(
    "in on at into about between than include includes included including is are was were and or".split()
)
_QUALIFIERS = frozenset("over about around nearly almost more most less least very few only not no all up".split())
_ABBREVIATIONS = frozenset("jr sr st mt ft mr mrs ms dr inc co ltd corp bros vs no gen col lt sgt".split())
_YEAR_RE = re.compile(r"1\d{3}|20\d\d")
LONG_SPAN = 15


def _joins(tokens: Sequence[Token], index: int) -> bool:
    """Whether the punctuation mark at ``index`` may sit inside a candidate."""
    if index == 0 or index + 1 >= len(tokens):
        return False
    token, before, after = tokens[index], tokens[index - 1], tokens[index + 1]
    if after.is_punct and after.text not in "$£€":
        return False
    text = token.text
    if text == "&":
        return True
    if text in "-–—/":
        return before.end == token.start and token.end == after.start  # "1973–74", "$400,000–$450,000"
    if text == ".":
        return before.end == token.start and (
            (len(before.text) == 1 and before.is_cap) or "." in before.text or before.low in _ABBREVIATIONS
        )
    if text == ":":
        return before.end == token.start == after.start - 1 and before.low.isdigit() and after.low.isdigit()  # "3:08"
    if text == "°":
        return before.is_num and token.end == after.start and after.low in {"c", "f"}  # "0 °C"
    if text == ",":
        # "October 6, 1973"
        return before.low.isdigit() and int(before.low) <= 31 and _YEAR_RE.fullmatch(after.low) is not None
    return False


def _make(view: SentenceView, first: int, last: int) -> Candidate:
    span = view.tokens[first:last]
    text = view.text[span[0].start : span[-1].end]
    return Candidate(text, span[0].start, span[-1].end, first, last, span_shape(span), view)


def _features(c: Candidate, q: QuestionView) -> dict[str, float]:
    view = c.sentence
    tokens = view.tokens
    span = tokens[c.first : c.last]
    analysis = q.analysis
    expected = analysis.expected
    f: dict[str, float] = {"bias": 1.0}
    f["sent_cov"] = view.coverage
    f["sent_bigram"] = view.bigram_share
    f["sent_top"] = 1.0 if view.rank == 0 else 0.0
    f["sent_top3"] = 1.0 if view.rank < 3 else 0.0
    f[f"shape={c.shape}"] = 1.0
    f[f"x:{expected}|{c.shape}"] = 1.0
    f[f"w:{analysis.wh}|{c.shape}"] = 1.0
    f["type_ok"] = 1.0 if c.shape in COMPATIBLE.get(expected, frozenset()) else 0.0
    length = c.last - c.first
    f[f"len={min(length, 6)}"] = 1.0
    f[f"x:{expected}|len={min(length, 4)}"] = 1.0
    content = [t for t in span if t.low not in STOPWORDS and not t.is_punct]
    in_q = sum(1 for t in content if t.stem in q.all_stems)
    f["cand_in_q"] = in_q / max(1, len(content))
    f["cand_any_q"] = 1.0 if in_q else 0.0
    f["cand_stopwords"] = (len(span) - len(content)) / len(span)
    # Distance to the question's words found in the sentence (outside the span).
    outside = [i for i in view.matched if i < c.first or i >= c.last]
    if outside:
        distance = min(c.first - i if i < c.first else i - c.last + 1 for i in outside)
        f["dist_log"] = math.log1p(distance)
        f["dist_1"] = 1.0 if distance <= 1 else 0.0
        f["dist_3"] = 1.0 if distance <= 3 else 0.0
        left = sum(1 for i in outside if i < c.first)
        f["q_left_share"] = left / len(outside)
    else:
        f["dist_none"] = 1.0
    # Weighted question terms in windows around the span: the sliding-window signal.
    for width in (3, 8):
        seen: set[str] = set()
        lo, hi = max(0, c.first - width), min(len(tokens), c.last + width)
        for i in range(lo, hi):
            if c.first <= i < c.last:
                continue
            s = tokens[i].stem
            if s in q.weights:
                seen.add(s)
        f[f"win{width}"] = sum(q.weights[s] for s in seen) / q.total
    # Question words right before and right after the span, separately: "price of oil ... $12".
    for side, lo, hi in (
        ("left", max(0, c.first - 4), c.first),
        ("right", c.last, min(len(tokens), c.last + 4)),
    ):
        near = {tokens[i].stem for i in range(lo, hi)} & q.weights.keys()
        share = sum(q.weights[s] for s in near) / q.total
        f[f"{side}4"] = share
        f[f"w:{analysis.wh}|{side}4"] = share
    # Coarse word classes at the span's edges and around it stand in for part-of-speech tags.
    f[f"first={_tag(span[0])}"] = 1.0
    f[f"last={_tag(span[-1])}"] = 1.0
    f[f"before={_tag(tokens[c.first - 1]) if c.first > 0 else 'START'}"] = 1.0
    f[f"after={_tag(tokens[c.last]) if c.last < len(tokens) else 'END'}"] = 1.0
    f[f"w:{analysis.wh}|last={_tag(span[-1])}"] = 1.0
    pattern = "".join(
        "p" if t.is_punct else "d" if t.is_num else "C" if t.is_cap else "s" if t.low in STOPWORDS else "c"
        for t in span[:4]
    )
    f[f"w:{analysis.wh}|pat={pattern}"] = 1.0
    # Soft proximity: every question term found nearby pulls, the nearer the harder.
    prox = 0.0
    for i in outside:
        gap = c.first - i if i < c.first else i - c.last + 1
        prox += q.weights.get(tokens[i].stem, 0.0) / (1.0 + gap)
    f["prox"] = prox / q.total
    before = tokens[c.first - 1] if c.first > 0 else None
    after = tokens[c.last] if c.last < len(tokens) else None
    wh = analysis.wh
    if before is not None and (before.low in STOPWORDS or before.is_punct):
        f[f"w:{wh}|prev={before.low}"] = 1.0
    if after is not None and (after.low in STOPWORDS or after.is_punct):
        f[f"w:{wh}|next={after.low}"] = 1.0
    if q.focus:
        f[f"focus={q.focus}|{c.shape}"] = 1.0
        if c.shape == "lower" and length <= 2:
            f[f"focus={q.focus}|head={span[-1].stem}"] = 1.0
    f["covXtype"] = view.coverage * f["type_ok"]
    if (
        c.first > 0
        and c.last < len(tokens)
        and tokens[c.first - 1].text in _OPEN_QUOTES
        and tokens[c.last].text in _CLOSE_QUOTES
    ):
        f["quoted"] = 1.0
    if view.rank < 3:
        f[f"sent_rank={view.rank}"] = 1.0
    if q.next_to_wh is not None:
        near = [i for i in outside if tokens[i].stem == q.next_to_wh]
        if near:
            gap = min(c.first - i if i < c.first else i - c.last + 1 for i in near)
            f["whnext_log"] = math.log1p(gap)
            f[f"w:{wh}|whnext_3"] = 1.0 if gap <= 3 else 0.0
        else:
            f["whnext_none"] = 1.0
    if q.bigrams:
        lo, hi = max(0, c.first - 8), min(len(tokens), c.last + 8)
        pairs = set(itertools.pairwise(t.stem for t in tokens[lo : c.first])) | set(
            itertools.pairwise(t.stem for t in tokens[c.last : hi])
        )
        f["bigram_win8"] = len(q.bigrams & pairs) / len(q.bigrams)
    if before is not None and not before.is_punct:
        f[f"w:{wh}|prevw={before.stem}"] = 1.0
    if after is not None and not after.is_punct:
        f[f"w:{wh}|nextw={after.stem}"] = 1.0
    f[f"w:{wh}|headw={span[-1].stem}"] = 1.0
    if q.focus:
        f[f"focus={q.focus}|last={_tag(span[-1])}"] = 1.0
    # Word order: a term before the question word should come before the answer in the sentence.
    if outside and q.side:
        agree = disagree = 0.0
        for i in outside:
            weight = q.weights.get(tokens[i].stem, 0.0)
            where = -1 if i < c.first else 1
            if q.side.get(tokens[i].stem) == where:
                agree += weight
            else:
                disagree += weight
        f[f"w:{wh}|order_agree"] = agree / q.total
        f[f"w:{wh}|order_disagree"] = disagree / q.total
    # What lies between the answer and the nearest question word on each side: "founded by _".
    left = [i for i in outside if c.first - 5 <= i < c.first]
    if left:
        gap = tokens[max(left) + 1 : c.first]
        f[f"w:{wh}|lgap={_gap_key(gap)}"] = 1.0
    right = [i for i in outside if c.last <= i < c.last + 5]
    if right:
        gap = tokens[c.last : min(right)]
        f[f"w:{wh}|rgap={_gap_key(gap)}"] = 1.0
    _boundaries(f, c, span, before, after)
    f["prev_q"] = 1.0 if before is not None and before.stem in q.weights else 0.0
    f["next_q"] = 1.0 if after is not None and after.stem in q.weights else 0.0
    if before is None:
        f["at_start"] = 1.0
    elif before.is_punct:
        f["prev_punct"] = 1.0
        if before.text in "(,":
            f["prev_comma_paren"] = 1.0
    elif before.low in _PREPOSITIONS:
        f["prev_prep"] = 1.0
        if before.low in _PLACE_PREPS:
            f[f"x:{expected}|prev_place_prep"] = 1.0
        if before.low in _DATE_PREPS:
            f[f"x:{expected}|prev_date_prep"] = 1.0
        if before.low == "of":
            f["prev_of"] = 1.0
    elif before.low in _ARTICLES:
        f["prev_article"] = 1.0
    elif before.low in STOPWORDS:
        f["prev_stop"] = 1.0
    if after is None or after.is_punct:
        f["next_end_punct"] = 1.0
    elif after.low in STOPWORDS:
        f["next_stop"] = 1.0
    if c.first == 0 and length == 1 and c.shape == "name":
        f["lone_start_cap"] = 1.0  # "Coincidentally, ...": capitalised only because it starts the sentence
    # Whole names and whole numbers, not pieces of them.
    family = "name" if c.shape in {"name", "acronym"} else c.shape
    if _extends(tokens, c.first - 1, family) or _extends(tokens, c.last, family):
        f["partial"] = 1.0
    if q.focus:
        if any(t.stem == q.focus for t in span):
            f["focus_in"] = 1.0
        if any(t.stem == q.focus for t in tokens[c.last : c.last + 3]):
            f["focus_after"] = 1.0
        if any(t.stem == q.focus for t in tokens[max(0, c.first - 3) : c.first]):
            f["focus_before"] = 1.0
    if span[-1].low.endswith(("'s", "’s")) or (after is not None and after.low in {"'s", "’s", "'"}):
        f["possessive"] = 1.0
    if c.shape == "date":
        lows = {t.low for t in span}
        has_month = bool(lows & _MONTHS)
        has_digit = any(t.is_num for t in span)
        f["date_full"] = 1.0 if has_month and has_digit else 0.0
        f["date_day_only"] = 1.0 if not has_month else 0.0
    if c.shape == "name":
        caps = [t for t in content]
        orgish = any(t.low in _ORG_WORDS for t in caps)
        if expected == PERSON:
            f["person_like"] = 1.0 if 2 <= len(caps) <= 3 and not orgish else 0.0
            f["person_one"] = 1.0 if len(caps) == 1 else 0.0
        if expected == ORGANISATION and orgish:
            f["org_like"] = 1.0
    # The same signals weigh differently for different questions: "when" answers sit right next
    # to the question's words, "why" answers further away.
    for name in _CONJOINED:
        value = f.get(name)
        if value:
            f[f"w:{wh}|{name}"] = value
    return f


def _boundaries(
    f: dict[str, float], c: Candidate, span: Sequence[Token], before: Token | None, after: Token | None
) -> None:
    """Word-class pairs across the span's edges and inside short spans: a stand-in for
    constituent boundaries ("the | NOUN" opens a phrase, "NOUN | of" cuts one)."""
    left = _tag(before) if before is not None else "START"
    right = _tag(after) if after is not None else "END"
    f[f"lb={left}_{_tag(span[0])}"] = 1.0
    f[f"rb={_tag(span[-1])}_{right}"] = 1.0
    if len(span) <= 3:
        f[f"tags={'_'.join(_tag(t) for t in span)}"] = 1.0
    inner = [t.low for t in span[1:-1]]
    if any(w in _CLAUSE_WORDS for w in inner):
        f["inner_clause"] = 1.0  # "Associated Press that Beyoncé": two phrases, not one
    if "," in inner or "and" in inner or "or" in inner:
        f["inner_list"] = 1.0
    tokens = c.sentence.tokens
    f["pos_rel"] = c.first / max(1, len(tokens) - 1)


_CLAUSE_WORDS = frozenset("that which who whom whose said says when where while because".split())


_CONJOINED = (
    "sent_cov",
    "sent_bigram",
    "dist_log",
    "dist_none",
    "win3",
    "win8",
    "prox",
    "cand_in_q",
    "cand_stopwords",
    "partial",
    "prev_prep",
    "prev_comma_paren",
    "possessive",
    "quoted",
)


def _gap_key(gap: Sequence[Token]) -> str:
    if not gap:
        return "adj"
    return "_".join(t.low if t.is_punct or t.low in STOPWORDS else _tag(t) for t in gap)


_DETERMINERS = frozenset("the a an this that these those its their his her our your my".split())
_CONJUNCTIONS = frozenset("and or but nor while whereas because although though".split())
_AUXILIARIES = frozenset(
    "is was are were be been being has have had do does did will would can could may might must shall should".split()
)
_PRONOUNS = frozenset("he she it they we i you him them us who which that".split())


@lru_cache(maxsize=50_000)
def _tag_of(low: str, is_cap: bool, is_num: bool, is_punct: bool) -> str:
    if is_punct:
        return "PUNCT" if low not in {"(", ")"} else "PAREN"
    if is_num:
        return "NUM"
    if low in _DETERMINERS:
        return "DET"
    if low in _PREPOSITIONS:
        return "PREP"
    if low in _CONJUNCTIONS:
        return "CONJ"
    if low in _AUXILIARIES:
        return "AUX"
    if low in _PRONOUNS:
        return "PRON"
    if is_cap:
        return "CAP"
    if low.endswith("ly"):
        return "ADV"
    if low.endswith("ed"):
        return "VED"
    if low.endswith("ing"):
        return "VING"
    if low.endswith(("tion", "ment", "ness", "ity", "ism", "ship", "ance", "ence")):
        return "NOUN"
    if low.endswith(("ous", "ful", "ive", "able", "ible", "al", "ic", "ian", "ese")):
        return "ADJ"
    if low.endswith("s"):
        return "PLURAL"
    return "WORD"


def _tag(token: Token) -> str:
    return _tag_of(token.low, token.is_cap, token.is_num, token.is_punct)


# --- gates for typed answers -----------------------------------------------------------------

_NUMERIC_WORDS = (
    _NUMBER_WORDS
    | _SCALE_WORDS
    | _CURRENCY_WORDS
    | frozenset(
        "more than over about around nearly almost up to some at least fewer less just only between and "
        "per cent percent a an bn m k % - – , . $ £ € some roughly".split()
    )
)
_NOT_PERSON = (
    _ORG_WORDS
    | _MONTHS
    | DAYS
    | frozenset(
        "north south east west northern southern eastern western new united national international "
        "minister secretary chancellor chairman spokesman leader president general prime mr mrs ms dr "
        "chief executive director manager coach captain editor founder chairwoman spokeswoman governor "
        "senator mayor ambassador commissioner "
        "european american british english french german chinese japanese russian indian african asian "
        "street house court cup open championship championships games awards award festival hospital centre "
        "center world tournament indoor indoors nations trophy classic prix olympics olympic series "
        "stadium road airport station province county region state island islands valley mountains "
        "reserve square prize prizes medal medals "
        "meanwhile however but and then when after before during while although last next this that".split()
    )
)
# Last words that make a name somewhere, though they are surnames too ("Nick Park", "Tony Hall").
_PLACE_HEADS = frozenset("park gardens hall bridge castle palace arena abbey field fields lane bay".split())
_OPPONENT_WORDS = frozenset("against v vs versus".split())
_PLACE_INTRO = frozenset("of capital city town village county state province region".split())
PERSON_TITLES = frozenset("mr mrs ms dr sir lord lady dame prof".split())


def person_like(tokens: Sequence[Token]) -> bool:
    """Two to four capitalised words that are not an organisation, a month or a title phrase."""
    words = [t for t in tokens if not t.is_punct]
    if words and words[0].low.rstrip(".") in PERSON_TITLES:
        return 1 <= len(words) - 1 <= 3 and all(w.is_cap for w in words[1:])
    if not 2 <= len(words) <= 4:
        return False
    if any(not w.is_cap or w.is_num for w in words):
        return False
    if any(
        (low := w.low.rstrip(".").removesuffix("'s")) in _NOT_PERSON or low.removesuffix("s") in _NOT_PERSON
        for w in words
    ):
        return False  # "Hibernian Investment Managers", "Chief Executive Martin Sorrell"
    if any(w.text.isupper() and len(w.text) > 1 for w in words):
        return False
    if any(w.low in STOPWORDS for w in words):
        return False  # "Reporters Without Borders": a name of people, not a person
    return not words[-1].low.endswith(("'s", "’s"))


def numeric_only(tokens: Sequence[Token]) -> bool:
    """A number with at most its quantifiers ("more than 120,000", "150,000 to 200,000")."""
    return any(t.is_num for t in tokens) and all(t.is_num or t.low in _NUMERIC_WORDS for t in tokens)


def fits(candidate: Candidate, expected: str) -> bool:
    """The strict type check the newsroom applies before it states an answer."""
    span = candidate.sentence.tokens[candidate.first : candidate.last]
    if candidate.shape not in COMPATIBLE.get(expected, frozenset(SHAPES)):
        return False
    if expected == PERSON:
        if len(span) == 1 and span[0].is_cap and candidate.first > 0:
            before = candidate.sentence.tokens[candidate.first - 1]
            if before.low in KIN_NOUNS:
                return span[0].text.isalpha() and not span[0].text.isupper()  # "his father Ralph"
        return person_like(span)
    if expected == MONEY and candidate.shape != "money":
        return False
    if expected in {NUMBER, MONEY, PERCENTAGE}:
        return numeric_only(span) and any(
            t.text[0].isdigit() or t.text[0] in "$£€" or (t.low in _NUMBER_WORDS and t.low not in {"half", "quarter"})
            for t in span
        )
    if expected == DATE:
        return all(
            t.is_num
            or t.low in _MONTHS
            or t.low in DAYS
            or t.low in _NUMERIC_WORDS
            or t.low in {"of", "between", "and", "early", "late", "mid"}
            for t in span
        )
    if candidate.first == 0 and len(span) == 1 and (span[0].low in _NOT_PERSON or span[0].low.endswith("ly")):
        return False  # "Meanwhile, ...": capitalised only because it starts the sentence
    if expected == PLACE:
        tokens = candidate.sentence.tokens
        at = candidate.first - 1
        if at > 0 and tokens[at].low == "the" and tokens[at - 1].low in _PLACE_PREPS:
            at -= 1  # "in the Sichuan Province"
        before = tokens[at].low if at >= 0 else ""
        after = tokens[candidate.last].low if candidate.last < len(tokens) else ""
        # "the Indian state of Andhra Pradesh", "capital Beirut": said to be a place
        named_place = (before in _PLACE_INTRO and before != "of") or (
            before == "of" and at > 0 and tokens[at - 1].low in _PLACE_INTRO
        )
        if person_like(span) and not named_place and span[-1].low not in _PLACE_HEADS:
            return False  # "Berhane Adera" is someone, not somewhere (but "Stanley Park" is a place)
        # A place is introduced as one: "in Bath", "capital Beirut", "Jacksonville, Florida"; one
        # played against is a side ("playing against Barcelona, probably ...").
        if (before not in _PLACE_PREPS | _PLACE_INTRO and after != ",") or before in _OPPONENT_WORDS:
            return False
    if expected in {PLACE, ORGANISATION, EXPANSION}:
        if span[-1].low.endswith(("'s", "’s")):
            return False
        if len(span) == 1 and len(span[0].low) > 5 and span[0].low.endswith(("ese", "ian", "ish", "ean")):
            return False  # "Lebanese", "Italian": a nationality, not a place
        return not any(t.low in _MONTHS or t.low in DAYS for t in span)
    return True


_RANGE_RE = re.compile(
    r"(?:between\s+)?([$£€]?\d[\d,.]*\s*(?:million|billion|bn|m|%)?)\s*(?:to|and|-|–)\s*"
    r"([$£€]?\d[\d,.]*\s*(?:million|billion|bn|m|%)?)"
)


# Words before two figures that make them a change ("rose by £5m to £6m"), not a range.
CHANGE_WORDS = frozenset(
    "by from rose rise rises rising risen fell fall falls falling fallen grew grow grows growing jumped "
    "climbed dropped increased decreased slumped soared up down".split()
)


def _changed_at(text: str, match: re.Match[str]) -> bool:
    before = re.findall(r"[a-z]+", text[: match.start(1)].lower())[-1:]
    return bool(before) and before[0] in CHANGE_WORDS and not match.group(0).lower().startswith("between")


def a_change(candidate: Candidate) -> bool:
    """Whether a candidate is two figures of a change ("rose by £500m to £6.2bn"), not a range."""
    match = _RANGE_RE.fullmatch(candidate.text)
    if match is None:
        return False
    whole = _RANGE_RE.match(candidate.sentence.text, candidate.start)
    return whole is not None and _changed_at(candidate.sentence.text, whole)


def widen_to_range(candidate: Candidate) -> str:
    """A number that is one end of a range ("between 40,000 and 50,000", "100-120") answers as the
    range, written as the sentence writes it."""
    text = candidate.sentence.text
    for match in _RANGE_RE.finditer(text):
        if match.start(1) <= candidate.start < match.end(2) and candidate.end <= match.end(2) + 1:
            # the sentence's closing stop is no part of it: "between 1987 and 1990."
            ends = [match.group(i).strip().rstrip(".,") for i in (1, 2)]
            years = [_YEAR_RE.fullmatch(end) is not None for end in ends]
            if years[0] != years[1]:
                break  # "in 2003 to £2.89bn": a year and a sum are no range
            shares = [end.endswith("%") for end in ends]
            sums = [end[:1] in "$£€" for end in ends]
            if (shares[0] and sums[1]) or (sums[0] and shares[1]):
                break  # "rose 9% to £6.2bn": a rise and the sum it reached
            if _changed_at(text, match):
                break  # "rose by £500m to £6.2bn", "from £5m to £6m": a change, not a range
            return text[match.start(1) : match.end(2)].strip().rstrip(".,")
    return candidate.text


def predicate_share(
    question: QuestionView, stems: set[str] | frozenset[str], ignore: set[str] | frozenset[str] = frozenset()
) -> float | None:
    """Share of the question's plain content words (not names, not the asked-about noun) present.

    "how many people were airlifted out of Panjshir?" has the plain word "airlifted"; a sentence
    about Panjshir's population has none of it, so it cannot answer. None when there are none.
    """
    wanted = {s: w for s, w in question.predicate.items() if s not in ignore}
    if not wanted:
        return None
    total = sum(wanted.values())
    found = 0.0
    for word, weight in wanted.items():
        alternatives = (word, *PARAPHRASES.get(word, ()))
        if any(a in stems for a in alternatives) or any(
            len(word) >= 4 and len(other) >= 4 and (other.startswith(word) or word.startswith(other)) for other in stems
        ):
            found += weight
    return found / total


def _paraphrases(groups: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for group in groups.split(";"):
        words = [stem(w) for w in group.split()]
        for word in words:
            table.setdefault(word, set()).update(w for w in words if w != word)
    return {k: tuple(sorted(v)) for k, v in table.items()}


# The usual paraphrases of news questions' verbs and nouns (stemmed). Small on purpose: each group
# is a near-synonym set, so a sentence that says it in other words still answers.
PARAPHRASES = _paraphrases(
    "die died death dead pass passed killed; live lives home population inhabitants residents; "
    "born birth native; buy bought purchase purchased acquire acquired takeover stake; "
    "take took taken seize seized capture captured control; "
    "sell sold sale sales; sack sacked fire fired dismiss dismissed terminated termination suspended; "
    "build built develop developing developed make making; base based headquartered; "
    "win won victory beat defeated; win won took scooped collected claimed; lose lost defeat defeated; "
    "appoint appointed named hired; score scored scoring goal header netted equaliser; "
    "beat defeat defeated knock knocked eliminate eliminated oust ousted; "
    "open opens opened opening release released premiere premiered debut debuted; "
    "return returned returning comeback; "
    "resign resigned quit step stepped; start started begin began launch launched underway; "
    "release released launch launched sale; invest invested investment fund funded funding; "
    "deliver delivered give giving unveil unveiled; "
    "leave left exit quit; pay paid paying payment; cost costs price; found founded establish "
    "established; direct directed director; write wrote written writer author; sentence sentenced jailed "
    "prison; replace replaced succeed succeeded; join joined signed sign; increase rise rose grew grow; "
    "fall fell drop dropped decline declined; visit visited travel travelled flew fly trip; "
    "vote voted voting election elections ballot; lose loss losses; found start started; "
    "talks summit; troops soldiers forces; staff workers employees jobs workforce; "
    "lay laid layoffs cut cuts axe axed shed; lab laboratory; "
    "devise devised invent invented design designed developed brainchild; "
    "married marry husband wife; back backs backed support supports supported; operation surgery; "
    "contest stand; held hold staged stage hosted host; face faces faced meet play against versus; "
    "plan planned scheduled earmarked; cast star starring co-starring; earn earned earning earnings made; "
    "gig gigs concert concerts perform performing play playing; nomination nominations nominee nominees nominated; "
    "expect expects aim aims aiming hope hopes hoping want wants wanted; stay stays stayed remain remains remained; "
    "show shown showing broadcast broadcasts; "
    # Short forms: "tech" is technology.
    "tech technology technologies; ad ads advert adverts advertisement advertising; phone telephone; "
    # Irregular verbs the stemmer leaves apart: "made" is "make", "led" is "lead".
    "make made; lead led; meet met; hold held; tell told; bring brought; run ran; give gave given; "
    "come came; go went gone; get got; spend spent; keep kept; send sent; choose chose chosen; "
    "stand stood; strike struck; become became; catch caught; fight fought; seek sought; sing sang sung; "
    "speak spoke spoken; steal stole stolen; break broke broken; know knew known; see saw seen; "
    "hear heard; lend lent; fly flew flown; draw drew drawn; shoot shot; bear bore; "
    "withdraw withdrew withdrawn; oversee oversaw overseen; think thought; feel felt"
)


# --- scoring ------------------------------------------------------------------------------------

# Hand-set weights used when no trained file ships: they encode the obvious preferences.
_DEFAULT_WEIGHTS: dict[str, float] = {
    "sent_cov": 3.0,
    "sent_bigram": 1.0,
    "sent_top": 0.8,
    "type_ok": 2.5,
    "cand_in_q": -3.0,
    "cand_any_q": -0.5,
    "dist_log": -0.8,
    "dist_none": -1.5,
    "win3": 1.5,
    "win8": 1.5,
    "partial": -2.0,
    "prev_q": 0.3,
    "focus_in": -0.5,
    "focus_after": 1.0,
    "cand_stopwords": -1.0,
    "len=1": 0.2,
    "len=2": 0.3,
    "len=5": -0.3,
    "len=6": -0.8,
    "person_like": 1.0,
}


@dataclass(frozen=True)
class ReaderModel:
    """A linear scorer over candidate features."""

    weights: dict[str, float]
    trained: bool = False
    trained_on: str | None = None  # the name of the file the weights were trained on

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return sum(w.get(name, 0.0) * value for name, value in features.items())


def load_model() -> ReaderModel:
    """The shipped weights for candidates without the tagger's features (the news engine's), or
    the hand-set ones if the package has no weights file."""
    return _cached_models()[0]


def load_reader_model() -> ReaderModel:
    """The shipped weights :func:`read` scores with: trained with :func:`syntax_features`
    (``syntax_weights`` in the same file), or :func:`load_model`'s if the file has none."""
    return _cached_models()[1]


def is_syntax_feature(name: str) -> bool:
    """Whether a feature comes from :func:`syntax_features`."""
    return name.startswith("syn:") or "|syn:" in name


@lru_cache(maxsize=1)
def _cached_models() -> tuple[ReaderModel, ReaderModel]:
    try:
        raw = resources.files("briefings").joinpath("data/reader_weights.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError, ModuleNotFoundError):
        default = ReaderModel(dict(_DEFAULT_WEIGHTS))
        return default, default
    data = json.loads(raw)
    trained_on = data.get("trained_on")
    plain = ReaderModel({str(k): float(v) for k, v in data["weights"].items()}, trained=True, trained_on=trained_on)
    # Two sets, because a sum learnt with the phrase features leans on them: without them (as in
    # the news engine's candidates) its other weights would score worse than weights learnt alone.
    if not data.get("syntax_weights"):
        return plain, plain
    weights = {str(k): float(v) for k, v in data["syntax_weights"].items()}
    return plain, ReaderModel(weights, trained=True, trained_on=trained_on)


def score_candidates(found: list[Candidate], model: ReaderModel) -> list[Candidate]:
    """Candidates best first, each with its linear score."""
    for candidate in found:
        candidate.score = model.score(candidate.features)
    return sorted(found, key=lambda c: c.score, reverse=True)


def softmax_top(found: Sequence[Candidate]) -> float:
    """The share of probability mass on the best candidate's text (its spans added up)."""
    if not found:
        return 0.0
    top = max(c.score for c in found)
    mass: dict[str, float] = {}
    for c in found:
        key = normalise_answer(c.text)
        mass[key] = mass.get(key, 0.0) + math.exp(c.score - top)
    total = sum(mass.values())
    return max(mass.values()) / total


# --- second stage: boosted trees over the linear model's best candidates ----------------------
#
# The linear scorer puts the right answer first for about two questions in five, but among its
# first ten for three in four. A small ensemble of regression trees, trained by
# ``bench/train_reader.py`` on out-of-fold linear scores, reorders those few: it sees the linear
# score and rank, the gap to the best, how many of the best share a candidate's text, its first or
# last word or overlap its span, and the frequent features of the linear model, and can combine them
# in ways a sum cannot. The answer is then the one with the highest expected word F1 under the
# trees' scores (:func:`expected_f1_order`).
# The trees ship as ``briefings/data/reader_trees.json`` and are walked here in plain Python;
# without that file the linear order stands.

# Cross-candidate values computed for each of the best candidates, ahead of the feature columns.
RERANK_COLUMNS = (
    "score",
    "rank",
    "gap",
    "prob",
    "text_mass",
    "same_text",
    "overlaps",
    "inside",
    "contains",
    "in_top1",
    "holds_top1",
    "overlaps_top1",
    "same_sentence_top1",
    "tokens",
    "sentence_rank",
    "rank_in_sentence",
    "candidates_log",
    "top_prob",
    "top_gap",
    "expected_f1",  # span overlap with the likely answers; expected_f1_order compares their words
    "mass_around",
    "mass_within",
    "head_share",
    "head_mass",
    "first_mass",
    "longest_of_head",
    "tokens_rel",
    "sentence_gap",
)
# Linear features also given relative to the best value among the rescored candidates.
RERANK_RELATIVE = (
    "sent_cov",
    "win3",
    "win8",
    "prox",
    "left4",
    "right4",
    "type_ok",
    "cand_in_q",
    "bigram_win8",
    "head_elsewhere",
    "dist_log",
    "whnext_log",
)
_FIXED_COLUMNS = len(RERANK_COLUMNS) + len(RERANK_RELATIVE)


@dataclass(frozen=True)
class Tree:
    """One regression tree in flat arrays. Inner node ``i`` sends a row left when
    ``row[feature[i]] <= threshold[i]`` and right otherwise; a child below zero is the leaf
    ``~child`` (so -1 is leaf 0)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    leaf: tuple[float, ...]

    def value(self, row: Sequence[float]) -> float:
        if not self.feature:
            return self.leaf[0]
        feature, threshold, left, right = self.feature, self.threshold, self.left, self.right
        node = 0
        while node >= 0:
            node = left[node] if row[feature[node]] <= threshold[node] else right[node]
        return self.leaf[~node]


@dataclass(frozen=True)
class Reranker:
    """Trees that rescore the ``k`` best candidates of the linear model."""

    trees: tuple[Tree, ...]
    names: dict[str, int]  # linear feature name -> column (after RERANK_COLUMNS)
    k: int = 15

    def score(self, row: Sequence[float]) -> float:
        return self._compiled(row)

    @cached_property
    def _compiled(self) -> Callable[[Sequence[float]], float]:
        return _compile_trees(self.trees)  # once per reranker, on its first score


def _tree_source(tree: Tree, node: int = 0) -> str:
    """A tree as one nested conditional expression over ``r`` (made only of ints and floats)."""
    if node < 0:
        return repr(tree.leaf[~node])
    if not tree.feature:
        return repr(tree.leaf[0])
    return (
        f"({_tree_source(tree, tree.left[node])} if r[{tree.feature[node]}] <= {tree.threshold[node]!r} "
        f"else {_tree_source(tree, tree.right[node])})"
    )


def _compile_trees(trees: Sequence[Tree]) -> Callable[[Sequence[float]], float]:
    """The sum of the trees as a Python function: ten times faster than walking the arrays. The
    source is built from the trees' numbers alone (indices and floats checked on loading)."""
    lines = ["def total(r):", "    s = 0.0"]
    lines.extend(f"    s += {_tree_source(tree)}" for tree in trees)
    lines.append("    return s")
    namespace: dict[str, object] = {}
    exec(compile("\n".join(lines), "<reader_trees>", "exec"), {"__builtins__": {}}, namespace)
    return namespace["total"]  # type: ignore[return-value]


def reranker_from_json(data: dict) -> Reranker:
    """A :class:`Reranker` from its JSON form (see ``bench/train_reader.py``)."""
    columns = list(data["columns"])
    if columns[:_FIXED_COLUMNS] != rerank_fixed_columns():
        raise ValueError("the trees were trained on other cross-candidate columns")
    names = {str(name): i for i, name in enumerate(columns) if i >= _FIXED_COLUMNS}
    trees = []
    for raw in data["trees"]:
        tree = Tree(
            feature=tuple(int(x) for x in raw.get("feature", ())),
            threshold=tuple(float(x) for x in raw.get("threshold", ())),
            left=tuple(int(x) for x in raw.get("left", ())),
            right=tuple(int(x) for x in raw.get("right", ())),
            leaf=tuple(float(x) for x in raw["leaf"]),
        )
        inner = len(tree.feature)
        if not (len(tree.threshold) == len(tree.left) == len(tree.right) == inner) or len(tree.leaf) != inner + 1:
            raise ValueError("a tree's arrays do not fit together")
        if any(not 0 <= f < len(columns) for f in tree.feature):
            raise ValueError("a tree tests a column that does not exist")
        if not all(math.isfinite(x) for x in (*tree.threshold, *tree.leaf)):
            raise ValueError("a tree holds a number that is not finite")  # it is compiled as source
        if any(
            not -inner - 1 <= child < inner or 0 <= child <= node
            for node in range(inner)
            for child in (tree.left[node], tree.right[node])
        ):
            raise ValueError("a tree points to a node that does not exist or back up the tree")
        trees.append(tree)
    return Reranker(tuple(trees), names, int(data.get("k", 15)))


def rerank_fixed_columns() -> list[str]:
    """The names of the columns every row starts with, before the linear features."""
    return [*RERANK_COLUMNS, *(f"rel:{name}" for name in RERANK_RELATIVE)]


def load_reranker() -> Reranker | None:
    """The shipped trees, or None (keep the linear order) if the package has none."""
    return _cached_reranker()


def reranker_at(path: Traversable | Path) -> Reranker | None:
    """Trees from a JSON file, or None when the file is absent or is not a tree file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        return reranker_from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


@lru_cache(maxsize=1)
def _cached_reranker() -> Reranker | None:
    try:
        path = resources.files("briefings").joinpath("data/reader_trees.json")
    except ModuleNotFoundError:
        return None
    return reranker_at(path)


def rerank_rows(ranked: Sequence[Candidate], names: dict[str, int], k: int) -> list[list[float]]:
    """The trees' input for the ``k`` best of ``ranked`` (scored, best first): one row each."""
    top = ranked[:k]
    if not top:
        return []
    best = top[0]
    exps = [math.exp(c.score - best.score) for c in ranked]
    total = sum(exps)
    top_total = sum(exps[: len(top)])
    keys = [normalise_answer(c.text) for c in top]
    mass: dict[str, float] = {}
    count: dict[str, int] = {}
    for key, e in zip(keys, exps, strict=False):
        mass[key] = mass.get(key, 0.0) + e
        count[key] = count.get(key, 0) + 1
    top_gap = best.score - top[1].score if len(top) > 1 else 10.0
    best_of = {}
    for name in RERANK_RELATIVE:
        best_of[name] = max(c.features.get(name, 0.0) for c in top)
    # Candidates that end (or begin) with the same word: "the Denver Broncos" and "Broncos"
    # back each other, whatever the span's other words.
    ends = [_edge_words(c.text) for c in ranked]
    head_mass: dict[str, float] = {}
    first_mass: dict[str, float] = {}
    head_count: dict[str, int] = {}
    longest: dict[tuple[int, str], int] = {}
    best_in_sentence: dict[int, float] = {}
    for j, ((lead, head), e) in enumerate(zip(ends, exps, strict=True)):
        head_mass[head] = head_mass.get(head, 0.0) + e
        first_mass[lead] = first_mass.get(lead, 0.0) + e
        if j < len(top):
            c = top[j]
            head_count[head] = head_count.get(head, 0) + 1
            key = (c.sentence.rank, head)
            longest[key] = max(longest.get(key, 0), c.last - c.first)
            best_in_sentence.setdefault(c.sentence.rank, c.score)
    width = _FIXED_COLUMNS + len(names)
    fixed = len(RERANK_COLUMNS)
    in_sentence: dict[int, int] = {}
    rows = []
    for rank, c in enumerate(top):
        sentence = c.sentence.rank
        overlaps = inside = contains = 0
        expected_f1 = around = within = 0.0
        for j, other in enumerate(top):
            if other is c:
                expected_f1 += exps[j]
                continue
            if other.sentence.rank != sentence:
                if keys[j] == keys[rank]:
                    expected_f1 += exps[j]
                continue
            shared = min(c.last, other.last) - max(c.first, other.first)
            if shared > 0:
                overlaps += 1
                expected_f1 += exps[j] * 2 * shared / (c.last - c.first + other.last - other.first)
                if other.first <= c.first and c.last <= other.last:
                    inside += 1
                    around += exps[j]
                elif c.first <= other.first and other.last <= c.last:
                    contains += 1
                    within += exps[j]
        same_sentence = sentence == best.sentence.rank
        overlap_best = same_sentence and best.first < c.last and c.first < best.last
        row = [0.0] * width
        row[:fixed] = (
            c.score,
            float(rank),
            best.score - c.score,
            exps[rank] / total,
            mass[keys[rank]] / total,
            float(count[keys[rank]] - 1),
            float(overlaps),
            float(inside),
            float(contains),
            1.0 if overlap_best and best.first <= c.first and c.last <= best.last else 0.0,
            1.0 if overlap_best and c.first <= best.first and best.last <= c.last else 0.0,
            1.0 if overlap_best else 0.0,
            1.0 if same_sentence else 0.0,
            float(c.last - c.first),
            float(sentence),
            float(in_sentence.get(sentence, 0)),
            math.log(len(ranked)),
            1.0 / total,
            top_gap,
            expected_f1 / top_total,
            around / top_total,
            within / top_total,
            (head_count[ends[rank][1]] - 1) / len(top),
            head_mass[ends[rank][1]] / total,
            first_mass[ends[rank][0]] / total,
            1.0 if longest[(sentence, ends[rank][1])] == c.last - c.first else 0.0,
            float((c.last - c.first) - (best.last - best.first)),
            best_in_sentence[sentence] - c.score,
        )
        in_sentence[sentence] = in_sentence.get(sentence, 0) + 1
        features = c.features
        for i, name in enumerate(RERANK_RELATIVE, fixed):
            row[i] = features.get(name, 0.0) - best_of[name]
        for name, value in features.items():
            column = names.get(name)
            if column is not None:
                row[column] = value
        rows.append(row)
    return rows


@lru_cache(maxsize=50_000)
def _edge_words(text: str) -> tuple[str, str]:
    """A candidate's first and last words, normalised as answers are."""
    words = normalise_answer(text).split()
    return (words[0], words[-1]) if words else ("", "")


# The trees' scores as a distribution over their candidates: exp(score / MBR_TEMPERATURE).
MBR_TEMPERATURE = 0.25


def words_f1(a: Sequence[str], b: Sequence[str]) -> float:
    """SQuAD's word F1 between two normalised answers' words."""
    if not a or not b:
        return 0.0
    remaining: dict[str, int] = {}
    for word in b:
        remaining[word] = remaining.get(word, 0) + 1
    overlap = 0
    for word in a:
        if remaining.get(word, 0) > 0:
            overlap += 1
            remaining[word] -= 1
    return 2 * overlap / (len(a) + len(b)) if overlap else 0.0


def answer_f1(prediction: str, gold: str) -> float:
    """SQuAD v1.1's F1 of a predicted answer against a gold one, after the official normalisation."""
    return words_f1(normalise_answer(prediction).split(), normalise_answer(gold).split())


def expected_f1_order(texts: Sequence[str], scores: Sequence[float]) -> list[int]:
    """Indices of the candidates by their expected word F1 against the others, each weighted by
    the softmax of the trees' scores (a minimum-Bayes-risk choice): when the trees hesitate
    between overlapping spans, the one sharing most words with the likely answers goes first.
    At this temperature a clear winner stays first (nested 5-fold CV, same trees: EM 45.28 ->
    45.07, F1 54.80 -> 55.09; the temperature was picked among 0.25, 0.5, 1 and 2 on those
    figures, so they are somewhat optimistic)."""
    top = max(scores)
    weights = [math.exp((s - top) / MBR_TEMPERATURE) for s in scores]
    words = [normalise_answer(t).split() for t in texts]
    value = [
        sum(w * (1.0 if j == i else words_f1(words[i], words[j])) for j, w in enumerate(weights) if w > 1e-6)
        for i in range(len(texts))
    ]
    return sorted(range(len(texts)), key=lambda i: (-value[i], -scores[i]))


def rerank(ranked: list[Candidate], reranker: Reranker | None) -> list[Candidate]:
    """The linear model's ``k`` best reordered by the trees (each with ``rerank_score``) and
    :func:`expected_f1_order`, then the rest."""
    if reranker is None or len(ranked) < 2:
        return ranked
    top = ranked[: reranker.k]
    for candidate, row in zip(top, rerank_rows(ranked, reranker.names, reranker.k), strict=True):
        candidate.rerank_score = reranker.score(row)
    order = expected_f1_order([c.text for c in top], [c.rerank_score or 0.0 for c in top])
    return [top[i] for i in order] + ranked[reranker.k :]


def read(
    analysis: QuestionAnalysis,
    sentences: Sequence[str],
    *,
    top_sentences: int = TOP_SENTENCES,
    model: ReaderModel | None = None,
) -> list[Candidate]:
    """Ranked candidates for a question over a few sentences (a paragraph), best first: the
    linear model's order, with its best few reordered by the shipped trees when there are some."""
    question = with_sentence_idf(question_view(analysis), sentences)
    views = rank_sentences([sentence_view(s, question, key=i) for i, s in enumerate(sentences)])
    ranked = score_candidates(paragraph_candidates(question, views, top_sentences), model or load_reader_model())
    # The trees learnt from the shipped weights' scores: other weights keep their own order.
    return rerank(ranked, load_reranker() if model is None else None)


def paragraph_candidates(
    question: QuestionView,
    views: Sequence[SentenceView],
    top_sentences: int = TOP_SENTENCES,
    *,
    syntax: bool = True,
) -> list[Candidate]:
    """The candidates of the best ``top_sentences`` of ranked sentences (unscored), with the
    paragraph's features and (unless ``syntax`` is false) the tagger's :func:`syntax_features`."""
    found: list[Candidate] = []
    stems = [{t.stem for t in view.tokens} for view in views]
    for index, view in enumerate(views[:top_sentences]):
        parsed = syntax_of(view) if syntax else None
        for candidate in candidates(view, question):
            if parsed is not None:
                candidate.features.update(syntax_features(candidate, question, parsed))
            # An answer is seldom the paragraph's running subject, named in sentence after sentence.
            head = view.tokens[candidate.last - 1].stem
            elsewhere = sum(1 for i, other in enumerate(stems) if i != index and head in other)
            candidate.features["head_elsewhere"] = elsewhere / max(1, len(views) - 1)
            candidate.features["head_elsewhere_any"] = 1.0 if elsewhere else 0.0
            candidate.features["cov_gap"] = views[0].coverage - view.coverage
            found.append(candidate)
    return found


# --- shallow syntax (SQuAD reading only) -------------------------------------------------------
#
# Part-of-speech tags and phrase chunks from the Brill tagger and rule chunker that TextBlob
# bundles (pattern's English lexicon, shipped inside the package: nothing is downloaded). They
# give :func:`read`'s candidates the signals of constituent structure that the word classes of
# ``_tag`` only guess at: is the span exactly a noun phrase, does it cut one, is it the object of
# the question's verb. Only :func:`paragraph_candidates` adds them, so the news engine's
# :func:`candidates` and scores do not depend on them (nor on the tagger's import time).


@dataclass(frozen=True)
class Syntax:
    """Tags and chunks of one sentence, one entry per reader token (a token the tagger sees as two
    pieces, "Levi's" as "Levi" + "'s", has a tag and a chunk for each end)."""

    head: tuple[str, ...]  # Penn tag of the token's first piece
    tail: tuple[str, ...]  # and of its last piece ("POS" for "Levi's")
    chunk_in: tuple[int, ...]  # the chunk number of the first piece, -1 outside every chunk
    chunk_out: tuple[int, ...]  # the chunk number of the last piece
    kinds: tuple[str, ...]  # chunk number -> NP, VP, PP, ADJP, ADVP, ...
    spans: tuple[tuple[int, int], ...]  # chunk number -> its reader tokens [first, last)
    pnp: tuple[bool, ...]  # the token is in a prepositional noun phrase ("in [the Bay Area]")
    unit: tuple[int, ...]  # the token's phrase counted from the left (chunks, and tokens outside them)


_PIECE_RE = re.compile(r"(.*[A-Za-z])(n't|N'T|['’][sS])")


def _pieces(text: str) -> list[str]:
    """The tagger's tokens for one reader token: a possessive or "n't" split off, as in the Penn
    treebank the lexicon comes from."""
    text = "".join(text.split()) or "_"
    match = _PIECE_RE.fullmatch(text)
    if match:
        return [match.group(1), match.group(2).replace("’", "'")]
    return [text]


@lru_cache(maxsize=1)
def _tagger() -> Callable[[list[str]], list[list[str]]] | None:
    """[word, tag, chunk, pnp] for each of a sentence's pieces, or None without TextBlob."""
    try:
        from textblob.en import parser  # imported on first use: it takes a second (nltk)
    except ImportError:  # pragma: no cover - textblob is a dependency
        return None

    def tag_and_chunk(pieces: list[str]) -> list[list[str]]:
        tagged = parser.find_tags(pieces)
        for row in tagged:
            if _DIGIT_RE.match(row[0]) or (row[0][:1] in "$£€" and _DIGIT_RE.search(row[0])):
                row[1] = "CD"  # "on 4 July": the contextual rules can make a number a preposition
        return parser.find_chunks(tagged)

    return tag_and_chunk


def syntax_of(view: SentenceView) -> Syntax | None:
    """The sentence's tags and chunks (cached by its text), or None without the tagger."""
    return _syntax(tuple(t.text for t in view.tokens))


@lru_cache(maxsize=20_000)
def _syntax(texts: tuple[str, ...]) -> Syntax | None:
    parse = _tagger()
    if parse is None or not texts:
        return None
    pieces: list[str] = []
    owner: list[int] = []
    for index, text in enumerate(texts):
        for piece in _pieces(text):
            pieces.append(piece)
            owner.append(index)
    rows = parse(pieces)
    if len(rows) != len(pieces) or any(len(row) < 4 for row in rows):
        return None
    iobs = [row[2] for row in rows]
    after_pp: set[int] = set()
    for i, row in enumerate(rows):
        if row[1] == "CD" and iobs[i] == "O":
            # "in [1950]", "[Super Bowl 50]": the chunker leaves a bare number outside every phrase.
            if i > 0 and iobs[i - 1].endswith("NP") and rows[i - 1][1] in {"CD", "NNP", "NNPS"}:
                iobs[i] = "I-NP"
            else:
                iobs[i] = "B-NP"
                if i > 0 and iobs[i - 1].endswith("PP"):
                    after_pp.add(i)
    for i in range(1, len(rows)):
        if rows[i][1] == "POS" and iobs[i - 1].endswith("NP"):
            # "[Levi 's Stadium]": the chunker cuts at a possessive; one noun phrase here.
            iobs[i] = "I-NP"
            if i + 1 < len(rows) and iobs[i + 1] == "B-NP":
                iobs[i + 1] = "I-NP"
    kinds: list[str] = []
    numbers: list[int] = []
    previous = "O"
    for iob in iobs:
        if iob == "O":
            numbers.append(-1)
        else:
            kind = iob[2:]
            if iob.startswith("B-") or previous == "O" or previous[2:] != kind:
                kinds.append(kind)
            numbers.append(len(kinds) - 1)
        previous = iob
    in_pnp = {number for row, number in zip(rows, numbers, strict=True) if number >= 0 and row[3] != "O"}
    in_pnp.update(numbers[i] for i in after_pp)
    n = len(texts)
    head = [""] * n
    tail = [""] * n
    chunk_in = [-1] * n
    chunk_out = [-1] * n
    pnp = [False] * n
    seen = [False] * n
    for piece, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        index = owner[piece]
        if not seen[index]:
            seen[index] = True
            head[index] = row[1]
            chunk_in[index] = number
        tail[index] = row[1]
        chunk_out[index] = number
        pnp[index] = pnp[index] or row[3] != "O" or number in in_pnp
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for index in range(n):
        for number in (chunk_in[index], chunk_out[index]):
            if number >= 0:
                first.setdefault(number, index)
                last[number] = index + 1
    spans = tuple((first.get(i, 0), last.get(i, 0)) for i in range(len(kinds)))
    unit = [0] * n
    for index in range(1, n):
        joined = chunk_in[index] >= 0 and chunk_in[index] == chunk_out[index - 1]
        unit[index] = unit[index - 1] + (0 if joined else 1)
    return Syntax(
        tuple(head), tuple(tail), tuple(chunk_in), tuple(chunk_out), tuple(kinds), spans, tuple(pnp), tuple(unit)
    )


def _coarse(tag: str) -> str:
    """Penn tags in a dozen classes (plural and proper nouns kept apart)."""
    if tag in {"NNP", "NNPS"}:
        return "NNP"
    if tag in {"NN", "NNS"}:
        return tag
    if tag.startswith("VB") or tag == "MD":
        return "VBN" if tag in {"VBN", "VBD"} else "VBG" if tag == "VBG" else "VB"
    if tag.startswith("JJ"):
        return "JJ"
    if tag.startswith("RB"):
        return "RB"
    if tag.startswith("PRP") or tag.startswith("W"):
        return "PRP"
    if tag in {"DT", "PDT"}:
        return "DT"
    if tag in {"IN", "TO", "CD", "CC", "POS"}:
        return tag
    return "PUNCT" if not tag[:1].isalpha() else "X"


_NP_OPENERS = frozenset({"DT", "PDT", "PRP$", "POS", "WP$"})
_NEAR_KINDS = frozenset({"PP", "NP", "ADVP", "PRT"})


def syntax_features(c: Candidate, q: QuestionView, syntax: Syntax) -> dict[str, float]:
    """Constituent features of a candidate: its tags, whether it is a whole noun phrase or cuts
    one, the chunks around it, whether it is the subject or object of the question's verb, and
    (:func:`_path_features`) those crossed with the asked-for phrase and the phrases between it
    and the question's words."""
    f: dict[str, float] = {}
    first, last = c.first, c.last
    n = len(syntax.head)
    wh = q.analysis.wh
    head, tail = syntax.head, syntax.tail
    tags = [_coarse(head[i]) for i in range(first, last)]
    lead = _coarse(head[first])
    end = _coarse(tail[last - 1])
    f[f"syn:first={lead}"] = 1.0
    f[f"syn:last={end}"] = 1.0
    f[f"w:{wh}|syn:last={end}"] = 1.0
    f[f"syn:prev={_coarse(tail[first - 1]) if first > 0 else 'START'}"] = 1.0
    f[f"syn:next={_coarse(head[last]) if last < n else 'END'}"] = 1.0
    if all(t == "NNP" or t == "PUNCT" for t in tags) and tags[0] == "NNP":
        f["syn:all_nnp"] = 1.0
    if "CD" in tags:
        f["syn:has_cd"] = 1.0
    verbs = sum(1 for t in tags if t.startswith("VB"))
    if verbs:
        f["syn:has_verb"] = 1.0
        f[f"w:{wh}|syn:has_verb"] = 1.0
    # Chunk structure: which chunks the span touches and whether it meets their edges.
    numbers = {syntax.chunk_in[i] for i in range(first, last)} | {syntax.chunk_out[i] for i in range(first, last)}
    inside = syntax.chunk_in[first]
    outside = syntax.chunk_out[last - 1]
    starts = inside >= 0 and (first == 0 or syntax.chunk_out[first - 1] != inside)
    if inside >= 0 and not starts:
        # "the [Carolina Panthers]": a chunk's determiners may stay out of the answer.
        lo = syntax.spans[inside][0]
        starts = all(head[i] in _NP_OPENERS for i in range(lo, first))
    ends = outside >= 0 and (last == n or syntax.chunk_in[last] != outside)
    f["syn:starts_chunk"] = 1.0 if starts else 0.0
    f["syn:ends_chunk"] = 1.0 if ends else 0.0
    whole = starts and ends and len(numbers) == 1
    kind = syntax.kinds[inside] if whole else None
    if whole:
        f[f"syn:whole={kind}"] = 1.0
        f[f"w:{wh}|syn:whole={kind}"] = 1.0
    else:
        chunks = len(numbers - {-1}) + (1 if -1 in numbers else 0)
        f[f"syn:chunks={min(chunks, 4)}"] = 1.0
        if not starts:
            f["syn:cuts_left"] = 1.0
        if not ends:
            f["syn:cuts_right"] = 1.0
    if not whole and starts and ends and -1 not in numbers and all(syntax.kinds[k] in {"NP", "PP"} for k in numbers):
        # A noun phrase with its prepositional tail: "the University [of Notre Dame]".
        f["syn:np_pp"] = 1.0
    if all(syntax.pnp[i] for i in range(first, last)):
        f["syn:in_pnp"] = 1.0
        f[f"w:{wh}|syn:in_pnp"] = 1.0
        before = syntax.chunk_out[first - 1] if first > 0 else -1
        if before >= 0 and syntax.kinds[before] == "PP":
            prep = c.sentence.tokens[syntax.spans[before][0]].low
            f[f"syn:pnp_after={prep}"] = 1.0
    left = syntax.chunk_out[first - 1] if first > 0 else -1
    right = syntax.chunk_in[last] if last < n else -1
    left_kind = syntax.kinds[left] if left >= 0 else "O"
    right_kind = syntax.kinds[right] if right >= 0 else "O"
    f[f"syn:lchunk={left_kind}"] = 1.0
    f[f"syn:rchunk={right_kind}"] = 1.0
    # Distance to the question's words in phrases rather than tokens: "[the 1995 season] of [the
    # league]" puts "1995" one phrase from "league", however long the phrases.
    unit = syntax.unit
    outside_q = [i for i in c.sentence.matched if i < first or i >= last]
    if outside_q:
        gap = min(unit[first] - unit[i] if i < first else unit[i] - unit[last - 1] for i in outside_q)
        f["syn:phrase_dist_log"] = math.log1p(gap)
        f[f"w:{wh}|syn:phrase_dist={min(gap, 3)}"] = 1.0
        if gap == 0:
            f["syn:q_in_phrase"] = 1.0  # a question word shares the candidate's chunk
    # The question's verb in the sentence: its object follows, its subject precedes it.
    tokens = c.sentence.tokens
    for number, kind_of in enumerate(syntax.kinds):
        if kind_of != "VP":
            continue
        lo, hi = syntax.spans[number]
        if not any(tokens[i].stem in q.weights and head[i].startswith("VB") for i in range(lo, hi)):
            continue
        if first == hi or (inside >= 0 and syntax.spans[inside][0] == hi and starts):
            f["syn:after_qverb"] = 1.0  # "founded [the company]"
            f[f"w:{wh}|syn:after_qverb"] = 1.0
        elif hi < first <= hi + 4 and all(
            syntax.chunk_in[i] >= 0 and syntax.kinds[syntax.chunk_in[i]] in _NEAR_KINDS for i in range(hi, first)
        ):
            f["syn:near_after_qverb"] = 1.0  # "was founded by [Paley]"
            f[f"w:{wh}|syn:near_after_qverb"] = 1.0
        if last == lo or (last < lo and all(head[i] in {"RB", "MD", ","} for i in range(last, lo))):
            f["syn:before_qverb"] = 1.0
            f[f"w:{wh}|syn:before_qverb"] = 1.0
    _path_features(f, c, q, syntax, wh)
    _boundary_features(f, c, q, syntax, wh)
    _relation_features(f, c, q, syntax, wh)
    return f


def _next_kind(token: Token, tag: str) -> str:
    """What follows or precedes a span, in a few classes: a comma, "and", "of", a verb, ..."""
    if token.text in {",", "(", ")", ";", ":"}:
        return token.text
    if token.is_punct:
        return "PUNCT"
    if token.low in {"and", "or", "of", "in", "to", "by", "for", "with", "as", "that", "which", "who"}:
        return token.low
    return _coarse(tag)


def _boundary_features(f: dict[str, float], c: Candidate, q: QuestionView, syntax: Syntax, wh: str) -> None:
    """The words just outside the span, crossed with the asked-for phrase: "[Paley] , who"
    closes a name, "[the company] founded" a subject; a span that stops right before (or starts
    right after) one of the question's words is a phrase the question names around its answer."""
    first, last = c.first, c.last
    tokens = c.sentence.tokens
    n = len(tokens)
    asked = f"{wh}_{q.focus}" if q.focus else wh
    after = _next_kind(tokens[last], syntax.head[last]) if last < n else "END"
    before = _next_kind(tokens[first - 1], syntax.tail[first - 1]) if first > 0 else "START"
    f[f"syn:Bask={asked}|next={after}"] = 1.0
    f[f"syn:Bask={asked}|prev={before}"] = 1.0
    f[f"w:{wh}|syn:Bedges={before}_{after}"] = 1.0
    if last < n and tokens[last].stem in q.weights:
        f[f"w:{wh}|syn:Bnext_q"] = 1.0
    elif last + 1 < n and tokens[last + 1].stem in q.weights and not tokens[last].is_punct:
        f[f"w:{wh}|syn:Bnext2_q"] = 1.0
    if first > 0 and tokens[first - 1].stem in q.weights:
        f[f"w:{wh}|syn:Bprev_q"] = 1.0
    elif first > 1 and tokens[first - 2].stem in q.weights and not tokens[first - 1].is_punct:
        f[f"w:{wh}|syn:Bprev2_q"] = 1.0


def _gap_bucket(gap: int) -> str:
    return "1" if gap <= 1 else "2" if gap <= 2 else "4" if gap <= 4 else "8" if gap <= 8 else "far"


def _relation_features(f: dict[str, float], c: Candidate, q: QuestionView, syntax: Syntax, wh: str) -> None:
    """How the span sits among the question's words in the sentence: how far the nearest and the
    farthest are and on which side, whether the phrases right next to the span hold them, and
    the question's head noun ("what year", "which team") against the span's head and the words
    just before it."""
    first, last = c.first, c.last
    tokens = c.sentence.tokens
    outside = [i for i in c.sentence.matched if i < first or i >= last]
    if outside:
        gaps = [(first - i if i < first else i - last + 1, "L" if i < first else "R") for i in outside]
        near, far = min(gaps), max(gaps)
        f[f"w:{wh}|syn:Rnear={near[1]}{_gap_bucket(near[0])}"] = 1.0
        f[f"w:{wh}|syn:Rfar={far[1]}{_gap_bucket(far[0])}"] = 1.0
        sides = {side for _, side in gaps}
        f[f"w:{wh}|syn:Rsides={''.join(sorted(sides))}"] = 1.0
        stems_left = {tokens[i].stem for i in outside if i < first}
        stems_right = {tokens[i].stem for i in outside if i >= last}
        matched = stems_left | stems_right
        f["syn:Rmatched_share"] = sum(q.weights.get(s, 0.0) for s in matched) / q.total
        f[f"w:{wh}|syn:Rspan_share"] = sum(q.weights.get(s, 0.0) for s in matched) / q.total - c.sentence.coverage
    left = syntax.chunk_out[first - 1] if first > 0 else -1
    right = syntax.chunk_in[last] if last < len(tokens) else -1
    for side, number in (("l", left), ("r", right)):
        if number < 0:
            continue
        lo, hi = syntax.spans[number]
        if syntax.kinds[number] == "PP" and hi <= first and lo > 0:
            lo = max(0, lo - 3)  # "the founder [of] X": the words the preposition hangs on
        if any(tokens[i].stem in q.weights for i in range(lo, hi) if i < first or i >= last):
            f[f"w:{wh}|syn:R{side}chunk_q={syntax.kinds[number]}"] = 1.0
    if q.focus:
        head = tokens[last - 1].stem
        if head == q.focus:
            f[f"w:{wh}|syn:Rfocus_head"] = 1.0
        elif any(t.stem == q.focus for t in tokens[first : last - 1]):
            f[f"w:{wh}|syn:Rfocus_inside"] = 1.0
        if any(t.stem == q.focus for t in tokens[max(0, first - 2) : first]):
            f[f"w:{wh}|syn:Rfocus_prev2"] = 1.0
        if last < len(tokens) and tokens[last].stem == q.focus:
            f[f"w:{wh}|syn:Rfocus_next"] = 1.0


def _unit_label(syntax: Syntax, index: int) -> str:
    """A phrase's kind, or for a token outside every phrase its coarse tag (",", "CC", ...)."""
    number = syntax.chunk_in[index]
    return syntax.kinds[number] if number >= 0 else _coarse(syntax.head[index])


def _path_features(f: dict[str, float], c: Candidate, q: QuestionView, syntax: Syntax, wh: str) -> None:
    """Lexicalised features in the style of the SQuAD paper's logistic regression: the question's
    asked-for phrase ("what year", "how many") with the span's tags, and the chain of phrases
    between the span and the nearest question word (a stand-in for a dependency path)."""
    first, last = c.first, c.last
    asked = f"{wh}_{q.focus}" if q.focus else wh
    end = _coarse(syntax.tail[last - 1])
    f[f"syn:ask={asked}|last={end}"] = 1.0
    f[f"syn:ask={asked}|first={_coarse(syntax.head[first])}"] = 1.0
    for name in ("syn:whole=NP", "syn:in_pnp", "syn:after_qverb", "syn:before_qverb", "syn:cuts_left"):
        if name in f:
            f[f"syn:ask={asked}|{name[4:]}"] = 1.0
    if last - first <= 3:
        f[f"w:{wh}|syn:tags={'_'.join(_coarse(syntax.head[i]) for i in range(first, last))}"] = 1.0
    unit = syntax.unit
    best: tuple[int, int] | None = None  # (phrases apart, the question word's token)
    for i in c.sentence.matched:
        if first <= i < last:
            continue
        gap = unit[first] - unit[i] if i < first else unit[i] - unit[last - 1]
        if best is None or gap < best[0]:
            best = (gap, i)
    if best is None:
        return
    gap, at = best
    if gap > 4:
        labels = "far"
    else:
        lo, hi = (at + 1, first) if at < first else (last, at)
        seen: list[str] = []
        previous = -1
        for i in range(lo, hi):
            if unit[i] != previous:
                seen.append(_unit_label(syntax, i))
                previous = unit[i]
        labels = "_".join(seen) or "adj"
    side = "L" if at < first else "R"
    f[f"w:{wh}|syn:path={side}:{labels}"] = 1.0
    f[f"w:{wh}|syn:qunit={side}:{_unit_label(syntax, at)}"] = 1.0


# --- answer normalisation (the SQuAD v1.1 rules) ----------------------------------------------

_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def normalise_answer(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (the official v1.1 normalisation)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


__all__ = [
    "COMPATIBLE",
    "DAYS",
    "PERSON_TITLES",
    "RERANK_COLUMNS",
    "RERANK_RELATIVE",
    "Candidate",
    "QuestionView",
    "ReaderModel",
    "Reranker",
    "SentenceView",
    "Tree",
    "answer_f1",
    "candidates",
    "expected_f1_order",
    "fits",
    "is_syntax_feature",
    "load_model",
    "load_reader_model",
    "load_reranker",
    "normalise_answer",
    "person_like",
    "predicate_share",
    "question_view",
    "rank_sentences",
    "read",
    "rerank",
    "rerank_fixed_columns",
    "rerank_rows",
    "reranker_at",
    "reranker_from_json",
    "score_candidates",
    "sentence_view",
    "softmax_top",
    "span_shape",
    "stems_of",
    "syntax_features",
    "syntax_of",
    "tokenize",
    "widen_to_range",
    "words_f1",
]
