"""Moderator commands: /add, /fact, /publish, /withdraw, /correct. Each lands in the audit log
(the newsroom writes the audit entry in the same transaction as the change)."""

from __future__ import annotations

from bot.commands.context import CommandContext
from bot.commands.feeds import UrlCommands
from bot.commands.parsing import parse_article, parse_story_id
from bot.messages import Reply
from bot.render.common import fact_text
from bot.replies import story_changed_reply
from bot.router import CommandCall, UsageError
from briefings.sources import is_web_url


class ModerationCommands:
    """Adding and changing briefings."""

    def __init__(self, context: CommandContext, urls: UrlCommands | None = None) -> None:
        self._context = context
        self._urls = urls

    async def add(self, call: CommandCall) -> list[Reply]:
        words = call.args.split()
        if self._urls is not None and len(words) == 1 and is_web_url(words[0]):
            return await self._urls.add_url(call, words[0])
        article, draft = parse_article(call.args)
        result = await self._context.newsroom.ingest(article, added_by=call.message.sender.key, publish=not draft)
        story = result.story
        if result.duplicate_of is not None:
            where = f" in briefing #{story.id} “{story.headline}”" if story else ""
            return [Reply.text(f"That article is already stored (article {result.duplicate_of}){where}. "
                               "Nothing was changed.")]
        assert story is not None and result.article is not None
        sources = len(story.article_ids)
        if result.merged:
            head = f"Added to briefing #{story.id} “{story.headline}”, which now has {sources} sources."
        else:
            head = f"New briefing #{story.id}: “{story.headline}” ({story.status})."
        tail = f"{result.facts_added} fact{'s' if result.facts_added != 1 else ''} found. "
        tail += f"Type /briefing {story.id} to read it" + (f" or /publish {story.id}." if draft else ".")
        return [Reply.text(head, tail)]

    async def fact(self, call: CommandCall) -> list[Reply]:
        words = call.args.split(maxsplit=1)
        story_id = parse_story_id(words[0] if words else None, "/fact <briefing id> <fact>")
        if len(words) < 2 or not words[1].strip():
            raise UsageError(f"What is the fact? Usage: /fact {story_id} Ahmad Massoud leads the NRF")
        fact = await self._context.newsroom.add_fact(story_id, words[1], added_by=call.message.sender.key)
        return [Reply.text(f"Fact added to briefing #{story_id}: {fact_text(fact)}.")]

    async def publish(self, call: CommandCall) -> list[Reply]:
        story_id = parse_story_id(call.words[0] if call.words else None, "/publish <id>")
        story = await self._context.newsroom.publish(story_id, actor=call.message.sender.key)
        return [story_changed_reply(story, "is published")]

    async def withdraw(self, call: CommandCall) -> list[Reply]:
        words = call.args.split(maxsplit=1)
        story_id = parse_story_id(words[0] if words else None, "/withdraw <id> [reason]")
        reason = words[1].strip() if len(words) > 1 else ""
        story = await self._context.newsroom.withdraw(story_id, actor=call.message.sender.key, reason=reason)
        return [story_changed_reply(story, "is withdrawn")]

    async def correct(self, call: CommandCall) -> list[Reply]:
        words = call.args.split(maxsplit=1)
        story_id = parse_story_id(words[0] if words else None, "/correct <id> <new summary>")
        if len(words) < 2 or not words[1].strip():
            raise UsageError(f"What should the summary say? Usage: /correct {story_id} <new summary>")
        story = await self._context.newsroom.correct(story_id, words[1].strip(), actor=call.message.sender.key)
        return [story_changed_reply(story, "has a corrected summary")]
