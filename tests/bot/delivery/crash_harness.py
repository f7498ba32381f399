"""Killing the real ``briefbot run`` process with SIGKILL in the middle of a fan-out.

Shared by ``tests/bot/delivery/test_delivery_crash.py`` and ``bench/crash.py``. The harness
seeds a SQLite file (published stories and subscriptions whose digest time has just passed,
with yesterday's digest delivered, so the scheduler's catch-up starts the fan-out as soon as
the bot starts), runs the loopback Bot API server in this process, starts ``briefbot run``
against both, kills it at random moments, restarts it, and finally counts what every chat
received. Nothing in ``bot/`` knows it is being tested: the clock is the real one.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from telegram_server import RateLimits, TelegramTestServer

from briefings.models import ArticleInput, DeliveryStatus, Subscription, SubscriptionStatus
from briefings.newsroom import Newsroom
from storage import SqlStore, create_engine, upgrade
from storage.tables import DeliveryRow

ROOT = Path(__file__).resolve().parents[3]
DIGEST_PREFIXES = ("Your briefing digest", "Nothing new")
_STATUS = DeliveryRow.__table__.c.status

_TOWNS = ("Abernethy", "Brackwater", "Calderon", "Dunmore", "Eskdale", "Fairholm", "Glenrock", "Hawksley")
_THEMES = ("harbour", "orchard", "glacier", "meadow", "lantern", "quarry", "violin", "canyon")


@dataclass
class CrashReport:
    """What the chats received after every kill and restart."""

    subscribers: int
    kills: int = 0
    in_flight_at_kills: list[int] = field(default_factory=list)  # SENDING rows right after each kill
    digests_per_chat: Counter[int] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)  # final delivery rows by status
    too_many_requests: int = 0
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return self.subscribers - len(self.digests_per_chat)

    @property
    def duplicated(self) -> int:
        return sum(count - 1 for count in self.digests_per_chat.values() if count > 1)

    @property
    def duplicate_bound(self) -> int:
        """At most one extra copy per row that was in flight at a kill."""
        return sum(self.in_flight_at_kills)

    @property
    def over_twice(self) -> int:
        """Chats that got a digest more often than the crashes can explain (never more than 2 here
        unless one row was in flight at two kills)."""
        return sum(1 for count in self.digests_per_chat.values() if count > 2)


async def seed(url: str, subscribers: int, now: datetime) -> list[str]:
    """Stories published an hour ago and subscriptions due a minute ago (yesterday's digest
    sent); returns the chat ids."""
    await upgrade(url)
    engine = create_engine(url)
    try:
        store = SqlStore(engine)
        newsroom = Newsroom(store, clock=lambda: now - timedelta(hours=1))
        for number, theme in enumerate(_THEMES):
            town = _TOWNS[number]
            text = (
                f"The {theme} council in {town} approved a plan on Monday. "
                f"The {theme} plan in {town} covers new paths, a {theme} museum and {number + 3} bridges. "
                f"Residents of {town} will vote on the {theme} proposal next month."
            )
            await newsroom.ingest(
                ArticleInput(text=text, title=f"{town} approves {theme} plan", source="Crash Gazette"),
                added_by="bench",
            )
        due = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
        chats = []
        for number in range(subscribers):
            chat_id = str(5_000_000 + number) if number % 4 else str(-5_000_000 - number)
            chats.append(chat_id)
            await store.upsert_subscription(
                Subscription(
                    id="",
                    platform="telegram",
                    chat_id=chat_id,
                    thread_id=None,
                    subscriber_id=f"telegram:{number}",
                    local_time=due.time(),
                    timezone="UTC",
                    days="daily",
                    topics=(),
                    send_empty=True,
                    status=SubscriptionStatus.ACTIVE,
                    paused_reason=None,
                    created_at=now - timedelta(days=3),
                    last_digest_at=due - timedelta(days=1),
                )
            )
        return chats
    finally:
        await engine.dispose()


async def _in_flight(url: str) -> tuple[int, int]:
    """(SENDING rows, rows not yet finished) in the database right now."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(_STATUS, func.count()).group_by(_STATUS)
                )
            ).all()
    finally:
        await engine.dispose()
    counts = {status: count for status, count in rows}
    unfinished = sum(
        counts.get(status.value, 0)
        for status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED)
    )
    return counts.get(DeliveryStatus.SENDING.value, 0), unfinished


def _command() -> list[str]:
    script = Path(sys.executable).with_name("briefbot")
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "run"]


async def run_crashes(
    directory: Path,
    *,
    subscribers: int,
    kills: int,
    kill_after: tuple[float, float] = (1.0, 4.0),
    rng: random.Random | None = None,
    finish_within: float = 300.0,
    log: bool = False,
) -> CrashReport:
    """Seed, then run ``briefbot run`` and SIGKILL it ``kills`` times at random moments; let the
    last run finish the fan-out; count what each chat received."""
    rng = rng or random.Random()
    url = f"sqlite+aiosqlite:///{directory / 'crash.db'}"
    started = time.monotonic()
    chats = await seed(url, subscribers, datetime.now(UTC))
    report = CrashReport(subscribers)
    async with TelegramTestServer(limits=RateLimits()) as server:
        env = {
            **os.environ,
            "BRIEFBOT_DATABASE_URL": url,
            "BRIEFBOT_TELEGRAM_TOKEN": server.token,
            "BRIEFBOT_TELEGRAM_API_URL": server.api_url,
            "BRIEFBOT_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("BRIEFBOT_DISCORD_TOKEN", None)

        async def start() -> asyncio.subprocess.Process:
            output = None if log else asyncio.subprocess.DEVNULL
            return await asyncio.create_subprocess_exec(
                *_command(), cwd=directory, env=env, stdout=output, stderr=output
            )

        for _ in range(kills):
            process = await start()
            # Kill once the fan-out is under way (or at a random moment of start-up).
            await asyncio.sleep(rng.uniform(*kill_after))
            if process.returncode is not None:
                raise RuntimeError(f"briefbot run exited by itself with code {process.returncode}")
            process.send_signal(signal.SIGKILL)
            await process.wait()
            report.kills += 1
            sending, unfinished = await _in_flight(url)
            report.in_flight_at_kills.append(sending)
            if unfinished == 0 and report.kills > 1:
                break  # the fan-out finished before this kill: more kills would test nothing
        process = await start()
        try:
            deadline = time.monotonic() + finish_within
            while time.monotonic() < deadline:
                await asyncio.sleep(0.5)
                _, unfinished = await _in_flight(url)
                delivered = {m.chat_id for m in server.sent if m.plain.startswith(DIGEST_PREFIXES)}
                if unfinished == 0 and len(delivered) >= subscribers:
                    break
            await asyncio.sleep(0.5)  # anything still on the wire arrives
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    await process.wait()
        wanted = {int(chat) for chat in chats}
        report.digests_per_chat = Counter(
            m.chat_id for m in server.sent if m.plain.startswith(DIGEST_PREFIXES) and m.chat_id in wanted
        )
        report.too_many_requests = sum(1 for _, _, error in server.rejected if error.status == 429)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(_STATUS, func.count()).group_by(_STATUS)
                )
            ).all()
        report.rows = Counter({status: count for status, count in rows})
    finally:
        await engine.dispose()
    report.seconds = time.monotonic() - started
    return report
