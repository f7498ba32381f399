"""Platform-neutral message types: what adapters hand the core and what the core answers.

An adapter turns a native update into an :class:`IncomingMessage`; the core answers with
:class:`Reply` objects, which each adapter renders its own way (Telegram HTML, Discord
embeds, console text). Nothing here knows a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from briefings.models import Briefing


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


@dataclass(frozen=True)
class ChatRef:
    """Where a message came from or goes to. ``thread_id`` is a forum topic or thread."""

    platform: str
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    thread_id: str | None = None


@dataclass(frozen=True)
class Sender:
    """Who sent a message. ``is_chat_admin`` is the platform's word on group admin rights;
    ``roles`` are platform role ids (Discord) that may grant moderator rights."""

    platform: str
    user_id: str
    display_name: str = ""
    is_chat_admin: bool = False
    roles: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The ``platform:user_id`` form used in settings and the audit log."""
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True)
class IncomingMessage:
    """A message for the core. ``addressed`` is true when the bot was mentioned or replied to
    (or the message is a command or a button press); in groups only addressed text is a question."""

    chat: ChatRef
    sender: Sender
    text: str
    addressed: bool = False
    received_at: datetime | None = None


@dataclass(frozen=True)
class Span:
    """A run of inline text with at most a few marks."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str | None = None


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Span, ...], ...]


Block = Paragraph | BulletList


@dataclass(frozen=True)
class Button:
    """A button under a reply. Pressing it sends ``action`` (a command line) back to the core
    from the same chat and user; a ``url`` button opens a link instead."""

    label: str
    action: str | None = None
    url: str | None = None


class Tone(StrEnum):
    INFO = "info"
    ERROR = "error"
    REFUSAL = "refusal"


@dataclass(frozen=True)
class Reply:
    """A structured answer: blocks of marked-up text, optional briefing cards and buttons.

    ``cards`` carry whole briefings so that an adapter can show them natively (an embed per
    briefing on Discord). ``updated_story_ids`` marks cards of stories already sent, whose
    facts are only the new ones. ``digest`` is true for scheduled or requested digests.
    """

    blocks: tuple[Block, ...] = ()
    cards: tuple[Briefing, ...] = ()
    buttons: tuple[Button, ...] = ()
    tone: Tone = Tone.INFO
    title: str | None = None
    digest: bool = False
    ephemeral: bool = False
    updated_story_ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def text(cls, *paragraphs: str, title: str | None = None, tone: Tone = Tone.INFO) -> Reply:
        """A reply of plain paragraphs."""
        return cls(blocks=tuple(Paragraph((Span(p),)) for p in paragraphs), title=title, tone=tone)

    @classmethod
    def error(cls, what: str, hint: str | None = None) -> Reply:
        """What went wrong and, when there is one, what to type instead."""
        paragraphs = (what,) if hint is None else (what, hint)
        return cls.text(*paragraphs, tone=Tone.ERROR)

    @classmethod
    def refusal(cls, what: str) -> Reply:
        return cls.text(what, tone=Tone.REFUSAL)

    def plain_text(self) -> str:
        """The reply flattened to text, for logs, tests and the simplest adapters."""
        from bot.render.text import render_text

        return render_text(self)
