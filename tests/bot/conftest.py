"""Fixtures for bot tests: a whole bot on a temporary database, driven in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conversation import Conversation

from bot.app import BotApp, running_bot
from bot.config import Settings
from bot.messages import ChatKind, ChatRef, Sender


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path, pg_url: str | None) -> AsyncIterator[str]:
    """A fresh database: a SQLite file, or a temporary PostgreSQL database when configured."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    if not pg_url:
        pytest.skip("BRIEFBOT_TEST_DATABASE_URL is not set")
    from dbtesting import temporary_database

    async with temporary_database(pg_url) as url:
        yield url


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[BotApp]:
    settings = Settings(database_url=database_url, moderators=["telegram:42"], _env_file=None)
    async with running_bot(settings, start_scheduler=False) as app:
        yield app


@pytest.fixture
def moderator(bot: BotApp) -> Conversation:
    return Conversation(bot, Sender("telegram", "42", "Mod"), ChatRef("telegram", "42", ChatKind.PRIVATE))


@pytest.fixture
def reader(bot: BotApp) -> Conversation:
    return Conversation(bot, Sender("telegram", "7", "Reader"), ChatRef("telegram", "7", ChatKind.PRIVATE))
