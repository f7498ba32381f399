"""The one composition root: builds the engine, store, newsroom, router, adapters, outbox and
scheduler; starts them in dependency order and stops them in reverse.

Nothing else in the project constructs services. Tests and the CLI both go through
:func:`running_bot`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.adapters.base import Adapter
from bot.commands import register_all
from bot.commands.context import CommandContext
from bot.config import Settings
from bot.delivery import Outbox
from bot.digests import DigestComposer
from bot.feeds import FeedService
from bot.messages import IncomingMessage
from bot.ratelimit import RateLimiter
from bot.router import PermissionChecker, Router
from bot.schedule import DigestScheduler
from bot.web import SafeFetcher
from briefings.models import SubscriptionStatus
from briefings.newsroom import Newsroom
from briefings.ports import BotStore, StoreUnavailable
from storage.engine import create_engine, describe_url, ensure_sqlite_directory
from storage.feeds import SqlFeedStore
from storage.migrate import SchemaState, schema_status, upgrade
from storage.sql import SqlStore

log = logging.getLogger(__name__)


class StartupError(Exception):
    """Start-up cannot go on; ``str()`` is one line for the person starting the bot."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BotApp:
    """The running bot's parts, for the CLI and tests."""

    settings: Settings
    store: BotStore
    newsroom: Newsroom
    router: Router
    outbox: Outbox
    scheduler: DigestScheduler
    fetcher: SafeFetcher
    feeds: FeedService
    adapters: dict[str, Adapter] = field(default_factory=dict)


async def prepare_database(settings: Settings) -> None:
    """Upgrade the schema when allowed; otherwise refuse to start on an out-of-date schema."""
    url = settings.database_url
    ensure_sqlite_directory(url)
    try:
        status = await schema_status(url)
        if status.up_to_date:
            return
        if status.state is SchemaState.AHEAD_OR_UNKNOWN:
            raise StartupError(status.message)
        if not settings.auto_upgrade:
            raise StartupError(f"{status.message} Run `briefbot db upgrade` first "
                               "(or set BRIEFBOT_AUTO_UPGRADE=true).")
        await upgrade(url)
    except StoreUnavailable as exc:
        raise StartupError(str(exc)) from None


def build_adapters(settings: Settings, router: Router, limiters: dict[str, RateLimiter]) -> list[Adapter]:
    """An adapter for every platform that has a token configured, sharing the platform's rate limiter."""
    adapters: list[Adapter] = []
    if settings.telegram_token is not None:
        from bot.adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(settings, router.commands(), limiter=limiters["telegram"]))
    if settings.discord_token is not None:
        from bot.adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(settings, router.commands()))
    return adapters


def build_limiters(settings: Settings) -> dict[str, RateLimiter]:
    """One shared rate limiter per platform, used by replies and digests alike."""
    return {
        "telegram": RateLimiter.telegram(settings),
        "discord": RateLimiter.discord(settings),
    }


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    extra_adapters: Sequence[Adapter] = (),
    extra_moderators: Sequence[str] = (),
    clock: Callable[[], datetime] = utc_now,
    start_scheduler: bool = True,
) -> AsyncIterator[BotApp]:
    """Build and start the whole bot; stop everything in reverse order on exit."""
    await prepare_database(settings)
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database_url)
        stack.push_async_callback(engine.dispose)
        store = SqlStore(engine)
        newsroom = Newsroom(store, clock=clock, max_article_chars=settings.max_article_chars)
        permissions = PermissionChecker([*settings.moderators, *extra_moderators], settings.moderator_roles)

        async def resume_paused(message: IncomingMessage) -> None:
            # A paused subscription (blocked bot, closed DMs) resumes when the chat talks to us again.
            chat = message.chat
            subscription = await store.subscription_for_chat(chat.platform, chat.chat_id, chat.thread_id)
            if subscription is not None and subscription.status is SubscriptionStatus.PAUSED:
                await store.resume_subscription(subscription.id)
                log.info("subscription %s resumed: chat %s talked to the bot", subscription.id, chat.chat_id)

        router = Router(permissions, on_message=resume_paused)
        composer = DigestComposer(newsroom, store)
        limiters = build_limiters(settings)
        # The outbox holds this dict; it is filled once the commands exist, because the adapters
        # publish the command list (menus, slash commands) when they are built.
        adapters: dict[str, Adapter] = {}
        outbox = Outbox(store, adapters, composer, settings, clock, limiters=limiters)
        scheduler = DigestScheduler(store, outbox, settings, clock)
        fetcher = SafeFetcher(allow_private_networks=settings.allow_private_networks)
        await fetcher.start()
        stack.push_async_callback(fetcher.stop)
        feeds = FeedService(SqlFeedStore(engine), store, store, newsroom, fetcher, clock=clock,
                            default_interval_minutes=settings.feed_poll_minutes)
        context = CommandContext(newsroom=newsroom, store=store, clock=clock, listener=scheduler, feeds=feeds)
        register_all(router, context, fetcher=fetcher, feeds=feeds)
        for adapter in [*build_adapters(settings, router, limiters), *extra_adapters]:
            if adapter.platform in adapters:
                raise StartupError(f"two adapters for {adapter.platform}")
            adapters[adapter.platform] = adapter
        app = BotApp(settings, store, newsroom, router, outbox, scheduler, fetcher, feeds, adapters)

        for adapter in adapters.values():
            await adapter.start(router)
            stack.push_async_callback(adapter.stop)
            log.info("%s adapter started", adapter.platform)
        await outbox.start()
        stack.push_async_callback(outbox.stop)
        if start_scheduler:
            await scheduler.start()
            stack.push_async_callback(scheduler.stop)
            await feeds.start()
            stack.push_async_callback(feeds.stop)
        log.info("Briefbot is running on %s", describe_url(settings.database_url))
        yield app
