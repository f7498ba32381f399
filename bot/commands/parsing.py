"""Argument parsing shared by the commands, with messages that say what to type."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.router import UsageError
from briefings.models import ArticleInput

_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")
_HEADER = re.compile(r"^(title|source|url|date|draft)\s*:\s*(.*)$", re.IGNORECASE)


def parse_story_id(value: str | None, usage: str) -> str:
    """A briefing id as typed ("3" or "#3")."""
    if not value:
        raise UsageError(f"Which briefing? Usage: {usage}. Type /briefings to see the ids.")
    candidate = value.strip().lstrip("#")
    if not candidate.isdigit():
        raise UsageError(f"“{value[:40]}” is not a briefing id; ids are numbers such as 3. Usage: {usage}")
    return str(int(candidate))


def looks_like_time(token: str) -> bool:
    return bool(_TIME.match(token)) or bool(re.match(r"^\d{1,2}(:\d+)?\s*(am|pm)?$", token, re.IGNORECASE))


def parse_time(token: str) -> time:
    """"08:00", "8:30", "20.15" or "8h00"; 24-hour clock."""
    match = _TIME.match(token.strip())
    if not match:
        raise UsageError(
            f"“{token[:20]}” is not a time. Use HH:MM on the 24-hour clock, e.g. /subscribe 08:00 Europe/London"
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UsageError(f"“{token}” is not a time of day. Use 00:00 to 23:59, e.g. 08:00 or 18:30.")
    return time(hour, minute)


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def looks_like_timezone(token: str) -> bool:
    return "/" in token or token.upper() in {"UTC", "GMT"}


def parse_timezone(token: str) -> str:
    """An IANA timezone name, case-insensitive; suggests close names when it is unknown."""
    import difflib

    names = _zone_names()
    name = names.get(token.strip().lower())
    if name is None:
        close = difflib.get_close_matches(token.lower(), list(names), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(names[c] for c in close)}?" if close else ""
        raise UsageError(f"“{token[:60]}” is not a timezone I know.{hint} Use an IANA name such as "
                         "Europe/London, America/New_York or Asia/Kolkata.")
    try:
        ZoneInfo(name)
    except ZoneInfoNotFoundError:  # listed but not loadable on this system
        raise UsageError(f"The timezone {name} is not available here; try a nearby city's zone.") from None
    return name


def parse_article(args: str) -> tuple[ArticleInput, bool]:
    """The text of /add: optional ``title:``, ``source:``, ``url:``, ``date:``, ``draft:`` lines, then the body.

    Returns the article and whether it should stay a draft.
    """
    lines = args.splitlines()
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        match = _HEADER.match(line)
        if not match:
            break
        fields[match.group(1).lower()] = match.group(2).strip()
        index += 1
    body = "\n".join(lines[index:]).strip()
    if not body:
        raise UsageError("There is no article text to add. Paste the article after /add, optionally with "
                         "title:, source:, url: and date: lines first.")
    url = fields.get("url") or None
    if url and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", url, re.IGNORECASE):
        raise UsageError(f"“{url[:80]}” is not a web address; use a full http:// or https:// URL.")
    published = parse_date(fields["date"]) if fields.get("date") else None
    draft = fields.get("draft", "").lower() in {"yes", "true", "1", "y"}
    article = ArticleInput(text=body, title=fields.get("title") or None, source=fields.get("source") or None,
                           url=url, published_at=published)
    return article, draft


def parse_date(value: str) -> datetime:
    """An ISO date or date-time; a date alone means midnight UTC."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"“{text[:40]}” is not a date. Use YYYY-MM-DD, e.g. date: 2021-09-06") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
