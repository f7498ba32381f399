"""/ask and plain-text questions, with the previous answer kept per chat for follow-ups."""

from __future__ import annotations

from collections import OrderedDict

from bot.commands.context import CommandContext
from bot.messages import ChatRef, Reply
from bot.replies import answer_reply
from bot.router import CommandCall, UsageError
from briefings.models import Answer

_REMEMBERED_CHATS = 10_000


class QuestionCommands:
    """Answers questions from stored articles; remembers each chat's last answer for "their"."""

    def __init__(self, context: CommandContext) -> None:
        self._context = context
        self._previous: OrderedDict[ChatRef, Answer] = OrderedDict()

    async def ask(self, call: CommandCall) -> list[Reply]:
        question = call.args.strip()
        if not question:
            raise UsageError("What would you like to know? Usage: /ask who leads the NRF?")
        chat = call.message.chat
        answer = await self._context.newsroom.ask(question, previous=self._previous.get(chat))
        self._remember(chat, answer)
        return [answer_reply(answer)]

    def _remember(self, chat: ChatRef, answer: Answer) -> None:
        self._previous[chat] = answer
        self._previous.move_to_end(chat)
        while len(self._previous) > _REMEMBERED_CHATS:
            self._previous.popitem(last=False)
