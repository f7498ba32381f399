"""Telegram reply throughput and latency: the whole bot against the loopback Bot API server.

Runs ``running_bot`` (SQLite in a temporary directory, the two seeds ingested) with the
Telegram adapter polling ``tests/telegram_server.py``. For 1, 50 and 500 users asking
"who leads the NRF?" at the same moment, it measures the time from injecting each update to
the reply's ``sendMessage`` reaching the server, over several rounds, and prints sustained
replies/s and p50/p95/p99 latency.

Two runs: with Telegram's send limits (30 messages/s overall, from settings) honoured by the
bot, which is what production sees, and with the limits lifted, which shows the bot's own
capacity. Run: python bench/telegram_replies.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
CORPUS = ROOT.parent / "shared" / "corpus"

from telegram_server import SentMessage, TelegramTestServer  # noqa: E402

from bot.app import running_bot  # noqa: E402
from bot.config import Settings  # noqa: E402
from briefings.models import ArticleInput  # noqa: E402

QUESTION = "who leads the NRF?"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def run(users: int, rounds: int, limited: bool) -> dict[str, float]:
    async with TelegramTestServer() as server:
        with tempfile.TemporaryDirectory() as directory:
            extra = {} if limited else {
                "telegram_rate_global": 100_000.0, "telegram_rate_per_chat": 100_000.0,
                "telegram_rate_per_group_minute": 10_000_000,
            }
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=f"sqlite+aiosqlite:///{Path(directory) / 'bot.db'}",
                telegram_token=server.token,
                telegram_api_url=server.api_url,
                log_level="WARNING",
                **extra,  # type: ignore[arg-type]
            )
            async with running_bot(settings, start_scheduler=False) as app:
                for number, path in enumerate(sorted((CORPUS / "seeds").glob("*.txt")), start=1):
                    await app.newsroom.ingest(
                        ArticleInput(text=path.read_text(encoding="utf-8"), source=f"Outlet {number}"),
                        added_by="bench",
                    )
                latencies: list[float] = []
                asked_at: dict[int, float] = {}
                answered = 0
                wrong = 0

                def on_sent(message: SentMessage) -> None:
                    nonlocal answered, wrong
                    started = asked_at.pop(message.chat_id, None)
                    if started is not None:
                        latencies.append(message.at - started)
                        answered += 1
                        wrong += "Ahmad Massoud" not in message.plain

                server.on_sent.append(on_sent)
                # Warm-up: one question, not counted.
                asked_at[1] = time.monotonic()
                server.private_message(1, QUESTION)
                await server.wait_for(lambda: not asked_at, within=30)
                latencies.clear()
                answered = wrong = 0
                began = time.monotonic()
                for round_number in range(rounds):
                    base = 1_000_000 * (round_number + 1)
                    for user in range(users):
                        asked_at[base + user] = time.monotonic()
                        server.private_message(base + user, QUESTION)
                    await server.wait_for(lambda: not asked_at, within=600, what="all replies")
                elapsed = time.monotonic() - began
    return {
        "users": users,
        "replies": answered,
        "per_s": answered / elapsed,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "mean": statistics.fmean(latencies) * 1000,
        "wrong": wrong,
    }


async def main(rounds: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    for limited in (False, True):
        title = "Telegram limits honoured (30 msg/s)" if limited else "limits lifted (bot capacity)"
        print(f"\n{title}")
        print(f"{'users':>6} {'replies':>8} {'replies/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'wrong':>6}")
        for users in (1, 50, 500):
            count = {1: rounds * 10, 50: rounds, 500: max(1, rounds // 2)}[users]
            figures = await run(users, count, limited)
            print(f"{figures['users']:>6} {figures['replies']:>8} {figures['per_s']:>10.1f} {figures['p50']:>8.0f} "
                  f"{figures['p95']:>8.0f} {figures['p99']:>8.0f} {figures['wrong']:>6}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    asyncio.run(main(parser.parse_args().rounds))
