"""Checks of evidence and of candidate answers, for :mod:`briefings.answer`.

The answer engine finds sentences and reads candidates out of them; the functions here judge
them against the question, one concern each, so that every rule can be read and tested alone:

- names: whether a sentence names what the question names (:func:`entity_present`,
  :func:`names_one_of`), how many other people it names (:func:`other_names`), and where a role
  word sits next to a name (:func:`cue_positions`);
- kind: whether a candidate is the kind of thing asked for (:func:`shape_answers`): a place is no
  person (:func:`place_not_person`), a newspaper is not the firm it reports on, a number counts
  the noun asked about (:func:`counts`), a nationality titles the kind asked for
  (:func:`of_another_country`);
- time: whether a figure is of the year, month or period asked about (:func:`of_another_time`,
  :func:`other_period`), and whether it happened or is a forecast (:func:`forecast`);
- shape: the answer as written in the text (a title's "The", a particle of a surname, a range).

They are pure functions of the question's analysis, the sentence's tokens and the article.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache

from briefings.models import Article
from briefings.questions import (
    BODY_HEADS,
    CALENDAR,
    CALLINGS,
    COUNTRIES,
    HEAD_NOUNS,
    MONEY,
    NATIONALITIES,
    NUMBER,
    ORG_NOUNS,
    ORGANISATION,
    OTHER,
    PAST_VERBS,
    PERSON,
    PLACE,
    QUESTION_WORDS,
    ROLE_ABBREVIATIONS,
    QuestionAnalysis,
    names_another_role,
    role_noun,
)
from briefings.questions import ROLE_TITLES as ROLE_TITLE_WORDS
from briefings.questions import (
    adjectival as _adjectival,
)
from briefings.reader import (
    CHANGE_WORDS,
    DAYS,
    PARAPHRASES,
    PERSON_TITLES,
    Candidate,
    QuestionView,
    SentenceView,
    Token,
    person_like,
    stems_of,
    tokenize,
)
from briefings.text import STOPWORDS, stem, terms


def _party_names(groups: Sequence[tuple[str, ...]]) -> dict[str, set[str]]:
    return {name.lower(): set(group) - {name} for group in groups for name in group}


# The short and long names the news uses for the same party, which no acronym fact states.
PARTY_ALIASES = _party_names(
    [
        ("Lib Dems", "Lib Dem", "Liberal Democrats", "Liberal Democrat"),
        ("Tories", "Tory", "Conservatives", "Conservative"),
    ]
)
# Parties, which are no places ("defected to Labour").
_PARTIES = frozenset(PARTY_ALIASES) | frozenset(
    "labour|labour party|conservative party|snp|scottish national party|plaid cymru|ukip|uk independence party|"
    "green party|greens|democrats|republicans|democratic party|republican party".split("|")
)

_GENERIC_NAME_WORDS = frozenset(
    "party group lines line united city council company league cup awards award club house office "
    "front union bank street news times airlines airline games open university committee commission "
    "authority agency association federation board institute foundation trust service department ministry "
    "court assembly society fund network".split()
)


def name_stems(name: str) -> list[str]:
    return [t.stem for t in tokenize(name) if not t.is_punct and t.low not in STOPWORDS]


def entity_present(
    entity: str, sentence_terms: set[str], extra_terms: set[str], tokens: Sequence[Token] | None = None
) -> bool:
    """Whether a name of the question is there: most of its words, or its distinctive last word
    ("Markova" for "Dame Alicia Markova"), which in the sentence's ``tokens``, when given, must
    not be part of another name ("Martin O'Neill" does not name Aston Martin)."""
    wanted = name_stems(entity)
    if not wanted:
        return True
    have = sentence_terms | extra_terms
    found = sum(1 for w in set(wanted) if w in have or _shortened(w, have) or _cut_short_in(w, have))
    if found >= max(1, math.ceil(len(set(wanted)) * 0.6)):
        return True
    if _nationality_stems(entity.lower()) & have:
        return True  # "Chinese banks" for China
    last = distinctive_last(entity)
    if last not in have:
        return False
    return tokens is None or last in extra_terms or _stands_alone(last, entity, tokens)


def _stands_alone(last: str, entity: str, tokens: Sequence[Token]) -> bool:
    """Whether a name's last word (a stem) is written in a sentence, capitalised or after "the"
    ("the college" for Fife College), other than inside a longer name: the capitalised words
    around it must be the name's own."""
    not_other = {t.low for t in tokenize(entity)} | _NOT_NAMES
    opening = _opening_index(tokens)  # the first word is capitalised whatever it is
    for index, token in enumerate(tokens):
        if token.stem != last or not (token.is_cap or (index > 0 and tokens[index - 1].low == "the")):
            continue  # in lower case, only "the college" points back to it: not "sport utility vehicle"
        around = [i for i in (index - 1, index + 1) if 0 <= i < len(tokens) and i != opening]
        if not any(tokens[i].is_cap and not tokens[i].is_punct and tokens[i].low not in not_other for i in around):
            return True
    return False


def _shortened(word: str, have: set[str], cut: int = 3) -> bool:
    """Whether ``word`` is a long name's word cut short by at least ``cut`` letters, the long one
    in ``have`` ("Yugansk" for "Yuganskneftegas", "Pharma" for "Pharmaceuticals"). A sentence's
    word read as a question's cut short needs more ("Richards" is not "Richardson")."""
    return len(word) >= 6 and any(len(t) >= len(word) + cut and t.startswith(word) for t in have)


def distinctive_last(name: str) -> str | None:
    """The stem of a name's last word when that word alone names it ("Markova" of "Dame Alicia
    Markova"): a name of two words or more whose last word is capitalised and not generic."""
    tokens = tokenize(name) if name.strip() else []
    last = tokens[-1] if tokens else None
    if last is None or len(name_stems(name)) < 2 or not last.is_cap or last.low in _GENERIC_NAME_WORDS:
        return None
    if last.low in COUNTRIES or last.low in NATIONALITIES:
        return None  # "Air China" is not China
    if any(t.low in {"of", "for", "and", "&"} for t in tokens):
        return None  # "Night of Athletics" is not "Athletics": only a person's surname stands alone
    return last.stem


# The rest of a capitalised name after its first letter: "Rosemount Estates", "Bank of England".
_NAME_REST = r"[\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*"
_BOUND_AFTER_RE = re.compile(r"^\w*\s+(?:of|for|at|to)\s+(?:the\s+)?((?:[A-Z]|\d+[a-z])" + _NAME_REST + ")")
# What a verb of founding or setting up acts on, right after it: "founded the Rosemount Estates label".
_OBJECT_AFTER_RE = re.compile(r"^[\w-]*(?:\s+up)?\s+(?:the\s+)?([A-Z]" + _NAME_REST + ")")
_BOUND_BEFORE_RE = re.compile(r"([A-Z]" + _NAME_REST + r"?)(?:'s|’s)?\s+$")
_CUE_MODIFIERS = frozenset("deputy former vice assistant ex acting interim joint outgoing".split())


def stem_prefix(stem_: str) -> str:
    """The first letters of a stem that any word with that stem starts with ("armi" of "army"
    is "arm"): stems may change a word's last letter."""
    return stem_[: max(1, min(4, len(stem_) - 1))]


def coverage_ceiling(
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


def in_words(name: str, has_word: Callable[[str], bool]) -> bool:
    """Whether a text names ``name`` (most of its words), given a test for a lower-case word."""
    wanted = [w for w in re.findall(r"\w+", name.lower()) if w not in STOPWORDS and len(w) > 1]
    if not wanted:
        return True
    return sum(1 for w in wanted if has_word(w)) >= max(1, math.ceil(0.6 * len(wanted)))


def singular(word: str) -> str:
    """A lower-case word without a plural "s" ("oscars": "oscar"), to find either form."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 4 else word


def has_word(text: str, word: str) -> bool:
    """Whether ``word`` is in ``text`` as a word of its own (not inside a longer one)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        at = text.find(word, at + 1)
    return False
_RELATIVE_YEAR_RE = re.compile(r"\b(last|this|next) year\b", re.IGNORECASE)
_YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}
YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
# A sentence that opens by dating itself: "In September 2003, ...", "During 2003 ...".
_OPENING_YEAR_RE = re.compile(
    r"^\W*(?:in|during|by|since)\s+(?:(?:early|late|mid)[\s-]+)?(?:[A-Za-z]+\s+)?((?:1[89]|20)\d\d)\b",
    re.IGNORECASE,
)


def other_years(sentence: str, asked: str) -> bool:
    """Whether a sentence that lacks the year asked opens by dating itself to another ("In
    September 2003, MessageLabs caught 273" when asked about 2004): the article's year does not
    stand in for it. A year elsewhere in it ("founded in 1999") dates something else."""
    match = _OPENING_YEAR_RE.match(sentence)
    return match is not None and match.group(1) != asked


# A year on its own: not a sum ("$1999"), nor one end of "2004-2005".
_EDITION_YEAR_RE = re.compile(rf"(?<![\w'$£€-])({YEAR_RE.pattern})\b(?!-\d)")


def edition_years(question: str) -> frozenset[str]:
    """The years a question gives as part of a name, next to one of its capitalised words
    ("the 2005 SAP Open", "Cebit 2005"), not as a time ("in 2005", "in the 2019 season",
    "March 2004"): an article on that event often leaves its year unsaid."""
    found = set()
    for match in _EDITION_YEAR_RE.finditer(question):
        before = re.findall(r"[\w'-]+", question[: match.start()])[-1:]
        after = re.findall(r"[\w'-]+", question[match.end() :])[:1]
        named = [w for w in (*before, *after) if w[:1].isupper() and w.lower() not in CALENDAR]
        if named and not (before and before[0].lower() in {"in", "of", "since", "by", "until", "for", "from"}):
            found.add(match.group(1))
    return frozenset(found)


def names_a_year(sentence: str) -> bool:
    return _EDITION_YEAR_RE.search(sentence) is not None


_NOT_NAMES = CALENDAR | frozenset("mr mrs ms dr sir lord".split())


_CURRENCY_PLACES = (
    ("$", r"us|usa|united states|america"),
    ("£", r"uk|britain|united kingdom|england"),
    ("€", r"europe|eurozone|euro zone"),
)
_CURRENCY_IN_RE = re.compile(
    r"\b(?:in|across) (?:the )?(" + "|".join(places for _, places in _CURRENCY_PLACES) + r")\b"
)


def currency_asked(analysis: QuestionAnalysis) -> str | None:
    """The currency symbol a money question's place implies ("in the US": "$"), if any."""
    match = _CURRENCY_IN_RE.search(analysis.question.lower())
    if match is None:
        return None
    return next(symbol for symbol, places in _CURRENCY_PLACES if re.fullmatch(places, match.group(1)))


def currency_of(text: str) -> str:
    """The currency symbol an amount is written with ("US$499": "$"), or "" for a bare number."""
    symbol = text.lstrip().lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[:1]
    return symbol if symbol in "$£€" else ""


def optional_name(entity: str, analysis: QuestionAnalysis) -> bool:
    """A nationality beside other names ("Which Spanish company ...") may be missing: the
    sentence may say "Spain's" or nothing. So may a kind of thing in capitals ("reality TV
    shows"), which describes more than it names."""
    low = entity.lower()
    kind = low in _KIND_ABBREVIATIONS or low.removesuffix("s") in _KIND_ABBREVIATIONS
    return (_adjectival(entity) or kind) and len(analysis.entities) > 1


_KIND_ABBREVIATIONS = frozenset("tv pc cd dvd mp3 sms gps".split())


def relative_year(sentence: str, article: Article) -> int | None:
    """The year "last year" (this, next) means in an article with a date of its own, else None."""
    match = _RELATIVE_YEAR_RE.search(sentence)
    if match is None or article.published_at is None:
        return None
    return article.published_at.year + _YEAR_OFFSET[match.group(1).lower()]


def plain_share(question: QuestionView, stems: set[str], names: set[str]) -> float:
    """The weighted share of the question's words other than its names that a sentence has."""
    wanted = {s: w for s, w in question.weights.items() if s not in names}
    total = sum(wanted.values())
    return sum(w for s, w in wanted.items() if s in stems) / total if total else 0.0


_CLAUSE_LINKS = frozenset("while whereas but although though and".split())
_POINTING_BACK = frozenset("it he she they its his her their".split())


def points_back(sentence: str) -> bool:
    """Whether a sentence opens with a pronoun, going on about what the one before it named: "It
    is being assembled for ...", "She was suspended by ..."."""
    first = re.match(r"\W*(\w+)", sentence)
    return first is not None and first.group(1).lower() in _POINTING_BACK


def _opening_index(tokens: Sequence[Token]) -> int:
    """Where a sentence's first word is, past any opening quote marks or brackets."""
    return next((i for i, t in enumerate(tokens) if not t.is_punct), 0)


def common_abbreviation(word: str) -> bool:
    """"TV", "UK", "PCs", "CDs": short capitals that name a kind of thing, not one thing."""
    return (word.isupper() and len(word) <= 2) or re.fullmatch(r"[A-Z]{2,4}s", word) is not None


_NAME_JOINERS = frozenset("of & von van de der den da di du la le".split())
_NAME_PARTICLES = _NAME_JOINERS - {"of", "&"}  # of a surname: "de Vabres", "van Gogh"


def other_names(view: SentenceView, known: set[str], roles: frozenset[str] = frozenset()) -> int:
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
            and not common_abbreviation(token.text)
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
            and not _titled_by(tokens, run[0], roles)  # "chief executive John Beaumont"
            and not (len(run) == 1 and _adjectival(tokens[run[0]].text))
            and not _told(tokens, run[0])  # "she told the BBC News website": who heard it
            and not _courtesy_surname(tokens, run)  # "Ms Simonetti": someone the article introduced
        ):
            count += 1
        run = []
    return count


def _courtesy_surname(tokens: Sequence[Token], run: Sequence[int]) -> bool:
    """Whether a name is a courtesy title and a surname ("Ms Simonetti", "Mr Brown"): how news
    refers back to someone it has introduced, not a new name."""
    titles = {"mr", "mrs", "ms", "miss", "dr"}
    if len(run) == 2:
        return tokens[run[0]].low.rstrip(".") in titles
    return len(run) == 1 and run[0] > 0 and tokens[run[0] - 1].low.rstrip(".") in titles  # opening the sentence


def _told(tokens: Sequence[Token], at: int) -> bool:
    """Whether the name at ``at`` is who was told ("told the BBC", "told Reuters")."""
    before = [t.low for t in tokens[max(0, at - 2) : at]]
    return bool(before) and (before[-1] in _TOLD or (before[-1] == "the" and len(before) == 2 and before[0] in _TOLD))


_TOLD = frozenset("told tells telling".split())


# The last word of a title may be "officer": "chief financial officer".
_OFFICER = stem("officer")


def _titled_by(tokens: Sequence[Token], at: int, roles: frozenset[str], past_portfolio: bool = False) -> bool:
    """Whether the name at ``at`` comes right after one of ``roles``, or after a role word that
    follows one ("Chief executive Bill Gammell" when a chief is asked for); if ``past_portfolio``,
    also past a word of its portfolio ("chief financial officer Brian Dunne")."""
    before = tokens[at - 1] if at > 0 else None
    if before is None:
        return False
    if before.stem in roles:
        return True
    if at > 1 and tokens[at - 2].stem in roles and before.stem in PERSON_NOUNS:
        return True
    return (
        past_portfolio
        and at > 2
        and tokens[at - 3].stem in roles
        and (before.stem in PERSON_NOUNS or before.stem == _OFFICER)
        and tokens[at - 2].text.isalpha()
        and tokens[at - 2].text.islower()
    )


def names_one_of(name: str, targets: Sequence[str]) -> bool:
    """Whether ``name`` names one of ``targets`` (same terms, or most of them)."""
    name_terms = _without_company_words(terms(name))
    for target in targets:
        target_terms = _without_company_words(terms(target))
        if not target_terms or not name_terms:
            continue
        if name_terms == target_terms:
            return True
        if len(name_terms) == len(target_terms) >= 2 and (
            all(w in target_terms or _shortened(w, target_terms, 4) for w in name_terms)
            or all(w in name_terms or _shortened(w, name_terms, 4) for w in target_terms)
        ):
            return True  # "GW Pharma" for "GW Pharmaceuticals", either way
        small, big = sorted((name_terms, target_terms), key=len)
        if small <= big and len(small) >= 0.6 * len(big):
            return True
        if _last_word_names(name, target) or _last_word_names(target, name):
            return True
        if _opens(name, target) or _opens(target, name):
            return True
        if _national_body(name, target):
            return True
    return False


# Words that qualify a nation's own bodies: its "Central Bank", its "Supreme Court".
_STATE_QUALIFIERS = frozenset("central national federal reserve state supreme royal high".split())
_STATE_BODIES = BODY_HEADS | frozenset("court ministry government parliament army navy police assembly".split())


def _national_body(name: str, country: str) -> bool:
    """Whether a name is a country's own, named by its people's word: "Turkish Central Bank" (the
    "central bank" of "Turkey's central bank"), or that word alone ("the Bulgarian manager")."""
    words = re.findall(r"[\w'’-]+", name.lower())
    if not words or country.lower() not in COUNTRIES:
        return False
    if stem(country.lower()) not in countries_of(stem(words[0])):
        return False
    if len(words) == 1:
        return True  # "the Bulgarian manager": Bulgaria's
    return words[-1] in _STATE_BODIES and all(w in _STATE_QUALIFIERS for w in words[1:-1])


def _opens(short: str, full: str) -> bool:
    """Whether a name is the opening words of a longer one, the rest a kind or a place: "Mozilla"
    of "Mozilla Foundation", "Police Federation" of "Police Federation of England and Wales"."""
    # Whole words, not stems: "Foster's" does not open "Fostering Network".
    short_words, full_words = _name_words(short), _name_words(full)
    return (
        0 < len(short_words) < len(full_words)
        and full_words[: len(short_words)] == short_words
        and len(short_words[0]) >= 4
        and not _adjectival(short.split()[0])  # "British director Sean McAllister": no chamber of commerce
        and _same_body_rest(full.split()[len(short.split()) :], [stem(w) for w in full_words[len(short_words) :]])
    )


def _name_words(name: str) -> list[str]:
    words = re.findall(r"[a-z0-9&]+", name.lower().replace("'s", "").replace("’s", ""))
    return [w for w in words if w not in STOPWORDS]


def _same_body_rest(rest: Sequence[str], rest_stems: Sequence[str]) -> bool:
    """Whether the words after a name's opening ones leave it the same body: a kind of body or
    a place, or a team's plural nickname ("Newcastle Falcons"); not "Barclays Capital"."""
    nickname = len(rest) == 1 and rest[0].endswith("s") and rest[0][:1].isupper()
    if nickname and stem(rest[0].lower()) not in _FIRM_PLURALS:
        return True
    return all(w in _GENERIC_REST for w in rest_stems)


_COMPANY_WORDS = frozenset(stem(w) for w in "group holdings plc inc corp corporation ltd co company".split())


# The last words of firms' names.
_FIRM_ENDINGS = _COMPANY_WORDS | frozenset(
    stem(w) for w in "laboratories labs bank airways airlines motors pharmaceuticals industries".split()
)
# Plurals that end firms' names ("Google Ventures"), not teams' nicknames ("Newcastle Falcons").
_FIRM_PLURALS = _FIRM_ENDINGS | frozenset(
    stem(w)
    for w in "ventures systems communications networks technologies partners securities investments services "
    "solutions products".split()
)
# What may follow the opening words of an organisation's name that is still the same body: a
# kind of body or a place ("Mozilla Foundation", "Greenpeace UK", "... of England and Wales").
_GENERIC_REST = (
    _COMPANY_WORDS
    | frozenset(stem(w) for w in (*BODY_HEADS, "foundation", *NATIONALITIES))
    | frozenset(stem(word) for country in COUNTRIES for word in country.split())
)


def _cut_short_in(word: str, have: set[str]) -> bool:
    """Whether ``have`` holds ``word`` cut short by four letters or more ("pharma" for
    "pharmaceut"): ``_shortened`` the other way round, by looking up the word's beginnings."""
    return len(word) >= 10 and any(word[:size] in have for size in range(6, len(word) - 3))


def _without_company_words(name_terms: Iterable[str]) -> set[str]:
    """A name's terms without the words any firm's name may add ("Menatep Group" is Menatep)."""
    found = set(name_terms)
    return found - _COMPANY_WORDS or found


def _last_word_names(short: str, full: str) -> bool:
    """"Wilkinson's" for "Jonny Wilkinson": one word, the distinctive last word of the longer name."""
    short_words = name_stems(short)
    return len(short_words) == 1 and distinctive_last(full) == short_words[0]


ANY_MODIFIER = "*"  # for cue_positions: any qualifier, as "deputy leader" asks


def lower_in_place(text: str) -> str:
    """``text`` in lower case, letter for letter, so that an index into one is an index into the
    other ("İ" lowers to two characters, so it is kept as it is)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def cue_positions(
    sentence: str,
    cues: Sequence[str],
    targets: Sequence[str],
    modifier: str | None = None,
    asked_people: Sequence[str] = (),
) -> list[int]:
    """Where a relation word occurs that may belong to one of ``targets``.

    A role word tied to another organisation ("leader of the NRF" when asked about the
    Taliban) does not count. Nor does one qualified ("deputy", "former") unless ``modifier``
    is the qualifier asked for; then only a role word it qualifies counts ("assistant manager").
    Nor does one that titles a person the question names ("Manager Brian Kerr", asked who was
    manager before Brian Kerr): someone else holds it there.
    """
    low = lower_in_place(sentence)  # its indices are the sentence's
    positions = []
    for cue in cues:
        for match in re.finditer(rf"\b{re.escape(cue)}\w*", low):
            before_words = low[: match.start()].split()
            qualifier = before_words[-1].strip("-") if before_words else ""
            if modifier is None and qualifier in _CUE_MODIFIERS:
                continue  # "deputy leader" when the leader is asked for
            if modifier not in {None, ANY_MODIFIER} and qualifier != modifier:
                continue  # "manager" when the assistant manager is asked for
            if before_words and (before_words[-1] in {"never", "not"} or before_words[-1].endswith("n't")):
                continue  # "Mourinho never coached Barcelona"
            if names_another_role(sentence, match.group(), match.end()):
                continue  # "chief economist", "head coach": another role than the one asked
            if match.group() in _VERB_CUES and qualifier in _NOUN_BEFORE:
                continue  # "in the long run", "took the lead": a noun, not the verb asked
            if any(sentence[match.end() :].lstrip().startswith(person) for person in asked_people):
                continue  # "Manager Brian Kerr" when Brian Kerr is named in the question
            last_word = match.start() + len(cue) - len(cue.split()[-1])  # "director" of "managing director"
            bound = _BOUND_AFTER_RE.match(sentence[last_word:])
            if bound is None and (cue.endswith("ed") or cue == "set up" or match.group() in _VERBS_OF_ROLES):
                # "founded the Rosemount label", "Tom Reed runs Varn Air Lines"
                bound = _OBJECT_AFTER_RE.match(sentence[last_word:])
            owner = bound.group(1) if bound else None
            if owner is None:
                before = _BOUND_BEFORE_RE.search(sentence[: match.start()])
                owner = before.group(1) if before else None
                if owner and owner.split()[0].lower() in STOPWORDS | QUESTION_WORDS:
                    owner = " ".join(owner.split()[1:]) or None
                if owner and match.start() == len(owner) + 1 and owner.lower() in HEAD_NOUNS:
                    owner = None  # "Charity boss Gordon Lishman": a kind, capitalised as the first word
                if before is not None and modifier is None:
                    ahead = low[: before.start()].split()
                    if ahead and ahead[-1].strip("-") in _CUE_MODIFIERS:
                        continue  # "former Yukos boss": the qualifier comes before the owner
            if owner and targets and not (
                names_one_of(owner, targets) or names_one_of(_without_holder(owner), targets)
            ):
                continue
            positions.append(match.start())
    return positions


def _without_holder(owner: str) -> str:
    """The organisation of "Chairman of the Environmental Audit Committee Peter Ainsworth MP"
    without the person who follows it, the role's holder."""
    words = owner.split()
    for cut in range(1, len(words) - 1):
        rest = [w for w in words[cut:] if w.lower().strip(",") not in ROLE_ABBREVIATIONS]
        if 2 <= len(rest) <= 3 and person_like(tokenize(" ".join(rest))):
            return " ".join(words[:cut])
    return owner


_VERB_CUES = frozenset("run runs lead leads".split())
_VERBS_OF_ROLES = frozenset("runs leads heads chairs".split())  # said of a role's owner, before them
_NOUN_BEFORE = frozenset("the a an long short home his her its their first second".split())
_HEAD_ROLE_RE = re.compile(r"\b(chief)\b((?:\s+[a-z]+){1,3})")  # "head coach" may be said as "coach"


def asked_head_role(question: str) -> tuple[str, ...] | None:
    """The stems of a role that opens with "chief" but is not the top one, up to its
    noun ("chief financial officer", not "chief of staff"): a sentence must say all of it, in
    that order, as "chief operating officer" is someone else."""
    for match in _HEAD_ROLE_RE.finditer(lower_in_place(question)):
        if not names_another_role(question, match.group(1), match.end(1)):
            continue
        words = [match.group(1)]
        for word in match.group(2).split():
            if word in STOPWORDS or word in PAST_VERBS:
                break
            words.append(word)
            if role_noun(word):  # the role ends with its noun: "chief economist", not "... predict"
                return tuple(stem(w) for w in words)
    return None


def says_role(tokens: Sequence[Token], role: tuple[str, ...]) -> bool:
    """Whether a sentence says a role's words together ("chief financial officer"), not apart
    ("the Financial Times, chief operating officer")."""
    size = len(role)
    return any(tuple(t.stem for t in tokens[i : i + size]) == role for i in range(len(tokens) - size + 1))


def asked_modifier(question: str, cues: Sequence[str]) -> str | None:
    """The qualifier the question puts on the role it asks about ("assistant" of "Blackburn's
    assistant manager"), if any."""
    low = question.lower()
    for cue in cues:
        match = re.search(rf"\b([a-z]+)[\s-]+{re.escape(cue)}", low)
        if match and match.group(1) in _CUE_MODIFIERS:
            return match.group(1)
    return None


def article_time(article: Article | None) -> datetime | None:
    if article is None:
        return None
    return article.published_at or article.added_at


_DIRECTION_BEFORE_RE = re.compile(
    r"\b((?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+"
    r"(?:the\s+)?(?:capital\s+|city\s+of\s+)?)$",
    re.IGNORECASE,
)


_DOLLAR_COUNTRY_RE = re.compile(r"(?<![\w$])(?:A|AU|US|C|NZ|HK|S)$")


def with_dollar_country(candidate: Candidate) -> str:
    """"A$8.4bn", not "$8.4bn": the letters of a country written against a dollar sign say whose
    dollars they are."""
    if not candidate.text.startswith("$"):
        return candidate.text
    match = _DOLLAR_COUNTRY_RE.search(candidate.sentence.text[: candidate.start])
    return f"{match.group(0)}{candidate.text}" if match else candidate.text


_TITLE_CUES = frozenset({"called", "entitled", "titled", "named"})
_SMALL_WORDS = frozenset("the of a an in on to".split())  # not "and", "with": they join two names


def with_whole_title(candidate: Candidate) -> str:
    """"Through the Wire", not "Wire": a title set off after its kind ("the song, Through the
    Wire, ...") or after "called" keeps its small words."""
    tokens = candidate.sentence.tokens
    at = candidate.first
    while at > 0 and not tokens[at - 1].is_punct and (tokens[at - 1].is_cap or tokens[at - 1].low in _SMALL_WORDS):
        at -= 1
    while at < candidate.first and not tokens[at].is_cap:
        at += 1  # a title opens with a capital
    if at == candidate.first or at == 0:
        return candidate.text
    cue = tokens[at - 1]
    if cue.text == "," and at >= 2:
        cue = tokens[at - 2]
    if cue.low not in WORK_NOUNS and cue.low not in _TITLE_CUES:
        return candidate.text
    return candidate.sentence.text[tokens[at].start : candidate.end]


def with_direction(candidate: Candidate) -> str:
    """"northeast of Kabul" rather than "Kabul" when the sentence places something that way."""
    before = candidate.sentence.text[: candidate.start]
    match = _DIRECTION_BEFORE_RE.search(before)
    return f"{match.group(1)}{candidate.text}" if match else candidate.text


_PAYMENT_WORDS = frozenset(stem(w) for w in "pay paid paying spend spent cost costs price".split())
_TRADE_WORDS = frozenset(
    stem(w) for w in "buy bought buying purchase purchased acquire acquired takeover sell sold selling".split()
)


_WORTH_WORDS = frozenset(stem(w) for w in "worth value valued cost costs price".split())


def money_words_said(analysis: QuestionAnalysis, view: SentenceView, sentence_stems: set[str]) -> frozenset[str]:
    """The money words of a money question that a sentence says by giving the sum:
    - "How much did Diageo pay for Chalone?" is answered by "Diageo ... agreed to buy Chalone
      for $260m": the payment is what the amount of a sale is;
    - "How much is the prize worth?" by "The new £60,000 award": a sum is a worth and a cost."""
    if analysis.expected != MONEY:
        return frozenset()
    said = _WORTH_WORDS if any(t.text[:1] in "$£€" for t in view.tokens) else frozenset()
    return said | _PAYMENT_WORDS if sentence_stems & _TRADE_WORDS else said


# Measures of a firm's money that are different sums, as nouns: its profit is not its revenue
# ("earn" and "a sale" are no measure).
_MEASURES = tuple(
    frozenset(group.split())
    for group in (
        "profit profits earnings income",
        "revenue revenues sales turnover",
        "loss losses",
        "debt debts",
        "salary salaries wage wages",
    )
)


_CHANGE_VERBS = CHANGE_WORDS - {"by", "from", "up", "down"}


def change_by(candidate: Candidate, question: str) -> bool:
    """Whether a sum is how much something changed ("profits rose by £500m to £6.2bn", "rose
    32,000 to 1.41 million"), when the question asks for its level, not by how much it changed."""
    tokens = candidate.sentence.tokens
    before = [t.low for t in tokens[max(0, candidate.first - 2) : candidate.first]]
    after = tokens[candidate.last : candidate.last + 2]
    by = len(before) == 2 and before[1] == "by" and before[0] in _CHANGE_VERBS
    # "rose 32,000 to 1.41 million": the figure right after the verb, before the level, is the change.
    bare = (
        bool(before)
        and before[-1] in _CHANGE_VERBS
        and len(after) == 2
        and after[0].low == "to"
        and after[1].is_num
    )
    # "90,000 more people were in employment": how many more, not how many there are (which is
    # what a question with "is"/"are"/"were" asks; "how many staff will it hire" asks the more).
    more = (
        bool(after)
        and after[0].low in {"more", "fewer", "extra", "additional"}
        and bool(_question_words(question) & {"is", "are", "was", "were"})
    )
    if not (by or bare or more):
        return False
    return not (_question_words(question) & (_CHANGE_VERBS | {"increase", "change", "by", "more", "fewer"}))


@lru_cache(maxsize=64)  # asked once for each sentence or candidate of a question
def _question_words(question: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", question.lower()))


def other_measure(question: str, sentence_words: set[str]) -> bool:
    """Whether a sentence (its lower-case words) gives another measure than the one a money
    question asks: "revenue ... exceeding $86m" when asked for the profit."""
    asked = [group for group in _MEASURES if group & _question_words(question)]
    if not asked or any(group & sentence_words for group in asked):
        return False
    if any(group in _SAID_AS_ITSELF for group in asked):
        # A salary is said as pay: "was paid £200,000 a year", not "at a cost of £50m".
        return not sentence_words & _PAY_WORDS
    return any(group & sentence_words for group in _MEASURES if group not in asked)


_SAID_AS_ITSELF = frozenset(group for group in _MEASURES if "salary" in group)
_PAY_WORDS = frozenset("pay paid earn earns earned earning earnings income bonus package".split())


_UNIT_RE = re.compile(
    r"(?:'s|’s)\s+(?:[a-z&-]+\s+){0,4}?(division|unit|arm|department|subsidiary|lab|laboratory|wing|branch|bureau)\b",
    re.IGNORECASE,
)


def unit_asked(question: str) -> str | None:
    """The stem of the part of an organisation a question asks about ("Microsoft's home and
    entertainment division"), whose head is not the organisation's."""
    match = _UNIT_RE.search(question)
    return stem(match.group(1).lower()) if match else None


_PERIOD_RE = re.compile(
    r"\b(first|last|past|next|opening)\s+(?:(\w+)\s+)?(day|week|weekend|month|quarter|year)s?\b", re.IGNORECASE
)
_ONE_WORDS = frozenset({"", "one", "1", "a"})
_COUNT_WORDS = frozenset("two three four five six seven eight nine ten eleven twelve".split())


def periods(text: str) -> list[tuple[str, str, str]]:
    """The spans of time a text counts from an edge, in the order it says them: "its first week"
    is (first, one, week), "the last three months" (last, three, month)."""
    out: dict[tuple[str, str, str], None] = {}
    for match in _PERIOD_RE.finditer(text):
        count = (match.group(2) or "").lower()
        if count and not (count.isdigit() or count in _COUNT_WORDS or count in _ONE_WORDS):
            count = ""  # "the first full week": a description, not a count
        out[(match.group(1).lower(), "one" if count in _ONE_WORDS else count, match.group(3).lower())] = None
    return list(out)


def other_period(sentence: str, asked: tuple[str, str, str]) -> bool:
    """Whether a sentence tells of another span from the same edge ("its first two days" when
    asked about its first week), and not of the one asked about."""
    said = periods(sentence)
    return asked not in said and any(period[0] == asked[0] for period in said)


_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_ORDINAL_RE = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b", re.IGNORECASE)
# "a fifth term", "his second spell": an ordinal saying which of someone's turns it is.
_TURN_RE = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r")\s+(?:(?:successive|consecutive|straight)\s+)?(?:term|spell|stint|time)\b",
    re.IGNORECASE,
)
# "France's second best-paid actor": an ordinal before a superlative says a lower place.
_RANK_RE = re.compile(
    r"\b(" + "|".join(_ORDINALS[1:]) + r")[\s-]+(best|biggest|largest|highest|richest|busiest|most|top|leading)\b",
    re.IGNORECASE,
)


def other_turn(sentence: str, question: str) -> bool:
    """Whether a sentence tells of another of someone's turns or places than the question asks:
    "became chairman for a fifth term" when asked when he first became chairman, or "France's
    second best-paid actor" when asked about the best-paid one."""
    asked = {m.lower() for m in _ORDINAL_RE.findall(question)}
    said = {m.lower() for m in _TURN_RE.findall(sentence)}
    if asked and said and not asked & said:
        # unless the sentence tells of the asked turn too ("who first won it in 1998, won it for a third time")
        return not asked & {m.lower() for m in _ORDINAL_RE.findall(sentence)}
    low = question.lower()
    return any(
        ordinal.lower() not in asked and re.search(rf"\b{superlative.lower()}\b", low)
        for ordinal, superlative in _RANK_RE.findall(sentence)
    )


def _names_its_kind(tokens: Sequence[Token], first: int, kind_at: int, kind: str | None) -> bool:
    """Whether the name at ``first`` is followed, at ``kind_at``, by the kind asked for as its own
    ("The Spectator magazine"), not as a description of another name ("Varn United, the
    Primera Liga club", "the Korla League club Varn Rovers")."""
    after = tokens[kind_at : kind_at + 2]
    if not kind or not after or after[0].stem != kind or not after[0].text.islower():
        return False
    if len(after) > 1 and after[1].is_cap:
        return False
    before = tokens[max(0, first - 2) : first]
    return not (len(before) == 2 and before[0].text == "," and before[1].low in {"the", "a", "an"})


def used_as_modifier(candidate: Candidate, kind: str | None = None) -> bool:
    """A name used as a modifier: a lone nationality ("a US airline", "Dutch coach"), or any name
    right before the common noun it qualifies ("the Primera Liga club", "Tate & Lyle chairman"),
    unless that noun is the ``kind`` asked for ("which magazine": "The Spectator magazine")."""
    tokens = candidate.sentence.tokens
    after = tokens[candidate.last] if candidate.last < len(tokens) else None
    if after is None or not after.text[:1].islower() or after.low in STOPWORDS:
        return False
    if _names_its_kind(tokens, candidate.first, candidate.last, kind):
        return False
    if candidate.text.endswith(("'s", "’s")):
        return True  # "India's top-selling daily": its owner, not its name
    if after_indefinite(candidate) and not after.low.endswith(("ing", "ed")):
        return True  # "a Little Britain breast feeding sketch" (not "an Oscar playing a king")
    if candidate.last - candidate.first == 1 and _adjectival(tokens[candidate.first].text):
        return True
    return after.low in HEAD_NOUNS or after.low.rstrip("s") in HEAD_NOUNS


_COUNT_QUALIFIERS = frozenset("other more further new extra additional".split())


def measured(candidate: Candidate) -> bool:
    """Whether a number is followed by a unit of measure: "30,000 tonnes", "50GB", "12 miles"."""
    tokens = candidate.sentence.tokens
    last = tokens[candidate.last - 1].low if candidate.last > candidate.first else ""
    if re.fullmatch(r"[\d.,]+(?:gb|mb|tb|kg|km|mm|cm|ml|mph|kw|mw)", last):  # not "5m": millions
        return True  # "50GB" written as one word
    return candidate.last < len(tokens) and tokens[candidate.last].low in _UNITS_OF_MEASURE


_UNITS_OF_MEASURE = frozenset(
    "tonnes tonne tons ton kilograms kilogram kg grams litres liters litre gallons barrels gigabytes gb "
    "megabytes mb terabytes miles mile km kilometres metres meters feet acres hectares watts megawatts".split()
)


def counts_things(candidate: Candidate) -> bool:
    """Whether a number counts things ("400 customers"): a plural noun comes right after it."""
    tokens = candidate.sentence.tokens
    at = candidate.last
    if at < len(tokens) and tokens[at].low in _COUNT_QUALIFIERS:
        at += 1  # "two other clubs", "three more games"
    return at < len(tokens) and _plural_noun(tokens[at])


def says_kind(candidate: Candidate, focus: str) -> bool:
    """Whether a name says it is the kind asked for: "Cornell University", "the city of
    Hyderabad", "The Spectator magazine", "the Mbita Point primary school"."""
    tokens = candidate.sentence.tokens
    if candidate.last - candidate.first >= 2 and tokens[candidate.last - 1].stem == focus:
        return True
    if candidate.text.endswith("-based"):
        return False  # "the Madrid-based charity Salvador Allende Foundation"
    if _names_its_kind(tokens, candidate.first, candidate.last, focus):
        return True
    between = tokens[candidate.last] if candidate.last < len(tokens) else None
    if (
        between is not None
        and candidate.first > 0
        and tokens[candidate.first - 1].low in {"the", "a", "an"}
        and between.text.islower()
        and between.low not in STOPWORDS
        and not between.low.endswith(("s", "ed", "ing"))
        and between.low not in PAST_VERBS
        and _names_its_kind(tokens, candidate.first, candidate.last + 1, focus)
    ):
        return True  # "the Mbita Point primary school": one word may qualify the kind
    before = tokens[max(0, candidate.first - 2) : candidate.first]
    return len(before) == 2 and before[1].low == "of" and before[0].stem == focus


def opening_word(candidate: Candidate, written_lower: Callable[[str], bool]) -> bool:
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


def with_name_particle(text: str, candidate: Candidate) -> str:
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


def without_opening_noun(candidate: Candidate, written_lower: Callable[[str], bool]) -> str:
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


def after_indefinite(candidate: Candidate) -> bool:
    """Whether a name comes after "a", "another", "every" or "each": it names a kind of thing
    there ("another Grand Slam", "a Little Britain sketch"), not someone."""
    tokens = candidate.sentence.tokens
    return candidate.first > 0 and tokens[candidate.first - 1].low in _INDEFINITES


_INDEFINITES = frozenset("a an another every each".split())


def owner_of_asked(candidate: Candidate, names: Sequence[str]) -> bool:
    """Whether a person's name is written as the owner of a name the question asks about:
    "Natasha Kaplinsky's Strictly Come Dancing win", "Mike Leigh's Vera Drake". A name ending in
    the owner's mark is otherwise no person ("Manchester United's"), but this one is whose it was."""
    span = candidate.sentence.tokens[candidate.first : candidate.last]
    if candidate.shape != "name" or not span or not span[-1].low.endswith(("'s", "’s")):
        return False
    last = span[-1]
    if not person_like([*span[:-1], dataclasses.replace(last, text=last.text[:-2], low=last.low[:-2])]):
        return False
    after = candidate.sentence.text[candidate.end :].lstrip()
    return any(
        after.startswith(name) and not after[len(name) : len(name) + 1].isalnum() for name in names if name
    )


def without_owner_mark(text: str) -> str:
    """"Natasha Kaplinsky" of "Natasha Kaplinsky's" (see owner_of_asked)."""
    return re.sub(r"['’]s$", "", text)


# Words that open a sentence to link it to the last one (a closed class of English).
_DISCOURSE_WORDS = frozenset(
    "elsewhere meanwhile however moreover furthermore nevertheless nonetheless instead overall "
    "still yet also now today yesterday tomorrow later earlier first firstly second finally "
    "indeed besides otherwise thus hence therefore likewise similarly separately".split()
)


# Letters after a person's name that are no part of it: "Guy Mansfield QC", "Ann Lee MP".
_POST_NOMINALS = frozenset("qc kc mp mep msp mla am obe mbe cbe kbe dbe jr jnr snr".split())


def cut_name(candidate: Candidate, expected: str) -> bool:
    """Whether a name candidate stops short of the name it is part of ("Great Ormond" of "Great
    Ormond Street Hospital"): the next word is capitalised too (not letters after a person's
    name, "Guy Mansfield QC"), or is a model number ("PlayStation 2"). For a place or an
    organisation, so is a capitalised word before it ("Theatre" of "La Fenice Theatre"); a
    person's name follows a capitalised title ("Finance Minister Herve Gaymard") and is whole."""
    tokens = candidate.sentence.tokens
    after = tokens[candidate.last] if candidate.last < len(tokens) else None
    if (
        after is not None
        and after.is_cap
        and not after.is_punct
        and after.low not in _NOT_NAMES | {"i"}
        and not (expected == PERSON and after.low in _POST_NOMINALS)
    ):
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
        and before.low not in _NOT_NAMES | {"the"}  # "The Spectator" is the Spectator
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


def inside_asked(candidate: Candidate, entities: Sequence[str]) -> bool:
    """Whether a place candidate is said to be in the place asked about ("X in Panjshir")."""
    rest = candidate.sentence.text[candidate.end :].lstrip(" ,").lower()
    return any(rest.startswith(f"in {e.lower()}") for e in entities)


_ONE_IN = frozenset("one 1 two 2 three 3 four 4".split())
# How far "of" and the whole may reach in "all but 92 of the Lords' 750 hereditary peers".
_PART_OF_WHOLE = 6


def whole_of_part(candidate: Candidate) -> bool:
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


def counted_words(analysis: QuestionAnalysis) -> frozenset[str] | None:
    """The stems of what "how many X" counts ("text messages": text, messag), or None when the
    question counts no plain noun ("how old", "how many did ...")."""
    focus = analysis.focus
    if not focus or focus in {"old", "long", "far", "big", "tall", "large", "high", "often", "much", "many"}:
        return None
    match = re.search(rf"\bhow many ((?:[a-z0-9-]+ ){{0,2}}){re.escape(focus)}\b", analysis.question.lower())
    if match is None:
        return None
    words = [*match.group(1).split(), focus]
    if len(words) >= 2:
        words.append(words[-2] + focus)  # "web pages" are counted as "webpages" too
    return frozenset(tokenize(w)[0].stem for w in words if w not in STOPWORDS and tokenize(w))


def counts(candidate: Candidate, counted: frozenset[str]) -> bool:
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
    if any(_is_counted(t, counted) for t in near):
        return True
    # "The number of people out of work rose 32,000 to 1.41 million": the sentence says what, in
    # the same clause (not "since 2004, and 5,000 workers"), of a figure that is no year.
    if YEAR_RE.fullmatch(candidate.text):
        return False
    at = candidate.first - 1
    while at >= 2 and tokens[at].text not in {",", ";"}:
        if tokens[at - 2].low == "number" and tokens[at - 1].low == "of" and _is_counted(tokens[at], counted):
            return True
        at -= 1
    return False


# Kinds of people: "how many people" are counted as staff, fans or voters too.
_PEOPLE_STEMS = frozenset(
    stem(w)
    for w in "staff workers employees residents fans users customers viewers members voters visitors passengers "
    "citizens children adults students pupils patients subscribers listeners readers spectators".split()
)


def _is_counted(token: Token, counted: frozenset[str]) -> bool:
    """Whether a word is one of what is counted, or says it another way ("jobs" for staff, "staff"
    for people)."""
    return (
        token.stem in counted
        or any(p in counted for p in PARAPHRASES.get(token.stem, ()))
        or (stem("people") in counted and token.stem in _PEOPLE_STEMS)
    )


def says_count_of(tokens: Sequence[Token], counted: frozenset[str]) -> bool:
    """Whether a sentence gives a number of what is counted, right before it ("14 nominations",
    "seven million telephone numbers"): then it says what the question asks, whatever its verb."""
    for at, token in enumerate(tokens):
        if token.is_num and any(_is_counted(t, counted) for t in tokens[at + 1 : at + 3]):
            return True
    return False


# Verbs that carry little of a question's sense: "how many nominations did it get", "how many
# games can it play"; a count of the thing asked says as much.
_LIGHT_VERBS = frozenset(
    stem(w)
    for w in "get got have has had make made take took use used play go going run running hold sign "
    "keep put give come do include offer employ feature total number count".split()
)


def only_light_words_missing(
    predicate: Iterable[str], stems: set[str], said_elsewhere: Callable[[str], bool]
) -> bool:
    """Whether the question's plain words a sentence lacks are light verbs, or words its article
    says elsewhere (``said_elsewhere``: "civil service" in a report on civil service job cuts)."""
    return all(word in stems or word in _LIGHT_VERBS or said_elsewhere(word) for word in predicate)


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


def vague_amount(text: str) -> bool:
    """"Millions", "tens of thousands": an order of size, not an amount."""
    words = re.findall(r"[a-z]+", text.lower())
    return not any(ch.isdigit() for ch in text) and bool(words) and all(w in _VAGUE_WORDS for w in words)


def _plural_noun(token: Token) -> bool:
    """A lower-case word that looks like a plural noun ("clubs", "countries", "children")."""
    low = token.low
    if low in _IRREGULAR_PLURALS:
        return token.text.islower()
    return token.text.isalpha() and token.text.islower() and low.endswith("s") and not low.endswith("ss") and (
        low not in STOPWORDS and low not in _NOT_PLURAL_NOUNS
    )


_NOT_PLURAL_NOUNS = frozenset("is was has does goes says makes takes gives its this thus plus always perhaps".split())
# "people", "men" and "women" may be any of those counted ("some 30,000 people"), so are not here.
_IRREGULAR_PLURALS = frozenset("children mice geese feet teeth".split())


# Units a number measures in; a number right before one measures, it does not count.
_UNITS = frozenset(
    stem(w)
    for w in "second seconds minute minutes hour hours day days week weeks month months year years "
    "metre metres meter meters km kilometres miles mile kg kilos tonnes tons mph percent per times".split()
)

# Titles and roles that name what someone is, when written right before the name (stems).
ROLE_TITLES = frozenset(stem(w) for w in ROLE_TITLE_WORDS)


# A portfolio said as a noun or as an adjective: the pairs the stemmer leaves apart, named here,
# as a shared opening alone would also join "police" and "policy".
_PORTFOLIO_KIN = {
    stem(one): stem(other)
    for noun, adjective in (
        ("finance", "financial"),
        ("economy", "economic"),
        ("commerce", "commercial"),
        ("industry", "industrial"),
        ("culture", "cultural"),
        ("environment", "environmental"),
        ("constitution", "constitutional"),
        ("education", "educational"),
        ("operations", "operating"),
        ("technology", "technical"),
    )
    for one, other in ((noun, adjective), (adjective, noun))
}


def mentions(view: SentenceView, word: str, akin: bool = False) -> bool:
    """Whether a sentence (or its article's title) has ``word`` (a stem) or a paraphrase of it;
    if ``akin``, also a word of its family ("financial" for "finance", "economic" for "economy")."""
    have = stems_of(view.tokens) | view.extra_stems
    return (
        word in have
        or any(p in have for p in PARAPHRASES.get(word, ()))
        or (akin and _PORTFOLIO_KIN.get(word) in have)
    )


def _akin(one: str, other: str) -> bool:
    """Whether two stems are one portfolio's word, or its noun and its adjective (see ``_PORTFOLIO_KIN``)."""
    return one == other or _PORTFOLIO_KIN.get(one) == other


def described_in(candidate: Candidate, focus: str, article: Article | None) -> bool:
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


def described(candidate: Candidate) -> bool:
    """Whether a name comes right after a plain description of the person ("lawyer Lord Scarman")."""
    if candidate.first == 0:
        return False
    before = candidate.sentence.tokens[candidate.first - 1]
    return before.text.isalpha() and before.text.islower() and before.low not in STOPWORDS


def titled_otherwise(candidate: Candidate, focus: str) -> bool:
    """Whether a name comes right after a role word other than the one asked about: asked for a
    blogger, "President Mohammed Khatami" and "financial chief Scott Sullivan" are someone else."""
    tokens = candidate.sentence.tokens
    # The title is the word before the name, or the name's own first word ("Editor Lina Vos").
    title = tokens[candidate.first] if candidate.last - candidate.first >= 2 else None
    if title is None or title.stem not in ROLE_TITLES:
        title = tokens[candidate.first - 1] if candidate.first > 0 else None
    if title is None or title.is_punct or title.stem not in ROLE_TITLES:
        return False
    return title.stem != focus and focus not in PARAPHRASES.get(title.stem, ())


_ORG_KINDS = frozenset(stem(w) for w in ORG_NOUNS)
# Asked for "which company" or "which group", any kind of business answers; a publisher is one kind.
SPECIFIC_KINDS = _ORG_KINDS - frozenset(stem(w) for w in "company firm group organisation organization body".split())


def kind_otherwise(candidate: Candidate, kind: str, asked: frozenset[str]) -> bool:
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
    "slovak": {"slovakia"},
    "thai": {"thailand"},
    "filipino": {"philippines"},
    "peruvian": {"peru"},
    "moroccan": {"morocco"},
    "congolese": {"congo"},
    "somali": {"somalia"},
    "cypriot": {"cyprus"},
}




def _country_of_nationality(word: str) -> str | None:
    """The country a nationality word is made from, by the usual endings: "Bulgarian" from
    Bulgaria, "Kenyan" from Kenya, "Hungarian" from Hungary, "Sudanese" from Sudan, "Kuwaiti"
    from Kuwait."""
    stems = (word[:-1], word[:-2], word[:-3], word[:-3] + "y", word[:-4] + "y", word[:-1] + "a")
    return next(
        (country for country in stems if len(country) > 3 and country in COUNTRIES - _CONTINENTS), None
    )


_CONTINENTS = frozenset({"europe", "africa", "asia"})  # "the lowest of any European economy" names no country


# The rest of the nationality words, with the countries their endings make.
_NATION_OF.update(
    {
        word: {country}
        for word in NATIONALITIES
        if word not in _NATION_OF and (country := _country_of_nationality(word)) is not None
    }
)

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


def countries_of(nationality_stem: str) -> frozenset[str]:
    """The stems of the countries a nationality's stem stands for ("japan" for "japanes")."""
    return _country_stems().get(nationality_stem, frozenset())


def _nationality_stems(country: str) -> frozenset[str]:
    """The stems of the nationality words of a country ("chines" for China); none for other names."""
    return _nationalities().get(country, frozenset())


def in_question(candidate: Candidate, question_low: str) -> bool:
    """Whether the question itself says the candidate: as whole words (or run together: "Rip
    Guard" is the "RipGuard" asked about), or, for an acronym, as part of a longer one ("ID" in
    "RFID")."""
    bare = bare_name(candidate.text)
    text = bare.lower()
    if len(text) < 2:
        return False
    if candidate.shape == "acronym":
        return text in question_low
    if re.fullmatch(r"[A-Z]{2,}s", bare):
        text = text[:-1]  # "DVDs" of "dvd"
    joined = re.sub(r"[\s-]+", "", text)
    return (
        has_word(question_low, text)
        or has_word(question_low, singular(text))
        or (joined != text and has_word(question_low, joined))
    )


_ASIDE_RE = re.compile(r"\s[-–—]\s[^-–—]{1,80}?\s[-–—]\s|\([^()]{1,80}\)")


def without_asides(text: str) -> str:
    """A sentence without what it says between dashes or in brackets: "the friendly against
    Valenciana - a region of Spain - on 28 December" says the friendly's date, not Spain's."""
    return _ASIDE_RE.sub(" ", text)


def nations_named(text: str) -> frozenset[str]:
    """The countries a question names, by name or nationality ("which German city": Germany)."""
    out: set[str] = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NATION_OF:
            out |= _NATION_OF[word]
        elif word in COUNTRIES and word not in {"us", "turkey", "china"}:
            out.add(word)  # in lower case these three are as often a word as a country
    return frozenset(out)


_WORLDWIDE_RE = re.compile(r"\b(?:worldwide|globally|(?:around|across|round) the (?:world|globe))\b", re.IGNORECASE)


def says_worldwide(text: str) -> bool:
    """Whether a sentence gives a figure for the whole world ("sold seven million copies
    worldwide"), which does not answer for one country."""
    return _WORLDWIDE_RE.search(text) is not None


_TEAM_NOUNS = frozenset("team side squad nation country".split())
_COUNT_OF_MONEY = frozenset("pounds dollars euros yen francs cents pence".split())


COUNTRY_NOUNS = frozenset({"country", "nation"})
_TOWN_NOUNS = frozenset({"city", "town", "village", "capital", "port", "resort", "suburb"})
# Bodies one is "in", which are no towns or seats.
_CHAMBERS = frozenset(
    "cabinet|shadow cabinet|parliament|commons|house of commons|lords|house of lords|senate|congress|"
    "government".split("|")
)


_APPOSED_ROLE_RE = re.compile(
    r"^,\s+(?:the\s+|a\s+|an\s+)?(?:[a-z-]+\s+){0,3}?(?:director[- ]general|chief executive|chairman|chairwoman|"
    r"president|leader|head|boss|chief|director|founder|owner|manager|coach|spokesman|spokeswoman|editor|"
    r"secretary[- ]general|governor|minister|captain)\s+(?:of|at|for)\s+(?:the\s+)?"
    r"(?:[a-z-]+\s+){0,3}?"  # "managing director of oil industry analysts Douglas-Westwood"
    r"([A-Z][\w&'’.-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’.-]*)*)"
)


def role_elsewhere(candidate: Candidate, targets: Sequence[str]) -> bool:
    """Whether the sentence gives the person a role in an organisation the question does not name:
    "Digby Jones, director general of the UK's CBI" when Cadbury Schweppes's head is asked for."""
    match = _APPOSED_ROLE_RE.match(candidate.sentence.text[candidate.end :])
    return match is not None and bool(targets) and not names_one_of(bare_name(match.group(1)), targets)


NOW_RE = re.compile(r"\b(?:this year|these days|currently|right now|at the moment|at present)\b", re.IGNORECASE)
_PAST_RE = re.compile(r"\b(?:previous|past|earlier|former) years?\b|\bin the past\b|\bpreviously\b", re.IGNORECASE)


def told_as_past(candidate: Candidate, article: Article | None) -> bool:
    """Whether the sentence gives the candidate for an earlier time than the question asks about:
    "Artists who decorated the tree in previous years include Tracey Emin in 2002"."""
    text = candidate.sentence.text
    if _PAST_RE.search(text):
        return True
    year = re.match(r"\s+in ((?:19|20)\d\d)\b", text[candidate.end :])
    when = article_time(article)
    return year is not None and when is not None and int(year.group(1)) < when.year


_DAY_DATE_RE = re.compile(
    r"^,?\s+(?:the\s+)?(\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+\d{1,2}(?:st|nd|rd|th)?)\b"
)


def with_its_date(candidate: Candidate) -> str:
    """"Tuesday, 14 June" rather than "Tuesday": a weekday followed by its date answers as both."""
    if candidate.text.lower() not in DAYS:
        return candidate.text
    match = _DAY_DATE_RE.match(candidate.sentence.text[candidate.end :])
    return f"{candidate.text}, {match.group(1)}" if match else candidate.text


# "More than one million": the qualifier says how the figure stands, so the answer keeps it. Only
# words that qualify nothing else: "talks about 1,200 job cuts" and "the row over 300 homes" are
# about the figure, not around it. "No more than" keeps its "no".
_FIGURE_QUALIFIER_RE = re.compile(
    r"\b(?:(?:no\s+|just\s+)?(?:more|fewer|less)\s+than|almost|nearly|approximately|roughly|up\s+to|at\s+least)\s+$",
    re.IGNORECASE,
)


def with_qualifier(candidate: Candidate, text: str) -> str:
    """A figure's ``text`` with the qualifier written right before it ("more than one million",
    "up to 45,000"), unless the figure was widened to a range or already holds one."""
    sentence = candidate.sentence.text
    if not sentence.startswith(text, candidate.start):
        return text  # widened ("between 40,000 and 50,000") or rewritten: as it is
    match = _FIGURE_QUALIFIER_RE.search(sentence, 0, candidate.start)
    if match is None or match.end() != candidate.start:
        return text
    return sentence[match.start() : candidate.start].lower() + text


_SEX_WORDS = {
    "male": re.compile(r"\b(?:male|men|men's|man's|boys|boys')\b", re.IGNORECASE),
    "female": re.compile(r"\b(?:female|women|women's|woman|woman's|girls|girls'|ladies|ladies')\b", re.IGNORECASE),
}


def sex_of(text: str) -> str | None:
    """Which of men's and women's events or prizes a text names, when it names one only."""
    named = [sex for sex, words in _SEX_WORDS.items() if words.search(text)]
    return named[0] if len(named) == 1 else None


def other_sex(sentence: str, asked: str) -> bool:
    """Whether a sentence is about the other sex's event or prize than the question's."""
    told = sex_of(sentence)
    return told is not None and told != asked


_SAYING = frozenset(stem(w) for w in "said says told tells announced added confirmed reported revealed".split())


_RELATIVE_WORDS = frozenset({"who", "which", "whose", "when", "since"})


_DASHES = frozenset({"-", "–", "—"})


def _relative_clause(candidate: Candidate) -> tuple[int, int] | None:
    """The token bounds of the relative clause a figure sits in ("Bono, who formed U2 at school
    in 1977, begins ..."), if it sits in one."""
    tokens = candidate.sentence.tokens
    # A dash closes a clause set off by dashes: "- which was due on Wednesday - until 6 June".
    start = next(
        (
            i
            for i in range(candidate.first - 1, -1, -1)
            if tokens[i].low in _RELATIVE_WORDS or tokens[i].text in ",;(" or tokens[i].text in _DASHES
        ),
        None,
    )
    if start is None or tokens[start].low not in _RELATIVE_WORDS:
        return None
    if tokens[start].low == "when" and (start == 0 or tokens[start - 1].text != ","):
        return None  # "left Varn when the firm was taken over in 2003" dates his leaving too
    if tokens[start].low == "since" and candidate.first - start <= 2:
        return None  # "has played there since 2000": the date is the asked one's start
    end = next((i for i in range(candidate.last, len(tokens)) if tokens[i].text in ",;)"), len(tokens))
    return start, end


def in_relative_clause(candidate: Candidate) -> bool:
    """Whether a figure sits in a relative clause (see :func:`in_other_clause`)."""
    return _relative_clause(candidate) is not None


def in_other_clause(candidate: Candidate, predicate: Iterable[str]) -> bool:
    """Whether a figure sits in a relative clause ("Bono, who formed U2 at school in 1977, begins
    a world tour on 28 March"; ", when the land was developed in 2002"; "since they joined the
    Six Nations in 2000, but two have come against Scotland") that says none of the
    question's plain words, while the rest of the sentence says one: it dates or counts
    something else."""
    bounds = _relative_clause(candidate)
    if bounds is None:
        return False
    start, end = bounds
    tokens = candidate.sentence.tokens
    wanted = {w for word in predicate for w in (word, *PARAPHRASES.get(word, ()))}
    inside = {t.stem for t in tokens[start:end]}
    outside = {t.stem for t in (*tokens[:start], *tokens[end:])}
    return not inside & wanted and bool(outside & wanted)


def date_of_saying(candidate: Candidate, asked: Iterable[str]) -> bool:
    """Whether a date is when something was said ("..., Mr Walsh told AP on Wednesday"), and the
    question does not ask when it was said."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at < 1 or tokens[at].low != "on" or (_SAYING | _SPEECHES) & set(asked):
        return False
    return any(t.stem in _SAYING or t.stem in _SPEECHES for t in tokens[max(0, at - 6) : at])


# What is said on a day: "in a speech on Friday" dates the speech.
_SPEECHES = frozenset(stem(w) for w in "speech interview statement testimony briefing".split())


def of_another_time(candidate: Candidate, years: set[str], months: set[str]) -> bool:
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
    if YEAR_RE.fullmatch(said.text):
        return said.text not in years if years else bool(months)
    return bool(months) and said.low in MONTH_NAMES and said.low not in months


MONTH_NAMES = CALENDAR - DAYS - {"christmas", "easter"}
ACTUAL_RE = re.compile(r"\bso far\b|\b(?:has|have|had|did)\b", re.IGNORECASE)
# What someone expects rather than what has happened; a question with one of these (or "will",
# "could", "might", "plan", "hope", "aim") asks about a forecast itself.
_FORECAST_LIST = "expect expects expected forecast forecasts predict predicts predicted hopes aims target".split()
FORECAST_RE = re.compile(
    r"\b(?:" + "|".join([*_FORECAST_LIST, "will", "could", "might", "plan", "plans", "hope", "aim"]) + r")\b",
    re.IGNORECASE,
)
_FORECAST_WORDS = frozenset(stem(w) for w in _FORECAST_LIST)
# What could be, not what was: "could face a sentence of 85 years", "charges carry up to 20 years";
# the last words only before a figure ("who now faces Igor Andreev" names whom he plays).
_POSSIBLE_WORDS = frozenset("could might may would".split())
_POSSIBLE_SUM_WORDS = frozenset("face faces facing carry carries maximum".split())


PAST_ASKED_RE = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)


def earlier_years(candidate: Candidate, years: set[str]) -> bool:
    """Whether a date falls in years before every year the question names: the 2002 race does
    not say when the 2005 one is."""
    said = YEAR_RE.findall(candidate.text)
    return bool(said) and max(said) < min(years)


def forecast(candidate: Candidate) -> bool:
    """Whether a figure is what someone expects or what could be, not what has happened:
    "expected to sell about 500" or "could face 85 years" a few words before it, in its clause."""
    tokens = candidate.sentence.tokens
    for token in reversed(tokens[max(0, candidate.first - 6) : candidate.first]):
        if token.text in {",", ";", ".", "-", "–"}:
            return False
        if token.stem in _FORECAST_WORDS or token.text in _POSSIBLE_WORDS:  # "May" is a month
            return True
        if token.text in _POSSIBLE_SUM_WORDS and candidate.shape != "name":
            return True
    return False


def called_mister(candidate: Candidate, article: Article | None) -> bool:
    """Whether the article calls the name's last word "Mr", "Mrs" or "Ms" ("Mr Kennedy"): a person."""
    words = candidate.text.split()
    if len(words) < 2 or article is None or not words[-1][:1].isupper():
        return False
    return re.search(rf"\b(?:Mr|Mrs|Ms)\.? {re.escape(words[-1])}\b", article.text) is not None


# "Who won ...", "which team beat ...": the winner is asked ("who did she beat" asks the other).
WINNER_ASKED_RE = re.compile(
    r"\b(?:who|which\s+\w+(?:\s+\w+)?)\s+(?:has\s+|have\s+|had\s+)?(?:won|wins|beat|beats)\b", re.IGNORECASE
)
_BEATING_WORDS = frozenset("beat beats beating defeated defeating thrashed edged".split())
_WIN_WORDS = frozenset("win wins victory triumph".split())


_SEEDING_WORDS = frozenset(
    "seed seeded unseeded champion holder defending top world number first second third fourth fifth sixth "
    "seventh eighth".split()
)


def beaten(candidate: Candidate) -> bool:
    """Whether a name is the one beaten: "a 3-2 win over Cotonsport", "beating Tomas Zib"."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    while at > 0 and candidate.first - at <= 4 and (tokens[at].is_cap or tokens[at].low in _SEEDING_WORDS):
        at -= 1  # "a win over seventh seed Jurgen Melzer", "beating US Open champion Kuznetsova"
    if at < 0:
        return False
    if tokens[at].low in _BEATING_WORDS:
        return True
    return tokens[at].low == "over" and any(t.low in _WIN_WORDS for t in tokens[max(0, at - 4) : at])


# Words that say someone won; a sentence without one does not say who won.
_WINNING_WORDS = frozenset(
    stem(w)
    for w in (
        *_WIN_WORDS,
        *_BEATING_WORDS,
        *"won winning winner winners beaten victories title triumphed clinched claimed lifted "
        "retained scooped awarded".split(),
    )
)
_STAGE_RE = re.compile(
    r"\b(?:last (?:four|eight|16|32)|semi-finals?|semis|quarter-finals?|(?:first|second|third|fourth) round)\b",
    re.IGNORECASE,
)
_MAY_WIN = frozenset("can could will would may might to".split())  # "believes Britain can win"


_OBJECT_ASKED_RE = re.compile(
    r"^\s*(?:who|whom|which\s+[a-z-]+|what\s+[a-z-]+)\s+(?:did|does|do)\s+(.*)$",
    re.IGNORECASE,
)


def asked_object_verb(question: str) -> str | None:
    """The stem of the verb whose object a question asks for ("Who did England beat?": beat),
    the first lower-case word after the subject."""
    match = _OBJECT_ASKED_RE.match(question)
    if match is None:
        return None
    for word in re.findall(r"[\w'’-]+", match.group(1)):
        if word[:1].isupper() or word.lower() in STOPWORDS:
            continue
        return stem(word.lower())
    return None


def does_it(candidate: Candidate, verb: str) -> bool:
    """Whether a name is the one doing the asked verb (or a paraphrase): it comes right before
    it ("England player Simon Amor beat team-mate Ben Gollings"), so it is no object."""
    tokens = candidate.sentence.tokens
    if candidate.last >= len(tokens):
        return False
    after = tokens[candidate.last]
    return after.stem == verb or after.stem in PARAPHRASES.get(verb, ())


def done_by_another(candidate: Candidate, verb: str, names: Iterable[str]) -> bool:
    """Whether the asked verb just before a name has a doer the question does not name: "Ljubicic,
    who beat Tim Henman" or "Ljubicic beat Tim Henman", when asked whom Federer beat."""
    tokens = candidate.sentence.tokens
    forms = {verb, *PARAPHRASES.get(verb, ())}
    near = range(candidate.first - 1, max(-1, candidate.first - 5), -1)
    at = next((i for i in near if tokens[i].stem in forms), None)
    if at is None:
        return False
    doer = at - 1
    if doer >= 0 and tokens[doer].low in {"who", "which", "that"}:
        doer -= 1
        if doer >= 0 and tokens[doer].is_punct:
            doer -= 1
    if doer < 0 or not tokens[doer].is_cap or tokens[doer].low in STOPWORDS:
        return False  # "he beat", "They beat": no name to tell
    first = doer
    while first > 0 and tokens[first - 1].is_cap and not tokens[first - 1].is_punct:
        first -= 1
    run = tokens[first : doer + 1]
    if any(_adjectival(t.text) for t in run):
        return False  # "The Swiss beat ...": no one the question's names can be told from
    return not stems_of(run) & set(names)  # "Justine Henin-Hardenne beat ...": Henin's


# Auxiliaries, and light verbs said many other ways ("who got the winner": who scored it).
_NOT_EVENTS = frozenset(
    "is was are were has had have will would does did can could should may might got took went came put set "
    "kept".split()
)
_WIN_STEMS = frozenset(stem(w) for w in "win won".split())
_WHO_VERB_RE = re.compile(r"^\s*who\s+([a-z-]+)\b", re.IGNORECASE)


def asked_event(question: str, relation_stems: Iterable[str]) -> str | None:
    """The stem of the deed a "who did it" question asks about ("who presented the award":
    present), unless it is the role the question asks for ("who led", "who chaired"), which the
    relation's own cues find, or a win, which says_who_won finds."""
    match = _WHO_VERB_RE.match(question)
    if match is None:
        return None
    word = match.group(1).lower().split("-")[-1]  # "co-wrote": wrote
    if word in _NOT_EVENTS or not (word.endswith("ed") or word in PAST_VERBS):
        return None
    verb = stem(word)
    if verb in _WIN_STEMS:
        return None  # who won is found by says_who_won ("the prize went to Tom Reed")
    return None if verb in set(relation_stems) else verb


_CLAUSE_OPENERS = frozenset("whether if that after before when while because since until".split())
_WHEN_AUXILIARY_RE = re.compile(
    r"^\s*(?:and\s+)?when\s+(did|does|do|will|would|can|could|should|was|were|is|are|has|have|had)\s+(.+)$",
    re.IGNORECASE,
)


def asked_when_deed(question: str) -> str | None:
    """The stem of the deed a "when" question dates, when it is a verb with known paraphrases:
    "when does the trial start?" (start, begin, open ...), "when was Southcorp founded?". A
    sentence that says none of them dates something else ("indicted in September"). Light
    verbs ("when will it get its planes") are said in too many ways to require."""
    match = _WHEN_AUXILIARY_RE.match(question)
    if match is None:
        return None
    auxiliary = match.group(1).lower()
    words = re.findall(r"[\w'-]+", match.group(2))
    after_to = False
    for at, word in enumerate(words[1:], start=1):  # the first is the subject's
        if not word.islower():
            continue  # a name ("Iran") is no verb
        if word in _CLAUSE_OPENERS:
            return None  # "decide whether to open talks": the deed is before it
        following = words[at + 1] if at + 1 < len(words) else ""
        if following == "to" and not after_to:
            auxiliary, after_to = "will", True  # "when is the trial expected to start": start
            continue
        if word in STOPWORDS:
            continue
        if (
            following.islower() and following not in STOPWORDS and not after_to and not following.endswith("ing")
        ) or following in {"be", "been"}:
            continue  # "the oil price rise", "the show be aired": the subject's words come first
        verb = stem(word)
        if after_to and verb not in PARAPHRASES:
            return None  # "due to decide": a deed without known paraphrases
        if verb in _LIGHT_VERBS or word in _NOT_EVENTS:
            return None
        if auxiliary in {"was", "were", "is", "are", "has", "have", "had"} and not (
            word.endswith("ed") or word in PAST_VERBS
        ):
            continue  # "when was the 2005 race": no deed; "when was it founded": founded
        if verb in PARAPHRASES:
            return verb
    return None


@lru_cache(maxsize=512)  # asked once for each candidate of a sentence
def says_who_won(sentence: str, question: str) -> bool:
    """Whether a sentence can say who won what a question asks: someone won (not "can win" or
    "hopes to win"), and not a round the question does not ask about ("beat Gaudio in the first
    round", "reached the last four with a win over Lopez"). A sentence that also names a round
    won on the way ("won the title after beating Hewitt in the semi-finals") is refused too: that
    costs an answer, a wrong winner would cost more."""
    tokens = tokenize(sentence)
    won = any(
        (t.stem in _WINNING_WORDS or (t.low in {"went", "goes"} and i + 1 < len(tokens) and tokens[i + 1].low == "to"))
        and not any(b.low in _MAY_WIN for b in tokens[max(0, i - 2) : i])
        for i, t in enumerate(tokens)
    )  # "the prize went to The Quiet Harbour"
    return won and (_STAGE_RE.search(question) is not None or _STAGE_RE.search(sentence) is None)


_SOURCE_ASKED_RE = re.compile(
    r"\b(?:say|says|said|claim|claims|claimed|report|reports|reported|according)\b", re.IGNORECASE
)


def according_to(candidate: Candidate) -> bool:
    """Whether a name is the source a sentence cites: "according to Reuters" (read with its
    opening words or without), or "..., the firm told Reuters." at the sentence's end."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if candidate.last - candidate.first > 2 and tokens[candidate.first].low == "according":
        at = candidate.first + 1
    if at > 1 and tokens[at].low == "the" and tokens[at - 1].low == "to":
        at -= 1  # "according to the Hollywood Reporter"
    if at > 0 and tokens[at].low == "to" and tokens[at - 1].low == "according":
        return True
    # "..., the firm told Reuters.": the agency that was told, in a closing clause of its own
    ends = candidate.last >= len(tokens) or tokens[candidate.last].is_punct
    if not (at >= 0 and tokens[at].low in {"told", "tells"} and ends and candidate.last >= len(tokens) - 2):
        return False
    return any(t.text == "," for t in tokens[max(0, at - 4) : at])


def after_to(candidate: Candidate) -> bool:
    """Whether a name is the object of "to" ("advisor to Gerald Ford"): not who holds a role
    ("according to" only says who said it)."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    return at >= 0 and tokens[at].low == "to" and not according_to(candidate)


def titled_as_asked(candidate: Candidate, roles: frozenset[str], targets: Sequence[str]) -> bool:
    """Whether the sentence gives a name the role asked, right beside it: "Finance Minister Sue
    Essex", "Guy Mansfield, its chairman", "the chairman of the Bar Council, Guy Mansfield"
    (the role, then only its organisation's name, then the name); not a role in an
    organisation other than ``targets`` ("Jim Press, vice president ... of Toyota")."""
    tokens = candidate.sentence.tokens
    if _titled_by(tokens, candidate.first, roles, past_portfolio=True):
        return True
    after = tokens[candidate.last : candidate.last + 4]
    if after and after[0].text == "," and any(t.stem in roles for t in after[1:]):
        owner = _APPOSED_OWNER_RE.match(candidate.sentence.text[candidate.end :])
        return owner is None or not targets or names_one_of(owner.group(1), targets)
    if candidate.first < 2 or tokens[candidate.first - 1].text != ",":
        return False
    for at in range(candidate.first - 2, max(-1, candidate.first - 8), -1):
        if tokens[at].stem in roles:
            owner_words = [t.text for t in tokens[at + 1 : candidate.first - 1] if t.is_cap]
            return not owner_words or not targets or names_one_of(" ".join(owner_words), targets)
        if not (tokens[at].is_cap or tokens[at].low in {"of", "the", "&"}):
            return False
    return False


# The organisation an apposed role belongs to: ", vice president and chief operating officer of Toyota".
_APPOSED_OWNER_RE = re.compile(r"^,\s+[^,]*?\b(?:of|at|for)\s+(?:the\s+)?([A-Z]" + _NAME_REST + ")")


def titled_person(candidate: Candidate) -> bool:
    """"Sir Cameron Mackintosh", "Dr Mario Paniccia": a title and a name are a person ("Lord's",
    the ground, is not)."""
    words = candidate.text.split()
    if len(words) >= 2 and words[0].lower().rstrip(".") in PERSON_TITLES and words[1][:1].isupper():
        return True
    for at, word in enumerate(words[:-2]):
        low = word.lower()
        role = low in ROLE_ABBREVIATIONS or (at == 0 and stem(low) in PERSON_NOUNS)  # not "Royal Prince Alfred"
        if role and all(w[:1].isupper() for w in words[at + 1 :]):
            return True  # "Treasurer Peter Costello", "Conservative MP Boris Johnson"
    tokens = candidate.sentence.tokens
    if candidate.first == 0:
        return False
    before = tokens[candidate.first - 1]
    # "IBM researcher Jim Levine": a calling or a role written in lower case names a person.
    return before.text.lower().rstrip(".") in PERSON_TITLES or (before.text.islower() and before.stem in PERSON_NOUNS)


# The last words of the names of places, never of people.
_PLACE_ENDINGS = frozenset(
    "park stadium road street square avenue lane arena airport racecourse centre center palace wharf "
    "bridge circuit ground".split()
)


def place_not_person(candidate: Candidate, article: Article | None) -> bool:
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


def takes_plural_verb(candidate: Candidate) -> bool:
    """A name followed by "are" or "were" is a team or a firm (in British usage), never one person."""
    tokens = candidate.sentence.tokens
    return candidate.last < len(tokens) and tokens[candidate.last].low in {"are", "were"}


def after_weekday_or_role(candidate: Candidate, expected: str) -> bool:
    """A name that opens with a weekday ("Tuesday's Ecofin") names an occasion; an organisation
    or a place asked for is not a name written right after a person's role ("boss Sam Allardyce",
    "President Askar Akaev", "the Kyrgyz President, Askar Akaev")."""
    tokens = candidate.sentence.tokens
    if tokens[candidate.first].low.removesuffix("'s").removesuffix("’s") in DAYS:
        return True
    if expected not in {ORGANISATION, PLACE} or candidate.first == 0:
        return False
    before = tokens[candidate.first - 1]
    if before.text in {",", "("} and candidate.first >= 2:
        # "the Kyrgyz President, Askar Akaev,"; not "named chairman, Varn Bank said"
        before = tokens[candidate.first - 2]
        return before.is_cap and before.stem in ROLE_TITLES
    return (before.text.islower() and before.stem in PERSON_NOUNS) or before.stem in ROLE_TITLES


# What a name written right after is a person: roles, and players' and artists' callings.
PERSON_NOUNS = ROLE_TITLES | frozenset(stem(w) for w in CALLINGS)


def shape_answers(candidate: Candidate, analysis: QuestionAnalysis, nations: frozenset[str]) -> bool:
    """Whether a candidate's kind can answer at all, past what its shape fits:
    - no kind is answered by a plural abbreviation ("MPs") or by the source a sentence cites
      ("according to Reuters"), unless the question asks who said or reported it;
    - a person is not a nationality ("German"), a country, "TV", or a name the sentence calls an
      organisation or a made thing ("investment bank Morgan Stanley");
    - "how old" is not a count of things ("88 piano notes");
    - "how many" counts things: not a share ("36%") or a sum of money, unless money is counted;
    - a company, a channel or an agency is not a country ("Argentina"), and a company is no
      public or non-profit body ("German Embassy", "Soros Foundation"); a team may be a country;
    - "which German city": not Germany itself, nor any country the question names, nor a party;
    - "what" asks for a name, a title or an address: not a plain lower-case phrase ("hopes"), and
      "what is the name of ..." not a sum or a date."""
    name = candidate.text.lower().removesuffix("'s").removesuffix("’s")
    if re.fullmatch(r"[A-Z]{2,4}s", candidate.text):
        return False  # "MPs", "PCs": a kind of thing or person, not one
    if according_to(candidate) and not _SOURCE_ASKED_RE.search(analysis.question):
        return False  # "according to Reuters" says who reported it, which only "who said" asks
    if analysis.expected == PERSON:
        tokens = candidate.sentence.tokens
        if any(t.low in {"and", "&"} for t in tokens[candidate.first : candidate.last]):
            return False  # "Robert Light and Sayeeda Warsi": two people, not one
        if after_inner_the(candidate) and not tokens[candidate.first - 2].is_punct:
            return False  # "Alan Bennett's The History Boys": a title, not a person
        if name in NATIONALITIES or name.removesuffix("s") in NATIONALITIES or name in COUNTRIES:
            return False  # "German", "Italians", "Scotland": a people, a language or a country, not a person
        if common_abbreviation(candidate.text):
            return False  # "TV crews": no one's name
        return not named_as_thing(candidate)
    if analysis.expected == NUMBER and analysis.focus == "old":
        return says_age(candidate)
    if analysis.expected == NUMBER:
        counting = "how many" in analysis.question.lower() and analysis.focus not in _COUNT_OF_MONEY
        return not (counting and candidate.shape in {"money", "percent"})
    if analysis.expected == ORGANISATION:
        if name.split()[-1] in _PAPER_ENDINGS and analysis.focus not in _PAPER_NOUNS:
            return False  # "which drinks group": not the Financial Times, which reported it
        if analysis.focus in _FIRM_NOUNS and name.split()[-1] in _PUBLIC_BODIES:
            return False  # "which company": not the German Embassy nor the Soros Foundation
        return not (name in COUNTRIES or name in _NATION_OF) or analysis.focus in _TEAM_NOUNS
    if analysis.expected == PLACE:
        if name in _PARTIES:
            return False  # "which constituency": not "defected to Labour"
        if analysis.focus in _TOWN_NOUNS | {"constituency", "seat"} and name in _CHAMBERS:
            return False  # "which constituency": not "I had been in the Cabinet"
        if analysis.focus in COUNTRY_NOUNS and name not in COUNTRIES and name not in _NATION_OF:
            return False  # "which country": Argentina, not Perth
        if analysis.focus in _TOWN_NOUNS and (name in COUNTRIES or name in _NATION_OF):
            return False  # "in which city": Amritsar, not India
        if _ORIGIN_ASKED_RE.search(analysis.question) and not says_origin(candidate):
            return False  # "where is he from": not "trained in Spala"
        if _BIRTH_ASKED_RE.search(analysis.question) and not says_birthplace(candidate):
            return False  # "where was he born": not "born to immigrants from Romania"
        if any(word in _CONTEST_WORDS for word in name.split()) and _CONTESTS_NAMED & set(
            re.findall(r"[a-z]+", analysis.text.lower())
        ):
            # Where a contest is held: "in the Champions League" names another contest, not a
            # place (though "at the Boston Indoor Games" says where someone ran).
            return False
        return not ({name} | _NATION_OF.get(name, set())) & nations
    if (
        analysis.expected == OTHER
        and (_NAME_ASKED_RE.search(analysis.question) or analysis.focus in WORK_NOUNS)
        and (
            candidate.shape in {"money", "percent", "number", "year", "date"}
            or _NUMBER_START_RE.match(candidate.text)
        )
    ):
        return False  # a name is no sum: "what song did he finish with" is not "$550,000"
    if analysis.expected == OTHER and candidate.shape == "lower":
        return any(ch.isdigit() or ch in "./@" for ch in candidate.text)
    if analysis.expected == OTHER and stem(name.split()[-1]) in _FIRM_ENDINGS:
        return False  # "what drug": not "Forest Laboratories", a firm (a firm is asked as one)
    return True


_CONTEST_WORDS = frozenset(
    "league cup championship championships trophy tournament prix olympics games series open final finals "
    "award awards prize".split()
)
_CONTESTS_NAMED = _CONTEST_WORDS - {"final", "finals"}  # a question naming a contest, not any sport's final
_ORIGIN_ASKED_RE = re.compile(r"\bwhere\b.*\bfrom\b", re.IGNORECASE)
# "Where was Tom Reed born?" (not "Where did Tom Reed, who was born in 1922, die?").
_BIRTH_ASKED_RE = re.compile(r"^\W*where\s+(?:was|were|is)\b[^,]*(?<![-\w])born\W*$", re.IGNORECASE)
_ORIGIN_BEFORE = frozenset("from native hometown".split())


def says_origin(candidate: Candidate) -> bool:
    """Whether a place is said to be where someone comes from: "from Waterford", "a native of
    Bath", "born in Bath", "born in 1960 in Bath", "grew up in Bath", "his home town of Bath"."""
    tokens = candidate.sentence.tokens
    before = [t.low for t in tokens[max(0, candidate.first - 2) : candidate.first]]
    if (bool(before) and before[-1] in _ORIGIN_BEFORE) or before in (
        ["native", "of"],
        ["town", "of"],
        ["up", "in"],
        ["raised", "in"],
    ):
        return True
    if before[-1:] != ["in"]:
        return False
    return any(t.low in {"born", "-born"} for t in tokens[max(0, candidate.first - 6) : candidate.first])


def says_birthplace(candidate: Candidate) -> bool:
    """Whether a place is said to be where someone was born: "born in Bath", "born at Bath",
    "born in 1960 in the Somerset city of Bath", "a native of Bath", "Bath-born", "Bath, where
    he was born"; not "born to immigrants from Romania", nor "Born in 1934, she won a scholarship
    to the Guildhall School"."""
    tokens = candidate.sentence.tokens
    text = candidate.sentence.text
    before = [t.low for t in tokens[max(0, candidate.first - 2) : candidate.first]]
    if before == ["native", "of"] or text[candidate.end :].startswith("-born"):
        return True
    if re.match(r",?\s+where\s+(?:he|she|they)\s+(?:was|were)\s+born\b", text[candidate.end :]):
        return True
    if before[-1:] not in (["in"], ["at"], ["of"]):
        return False
    lows = [t.low for t in tokens[max(0, candidate.first - 9) : candidate.first]]
    if "born" not in lows:
        return False
    between = lows[len(lows) - lows[::-1].index("born") :]
    return not {"to", "from", ","} & set(between)  # "born in 1922 to immigrants from ..."


# Nouns for made things that carry a name: "TV show Brass Eye", "the drama serial".
WORK_NOUNS = frozenset(
    "show series soap sitcom drama serial programme program film movie documentary album single song "
    "book novel play musical opera game".split()
)


_VERB_TOO = frozenset({"play", "show", "single", "game"})


def named_as_thing(candidate: Candidate) -> bool:
    """Whether the sentence calls a name an organisation or a made thing: "investment bank Morgan
    Stanley", "TV show Brass Eye", "Grange Hill, the school-based drama serial"."""
    tokens = candidate.sentence.tokens
    before = tokens[candidate.first - 1] if candidate.first > 0 else None
    if before is not None and before.text.islower():
        noun = before.low if before.low in ORG_NOUNS or before.low in WORK_NOUNS else before.low.removesuffix("s")
        previous = tokens[candidate.first - 2] if candidate.first > 1 else None
        made = previous is not None and previous.low in WORK_NOUNS
        # "play", "show" and "game" are verbs too: "will play Roger Federer"; as nouns a
        # determiner or an owner comes before them ("the show", "TV show").
        as_noun = noun not in _VERB_TOO or (previous is not None and (previous.is_cap or previous.low in _DETERMINERS))
        if (noun in ORG_NOUNS and not (noun == "maker" and made)) or (noun in WORK_NOUNS and as_noun):
            return True  # (a "documentary maker" is a person)
    after = tokens[candidate.last : candidate.last + 2]
    if len(after) < 2 or after[0].text != "," or after[1].low not in {"the", "a", "an"}:
        return False
    for at in range(candidate.last + 2, min(candidate.last + 6, len(tokens))):
        token = tokens[at]
        if token.is_punct or token.is_cap:
            return False
        ends_phrase = at + 1 == len(tokens) or tokens[at + 1].is_punct or tokens[at + 1].low in STOPWORDS
        if ends_phrase and (token.low in WORK_NOUNS or token.low in ORG_NOUNS):
            return True  # the head of the description, not "the club chairman"
    return False


_AGE_UNITS = frozenset("year years month months week weeks day days".split())
_AGE_BEFORE = frozenset("aged age turned turns turning now".split())
_DIED_AT = frozenset("died dies retired retires retiring quit".split())  # "died on Tuesday at 77"


def says_age(candidate: Candidate) -> bool:
    """Whether a number is written as someone's age: "aged 77", "the age of 77", "turned 30",
    "now 45", "died at 77", "was 45 when", "a 67-year-old", "six weeks old", "Mr Ebbers, 63,
    is ..." or "Reed (45)". Any other number near a name ("88 piano notes", "a 6-1 set", the film
    "36") is not an age."""
    tokens = candidate.sentence.tokens
    first, last = candidate.first, candidate.last
    number = tokens[first].text
    whole = number.isalpha() or (number.isdigit() and 0 < int(number) <= 120)
    if last - first != 1 or not tokens[first].is_num or not whole:
        return False  # an age is one whole number ("63", "six"), at most 120: not "6-1" or "204.3m"
    after = [t.low for t in tokens[last : last + 3]]
    before = [t.low for t in tokens[max(0, first - 3) : first]]
    if "year-old" in after[:2] or (after[:1] and after[0] in _AGE_UNITS and "old" in after[1:3]):
        return True  # "a 67-year-old", "six weeks old"
    if (before[-1:] and before[-1] in _AGE_BEFORE) or before[-2:] == ["age", "of"]:
        return True  # "aged 77", "turned 30", "at the age of 77", "now 45"
    if before[-1:] and before[-1] in {"was", "is"} and after[:1] and after[0] in {"when", ",", ".", "years"}:
        return True  # "Tom Reed was 45 when he founded ..."
    if before[-1:] == ["at"] and any(t.low in _DIED_AT for t in tokens[max(0, first - 6) : first]):
        return True  # "died on Tuesday at 77", not "his ranking down at 168"
    # "Mr Ebbers, 63, is" or "Reed (45)": a name, then the number set off on its own
    set_off = (before[-1:] == [","] and after[:1] == [","]) or (before[-1:] == ["("] and after[:1] == [")"])
    return set_off and first >= 2 and tokens[first - 2].is_cap


# Newspapers' names end so; they are the news's sources, seldom what a question asks about.
_PAPER_ENDINGS = frozenset("times journal post telegraph herald gazette tribune chronicle".split())
_FIRM_NOUNS = frozenset("company firm business supplier manufacturer maker".split())
# The last words of public and non-profit bodies' names, which a company's name seldom ends with.
_PUBLIC_BODIES = frozenset(
    "embassy ministry government council parliament police army navy court commission committee "
    "university college school hospital department office foundation trust charity institute society "
    "association".split()
)
_PAPER_NOUNS = frozenset("newspaper paper daily publication title magazine".split())
_NAME_ASKED_RE = re.compile(r"\bname\b|\bcalled\b", re.IGNORECASE)
_NUMBER_START_RE = re.compile(r"[$£€]?\d")


def of_another_country(candidate: Candidate, countries: Sequence[str]) -> bool:
    """Asked about Indonesia's minister, "French Finance Minister Herve Gaymard" is France's: a
    nationality or country among the words that title the name, none of the countries asked."""
    nation = titling_nation(candidate)
    return nation is not None and not any(country in nation for country in countries)


def kind_nations(analysis: QuestionAnalysis) -> frozenset[str]:
    """The countries of the nationality that describes the kind asked for: Turkey in "which
    Turkish company won an Iraqi contract"."""
    if not analysis.focus:
        return frozenset()
    match = re.search(rf"\b(?:which|what)\s+((?:[\w-]+\s+){{0,3}}){re.escape(analysis.focus)}\b", analysis.text.lower())
    return nations_named(match.group(1)) if match else frozenset()


def titling_nation(candidate: Candidate) -> set[str] | None:
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


# Portfolios ending in -ing ("planning minister"); other -ing words are participles ("the
# winning captain").
_ING_PORTFOLIOS = frozenset(
    "managing planning housing training marketing banking shipping mining broadcasting licensing fishing farming "
    "policing sentencing trading".split()
)


def role_modifier(question: str, role: str) -> tuple[str, ...] | None:
    """The words (stems) that narrow the role asked about: "finance" of "Indonesia's finance
    minister", "constitutional affairs" of "the Lib Dems' constitutional affairs spokesman"."""
    tokens = tokenize(question)
    for index, token in enumerate(tokens):
        if token.stem == role and index > 0:
            before = tokens[index - 1]
            if (
                before.is_punct
                or before.is_cap
                or before.low in STOPWORDS
                or before.low in _NOT_PORTFOLIOS
                or before.low.endswith(("'s", "’s", "ed"))
                or (before.low.endswith("ing") and before.low not in _ING_PORTFOLIOS)
            ):
                return None  # "the new minister": nothing narrows it
            # A portfolio sits after a determiner or a name: "the finance minister", "Indonesia's
            # civil aviation minister"; in "who became minister" the word before is a verb.
            at = index - 2
            while at >= 0 and index - at <= 3 and tokens[at].text.isalpha() and tokens[at].text.islower():
                if tokens[at].low in _DETERMINERS or tokens[at].low in STOPWORDS:
                    break
                at -= 1  # "civil" of "civil aviation"
            opener = tokens[at] if at >= 0 else None
            after_be = opener is not None and opener.low in {"is", "was", "are", "were", "be", "as"}
            if opener is None or (opener.low in QUESTION_WORDS and not after_be) or not (
                opener.is_cap
                or opener.low in _DETERMINERS
                or after_be  # "who is general secretary of ...", "served as finance minister"
                or opener.low.endswith(("'s", "’s", "'", "’"))
            ):
                return None  # (the owner's mark may stand alone: "the Liberal Democrats' ...")
            words = tuple(t.stem for t in tokens[at + 1 : index] if not _adverb(t.low))
            return words or None  # "who is now manager": nothing narrows it
    return None


_ADVERBS = frozenset("now still also later once again previously currently then already soon ever never".split())


def _adverb(word: str) -> bool:
    return word in _ADVERBS or (word.endswith("ly") and len(word) > 4)


def asked_portfolio(question: str, roles: Iterable[str]) -> tuple[str, tuple[str, ...]] | None:
    """The role asked about (a stem) and the portfolio narrowing it, for the first of ``roles``
    (role words or phrases) the question narrows: ("spokesman", ("environ",)) of "the Lib Dem
    environment spokesman"."""
    roles = list(roles)
    for role in roles:
        word = role.split()[-1]
        # A role may come as a word or as a stem already ("commission" of "commissioner", which
        # stemmed again would be "commiss"). "prime" of "prime minister", the only way to say
        # that role, narrows nothing; "managing" of "managing director" does, among a chief
        # executive's names.
        own = {stem(w) for w in role.split()[:-1]} if len(roles) == 1 else set()
        for last in dict.fromkeys((word, stem(word))):
            modifier = role_modifier(question, last) or _portfolio_after(question, last)
            modifier = tuple(m for m in modifier or () if m not in own)
            if modifier:
                return last, modifier
    return None


def _portfolio_after(question: str, role: str) -> tuple[str, ...] | None:
    """The portfolio said at the end of the question after the role (a word or its stem): "the
    spokesman for the Tories on sport" (not a day: "what did the spokesman say on Monday?")."""
    tokens = [t for t in tokenize(question) if t.text != "?"]
    at = next((i for i, t in enumerate(tokens) if role in (t.stem, t.low)), None)
    if at is None:
        return None
    on = next((i for i in range(len(tokens) - 1, at, -1) if tokens[i].low == "on"), None)
    if on is None or len(tokens) - on - 1 > 3:
        return None
    words = [t for t in tokens[on + 1 :] if t.low not in STOPWORDS]
    if not words or any(t.is_punct or t.is_num or t.low in CALENDAR for t in words):
        return None
    return tuple(t.stem for t in words)


def titled_with_other_modifier(candidate: Candidate, role: str, modifiers: Sequence[str]) -> bool:
    """Whether a name's title is the role asked about narrowed another way ("Economics Minister"
    when asked for the finance minister, "home affairs spokesman" for constitutional affairs)."""
    tokens = candidate.sentence.tokens
    at = candidate.first - 1
    if at >= 1 and tokens[at].low.rstrip(".") in PERSON_TITLES:
        at -= 1  # "minister Sir Nicholas Scott"
    if candidate.last - candidate.first >= 2 and tokens[candidate.first].stem == role:
        at = candidate.first  # "Minister Aburizal Bakrie" taken whole
    if at >= 1 and tokens[at].text == "," and tokens[at - 1].stem == role:
        at -= 1  # "the Prime Minister, Tony Blair"
    for back in (2, 3):
        # "chief operations officer Seamus Kearney": the role word opens the title, its portfolio next.
        between = tokens[at - back + 1 : at]
        if (
            at - back >= 0
            and tokens[at - back].stem == role
            and (tokens[at].stem in PERSON_NOUNS or tokens[at].stem == _OFFICER)
            and all(t.text.isalpha() and t.text.islower() and t.low not in STOPWORDS for t in between)
        ):
            return not any(_akin(t.stem, m) for t in between for m in modifiers)
    if at < 1 or tokens[at].stem != role:
        return False
    for offset, modifier in enumerate(reversed(modifiers), start=1):
        if at - offset < 0:
            return False
        before = tokens[at - offset]
        if before.is_punct or before.is_num or before.low in STOPWORDS or before.low in NATIONALITIES:
            return False
        if offset > 1 and before.is_cap:
            return False  # "Lib Dem home affairs spokesman": the words before are the owner's
        if before.stem != modifier and modifier not in PARAPHRASES.get(before.stem, ()) and not _akin(
            before.stem, modifier
        ):
            return True
    return False


_NAME_PREFIX_RE = re.compile(r"^(?:([A-Z][\w.-]*)(?:'s|’s)\s+|[A-Z][\w.]*-(?:based|born)\s+)(?=[A-Z])")


def best_categories(text: str) -> list[tuple[str, ...]]:
    """The award categories a text names after "best", as stems: "best supporting actress" and
    "the best actress award" give ("support", "actress") and ("actress",)."""
    out = []
    for match in re.finditer(r"\bbest\s+((?:[a-z][\w-]*\s*){1,4})", text.lower()):
        words = []
        for word in match.group(1).split():
            if word in STOPWORDS:
                break
            words.append(word)
        if words and words[0] in _NOT_CATEGORIES:
            continue  # "best known for", "best-selling"
        while words and words[-1] in _AWARD_WORDS:
            words.pop()
        if words:
            out.append(tuple(stem(w) for w in words))
    return out


_AWARD_WORDS = frozenset("award awards prize prizes category gong trophy".split())
_AWARD_ASKED_RE = re.compile(
    r"\b(?:won|win|wins|award|awards|prize|named|scooped|took|picked|nominated)\b", re.IGNORECASE
)
_NOT_CATEGORIES = frozenset("known remembered selling ever way chance part thing interests practice friend".split())


def other_category(sentence: str, question: str) -> bool:
    """Whether a sentence names award categories but not the one asked ("Cate Blanchett won best
    supporting actress", asked who won best actress), or does not say the asked one's word."""
    asked = best_categories(question) if _AWARD_ASKED_RE.search(question) else []
    if not asked:
        return False
    said = best_categories(sentence)
    if said:
        return not set(asked) & set(said)
    # No category named: the sentence must still say the asked one's word ("actress"), or it tells
    # of another ("the mobile category was won by Blue Tooth Byplanes").
    stems = {t.stem for t in tokenize(sentence)}
    return not any(category[-1] in stems for category in asked)


def what_is_run(candidate: Candidate) -> bool:
    """Whether a name is what a role verb acts on, the holder coming after "by": "the Y Vote Mock
    Elections 2005 run by the Hansard Society", "The initiative is being led jointly by ..."."""
    tokens = candidate.sentence.tokens
    after = tokens[candidate.last : candidate.last + 6]
    for at, token in enumerate(after):
        if token.low in _PASSIVE_ROLE_VERBS:
            return "by" in [t.low for t in after[at + 1 : at + 3]]
        if not (token.is_num or token.low in _BETWEEN_NAME_AND_PASSIVE):
            return False  # "Ana Lee runs Varn Foods, founded by her father": the passive is another's
    return False


_BETWEEN_NAME_AND_PASSIVE = frozenset("is was are were being been be jointly also now initiative".split())
_PASSIVE_ROLE_VERBS = frozenset("run led headed chaired managed owned founded coached directed".split())


def denied(tokens: Sequence[Token], forms: Iterable[str]) -> bool:
    """Whether every time a sentence (its tokens) says the deed (any of its stems ``forms``) it says
    it did not happen: "the first final that I didn't win", "he never won"."""
    wanted = set(forms)
    said = [i for i, t in enumerate(tokens) if t.stem in wanted]


    def negated(at: int) -> bool:  # "didn't win", "never won"; not "not only won"
        return any(
            (tokens[j].low in _NEGATIONS or tokens[j].low.endswith("n't")) and tokens[j + 1].low not in {"only", "just"}
            for j in range(max(0, at - 2), at)
        )

    return bool(said) and all(negated(i) for i in said)


_NEGATIONS = frozenset("not never no".split())


def old_level(candidate: Candidate, question: str) -> bool:
    """Whether a question asks what something was changed to, and the candidate is what it was
    changed from: "raise the stamp duty threshold from £60,000", asked what it was raised to."""
    if not _CHANGED_TO_RE.search(question):
        return False
    tokens = candidate.sentence.tokens
    return candidate.first > 0 and tokens[candidate.first - 1].low == "from"


_CHANGED_TO_RE = re.compile(
    r"\b(?:rais|increas|cut|lower|doubl|reduc|boost|lift|hik|extend|chang)\w*\b.*\bto\b"
    r"(?=\s*(?:\?|$|in\b|at\b|on\b|by\b|for\b|after\b|from\b|this\b|last\b|next\b))",  # not "is set to cut"
    re.IGNORECASE,
)


def after_others_thing(
    candidate: Candidate, asked: frozenset[str], targets: tuple[str, ...], question_stems: frozenset[str]
) -> bool:
    """Whether a candidate comes right after the thing asked about given as another name's:
    "Labour's spring conference in Gateshead", asked where the Tories had theirs (though the
    sentence may give the asked one's elsewhere: "on 5 May, a week after Korla's annual meeting")."""
    ends = _others_things(candidate.sentence.text, asked, targets, question_stems)
    return any(0 <= candidate.start - end <= 25 for end in ends)


def only_others_thing(
    sentence: str, asked: frozenset[str], targets: tuple[str, ...], question_stems: frozenset[str]
) -> bool:
    """Whether a sentence gives the thing asked about as another name's only ("Mr Rusesabagina's
    wife", asked who plays Don Cheadle's), not also as the asked one's own ("Varn Motors will
    hold its annual meeting on 5 May, a week after Korla's annual meeting")."""
    if not _others_things(sentence, asked, targets, question_stems):
        return False
    for match in _OWN_THING_RE.finditer(sentence):
        words = [t for t in tokenize(match.group(2)) if t.low not in STOPWORDS]
        owner = match.group(1)
        if words and words[-1].stem in asked and (owner.lower() in _POSSESSIVES or names_one_of(owner, targets)):
            return False
    return True


_POSSESSIVES = frozenset("its their his her our".split())
_OWN_THING_RE = re.compile(
    r"\b(its|their|his|her|our|[A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,3}(?='|’))(?:'s|’s|s'|s’|')?\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*)",
    re.IGNORECASE,
)


@lru_cache(maxsize=256)
def _others_things(
    sentence: str, asked: frozenset[str], targets: tuple[str, ...], question_stems: frozenset[str]
) -> tuple[int, ...]:
    """Where (the end offsets) a sentence gives the thing asked about as another name's. ``asked``
    are the stems of the question's plain words; the owner's mark must come before a phrase whose
    head is one of them ("Labour's annual spring conference", not "Amazon's book chart")."""
    ends = []
    for match in _OWNER_BEFORE_RE.finditer(sentence):
        following = [t for t in tokenize(match.group(2)) if t.low not in STOPWORDS]
        if not following or following[-1].stem not in asked:
            continue  # the thing owned is another: "Amazon's book chart" when asked of a book
        words = match.group(1).split()
        if words[0].lower() in STOPWORDS:
            continue  # "It's", "The firm's": no name
        if {t.stem for t in tokenize(match.group(1))} <= question_stems:
            continue  # "Registrars' spokesman", asked who speaks for the registrars
        # (The run may open with a capitalised word that is no part of the name: "Yesterday Argentina's".)
        if not any(names_one_of(" ".join(words[i:]), targets) for i in range(len(words))):
            ends.append(match.end())
    return tuple(ends)


_OWNER_BEFORE_RE = re.compile(
    r"\b([A-Z][\w&-]*(?:\s[A-Z][\w&-]*){0,3})(?:'s|’s|s'|s’)\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*)"
)


def owned_by(text: str, owners: Iterable[str]) -> str | None:
    """What a name says after the owner's mark of one of ``owners``: "Independence Square" of
    "Luanda's Independence Square" for Luanda; None when no owner of these opens it."""
    for owner in owners:
        for mark in ("'s ", "’s "):
            prefix = owner + mark
            if text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix) :]
    return None


def after_inner_the(candidate: Candidate) -> bool:
    """Whether a capitalised "The" inside the sentence comes right before the candidate: it is
    part of the name after it (a film, a paper, "The Hague")."""
    return candidate.first > 1 and candidate.sentence.tokens[candidate.first - 1].text == "The"


def with_title_the(candidate: Candidate) -> str:
    """"The Sea Inside", not "Sea Inside" (see after_inner_the)."""
    return f"The {candidate.text}" if candidate.shape == "name" and after_inner_the(candidate) else candidate.text


def bare_name(text: str) -> str:
    """A name without the owner or base written before it: "Spain's Ferrovial" and
    "Madrid-based Ferrovial" are both "Ferrovial"."""
    match = _NAME_PREFIX_RE.match(text)
    if match is None or (match.group(1) and match.group(1).lower() not in COUNTRIES):
        return text  # "King's College London", "Lloyd's Register": the owner is part of the name
    return text[match.end() :]
