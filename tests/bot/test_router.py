"""The router: dispatch, permissions, refusals and the one error boundary."""

from __future__ import annotations

import pytest

from bot.messages import ChatKind, ChatRef, IncomingMessage, Reply, Sender, Tone
from bot.router import Access, CommandCall, CommandSpec, PermissionChecker, Router, UsageError
from briefings.newsroom import InvalidInput
from briefings.ports import NotFound, StoreUnavailable

PRIVATE = ChatRef("telegram", "100", ChatKind.PRIVATE)
GROUP = ChatRef("telegram", "-200", ChatKind.GROUP)
MODERATOR = Sender("telegram", "42")
MEMBER = Sender("telegram", "7")
ADMIN = Sender("telegram", "8", is_chat_admin=True)


def message(text: str, chat: ChatRef = PRIVATE, sender: Sender = MEMBER, addressed: bool = False) -> IncomingMessage:
    return IncomingMessage(chat=chat, sender=sender, text=text, addressed=addressed)


async def echo(call: CommandCall) -> list[Reply]:
    return [Reply.text(f"{call.name}:{call.args}")]



@pytest.fixture
def router() -> Router:
    router = Router(PermissionChecker(["telegram:42"], moderator_roles=["role-mod"]), question_handler=echo)
    router.register(CommandSpec("echo", "Echo", "/echo", Access.EVERYONE, echo))
    router.register(CommandSpec("add", "Add", "/add", Access.MODERATOR, echo))
    router.register(CommandSpec("subscribe", "Sub", "/subscribe", Access.SUBSCRIBER_ADMIN, echo))
    return router


def texts(replies: list[Reply]) -> str:
    return "\n".join(reply.plain_text() for reply in replies)


async def test_dispatches_commands_with_arguments_and_bot_suffix(router: Router) -> None:
    assert texts(await router(message("/echo hello world"))) == "echo:hello world"
    assert texts(await router(message("/ECHO@briefbot hi"))) == "echo:hi"
    assert texts(await router(message("/add\nline one\nline two", sender=MODERATOR))) == "add:line one\nline two"


async def test_duplicate_registration_is_an_error(router: Router) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        router.register(CommandSpec("echo", "Again", "/echo", Access.EVERYONE, echo))


async def test_unknown_command_gets_a_hint(router: Router) -> None:
    replies = await router(message("/ech"))
    assert replies[0].tone is Tone.ERROR
    assert "Did you mean /echo?" in texts(replies)


async def test_moderator_commands_are_refused_to_others(router: Router) -> None:
    refused = await router(message("/add text", sender=MEMBER))
    assert refused[0].tone is Tone.REFUSAL and "Only moderators" in texts(refused)
    role_holder = Sender("discord", "9", roles=("role-mod",))
    assert texts(await router(message("/add x", chat=ChatRef("discord", "1"), sender=role_holder))) == "add:x"


async def test_group_subscription_needs_an_admin(router: Router) -> None:
    assert "Only group admins" in texts(await router(message("/subscribe 08:00", chat=GROUP, sender=MEMBER)))
    assert texts(await router(message("/subscribe 08:00", chat=GROUP, sender=ADMIN))) == "subscribe:08:00"
    assert texts(await router(message("/subscribe 08:00", chat=PRIVATE, sender=MEMBER))) == "subscribe:08:00"


async def test_plain_text_is_a_question_in_private_or_when_addressed(router: Router) -> None:
    assert texts(await router(message("who leads the NRF?"))) == "ask:who leads the NRF?"
    assert await router(message("chatter", chat=GROUP)) == []
    assert texts(await router(message("who?", chat=GROUP, addressed=True))) == "ask:who?"
    assert await router(message("   ")) == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (UsageError("Type it like this"), "Type it like this"),
        (InvalidInput("That paste is too long"), "That paste is too long"),
        (NotFound("no briefing #9"), "No briefing #9."),
        (StoreUnavailable("locked"), "The briefing database is unavailable right now. Nothing was changed."),
        (RuntimeError("boom"), "Something went wrong on our side and nothing was changed."),
    ],
)
async def test_every_failure_becomes_a_reply(router: Router, error: Exception, expected: str) -> None:
    async def failing(call: CommandCall) -> list[Reply]:
        raise error

    router.register(CommandSpec("fail", "Fail", "/fail", Access.EVERYONE, failing))
    replies = await router(message("/fail"))
    assert replies[0].tone is Tone.ERROR
    assert expected in texts(replies)
    assert "boom" not in texts(replies)
