"""Digest fan-out: the outbox sending to 1k, 10k and 100k subscribers through the Telegram
adapter (python-telegram-bot) against the loopback Bot API server enforcing Telegram's three
flood limits (30 messages/s overall, 1/s per chat, 20/min per group) and answering 429 with
``retry_after`` when they are broken.

For each size it prints:

* sustained send rate as a fraction of the 30/s cap (target >= 95 %), measured from the
  first accepted message to the last in the window;
* 429s answered by the server (target 0);
* lost digests (rows marked SENT that the server never accepted, or rows given up) and
  duplicated digests (a chat that got more than one) (target 0 for both);
* digest build time: ``DigestComposer.compose_many`` for every subscriber (1-2 topic keywords
  each; yesterday's digest of each carried 3 older stories, half of which gained a fact since,
  so updates and "already sent" are exercised), measured in full. The outbox's own
  ``compose`` at send time uses the same pools (one per digest period, refreshed by one
  query per call);
* messages per digest (a long digest is several Telegram messages, each paced by the limiter);
* peak resident memory of the process (bot and server share it);
* the 1-minute load average when the size finished: the machine may be shared, and a busy
  event loop is what costs rate.

Sending 100k digests at 30/s takes ~55 minutes, so sizes above ``--full-up-to`` (default
1,000) send for a bounded window (``--window``, default 60 s) and report the rate over that
window; the rest of their rows stay PENDING, which is counted, not lost.

Setup is done in bulk (subscriptions and the due delivery rows inserted with one statement
each, as the scheduler's enqueue would have left them). The corpus is read from
../shared/corpus/bbc_dev.jsonl. Run: python bench/fanout.py [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
CORPUS = ROOT.parent / "shared" / "corpus"

from sqlalchemy import insert  # noqa: E402
from telegram_server import RateLimits, TelegramTestServer  # noqa: E402

from bot.adapters.telegram import TelegramAdapter  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery import Outbox  # noqa: E402
from bot.digests import DigestComposer  # noqa: E402
from bot.ratelimit import RateLimiter  # noqa: E402
from briefings.models import ArticleInput, DeliveryStatus  # noqa: E402
from briefings.newsroom import Newsroom  # noqa: E402
from storage import SqlStore, create_engine, upgrade  # noqa: E402
from storage.tables import DeliveryRow, SubscriptionRow  # noqa: E402

CAP = 30.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def ingest_corpus(
    store: SqlStore, articles: int, now: datetime, old: int
) -> tuple[list[str], list[str]]:
    """Publish ``articles`` BBC dev articles, the first ``old`` of them two days ago (before the
    subscribers' last digest); return the topics the stories got and the old stories' ids."""
    topics: Counter[str] = Counter()
    old_ids: list[str] = []
    past = Newsroom(store, clock=lambda: now - timedelta(days=2))
    recent = Newsroom(store, clock=lambda: now - timedelta(hours=2))
    with (CORPUS / "bbc_dev.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= articles:
                break
            row = json.loads(line)
            newsroom = past if number < old else recent
            result = await newsroom.ingest(
                ArticleInput(
                    text=row["text"],
                    title=row["title"],
                    source=f"BBC {row['category']}",
                    external_id=row["id"],
                ),
                added_by="bench",
            )
            if result.story is not None:
                topics.update(topic.lower() for topic in result.story.topics)
                if number < old and result.story.id not in old_ids:
                    old_ids.append(result.story.id)
    # Half of the old stories gained a fact since the last digest: they come back as updates.
    for story_id in old_ids[::2]:
        await recent.add_fact(story_id, "Ann Example leads the follow-up inquiry", added_by="bench")
    return [topic for topic, _ in topics.most_common(40)], old_ids


async def add_subscribers(
    store: SqlStore, count: int, topics: list[str], now: datetime, rng: random.Random
) -> list[tuple[int, str]]:
    """Bulk-insert subscriptions (a fifth of them groups) with one or two topic keywords each."""
    rows = []
    for number in range(count):
        group = number % 5 == 0
        rows.append(
            {
                "platform": "telegram",
                "chat_id": str(-(10**12) - number if group else 10**6 + number),
                "thread_id": "",
                "subscriber_id": f"telegram:{number}",
                "local_time": "08:00",
                "timezone": "Europe/London",
                "days": "daily",
                "topics": rng.sample(topics, rng.choice((1, 2))),
                "send_empty": True,
                "status": "active",
                "paused_reason": None,
                "created_at": now - timedelta(days=3),
                "last_digest_at": now - timedelta(days=1),
            }
        )
    async with store.engine.begin() as connection:
        await connection.execute(insert(SubscriptionRow.__table__), rows)
    subscriptions = await store.subscriptions()
    return [(int(s.id), s.chat_id) for s in subscriptions]


async def add_sent_yesterday(
    store: SqlStore, ids: list[tuple[int, str]], yesterday: datetime, old_ids: list[str], rng: random.Random
) -> None:
    """Yesterday's digests, as the outbox recorded them: each carried a few of the old stories."""
    rows = [
        {
            "subscription_id": sid,
            "idempotency_key": f"{sid}:{yesterday.date().isoformat()}",
            "period_start": None,
            "period_end": yesterday,
            "due_at": yesterday,
            "status": "sent",
            "attempts": 1,
            "next_attempt_at": None,
            "last_error": None,
            "story_ids": rng.sample(old_ids, min(len(old_ids), 3)),
            "created_at": yesterday,
            "sent_at": yesterday,
        }
        for sid, _ in ids
    ]
    async with store.engine.begin() as connection:
        for start in range(0, len(rows), 20_000):
            await connection.execute(insert(DeliveryRow.__table__), rows[start : start + 20_000])


async def add_due_deliveries(store: SqlStore, ids: list[tuple[int, str]], now: datetime) -> None:
    rows = [
        {
            "subscription_id": sid,
            "idempotency_key": f"{sid}:{now.date().isoformat()}",
            "period_start": None,
            "period_end": now,
            "due_at": now,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": None,
            "last_error": None,
            "story_ids": [],
            "created_at": now,
            "sent_at": None,
        }
        for sid, _ in ids
    ]
    async with store.engine.begin() as connection:
        for start in range(0, len(rows), 20_000):
            await connection.execute(insert(DeliveryRow.__table__), rows[start : start + 20_000])


async def build_time(composer: DigestComposer, store: SqlStore, now: datetime) -> tuple[float, int, float, int]:
    """Seconds to compose every subscriber's digest in one batch (the fan-out path), measured."""
    subscriptions = await store.subscriptions()
    started = time.perf_counter()
    composed = await composer.compose_many(subscriptions, now)
    elapsed = time.perf_counter() - started
    stories = sum(len(digest.briefings) for digest in composed.values())
    updates = sum(len(digest.updated_story_ids) for digest in composed.values())
    return elapsed, len(subscriptions), stories / max(1, len(subscriptions)), updates


async def run(
    size: int, window: float, full_up_to: int, articles: int, concurrency: int
) -> dict[str, object]:
    rng = random.Random(size)
    logging.getLogger("bot").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'fanout.db'}"
        await upgrade(url)
        engine = create_engine(url)
        store = SqlStore(engine)
        try:
            newsroom = Newsroom(store)
            now = datetime.now(UTC)
            topics, old_ids = await ingest_corpus(store, articles, now, old=20)
            ids = await add_subscribers(store, size, topics, now - timedelta(seconds=1), rng)
            await add_sent_yesterday(store, ids, now - timedelta(days=1), old_ids, rng)
            period_end = now - timedelta(seconds=1)
            build_seconds, built, per_digest, updates = await build_time(
                DigestComposer(newsroom, store), store, period_end
            )
            await add_due_deliveries(store, ids, period_end)
            composer = DigestComposer(newsroom, store)  # a fresh one: the outbox builds its own pools

            async with TelegramTestServer(limits=RateLimits()) as server:
                settings = Settings(
                    _env_file=None,
                    database_url=url,
                    telegram_token=server.token,
                    telegram_api_url=server.api_url,
                )
                # One limiter, as bot/app.py wires it: the adapter paces every message with it.
                limiter = RateLimiter.telegram(settings)
                adapter = TelegramAdapter(settings, [], limiter=limiter)

                async def nobody(message: object) -> list[object]:
                    return []

                await adapter.start(nobody)  # type: ignore[arg-type]
                outbox = Outbox(
                    store,
                    {"telegram": adapter},
                    composer,
                    settings,
                    lambda: datetime.now(UTC),
                    limiters={"telegram": limiter},
                    poll_seconds=0.2,
                    concurrency=concurrency,
                )
                full = size <= full_up_to
                started = time.monotonic()
                await outbox.start()
                try:
                    while True:
                        await asyncio.sleep(0.5)
                        elapsed = time.monotonic() - started
                        if full and outbox.counters.sent + outbox.counters.skipped_empty >= size:
                            break
                        if not full and elapsed >= window:
                            break
                        if elapsed > max(window, size / CAP * 1.5 + 30):
                            break  # something is wrong; report what we have
                finally:
                    await outbox.stop()
                    await adapter.stop()
                parts = Counter(message.chat_id for message in server.sent)
                stamps = sorted(message.at for message in server.sent)
                span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
                rate = (len(stamps) - 1) / span if span > 0 else 0.0
                too_many = sum(1 for _, _, error in server.rejected if error.status == 429)
                # A long digest is several messages; count digests by their first part.
                per_chat = Counter(
                    message.chat_id
                    for message in server.sent
                    if message.plain.startswith(("Your briefing digest", "Nothing new"))
                )
                # Today's rows only: yesterday's SENT rows are part of the setup.
                rows = [d for d in await store.deliveries() if d.period_end > now - timedelta(hours=1)]
                sent_rows = {str(d.subscription_id) for d in rows if d.status is DeliveryStatus.SENT}
                chat_of = {str(sid): chat for sid, chat in ids}
                received = {str(chat) for chat in per_chat}
                lost = sum(1 for sid in sent_rows if chat_of[sid] not in received)
                lost += sum(1 for d in rows if d.status in (DeliveryStatus.SKIPPED, DeliveryStatus.PAUSED))
                duplicated = sum(count - 1 for count in per_chat.values() if count > 1)
                pending = sum(1 for d in rows if d.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED))
                problems = Counter(
                    f"{d.status.value}: {(d.last_error or '')[:80]}"
                    for d in rows
                    if d.status not in (DeliveryStatus.SENT, DeliveryStatus.PENDING)
                )
                for problem, count in problems.most_common(5):
                    print(f"  {size:,}: {count} × {problem}", file=sys.stderr)
                return {
                    "size": size,
                    "mode": "all sent" if full else f"{window:.0f} s window",
                    "sent": len(stamps),
                    "digests": sum(per_chat.values()),
                    "rate": rate,
                    "share": rate / CAP,
                    "429s": too_many,
                    "lost": lost,
                    "duplicated": duplicated,
                    "pending": pending,
                    "build_s": build_seconds,
                    "built": built,
                    "stories_per_digest": per_digest,
                    "updates": updates,
                    "parts_per_digest": sum(parts.values()) / max(1, len(parts)),
                    "pool_loads": composer.pool_loads,
                    "peak_mb": peak_rss_mb(),
                    "load": os.getloadavg()[0],
                }
        finally:
            await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--full-up-to", type=int, default=1_000)
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--concurrency", type=int, default=Outbox.DEFAULT_CONCURRENCY)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    results = []
    for size in (int(part) for part in args.sizes.split(",")):
        print(f"running {size:,} subscribers…", file=sys.stderr, flush=True)
        results.append(
            asyncio.run(run(size, args.window, args.full_up_to, args.articles, args.concurrency))
        )
    print()
    print("Digest fan-out through the Telegram adapter to the loopback Bot API server (limits enforced)")
    header = (
        f"{'subscribers':>11} {'mode':>12} {'digests':>7} {'msgs':>6} {'msg/s':>6} {'of 30/s':>8} {'429s':>5} "
        f"{'lost':>5} {'dup':>4} {'pending':>8} {'msgs/digest':>11} {'build all':>10} {'upd/digest':>10} "
        f"{'peak MB':>8} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        build = f"{r['build_s']:.2f} s"
        print(
            f"{r['size']:>11,} {r['mode']:>12} {r['digests']:>7,} {r['sent']:>6,} {r['rate']:>6.1f} "
            f"{r['share']:>8.1%} "
            f"{r['429s']:>5} {r['lost']:>5} {r['duplicated']:>4} {r['pending']:>8,} "
            f"{r['parts_per_digest']:>11.2f} {build:>10} {r['updates'] / max(1, r['built']):>10.2f} "
            f"{r['peak_mb']:>8.0f} {r['load']:>5.1f}"
        )
    print()
    print("rate: from the first to the last message the server accepted. 'pending': rows still queued or")
    print("waiting for a retry (FAILED) when the run stopped (not lost). Build all: compose_many for every")
    print("subscriber, on SQLite (upd/digest: updated stories per digest). Peak MB: the whole process.")
    print(f"load: the 1-minute load average when the size finished ({os.cpu_count()} CPUs; shared machines vary).")


if __name__ == "__main__":
    main()
