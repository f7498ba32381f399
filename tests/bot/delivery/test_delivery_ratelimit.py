"""The per-platform rate limiter on simulated time: every window holds, nobody waits for nothing."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque

from delivery_helpers import settings

from bot.ratelimit import RateLimiter


class SimulatedTime:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def max_in_window(stamps: list[float], window: float) -> int:
    best, recent = 0, deque[float]()
    for stamp in sorted(stamps):
        recent.append(stamp)
        while recent[0] <= stamp - window + 1e-9:  # float sums of 1/30 s
            recent.popleft()
        best = max(best, len(recent))
    return best


def telegram(time: SimulatedTime, margin: float = 0.0) -> RateLimiter:
    return RateLimiter.telegram(settings(), clock=time.clock, sleep=time.sleep, margin=margin)


async def test_global_limit_of_30_per_second_is_kept_and_reached() -> None:
    time = SimulatedTime()
    limiter = telegram(time)
    stamps: list[float] = []
    for chat in range(300):  # 300 different private chats, one message each
        await limiter.acquire(str(chat))
        stamps.append(time.now)
    assert max_in_window(stamps, 1.0) <= 30
    assert 9.9 <= time.now <= 10.0  # 300 messages evenly spaced at 30/s: 299 gaps of 1/30 s


async def test_one_message_per_second_per_chat() -> None:
    time = SimulatedTime()
    limiter = telegram(time)
    stamps = []
    for _ in range(5):
        await limiter.acquire("7")
        stamps.append(time.now)
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [1.0] * 4


async def test_twenty_per_minute_per_group() -> None:
    time = SimulatedTime()
    limiter = telegram(time)
    stamps = []
    for _ in range(45):
        await limiter.acquire("-100", is_group=True)
        stamps.append(time.now)
    assert max_in_window(stamps, 60.0) == 20
    assert max_in_window(stamps, 1.0) == 1
    assert (stamps[19], stamps[20], stamps[40]) == (19.0, 60.0, 120.0)  # 21st and 41st wait for the minute


async def test_concurrent_senders_share_the_budget() -> None:
    time = SimulatedTime()
    limiter = telegram(time, margin=0.02)
    stamps: list[float] = []

    async def send(chat: str) -> None:
        await limiter.acquire(chat)
        stamps.append(time.now)

    await asyncio.gather(*(send(str(n % 120)) for n in range(240)))
    assert max_in_window(stamps, 1.0) <= 30
    assert len(stamps) == 240
    assert time.now < 240 / 30 * 1.02 * 1.25  # and most of the budget is used, not wasted


async def test_a_multi_part_message_counts_each_part() -> None:
    time = SimulatedTime()
    limiter = telegram(time)
    await limiter.acquire("7", weight=3)
    await limiter.acquire("7")
    assert time.now == 3.0  # the chat's next three slots were taken by the three parts
    await limiter.acquire("-5", is_group=True, weight=20)
    await limiter.acquire("-5", is_group=True)
    assert time.now >= 60.0


async def test_hold_obeys_retry_after_for_everyone() -> None:
    time = SimulatedTime()
    limiter = telegram(time)
    await limiter.acquire("1")
    limiter.hold(5.0)
    await limiter.acquire("2")
    assert time.now == 5.0
    limiter.hold(3.0, chat_key="3")
    await limiter.acquire("4")
    assert time.now < 5.1  # other chats are not held
    await limiter.acquire("3")
    assert time.now == 8.0


async def test_discord_has_one_global_cap() -> None:
    time = SimulatedTime()
    limiter = RateLimiter.discord(
        settings(discord_rate_global=10), clock=time.clock, sleep=time.sleep, margin=0
    )
    stamps = []
    for _ in range(25):
        await limiter.acquire("same-channel")  # discord.py keeps per-route buckets itself
        stamps.append(time.now)
    assert max_in_window(stamps, 1.0) == 10
    assert 2.39 <= time.now < 2.41  # evenly spaced: 24 gaps of 0.1 s


async def test_fractional_rates_and_memory_stays_bounded() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(global_per_second=0.5, clock=time.clock, sleep=time.sleep, margin=0)
    await limiter.acquire("a")
    await limiter.acquire("b")
    assert time.now == 2.0
    fast = RateLimiter(global_per_second=1e9, per_chat_per_second=1.0, clock=time.clock, sleep=time.sleep)
    for chat in range(20_000):
        await fast.acquire(str(chat))
        time.now += 0.001
    assert len(fast._chat_stamps) < 5_000  # chats idle for a whole window are forgotten


async def test_a_message_answered_late_keeps_the_next_ones_away_from_its_arrival() -> None:
    """Telegram counts arrivals: a message answered 300 ms later than usual may have arrived
    300 ms late; counted there, no second holds more than 30 arrivals, and the next message to
    its chat comes a full second after it."""
    time = SimulatedTime()
    limiter = RateLimiter(
        global_per_second=30, per_chat_per_second=1, clock=time.clock, sleep=time.sleep, margin=0
    )
    quick = await limiter.acquire_at("warm-up")
    time.now += 0.01
    limiter.delivered("warm-up", quick)  # the usual answer time: 10 ms
    late = await limiter.acquire_at("slow")
    time.now += 0.31
    limiter.delivered("slow", late)  # 300 ms longer than usual
    arrivals = [quick, late + 0.3]
    for number in range(60):
        granted = await limiter.acquire_at(f"chat {number}")
        arrivals.append(granted)
        time.now += 0.01
        limiter.delivered(f"chat {number}", granted)
    assert max_in_window(arrivals, 1.0) <= 30
    following = await limiter.acquire_at("slow")
    assert following >= late + 0.3 + 1.0 - 1e-9


async def test_answers_at_the_usual_speed_move_nothing() -> None:
    time = SimulatedTime()
    limiter = RateLimiter(global_per_second=30, clock=time.clock, sleep=time.sleep, margin=0)
    grants = []
    for number in range(60):
        granted = await limiter.acquire_at(str(number))
        time.now += 0.005
        limiter.delivered(str(number), granted)
        grants.append(granted)
    # Even spacing of 1/30 s, never slower: the correction costs nothing when nothing is late.
    assert grants[-1] - grants[0] <= 59 / 30 + 1e-6
