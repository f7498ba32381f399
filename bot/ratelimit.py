"""Per-platform send rate limits, shared by digests and replies.

One :class:`RateLimiter` per platform is built by the composition root and used by every
send to that platform, so that replies and digests draw from the same budget. Limits are
sliding windows ("at most N messages in any W seconds"), which is what Telegram enforces
and is stricter than a token bucket of the same rate: a sender that obeys the window never
sees a 429 from a platform that counts the same way.

Telegram: 30 messages/s overall, 1/s per chat, 20/min per group (all from settings).
Discord: discord.py keeps its own per-route buckets; we add one global cap on top.

A small safety ``margin`` widens every window (2 % by default) so that network jitter
between our clock and the platform's cannot turn a message sent on the edge into a 429.

The platform counts a message when it *arrives*, and we only know when we let it go. A message
held up on its way out (a busy event loop, a slow connection) arrives late, bunched with the
ones after it. :meth:`RateLimiter.delivered` corrects for that: when the answer comes, the
message's place in every window is moved later by how much longer than usual it took, so the
messages that follow keep their distance from when it really arrived.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.config import Settings

Sleep = Callable[[float], Awaitable[object]]


@dataclass
class _Window:
    """At most ``capacity`` events in any ``seconds``-long window.

    A ``smooth`` window also spaces events evenly, ``seconds / capacity`` apart, on a virtual
    schedule: a sender that wakes up a few milliseconds late does not push every later slot
    back, so event-loop lateness does not eat into the rate. The sliding window still bounds
    every burst.
    """

    capacity: int
    seconds: float
    smooth: bool = False
    next_at: float = 0.0  # the virtual schedule's next slot (smooth windows only)

    @classmethod
    def per_second(cls, rate: float, margin: float, smooth: bool = False) -> _Window:
        # A fractional rate (0.5/s) becomes "1 in 2 s"; 30/s becomes "30 in 1 s".
        capacity = max(1, math.floor(rate))
        return cls(capacity, capacity / rate * (1.0 + margin), smooth)

    @property
    def step(self) -> float:
        return self.seconds / self.capacity

    def wait(self, stamps: deque[float], now: float, weight: int) -> float:
        """Seconds until ``weight`` more events fit (0 when they fit now); prunes old stamps."""
        horizon = now - self.seconds
        while stamps and stamps[0] <= horizon:
            stamps.popleft()
        delay = 0.0
        if self.smooth:
            delay = self.next_at - now
        needed = min(weight, self.capacity)
        free = self.capacity - len(stamps)
        if free >= needed:
            return delay
        # The (needed - free) oldest stamps must leave the window first.
        return max(delay, stamps[needed - free - 1] + self.seconds - now)

    def taken(self, now: float, weight: int) -> None:
        if self.smooth:
            # Late by less than a step: the schedule keeps its slots (the next event may come a
            # little sooner). Later than that: it restarts from one step ago, not from scratch.
            self.next_at = max(self.next_at, now - self.step) + self.step * weight


class RateLimiter:
    """Waits until a message may go to a chat without breaking any of the platform's limits.

    ``acquire`` returns when the message may be sent and records it. ``hold`` obeys a 429's
    ``retry_after`` for every later sender. The clock (seconds, monotonic) and the sleep
    function are injectable so that tests run on simulated time.
    """

    def __init__(
        self,
        *,
        global_per_second: float,
        per_chat_per_second: float | None = None,
        group_per_minute: int | None = None,
        platform: str = "",
        margin: float = 0.02,
        smooth: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.platform = platform
        self._clock = clock
        self._sleep = sleep
        # The global window is also smoothed: a burst of 30 at once, then another 30 exactly a
        # window later, turns into 429s as soon as network latency varies; evenly spaced sends
        # survive tens of milliseconds of jitter at the same average rate.
        self._global = _Window.per_second(global_per_second, margin, smooth=smooth)
        self._chat = _Window.per_second(per_chat_per_second, margin) if per_chat_per_second else None
        self._group = _Window(group_per_minute, 60.0 * (1.0 + margin)) if group_per_minute else None
        self._global_stamps: deque[float] = deque()
        self._chat_stamps: dict[str, deque[float]] = {}
        self._group_stamps: dict[str, deque[float]] = {}
        self._hold_until = 0.0
        self._chat_hold_until: dict[str, float] = {}
        self._since_sweep = 0
        self._latencies: deque[float] = deque(maxlen=64)  # recent grant-to-answer times
        self.granted = 0
        self.waited_seconds = 0.0
        self._last_wait = 0.0
        self.holds = 0

    @classmethod
    def telegram(cls, settings: Settings, **options: object) -> RateLimiter:
        """Telegram's three limits from settings."""
        return cls(
            global_per_second=settings.telegram_rate_global,
            per_chat_per_second=settings.telegram_rate_per_chat,
            group_per_minute=settings.telegram_rate_per_group_minute,
            platform="telegram",
            **options,  # type: ignore[arg-type]
        )

    @classmethod
    def discord(cls, settings: Settings, **options: object) -> RateLimiter:
        """Our global cap for Discord; discord.py handles the per-route buckets itself."""
        return cls(
            global_per_second=settings.discord_rate_global,
            platform="discord",
            **options,  # type: ignore[arg-type]
        )

    async def acquire(self, chat_key: str, is_group: bool = False, weight: int = 1) -> float:
        """Wait until ``weight`` messages may go to ``chat_key`` now; record them; return the wait.

        ``weight`` is how many platform messages one send will make (a long digest split
        in two counts twice against the global and group windows).
        """
        await self.acquire_at(chat_key, is_group, weight)
        return self._last_wait  # set by acquire_at just before it returned

    async def acquire_at(self, chat_key: str, is_group: bool = False, weight: int = 1) -> float:
        """Like :meth:`acquire`, but return the moment the send was granted (on the limiter's
        clock), to hand to :meth:`delivered` when the platform has answered."""
        weight = max(1, weight)
        waited = 0.0
        while True:
            now = self._clock()
            delay = self._delay(chat_key, is_group, weight, now)
            if delay <= 0:
                self._record(chat_key, is_group, weight, now)
                self.granted += weight
                self.waited_seconds += waited
                self._last_wait = waited
                return now
            await self._sleep(delay)
            waited += delay

    def delivered(self, chat_key: str, granted_at: float, is_group: bool = False) -> None:
        """The platform answered the one message granted at ``granted_at``: if it took longer than
        the quickest recent answers, it may have arrived that much later than granted, so its
        stamps move that much later (the next messages then wait for it)."""
        took = self._clock() - granted_at
        self._latencies.append(took)
        # At most a window later: an answer that took seconds (a timeout) says little about arrival.
        late = min(took - min(self._latencies), self._global.seconds)
        if late <= 0.001:
            return
        self._shift(self._global_stamps, granted_at, late)
        if self._chat is not None:
            stamps = self._chat_stamps.get(chat_key)
            if stamps:
                self._shift(stamps, granted_at, late)
        if is_group and self._group is not None:
            stamps = self._group_stamps.get(chat_key)
            if stamps:
                self._shift(stamps, granted_at, late)

    @staticmethod
    def _shift(stamps: deque[float], stamp: float, by: float) -> None:
        """Move one occurrence of ``stamp`` later by ``by``, keeping ``stamps`` in order."""
        for index in range(len(stamps) - 1, -1, -1):
            if stamps[index] == stamp:
                break
        else:
            return  # already out of the window
        del stamps[index]
        moved = stamp + by
        position = len(stamps)
        while position > 0 and stamps[position - 1] > moved:
            position -= 1
        stamps.insert(position, moved)

    def hold(self, seconds: float, chat_key: str | None = None) -> None:
        """Obey a platform's "retry after": nobody sends (to ``chat_key``, or at all) for ``seconds``."""
        until = self._clock() + max(0.0, seconds)
        self.holds += 1
        if chat_key is None:
            self._hold_until = max(self._hold_until, until)
        else:
            self._chat_hold_until[chat_key] = max(self._chat_hold_until.get(chat_key, 0.0), until)

    def _delay(self, chat_key: str, is_group: bool, weight: int, now: float) -> float:
        delay = max(self._hold_until - now, self._chat_hold_until.get(chat_key, 0.0) - now)
        delay = max(delay, self._global.wait(self._global_stamps, now, weight))
        if self._chat is not None:
            stamps = self._chat_stamps.get(chat_key)
            if stamps:
                # Messages to one chat are spaced one by one, whatever the weight.
                delay = max(delay, self._chat.wait(stamps, now, 1))
        if is_group and self._group is not None:
            stamps = self._group_stamps.get(chat_key)
            if stamps:
                delay = max(delay, self._group.wait(stamps, now, weight))
        return delay

    def _record(self, chat_key: str, is_group: bool, weight: int, now: float) -> None:
        step = self._global.step if self._global.smooth else 0.0
        for index in range(weight):
            self._global_stamps.append(now + index * step)
        self._global.taken(now, weight)
        if self._chat is not None:
            stamps = self._chat_stamps.setdefault(chat_key, deque())
            # A multi-part send occupies the chat's next slots, so the next message waits for all.
            for index in range(weight):
                stamps.append(now + index * self._chat.seconds / self._chat.capacity)
        if is_group and self._group is not None:
            stamps = self._group_stamps.setdefault(chat_key, deque())
            for _ in range(weight):
                stamps.append(now)
        self._since_sweep += 1
        if self._since_sweep >= 5000:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Forget chats whose windows are empty, so memory stays bounded by recent chats."""
        self._since_sweep = 0
        for table, window in ((self._chat_stamps, self._chat), (self._group_stamps, self._group)):
            if window is None:
                continue
            stale = [key for key, stamps in table.items() if not stamps or stamps[-1] <= now - window.seconds]
            for key in stale:
                del table[key]
        self._chat_hold_until = {key: until for key, until in self._chat_hold_until.items() if until > now}
