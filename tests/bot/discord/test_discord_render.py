"""Reply -> Discord embeds: every limit is respected and no text is lost (property tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import BulletList, Button, Paragraph, Reply, Span, Tone
from bot.render.common import citation_text, fact_text
from bot.render.discord import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    DiscordMessage,
    escape,
    render_discord,
    split_text,
    units,
)
from briefings.models import Briefing, Citation, Fact, Story, StoryStatus

NOW = datetime(2021, 9, 6, 12, 0, tzinfo=UTC)

# Text of every kind: markdown characters, emoji beyond the BMP, long words, line breaks.
text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(list("*_`~|[]<>#-\\ \n😀")),
    ),
    max_size=300,
)
long_text = st.one_of(text, st.builds(lambda t, n: (t + " ") * n, text, st.integers(1, 40)))


def story(sid: str, headline: str, summary: str, status: StoryStatus = StoryStatus.PUBLISHED) -> Story:
    return Story(
        id=sid,
        headline=headline,
        summary=summary,
        status=status,
        created_at=NOW,
        updated_at=NOW,
        published_at=NOW,
    )


def fact(sid: str, index: int, value: str) -> Fact:
    return Fact(
        id=f"{sid}-{index}",
        story_id=sid,
        subject="",
        relation="states",
        object=value,
        evidence=value,
        article_id=None,
        added_by="test",
        added_at=NOW,
    )


def citation(sid: str, index: int, outlet: str, url: str | None) -> Citation:
    return Citation(
        article_id=f"a{index}",
        story_id=sid,
        outlet=outlet or "outlet",
        title=None,
        url=url,
        published_at=None,
    )


@st.composite
def briefings(draw: st.DrawFn) -> Briefing:
    sid = str(draw(st.integers(1, 10_000)))
    facts = draw(st.lists(long_text, max_size=12))
    outlets = draw(st.lists(st.tuples(text, st.sampled_from([None, "https://example.org/a(1)"])), max_size=5))
    return Briefing(
        story=story(sid, draw(long_text), draw(long_text), draw(st.sampled_from(list(StoryStatus)))),
        citations=tuple(citation(sid, i, o, u) for i, (o, u) in enumerate(outlets)),
        facts=tuple(fact(sid, i, f) for i, f in enumerate(facts)),
    )


spans = st.lists(
    # code spans keep their text raw inside backticks: see the unit test
    st.builds(
        Span,
        text=long_text,
        bold=st.booleans(),
        italic=st.booleans(),
        code=st.just(False),
        link=st.sampled_from([None, "https://example.org/x"]),
    ),
    min_size=1,
    max_size=4,
).map(tuple)
blocks = st.lists(
    st.one_of(st.builds(Paragraph, spans), st.builds(BulletList, st.lists(spans, min_size=1, max_size=5).map(tuple))),
    max_size=6,
)
replies = st.builds(
    Reply,
    blocks=blocks.map(tuple),
    cards=st.lists(briefings(), max_size=6).map(tuple),
    buttons=st.lists(st.builds(Button, label=text, action=st.just("/briefing 1")), max_size=3).map(tuple),
    tone=st.sampled_from(list(Tone)),
    title=st.one_of(st.none(), long_text),
    digest=st.booleans(),
)


def check_limits(messages: list[DiscordMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(embed.size for embed in message.embeds) <= EMBED_TOTAL_LIMIT
        for embed in message.embeds:
            assert units(embed.title or "") <= TITLE_LIMIT
            assert units(embed.description or "") <= DESCRIPTION_LIMIT
            assert len(embed.fields) <= FIELDS_LIMIT
            assert units(embed.footer or "") <= FOOTER_LIMIT
            assert embed.size <= EMBED_TOTAL_LIMIT
            for item in embed.fields:
                assert 1 <= units(item.name) <= FIELD_NAME_LIMIT
                assert 1 <= units(item.value) <= FIELD_VALUE_LIMIT
                assert item.name.strip() and item.value.strip()
            # and the discord.py object agrees about the size
            assert len(embed.to_embed()) == embed.size - sum(
                1
                for ch in "".join(
                    [
                        embed.title or "",
                        embed.description or "",
                        embed.footer or "",
                        *(f.name + f.value for f in embed.fields),
                    ]
                )
                if ord(ch) > 0xFFFF
            )


def visible(markdown: str) -> str:
    """What a reader sees of our markdown: link texts kept, their targets, the marks and the
    escaping backslashes dropped."""
    out = []
    index = 0
    while index < len(markdown):
        ch = markdown[index]
        if ch == "\\" and index + 1 < len(markdown):
            out.append(markdown[index + 1])
            index += 2
            continue
        if ch == "]" and markdown.startswith("](", index):
            index = markdown.index(")", index) + 1  # our link targets never contain ")"
            continue
        if ch not in "*`[":
            out.append(ch)
        index += 1
    return "".join(out)


def squash(value: str) -> str:
    return "".join(value.split()).replace("…", "")


def shown_text(messages: list[DiscordMessage]) -> str:
    """Everything the messages show, in order, as one squashed string."""
    parts = []
    for message in messages:
        for embed in message.embeds:
            parts.append(squash(visible(embed.title or "")))
            parts.append(squash(visible(embed.description or "")))
            for item in embed.fields:
                parts.append(squash(visible(item.value)))
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(replies)
def test_every_limit_is_respected_and_no_text_is_lost(reply: Reply) -> None:
    messages = render_discord(reply)
    check_limits(messages)
    shown = shown_text(messages)
    # The reply's own text, then each card's, appear in order (whitespace aside).
    expected = []
    if reply.title:
        expected.append(squash(reply.title))
    for block in reply.blocks:
        items = block.items if isinstance(block, BulletList) else (block.spans,)
        for item in items:
            expected.append(squash("".join(s.text for s in item)))
    for card in reply.cards:
        expected.append(squash(card.story.headline))
        if card.story.id not in reply.updated_story_ids:
            expected.append(squash(card.story.summary))
        expected.extend(squash(fact_text(f)) for f in card.facts)
        expected.extend(squash(citation_text(c)) for c in card.citations)
    position = 0
    for piece in expected:
        found = shown.find(piece, position)
        assert found >= 0, f"lost text: {piece[:80]!r}"
        position = found + len(piece)
    if messages:
        assert messages[-1].buttons == list(reply.buttons)
        assert all(m.ephemeral == (reply.tone is not Tone.INFO) for m in messages)


@settings(max_examples=150, deadline=None)
@given(long_text, st.integers(2, 300))
def test_split_text_keeps_every_character(value: str, limit: int) -> None:
    chunks = split_text(value, limit)
    assert "".join(chunks) == value
    assert all(units(chunk) <= limit for chunk in chunks)
    assert all(chunks) or chunks == [""]


@given(text)
def test_escape_is_reversible(value: str) -> None:
    assert visible(escape(value)) == value


def test_a_long_digest_is_split_across_messages_within_limits() -> None:
    cards = tuple(
        Briefing(
            story=story(str(i), f"Story number {i} " + "headline " * 40, "A summary sentence. " * 220),
            citations=tuple(citation(str(i), j, f"Outlet {j}", f"https://news.example/{i}/{j}") for j in range(6)),
            facts=tuple(fact(str(i), j, f"Fact {j} of story {i}. " * 8) for j in range(40)),
        )
        for i in range(12)
    )
    messages = render_discord(Reply(title="Your briefing digest: 12 stories", cards=cards, digest=True))
    check_limits(messages)
    assert len(messages) > 3
    shown = shown_text(messages)
    for i in range(12):
        assert squash(f"Fact 39 of story {i}.") in shown


def test_marks_render_as_discord_markdown() -> None:
    reply = Reply(
        blocks=(
            Paragraph(
                (
                    Span("Ahmad Massoud", bold=True),
                    Span(" leads the "),
                    Span("NRF", italic=True),
                    Span(" (a_b*c)"),
                )
            ),
            BulletList(((Span("BBC", link="https://bbc.example/x(1)"),),)),
        )
    )
    [message] = render_discord(reply)
    description = message.embeds[0].description or ""
    assert description.startswith("**Ahmad Massoud** leads the *NRF* (a\\_b\\*c)")
    assert "• [BBC](https://bbc.example/x%281%29)" in description


def test_code_spans_keep_their_text_raw() -> None:
    [message] = render_discord(Reply(blocks=(Paragraph((Span("Type "), Span("/briefings 3", code=True))),)))
    assert message.embeds[0].description == "Type `/briefings 3`"


def test_errors_are_ephemeral_and_red() -> None:
    [message] = render_discord(Reply.error("No such briefing.", "Type /briefings to see them."))
    assert message.ephemeral
    assert message.embeds[0].colour == 0xED4245


def test_an_empty_reply_renders_nothing() -> None:
    assert render_discord(Reply()) == []


def test_a_hard_cut_does_not_split_a_visible_character() -> None:
    family = "👨\u200d👩\u200d👧"
    chunks = split_text("x" * 4093 + family + " end", DESCRIPTION_LIMIT)
    assert chunks == ["x" * 4093, family + " end"]
    accented = "e\u0301\u0302"
    assert split_text("ab" + accented * 2, 4) == ["ab", accented, accented]


def test_a_character_longer_than_a_chunk_is_cut_inside_it() -> None:
    # An escaped "*" with a thousand accents: cut inside it, never between "\" and "*".
    value = escape("*") + "\u0301" * 1000
    chunks = split_text(value, 100)
    assert "".join(chunks) == value
    assert chunks[0].startswith("\\*") and all(units(chunk) <= 100 for chunk in chunks)


def test_a_title_shows_its_markdown_characters_literally() -> None:
    headline = "*Exclusive*: the _real_ cost of [cheap] flights " + "*" * 300
    [message] = render_discord(Reply(cards=(Briefing(story("7", headline, "Fares rose."), (), ()),)))
    title = message.embeds[0].title or ""
    assert title.startswith("\\#7 \\*Exclusive\\*: the \\_real\\_ cost of \\[cheap\\] flights")
    assert units(title) <= TITLE_LIMIT
    # What the title could not hold opens the description, escaped there too.
    assert squash(visible(title)) + squash(visible(message.embeds[0].description or "")) == squash(
        "#7 " + headline + "Fares rose."
    ).replace("…", "")
