"""Long replies are never cut inside an emoji or a letter with its accents, on either platform.

A cut that falls inside a character made of several code points used to leave half of it at
the end of one message and the rest at the start of the next: the two regional indicators of a
flag, the people of a family joined by U+200D, an emoji and its skin tone, a keycap's digit,
U+FE0F and U+20E3. These tests put each such character exactly where the real renderers must
cut, and check every part against the list of characters the text was built from.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages import Paragraph, Reply, Span
from bot.render.common import inside_clusters
from bot.render.discord import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    render_discord,
    split_markdown,
)
from bot.render.discord import escape as discord_escape
from bot.render.telegram import MESSAGE_LIMIT, html_to_text, render_html
from briefings.models import Briefing, Fact, Story, StoryStatus

ZWJ = "\u200d"
FLAG = "\U0001f1ec\U0001f1e7"  # 🇬🇧: two regional indicators
FAMILY = f"👨{ZWJ}👩{ZWJ}👧{ZWJ}👦"
SKIN_TONE = "👍\U0001f3fd"
KEYCAP = "1\ufe0f\u20e3"
HASH_KEYCAP = "#\ufe0f\u20e3"
HEART = "❤\ufe0f"  # a BMP character with its variation selector
TECHNOLOGIST = f"👩\U0001f3fd{ZWJ}💻"  # a skin tone inside a ZWJ sequence
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # a subdivision flag: tags
ACCENTED = "e\u0301\u0302"
LONE_INDICATOR = "\U0001f1e9"  # 🇩 on its own: an odd regional indicator at the end of a run
# 🇬🇧🇫🇷🇩🇪 then a lone 🇩: the indicators pair up from the start of their run.
FLAG_RUN = [FLAG, "\U0001f1eb\U0001f1f7", "\U0001f1e9\U0001f1ea", LONE_INDICATOR]

CLUSTERS = {
    "flag": FLAG,
    "family": FAMILY,
    "skin tone": SKIN_TONE,
    "keycap": KEYCAP,
    "hash keycap": HASH_KEYCAP,
    "variation selector": HEART,
    "zwj with skin tone": TECHNOLOGIST,
    "subdivision flag": SCOTLAND,
    "combining marks": ACCENTED,
}

# What must never start a part: it belongs to the character before it.
_CONTINUING = re.compile("[\u0300-\u036f\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_INDICATORS_AT_END = re.compile("[\U0001f1e6-\U0001f1ff]+\\Z")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def utf16_units(text: str) -> int:
    """Measured independently of the renderers."""
    return len(text.encode("utf-16-le")) // 2


def boundaries(clusters: list[str]) -> set[int]:
    """Where a cut may fall in ``"".join(clusters)``: between two of the characters."""
    allowed, at = {0}, 0
    for cluster in clusters:
        at += len(cluster)
        allowed.add(at)
    return allowed


def check_parts(clusters: list[str], parts: list[str]) -> None:
    """``parts`` (visible text) are the text of ``clusters`` in order, with at most whitespace
    between them, and each one starts and ends between two whole characters."""
    text = "".join(clusters)
    allowed = boundaries(clusters)
    at = 0
    for number, part in enumerate(parts):
        assert part, "an empty part"
        while text[at].isspace() and not part[0].isspace():
            at += 1  # whitespace dropped at the cut
        assert text.startswith(part, at), (number, part[:20], text[at : at + 20])
        end = at + len(part)
        assert at in allowed and end in allowed, (number, part[:12], part[-12:])
        # The same, spelled out: no half of a character at either side of the part.
        assert not _CONTINUING.match(part), f"part {number} starts with {part[0]!r}"
        assert not part.endswith(ZWJ), f"part {number} ends with a zero-width joiner"
        indicators = _INDICATORS_AT_END.search(text[:end])
        if end < len(text) and indicators and re.match("[\U0001f1e6-\U0001f1ff]", text[end]):
            assert len(indicators.group()) % 2 == 0, f"part {number} ends with half a flag"
        at = end
    assert not text[at:].strip(), f"text lost at the end: {text[at : at + 20]!r}"


def telegram_parts(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    chunks = render_html(reply) if limit == MESSAGE_LIMIT else render_html(reply, limit=limit)
    for chunk in chunks:
        assert utf16_units(chunk) <= limit
    return [html_to_text(chunk) for chunk in chunks]


def discord_descriptions(reply: Reply) -> list[str]:
    parts = []
    for message in render_discord(reply):
        assert sum(embed.size for embed in message.embeds) <= EMBED_TOTAL_LIMIT
        for embed in message.embeds:
            assert embed.size <= EMBED_TOTAL_LIMIT
            assert utf16_units(embed.description or "") <= DESCRIPTION_LIMIT
            parts.append(unescape(embed.description or ""))
    return parts


def unescape(markdown: str) -> str:
    return _UNESCAPE.sub(r"\1", markdown)


def word_across_the_limit(cluster: str, limit: int, shift: int) -> list[str]:
    """A word with no space in it (so only a hard cut will do) with ``cluster`` where the limit
    falls ``shift`` units into it, as the list of its characters."""
    return ["x"] * (limit - shift) + [cluster, cluster] + ["y"] * 40


def shifts(cluster: str) -> range:
    """Every place inside ``cluster`` (and a little around it) for the limit to fall."""
    return range(-2, utf16_units(cluster) + 3)


# --- the rule both renderers use ---------------------------------------------------------------


def test_where_a_cut_would_split_a_character() -> None:
    ri = [chr(0x1F1E6 + offset) for offset in range(5)]  # five regional indicators in a row
    assert inside_clusters("".join(ri) + "x") == {1, 3}  # pairs from the start; the fifth is alone
    assert inside_clusters("x" + FLAG + "x" + FLAG) == {2, 5}
    assert inside_clusters(FAMILY) == set(range(1, 7))  # every joiner and what follows it
    assert inside_clusters(SKIN_TONE) == {1}
    assert inside_clusters(KEYCAP + HASH_KEYCAP) == {1, 2, 4, 5}
    assert inside_clusters(HEART) == {1}
    assert inside_clusters(SCOTLAND) == set(range(1, 7))
    assert inside_clusters(ACCENTED) == {1, 2}
    assert inside_clusters("a\r\nb") == {2}
    assert inside_clusters("\u0301a") == set()  # nothing is before the start
    assert inside_clusters("plain text, é and ß") == set()


# --- Telegram -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_telegram_never_cuts_inside_a_character(cluster: str) -> None:
    for shift in shifts(cluster):
        clusters = word_across_the_limit(cluster, MESSAGE_LIMIT, shift)
        parts = telegram_parts(Reply.text("".join(clusters)))
        assert len(parts) == 2
        check_parts(clusters, parts)


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_telegram_never_cuts_inside_a_character_in_formatted_text(cluster: str) -> None:
    for shift in shifts(cluster):
        clusters = word_across_the_limit(cluster, MESSAGE_LIMIT - len("<b></b>"), shift)
        reply = Reply(blocks=(Paragraph((Span("".join(clusters), bold=True),)),))
        parts = telegram_parts(reply)
        assert len(parts) == 2
        check_parts(clusters, parts)


def test_telegram_pairs_regional_indicators_from_the_start_of_the_run() -> None:
    # 🇬🇧🇫🇷🇩🇪 then a lone 🇩: a cut may fall between two flags, never inside one.
    for shift in range(-2, 20):
        clusters = ["x"] * (MESSAGE_LIMIT - shift) + FLAG_RUN + ["y"] * 10
        parts = telegram_parts(Reply.text("".join(clusters)))
        check_parts(clusters, parts)


def test_telegram_counts_utf16_units_not_code_points() -> None:
    # 2100 flags: 4200 code points, 8400 UTF-16 units, so three messages and not two.
    parts = telegram_parts(Reply.text(FLAG * 2100))
    assert len(parts) == 3
    assert [utf16_units(part) for part in parts] == [4096, 4096, 208]
    check_parts([FLAG] * 2100, parts)


# --- Discord ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_discord_never_cuts_a_description_inside_a_character(cluster: str) -> None:
    for shift in shifts(cluster):
        clusters = word_across_the_limit(cluster, DESCRIPTION_LIMIT, shift)
        parts = discord_descriptions(Reply.text("".join(clusters)))
        assert len(parts) == 2
        check_parts(clusters, parts)


def test_discord_pairs_regional_indicators_from_the_start_of_the_run() -> None:
    for shift in range(-2, 20):
        clusters = ["x"] * (DESCRIPTION_LIMIT - shift) + FLAG_RUN + ["y"] * 10
        check_parts(clusters, discord_descriptions(Reply.text("".join(clusters))))


NOW = datetime(2024, 5, 1, tzinfo=UTC)


def card(headline: str, facts: tuple[str, ...] = ()) -> Reply:
    story = Story("7", headline, "", StoryStatus.PUBLISHED, NOW, NOW, NOW)
    return Reply(
        cards=(
            Briefing(
                story,
                (),
                tuple(Fact(f"f{i}", "7", "", "states", fact, fact, None, "test", NOW) for i, fact in enumerate(facts)),
            ),
        )
    )


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_discord_never_cuts_a_field_value_inside_a_character(cluster: str) -> None:
    for shift in shifts(cluster):
        # The value is "• " and the word: cut first at the space, then inside the word.
        clusters = word_across_the_limit(cluster, FIELD_VALUE_LIMIT, shift)
        [message] = render_discord(card("Headline", ("".join(clusters),)))
        values = [item.value for embed in message.embeds for item in embed.fields]
        assert len(values) == 3
        assert all(utf16_units(value) <= FIELD_VALUE_LIMIT for value in values)
        check_parts(["•", " ", *clusters], [unescape(value) for value in values])


@pytest.mark.parametrize("cluster", CLUSTERS.values(), ids=CLUSTERS.keys())
def test_discord_never_cuts_a_title_inside_a_character(cluster: str) -> None:
    # An over-long title ends in "…" and goes on, after "…", in the description.
    for shift in shifts(cluster):
        clusters = word_across_the_limit(cluster, TITLE_LIMIT - len("…"), shift)
        [message] = render_discord(Reply(title="".join(clusters)))
        [embed] = message.embeds
        title, rest = embed.title or "", embed.description or ""
        assert utf16_units(title) <= TITLE_LIMIT
        assert title.endswith("…") and rest.startswith("…")
        check_parts(clusters, [unescape(title[:-1]), unescape(rest[1:])])


# --- a character whose parts are formatted differently -----------------------------------------


def split_by_formatting(cluster: str, limit: int, shift: int) -> tuple[Reply, list[str]]:
    """A reply whose one long word has ``cluster`` about ``shift`` units before the limit, its
    last code point in bold, and that word as the list of its characters."""
    clusters = ["x"] * (limit - shift) + [cluster] + ["y"] * 40
    plain = "x" * (limit - shift) + cluster[:-1]
    bold = cluster[-1] + "y" * 40
    return Reply(blocks=(Paragraph((Span(plain), Span(bold, bold=True))),)), clusters


@pytest.mark.parametrize("cluster", [FLAG, FAMILY, KEYCAP], ids=["flag", "family", "keycap"])
def test_telegram_does_not_cut_a_character_at_a_tag_inside_it(cluster: str) -> None:
    for shift in range(-4, 16):
        reply, clusters = split_by_formatting(cluster, MESSAGE_LIMIT, shift)
        check_parts(clusters, telegram_parts(reply))


@pytest.mark.parametrize("cluster", [FLAG, FAMILY, KEYCAP], ids=["flag", "family", "keycap"])
def test_discord_does_not_cut_a_character_at_a_mark_inside_it(cluster: str) -> None:
    for shift in range(-4, 16):
        reply, clusters = split_by_formatting(cluster, DESCRIPTION_LIMIT, shift)
        check_parts(clusters, [part.replace("**", "") for part in discord_descriptions(reply)])


def test_telegram_keeps_a_character_whole_when_it_goes_alone_across_a_tag() -> None:
    clusters = [SCOTLAND, "x", SCOTLAND, SKIN_TONE, SCOTLAND]
    spans = (
        Span(SCOTLAND[:3], italic=True),
        Span(SCOTLAND[3:] + "x"),
        Span(SCOTLAND[:2], bold=True),
        Span(SCOTLAND[2:] + SKIN_TONE[0]),
        Span(SKIN_TONE[1] + SCOTLAND, italic=True),
    )
    for limit in range(14, 30):
        check_parts(clusters, telegram_parts(Reply(blocks=(Paragraph(spans),)), limit=limit))


def test_discord_keeps_a_character_whole_when_it_goes_alone_across_a_mark() -> None:
    # Each subdivision flag, half in italics, fills a piece nearly on its own: it goes alone,
    # whole, in the marks open at its start.
    clusters = [SCOTLAND, "x", SCOTLAND, SKIN_TONE, SCOTLAND]
    markdown = (
        f"*{SCOTLAND[:3]}*{SCOTLAND[3:]}x**{SCOTLAND[:2]}**{SCOTLAND[2:]}{SKIN_TONE[0]}*{SKIN_TONE[1]}{SCOTLAND}*"
    )
    for limit in range(14, 26):
        pieces = split_markdown(markdown, limit)
        assert all(utf16_units(piece) <= limit for piece in pieces)
        check_parts(clusters, [piece.replace("*", "") for piece in pieces])


# --- any text, any limit ------------------------------------------------------------------------

POOL = [*CLUSTERS.values(), LONE_INDICATOR, "x", "é", "😀", " ", "\n"]  # each whitespace its own character


@st.composite
def cluster_lists(draw: st.DrawFn) -> list[str]:
    clusters = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=150))
    # A lone indicator right before a flag would pair with the flag's first half instead.
    fixed: list[str] = []
    for cluster in clusters:
        if fixed and fixed[-1] == LONE_INDICATOR and cluster in (FLAG, LONE_INDICATOR):
            fixed.append("x")
        fixed.append(cluster)
    return fixed


@settings(max_examples=150, deadline=None)
@given(cluster_lists(), st.integers(16, 120), st.booleans())
def test_telegram_any_split_keeps_characters_whole(clusters: list[str], limit: int, bold: bool) -> None:
    reply = Reply(blocks=(Paragraph((Span("".join(clusters), bold=bold),)),))
    check_parts(clusters, telegram_parts(reply, limit=limit))


@settings(max_examples=150, deadline=None)
@given(cluster_lists(), st.integers(16, 120), st.booleans())
def test_discord_any_split_keeps_characters_whole(clusters: list[str], limit: int, italic: bool) -> None:
    markdown = discord_escape("".join(clusters))
    if italic:
        while clusters and clusters[0].isspace():
            clusters = clusters[1:]
        while clusters and clusters[-1].isspace():
            clusters = clusters[:-1]
        if not clusters:
            return
        markdown = f"*{discord_escape(''.join(clusters))}*"  # reopened in every piece
    pieces = split_markdown(markdown, limit)
    assert all(utf16_units(piece) <= limit for piece in pieces)
    if italic:
        assert all(piece.startswith("*") and piece.endswith("*") for piece in pieces)
        pieces = [piece[1:-1] for piece in pieces]
    check_parts(clusters, [unescape(piece) for piece in pieces])
