"""Moderator commands for the web: /add <url> (through :class:`UrlCommands`) and /feed.

``/feed add <url> [topics…] [trusted] [+keyword] [-keyword] [every:30]``, ``/feed list``,
``/feed remove <id>``, ``/feed pause <id>``, ``/feed resume <id>``, ``/feed poll <id>``.
Keywords with spaces go in quotes: ``+"interest rates"``.
"""

from __future__ import annotations

import shlex

from bot.commands.context import CommandContext
from bot.feeds import FeedService, PageIngest, PollReport, ingest_page
from bot.messages import BulletList, Paragraph, Reply, Span
from bot.router import CommandCall, UsageError
from bot.web import FetchRefused, SafeFetcher
from briefings.models import Feed, FeedStatus
from briefings.sources import SourceError, is_web_url

FEED_USAGE = (
    "Usage: /feed add <url> [topics…] [trusted] [+keyword] [-keyword] [every:MINUTES], /feed list, "
    "/feed pause <id>, /feed resume <id>, /feed poll <id>, /feed remove <id>"
)
MAX_TOPICS = 10
MAX_KEYWORDS = 20


class UrlCommands:
    """/add with a single web address: fetch the page safely, extract the article, add it."""

    def __init__(self, context: CommandContext, fetcher: SafeFetcher) -> None:
        self._context = context
        self._fetcher = fetcher

    async def add_url(self, call: CommandCall, url: str) -> list[Reply]:
        if not is_web_url(url):
            raise UsageError(
                f"“{url[:80]}” is not a web address. Use a full http:// or https:// link, e.g. "
                "/add https://example.com/news/story"
            )
        try:
            page = await ingest_page(
                url,
                fetcher=self._fetcher,
                newsroom=self._context.newsroom,
                articles=self._context.store,
                added_by=call.message.sender.key,
                publish=True,
            )
        except FetchRefused as exc:
            return [
                Reply.error(
                    str(exc),
                    "Nothing was added. Check the link, or paste the article text after /add instead.",
                )
            ]
        except SourceError as exc:
            return [Reply.error(str(exc))]
        return [_page_reply(page)]


def _page_reply(page: PageIngest) -> Reply:
    duplicate = page.duplicate_article_id
    if duplicate is not None:
        story = page.result.story if page.result is not None else None
        story_id = story.id if story is not None else (page.existing.story_id if page.existing else None)
        where = f" in briefing #{story_id}" if story_id else ""
        return Reply.text(
            f"That article is already stored (article {duplicate}){where}. Nothing was changed."
        )
    assert page.result is not None and page.result.story is not None
    result, story = page.result, page.result.story
    extracted = page.extracted
    about = ""
    if extracted is not None:
        byline = f" by {extracted.author}" if extracted.author else ""
        title = extracted.title or "Untitled"
        about = f"“{title}” from {extracted.outlet}{byline}, {extracted.word_count} words. "
    if result.merged:
        sources = len(story.article_ids)
        head = f"Added to briefing #{story.id} “{story.headline}”, which now has {sources} sources."
    else:
        head = f"New briefing #{story.id}: “{story.headline}” ({story.status})."
    facts = f"{result.facts_added} fact{'s' if result.facts_added != 1 else ''} found. "
    return Reply.text(head, f"{about}{facts}Type /briefing {story.id} to read it.")


class FeedCommands:
    """/feed and its subcommands (moderators only; the router checks that)."""

    def __init__(self, context: CommandContext, feeds: FeedService) -> None:
        self._context = context
        self._feeds = feeds

    async def feed(self, call: CommandCall) -> list[Reply]:
        words = call.args.split(maxsplit=1)
        if not words:
            return [Reply.text("Feeds bring articles in by themselves.", FEED_USAGE)]
        sub, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
        if sub == "add":
            return await self._add(call, rest)
        if sub in {"list", "ls"}:
            return [self._list(await self._feeds.list())]
        if sub in {"remove", "rm", "delete"}:
            feed = await self._feeds.remove(_feed_id(rest, "remove"), actor=call.message.sender.key)
            return [
                Reply.text(f"Feed #{feed.id} {feed.title or feed.url} removed. Its articles stay stored.")
            ]
        if sub == "pause":
            feed = await self._feeds.pause(_feed_id(rest, "pause"), actor=call.message.sender.key)
            return [Reply.text(f"Feed #{feed.id} is paused. /feed resume {feed.id} starts it again.")]
        if sub == "resume":
            feed = await self._feeds.resume(_feed_id(rest, "resume"), actor=call.message.sender.key)
            return [
                Reply.text(
                    f"Feed #{feed.id} is active again; it is polled now and every "
                    f"{feed.interval_minutes} minutes."
                )
            ]
        if sub == "poll":
            report = await self._feeds.poll(_feed_id(rest, "poll"))
            return [_poll_reply(report, prefix=f"Feed #{report.feed_id}: ")]
        raise UsageError(f"I don't know /feed {sub[:20]}. {FEED_USAGE}")

    async def _add(self, call: CommandCall, rest: str) -> list[Reply]:
        try:
            tokens = shlex.split(rest)
        except ValueError:
            tokens = rest.split()
        if not tokens:
            raise UsageError("Which feed? Usage: /feed add https://example.com/rss [topics…] [trusted]")
        url, options = tokens[0], tokens[1:]
        if not is_web_url(url):
            raise UsageError(
                f"“{url[:80]}” is not a feed address. Put the feed's http(s) address first: "
                "/feed add https://example.com/rss business trusted"
            )
        topics: list[str] = []
        include: list[str] = []
        exclude: list[str] = []
        trusted = False
        interval: int | None = None
        for option in options:
            lowered = option.lower()
            if lowered in {"trusted", "trust"}:
                trusted = True
            elif lowered in {"untrusted", "draft", "drafts"}:
                trusted = False
            elif lowered.startswith(("every:", "every=")):
                value = lowered.split(":", 1)[-1].split("=", 1)[-1].removesuffix("m").removesuffix("min")
                if not value.isdigit():
                    raise UsageError(f"“{option}” is not an interval; use every:30 for every 30 minutes.")
                interval = int(value)
            elif option.startswith("+") and len(option) > 1:
                include.append(option[1:])
            elif option.startswith("-") and len(option) > 1:
                exclude.append(option[1:])
            else:
                topics.append(lowered.strip(",#"))
        if len(topics) > MAX_TOPICS or len(include) + len(exclude) > MAX_KEYWORDS:
            raise UsageError(f"At most {MAX_TOPICS} topics and {MAX_KEYWORDS} keywords per feed.")
        feed, report = await self._feeds.add(
            url,
            added_by=call.message.sender.key,
            topics=topics,
            trusted=trusted,
            include=include,
            exclude=exclude,
            interval_minutes=interval,
        )
        kind = (
            "trusted: its stories are published"
            if feed.trusted
            else "untrusted: its stories stay drafts until a moderator types /publish <id>"
        )
        head = f"Feed #{feed.id} added: {feed.title or feed.url} ({kind})."
        return [
            Reply.text(
                head,
                f"First poll: {report.describe()}. It is polled every {feed.interval_minutes} "
                "minutes; /feed list shows how it is doing.",
            )
        ]

    def _list(self, feeds: list[Feed]) -> Reply:
        if not feeds:
            return Reply.text(
                "No feeds yet. Add one with /feed add https://example.com/rss [topics…] [trusted]"
            )
        items = tuple(_feed_line(feed) for feed in feeds)
        return Reply(
            title="Feeds",
            blocks=(BulletList(items), Paragraph((Span("/feed pause <id>, /feed remove <id>"),))),
        )


def _feed_line(feed: Feed) -> tuple[Span, ...]:
    flags = ["trusted" if feed.trusted else "drafts"]
    if feed.topics:
        flags.append("topics: " + ", ".join(feed.topics))
    if feed.include_keywords:
        flags.append("only: " + ", ".join(feed.include_keywords))
    if feed.exclude_keywords:
        flags.append("not: " + ", ".join(feed.exclude_keywords))
    flags.append(f"every {feed.interval_minutes} min")
    spans = [
        Span(f"#{feed.id} ", bold=True),
        Span(feed.title or feed.url, link=feed.url),
        Span(f" — {'; '.join(flags)}. "),
    ]
    if feed.status is FeedStatus.PAUSED:
        spans.append(Span("Paused. ", bold=True))
    if feed.failures and feed.last_error:
        spans.append(Span(f"Failing ({feed.failures}×): {feed.last_error} ", bold=True))
        if feed.next_poll_at is not None:
            spans.append(Span(f"Next try {feed.next_poll_at:%Y-%m-%d %H:%M} UTC. "))
    elif feed.last_result:
        when = f" at {feed.last_polled_at:%Y-%m-%d %H:%M} UTC" if feed.last_polled_at else ""
        spans.append(Span(f"Last poll{when}: {feed.last_result}."))
    return tuple(spans)


def _poll_reply(report: PollReport, prefix: str = "") -> Reply:
    if report.error is not None:
        return Reply.error(
            f"{prefix}the poll failed: {report.error}", "I'll retry later; /feed list shows the reason."
        )
    stories = ""
    if report.story_ids:
        stories = " Briefings: " + ", ".join(f"#{story_id}" for story_id in report.story_ids[:10]) + "."
    return Reply.text(f"{prefix}{report.describe()}.{stories}")


def _feed_id(value: str, sub: str) -> str:
    candidate = value.strip().split(maxsplit=1)[0].lstrip("#") if value.strip() else ""
    if not candidate.isdigit():
        raise UsageError(f"Which feed? Usage: /feed {sub} <id>. Type /feed list to see the ids.")
    return str(int(candidate))
