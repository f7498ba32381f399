"""Builders from newsroom results to neutral replies, shared by commands and the outbox."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.messages import BulletList, Button, Paragraph, Reply, Span
from bot.render.common import citation_text
from briefings.models import Answer, Briefing, Citation, Story


def citation_spans(citation: Citation) -> tuple[Span, ...]:
    """A source as spans: a link on its outlet and title when it has a URL."""
    return (Span(citation_text(citation), link=citation.url),)


def answer_reply(answer: Answer) -> Reply:
    """The short answer, its evidence, its sources and their date; or a plain "I don't know"."""
    if not answer.known:
        blocks: list[Paragraph | BulletList] = [
            Paragraph((Span("I don't know. ", bold=True),
                       Span("The articles I have stored don't answer that, and I won't guess."),))
        ]
        buttons: tuple[Button, ...] = ()
        if answer.closest_story is not None:
            story = answer.closest_story
            blocks.append(Paragraph((Span("The closest briefing is "), Span(f"#{story.id} {story.headline}", bold=True),
                                     Span(f" (type /briefing {story.id})."))))
            buttons = (Button(f"Open briefing #{story.id}", action=f"/briefing {story.id}"),)
        return Reply(blocks=tuple(blocks), buttons=buttons)
    blocks = [Paragraph((Span(answer.text or "", bold=True),))]
    if answer.evidence:
        blocks.append(Paragraph((Span(f"“{answer.evidence}”", italic=True),)))
    if answer.superseded:
        blocks.append(Paragraph((Span("Earlier reports said: " + "; ".join(answer.superseded) + "."),)))
    if answer.citations:
        blocks.append(Paragraph((Span("Sources:", bold=True),)))
        blocks.append(BulletList(tuple(citation_spans(c) for c in answer.citations)))
    if answer.as_of is not None:
        blocks.append(Paragraph((Span(f"As of {answer.as_of.strftime('%d %B %Y')}.", italic=True),)))
    story_ids = sorted({c.story_id for c in answer.citations}, key=_numeric_first)
    buttons = tuple(Button(f"Briefing #{sid}", action=f"/briefing {sid}") for sid in story_ids[:3])
    return Reply(blocks=tuple(blocks), buttons=buttons)


def briefing_reply(briefing: Briefing) -> Reply:
    """One briefing as a card with buttons for its sources and facts."""
    return Reply(cards=(briefing,), buttons=card_buttons(briefing.story.id))


def card_buttons(story_id: str, prefix: str = "") -> tuple[Button, ...]:
    """The buttons under a briefing: its sources and its key facts."""
    return (
        Button(f"{prefix}Sources", action=f"/sources {story_id}"),
        Button(f"{prefix}Key facts", action=f"/facts {story_id}"),
    )


def briefing_list_reply(briefings: Sequence[Briefing], *, moderator: bool) -> Reply:
    """A short list: id, headline, number of sources, and the status for moderators."""
    if not briefings:
        hint = "Moderators can add one with /add." if moderator else "Check back later."
        return Reply.text("There are no briefings yet.", hint)
    items = []
    for briefing in briefings:
        story = briefing.story
        count = len(briefing.citations)
        label = f" [{story.status}]" if moderator and story.status != "published" else ""
        items.append((Span(f"#{story.id} ", bold=True), Span(f"{story.headline}{label}"),
                      Span(f" ({count} source{'s' if count != 1 else ''})")))
    return Reply(
        title="Briefings",
        blocks=(BulletList(tuple(items)), Paragraph((Span("Type /briefing <id> to read one."),))),
    )


def sources_reply(briefing: Briefing) -> Reply:
    story = briefing.story
    return Reply(
        title=f"Sources of #{story.id} {story.headline}",
        blocks=(BulletList(tuple(citation_spans(c) for c in briefing.citations)),),
        buttons=tuple(Button(c.outlet[:40], url=c.url) for c in briefing.citations if c.url)[:5],
    )


def digest_reply(briefings: Sequence[Briefing], *, updated_story_ids: Collection[str] = (),
                 empty_text: str | None = None) -> Reply:
    """A digest: briefing cards, updated stories marked, link previews off."""
    if not briefings:
        return Reply(blocks=(Paragraph((Span(empty_text or "Nothing new since your last digest."),)),), digest=True)
    count = len(briefings)
    buttons: list[Button] = []
    for number, briefing in enumerate(briefings, start=1):
        prefix = f"{number}. " if count > 1 else ""
        buttons += card_buttons(briefing.story.id, prefix)
    return Reply(
        title=f"Your briefing digest: {count} stor{'ies' if count != 1 else 'y'}",
        cards=tuple(briefings),
        buttons=tuple(buttons),
        digest=True,
        updated_story_ids=frozenset(updated_story_ids),
    )


def story_changed_reply(story: Story, what: str) -> Reply:
    return Reply(blocks=(Paragraph((Span(f"Briefing #{story.id} {what}: ", bold=False),
                                    Span(story.headline, bold=True))),))


def _numeric_first(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 62, value)


