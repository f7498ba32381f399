"""A clock that tests move by hand; the code under test takes it as its ``clock``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ManualClock:
    """A UTC clock that only moves when the test says so, and never backwards."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or datetime(2024, 5, 1, 8, 0, tzinfo=UTC)).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        assert moment >= self.now, "the clock never goes backwards"
        self.now = moment.astimezone(UTC)
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
