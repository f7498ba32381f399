"""Discord adapter: slash commands, buttons, a modal and mentions in; embeds out (discord.py 2.7).

The core's commands become Discord application commands, built from the ``CommandSpec`` list
the composition root passes in:

* for everyone: ``/ask question:``, ``/briefings [id:]``, ``/subscribe [time:] [timezone:]
  [topics:] [weekdays:] [channel:]``, ``/unsubscribe [channel:]``, ``/digest``, ``/help`` and any
  other public command of the core (``/sources id:``, ``/facts id:``, ``/start``);
* for moderators: the group ``/briefing add|fact|publish|withdraw|correct``, hidden by Discord from
  members without Manage Server (``default_permissions``) and checked again by the core's router,
  which sees the member's roles and Manage Server right in :class:`~bot.messages.Sender`.

Naming: Discord cannot have both a plain ``/briefing id:`` and a ``/briefing`` group, so reading one
briefing is ``/briefings id:`` (without ``id`` it lists them) and ``/briefing`` is the moderators'
group. ``/briefing add`` opens a modal with a paragraph field of up to 4000 characters for the
article and fields for title, source, link and date.

Every slash command becomes a command line for the core (``/ask question:X`` -> ``"/ask X"``) and
is deferred first, so the three-second deadline is never missed; the answer edits the deferred
response. Errors and refusals are shown only to the person who typed the command (ephemeral).
Buttons of a reply carry their command line in the ``custom_id`` (``bb:/briefing 12``); a press
runs it as that user in that chat.

Pointing discord.py elsewhere (tests, proxies): discord.py builds REST URLs from the class
attribute ``discord.http.Route.BASE`` and opens the gateway at ``DiscordWebSocket.DEFAULT_GATEWAY``
(``AutoShardedClient`` asks ``GET /gateway/bot`` instead). Changing those class attributes would
redirect every client in the process, so this adapter redirects only its own client: it wraps the
client's ``HTTPClient.request`` and ``ws_connect`` and gives interaction responses (which go
through discord.py's webhook adapter) a redirecting adapter through the ``async_context``
context variable, set inside the task that runs the client, so every task the client spawns
inherits it. With a custom ``discord_api_url`` and no ``discord_gateway_url``, the gateway is the
one the server advertises at ``GET /gateway/bot``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import re
import zoneinfo
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.adapters.base import MessageHandler, RateLimited, RecipientGone, SendError, TemporaryFailure
from bot.messages import Button, ChatKind, ChatRef, IncomingMessage, Reply, Sender
from bot.render.discord import BUTTON_LABEL_LIMIT, DiscordMessage, render_discord

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.router import CommandSpec

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://discord.com/api/v10"
BUTTON_PREFIX = "bb:"
ADD_MODAL_ID = "briefbot:add"
TOPIC_SUGGESTIONS = (
    "world",
    "politics",
    "business",
    "economy",
    "technology",
    "science",
    "health",
    "climate",
    "sport",
    "culture",
    "conflict",
    "elections",
)
# The core's command names that this adapter shapes by hand; any other spec gets a generic command.
_HANDLED = frozenset({"ask", "briefings", "briefing", "subscribe", "unsubscribe", "add"})
# Commands whose answers concern only the person who typed them.
_PRIVATE_ANSWERS = frozenset({"help", "start", "subscribe", "unsubscribe"})
# Discord error codes that mean the recipient cannot be reached any more.
_GONE_CODES = {
    50007: "the user does not accept direct messages from the bot",
    50001: "the bot has no access to this channel",
    50013: "the bot lacks permission to post in this channel",
    10003: "the channel no longer exists",
    10013: "the user no longer exists",
}


class DiscordAdapterError(RuntimeError):
    """The adapter could not start; the message says why and what to check."""


class DiscordAdapter:
    """Connects the core to Discord through a discord.py client started by hand."""

    platform = "discord"

    def __init__(self, settings: Settings, commands: Sequence[CommandSpec]) -> None:
        self._settings = settings
        self._specs = {spec.name: spec for spec in commands}
        self._handler: MessageHandler | None = None
        self._client: discord.Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected: asyncio.Event | None = None
        self._timezones: list[str] | None = None
        self._dm_users: dict[str, int] = {}  # DM channel id -> user id, to reopen a DM if needed

    @property
    def client(self) -> discord.Client | None:
        """The running discord.py client (for diagnostics and tests)."""
        return self._client

    # --- life cycle ---------------------------------------------------------------------------

    async def start(self, handler: MessageHandler) -> None:
        """Log in, sync the slash commands, connect to the gateway; returns once READY arrived."""
        if self._settings.discord_token is None:
            raise DiscordAdapterError("BRIEFBOT_DISCORD_TOKEN is not set; the Discord adapter cannot start.")
        token = self._settings.discord_token.get_secret_value()
        self._handler = handler
        self._connected = asyncio.Event()
        client = self._build_client()
        self._client = client
        self._task = asyncio.create_task(self._run(client, token), name="discord-client")
        waiter = asyncio.create_task(self._connected.wait())
        done, _ = await asyncio.wait({self._task, waiter}, timeout=60.0, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self._task in done:
            exc = self._task.exception()
            await self.stop()
            if isinstance(exc, discord.LoginFailure):
                raise DiscordAdapterError(
                    "Discord refused the bot token; check BRIEFBOT_DISCORD_TOKEN."
                ) from None
            raise DiscordAdapterError(f"The Discord client stopped while connecting: {exc!r}") from exc
        if not done:
            await self.stop()
            raise DiscordAdapterError(
                "Could not reach the Discord gateway within 60 seconds; check the network."
            )
        log.info("Discord adapter connected as %s", client.user)

    async def stop(self) -> None:
        """Close the connection and wait for the client task to end."""
        client, task = self._client, self._task
        self._client, self._task = None, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.close()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=10.0)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception as exc:  # the client already failed; stopping should not fail too
                log.debug("Discord client ended with %r", exc)

    async def _run(self, client: discord.Client, token: str) -> None:
        # Set here, inside the client's task, so every task discord.py spawns (event handlers,
        # the command tree, modals) inherits the redirecting webhook adapter.
        base = self._settings.discord_api_url
        if base != DEFAULT_API_URL:
            async_context.set(_RedirectingWebhookAdapter(lambda url: _rebase(url, base)))
        await client.start(token)

    def _build_client(self) -> discord.Client:
        intents = discord.Intents.default()
        intents.message_content = self._settings.discord_message_content
        client: discord.Client
        if self._settings.discord_shards:
            client = discord.AutoShardedClient(
                intents=intents, shard_count=self._settings.discord_shards, max_ratelimit_timeout=30.0
            )
        else:
            client = discord.Client(intents=intents, max_ratelimit_timeout=30.0)
        self._redirect(client)
        tree = app_commands.CommandTree(client)
        tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self._register_commands(tree)

        async def setup_hook() -> None:
            await self._sync_commands(client, tree)

        async def on_connect() -> None:
            assert self._connected is not None
            self._connected.set()

        async def on_resumed() -> None:
            log.info("Discord gateway session resumed")

        async def on_interaction(interaction: discord.Interaction) -> None:
            if interaction.type is discord.InteractionType.component:
                await self._on_button(interaction)

        async def on_message(message: discord.Message) -> None:
            await self._on_message(client, message)

        client.setup_hook = setup_hook  # type: ignore[method-assign]
        for listener in (on_connect, on_resumed, on_interaction, on_message):
            client.event(listener)
        return client

    def _redirect(self, client: discord.Client) -> None:
        """Point this client's REST and gateway traffic at the configured URLs (see module doc)."""
        base = self._settings.discord_api_url
        gateway = self._settings.discord_gateway_url
        http = client.http
        if base != DEFAULT_API_URL:
            request = http.request

            async def redirected_request(route: discord.http.Route, **kwargs: Any) -> Any:
                route.url = _rebase(route.url, base)
                return await request(route, **kwargs)

            http.request = redirected_request  # type: ignore[method-assign]
        if gateway is None and base == DEFAULT_API_URL:
            return
        get_bot_gateway = http.get_bot_gateway
        ws_connect = http.ws_connect
        resolved: list[yarl.URL] = []

        async def redirected_bot_gateway() -> Any:
            shards, url, limits = await get_bot_gateway()
            return shards, gateway or url, limits

        async def redirected_ws_connect(url: str, *, compress: int = 0) -> Any:
            target = yarl.URL(url)
            if target.host == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY.host:
                if not resolved:
                    resolved.append(yarl.URL(gateway or (await get_bot_gateway())[1]))
                target = resolved[0].with_query(target.query)
            return await ws_connect(str(target), compress=compress)

        http.get_bot_gateway = redirected_bot_gateway  # type: ignore[method-assign]
        http.ws_connect = redirected_ws_connect  # type: ignore[method-assign]

    # --- commands -----------------------------------------------------------------------------

    def _register_commands(self, tree: app_commands.CommandTree) -> None:
        specs = self._specs
        if "ask" in specs:
            tree.add_command(self._ask_command())
        if "briefings" in specs or "briefing" in specs:
            tree.add_command(self._briefings_command())
        if "subscribe" in specs:
            tree.add_command(self._subscribe_command())
        if "unsubscribe" in specs:
            tree.add_command(self._unsubscribe_command())
        moderator_specs = [s for s in specs.values() if s.access == "moderator"]
        for spec in specs.values():
            if spec.name not in _HANDLED and spec.access != "moderator":
                tree.add_command(self._generic_command(spec, spec.name))
        if moderator_specs:
            group = app_commands.Group(
                name="briefing",
                description="Moderate briefings (moderators only)",
                default_permissions=discord.Permissions(manage_guild=True),
                guild_only=True,
            )
            for spec in moderator_specs:
                if spec.name == "add":
                    group.add_command(self._add_command(spec))
                else:
                    group.add_command(self._generic_command(spec, spec.name))
            tree.add_command(group)

    def _ask_command(self) -> app_commands.Command[Any, Any, Any]:
        async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000]) -> None:
            await self._run_line(interaction, f"/ask {question}")

        app_commands.describe(question="Your question, e.g. who leads the NRF?")(ask)
        return app_commands.Command(name="ask", description=_describe(self._specs["ask"]), callback=ask)

    def _briefings_command(self) -> app_commands.Command[Any, Any, Any]:
        async def briefings(interaction: discord.Interaction, id: str | None = None) -> None:
            line = f"/briefing {id.strip().lstrip('#')}" if id and id.strip() else "/briefings"
            await self._run_line(interaction, line)

        app_commands.describe(id="A briefing id, e.g. 12 (leave empty for the list)")(briefings)
        return app_commands.Command(
            name="briefings",
            description="The latest briefings, or one briefing by its id",
            callback=briefings,
        )

    def _subscribe_command(self) -> app_commands.Command[Any, Any, Any]:
        async def subscribe(
            interaction: discord.Interaction,
            time: str | None = None,
            timezone: str | None = None,
            topics: str | None = None,
            weekdays: bool = False,
            channel: discord.TextChannel | None = None,
        ) -> None:
            words = [w for w in (time, timezone) if w and w.strip()]
            if weekdays:
                words.append("weekdays")
            if topics and topics.strip():
                words.append(" ".join(topics.replace(",", " ").split()))
            line = " ".join(["/subscribe", *words])
            chat = ChatRef("discord", str(channel.id), ChatKind.CHANNEL) if channel is not None else None
            await self._run_line(interaction, line, chat=chat, ephemeral=True)

        async def timezones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return self._timezone_choices(current)

        async def topic_words(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return _topic_choices(current)

        app_commands.describe(
            time="Local time of the digest, HH:MM (default 08:00)",
            timezone="Your time zone, e.g. Europe/London",
            topics="Topics, e.g. politics technology (default: everything)",
            weekdays="Only Monday to Friday",
            channel="Subscribe this channel instead of yourself (admins)",
        )(subscribe)
        app_commands.autocomplete(timezone=timezones, topics=topic_words)(subscribe)
        return app_commands.Command(
            name="subscribe", description=_describe(self._specs["subscribe"]), callback=subscribe
        )

    def _unsubscribe_command(self) -> app_commands.Command[Any, Any, Any]:
        async def unsubscribe(
            interaction: discord.Interaction, channel: discord.TextChannel | None = None
        ) -> None:
            chat = ChatRef("discord", str(channel.id), ChatKind.CHANNEL) if channel is not None else None
            await self._run_line(interaction, "/unsubscribe", chat=chat, ephemeral=True)

        app_commands.describe(channel="Unsubscribe this channel instead of yourself (admins)")(unsubscribe)
        return app_commands.Command(
            name="unsubscribe", description=_describe(self._specs["unsubscribe"]), callback=unsubscribe
        )

    def _generic_command(self, spec: CommandSpec, name: str) -> app_commands.Command[Any, Any, Any]:
        """A command whose options are the spec's params, all text, joined into the command line."""
        required = _required_params(spec)
        params = [
            inspect.Parameter(
                "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
            )
        ]
        for param in sorted(spec.params, key=lambda p: p not in required):
            params.append(
                inspect.Parameter(
                    param,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=str if param in required else str | None,
                    default=inspect.Parameter.empty if param in required else None,
                )
            )
        ephemeral = spec.name in _PRIVATE_ANSWERS or spec.access == "moderator"

        async def callback(interaction: discord.Interaction, **options: str | None) -> None:
            values = [" ".join(str(options[p]).split()) for p in spec.params if options.get(p)]
            await self._run_line(interaction, " ".join([f"/{spec.name}", *values]), ephemeral=ephemeral)

        callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        callback.__qualname__ = f"{type(self).__name__}.<locals>.{name}"
        app_commands.describe(**{p: p.replace("_", " ") for p in spec.params})(callback)
        return app_commands.Command(name=name, description=_describe(spec), callback=callback)

    def _add_command(self, spec: CommandSpec) -> app_commands.Command[Any, Any, Any]:
        async def add(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(_AddArticleModal(self))

        return app_commands.Command(name="add", description=_describe(spec), callback=add)

    async def _sync_commands(self, client: discord.Client, tree: app_commands.CommandTree) -> None:
        """Upload the commands when they differ from what Discord has (syncs are rate limited)."""
        guild = (
            discord.Object(int(self._settings.discord_guild_id)) if self._settings.discord_guild_id else None
        )
        if guild is not None:
            tree.copy_global_to(guild=guild)
        wanted = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
        app_id = client.application_id
        assert app_id is not None  # set by login
        if guild is None:
            existing = await client.http.get_global_commands(app_id)
        else:
            existing = await client.http.get_guild_commands(app_id, guild.id)
        if _command_shapes(existing) == _command_shapes(wanted):
            log.info("Discord slash commands are up to date (%d)", len(wanted))
            return
        synced = await tree.sync(guild=guild)
        log.info("Synced %d Discord slash commands%s", len(synced), f" to guild {guild.id}" if guild else "")

    def _timezone_choices(self, current: str) -> list[app_commands.Choice[str]]:
        if self._timezones is None:
            self._timezones = sorted(zoneinfo.available_timezones())
        needle = current.strip().lower().replace(" ", "_")
        starts = [tz for tz in self._timezones if tz.lower().startswith(needle)]
        contains = [tz for tz in self._timezones if needle in tz.lower() and tz not in starts]
        return [app_commands.Choice(name=tz, value=tz) for tz in (starts + contains)[:25]]

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.warning("Discord command %s failed: %r", getattr(interaction.command, "name", "?"), error)
        reply = Reply.error("That command could not run.", "Please try again; type /help for every command.")
        await self._answer(interaction, [reply])

    # --- turning interactions into messages for the core ---------------------------------------

    async def _run_line(
        self,
        interaction: discord.Interaction,
        line: str,
        *,
        chat: ChatRef | None = None,
        ephemeral: bool = False,
    ) -> None:
        """Defer, hand the command line to the core, and answer with what it replies."""
        if not interaction.response.is_done():
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        message = IncomingMessage(
            chat=chat or self._chat_of(interaction),
            sender=self._sender_of(interaction),
            text=line,
            addressed=True,
            received_at=interaction.created_at,
        )
        replies = await self._call_core(message)
        await self._answer(interaction, replies, deferred_ephemeral=ephemeral)

    async def _call_core(self, message: IncomingMessage) -> list[Reply]:
        assert self._handler is not None
        try:
            return await self._handler(message)
        except Exception:  # the router should catch everything; this is the last line of defence
            log.exception("the core failed on a Discord message in chat %s", message.chat.chat_id)
            return [
                Reply.error(
                    "Something went wrong on our side and nothing was changed.",
                    "Please try again; if it keeps failing, tell a moderator.",
                )
            ]

    async def _answer(
        self, interaction: discord.Interaction, replies: Sequence[Reply], *, deferred_ephemeral: bool = False
    ) -> None:
        """Show the replies: the first message replaces the deferred 'thinking…' response, the
        rest are follow-ups. An error after a public deferral removes the public placeholder and
        is shown only to the user."""
        messages = [m for reply in replies for m in render_discord(reply)]
        try:
            if not interaction.response.is_done():  # e.g. a command-tree error before any deferral
                deferred_ephemeral = deferred_ephemeral or bool(messages and messages[0].ephemeral)
                await interaction.response.defer(thinking=True, ephemeral=deferred_ephemeral)
            if not messages:
                await interaction.edit_original_response(content="Done.")
                return
            rest = messages[1:]
            if messages[0].ephemeral and not deferred_ephemeral:
                await interaction.delete_original_response()
                rest = messages
            else:
                view = _view(messages[0].buttons)
                await interaction.edit_original_response(
                    embeds=[e.to_embed() for e in messages[0].embeds], view=view
                )
                _forget(view)
            for message in rest:
                view = _view(message.buttons)
                kwargs: dict[str, Any] = {"view": view} if view is not None else {}
                await interaction.followup.send(
                    embeds=[e.to_embed() for e in message.embeds],
                    ephemeral=message.ephemeral or deferred_ephemeral,
                    **kwargs,
                )
                _forget(view)
        except discord.HTTPException as exc:
            log.warning(
                "could not answer a Discord interaction in channel %s: %s %s",
                interaction.channel_id,
                exc.status,
                exc.code,
            )

    def _sender_of(self, interaction: discord.Interaction) -> Sender:
        user = interaction.user
        roles: tuple[str, ...] = ()
        admin = False
        if isinstance(user, discord.Member):
            roles = tuple(str(role.id) for role in user.roles if not role.is_default())
            permissions = interaction.permissions
            admin = permissions.manage_guild or permissions.administrator
        return Sender("discord", str(user.id), user.display_name, is_chat_admin=admin, roles=roles)

    def _chat_of(self, interaction: discord.Interaction) -> ChatRef:
        channel_id = str(interaction.channel_id)
        if interaction.guild_id is None:
            self._dm_users[channel_id] = interaction.user.id
            return ChatRef("discord", channel_id, ChatKind.PRIVATE)
        return ChatRef("discord", channel_id, _kind_of(interaction.channel))

    async def _on_button(self, interaction: discord.Interaction) -> None:
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not custom_id.startswith(BUTTON_PREFIX):
            return
        await self._run_line(interaction, custom_id[len(BUTTON_PREFIX) :])

    async def _on_message(self, client: discord.Client, message: discord.Message) -> None:
        """With the message-content intent, a message that mentions the bot is a question."""
        if not self._settings.discord_message_content or message.author.bot or client.user is None:
            return
        if client.user not in message.mentions:
            return
        text = re.sub(rf"<@!?{client.user.id}>", " ", message.content)
        text = " ".join(text.split())
        if not text:
            return
        if message.guild is None:
            chat = ChatRef("discord", str(message.channel.id), ChatKind.PRIVATE)
            self._dm_users[chat.chat_id] = message.author.id
            sender = Sender("discord", str(message.author.id), message.author.display_name)
        else:
            chat = ChatRef("discord", str(message.channel.id), _kind_of(message.channel))
            author = message.author
            roles = tuple(str(r.id) for r in getattr(author, "roles", ()) if not r.is_default())
            perms = message.channel.permissions_for(author) if isinstance(author, discord.Member) else None
            admin = bool(perms and (perms.manage_guild or perms.administrator))
            sender = Sender("discord", str(author.id), author.display_name, is_chat_admin=admin, roles=roles)
        incoming = IncomingMessage(
            chat=chat, sender=sender, text=text, addressed=True, received_at=message.created_at
        )
        for reply in await self._call_core(incoming):
            for rendered in render_discord(reply):
                try:
                    await self._send_rendered(message.channel, rendered)
                except discord.HTTPException as exc:
                    log.warning(
                        "could not answer a mention in channel %s: %s %s", chat.chat_id, exc.status, exc.code
                    )
                    return

    # --- sending unprompted (digests) ----------------------------------------------------------

    async def send(self, chat: ChatRef, reply: Reply) -> None:
        """Send a reply to a channel, thread or DM channel; maps failures to the outbox's errors."""
        client = self._client
        if client is None or client.is_closed():
            raise TemporaryFailure("the Discord adapter is not connected")
        target = chat.thread_id or chat.chat_id
        if target.startswith("user:"):  # a user rather than a channel: open (or reuse) the DM
            target = await self._open_dm(client, int(target[len("user:") :]))
        try:
            channel = client.get_partial_messageable(int(target))
        except ValueError:
            raise RecipientGone(f"{target!r} is not a Discord channel id") from None
        try:
            try:
                await self._send_all(channel, reply)
            except discord.NotFound as exc:
                user_id = self._dm_users.get(target)
                if exc.code != 10003 or chat.kind is not ChatKind.PRIVATE or user_id is None:
                    raise
                # The DM channel is gone but we know whose it was: open a new one and retry.
                channel = client.get_partial_messageable(int(await self._open_dm(client, user_id)))
                await self._send_all(channel, reply)
        except SendError:
            raise
        except discord.RateLimited as exc:
            raise RateLimited(exc.retry_after, "Discord asked us to slow down") from None
        except discord.HTTPException as exc:
            raise _send_error(exc, chat) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TemporaryFailure(f"network error talking to Discord: {exc.__class__.__name__}") from None

    async def _open_dm(self, client: discord.Client, user_id: int) -> str:
        try:
            data = await client.http.start_private_message(user_id)
        except discord.HTTPException as exc:
            raise _send_error(exc, ChatRef("discord", f"user:{user_id}")) from None
        channel_id = str(data["id"])
        self._dm_users[channel_id] = user_id
        return channel_id

    async def _send_all(self, channel: discord.abc.Messageable, reply: Reply) -> None:
        for rendered in render_discord(reply):
            await self._send_rendered(channel, rendered)

    async def _send_rendered(self, channel: discord.abc.Messageable, rendered: DiscordMessage) -> None:
        view = _view(rendered.buttons)
        kwargs: dict[str, Any] = {"view": view} if view is not None else {}
        await channel.send(embeds=[e.to_embed() for e in rendered.embeds], **kwargs)
        _forget(view)


class _AddArticleModal(discord.ui.Modal):
    """The form behind ``/briefing add``: long pastes do not fit a slash-command option."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        super().__init__(title="Add an article", custom_id=ADD_MODAL_ID, timeout=900)
        self._adapter = adapter
        self.article_title: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title", custom_id="title", required=False, max_length=300
        )
        self.source: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Source (outlet)", custom_id="source", required=False, max_length=100
        )
        self.url: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Link", custom_id="url", required=False, max_length=500, placeholder="https://…"
        )
        self.date: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Date (YYYY-MM-DD)", custom_id="date", required=False, max_length=10
        )
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Article text",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            required=True,
            min_length=20,
            max_length=4000,
        )
        for item in (self.article_title, self.source, self.url, self.date, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        headers = [
            f"{name}: {' '.join(str(field.value).split())}"
            for name, field in (
                ("title", self.article_title),
                ("source", self.source),
                ("url", self.url),
                ("date", self.date),
            )
            if str(field.value or "").strip()
        ]
        body = str(self.text.value or "").strip()
        line = "/add " + "\n".join(headers) + "\n\n" + body if headers else "/add\n" + body
        await self._adapter._run_line(interaction, line, ephemeral=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        log.exception("the add-article form failed", exc_info=error)


class _RedirectingWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's webhook adapter (interaction responses, follow-ups) with rebased URLs."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__()
        self._rewrite = rewrite

    async def request(  # type: ignore[override]
        self, route: discord.http.Route, *args: Any, **kwargs: Any
    ) -> Any:
        route.url = self._rewrite(route.url)
        return await super().request(route, *args, **kwargs)


def _rebase(url: str, base: str) -> str:
    default = discord.http.Route.BASE
    return base + url[len(default) :] if url.startswith(default) else url


def _kind_of(channel: Any) -> ChatKind:
    if isinstance(channel, discord.DMChannel):
        return ChatKind.PRIVATE
    if isinstance(channel, discord.TextChannel) and channel.is_news():
        return ChatKind.CHANNEL
    return ChatKind.GROUP


def _view(buttons: Sequence[Button]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        label = button.label[:BUTTON_LABEL_LIMIT] or "Open"
        if button.url and button.url.startswith(("http://", "https://")):
            view.add_item(discord.ui.Button(label=label, url=button.url))
        elif button.action and len(BUTTON_PREFIX + button.action) <= 100:
            view.add_item(
                discord.ui.Button(
                    label=label, custom_id=BUTTON_PREFIX + button.action, style=discord.ButtonStyle.secondary
                )
            )
    return view if view.children else None


def _forget(view: discord.ui.View | None) -> None:
    # discord.py keeps sent views in memory to dispatch their callbacks; ours carry the command
    # in the custom_id and are handled in on_interaction, so drop them rather than leak them.
    if view is not None:
        view.stop()


def _topic_choices(current: str) -> list[app_commands.Choice[str]]:
    """Completions for the last word typed, keeping the words before it."""
    done, _, last = current.replace(",", " ").rpartition(" ")
    prefix = " ".join(done.split())
    chosen = set(prefix.split())
    matches = [t for t in TOPIC_SUGGESTIONS if t.startswith(last.lower()) and t not in chosen]
    choices = [f"{prefix} {t}".strip() for t in matches]
    typed = " ".join(current.replace(",", " ").split())
    if typed and typed not in choices:
        choices.insert(0, typed)
    return [app_commands.Choice(name=c[:100], value=c[:100]) for c in choices[:25]]


def _describe(spec: CommandSpec) -> str:
    return (spec.summary or spec.name)[:100]


def _required_params(spec: CommandSpec) -> set[str]:
    """Params named inside ``<…>`` in the usage line are required; ``[…]`` ones are optional."""
    required_text = " ".join(re.findall(r"<([^>]*)>", spec.usage))
    return {p for p in spec.params if re.search(rf"\b{re.escape(p)}\b", required_text)}


def _command_shapes(commands: Sequence[dict[str, Any]]) -> list[Any]:
    """What matters when comparing commands, ignoring ids and fields Discord adds."""

    def option(opt: dict[str, Any]) -> tuple[Any, ...]:
        return (
            opt.get("name"),
            opt.get("description"),
            opt.get("type"),
            bool(opt.get("required")),
            bool(opt.get("autocomplete")),
            tuple(sorted(opt.get("channel_types") or ())),
            tuple(option(o) for o in opt.get("options") or ()),
        )

    shapes = [
        (
            c.get("name"),
            c.get("description"),
            c.get("type", 1),
            str(c.get("default_member_permissions")),
            tuple(option(o) for o in c.get("options") or ()),
        )
        for c in commands
    ]
    return sorted(shapes, key=repr)


def _send_error(exc: discord.HTTPException, chat: ChatRef) -> SendError:
    where = f"Discord chat {chat.chat_id}"
    if exc.code in _GONE_CODES:
        return RecipientGone(f"{_GONE_CODES[exc.code]} ({where}, code {exc.code})")
    if isinstance(exc, discord.Forbidden):
        return RecipientGone(f"the bot may not post to {where} ({exc.code or exc.status})")
    if exc.status == 429:
        retry_after = _retry_after(exc)
        return RateLimited(retry_after, f"Discord kept rate limiting {where}")
    if isinstance(exc, discord.NotFound):
        return RecipientGone(f"{where} no longer exists")
    if exc.status >= 500:
        return TemporaryFailure(f"Discord had a server error ({exc.status})")
    return SendError(f"Discord refused the message to {where}: {exc.status} {exc.code} {exc.text[:200]}")


def _retry_after(exc: discord.HTTPException) -> float:
    header = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(header) if header else 5.0
    except ValueError:
        return 5.0


__all__ = ["DiscordAdapter", "DiscordAdapterError"]
