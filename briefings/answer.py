"""Answering questions from stored articles: retrieval, candidates, scoring, abstention, citations.

The order of work:

1. analyse the question (:mod:`briefings.questions`): expected answer type, names, relation, terms.
   A question typed in lower case marks no names, so a small unranked sample of the sentences
   holding its rarest words shows which of them the news writes as names, and it is analysed
   again with those capitalised ("amnesty international" becomes "Amnesty International");
2. stored facts first: a fact with the asked relation about the asked name (or its acronym, in
   either direction) answers directly; conflicting facts resolve newest-first;
3. otherwise find sentences: with names in the question, the index is asked for the names alone
   (rare words, so few matches) and every sentence of the few stories naming them most is read;
   without names, one lookup ORs the question's telling words with role synonyms, paraphrases
   and acronym expansions. Sentences must contain every name of the question (or have it in
   the title), its numbers, most of its plain words (or their paraphrases) and, for a role
   question, the role word tied to that name. Typed candidates are read out of the best of
   them (:mod:`briefings.reader`) and scored, with agreement across outlets added;
4. abstain below a calibrated threshold. A wrong name is worse than "I don't know", so a
   failed check (a name of the question missing, the role word absent, the wrong answer
   type or kind, a piece of the question itself, a near tie between different answers)
   means abstain.

The cost of a question is a handful of index look-ups and the reading of a few dozen
sentences: it grows with the number of matches, not with the number of stored articles.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import pairwise

from briefings.facts import ROLE_RELATIONS, STANDS_FOR
from briefings.models import Answer, Article, Citation, Fact, SentenceHit, Story
from briefings.ports import NewsroomStore
from briefings.questions import (
    CALENDAR,
    COUNTRIES,
    DATE,
    EXPANSION,
    HEAD_NOUNS,
    MONEY,
    NATIONALITIES,
    NUMBER,
    ORG_NOUNS,
    ORGANISATION,
    OTHER,
    PERCENTAGE,
    PERSON,
    PLACE,
    QUESTION_WORDS,
    RELATION_FAMILIES,
    RELATION_SYNONYMS,
    QuestionAnalysis,
    analyse_question,
    recase_names,
    typed_in_lower_case,
)
from briefings.questions import (
    adjectival as _adjectival,
)
from briefings.reader import (
    DAYS,
    PARAPHRASES,
    PERSON_TITLES,
    Candidate,
    QuestionView,
    ReaderModel,
    SentenceView,
    Token,
    candidates,
    fits,
    load_model,
    normalise_answer,
    predicate_share,
    question_view,
    score_candidates,
    sentence_view,
    stems_of,
    tokenize,
    widen_to_range,
)
from briefings.text import STOPWORDS, fold_accents, stem, terms

# Abstention: the best candidate needs this linear score (on the scale of the shipped reader
# weights), and this much lead over a different answer. `python bench/qa_quick.py --sweep`
# prints the trade-off on the development questions: the evidence checks do most of the work.
# Set together with READ_SENTENCES, on qa_dev and two sets of 90 questions written by someone
# who had not seen the engine (270 in all): reading 8 sentences instead of 5 and asking 7
# instead of 6.5 answers as many right and abstains as often where it should, with 21 wrong
# answers instead of 27. Once answers of the wrong kind were refused (a person for a club, a
# city for a country), 6.8 and a lead of 0.3 gave 3 more right answers and no more wrong ones
# on qa_dev and two newer sets (270 questions). Raise either to be more careful.
ABSTAIN_BELOW = 6.8
MIN_MARGIN = 0.30
MIN_COVERAGE = 0.45
MIN_PREDICATE = 0.5
SEARCH_LIMIT = 40
STORIES_READ = 6
EXTRA_STORIES = 3  # read besides for a common name, found with the question's other words
HEADLINE_SUPPORT = 0.3  # what an answer the article's title repeats gains (as another outlet would add)
READ_SENTENCES = 8
MAX_ALIASES = 3
LEAD_CHARS = 300
RECASE_SENTENCES = 20  # sentences read for how the news writes a lower-case question's words


_log = logging.getLogger(__name__)


@dataclass
class _Scored:
    text: str
    score: float
    candidate: Candidate
    hits: list[SentenceHit] = field(default_factory=list)


def _party_names(groups: Sequence[tuple[str, ...]]) -> dict[str, set[str]]:
    return {name.lower(): set(group) - {name} for group in groups for name in group}


# The short and long names the news uses for the same party, which no acronym fact states.
_PARTY_NAMES = _party_names(
    [
        ("Lib Dems", "Lib Dem", "Liberal Democrats", "Liberal Democrat"),
        ("Tories", "Tory", "Conservatives", "Conservative"),
    ]
)

# Words too common in news to be worth looking up (stems); the reader still uses them.
_COMMON_QUERY_WORDS = frozenset(
    stem(w)
    for w in "said say says people year years new time first last world country government told "
    "would could also one two three many much made make week day month number home".split()
)

_GENERIC_NAME_WORDS = frozenset(
    "party group lines line united city council company league cup awards award club house office "
    "front union bank street news times airlines airline games open university".split()
)


def _name_stems(name: str) -> list[str]:
    return [t.stem for t in tokenize(name) if not t.is_punct and t.low not in STOPWORDS]


def _entity_present(
    entity: str, sentence_terms: set[str], extra_terms: set[str], tokens: Sequence[Token] | None = None
) -> bool:
    """Whether a name of the question is there: most of its words, or its distinctive last word
    ("Markova" for "Dame Alicia Markova"), which in the sentence's ``tokens``, when given, must
    not be part of another name ("Martin O'Neill" does not name Aston Martin)."""
    wanted = _name_stems(entity)
    if not wanted:
        return True
    have = sentence_terms | extra_terms
    found = sum(1 for w in set(wanted) if w in have or _shortened(w, have))
    if found >= max(1, math.ceil(len(set(wanted)) * 0.6)):
        return True
    if _nationality_stems(entity.lower()) & have:
        return True  # "Chinese banks" for China
    last = _distinctive_last(entity)
    if last not in have:
        return False
    return tokens is None or last in extra_terms or _stands_alone(last, entity, tokens)


def _stands_alone(last: str, entity: str, tokens: Sequence[Token]) -> bool:
    """Whether a name's last word (a stem) is written in a sentence other than inside a longer
    name: the capitalised words around it must be the name's own."""
    not_other = {t.low for t in tokenize(entity)} | _NOT_NAMES
    opening = _opening_index(tokens)  # the first word is capitalised whatever it is
    for index, token in enumerate(tokens):
        if token.stem != last:
            continue
        around = [i for i in (index - 1, index + 1) if 0 <= i < len(tokens) and i != opening]
        if not any(tokens[i].is_cap and not tokens[i].is_punct and tokens[i].low not in not_other for i in around):
            return True
    return False


def _shortened(word: str, have: set[str]) -> bool:
    """Whether a long name is there in full when the question shortens it ("Yugansk" for
    "Yuganskneftegas")."""
    return len(word) >= 6 and any(len(t) >= len(word) + 3 and t.startswith(word) for t in have)


def _distinctive_last(name: str) -> str | None:
    """The stem of a name's last word when that word alone names it ("Markova" of "Dame Alicia
    Markova"): a name of two words or more whose last word is capitalised and not generic."""
    tokens = tokenize(name) if name.strip() else []
    last = tokens[-1] if tokens else None
    if last is None or len(_name_stems(name)) < 2 or not last.is_cap or last.low in _GENERIC_NAME_WORDS:
        return None
    if last.low in COUNTRIES or last.low in NATIONALITIES:
        return None  # "Air China" is not China
    if any(t.low in {"of", "for", "and", "&"} for t in tokens):
        return None  # "Night of Athletics" is not "Athletics": only a person's surname stands alone
    return last.stem


_BOUND_AFTER_RE = re.compile(
    r"^\w*\s+(?:of|for|at|to)\s+(?:the\s+)?([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*)"
)
_BOUND_BEFORE_RE = re.compile(r"([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*?)(?:'s|’s)?\s+$")
_CUE_MODIFIERS = frozenset("deputy former vice assistant ex acting interim joint outgoing".split())


def _prefix(stem_: str) -> str:
    """The first letters of a stem that any word with that stem starts with ("armi" of "army"
    is "arm"): stems may change a word's last letter."""
    return stem_[: max(1, min(4, len(stem_) - 1))]


def _coverage_ceiling(
    haystack: str, prefixes: Sequence[tuple[float, tuple[str, ...]]], soft: dict[int, float]
) -> float:
    """An upper bound of the weight a sentence can cover, from a look at its raw lower-case text:
    terms whose first letters are there, all of a name that has an acronym or expansion, and
    half of a name, description or year that the article may give instead."""
    total = 0.0
    for index, (weight, starts) in enumerate(prefixes):
        if any(start in haystack for start in starts):
            total += weight
        else:
            total += soft.get(index, 0.0) * weight
    return total


def _in_words(name: str, has_word: Callable[[str], bool]) -> bool:
    """Whether a text names ``name`` (most of its words), given a test for a lower-case word."""
    wanted = [w for w in re.findall(r"\w+", name.lower()) if w not in STOPWORDS and len(w) > 1]
    if not wanted:
        return True
    return sum(1 for w in wanted if has_word(w)) >= max(1, math.ceil(0.6 * len(wanted)))


def _singular(word: str) -> str:
    """A lower-case word without a plural "s" ("oscars": "oscar"), to find either form."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 4 else word


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` is in ``text`` as a word of its own (not inside a longer one)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(word, at + 1)
    return False


class _ArticleWords:
    """Whether articles have a word, for the length of one question.

    Most questions test a handful of words against a hundred articles, so a word is looked for
    in the article's lower-case text (a substring scan, each find checked for word boundaries)
    instead of splitting every article into words; the set of stems is made only for an article
    whose stems are asked for."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._stems: dict[str, frozenset[str]] = {}
        self._lower: dict[str, bool] = {}
        self._openings: dict[str, frozenset[str]] = {}

    def _text(self, article: Article) -> str:
        low = self._texts.get(article.id)
        if low is None:
            low = self._texts[article.id] = f"{article.title or ''} {article.text}".lower()
        return low

    def has(self, article: Article, word: str) -> bool:
        return _has_word(self._text(article), word)

    def opening(self, article: Article) -> frozenset[str]:
        """The lower-case words of the article's title and opening (what it is about)."""
        words = self._openings.get(article.id)
        if words is None:
            opening = f"{article.title or ''} {article.text[:LEAD_CHARS]}".lower()
            words = self._openings[article.id] = frozenset(re.findall(r"\w+", opening))
        return words

    def in_lower_case(self, word: str, articles: Iterable[Article]) -> bool:
        """Whether any of ``articles`` writes ``word`` (lower case) as a word of its own (asked
        once per word: the question's articles do not change)."""
        found = self._lower.get(word)
        if found is None:
            found = self._lower[word] = any(_has_word(article.text, word) for article in articles)
        return found

    def stems(self, article: Article) -> frozenset[str]:
        found = self._stems.get(article.id)
        if found is None:
            found = self._stems[article.id] = frozenset(stem(w) for w in re.findall(r"\w+", self._text(article)))
        return found


# Answer types a next sentence's opening name may give (see the window in ``_from_sentences``).
_WINDOW_TYPES = frozenset({PERSON, "organisation"})
_RELATIVE_YEAR_RE = re.compile(r"\b(last|this|next) year\b", re.IGNORECASE)
_YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_NAMED_TYPES = frozenset({PERSON, "organisation", "place", "other"})
_NOT_NAMES = CALENDAR | frozenset("mr mrs ms dr sir lord".split())


_CURRENCY_PLACES = (
    ("$", r"us|usa|united states|america"),
    ("£", r"uk|britain|united kingdom|england"),
    ("€", r"europe|eurozone|euro zone"),
)
_CURRENCY_IN_RE = re.compile(
    r"\b(?:in|across) (?:the )?(" + "|".join(places for _, places in _CURRENCY_PLACES) + r")\b"
)


def _currency_asked(analysis: QuestionAnalysis) -> str | None:
    """The currency symbol a money question's place implies ("in the US": "$"), if any."""
    match = _CURRENCY_IN_RE.search(analysis.question.lower())
    if match is None:
        return None
    return next(symbol for symbol, places in _CURRENCY_PLACES if re.fullmatch(places, match.group(1)))


def _currency_of(text: str) -> str:
    """The currency symbol an amount is written with ("US$499": "$"), or "" for a bare number."""
    symbol = text.lstrip().lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[:1]
    return symbol if symbol in "$£€" else ""


def _optional_name(entity: str, analysis: QuestionAnalysis) -> bool:
    """A nationality beside other names ("Which Spanish company ...") may be missing: the
    sentence may say "Spain's" or nothing."""
    return _adjectival(entity) and len(analysis.entities) > 1


def _relative_year(sentence: str, article: Article) -> int | None:
    """The year "last year" (this, next) means in an article with a date of its own, else None."""
    match = _RELATIVE_YEAR_RE.search(sentence)
    if match is None or article.published_at is None:
        return None
    return article.published_at.year + _YEAR_OFFSET[match.group(1).lower()]


def _plain_share(question: QuestionView, stems: set[str], names: set[str]) -> float:
    """The weighted share of the question's words other than its names that a sentence has."""
    wanted = {s: w for s, w in question.weights.items() if s not in names}
    total = sum(wanted.values())
    return sum(w for s, w in wanted.items() if s in stems) / total if total else 0.0




_CLAUSE_LINKS = frozenset("while whereas but although though and".split())
_POINTING_BACK = frozenset("it he she they its his her their".split())


def _points_back(sentence: str) -> bool:
    """Whether a sentence opens with a pronoun, going on about what the one before it named: "It
    is being assembled for ...", "She was suspended by ..."."""
    first = re.match(r"\W*(\w+)", sentence)
    return first is not None and first.group(1).lower() in _POINTING_BACK


def _opening_index(tokens: Sequence[Token]) -> int:
    """Where a sentence's first word is, past any opening quote marks or brackets."""
    return next((i for i, t in enumerate(tokens) if not t.is_punct), 0)


def _common_abbreviation(word: str) -> bool:
    """"TV", "UK", "PCs", "CDs": short capitals that name a kind of thing, not one thing."""
    return (word.isupper() and len(word) <= 2) or re.fullmatch(r"[A-Z]{2,4}s", word) is not None


# How many other names a sentence may hold when a name of the question is not in it: by whether
# the article names it only elsewhere (or is about it), and whether the answer is itself a name.
_OTHER_NAMES_ALLOWED = {(True, True): 1, (True, False): 0, (False, True): 2, (False, False): 0}


_NAME_JOINERS = frozenset("of & von van de der den da di du la le".split())
_NAME_PARTICLES = _NAME_JOINERS - {"of", "&"}  # of a surname: "de Vabres", "van Gogh"


def _other_names(view: SentenceView, known: set[str], roles: frozenset[str] = frozenset()) -> int:
    """How many names a sentence holds that the question does not: runs of capitalised words,
    not counting its first word, nationalities ("US", "Dutch") and dates. Only clauses that
    hold some of the question's words count: in "His album Egypt won the award, while the
    newcomer prize went to Chango Spasiuk", the second clause is about something else. A name
    right after one of ``roles`` (the question's "chief executive") is the one the question means."""
    tokens = view.tokens
    clause_of: list[int] = []
    clause = 0
    for index, token in enumerate(tokens):
        if token.text in {";", "–"} or (
            token.text == "," and index + 1 < len(tokens) and tokens[index + 1].low in _CLAUSE_LINKS
        ):
            clause += 1
        clause_of.append(clause)
    asked = {clause_of[i] for i in view.matched}
    opening = _opening_index(tokens)
    count = 0
    run: list[int] = []
    depth = 0  # inside brackets: an acronym or a conversion, not another name in the slot
    for index, token in enumerate([*tokens, None]):
        if token is not None and token.text in {"(", ")"}:
            depth = max(0, depth + (1 if token.text == "(" else -1))
        if (
            token is not None
            and token.is_cap
            and not token.is_punct
            and index > opening
            and token.low not in _NOT_NAMES
            and not depth
            and not _common_abbreviation(token.text)
        ):
            run.append(index)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if run and token is not None and token.low in _NAME_JOINERS and following is not None and following.is_cap:
            continue  # "Office of National Statistics" and "Baron von Trapp" are one name each
        if (
            run
            and (not asked or clause_of[run[0]] in asked)
            and not any(tokens[i].stem in known for i in run)
            and not (run[0] > 0 and tokens[run[0] - 1].stem in roles)  # "chief executive John Beaumont"
            and not (len(run) == 1 and _adjectival(tokens[run[0]].text))
        ):
            count += 1
        run = []
    return count


def _matches(name: str, targets: Sequence[str]) -> bool:
    """Whether ``name`` names one of ``targets`` (same terms, or most of them)."""
    name_terms = _without_company_words(terms(name))
    for target in targets:
        target_terms = _without_company_words(terms(target))
        if not target_terms or not name_terms:
            continue
        if name_terms == target_terms:
            return True
        small, big = sorted((name_terms, target_terms), key=len)
        if small <= big and len(small) >= 0.6 * len(big):
            return True
        if _last_word_names(name, target) or _last_word_names(target, name):
            return True
    return False


_COMPANY_WORDS = frozenset(stem(w) for w in "group holdings plc inc corp corporation ltd co company".split())


# The last words of firms' names.
_FIRM_ENDINGS = _COMPANY_WORDS | frozenset(
    stem(w) for w in "laboratories labs bank airways airlines motors pharmaceuticals industries".split()
)


def _without_company_words(name_terms: Iterable[str]) -> set[str]:
    """A name's terms without the words any firm's name may add ("Menatep Group" is Menatep)."""
    found = set(name_terms)
    return found - _COMPANY_WORDS or found


def _last_word_names(short: str, full: str) -> bool:
    """"Wilkinson's" for "Jonny Wilkinson": one word, the distinctive last word of the longer name."""
    short_words = _name_stems(short)
    return len(short_words) == 1 and _distinctive_last(full) == short_words[0]


_ANY_MODIFIER = "*"  # for cue_positions: any qualifier, as "deputy leader" asks


def cue_positions(
    sentence: str, cues: Sequence[str], targets: Sequence[str], modifier: str | None = None
) -> list[int]:
    """Where a relation word occurs that may belong to one of ``targets``.

    A role word tied to another organisation ("leader of the NRF" when asked about the
    Taliban) does not count. Nor does one qualified ("deputy", "former") unless ``modifier``
    is the qualifier asked for; then only a role word it qualifies counts ("assistant manager").
    """
    low = sentence.lower()
    positions = []
    for cue in cues:
        for match in re.finditer(rf"\b{re.escape(cue)}\w*", low):
            before_words = low[: match.start()].split()
            qualifier = before_words[-1].strip("-") if before_words else ""
            if modifier is None and qualifier in _CUE_MODIFIERS:
                continue  # "deputy leader" when the leader is asked for
            if modifier not in {None, _ANY_MODIFIER} and qualifier != modifier:
                continue  # "manager" when the assistant manager is asked for
            if before_words and (before_words[-1] in {"never", "not"} or before_words[-1].endswith("n't")):
                continue  # "Mourinho never coached Barcelona"
            if _names_another_role(low, match):
                continue  # "chief economist", "head coach": another role than the one asked
            bound = _BOUND_AFTER_RE.match(sentence[match.start() :])
            owner = bound.group(1) if bound else None
            if owner is None:
                before = _BOUND_BEFORE_RE.search(sentence[: match.start()])
                owner = before.group(1) if before else None
                if owner and owner.split()[0].lower() in STOPWORDS | QUESTION_WORDS:
                    owner = " ".join(owner.split()[1:]) or None
                if before is not None and modifier is None:
                    ahead = low[: before.start()].split()
                    if ahead and ahead[-1].strip("-") in _CUE_MODIFIERS:
                        continue  # "former Yukos boss": the qualifier comes before the owner
            if owner and targets and not _matches(owner, targets):
                continue
            positions.append(match.start())
    return positions


# "Chief" and "head" name the top role alone ("MPAA chief", "head of Globex") but are also the
# first word of other roles ("chief economist", "head coach"); these keep the top role.
_HEAD_WORDS = frozenset({"chief", "head"})
_TOP_ROLE_AFTER = frozenset({"executive", "executives", "constable"})
# Verbs that may follow a role word ("the chief said") without ending in -s or -ed.
_VERBS_AFTER_ROLE = frozenset(
    "said told wrote spoke took gave made ran led met saw won lost left went came sent put set "
    "thought felt kept held stood sought brought".split()
)


def _names_another_role(low: str, match: re.Match[str]) -> bool:
    """Whether a cue word such as "chief" is the first word of another role, told by a
    lower-case noun right after it ("chief mobile technology evangelist")."""
    if match.group() not in _HEAD_WORDS:
        return False
    following = re.match(r"\s+([a-z]+)\b", low[match.end() :])
    if following is None:
        return False
    word = following.group(1)
    if word in STOPWORDS or word in _TOP_ROLE_AFTER or word in _VERBS_AFTER_ROLE:
        return False
    return not word.endswith(("s", "ed"))


def _asked_modifier(question: str, cues: Sequence[str]) -> str | None:
    """The qualifier the question puts on the role it asks about ("assistant" of "Blackburn's
    assistant manager"), if any."""
    low = question.lower()
    for cue in cues:
        match = re.search(rf"\b([a-z]+)[\s-]+{re.escape(cue)}", low)
        if match and match.group(1) in _CUE_MODIFIERS:
            return match.group(1)
    return None


def _when(article: Article | None) -> datetime | None:
    if article is None:
        return None
    return article.published_at or article.added_at


class AnswerEngine:
    """Answers questions from a :class:`NewsroomStore`: facts first, then sentences."""

    def __init__(
        self,
        store: NewsroomStore,
        threshold: float = ABSTAIN_BELOW,
        model: ReaderModel | None = None,
        margin: float = MIN_MARGIN,
    ) -> None:
        self._store = store
        self._threshold = threshold
        self._margin = margin
        self._model = model

    @property
    def model(self) -> ReaderModel:
        if self._model is None:
            self._model = load_model()
        return self._model

    async def ask(
        self, question: str, *, previous: Answer | None = None, now: datetime | None = None
    ) -> Answer:
        """The answer with its evidence and sources, or an abstention (``text`` None)."""
        analysis = analyse_question(question, previous)
        async with self._store.snapshot():  # a dozen reads, one connection
            if typed_in_lower_case(question):
                analysis = await self._with_names_recased(analysis, previous)
            subject = analysis.entities[0] if analysis.entities else None
            expansions, known = await self._expansions(analysis.entities)
            if _unit_asked(analysis.text) is None:  # a division's head is not its company's
                answer = await self._from_facts(analysis, expansions, subject, known)
                if answer is not None:
                    return answer
            return await self._from_sentences(analysis, expansions, subject)

    async def _with_names_recased(self, analysis: QuestionAnalysis, previous: Answer | None) -> QuestionAnalysis:
        """A question typed in lower case marks no names ("who heads amnesty international?"). A
        sample of the sentences with its rarest telling words shows which of its words the news
        writes as names; the question is analysed again with those capitalised."""
        view = question_view(analysis)
        telling = [t for t, w in view.weights.items() if w >= 1.0 and t not in _COMMON_QUERY_WORDS]
        if not telling:
            return analysis
        # Two telling words side by side are looked up as a phrase too: "chief police" finds the
        # "Association of Chief Police Officers" among the thousands of sentences with "chief".
        told = set(telling)
        sequence = terms(analysis.question)
        pairs = [f"{a} {b}" for a, b in pairwise(sequence) if a in told and b in told]
        hits = await self._store.sample_sentences([*pairs, *telling], limit=RECASE_SENTENCES)
        recased = recase_names(analysis.question, [h.text for h in hits])
        if recased == analysis.question:
            return analysis
        return dataclasses.replace(analyse_question(recased, previous), question=analysis.question)

    # --- acronyms ---------------------------------------------------------------------------

    async def _expansions(self, entities: Sequence[str]) -> tuple[dict[str, set[str]], list[Fact]]:
        """For each entity, the other names it goes by (acronym <-> expansion, from stored facts),
        and the facts found on the way, which the fact route reuses."""
        out: dict[str, set[str]] = {e: set() for e in entities}
        if not entities:
            return out, []
        lookup = [w for e in entities for w in (*terms(e), *e.lower().split())]
        facts = await self._store.search_facts(lookup, limit=100)
        for entity in entities:
            entity_terms = set(terms(entity))
            seen: Counter[str] = Counter()
            for fact in facts:
                if fact.relation != STANDS_FOR:
                    continue
                if fact.subject.upper() == entity.upper():
                    seen[fact.object] += 1
                elif set(terms(fact.object)) == entity_terms or (
                    entity_terms
                    and entity_terms <= set(terms(fact.object))
                    and len(entity_terms) >= 0.6 * len(set(terms(fact.object)))
                ):
                    seen[fact.subject] += 1
            # An acronym may stand for many things across years of news; the names most often
            # given are the ones meant, and each one kept is looked up, so keep a few.
            out[entity] = {name for name, _ in seen.most_common(MAX_ALIASES)} | _PARTY_NAMES.get(
                entity.lower(), set()
            )
        return out, facts

    # --- facts ------------------------------------------------------------------------------

    async def _from_facts(
        self,
        analysis: QuestionAnalysis,
        expansions: dict[str, set[str]],
        subject: str | None,
        known: Sequence[Fact] = (),
    ) -> Answer | None:
        if analysis.relation is None or not analysis.entities:
            return None
        if analysis.relation != STANDS_FOR and analysis.expected not in {PERSON, "other"}:
            return None  # "when did the chairman ...": a role fact does not answer a date
        relations, cues = RELATION_FAMILIES[analysis.relation]
        if analysis.relation != "deputy_leader_of" and _asked_modifier(analysis.text, cues):
            return None  # a stored role has no qualifier: "assistant manager" is read from sentences
        if analysis.focus and analysis.expected == PERSON and not any(
            stem(analysis.focus) in terms(cue) for cue in (*cues, *RELATION_SYNONYMS.get(analysis.relation, ()))
        ):
            return None  # "which judge is in charge of the case": not the stored boss of Balco
        if analysis.relation == STANDS_FOR:
            entity = analysis.entities[0]
        else:
            # The last name is the role's owner ("succeeded Richard Parsons as chief executive of
            # Time Warner"), unless it only qualifies a description ("the MPAA, the US movie body").
            owners = [e for e in analysis.entities if not _adjectival(e)] or list(analysis.entities)
            entity = owners[-1]
        targets = [entity, *sorted(expansions.get(entity, ()))]
        facts = list(known)
        if expansions.get(entity):
            # The other name of the entity ("National Resistance Front" for "NRF") finds more facts.
            seen = {f.id for f in facts}
            extra = [w for t in sorted(expansions[entity]) for w in (*terms(t), *t.lower().split())]
            facts += [f for f in await self._store.search_facts(extra, limit=100) if f.id not in seen]
        question_low = analysis.question.lower()
        # The other names must be in the fact's sentence, but a nationality describing something
        # ("the US movie industry body") need not be.
        other_entities = [e for e in analysis.entities if e != entity and not _adjectival(e)]
        matching: list[Fact] = []
        for fact in facts:
            if fact.relation not in relations:
                continue
            if analysis.relation == STANDS_FOR:
                if fact.subject.upper() == entity.upper():
                    matching.append(fact)
                continue
            if not _matches(fact.object, targets):
                continue
            if fact.subject.lower() in question_low:
                continue  # "who succeeded X as ...": X is not the answer
            if other_entities and not all(
                _entity_present(e, set(terms(fact.evidence)), set()) for e in other_entities
            ):
                continue  # the question names something the supporting sentence does not
            matching.append(fact)
        if not matching:
            return None
        answer_of = (lambda f: f.object) if analysis.relation == STANDS_FOR else (lambda f: f.subject)
        groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in matching:
            groups[normalise_answer(answer_of(fact))].append(fact)
        # Merge "Massoud" into "Ahmad Massoud": a shorter form inside a longer one is the same answer.
        for short in sorted(groups, key=len):
            long = _containing(short, groups)
            if long is not None:
                groups[long].extend(groups.pop(short))
        articles = {
            a.id: a
            for a in await self._store.articles(
                list(dict.fromkeys(f.article_id for f in matching if f.article_id))
            )
        }

        def stated_at(fact: Fact) -> datetime:
            article = articles.get(fact.article_id or "")
            return (
                max(fact.added_at, article.published_at)
                if article and article.published_at
                else fact.added_at
            )

        # Newest statement wins; older conflicting ones are reported as superseded.
        ordered = sorted(groups.values(), key=lambda g: max(stated_at(f) for f in g), reverse=True)
        winner = ordered[0]
        newest = max(winner, key=stated_at)
        text = max((answer_of(f) for f in winner), key=len)  # "Ahmad Massoud" over "Massoud"
        citations = await self._citations_for_facts(winner)
        superseded = tuple(max((answer_of(f) for f in g), key=len) for g in ordered[1:])
        story = await self._story_or_none(newest.story_id)
        as_of = max((c.published_at for c in citations if c.published_at), default=None) or stated_at(newest)
        return Answer(
            question=analysis.question,
            text=text,
            evidence=newest.evidence,
            citations=citations,
            as_of=as_of,
            confidence=0.9,
            closest_story=story,
            superseded=superseded,
            subject=subject if analysis.relation != STANDS_FOR else entity,
        )

    async def _citations_for_facts(self, facts: Sequence[Fact]) -> tuple[Citation, ...]:
        newest_first = sorted(facts, key=lambda f: f.added_at, reverse=True)
        article_ids = list(dict.fromkeys(f.article_id for f in newest_first if f.article_id))
        articles = await self._store.articles(article_ids)
        if not articles:
            # A moderator's fact: cite the story it was added to.
            for story_id in dict.fromkeys(f.story_id for f in newest_first):
                articles.extend(await self._store.story_articles(story_id))
        return tuple(Citation.from_article(a) for a in articles)

    async def _story_or_none(self, story_id: str) -> Story | None:
        try:
            return await self._store.story(story_id)
        except LookupError:
            return None

    # --- sentences --------------------------------------------------------------------------

    def _search_terms(
        self, analysis: QuestionAnalysis, expansions: dict[str, set[str]], question: QuestionView
    ) -> list[str]:
        """The terms to look up: the question's names and telling words, never its common ones.

        Common words ("say", "people", "year") match a large share of all sentences, and the
        index has to rank every match; leaving them out keeps the cost of a question tied to
        the handful of sentences that can answer it. The reader still scores them.
        """
        names = [t for e in analysis.entities for t in _name_stems(e)]
        for alias in expansions.values():
            for name in alias:
                names.extend(_name_stems(name))
        telling = [t for t, w in question.weights.items() if w >= 1.0 and t not in _COMMON_QUERY_WORDS]
        if analysis.expected == "number" and question.focus and question.focus not in _COMMON_QUERY_WORDS:
            telling.append(question.focus)  # "how many quangos": the count's sentence names them
        search = names + telling
        if analysis.relation is not None and not names:
            for cue in (
                *RELATION_FAMILIES[analysis.relation][1],
                *RELATION_SYNONYMS.get(analysis.relation, ()),
            ):
                search.extend(terms(cue))
        # Paraphrases of the question's plain words find sentences that say it differently.
        for word in question.predicate:
            search.extend(p for p in PARAPHRASES.get(word, ())[:4] if p not in _COMMON_QUERY_WORDS)
        if not search:
            search = list(analysis.terms)
        return list(dict.fromkeys(search))

    async def _retrieve(
        self, analysis: QuestionAnalysis, expansions: dict[str, set[str]], search: list[str]
    ) -> list[SentenceHit]:
        """Sentences to read. With names in the question, look the names up alone (rare words, so
        few matches and a fast lookup), then read every sentence of the few stories that name them
        most; without names, one lookup with the question's telling words.

        Picking the stories by the names with the telling words finds the story behind a common
        name ("London") more often, but at 100k articles it cost a third more time per question,
        for two more right answers and three more wrong ones in 180 questions; so the names pick
        alone."""
        names = [t for e in analysis.entities for t in _name_stems(e)]
        names += [t for alias in expansions.values() for name in alias for t in _name_stems(name)]
        # Two-letter names ("UK", "US") are in a large share of all news: no use as a key.
        names = [n for n in dict.fromkeys(names) if len(n) > 2]
        if not names:
            return await self._store.search_sentences(search, limit=SEARCH_LIMIT)
        named = await self._store.search_sentences(names, limit=SEARCH_LIMIT)
        story_ids = list(dict.fromkeys(h.story_id for h in named))[:STORIES_READ]
        if len(named) >= SEARCH_LIMIT:
            # A common name ("Labour", "Microsoft"): its stories are too many to read, so a few
            # that also have the question's other words are read too.
            telling = await self._store.search_sentences([*names, *search], limit=SEARCH_LIMIT)
            more = [h.story_id for h in telling if h.story_id not in story_ids and set(names) & set(terms(h.text))]
            story_ids += list(dict.fromkeys(more))[:EXTRA_STORIES]
        read = await self._store.sentences_of_stories(story_ids)
        hits = [
            SentenceHit(record.article_id, story_id, record.position, record.text, 0.0)
            for story_id in story_ids
            for record in read.get(story_id, ())
        ]
        hits.extend(h for h in named if h.story_id not in story_ids)
        return hits

    async def _from_sentences(
        self, analysis: QuestionAnalysis, expansions: dict[str, set[str]], subject: str | None
    ) -> Answer:
        abstain = Answer(question=analysis.question, text=None, subject=subject)
        question = question_view(analysis)
        search = self._search_terms(analysis, expansions, question)
        if not search:
            return abstain
        hits = await self._retrieve(analysis, expansions, search)
        if not hits:
            return abstain
        articles = {
            a.id: a for a in await self._store.articles(list(dict.fromkeys(h.article_id for h in hits)))
        }
        if analysis.expected == PLACE and question.predicate.keys() & _BASED_WORDS:
            based = _based_in([*analysis.entities, *(n for names in expansions.values() for n in names)], hits)
            if based is not None:
                return await self._read_answer(analysis, *based, articles, 0.9, subject)
        relation_cues: tuple[str, ...] = ()
        if analysis.relation is not None and analysis.relation != STANDS_FOR:
            relation_cues = RELATION_FAMILIES[analysis.relation][1]
            synonyms = RELATION_SYNONYMS.get(analysis.relation, ())
            relation_cues = tuple(dict.fromkeys((*relation_cues, *synonyms)))
        relation_stems = {t for cue in relation_cues for t in terms(cue)}
        # "deputy leader" asks for any qualified leader; "assistant manager" for that one only.
        cue_modifier = _ANY_MODIFIER if analysis.relation == "deputy_leader_of" else _asked_modifier(
            analysis.text, relation_cues
        )
        targets = [*analysis.entities, *(n for names in expansions.values() for n in names)]
        entity_stems = {t for e in analysis.entities for t in terms(e)}
        asked_roles = frozenset(question.all_stems & _PERSON_NOUNS)

        question_numbers = {t.stem for t in tokenize(analysis.text) if t.text[0].isdigit()}
        # "the Apple Powerbook 100": a number that is part of a name, which the article gives.
        model_numbers = set(re.findall(r"\b[A-Z][\w-]* (\d+)\b", analysis.text))
        views: list[tuple[SentenceView, SentenceHit, list[int]]] = []
        dropped: Counter[str] = Counter()
        best_hit: SentenceHit | None = None
        best_coverage = 0.0
        # A cheap look for the names' words first: most hits lack them and need no tokenising.
        # (A plural name's singular is enough: "Oscar" names "the Oscars".)
        name_words = [
            [
                _singular(w.lower())
                for name in (entity, *expansions.get(entity, ()))
                for w in re.findall(r"\w{3,}", name)
            ]
            for entity in analysis.entities
            if not _optional_name(entity, analysis)
        ]
        # What each question term may look like in raw text (a stem's first letters, or a
        # paraphrase's), and which terms could still count for half from elsewhere in the article.
        prefixes = [
            (weight, tuple({_prefix(t) for t in (term, *PARAPHRASES.get(term, ()), *relation_stems)}))
            if term in relation_stems
            else (weight, tuple({_prefix(t) for t in (term, *PARAPHRASES.get(term, ()))}))
            for term, weight in question.weights.items()
        ]
        has_alias = {t for entity, names in expansions.items() if names for t in terms(entity)}
        soft = {
            index: 1.0 if term in has_alias else 0.5
            for index, term in enumerate(question.weights)
            if term in entity_stems or term in analysis.descriptors or term in has_alias or _YEAR_RE.fullmatch(term)
        }

        said = _ArticleWords()

        def named(entity: str, has_word: Callable[[str], bool]) -> bool:
            """Whether a text (told by its word test) names the entity, by any of its names."""
            return any(_in_words(name, has_word) for name in (entity, *expansions.get(entity, ())))

        def article_about(entity: str, article: Article) -> bool:
            """The article's title or opening names it: the article is about it."""
            return named(entity, said.opening(article).__contains__)

        def named_in_article(entity: str, article: Article) -> bool:
            return named(entity, lambda word: said.has(article, word) or said.has(article, _singular(word)))

        text_at = {(h.article_id, h.position): h.text for h in hits}
        unit_asked = _unit_asked(analysis.text)
        asked_period = next(iter(_periods(analysis.text)), None)  # the first the question names
        asked_nations = _nations_named(analysis.text)
        quantity_nations = asked_nations if analysis.expected in {NUMBER, MONEY, PERCENTAGE, DATE} else frozenset()
        for hit in hits:
            article = articles.get(hit.article_id)
            title = article.title if article else None
            # "It will reach the showrooms on 4 May": a sentence that opens by pointing back goes
            # on about the one before it, whose words count for half.
            before = text_at.get((hit.article_id, hit.position - 1)) if _points_back(hit.text) else None
            haystack = f"{hit.text} {title or ''} {before or ''}".lower()
            if any(
                words
                and not any(w in haystack for w in words)
                and (article is None or not any(said.has(article, w) for w in words))
                for words in name_words
            ):
                dropped["name missing"] += 1
                continue
            folded = fold_accents(haystack)
            if _coverage_ceiling(f"{folded} {folded.replace('-', '')}", prefixes, soft) < MIN_COVERAGE * question.total:
                dropped["low coverage"] += 1  # cannot reach the coverage needed: no need to read it
                continue
            title_stems = frozenset(t.stem for t in tokenize(title)) if title else frozenset()
            view = sentence_view(hit.text, question, key=hit, extra_stems=title_stems)
            sentence_stems = stems_of(view.tokens)
            before_stems = stems_of(tokenize(before)) - sentence_stems if before else set()
            # Every name of the question must be in the sentence (or its article's title), as itself
            # or as its acronym / expansion; or, for half its weight, elsewhere in the article: "It
            # is being assembled for ..." and "She was suspended by Delta" name it a sentence before.
            aliased: set[str] = set()
            elsewhere: set[str] = set()
            topical: set[str] = set()
            in_sentence = 0
            for entity in analysis.entities:
                if _entity_present(entity, sentence_stems, set(title_stems), view.tokens):
                    in_sentence += 1
                    continue
                if _optional_name(entity, analysis):
                    continue  # "Which Spanish company": the sentence may say "Spain's"
                alias = next(
                    (
                        x
                        for x in expansions.get(entity, ())
                        if _entity_present(x, sentence_stems, set(title_stems))
                    ),
                    None,
                )
                if alias is not None:
                    in_sentence += 1
                    aliased.update(terms(entity))
                elif article is not None and named_in_article(entity, article):
                    missing = [s for s in _name_stems(entity) if s not in sentence_stems]
                    if article_about(entity, article):
                        topical.update(missing)  # the article is about it: later sentences leave it unsaid
                    else:
                        elsewhere.update(missing)
                else:
                    elsewhere.add("")  # nowhere: this article is about something else
                    break
            if "" in elsewhere:
                dropped["name missing"] += 1
                continue
            if (
                (elsewhere or topical)
                and not _points_back(hit.text)
                and _other_names(view, entity_stems, asked_roles) > _OTHER_NAMES_ALLOWED[
                    (bool(elsewhere), analysis.expected in _NAMED_TYPES)
                ]
            ):
                # "120,000 people were air-lifted from Kabul" when asked about Panjshir: the
                # sentence names something else where the question's name would be. A name the
                # article is about may go unsaid, but not in a sentence about three others.
                dropped["other names"] += 1
                continue
            if (
                elsewhere
                and not in_sentence
                and hit.position > 1
                and not _points_back(hit.text)
                and _plain_share(question, sentence_stems, entity_stems) < 0.6
            ):
                # No name of the question here at all: only an article's opening sentences (which
                # set out what it is about), a sentence going on about the last one, or one that
                # says most of the rest of the question may answer.
                dropped["no name here"] += 1
                continue
            # Words that only describe a name ("the gamer Deathifier") must be in the article.
            described = [d for d in analysis.descriptors if d not in sentence_stems and d not in title_stems]
            if described and len(described) == len(analysis.descriptors) and article is not None:
                have = said.stems(article)
                if not any(d in have or _countries_of(d) & have for d in described):
                    dropped["description missing"] += 1
                    continue
            # A number or year the question gives ("in 2005") must be there too.
            # A year may be the article's own ("the 2005 Australian Open ... starts on 17 January").
            missing_numbers = [s for s in question_numbers if s not in sentence_stems and s not in title_stems]
            if any(
                not (
                    (_YEAR_RE.fullmatch(s) or s in model_numbers)
                    and article is not None
                    and (said.has(article, s) or _relative_year(hit.text, article) == int(s))
                )
                for s in missing_numbers
            ):
                dropped["number missing"] += 1
                continue
            if quantity_nations and (named_here := _nations_named(hit.text)) and not named_here & quantity_nations:
                dropped["other country"] += 1  # Germany's broadband users: not "people in the UK"
                continue
            if asked_period is not None and _other_period(hit.text, asked_period):
                dropped["other period"] += 1  # "in its first week": not "in its first two days"
                continue
            if unit_asked is not None and not _mentions(view, unit_asked):
                dropped["unit missing"] += 1  # "Microsoft's home division": not "Microsoft boss Bill Gates"
                continue
            years_elsewhere = set(missing_numbers)
            cue_at: list[int] = []
            if relation_cues:
                cue_at = cue_positions(hit.text, relation_cues, targets, cue_modifier)
                if not cue_at:
                    dropped["role word missing"] += 1
                    continue
            # Acronym aliases and role synonyms count as the question's own words; names and
            # descriptions the article has elsewhere count for half.
            extra = sum(question.weights.get(s, 0.0) for s in aliased | topical if s not in sentence_stems)
            said_before = before_stems - topical - aliased - relation_stems  # the cue counts in full below
            extra += 0.5 * sum(
                question.weights.get(s, 0.0) for s in elsewhere | set(described) | years_elsewhere | said_before
            )
            # A plain word said another way ("sacked" as "suspended") counts as said.
            extra += sum(
                w
                for s, w in question.predicate.items()
                if s not in sentence_stems and any(p in sentence_stems for p in PARAPHRASES.get(s, ()))
            )
            if cue_at:
                extra += sum(
                    w for s, w in question.weights.items() if s in relation_stems and s not in sentence_stems
                )
            view.coverage = min(1.0, view.coverage + extra / question.total)
            # The question's plain words (its verb, its nouns) must mostly be there: a sentence
            # with the right names but another event does not answer.
            share = predicate_share(
                question,
                sentence_stems | before_stems | _TIME_QUALIFIERS,
                ignore=relation_stems | analysis.descriptors | _money_words_said(analysis, view, sentence_stems),
            )
            if share is not None and share < _predicate_needed(len(question.predicate)):
                if view.coverage > best_coverage:
                    best_coverage, best_hit = view.coverage, hit
                dropped["plain words missing"] += 1
                continue
            if view.coverage > best_coverage:
                best_coverage, best_hit = view.coverage, hit
            if view.coverage < MIN_COVERAGE:
                dropped["low coverage"] += 1
                continue
            views.append((view, hit, cue_at))
        _log.debug("question %r: %d hits, %d sentences kept, dropped %s", analysis.question, len(hits),
                   len(views), dict(dropped))
        closest_id = best_hit.story_id if best_hit and best_coverage >= 0.5 else None

        async def abstention(confidence: float = 0.0) -> Answer:
            # Loaded only when abstaining: the story that came closest is offered instead.
            closest = await self._story_or_none(closest_id) if closest_id else None
            return Answer(
                question=analysis.question,
                text=None,
                closest_story=closest,
                confidence=confidence,
                subject=subject,
            )

        if not views:
            return await abstention()
        views.sort(key=lambda v: (v[0].coverage + 0.3 * v[0].bigram_share, v[1].score), reverse=True)
        views = views[:READ_SENTENCES]
        for rank, (view, _, _) in enumerate(views):
            view.rank = rank

        asks_country = analysis.expected == PLACE and analysis.focus in _COUNTRY_NOUNS
        asks_now = _NOW_RE.search(analysis.question) is not None
        asked_sex = _sex_of(analysis.question)

        def keep(candidate: Candidate) -> bool:
            return (
                analysis.expected == "other"
                or fits(candidate, analysis.expected)
                # "Which country will Slovakia meet?": "play Argentina" names a place it need not introduce.
                or (asks_country and candidate.shape == "name" and candidate.text.lower() in COUNTRIES)
            )

        count_of = _counted_words(analysis) if analysis.expected == "number" else None
        def written_lower(word: str) -> bool:
            return said.in_lower_case(word, articles.values())

        focus_person = question.focus if analysis.expected == PERSON and analysis.focus else None
        # "who refereed ...": the role the question's verb names; someone titled otherwise
        # ("England coach Andy Robinson") is someone else.
        role_asked = focus_person
        role_from_verb: str | None = None  # the role noun of "who was appointed X commissioner"
        if role_asked is None and analysis.expected == PERSON and analysis.relation is None:
            role_asked = role_from_verb = next((s for s in question.predicate if s in _ROLE_TITLES), None) or next(
                (p for s in question.predicate for p in PARAPHRASES.get(s, ()) if p in _ROLE_TITLES), None
            )  # "who directed the film": a director
        role_modifier = _role_modifier(analysis.text, role_asked) if role_asked else None
        kind_asked = (
            question.focus
            if analysis.expected == ORGANISATION and question.focus in _SPECIFIC_KINDS
            else None
        )
        found: list[Candidate] = []
        asked_countries = [e.lower() for e in analysis.entities if e.lower() in COUNTRIES]
        entity_names = [n for n in (frozenset(terms(e)) for e in analysis.entities) if n]
        question_low = analysis.text.lower()
        aliases = [n for names in expansions.values() for n in names]  # "Federal Reserve" for "Fed"
        kind_nations = _kind_nations(analysis)  # "which Turkish company": Turkey, not the Iraqi field
        asked_years = {s for s in question_numbers if _YEAR_RE.fullmatch(s)}
        asked_months = {w for w in re.findall(r"[a-z]+", analysis.text.lower()) if w in _MONTH_NAMES}
        asks_past = _PAST_ASKED_RE.search(analysis.question) is not None
        asks_winner = analysis.expected in _NAMED_TYPES and _WINNER_ASKED_RE.search(analysis.question) is not None
        asks_actual = _ACTUAL_RE.search(analysis.question) is not None and not _FORECAST_RE.search(analysis.question)
        kind_countries = sorted(kind_nations)

        def acceptable(candidate: Candidate, view: SentenceView, cue_at: list[int], focus_said: bool) -> bool:
            its_article = articles.get(view.key.article_id)  # the article the sentence is from
            cand_stems = {t.stem for t in view.tokens[candidate.first : candidate.last]}
            if analysis.expected in {PERSON, EXPANSION} and cand_stems & entity_stems:
                return False
            if analysis.expected in _NAMED_TYPES and (
                any(n <= cand_stems for n in entity_names)
                or _in_question(candidate, question_low)
                or any(_same_answer(candidate.text, alias) for alias in aliases)
            ):
                return False  # "lagged in the Beige Book": not "Beige Book report"; "RFID worries": not "ID"
            if not _shape_answers(candidate, analysis, asked_nations):
                return False
            if cue_at and min(abs(candidate.start - p) for p in cue_at) > 60:
                return False
            if role_asked and _titled_otherwise(candidate, role_asked):
                return False  # "which blogger": not "President Mohammed Khatami"
            if kind_asked and _kind_otherwise(candidate, kind_asked, question.all_stems):
                return False  # "which dictionary publisher": not "research firm Pew Internet"
            if role_modifier and _titled_with_other_modifier(candidate, role_asked, role_modifier):
                return False  # "finance minister": not "Economics Minister Aburizal Bakrie"
            if asked_countries and analysis.expected == PERSON and _of_another_country(candidate, asked_countries):
                return False  # "Indonesia's minister": not "French Finance Minister Herve Gaymard"
            if (
                analysis.expected == ORGANISATION
                and kind_nations
                and _of_another_country(candidate, kind_countries)
            ):
                return False  # "which German company": not "Hexal's US affiliate Eon Labs"
            if (
                focus_person
                and not focus_said
                and not _described(candidate)
                and not _described_in(candidate, focus_person, its_article)
            ):
                return False  # "which whistleblower": a sentence that never says so names someone else
            if (
                role_from_verb
                and not _mentions(view, role_from_verb)
                and not _described_in(candidate, role_from_verb, its_article)
            ):
                return False  # "appointed children's commissioner": not someone named captain
            if analysis.expected in {MONEY, NUMBER} and _vague_amount(candidate.text):
                return False  # "millions of pounds" says no sum
            if analysis.focus == "old" and (not candidate.text[:1].isdigit() or candidate.shape != "number"):
                return False  # an age is written in figures, and is not a share or a sum
            if relation_cues and analysis.expected == PERSON and _after_to(candidate):
                return False  # "chairman of the council of economic advisors to Gerald Ford"
            if relation_cues and analysis.expected == PERSON and _role_elsewhere(candidate, targets):
                return False  # "Digby Jones, director general of the CBI": not Cadbury's boss
            if asks_now and _told_as_past(candidate, its_article):
                return False  # "who is decorating the tree this year": not "Tracey Emin in 2002"
            if (asked_years or asked_months) and analysis.expected in {MONEY, NUMBER, PERCENTAGE} and (
                _of_another_time(candidate, asked_years, asked_months)
            ):
                return False  # "revenues in 2005": not "£3.24bn ($6.13bn) in 2003"; February's jobs: not January's
            if asked_years and analysis.expected == DATE and not asks_past and _earlier_years(candidate, asked_years):
                return False  # "when is the 2005 London marathon": not "the 2002 and 2003 London Marathons"
            if analysis.expected == DATE and _date_of_saying(candidate, question.predicate.keys()):
                return False  # "Mr Walsh told AP on Wednesday": when he said it, not when he leaves
            if asked_sex and _other_sex(view.text, asked_sex):
                return False  # "European male athlete of 2004": not the woman athlete of 2004
            if analysis.expected in {ORGANISATION, PLACE, OTHER} and _titled_person(candidate):
                return False  # "which theatre": not "Sir Cameron Mackintosh"
            if analysis.expected in {ORGANISATION, PLACE} and _called_mister(
                candidate, its_article
            ):
                return False  # "which party": not Charles Kennedy, whom the article calls "Mr Kennedy"
            if asks_actual and _forecast(candidate):
                return False  # "how many has Boeing sold so far": not "expected to sell about 500"
            if analysis.expected == PERSON and _place_not_person(candidate, its_article):
                return False  # "his move to Celtic Park", "the final in San Jose": somewhere, not someone
            if asks_winner and _beaten(candidate):
                return False  # "who won the final": not the side the winner beat on the way
            if analysis.expected == PERSON and _takes_plural_verb(candidate):
                return False  # "Real Madrid are closing in on a deal": a club, not a person
            if analysis.expected in _NAMED_TYPES and _after_weekday_or_role(candidate, analysis.expected):
                return False  # "Tuesday's Ecofin" is a meeting; "Bolton boss Sam Allardyce" is no club
            if count_of is not None and not _counts(candidate, count_of):
                return False  # "how many fighters": a number that counts something else
            if analysis.expected in _NAMED_TYPES and (
                _modifier(candidate)
                or _cut_name(candidate, analysis.expected)
                or _opening_word(candidate, written_lower)
            ):
                return False  # "a US airline attendant", "Great Ormond" of "Great Ormond Street"
            if analysis.expected == "place" and _inside_asked(candidate, analysis.entities):
                return False  # "where is Panjshir?": not "Governor's House in Panjshir"
            if analysis.expected == "number" and _whole_of_part(candidate):
                return False  # "won 121 of his 147 matches": 147 is the whole, 121 the answer
            return True

        for view, hit, cue_at in views:
            focus_said = focus_person is not None and _mentions(view, focus_person)
            typed = candidates(view, question, keep=keep)
            found.extend(c for c in typed if acceptable(c, view, cue_at, focus_said))
            following = text_at.get((hit.article_id, hit.position + 1))
            if typed or not following or analysis.expected not in _WINDOW_TYPES or cue_at:
                continue
            # "An Iranian blogger has been jailed for 14 years. Arash Sigarchi was arrested ...": the
            # sentence that matches says what happened, the next one opens with who it happened to.
            window = sentence_view(f"{hit.text} {following}", question, key=hit, extra_stems=view.extra_stems)
            window.coverage, window.bigram_share, window.rank = view.coverage, view.bigram_share, view.rank
            # It may open with a description of them first: "The Californian man, Nicholas Lee Jacobsen, ...".
            described = _DESCRIBED_OPENING_RE.match(following)
            openings = {len(hit.text) + 1, len(hit.text) + 1 + (described.end() if described else 0)}
            found.extend(
                c
                for c in candidates(window, question, keep=keep)
                if c.start in openings and acceptable(c, window, [], focus_said)
            )
        if analysis.expected in {"organisation", "place"} and question.focus:
            # "Which university ...": "Cornell University" says it is one.
            headed = [c for c in found if _says_kind(c, question.focus)]
            found = headed or found
        if analysis.expected == ORGANISATION and kind_nations:
            # "Which German company ...": "Germany's Hexal" says it is one.
            national = [c for c in found if (_titling_nation(c) or set()) & kind_nations]
            found = national or found
        if analysis.expected == "number" and "how much" in analysis.question.lower():
            # "How much will members share?": an amount, not the count of members beside it.
            amounts = [c for c in found if c.shape in {"money", "percent"}]
            found = amounts or [c for c in found if not _counts_things(c)]
        wanted_currency = _currency_asked(analysis) if analysis.expected == "money" else None
        if wanted_currency is not None:
            # "What does it cost in the US?": dollars, not the pound price quoted beside them.
            found = [c for c in found if _currency_of(c.text) in {wanted_currency, ""}]
        if not found:
            _log.debug("question %r: no candidate of type %s", analysis.question, analysis.expected)
            return await abstention()
        ranked = score_candidates(found, self.model)

        # One entry per answer; another outlet saying the same thing adds to its score.
        merged: dict[str, _Scored] = {}
        for candidate in ranked:
            if analysis.expected in {"number", "money", "percentage", "date"}:
                candidate.text = widen_to_range(candidate)
            if analysis.expected == DATE:
                candidate.text = _with_its_date(candidate)
            if analysis.expected == "place":
                candidate.text = _with_direction(candidate)
            if analysis.expected in _NAMED_TYPES:
                candidate.text = _bare_name(candidate.text)
            if analysis.expected == PERSON:
                candidate.text = _with_name_particle(_without_opening_noun(candidate, written_lower), candidate)
            if analysis.expected != PERSON:
                candidate.text = _with_title_the(candidate)
            key = _answer_key(candidate.text)
            if not key:
                continue
            hit = candidate.sentence.key
            assert isinstance(hit, SentenceHit)
            entry = merged.get(key)
            if entry is None:
                merged[key] = _Scored(candidate.text, candidate.score, candidate, [hit])
            elif all(h.article_id != hit.article_id for h in entry.hits):
                entry.hits.append(hit)
                entry.score += 0.3
        if analysis.expected in _NAMED_TYPES:
            _merge_contained(merged)
        for entry in merged.values():
            # The headline repeats it ("Dutch bank to lay off 2,850 staff"): the story's point.
            if any(_headlined(entry.text, articles.get(h.article_id)) for h in entry.hits):
                entry.score += HEADLINE_SUPPORT
        order = sorted(merged.values(), key=lambda s: s.score, reverse=True)
        best = order[0]
        runner_up = next((s for s in order[1:] if not _same_answer(s.text, best.text)), None)
        confidence = _confidence(best.score, runner_up.score if runner_up else None)
        if best.score < self._threshold or (
            runner_up is not None and best.score - runner_up.score < self._margin
        ):
            _log.debug(
                "question %r: abstained, best %r %.2f, runner-up %r %.2f",
                analysis.question,
                best.text,
                best.score,
                runner_up.text if runner_up else None,
                runner_up.score if runner_up else 0.0,
            )
            return await abstention(confidence)
        superseded: tuple[str, ...] = ()
        best_article = articles.get(best.hits[0].article_id)
        if (
            runner_up is not None
            and analysis.relation is not None
            and runner_up.score >= self._threshold
            and runner_up.candidate.sentence.coverage >= best.candidate.sentence.coverage - 1e-9
            and not _has_word(runner_up.candidate.sentence.text.lower(), best.text.lower())
        ):
            # Two well-supported answers to a role question from two reports: the newer report
            # wins and the older is mentioned. Two names in one article are not a change over
            # time (one is usually somebody else's role), so nothing is called "earlier" then; nor
            # when the other answer's own sentence names this one ("Arsenal boss Arsene Wenger would
            # consider signing Adrian Mutu").
            other_article = articles.get(runner_up.hits[0].article_id)
            mine, theirs = _when(best_article), _when(other_article)
            if best_article is not other_article and mine is not None and theirs is not None and mine != theirs:
                if theirs > mine:
                    best, runner_up = runner_up, best
                superseded = (runner_up.text,)
        return await self._read_answer(
            analysis, best.text, best.hits, articles, confidence, subject, evidence=best.candidate.sentence.text,
            superseded=superseded,
        )

    async def _read_answer(
        self,
        analysis: QuestionAnalysis,
        text: str,
        saying: Sequence[SentenceHit],
        articles: dict[str, Article],
        confidence: float,
        subject: str | None,
        *,
        evidence: str | None = None,
        superseded: tuple[str, ...] = (),
    ) -> Answer:
        """An answer read from sentences: the first one that says it is the evidence, and every
        article that says it is cited; "as of" the newest."""
        cited = _dedupe([articles[h.article_id] for h in saying if h.article_id in articles])
        return Answer(
            question=analysis.question,
            text=text,
            evidence=evidence or saying[0].text,
            citations=tuple(Citation.from_article(a) for a in cited),
            as_of=max((w for w in (_when(a) for a in cited) if w is not None), default=None),
            confidence=confidence,
            closest_story=await self._story_or_none(saying[0].story_id),
            superseded=superseded,
            subject=subject,
        )


_DIRECTION_BEFORE_RE = re.compile(
    r"\b((?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+"
    r"(?:the\s+)?(?:capital\s+|city\s+of\s+)?)$",
    re.IGNORECASE,
)


def _with_direction(candidate: Candidate) -> str:
    """"northeast of Kabul" rather than "Kabul" when the sentence places something that way."""
    before = candidate.sentence.text[: candidate.start]
    match = _DIRECTION_BEFORE_RE.search(before)
    return f"{match.group(1)}{candidate.text}" if match else candidate.text


_PAYMENT_WORDS = frozenset(stem(w) for w in "pay paid paying spend spent cost costs price".split())
_TRADE_WORDS = frozenset(
    stem(w) for w in "buy bought buying purchase purchased acquire acquired takeover sell sold selling".split()
)


_WORTH_WORDS = frozenset(stem(w) for w in "worth value valued cost costs price".split())


def _money_words_said(analysis: QuestionAnalysis, view: SentenceView, sentence_stems: set[str]) -> frozenset[str]:
    """The money words of a money question that a sentence says by giving the sum:
    - "How much did Diageo pay for Chalone?" is answered by "Diageo ... agreed to buy Chalone
      for $260m": the payment is what the amount of a sale is;
    - "How much is the prize worth?" by "The new £60,000 award": a sum is a worth and a cost."""
    if analysis.expected != MONEY:
        return frozenset()
    said = _WORTH_WORDS if any(t.text[:1] in "$£€" for t in view.tokens) else frozenset()
    return said | _PAYMENT_WORDS if sentence_stems & _TRADE_WORDS else said


# "The new chief executive": the sentence may say "newly-appointed", or nothing of the kind, so
# these words count as said.
_TIME_QUALIFIERS = frozenset(stem(w) for w in "new current present latest".split())


_BASED_WORDS = frozenset({stem("based"), stem("headquartered")})


_UNIT_RE = re.compile(
    r"(?:'s|’s)\s+(?:[a-z&-]+\s+){0,4}?(division|unit|arm|department|subsidiary|lab|laboratory|wing|branch|bureau)\b",
    re.IGNORECASE,
)


def _unit_asked(question: str) -> str | None:
    """The stem of the part of an organisation a question asks about ("Microsoft's home and
    entertainment division"), whose head is not the organisation's."""
    match = _UNIT_RE.search(question)
    return stem(match.group(1).lower()) if match else None


_PERIOD_RE = re.compile(
    r"\b(first|last|past|next|opening)\s+(?:(\w+)\s+)?(day|week|weekend|month|quarter|year)s?\b", re.IGNORECASE
)
_ONE_WORDS = frozenset({"", "one", "1", "a"})
_COUNT_WORDS = frozenset("two three four five six seven eight nine ten eleven twelve".split())


def _periods(text: str) -> list[tuple[str, str, str]]:
    """The spans of time a text counts from an edge, in the order it says them: "its first week"
    is (first, one, week), "the last three months" (last, three, month)."""
    out: dict[tuple[str, str, str], None] = {}
    for match in _PERIOD_RE.finditer(text):
        count = (match.group(2) or "").lower()
        if count and not (count.isdigit() or count in _COUNT_WORDS or count in _ONE_WORDS):
            count = ""  # "the first full week": a description, not a count
        out[(match.group(1).lower(), "one" if count in _ONE_WORDS else count, match.group(3).lower())] = None
    return list(out)


def _other_period(sentence: str, asked: tuple[str, str, str]) -> bool:
    """Whether a sentence tells of another span from the same edge ("its first two days" when
    asked about its first week), and not of the one asked about."""
    said = _periods(sentence)
    return asked not in said and any(period[0] == asked[0] for period in said)


# "The Californian man, ": a description that a name in apposition follows.
_DESCRIBED_OPENING_RE = re.compile(r"(?:The|A|An)\s+(?:[\w-]+\s+){0,3}[a-z][\w-]*,\s+(?=[A-Z])")


def _based_in(names: Sequence[str], hits: Sequence[SentenceHit]) -> tuple[str, list[SentenceHit]] | None:
    """Where "Frankfurt-based Deutsche Boerse" says a named firm is based: the place and the
    sentences that say so. None when no sentence does, or when they disagree."""
    found: dict[str, list[SentenceHit]] = {}
    for name in names:
        if len(name) < 3:
            continue
        pattern = re.compile(
            rf"\b((?:[A-Z][\w.'’]*\s){{0,2}}[A-Z][\w.'’]*)-based\s+(?:[a-z][\w-]*\s+){{0,3}}{re.escape(name)}\b"
        )
        for hit in hits:
            match = pattern.search(hit.text)
            if match is None:
                continue
            words = match.group(1).split()
            while words and words[0].lower() in STOPWORDS:
                words.pop(0)  # "The New York-based ...": the place is "New York"
            if words:
                found.setdefault(" ".join(words), []).append(hit)
    if len(found) != 1:
        return None
    place, saying = next(iter(found.items()))
    return place, saying


def _predicate_needed(count: int) -> float:
    """The share of a question's plain words a sentence must have: all but paraphrase-level
    slack for one or two words, less for long questions whose extra words are description."""
    return MIN_PREDICATE if count <= 2 else 0.3 if count == 3 else 0.25


def _modifier(candidate: Candidate) -> bool:
    """A name used as a modifier: a lone nationality ("a US airline", "Dutch coach"), or any name
    right before the common noun it qualifies ("the Primera Liga club", "Tate & Lyle chairman")."""
    tokens = candidate.sentence.tokens
    after = tokens[candidate.last] if candidate.last < len(tokens) else None
    if after is None or not after.text[:1].islower() or after.low in STOPWORDS:
        return False
    if candidate.last - candidate.first == 1 and _adjectival(tokens[candidate.first].text):
        return True
    return after.low in HEAD_NOUNS or after.low.rstrip("s") in HEAD_NOUNS


_COUNT_QUALIFIERS = frozenset("other more further new extra additional".split())


def _counts_things(candidate: Candidate) -> bool:
    """Whether a number counts things ("400 customers"): a plural noun comes right after it."""
    tokens = candidate.sentence.tokens
    at = candidate.last
    if at < len(tokens) and tokens[at].low in _COUNT_QUALIFIERS:
        at += 1  # "two other clubs", "three more games"
    return at < len(tokens) and _plural_noun(tokens[at])


def _says_kind(candidate: Candidate, focus: str) -> bool:
    """Whether a name says it is the kind asked for: "Cornell University", "the city of Hyderabad"."""
    tokens = candidate.sentence.tokens
    if candidate.last - candidate.first >= 2 and tokens[candidate.last - 1].stem == focus:
        return True
    before = tokens[max(0, candidate.first - 2) : candidate.first]
    return len(before) == 2 and before[1].low == "of" and before[0].stem == focus


def _opening_word(candidate: Candidate, written_lower: Callable[[str], bool]) -> bool:
    """A lone word capitalised only because it opens the sentence ("According to ...",
    "Elsewhere, ..."): a function word, a word with a verb's or adverb's ending, or one that the
    articles at hand also write in lower case, as names never are; or a phrase whose other words
    are all in lower case."""
    tokens = candidate.sentence.tokens
    opening = _opening_index(tokens)
    if candidate.first != opening:
        return False
    if candidate.last > opening + 1:
        # "Hundreds of ballot papers": a plain phrase, whose first word only opens the sentence.
        return all(t.text.isalpha() and t.text.islower() for t in tokens[opening + 1 : candidate.last])
    low = tokens[opening].low
    return low in STOPWORDS or low in _DISCOURSE_WORDS or low.endswith(("ing", "ed", "ly")) or written_lower(low)


def _with_name_particle(text: str, candidate: Candidate) -> str:
    """"Renaud Donnedieu de Vabres", not "Renaud Donnedieu": a surname that goes on past a
    lower-case particle ("de", "van", "von") to a capitalised word is taken whole."""
    tokens = candidate.sentence.tokens
    at = candidate.last
    if at + 1 >= len(tokens) or tokens[at].text not in _NAME_PARTICLES or not tokens[at + 1].is_cap:
        return text
    end = at + 1
    while end + 1 < len(tokens) and tokens[end + 1].is_cap and not tokens[end + 1].is_punct:
        end += 1
    return text + candidate.sentence.text[candidate.end : tokens[end].end]


def _without_opening_noun(candidate: Candidate, written_lower: Callable[[str], bool]) -> str:
    """"Stephen Fry" of "Actor Stephen Fry is joining the cast": a name that opens the sentence
    without its first word, when that word is capitalised only there (the articles write it in
    lower case) and a name of two words or more is left."""
    tokens = candidate.sentence.tokens
    first = candidate.first
    if first != _opening_index(tokens) or candidate.last - first < 3 or not written_lower(tokens[first].low):
        return candidate.text
    rest = tokens[first + 1 : candidate.last]
    if not all(t.is_cap for t in rest):
        return candidate.text
    return candidate.sentence.text[rest[0].start : candidate.end]


# Words that open a sentence to link it to the last one (a closed class of English).
_DISCOURSE_WORDS = frozenset(
    "elsewhere meanwhile however moreover furthermore nevertheless nonetheless instead overall "
    "still yet also now today yesterday tomorrow later earlier first firstly second finally "
    "indeed besides otherwise thus hence therefore likewise similarly separately".split()
)


def _cut_name(candidate: Candidate, expected: str) -> bool:
    """Whether a name candidate stops short of the name it is part of ("Great Ormond" of "Great
    Ormond Street Hospital"): the next word is capitalised too, or is a model number ("PlayStation
    2"). For a place or an organisation, so is a capitalised word before it ("Theatre" of "La
    Fenice Theatre"); a person's name follows a capitalised title ("Finance Minister Herve
    Gaymard") and is whole."""
    tokens = candidate.sentence.tokens
    after = tokens[candidate.last] if candidate.last < len(tokens) else None
    if after is not None and after.is_cap and not after.is_punct and after.low not in _NOT_NAMES | {"i"}:
        return True
    if _model_number_after(candidate, expected):
        return True  # "PlayStation" of "PlayStation 2"
    if expected not in {"place", "organisation"} or candidate.first < 2:
        return False
    before = tokens[candidate.first - 1]
    return (
        before.is_cap
        and not before.is_punct
        and not before.low.endswith(("'s", "’s"))
        and before.low not in _NOT_NAMES
        and not tokens[candidate.first - 2].is_punct
    )


def _model_number_after(candidate: Candidate, expected: str) -> bool:
    """Whether a thing's name goes on with a model number ("PlayStation 2"); a person's name
    followed by a number is followed by a score or an age ("Tom Reed 6-3")."""
    tokens = candidate.sentence.tokens
    at = candidate.last
    if expected == PERSON or candidate.shape != "name" or at >= len(tokens):
        return False
    number = tokens[at]
    following = tokens[at + 1].text if at + 1 < len(tokens) else ""
    return number.text.isdigit() and len(number.text) <= 3 and following not in {"-", "–", ".", ","}


def _inside_asked(candidate: Candidate, entities: Sequence[str]) -> bool:
    """Whether a place candidate is said to be in the place asked about ("X in Panjshir")."""
    rest = candidate.sentence.text[candidate.end :].lstrip(" ,").lower()
    return any(rest.startswith(f"in {e.lower()}") for e in entities)


_ONE_IN = frozenset("one 1 two 2 three 3 four 4".split())
# How far "of" and the whole may reach in "all but 92 of the Lords' 750 hereditary peers".
_PART_OF_WHOLE = 6


def _whole_of_part(candidate: Candidate) -> bool:
    """Whether a number is the whole in "121 of his 147" or "all but 92 of the Lords' 750"
    (preceded by a number and "of"), or the base of a rate ("one in 10 adults")."""
    tokens = candidate.sentence.tokens
    first = candidate.first
    if first >= 2 and tokens[first - 1].low == "in" and tokens[first - 2].low in _ONE_IN:
        return True
    before = [t.low for t in tokens[max(0, first - _PART_OF_WHOLE + 1) : first]]
    if "of" not in before:
        return False
    of_at = first - len(before) + before.index("of")
    if of_at > 0 and (tokens[of_at - 1].text.endswith("%") or tokens[of_at - 1].low in {"percent", "cent"}):
        return False  # "20% of the remaining 1,500 pandas": a share of the whole, which is the count
    return of_at > 0 and tokens[of_at - 1].is_num and tokens[of_at - 1].text[:1].isdigit()


def _counted_words(analysis: QuestionAnalysis) -> frozenset[str] | None:
    """The stems of what "how many X" counts ("text messages": text, messag), or None when the
    question counts no plain noun ("how old", "how many did ...")."""
    focus = analysis.focus
    if not focus or focus in {"old", "long", "far", "big", "tall", "large", "high", "often", "much", "many"}:
        return None
    match = re.search(rf"\bhow many ((?:[a-z0-9-]+ ){{0,2}}){re.escape(focus)}\b", analysis.question.lower())
    if match is None:
        return None
    words = [*match.group(1).split(), focus]
    return frozenset(tokenize(w)[0].stem for w in words if w not in STOPWORDS and tokenize(w))


def _counts(candidate: Candidate, counted: frozenset[str]) -> bool:
    """Whether a number counts what the question counts: one of its words is next to it."""
    tokens = candidate.sentence.tokens
    if candidate.first > 0 and tokens[candidate.first - 1].low in {"per", "every"}:
        return False  # "per 100 people": the base of a rate
    if any(t.low == "per" for t in tokens[candidate.last : candidate.last + 4]):
        return False  # "8.4 broadband users per 100 people": a rate, not a count
    after = tokens[candidate.last : candidate.last + 2]
    if after and after[0].text in {"-", "–"} and (len(after) < 2 or after[1].stem not in counted):
        return False  # "an 18-month association" counts months, not what was asked
    if after and after[0].low == "of" and candidate.text.lower() == "one":
        return False  # "one of the best"
    if after and after[0].stem in _UNITS and after[0].stem not in counted:
        return False  # "an application in about 11 minutes" measures time, not applications
    whole = tokens[candidate.last : candidate.last + _PART_OF_WHOLE]
    if whole and whole[0].low == "of":
        # "121 of his 147 matches": the part counts what the whole counts.
        numbers = [i for i, t in enumerate(whole) if t.is_num and t.text[:1].isdigit()]
        if numbers:
            after = tokens[candidate.last + numbers[0] + 1 : candidate.last + numbers[0] + 3]
            if any(t.stem in counted for t in after):
                return True
    if (
        after
        and _plural_noun(after[0])
        and not any(_is_counted(t, counted) for t in tokens[candidate.last : candidate.last + 3])
    ):
        return False  # "people in 13 countries" counts countries; "nine overseas embassies" counts embassies
    head = _counted_head(tokens, candidate.last)
    if (
        head is not None
        and not _is_counted(head, counted)
        and not any(t.text.islower() and _is_counted(t, counted) for t in tokens[candidate.last : candidate.last + 3])
    ):
        return False  # "several hundred UK citizens" counts citizens: "UK" only says whose
    near = tokens[candidate.last : candidate.last + 5] + tokens[max(0, candidate.first - 5) : candidate.first]
    return any(_is_counted(t, counted) for t in near)


def _is_counted(token: Token, counted: frozenset[str]) -> bool:
    """Whether a word is one of what is counted, or says it another way ("jobs" for staff)."""
    return token.stem in counted or any(p in counted for p in PARAPHRASES.get(token.stem, ()))


def _counted_head(tokens: Sequence[Token], at: int) -> Token | None:
    """The plural noun a number's phrase ends on ("UK citizens", "overseas embassies"): the last
    plural noun of the up to three words after the number, before any function word or mark."""
    head = None
    for token in tokens[at : at + 3]:
        if token.is_punct or token.is_num or token.low in STOPWORDS:
            break
        if _plural_noun(token):
            head = token
    return head


_VAGUE_AMOUNTS = frozenset(
    "hundreds thousands millions billions dozens tens scores many several "
    "hundred thousand million billion dozen".split()
)
_VAGUE_WORDS = _VAGUE_AMOUNTS | {"of"}  # "tens of thousands"


def _vague_amount(text: str) -> bool:
    """"Millions", "tens of thousands": an order of size, not an amount."""
    words = re.findall(r"[a-z]+", text.lower())
    return not any(ch.isdigit() for ch in text) and bool(words) and all(w in _VAGUE_WORDS for w in words)


def _plural_noun(token: Token) -> bool:
    """A lower-case word that looks like a plural noun ("clubs", "countries")."""
    low = token.low
    return token.text.isalpha() and token.text.islower() and low.endswith("s") and not low.endswith("ss") and (
        low not in STOPWORDS and low not in _NOT_PLURAL_NOUNS
    )


_NOT_PLURAL_NOUNS = frozenset("is was has does goes says makes takes gives its this thus plus always perhaps".split())


# Units a number measures in; a number right before one measures, it does not count.
_UNITS = frozenset(
    stem(w)
    for w in "second seconds minute minutes hour hours day days week weeks month months year years "
    "metre metres meter meters km kilometres miles mile kg kilos tonnes tons mph percent per times".split()
)

# Titles and roles that name what someone is, when written right before the name.
_ROLE_TITLES = frozenset(
    stem(w)
    for w in "president chief minister chairman chairwoman spokesman spokeswoman leader director secretary "
    "executive boss manager coach captain governor mayor senator chancellor king queen prince judge "
    "founder editor ambassador commissioner general referee umpire".split()
)


def _mentions(view: SentenceView, word: str) -> bool:
    """Whether a sentence (or its article's title) has ``word`` (a stem) or a paraphrase of it."""
    have = stems_of(view.tokens) | view.extra_stems
    return word in have or any(p in have for p in PARAPHRASES.get(word, ()))


def _described_in(candidate: Candidate, focus: str, article: Article | None) -> bool:
    """Whether the article calls this person what the question asks ("former Chelsea chairman
    Ken Bates" elsewhere in it): the focus word within a few words of the name's last word."""
    if article is None:
        return False
    surname = candidate.text.split()[-1].lower()
    text = article.text.lower()
    forms = {focus[:5], *(p[:5] for p in PARAPHRASES.get(focus, ()))}
    for match in re.finditer(rf"\b{re.escape(surname)}\b", text):
        window = text[max(0, match.start() - 50) : match.end() + 40]
        if any(form in window for form in forms):
            return True
    return False


def _described(candidate: Candidate) -> bool:
    """Whether a name comes right after a plain description of the person ("lawyer Lord Scarman")."""
    if candidate.first == 0:
        return False
    before = candidate.sentence.tokens[candidate.first - 1]
    return before.text.isalpha() and before.text.islower() and before.low not in STOPWORDS


def _titled_otherwise(candidate: Candidate, focus: str) -> bool:
    """Whether a name comes right after a role word other than the one asked about: asked for a
    blogger, "President Mohammed Khatami" and "financial chief Scott Sullivan" are someone else."""
    tokens = candidate.sentence.tokens
    # The title is the word before the name, or the name's own first word ("Editor Lina Vos").
    title = tokens[candidate.first] if candidate.last - candidate.first >= 2 else None
    if title is None or title.stem not in _ROLE_TITLES:
        title = tokens[candidate.first - 1] if candidate.first > 0 else None
    if title is None or title.is_punct or title.stem not in _ROLE_TITLES:
        return False
    return title.stem != focus and focus not in PARAPHRASES.get(title.stem, ())


_ORG_KINDS = frozenset(stem(w) for w in ORG_NOUNS)
# Asked for "which company" or "which group", any kind of business answers; a publisher is one kind.
_SPECIFIC_KINDS = _ORG_KINDS - frozenset(stem(w) for w in "company firm group organisation organization body".split())


def _kind_otherwise(candidate: Candidate, kind: str, asked: frozenset[str]) -> bool:
    """Whether a name comes right after a description of another kind of organisation: asked
    for a dictionary publisher, "research firm Pew Internet" is something else."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at < 0 or not tokens[at].text.isalpha() or not tokens[at].text.islower() or tokens[at].stem not in _ORG_KINDS:
        return False
    described = [tokens[at]]
    if at > 0 and tokens[at - 1].text.isalpha() and tokens[at - 1].low not in STOPWORDS:
        described.append(tokens[at - 1])  # "research firm", "Italian carmaker"
    return not any(t.stem == kind or t.stem in asked for t in described)


# The countries a nationality or a country's name stands for (a country with several names
# stands for all of them).
_NATION_OF = {
    "french": {"france"},
    "dutch": {"netherlands", "holland"},
    "swiss": {"switzerland"},
    "british": {"britain", "uk", "england", "scotland", "wales"},
    "english": {"england", "britain", "uk"},
    "scottish": {"scotland", "britain", "uk"},
    "welsh": {"wales", "britain", "uk"},
    "irish": {"ireland"},
    "american": {"america", "us", "usa"},
    "us": {"america", "us", "usa"},
    "usa": {"america", "us", "usa"},
    "america": {"america", "us", "usa"},
    "uk": {"britain", "uk", "england", "scotland", "wales"},
    "britain": {"britain", "uk", "england", "scotland", "wales"},
    "england": {"england", "britain", "uk"},
    "holland": {"netherlands", "holland"},
    "netherlands": {"netherlands", "holland"},
    "greek": {"greece"},
    "danish": {"denmark"},
    "swedish": {"sweden"},
    "norwegian": {"norway"},
    "finnish": {"finland"},
    "polish": {"poland"},
    "turkish": {"turkey"},
    "spanish": {"spain"},
    "portuguese": {"portugal"},
    "indian": {"india"},
    "indonesian": {"indonesia"},
    "austrian": {"austria"},
    "australian": {"australia"},
    "iranian": {"iran"},
    "iraqi": {"iraq"},
    "chinese": {"china"},
    "japanese": {"japan"},
    "german": {"germany"},
    "italian": {"italy"},
    "russian": {"russia"},
    "canadian": {"canada"},
    "mexican": {"mexico"},
    "brazilian": {"brazil"},
    "argentine": {"argentina"},
    "argentinian": {"argentina"},
    "israeli": {"israel"},
    "egyptian": {"egypt"},
    "pakistani": {"pakistan"},
    "afghan": {"afghanistan"},
    "korean": {"korea"},
    "taiwanese": {"taiwan"},
    "ukrainian": {"ukraine"},
    "belgian": {"belgium"},
}


# A nationality names its country only where it says no more than that country: "British" is
# Britain, but not Scotland or Wales.
_NATIONALITY_NAMES = {"british": {"britain", "uk"}, "english": {"england"}}


@lru_cache(maxsize=1)
def _nationalities() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for nationality, countries in _NATION_OF.items():
        if nationality in COUNTRIES:
            continue  # "us", "uk": another name of the country, not a nationality
        for country in _NATIONALITY_NAMES.get(nationality, countries):
            found[country].add(tokenize(nationality)[0].stem)
    return {country: frozenset(stems) for country, stems in found.items()}


@lru_cache(maxsize=1)
def _country_stems() -> dict[str, frozenset[str]]:
    return {
        tokenize(nationality)[0].stem: frozenset(tokenize(c)[0].stem for c in countries)
        for nationality, countries in _NATION_OF.items()
    }


def _countries_of(nationality_stem: str) -> frozenset[str]:
    """The stems of the countries a nationality's stem stands for ("japan" for "japanes")."""
    return _country_stems().get(nationality_stem, frozenset())


def _nationality_stems(country: str) -> frozenset[str]:
    """The stems of the nationality words of a country ("chines" for China); none for other names."""
    return _nationalities().get(country, frozenset())


def _in_question(candidate: Candidate, question_low: str) -> bool:
    """Whether the question itself says the candidate: as whole words, or, for an acronym, as
    part of a longer one ("ID" in "RFID")."""
    bare = _bare_name(candidate.text)
    text = bare.lower()
    if len(text) < 2:
        return False
    if candidate.shape == "acronym":
        return text in question_low
    if re.fullmatch(r"[A-Z]{2,}s", bare):
        text = text[:-1]  # "DVDs" of "dvd"
    return _has_word(question_low, text) or _has_word(question_low, _singular(text))


def _nations_named(text: str) -> frozenset[str]:
    """The countries a question names, by name or nationality ("which German city": Germany)."""
    out: set[str] = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NATION_OF:
            out |= _NATION_OF[word]
        elif word in COUNTRIES and word not in {"us", "turkey", "china"}:
            out.add(word)  # in lower case these three are as often a word as a country
    return frozenset(out)


_TEAM_NOUNS = frozenset("team side squad nation country".split())
_COUNT_OF_MONEY = frozenset("pounds dollars euros yen francs cents pence".split())


_COUNTRY_NOUNS = frozenset({"country", "nation"})
_TOWN_NOUNS = frozenset({"city", "town", "village", "capital", "port", "resort", "suburb"})


_APPOSED_ROLE_RE = re.compile(
    r"^,\s+(?:the\s+|a\s+|an\s+)?(?:[a-z-]+\s+){0,3}?(?:director[- ]general|chief executive|chairman|chairwoman|"
    r"president|leader|head|boss|chief|director|founder|owner|manager|coach|spokesman|spokeswoman|editor|"
    r"secretary[- ]general|governor|minister|captain)\s+(?:of|at|for)\s+(?:the\s+)?"
    r"([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*)"
)


def _role_elsewhere(candidate: Candidate, targets: Sequence[str]) -> bool:
    """Whether the sentence gives the person a role in an organisation the question does not name:
    "Digby Jones, director general of the UK's CBI" when Cadbury Schweppes's head is asked for."""
    match = _APPOSED_ROLE_RE.match(candidate.sentence.text[candidate.end :])
    return match is not None and bool(targets) and not _matches(_bare_name(match.group(1)), targets)


_NOW_RE = re.compile(r"\b(?:this year|these days|currently|right now|at the moment|at present)\b", re.IGNORECASE)
_PAST_RE = re.compile(r"\b(?:previous|past|earlier|former) years?\b|\bin the past\b|\bpreviously\b", re.IGNORECASE)


def _told_as_past(candidate: Candidate, article: Article | None) -> bool:
    """Whether the sentence gives the candidate for an earlier time than the question asks about:
    "Artists who decorated the tree in previous years include Tracey Emin in 2002"."""
    text = candidate.sentence.text
    if _PAST_RE.search(text):
        return True
    year = re.match(r"\s+in ((?:19|20)\d\d)\b", text[candidate.end :])
    when = _when(article)
    return year is not None and when is not None and int(year.group(1)) < when.year


_DAY_DATE_RE = re.compile(
    r"^,?\s+(?:the\s+)?(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{1,2}(?:st|nd|rd|th)?)\b"
)


def _with_its_date(candidate: Candidate) -> str:
    """"Tuesday, 14 June" rather than "Tuesday": a weekday followed by its date answers as both."""
    if candidate.text.lower() not in DAYS:
        return candidate.text
    match = _DAY_DATE_RE.match(candidate.sentence.text[candidate.end :])
    return f"{candidate.text}, {match.group(1)}" if match else candidate.text


_SEX_WORDS = {
    "male": re.compile(r"\b(?:male|men|men's|man's|boys|boys')\b", re.IGNORECASE),
    "female": re.compile(r"\b(?:female|women|women's|woman|woman's|girls|girls'|ladies|ladies')\b", re.IGNORECASE),
}


def _sex_of(text: str) -> str | None:
    """Which of men's and women's events or prizes a text names, when it names one only."""
    named = [sex for sex, words in _SEX_WORDS.items() if words.search(text)]
    return named[0] if len(named) == 1 else None


def _other_sex(sentence: str, asked: str) -> bool:
    """Whether a sentence is about the other sex's event or prize than the question's."""
    told = _sex_of(sentence)
    return told is not None and told != asked


_SAYING = frozenset(stem(w) for w in "said says told tells announced added confirmed reported revealed".split())


def _date_of_saying(candidate: Candidate, asked: Iterable[str]) -> bool:
    """Whether a date is when something was said ("..., Mr Walsh told AP on Wednesday"), and the
    question does not ask when it was said."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at < 1 or tokens[at].low != "on" or _SAYING & set(asked):
        return False
    return any(t.stem in _SAYING for t in tokens[max(0, at - 6) : at])


def _of_another_time(candidate: Candidate, years: set[str], months: set[str]) -> bool:
    """Whether a figure is said to be another year's or month's: "in 2003" or "in January" right
    after it (past a bracketed conversion, "£3.24bn ($6.13bn) in 2003"), when the question asks
    about other years or months (a month asked, a year alone says another span)."""
    tokens = candidate.sentence.tokens
    at = candidate.last
    if at < len(tokens) and tokens[at].text == "(":
        while at < len(tokens) and tokens[at].text != ")":
            at += 1
        at += 1
    for _ in range(2):  # past what it counts: "146,000 jobs in January"
        if at < len(tokens) and tokens[at].text.isalpha() and tokens[at].text.islower():
            if tokens[at].low in {"in", "for", "during"}:
                break
            at += 1
    if at + 1 >= len(tokens) or tokens[at].low not in {"in", "for", "during"}:
        return False
    said = tokens[at + 1]
    if _YEAR_RE.fullmatch(said.text):
        return said.text not in years if years else bool(months)
    return bool(months) and said.low in _MONTH_NAMES and said.low not in months


_MONTH_NAMES = CALENDAR - DAYS - {"christmas", "easter"}
_ACTUAL_RE = re.compile(r"\bso far\b|\b(?:has|have|had|did)\b", re.IGNORECASE)
# What someone expects rather than what has happened; a question with one of these (or "will",
# "could", "might", "plan", "hope", "aim") asks about a forecast itself.
_FORECAST_LIST = "expect expects expected forecast forecasts predict predicts predicted hopes aims target".split()
_FORECAST_RE = re.compile(
    r"\b(?:" + "|".join([*_FORECAST_LIST, "will", "could", "might", "plan", "plans", "hope", "aim"]) + r")\b",
    re.IGNORECASE,
)
_FORECAST_WORDS = frozenset(stem(w) for w in _FORECAST_LIST)


_PAST_ASKED_RE = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)


def _earlier_years(candidate: Candidate, years: set[str]) -> bool:
    """Whether a date falls in years before every year the question names: the 2002 race does
    not say when the 2005 one is."""
    said = _YEAR_RE.findall(candidate.text)
    return bool(said) and max(said) < min(years)


def _forecast(candidate: Candidate) -> bool:
    """Whether a figure is what someone expects, not what has happened: "expected to sell about
    500" a few words before it, in its clause."""
    tokens = candidate.sentence.tokens
    for token in reversed(tokens[max(0, candidate.first - 6) : candidate.first]):
        if token.text in {",", ";", ".", "-", "–"}:
            return False
        if token.stem in _FORECAST_WORDS:
            return True
    return False


def _called_mister(candidate: Candidate, article: Article | None) -> bool:
    """Whether the article calls the name's last word "Mr", "Mrs" or "Ms" ("Mr Kennedy"): a person."""
    words = candidate.text.split()
    if len(words) < 2 or article is None or not words[-1][:1].isupper():
        return False
    return re.search(rf"\b(?:Mr|Mrs|Ms)\.? {re.escape(words[-1])}\b", article.text) is not None


# "Who won ...", "which team beat ...": the winner is asked ("who did she beat" asks the other).
_WINNER_ASKED_RE = re.compile(
    r"\b(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:has\s+|have\s+|had\s+)?(?:won|wins|beat|beats)\b", re.IGNORECASE
)
_BEATING_WORDS = frozenset("beat beats beating defeated defeating thrashed edged".split())
_WIN_WORDS = frozenset("win wins victory triumph".split())


def _beaten(candidate: Candidate) -> bool:
    """Whether a name is the one beaten: "a 3-2 win over Cotonsport", "beating Tomas Zib"."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at < 0:
        return False
    if tokens[at].low in _BEATING_WORDS:
        return True
    return tokens[at].low == "over" and any(t.low in _WIN_WORDS for t in tokens[max(0, at - 4) : at])


def _after_to(candidate: Candidate) -> bool:
    """Whether a name is the object of "to" ("advisor to Gerald Ford"): not who holds a role
    ("according to" only says who said it)."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    return at >= 0 and tokens[at].low == "to" and not (at > 0 and tokens[at - 1].low == "according")


def _titled_person(candidate: Candidate) -> bool:
    """"Sir Cameron Mackintosh", "Dr Mario Paniccia": a title and a name are a person ("Lord's",
    the ground, is not)."""
    words = candidate.text.split()
    if len(words) >= 2 and words[0].lower().rstrip(".") in PERSON_TITLES and words[1][:1].isupper():
        return True
    if len(words) >= 3 and stem(words[0].lower()) in _PERSON_NOUNS and all(w[:1].isupper() for w in words[1:]):
        return True  # "Treasurer Peter Costello"
    tokens = candidate.sentence.tokens
    return candidate.first > 0 and tokens[candidate.first - 1].text.lower().rstrip(".") in PERSON_TITLES


# The last words of the names of places, never of people.
_PLACE_ENDINGS = frozenset(
    "park stadium road street square avenue lane arena airport racecourse centre center palace wharf "
    "bridge circuit ground".split()
)


def _place_not_person(candidate: Candidate, article: Article | None) -> bool:
    """"Celtic Park", and "San Jose" in "the final in San Jose": a name that ends as a place's
    does, or that the sentence puts somewhere ("in", "at", "near") and the article never calls
    by its last word alone, as it calls a person ("Blair said")."""
    words = candidate.text.split()
    if len(words) >= 2 and words[-1].lower() in _PLACE_ENDINGS:
        return True
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at < 0 or tokens[at].low not in {"in", "at", "near"} or candidate.text.endswith(("'s", "’s")):
        return False
    if len(words) < 2:
        return False  # a single word after "in" may be a firm, a team or a surname
    if article is None:
        return True
    return re.search(rf"(?<!{re.escape(words[-2])} ){re.escape(words[-1])}\b", article.text) is None


def _takes_plural_verb(candidate: Candidate) -> bool:
    """A name followed by "are" or "were" is a team or a firm (in British usage), never one person."""
    tokens = candidate.sentence.tokens
    return candidate.last < len(tokens) and tokens[candidate.last].low in {"are", "were"}


def _after_weekday_or_role(candidate: Candidate, expected: str) -> bool:
    """A name that opens with a weekday ("Tuesday's Ecofin") names an occasion; an organisation
    or a place asked for is not a name written right after a person's role ("boss Sam Allardyce")."""
    tokens = candidate.sentence.tokens
    if tokens[candidate.first].low.removesuffix("'s").removesuffix("’s") in DAYS:
        return True
    if expected not in {ORGANISATION, PLACE} or candidate.first == 0:
        return False
    before = tokens[candidate.first - 1]
    return before.text.islower() and before.stem in _PERSON_NOUNS


# What a name written right after is a person: roles, and players' and artists' callings.
_PERSON_NOUNS = _ROLE_TITLES | frozenset(
    stem(w)
    for w in "defender midfielder striker goalkeeper keeper winger forward full-back fly-half prop lock "
    "scrum-half batsman bowler sprinter athlete player actor actress singer star director producer "
    "author writer novelist comedian presenter rapper guitarist drummer designer artist lawyer treasurer "
    "economist analyst".split()
)


def _shape_answers(candidate: Candidate, analysis: QuestionAnalysis, nations: frozenset[str]) -> bool:
    """Whether a candidate's kind can answer at all, past what its shape fits:
    - "how many" counts things: not a share ("36%") or a sum of money, unless money is counted;
    - a company, a channel or an agency is not a country ("Argentina"); a team may be one;
    - "which German city": not Germany itself, nor any country the question names;
    - "what" asks for a name, a title or an address: not a plain lower-case phrase ("hopes"), and
      "what is the name of ..." not a sum or a date."""
    name = candidate.text.lower().removesuffix("'s").removesuffix("’s")
    if analysis.expected == NUMBER:
        counting = "how many" in analysis.question.lower() and analysis.focus not in _COUNT_OF_MONEY
        return not (counting and candidate.shape in {"money", "percent"})
    if analysis.expected == ORGANISATION:
        if name.split()[-1] in _PAPER_ENDINGS and analysis.focus not in _PAPER_NOUNS:
            return False  # "which drinks group": not the Financial Times, which reported it
        return not (name in COUNTRIES or name in _NATION_OF) or analysis.focus in _TEAM_NOUNS
    if analysis.expected == PLACE:
        if analysis.focus in _COUNTRY_NOUNS and name not in COUNTRIES and name not in _NATION_OF:
            return False  # "which country": Argentina, not Perth
        if analysis.focus in _TOWN_NOUNS and (name in COUNTRIES or name in _NATION_OF):
            return False  # "in which city": Amritsar, not India
        return not ({name} | _NATION_OF.get(name, set())) & nations
    if analysis.expected == OTHER and _NAME_ASKED_RE.search(analysis.question) and (
        candidate.shape in {"money", "percent", "number", "year", "date"} or _NUMBER_START_RE.match(candidate.text)
    ):
        return False  # a name is no sum
    if analysis.expected == OTHER and candidate.shape == "lower":
        return any(ch.isdigit() or ch in "./@" for ch in candidate.text)
    if analysis.expected == OTHER and stem(name.split()[-1]) in _FIRM_ENDINGS:
        return False  # "what drug": not "Forest Laboratories", a firm (a firm is asked as one)
    return True


# Newspapers' names end so; they are the news's sources, seldom what a question asks about.
_PAPER_ENDINGS = frozenset("times journal post telegraph herald gazette tribune chronicle".split())
_PAPER_NOUNS = frozenset("newspaper paper daily publication title magazine".split())
_NAME_ASKED_RE = re.compile(r"\bname\b|\bcalled\b", re.IGNORECASE)
_NUMBER_START_RE = re.compile(r"[$£€]?\d")


def _of_another_country(candidate: Candidate, countries: Sequence[str]) -> bool:
    """Asked about Indonesia's minister, "French Finance Minister Herve Gaymard" is France's: a
    nationality or country among the words that title the name, none of the countries asked."""
    nation = _titling_nation(candidate)
    return nation is not None and not any(country in nation for country in countries)


def _kind_nations(analysis: QuestionAnalysis) -> frozenset[str]:
    """The countries of the nationality that describes the kind asked for: Turkey in "which
    Turkish company won an Iraqi contract"."""
    if not analysis.focus:
        return frozenset()
    match = re.search(rf"\b(?:which|what)\s+((?:[\w-]+\s+){{0,3}}){re.escape(analysis.focus)}\b", analysis.text.lower())
    return _nations_named(match.group(1)) if match else frozenset()


def _titling_nation(candidate: Candidate) -> set[str] | None:
    """The countries of the nationality or country among the few words that title a name
    ("Argentina's economy minister", "French finance minister", "Germany's Hexal"), if any."""
    tokens = candidate.sentence.tokens
    index = candidate.first - 1
    if candidate.last - candidate.first >= 2 and tokens[candidate.first].low.endswith(("'s", "’s")):
        index = candidate.first  # "Germany's Hexal" taken whole
    while index >= 0 and index >= candidate.first - 4 and not tokens[index].is_punct:
        low = tokens[index].low.removesuffix("'s").removesuffix("’s")
        nation = _NATION_OF.get(low) or ({low} if low in COUNTRIES else None)
        if nation is not None:
            return nation
        index -= 1  # a region or a body ("EU", "UN envoy") says no country
    return None


_NOT_PORTFOLIOS = _CUE_MODIFIERS | frozenset("new current first next last present previous chief".split())
_DETERMINERS = frozenset("the a an its their his her our whose".split())


def _role_modifier(question: str, role: str) -> str | None:
    """The word that narrows the role asked about: "finance" of "Indonesia's finance minister"."""
    tokens = tokenize(question)
    for index, token in enumerate(tokens):
        if token.stem == role and index > 0:
            before = tokens[index - 1]
            if (
                before.is_punct
                or before.is_cap
                or before.low in STOPWORDS
                or before.low in _NOT_PORTFOLIOS
                or before.low.endswith(("'s", "’s", "ed", "ing"))
            ):
                return None  # "the new minister": nothing narrows it
            # A portfolio sits after a determiner or a name: "the finance minister", "Indonesia's
            # finance minister"; in "who became minister" the word before is a verb.
            opener = tokens[index - 2] if index >= 2 else None
            if opener is None or not (
                opener.is_cap or opener.low in _DETERMINERS or opener.low.endswith(("'s", "’s"))
            ):
                return None
            return before.stem
    return None


def _titled_with_other_modifier(candidate: Candidate, role: str, modifier: str) -> bool:
    """Whether a name's title is the role asked about narrowed another way ("Economics Minister"
    when asked for the finance minister)."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if candidate.last - candidate.first >= 2 and tokens[candidate.first].stem == role:
        at = candidate.first  # "Minister Aburizal Bakrie" taken whole
    if at >= 1 and tokens[at].text == "," and tokens[at - 1].stem == role:
        at -= 1  # "the Prime Minister, Tony Blair"
    if at < 1 or tokens[at].stem != role:
        return False
    before = tokens[at - 1]
    if before.is_punct or before.is_num or before.low in STOPWORDS or before.low in NATIONALITIES:
        return False
    return before.stem != modifier and modifier not in PARAPHRASES.get(before.stem, ())


def _dedupe(articles: Sequence[Article]) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())


_NAME_PREFIX_RE = re.compile(r"^(?:([A-Z][\w.-]*)(?:'s|’s)\s+|[A-Z][\w.]*-(?:based|born)\s+)(?=[A-Z])")


def _with_title_the(candidate: Candidate) -> str:
    """"The Sea Inside", not "Sea Inside": a capitalised "The" inside a sentence is part of the
    name after it (a film, a paper, "The Hague")."""
    tokens = candidate.sentence.tokens
    if candidate.shape == "name" and candidate.first > 1 and tokens[candidate.first - 1].text == "The":
        return f"The {candidate.text}"
    return candidate.text


def _bare_name(text: str) -> str:
    """A name without the owner or base written before it: "Spain's Ferrovial" and
    "Madrid-based Ferrovial" are both "Ferrovial"."""
    match = _NAME_PREFIX_RE.match(text)
    if match is None or (match.group(1) and match.group(1).lower() not in COUNTRIES):
        return text  # "King's College London", "Lloyd's Register": the owner is part of the name
    return text[match.end() :]


def _containing(short: str, keys: Iterable[str]) -> str | None:
    """A longer normalised answer that holds ``short`` as whole words ("ahmad massoud" for
    "massoud"), if any."""
    return next((k for k in keys if k != short and f" {short} " in f" {k} "), None)


def _merge_contained(merged: dict[str, _Scored]) -> None:
    """Fold a name into a longer entry that contains it ("Massoud" into "Ahmad Massoud"): one
    answer, with the support of both (other outlets add to its score, as when merging)."""
    for short in sorted(merged, key=len):
        long = _containing(short, merged)
        if long is None:
            continue
        entry, target = merged.pop(short), merged[long]
        if entry.score > target.score:
            # The better-read form is the answer: "Pavel Strand", not "Distinguished lawyer Pavel Strand".
            target.text, target.score, target.candidate = entry.text, entry.score, entry.candidate
        for hit in entry.hits:
            if all(h.article_id != hit.article_id for h in target.hits):
                target.hits.append(hit)
                target.score += 0.3


def _headlined(text: str, article: Article | None) -> bool:
    """Whether an article's title says the answer, as whole words."""
    return article is not None and bool(article.title) and _has_word(article.title.lower(), text.lower())


def _answer_key(text: str) -> str:
    """The normalised answer, with "150,000 and 200,000" and "150,000 to 200,000" the same."""
    return re.sub(r"(?<=\d) (?:and|to) (?=\d)", " to ", normalise_answer(text))


def _same_answer(left: str, right: str) -> bool:
    a, b = _answer_key(left), _answer_key(right)
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _confidence(score: float, runner_up: float | None) -> float:
    """A 0..1 figure for people: the score and the lead over the next answer, squashed."""
    lead = score - runner_up if runner_up is not None else 2.0
    return round(1 / (1 + math.exp(-(score - ABSTAIN_BELOW) - lead)), 3)


__all__ = ["ROLE_RELATIONS", "AnswerEngine", "QuestionAnalysis", "analyse_question", "cue_positions"]
