"""Telegram adapter: python-telegram-bot 22 started by hand, updates in, HTML replies out.

Updates become :class:`~bot.messages.IncomingMessage`; in groups the bot only listens to
commands, mentions and replies to its own messages. Replies are rendered by
:mod:`bot.render.telegram` (escaped HTML, split at 4096 UTF-16 units) with buttons as an
inline keyboard. Telegram's errors become the neutral send errors of
:mod:`bot.adapters.base`; flood waits are honoured, never dropped.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import re
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.adapters.base import (
    ChatMoved,
    RateLimited,
    RecipientGone,
    SendError,
    TemporaryFailure,
)
from bot.adapters.base import (
    MessageHandler as CoreHandler,
)
from bot.config import Settings
from bot.messages import Button, ChatKind, ChatRef, IncomingMessage, Reply, Sender
from bot.ratelimit import RateLimiter
from bot.render.telegram import html_to_text, render_html

if TYPE_CHECKING:  # the router pulls in the newsroom; the adapter only needs the spec's shape
    from bot.router import CommandSpec

log = logging.getLogger(__name__)

T = TypeVar("T")

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit
_PUBLIC_ACCESS = frozenset({"everyone", "subscriber_admin"})  # router.Access values
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
_GONE_HINTS = (
    "chat not found", "message thread not found", "topic_closed", "topic_deleted", "not enough rights",
    "have no rights", "bot was kicked", "bot is not a member", "user is deactivated", "chat_write_forbidden",
)
# Loggers that may print request URLs, which contain the token.
_NOISY_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.ext", "telegram.ext.Application",
                  "telegram.ext.Updater", "telegram.ext.ExtBot", "telegram.Bot", "telegram.request",
                  "telegram._bot", __name__)


class _RedactToken(logging.Filter):
    """Replaces the bot token in log records, wherever it appears."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self._token:
            message = record.getMessage()
            if self._token in message:
                record.msg = message.replace(self._token, "<token>")
                record.args = None
            if record.exc_info and record.exc_info[1] is not None and self._token in str(record.exc_info[1]):
                record.exc_text = None
                record.msg = str(record.msg) + " (traceback hidden: it contained the token)"
                record.exc_info = None
        return True


@dataclass
class _Delivered:
    message_ids: list[int]


class TelegramAdapter:
    """The Telegram side of the bot (see the module docstring)."""

    platform = "telegram"
    paces_sends = True  # acquires the rate limiter before each message; the outbox must not

    def __init__(
        self,
        settings: Settings,
        commands: Sequence[CommandSpec],
        *,
        network_tries: int = 4,
        backoff: float = 0.5,
        max_outbox_wait: float = 60.0,
        admin_cache_seconds: float = 60.0,
        limiter: RateLimiter | None = None,
    ) -> None:
        if settings.telegram_token is None:
            raise ValueError("BRIEFBOT_TELEGRAM_TOKEN is not set; the Telegram adapter needs a bot token")
        self._settings = settings
        self._token = settings.telegram_token.get_secret_value()
        self._commands = list(commands)
        self._moderator_ids = [
            entry.partition(":")[2] for entry in settings.moderators if entry.startswith("telegram:")
        ]
        self._network_tries = network_tries
        self._backoff = backoff
        self._max_outbox_wait = max_outbox_wait
        self._admin_cache_seconds = admin_cache_seconds
        self._app: Application | None = None
        self._handler: CoreHandler | None = None
        self._bot_id = 0
        self._username = ""
        self._redactor = _RedactToken(self._token)
        # Every sendMessage (replies, and each part of a digest) first acquires this limiter.
        # Pass the one the outbox holds so that replies and digests share one budget; the
        # outbox sees ``paces_sends`` and does not acquire a second time.
        self._limiter = limiter if limiter is not None else RateLimiter.telegram(settings)
        self._admin_cache: dict[tuple[int, int], tuple[bool, float]] = {}
        self._rendered: collections.OrderedDict[Reply, list[str]] = collections.OrderedDict()
        self._actions: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._action_keys = itertools.count(1)
        self._wizards: collections.OrderedDict[tuple[int, int], None] = collections.OrderedDict()

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def username(self) -> str:
        """The bot's @username as Telegram reported it at start-up."""
        return self._username

    async def start(self, handler: CoreHandler) -> None:
        """Connect, publish the command menu and begin polling (or serving the webhook)."""
        self._redaction(install=True)
        self._handler = handler
        app = (
            Application.builder()
            .token(self._token)
            .base_url(self._settings.telegram_api_url)
            .concurrent_updates(256)
            .connection_pool_size(64)
            .pool_timeout(30.0)
            .build()
        )
        private_or_group = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
        app.add_handler(MessageHandler(filters.TEXT & private_or_group, self._on_message))
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_error_handler(self._on_error)
        try:
            await app.initialize()
        except TelegramError as exc:
            raise RuntimeError(
                f"could not connect to Telegram at {self._settings.telegram_api_url}: {exc}. "
                "Check BRIEFBOT_TELEGRAM_TOKEN and BRIEFBOT_TELEGRAM_API_URL."
            ) from None
        self._app = app
        self._bot_id = app.bot.id
        self._username = app.bot.username or ""
        await self._publish_commands()
        await app.start()
        assert app.updater is not None
        allowed = ["message", "channel_post", "callback_query"]
        if self._settings.telegram_webhook_url:
            url = self._settings.telegram_webhook_url
            secret = self._settings.telegram_webhook_secret
            await app.updater.start_webhook(
                listen=self._settings.telegram_webhook_listen,
                port=self._settings.telegram_webhook_port,
                url_path=urlparse(url).path.lstrip("/"),
                webhook_url=url,
                secret_token=secret.get_secret_value() if secret else None,
                allowed_updates=allowed,
            )
            log.info("telegram: @%s receiving updates by webhook", self._username)
        else:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=timedelta(seconds=10), allowed_updates=allowed,
                error_callback=self._on_polling_error,
            )
            log.info("telegram: @%s polling for updates", self._username)

    async def stop(self) -> None:
        """Stop receiving, let handlers under way finish, and close the HTTP clients."""
        app, self._app = self._app, None
        if app is None:
            self._redaction(install=False)
            return
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
        finally:
            await app.shutdown()
            log.info("telegram: stopped")
            self._redaction(install=False)

    def _redaction(self, *, install: bool) -> None:
        """Put the token filter on the loggers that print URLs and on the root logger's handlers,
        which also see records from their child loggers (a logger's own filters do not)."""
        targets: list[logging.Filterer] = [logging.getLogger(name) for name in _NOISY_LOGGERS]
        targets += logging.getLogger().handlers
        for target in targets:
            if install:
                target.addFilter(self._redactor)
            else:
                target.removeFilter(self._redactor)

    async def _publish_commands(self) -> None:
        assert self._app is not None
        public = [spec for spec in self._commands if spec.access in _PUBLIC_ACCESS]
        try:
            await self._app.bot.set_my_commands(_bot_commands(public), scope=BotCommandScopeDefault())
        except TelegramError as exc:
            log.warning("telegram: could not publish the command menu: %s", exc)
        everything = _bot_commands(self._commands)
        for user_id in self._moderator_ids:
            if not user_id.lstrip("-").isdigit():
                log.warning("telegram: moderator id %r is not a number; no command menu for it", user_id)
                continue
            try:
                await self._app.bot.set_my_commands(everything, scope=BotCommandScopeChat(chat_id=int(user_id)))
            except TelegramError as exc:
                # Usual when the moderator has not opened a chat with the bot yet.
                log.info("telegram: no moderator command menu for %s yet: %s", user_id, exc)

    # ----------------------------------------------------------------------------- incoming

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or self._handler is None:
            return
        incoming = self._incoming(message)
        if incoming is None:
            return
        if incoming.chat.kind is not ChatKind.PRIVATE and incoming.text.startswith("/"):
            incoming = await self._with_admin_flag(incoming, message)
        replies = await self._handler(incoming)
        reply_to = message.message_id if incoming.chat.kind is ChatKind.GROUP else None
        await self._answer(incoming.chat, replies, reply_to=reply_to)

    def _incoming(self, message: Message) -> IncomingMessage | None:
        """The neutral form of a message, or None when the bot should stay silent."""
        chat = _chat_ref(message)
        sender = _sender(message)
        text = message.text or ""
        received = message.date or datetime.now(UTC)
        if chat.kind is ChatKind.PRIVATE:
            return IncomingMessage(chat, sender, text, addressed=True, received_at=received)
        if text.startswith("/"):
            head = re.match(r"\S+", text)
            word = head.group(0) if head else text
            command, at, target = word.partition("@")
            if at and target.lower() != self._username.lower():
                return None  # a command for another bot
            return IncomingMessage(chat, sender, command + text[len(word):], addressed=True, received_at=received)
        stripped, mentioned = self._strip_mentions(message, text)
        replied = message.reply_to_message
        to_bot = (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == self._bot_id
            and replied.forum_topic_created is None
        )
        if not (mentioned or to_bot):
            return None
        return IncomingMessage(chat, sender, stripped, addressed=True, received_at=received)

    def _strip_mentions(self, message: Message, text: str) -> tuple[str, bool]:
        mentioned = False
        if self._username:
            pattern = re.compile(rf"@{re.escape(self._username)}\b", re.IGNORECASE)
            if pattern.search(text):
                mentioned = True
                text = pattern.sub(" ", text)
        for entity, value in message.parse_entities([MessageEntity.TEXT_MENTION]).items():
            if entity.user is not None and entity.user.id == self._bot_id:
                mentioned = True
                text = text.replace(value, " ", 1)
        text = re.sub(r"[ \t]+", " ", text).strip().lstrip(",:;").strip()
        return text, mentioned

    async def _with_admin_flag(self, incoming: IncomingMessage, message: Message) -> IncomingMessage:
        if message.sender_chat is not None and message.sender_chat.id == message.chat.id:
            is_admin = True  # an anonymous group admin posts as the group itself
        elif message.from_user is None:
            is_admin = False
        else:
            is_admin = await self._is_chat_admin(message.chat.id, message.from_user.id)
        return replace(incoming, sender=replace(incoming.sender, is_chat_admin=is_admin))

    async def _is_chat_admin(self, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        cached = self._admin_cache.get((chat_id, user_id))
        if cached is not None and cached[1] > now:
            return cached[0]
        assert self._app is not None
        try:
            member = await self._call(lambda: self._app.bot.get_chat_member(chat_id, user_id), outbox=False)
            is_admin = member.status in _ADMIN_STATUSES
        except (SendError, TelegramError) as exc:
            log.warning("telegram: could not check admin rights of %s in %s: %s", user_id, chat_id, exc)
            return False
        if len(self._admin_cache) > 10_000:
            self._admin_cache.clear()
        self._admin_cache[(chat_id, user_id)] = (is_admin, now + self._admin_cache_seconds)
        return is_admin

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or self._handler is None:
            return
        data = query.data or ""
        action = data if data.startswith("/") else self._actions.get(data)
        # Answer at once so the button stops spinning, whatever happens next.
        notice = None if action is not None else "That button has expired. Please type the command instead."
        try:
            await self._call(lambda: query.answer(text=notice), outbox=False)
        except (SendError, TelegramError) as exc:
            log.info("telegram: could not answer a button press: %s", exc)
        message = query.message
        if action is None or message is None:
            return
        chat = _chat_ref(message)  # type: ignore[arg-type]
        user = query.from_user
        sender = Sender("telegram", str(user.id), user.full_name)
        if chat.kind is not ChatKind.PRIVATE:
            sender = replace(sender, is_chat_admin=await self._is_chat_admin(message.chat.id, user.id))
        incoming = IncomingMessage(chat, sender, action, addressed=True, received_at=datetime.now(UTC))
        replies = await self._handler(incoming)
        if await self._edit_wizard(query, replies):
            return
        await self._answer(chat, replies)

    async def _edit_wizard(self, query: CallbackQuery, replies: list[Reply]) -> bool:
        """A press on a wizard step whose answer is one short reply edits that step in place."""
        message = query.message
        if message is None or (message.chat.id, message.message_id) not in self._wizards:
            return False
        if len(replies) != 1 or replies[0].cards or replies[0].digest:
            return False
        chunks = render_html(replies[0])
        if len(chunks) != 1:
            return False
        reply = replies[0]
        markup = self._keyboard(reply)
        assert self._app is not None
        bot = self._app.bot
        try:
            await self._call(
                lambda: bot.edit_message_text(
                    chunks[0], chat_id=message.chat.id, message_id=message.message_id,
                    parse_mode=ParseMode.HTML, reply_markup=markup,
                ),
                outbox=False,
            )
        except (SendError, TelegramError) as exc:
            log.info("telegram: could not edit wizard step in %s, sending instead: %s", message.chat.id, exc)
            return False
        if not _has_actions(reply):
            self._wizards.pop((message.chat.id, message.message_id), None)
        return True

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: unhandled error while processing an update: %s", context.error,
                  exc_info=context.error)

    def _on_polling_error(self, error: TelegramError) -> None:
        log.warning("telegram: polling failed, retrying: %s", error)

    # ----------------------------------------------------------------------------- outgoing

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Deliver a reply unprompted (digests); raises :class:`SendError` subclasses."""
        if self._app is None:
            raise TemporaryFailure("the Telegram adapter is not running")
        try:
            await self._deliver(chat, reply, outbox=True)
        except SendError:
            raise
        except TelegramError as exc:
            raise SendError(f"Telegram refused the message: {exc}") from exc

    async def _answer(self, chat: ChatRef, replies: list[Reply], reply_to: int | None = None) -> None:
        """Send the replies to an incoming message; failures are logged, never silent."""
        for reply in replies:
            target = chat
            for _ in range(3):
                try:
                    await self._deliver(target, reply, reply_to=reply_to, outbox=False)
                    break
                except ChatMoved as moved:
                    log.info("telegram: chat %s moved to %s; resending there", target.chat_id, moved.new_chat_id)
                    target = replace(target, chat_id=moved.new_chat_id, thread_id=None)
                    reply_to = None
                except RecipientGone as exc:
                    log.warning("telegram: reply to %s not delivered, recipient gone: %s", target.chat_id, exc)
                    break
                except (SendError, TelegramError) as exc:
                    log.error("telegram: reply to %s lost: %s", target.chat_id, exc)
                    break
            reply_to = None  # only the first message quotes the question

    async def _deliver(
        self, chat: ChatRef, reply: Reply, *, reply_to: int | None = None, outbox: bool
    ) -> _Delivered:
        assert self._app is not None
        bot = self._app.bot
        chunks = await self._render(reply)
        markup = self._keyboard(reply)
        if not chunks:
            if markup is None:
                return _Delivered([])
            chunks = ["Choose:"]
        chat_id = _chat_id(chat.chat_id)
        thread = int(chat.thread_id) if chat.thread_id and chat.thread_id.lstrip("-").isdigit() else None
        previews = LinkPreviewOptions(is_disabled=True) if (reply.digest or reply.cards) else None
        sent: list[int] = []
        for number, chunk in enumerate(chunks):
            last = number == len(chunks) - 1
            base: dict[str, Any] = {
                "chat_id": chat_id,
                "message_thread_id": thread,
                "reply_markup": markup if last else None,
                "link_preview_options": previews,
            }
            if number == 0 and reply_to is not None:
                base["reply_parameters"] = ReplyParameters(reply_to, allow_sending_without_reply=True)
            pace = (chat.chat_id, chat.kind is not ChatKind.PRIVATE)
            try:
                message = await self._call(
                    lambda base=base, chunk=chunk: bot.send_message(text=chunk, parse_mode=ParseMode.HTML, **base),
                    outbox=outbox, chat_key=chat.chat_id, pace=pace,
                )
            except BadRequest as exc:
                if "parse entities" not in exc.message.lower():
                    raise _bad_request(exc) from exc
                log.warning("telegram: HTML refused in chat %s (%s); sending it as plain text", chat_id, exc.message)
                plain = html_to_text(chunk)
                message = await self._call(
                    lambda base=base, plain=plain: bot.send_message(text=plain, **base),
                    outbox=outbox, chat_key=chat.chat_id, pace=pace,
                )
            sent.append(message.message_id)
        if markup is not None and _has_actions(reply) and len(chunks) == 1 and not reply.cards and not reply.digest:
            self._remember_wizard((chat_id, sent[-1]))
        return _Delivered(sent)

    async def _render(self, reply: Reply) -> list[str]:
        """``render_html`` in a worker thread, remembered for recent replies.

        Splitting is linear now (well under a millisecond for a typical digest), but a very long
        reply still costs CPU that would hold back sends already granted by the rate limiter,
        and they would then reach Telegram bunched together (429). At a fan-out many
        subscribers get the very same digest (one shared :class:`Reply`), so the cache hits.
        """
        try:
            cached = self._rendered.get(reply)
        except TypeError:  # a reply holding something unhashable is simply not cached
            return await asyncio.to_thread(render_html, reply)
        if cached is None:
            cached = await asyncio.to_thread(render_html, reply)
            self._rendered[reply] = cached
            while len(self._rendered) > 512:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(reply)
        return list(cached)

    async def _call(
        self,
        request: Callable[[], Awaitable[T]],
        *,
        outbox: bool,
        chat_key: str | None = None,
        pace: tuple[str, bool] | None = None,
    ) -> T:
        """One Bot API call with Telegram's errors turned into the neutral ones.

        With ``pace`` (chat key, is group) every try, retries included, first waits for the
        shared rate limiter. Flood waits are always honoured (an outbox send waiting longer
        than ``max_outbox_wait`` is handed back as :class:`RateLimited`); network errors are
        retried with backoff a few times; ``BadRequest`` is left to the caller.
        """
        failures = 0
        while True:
            granted_at = None
            if pace is not None:
                granted_at = await self._limiter.acquire_at(*pace)
            try:
                try:
                    return await request()
                finally:
                    if pace is not None and granted_at is not None:
                        # A message that took long to answer may have arrived late, bunched with
                        # the next ones: the limiter moves its place in the windows accordingly.
                        self._limiter.delivered(pace[0], granted_at, pace[1])
            except RetryAfter as exc:
                wait = _retry_after_seconds(exc)
                if outbox and wait > self._max_outbox_wait:
                    raise RateLimited(wait, f"Telegram asked to wait {wait:.0f}s") from exc
                log.info("telegram: flood control, waiting %.1fs before retrying", wait)
                self._limiter.hold(wait, chat_key)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                raise RecipientGone(exc.message) from exc
            except ChatMigrated as exc:
                raise ChatMoved(str(exc.new_chat_id)) from exc
            except BadRequest:
                raise
            except NetworkError as exc:  # includes TimedOut
                failures += 1
                if failures >= self._network_tries:
                    raise TemporaryFailure(f"Telegram unreachable after {failures} tries: {exc}") from exc
                await asyncio.sleep(self._backoff * 2 ** (failures - 1))

    # ----------------------------------------------------------------------------- keyboards

    def _keyboard(self, reply: Reply) -> InlineKeyboardMarkup | None:
        buttons = [self._button(button) for button in reply.buttons]
        rows = _rows([button for button in buttons if button is not None])
        return InlineKeyboardMarkup(rows) if rows else None

    def _button(self, button: Button) -> InlineKeyboardButton | None:
        label = button.label[:64] or "…"
        if button.url:
            return InlineKeyboardButton(label, url=button.url)
        if button.action:
            return InlineKeyboardButton(label, callback_data=self._callback_data(button.action))
        return None

    def _callback_data(self, action: str) -> str:
        """The action itself when it fits in 64 bytes, else a short key to it."""
        if len(action.encode("utf-8")) <= CALLBACK_DATA_LIMIT and action.startswith("/"):
            return action
        key = f"~{next(self._action_keys):x}"
        self._actions[key] = action
        while len(self._actions) > 20_000:
            self._actions.popitem(last=False)
        return key

    def _remember_wizard(self, key: tuple[int, int]) -> None:
        self._wizards[key] = None
        while len(self._wizards) > 5_000:
            self._wizards.popitem(last=False)


# ---------------------------------------------------------------------------------------------


def _bot_commands(specs: Sequence[CommandSpec]) -> list[BotCommand]:
    commands = []
    for spec in specs:
        if not _COMMAND_NAME.match(spec.name):
            log.warning("telegram: /%s cannot be shown in Telegram's menu (a-z, 0-9, _ only)", spec.name)
            continue
        commands.append(BotCommand(spec.name, (spec.summary or spec.usage or spec.name)[:256]))
    return commands[:100]


def _chat_ref(message: Message) -> ChatRef:
    chat = message.chat
    if chat.type == ChatType.PRIVATE:
        kind = ChatKind.PRIVATE
    elif chat.type == ChatType.CHANNEL:
        kind = ChatKind.CHANNEL
    else:
        kind = ChatKind.GROUP
    thread = None
    if getattr(message, "is_topic_message", False) and message.message_thread_id:
        thread = str(message.message_thread_id)
    return ChatRef("telegram", str(chat.id), kind, thread)


def _sender(message: Message) -> Sender:
    if message.from_user is not None:
        return Sender("telegram", str(message.from_user.id), message.from_user.full_name)
    if message.sender_chat is not None:
        return Sender("telegram", str(message.sender_chat.id), message.sender_chat.title or "")
    return Sender("telegram", str(message.chat.id), message.chat.title or "")


def _chat_id(chat_id: str) -> int | str:
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Short labels (times, yes/no) three to a row, others two, long ones alone."""
    rows: list[list[InlineKeyboardButton]] = []
    longest = max((len(button.text) for button in buttons), default=0)
    width = 3 if longest <= 10 else 2 if longest <= 22 else 1
    for start in range(0, len(buttons), width):
        rows.append(buttons[start : start + width])
    return rows


def _has_actions(reply: Reply) -> bool:
    return any(button.action for button in reply.buttons)


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


def _bad_request(exc: BadRequest) -> SendError:
    text = exc.message.lower()
    if any(hint in text for hint in _GONE_HINTS):
        return RecipientGone(exc.message)
    return SendError(f"Telegram refused the message: {exc.message}")
