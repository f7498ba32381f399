"""Wording and text rules shared by every renderer, so that all platforms say the same thing."""

from __future__ import annotations

import unicodedata

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


def joins_previous(char: str) -> bool:
    """True when a cut before ``char`` would split a visible character: a combining mark, a
    zero-width joiner, a variation selector, a skin-tone modifier or an emoji tag. (A cut just
    after a zero-width joiner splits one too; callers check that themselves.)"""
    code = ord(char[0])
    return bool(
        unicodedata.combining(char[0])
        or code in (0x200D, 0xFE0E, 0xFE0F)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
    )
