"""Fixtures of the web-ingestion tests: the loopback news site and fetchers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from local_web import NewsSite, RunningSite, load_corpus_articles

from bot.web import FetchLimits, SafeFetcher


@pytest.fixture(scope="session")
def corpus_articles(corpus: Path) -> list[dict]:
    return load_corpus_articles(corpus, limit=60)


@pytest.fixture
async def news_site(corpus_articles: list[dict]) -> AsyncIterator[RunningSite]:
    running = RunningSite(NewsSite(articles=list(corpus_articles)))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def open_fetcher() -> AsyncIterator[SafeFetcher]:
    """A fetcher with BRIEFBOT_ALLOW_PRIVATE_NETWORKS on, as tests and intranets use it."""
    async with SafeFetcher(allow_private_networks=True, limits=FetchLimits(deadline=10.0)) as fetcher:
        yield fetcher


@pytest.fixture
async def strict_fetcher() -> AsyncIterator[SafeFetcher]:
    """The production default: private networks refused."""
    async with SafeFetcher(allow_private_networks=False, limits=FetchLimits(deadline=10.0)) as fetcher:
        yield fetcher
