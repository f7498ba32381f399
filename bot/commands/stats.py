"""/stats for moderators: subscribers, today's deliveries, paused subscriptions and failures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.commands.context import CommandContext
from bot.messages import BulletList, Paragraph, Reply, Span
from bot.router import CommandCall
from briefings.models import Delivery, DeliveryStatus, SubscriptionStatus

MAX_LISTED = 15
_NOTHING_NEW = "nothing new"  # the outbox's reason for a quiet day: not a failure
_STATUS_ORDER = (
    DeliveryStatus.SENT,
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.FAILED,
    DeliveryStatus.PAUSED,
    DeliveryStatus.SKIPPED,
)


class StatsCommands:
    """The outbox and subscriptions at a glance; every paused or failed item says why."""

    def __init__(self, context: CommandContext) -> None:
        self._context = context

    async def stats(self, call: CommandCall) -> list[Reply]:
        store = self._context.store
        now = self._context.clock().astimezone(UTC)
        day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        subscriptions = await store.subscriptions(active_only=False)
        paused = [s for s in subscriptions if s.status is SubscriptionStatus.PAUSED]
        by_platform = Counter(s.platform for s in subscriptions)
        # Counted in the database: /stats never loads every delivery row.
        statuses = Counter(await store.count_deliveries(since=day_start))
        failed_count = (await store.count_deliveries(statuses=[DeliveryStatus.FAILED])).get(
            DeliveryStatus.FAILED, 0
        )
        skipped_count = (
            await store.count_deliveries(
                since=day_start, statuses=[DeliveryStatus.SKIPPED], exclude_error_prefix=_NOTHING_NEW
            )
        ).get(DeliveryStatus.SKIPPED, 0)
        failing = await store.recent_deliveries([DeliveryStatus.FAILED], limit=MAX_LISTED)
        failing += await store.recent_deliveries(
            [DeliveryStatus.SKIPPED], since=day_start, limit=MAX_LISTED, exclude_error_prefix=_NOTHING_NEW
        )
        # Rows without a recorded reason are not failures worth listing.
        failing = [d for d in failing if d.status is DeliveryStatus.FAILED or d.last_error]
        failure_total = failed_count + skipped_count
        chats = {s.id: f"{s.platform} {s.chat_id}" for s in subscriptions}

        blocks: list[Paragraph | BulletList] = []
        platforms = ", ".join(f"{count} on {name}" for name, count in sorted(by_platform.items()))
        blocks.append(
            _line(
                "Subscribers: ",
                f"{len(subscriptions)} ({len(subscriptions) - len(paused)} active, "
                f"{len(paused)} paused)" + (f"; {platforms}" if platforms else ""),
            )
        )
        counts = ", ".join(f"{statuses[s]} {s}" for s in _STATUS_ORDER if statuses[s]) or "none yet"
        blocks.append(_line("Today's deliveries (since 00:00 UTC): ", counts))
        blocks.append(_line("Paused subscriptions: ", str(len(paused)) if paused else "none"))
        if paused:
            blocks.append(
                BulletList(
                    tuple(
                        (
                            Span(f"{s.platform} {s.chat_id}", bold=True),
                            Span(f": {s.paused_reason or 'no reason recorded'}"),
                        )
                        for s in paused[:MAX_LISTED]
                    )
                )
            )
            if len(paused) > MAX_LISTED:
                blocks.append(_plain(f"…and {len(paused) - MAX_LISTED} more."))
        blocks.append(_line("Failures: ", str(failure_total) if failure_total else "none"))
        if failing:
            failing.sort(key=_moment, reverse=True)
            blocks.append(BulletList(tuple(_failure(d, chats, now) for d in failing[:MAX_LISTED])))
            if failure_total > MAX_LISTED:
                blocks.append(_plain(f"…and {failure_total - MAX_LISTED} more."))
        if self._context.feeds is not None:
            problems = await self._context.feeds.problems()
            blocks.append(_line("Failing feeds: ", str(len(problems)) if problems else "none"))
            if problems:
                blocks.append(BulletList(tuple((Span(line),) for line in problems[:MAX_LISTED])))
        return [Reply(title="Briefbot stats", blocks=tuple(blocks))]


def _moment(delivery: Delivery) -> datetime:
    return delivery.sent_at or delivery.due_at


def _line(label: str, value: str) -> Paragraph:
    return Paragraph((Span(label, bold=True), Span(value)))


def _plain(text: str) -> Paragraph:
    return Paragraph((Span(text),))


def _failure(delivery: Delivery, chats: dict[str, str], now: datetime) -> tuple[Span, ...]:
    chat = chats.get(delivery.subscription_id, f"subscription {delivery.subscription_id}")
    if delivery.status is DeliveryStatus.FAILED and delivery.next_attempt_at is not None:
        wait = max(timedelta(0), delivery.next_attempt_at - now)
        state = f"failed {delivery.attempts}×, next try in {int(wait.total_seconds() // 60)} min"
    else:
        state = str(delivery.status)
    return (
        Span(f"{chat} ", bold=True),
        Span(f"(digest due {delivery.due_at:%Y-%m-%d %H:%M} UTC, {state}): "),
        Span(delivery.last_error or "no reason recorded"),
    )
