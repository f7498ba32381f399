"""Fire times across daylight saving in three timezones: computed by bot.schedule with zoneinfo."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from delivery_helpers import Clock, make_subscription, utc

from bot.schedule import fire_time, next_slot, slots_between

# (zone, spring-forward date, fall-back date) in 2025
DST_CHANGES = [
    ("Europe/London", date(2025, 3, 30), date(2025, 10, 26)),
    ("America/New_York", date(2025, 3, 9), date(2025, 11, 2)),
    ("Australia/Sydney", date(2025, 10, 5), date(2025, 4, 6)),
]


@pytest.mark.parametrize(("zone", "spring", "autumn"), DST_CHANGES)
@pytest.mark.parametrize("change", ["spring", "autumn"])
def test_eight_oclock_is_eight_oclock_local_on_both_sides_of_the_change(
    zone: str, spring: date, autumn: date, change: str
) -> None:
    day = spring if change == "spring" else autumn
    clock = Clock(utc(2025, 1, 1))
    subscription = make_subscription(clock, zone=zone, at="08:00")
    start = datetime.combine(day - timedelta(days=7), time(0), tzinfo=UTC)
    end = start + timedelta(days=14)
    slots = list(slots_between(subscription, start, end))
    local = [slot.fire_at.astimezone(ZoneInfo(zone)) for slot in slots]
    assert all((moment.hour, moment.minute) == (8, 0) for moment in local)
    # exactly one per local day, and the fortnight has no holes
    assert len({moment.date() for moment in local}) == len(local) == 14
    offsets = {moment.utcoffset() for moment in local}
    assert len(offsets) == 2, "the fortnight spans a change, so two UTC offsets appear"


@pytest.mark.parametrize(
    ("zone", "day", "wanted", "expected_utc"),
    [
        # the gap: a wall time that does not exist fires at the first valid minute after it
        ("Europe/London", date(2025, 3, 30), time(1, 30), utc(2025, 3, 30, 1, 0)),  # 02:00 BST
        ("America/New_York", date(2025, 3, 9), time(2, 30), utc(2025, 3, 9, 7, 0)),  # 03:00 EDT
        ("Australia/Sydney", date(2025, 10, 5), time(2, 15), utc(2025, 10, 4, 16, 0)),  # 03:00 AEDT
        # the repeated hour: its first occurrence
        ("Europe/London", date(2025, 10, 26), time(1, 30), utc(2025, 10, 26, 0, 30)),  # 01:30 BST
        ("America/New_York", date(2025, 11, 2), time(1, 30), utc(2025, 11, 2, 5, 30)),  # 01:30 EDT
        ("Australia/Sydney", date(2025, 4, 6), time(2, 30), utc(2025, 4, 5, 15, 30)),  # 02:30 AEDT
    ],
)
def test_gap_and_repeated_times(zone: str, day: date, wanted: time, expected_utc: datetime) -> None:
    assert fire_time(day, wanted, ZoneInfo(zone)) == expected_utc


@pytest.mark.parametrize(
    ("zone", "day", "wanted"),
    [
        ("Europe/London", date(2025, 3, 30), "01:30"),
        ("America/New_York", date(2025, 3, 9), "02:30"),
        ("Australia/Sydney", date(2025, 10, 5), "02:15"),
        ("Europe/London", date(2025, 10, 26), "01:30"),
        ("America/New_York", date(2025, 11, 2), "01:30"),
        ("Australia/Sydney", date(2025, 4, 6), "02:30"),
    ],
)
def test_gap_and_repeated_days_fire_exactly_once(zone: str, day: date, wanted: str) -> None:
    clock = Clock(utc(2025, 1, 1))
    subscription = make_subscription(clock, zone=zone, at=wanted)
    start = datetime.combine(day - timedelta(days=2), time(0), tzinfo=UTC)
    slots = list(slots_between(subscription, start, start + timedelta(days=5)))
    per_day = Counter(slot.local_date for slot in slots)
    assert per_day[day] == 1
    assert set(per_day.values()) == {1}
    # walking with next_slot gives the very same instants, each once
    walked, moment = [], start
    while True:
        slot = next_slot(subscription, moment)
        if slot.fire_at > start + timedelta(days=5):
            break
        walked.append(slot)
        moment = slot.fire_at
    assert walked == slots


def test_weekdays_skip_the_weekend() -> None:
    clock = Clock(utc(2025, 1, 1))
    subscription = make_subscription(clock, zone="America/New_York", at="07:15", days="weekdays")
    slots = list(slots_between(subscription, utc(2025, 3, 3), utc(2025, 3, 17)))  # two weeks from a Monday
    assert len(slots) == 10
    assert {slot.local_date.weekday() for slot in slots} == {0, 1, 2, 3, 4}


def test_next_slot_is_strictly_after() -> None:
    clock = Clock(utc(2025, 1, 1))
    subscription = make_subscription(clock, zone="Europe/London", at="08:00")
    at_eight = utc(2025, 6, 2, 7, 0)  # 08:00 BST
    assert next_slot(subscription, at_eight - timedelta(seconds=1)).fire_at == at_eight
    assert next_slot(subscription, at_eight).fire_at == at_eight + timedelta(days=1)
