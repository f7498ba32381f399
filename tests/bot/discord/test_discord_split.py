"""Long Discord replies are cut into pieces that are each valid, self-contained markdown.

A bold, italic or linked span that crosses a cut used to show literal marks in Discord (a piece
ending ``[*Some title`` and the next starting ``words*](https://…)``). These tests check every
piece with a small markdown checker of their own: marks balanced, links whole, escapes intact.
"""

from __future__ import annotations

import itertools
import re
import string
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import Paragraph, Reply, Span
from bot.render.common import joins_previous
from bot.render.discord import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    DiscordMessage,
    escape,
    render_discord,
    span_markdown,
    split_markdown,
    units,
)
from briefings.models import Briefing, Citation, Story, StoryStatus

# --- a checker of the markdown the renderer writes ---------------------------------------------

_ESCAPABLE = set(string.punctuation)


def markdown_text(md: str) -> str:
    """The visible text of one piece of Discord markdown; fails when the piece is not
    self-contained: a mark left open or closed without being opened, emphasis with whitespace
    just inside it or nothing in it (Discord shows such marks literally), a link cut
    (``[`` without ``](url)``), or a backslash not followed by the character it escapes."""
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # open marks and where their content starts in ``out``
    i = 0
    while i < len(md):
        ch = md[i]
        if stack and stack[-1][0] == "`":
            if ch == "`":
                _close(stack, out, "`")
            else:
                out.append(ch)
            i += 1
            continue
        if ch == "\\":
            assert i + 1 < len(md), f"piece ends between a backslash and what it escapes: {md[-40:]!r}"
            assert md[i + 1] in _ESCAPABLE, f"stray backslash at {i}: {md[max(0, i - 20) : i + 20]!r}"
            out.append(md[i + 1])
            i += 2
        elif ch in "*_":
            end = i
            while end < len(md) and md[end] == ch:
                end += 1
            left = end - i
            while left and stack and stack[-1][0][0] == ch and len(stack[-1][0]) <= left:
                left -= len(stack[-1][0])
                _close(stack, out, stack[-1][0])
            assert left <= 3, f"unexpected run of marks {md[i:end]!r}"
            if left % 2:
                stack.append((ch, len(out)))
            if left >= 2:
                stack.append((ch * 2, len(out)))
            i = end
        elif ch == "`":
            stack.append(("`", len(out)))
            i += 1
        elif ch == "[":
            stack.append(("[", len(out)))
            i += 1
        elif ch == "]":
            assert stack and stack[-1][0] == "[", f"']' closes no link at {i}: {md[max(0, i - 30) : i + 30]!r}"
            assert md.startswith("(", i + 1), f"link without its address: {md[max(0, i - 30) : i + 30]!r}"
            end = md.find(")", i + 2)
            assert end > 0, f"link address cut: {md[i:]!r}"
            assert md[i + 2 : end].startswith(("http://", "https://")), md[i:end]
            assert len(out) > stack[-1][1], "a link with no text"
            stack.pop()
            i = end + 1
        else:
            out.append(ch)
            i += 1
    assert not stack, f"marks left open at the end of a piece: {[mark for mark, _ in stack]} in {md[-60:]!r}"
    return "".join(out)


def _close(stack: list[tuple[str, int]], out: list[str], mark: str) -> None:
    opened, start = stack.pop()
    assert opened == mark
    content = "".join(out[start:])
    assert content, f"empty {mark!r} span"
    if mark != "`":
        assert content == content.strip(), f"{mark!r} span with whitespace just inside it: {content!r}"


def descriptions(messages: list[DiscordMessage]) -> list[str]:
    return [embed.description or "" for message in messages for embed in message.embeds]


def squash(value: str) -> str:
    return "".join(value.split())


NOW = datetime(2021, 9, 6, 12, 0, tzinfo=UTC)
NOW_STORY = Story(
    id="7",
    headline="Linked",
    summary="",
    status=StoryStatus.PUBLISHED,
    created_at=NOW,
    updated_at=NOW,
    published_at=NOW,
)


# --- regressions: each of these showed literal markdown before the fix -------------------------

FILLER = "word " * 810  # 4050 characters: the cut of a description (4096) falls in what follows


def test_bold_across_a_cut_is_closed_and_reopened() -> None:
    bold = "a bold claim whose words cross the place where the description is cut"
    reply = Reply(blocks=(Paragraph((Span(FILLER), Span(bold, bold=True), Span(" and then plain text."))),))
    pieces = descriptions(render_discord(reply))
    assert len(pieces) == 2
    shown = [markdown_text(piece) for piece in pieces]
    assert squash("".join(shown)) == squash(FILLER + bold + " and then plain text.")
    assert pieces[0].endswith("**") and pieces[1].startswith("**")
    assert all(units(piece) <= DESCRIPTION_LIMIT for piece in pieces)


def test_an_italic_link_across_a_cut_moves_whole_to_the_next_piece() -> None:
    link = Span("Some title words of a linked story", italic=True, link="https://news.example/story")
    reply = Reply(blocks=(Paragraph((Span(FILLER), link, Span(" was reported."))),))
    pieces = descriptions(render_discord(reply))
    assert len(pieces) == 2
    for piece in pieces:
        markdown_text(piece)
    assert "[" not in pieces[0]
    assert pieces[1].startswith("[*Some title words of a linked story*](https://news.example/story)")


def test_a_heading_or_list_mark_that_starts_a_piece_stays_text() -> None:
    # "#" and "-" in the middle of a line are plain text; at the start of a piece they would
    # make a heading or a list item.
    for mark in "#-":
        body = "word " * 818 + f"abcde {mark} rest of the sentence"
        pieces = descriptions(render_discord(Reply(blocks=(Paragraph((Span(body),)),))))
        assert len(pieces) == 2
        assert pieces[1].startswith(f"\\{mark} rest")
        assert squash("".join(markdown_text(piece) for piece in pieces)) == squash(body)


def test_a_source_link_longer_than_a_field_becomes_links_to_the_same_address() -> None:
    url = "https://news.example/a/very/long/story"
    title = " ".join(f"title{i}" for i in range(200))  # about 1400 characters
    card = Briefing(
        story=NOW_STORY,
        citations=(Citation(article_id="a1", story_id="7", outlet="Outlet", title=title, url=url, published_at=None),),
        facts=(),
    )
    messages = render_discord(Reply(cards=(card,)))
    values = [f.value for m in messages for e in m.embeds for f in e.fields if f.name == "Sources"]
    assert len(values) >= 2
    assert all(units(value) <= FIELD_VALUE_LIMIT for value in values)
    shown = [markdown_text(value) for value in values]
    assert squash("".join(shown)) == squash(f"• Outlet, “{title}”")
    for value in values:
        assert value.rstrip().endswith(f"]({url})")


def test_a_title_overflow_and_the_body_share_the_description_with_a_blank_line() -> None:
    title = "headline " * 40  # longer than an embed title (256)
    [message] = render_discord(Reply(title=title, blocks=(Paragraph((Span("The body", bold=True),)),)))
    description = message.embeds[0].description or ""
    assert description.startswith("…") and description.endswith("headline\n\n**The body**")


long_words = st.builds(
    lambda w, n: (w + " ") * n, st.text(alphabet="ab*_\\[]#- \n😀", max_size=30), st.integers(1, 200)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(
        st.builds(
            Span,
            text=long_words,
            bold=st.booleans(),
            italic=st.booleans(),
            link=st.sampled_from([None, "https://news.example/x"]),
        ),
        min_size=1,
        max_size=8,
    ),
    st.lists(long_words, max_size=4),
)
def test_every_description_and_field_of_a_long_reply_is_balanced(spans: list[Span], titles: list[str]) -> None:
    card = Briefing(
        story=NOW_STORY,
        citations=tuple(
            Citation(
                article_id=f"a{i}", story_id="7", outlet="Outlet", title=t, url=f"https://e.org/{i}", published_at=None
            )
            for i, t in enumerate(titles)
        ),
        facts=(),
    )
    messages = render_discord(Reply(blocks=(Paragraph(tuple(spans)),), cards=(card,)))
    for message in messages:
        for embed in message.embeds:
            markdown_text(embed.description or "")
            for item in embed.fields:
                markdown_text(item.value)


# --- properties of split_markdown ---------------------------------------------------------------

FAMILY = "👨\u200d👩\u200d👧"
characters = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    # markdown, whitespace, and the parts of visible characters made of several code points
    st.sampled_from([*"*_`~|[]<>#-\\()", " ", " ", "\n", "😀", "👨", "\u200d", "\u0301", "\U0001f3fd", "\u00a0"]),
)
words = st.text(alphabet=characters, max_size=40)
URLS = ["https://example.org/x", "https://example.org/a%28b%29_c*d", "https://news.example/" + "p" * 60]


@st.composite
def markdowns(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Markdown as the renderer writes it (spans with marks and links, bullets, escaped text),
    and the links in it."""
    parts: list[str] = []
    links: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        text = draw(st.one_of(words, st.builds(lambda w, n: (w + " ") * n, words, st.integers(1, 8))))
        link = draw(st.sampled_from([None, None, *URLS]))
        span = Span(
            text,
            bold=draw(st.booleans()),
            italic=draw(st.booleans()),
            code=draw(st.integers(0, 5)) == 0,
            link=link,
        )
        written = span_markdown(span)
        if link and "](" in written:
            links.append(written.strip())
            written += draw(st.sampled_from([" ", "\n", ", "]))  # a link is followed by a cut point
        parts.append(written + draw(st.sampled_from(["", " ", "\n", "\n\n", "\n• "])))
    return "".join(parts), links


def check_pieces(markdown: str, pieces: list[str], limit: int) -> None:
    original = markdown_text(markdown)
    shown = []
    for piece in pieces:
        assert units(piece) <= limit
        visible = markdown_text(piece)  # balanced, links whole, escapes intact
        if units(markdown) > limit:  # (text that fits is returned as it is)
            assert visible.strip(), f"a piece with nothing to show: {piece!r}"
        shown.append(visible)
    # The visible text is all there, in order; only whitespace at the cuts may be dropped.
    pattern = r"\s*" + r"\s*".join(re.escape(visible) for visible in shown) + r"\s*"
    assert re.fullmatch(pattern, original), (original, shown)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdowns(), st.integers(2, 300))
def test_every_piece_is_balanced_markdown_within_the_limit(written: tuple[str, list[str]], limit: int) -> None:
    markdown, links = written
    pieces = split_markdown(markdown, limit)
    check_pieces(markdown, pieces, limit)
    # A link that fits in a piece of its own is never cut.
    for link in links:
        if units(link) + 6 <= limit:  # room for marks around it
            assert any(link in piece for piece in pieces), link


clusters = st.lists(
    st.sampled_from(["a", "b", "*", "\\", " ", "\n", "😀", FAMILY, "e\u0301\u0302", "👍🏽", "#", "-"]),
    max_size=120,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(clusters, st.booleans(), st.booleans()), min_size=1, max_size=6), st.integers(24, 200))
def test_no_visible_character_is_split(spans: list[tuple[str, bool, bool]], limit: int) -> None:
    markdown = " ".join(span_markdown(Span(text, bold=bold, italic=italic)) for text, bold, italic in spans)
    pieces = split_markdown(markdown, limit)
    check_pieces(markdown, pieces, limit)
    shown = [markdown_text(piece) for piece in pieces]
    for before, after in itertools.pairwise(shown):
        assert not joins_previous(after[0]) and not before.endswith("\u200d"), (before[-10:], after[:10])


def test_text_that_fits_is_left_alone() -> None:
    markdown = "**bold** and *it*  \n"
    assert split_markdown(markdown, 100) == [markdown]


def test_emphasis_is_reopened_after_a_hard_cut() -> None:
    assert split_markdown("**" + "a" * 20 + "**", 10) == ["**aaaaaa**", "**aaaaaa**", "**aaaaaa**", "**aa**"]


def test_escapes_are_never_parted_from_their_character() -> None:
    markdown = escape("*_*_*_*_*_") + " " + escape("[x]") * 5
    pieces = split_markdown(markdown, 5)
    check_pieces(markdown, pieces, 5)
    assert all(not piece.endswith("\\") or piece.endswith("\\\\") for piece in pieces)


def test_a_link_longer_than_a_piece_is_cut_into_links_to_the_same_address() -> None:
    markdown = "[*one two three four five six*](https://e.org/x)"
    assert split_markdown(markdown, 34) == [
        "[*one two three*](https://e.org/x)",
        "[*four five six*](https://e.org/x)",
    ]


def test_a_link_whose_address_fills_a_piece_keeps_its_text_only() -> None:
    markdown = "[**some words**](https://e.org/" + "x" * 40 + ")"
    assert split_markdown(markdown, 30) == ["**some words**"]


def test_code_left_without_backticks_is_escaped() -> None:
    markdown = "`a*b_c`"
    pieces = split_markdown(markdown, 2)
    check_pieces(markdown, pieces, 2)
    assert "".join(pieces) == "a\\*b\\_c"


@pytest.mark.parametrize("markdown", ["**never closed", "a ] b (c)", "[text without address]"])
def test_markdown_not_written_here_is_cut_as_plain_text(markdown: str) -> None:
    pieces = split_markdown(markdown * 3, 10)
    assert "".join(pieces) == markdown * 3
    assert all(units(piece) <= 10 for piece in pieces)


def test_a_character_too_long_for_a_piece_in_code_is_escaped_when_cut() -> None:
    markdown = "`*" + "\u0301" * 30 + "`"
    pieces = split_markdown(markdown, 12)
    check_pieces(markdown, pieces, 12)
    assert pieces[0].startswith("\\*")


def test_a_quote_mark_from_code_left_without_backticks_gets_one_backslash() -> None:
    markdown = "x `>" + "\u0301" * 30 + "`"
    pieces = split_markdown(markdown, 12)
    check_pieces(markdown, pieces, 12)
    assert pieces[1].startswith("\\>\u0301")
