"""Wording and text rules shared by every renderer, so that all platforms say the same thing."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

from briefings.models import Citation, Fact

_RELATION_WORDS = {
    "leads": "leads",
    "stands_for": "stands for",
    "spokesperson_of": "is spokesperson for",
    "spokesman_of": "is spokesman for",
    "states": "",
}


def fact_text(fact: Fact) -> str:
    """A fact as a short sentence: "Ahmad Massoud leads National Resistance Front"."""
    if fact.relation == "states" or not fact.subject:
        return fact.object
    words = _RELATION_WORDS.get(fact.relation, fact.relation.replace("_", " "))
    return " ".join(part for part in (fact.subject, words, fact.object) if part)


def citation_text(citation: Citation) -> str:
    """Outlet, title and date of a source, without its link."""
    parts = [citation.outlet]
    if citation.title:
        parts.append(f"“{citation.title}”")
    if citation.published_at:
        parts.append(citation.published_at.strftime("%d %b %Y"))
    return ", ".join(parts)


ZWJ = "\u200d"
_MARKS = frozenset(("Mn", "Me", "Mc"))  # nonspacing, enclosing (U+20E3 keycap) and spacing marks
_INDICATOR_RUN = re.compile("[\U0001f1e6-\U0001f1ff]{2,}")


def joins_previous(char: str) -> bool:
    """True when a cut before ``char`` splits a visible character whatever comes before it: a
    combining mark (accents, U+20E3 of a keycap, variation selectors U+FE00-U+FE0F), a zero-width
    joiner or non-joiner, a skin-tone modifier or an emoji tag. (A cut just after a zero-width
    joiner, or inside a pair of regional indicators, splits one too: see :func:`inside_clusters`.)"""
    code = ord(char[0])
    if code < 0x300:
        return False
    return bool(
        unicodedata.category(char[0]) in _MARKS
        or unicodedata.combining(char[0])
        or code in (0x200C, 0x200D)
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tags of a subdivision flag
    )


def _ranges(codes: Iterable[int], gap: int = 1) -> list[list[int]]:
    """Sorted code points as ``[low, high]`` ranges, two joined when at most ``gap`` apart."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code - ranges[-1][1] <= gap:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


def _char_class(ranges: list[list[int]]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges) + "]")


@functools.cache
def _joining() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    """How to find the characters for which :func:`joins_previous` is true, fast: a class of
    those in the Basic Multilingual Plane; and for the others, a class of the few stretches of
    code points where they are, with the set of them. (Python's regular expressions test a
    character beyond U+FFFF against a class range by range: slow with a hundred ranges.) All
    such characters are in the ranges scanned: marks are in planes 0, 1 and 14, none below U+0300.
    Built once, on first use (some 70 ms)."""
    codes = [
        code for code in itertools.chain(range(0x300, 0x20000), range(0xE0000, 0xE1000)) if joins_previous(chr(code))
    ]
    basic = [code for code in codes if code <= 0xFFFF]
    astral = [code for code in codes if code > 0xFFFF]
    return _char_class(_ranges(basic)), _char_class(_ranges(astral, gap=0x400)), frozenset(map(chr, astral))


def inside_clusters(text: str) -> set[int]:
    """The indices ``i`` (``0 < i < len(text)``) where a cut before ``text[i]`` would split a
    visible character, so that a splitter cuts only at the others.

    A cut is inside a character before a character that joins the previous one
    (:func:`joins_previous`), right after a zero-width joiner (emoji joined by it make one
    picture), between a carriage return and its line feed, and inside a flag: regional
    indicators pair up from the start of their run, so a cut after an odd one of the run that
    is followed by another splits a flag (a last odd one is a character of its own).

    This is a small part of the Unicode rules for grapheme clusters (UAX #29), enough for emoji
    and accents. It keeps together more than they do after a zero-width joiner (whatever
    follows it, not only an emoji) and after a control character; it leaves out Hangul jamo,
    prepended marks and Indic conjuncts, which news text writes precomposed or rarely.
    """
    basic, astral_stretches, astral = _joining()
    inside = {match.start() for match in basic.finditer(text, 1)}
    inside.update(match.start() for match in astral_stretches.finditer(text, 1) if match.group() in astral)
    size = len(text)
    at = text.find(ZWJ)
    while 0 <= at < size - 1:
        inside.add(at + 1)
        at = text.find(ZWJ, at + 1)
    for run in _INDICATOR_RUN.finditer(text):
        inside.update(range(run.start() + 1, run.end(), 2))
    at = text.find("\r\n")
    while at >= 0:
        inside.add(at + 1)
        at = text.find("\r\n", at + 2)
    return inside
