"""Grouping articles from several outlets into one story.

An article is described by *grouping keys*: its most salient terms (names above all), which
storage keeps per story in an inverted index. A new article asks storage for the stories
that share keys with it (a query whose cost grows with the postings of those keys, not with
the number of stories) and joins the best one when enough keys are shared within the time
window. Very common words never become keys, so every posting list stays short.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from briefings.models import StoryCandidate
from briefings.text import STOPWORDS, fold_accents, stem, tokens

KEYS_PER_ARTICLE = 16
KEYS_PER_STORY = 40
MIN_SHARED_KEYS = 5
MIN_OVERLAP = 0.3
MIN_CONTAINMENT = 0.3
MIN_COSINE = 0.75
DEFAULT_WINDOW = timedelta(days=4)

# Words frequent in any news text: as keys they would match nearly every story.
_COMMON_WORDS = """
said says say saying told tell telling according added adding asked ask report reports reported
reporting reportedly news new year years month months week weeks day days today yesterday tomorrow
time times people person man men woman women child children family families group groups
government governments country countries state states national international world global local
official officials minister ministers president leader leaders party parties public private
first second third last next former latest early earlier later late recent recently
one two three four five six seven eight nine ten hundred thousand million billion bn m per cent
percent number numbers part parts place places way ways thing things area areas side sides
make makes made making take takes took taken taking give gives gave given get gets got go goes
went gone going come comes came coming see sees saw seen use used uses using want wants wanted
know known knew think thought look looked find found work works worked working call called calls
need needs needed show shows showed shown help helped keep kept put set run runs ran hold held
include includes included including continue continued begin began start started end ended
many much more most less least other others another some such several few every each any all
well also even still just now then already again back around however although though because
big biggest small large larger largest high higher highest low lower long short good better best
bad worse worst great major main key top real full whole own able likely possible important
old young very really around against since while during before after between under over
told statement spokesman spokeswoman spokesperson chief executive head company companies firm firms
market markets business money price prices cost costs deal deals plan plans plans move moves
case cases issue issues point points question questions problem problems result results
support change changes changed increase increased rise rose fall fell cut cuts share shares
life lives home house city town region capital centre center service services system systems
week monday tuesday wednesday thursday friday saturday sunday morning evening night
january february march april may june july august september october november december
mr mrs ms dr sir lord dame bbc uk us usa america american britain british england english
europe european reuters ap afp press agency told interview added expected could would should
hope hoped hopes believe believed decision decided claim claimed claims announced announce
set sets lead led leading top move team teams play played player players game games win won
match matches season club clubs race
"""


@lru_cache(maxsize=1)
def _common_stems() -> frozenset[str]:
    words = set(_COMMON_WORDS.split()) | set(STOPWORDS)
    return frozenset(stem(w) for w in words) | frozenset(words)


_SENTENCE_START_RE = re.compile(r"(?:^|[.!?]\s+|\n)\W*$")


@dataclass(frozen=True)
class GroupingDecision:
    """Which story an article joins (None: a new story), and why."""

    story_id: str | None
    shared_keys: int = 0
    overlap: float = 0.0


def _term_weights(text: str, weight: float, counts: Counter[str]) -> None:
    common = _common_stems()
    previous = ""
    for token in tokens(text):
        low = fold_accents(token).lower().replace("'", "").replace("’", "")
        if low.endswith("s") and token.endswith(("'s", "’s")):
            low = low[:-1]
        if not low or low in common or len(low) < 3:
            previous = token
            continue
        if low.isdigit():
            # Years and small numbers are everywhere; long figures ("150000") identify events.
            if len(low) < 5:
                previous = token
                continue
            key = low
        elif not any(ch.isalpha() for ch in low):
            previous = token
            continue
        else:
            key = stem(low.replace(".", "").replace("-", ""))
            if key in common:
                previous = token
                continue
        boost = 1.0
        if token[:1].isupper() and previous and previous[-1:] not in ".!?\"'":
            boost = 2.5  # a capitalised word mid-sentence: a name
        elif token.isupper() and len(token) >= 2:
            boost = 2.5  # an acronym
        counts[key] += weight * boost
        previous = token


def grouping_keys(
    title: str | None, sentences: Sequence[str], limit: int = KEYS_PER_ARTICLE
) -> frozenset[str]:
    """The article's most salient terms as grouping keys (``t:<stem>``).

    The title and the first sentences weigh more, names weigh more than other words, and
    common news words are never keys.
    """
    counts: Counter[str] = Counter()
    if title:
        _term_weights(title, 3.0, counts)
    for position, sentence in enumerate(sentences):
        _term_weights(sentence, 2.0 if position < 4 else 1.0, counts)
    # Ties broken by the key itself so that the same text always gives the same keys.
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = [key for key, score in ranked if score >= 2.0][:limit]
    return frozenset(f"t:{key}" for key in chosen)


def merge_keys(
    story_keys: Iterable[str], article_keys: Iterable[str], limit: int = KEYS_PER_STORY
) -> frozenset[str]:
    """The keys a story keeps after an article joins: the article's keys first, then the story's."""
    merged = list(dict.fromkeys([*sorted(article_keys), *sorted(story_keys)]))
    # Keys both had are the story's core: keep them all before the others.
    both = set(story_keys) & set(article_keys)
    ordered = [k for k in merged if k in both] + [k for k in merged if k not in both]
    return frozenset(ordered[:limit])


def similarity(article_keys: frozenset[str], story_keys: frozenset[str]) -> tuple[int, float]:
    """Shared keys and the overlap coefficient (shared / size of the smaller set)."""
    if not article_keys or not story_keys:
        return 0, 0.0
    shared = len(article_keys & story_keys)
    return shared, shared / min(len(article_keys), len(story_keys))


def gate_candidates(
    article_keys: frozenset[str],
    candidates: Sequence[StoryCandidate],
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    min_shared: int = MIN_SHARED_KEYS,
    min_overlap: float = MIN_OVERLAP,
    limit: int = 3,
) -> list[GroupingDecision]:
    """Candidate stories that share enough keys to be worth a closer look, best first.

    A story qualifies when it was updated within ``window`` of ``now`` and shares at least
    ``min_shared`` keys making up at least ``min_overlap`` of the smaller key set. Short
    articles with few keys need proportionally fewer shared keys.
    """
    needed = min(min_shared, max(3, int(len(article_keys) * min_overlap + 0.999)))
    passed = []
    for candidate in candidates:
        if candidate.updated_at < now - window:
            continue
        shared, overlap = similarity(article_keys, candidate.keys)
        if shared >= needed and overlap >= min_overlap:
            passed.append(GroupingDecision(candidate.story_id, shared, overlap))
    passed.sort(key=lambda d: (d.shared_keys, d.overlap), reverse=True)
    return passed[:limit]


def shingles(term_lists: Iterable[Sequence[str]], size: int = 3) -> set[str]:
    """Word n-grams of index terms, within each sentence."""
    out: set[str] = set()
    for words in term_lists:
        for i in range(len(words) - size + 1):
            out.add(" ".join(words[i : i + size]))
    return out


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def same_story(
    article_terms: Sequence[Sequence[str]],
    story_terms: Sequence[Sequence[str]],
    *,
    min_containment: float = MIN_CONTAINMENT,
    min_cosine: float = MIN_COSINE,
) -> tuple[bool, float, float]:
    """Whether an article tells the same story as a stored one, from their sentences' terms.

    Two reports of one event share phrases (quotes, figures, names in the same order) as
    well as vocabulary: we ask for both a share of common word triples (containment: shared
    triples over the smaller set) and a high cosine over term counts. Returns the verdict,
    the containment and the cosine.
    """
    ours, theirs = shingles(article_terms), shingles(story_terms)
    containment = len(ours & theirs) / max(1, min(len(ours), len(theirs)))
    cosine = _cosine(
        Counter(t for words in article_terms for t in words),
        Counter(t for words in story_terms for t in words),
    )
    verdict = (containment >= min_containment and cosine >= min_cosine) or containment >= 0.6
    return verdict, containment, cosine
