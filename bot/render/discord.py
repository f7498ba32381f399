"""Reply -> Discord messages made of embeds, within every limit Discord sets.

A reply becomes one or more :class:`DiscordMessage` objects. Each holds at most 10 embeds whose
text adds up to at most 6000 characters; each embed keeps to its own limits (title 256,
description 4096, 25 fields, field name 256 and value 1024, footer 2048). Text that does not fit
is split at a paragraph break, a line break or a space (a hard cut only for a word longer than
the limit) and continues in the next field, embed or message, so nothing is dropped.

Every piece of a split description or field value is valid Discord markdown on its own (see
:func:`split_markdown`): bold, italic and code open at a cut are closed at the end of the piece
and opened again at the start of the next; a link is never cut but moved whole to the next piece
(only a link longer than a whole piece is cut, into links to the same address); an escaped
character keeps its backslash; and a visible character is not split.

Lengths are counted in UTF-16 code units, which is never less than the code points Discord
counts, so an emoji-heavy text stays inside the limits too.

Buttons of the reply go on the last message. The renderer is pure: it builds plain
:class:`EmbedData` values; :meth:`EmbedData.to_embed` makes the ``discord.Embed`` at send time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.messages import BulletList, Button, Paragraph, Reply, Span, Tone
from bot.render.common import citation_text, fact_text, inside_clusters
from briefings.models import Briefing, Citation

if TYPE_CHECKING:
    import discord

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
BUTTONS_LIMIT = 25
BUTTON_LABEL_LIMIT = 80

COLOURS = {Tone.INFO: 0x5865F2, Tone.ERROR: 0xED4245, Tone.REFUSAL: 0xFEE75C}
DIGEST_COLOUR = 0x57F287
_EMPTY = "\u200b"  # Discord refuses empty field names and values


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@dataclass
class FieldData:
    name: str
    value: str
    inline: bool = False


@dataclass
class EmbedData:
    """One embed as plain data; ``size`` is what counts towards the 6000-character total."""

    title: str | None = None
    description: str | None = None
    url: str | None = None
    colour: int | None = None
    fields: list[FieldData] = field(default_factory=list)
    footer: str | None = None

    @property
    def size(self) -> int:
        total = units(self.title or "") + units(self.description or "") + units(self.footer or "")
        return total + sum(units(f.name) + units(f.value) for f in self.fields)

    def to_embed(self) -> discord.Embed:
        import discord

        embed = discord.Embed(title=self.title, description=self.description, url=self.url, colour=self.colour)
        for item in self.fields:
            embed.add_field(name=item.name, value=item.value, inline=item.inline)
        if self.footer:
            embed.set_footer(text=self.footer)
        return embed


@dataclass
class DiscordMessage:
    """One message to send: its embeds, and the buttons when it is the last of a reply."""

    embeds: list[EmbedData]
    buttons: list[Button] = field(default_factory=list)
    ephemeral: bool = False


# --- markdown ---------------------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\*_~`|\[\]<>])")
_LINE_START = re.compile(r"(?m)^([ \t]*)([#>-])")


def escape(text: str) -> str:
    """Escape Discord markdown so user and article text shows literally (reversible: drop the
    backslash before each escaped character). Headings, quotes and list marks only mean
    something at the start of a line, so only there are they escaped."""
    return _LINE_START.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", text))


def _link_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace(">", "%3E")


def _is_web_url(url: str | None) -> bool:
    return bool(url) and url.startswith(("http://", "https://"))  # type: ignore[union-attr]


def span_markdown(span: Span) -> str:
    text = escape(span.text)
    if not text.strip():
        return text
    # Marks wrap the text without its outer whitespace: "** x**" would not render as bold.
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    core = text.strip()
    if span.code and "`" not in span.text:
        core = f"`{span.text.strip()}`"  # inside code nothing is markdown, so the raw text
    if span.bold:
        core = f"**{core}**"
    if span.italic:
        core = f"*{core}*"
    if _is_web_url(span.link):
        core = f"[{core}]({_link_url(span.link or '')})"
    return lead + core + trail


def spans_markdown(spans: tuple[Span, ...]) -> str:
    return "".join(span_markdown(span) for span in spans)


def blocks_markdown(reply: Reply) -> str:
    parts = []
    for block in reply.blocks:
        if isinstance(block, Paragraph):
            parts.append(spans_markdown(block.spans))
        elif isinstance(block, BulletList):
            parts.append("\n".join("• " + spans_markdown(item) for item in block.items))
    return "\n\n".join(part for part in parts if part)


def citation_markdown(citation: Citation) -> str:
    text = escape(citation_text(citation))
    return f"[{text}]({_link_url(citation.url or '')})" if _is_web_url(citation.url) else text


# --- splitting --------------------------------------------------------------------------------


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into chunks of at most ``limit`` UTF-16 units whose concatenation is exactly
    ``text``: at the last line break, else the last space, else a hard cut that never separates
    a backslash from the character it escapes, nor splits a visible character (an emoji with
    joiners, a letter with its accents) unless that character alone is longer than ``limit``.
    For plain text (titles, footers); markdown is cut by :func:`split_markdown`."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    chunks: list[str] = []
    inside = inside_clusters(text)
    rest, done = text, 0  # ``rest`` is ``text[done:]``
    while units(rest) > limit:
        cut = _prefix_fitting(rest, limit)
        window = rest[:cut]
        at = window.rfind("\n")
        if at <= 0:
            at = window.rfind(" ")
        cut = at + 1 if at > 0 else _hard_cut(rest, cut, inside, done)
        chunks.append(rest[:cut])
        rest = rest[cut:]
        done += cut
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _hard_cut(text: str, cut: int, inside: set[int], offset: int) -> int:
    """Where to cut ``text`` at or before ``cut`` when there is no line break or space: not
    inside a visible character (``text`` is part of a longer text from ``offset`` on, and
    ``inside`` that text's :func:`~bot.render.common.inside_clusters`) unless it alone is longer
    than the chunk, and not between a backslash and the character it escapes (an odd run of
    backslashes before the cut)."""
    for candidate in (_cluster_start(cut, inside, offset), cut):
        backslashes = len(text[:candidate]) - len(text[:candidate].rstrip("\\"))
        candidate -= backslashes % 2
        if candidate > 0:
            return candidate
    return cut


def _cluster_start(cut: int, inside: set[int], offset: int) -> int:
    """The latest index at or before ``cut`` where a cut splits no visible character, or 0 (see
    :func:`_hard_cut`)."""
    while cut > 0 and cut + offset in inside:
        cut -= 1
    return cut


def _prefix_fitting(text: str, limit: int) -> int:
    """The longest prefix (in code points) of at most ``limit`` UTF-16 units."""
    total = 0
    for index, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        if total > limit:
            return index
    return len(text)


# --- splitting markdown -----------------------------------------------------------------------
#
# The markdown split here is what this module writes: text escaped by :func:`escape`, ``**bold**``,
# ``*italic*``, `` `code` `` and ``[text](url)`` (with ``_``/``__``, ``~~`` and ``||`` understood as
# well). It is read into tokens: a text atom (one character, or a backslash with the character it
# escapes, so the two are never parted), an opening mark or a closing mark (for a link, ``[`` and
# ``](url)``). Each element is one pair of marks.

_OPEN, _CLOSE, _TEXT = 0, 1, 2
_HARD, _WORD, _LINE, _PARAGRAPH = 0, 1, 2, 3  # cut levels, worst first
_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")  # what a backslash escapes
_RUN = re.compile(r"\*+|_+")
_LINE_MARKS = frozenset("#>-")  # a heading, quote or list at the start of a line


class _Tokens:
    """Markdown read into tokens (see above); ``None`` from :meth:`read` when it is not well
    formed (a mark never closed, a ``]`` closing no link)."""

    def __init__(self) -> None:
        self.kinds: list[int] = []
        self.raws: list[str] = []  # as written; for marks, the opener or closer
        self.elems: list[int] = []  # a mark's element; a text atom's code element, or -1
        self.openers: list[str] = []  # per element
        self.closers: list[str] = []
        self.links: list[bool] = []
        self.codes: list[bool] = []
        self.sizes: list[int] = []  # UTF-16 units of the whole element as written

    @classmethod
    def read(cls, md: str) -> _Tokens | None:
        tokens = cls()
        stack: list[int] = []
        began: list[int] = []
        i, n = 0, len(md)
        while i < n:
            ch = md[i]
            if stack and tokens.codes[stack[-1]]:  # inside code nothing is markdown
                if ch == "`":
                    tokens._close(stack, md, began, i + 1)
                else:
                    tokens._text(ch, stack[-1])
                i += 1
            elif ch == "\\" and i + 1 < n and md[i + 1] in _ESCAPABLE:
                tokens._text(md[i : i + 2])
                i += 2
            elif ch == "`":
                if md.find("`", i + 1) < 0:
                    return None
                tokens._open("`", "`", stack, began, i, code=True)
                i += 1
            elif ch in "*_":
                end = _RUN.match(md, i).end()  # type: ignore[union-attr]
                left = end - i
                while left and stack and tokens.openers[stack[-1]][0] == ch and len(tokens.openers[stack[-1]]) <= left:
                    left -= len(tokens.openers[stack[-1]])
                    tokens._close(stack, md, began, end - left)
                if left % 2:
                    tokens._open(ch, ch, stack, began, end - left)
                    left -= 1
                while left:
                    tokens._open(ch * 2, ch * 2, stack, began, end - left)
                    left -= 2
                i = end
            elif md.startswith(("~~", "||"), i):
                pair = md[i : i + 2]
                if stack and tokens.openers[stack[-1]] == pair:
                    tokens._close(stack, md, began, i + 2)
                else:
                    tokens._open(pair, pair, stack, began, i)
                i += 2
            elif ch == "[":
                tokens._open("[", "", stack, began, i, link=True)
                i += 1
            elif ch == "]":
                end = md.find(")", i + 2)
                if not (stack and tokens.links[stack[-1]] and md.startswith("(", i + 1) and end > 0):
                    return None
                tokens.closers[stack[-1]] = md[i : end + 1]
                tokens._close(stack, md, began, end + 1)
                i = end + 1
            else:
                tokens._text(ch)
                i += 1
        return None if stack else tokens

    def _text(self, raw: str, code: int = -1) -> None:
        self.kinds.append(_TEXT)
        self.raws.append(raw)
        self.elems.append(code)

    def _open(self, opener: str, closer: str, stack: list[int], began: list[int], at: int, **kind: bool) -> None:
        elem = len(self.openers)
        self.openers.append(opener)
        self.closers.append(closer)
        self.links.append(kind.get("link", False))
        self.codes.append(kind.get("code", False))
        self.sizes.append(0)
        began.append(at)
        stack.append(elem)
        self.kinds.append(_OPEN)
        self.raws.append(opener)
        self.elems.append(elem)

    def _close(self, stack: list[int], md: str, began: list[int], end: int) -> None:
        elem = stack.pop()
        self.sizes[elem] = units(md[began[elem] : end])
        self.kinds.append(_CLOSE)
        self.raws.append(self.closers[elem])
        self.elems.append(elem)


class _MarkdownSplitter:
    """Cuts tokens into pieces; see :func:`split_markdown`. ``splittable`` holds the links too
    long for a piece of their own, ``dropped`` the elements whose marks are left out."""

    def __init__(self, tokens: _Tokens, limit: int) -> None:
        self.t = tokens
        self.limit = limit
        self.size = len(tokens.kinds)
        self.splittable: set[int] = set()
        self.dropped: set[int] = set()
        kinds, raws = tokens.kinds, tokens.raws
        n = self.size
        self.cost = [units(raw) for raw in raws]
        self.space = [kinds[k] == _TEXT and raws[k].isspace() for k in range(n)]
        # A cut just before this text atom would split a visible character. Characters are those
        # of the text atoms one after the other, through marks (an escape's backslash counts as
        # a character too: it is never a joiner or a regional indicator).
        self.joins = [False] * n
        atoms = [k for k in range(n) if kinds[k] == _TEXT]
        inside = inside_clusters("".join(raws[k] for k in atoms))
        at = 0
        for k in atoms:
            self.joins[k] = at in inside
            at += len(raws[k])
        self.next_text = [n] * (n + 1)  # the first text atom at or after k
        self.newlines = [0] * n  # line breaks in the run of whitespace starting at k
        for k in range(n - 1, -1, -1):
            self.next_text[k] = k if kinds[k] == _TEXT else self.next_text[k + 1]
            if self.space[k]:
                after = self.next_text[k + 1]
                self.newlines[k] = raws[k].count("\n") + (self.newlines[after] if after < n else 0)

    # --- tokens as rendered now (dropped marks write nothing) ---------------------------------

    def render(self, k: int) -> str:
        elem = self.t.elems[k]
        if self.t.kinds[k] == _TEXT:
            return _SPECIAL.sub(r"\\\1", self.t.raws[k]) if elem in self.dropped else self.t.raws[k]
        return "" if elem in self.dropped else self.t.raws[k]

    def units_of(self, k: int) -> int:
        return units(self.render(k)) if self.t.elems[k] in self.dropped else self.cost[k]

    def marks_units(self, stack: tuple[int, ...]) -> int:
        """What opening and closing the elements of ``stack`` costs."""
        return sum(units(self.t.openers[e]) + units(self.t.closers[e]) for e in stack)

    def after(self, stack: tuple[int, ...], k: int) -> tuple[int, ...]:
        """The open elements after token ``k``; a link opened where it cannot fit in a piece of
        its own (with the marks around it) becomes splittable."""
        kind, elem = self.t.kinds[k], self.t.elems[k]
        if kind == _TEXT or elem in self.dropped:
            return stack
        if kind == _CLOSE:
            return tuple(e for e in stack if e != elem)
        if self.t.links[elem] and self.t.sizes[elem] + self.marks_units(stack) > self.limit:
            self.splittable.add(elem)
        return (*stack, elem)

    def locked(self, stack: tuple[int, ...]) -> list[int]:
        return [e for e in stack if self.t.links[e] and e not in self.splittable]

    # --- pieces -------------------------------------------------------------------------------

    def pieces(self) -> list[str]:
        out: list[str] = []
        position, stack = 0, ()
        while True:
            start, line_start = position, not out
            while start < self.size and not (self.t.kinds[start] == _TEXT and not self.space[start]):
                if self.t.kinds[start] == _TEXT:
                    line_start = line_start or "\n" in self.t.raws[start]
                else:
                    stack = self.after(stack, start)
                start += 1
            if start == self.size:
                return out
            piece, position, stack = self.piece(start, stack, line_start)
            out.append(piece)

    def piece(self, start: int, stack: tuple[int, ...], line_start: bool) -> tuple[str, int, tuple[int, ...]]:
        """The piece starting at the text atom ``start`` inside the open elements ``stack``; where
        the next piece starts and the elements open there."""
        limit, t = self.limit, self.t
        while True:
            stack = tuple(e for e in stack if e not in self.dropped)
            prefix = "".join(t.openers[e] for e in stack)
            if not stack and not line_start and self.render(start)[0] in _LINE_MARKS:
                prefix = "\\"  # "#", ">" or "-" from the middle of a line now starts one
            used = units(prefix)
            closing = sum(units(t.closers[e]) for e in stack)
            current = stack
            best: list[tuple[int, int, tuple[int, ...]] | None] = [None] * 4  # per level: cut, units, stack
            blank = False  # the last text atom is whitespace
            overflow = None
            for k in range(start, self.size):
                kind, elem = t.kinds[k], t.elems[k]
                if k > start and not blank and t.kinds[k - 1] != _OPEN and not self.locked(current):
                    following = self.next_text[k]
                    if following < self.size:
                        if self.space[following]:
                            lines = self.newlines[following]
                            level = _PARAGRAPH if lines >= 2 else _LINE if lines else _WORD
                            best[level] = (k, used + closing, current)
                        elif not self.joins[following]:
                            best[_HARD] = (k, used + closing, current)
                grows = self.units_of(k)
                after = self.after(current, k)
                if kind != _TEXT and elem not in self.dropped:
                    closing += units(t.closers[elem]) * (1 if kind == _OPEN else -1)
                if used + grows + closing > limit:
                    overflow = (k, after)
                    break
                used += grows
                current = after
                if kind == _TEXT:
                    blank = self.space[k]
            if overflow is None:
                rest = "".join(self.render(k) for k in range(start, self.size))
                return prefix + rest + "".join(t.closers[e] for e in reversed(current)), self.size, ()
            cut = self.choose(best)
            if cut is not None:
                end, _, cut_stack = cut
                body = "".join(self.render(k) for k in range(start, end))
                return prefix + body + "".join(t.closers[e] for e in reversed(cut_stack)), end, cut_stack
            # Nothing fits before the overflow: a link that must not be cut is in the way, or the
            # first character does not fit with the marks around it.
            locked = self.locked(overflow[1])
            if locked:
                self.splittable.update(locked)
                continue
            lasting = self.kept(stack, 1)
            if len(lasting) < len(stack):
                self.dropped.update(set(stack) - set(lasting))  # marks that cannot hold a character
                continue
            return self.lone(start, stack, line_start)

    def choose(self, best: list[tuple[int, int, tuple[int, ...]] | None]) -> tuple[int, int, tuple[int, ...]] | None:
        """The best level whose latest cut keeps at least half a piece, else the latest cut at
        whitespace, else the latest cut between two characters."""
        for level in (_PARAGRAPH, _LINE, _WORD):
            found = best[level]
            if found is not None and found[1] >= self.limit // 2:
                return found
        spaced = [found for found in best[1:] if found is not None]
        if spaced:
            return max(spaced, key=lambda found: found[0])
        return best[_HARD]

    def kept(self, stack: tuple[int, ...], body_units: int) -> tuple[int, ...]:
        """The elements of ``stack`` to keep around text of ``body_units``: links first, then the
        others from the outermost in, each kept while they fit."""
        order = sorted(range(len(stack)), key=lambda index: not self.t.links[stack[index]])
        chosen: list[int] = []
        for index in order:
            trial = sorted([*chosen, index])
            if self.marks_units(tuple(stack[i] for i in trial)) + body_units <= self.limit:
                chosen = trial
        return tuple(stack[i] for i in chosen)

    def lone(self, start: int, stack: tuple[int, ...], line_start: bool) -> tuple[str, int, tuple[int, ...]]:
        """A piece of the one visible character at ``start`` in the marks that fit around it (cut
        inside only when that character alone is longer than a piece), and the elements open
        after it. A character whose parts are formatted differently (a flag with its second half
        in bold) is shown whole in the marks open at its start: the marks inside it are left out,
        and so is code around it, whose backticks would show the escapes of the rest."""
        t = self.t
        end = start + 1
        while end < self.size and self.next_text[end] < self.size and self.joins[self.next_text[end]]:
            end = self.next_text[end] + 1
        atoms = [k for k in range(start, end) if t.kinds[k] == _TEXT]
        around = stack if len(atoms) == end - start else tuple(e for e in stack if not t.codes[e])
        kept = self.kept(around, sum(self.units_of(k) for k in atoms))
        shown = [
            _SPECIAL.sub(r"\\\1", t.raws[k]) if t.elems[k] >= 0 and t.elems[k] not in kept else self.render(k)
            for k in atoms
        ]  # code text shown without its backticks is escaped
        prefix = "".join(t.openers[e] for e in kept)
        if not kept and not line_start and shown[0][0] in _LINE_MARKS:
            prefix = "\\"
        room = self.limit - units(prefix) - sum(units(t.closers[e]) for e in kept)
        body: list[str] = []
        for k, written in zip(atoms, shown, strict=True):
            room -= units(written)
            if room < 0:
                end = k
                break
            body.append(written)
        if not body:
            raise ValueError(f"cannot split markdown into pieces of {self.limit} UTF-16 units")
        for k in range(start, end):
            stack = self.after(stack, k)
        return prefix + "".join(body) + "".join(t.closers[e] for e in reversed(kept)), end, stack


def split_markdown(markdown: str, limit: int) -> list[str]:
    """Cut markdown written by this module into pieces of at most ``limit`` UTF-16 units, each
    valid on its own; a text that fits is returned as it is.

    * **Cuts** are made at a paragraph break, else a line break, else a space, when the latest
      one keeps at least half a piece; else at the latest whitespace; and only for a word longer
      than a piece between two characters (never inside a visible character, an emoji with
      joiners or a letter with its accents, unless it alone is longer than a piece). The
      whitespace at a cut is dropped: pieces neither end nor start with it.
    * **Emphasis and code** open at a cut are closed at the end of the piece and opened again at
      the start of the next one.
    * **A link is never cut**: when it does not fit in what is left of a piece, the piece ends
      before it and it goes whole into the next one. Only a link longer than a whole piece is cut,
      and then every part of it is a link to the same address (``[first words](url)``,
      ``[more words](url)``), so the text is all shown and every part still leads there.
    * **Escapes** stay with the character they escape. A ``#``, ``>`` or ``-`` from the middle of
      a line that would start a piece (and so make a heading, quote or list item) is escaped.
    * **Marks that cannot fit**: when the marks open around a character leave no room for it (a
      link whose address fills a piece), marks are left out for the rest of their element, links
      kept first, then the others from the outermost in; the text is always kept, and code text
      left without its backticks is escaped.

    Markdown this module did not write (a mark never closed) is cut by :func:`split_text`.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if units(markdown) <= limit:
        return [markdown]
    tokens = _Tokens.read(markdown)
    if tokens is None:
        return split_text(markdown, limit)
    return _MarkdownSplitter(tokens, limit).pieces()


def _one_line(text: str, limit: int) -> tuple[str, str]:
    """A title that fits, and what did not fit (to be shown in the body, not lost)."""
    text = " ".join(text.split())
    if units(text) <= limit:
        return text, ""
    chunks = split_text(text, limit - 1)
    head = chunks[0].rstrip()
    return head + "…", "…" + "".join(chunks[1:]).lstrip()


def _escaped_line(text: str, limit: int) -> tuple[str, str]:
    """:func:`_one_line` for text shown as markdown (a title): escaped, and still within the
    limit with its escapes; the rest is returned unescaped."""
    room = limit
    while True:
        head, overflow = _one_line(text, room)
        shown = escape(head)
        if units(shown) <= limit or room <= 3:
            return shown, overflow
        room = max(3, min(room - 1, room * limit // units(shown)))


# --- building embeds --------------------------------------------------------------------------


class _EmbedBuilder:
    """Fills embeds part by part, opening a continuation embed when one is full."""

    def __init__(self, colour: int | None) -> None:
        self.colour = colour
        self.embeds: list[EmbedData] = []

    def _fresh(self) -> EmbedData:
        embed = EmbedData(colour=self.colour)
        self.embeds.append(embed)
        return embed

    def _current(self) -> EmbedData:
        return self.embeds[-1] if self.embeds else self._fresh()

    def start(self, title: str | None, url: str | None = None) -> None:
        """A new embed with a title; an over-long title continues in the description."""
        embed = self._fresh()
        if title:
            embed.title, overflow = _escaped_line(title, TITLE_LIMIT)
            embed.url = url if _is_web_url(url) else None
            if overflow:
                self.description(escape(overflow))

    def description(self, text: str) -> None:
        """Markdown for the description; what does not fit continues in further embeds. Text
        added to a description already there (a title's overflow) follows a blank line."""
        if not text:
            return
        for index, chunk in enumerate(split_markdown(text, DESCRIPTION_LIMIT)):
            embed = self._current()
            joined = "\n\n" + chunk if embed.description else chunk
            room = min(DESCRIPTION_LIMIT - units(embed.description or ""), EMBED_TOTAL_LIMIT - embed.size)
            if index or embed.fields or units(joined) > room:
                embed, joined = self._fresh(), chunk
            embed.description = (embed.description or "") + joined

    def fields(self, name: str, lines: list[str]) -> None:
        """A field of lines; long values continue in further fields of the same name."""
        name, _ = _one_line(name, FIELD_NAME_LIMIT)
        name = name or _EMPTY
        value = "\n".join(lines)
        for chunk in split_markdown(value, FIELD_VALUE_LIMIT) or [""]:
            chunk = chunk if chunk.strip() else _EMPTY
            embed = self._current()
            if len(embed.fields) >= FIELDS_LIMIT or embed.size + units(name) + units(chunk) > EMBED_TOTAL_LIMIT:
                embed = self._fresh()
            embed.fields.append(FieldData(name=name, value=chunk))

    def footer(self, text: str) -> None:
        text, _ = _one_line(text, FOOTER_LIMIT)
        embed = self._current()
        if embed.size + units(text) > EMBED_TOTAL_LIMIT:
            embed = self._fresh()
        embed.footer = text


def _card(builder: _EmbedBuilder, briefing: Briefing, updated: bool) -> None:
    story = briefing.story
    marker = "Updated: " if updated else ""
    url = next((c.url for c in briefing.citations if _is_web_url(c.url)), None)
    builder.start(f"{marker}#{story.id} {story.headline}", url)
    if story.summary and not updated:
        builder.description(escape(story.summary))
    if briefing.facts:
        builder.fields(
            "New facts" if updated else "Key facts",
            ["• " + escape(fact_text(fact)) for fact in briefing.facts],
        )
    if briefing.citations:
        builder.fields("Sources", ["• " + citation_markdown(c) for c in briefing.citations])
    status = "" if story.status == "published" else f" · {story.status}"
    builder.footer(f"Briefing #{story.id}{status} · /briefings {story.id}")


def _pack(embeds: list[EmbedData]) -> list[list[EmbedData]]:
    """Group embeds into messages of at most 10 embeds and 6000 characters."""
    messages: list[list[EmbedData]] = []
    total = 0
    for embed in embeds:
        if not messages or len(messages[-1]) >= EMBEDS_PER_MESSAGE or total + embed.size > EMBED_TOTAL_LIMIT:
            messages.append([])
            total = 0
        messages[-1].append(embed)
        total += embed.size
    return messages


def render_discord(reply: Reply) -> list[DiscordMessage]:
    """The reply as Discord messages; empty when the reply has nothing to show."""
    colour = DIGEST_COLOUR if reply.digest and reply.tone is Tone.INFO else COLOURS[reply.tone]
    builder = _EmbedBuilder(colour)
    body = blocks_markdown(reply)
    if reply.title or body.strip():
        builder.start(reply.title)
        builder.description(body)
    for card in reply.cards:
        _card(builder, card, updated=card.story.id in reply.updated_story_ids)
    embeds = [e for e in builder.embeds if e.title or e.description or e.fields or e.footer]
    if not embeds and reply.buttons:
        embeds = [EmbedData(description=_EMPTY, colour=colour)]
    ephemeral = reply.ephemeral or reply.tone in (Tone.ERROR, Tone.REFUSAL)
    messages = [DiscordMessage(embeds=group, ephemeral=ephemeral) for group in _pack(embeds)]
    if messages:
        messages[-1].buttons = list(reply.buttons[:BUTTONS_LIMIT])
    return messages
