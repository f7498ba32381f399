"""A small Discord on loopback, speaking enough REST and Gateway for discord.py 2.7.

REST (under ``/api/v10``): the bot user and application, ``/gateway`` and ``/gateway/bot``,
application commands (global and guild; GET and PUT), channel messages, DM channels,
interaction callbacks and the webhook follow-up endpoints. Tests switch on failures: 429 with
``retry_after`` for the next N requests of a route, 50007 for users with closed DMs, 50001 for
channels the bot cannot see.

Gateway (WebSocket at ``/gateway``): HELLO, IDENTIFY -> READY and GUILD_CREATE of one test guild
(two text channels, a moderator role), heartbeats and their ACKs, RESUME -> RESUMED, and dispatches
injected by tests (INTERACTION_CREATE, MESSAGE_CREATE). discord.py asks for ``compress=zlib-stream``
in the gateway URL; the server honours it with one zlib stream per connection and a sync flush
after each payload, exactly as Discord does, and sends plain JSON text frames otherwise.

Everything the bot sends is recorded in :attr:`FakeDiscord.log`; :meth:`FakeDiscord.wait_for`
waits until a condition over the recorded state holds.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 1000
GUILD_ID = 2000
GENERAL_CHANNEL_ID = 2001
NEWS_CHANNEL_ID = 2002
MODERATOR_ROLE_ID = 2100
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use commands
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD


def user_payload(user_id: int, name: str | None = None, *, bot: bool = False) -> dict[str, Any]:
    name = name or f"user{user_id}"
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly "application/json".
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Request:
    method: str
    path: str
    body: Any
    query: dict[str, str]


@dataclass
class InteractionRecord:
    """What the bot did with one interaction: its callbacks, original response and follow-ups."""

    id: int
    token: str
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    original_deleted: bool = False
    followups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deferred(self) -> bool:
        return any(c.get("type") == 5 for c in self.callbacks)

    @property
    def deferred_ephemeral(self) -> bool:
        return any(c.get("type") == 5 and (c.get("data") or {}).get("flags", 0) & 64 for c in self.callbacks)

    def answers(self) -> list[dict[str, Any]]:
        """The messages the user sees, in order: the edited original, then follow-ups."""
        out = []
        if self.original is not None and not self.original_deleted:
            out.append(self.original)
        return out + self.followups

    def text(self) -> str:
        """Every embed's text of every answer, joined, for assertions."""
        parts: list[str] = []
        for message in self.answers():
            parts.append(message.get("content") or "")
            for embed in message.get("embeds") or []:
                parts.extend([embed.get("title") or "", embed.get("description") or ""])
                for item in embed.get("fields") or []:
                    parts.extend([item["name"], item["value"]])
                parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


class FakeDiscord:
    """The server. ``async with FakeDiscord(token) as server`` runs it on a free loopback port."""

    def __init__(self, token: str = "x.y.z", *, heartbeat_ms: int = 41_250) -> None:
        self.token = token
        self.heartbeat_ms = heartbeat_ms
        self.bot_user = user_payload(APP_ID, "briefbot", bot=True)
        self.log: list[Request] = []
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global) -> commands
        self.command_puts: list[int | None] = []
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.closed_dm_users: set[int] = set()
        self.missing_access_channels: set[int] = set()
        self.rate_limits: dict[str, tuple[int, float]] = {}  # path suffix -> (count left, retry_after)
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.gateway_queries: list[dict[str, str]] = []
        self.sockets: list[_Socket] = []
        self._ids = itertools.count(900_000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- life cycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for sock in list(self.sockets):
            await sock.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``condition()`` is truthy (it is checked after every request and frame)."""

        async def wait() -> Any:
            async with self._changed:
                while not (result := condition()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(wait(), within)

    # --- REST ---------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        self.log.append(Request(request.method, path, body, dict(request.query)))
        try:
            return await self._route(request, path, body)
        finally:
            await self._changed_now()

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    async def _route(self, request: web.Request, path: str, body: Any) -> web.StreamResponse:
        method = request.method
        parts = path.strip("/").split("/")
        for suffix, (count, retry_after) in list(self.rate_limits.items()):
            if path.endswith(suffix) and count > 0:
                self.rate_limits[suffix] = (count - 1, retry_after)
                return json_response(
                    {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                    status=429,
                    headers={"Via": "1.1 google", "Retry-After": str(retry_after)},
                )
        if parts[0] in ("interactions", "webhooks"):  # authorised by the interaction token
            return await self._interaction_route(method, parts, body)
        if not self._authorised(request):
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        if path == "/users/@me" and method == "GET":
            return json_response(self.bot_user)
        if path == "/oauth2/applications/@me":
            return json_response(self._application())
        if path in ("/gateway", "/gateway/bot"):
            return json_response(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands":
            guild = int(parts[3]) if len(parts) == 5 and parts[2] == "guilds" else None
            if method == "PUT":
                self.command_puts.append(guild)
                self.commands[guild] = [self._command(c, guild) for c in body or []]
            return json_response(self.commands.get(guild, []))
        if path == "/users/@me/channels" and method == "POST":
            user_id = int(body["recipient_id"])
            channel_id = self.dm_channels.setdefault(user_id, 3_000_000 + user_id)
            return json_response(
                {
                    "id": str(channel_id),
                    "type": 1,
                    "last_message_id": None,
                    "recipients": [user_payload(user_id)],
                }
            )
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "messages" and method == "POST":
            return self._create_message(int(parts[1]), body)
        return json_response({"message": f"404: Not Found ({method} {path})", "code": 0}, status=404)

    def _create_message(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        if channel_id in self.missing_access_channels:
            return json_response({"message": "Missing Access", "code": 50001}, status=403)
        dm_owner = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if dm_owner is not None and dm_owner in self.closed_dm_users:
            return json_response({"message": "Cannot send messages to this user", "code": 50007}, status=403)
        known = channel_id in (GENERAL_CHANNEL_ID, NEWS_CHANNEL_ID) or dm_owner is not None
        if not known:
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        message = self.message_payload(channel_id, body)
        self.messages.setdefault(channel_id, []).append(message)
        return json_response(message)

    def message_payload(self, channel_id: int, body: dict[str, Any] | None) -> dict[str, Any]:
        body = body or {}
        return {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "briefbot",
            "icon": None,
            "description": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user_payload(1),
            "summary": "",
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
        }

    def _command(self, data: dict[str, Any], guild: int | None) -> dict[str, Any]:
        existing = {c["name"]: c["id"] for c in self.commands.get(guild, [])}
        command = {"type": 1, "options": [], "default_member_permissions": None, "nsfw": False, **data}
        command.update(
            {
                "id": existing.get(data["name"], str(self.next_id())),
                "application_id": str(APP_ID),
                "version": str(self.next_id()),
            }
        )
        if command["default_member_permissions"] is not None:  # Discord answers with a string
            command["default_member_permissions"] = str(command["default_member_permissions"])
        if guild is not None:
            command["guild_id"] = str(guild)
        return command

    async def _interaction_route(self, method: str, parts: list[str], body: Any) -> web.StreamResponse:
        if parts[0] == "interactions":  # POST /interactions/{id}/{token}/callback
            record = self.interactions.get(parts[1])
            if record is None:
                return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
            if record.callbacks:
                return json_response(
                    {"message": "Interaction has already been acknowledged.", "code": 40060}, status=400
                )
            record.callbacks.append(body)
            flags = (body.get("data") or {}).get("flags", 0)
            return json_response(
                {
                    "interaction": {
                        "id": str(record.id),
                        "type": 2,
                        "response_message_loading": body["type"] == 5,
                        "response_message_ephemeral": bool(flags & 64),
                    },
                    "resource": {"type": body["type"]},
                }
            )
        token = parts[2]  # /webhooks/{app id}/{token}[/messages/@original]
        record = next((r for r in self.interactions.values() if r.token == token), None)
        if record is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        if parts[-1] == "@original":
            if method == "DELETE":
                record.original_deleted = True
                return web.Response(status=204)
            if method == "PATCH":
                record.original = {
                    **(record.original or self.message_payload(GENERAL_CHANNEL_ID, None)),
                    **{
                        k: v
                        for k, v in (body or {}).items()
                        if k in ("content", "embeds", "components", "flags")
                    },
                }
            return json_response(record.original or self.message_payload(GENERAL_CHANNEL_ID, None))
        message = self.message_payload(GENERAL_CHANNEL_ID, body)
        record.followups.append(message)
        return json_response(message)

    # --- Gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        sock = _Socket(ws, request.query.get("compress") == "zlib-stream")
        self.sockets.append(sock)
        try:
            await sock.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(sock, json.loads(frame.data))
                await self._changed_now()
        finally:
            self.sockets.remove(sock)
            await self._changed_now()
        return ws

    async def _on_frame(self, sock: _Socket, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            self.heartbeats += 1
            await sock.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            if data.get("token") != self.token:
                await sock.ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identifies.append(data)
            sock.session_id = f"session-{len(self.identifies)}"
            sock.shard = data.get("shard")
            ready = {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": sock.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
            }
            if sock.shard is not None:
                ready["shard"] = sock.shard
            await sock.dispatch("READY", ready)
            await sock.dispatch("GUILD_CREATE", self.guild_payload())
        elif op == 6:
            self.resumes.append(data)
            sock.session_id = data.get("session_id")
            sock.seq = data.get("seq") or 0
            await sock.dispatch("RESUMED", {})

    def guild_payload(self) -> dict[str, Any]:
        def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
            return {
                "id": str(role_id),
                "name": name,
                "permissions": str(permissions),
                "position": position,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }

        def channel(channel_id: int, name: str, position: int) -> dict[str, Any]:
            return {
                "id": str(channel_id),
                "type": 0,
                "name": name,
                "position": position,
                "permission_overwrites": [],
                "guild_id": str(GUILD_ID),
                "nsfw": False,
                "parent_id": None,
            }

        return {
            "id": str(GUILD_ID),
            "name": "Test Newsroom",
            "icon": None,
            "owner_id": "1",
            "unavailable": False,
            "roles": [
                role(GUILD_ID, "@everyone", MEMBER_PERMISSIONS, 0),
                role(MODERATOR_ROLE_ID, "Moderators", MEMBER_PERMISSIONS, 1),
            ],
            "channels": [channel(GENERAL_CHANNEL_ID, "general", 0), channel(NEWS_CHANNEL_ID, "news", 1)],
            "members": [],
            "member_count": 3,
            "emojis": [],
            "stickers": [],
            "features": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "large": False,
            "joined_at": _now(),
            "stage_instances": [],
            "guild_scheduled_events": [],
            "premium_tier": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
        }

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every identified or resumed connection."""
        for sock in list(self.sockets):
            if sock.session_id is not None:
                await sock.dispatch(event, data)

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway sockets with a code the client may resume after."""
        for sock in list(self.sockets):
            await sock.ws.close(code=code, message=b"test disconnect")

    # --- interactions -------------------------------------------------------------------------

    def _interaction_base(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int,
        roles: tuple[int, ...],
        permissions: int,
        channel_id: int | None,
        dm: bool,
    ) -> dict[str, Any]:
        interaction_id = self.next_id()
        token = f"token-{interaction_id}"
        self.interactions[str(interaction_id)] = InteractionRecord(interaction_id, token)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-US",
            "app_permissions": str(ADMIN_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if dm:
            channel = self.dm_channels.setdefault(user_id, 3_000_000 + user_id)
            payload.update(
                {
                    "channel_id": str(channel),
                    "user": user_payload(user_id),
                    "context": 1,
                    "channel": {"id": str(channel), "type": 1, "recipients": [user_payload(user_id)]},
                }
            )
        else:
            channel_id = channel_id or GENERAL_CHANNEL_ID
            payload.update(
                {
                    "guild_id": str(GUILD_ID),
                    "guild_locale": "en-US",
                    "channel_id": str(channel_id),
                    "channel": {
                        "id": str(channel_id),
                        "type": 0,
                        "guild_id": str(GUILD_ID),
                        "name": "general",
                        "position": 0,
                        "permission_overwrites": [],
                        "nsfw": False,
                        "parent_id": None,
                        "permissions": str(permissions),
                    },
                    "member": {
                        "user": user_payload(user_id),
                        "roles": [str(r) for r in roles],
                        "permissions": str(permissions),
                        "joined_at": _now(),
                        "deaf": False,
                        "mute": False,
                        "flags": 0,
                        "nick": None,
                        "avatar": None,
                        "pending": False,
                    },
                }
            )
        return payload

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user_id: int = 7,
        roles: tuple[int, ...] = (),
        permissions: int = MEMBER_PERMISSIONS,
        channel_id: int | None = None,
        dm: bool = False,
        focused: str | None = None,
        resolved: dict[str, Any] | None = None,
    ) -> InteractionRecord:
        """Inject a slash command (or, with ``focused``, an autocomplete request) and return its record."""
        opts = [self._option(k, v, focused == k) for k, v in (options or {}).items()]
        if sub is not None:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data: dict[str, Any] = {"id": self._command_id(name), "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        payload = self._interaction_base(
            4 if focused else 2,
            data,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=channel_id,
            dm=dm,
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return self.interactions[payload["id"]]

    async def press(
        self, custom_id: str, *, user_id: int = 7, channel_id: int | None = None
    ) -> InteractionRecord:
        """Inject a button press on a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction_base(
            3,
            data,
            user_id=user_id,
            roles=(),
            permissions=MEMBER_PERMISSIONS,
            channel_id=channel_id,
            dm=False,
        )
        payload["message"] = self.message_payload(channel_id or GENERAL_CHANNEL_ID, None)
        await self.dispatch("INTERACTION_CREATE", payload)
        return self.interactions[payload["id"]]

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        user_id: int = 7,
        roles: tuple[int, ...] = (),
        permissions: int = MEMBER_PERMISSIONS,
    ) -> InteractionRecord:
        """Inject a modal submission with text-input values by custom id."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()
        ]
        payload = self._interaction_base(
            5,
            {"custom_id": custom_id, "components": rows},
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=None,
            dm=False,
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return self.interactions[payload["id"]]

    def _command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return command["id"]
        return str(self.next_id())

    @staticmethod
    def _option(name: str, value: Any, focused: bool) -> dict[str, Any]:
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
        option = {"name": name, "type": kind, "value": value}
        if isinstance(value, ChannelOption):
            option.update(type=7, value=str(value.channel_id))
        if focused:
            option["focused"] = True
        return option

    def command_named(self, name: str, guild: int | None = None) -> dict[str, Any] | None:
        return next((c for c in self.commands.get(guild, []) if c["name"] == name), None)


@dataclass(frozen=True)
class ChannelOption:
    """A channel picked in a slash-command option."""

    channel_id: int

    def resolved(self, name: str = "news") -> dict[str, Any]:
        return {
            "channels": {
                str(self.channel_id): {
                    "id": str(self.channel_id),
                    "name": name,
                    "type": 0,
                    "permissions": str(ADMIN_PERMISSIONS),
                    "guild_id": str(GUILD_ID),
                    "parent_id": None,
                    "nsfw": False,
                    "position": 1,
                    "permission_overwrites": [],
                }
            }
        }


class _Socket:
    """One gateway connection, with its own zlib stream when the client asked for one."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compressor = zlib.compressobj() if compress else None
        self.session_id: str | None = None
        self.shard: list[int] | None = None
        self.seq = 0

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            # zlib-stream: one deflate stream for the connection; each payload ends with a sync
            # flush (00 00 ff ff), which is how the client knows a message is complete.
            data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await self.send({"op": 0, "t": event, "s": self.seq, "d": data})
