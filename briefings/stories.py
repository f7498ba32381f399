"""Grouping articles from several outlets into one story.

An article is described by *grouping keys*: its most salient terms, names above all. Names
(words written with a capital mid-sentence, and acronyms) become ``n:<stem>`` keys, other
salient words ``t:<stem>`` keys. Storage keeps each story's keys in an inverted index. A new
article asks storage for the stories that share keys with it and joins the best one when
enough keys, names among them, are shared and the texts tell the same story: the same
phrasing, the same names, and leads that agree (:func:`same_story`), since an outlet's
follow-ups and related pieces repeat its earlier paragraphs while leading with other news.

Scaling: the keys a story stores carry the time bucket of its last update
(:func:`bucket_keys`), and a new article asks only for the buckets its grouping window
covers. A posting list therefore holds the stories updated recently, not every story ever
stored, so grouping an article costs about the same with 100 or 100,000 stories stored.
Within a bucket, an article looks stories up by its names only (:func:`lookup_keys`): a story
must share one to qualify anyway, and names have far shorter posting lists than topic words.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from briefings.models import StoryCandidate
from briefings.text import STOPWORDS, Memo, fold_accents, stem, tokens

KEYS_PER_ARTICLE = 16
KEYS_PER_STORY = 40
MIN_SHARED_KEYS = 5
MIN_OVERLAP = 0.3
MIN_CONTAINMENT = 0.3
MIN_COSINE = 0.75
MIN_LEAD_AGREEMENT = 0.6  # share of a lead's distinctive terms the other text must carry
LEAD_SENTENCES = 3
MIN_NAME_AGREEMENT = 0.5  # share of one side's names the other side's text must mention
MIN_SHARED_NAMES = 2  # reports of one event name the same people, places or organisations
DEFAULT_WINDOW = timedelta(days=4)
BUCKET = timedelta(days=4)  # time partition of the stored keys; a window spans at most two or three

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


@lru_cache(maxsize=30_000)
def _salient_key(token: str) -> str:
    """The key a token would give ("" for none): its stem, or a long figure as it stands."""
    written = fold_accents(token).lower().replace("’", "'")
    common = _common_stems()
    if written in common:
        return ""  # "I've", "Don't": stop words written with an apostrophe, not names
    low = written.replace("'", "")
    if low.endswith("s") and token.endswith(("'s", "’s")):
        low = low[:-1]
    if not low or low in common or len(low) < 3:
        return ""
    if low.isdigit():
        # Years and small numbers are everywhere; long figures ("150000") identify events.
        return low if len(low) >= 5 else ""
    if not any(ch.isalpha() for ch in low):
        return ""
    key = stem(low.replace(".", "").replace("-", ""))
    return "" if key in common else key


# Token -> (key, capitalised, acronym): what _term_weights needs of a token, worked out once
# (a memo: news repeats its words, and this runs for every token of every article).
_TOKEN_INFO = Memo(30_000)


def _token_info(token: str) -> tuple[str, bool, bool]:
    key = _salient_key(token)
    return (key, token[:1].isupper(), token.isupper() and len(token) >= 2 and not key.isdigit())


def _term_weights(text: str, weight: float, counts: dict[str, float], names: dict[str, float]) -> None:
    get = _TOKEN_INFO.recent.get
    first = True  # tokens never end with punctuation: only the sentence's first word follows none
    for token in tokens(text):
        info = get(token) or _TOKEN_INFO.fill(token, _token_info)
        key = info[0]
        if not key:
            first = False
            continue
        boost = 1.0
        if info[1] and not first:
            boost = 2.5  # a capitalised word mid-sentence: a name
            names[key] += 1
        elif info[2]:
            boost = 2.5  # an acronym
            names[key] += 1
        elif info[1]:
            names[key] += 0.5  # capitalised at a sentence start: a name unless seen in lower case
        else:
            names[key] -= 1  # written in lower case somewhere: a common word after all
        counts[key] += weight * boost
        first = False


def grouping_keys(
    title: str | None, sentences: Sequence[str], limit: int = KEYS_PER_ARTICLE
) -> frozenset[str]:
    """The article's most salient terms as grouping keys: ``n:<stem>`` for names, ``t:<stem>``.

    The title and the first sentences weigh more, names weigh more than other words, and
    common news words are never keys. A term is a name when it is written with a capital
    (mid-sentence) or as an acronym more often than in lower case.
    """
    counts: dict[str, float] = defaultdict(float)
    names: dict[str, float] = defaultdict(float)
    if title:
        # Titles capitalise freely: their words count, but say nothing about names.
        _term_weights(title, 3.0, counts, defaultdict(float))
    for position, sentence in enumerate(sentences):
        _term_weights(sentence, 2.0 if position < 4 else 1.0, counts, names)
    # Ties broken by the key itself so that the same text always gives the same keys.
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = [key for key, score in ranked if score >= 2.0][:limit]
    return frozenset(f"n:{key}" if names[key] > 0 else f"t:{key}" for key in chosen)


def lookup_keys(keys: Iterable[str]) -> frozenset[str]:
    """The keys to look candidate stories up by: the article's names, each as a name and as a
    plain term (``n:x``, ``t:x``).

    :func:`gate_candidates` lets a story through only when it shares at least one of the
    article's names (as either kind), so no story found by other keys alone could qualify;
    and names are rare next to topic words ("film", "election"), so their posting lists are
    short. An article without names gets no look-up: it never joins a story.
    """
    names = [key_term(key) for key in keys if key.startswith("n:")]
    return frozenset(f"{kind}:{name}" for name in names for kind in ("n", "t"))


def key_term(key: str) -> str:
    """The stem of a grouping key, whatever its kind (``n:massoud`` -> ``massoud``)."""
    return key.partition(":")[2]


def bucket_of(moment: datetime) -> int:
    """The time bucket (a whole number of :data:`BUCKET` periods since the epoch) of a moment."""
    return int(moment.timestamp() // BUCKET.total_seconds())


def bucket_keys(keys: Iterable[str], moment: datetime) -> frozenset[str]:
    """Keys as a story stores them when updated at ``moment``: ``<bucket>|<key>``."""
    bucket = bucket_of(moment)
    return frozenset(f"{bucket}|{key}" for key in keys)


def query_keys(keys: Iterable[str], now: datetime, window: timedelta = DEFAULT_WINDOW) -> list[str]:
    """The stored keys to look up for an article at ``now``: every bucket the window touches."""
    first, last = bucket_of(now - window), bucket_of(now)
    return sorted(f"{bucket}|{key}" for bucket in range(first, last + 1) for key in keys)


def unbucket(keys: Iterable[str]) -> frozenset[str]:
    """Stored keys without their time bucket (keys stored without one pass unchanged)."""
    return frozenset(key.rpartition("|")[2] for key in keys)


def merge_keys(
    story_keys: Iterable[str], article_keys: Iterable[str], limit: int = KEYS_PER_STORY
) -> frozenset[str]:
    """The keys a story keeps after an article joins: shared stems first, then the article's,
    then the story's. A stem that either side calls a name stays a name."""
    story = {key_term(k): k for k in sorted(unbucket(story_keys))}
    article = {key_term(k): k for k in sorted(article_keys)}
    kind = {t: k for t, k in {**story, **article}.items()}
    for term in set(story) | set(article):
        if story.get(term, "").startswith("n:") or article.get(term, "").startswith("n:"):
            kind[term] = f"n:{term}"
    both = sorted(set(story) & set(article))
    ordered = list(dict.fromkeys([*both, *sorted(article), *sorted(story)]))
    return frozenset(kind[t] for t in ordered[:limit])


def similarity(article_keys: frozenset[str], story_keys: frozenset[str]) -> tuple[int, float]:
    """Shared key stems and the overlap coefficient (shared / size of the smaller set)."""
    if not article_keys or not story_keys:
        return 0, 0.0
    ours, theirs = {key_term(k) for k in article_keys}, {key_term(k) for k in story_keys}
    shared = len(ours & theirs)
    return shared, shared / min(len(ours), len(theirs))


@lru_cache(maxsize=4096)
def _stored_terms(keys: frozenset[str]) -> frozenset[str]:
    # Cached: a bulk ingest weighs the same candidate stories for many articles.
    return frozenset(key_term(k.rpartition("|")[2]) for k in keys)


def gate_candidates(
    article_keys: frozenset[str],
    candidates: Sequence[StoryCandidate],
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    min_shared: int = MIN_SHARED_KEYS,
    min_overlap: float = MIN_OVERLAP,
    min_names: int = MIN_SHARED_NAMES,
    limit: int = 3,
) -> list[GroupingDecision]:
    """Candidate stories that share enough keys to be worth a closer look, best first.

    A story qualifies when it was updated within ``window`` of ``now`` and shares at least
    ``min_shared`` keys making up at least ``min_overlap`` of the smaller key set, with at
    least ``min_names`` of the article's names among them (reports of one event name the same
    people and places; two events of the same kind do not). Short articles with few keys need
    proportionally fewer shared keys. Candidate keys may carry time buckets.
    """
    needed = min(min_shared, max(3, int(len(article_keys) * min_overlap + 0.999)))
    article_terms = {key_term(k) for k in article_keys}
    article_names = {key_term(k) for k in article_keys if k.startswith("n:")}
    # An article without names cannot be told from another event of the same kind: it never joins.
    names_needed = max(1, min(min_names, len(article_names)))
    passed = []
    for candidate in candidates:
        if candidate.updated_at < now - window or not candidate.keys:
            continue
        # Stored keys may carry a time bucket; a name in one text may be a plain word in the
        # other ("Front", "front"): compare stems.
        story_terms = _stored_terms(candidate.keys)
        shared = len(article_terms & story_terms)
        overlap = shared / max(1, min(len(article_terms), len(story_terms)))
        shared_names = len(article_names & story_terms)
        if shared >= needed and overlap >= min_overlap and shared_names >= names_needed:
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


def distinctive_terms(words: Sequence[str]) -> frozenset[str]:
    """The terms of a sentence that tell its news apart: no common news words, no short stems."""
    common = _common_stems()
    return frozenset(w for w in words if w.isdigit() or (len(w) > 2 and w not in common))


def lead_agreement(lead: Sequence[Sequence[str]], other: Sequence[frozenset[str]]) -> float:
    """How well another text carries a lead's news: for each lead sentence, the share of its
    distinctive terms found in the best-matching sentence of ``other``, averaged.

    ``other`` holds the distinctive terms of each of its sentences (see :func:`distinctive_terms`).
    Lead sentences with fewer than two distinctive terms say too little to count.
    """
    shares = []
    for words in lead:
        ours = distinctive_terms(words)
        if len(ours) < 2:
            continue
        best = max((len(ours & theirs) for theirs in other), default=0)
        shares.append(best / len(ours))
    return sum(shares) / len(shares) if shares else 0.0


def _names(keys: Iterable[str]) -> set[str]:
    return {key_term(key.rpartition("|")[2]) for key in keys if key.rpartition("|")[2].startswith("n:")}


def name_agreement(
    article_keys: Iterable[str],
    story_keys: Iterable[str],
    article_terms: Sequence[Sequence[str]],
    story_terms: Sequence[Sequence[str]],
) -> float:
    """The larger of two shares: the article's names (its ``n:`` keys) found anywhere in the
    story's terms, and the story's names found in the article's. Keys may carry time buckets.
    1.0 when neither side has a name (nothing to disagree on)."""
    ours, theirs = _names(article_keys), _names(story_keys)
    if not ours and not theirs:
        return 1.0
    best = 0.0
    if ours:
        story_vocabulary = {t for words in story_terms for t in words}
        best = len(ours & story_vocabulary) / len(ours)
    if theirs and best < 1.0:
        article_vocabulary = {t for words in article_terms for t in words}
        best = max(best, len(theirs & article_vocabulary) / len(theirs))
    return best


def _leads(story_articles: Sequence[Sequence[Sequence[str]]], size: int) -> list[Sequence[Sequence[str]]]:
    return [sentences[:size] for sentences in story_articles if sentences]


def same_story(
    article_terms: Sequence[Sequence[str]],
    story_terms: Sequence[Sequence[str]],
    *,
    story_articles: Sequence[Sequence[Sequence[str]]] | None = None,
    article_keys: Iterable[str] | None = None,
    story_keys: Iterable[str] | None = None,
    min_containment: float = MIN_CONTAINMENT,
    min_cosine: float = MIN_COSINE,
    min_lead: float = MIN_LEAD_AGREEMENT,
    lead_size: int = LEAD_SENTENCES,
    min_names: float = MIN_NAME_AGREEMENT,
) -> tuple[bool, float, float]:
    """Whether an article tells the same story as a stored one, from their sentences' terms.

    Two reports of one event share phrases (quotes, figures, names in the same order) as
    well as vocabulary: we ask for both a share of common word triples (containment: shared
    triples over the smaller set) and a high cosine over term counts, or for a very high
    containment alone.

    Shared background is not enough, though: an outlet's follow-ups and related pieces repeat
    paragraphs of the earlier report while leading with other news ("party launched" then
    "leader names his seat"). So the leads must agree both ways: the article's first
    ``lead_size`` sentences must be told somewhere in the story, and the lead of one of the
    story's articles (``story_articles``: each article's sentences' terms, in order; by default
    the story is one article) must be told in the article (see :func:`lead_agreement`).

    Nor is shared wording: two events of one kind can be told in the same words. Given the
    grouping keys of both sides, the names (``n:`` keys) of one side must mostly appear in the
    text of the other, in at least one direction (a short report names fewer people than a long
    one). Returns the verdict, the containment and the cosine.
    """
    ours, theirs = shingles(article_terms), shingles(story_terms)
    containment = len(ours & theirs) / max(1, min(len(ours), len(theirs)))
    cosine = _cosine(
        Counter(t for words in article_terms for t in words),
        Counter(t for words in story_terms for t in words),
    )
    verdict = (containment >= min_containment and cosine >= min_cosine) or containment >= 0.6
    if verdict and (article_keys is not None or story_keys is not None):
        verdict = name_agreement(article_keys or (), story_keys or (), article_terms, story_terms) >= min_names
    if verdict:
        story_sets = [distinctive_terms(words) for words in story_terms]
        verdict = lead_agreement(article_terms[:lead_size], story_sets) >= min_lead
    if verdict:
        article_sets = [distinctive_terms(words) for words in article_terms]
        leads = _leads(story_articles if story_articles is not None else [story_terms], lead_size)
        verdict = any(lead_agreement(lead, article_sets) >= min_lead for lead in leads)
    return verdict, containment, cosine
