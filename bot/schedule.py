"""Turning subscriptions into outbox entries at each subscriber's local time.

Our own ``subscriptions`` table is the source of truth: on start every active
subscription gets one APScheduler job (no pickled job store), and a change to a
subscription replaces its job. Each job is a one-off :class:`DateTrigger` at the next
fire time, which we compute ourselves with :mod:`zoneinfo` (see :func:`next_slot`) and
re-arm after each fire. That keeps daylight saving explicit:

* 08:00 Europe/London is 08:00 local on both sides of each change;
* a time that does not exist on the spring-forward day fires once, at the first valid
  minute after the gap (01:30 in London on that day fires at 02:00 BST);
* a time that happens twice on the fall-back day fires once, at its first occurrence.

Each fire enqueues a delivery whose idempotency key is ``"<subscription id>:<local date>"``,
so a restart, a double fire or a changed time can never make two digests for one local day.

After downtime, the slots missed since the subscription's last digest are caught up on
start: a slot at most ``digest_grace_hours`` old is enqueued (the outbox sends it at once),
older ones are recorded as SKIPPED. Catch-up looks back at most :data:`CATCH_UP_LOOKBACK`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Settings
from briefings.models import Subscription, SubscriptionStatus
from briefings.ports import BotStore

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.delivery import Outbox

log = logging.getLogger(__name__)

FIRE_RETRY = timedelta(minutes=1)  # how soon a digest that could not be queued is tried again

CATCH_UP_LOOKBACK = timedelta(days=2)
_MAX_GAP_MINUTES = 24 * 60


@dataclass(frozen=True)
class Slot:
    """One scheduled digest: the local day it belongs to and the UTC instant it fires."""

    local_date: date
    fire_at: datetime  # aware UTC

    def key(self, subscription_id: str) -> str:
        return idempotency_key(subscription_id, self.local_date)


def idempotency_key(subscription_id: str, local_date: date) -> str:
    """One delivery per subscription and local day."""
    return f"{subscription_id}:{local_date.isoformat()}"


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    """True if this wall-clock time happens in ``zone`` (it is not inside a spring-forward gap)."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def fire_time(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``local_time`` on ``local_date`` in ``zone``.

    In a gap it is the first valid minute after the gap; in a repeated hour the first
    occurrence (``fold=0``).
    """
    naive = datetime.combine(local_date, local_time.replace(second=0, microsecond=0, tzinfo=None))
    if not _exists(naive, zone):
        for minute in range(1, _MAX_GAP_MINUTES + 1):
            later = naive + timedelta(minutes=minute)
            if _exists(later, zone):
                naive = later
                break
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _runs_on(days: str, local_date: date) -> bool:
    return days != "weekdays" or local_date.weekday() < 5


def slots_between(subscription: Subscription, start: datetime, end: datetime) -> Iterator[Slot]:
    """The subscription's slots with ``start < fire_at <= end``, in order."""
    zone = ZoneInfo(subscription.timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        if _runs_on(subscription.days, day):
            fire_at = fire_time(day, subscription.local_time, zone)
            if start < fire_at <= end:
                yield Slot(day, fire_at)
        day += timedelta(days=1)


def next_slot(subscription: Subscription, after: datetime) -> Slot:
    """The first slot that fires strictly after ``after``."""
    zone = ZoneInfo(subscription.timezone)
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(16):  # a weekday slot is always within a week
        if _runs_on(subscription.days, day):
            fire_at = fire_time(day, subscription.local_time, zone)
            if fire_at > after:
                return Slot(day, fire_at)
        day += timedelta(days=1)
    raise ValueError(f"no digest time found for subscription {subscription.id}")


class DigestScheduler:
    """One APScheduler job per active subscription, each enqueueing that subscriber's digests.

    Implements :class:`bot.commands.context.SubscriptionListener`. The injected ``clock``
    decides what is due; APScheduler only wakes us up (a job's run date is "now plus the
    delay by our clock", so a test clock works too). :meth:`run_due` does the work of a
    wake-up and may be called directly by tests that move the clock by hand.
    """

    def __init__(
        self,
        store: BotStore,
        outbox: Outbox,
        settings: Settings,
        clock: Callable[[], datetime],
        *,
        use_apscheduler: bool = True,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._grace = timedelta(hours=settings.digest_grace_hours)
        self._clock = clock
        self._use_apscheduler = use_apscheduler
        self._scheduler: AsyncIOScheduler | None = None
        self._subscriptions: dict[str, Subscription] = {}
        self._slots: dict[str, Slot] = {}
        self._started = False

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Build every job from the subscriptions table, catching up missed digests first."""
        if self._use_apscheduler:
            from apscheduler.schedulers.asyncio import AsyncIOScheduler

            self._scheduler = AsyncIOScheduler(
                timezone=UTC,
                job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )
            self._scheduler.start()
        self._started = True
        now = self._clock()
        # Paused subscriptions get a job too: a resume (the chat talks to us again) then needs
        # no notification, and each fire re-reads the row before enqueueing anything.
        subscriptions = await self._store.subscriptions(active_only=False)
        caught_up = skipped = 0
        for subscription in subscriptions:
            self._subscriptions[subscription.id] = subscription
            if subscription.status is SubscriptionStatus.ACTIVE:
                anchor = max(
                    subscription.created_at,
                    subscription.last_digest_at or subscription.created_at,
                    now - CATCH_UP_LOOKBACK,
                )
                sent, missed = await self._catch_up(subscription, anchor, now)
                caught_up += sent
                skipped += missed
            self._arm(subscription, next_slot(subscription, now))
        log.info(
            "scheduler started: %d subscriptions, %d missed digests queued, %d skipped (older than %s)",
            len(subscriptions),
            caught_up,
            skipped,
            self._grace,
        )

    async def stop(self) -> None:
        """Stop waking up; the outbox keeps whatever was already enqueued."""
        self._started = False
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self._slots.clear()

    # --- SubscriptionListener ------------------------------------------------------------------

    async def subscription_changed(self, subscription: Subscription) -> None:
        """Replace the subscription's job: its next slot is computed from now, with no catch-up."""
        self._subscriptions[subscription.id] = subscription
        if self._started:
            self._arm(subscription, next_slot(subscription, self._clock()))

    async def subscription_removed(self, subscription_id: str) -> None:
        self._subscriptions.pop(subscription_id, None)
        self._slots.pop(subscription_id, None)
        if self._scheduler is not None:
            job = self._scheduler.get_job(_job_id(subscription_id))
            if job is not None:
                job.remove()

    # --- firing --------------------------------------------------------------------------------

    def next_fire(self, subscription_id: str) -> datetime | None:
        """When the subscription's next digest is due (for /stats and tests)."""
        slot = self._slots.get(subscription_id)
        return slot.fire_at if slot else None

    async def run_due(self) -> int:
        """Enqueue every slot that is due by the clock and re-arm those jobs; return how many."""
        now = self._clock()
        due = [sid for sid, slot in self._slots.items() if slot.fire_at <= now]
        count = 0
        for subscription_id in due:
            count += await self._fire(subscription_id)
        return count

    async def _fire(self, subscription_id: str) -> int:
        slot = self._slots.get(subscription_id)
        known = self._subscriptions.get(subscription_id)
        if slot is None or known is None:
            return 0
        now = self._clock()
        if slot.fire_at > now:  # woken early (clock skew between APScheduler and ours)
            self._arm(known, slot)
            return 0
        try:
            # Re-read the row: a pause, a resume or a moved chat happened since the job was armed.
            fresh = await self._store.subscription_for_chat(known.platform, known.chat_id, known.thread_id)
            if fresh is None or fresh.id != subscription_id:
                fresh = await self._find(subscription_id)
            if fresh is None:
                await self.subscription_removed(subscription_id)
                return 0
            self._subscriptions[subscription_id] = fresh
            count = 0
            if fresh.status is SubscriptionStatus.ACTIVE:
                sent, _ = await self._catch_up(fresh, slot.fire_at - timedelta(microseconds=1), now)
                count = sent
        except Exception:
            # A job fires once: without re-arming, this subscription would get no digest until a
            # restart. Keep the same slot (its idempotency key prevents a double) and try again.
            log.exception("digest for subscription %s could not be queued; retrying in %s",
                          subscription_id, FIRE_RETRY)
            self._arm(known, slot, retry_in=FIRE_RETRY)
            return 0
        # Paused subscriptions keep their job, so that a resume needs no notification.
        self._arm(fresh, next_slot(fresh, max(now, slot.fire_at)))
        return count

    async def _find(self, subscription_id: str) -> Subscription | None:
        for subscription in await self._store.subscriptions(active_only=False):
            if subscription.id == subscription_id:
                return subscription
        return None

    async def _catch_up(self, subscription: Subscription, start: datetime, now: datetime) -> tuple[int, int]:
        """Enqueue slots in (start, now] within the grace period; record older ones as skipped."""
        queued = skipped = 0
        for slot in slots_between(subscription, start, now):
            key = slot.key(subscription.id)
            if now - slot.fire_at <= self._grace:
                await self._outbox.enqueue(subscription, slot.fire_at, slot.fire_at, idempotency_key=key)
                queued += 1
            else:
                late = now - slot.fire_at
                await self._outbox.record_skipped(
                    subscription,
                    slot.fire_at,
                    key,
                    f"missed while the bot was down: due {_hours(late)} ago, more than the "
                    f"{_hours(self._grace)} grace period",
                )
                skipped += 1
        return queued, skipped

    def _arm(self, subscription: Subscription, slot: Slot, retry_in: timedelta | None = None) -> None:
        self._slots[subscription.id] = slot
        if self._scheduler is None:
            return
        # APScheduler runs on the real clock; our clock decides what is due. Arm the job after
        # the delay our clock sees, and let _fire re-check.
        delay = retry_in if retry_in is not None else max(timedelta(0), slot.fire_at - self._clock())
        from apscheduler.triggers.date import DateTrigger

        self._scheduler.add_job(
            self._fire,
            trigger=DateTrigger(run_date=datetime.now(UTC) + delay),
            args=(subscription.id,),
            id=_job_id(subscription.id),
            name=f"digest for subscription {subscription.id}",
            replace_existing=True,
        )


def _job_id(subscription_id: str) -> str:
    return f"digest:{subscription_id}"


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
