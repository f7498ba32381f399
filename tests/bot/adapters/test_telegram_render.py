"""Telegram HTML rendering and splitting: escaping, limits, balanced tags, nothing lost."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telegram_server import parse_telegram_html

from bot.messages import BulletList, Paragraph, Reply, Span
from bot.render.telegram import (
    escape,
    html_to_text,
    render_full_html,
    render_html,
    split_html,
    utf16_len,
)
from briefings.models import Briefing, Citation, Fact, Story, StoryStatus

# Text full of what breaks naive splitters: HTML specials, astral characters, emoji with
# modifiers and joiners, combining marks, and every kind of whitespace.
tricky = st.lists(
    st.one_of(
        st.sampled_from([*"<>&\"' .!?\n\t", "&amp;", "👍🏽", "👨‍👩‍👧", "🇬🇧", "e\u0301", "𝔘", "😀", "\n\n"]),
        st.characters(blacklist_categories=("Cs",)),
        st.text(alphabet="abc xyz", min_size=1, max_size=12),
    ),
    max_size=120,
).map("".join)
links = st.one_of(st.none(), st.sampled_from(["https://example.org/a?b=1&c=2", 'https://x.test/"q"<>']))
spans = st.builds(Span, text=tricky, bold=st.booleans(), italic=st.booleans(), code=st.booleans(), link=links)
blocks = st.one_of(
    st.builds(Paragraph, spans=st.lists(spans, max_size=4).map(tuple)),
    st.builds(BulletList, items=st.lists(st.lists(spans, min_size=1, max_size=3).map(tuple), max_size=3).map(tuple)),
)
replies = st.builds(Reply, blocks=st.lists(blocks, max_size=5).map(tuple), title=st.one_of(st.none(), tricky))


def assert_pieces_rebuild(original: str, pieces: list[str]) -> None:
    """The split's contract: ``original`` is the pieces in order with only whitespace between
    them (and possibly before the first and after the last)."""
    pattern = r"\s*" + r"\s*".join(re.escape(piece) for piece in pieces) + r"\s*"
    assert re.fullmatch(pattern, original), (original, pieces)


# Found by the property test: the piece after the first cut reopened ``<a href=…><i>`` only to
# close them at once, and that wasted room left no space for the unbreakable family emoji.
LINK_THEN_FAMILY = Reply(
    blocks=(
        Paragraph((Span(""), Span("< ", italic=True, link="https://example.org/a?b=1&c=2"))),
        Paragraph((Span("👨‍👩‍👧", bold=True, italic=True, code=True),)),
    )
)


@settings(max_examples=120, deadline=None)
@example(reply=LINK_THEN_FAMILY, limit=90)
@given(reply=replies, limit=st.integers(min_value=90, max_value=600))
def test_any_reply_splits_into_well_formed_pieces_that_lose_nothing(reply: Reply, limit: int) -> None:
    full = render_full_html(reply)
    chunks = render_html(reply, limit=limit)
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        parse_telegram_html(chunk)  # raises on unknown or unbalanced tags
        assert html_to_text(chunk).strip()
        chunk.encode("utf-16-le")  # no lone surrogates
    assert_pieces_rebuild(html_to_text(full), [html_to_text(chunk) for chunk in chunks])


@settings(max_examples=60, deadline=None)
@given(text=tricky)
def test_escaped_text_round_trips(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert html.unescape(escaped) == text
    assert parse_telegram_html(f"<b>{escaped}</b>") == text


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a") == 1
    assert utf16_len("é") == 1
    assert utf16_len("😀") == 2
    assert utf16_len("👍🏽") == 4


def test_real_limit_with_emoji_and_specials() -> None:
    sentence = "Prices rose 5% & <fell> again 📈📉 — “quoted” 𝔘. "
    reply = Reply.text(*(sentence * 30 for _ in range(12)))
    chunks = render_html(reply)
    assert len(chunks) > 1
    assert all(utf16_len(chunk) <= 4096 for chunk in chunks)
    assert_pieces_rebuild(html_to_text(render_full_html(reply)), [html_to_text(c) for c in chunks])


def test_open_tags_are_closed_and_reopened_at_a_cut() -> None:
    markup = '<a href="https://e.org/?a=1&amp;b=2"><b>' + "word " * 60 + "</b></a>"
    chunks = split_html(markup, 120)
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.startswith('<a href="https://e.org/?a=1&amp;b=2"><b>') and chunk.endswith("</b></a>")
        assert utf16_len(chunk) <= 120


def test_cuts_prefer_paragraphs_then_sentences_then_spaces() -> None:
    first = "One sentence here. " * 3 + "Another one"
    second = "More text follows. " * 3
    chunks = split_html(first + "\n\n" + second, utf16_len(first) + 20)
    assert chunks[0] == first
    sentences = "Alpha beta gamma delta epsilon zeta eta. Theta iota kappa lambda mu nu xi omicron"
    assert split_html(sentences, 60)[0] == "Alpha beta gamma delta epsilon zeta eta."
    # A sentence end too early (less than half the room) loses to a later space.
    assert split_html("Alpha. Beta gamma delta epsilon zeta eta theta", 30)[0] == "Alpha. Beta gamma delta"
    assert split_html("aaaa bbbb cccc dddd", 12) == ["aaaa bbbb", "cccc dddd"]


def test_entities_and_character_clusters_are_never_cut() -> None:
    chunks = split_html("&amp;" * 50, 12)
    assert all(chunk == "&amp;" * (len(chunk) // 5) for chunk in chunks)
    family = "👨‍👩‍👧"
    chunks = split_html(family * 10, 20)
    assert all(chunk.count("\u200d") == 2 * chunk.count("👨") for chunk in chunks)
    assert "".join(chunks) == family * 10


def test_cards_show_headline_summary_facts_and_linked_sources() -> None:
    at = datetime(2024, 5, 1, tzinfo=UTC)
    story = Story("s1", "Talks <resume> & stall", "Both sides met.", StoryStatus.PUBLISHED, at, at, at)
    fact = Fact("f1", "s1", "Ann Lee", "leads", "the R&D unit", "Ann Lee leads...", None, "test", at)
    citation = Citation("a1", "s1", "Daily <News>", "A title", "https://news.test/a?x=1&y=2", at)
    reply = Reply(cards=(Briefing(story, (citation,), (fact,)),), updated_story_ids=frozenset({"s1"}))
    (chunk,) = render_html(reply)
    text = parse_telegram_html(chunk)
    assert "Update: Talks <resume> & stall" in text
    assert "Both sides met." in text
    assert "Ann Lee leads the R&D unit" in text
    assert '<a href="https://news.test/a?x=1&amp;y=2">Daily &lt;News&gt;' in chunk


def test_nothing_to_say_gives_no_message() -> None:
    assert render_html(Reply()) == []
    assert split_html("   \n ", 10) == []


def assert_well_formed(chunks: list[str], limit: int) -> None:
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        parse_telegram_html(chunk)
        assert html_to_text(chunk).strip()


def test_a_cut_before_closing_tags_does_not_reopen_them() -> None:
    chunks = render_html(LINK_THEN_FAMILY, limit=90)
    assert_well_formed(chunks, 90)
    assert chunks == [
        '<a href="https://example.org/a?b=1&amp;c=2"><i>&lt;</i></a>',
        "<b><i><code>👨\u200d👩\u200d👧</code></i></b>",
    ]


def test_a_link_too_long_to_hold_any_text_is_dropped_for_all_its_text() -> None:
    href = "https://x.test/" + "p" * 100
    reply = Reply(blocks=(Paragraph((Span("Read this word here", bold=True, link=href),)),))
    # Rather than refuse the reply, or send one character per message: the text, still bold.
    assert render_html(reply, limit=90) == ["<b>Read this word here</b>"]


def test_a_cluster_too_wide_for_its_tags_goes_alone_and_the_formatting_resumes() -> None:
    href = "https://x.test/" + "p" * 60  # the link's tags take 90 units
    reply = Reply(blocks=(Paragraph((Span("Hi 👨‍👩‍👧 there", bold=True, link=href),)),))
    opening = f'<a href="{href}">'
    chunks = render_html(reply, limit=95)
    assert_well_formed(chunks, 95)
    # Bold can never fit inside this link, so it goes; the link only where it cannot fit.
    assert chunks == [f"{opening}Hi</a>", "👨\u200d👩\u200d👧", f"{opening}there</a>"]


def test_a_cluster_longer_than_a_message_is_cut_inside() -> None:
    markup = "<b>a" + "\u0301" * 100 + "</b> x"
    chunks = split_html(markup, 40)
    assert_well_formed(chunks, 40)
    assert "".join(html_to_text(chunk) for chunk in chunks) == html_to_text(markup)


def test_only_a_character_longer_than_the_limit_is_refused() -> None:
    assert split_html("<b>&quot;</b>", 8) == ["&quot;"]
    with pytest.raises(ValueError, match="a character is too long"):
        split_html("&quot;", 5)
