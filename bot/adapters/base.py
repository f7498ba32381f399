"""What every platform adapter offers the core, and the neutral errors of sending."""

from __future__ import annotations

from typing import Protocol

from bot.messages import ChatRef, IncomingMessage, Reply


class MessageHandler(Protocol):
    """The core as an adapter sees it: one message in, zero or more replies out."""

    async def __call__(self, message: IncomingMessage) -> list[Reply]: ...


class Adapter(Protocol):
    """A chat platform. ``start`` connects and begins delivering messages to the handler;
    ``stop`` disconnects; ``send`` pushes a reply to a chat unprompted (digests)."""

    platform: str

    async def start(self, handler: MessageHandler) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Deliver a reply. Raises :class:`SendError` subclasses for the outbox to act on."""
        ...


class SendError(Exception):
    """A send did not go through."""


class RecipientGone(SendError):
    """A permanent refusal: the user blocked the bot, the bot left the group, DMs are closed.
    The subscription is paused with this reason rather than retried."""


class RateLimited(SendError):
    """The platform asked us to slow down; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TemporaryFailure(SendError):
    """A network error or a platform hiccup; retry with backoff."""


class ChatMoved(SendError):
    """The chat has a new id (Telegram's migration to a supergroup); resend there."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"chat moved to {new_chat_id}")
        self.new_chat_id = new_chat_id
