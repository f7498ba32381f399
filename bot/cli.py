"""The ``briefbot`` command: chat, ingest, ask, briefings, db upgrade, run."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.config import Settings, SettingsError, load_settings

T = TypeVar("T")

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Briefbot: news briefings for chat.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
app.add_typer(db_app, name="db")
eval_app = typer.Typer(no_args_is_help=True, help="Measure summaries and answers on evaluation data.")
app.add_typer(eval_app, name="eval")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", "-d", help="Database URL (default: BRIEFBOT_DATABASE_URL or a SQLite file "
                 "in your data directory). A plain file path means SQLite."),
]


def fail(message: str, code: int = 2) -> None:
    """Print one line to stderr and exit: errors are for people, not tracebacks."""
    typer.echo(f"briefbot: {message}", err=True)
    raise typer.Exit(code)


def _settings(database: str | None, *, quiet: bool = True, **overrides: Any) -> Settings:
    """Settings for a command; ``quiet`` commands log only warnings unless BRIEFBOT_LOG_LEVEL says otherwise."""
    if database:
        overrides["database_url"] = database if "://" in database else f"sqlite+aiosqlite:///{Path(database)}"
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc))
        raise  # unreachable: fail raises
    level = settings.log_level
    if quiet and "log_level" not in settings.model_fields_set:
        level = "WARNING"
    _configure_logging(level)
    return settings


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # httpx logs every request URL, and Telegram's URLs carry the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "discord.http", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def _run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    from bot.app import StartupError
    from briefings.ports import StoreUnavailable

    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except (StartupError, StoreUnavailable) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    raise AssertionError("unreachable")


@app.command()
def chat(database: DatabaseOption = None) -> None:
    """Chat with the bot in this terminal; you are a moderator here."""
    settings = _settings(database)

    async def main() -> None:
        from bot.adapters.console import ConsoleAdapter
        from bot.app import running_bot

        console = ConsoleAdapter()
        async with running_bot(settings, extra_adapters=[console], extra_moderators=["console:local"]):
            await console.wait_closed()

    _run(main)


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(
        help="Text files, directories, JSONL files, web addresses or OPML files of feeds.")],
    database: DatabaseOption = None,
    trusted: Annotated[bool, typer.Option("--trusted", help="Feeds from OPML files publish directly.")] = False,
) -> None:
    """Add articles from files and web pages, and feeds from OPML files; articles become published briefings."""
    settings = _settings(database)

    async def main() -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from bot.app import running_bot
        from bot.bulk import add_opml_feeds, classify_sources, ingest_items, ingest_urls, read_paths

        plan = classify_sources(sources)
        items = [*plan.errors, *read_paths(plan.paths)]
        total = len(items) + len(plan.urls) + len(plan.opml_feeds)
        async with running_bot(settings, start_scheduler=False) as bot:
            # A one-shot process: what exists now lives to the end, so the collector need not
            # keep walking it while thousands of articles go through.
            gc.collect()
            gc.freeze()
            try:
                with Progress(TextColumn("Ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                              disable=total <= 20, transient=True) as progress:
                    task = progress.add_task("ingest", total=total)

                    def advance(_: object) -> None:
                        progress.advance(task)

                    summary = await ingest_items(bot.newsroom, items, added_by="cli:ingest", on_item=advance)
                    if plan.urls:
                        await ingest_urls(plan.urls, fetcher=bot.fetcher, newsroom=bot.newsroom, articles=bot.store,
                                          added_by="cli:ingest", summary=summary, on_item=advance)
                    if plan.opml_feeds:
                        await add_opml_feeds(plan.opml_feeds, service=bot.feeds, added_by="cli:ingest",
                                             trusted=trusted, summary=summary, on_item=advance)
            finally:
                gc.unfreeze()
            articles = await bot.store.count_articles()
            stories = await bot.store.count_stories()
        for reason in list(summary.refused)[:20]:
            typer.echo(f"refused {reason}", err=True)
        if summary.refused_count > 20:
            typer.echo(f"... and {summary.refused_count - 20} more refused", err=True)
        feeds = ""
        if plan.opml_feeds:
            feeds = f" Feeds: {summary.feeds_added} added, {summary.feeds_known} already known."
        typer.echo(
            f"Ingested {total} item(s) in {summary.seconds:.1f} s: {summary.added} added "
            f"({summary.new_stories} new stories, {summary.merged} joined a story), {summary.duplicates} "
            f"duplicate(s), {summary.refused_count} refused.{feeds} The database now holds {articles} articles "
            f"in {stories} stories."
        )

    _run(main)


@app.command()
def ask(question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
        database: DatabaseOption = None) -> None:
    """Ask a question; the answer comes from stored articles, with sources."""
    settings = _settings(database)

    async def main() -> None:
        from bot.app import running_bot
        from bot.replies import answer_reply

        async with running_bot(settings, start_scheduler=False) as bot:
            answer = await bot.newsroom.ask(question)
        typer.echo(answer_reply(answer).plain_text())

    _run(main)


@app.command()
def briefings(
    database: DatabaseOption = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    drafts: Annotated[bool, typer.Option("--drafts", help="Include drafts and withdrawn ones.")] = False,
) -> None:
    """List the latest briefings with their sources."""
    settings = _settings(database)

    async def main() -> None:
        from bot.app import running_bot
        from bot.render.text import render_briefing

        async with running_bot(settings, start_scheduler=False) as bot:
            items = await bot.newsroom.briefings(include_drafts=drafts, limit=limit)
        if not items:
            typer.echo("No briefings yet. Add some with `briefbot ingest FILE…` or /add in `briefbot chat`.")
        for briefing in items:
            typer.echo(render_briefing(briefing) + "\n")

    _run(main)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Apply the database migrations."""
    settings = _settings(database)

    async def main() -> None:
        from storage.engine import ensure_sqlite_directory
        from storage.migrate import schema_status, upgrade

        ensure_sqlite_directory(settings.database_url)
        await upgrade(settings.database_url)
        typer.echo((await schema_status(settings.database_url)).message)

    _run(main)


@app.command()
def run(database: DatabaseOption = None) -> None:
    """Run the bot on every platform that has a token, with the digest scheduler."""
    settings = _settings(database, quiet=False)
    if settings.telegram_token is None and settings.discord_token is None:
        fail("no platform is configured. Set BRIEFBOT_TELEGRAM_TOKEN and/or BRIEFBOT_DISCORD_TOKEN "
             "(in the environment or a .env file), or try the bot locally with `briefbot chat`.")

    async def main() -> None:
        from bot.app import running_bot

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with running_bot(settings):
            typer.echo("Briefbot is running. Press Ctrl-C to stop.", err=True)
            await stop.wait()
        typer.echo("Briefbot stopped.", err=True)

    _run(main)


def _register_evaluations() -> None:
    from bot.evaluate import qa, squad, summaries

    eval_app.command("summaries")(summaries.command)
    eval_app.command("qa")(qa.command)
    eval_app.command("squad")(squad.command)


def main() -> None:
    """Entry point of the ``briefbot`` console script."""
    _register_evaluations()
    app()
