"""SIGKILL during a fan-out of the real ``briefbot run`` process: after restarts, every chat has
its digest for the period, and a chat gets a second copy only for a row in flight at a kill."""

from __future__ import annotations

import random
from pathlib import Path

from crash_harness import run_crashes


async def test_kill_minus_nine_during_a_fan_out_loses_nothing(tmp_path: Path) -> None:
    report = await run_crashes(
        tmp_path, subscribers=40, kills=2, kill_after=(2.5, 3.5), rng=random.Random(7), finish_within=90
    )
    assert report.kills >= 1
    assert report.lost == 0, f"{report.lost} chats never got their digest"
    assert set(report.digests_per_chat.values()) <= {1, 2}
    assert report.duplicated <= report.duplicate_bound, (report.duplicated, report.in_flight_at_kills)
    assert report.rows["sent"] == 40 and report.rows.get("pending", 0) == 0
