"""Question analysis: the type of answer expected, the names asked about, the relation, the terms.

Plain rules, no model: the question word and the noun after it decide the answer type
("how much ... pay" is money, "which city" is a place), a table of role words and their
paraphrases decides the relation ("runs", "boss of", "in charge of" all mean *leads*), and
capitalised spans that are not question words are the names the answer must be about.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefings.facts import STANDS_FOR
from briefings.models import Answer
from briefings.text import STOPWORDS, normalise, query_terms, stem

PERSON = "person"
ORGANISATION = "organisation"
DATE = "date"
NUMBER = "number"
MONEY = "money"
PERCENTAGE = "percentage"
PLACE = "place"
OTHER = "other"
EXPANSION = "expansion"
ANSWER_TYPES = (PERSON, ORGANISATION, DATE, NUMBER, MONEY, PERCENTAGE, PLACE, OTHER, EXPANSION)

QUESTION_WORDS = frozenset(
    "who whom whose what which where when why how whats what's who's where's when's is are was were "
    "do does did can could will would should has have had".split()
)
# Words of a question that say nothing about where the answer is and are not searched for.
GENERIC_WORDS = frozenset(
    "name named called happen happened tell know exactly currently now latest please thing many much".split()
)
PRONOUNS = frozenset("their they them its it his her he she this that these those there".split())

# Relation families: fact relations that answer the question, and cue words in a sentence.
RELATION_FAMILIES: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "leads": (
        frozenset({"leads", "chief_executive_of"}),
        ("leader", "lead", "led", "head", "boss", "chief", "run", "helm"),
    ),
    "chief_executive_of": (
        frozenset({"chief_executive_of"}),
        ("chief executive", "ceo", "managing director", "boss"),
    ),
    "chairs": (frozenset({"chairs"}), ("chairman", "chairwoman", "chair", "chairperson")),
    "spokesperson_of": (frozenset({"spokesperson_of"}), ("spokesman", "spokeswoman", "spokesperson")),
    "deputy_leader_of": (frozenset({"deputy_leader_of"}), ("deputy leader", "deputy")),
    "founded": (frozenset({"founded"}), ("founded", "founder", "co-founded", "set up", "man behind", "woman behind")),
    "president_of": (frozenset({"president_of"}), ("president",)),
    "prime_minister_of": (frozenset({"prime_minister_of"}), ("prime minister",)),
    "coaches": (frozenset({"coaches", "manages"}), ("coach", "manager")),
    "director_of": (frozenset({"director_of"}), ("director",)),
    "owns": (frozenset({"owns"}), ("owner", "own")),
    "captains": (frozenset({"captains"}), ("captain",)),
    STANDS_FOR: (frozenset({STANDS_FOR}), ()),
}
# "What does NRF stand for?", "NRF is short for what": not "picked to stand for parliament".
_STANDS_FOR = r"\b(?:stands?|short) for\b(?!\s+(?!what\b|which\b|in\b)[\w'])"
_QUESTION_RELATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_STANDS_FOR}|\bacronym\b|\babbreviation\b"), STANDS_FOR),
    (re.compile(r"\bdeputy (?:leader|head)\b"), "deputy_leader_of"),
    (re.compile(r"\bchief executive\b|\bceo\b|\bmanaging director\b"), "chief_executive_of"),
    (re.compile(r"\bchair(?:man|woman|person|s|ed)?\b"), "chairs"),
    (re.compile(r"\bspokes(?:man|woman|person|people)\b"), "spokesperson_of"),
    (re.compile(r"\bfound(?:ed|er|ers)\b|\bset up\b|\bestablished\b"), "founded"),
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
# Paraphrases of the same relation, as search terms and sentence cues.
RELATION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "leads": ("leader", "head", "boss", "chief", "runs", "leads", "led", "chairman"),
    "chief_executive_of": ("chief executive", "ceo", "boss", "managing director"),
    "chairs": ("chairman", "chairwoman", "chair"),
    "spokesperson_of": ("spokesman", "spokeswoman", "spokesperson"),
    "founded": ("founded", "founder", "set up", "established"),
}

_PLACE_NOUNS = frozenset(
    "city town country state region province constituency place capital venue stadium village "
    "county island nation continent district airport location area river mountain street".split()
)
ORG_NOUNS = frozenset(
    "company firm club team group airline party band publisher magazine publication laboratory lab bank organisation "
    "organization network channel newspaper university side carrier chain broadcaster studio label "
    "agency union body retailer supermarket manufacturer maker carmaker school college church consultancy "
    "insurer lender charity watchdog regulator institute website operator committee association federation "
    "department ministry provider supplier distributor developer".split()
)
# Roles the news writes as titles right before a name ("TUC General Secretary Brendan Barber",
# "Spain captain Jordi Arrese"). A run of question words that opens with one is not recased as a
# name ("secretary of the tuc" in "the general secretary of the tuc" stays as typed; "tuc" alone
# is recased); a name right after one is a person.
ROLE_TITLES = frozenset(
    "president chief minister chairman chairwoman spokesman spokeswoman leader director secretary "
    "executive boss manager coach captain governor mayor senator chancellor king queen prince judge "
    "founder editor ambassador commissioner general referee umpire agent lawyer".split()
)
# Players' and artists' callings: a name right after one is a person too ("Tarnside defender
# Ivo Brand").
CALLINGS = frozenset(
    "defender midfielder striker goalkeeper keeper winger forward full-back fly-half prop lock "
    "scrum-half batsman bowler sprinter athlete player actor actress singer star director producer "
    "author writer novelist comedian presenter rapper guitarist drummer designer artist lawyer treasurer "
    "economist analyst researcher scientist engineer journalist reporter photographer campaigner activist "
    "consultant inventor".split()
)
# Nouns for people that a name may also modify ("the Tate & Lyle chairman"); not every title
# ("Korla Soft founder Tom Reed" asks which company he founded).
_PERSON_NOUNS = frozenset(
    "judge player actor actress singer minister man woman person whistleblower blogger manager coach "
    "director writer author chairman chief executive leader president spokesman politician star "
    "footballer athlete boss mp presenter dj artist musician novelist designer economist king queen "
    "secretary emperor general scientist architect composer poet philosopher explorer engineer policeman "
    "policewoman referee umpire sculptor banker runner hacker student agent lawyer analyst candidate".split()
)
# Family: "his father Ralph" names him by his first name alone.
KIN_NOUNS = frozenset("father mother son daughter wife husband brother sister widow girlfriend boyfriend".split())
# More nouns that ask for a person ("which researcher"); not head nouns a name may modify, as
# "Chelsea owner" or "Tarnside defender" make the club the answer to "which club".
_ASKED_PERSON_NOUNS = (
    _PERSON_NOUNS
    | CALLINGS
    | KIN_NOUNS
    | ROLE_TITLES  # "which former England captain"
    | frozenset(
        "researcher academic professor expert doctor teacher activist campaigner journalist reporter "
        "correspondent photographer detective prosecutor inventor entrepreneur investor boxer golfer cyclist "
        "swimmer jockey chef pilot victim sheriff bishop priest nurse surgeon".split()
    )
)
# Common nouns a name may modify ("the Primera Liga club", "Tate & Lyle chairman").
HEAD_NOUNS = (
    _PLACE_NOUNS
    | ORG_NOUNS
    | _PERSON_NOUNS
    | frozenset(
        "line lines route brand store stores shop model family fans supporters shares stake deal workers staff "
        "employees members players users customers".split()
    )
)
_DATE_NOUNS = frozenset("year date day month time century decade era period".split())
_NUMBER_NOUNS = frozenset("number amount percentage".split())

_NAME_RE = re.compile(
    r"(?<![\w'’.&-])"  # not the end of a longer word ("LR" of "777-200LR")
    # "the" only after another joiner: "Lord of the Rings", but "handed Morgan Spurlock the
    # Writers Guild award" names two; a plural owner may run on ("Music Managers' Forum").
    r"(?:[A-Z][\w'’.&-]*\w(?:['’](?=\s+[A-Z]))?"
    r"(?:\s+(?:(?:of|for|and|de|on)\s+(?:the\s+)?)*(?:&\s+)?[A-Z][\w'’.&-]*\w(?:['’](?=\s+[A-Z]))?)*|[A-Z]{2,})"
)
# Bodies a plural owner names as one ("the Music Managers' Forum", "the Writers' Guild").
BODY_HEADS = ORG_NOUNS | frozenset("forum guild league council society trust alliance fund movement front".split())
_BODY_HEAD_RE = "|".join(sorted(word.capitalize() for word in BODY_HEADS))
# Abbreviations of roles: what someone is ("an MP", "as PM"), not a name to look for.
ROLE_ABBREVIATIONS = frozenset("mp mps pm ceo ceos mep meps msp msps md".split())


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks for."""

    question: str
    expected: str  # one of ANSWER_TYPES
    relation: str | None
    entities: tuple[str, ...]
    terms: tuple[str, ...]
    focus: str | None = None  # the noun of "how many X" / "which X" / "what X"
    wh: str = "other"  # who, what, when, where, which, why, how, other
    used_previous: bool = False
    text: str = ""  # the question as analysed (with the previous subject added for follow-ups)
    # Stems of words that only describe a name ("the gamer Deathifier", "Andrew Fisher, the man
    # selling ad space on his forehead,"): they say which one is meant, so the article must have
    # them, but the sentence that answers need not repeat them.
    descriptors: frozenset[str] = frozenset()


# Months, days and feasts are capitalised but name no one: "in February" or "at Christmas" is a
# time to match, not a name.
CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday christmas easter".split()
)


_NAME_THEN_TITLE_RE = re.compile(r"^([A-Z][\w'-]+ [A-Z][\w'-]+) (?=([A-Z][a-z]+) [A-Z])")


def _split_title(name: str) -> list[str]:
    """A two-word name run into a title that opens with a nationality ("Iain Ferguson European
    Businessman of the Year") is two names; anything else stays whole."""
    match = _NAME_THEN_TITLE_RE.match(name)
    if match is None or not adjectival(match.group(2)):
        return [name]
    return [match.group(1), name[match.end() :]]


def question_entities(question: str) -> list[str]:
    """Capitalised names in a question, without question words ("Who", "Which")."""
    found = []
    for match in _NAME_RE.finditer(question):
        words = match.group(0).replace("’", "'").split()
        while words and (words[0].lower().strip("'s") in QUESTION_WORDS or words[0].lower() in STOPWORDS):
            words.pop(0)
        while words and words[-1].lower() in {"of", "the", "for", "and", "de", "on", "&"}:
            words.pop()
        if not words:
            continue
        # "Cesar-winning", "Florida-based": the name is the capitalised part.
        words = [re.sub(r"^([A-Z][\w']*)-[a-z]+$", r"\1", w) for w in words]
        # "Kilroy-Silk's Veritas party", "IBM's Blue Gene": two names, the owner and the owned;
        # "Iain Ferguson European Businessman of the Year": a name, then a title that starts with
        # a nationality.
        owned = re.split(r"(?<=\w)(?:'s|(?<!s)')\s+(?=[A-Z])|(?<=s)'\s+(?=[A-Z])(?!(?:" + _BODY_HEAD_RE + r")\b)",
                         " ".join(words))
        for part in (piece for name in owned for piece in _split_title(name)):
            name = part[:-2] if part.endswith("'s") else part
            name = name.rstrip("'")
            low = name.lower()
            if not name or low in STOPWORDS or low in QUESTION_WORDS or low in CALENDAR or low in ROLE_ABBREVIATIONS:
                continue
            found.append(name)
    return found


_MONEY_CUES = re.compile(
    r"\b(?:(?:worse|better) off|"
    r"cost|costs|pay|paid|paying|spend|spent|spending|worth|price|fund|funds|given|give|gave|hand|"
    r"handed|raise|raised|earn|earned|sell|sold|profit|profits|loss|losses|fine|fined|charge|invest|"
    r"invested|bid|bids|offer|offers|offered|offering|value|valued|revenue|revenues|budget|salary|deal|owe|owed|debt|sales|money|cash|"
    r"lend|lent|loan|loaned|borrow|borrowed|donate|donated|bonus|bonuses|compensation|payout|damages|deficit|surplus|"
    r"turnover|costing|costed|pays|spends|earns|earning|raises|raising|sells|selling|charges|charged|charging|"
    r"invests|investing|lends|lending|owes|owing|fetch|fetched|fetches|fee|fees|prize|wages|pension|pensions|"
    r"settlement|payment|payments|grant|subsidy|giving|save|saves|saved|saving|savings)\b"
)


def _wh_word(low: str) -> str:
    for word in re.findall(r"[a-z']+", low):
        word = word.split("'")[0]
        if word in {"who", "whom", "whose"}:
            return "who"
        if word in {"what", "when", "where", "which", "why", "how"}:
            return word
    return "other"


def _noun_kind(word: str) -> str | None:
    """The answer type a noun asks for ("city": place, "airline": organisation), if known."""
    for kind, nouns in (
        (PLACE, _PLACE_NOUNS),
        (ORGANISATION, ORG_NOUNS),
        (PERSON, _ASKED_PERSON_NOUNS),
        (DATE, _DATE_NOUNS),
        (NUMBER, _NUMBER_NOUNS),
    ):
        if word in nouns:
            return kind
    return None


def expected_type(low: str) -> tuple[str, str | None]:
    """The answer type a lower-case question expects, and its focus noun if any."""
    stands = re.search(_STANDS_FOR, low)
    wh = re.search(r"\b(?:which|who|whom|whose|when|where|why|how)\b", low)
    if stands and (wh is None or wh.start() > stands.start()):
        # "NRF stands for which words?"; not "which constituency did he stand for".
        return EXPANSION, None
    match = re.search(r"\bhow (many|much|old|long|far|big|tall|large|high|often)\b\s*([a-z]+)?", low)
    if match:
        kind, noun = match.group(1), match.group(2)
        if kind == "many":
            # "how many visa applications": the counted noun is the head, the plural word (past a
            # model number: "how many 777-200LR planes").
            following = re.findall(r"[a-z0-9'-]+", low[match.end(1) :])[:3]
            nouns = []
            for word in following:
                if word in STOPWORDS or word in AUXILIARIES:
                    break
                nouns.append(word)
            # The last plural of the run is the head: "sports utility vehicles" counts vehicles.
            # With no plural, the first word is, past a compound modifier ("how many UK-based
            # staff": staff; "how many people died": people).
            plain = [w for w in nouns if not ("-" in w and w.endswith("ed"))]
            noun = next(
                (w for w in reversed(nouns) if w.endswith("s") and not w.endswith("ss")), plain[0] if plain else noun
            )
            return NUMBER, noun
        if kind == "much":
            if _MONEY_CUES.search(low):
                return MONEY, noun
            return NUMBER, noun
        if kind in {"big", "large", "high"} and _MONEY_CUES.search(low):
            return MONEY, kind  # "how big was the budget deficit": a sum
        return NUMBER, kind
    if re.search(
        r"\bwhat (?:percentage|proportion|percent)\b|\bwhat share\b|\bwhat (?:is|was) the (?:[a-z]+ ){0,2}rate\b", low
    ):
        return PERCENTAGE, None
    if re.search(
        r"\bwhat(?:'s|\s+is|\s+was|\s+were|\s+are)?\s+(?:the\s+|its\s+|their\s+)?"
        r"(?:(?:[a-z&.-]+\s+){0,2}[a-z&.-]+(?:'s|’s|')\s+)?"
        r"(?:(?:average|total|asking|starting|typical|current|annual|combined|estimated|retail|net|gross|"
        r"pre-tax|operating|underlying|quarterly)\s+)?"
        r"(?:price|cost|value|valuation|fee|salary|wage|budget|fine|bill|profit|turnover|revenue|"
        r"income|earnings|takings|debt|bonus|pay)s?\b",
        low,
    ) or re.search(r"\bwhat does .{0,40}\bcost\b", low):
        return MONEY, None
    # The first question word decides: "which city were they in when ..." asks for a place.
    first_wh = re.search(r"\b(which|what|when|where|who|whom|whose)\b", low)
    wh = first_wh.group(1) if first_wh else None
    named = re.search(r"\bname of (?:the\s+|(?:[a-z&.-]+\s+){0,2}[a-z&.-]+(?:'s|’s|')\s+)((?:[a-z'-]+\s*){1,4})", low)
    if named and wh in {"which", "what", None}:
        # "what's the name of the Californian accused of ...": the words after it say who or what.
        last = ""
        for noun in named.group(1).split():
            if noun in STOPWORDS or noun.endswith(("ed", "ing")):
                break
            kind = _noun_kind(noun)
            if kind is not None:
                return kind, noun
            last = noun
        if last in NATIONALITIES:
            return PERSON, None  # "the Californian accused of ...": someone from there
    if first_wh is not None and wh in {"which", "what"}:
        rest = re.findall(r"[a-z'-]+", re.sub(r"^'s\b", "", low[first_wh.end() :]))
        following: list[str] = []
        for word in rest[:5]:
            if word in AUXILIARIES or (word in STOPWORDS and following):
                break
            if word in {"the", "a", "an"}:
                continue
            if word.endswith("'s") and _noun_kind(word[:-2]) is not None:
                following.append(word[:-2])  # "which school's students": the school is asked for
                break
            following.append(word)
            if len(following) == 4:
                break
        for index, word in enumerate(following):
            kind = _noun_kind(word)
            if kind is not None:
                # The last of a run of kind nouns is the head: "which union leader" asks for
                # a leader, "which record label boss" for a boss.
                for later in following[index + 1 :]:
                    later_kind = _noun_kind(later)
                    if later_kind is None:
                        break
                    kind, word = later_kind, later
                return kind, word
        if following:
            # "which massive lake" -> lake; "what album won ..." -> album (a verb ends the noun)
            for index, word in enumerate(following[1:], start=1):
                if word in PAST_VERBS or word.endswith("ed"):
                    return OTHER, following[index - 1]
            return OTHER, following[-1]
        # "what is the capital of ...": the noun after the verb says what is asked.
        match = re.match(r"\s*(?:is|was|are|were)\s+(?:the\s+|a\s+|an\s+)?([a-z]+)", low[first_wh.end() :])
        if match:
            noun = match.group(1)
            if noun in _PLACE_NOUNS:
                return PLACE, noun
            if noun in _PERSON_NOUNS:
                return PERSON, noun
            if noun in _DATE_NOUNS:
                return DATE, noun
            return OTHER, noun
        return OTHER, None
    if wh in {"who", "whom", "whose"}:
        return PERSON, None
    if wh == "when":
        return DATE, None
    if wh == "where":
        return PLACE, None
    return OTHER, None


# Past forms that do not end in -ed.
PAST_VERBS = frozenset(
    "won got made took sold bought paid gave led ran began became left lost wrote built sang shot beat struck "
    "stole brought broke drew threw hit sent spent told found kept met rode saw chose flew fought caught "
    "said spoke went came put set thought felt held stood sought".split()
)
# "Chief" and "head" name the top role alone ("MPAA chief", "head of Globex") but are also the
# first word of other roles ("chief economist", "head coach"); these keep the top role.
_HEAD_WORDS = frozenset({"chief", "head"})
_TOP_ROLE_AFTER = frozenset({"executive", "executives", "constable"})


def names_another_role(text: str, word: str, end: int) -> bool:
    """Whether ``word`` (lower case, ending at ``end`` of ``text``), a word such as "chief", is
    the first word of another role: told by a lower-case noun right after it ("chief mobile
    technology evangelist"), not a verb ("the chief said"), or by a capitalised role noun ("Chief
    Economist Jim O'Neill"), not a name ("chief Dan Reed"). "Executive" keeps the top role."""
    if word not in _HEAD_WORDS:
        return False
    following = re.match(r"\s+([A-Za-z]+)\b(?:\s+([A-Za-z]+))?", text[end:])
    if following is None:
        return False
    after = following.group(1)
    if after.lower() in _TOP_ROLE_AFTER:
        return False  # "chief executive", "Chief Executive Martin Sorrell"
    if not after.islower():
        # A title written in capitals: "Chief Economist Jim O'Neill" is another role, "chief Dan
        # Reed" a name, told by whether a role noun follows.
        return any(w is not None and role_noun(w.lower()) for w in following.groups())
    if after in STOPWORDS or after in PAST_VERBS:
        return False
    return not after.endswith(("s", "ed"))


_ROLE_ENDINGS = ("er", "or", "ist", "ant", "ent", "ian", "ive")


def role_noun(word: str) -> bool:
    """Whether a lower-case word names what someone is: a known title or calling, or a word with
    a role's ending ("officer", "advisor", "economist", "accountant", "executive")."""
    return (word in ROLE_TITLES or word in CALLINGS or word.endswith(_ROLE_ENDINGS)) and word not in STOPWORDS


AUXILIARIES = frozenset(
    "is was are were did does do has have had can could will would should may might".split()
)


_ROLE_VERBS = frozenset("heads leads runs owns chairs coaches captains manages founded led".split())
_COPULAS = frozenset("of is was are were for at in to".split())


def _asked_relation(text: str) -> str | None:
    """The role asked about, if any: "who leads X", "who is X's spokesman", "the chairman of X".

    A role word that only describes someone is not the question's relation: one written as a
    title before a name ("coach Rinus Michels", "Macy's owner Federated") or one inside the
    question's own noun phrase that a verb follows ("which former Chelsea chairman has bought
    into ...": the answer was chairman somewhere, but the question asks about buying).
    """
    low = text.lower()
    for pattern, name in _QUESTION_RELATIONS:
        for match in pattern.finditer(low):
            after = text[match.end() :].lstrip(" '’\"")
            word = match.group(0)
            verb = word in _ROLE_VERBS or word.endswith("ed") or re.search(
                r"\b(?:will|to|would|does|did|do|can|could)\s+$", low[max(0, match.start() - 8) : match.start()]
            )
            if after[:1].isupper() and not verb:
                continue  # "coach Rinus Michels": a title; "who heads Athletics Kenya": a verb
            if names_another_role(text, word, match.end()):
                continue  # "chief economic adviser", "chief technology officer": not the head
            before = low[max(0, match.start() - 80) : match.start()]
            following = re.match(r"\s*([a-z]+)", low[match.end() :])
            if (
                re.search(r"\b(?:which|what)\s+(?:[\w'-]+\s+){0,3}$", before)
                and following is not None
                and following.group(1) not in _COPULAS
            ):
                continue
            return name
    return None


_DESCRIPTOR_TOKEN_RE = re.compile(r"[A-Za-z][\w'’&/-]*|\d[\w,.%]*|[^\w\s]")
_DETERMINERS = frozenset("the a an".split())
_RUN_JOINERS = frozenset({"and", "'", "\"", "‘", "’", "“", "”"})
_APPOSITION_OPENERS = frozenset("the a an with not excluding including".split())


# Nationalities and the few country abbreviations news uses as adjectives ("a US airline").
NATIONALITIES = frozenset(
    """
    us uk eu usa un american british english scottish welsh irish northern european african asian
    arab arabic latin nordic scandinavian western eastern southern french german dutch belgian
    spanish portuguese italian swiss austrian danish swedish norwegian finnish icelandic greek
    turkish cypriot polish czech slovak hungarian romanian bulgarian serbian croatian bosnian
    slovenian albanian macedonian russian ukrainian belarusian georgian armenian azerbaijani
    estonian latvian lithuanian moldovan kazakh uzbek afghan pakistani indian bangladeshi sri
    lankan nepalese chinese japanese korean taiwanese vietnamese thai cambodian malaysian
    singaporean indonesian filipino australian zealand canadian mexican brazilian argentine
    argentinian chilean peruvian colombian venezuelan cuban jamaican egyptian libyan tunisian
    algerian moroccan sudanese ethiopian somali kenyan ugandan tanzanian rwandan congolese
    nigerian ghanaian senegalese ivorian cameroonian zimbabwean zambian south iraqi iranian
    syrian lebanese jordanian israeli palestinian saudi yemeni omani qatari kuwaiti emirati
    bahraini kurdish basque catalan californian texan floridian soviet yugoslav czechoslovak
    """.split()
)
# Country names that stand before an owned name ("Spain's Ferrovial").
COUNTRIES = frozenset(
    """
    us uk usa america britain england scotland wales ireland europe france germany spain italy
    portugal netherlands holland belgium switzerland austria denmark sweden norway finland greece
    turkey poland russia ukraine china japan korea india pakistan afghanistan iraq iran israel
    egypt australia canada mexico brazil argentina africa asia taiwan indonesia
    albania andorra armenia azerbaijan belarus bosnia bulgaria croatia cyprus estonia hungary
    iceland kosovo latvia lithuania luxembourg macedonia malta moldova monaco montenegro romania
    serbia slovakia slovenia lebanon syria kuwait qatar bahrain oman yemen palestine bangladesh
    nepal myanmar burma thailand vietnam cambodia malaysia singapore philippines mongolia
    kazakhstan uzbekistan nigeria ghana kenya uganda tanzania ethiopia somalia sudan rwanda congo
    zimbabwe zambia angola mozambique namibia botswana senegal cameroon morocco algeria tunisia
    libya liberia chile peru colombia venezuela ecuador bolivia paraguay uruguay cuba jamaica haiti
    honduras guatemala nicaragua panama fiji samoa tonga
    """.split()  # one word each, and not those that are as often a name or a word (Jordan, Chad)
)


# Nouns for someone of a nation: "the Spaniard then donated his prize money" names no one else.
_NATIONALITY_NOUNS = frozenset(
    "spaniard spaniards frenchman frenchmen dutchman dutchmen englishman englishmen irishman irishmen "
    "welshman welshmen scotsman scotsmen briton britons".split()  # not "the Kiwis", a team
)


def adjectival(word: str) -> bool:
    """Whether a capitalised word is a nationality or country adjective ("US", "Dutch"), a blend
    of them ("Austro-Australian"), or a noun for someone of a nation ("Spaniard")."""
    low = word.lower()
    return (
        low in NATIONALITIES
        or low in _NATIONALITY_NOUNS
        or ("-" in low and low.split("-")[-1] in NATIONALITIES)
    )


def descriptor_words(text: str, entities: Sequence[str], focus: str | None = None) -> list[str]:
    """Plain words of a question that describe a name rather than ask about it.

    Three places hold them: the words between a determiner (or possessive, or preposition) and
    a name ("the bankrupt US supermarket chain Winn-Dixie"), a phrase set off by commas
    ("Andrew Fisher, the man selling ad space on his forehead, from"), and the modifiers of a
    "which" noun phrase ("which former Chelsea chairman" describes the answer).
    """
    tokens = [(m.group(0), m.start()) for m in _DESCRIPTOR_TOKEN_RE.finditer(text)]
    offsets = [at for _, at in tokens]
    starts = set()
    covered: set[int] = set()
    for entity in dict.fromkeys(entities):
        for found in re.finditer(re.escape(entity), text):
            first = bisect.bisect_left(offsets, found.start())
            last = bisect.bisect_left(offsets, found.end())
            if first < last:
                starts.add(first)
                covered.update(range(first, last))
    out: list[str] = []

    def plain(word: str) -> bool:
        low = word.lower()
        return word[:1].islower() and low not in STOPWORDS and low not in QUESTION_WORDS

    for start in sorted(starts):
        if adjectival(tokens[start][0]):
            continue  # "the greatest Scottish band": a nationality is no name to describe
        run: list[str] = []
        index = start - 1
        while index >= 0:
            word = tokens[index][0]
            if word in _RUN_JOINERS or (index in covered and adjectival(word)):
                index -= 1  # "the bankrupt US supermarket chain": a nationality inside the run
                continue
            if index not in covered and plain(word):
                run.append(word.lower())
                index -= 1
                continue
            break
        stop = tokens[index][0] if index >= 0 else ""
        stop_low = stop.lower().replace("’", "'")
        run.reverse()
        verb_first = stop_low in QUESTION_WORDS - AUXILIARIES
        if stop_low in AUXILIARIES - {"did", "does", "do"} and index > 0:
            # "Who will play James Bond": after "who will" comes a verb; after "did" the subject.
            verb_first = tokens[index - 1][0].lower() in {"who", "what", "which"}
        if verb_first:
            # "Who runs sugar group ...": the first word is the question's verb; after "which
            # airline", the noun and then the verb come first.
            if run and focus and run[0] == focus:
                run = run[1:]
            run = run[1:]
        elif index in covered:
            if not stop_low.endswith(("'s", "'")) and not all(w in ROLE_TITLES or w in CALLINGS for w in run):
                run = []  # "the Taliban seize Kabul": a verb between two names; "WorldCom boss Bernie Ebbers" keeps it
        elif stop_low == "to" or not (stop_low in _DETERMINERS or stop_low in STOPWORDS):
            run = []  # "going to direct Casino Royale": a verb, not a description
        elif len(run) == 1 and run[0].endswith("ing") and stop_low not in _DETERMINERS:
            run = []  # "after beating Greg Rusedski": a deed; "of struggling carmaker Rover" describes
        elif run and stop_low in {"that", "who", "which"} and (run[0].endswith("ed") or run[0] in PAST_VERBS):
            run = []  # "the bail-out that saved LG Card": a deed, not a description
        out.extend(run)
    # Phrases set off by commas after a name: "X, the man who ..., from".
    for match in re.finditer(r",\s*([^,?]+?)\s*(?:,|\?|$)", text):
        phrase = match.group(1)
        first = phrase.split()[0].lower() if phrase.split() else ""
        if first in _APPOSITION_OPENERS:
            out.extend(w.lower() for w in _DESCRIPTOR_TOKEN_RE.findall(phrase) if plain(w))
    # "which former Chelsea chairman ...": modifiers of the answer's own noun phrase.
    wh_np = re.match(r"\s*(?:which|what)\s+((?:[\w'-]+\s+){1,4}?)" + (re.escape(focus) if focus else "$^"), text,
                     re.IGNORECASE)
    if wh_np:
        out.extend(w.lower() for w in wh_np.group(1).split() if plain(w))
    return list(dict.fromkeys(out))


# Set phrases whose words mean something else apart: written as the one word news also uses.
_IDIOMS = {
    "under way": "underway",
    "take over": "takeover",
    "took over": "takeover",
    "put into": "invested in",
    "put in": "invested in",
    "md": "managing director",
    "get hold of": "acquire",
    "got hold of": "acquired",
    "go to the polls": "vote",
    "goes to the polls": "votes",
    "going to the polls": "voting",
    "went to the polls": "voted",
    "come out": "released",
    "came out": "released",
    "speaks for": "is the spokesman for",
    "come up with": "devise",
    "came up with": "devised",
}
_IDIOM_RE = re.compile(r"\b(?:" + "|".join(_IDIOMS) + r")\b", re.IGNORECASE)


def _recase_countries(text: str) -> str:
    """Chat questions come in lower case ("who is indonesia's economics minister?"): a country
    written so is still a name. ("us", "turkey", "china" and "japan" are left alone: in lower case
    they are more often a pronoun or a common noun.)"""
    return _LOWER_COUNTRY_RE.sub(
        lambda m: m.group(0).upper() if len(m.group(0)) <= 3 else m.group(0).capitalize(), text
    )


_LOWER_COUNTRY_RE = re.compile(
    r"\b(?:" + "|".join(sorted(COUNTRIES - {"us", "turkey", "china", "japan"}, key=len, reverse=True)) + r")\b"
)

# --- names in questions typed in lower case ---------------------------------------------------

_QUESTION_WORD_RE = re.compile(r"[\w&]+(?:[-.'’][\w&]+)*")
_INNER_NAME_WORDS = frozenset("of the and & de van von der du la le da di y".split())
_LONGEST_NAME = 4  # words


def typed_in_lower_case(question: str) -> bool:
    """Whether the asker left names uncapitalised: no word after the first starts with a capital,
    all-capital acronyms ("CES") aside. Someone who capitalises one name capitalises them all."""
    words = _QUESTION_WORD_RE.findall(question)[1:]
    return not any(word[0].isupper() and not word.isupper() for word in words)


_INNER_CAPITAL_RE = re.compile(r"[a-z][A-Z]")


def recase_names(question: str, texts: Sequence[str]) -> str:
    """The question with each run of its words that ``texts`` mostly write as a name written as
    they do: "who heads amnesty international?" becomes "who heads Amnesty International?" when
    the stored sentences say "Amnesty International".

    A run counts as written as a name where every word but joiners ("of", "van") is capitalised;
    where it opens a sentence, which capitalises any word, it counts for half. Longer runs are
    tried first; a run is recased when it is written as a name more often than not. The noun
    after "which" or "what" is the kind asked for ("which channel", "which chinese province"),
    never a name.
    """
    corpus = "\n".join(texts)
    if not corpus:
        return question
    flat = " ".join(corpus.lower().split())  # a cheap look first: most runs of words are not there
    words = list(_QUESTION_WORD_RE.finditer(question))
    skip = STOPWORDS | QUESTION_WORDS | GENERIC_WORDS

    def base(index: int) -> str:
        return re.sub(r"['’]s$", "", words[index].group(0))

    def written_as_name(phrase: list[str], after_name: bool) -> str | None:
        if " ".join(phrase).lower() not in flat:
            return None
        pattern = re.compile(
            r"(?<![\w&])" + r"\s+".join(re.escape(w) for w in phrase) + r"(?![\w&])", re.IGNORECASE
        )
        forms: dict[str, float] = {}
        plain = 0
        for match in pattern.finditer(corpus):
            found = match.group(0)
            parts = found.split()
            if not all(p[0].isupper() or p.lower() in _INNER_NAME_WORDS for p in parts):
                plain += 1
                continue
            # A sentence's first word is capitalised whatever it is: there it counts for half,
            # unless it has a capital inside ("AstraZeneca"), which only a name has.
            opening = match.start() == 0 or corpus[match.start() - 1] in "\n\"“‘'("
            camel = _INNER_CAPITAL_RE.search(found) is not None
            forms[found] = forms.get(found, 0.0) + (0.5 if opening and not camel else 1.0)
        named = sum(forms.values())
        # Right after a name ("chris morris"), a word never written in lower case may be seen
        # only where it opens a sentence ("Morris will direct ...").
        if named < (0.5 if after_name and not plain else 1) or named <= plain:
            return None
        return max(forms, key=lambda form: forms[form])

    out: list[str] = []
    last = 0
    index = 0
    while index < len(words):
        replaced = False
        for length in range(min(_LONGEST_NAME, len(words) - index), 0, -1):
            end = index + length - 1
            phrase = [base(i) for i in range(index, end + 1)]
            if phrase[0].lower() in skip or phrase[-1].lower() in skip or not any(c.isalpha() for c in phrase[0]):
                continue
            if length == 1 and (len(phrase[0]) < 2 or phrase[0].lower() in ROLE_ABBREVIATIONS):
                continue  # two letters may be a name ("bp": "BP"), but "mp" is a role
            if phrase[0].lower() in ROLE_TITLES:
                continue
            if index > 0 and words[index - 1].group(0).lower() in {"which", "what"}:
                continue
            if (
                index > 1
                and words[index - 2].group(0).lower() in {"which", "what"}
                and _noun_kind(phrase[0].lower()) is not None
            ):
                continue  # "which chinese province": the kind asked for, past its description
            form = written_as_name(phrase, after_name=index > 0 and words[index - 1].start() < last)
            if form is None:
                continue
            start = words[index].start()
            stop = words[end].start() + len(base(end))
            out.append(question[last:start])
            out.append(re.sub(r"\s+", " ", form))
            last = stop
            index = end + 1
            replaced = True
            break
        if not replaced:
            index += 1
    out.append(question[last:])
    return "".join(out)


_STAND_FOR_RE = re.compile(
    r"\b(?:what|wat)\s+(?:does|do|did|is)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?"
    r"([\w&.-]+(?:\s+[\w&.-]+)?)\s+(?:stand\s+for|short\s+for|mean)\b",
    re.IGNORECASE,
)


def analyse_question(question: str, previous: Answer | None = None) -> QuestionAnalysis:
    """Expected answer type, names, relation and search terms of a question."""
    text = _recase_countries(_IDIOM_RE.sub(lambda m: _IDIOMS[m.group(0).lower()], normalise(question)))
    low = text.lower()
    expected, focus = expected_type(low)
    # "who won ...", "who directed ...": no role relation, only roles asked with a role word.
    # A role asked about names a person ("who heads X"); in "when does X step down as head of Y"
    # the role only describes X, and the sentence with the date need not repeat it.
    relation = _asked_relation(text) if expected not in {MONEY, NUMBER, PERCENTAGE, DATE} else None
    if relation == STANDS_FOR and expected != EXPANSION:
        relation = None  # "which constituency did he stand for"
    entities = question_entities(text)
    spelled = _STAND_FOR_RE.search(text) if relation == STANDS_FOR else None
    if spelled:
        entities = [spelled.group(1)]  # "what does raw t stand for": the whole of "raw t", any case
    words = set(re.findall(r"[a-z']+", low))
    used_previous = False
    if previous is not None and previous.subject and (words & PRONOUNS):
        # "and who is their spokesman?": the question is about the previous answer's subject.
        if not entities or all(e.lower() in {"and", "so", "but"} for e in entities):
            entities = [previous.subject]
            text = f"{text} {previous.subject}"
            used_previous = True
    skip = {stem(w) for w in GENERIC_WORDS | QUESTION_WORDS}
    question_terms = [t for t in query_terms(text) if t not in skip]
    described = descriptor_words(text, entities, focus)
    # A hyphenated word counts whole too: the reader stems "pre-election" as one word.
    descriptors = frozenset(stem(part) for w in described for part in re.findall(r"[a-z0-9]+", w)) | {
        stem(w.replace("-", "")) for w in described if "-" in w
    }
    return QuestionAnalysis(
        question=question,
        expected=expected,
        relation=relation,
        entities=tuple(entities),
        terms=tuple(question_terms),
        focus=focus,
        wh=_wh_word(low),
        used_previous=used_previous,
        text=text,
        descriptors=descriptors,
    )


__all__ = [
    "ANSWER_TYPES",
    "AUXILIARIES",
    "CALENDAR",
    "COUNTRIES",
    "HEAD_NOUNS",
    "NATIONALITIES",
    "ORG_NOUNS",
    "RELATION_FAMILIES",
    "RELATION_SYNONYMS",
    "QuestionAnalysis",
    "adjectival",
    "analyse_question",
    "descriptor_words",
    "expected_type",
    "question_entities",
    "recase_names",
    "typed_in_lower_case",
]
