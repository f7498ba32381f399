"""End to end: `briefbot chat` driven through stdin and stdout, and the one-shot CLI commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import run_briefbot


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"


def _paste(header: str, path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert not any(line.strip() == "." for line in text.splitlines())
    return f"/add\n{header}\n{text}\n.\n"


def test_console_chat_add_ask_subscribe_digest(seed_paths: list[Path], database_url: str) -> None:
    first, second = seed_paths
    script = (
        "/start\n"
        + _paste("source: Outlet One", first)
        + _paste("source: Outlet Two\ntitle: Taliban claim Panjshir", second)
        + "/briefings\n"
        "who leads the NRF?\n"
        "who leads the Taliban?\n"
        "/subscribe 08:00 Europe/London\n"
        "/digest\n"
        "/quit\n"
    )
    result = run_briefbot(["chat"], database_url, stdin=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Briefbot console" in out
    assert re.search(r"New briefing #1\b", out), out
    assert "Added to briefing #1" in out and "now has 2 sources" in out
    assert "(2 sources)" in out  # /briefings lists one briefing with two sources
    massoud = out.index("Ahmad Massoud")
    answer_block = out[massoud: out.index("I don't know")]
    assert "Outlet One" in answer_block and "Outlet Two" in answer_block
    after_taliban = out[out.index("I don't know"):]
    assert "Massoud" not in after_taliban.split("\n\n")[0]
    assert "Subscribed: a digest at 08:00 Europe/London every day" in out
    assert "Your briefing digest: 1 story" in out


def test_console_chat_refuses_bad_input_clearly(database_url: str) -> None:
    script = (
        "/frobnicate\n"
        "/briefing 999\n"
        "/briefing abc\n"
        "/subscribe 25:00 Europe/London\n"
        "/subscribe 08:00 Mars/Olympus\n"
        "/add\n.\n"
        "/add\n\x00\x01\x02\x03 binary junk \x04\x05\n.\n"
        "/publish\n"
        "/briefings\n"
        "/quit\n"
    )
    result = run_briefbot(["chat"], database_url, stdin=script)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "I don't know the command /frobnicate" in out and "/help" in out
    assert "999" in out and "/briefings" in out
    assert "“abc” is not a briefing id" in out
    assert "“25:00” is not a time of day" in out
    assert "“Mars/Olympus” is not a timezone I know" in out
    assert "There is no article text to add" in out
    assert "Which briefing? Usage: /publish <id>" in out
    assert "There are no briefings yet" in out  # the junk was refused, nothing half-written
    assert "Traceback" not in out + result.stderr


def test_cli_ingest_briefings_ask(seed_paths: list[Path], database_url: str) -> None:
    ingest = run_briefbot(["ingest", *map(str, seed_paths)], database_url)
    assert ingest.returncode == 0, ingest.stderr
    assert "2 added (1 new stories, 1 joined a story)" in ingest.stdout
    assert "holds 2 articles in 1 stories" in ingest.stdout

    again = run_briefbot(["ingest", str(seed_paths[0])], database_url)
    assert "1 duplicate(s)" in again.stdout and "holds 2 articles in 1 stories" in again.stdout

    listing = run_briefbot(["briefings"], database_url)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("#1 ") == 1 and "#2 " not in listing.stdout
    sources_line = next(line for line in listing.stdout.splitlines() if line.startswith("Sources:"))
    assert all(path.stem in sources_line for path in seed_paths)

    known = run_briefbot(["ask", "who leads the NRF?"], database_url)
    assert known.returncode == 0, known.stderr
    assert "Ahmad Massoud" in known.stdout
    assert all(path.stem in known.stdout for path in seed_paths)
    assert "National Resistance Front" in known.stdout  # the evidence sentence

    unknown = run_briefbot(["ask", "who leads the Taliban?"], database_url)
    assert unknown.returncode == 0, unknown.stderr
    assert "I don't know" in unknown.stdout
    assert "Massoud" not in unknown.stdout and "Mujahid" not in unknown.stdout.split("closest")[0]


def test_cli_reports_bad_settings_in_one_line(tmp_path: Path) -> None:
    result = run_briefbot(["briefings"], f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
                          extra_env={"BRIEFBOT_MODERATORS": "nobody"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BRIEFBOT_MODERATORS is invalid" in result.stderr

    bad_url = run_briefbot(["briefings"], "mysql://localhost/x")
    assert bad_url.returncode == 2 and "BRIEFBOT_DATABASE_URL is invalid" in bad_url.stderr

    run_without_tokens = run_briefbot(["run"], f"sqlite+aiosqlite:///{tmp_path / 'y.db'}")
    assert run_without_tokens.returncode == 2
    assert "BRIEFBOT_TELEGRAM_TOKEN" in run_without_tokens.stderr and "briefbot chat" in run_without_tokens.stderr


def test_cli_reports_unreachable_postgres(tmp_path: Path) -> None:
    result = run_briefbot(["briefings"], "postgresql+asyncpg://postgres@127.0.0.1:1/nothing", timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "127.0.0.1" in result.stderr
