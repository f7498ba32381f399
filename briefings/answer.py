"""Answering questions from stored articles: analysis, retrieval, candidates, abstention.

The order of work:

1. analyse the question: the type of answer expected (person, date, money, ...), the names
   it mentions, the relation it asks about ("leads", "spokesperson_of", ...) and its terms;
2. stored facts first: a fact with the asked relation about the asked entity (or its
   acronym, in either direction) answers directly, and conflicting facts resolve newest-first;
3. otherwise search sentences, pull candidates of the expected type out of them and score
   them by term coverage, closeness to the question's words, and agreement across outlets;
4. abstain below a threshold. A wrong name is worse than "I don't know", so every check
   that fails (a name from the question missing, the relation word absent) means abstain.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from briefings.facts import ROLE_RELATIONS, STANDS_FOR
from briefings.models import Answer, Article, Citation, Fact, SentenceHit, Story
from briefings.ports import NewsroomStore
from briefings.text import STOPWORDS, normalise, query_terms, stem, terms

# --- question analysis --------------------------------------------------------------------

_QUESTION_WORDS = frozenset(
    "who whom whose what which where when why how whats what's who's where's when's is are was were "
    "do does did can could will would should has have had".split()
)
# Question words that say nothing about the answer and should not be searched for.
_GENERIC = frozenset(
    "name named called happen happened tell know exactly currently now new latest please thing "
    "people person many much".split()
)
_PRONOUNS = frozenset("their they them its it his her he she this that these those there".split())

# Relation families: question cue words -> (fact relations that answer it, sentence cue stems).
_RELATION_FAMILIES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "leads": (
        frozenset({"leads", "chief_executive_of"}),
        ("leader", "lead", "led", "head", "boss", "chief", "run"),
    ),
    "chief_executive_of": (
        frozenset({"chief_executive_of"}),
        ("chief executive", "ceo", "managing director", "boss"),
    ),
    "chairs": (frozenset({"chairs"}), ("chairman", "chairwoman", "chair", "chairperson")),
    "spokesperson_of": (
        frozenset({"spokesperson_of"}),
        ("spokesman", "spokeswoman", "spokesperson"),
    ),
    "deputy_leader_of": (frozenset({"deputy_leader_of"}), ("deputy leader", "deputy")),
    "founded": (frozenset({"founded"}), ("founded", "founder", "co-founded", "set up")),
    "president_of": (frozenset({"president_of"}), ("president",)),
    "prime_minister_of": (frozenset({"prime_minister_of"}), ("prime minister",)),
    "coaches": (frozenset({"coaches", "manages"}), ("coach", "manager")),
    "director_of": (frozenset({"director_of"}), ("director",)),
    "owns": (frozenset({"owns"}), ("owner", "own")),
    "captains": (frozenset({"captains"}), ("captain",)),
    STANDS_FOR: (frozenset({STANDS_FOR}), ()),
}
_QUESTION_RELATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bstands? for\b|\bshort for\b|\bacronym\b|\babbreviation\b"), STANDS_FOR),
    (re.compile(r"\bdeputy (?:leader|head)\b"), "deputy_leader_of"),
    (re.compile(r"\bchief executive\b|\bceo\b|\bmanaging director\b"), "chief_executive_of"),
    (re.compile(r"\bchair(?:man|woman|person|s|ed)?\b"), "chairs"),
    (re.compile(r"\bspokes(?:man|woman|person|people)\b"), "spokesperson_of"),
    (re.compile(r"\bfound(?:ed|er|ers)\b|\bset up\b"), "founded"),
    (re.compile(r"\bprime minister\b"), "prime_minister_of"),
    (re.compile(r"\bpresident\b"), "president_of"),
    (re.compile(r"\b(?:head )?coach(?:es|ed)?\b|\bmanager\b"), "coaches"),
    (re.compile(r"\bdirector\b"), "director_of"),
    (re.compile(r"\bcaptain(?:s|ed)?\b"), "captains"),
    (re.compile(r"\bown(?:s|er|ed)\b"), "owns"),
    (
        re.compile(
            r"\blead(?:s|er|ing)?\b|\bled\b|\bhead(?:s|ed)?\b|\bruns?\b|\bboss\b|\bin charge\b|\bchief\b"
        ),
        "leads",
    ),
]

_PLACE_NOUNS = frozenset(
    "city town country state region province constituency place capital venue stadium village "
    "county island nation continent district airport".split()
)
_ORG_NOUNS = frozenset(
    "company firm club team group airline party band publisher laboratory lab bank organisation "
    "organization network channel newspaper university side carrier chain broadcaster studio label "
    "agency union body retailer supermarket manufacturer maker carmaker".split()
)
_PERSON_NOUNS = frozenset(
    "judge player actor actress singer minister man woman person whistleblower blogger manager coach "
    "director writer author chairman chief executive leader president spokesman politician star "
    "footballer athlete boss mp presenter dj artist musician novelist designer economist".split()
)
_DATE_NOUNS = frozenset("year date day month time".split())


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks for."""

    question: str
    expected: str  # person, organisation, place, date, number, money, percentage, expansion, other
    relation: str | None
    entities: tuple[str, ...]
    terms: tuple[str, ...]
    focus: str | None = None  # the counted noun of "how many X", or the noun of "which X"
    used_previous: bool = False


_NAME_RE = re.compile(
    r"[A-Z][\w'’.&-]*\w(?:\s+(?:(?:of|the|for|and|de|on)\s+)*(?:&\s+)?[A-Z][\w'’.&-]*\w)*|[A-Z]{2,}"
)


def _question_entities(question: str) -> list[str]:
    found = []
    for match in _NAME_RE.finditer(question):
        words = match.group(0).replace("’", "'").split()
        # Question words and sentence-initial words are not names ("Who", "Which").
        while words and (words[0].lower().strip("'s") in _QUESTION_WORDS or words[0].lower() in STOPWORDS):
            words.pop(0)
        while words and words[-1].lower() in {"of", "the", "for", "and", "de", "on", "&"}:
            words.pop()
        if not words:
            continue
        name = " ".join(words)
        if name.endswith("'s"):
            name = name[:-2]
        name = name.rstrip("'")
        if name.lower() in STOPWORDS or name.lower() in _QUESTION_WORDS:
            continue
        found.append(name)
    return found


def _expected_type(low: str) -> tuple[str, str | None]:
    words = re.findall(r"[a-z']+", low)
    first = words[0] if words else ""
    if re.search(r"\bstands? for\b|\bshort for\b", low):
        return "expansion", None
    match = re.search(r"\bhow (many|much|old|long|far|big|tall)\b\s*(\w+)?", low)
    if match:
        kind, noun = match.group(1), match.group(2)
        if kind == "many":
            return "number", noun
        if kind == "much":
            money_words = (
                r"\b(?:cost|pay|paid|spend|spent|worth|price|fund|given|give|hand|raise|raised|earn|"
                r"sell|sold|profit|loss|fine|fined|charge|invest|bid|offer|value)"
            )
            if re.search(money_words, low) or noun in {"money", "cash"}:
                return "money", None
            return "number", noun
        return "number", kind
    if re.search(r"\bwhat (?:percentage|proportion|share|percent)\b", low):
        return "percentage", None
    if re.search(r"\bwhen\b|\bwhat (?:date|year|day|month|time)\b|\bwhich (?:date|year|day|month)\b", low):
        return "date", None
    if re.search(r"\bwhere\b", low):
        return "place", None
    match = re.search(r"\b(?:which|what)\s+(?:[a-z'-]+\s+){0,3}?([a-z]+)\b", low)
    if match and first in {"which", "what", "in", "at", "for", "from", "to", "of"}:
        noun = match.group(1)
        if noun in _PLACE_NOUNS:
            return "place", noun
        if noun in _ORG_NOUNS:
            return "organisation", noun
        if noun in _PERSON_NOUNS:
            return "person", noun
        if noun in _DATE_NOUNS:
            return "date", noun
    if re.search(r"\bwho(?:m|se|'s)?\b", low):
        return "person", None
    return "other", None


def analyse_question(question: str, previous: Answer | None = None) -> QuestionAnalysis:
    """Expected answer type, names, relation and search terms of a question."""
    text = normalise(question)
    low = text.lower()
    expected, focus = _expected_type(low)
    relation = None
    for pattern, name in _QUESTION_RELATIONS:
        if pattern.search(low):
            relation = name
            break
    entities = _question_entities(text)
    words = set(re.findall(r"[a-z']+", low))
    used_previous = False
    if previous is not None and previous.subject and (words & _PRONOUNS):
        # "and who is their spokesman?": the question is about the previous answer's subject.
        if not entities or all(e.lower() in {"and", "so", "but"} for e in entities):
            entities = [previous.subject]
            text = f"{text} {previous.subject}"
            used_previous = True
    question_terms = [t for t in query_terms(text) if t not in {stem(w) for w in _GENERIC | _QUESTION_WORDS}]
    return QuestionAnalysis(
        question=question,
        expected=expected,
        relation=relation,
        entities=tuple(entities),
        terms=tuple(question_terms),
        focus=focus,
        used_previous=used_previous,
    )


# --- candidates ------------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DATE_RE = re.compile(
    rf"\b(?:between\s+(?:19|20)\d\d\s+and\s+(?:19|20)\d\d"
    rf"|(?:midnight\s+on\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH}\s+(?:19|20)\d\d"
    rf"|(?:in|since|from|until|by)\s+(?:19|20)\d\d"
    rf"|(?:on\s+)?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:19|20)\d\d)\b"
)
_NUMBER_WORDS = r"(?:million|billion|trillion|thousand|hundred|m|bn|k)"
_QUANT = (
    r"(?:more than|over|about|around|nearly|almost|up to|some|at least|fewer than|less than|just over|only)"
)
_NUMBER_RE = re.compile(
    rf"(?:\b(?:between\s+)?{_QUANT}\s+)?(?<![\w$£€.])\d[\d,]*(?:\.\d+)?(?:\s*{_NUMBER_WORDS}\b)?"
    rf"(?:\s*(?:to|and|-|–)\s*\d[\d,]*(?:\.\d+)?(?:\s*{_NUMBER_WORDS}\b)?)?(?![\d%])"
    rf"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds|"
    rf"thousands|dozens)\b"
)
_MONEY_RE = re.compile(
    rf"(?:(?:{_QUANT})\s+)?[$£€]\s?\d[\d,]*(?:\.\d+)?\s*(?:{_NUMBER_WORDS}\b)?"
    rf"|\b\d[\d,]*(?:\.\d+)?\s*(?:million|billion|m|bn)?\s*(?:dollars|pounds|euros|yen)\b"
)
_PERCENT_RE = re.compile(r"\b\d[\d.]*\s?(?:%|per cent|percent)")
_TITLES = frozenset("mr mrs ms dr sir lord lady dame prof president general judge".split())
_NOT_PERSON_WORDS = frozenset(
    "party front group council ministry government union league association army forces company "
    "corporation bank club team university committee commission agency office department federation "
    "organisation organization institute airline airlines inc ltd plc news times post street house "
    "court cup open championship games awards award festival hospital school college museum centre "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    "north south east west northern southern eastern western new united national international "
    "minister secretary chancellor chairman spokesman leader".split()
)
_DIRECTION_RE = re.compile(
    r"\b(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+(?:of\s+)?(?:the\s+)?"
    r"(?:capital\s+|city\s+of\s+)?[A-Z][\w'-]+"
)
_PLACE_PREP_RE = re.compile(
    r"\b(?:in|at|to|from|near|into|outside|based in|born in|travelled to|flew to|visited)\s+(?:the\s+)?"
    r"((?:[A-Z][\w'’-]*\w)(?:[-\s](?:e-|de-|upon-|on-)?[A-Z][\w'’-]*\w){0,3}(?:,\s+[A-Z][a-z]+)?)"
)


@dataclass
class _Candidate:
    text: str
    start: int
    end: int


def _name_spans(sentence: str) -> list[_Candidate]:
    out = []
    for match in _NAME_RE.finditer(sentence):
        out.append(_Candidate(match.group(0), match.start(), match.end()))
    return out


def _clean_person(candidate: _Candidate, sentence: str) -> _Candidate | None:
    words = candidate.text.replace("’", "'").split()
    offset = candidate.start
    while words and (
        words[0].lower() in STOPWORDS
        or words[0].lower() in _QUESTION_WORDS
        or words[0].lower() in {"but", "and", "meanwhile", "however", "former", "new"}
    ):
        offset += len(words[0]) + 1
        words.pop(0)
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    if not words:
        return None
    titled = words[0].lower().rstrip(".") in _TITLES
    core = words[1:] if titled else words
    if not core or len(core) > 4:
        return None
    if any(w.lower().strip(".") in _NOT_PERSON_WORDS for w in core):
        return None
    if any(w.isupper() and len(w) > 1 for w in core):
        return None
    if len(core) < 2 and not titled:
        return None
    text = " ".join(words)
    return _Candidate(text, offset, offset + len(text))


def extract_candidates(sentence: str, expected: str) -> list[_Candidate]:
    """Spans of ``sentence`` that could answer a question expecting ``expected``."""
    if expected == "person":
        found = [_clean_person(c, sentence) for c in _name_spans(sentence)]
        return [c for c in found if c is not None]
    if expected in {"organisation", "other"}:
        out = []
        for c in _name_spans(sentence):
            words = c.text.split()
            while words and words[0].lower() in (STOPWORDS | _QUESTION_WORDS | {"but", "meanwhile"}):
                words.pop(0)
            if words:
                text = " ".join(words)
                out.append(_Candidate(text, c.end - len(text), c.end))
        return out
    if expected == "place":
        out = [_Candidate(m.group(0), m.start(), m.end()) for m in _DIRECTION_RE.finditer(sentence)]
        for m in _PLACE_PREP_RE.finditer(sentence):
            name = m.group(1)
            if name.split()[0].lower() in _NOT_PERSON_WORDS:
                continue
            out.append(_Candidate(name, m.start(1), m.end(1)))
        return out
    if expected == "date":
        return [_Candidate(m.group(0), m.start(), m.end()) for m in _DATE_RE.finditer(sentence)]
    if expected == "money":
        return [_Candidate(m.group(0).strip(), m.start(), m.end()) for m in _MONEY_RE.finditer(sentence)]
    if expected == "percentage":
        return [_Candidate(m.group(0), m.start(), m.end()) for m in _PERCENT_RE.finditer(sentence)]
    if expected == "number":
        out = []
        for m in _NUMBER_RE.finditer(sentence):
            text = m.group(0).strip()
            if not text:
                continue
            out.append(_Candidate(text, m.start(), m.end()))
        return out
    return []


# --- scoring ----------------------------------------------------------------------------------

ABSTAIN_BELOW = 0.55


@dataclass
class _Scored:
    text: str
    score: float
    evidence: SentenceHit
    supporting: list[SentenceHit] = field(default_factory=list)


def _entity_present(entity: str, sentence_terms: set[str], extra_terms: set[str]) -> bool:
    wanted = set(terms(entity))
    if not wanted:
        return True
    have = sentence_terms | extra_terms
    return len(wanted & have) >= max(1, round(len(wanted) * 0.6 + 0.01))


_BOUND_AFTER_RE = re.compile(
    r"^\w*\s+(?:of|for|at|to)\s+(?:the\s+)?([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*)"
)
_BOUND_BEFORE_RE = re.compile(r"([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*?)(?:'s|’s)?\s+$")
_CUE_MODIFIERS = frozenset("deputy former vice assistant ex acting interim joint outgoing".split())


def _cue_positions(
    sentence: str, cues: Sequence[str], targets: Sequence[str], allow_modifiers: bool = False
) -> list[int]:
    """Where a relation word occurs that may belong to one of ``targets``.

    A role word tied to another organisation ("leader of the NRF" when asked about the
    Taliban) or qualified ("deputy", "former") does not count.
    """
    low = sentence.lower()
    positions = []
    for cue in cues:
        for match in re.finditer(rf"\b{re.escape(cue)}\w*", low):
            before_words = low[: match.start()].split()
            if not allow_modifiers and before_words and before_words[-1].strip("-") in _CUE_MODIFIERS:
                continue
            bound = _BOUND_AFTER_RE.match(sentence[match.start() :])
            owner = bound.group(1) if bound else None
            if owner is None:
                before = _BOUND_BEFORE_RE.search(sentence[: match.start()])
                owner = before.group(1) if before else None
                if owner and owner.split()[0].lower() in STOPWORDS | _QUESTION_WORDS:
                    owner = " ".join(owner.split()[1:]) or None
            if owner and targets and not AnswerEngine._matches(owner, targets):
                continue
            positions.append(match.start())
    return positions


def _norm_answer(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


class AnswerEngine:
    """Answers questions from a :class:`NewsroomStore`: facts first, then sentences."""

    def __init__(self, store: NewsroomStore, threshold: float = ABSTAIN_BELOW) -> None:
        self._store = store
        self._threshold = threshold

    async def ask(
        self, question: str, *, previous: Answer | None = None, now: datetime | None = None
    ) -> Answer:
        analysis = analyse_question(question, previous)
        subject = analysis.entities[0] if analysis.entities else None
        expansions = await self._expansions(analysis.entities)
        answer = await self._from_facts(analysis, expansions, subject)
        if answer is not None:
            return answer
        return await self._from_sentences(analysis, expansions, subject)

    # --- acronyms ---------------------------------------------------------------------------

    async def _expansions(self, entities: Sequence[str]) -> dict[str, set[str]]:
        """For each entity, the other names it goes by: acronym <-> expansion, from stored facts."""
        out: dict[str, set[str]] = {e: set() for e in entities}
        if not entities:
            return out
        lookup = [w for e in entities for w in (*terms(e), *e.lower().split())]
        facts = await self._store.search_facts(lookup, limit=50)
        for entity in entities:
            entity_terms = set(terms(entity))
            for fact in facts:
                if fact.relation != STANDS_FOR:
                    continue
                if fact.subject.upper() == entity.upper():
                    out[entity].add(fact.object)
                elif set(terms(fact.object)) == entity_terms or (
                    entity_terms
                    and entity_terms <= set(terms(fact.object))
                    and len(entity_terms) >= 0.6 * len(set(terms(fact.object)))
                ):
                    out[entity].add(fact.subject)
        return out

    # --- facts ------------------------------------------------------------------------------

    @staticmethod
    def _matches(name: str, targets: Sequence[str]) -> bool:
        name_terms = set(terms(name))
        for target in targets:
            target_terms = set(terms(target))
            if not target_terms or not name_terms:
                continue
            if name_terms == target_terms:
                return True
            small, big = sorted((name_terms, target_terms), key=len)
            if small <= big and len(small) >= 0.6 * len(big):
                return True
        return False

    async def _from_facts(
        self, analysis: QuestionAnalysis, expansions: dict[str, set[str]], subject: str | None
    ) -> Answer | None:
        if analysis.relation is None or not analysis.entities:
            return None
        relations, _ = _RELATION_FAMILIES[analysis.relation]
        entity = analysis.entities[-1] if analysis.relation != STANDS_FOR else analysis.entities[0]
        targets = [entity, *sorted(expansions.get(entity, ()))]
        lookup = [w for t in targets for w in (*terms(t), *t.lower().split())]
        facts = await self._store.search_facts(lookup, limit=100)
        question_low = analysis.question.lower()
        matching: list[Fact] = []
        for fact in facts:
            if fact.relation not in relations:
                continue
            if analysis.relation == STANDS_FOR:
                if fact.subject.upper() == entity.upper():
                    matching.append(fact)
                continue
            if not self._matches(fact.object, targets):
                continue
            if fact.subject.lower() in question_low:
                continue  # "who succeeded X as ...": X is not the answer
            matching.append(fact)
        if not matching:
            return None
        answer_of = (lambda f: f.object) if analysis.relation == STANDS_FOR else (lambda f: f.subject)
        groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in matching:
            groups[_norm_answer(answer_of(fact))].append(fact)
        # Newest statement wins; older conflicting ones are reported as superseded.
        ordered = sorted(groups.values(), key=lambda g: max(f.added_at for f in g), reverse=True)
        winner = ordered[0]
        newest = max(winner, key=lambda f: f.added_at)
        # Prefer the longest form of the answer ("Ahmad Massoud" over "Massoud").
        text = max((answer_of(f) for f in winner), key=len)
        citations = await self._citations_for_facts(winner)
        superseded = tuple(max((answer_of(f) for f in g), key=len) for g in ordered[1:])
        story = await self._story_or_none(newest.story_id)
        return Answer(
            question=analysis.question,
            text=text,
            evidence=newest.evidence,
            citations=citations,
            as_of=newest.added_at,
            confidence=0.9,
            closest_story=story,
            superseded=superseded,
            subject=subject if analysis.relation != STANDS_FOR else entity,
        )

    async def _citations_for_facts(self, facts: Sequence[Fact]) -> tuple[Citation, ...]:
        article_ids = list(dict.fromkeys(f.article_id for f in facts if f.article_id))
        articles = await self._store.articles(article_ids)
        if not articles:
            # A moderator's fact: cite the story it was added to.
            story_ids = list(dict.fromkeys(f.story_id for f in facts))
            for story_id in story_ids:
                articles.extend(await self._store.story_articles(story_id))
        return tuple(_citation(a) for a in articles)

    async def _story_or_none(self, story_id: str) -> Story | None:
        try:
            return await self._store.story(story_id)
        except LookupError:
            return None

    # --- sentences --------------------------------------------------------------------------

    async def _from_sentences(
        self, analysis: QuestionAnalysis, expansions: dict[str, set[str]], subject: str | None
    ) -> Answer:
        cues: tuple[str, ...] = ()
        if analysis.relation is not None:
            cues = _RELATION_FAMILIES[analysis.relation][1]
        search_terms = list(analysis.terms)
        for names in expansions.values():
            for name in names:
                search_terms.extend(terms(name))
        for cue in cues:
            search_terms.extend(terms(cue))
        search_terms = list(dict.fromkeys(search_terms))
        if not search_terms:
            return Answer(question=analysis.question, text=None, subject=subject)
        hits = await self._store.search_sentences(search_terms, limit=60)
        if not hits:
            return Answer(question=analysis.question, text=None, subject=subject)
        articles = {
            a.id: a for a in await self._store.articles(list(dict.fromkeys(h.article_id for h in hits)))
        }

        entity_terms = {t for e in analysis.entities for t in terms(e)}
        cue_terms = {t for c in cues for t in terms(c)}
        weights: dict[str, float] = {}
        for term in analysis.terms:
            if term in cue_terms:
                continue
            weights[term] = 3.0 if term in entity_terms else 1.0
        total_weight = sum(weights.values()) + (2.0 if cues else 0.0)
        question_low = analysis.question.lower()
        question_words = set(terms(analysis.question)) | entity_terms
        targets = (
            [*analysis.entities, *(name for names in expansions.values() for name in names)]
            if analysis.relation
            else []
        )

        scored: dict[str, _Scored] = {}
        best_hit: SentenceHit | None = None
        best_coverage = 0.0
        for hit in hits:
            sentence_terms = set(terms(hit.text))
            article = articles.get(hit.article_id)
            title_terms = set(terms(article.title)) if article and article.title else set()
            # Every name in the question must be in the sentence (or its article's title).
            if not all(
                _entity_present(e, sentence_terms, title_terms)
                or any(_entity_present(x, sentence_terms, title_terms) for x in expansions.get(e, ()))
                for e in analysis.entities
            ):
                continue
            matched = sum(w for t, w in weights.items() if t in sentence_terms or t in title_terms)
            low = hit.text.lower()
            cue_at = (
                _cue_positions(hit.text, cues, targets, analysis.relation == "deputy_leader_of")
                if cues
                else []
            )
            if cues and not cue_at:
                continue
            coverage = (matched + (2.0 if cue_at else 0.0)) / total_weight if total_weight else 0.0
            if coverage > best_coverage:
                best_coverage, best_hit = coverage, hit
            if coverage < 0.5:
                continue
            for candidate in extract_candidates(hit.text, analysis.expected):
                cand_terms = set(terms(candidate.text))
                if not cand_terms and analysis.expected not in {"number", "money", "percentage", "date"}:
                    continue
                if cand_terms and cand_terms <= question_words:
                    continue  # the question's own words are not its answer
                if analysis.expected == "person" and cand_terms & entity_terms:
                    continue
                if candidate.text.lower() in question_low:
                    continue
                score = coverage
                if cues:
                    distance = min(abs(candidate.start - p) for p in cue_at)
                    if distance > 60:
                        continue
                    score += 0.25 * (1 - distance / 60)
                if analysis.expected == "number" and analysis.focus:
                    after = low[candidate.end : candidate.end + 40]
                    focus_stem = stem(analysis.focus)
                    if focus_stem and focus_stem in terms(after)[:3]:
                        score += 0.3
                    elif analysis.focus not in {"old", "long"}:
                        score -= 0.2
                # Closeness to the question's words found in the sentence.
                anchors = [m.start() for t in weights for m in re.finditer(rf"\b{re.escape(t)}", low)]
                if anchors:
                    gap = min(abs(candidate.start - a) for a in anchors)
                    score += 0.15 * max(0.0, 1 - gap / 80)
                key = _norm_answer(candidate.text)
                if not key:
                    continue
                existing = scored.get(key)
                if existing is None:
                    scored[key] = _Scored(candidate.text, score, hit, [hit])
                else:
                    if all(h.article_id != hit.article_id for h in existing.supporting):
                        existing.score += 0.1  # another outlet says the same
                    existing.supporting.append(hit)
                    if score > existing.score:
                        existing.score, existing.evidence, existing.text = score, hit, candidate.text
        closest = await self._story_or_none(best_hit.story_id) if best_hit and best_coverage >= 0.5 else None
        if not scored:
            return Answer(question=analysis.question, text=None, closest_story=closest, subject=subject)
        ranked = sorted(scored.values(), key=lambda s: s.score, reverse=True)
        best = ranked[0]
        confidence = min(1.0, best.score / 1.5)
        if best.score < self._threshold + 0.45 or (
            len(ranked) > 1 and ranked[1].score > best.score - 0.05 and best.score < 1.2
        ):
            return Answer(
                question=analysis.question,
                text=None,
                closest_story=closest,
                confidence=confidence,
                subject=subject,
            )
        cited_ids = list(dict.fromkeys(h.article_id for h in [best.evidence, *best.supporting]))
        cited = [articles[i] for i in cited_ids if i in articles]
        as_of = max((a.published_at or a.added_at for a in cited), default=None)
        story = await self._story_or_none(best.evidence.story_id)
        return Answer(
            question=analysis.question,
            text=best.text,
            evidence=best.evidence.text,
            citations=tuple(_citation(a) for a in cited),
            as_of=as_of,
            confidence=confidence,
            closest_story=story,
            subject=subject,
        )


def _citation(article: Article) -> Citation:
    return Citation(
        article_id=article.id,
        story_id=article.story_id,
        outlet=article.source,
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        external_id=article.external_id,
    )


__all__ = ["ROLE_RELATIONS", "AnswerEngine", "QuestionAnalysis", "analyse_question", "extract_candidates"]
