"""The durable outbox: every scheduled digest is a row that survives crashes and restarts.

Each (subscription, digest period) is one ``deliveries`` row with an idempotency key
(``"<subscription id>:<local date>"``), so enqueueing twice is harmless. A worker claims
due rows (PENDING, or FAILED whose retry time has come) with one atomic compare-and-set
(``store.claim_delivery``: the row becomes SENDING under a lease that the worker renews while
it holds the row), composes the digest at send time (so a briefing withdrawn before sending is
left out), sends, and marks it SENT with the story ids it carried.

What happens on each outcome:

* sent: SENT; the store moves the subscription's ``last_digest_at`` to the period's end,
  which is where the next digest's "since your last digest" starts;
* nothing new and the subscriber did not ask for empty digests: SKIPPED, nothing sent;
* :class:`RecipientGone` (blocked, kicked): the subscription is paused with the reason and
  the row becomes PAUSED;
* :class:`ChatMoved`: the chat id is updated everywhere and the digest resent there;
* :class:`RateLimited`: the limiter holds every sender for ``retry_after`` and the row goes
  back to PENDING at that time; it is never dropped;
* any other failure: FAILED, retried with exponential backoff and jitter until the grace
  period after its due time has passed, then SKIPPED with the last error. Its stories are
  not lost: ``last_digest_at`` did not move, so the next digest includes them.

A crash (SIGKILL) can leave rows in SENDING. Their lease is no longer renewed, and once it has
run out (:attr:`Outbox.DEFAULT_LEASE`) any outbox on the database puts them back to PENDING, so
each is sent again: a digest that was in flight at the kill may arrive twice, never more often
per crash. Nothing due is lost. Because claiming is atomic and only expired leases are taken
back, several bot processes may share one database without sending a row twice while they run
(see ``docs/delivery.md`` for exactly what holds).

Finished rows (SENT, SKIPPED, PAUSED) are deleted once they are older than the retention
(``BRIEFBOT_DELIVERY_RETENTION_DAYS``), a batch at a time, by a task of the outbox; a SENT row
that "already sent" still reads is kept whatever its age. :func:`minimum_retention` is the
shortest retention for which no pruned period can be queued and sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.adapters.base import Adapter, ChatMoved, RateLimited, RecipientGone
from bot.config import Settings
from bot.digests import FIRST_DIGEST_WINDOW, SENT_LOOKBACK
from bot.messages import ChatKind, ChatRef, Reply
from bot.ratelimit import RateLimiter
from bot.schedule import CATCH_UP_LOOKBACK
from briefings.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from briefings.ports import BotStore, NotFound

if TYPE_CHECKING:
    from bot.digests import DigestComposer

log = logging.getLogger(__name__)

MAX_CHAT_MOVES = 3

# Any two instants on one local date, in any two time zones (UTC-12 to UTC+14), are less than
# 50 hours apart. A delivery's idempotency key names the local date of its period, so a slot
# that finds the key of an existing row fires within this of that row's period end (even after
# the subscription's time or time zone changed).
SAME_DAY_SPREAD = timedelta(days=3)


def minimum_retention(grace: timedelta) -> timedelta:
    """The shortest safe age for deleting finished deliveries, given the grace period.

    * The scheduler queues a slot to be sent only if it is at most ``grace`` old (older ones
      become SKIPPED rows, which send nothing); the start-up catch-up looks at slots at most
      :data:`CATCH_UP_LOOKBACK` old. A pruned row's key can only come back for a slot within
      :data:`SAME_DAY_SPREAD` of its period end, so with a retention of at least
      ``max(grace, CATCH_UP_LOOKBACK) + SAME_DAY_SPREAD`` no pruned period is queued or sent
      again, and the start-up catch-up never re-creates a pruned key (a job that fires after
      its process was frozen for longer than the retention may record one as SKIPPED).
    * "Already sent" (:meth:`DeliveryStore.sent_story_ids`) reads the SENT rows whose period
      ended in :data:`SENT_LOOKBACK` before a digest's ``since``: the subscription's
      ``last_digest_at`` (the store keeps those rows whatever their age), or for a first digest
      :data:`FIRST_DIGEST_WINDOW` before a period that ended at most ``grace`` ago.
    * /stats shows today's rows (since 00:00 UTC); FAILED rows, which it also lists, are never
      deleted.
    """
    return max(
        max(grace, CATCH_UP_LOOKBACK) + SAME_DAY_SPREAD,
        grace + FIRST_DIGEST_WINDOW + SENT_LOOKBACK,
        timedelta(days=1),
    )


def minimum_retention_days(grace_hours: float) -> int:
    """:func:`minimum_retention` in whole days, rounded up (for the setting)."""
    return math.ceil(minimum_retention(timedelta(hours=grace_hours)) / timedelta(days=1))


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``base * 2**(attempt-1)``, capped, times a random
    factor in [0.5, 1.0] so that a platform outage does not end in a synchronized stampede."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=30)

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        exponent = min(max(attempt, 1) - 1, 30)
        ceiling = min(self.cap, self.base * (2**exponent))
        return ceiling * rng.uniform(0.5, 1.0)


@dataclass
class OutboxCounters:
    """What the outbox did since it started (for logs, /stats and benchmarks)."""

    sent: int = 0
    skipped_empty: int = 0
    failed: int = 0
    paused: int = 0
    rate_limited: int = 0
    moved: int = 0
    requeued_after_crash: int = 0
    pruned: int = 0
    errors: dict[str, int] = field(default_factory=dict)


def chat_for(subscription: Subscription) -> ChatRef:
    """Where a subscription's digests go."""
    kind = ChatKind.PRIVATE
    if subscription.platform == "telegram" and subscription.chat_id.startswith("-"):
        kind = ChatKind.GROUP  # Telegram's negative ids are groups, supergroups and channels
    return ChatRef(subscription.platform, subscription.chat_id, kind=kind, thread_id=subscription.thread_id)


def message_count(platform: str, reply: Reply) -> int:
    """How many platform messages a reply becomes, so the limiter counts each of them."""
    try:
        if platform == "telegram":
            from bot.render.telegram import render_html

            return max(1, len(render_html(reply)))
        if platform == "discord":
            from bot.render.discord import render_discord

            return max(1, len(render_discord(reply)))
    except Exception:  # a renderer bug must not stop a digest; the adapter will report it
        log.exception("could not count the messages of a %s reply", platform)
    return 1


class Outbox:
    """Durable digest delivery with retries and per-platform rate limits (see the module docstring)."""

    # Sends under way at once. A digest of n messages holds its slot for n - 1 seconds (Telegram
    # allows 1 message/s per chat), so reaching 30 messages/s with 3-part digests takes about
    # 30 / 3 * 2 s = 20 slots plus the time to compose and record; it is also the most digests
    # one crash can duplicate. Database writes are serialised by the outbox (one at a time), so
    # more slots do not mean more concurrent SQLite writers.
    DEFAULT_CONCURRENCY = 48
    # How long a claim holds without renewal. The worker renews its claims every
    # DEFAULT_LEASE / 6; a row whose lease ran out (its process died) is sent again by any outbox.
    DEFAULT_LEASE = timedelta(seconds=30)
    # Pruning: the first run waits for the start-up catch-up; each batch is one short transaction,
    # and other writers get a turn between batches.
    PRUNE_FIRST_AFTER = timedelta(minutes=5)
    PRUNE_EVERY = timedelta(hours=6)
    PRUNE_BATCH = 500
    PRUNE_PAUSE = timedelta(milliseconds=50)

    def __init__(
        self,
        store: BotStore,
        adapters: Mapping[str, Adapter],
        composer: DigestComposer,
        settings: Settings,
        clock: Callable[[], datetime],
        limiters: Mapping[str, RateLimiter] | None = None,
        *,
        concurrency: int | None = None,
        poll_seconds: float = 1.0,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        lease: timedelta | None = None,
        retention: timedelta | None = None,
        prune_batch: int | None = None,
    ) -> None:
        self._store = store
        self._adapters = adapters
        self._composer = composer
        self._clock = clock
        self._limiters = dict(limiters or {})
        self._grace = timedelta(hours=settings.digest_grace_hours)
        self._concurrency = max(1, concurrency or self.DEFAULT_CONCURRENCY)
        self._poll_seconds = poll_seconds
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._chats: dict[str, tuple[str, str, str | None]] = {}  # subscription id -> chat key
        self._claimed: dict[str, asyncio.Task[None]] = {}  # delivery id -> task
        self._busy_subscriptions: set[str] = set()
        self._sending: set[asyncio.Task[None]] = set()
        self._lease = lease or self.DEFAULT_LEASE
        self._retention = retention or timedelta(days=settings.delivery_retention_days)
        safe = minimum_retention(self._grace)
        if self._retention < safe:
            raise ValueError(
                f"a delivery retention of {self._retention} is shorter than the safe minimum of {safe}"
            )
        self._prune_batch = max(1, prune_batch or self.PRUNE_BATCH)
        # One database write at a time from this outbox: with SQLite, concurrent writers wait on
        # the file lock in driver threads (and time out on a busy machine); queueing here is free.
        self._write_lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._pruner: asyncio.Task[None] | None = None
        self._stopping = False
        self.counters = OutboxCounters()

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Re-queue rows whose claim expired (a crash), then start the worker and the lease keeper."""
        await self.recover()
        self._stopping = False
        self._worker = asyncio.create_task(self._run(), name="outbox worker")
        self._keeper = asyncio.create_task(self._keep_leases(), name="outbox leases")
        self._pruner = asyncio.create_task(self._prune_periodically(), name="outbox retention")

    async def recover(self) -> int:
        """Put SENDING rows whose lease ran out back to PENDING (they may have been sent: at most
        once more); load chats. Rows another live outbox holds keep their (renewed) lease."""
        for subscription in await self._store.subscriptions(active_only=False):
            self._remember(subscription)
        return await self._requeue_stale()

    async def _requeue_stale(self) -> int:
        async with self._write_lock:
            interrupted = await self._store.requeue_stale_deliveries(
                self._clock(),
                "interrupted while sending (the bot stopped); sending again (it may arrive twice)",
            )
        if interrupted:
            log.warning("outbox: %d deliveries were in flight when a bot stopped; re-queued", interrupted)
            self.counters.requeued_after_crash += interrupted
            self._wake.set()
        return interrupted

    async def _keep_leases(self) -> None:
        """Renew the leases of the rows this outbox holds, and take back expired ones."""
        interval = max(0.05, self._lease.total_seconds() / 6)
        while not self._stopping:
            await asyncio.sleep(interval)
            try:
                held = list(self._claimed)
                if held:
                    async with self._write_lock:
                        await self._store.renew_claims(held, self._clock() + self._lease)
                await self._requeue_stale()
            except Exception:
                log.exception("outbox: could not renew delivery leases; retrying in %.0fs", interval)

    async def stop(self) -> None:
        """Finish the sends under way, drop the ones still waiting (they stay PENDING), stop."""
        self._stopping = True
        self._wake.set()
        if self._pruner is not None:  # a batch cut short is rolled back: nothing half-deleted
            self._pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pruner
            self._pruner = None
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        waiting = {key: task for key, task in self._claimed.items() if task not in self._sending}
        for task in waiting.values():
            task.cancel()
        tasks = list(self._claimed.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        # Claimed but not sent yet: hand them back now rather than when their lease runs out.
        for key, task in waiting.items():
            if task.cancelled():
                with contextlib.suppress(Exception):
                    await self._write(
                        key, DeliveryStatus.PENDING, error="released at shutdown before sending"
                    )
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None

    # --- retention -----------------------------------------------------------------------------

    @property
    def retention(self) -> timedelta:
        return self._retention

    async def prune(self) -> int:
        """Delete finished deliveries older than the retention, a batch at a time; return how many.

        Each batch is one short transaction (at most ``prune_batch`` rows), taken like the
        outbox's other writes, so the outbox's claims and records get a turn between batches.
        """
        before = self._clock() - self._retention
        removed = 0
        while True:
            async with self._write_lock:
                batch = await self._store.prune_deliveries(
                    before, sent_lookback=SENT_LOOKBACK, limit=self._prune_batch
                )
            removed += batch
            if batch < self._prune_batch or self._stopping:
                break
            await asyncio.sleep(self.PRUNE_PAUSE.total_seconds())
        self.counters.pruned += removed
        if removed:
            log.info(
                "outbox: deleted %d finished deliveries older than %s (before %s)",
                removed,
                self._retention,
                before.isoformat(timespec="seconds"),
            )
        return removed

    async def _prune_periodically(self) -> None:
        delay = self.PRUNE_FIRST_AFTER
        while not self._stopping:
            await asyncio.sleep(delay.total_seconds())
            delay = self.PRUNE_EVERY
            try:
                await self.prune()
            except Exception:
                log.exception("outbox: could not delete old deliveries; trying again in %s", delay)

    # --- enqueueing ----------------------------------------------------------------------------

    async def enqueue(
        self,
        subscription: Subscription,
        period_end: datetime,
        due_at: datetime,
        *,
        idempotency_key: str | None = None,
    ) -> Delivery:
        """Create the period's delivery unless it exists; wake the worker when it is due now."""
        self._remember(subscription)
        key = idempotency_key or _default_key(subscription, period_end)
        delivery, created = await self._store.create_delivery(
            self._new_row(subscription, key, period_end, due_at, DeliveryStatus.PENDING)
        )
        if created and due_at <= self._clock():
            self._wake.set()
        return delivery

    async def record_skipped(
        self, subscription: Subscription, period_end: datetime, key: str, reason: str
    ) -> Delivery:
        """Record a period that will not be sent (missed beyond the grace period); idempotent."""
        delivery, _ = await self._store.create_delivery(
            self._new_row(subscription, key, period_end, period_end, DeliveryStatus.SKIPPED, error=reason)
        )
        return delivery

    def _new_row(
        self,
        subscription: Subscription,
        key: str,
        period_end: datetime,
        due_at: datetime,
        status: DeliveryStatus,
        error: str | None = None,
    ) -> Delivery:
        """A delivery row not yet stored: the period after the subscriber's last digest."""
        return Delivery(
            id="",
            subscription_id=subscription.id,
            idempotency_key=key,
            period_start=subscription.last_digest_at,
            period_end=period_end,
            due_at=due_at,
            status=status,
            attempts=0,
            next_attempt_at=None,
            last_error=error,
            story_ids=(),
            created_at=self._clock(),
            sent_at=None,
        )

    # --- the worker ----------------------------------------------------------------------------

    async def process_due(self) -> int:
        """Claim every delivery due by the clock and wait until each has been handled.

        The worker does the same continuously; tests call this after moving the clock.
        """
        handled = 0
        seen: set[str] = set()  # each row at most once per call, even if it stays due
        while True:
            started = await self._claim(seen)
            if not started and not self._claimed:
                return handled
            handled += started
            if self._claimed:
                await asyncio.gather(*list(self._claimed.values()), return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._claim()
            except Exception:
                log.exception("outbox: could not read due deliveries; retrying in %.0fs", self._poll_seconds)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

    async def _claim(self, seen: set[str] | None = None) -> int:
        """Claim due deliveries and start a task for each, up to the concurrency limit; return how many."""
        free = self._concurrency - len(self._claimed)
        if free <= 0 or self._stopping:
            return 0
        now = self._clock()
        # Rows already handled in this call, or waiting behind a busy subscription, are still due:
        # fetch past them.
        skip = len(self._busy_subscriptions) + (len(seen) if seen else 0)
        due = await self._store.due_deliveries(now, limit=free + skip)
        started = 0
        for delivery in due:
            if started >= free or self._stopping:
                break
            if delivery.id in self._claimed or delivery.subscription_id in self._busy_subscriptions:
                continue  # one send at a time per subscription keeps last_digest_at in order
            if seen is not None and delivery.id in seen:
                continue
            # The compare-and-set: another worker (or process) may have taken it since the query.
            async with self._write_lock:
                claimed = await self._store.claim_delivery(delivery.id, now, lease_until=now + self._lease)
            if claimed is None:
                continue
            if seen is not None:
                seen.add(claimed.id)
            self._busy_subscriptions.add(claimed.subscription_id)
            task = asyncio.create_task(self._handle(claimed), name=f"delivery {claimed.id}")
            self._claimed[claimed.id] = task
            started += 1
        return started

    async def _handle(self, delivery: Delivery) -> None:
        try:
            await self._attempt(delivery)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("outbox: delivery %s failed unexpectedly", delivery.id)
            with contextlib.suppress(Exception):
                await self._fail(delivery, f"internal error: {exc.__class__.__name__}: {exc}")
        finally:
            self._claimed.pop(delivery.id, None)
            self._busy_subscriptions.discard(delivery.subscription_id)
            self._wake.set()

    async def _attempt(self, delivery: Delivery) -> None:
        now = self._clock()
        subscription = await self._current(delivery.subscription_id)
        if subscription is None:
            await self._mark(delivery, DeliveryStatus.SKIPPED, error="the subscription was removed")
            return
        if subscription.status is SubscriptionStatus.PAUSED:
            await self._mark(
                delivery,
                DeliveryStatus.PAUSED,
                error=f"subscription paused: {subscription.paused_reason or 'no reason given'}",
            )
            return
        if subscription.last_digest_at is not None and subscription.last_digest_at >= delivery.period_end:
            await self._mark(
                delivery,
                DeliveryStatus.SKIPPED,
                error="already covered by a later digest that was sent first",
            )
            return
        late = now - delivery.due_at
        if late > self._grace:
            tried = delivery.attempts - 1  # the claim that brought it here counted one
            reason = (
                f"gave up after {tried} attempts; last error: {delivery.last_error}"
                if tried > 0
                else f"not sent within the {self._grace} grace period"
            )
            await self._mark(delivery, DeliveryStatus.SKIPPED, error=reason)
            return
        adapter = self._adapters.get(subscription.platform)
        if adapter is None:
            await self._fail(
                delivery,
                f"no {subscription.platform} adapter is running; "
                f"set its token (BRIEFBOT_{subscription.platform.upper()}_TOKEN)",
            )
            return
        # Compose at send time: withdrawals up to this moment are honoured.
        composed = await self._composer.compose(subscription, delivery.period_end)
        if not composed.briefings and not subscription.send_empty:
            await self._mark(
                delivery, DeliveryStatus.SKIPPED, error="nothing new since the last digest", story_ids=()
            )
            self.counters.skipped_empty += 1
            return
        reply = composed.reply()
        story_ids = composed.story_ids
        chat = chat_for(subscription)
        limiter = self._limiters.get(subscription.platform)
        # Exactly one place acquires the platform's budget: an adapter that paces each message
        # it sends (Telegram: every part of a long digest, and replies) does it itself; for the
        # others the outbox acquires once per send, weighted by the messages it becomes.
        pacing = None if getattr(adapter, "paces_sends", False) else limiter
        weight = message_count(subscription.platform, reply) if pacing is not None else 1
        task = asyncio.current_task()
        for _ in range(MAX_CHAT_MOVES + 1):
            if pacing is not None:
                await pacing.acquire(chat.chat_id, chat.kind is not ChatKind.PRIVATE, weight)
            # From here on the send is "in flight": stop() lets it finish, a crash re-sends it.
            if task is not None:
                self._sending.add(task)
            try:
                # The row is SENDING since it was claimed; nothing to write before the send.
                await adapter.send(chat, reply)
            except ChatMoved as moved:
                await self._store.move_chat(chat.platform, chat.chat_id, moved.new_chat_id)
                log.info(
                    "outbox: %s chat %s moved to %s; resending digest %s",
                    chat.platform,
                    chat.chat_id,
                    moved.new_chat_id,
                    delivery.id,
                )
                chat = replace(chat, chat_id=moved.new_chat_id)
                self._chats[subscription.id] = (chat.platform, chat.chat_id, chat.thread_id)
                self.counters.moved += 1
                continue
            except RecipientGone as gone:
                reason = f"{chat.platform} refused delivery: {gone}"
                await self._store.pause_subscription(subscription.id, reason)
                await self._mark(delivery, DeliveryStatus.PAUSED, error=reason)
                self.counters.paused += 1
                log.warning("outbox: subscription %s paused: %s", subscription.id, reason)
                return
            except RateLimited as limited:
                if limiter is not None:
                    limiter.hold(limited.retry_after)
                retry_at = self._clock() + timedelta(seconds=max(limited.retry_after, 0.0))
                await self._mark(
                    delivery,
                    DeliveryStatus.PENDING,
                    next_attempt_at=retry_at,
                    error=f"rate limited by {chat.platform}: retry after {limited.retry_after:g}s",
                )
                self.counters.rate_limited += 1
                return
            except Exception as exc:
                await self._fail(delivery, f"{exc.__class__.__name__}: {exc}")
                return
            else:
                # Still "in flight" until recorded, so that stop() waits for the record too.
                await self._mark_sent(delivery, story_ids)
                return
            finally:
                if task is not None:
                    self._sending.discard(task)
        await self._fail(delivery, f"the chat moved more than {MAX_CHAT_MOVES} times in one send")

    # --- helpers -------------------------------------------------------------------------------

    def _remember(self, subscription: Subscription) -> None:
        self._chats[subscription.id] = (subscription.platform, subscription.chat_id, subscription.thread_id)

    async def _current(self, subscription_id: str) -> Subscription | None:
        """The subscription as stored now (status, topics and last digest may have changed)."""
        chat = self._chats.get(subscription_id)
        if chat is not None:
            found = await self._store.subscription_for_chat(*chat)
            if found is not None and found.id == subscription_id:
                return found
        # Unknown here, or its chat moved: look it up among all of them once.
        for subscription in await self._store.subscriptions(active_only=False):
            self._remember(subscription)
        chat = self._chats.get(subscription_id)
        if chat is None:
            return None
        found = await self._store.subscription_for_chat(*chat)
        return found if found is not None and found.id == subscription_id else None

    async def _mark(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        story_ids: Sequence[str] | None = None,
    ) -> None:
        try:
            await self._write(
                delivery.id, status, error=error, next_attempt_at=next_attempt_at, story_ids=story_ids
            )
        except NotFound:
            log.info("outbox: delivery %s disappeared (its subscription was deleted)", delivery.id)

    async def _write(
        self,
        delivery_id: str,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        story_ids: Sequence[str] | None = None,
    ) -> None:
        async with self._write_lock:
            await self._store.mark_delivery(
                delivery_id, status, error=error, next_attempt_at=next_attempt_at, story_ids=story_ids
            )

    async def _mark_sent(self, delivery: Delivery, story_ids: Sequence[str]) -> None:
        # The message is out: try hard to record it. If the database stays unavailable the row
        # is left SENDING (never FAILED, which would resend it at once); a restart resends it,
        # which is the documented in-flight duplicate.
        for attempt in range(8):
            try:
                await self._mark(delivery, DeliveryStatus.SENT, story_ids=story_ids)
                self.counters.sent += 1
                return
            except Exception as exc:
                log.warning("outbox: could not record delivery %s as sent (%s); retrying", delivery.id, exc)
                await asyncio.sleep(min(10.0, 0.2 * 2**attempt))
        log.error("outbox: delivery %s was sent but could not be recorded; it stays SENDING", delivery.id)
        self.counters.errors["unrecorded"] = self.counters.errors.get("unrecorded", 0) + 1

    async def _fail(self, delivery: Delivery, error: str) -> None:
        attempt = max(1, delivery.attempts)  # the claim counted this attempt
        retry_at = self._clock() + self._retry.delay(attempt, self._rng)
        await self._mark(delivery, DeliveryStatus.FAILED, error=error, next_attempt_at=retry_at)
        self.counters.failed += 1
        kind = error.split(":", 1)[0]
        self.counters.errors[kind] = self.counters.errors.get(kind, 0) + 1
        log.warning(
            "outbox: delivery %s failed (attempt %d), retrying at %s: %s",
            delivery.id,
            attempt,
            retry_at.isoformat(timespec="seconds"),
            error,
        )


def _default_key(subscription: Subscription, period_end: datetime) -> str:
    local_date = period_end.astimezone(ZoneInfo(subscription.timezone)).date()
    return f"{subscription.id}:{local_date.isoformat()}"
