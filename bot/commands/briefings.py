"""Reading briefings: /start, /help, /briefings, /briefing, /sources, /facts."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.parsing import parse_story_id
from bot.messages import BulletList, Paragraph, Reply, Span
from bot.render.common import fact_text
from bot.replies import briefing_list_reply, briefing_reply, sources_reply
from bot.router import Access, CommandCall, Router
from briefings.models import StoryStatus

WELCOME = (
    "I turn news from several outlets into short briefings, answer questions from the articles I have "
    "stored (with sources), and send a daily digest at your local time."
)


class BriefingCommands:
    """Commands anyone can use to read briefings."""

    def __init__(self, context: CommandContext, router: Router) -> None:
        self._context = context
        self._router = router

    async def start(self, call: CommandCall) -> list[Reply]:
        return [Reply.text(WELCOME, "Ask me something, e.g. “who leads the NRF?”, or type /help for every "
                           "command. /subscribe sets up your daily digest.", title="Briefbot")]

    async def help(self, call: CommandCall) -> list[Reply]:
        visible = self._router.visible_commands(call.message)
        public = [s for s in visible if s.access is not Access.MODERATOR]
        moderator = [s for s in visible if s.access is Access.MODERATOR]
        blocks: list[Paragraph | BulletList] = [
            BulletList(tuple((Span(spec.usage, code=True), Span(f" — {spec.summary}")) for spec in public))
        ]
        if moderator:
            blocks.append(Paragraph((Span("For moderators:", bold=True),)))
            blocks.append(BulletList(tuple((Span(spec.usage, code=True), Span(f" — {spec.summary}"))
                                           for spec in moderator)))
        blocks.append(Paragraph((Span("In a private chat, anything that isn't a command is taken as a question."),)))
        return [Reply(title="Commands", blocks=tuple(blocks))]

    async def list(self, call: CommandCall) -> list[Reply]:
        moderator = self._router.permissions.is_moderator(call.message)
        briefings = await self._context.newsroom.briefings(include_drafts=moderator, limit=15)
        return [briefing_list_reply(briefings, moderator=moderator)]

    async def show(self, call: CommandCall) -> list[Reply]:
        briefing = await self._visible_briefing(call, "/briefing <id>")
        return [briefing_reply(briefing)]

    async def sources(self, call: CommandCall) -> list[Reply]:
        briefing = await self._visible_briefing(call, "/sources <id>")
        return [sources_reply(briefing)]

    async def facts(self, call: CommandCall) -> list[Reply]:
        briefing = await self._visible_briefing(call, "/facts <id>")
        story = briefing.story
        if not briefing.facts:
            return [Reply.text(f"Briefing #{story.id} has no key facts yet.")]
        items = tuple((Span(fact_text(fact), bold=True), Span(f" — “{fact.evidence}”" if fact.evidence else ""))
                      for fact in briefing.facts)
        return [Reply(title=f"Key facts of #{story.id} {story.headline}", blocks=(BulletList(items),))]

    async def _visible_briefing(self, call: CommandCall, usage: str):
        story_id = parse_story_id(call.words[0] if call.words else None, usage)
        briefing = await self._context.newsroom.briefing(story_id)
        if briefing.story.status is not StoryStatus.PUBLISHED and not self._router.permissions.is_moderator(
            call.message
        ):
            from briefings.ports import NotFound

            raise NotFound(f"no published briefing #{story_id}")
        return briefing
