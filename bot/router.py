"""Command registry, argument parsing, permission checks and the one error boundary.

Every command is registered here, in one visible place (see :func:`bot.commands.register_all`).
The router turns an :class:`~bot.messages.IncomingMessage` into replies; whatever goes
wrong inside a command becomes a reply that says what to do, never a traceback in chat.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.messages import ChatKind, IncomingMessage, Reply
from briefings.newsroom import InvalidInput
from briefings.ports import NotFound, StoreUnavailable

log = logging.getLogger(__name__)


class Access(StrEnum):
    """Who may run a command."""

    EVERYONE = "everyone"
    SUBSCRIBER_ADMIN = "subscriber_admin"  # in groups: chat admins and moderators
    MODERATOR = "moderator"


@dataclass(frozen=True)
class CommandCall:
    """What a command handler receives: the message, the command name and the argument text."""

    message: IncomingMessage
    name: str
    args: str

    @property
    def words(self) -> list[str]:
        return self.args.split()


Handler = Callable[[CommandCall], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class CommandSpec:
    """A registered command, as help texts and platform menus show it."""

    name: str
    summary: str
    usage: str
    access: Access
    handler: Handler
    params: tuple[str, ...] = ()  # argument names, for platforms with typed options (Discord)


class UsageError(Exception):
    """The command was typed wrongly; ``str()`` says how to type it."""


class PermissionChecker:
    """Decides who is a moderator: configured ``platform:user_id`` keys or platform roles."""

    def __init__(self, moderators: Sequence[str], moderator_roles: Sequence[str] = ()) -> None:
        self._moderators = frozenset(moderators)
        self._roles = frozenset(moderator_roles)

    def is_moderator(self, message: IncomingMessage) -> bool:
        sender = message.sender
        return sender.key in self._moderators or bool(self._roles.intersection(sender.roles))

    def allows(self, access: Access, message: IncomingMessage) -> bool:
        if access is Access.EVERYONE:
            return True
        if self.is_moderator(message):
            return True
        if access is Access.SUBSCRIBER_ADMIN:
            return message.chat.kind is ChatKind.PRIVATE or message.sender.is_chat_admin
        return False


class Router:
    """Dispatches messages to registered commands and turns every failure into a reply."""

    def __init__(
        self,
        permissions: PermissionChecker,
        question_handler: Handler | None = None,
        on_message: Callable[[IncomingMessage], Awaitable[None]] | None = None,
    ) -> None:
        self._commands: dict[str, CommandSpec] = {}
        self._permissions = permissions
        self._question_handler = question_handler
        self._on_message = on_message

    @property
    def permissions(self) -> PermissionChecker:
        return self._permissions

    def register(self, spec: CommandSpec) -> None:
        """Add a command; a second command with the same name is a start-up error."""
        if spec.name in self._commands:
            raise ValueError(f"command /{spec.name} is registered twice")
        self._commands[spec.name] = spec

    def set_question_handler(self, handler: Handler) -> None:
        self._question_handler = handler

    def commands(self) -> list[CommandSpec]:
        return list(self._commands.values())

    def visible_commands(self, message: IncomingMessage) -> list[CommandSpec]:
        """The commands this sender may run, for /help."""
        return [spec for spec in self._commands.values() if self._permissions.allows(spec.access, message)]

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        """Handle one message; never raises for anything a user can cause."""
        text = message.text.strip()
        try:
            if self._on_message is not None:
                await self._on_message(message)
            if text.startswith("/"):
                return await self._dispatch_command(message, text)
            if not text:
                return []
            if message.chat.kind is ChatKind.PRIVATE or message.addressed:
                if self._question_handler is None:
                    return []
                return await self._question_handler(CommandCall(message, "ask", text))
            return []
        except UsageError as exc:
            return [Reply.error(str(exc))]
        except InvalidInput as exc:
            return [Reply.error(str(exc))]
        except NotFound as exc:
            return [Reply.error(_not_found_text(exc), "Type /briefings to see the briefings and their ids.")]
        except StoreUnavailable as exc:
            log.warning("store unavailable while handling %s in %s: %s", _command_of(text), message.chat, exc)
            return [Reply.error("The briefing database is unavailable right now. Nothing was changed.",
                                "Please try again in a minute.")]
        except Exception:
            log.exception("command %s failed in chat %s", _command_of(text), message.chat)
            return [Reply.error("Something went wrong on our side and nothing was changed.",
                                "Please try again; if it keeps failing, tell a moderator.")]

    async def _dispatch_command(self, message: IncomingMessage, text: str) -> list[Reply]:
        head, _, args = text[1:].partition(" ")
        if "\n" in head:  # "/add\nbody..." puts the body on the next line
            head, _, rest = head.partition("\n")
            args = rest + ((" " + args) if args else "")
        name = head.split("@", 1)[0].lower()
        spec = self._commands.get(name)
        if spec is None:
            return [Reply.error(f"I don't know the command /{name or '?'}.", self._hint_for(name))]
        if not self._permissions.allows(spec.access, message):
            return [Reply.refusal(_refusal_text(spec))]
        return await spec.handler(CommandCall(message, name, args.strip()))

    def _hint_for(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self._commands), n=1, cutoff=0.6)
        if close:
            return f"Did you mean /{close[0]}? Type /help for every command."
        return "Type /help for every command."


def _refusal_text(spec: CommandSpec) -> str:
    if spec.access is Access.MODERATOR:
        return f"Only moderators can use /{spec.name}. Ask a moderator if a briefing needs changing."
    return f"Only group admins can use /{spec.name} here. Ask an admin, or use it in a private chat with me."


def _not_found_text(exc: NotFound) -> str:
    detail = str(exc).strip("'\"")
    return detail[0].upper() + detail[1:] + "." if detail else "I couldn't find that."


def _command_of(text: str) -> str:
    return text.split(maxsplit=1)[0][:32] if text.startswith("/") else "(question)"
