"""A small Telegram Bot API server on loopback, for tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot to run a bot against it:
``getMe``, ``deleteWebhook``/``setWebhook``, ``getUpdates`` (long polling with offsets and
timeouts), ``sendMessage``, ``editMessageText``, ``editMessageReplyMarkup``,
``setMyCommands`` (scopes recorded), ``answerCallbackQuery``, ``getChatMember`` and
``getChatAdministrators``. Tests inject updates (private, group, forum-topic messages,
mentions, replies to the bot, button presses) and inspect what the bot sent.

It checks what Telegram checks: HTML must parse (only Telegram's tags, balanced), a message
is 1..4096 UTF-16 units after parsing. On demand it answers like Telegram does when things go
wrong: 429 with ``retry_after``, 403 "bot was blocked by the user", 400 "can't parse
entities", a group migrated to a supergroup, a 502 hiccup. With ``limits`` it enforces
Telegram's flood limits (30 messages/s overall, 1/s per chat, 20/min per group) and answers
429 when they are exceeded.

Usage::

    async with TelegramTestServer() as server:
        settings = Settings(telegram_token=server.token, telegram_api_url=server.api_url, ...)
        server.private_message(user_id=7, text="hello")
        sent = await server.wait_sent(1)
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
     "tg-spoiler", "tg-emoji", "blockquote"}
)
_JSON_FIELDS = frozenset(
    {"reply_markup", "link_preview_options", "reply_parameters", "commands", "scope",
     "allowed_updates", "entities"}
)
_INT_FIELDS = frozenset(
    {"message_id", "message_thread_id", "offset", "limit", "timeout", "user_id", "reply_to_message_id",
     "cache_time"}
)
_BOOL_FIELDS = frozenset({"disable_notification", "drop_pending_updates", "show_alert", "protect_content"})


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class HtmlError(ValueError):
    """The HTML would make Telegram answer "can't parse entities"."""


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise HtmlError(f"Unsupported start tag \"{tag}\"")
        if tag == "a" and not dict(attrs).get("href"):
            raise HtmlError("Can't find end of a URL")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise HtmlError(f"Unmatched end tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_telegram_html(markup: str) -> str:
    """The visible text of Telegram HTML; raises :class:`HtmlError` where Telegram would refuse."""
    parser = _TelegramHtml()
    parser.feed(markup)
    parser.close()
    if parser.stack:
        raise HtmlError(f"Can't find end tag corresponding to start tag \"{parser.stack[-1]}\"")
    return "".join(parser.text)


@dataclass
class SentMessage:
    """A message the bot sent (or edited), as the server stored it."""

    method: str
    chat_id: int
    message_id: int
    text: str  # as sent (HTML when parse_mode is HTML)
    plain: str  # visible text after parsing
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None
    link_preview_options: dict[str, Any] | None
    reply_parameters: dict[str, Any] | None
    at: float  # time.monotonic() when the server accepted it

    @property
    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup.get("inline_keyboard", []) for button in row]


@dataclass
class ApiError:
    """A planned error answer."""

    status: int
    description: str
    parameters: dict[str, Any] | None = None


def retry_after(seconds: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def blocked() -> ApiError:
    return ApiError(403, "Forbidden: bot was blocked by the user")


def cant_parse() -> ApiError:
    return ApiError(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0")


def migrated(new_chat_id: int) -> ApiError:
    return ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": new_chat_id})


def bad_gateway() -> ApiError:
    return ApiError(502, "Bad Gateway")


@dataclass
class _Plan:
    method: str
    error: ApiError
    chat_id: int | None
    times: int


@dataclass
class RateLimits:
    """Telegram's flood limits for sending messages."""

    overall_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)


class TelegramTestServer:
    """The Bot API on ``127.0.0.1`` at a free port; see the module docstring."""

    def __init__(
        self,
        token: str = "123:ABC",
        bot_id: int = 123,
        username: str = "briefbot_test_bot",
        limits: RateLimits | None = None,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.limits = limits
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._chats: dict[int, _Chat] = {}
        self._plans: list[_Plan] = []
        self._blocked: set[int] = set()
        self._members: dict[tuple[int, int], str] = {}
        self._sends_all: collections.deque[float] = collections.deque()
        self._sends_chat: dict[int, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None
        self.rejected: list[tuple[str, int, ApiError]] = []  # (method, chat id, error) answered
        self.on_sent: list[Callable[[SentMessage], None]] = []
        self.last_offset_confirmed = 0
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------------------ lifecycle

    @property
    def api_url(self) -> str:
        """What to put in ``Settings.telegram_api_url``."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._closing = True
        await self._notify()  # long polls under way return at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramTestServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------------------ scenario

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Make ``getChatMember`` answer ``status`` (creator, administrator, member, ...)."""
        self._members[(chat_id, user_id)] = status

    def block(self, chat_id: int) -> None:
        """Every later send to this chat answers 403 "bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def fail_next(self, method: str, error: ApiError, chat_id: int | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with ``error``."""
        self._plans.append(_Plan(method, error, chat_id, times))

    def private_message(self, user_id: int, text: str, first_name: str = "Ann", **extra: Any) -> int:
        """Inject a private-chat text message; returns its update id."""
        chat = self._chat(user_id, "private")
        return self._inject_message(chat, user_id, text, first_name, **extra)

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        first_name: str = "Bob",
        thread_id: int | None = None,
        reply_to_bot: bool = False,
        reply_to_message_id: int | None = None,
        supergroup: bool = True,
        **extra: Any,
    ) -> int:
        """Inject a group message; ``thread_id`` makes it a forum-topic message. A mention of
        ``@username`` in ``text`` gets its mention entity."""
        chat = self._chat(chat_id, "supergroup" if supergroup else "group", forum=thread_id is not None)
        fields: dict[str, Any] = {}
        if thread_id is not None:
            fields["message_thread_id"] = thread_id
            fields["is_topic_message"] = True
        replied: dict[str, Any] | None = None
        if reply_to_message_id is not None:
            replied = chat.messages.get(reply_to_message_id)
        elif reply_to_bot:
            mine = [m for m in chat.messages.values() if m.get("from", {}).get("id") == self.bot_id]
            replied = mine[-1] if mine else self._bot_message(chat, "earlier message")
        if replied is not None:
            fields["reply_to_message"] = replied
        elif thread_id is not None:
            # Telegram sets the topic's creation message as the reply of a plain topic message.
            fields["reply_to_message"] = {
                "message_id": thread_id, "date": int(time.time()), "chat": self._chat_json(chat),
                "from": {"id": user_id + 1000, "is_bot": False, "first_name": "Topic"},
                "forum_topic_created": {"name": "topic", "icon_color": 7322096},
                "message_thread_id": thread_id, "is_topic_message": True,
            }
        fields.update(extra)
        return self._inject_message(chat, user_id, text, first_name, **fields)

    def press_button(self, message: SentMessage, callback_data: str, user_id: int, first_name: str = "Ann") -> int:
        """Inject a button press on a message the bot sent."""
        chat = self._chats[message.chat_id]
        stored = chat.messages.get(message.message_id)
        update = {
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": {"id": user_id, "is_bot": False, "first_name": first_name},
                "chat_instance": f"ci{message.chat_id}",
                "data": callback_data,
                "message": stored or self._message_json(chat, message.message_id, message.plain),
            }
        }
        return self.inject(update)

    def inject(self, update: dict[str, Any]) -> int:
        """Queue any update (without ``update_id``); returns the id it was given."""
        update = dict(update)
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update["update_id"]

    async def wait_sent(self, count: int, within: float = 5.0) -> list[SentMessage]:
        """Wait until at least ``count`` messages were sent; returns all sent messages."""
        await self._wait(lambda: len(self.sent) >= count, within, f"{count} sent messages")
        return self.sent

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0, what: str = "condition") -> None:
        await self._wait(predicate, within, what)

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return [message for message in self.sent if message.chat_id == chat_id]

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # ------------------------------------------------------------------------------ internals

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        async def waiter() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        try:
            await asyncio.wait_for(waiter(), within)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {within}s waiting for {what}; sent so far: "
                f"{[(m.chat_id, m.plain[:60]) for m in self.sent]}"
            ) from None

    def _chat(self, chat_id: int, kind: str, forum: bool = False) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            title = None if kind == "private" else f"Group {chat_id}"
            chat = self._chats[chat_id] = _Chat(chat_id, kind, title, forum)
        chat.is_forum = chat.is_forum or forum
        return chat

    @staticmethod
    def _chat_json(chat: _Chat) -> dict[str, Any]:
        data: dict[str, Any] = {"id": chat.id, "type": chat.type}
        if chat.type == "private":
            data["first_name"] = "User"
        else:
            data["title"] = chat.title
        if chat.is_forum:
            data["is_forum"] = True
        return data

    def _message_json(self, chat: _Chat, message_id: int, text: str) -> dict[str, Any]:
        return {"message_id": message_id, "date": int(time.time()), "chat": self._chat_json(chat), "text": text}

    def _bot_message(self, chat: _Chat, text: str) -> dict[str, Any]:
        message = self._message_json(chat, chat.next_message_id, text)
        message["from"] = {"id": self.bot_id, "is_bot": True, "first_name": "Briefbot", "username": self.username}
        chat.messages[chat.next_message_id] = message
        chat.next_message_id += 1
        return message

    def _inject_message(self, chat: _Chat, user_id: int, text: str, first_name: str, **fields: Any) -> int:
        message = self._message_json(chat, chat.next_message_id, text)
        chat.next_message_id += 1
        message["from"] = {"id": user_id, "is_bot": False, "first_name": first_name}
        entities = _entities(text, self.username)
        if entities:
            message["entities"] = entities
        message.update(fields)
        chat.messages[message["message_id"]] = message
        return self.inject({"message": message})

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append((method, params))
        handler = getattr(self, "_api_" + method.lower(), None)
        if handler is None:
            return _error(ApiError(404, "Not Found: method not found"))
        planned = self._planned(method, params)
        if planned is not None:
            self.rejected.append((method, _int(params.get("chat_id", 0)), planned))
            return _error(planned)
        try:
            result = await handler(params)
        except _Refusal as refusal:
            self.rejected.append((method, _int(params.get("chat_id", 0)), refusal.error))
            return _error(refusal.error)
        return web.json_response({"ok": True, "result": result})

    def _planned(self, method: str, params: dict[str, Any]) -> ApiError | None:
        for plan in self._plans:
            if plan.method.lower() != method.lower() or plan.times <= 0:
                continue
            if plan.chat_id is not None and _int(params.get("chat_id", 0)) != plan.chat_id:
                continue
            plan.times -= 1
            return plan.error
        return None

    # ------------------------------------------------------------------------------ methods

    def _me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Briefbot", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _api_getme(self, params: dict[str, Any]) -> Any:
        return self._me()

    async def _api_logout(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def _api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _api_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise _Refusal(ApiError(409, "Conflict: can't use getUpdates method while webhook is active"))
        offset = _int(params.get("offset", 0))
        limit = max(1, min(100, _int(params.get("limit", 100))))
        timeout = float(params.get("timeout", 0) or 0)
        if offset:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            self.last_offset_confirmed = max(self.last_offset_confirmed, offset)
        if not self._updates and timeout > 0:
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing), timeout
                    )
                except TimeoutError:
                    pass
        return self._updates[:limit]

    async def _api_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params.get("chat_id"))
        chat = self._chats.get(chat_id) or self._chat(chat_id, "private" if chat_id > 0 else "supergroup")
        if chat_id in self._blocked:
            raise _Refusal(blocked())
        plain = self._check_text(params)
        self._check_limits(chat)
        message = self._bot_message(chat, plain)
        thread_id = params.get("message_thread_id")
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        record = self._record("sendMessage", chat_id, message["message_id"], plain, params)
        self.sent.append(record)
        for callback in self.on_sent:
            callback(record)
        await self._notify()
        return message

    async def _api_editmessagetext(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params.get("chat_id"))
        chat = self._chats.get(chat_id)
        message_id = _int(params.get("message_id"))
        if chat is None or message_id not in chat.messages:
            raise _Refusal(ApiError(400, "Bad Request: message to edit not found"))
        plain = self._check_text(params)
        message = chat.messages[message_id]
        markup = params.get("reply_markup")
        if message.get("text") == plain and message.get("reply_markup") == markup:
            raise _Refusal(ApiError(400, "Bad Request: message is not modified: specified new message content "
                                         "and reply markup are exactly the same"))
        message["text"] = plain
        message["edit_date"] = int(time.time())
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        record = self._record("editMessageText", chat_id, message_id, plain, params)
        self.edits.append(record)
        await self._notify()
        return message

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params.get("chat_id"))
        chat = self._chats.get(chat_id)
        message_id = _int(params.get("message_id"))
        if chat is None or message_id not in chat.messages:
            raise _Refusal(ApiError(400, "Bad Request: message to edit not found"))
        message = chat.messages[message_id]
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        else:
            message.pop("reply_markup", None)
        return message

    async def _api_setmycommands(self, params: dict[str, Any]) -> Any:
        scope = params.get("scope") or {"type": "default"}
        key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        if scope["type"] == "chat" and _int(scope["chat_id"]) not in self._chats:
            raise _Refusal(ApiError(400, "Bad Request: chat not found"))
        self.commands[key] = params.get("commands", [])
        return True

    async def _api_deletemycommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        self.callback_answers.append(params)
        await self._notify()
        return True

    async def _api_getchatmember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = _int(params.get("chat_id")), _int(params.get("user_id"))
        return _member(user_id, self._members.get((chat_id, user_id), "member"))

    async def _api_getchatadministrators(self, params: dict[str, Any]) -> Any:
        chat_id = _int(params.get("chat_id"))
        return [
            _member(user_id, status)
            for (chat, user_id), status in self._members.items()
            if chat == chat_id and status in ("creator", "administrator")
        ]

    # ------------------------------------------------------------------------------ checks

    def _check_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                plain = parse_telegram_html(text)
            except HtmlError as exc:
                raise _Refusal(ApiError(400, f"Bad Request: can't parse entities: {exc}")) from None
        else:
            plain = text
        if not plain.strip():
            raise _Refusal(ApiError(400, "Bad Request: message text is empty"))
        if utf16_len(plain) > 4096:
            raise _Refusal(ApiError(400, "Bad Request: message is too long"))
        return plain

    def _check_limits(self, chat: _Chat) -> None:
        if self.limits is None:
            return
        now = time.monotonic()
        window_all = self._sends_all
        while window_all and now - window_all[0] >= 1.0:
            window_all.popleft()
        per_chat = self._sends_chat[chat.id]
        while per_chat and now - per_chat[0] >= 60.0:
            per_chat.popleft()
        wait = 0.0
        if len(window_all) >= self.limits.overall_per_second:
            wait = max(wait, 1.0 - (now - window_all[0]))
        last_second = [at for at in per_chat if now - at < 1.0]
        if len(last_second) >= self.limits.per_chat_per_second:
            wait = max(wait, 1.0 - (now - last_second[0]))
        if chat.type != "private" and len(per_chat) >= self.limits.per_group_per_minute:
            wait = max(wait, 60.0 - (now - per_chat[0]))
        if wait > 0:
            raise _Refusal(retry_after(max(1, math.ceil(wait))))
        window_all.append(now)
        per_chat.append(now)

    def _record(self, method: str, chat_id: int, message_id: int, plain: str, params: dict[str, Any]) -> SentMessage:
        thread = params.get("message_thread_id")
        return SentMessage(
            method=method,
            chat_id=chat_id,
            message_id=message_id,
            text=str(params.get("text", "")),
            plain=plain,
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup") or None,
            message_thread_id=None if thread is None else _int(thread),
            link_preview_options=params.get("link_preview_options"),
            reply_parameters=params.get("reply_parameters"),
            at=time.monotonic(),
        )


class _Refusal(Exception):
    def __init__(self, error: ApiError) -> None:
        super().__init__(error.description)
        self.error = error


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        return dict(body or {})
    raw = dict(await request.post()) if request.can_read_body else {}
    raw.update(request.query)
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            continue  # uploaded files are not needed here
        if name in _JSON_FIELDS:
            params[name] = json.loads(value)
        elif name in _INT_FIELDS:
            params[name] = _int(value)
        elif name in _BOOL_FIELDS:
            params[name] = value.lower() == "true"
        else:
            params[name] = value
    return params


def _member(user_id: int, status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "U"}}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update({
            name: False
            for name in ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                         "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                         "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                         "can_delete_stories")
        })
    return data


def _entities(text: str, username: str) -> list[dict[str, Any]]:
    """Entities Telegram would attach: a leading bot command and @mentions (UTF-16 offsets)."""
    entities: list[dict[str, Any]] = []
    if text.startswith("/"):
        head = text.split(maxsplit=1)[0] if text.strip() else text
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(head)})
    needle = "@" + username
    start = 0
    while True:
        found = text.find(needle, start)
        if found < 0:
            break
        end = found + len(needle)
        if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
            if not (text.startswith("/") and found < len(text.split(maxsplit=1)[0])):
                entities.append({"type": "mention", "offset": utf16_len(text[:found]), "length": len(needle)})
        start = end
    return entities
