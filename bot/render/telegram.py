"""Reply -> Telegram HTML, split into messages of at most 4096 UTF-16 code units.

Telegram counts message length in UTF-16 code units and accepts a small HTML subset
(``<b>``, ``<i>``, ``<code>``, ``<a href>`` and the entities ``&lt; &gt; &amp; &quot;``).
Everything that comes from stored text is escaped here. :func:`split_html` cuts long HTML
without breaking a tag, an entity or a character, closes the tags that are open at a cut and
reopens them at the start of the next piece.

**Whitespace at cuts.** A cut is made at the start of a run of whitespace when one is near
enough, and the whole run is dropped: the next piece starts at the first non-whitespace
character. So, with ``pieces`` the visible texts of the chunks, the original visible text is
``pieces[0] + w1 + pieces[1] + ... + wn + pieces[n]`` where every ``wi`` is a (possibly empty)
run of whitespace; whitespace before the first and after the last piece may be dropped as
well. Nothing else is added or lost.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.messages import BulletList, Paragraph, Reply, Span, Tone
from bot.render.common import citation_text, fact_text

MESSAGE_LIMIT = 4096
MAX_FACTS_PER_CARD = 6

_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|.", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_EMPTY_PAIR = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?></\1>")
_SENTENCE_END = frozenset(".!?…。")
_CLOSERS = frozenset("\"')]»”’")

# Cut levels, best first.
_PARAGRAPH, _SENTENCE, _LINE, _WORD, _HARD = 4, 3, 2, 1, 0


def escape(text: str) -> str:
    """Escape text for Telegram HTML (safe in element content and in quoted attributes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def html_to_text(chunk: str) -> str:
    """The visible text of a piece of Telegram HTML (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", chunk))


# ---------------------------------------------------------------------------------------------
# Rendering


def render_span(span: Span) -> str:
    """One span as HTML; ``code`` is innermost because Telegram allows nothing inside it."""
    out = escape(span.text)
    if not out:
        return ""
    if span.code:
        out = f"<code>{out}</code>"
    if span.italic:
        out = f"<i>{out}</i>"
    if span.bold:
        out = f"<b>{out}</b>"
    if span.link:
        out = f'<a href="{escape(span.link)}">{out}</a>'
    return out


def _spans(spans: Iterable[Span]) -> str:
    return "".join(render_span(span) for span in spans)


def _card(briefing, updated: bool) -> list[str]:  # briefing: briefings.models.Briefing
    story = briefing.story
    parts = []
    label = "Update: " if updated else ""
    parts.append(f"<b>{escape(label + story.headline)}</b>")
    if story.summary.strip():
        parts.append(escape(story.summary.strip()))
    facts = [fact for fact in briefing.facts if fact.superseded_by is None][:MAX_FACTS_PER_CARD]
    if facts:
        lines = ["<i>Key facts</i>"]
        lines.extend(f"• {escape(fact_text(fact))}" for fact in facts)
        parts.append("\n".join(lines))
    if briefing.citations:
        links = []
        for citation in briefing.citations:
            name = citation_text(citation) or citation.article_id
            if citation.url:
                links.append(f'<a href="{escape(citation.url)}">{escape(name)}</a>')
            else:
                links.append(escape(name))
        parts.append("<i>Sources:</i> " + ", ".join(links))
    parts.append(f"<i>Briefing</i> <code>{escape(story.id)}</code>")
    return parts


def render_full_html(reply: Reply) -> str:
    """The whole reply as one HTML string (not yet split)."""
    parts: list[str] = []
    if reply.title:
        prefix = "⚠️ " if reply.tone is Tone.ERROR else ""
        parts.append(f"<b>{escape(prefix + reply.title)}</b>")
    for block in reply.blocks:
        if isinstance(block, Paragraph):
            text = _spans(block.spans)
        elif isinstance(block, BulletList):
            text = "\n".join("• " + _spans(item) for item in block.items)
        else:  # pragma: no cover - Block is a closed union
            text = escape(str(block))
        if html_to_text(text).strip():
            parts.append(text)
    for briefing in reply.cards:
        parts.append("\n".join(_card(briefing, briefing.story.id in reply.updated_story_ids)))
    return "\n\n".join(parts)


def render_html(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply as Telegram HTML messages, each at most ``limit`` UTF-16 units."""
    return split_html(render_full_html(reply), limit)


# ---------------------------------------------------------------------------------------------
# Splitting


@dataclass
class _Atom:
    raw: str
    units: int
    kind: str  # "open", "close", "text"
    name: str = ""
    char: str = ""  # the decoded character for text atoms


def _atoms(markup: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for match in _TOKEN.finditer(markup):
        raw = match.group(0)
        if raw.startswith("<") and raw.endswith(">") and len(raw) > 2:
            tag = _TAG.match(raw)
            if tag is not None:
                kind = "close" if tag.group(1) else "open"
                atoms.append(_Atom(raw, utf16_len(raw), kind, tag.group(2).lower()))
                continue
        char = html.unescape(raw) if raw.startswith("&") else raw
        atoms.append(_Atom(raw, utf16_len(raw), "text", char=char))
    return atoms


def _joins_previous(atom: _Atom, previous: _Atom | None) -> bool:
    """True when a cut before ``atom`` would split a visible character cluster."""
    char = atom.char
    if not char:
        return False
    code = ord(char[0])
    if unicodedata.combining(char[0]) or code in (0x200D, 0xFE0E, 0xFE0F) or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if 0xE0020 <= code <= 0xE007F:  # emoji tag sequences
        return True
    return previous is not None and previous.char == "\u200d"


def _close_tags(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


@dataclass
class _Cut:
    level: int
    index: int  # atoms[start:index] go into the chunk
    stack: list[tuple[str, str]]
    units: int  # units used by the chunk up to the cut, without closers


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into pieces of at most ``limit`` UTF-16 units each, tags balanced in each.

    Cuts are preferred at paragraph breaks, then sentence ends, then line breaks, then
    spaces, and only then between two characters; a preferred cut is taken when it keeps at
    least half of the piece, otherwise the latest cut of any kind is taken.
    """
    if utf16_len(markup) <= limit:
        return [markup] if html_to_text(markup).strip() else []
    atoms = _atoms(markup)
    chunks: list[str] = []
    stack: list[tuple[str, str]] = []  # (tag name, opening tag as written)
    position = 0
    first = True
    while position < len(atoms):
        chunk_stack = list(stack)
        prefix = "".join(opening for _, opening in chunk_stack)
        start = position
        if not first:
            # The whitespace at a cut is dropped; tags on the way are kept.
            while start < len(atoms) and atoms[start].kind == "text" and atoms[start].char.isspace():
                start += 1
        first = False
        used = utf16_len(prefix)
        closing = utf16_len(_close_tags(chunk_stack))
        cuts: list[_Cut] = []
        has_text = False
        run_start: int | None = None  # start of the current whitespace run
        run_state: tuple[list[tuple[str, str]], int, int] | None = None
        run_text = ""
        last_visible = ""
        index = start
        overflow = False
        previous_text: _Atom | None = None
        while index < len(atoms):
            atom = atoms[index]
            is_space = atom.kind == "text" and atom.char.isspace()
            if atom.kind == "text" and not is_space and run_start is not None:
                if has_text and run_state is not None:
                    cuts.append(_Cut(_run_level(run_text, last_visible), run_start, run_state[0], run_state[1]))
                run_start, run_state, run_text = None, None, ""
            if is_space and run_start is None:
                run_start, run_state = index, (list(chunk_stack), used, closing)
            if is_space:
                run_text += atom.char
            # A hard cut before this atom is allowed when it does not split a character cluster.
            if has_text and atom.kind in ("text", "open") and not _joins_previous(atom, previous_text):
                cuts.append(_Cut(_HARD, index, list(chunk_stack), used))
            added = atom.units
            new_closing = closing
            if atom.kind == "open":
                new_closing += len(atom.name) + 3
            elif atom.kind == "close" and chunk_stack and chunk_stack[-1][0] == atom.name:
                new_closing -= len(atom.name) + 3
            if used + added + new_closing > limit:
                overflow = True
                if run_start is not None and has_text and run_state is not None:
                    cuts.append(_Cut(_run_level(run_text, last_visible), run_start, run_state[0], run_state[1]))
                break
            used += added
            closing = new_closing
            if atom.kind == "open":
                chunk_stack.append((atom.name, atom.raw))
            elif atom.kind == "close":
                if chunk_stack and chunk_stack[-1][0] == atom.name:
                    chunk_stack.pop()
            else:
                if not is_space:
                    has_text = True
                    last_visible = atom.char
                previous_text = atom
            index += 1
        if not overflow:
            body = prefix + "".join(atom.raw for atom in atoms[start:])
            if html_to_text(body).strip():
                chunks.append(_clean(body))
            break
        cut = _choose(cuts, limit - utf16_len(prefix))
        if cut is None and not has_text and index > start:
            # Only whitespace so far and the next thing does not fit with it: drop the whitespace.
            stack, position, first = chunk_stack, index, False
            continue
        if cut is None:
            raise ValueError(f"cannot split HTML into pieces of {limit} UTF-16 units: a tag or character is too long")
        body = prefix + "".join(atom.raw for atom in atoms[start : cut.index]) + _close_tags(cut.stack)
        chunks.append(_clean(body))
        stack = cut.stack
        position = cut.index
    return chunks


def _run_level(run: str, last_visible: str) -> int:
    if "\n\n" in run or run.count("\n") >= 2:
        return _PARAGRAPH
    if last_visible in _SENTENCE_END:
        return _SENTENCE
    if "\n" in run:
        return _LINE
    return _WORD


def _choose(cuts: list[_Cut], room: int) -> _Cut | None:
    """The best cut: the latest of the best level that keeps at least half the room."""
    if not cuts:
        return None
    half = room // 2
    for level in (_PARAGRAPH, _SENTENCE, _LINE, _WORD):
        good = [cut for cut in cuts if cut.level == level and cut.units >= half]
        if good:
            return max(good, key=lambda cut: cut.index)
    return max(cuts, key=lambda cut: (cut.index, cut.level))


def _clean(chunk: str) -> str:
    """Drop elements left empty by a cut (``<b></b>``)."""
    while True:
        cleaned = _EMPTY_PAIR.sub("", chunk)
        if cleaned == chunk:
            return chunk
        chunk = cleaned
