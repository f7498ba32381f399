"""/subscribe (typed or with buttons), /unsubscribe and /digest."""

from __future__ import annotations

from datetime import time

from bot.commands.context import CommandContext
from bot.commands.parsing import looks_like_time, looks_like_timezone, parse_time, parse_timezone
from bot.digests import DigestComposer
from bot.messages import Button, IncomingMessage, Reply
from bot.router import CommandCall, UsageError
from briefings.models import Subscription, SubscriptionStatus

WIZARD_TIMES = ("07:00", "08:00", "12:00", "18:00", "21:00")
WIZARD_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney")
WIZARD_TOPICS = ("business", "politics", "tech", "sport", "entertainment", "world")
MAX_TOPICS = 10


class SubscriptionCommands:
    """Digest subscriptions for people, groups and channels."""

    def __init__(self, context: CommandContext) -> None:
        self._context = context
        self._composer = DigestComposer(context.newsroom, context.store)

    async def subscribe(self, call: CommandCall) -> list[Reply]:
        words = call.words
        if not words:
            return [await self._wizard_start(call.message)]
        local_time: time | None = None
        zone: str | None = None
        days = "daily"
        send_empty = False
        topics: list[str] = []
        for word in words:
            lowered = word.lower()
            if local_time is None and looks_like_time(word):
                local_time = parse_time(word)
            elif zone is None and looks_like_timezone(word):
                zone = parse_timezone(word)
            elif lowered in {"weekdays", "daily"}:
                days = lowered
            elif lowered in {"always", "even-empty"}:
                send_empty = True
            elif lowered in {"all", "everything"}:
                topics = []
            else:
                topics.append(lowered.strip(",#"))
        if local_time is None:
            raise UsageError("At what time? Put the time first, e.g. /subscribe 08:00 Europe/London")
        if zone is None and topics and "/" not in topics[0] and words[1:2] and words[1] == topics[0]:
            # "/subscribe 08:00 Londn": the second word was meant as a timezone
            try:
                zone = parse_timezone(topics[0])
                topics.pop(0)
            except UsageError:
                pass
        if len(topics) > MAX_TOPICS:
            raise UsageError(f"That is {len(topics)} topics; {MAX_TOPICS} is the most I keep per subscription.")
        if zone is None:
            return [self._ask_zone(local_time, topics, days, send_empty)]
        subscription = await self._save(call.message, local_time, zone, days, tuple(dict.fromkeys(topics)),
                                        send_empty)
        return [self._confirmation(subscription)]

    async def unsubscribe(self, call: CommandCall) -> list[Reply]:
        chat = call.message.chat
        existing = await self._context.store.subscription_for_chat(chat.platform, chat.chat_id, chat.thread_id)
        if existing is None:
            return [Reply.text("This chat has no digest subscription. Type /subscribe to set one up.")]
        await self._context.store.delete_subscription(existing.id)
        if self._context.listener is not None:
            await self._context.listener.subscription_removed(existing.id)
        return [Reply.text("Unsubscribed: no more digests here. /subscribe brings them back.")]

    async def digest(self, call: CommandCall) -> list[Reply]:
        chat = call.message.chat
        subscription = await self._context.store.subscription_for_chat(chat.platform, chat.chat_id, chat.thread_id)
        composed = await self._composer.compose(subscription, self._context.clock())
        if subscription is None and not composed.briefings:
            return [Reply.text("There are no published briefings yet.")]
        return [composed.reply()]

    async def _wizard_start(self, message: IncomingMessage) -> Reply:
        chat = message.chat
        existing = await self._context.store.subscription_for_chat(chat.platform, chat.chat_id, chat.thread_id)
        intro = "When should your daily digest arrive? Pick a time, or type e.g. /subscribe 08:00 Europe/London"
        if existing is not None:
            intro = f"You get a digest at {_describe(existing)}. Pick a new time, or /unsubscribe."
        return Reply(
            blocks=Reply.text(intro).blocks,
            buttons=tuple(Button(t, action=f"/subscribe {t}") for t in WIZARD_TIMES),
        )

    def _ask_zone(self, local_time: time, topics: list[str], days: str, send_empty: bool) -> Reply:
        hhmm = local_time.strftime("%H:%M")
        extra = " ".join(([days] if days != "daily" else []) + (["always"] if send_empty else []) + topics)
        suffix = f" {extra}" if extra else ""
        return Reply(
            blocks=Reply.text(f"Digest at {hhmm}: in which timezone? Pick one, or type "
                              f"/subscribe {hhmm} Continent/City{suffix}").blocks,
            buttons=tuple(Button(zone, action=f"/subscribe {hhmm} {zone}{suffix}") for zone in WIZARD_ZONES),
        )

    def _confirmation(self, subscription: Subscription) -> Reply:
        hhmm = subscription.local_time.strftime("%H:%M")
        base = f"/subscribe {hhmm} {subscription.timezone}"
        buttons = [Button("All topics", action=base)] if subscription.topics else []
        buttons += [Button(topic.title(), action=f"{base} {topic}") for topic in WIZARD_TOPICS
                    if topic not in subscription.topics]
        return Reply(
            blocks=Reply.text(f"Subscribed: a digest at {_describe(subscription)}.",
                              "Narrow it to a topic with a button below, or type /digest to see one now.").blocks,
            buttons=tuple(buttons),
        )

    async def _save(self, message: IncomingMessage, local_time: time, zone: str, days: str,
                    topics: tuple[str, ...], send_empty: bool) -> Subscription:
        chat = message.chat
        store = self._context.store
        existing = await store.subscription_for_chat(chat.platform, chat.chat_id, chat.thread_id)
        now = self._context.clock()
        subscription = Subscription(
            id=existing.id if existing else "",
            platform=chat.platform,
            chat_id=chat.chat_id,
            thread_id=chat.thread_id,
            subscriber_id=message.sender.key,
            local_time=local_time,
            timezone=zone,
            days=days,
            topics=topics,
            send_empty=send_empty,
            status=SubscriptionStatus.ACTIVE,
            paused_reason=None,
            created_at=existing.created_at if existing else now,
            last_digest_at=existing.last_digest_at if existing else None,
        )
        saved = await store.upsert_subscription(subscription)
        if self._context.listener is not None:
            await self._context.listener.subscription_changed(saved)
        return saved


def _describe(subscription: Subscription) -> str:
    hhmm = subscription.local_time.strftime("%H:%M")
    days = "on weekdays" if subscription.days == "weekdays" else "every day"
    topics = f", topics: {', '.join(subscription.topics)}" if subscription.topics else ", all topics"
    empty = ", even when nothing is new" if subscription.send_empty else ""
    return f"{hhmm} {subscription.timezone} {days}{topics}{empty}"
