"""Facts from sentences: who leads what, spokespeople, what an acronym stands for.

Extraction is pattern-based and deliberately precise rather than exhaustive: a fact becomes
an answer the bot gives with confidence, so a pattern only fires on the shapes news writing
uses for roles ("X, leader of Y", "Y spokesman X", "X, Y's chief executive") and for
acronym definitions ("National Resistance Front of Afghanistan (NRF)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefings.models import NewFact
from briefings.text import STOPWORDS

STANDS_FOR = "stands_for"
STATES = "states"

# Role words (lower case) and the relation each one states about the person.
ROLE_RELATIONS: dict[str, str] = {
    "leader": "leads",
    "head": "leads",
    "boss": "leads",
    "chief": "leads",
    "deputy leader": "deputy_leader_of",
    "deputy head": "deputy_leader_of",
    "chief executive": "chief_executive_of",
    "chief executive officer": "chief_executive_of",
    "ceo": "chief_executive_of",
    "managing director": "chief_executive_of",
    "chairman": "chairs",
    "chairwoman": "chairs",
    "chairperson": "chairs",
    "chair": "chairs",
    "chairman and chief executive": "chairs",
    "spokesman": "spokesperson_of",
    "spokeswoman": "spokesperson_of",
    "spokesperson": "spokesperson_of",
    "founder": "founded",
    "co-founder": "founded",
    "president": "president_of",
    "prime minister": "prime_minister_of",
    "coach": "coaches",
    "head coach": "coaches",
    "manager": "manages",
    "owner": "owns",
    "editor": "edits",
    "captain": "captains",
    "director": "director_of",
    "secretary general": "leads",
    "director general": "leads",
    "director-general": "leads",
    "general secretary": "leads",
}
# Verbs that state the same relations ("X leads Y").
VERB_RELATIONS: dict[str, str] = {
    "leads": "leads",
    "led": "leads",
    "heads": "leads",
    "headed": "leads",
    "runs": "leads",
    "chairs": "chairs",
    "chaired": "chairs",
    "founded": "founded",
    "co-founded": "founded",
    "owns": "owns",
    "coaches": "coaches",
    "manages": "manages",
    "captains": "captains",
}

_ROLE_ALT = "|".join(re.escape(r) for r in sorted(ROLE_RELATIONS, key=len, reverse=True))
_VERB_ALT = "|".join(re.escape(v) for v in sorted(VERB_RELATIONS, key=len, reverse=True))
_CAP = r"[A-Z][\w'’.-]*[\w]"
_CAP1 = r"(?:[A-Z][\w'’.-]*[\w]|[A-Z])"
_PARTICLE = r"(?:de|da|van|von|bin|al|el|le|la|di|du|der|den|ter|y)"
# A person's name: two to five capitalised words, particles allowed inside.
_PERSON = rf"(?:{_CAP}(?:\s+(?:{_PARTICLE}\s+)?{_CAP1}){{1,4}})"
# An organisation or place: capitalised words joined by "of", "the", "for", "and", "&".
_ORG = rf"(?:{_CAP1}(?:\s+(?:(?:of|the|for|and|de|du|on)\s+)*(?:&\s+)?{_CAP1})*)"
_ROLE = rf"(?i:(?:new\s+|acting\s+|interim\s+|current\s+)?(?P<role>{_ROLE_ALT}))"
_POSS = r"(?:'s|’s|')"

_PATTERNS = [
    # "Ahmad Massoud, leader of the National Resistance Front"
    re.compile(
        rf"(?P<x>{_PERSON}),\s+(?:the\s+|its\s+|their\s+|a\s+)?{_ROLE}\s+(?:of|for|at)\s+"
        rf"(?:the\s+)?(?P<y>{_ORG})"
    ),
    # "Leader of the National Resistance Front (NRF), Ahmad Massoud"
    re.compile(
        rf"{_ROLE}\s+(?:of|for|at)\s+(?:the\s+)?(?P<y>{_ORG})(?:\s*\([^)]{{1,12}}\))?,\s+(?P<x>{_PERSON})"
    ),
    # "Richard Parsons, Time Warner's chief executive"
    re.compile(rf"(?P<x>{_PERSON}),\s+(?:the\s+)?(?P<y>{_ORG}){_POSS}\s+{_ROLE}\b"),
    # "Dan Glickman, MPAA chief, said", "Tom Hale, the Acme chief executive."; the role ends
    # there, so not "Martin Ellis, Halifax chief economist" nor one of a list of people ("Tony
    # Blair, Tory leader Michael Howard and ...": that leader is the next name)
    re.compile(
        rf"(?P<x>{_PERSON}),\s+(?:the\s+)?(?P<y>{_ORG})\s+{_ROLE}"
        r"(?=\s*[,.;:!?\"')]|\s*$|\s+(?:said|says|told|added|and)\b)"
    ),
    # "Taliban spokesman Zabihullah Mujahid", "Ryanair's chairman, David Bonderman"
    re.compile(rf"(?P<y>{_ORG}){_POSS}?\s+{_ROLE},?\s+(?P<x>{_PERSON})"),
    # "X is the leader of Y", "X, who leads Y"
    re.compile(
        rf"(?P<x>{_PERSON}),?\s+(?:is|was|has\s+been|became|remains)\s+(?:the\s+)?{_ROLE}\s+"
        rf"(?:of|for|at)\s+(?:the\s+)?(?P<y>{_ORG})"
    ),
    re.compile(rf"(?P<x>{_PERSON}),?\s+(?:who\s+)?(?P<verb>{_VERB_ALT})\s+(?:the\s+)?(?P<y>{_ORG})"),
    # "Damien Hockney, who is now Veritas' deputy leader"
    re.compile(
        rf"(?P<x>{_PERSON}),?\s+who\s+(?:is|was|has\s+become|became)\s+(?:now\s+)?(?:the\s+)?"
        rf"(?P<y>{_ORG}){_POSS}\s+{_ROLE}\b"
    ),
]
# What each pattern needs in the sentence: a role word (any case) or one of the verbs.
_PATTERN_NEEDS = ("role", "role", "role", "role", "role", "role", "verb", "role")
# The same patterns for ASCII text: the one that opens with a role word first checks, in a
# look-ahead, that a role word can start there (the letters role words and their "new",
# "acting", "interim", "current" start with); scanning every position for the whole
# case-insensitive alternation is otherwise the slowest step of extraction.
_ROLE_STARTS = "".join(sorted({w[0] for w in [*ROLE_RELATIONS, "new", "acting", "interim", "current"]}))
_PATTERNS_ASCII = [
    re.compile(rf"(?=[{_ROLE_STARTS}{_ROLE_STARTS.upper()}]){pattern.pattern}")
    if pattern.pattern.startswith(_ROLE)
    else pattern
    for pattern in _PATTERNS
]
# "The leader of Y is X", "Y's leader is X" (moderator statements).
_STATEMENT_PATTERNS = [
    re.compile(
        rf"^(?:the\s+)?{_ROLE}\s+(?:of|for|at)\s+(?:the\s+)?(?P<y>{_ORG})\s+(?:is|was)\s+(?P<x>{_PERSON})",
        re.IGNORECASE,
    ),
    re.compile(rf"^(?P<y>{_ORG}){_POSS}\s+{_ROLE}\s+(?:is|was)\s+(?P<x>{_PERSON})"),
    re.compile(
        rf"^(?P<x>{_CAP1})\s+(?:stands\s+for|means|is\s+short\s+for)\s+(?:the\s+)?(?P<y>.+?)\.?$",
        re.IGNORECASE,
    ),
]
_ACRONYM_RE = re.compile(r"\((?P<acr>[A-Z][A-Za-z&]{1,9})\)")
_CONNECTORS = frozenset({"of", "the", "for", "and", "&", "de", "du", "on", "in", "to"})
_NOT_NAME_START = STOPWORDS | frozenset(
    "but and so yet also meanwhile however mr mrs ms dr former new said says then now".split()
)
_ORG_WORDS = frozenset(
    "party front group council ministry government union league association army force forces "
    "company corporation bank club team university committee commission agency office "
    "department federation organisation organization institute airline airlines inc ltd plc".split()
)


@dataclass(frozen=True)
class ExtractedFact:
    """A fact found in a sentence, before it belongs to a stored article."""

    subject: str
    relation: str
    object: str
    evidence: str

    def to_new_fact(self, article_id: str | None = None) -> NewFact:
        return NewFact(self.subject, self.relation, self.object, self.evidence, article_id)


def _trim_name(name: str) -> str:
    """Drop leading sentence words ("But Taliban" -> "Taliban") and trailing connectors."""
    words = name.replace("’", "'").split()
    while words and (words[0].lower() in _NOT_NAME_START):
        words.pop(0)
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    return " ".join(words).rstrip(".,;:")


def _strip_possessive(name: str) -> str:
    if name.endswith("'s"):
        return name[:-2]
    return name.rstrip("'")


def _looks_like_person(name: str) -> bool:
    words = name.split()
    if len(words) < 2:
        return False
    if any(w.lower() in _ORG_WORDS for w in words):
        return False
    return not any(w.isupper() and len(w) > 1 for w in words)


def _initial_forms(word: str) -> set[str]:
    """What a word may give an acronym: its initial, each part's of a hyphenated word ("Anti-Doping":
    AD), or the whole of a short word in capitals ("US" of "US Anti-Doping Agency": USADA)."""
    forms = {word[0].upper()}
    parts = [part for part in re.split(r"[-‐–]", word) if part[:1].isalpha()]
    if len(parts) > 1:
        forms.add("".join(part[0].upper() for part in parts))
    if word.isalpha() and word.isupper() and len(word) <= 4:
        forms.add(word)
    return forms


def _spells(words: list[str], letters: str) -> bool:
    """Whether the words' initials, in any of their forms (see _initial_forms), spell ``letters``."""
    spelt = {""}
    for word in words:
        if word.lower() in _CONNECTORS or not word[:1].isalpha():
            continue
        spelt = {done + form for done in spelt for form in _initial_forms(word) if letters.startswith(done + form)}
        if not spelt:
            return False
    return letters in spelt


def acronym_facts(sentence: str) -> list[ExtractedFact]:
    """Acronym definitions: "National Resistance Front of Afghanistan (NRF)" -> NRF stands for ..."""
    found = []
    for match in _ACRONYM_RE.finditer(sentence):
        acronym = match.group("acr")
        letters = "".join(ch for ch in acronym if ch.isalpha()).upper()
        before = sentence[: match.start()].rstrip().replace("’", "'").split()[-10:]
        best = None
        # Try spans ending just before the bracket, shortest first; accept the initials exactly,
        # or with a trailing "of Place" that the acronym leaves out.
        for start in range(len(before) - 1, -1, -1):
            span = before[start:]
            if not span[0][:1].isupper():
                if span[0].lower() in _CONNECTORS:
                    continue
                break
            if _spells(span, letters):
                best = span
            elif "of" in [w.lower() for w in span]:
                head = span[: [w.lower() for w in span].index("of")]
                if _spells(head, letters) and len(span) - len(head) <= 3:
                    best = span
        if best:
            expansion = " ".join(best).strip(",;:")
            if expansion.lower().startswith("the "):
                expansion = expansion[4:]
            found.append(ExtractedFact(acronym, STANDS_FOR, expansion, sentence))
    return found


# "Raw T - which stands for Realise And Witness Talent -", "the ICC, short for International ...".
_EXPLAINED_RE = re.compile(
    r"(?P<acr>\b(?!(?:The|A|An|In|On|At)\s)[A-Z][A-Za-z&]{0,9}(?:\s[A-Z][A-Za-z&]{0,3})?)\s*(?:,|-|–|—|\()\s*(?:which\s+)?"
    r"(?:stands\s+for|is\s+short\s+for|short\s+for)\s+(?:the\s+)?"
    r"(?P<exp>[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|the|for|and|&|de|du|on|in|to))*)"
)


def explained_acronym_facts(sentence: str) -> list[ExtractedFact]:
    """Acronyms explained after them: "Raw T - which stands for Realise And Witness Talent"."""
    found = []
    for match in _EXPLAINED_RE.finditer(sentence):
        acronym = match.group("acr")
        words = match.group("exp").split()
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()  # "... Witness Talent and": the connector starts what follows
        letters = "".join(ch for ch in acronym if ch.isalpha()).upper()
        every_initial = "".join(w[0].upper() for w in words if w[:1].isalpha())
        if words and (letters == every_initial or _spells(words, letters)):
            found.append(ExtractedFact(acronym, STANDS_FOR, " ".join(words), sentence))
    return found


def _patterns_for(sentence: str) -> list[re.Pattern[str]]:
    """The role patterns that can match ``sentence`` (all of them unless it is ASCII).

    Only a speed-up: for ASCII text, a pattern naming a role word cannot match without one of
    the role words in the lower-cased sentence, nor the verb pattern without one of the verbs,
    and the quick look-ahead of :data:`_PATTERNS_ASCII` only skips start positions where no
    role word can begin. Non-ASCII text can match case-insensitively in ways that lower()
    does not show ("ſ" matches "s"), so it gets every pattern as written.
    """
    if not sentence.isascii():
        return _PATTERNS
    low = sentence.lower()
    has_role = any(word in low for word in _ROLE_WORDS)
    has_verb = any(verb in sentence for verb in VERB_RELATIONS)
    return [
        pattern
        for pattern, needs in zip(_PATTERNS_ASCII, _PATTERN_NEEDS, strict=True)
        if (has_role if needs == "role" else has_verb)
    ]


# A lower-case noun right after a name that ends the match: the name was only the start of it.
_NAME_GOES_ON_RE = re.compile(
    r"\s+(?!(?:and|or|but|to|in|at|for|of|on|with|from|since|until|after|before|as|by|is|was|are|were|has|had|"
    r"have|will|would|said|says|who|which|that|when|where|while|last|this|next|today|yesterday)\b)[a-z]{3,}\b"
)


# Words before an organisation's role that make it another role or a past one: at the end of
# the text before the match, or opening the organisation's name as matched ("Former Yukos").
_QUALIFIED_RE = re.compile(r"\b(?:former|then|deputy|vice|acting|interim|assistant)\s+\||\|(?:former|then)\s")


def role_facts(sentence: str) -> list[ExtractedFact]:
    """Roles stated in a sentence: (person, relation, organisation)."""
    found: dict[tuple[str, str, str], ExtractedFact] = {}
    for pattern in _patterns_for(sentence):
        for match in pattern.finditer(sentence):
            groups = match.groupdict()
            context = sentence[max(0, match.start() - 12) : match.start()].lower()
            if "ex-" in context or _QUALIFIED_RE.search(f"{context}|{groups['y'].lower()}"):
                continue  # "former ...", "then deputy Conservative chairman ...": not the holder now
            if groups.get("role"):
                role = " ".join(groups["role"].lower().split())
                relation = ROLE_RELATIONS.get(role)
            else:
                relation = VERB_RELATIONS.get(groups["verb"].lower())
            if relation is None:
                continue
            if match.end("y") == match.end() and _NAME_GOES_ON_RE.match(sentence, match.end()):
                continue  # "chairs the Commons work and pensions committee": not the Commons
            person = _trim_name(groups["x"])
            org = _strip_possessive(_trim_name(groups["y"]))
            if person.endswith(("'s", "'")):
                continue  # "Mike Ruddock's Wales": the role belongs to someone else's team
            if not person or not org or person == org or not _looks_like_person(person):
                continue
            if org.lower() in STOPWORDS or len(org) < 2:
                continue
            key = (person.lower(), relation, org.lower())
            found.setdefault(key, ExtractedFact(person, relation, org, sentence))
    return list(found.values())


def extract_facts(sentences: Iterable[str]) -> list[ExtractedFact]:
    """All facts found in the sentences of one article, without repeats."""
    seen: dict[tuple[str, str, str], ExtractedFact] = {}
    for sentence in sentences:
        if not may_state_facts(sentence):  # most sentences name no role and define no acronym
            continue
        for fact in sentence_facts(sentence):
            seen.setdefault((fact.subject.lower(), fact.relation, fact.object.lower()), fact)
    return list(seen.values())


def sentence_facts(sentence: str) -> list[ExtractedFact]:
    """Every fact one sentence states, by every pattern (only the cheap checks of their marks:
    a bracket for an acronym, " for " for an explained one)."""
    facts = acronym_facts(sentence) if "(" in sentence else []
    if " for " in sentence:
        facts += explained_acronym_facts(sentence)
    return facts + role_facts(sentence)


def parse_statement(statement: str) -> ExtractedFact:
    """A moderator's follow-up statement as a fact.

    "Ahmad Massoud leads the NRF" becomes (Ahmad Massoud, leads, NRF); anything that does not
    parse is kept as a free statement (subject: the statement, relation ``states``).
    """
    text = " ".join(statement.split()).rstrip(".")
    for pattern in _STATEMENT_PATTERNS:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            if groups.get("role"):
                relation = ROLE_RELATIONS.get(" ".join(groups["role"].lower().split()))
                if relation:
                    return ExtractedFact(_trim_name(groups["x"]), relation, _trim_name(groups["y"]), text)
            else:
                return ExtractedFact(groups["x"], STANDS_FOR, groups["y"].strip(), text)
    for fact in role_facts(text):
        return ExtractedFact(fact.subject, fact.relation, fact.object, text)
    for fact in acronym_facts(text):
        return ExtractedFact(fact.subject, fact.relation, fact.object, text)
    # A person with a verb such as "leads": accept a single-word object such as "NRF" too.
    match = re.match(rf"^(?P<x>{_PERSON})\s+(?P<verb>{_VERB_ALT})\s+(?:the\s+)?(?P<y>.+)$", text)
    if match and _looks_like_person(match.group("x")):
        relation = VERB_RELATIONS[match.group("verb").lower()]
        return ExtractedFact(match.group("x"), relation, _trim_name(match.group("y")), text)
    return ExtractedFact(text, STATES, text, text)


# Every role pattern above names a role word (any case) or, after a space, a verb;
# an acronym definition needs a bracket. Sentences with none of them state no fact, and skipping
# them halves the cost of fact extraction (a test checks the outcome on the whole corpus).
_ROLE_WORDS = tuple(sorted({role.lower() for role in ROLE_RELATIONS}))
_VERB_WORDS = tuple(sorted({" " + verb.lower() for verb in VERB_RELATIONS}))


def may_state_facts(sentence: str) -> bool:
    """False only for sentences in which :func:`extract_facts` finds nothing."""
    if "(" in sentence or not sentence.isascii():  # non-ASCII: case rules beyond lower()
        return True
    low = sentence.lower()
    return (
        any(word in low for word in _ROLE_WORDS)
        or any(word in low for word in _VERB_WORDS)
        or "short for" in low
        or "stands for" in low
    )
