"""Driving the real router as one user in one chat."""

from __future__ import annotations

from bot.app import BotApp
from bot.messages import ChatRef, IncomingMessage, Reply, Sender


class Conversation:
    """One user in one chat, talking to the real router."""

    def __init__(self, app: BotApp, sender: Sender, chat: ChatRef) -> None:
        self.app = app
        self.sender = sender
        self.chat = chat

    async def say(self, text: str, addressed: bool = False) -> list[Reply]:
        return await self.app.router(IncomingMessage(self.chat, self.sender, text, addressed=addressed))

    async def text(self, text: str, addressed: bool = False) -> str:
        return "\n".join(reply.plain_text() for reply in await self.say(text, addressed))
