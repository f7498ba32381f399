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
well. Nothing else is added or lost, except as below.

**Pieces start at text.** A piece starts at its first visible non-whitespace character: tags
between the cut and that character are folded into the tags opened by the piece's prefix (a
tag closed there is not reopened only to be closed again), so no room is wasted on them.

**Formatting that cannot fit.** When one character cluster (a user-perceived character, such
as an emoji with joiners) cannot fit in a piece together with the tags open around it, tags are
dropped rather than the reply refused, because a reader wants the text first, then where a link
leads, and last how it is styled. Tags are kept in that order, as far as they fit: links first,
then bold, italic and code from the outermost in. Tags that cannot hold even one character (a
link whose address alone nearly fills a message) are dropped for the rest of their element;
otherwise only that cluster goes in a piece of its own, with the tags that fit around it, and
the text after it is formatted again. A cluster longer than a whole message on its own (a letter
with hundreds of combining marks) is cut inside. Only a single character or entity longer than
the limit makes :func:`split_html` raise.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from bot.messages import BulletList, Paragraph, Reply, Span, Tone
from bot.render.common import citation_text, fact_text, inside_clusters

MESSAGE_LIMIT = 4096
MAX_FACTS_PER_CARD = 6

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


# How the splitter sees the markup: "special" tokens (tags ``<...>`` and entities ``&...;``)
# found by one regex pass, and every other character as an atom of its own. A ``<...>`` that
# is not a tag is one opaque text atom, as is an entity; a tag is never text.
_SPECIAL = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")
_NOT_SPACE = re.compile(r"\S")
# Searched in the *reversed* visible text, so the first match is the latest one before a cut.
_PARAGRAPH_RUN = re.compile(r"\n\s*\n")
_SENTENCE_RUN = re.compile(r"\s+(?=[.!?…。])")
_LINE_RUN = re.compile(r"\n")
_OPAQUE = "\x00"  # stands for a multi-character atom in the visible text: not a space, not a sentence end
_OPEN, _CLOSE, _TEXT = 1, 2, 3


_Stack = tuple[tuple[str, str], ...]  # the open tags, outermost first: (name, opening tag as written)


def _close_tags(stack: _Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _tags_units(stack: _Stack) -> int:
    """What opening and closing the tags of ``stack`` costs."""
    return sum(utf16_len(opening) + len(name) + 3 for name, opening in stack)


def _after_tag(stack: _Stack, kind: int, name: str, written: str) -> _Stack:
    """The open tags after one tag: an opening tag is pushed, a closing tag pops the innermost
    element when it has its name and is ignored otherwise (well-formed markup has no such tag)."""
    if kind == _OPEN:
        return (*stack, (name, written))
    if stack and stack[-1][0] == name:
        return stack[:-1]
    return stack


class _Splitter:
    """One markup string prepared for cutting; see :func:`split_html`.

    Positions are offsets in the markup. The work per piece is a few regex searches and
    binary searches plus one step per tag, so splitting is linear in the markup's length:
    the visible text (tags removed, entities decoded) is built once, and cut candidates are
    found by searching it backwards from the point where the piece overflows.
    """

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.starts: list[int] = []  # special tokens, in order
        self.ends: list[int] = []
        self.kinds: list[int] = []
        self.names: list[str] = []
        self.chars: list[str] = []  # decoded character(s) of entities and opaque atoms
        self.vis_starts: list[int] = []  # where each special's visible character is (tags: none)
        self.vis_ends: list[int] = []
        self.by_start: dict[int, int] = {}
        self.by_end: dict[int, int] = {}
        pieces: list[str] = []
        done = 0
        vis_length = 0
        for number, match in enumerate(_SPECIAL.finditer(markup)):
            begin, end = match.span()
            raw = match.group(0)
            kind, name, char = _TEXT, "", raw
            if raw[0] == "<":
                tag = _TAG.match(raw) if len(raw) > 2 else None
                if tag is not None:
                    kind, name, char = (_CLOSE if tag.group(1) else _OPEN), tag.group(2).lower(), ""
            else:
                char = html.unescape(raw)
            pieces.append(markup[done:begin])
            vis_length += begin - done
            visible = ""
            if kind == _TEXT:
                if len(char) == 1:
                    visible = char
                elif char.isspace():
                    visible = "\n" if "\n" in char else " "
                else:
                    visible = _OPAQUE
            pieces.append(visible)
            self.starts.append(begin)
            self.ends.append(end)
            self.kinds.append(kind)
            self.names.append(name)
            self.chars.append(char)
            self.vis_starts.append(vis_length)
            vis_length += len(visible)
            self.vis_ends.append(vis_length)
            self.by_start[begin] = number
            self.by_end[end] = number
            done = end
        pieces.append(markup[done:])
        self.visible = "".join(pieces)
        self.reversed = self.visible[::-1]
        self.tag_starts = [begin for begin, kind in zip(self.starts, self.kinds, strict=True) if kind != _TEXT]
        self.tag_numbers = [number for number, kind in enumerate(self.kinds) if kind != _TEXT]
        self.astral = [match.start() for match in _ASTRAL.finditer(markup)]
        self.inside = inside_clusters(self.visible)  # visible indices where a cut splits a character

    # --- measuring ------------------------------------------------------------------------------

    def units(self, begin: int, end: int) -> int:
        """UTF-16 units of ``markup[begin:end]``."""
        if not self.astral:
            return end - begin
        return end - begin + bisect_left(self.astral, end) - bisect_left(self.astral, begin)

    def last_fitting(self, begin: int, end: int, budget: int) -> int:
        """The furthest atom boundary ``x`` in ``[begin, end]`` with ``units(begin, x) <= budget``."""
        if budget < 0:
            return begin
        if not self.astral:
            x = min(end, begin + budget)
        else:
            low, high = begin, end  # units(begin, low) <= budget holds; find the largest such x
            while low < high:
                middle = (low + high + 1) // 2
                if self.units(begin, middle) <= budget:
                    low = middle
                else:
                    high = middle - 1
            x = low
        # Inside an entity or opaque atom: the boundary is its start.
        number = bisect_right(self.starts, x) - 1
        if number >= 0 and self.starts[number] < x < self.ends[number]:
            return self.starts[number]
        return x

    # --- atoms ------------------------------------------------------------------------------------

    def atom_at(self, offset: int) -> tuple[int, str, int]:
        """(kind, character(s), end) of the atom starting at ``offset``."""
        number = self.by_start.get(offset)
        if number is None:
            return _TEXT, self.markup[offset], offset + 1
        return self.kinds[number], self.chars[number], self.ends[number]

    def atom_before(self, offset: int) -> int:
        """Where the atom ending at ``offset`` starts."""
        number = self.by_end.get(offset)
        return self.starts[number] if number is not None else offset - 1

    def to_visible(self, offset: int) -> int:
        """The index in the visible text of the first visible character at or after ``offset``."""
        number = bisect_right(self.ends, offset)
        if number == 0:
            return offset
        return self.vis_ends[number - 1] + offset - self.ends[number - 1]

    def from_visible(self, index: int) -> int:
        """Where the atom of the visible character ``index`` starts in the markup."""
        number = bisect_right(self.vis_ends, index)
        if number < len(self.starts) and self.vis_starts[number] == index and self.vis_ends[number] > index:
            return self.starts[number]
        if number == 0:
            return index
        return self.ends[number - 1] + index - self.vis_ends[number - 1]

    def settle(self, offset: int, stack: _Stack) -> tuple[int, _Stack]:
        """Where a piece starting at ``offset`` really starts (its first non-whitespace text
        atom, or the end), with the tags open there: the tags passed are folded into ``stack``."""
        first = self.first_text(offset, len(self.markup))
        start = len(self.markup) if first is None else first
        return start, self.fold(stack, offset, start)

    def fold(self, stack: _Stack, begin: int, end: int) -> _Stack:
        """The tags open after ``markup[begin:end]`` when ``stack`` is open before it."""
        for tag in range(bisect_left(self.tag_starts, begin), bisect_left(self.tag_starts, end)):
            number = self.tag_numbers[tag]
            written = self.markup[self.starts[number] : self.ends[number]]
            stack = _after_tag(stack, self.kinds[number], self.names[number], written)
        return stack

    def untagged(self, begin: int, end: int) -> str:
        """``markup[begin:end]`` without its tags (entities stay as written)."""
        parts = []
        for tag in range(bisect_left(self.tag_starts, begin), bisect_left(self.tag_starts, end)):
            number = self.tag_numbers[tag]
            parts.append(self.markup[begin : self.starts[number]])
            begin = self.ends[number]
        parts.append(self.markup[begin:end])
        return "".join(parts)

    def without_closings(self, begin: int, stack: _Stack, dropped: set[int]) -> str:
        """``markup[begin:]`` without the closing tags of the elements ``stack[i]``, ``i`` in
        ``dropped``, that are open at ``begin`` (paired as :func:`_after_tag` pairs them)."""
        open_elements: list[tuple[str, int | None]] = [(name, i) for i, (name, _) in enumerate(stack)]
        remaining = set(dropped)
        parts = []
        offset = begin
        for number in self.tag_numbers[bisect_left(self.tag_starts, begin) :]:
            if not remaining:
                break
            name = self.names[number]
            if self.kinds[number] == _OPEN:
                open_elements.append((name, None))
            elif open_elements and open_elements[-1][0] == name:
                _, index = open_elements.pop()
                if index in remaining:
                    remaining.discard(index)
                    parts.append(self.markup[offset : self.starts[number]])
                    offset = self.ends[number]
        parts.append(self.markup[offset:])
        return "".join(parts)

    def first_text(self, begin: int, end: int) -> int | None:
        """The first non-whitespace text atom in ``[begin, end)``."""
        offset = begin
        while offset < end:
            match = _NOT_SPACE.search(self.markup, offset, end)
            if match is None:
                return None
            offset = match.start()
            number = self.by_start.get(offset)
            if number is None:
                return offset
            if self.kinds[number] == _TEXT and not self.chars[number].isspace():
                return offset
            offset = self.ends[number]
        return None

    def cuttable(self, offset: int) -> bool:
        """True when a cut at the atom boundary ``offset`` (a text atom or an opening tag) splits
        no character cluster. Clusters are those of the visible text, through tags: a flag whose
        second half is bold is one character still, and is not cut before the ``<b>``."""
        if self.atom_at(offset)[0] == _CLOSE:
            return False
        return self.to_visible(offset) not in self.inside

    def hard_cut(self, first_text: int, overflow: int) -> int | None:
        """The latest atom boundary in ``(first_text, overflow]`` where a cut splits no cluster."""
        offset = overflow
        while offset > first_text:
            if self.cuttable(offset):
                return offset
            offset = self.atom_before(offset)
        return None

    def cluster_end(self, start: int) -> int:
        """The end of the character cluster at ``start``: the first boundary after it where a
        cut splits no cluster (the closing tags right after it included), or the end."""
        end = len(self.markup)
        offset = self.atom_at(start)[2]
        while offset < end and not self.cuttable(offset):
            offset = self.atom_at(offset)[2]
        return offset

    def fitting_text(self, begin: int, end: int, budget: int) -> int:
        """The furthest atom boundary in ``[begin, end]`` whose text atoms since ``begin`` take
        at most ``budget`` units (tags not counted)."""
        used = 0
        while begin < end:
            kind, _, after = self.atom_at(begin)
            if kind == _TEXT:
                used += self.units(begin, after)
            if used > budget:
                break
            begin = after
        return begin

    # --- whitespace runs --------------------------------------------------------------------------

    def run(self, pattern: re.Pattern[str], low: int, high: int) -> tuple[int, int] | None:
        """The latest whitespace run starting in ``visible[low:high]`` that holds a match of
        ``pattern``, as (start, end) in the visible text, its end clipped at ``high``.

        ``visible[low - 1]`` must be a non-space character: a sentence end is looked for there.
        """
        size = len(self.visible)
        floor = size - high  # the reversed window is reversed[floor : size - low + 1]
        match = pattern.search(self.reversed, floor, size - low + 1)
        if match is None:
            return None
        left = match.end()
        extra = _SPACES.match(self.reversed, left, size - low)
        if extra is not None:
            left = extra.end()
        right = match.start()
        while right > floor and self.reversed[right - 1].isspace():
            right -= 1
        return size - left, size - right

    def level(self, start: int, end: int) -> int:
        text = self.visible[start:end]
        if text.count("\n") >= 2:
            return _PARAGRAPH
        if start > 0 and self.visible[start - 1] in _SENTENCE_END:
            return _SENTENCE
        if "\n" in text:
            return _LINE
        return _WORD


def split_html(markup: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into pieces of at most ``limit`` UTF-16 units each, tags balanced in each.

    Cuts are preferred at paragraph breaks, then sentence ends, then line breaks, then
    spaces, and only then between two characters; a preferred cut is taken when it keeps at
    least half of the piece, otherwise the latest cut of any kind is taken. Tags that cannot
    fit around a single character cluster are dropped (see the module's docstring).
    """
    if utf16_len(markup) <= limit:
        return [markup] if html_to_text(markup).strip() else []
    text = _Splitter(markup)
    chunks: list[str] = []
    stack: _Stack = ()
    position = 0
    while True:
        start, stack = text.settle(position, stack)
        if start == len(text.markup):
            return chunks
        prefix = "".join(opening for _, opening in stack)
        prefix_units = utf16_len(prefix)
        overflow, tag_marks, stacks = _walk(text, start, stack, prefix_units, limit)
        if overflow is None:
            chunks.append(_clean(prefix + text.markup[start:]))
            return chunks
        cut = _choose_cut(text, start, overflow, prefix_units, limit - prefix_units)
        if cut is not None:
            passed = bisect_left(tag_marks, cut)  # the tags that start before the cut
            cut_stack = stacks[passed - 1] if passed else stack
            chunks.append(_clean(prefix + text.markup[start:cut] + _close_tags(cut_stack)))
            stack, position = cut_stack, cut
            continue
        # The character cluster at ``start`` does not fit with the tags open around it.
        lasting = _kept_tags(stack, 1, limit)
        if len(lasting) < len(stack):
            # Some tags cannot hold a single character: drop them for the rest of their elements.
            dropped = set(range(len(stack))) - set(lasting)
            text = _Splitter(text.without_closings(start, stack, dropped))
            stack, position = tuple(stack[index] for index in lasting), 0
            continue
        piece, position = _lone_cluster(text, start, stack, limit)
        chunks.append(piece)
        stack = text.fold(stack, start, position)


def _walk(
    text: _Splitter, start: int, stack: _Stack, prefix_units: int, limit: int
) -> tuple[int | None, list[int], list[_Stack]]:
    """Walk forward from ``start`` tag by tag to the first atom that does not fit in a piece
    (the "overflow"; None when the rest fits), with the tags passed and the stack after each."""
    markup, end = text.markup, len(text.markup)
    closing = sum(len(name) + 3 for name, _ in stack)
    chunk_stack = stack
    tag_marks: list[int] = []
    stacks: list[_Stack] = []
    offset = start
    tag = bisect_left(text.tag_starts, start)
    while True:
        tag_start = text.tag_starts[tag] if tag < len(text.tag_starts) else end
        used = prefix_units + text.units(start, offset)
        fits = text.last_fitting(offset, tag_start, limit - closing - used)
        if fits < tag_start:
            return fits, tag_marks, stacks
        if tag_start == end:
            return None, tag_marks, stacks
        number = text.tag_numbers[tag]
        tag_end = text.ends[number]
        name = text.names[number]
        after = _after_tag(chunk_stack, text.kinds[number], name, markup[tag_start:tag_end])
        new_closing = closing + (len(after) - len(chunk_stack)) * (len(name) + 3)  # pushed or popped
        if prefix_units + text.units(start, tag_end) + new_closing > limit:
            return tag_start, tag_marks, stacks
        closing, chunk_stack = new_closing, after
        tag_marks.append(tag_start)
        stacks.append(chunk_stack)
        offset = tag_end
        tag += 1


def _lone_cluster(text: _Splitter, start: int, stack: _Stack, limit: int) -> tuple[str, int]:
    """A piece of only the cluster at ``start``, in the open tags that fit around it, and where
    the next piece starts. A cluster longer than a whole piece on its own is cut inside."""
    end = text.cluster_end(start)
    body = text.untagged(start, end)
    kept = tuple(stack[index] for index in _kept_tags(stack, utf16_len(body), limit))
    if utf16_len(body) > limit:  # then no tag is kept either
        end = text.fitting_text(start, end, limit)
        if end == start:
            raise ValueError(f"cannot split HTML into pieces of {limit} UTF-16 units: a character is too long")
        body = text.untagged(start, end)
    return "".join(opening for _, opening in kept) + body + _close_tags(kept), end


def _kept_tags(stack: _Stack, body_units: int, limit: int) -> list[int]:
    """Which of the open tags (indices into ``stack``, in order) to keep around text of
    ``body_units``: links first, then the others from the outermost in, each one kept when it
    still fits (see the module's docstring for why)."""
    order = sorted(range(len(stack)), key=lambda index: stack[index][0] != "a")
    kept: list[int] = []
    for index in order:
        trial = sorted([*kept, index])
        if _tags_units(tuple(stack[i] for i in trial)) + body_units <= limit:
            kept = trial
    return kept


def _choose_cut(text: _Splitter, start: int, overflow: int, prefix_units: int, room: int) -> int | None:
    """The best cut: the latest of the best level that keeps at least half the room, else the
    latest cut of any kind (a whitespace run before a hard cut at the same place). ``start``
    is a non-whitespace text atom (see :meth:`_Splitter.settle`)."""
    half = room // 2
    # The visible window whose runs count: after the first text atom, up to the overflowing atom
    # (included when it is whitespace: its run is cut where it starts).
    low = text.to_visible(start) + 1
    kind, char, _ = text.atom_at(overflow)
    high = text.to_visible(overflow) + (1 if kind == _TEXT and char.isspace() else 0)

    def units_at(visible_index: int) -> int:
        return prefix_units + text.units(start, text.from_visible(visible_index))

    latest = text.run(_SPACES, low, high) if low < high else None
    if latest is not None:
        # Units grow along the piece. So if the latest run matching a level's pattern is of a
        # better level (which was refused: it keeps less than half), every earlier run of this
        # level keeps less than half too; the latest run of a level is the only one to check.
        for pattern, level in (
            (_PARAGRAPH_RUN, _PARAGRAPH),
            (_SENTENCE_RUN, _SENTENCE),
            (_LINE_RUN, _LINE),
            (_SPACES, _WORD),
        ):
            found = latest if pattern is _SPACES else text.run(pattern, low, high)
            if found is not None and text.level(*found) == level and units_at(found[0]) >= half:
                return text.from_visible(found[0])
    hard = text.hard_cut(start, overflow)
    run_cut = text.from_visible(latest[0]) if latest is not None else None
    if run_cut is not None and (hard is None or run_cut >= hard):
        return run_cut
    return hard


def _clean(chunk: str) -> str:
    """Drop elements left empty by a cut (``<b></b>``)."""
    while True:
        cleaned = _EMPTY_PAIR.sub("", chunk)
        if cleaned == chunk:
            return chunk
        chunk = cleaned
