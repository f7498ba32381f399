"""Text handling for the newsroom: cleaning, sentence splitting, tokens and index terms.

Everything here is plain Python with no downloaded data, so it runs the same in tests,
on a laptop and in production. The functions are written for speed: the whole ingest
of one article should take a few milliseconds.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import snowballstemmer

# --- normalisation -----------------------------------------------------------------------

_QUOTE_TABLE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
# Runs of spaces become one space. A single plain space is left alone (the same result, and
# most gaps between words are exactly that, so far fewer replacements are made).
_QUOTE_CHARS = tuple(chr(code) for code in _QUOTE_TABLE)
_SPACES_RE = re.compile(
    r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_MANY_NEWLINES_RE = re.compile(r"\n[ \t]*\n[\s]*")


def normalise(text: str) -> str:
    """Unicode NFKC, straight quotes, no invisible characters, tidy spaces and newlines.

    Paragraph breaks (blank lines) are kept as exactly one blank line.
    """
    text = unicodedata.normalize("NFKC", text)
    # Translating and substituting scan the whole text in Python's slower paths: skip them when
    # there is nothing to change (checking with ``in`` is a fast scan).
    if any(char in text for char in _QUOTE_CHARS):
        text = text.translate(_QUOTE_TABLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # After NFKC the other spaces of _SPACES_RE are plain spaces: only these can need a change.
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:
        text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES_RE.sub("\n\n", text)
    return text.strip()


def content_hash(text: str, *, normalised: bool = False) -> str:
    """A hash of the text that ignores case, whitespace and quote style, for dedupe.

    Pass ``normalised=True`` for text that already went through :func:`normalise` (it is
    idempotent, so the hash is the same; this only skips the work).
    """
    flat = " ".join((text if normalised else normalise(text)).casefold().split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()


def fold_accents(text: str) -> str:
    """Remove diacritics (``café`` -> ``cafe``), as SQLite's unicode61 tokenizer does."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- HTML ---------------------------------------------------------------------------------

_HTML_HINT_RE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)")
_ENTITY_HINT_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote header footer "
    "figure figcaption pre hr dd dt".split()
)
_SKIP_TAGS = frozenset("script style noscript template head svg iframe object".split())


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment, with paragraph breaks at block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when the text contains tags or character entities."""
    return bool(_HTML_HINT_RE.search(text) or _ENTITY_HINT_RE.search(text))


def strip_html(text: str) -> str:
    """Plain text from text that may contain HTML: tags removed, entities decoded.

    Scripts, styles and comments are dropped; block tags become paragraph breaks.
    Text without markup is returned unchanged (apart from decoding stray entities).
    """
    if not _HTML_HINT_RE.search(text):
        return html.unescape(text) if _ENTITY_HINT_RE.search(text) else text
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    out = "".join(parser.parts)
    # Inside paragraphs, HTML source line breaks are just spaces.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", out)]
    return "\n\n".join(p for p in paragraphs if p)


# --- sentences ---------------------------------------------------------------------------

# Words that end with a full stop without ending a sentence (compared lower-case, no dot).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft rev hon gen col lt sgt capt cmdr maj adm gov sen rep pres
    supt insp det cpl pte brig messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
    inc ltd co corp plc llc bros dept univ assn est approx vs etc al cf ie eg viz
    no nos vol pp fig figs op ed eds
    u.s u.k u.n e.u u.s.a a.m p.m i.e e.g d.c n.y l.a
    """.split()
)
# Abbreviations after which a capitalised word still normally continues the sentence.
_TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st mt rev hon gen col lt sgt capt cmdr maj adm gov sen rep pres supt insp det "
    "messrs mme mlle no nos vol fig".split()
)

_BOUNDARY_RE = re.compile(r"([.!?]+|\.\.\.|…)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9\u00c0-\u024f])")
_WORD_BEFORE_RE = re.compile(r"([\w.&'-]+)$")
_BULLET_RE = re.compile(r"^(?:[•·▪‣◦●○■□\-–—*]|\d{1,2}[.)])\s+")
_TERMINAL_RE = re.compile(r"[.!?…][\"')\]]*$")
# A full stop glued to the next sentence: "$10.9bn.For", "for AOL.For", 'said."Recent',
# '"extraordinary"."We'. Decimals ("10.9bn") and dotted abbreviations ("U.S.") never match: a
# capital followed by a lower-case letter (or the word "I" or "A") must come next. Group 2 is
# a quote that may close this sentence or open the next one.
_GLUED_RE = re.compile(r"(?<=[A-Za-z0-9%)\]\"'])([.!?])([\"']?)(?=[\"']?(?:[A-Z][a-z]|[AI]\s))")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each with inner whitespace collapsed.

    Single line breaks inside a paragraph join lines, except where a line is a bullet or a
    short heading-like line without final punctuation, which stays a paragraph of its own.
    """
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        current: list[str] = []
        for line in lines:
            standalone = bool(_BULLET_RE.match(line))
            previous_ends_unit = bool(current) and (
                _BULLET_RE.match(current[-1]) is not None
                or (len(current[-1]) < 60 and not _TERMINAL_RE.search(current[-1]))
            )
            if current and (standalone or previous_ends_unit):
                out.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            out.append(" ".join(current))
    return [" ".join(p.split()) for p in out if p.strip()]


def _is_false_boundary(before: str, punct: str, next_char: str) -> bool:
    """Whether the full stop ending ``before`` does not end a sentence."""
    if punct != ".":
        return False
    match = _WORD_BEFORE_RE.search(before)
    if not match:
        return False
    word = match.group(1).lstrip("('\"")
    low = word.lower().rstrip(".")
    if low in _TITLE_ABBREVIATIONS:
        return True
    # Initials such as "J. K. Rowling" or "George W. Bush": one capital letter.
    if len(word) == 1 and word.isupper():
        return True
    # Dotted abbreviations such as "U.S." only end a sentence before a clear new sentence start;
    # news style puts them mid-sentence far more often.
    # Dotted abbreviations ("U.S.", "a.m."): in news they sit mid-sentence far more often.
    if "." in low and low.replace(".", "").isalpha() and len(low) <= 6:
        return True
    if low in _ABBREVIATIONS and low not in {"no", "inc", "ltd", "co", "corp", "plc", "llc", "etc", "al"}:
        return True
    return False


def _split_paragraph(paragraph: str) -> Iterator[str]:
    start = 0
    for match in _BOUNDARY_RE.finditer(paragraph):
        end = match.start(3)
        candidate = paragraph[start:end]
        next_char = paragraph[match.end(3) : match.end(3) + 1]
        # Only the word before the stop matters: a short window keeps the search linear.
        before = paragraph[max(0, match.start(1) - 48) : match.start(1)]
        if _is_false_boundary(before, match.group(1), next_char):
            continue
        if candidate.strip():
            yield candidate.strip()
        start = match.end(3)
    rest = paragraph[start:].strip()
    if rest:
        yield rest


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order, without NLTK: abbreviation- and initial-aware.

    Paragraphs (blank-line separated) never share a sentence. Decimals such as ``10.9bn``
    and abbreviations such as ``Mr.`` or ``U.S.`` do not end sentences.
    """
    sentences: list[str] = []
    for paragraph in split_paragraphs(text):
        sentences.extend(_split_paragraph(paragraph))
    return sentences


def split_glued_sentences(text: str) -> list[str]:
    """Split text whose sentences were run together without spaces (``$10.9bn.For the``).

    Used for the BBC reference summaries; ordinary text goes through :func:`split_sentences`.
    """
    parts: list[str] = []
    start = 0
    for match in _GLUED_RE.finditer(text):
        punct, quote = match.group(1), match.group(2)
        before = text[start : match.start()]
        # A quote between two sentences closes the first when the first has a quote open.
        if quote and before.count('"') % 2 == 1:
            parts.append(f"{before}{punct}{quote} ")
            start = match.end()
        else:
            parts.append(f"{before}{punct} ")
            start = match.start(2)  # an opening quote belongs to the next sentence
    parts.append(text[start:])
    return split_sentences("".join(parts))


# --- tokens, stopwords, stems ------------------------------------------------------------

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
    where's which while who who's whom why why's with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves
    s t just will shall may might must via per upon within without whose whether yet though
    although however also among amongst around across along
    """.split()
)

# Possessive quantifiers: a word character never matches the separators, so giving up part of
# a word could never let a separator match; without backtracking the scan is 2-3 times faster.
_TOKEN_RE = re.compile(r"\w++(?:['’]\w++)*+(?:[-.&]\w++)*+", re.UNICODE)
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}\b)")
_ALNUM_RE = re.compile(r"[^\W_]+", re.UNICODE)

_stemmer = snowballstemmer.stemmer("english")


def tokens(text: str) -> list[str]:
    """Word tokens with their case kept: ``Mazar-e-Sharif``, ``O'Leary``, ``10.9bn``, ``150000``."""
    # Most sentences have no comma between digits: skip the substitution when there is no comma.
    return _TOKEN_RE.findall(_THOUSANDS_RE.sub("", text) if "," in text else text)


@lru_cache(maxsize=30_000)
def stem(word: str) -> str:
    """The Snowball English stem of one lower-case word (cached: news repeats its words)."""
    return _stemmer.stemWord(word)


@lru_cache(maxsize=30_000)
def _token_terms(token: str, keep_stopwords: bool) -> tuple[str, ...]:
    """The index terms of one lower-case, accent-free token (cached: news repeats its words)."""
    token = token.replace("’", "'")
    if "'" in token:
        # Possessives and contractions: "taliban's" -> "taliban".
        head, _, tail = token.partition("'")
        token = head if tail in {"s", "t", "re", "ve", "ll", "d", "m"} else token.replace("'", "")
    parts = _ALNUM_RE.findall(token)
    if not parts:
        return ()
    # Figures have no letters for the stemmer to change: skip it (news is full of new numbers).
    out = [
        part if part.isdigit() and part.isascii() else stem(part)
        for part in parts
        if keep_stopwords or part not in STOPWORDS
    ]
    if len(parts) > 1 and all(p.isalpha() for p in parts) and len(parts) <= 4:
        # Hyphenated and dotted words: index the parts and the joined form, so "air-lifted"
        # matches "airlifted" and "U.S." matches "US".
        out.append(stem("".join(parts)))
    return tuple(out)


class Memo:
    """A bounded memo for hot loops: a dict of recent entries and the generation before it.

    Look up with ``memo.recent.get(key)`` (a plain dict look-up, the cheapest there is) and on
    a miss call :meth:`fill`. When ``recent`` holds ``limit`` entries it becomes the older
    generation and a new one starts; an entry found only in the older generation moves back.
    Words in steady use therefore stay, while one-off words (new names, figures) age out.
    """

    __slots__ = ("limit", "older", "recent")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.recent: dict[str, Any] = {}
        self.older: dict[str, Any] = {}

    def fill(self, key: str, compute: Callable[[str], Any]) -> Any:
        value = self.older.get(key)
        if value is None:
            value = compute(key)
        if len(self.recent) >= self.limit:
            self.older, self.recent = self.recent, {}
        self.recent[key] = value
        return value


# Token -> terms, by keep_stopwords: in front of _token_terms, because a dict look-up costs a
# fraction of an lru_cache call and this runs for every token of every sentence.
_TERMS_OF = (Memo(30_000), Memo(30_000))


def _terms_without_stopwords(token: str) -> tuple[str, ...]:
    return _token_terms(token, False)


def _terms_with_stopwords(token: str) -> tuple[str, ...]:
    return _token_terms(token, True)


_COMPUTE_TERMS = (_terms_without_stopwords, _terms_with_stopwords)


def _raw_terms(text: str, keep_stopwords: bool) -> list[str]:
    text = fold_accents(_THOUSANDS_RE.sub("", text) if "," in text else text).lower()
    memo = _TERMS_OF[keep_stopwords]
    get = memo.recent.get
    out: list[str] = []
    for token in _TOKEN_RE.findall(text):
        found = get(token)
        if found is None:
            found = memo.fill(token, _COMPUTE_TERMS[keep_stopwords])
        out += found  # a list, not a generator: this runs per sentence
    return out


def terms(text: str, keep_stopwords: bool = False) -> list[str]:
    """Index terms of ``text`` in order: lower-case, accent-free, stemmed, stopwords removed."""
    return _raw_terms(text, keep_stopwords)


def index_terms(text: str) -> str:
    """The string the search index stores for a sentence: its terms joined by single spaces.

    Terms contain only letters and digits, so any whitespace or unicode tokenizer (SQLite FTS5
    unicode61, PostgreSQL ``simple``) splits the string back into exactly these terms.
    """
    return " ".join(_raw_terms(text, False))


def query_terms(text: str) -> list[str]:
    """Distinct index terms of a query, in order of first appearance."""
    return list(dict.fromkeys(_raw_terms(text, False)))


def unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, first occurrence kept."""
    return list(dict.fromkeys(items))


# --- junk lines ---------------------------------------------------------------------------

_JUNK_PREFIX_RE = re.compile(
    r"^(?:also read|read more|read also|related topics?|related stories|related articles?|more on this"
    r"|see also|media caption|image caption|image source|image copyright|getty images|watch:|listen:"
    r"|click here|follow us|sign up|subscribe|share this|advertisement|copyright|photo:|picture:"
    r"|video:|(?-i:[A-Z][A-Z ]{2,30}):\s)",
    re.IGNORECASE,
)


_NOT_LETTER_RE = re.compile(r"[\W\d_]+")
_ASCII_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def is_junk(sentence: str) -> bool:
    """Lines that are not part of the story: "Also read: ...", captions, bullet links, headings."""
    return _is_junk(sentence)


@lru_cache(maxsize=4096)
def _is_junk(sentence: str) -> bool:
    # Cached: an ingest asks about each sentence twice (when splitting and when summarising).
    stripped = sentence.strip()
    if not stripped:
        return True
    if _BULLET_RE.match(stripped):
        return True
    if _JUNK_PREFIX_RE.match(stripped):
        return True
    words = stripped.split()
    if len(words) < 4 and not _TERMINAL_RE.search(stripped):
        return True
    if stripped.isascii():
        # The same count as below, much faster: in ASCII the letters are exactly A-Z and a-z.
        letters = len(stripped.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    else:
        letters = len(_NOT_LETTER_RE.sub("", stripped))
    return letters < len(stripped) * 0.4
