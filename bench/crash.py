"""Crash safety of scheduled digests: SIGKILL the real ``briefbot run`` process at random
moments of a fan-out, restart it each time, and count what every chat received.

The loopback Bot API server (tests/telegram_server.py, Telegram's flood limits enforced) runs
in this process; the bot runs as ``briefbot run`` with BRIEFBOT_DATABASE_URL pointing at a
seeded SQLite file, BRIEFBOT_TELEGRAM_TOKEN=123:ABC and BRIEFBOT_TELEGRAM_API_URL at the
server. Subscriptions are due a minute before the start (yesterday's digest delivered), so
the scheduler's catch-up begins the fan-out at once; no test-only code runs in the bot.

It prints: kills, digests lost (a chat that never got its digest; target 0), duplicated
digests and their bound (rows in SENDING right after each kill: each may be sent once more),
429s answered, final row states and wall time.

Run: python bench/crash.py [--subscribers 600] [--kills 25] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "bot" / "delivery")]

from crash_harness import run_crashes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=600)
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument(
        "--min-wait", type=float, default=2.0, help="seconds after a start before a kill, at least"
    )
    parser.add_argument("--max-wait", type=float, default=5.0, help="…and at most")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        report = asyncio.run(
            run_crashes(
                Path(directory),
                subscribers=args.subscribers,
                kills=args.kills,
                kill_after=(args.min_wait, args.max_wait),
                rng=random.Random(args.seed),
                finish_within=args.subscribers / 10 + 120,
            )
        )
    print()
    print(
        f"SIGKILL during a fan-out of `briefbot run` to {report.subscribers:,} chats "
        "(Telegram limits enforced)"
    )
    rows = [
        ("kills (restarts)", f"{report.kills}"),
        ("rows in flight at each kill", " ".join(str(n) for n in report.in_flight_at_kills)),
        ("chats that got their digest", f"{len(report.digests_per_chat):,} of {report.subscribers:,}"),
        ("lost digests", f"{report.lost}"),
        (
            "duplicated digests",
            f"{report.duplicated} (bound: {report.duplicate_bound}, rows in flight at kills)",
        ),
        ("chats with 3+ copies", f"{report.over_twice}"),
        ("429s answered by the server", f"{report.too_many_requests}"),
        (
            "final delivery rows",
            ", ".join(f"{count} {status}" for status, count in sorted(report.rows.items())),
        ),
        ("wall time", f"{report.seconds:.0f} s"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
