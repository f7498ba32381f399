"""Reply -> plain text, for the console and for logs."""

from __future__ import annotations

import textwrap

from bot.messages import BulletList, Paragraph, Reply, Span
from bot.render.common import citation_text, fact_text
from briefings.models import Briefing, Citation


def _spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = span.text
        if span.link and span.link != span.text:
            text = f"{text} <{span.link}>"
        out.append(text)
    return "".join(out)


def render_briefing(briefing: Briefing, updated: bool = False) -> str:
    """One briefing card as text: headline, summary, facts, sources."""
    story = briefing.story
    marker = " (updated)" if updated else ""
    status = "" if story.status == "published" else f" [{story.status}]"
    lines = [f"#{story.id} {story.headline}{marker}{status}"]
    if story.summary and not updated:
        lines.append(textwrap.fill(story.summary, width=100))
    if briefing.facts:
        lines.append("Key facts:" if not updated else "New facts:")
        lines.extend(f"  • {fact_text(fact)}" for fact in briefing.facts)
    if briefing.citations:
        lines.append("Sources: " + "; ".join(_citation(c) for c in briefing.citations))
    return "\n".join(lines)


def _citation(citation: Citation) -> str:
    text = citation_text(citation)
    return f"{text} <{citation.url}>" if citation.url else text


def render_text(reply: Reply) -> str:
    """The whole reply as plain text: title, blocks, cards, then buttons as hints."""
    parts: list[str] = []
    if reply.title:
        parts.append(reply.title)
    for block in reply.blocks:
        if isinstance(block, Paragraph):
            parts.append(_spans(block.spans))
        elif isinstance(block, BulletList):
            parts.append("\n".join(f"  • {_spans(item)}" for item in block.items))
    for card in reply.cards:
        parts.append(render_briefing(card, updated=card.story.id in reply.updated_story_ids))
    actions = [b for b in reply.buttons if b.action]
    links = [b for b in reply.buttons if b.url and not b.action]
    if actions:
        parts.append("Options: " + " | ".join(f"{b.label}: {b.action}" for b in actions))
    if links:
        parts.append("Links: " + " | ".join(f"{b.label} <{b.url}>" for b in links))
    return "\n\n".join(part for part in parts if part)
