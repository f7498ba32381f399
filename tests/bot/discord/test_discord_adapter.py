"""The Discord adapter through the real discord.py client, against a Discord on loopback.

The core here is a small handler of the test's own that records what it is handed and answers
with :class:`~bot.messages.Reply` objects; the whole bot is exercised in test_discord_app.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from discord_server import (
    ADMIN_PERMISSIONS,
    GENERAL_CHANNEL_ID,
    GUILD_ID,
    MODERATOR_ROLE_ID,
    NEWS_CHANNEL_ID,
    ChannelOption,
    FakeDiscord,
    user_payload,
)

from bot.adapters.base import RateLimited, RecipientGone
from bot.adapters.discord import DiscordAdapter, DiscordAdapterError
from bot.config import Settings
from bot.messages import Button, ChatKind, ChatRef, IncomingMessage, Paragraph, Reply, Span
from bot.router import Access, CommandSpec

TOKEN = "MTAwMA.secret-token.do-not-log"


async def _unused(call: object) -> list[Reply]:
    return []


SPECS = [
    CommandSpec("help", "Every command you can use", "/help", Access.EVERYONE, _unused),
    CommandSpec(
        "ask", "Ask a question about the news", "/ask <question>", Access.EVERYONE, _unused, ("question",)
    ),
    CommandSpec("briefings", "The latest briefings", "/briefings", Access.EVERYONE, _unused),
    CommandSpec("briefing", "Read one briefing", "/briefing <id>", Access.EVERYONE, _unused, ("id",)),
    CommandSpec(
        "subscribe",
        "Get a daily digest",
        "/subscribe [HH:MM] [timezone] [topics…]",
        Access.SUBSCRIBER_ADMIN,
        _unused,
        ("time", "timezone", "topics"),
    ),
    CommandSpec("unsubscribe", "Stop the daily digest", "/unsubscribe", Access.SUBSCRIBER_ADMIN, _unused),
    CommandSpec("digest", "Your digest right now", "/digest", Access.EVERYONE, _unused),
    CommandSpec("add", "Add an article", "/add …", Access.MODERATOR, _unused, ("text",)),
    CommandSpec(
        "fact", "Add a fact", "/fact <briefing id> <fact>", Access.MODERATOR, _unused, ("id", "fact")
    ),
    CommandSpec("publish", "Publish a briefing", "/publish <id>", Access.MODERATOR, _unused, ("id",)),
    CommandSpec(
        "withdraw",
        "Withdraw a briefing",
        "/withdraw <id> [reason]",
        Access.MODERATOR,
        _unused,
        ("id", "reason"),
    ),
]


class RecordingCore:
    """Records every message; answers /fail with an error and anything else with an echo."""

    def __init__(self) -> None:
        self.messages: list[IncomingMessage] = []

    async def __call__(self, message: IncomingMessage) -> list[Reply]:
        self.messages.append(message)
        if message.text.startswith("/fail"):
            return [Reply.error("That briefing does not exist.", "Type /briefings to see them.")]
        return [
            Reply(
                title="Echo",
                blocks=(Paragraph((Span(message.text, bold=True),)),),
                buttons=(Button("Briefing #1", action="/briefing 1"),),
            )
        ]


def make_settings(server: FakeDiscord, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "discord_token": TOKEN,
        "discord_api_url": server.api_url,
        "discord_gateway_url": server.gateway_url,
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN) as fake:
        yield fake


@pytest.fixture
async def core() -> RecordingCore:
    return RecordingCore()


@pytest.fixture
async def adapter(server: FakeDiscord, core: RecordingCore) -> AsyncIterator[DiscordAdapter]:
    discord_adapter = DiscordAdapter(make_settings(server), SPECS)
    await discord_adapter.start(core)
    try:
        yield discord_adapter
    finally:
        await discord_adapter.stop()


async def test_connects_identifies_and_syncs_commands_once(server: FakeDiscord, core: RecordingCore) -> None:
    adapter = DiscordAdapter(make_settings(server), SPECS)
    await adapter.start(core)
    await adapter.stop()
    [identify] = server.identifies
    assert identify["token"] == TOKEN
    assert identify["intents"] & (1 << 15) == 0  # no message-content intent unless configured
    assert server.gateway_queries[0]["compress"] == "zlib-stream"  # the zlib stream was decoded
    assert server.command_puts == [None]
    names = {c["name"] for c in server.commands[None]}
    assert {"ask", "briefings", "subscribe", "unsubscribe", "digest", "help", "briefing"} <= names
    group = server.command_named("briefing")
    assert group is not None and group["default_member_permissions"] == str(1 << 5)
    assert {o["name"] for o in group["options"]} == {"add", "fact", "publish", "withdraw"}
    fact = next(o for o in group["options"] if o["name"] == "fact")
    assert [(o["name"], o.get("required", False)) for o in fact["options"]] == [("id", True), ("fact", True)]
    # A restart with the same commands does not upload them again (syncs are rate limited).
    again = DiscordAdapter(make_settings(server), SPECS)
    await again.start(core)
    await again.stop()
    assert server.command_puts == [None]


async def test_guild_commands_when_a_guild_is_configured(server: FakeDiscord, core: RecordingCore) -> None:
    adapter = DiscordAdapter(make_settings(server, discord_guild_id=str(GUILD_ID)), SPECS)
    await adapter.start(core)
    await adapter.stop()
    assert server.command_puts == [GUILD_ID]
    assert server.command_named("ask", GUILD_ID) is not None


async def test_ask_is_deferred_then_answered_with_an_embed(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash("ask", {"question": "who leads the NRF?"})
    await server.wait_for(lambda: record.original)
    assert record.callbacks[0]["type"] == 5 and not record.deferred_ephemeral
    [message] = core.messages
    assert message.text == "/ask who leads the NRF?" and message.addressed
    assert message.chat == ChatRef("discord", str(GENERAL_CHANNEL_ID), ChatKind.GROUP)
    assert message.sender.key == "discord:7" and not message.sender.is_chat_admin
    assert "who leads the NRF?" in record.text()
    [row] = record.original["components"]
    assert row["components"][0]["custom_id"] == "bb:/briefing 1"


async def test_briefings_lists_or_reads_one_and_generic_commands_join_their_options(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    for options, line in (({}, "/briefings"), ({"id": "#12"}, "/briefing 12")):
        record = await server.slash("briefings", options)
        await server.wait_for(lambda record=record: record.original)
        assert core.messages[-1].text == line
    record = await server.slash(
        "briefing",
        {"id": "1", "fact": "Ahmad  Massoud leads the NRF"},
        sub="fact",
        roles=(MODERATOR_ROLE_ID,),
        permissions=ADMIN_PERMISSIONS,
    )
    await server.wait_for(lambda: record.original)
    assert core.messages[-1].text == "/fact 1 Ahmad Massoud leads the NRF"


async def test_a_command_discord_still_shows_but_the_bot_lost_gets_a_private_error(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash("forgotten")
    await server.wait_for(lambda: record.followups or record.original)
    assert not core.messages
    assert record.deferred_ephemeral
    assert "/help" in record.text()


async def test_errors_after_a_public_deferral_become_ephemeral(server: FakeDiscord) -> None:
    class FailingCore(RecordingCore):
        async def __call__(self, message: IncomingMessage) -> list[Reply]:
            return [Reply.error("No briefing has id 999.", "Type /briefings to see them.")]

    adapter = DiscordAdapter(make_settings(server), SPECS)
    await adapter.start(FailingCore())
    try:
        record = await server.slash("briefings", {"id": "999"})
        await server.wait_for(lambda: record.followups)
    finally:
        await adapter.stop()
    assert record.deferred and not record.deferred_ephemeral
    assert record.original_deleted  # the public "thinking…" placeholder is removed
    [followup] = record.followups
    assert followup["flags"] & 64  # ephemeral
    assert "Type /briefings" in record.text()


async def test_moderator_group_passes_roles_and_manage_guild(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash(
        "briefing",
        {"id": "3"},
        sub="publish",
        user_id=42,
        roles=(MODERATOR_ROLE_ID,),
        permissions=ADMIN_PERMISSIONS,
    )
    await server.wait_for(lambda: record.original or record.followups)
    assert record.deferred_ephemeral
    message = core.messages[-1]
    assert message.text == "/publish 3"
    assert message.sender.roles == (str(MODERATOR_ROLE_ID),)
    assert message.sender.is_chat_admin


async def test_add_opens_a_modal_and_its_submission_becomes_an_add_command(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash("briefing", sub="add", user_id=42, permissions=ADMIN_PERMISSIONS)
    await server.wait_for(lambda: record.callbacks)
    modal = record.callbacks[0]
    assert modal["type"] == 9
    inputs = {row["components"][0]["custom_id"]: row["components"][0] for row in modal["data"]["components"]}
    assert inputs["text"]["style"] == 2 and inputs["text"]["max_length"] == 4000
    body = "A long pasted article. " * 150
    submitted = await server.submit_modal(
        modal["data"]["custom_id"],
        {
            "title": "Valley falls",
            "source": "Example News",
            "url": "",
            "date": "2021-09-06",
            "text": body,
        },
        user_id=42,
        permissions=ADMIN_PERMISSIONS,
    )
    await server.wait_for(lambda: submitted.original)
    assert submitted.deferred_ephemeral
    assert core.messages[-1].text == (
        "/add title: Valley falls\nsource: Example News\ndate: 2021-09-06\n\n" + body.strip()
    )


async def test_subscribe_builds_the_command_line_and_a_channel_chat(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash("subscribe", {"time": "08:00", "timezone": "Europe/London", "topics": "tech"})
    await server.wait_for(lambda: record.original)
    assert core.messages[-1].text == "/subscribe 08:00 Europe/London tech"
    news = ChannelOption(NEWS_CHANNEL_ID)
    record = await server.slash(
        "subscribe", {"channel": news}, resolved=news.resolved(), permissions=ADMIN_PERMISSIONS
    )
    await server.wait_for(lambda: record.original)
    message = core.messages[-1]
    assert message.text == "/subscribe"
    assert message.chat == ChatRef("discord", str(NEWS_CHANNEL_ID), ChatKind.CHANNEL)


async def test_autocomplete_for_timezone_and_topics(server: FakeDiscord, adapter: DiscordAdapter) -> None:
    record = await server.slash("subscribe", {"timezone": "Europe/Lon"}, focused="timezone")
    await server.wait_for(lambda: record.callbacks)
    [callback] = record.callbacks
    assert callback["type"] == 8
    assert {"name": "Europe/London", "value": "Europe/London"} in callback["data"]["choices"]
    record = await server.slash("subscribe", {"topics": "politics tec"}, focused="topics")
    await server.wait_for(lambda: record.callbacks)
    values = [c["value"] for c in record.callbacks[0]["data"]["choices"]]
    assert "politics technology" in values


async def test_dm_commands_are_private_chats(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.slash("digest", dm=True, user_id=55)
    await server.wait_for(lambda: record.original)
    message = core.messages[-1]
    assert message.chat.kind is ChatKind.PRIVATE
    assert message.chat.chat_id == str(server.dm_channels[55])


async def test_a_button_press_runs_its_command(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    record = await server.press("bb:/briefing 1")
    await server.wait_for(lambda: record.original)
    assert core.messages[-1].text == "/briefing 1"
    assert record.callbacks[0]["type"] == 5


async def test_send_posts_embeds_and_waits_out_a_429(server: FakeDiscord, adapter: DiscordAdapter) -> None:
    server.rate_limits[f"/channels/{GENERAL_CHANNEL_ID}/messages"] = (1, 0.05)
    await adapter.send(ChatRef("discord", str(GENERAL_CHANNEL_ID), ChatKind.GROUP), Reply.text("Hello"))
    [posted] = server.messages[GENERAL_CHANNEL_ID]
    assert posted["embeds"][0]["description"] == "Hello"
    attempts = [r for r in server.log if r.path == f"/channels/{GENERAL_CHANNEL_ID}/messages"]
    assert len(attempts) == 2


async def test_send_raises_rate_limited_when_discord_keeps_refusing(
    server: FakeDiscord, adapter: DiscordAdapter
) -> None:
    server.rate_limits[f"/channels/{GENERAL_CHANNEL_ID}/messages"] = (10, 0.01)
    with pytest.raises(RateLimited):
        await adapter.send(ChatRef("discord", str(GENERAL_CHANNEL_ID), ChatKind.GROUP), Reply.text("Hello"))


async def test_send_failures_that_mean_the_recipient_is_gone(
    server: FakeDiscord, adapter: DiscordAdapter
) -> None:
    server.closed_dm_users.add(77)
    dm_channel = await adapter.client.http.start_private_message(77)  # type: ignore[union-attr]
    with pytest.raises(RecipientGone, match="direct messages"):
        await adapter.send(ChatRef("discord", str(dm_channel["id"])), Reply.text("Your digest"))
    server.missing_access_channels.add(NEWS_CHANNEL_ID)
    with pytest.raises(RecipientGone, match="no access"):
        await adapter.send(ChatRef("discord", str(NEWS_CHANNEL_ID), ChatKind.CHANNEL), Reply.text("x"))
    with pytest.raises(RecipientGone, match="no longer exists"):
        await adapter.send(ChatRef("discord", "123456", ChatKind.CHANNEL), Reply.text("x"))


async def test_send_to_a_user_opens_a_dm(server: FakeDiscord, adapter: DiscordAdapter) -> None:
    await adapter.send(ChatRef("discord", "user:88"), Reply.text("Your digest"))
    assert server.messages[server.dm_channels[88]][0]["embeds"][0]["description"] == "Your digest"
    assert any(r.path == "/users/@me/channels" for r in server.log)


async def test_the_client_resumes_after_a_resumable_disconnect(
    server: FakeDiscord, core: RecordingCore, adapter: DiscordAdapter
) -> None:
    session = server.identifies[0]
    await server.wait_for(lambda: server.sockets and server.sockets[0].seq >= 2)
    await server.drop_connection(4000)
    await server.wait_for(lambda: server.resumes, within=15)
    [resume] = server.resumes
    assert resume["session_id"] == "session-1" and resume["token"] == session["token"]
    assert resume["seq"] >= 2
    assert len(server.identifies) == 1  # resumed, not re-identified
    await server.wait_for(lambda: server.sockets and server.sockets[0].session_id)
    record = await server.slash("ask", {"question": "still there?"})
    await server.wait_for(lambda: record.original)
    assert core.messages[-1].text == "/ask still there?"


async def test_mentions_are_questions_with_the_message_content_intent(
    server: FakeDiscord, core: RecordingCore
) -> None:
    adapter = DiscordAdapter(make_settings(server, discord_message_content=True), SPECS)
    await adapter.start(core)
    try:
        assert server.identifies[0]["intents"] & (1 << 15)
        author = user_payload(9)
        message = server.message_payload(GENERAL_CHANNEL_ID, {"content": "<@1000> who leads the NRF?"})
        message.update(
            author=author,
            mentions=[server.bot_user],
            guild_id=str(GUILD_ID),
            member={
                "roles": [],
                "joined_at": "2021-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        )
        await server.dispatch("MESSAGE_CREATE", message)
        await server.wait_for(lambda: server.messages.get(GENERAL_CHANNEL_ID))
    finally:
        await adapter.stop()
    question = core.messages[-1]
    assert question.text == "who leads the NRF?" and question.addressed
    assert question.sender.key == "discord:9"


async def test_sharded_client_uses_the_advertised_gateway(server: FakeDiscord, core: RecordingCore) -> None:
    adapter = DiscordAdapter(make_settings(server, discord_gateway_url=None, discord_shards=2), SPECS)
    await adapter.start(core)
    try:
        await server.wait_for(lambda: len(server.identifies) == 2, within=20)
    finally:
        await adapter.stop()
    assert sorted(tuple(i["shard"]) for i in server.identifies) == [(0, 2), (1, 2)]
    assert any(r.path == "/gateway/bot" for r in server.log)


async def test_a_wrong_token_is_a_clear_start_error(server: FakeDiscord, core: RecordingCore) -> None:
    adapter = DiscordAdapter(make_settings(server, discord_token="wrong"), SPECS)
    with pytest.raises(DiscordAdapterError, match="BRIEFBOT_DISCORD_TOKEN"):
        await adapter.start(core)


async def test_the_token_never_reaches_the_logs(
    server: FakeDiscord, core: RecordingCore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = DiscordAdapter(make_settings(server), SPECS)
    await adapter.start(core)
    try:
        record = await server.slash("ask", {"question": "q"})
        await server.wait_for(lambda: record.original)
        await adapter.send(ChatRef("discord", str(GENERAL_CHANNEL_ID), ChatKind.GROUP), Reply.text("x"))
        await asyncio.sleep(0)
    finally:
        await adapter.stop()
    assert caplog.records
    assert TOKEN not in caplog.text
    assert "secret-token" not in caplog.text
