"""What commands need, built once by the composition root and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from briefings.models import Subscription
from briefings.newsroom import Newsroom
from briefings.ports import BotStore

if TYPE_CHECKING:
    from bot.feeds import FeedService


class SubscriptionListener(Protocol):
    """Told when a subscription changes, so that its scheduled job changes too."""

    async def subscription_changed(self, subscription: Subscription) -> None: ...

    async def subscription_removed(self, subscription_id: str) -> None: ...


@dataclass
class CommandContext:
    """The services a command may use."""

    newsroom: Newsroom
    store: BotStore
    clock: Callable[[], datetime]
    listener: SubscriptionListener | None = None
    feeds: FeedService | None = None
