"""Every command of the bot, registered in one visible place: :func:`register_all`."""

from __future__ import annotations

from bot.commands.briefings import BriefingCommands
from bot.commands.context import CommandContext
from bot.commands.feeds import FeedCommands, UrlCommands
from bot.commands.moderation import ModerationCommands
from bot.commands.questions import QuestionCommands
from bot.commands.stats import StatsCommands
from bot.commands.subscriptions import SubscriptionCommands
from bot.feeds import FeedService
from bot.router import Access, CommandSpec, Router
from bot.web import SafeFetcher


def register_all(
    router: Router,
    context: CommandContext,
    *,
    fetcher: SafeFetcher | None = None,
    feeds: FeedService | None = None,
) -> None:
    """Register every command. A duplicate name raises at start-up."""
    questions = QuestionCommands(context)
    briefings = BriefingCommands(context, router)
    moderation = ModerationCommands(context, urls=UrlCommands(context, fetcher) if fetcher else None)
    stats = StatsCommands(context)
    subscriptions = SubscriptionCommands(context)
    specs = [
        CommandSpec("start", "What this bot does", "/start", Access.EVERYONE, briefings.start),
        CommandSpec("help", "Every command you can use", "/help", Access.EVERYONE, briefings.help),
        CommandSpec("ask", "Ask a question about the news", "/ask <question>", Access.EVERYONE,
                    questions.ask, ("question",)),
        CommandSpec("briefings", "The latest briefings", "/briefings", Access.EVERYONE, briefings.list),
        CommandSpec("briefing", "Read one briefing", "/briefing <id>", Access.EVERYONE, briefings.show, ("id",)),
        CommandSpec("sources", "The sources of a briefing", "/sources <id>", Access.EVERYONE,
                    briefings.sources, ("id",)),
        CommandSpec("facts", "The key facts of a briefing", "/facts <id>", Access.EVERYONE,
                    briefings.facts, ("id",)),
        CommandSpec("subscribe", "Get a daily digest at your local time",
                    "/subscribe [HH:MM] [timezone] [weekdays] [always] [topics…]", Access.SUBSCRIBER_ADMIN,
                    subscriptions.subscribe, ("time", "timezone", "topics")),
        CommandSpec("unsubscribe", "Stop the daily digest", "/unsubscribe", Access.SUBSCRIBER_ADMIN,
                    subscriptions.unsubscribe),
        CommandSpec("digest", "Your digest right now", "/digest", Access.EVERYONE, subscriptions.digest),
        CommandSpec("add", "Add an article (moderators)",
                    "/add <url>, or /add [title: …] [source: …] [url: …] [date: YYYY-MM-DD] then the text",
                    Access.MODERATOR, moderation.add, ("text",)),
        CommandSpec("fact", "Add a follow-up fact (moderators)", "/fact <briefing id> <fact>", Access.MODERATOR,
                    moderation.fact, ("id", "fact")),
        CommandSpec("publish", "Publish a briefing (moderators)", "/publish <id>", Access.MODERATOR,
                    moderation.publish, ("id",)),
        CommandSpec("withdraw", "Withdraw a briefing (moderators)", "/withdraw <id> [reason]", Access.MODERATOR,
                    moderation.withdraw, ("id", "reason")),
        CommandSpec("correct", "Replace a briefing's summary (moderators)", "/correct <id> <new summary>",
                    Access.MODERATOR, moderation.correct, ("id", "summary")),
        CommandSpec("stats", "Subscribers, deliveries and failures (moderators)", "/stats", Access.MODERATOR,
                    stats.stats),
    ]
    if feeds is not None:
        specs.append(CommandSpec(
            "feed", "Feeds that bring in articles (moderators)",
            "/feed add <url> [topics…] [trusted] | list | pause <id> | resume <id> | remove <id>",
            Access.MODERATOR, FeedCommands(context, feeds).feed, ("command",)))
    for spec in specs:
        router.register(spec)
    router.set_question_handler(questions.ask)
