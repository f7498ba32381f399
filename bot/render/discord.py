"""Reply -> Discord messages made of embeds, within every limit Discord sets.

A reply becomes one or more :class:`DiscordMessage` objects. Each holds at most 10 embeds whose
text adds up to at most 6000 characters; each embed keeps to its own limits (title 256,
description 4096, 25 fields, field name 256 and value 1024, footer 2048). Text that does not fit
is split at a line break or a space (a hard cut only for a word longer than the limit) and
continues in the next field, embed or message, so nothing is dropped.

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
from bot.render.common import citation_text, fact_text, joins_previous
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
    joiners, a letter with its accents) unless that character alone is longer than ``limit``."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    chunks: list[str] = []
    rest = text
    while units(rest) > limit:
        cut = _prefix_fitting(rest, limit)
        window = rest[:cut]
        at = window.rfind("\n")
        if at <= 0:
            at = window.rfind(" ")
        cut = at + 1 if at > 0 else _hard_cut(rest, cut)
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def _hard_cut(text: str, cut: int) -> int:
    """Where to cut ``text`` at or before ``cut`` when there is no line break or space: not
    inside a visible character (unless it alone is longer than the chunk), and not between a
    backslash and the character it escapes (an odd run of backslashes before the cut)."""
    for candidate in (_cluster_start(text, cut), cut):
        backslashes = len(text[:candidate]) - len(text[:candidate].rstrip("\\"))
        candidate -= backslashes % 2
        if candidate > 0:
            return candidate
    return cut


def _cluster_start(text: str, cut: int) -> int:
    """The latest index at or before ``cut`` where a cut splits no visible character, or 0."""
    while 0 < cut < len(text) and (joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
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


def _one_line(text: str, limit: int) -> tuple[str, str]:
    """A title that fits, and what did not fit (to be shown in the body, not lost)."""
    text = " ".join(text.split())
    if units(text) <= limit:
        return text, ""
    chunks = split_text(text, limit - 1)
    head = chunks[0].rstrip()
    return head + "…", "…" + "".join(chunks[1:]).lstrip()


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
            embed.title, overflow = _one_line(title, TITLE_LIMIT)
            embed.url = url if _is_web_url(url) else None
            if overflow:
                self.description(escape(overflow) + "\n\n")

    def description(self, text: str) -> None:
        if not text:
            return
        for chunk in split_text(text, DESCRIPTION_LIMIT):
            embed = self._current()
            room = min(DESCRIPTION_LIMIT - units(embed.description or ""), EMBED_TOTAL_LIMIT - embed.size)
            if embed.fields or units(chunk) > room:
                embed = self._fresh()
            if embed.description:
                embed.description += chunk
            else:
                embed.description = chunk

    def fields(self, name: str, lines: list[str]) -> None:
        """A field of lines; long values continue in further fields of the same name."""
        name, _ = _one_line(name, FIELD_NAME_LIMIT)
        name = name or _EMPTY
        value = "\n".join(lines)
        for chunk in split_text(value, FIELD_VALUE_LIMIT):
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
