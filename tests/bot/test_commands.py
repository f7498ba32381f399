"""Every command through the real router, newsroom and storage (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

from pathlib import Path

from conversation import Conversation

from bot.messages import ChatKind, ChatRef, Sender, Tone
from briefings.models import StoryStatus


def _paste(path: Path, source: str) -> str:
    return f"/add\nsource: {source}\n{path.read_text(encoding='utf-8')}"


async def test_moderator_adds_both_seeds_into_one_briefing(moderator: Conversation, reader: Conversation,
                                                           seed_paths: list[Path]) -> None:
    first = await moderator.text(_paste(seed_paths[0], "Outlet One"))
    assert "New briefing #1" in first
    second = await moderator.text(_paste(seed_paths[1], "Outlet Two"))
    assert "Added to briefing #1" in second and "2 sources" in second

    duplicate = await moderator.text(_paste(seed_paths[1], "Outlet Two"))
    assert "already stored" in duplicate and "Nothing was changed" in duplicate

    listing = await reader.text("/briefings")
    assert "#1 " in listing and "(2 sources)" in listing and "#2 " not in listing
    sources = await reader.text("/sources 1")
    assert "Outlet One" in sources and "Outlet Two" in sources

    answer = await reader.text("who leads the NRF?")
    assert "Ahmad Massoud" in answer and "Outlet One" in answer and "Outlet Two" in answer

    unknown = await reader.text("/ask who leads the Taliban?")
    assert "I don't know" in unknown and "Massoud" not in unknown.split("closest")[0]


async def test_readers_cannot_moderate_and_every_action_is_audited(moderator: Conversation, reader: Conversation,
                                                                   seed_paths: list[Path]) -> None:
    refused = await reader.say(_paste(seed_paths[0], "Outlet One"))
    assert refused[0].tone is Tone.REFUSAL and "Only moderators" in refused[0].plain_text()
    assert await moderator.app.store.count_articles() == 0

    await moderator.text(_paste(seed_paths[0], "Outlet One"))
    assert "Fact added to briefing #1" in await moderator.text("/fact 1 Ali Maisam is spokesman for the NRF")
    assert "is withdrawn" in await moderator.text("/withdraw 1 wrong province")
    assert "No published briefing #1" in await reader.text("/briefing 1")
    assert "is published" in await moderator.text("/publish 1")
    assert "corrected summary" in await moderator.text("/correct 1 The Taliban say they hold Panjshir.")
    story = await moderator.app.store.story("1")
    assert story.status is StoryStatus.PUBLISHED and story.summary == "The Taliban say they hold Panjshir."

    entries = await moderator.app.store.audit_entries()
    actions = {entry.action for entry in entries}
    assert {"add", "add_fact", "withdraw", "publish", "correct"} <= actions
    assert all(entry.actor == "telegram:42" for entry in entries)


async def test_huge_and_html_pastes(moderator: Conversation) -> None:
    limit = moderator.app.settings.max_article_chars
    huge = await moderator.say("/add\n" + "word " * (limit // 4))
    assert huge[0].tone is Tone.ERROR
    assert str(limit) in huge[0].plain_text().replace(",", "").replace(" ", "")  # the limit is stated
    assert await moderator.app.store.count_articles() == 0

    html = ("/add\ntitle: <b>Storm</b> & floods\n<p>Heavy rain flooded the <script>alert(1)</script>town of "
            "Exampleton on Monday, officials said.</p><p>The mayor, Jane Roe, said 300 homes were damaged.</p>")
    added = await moderator.text(html)
    assert "New briefing" in added
    briefing = await moderator.app.newsroom.briefing("1")
    article = (await moderator.app.store.story_articles("1"))[0]
    assert "<script>" not in article.text and "<p>" not in article.text and "alert(1)" not in briefing.story.summary


async def test_subscribe_typed_and_with_buttons(bot, moderator: Conversation) -> None:
    wizard = await moderator.say("/subscribe")
    times = [button.action for button in wizard[0].buttons]
    assert "/subscribe 08:00" in times
    zones = await moderator.say("/subscribe 08:00")
    assert "/subscribe 08:00 Europe/London" in [b.action for b in zones[0].buttons]
    done = await moderator.text("/subscribe 08:00 Europe/London")
    assert "Subscribed: a digest at 08:00 Europe/London every day, all topics" in done

    changed = await moderator.text("/subscribe 7:30 america/new_york weekdays always business tech")
    assert "07:30 America/New_York on weekdays, topics: business, tech, even when nothing is new" in changed
    subscriptions = await bot.store.subscriptions()
    assert len(subscriptions) == 1 and subscriptions[0].topics == ("business", "tech")

    assert "is not a time of day" in await moderator.text("/subscribe 24:61 UTC")
    assert "Did you mean Europe/London" in await moderator.text("/subscribe 08:00 Europe/Londn")
    assert "Unsubscribed" in await moderator.text("/unsubscribe")
    assert "no digest subscription" in await moderator.text("/unsubscribe")


async def test_group_members_need_admin_rights_to_subscribe(bot) -> None:
    group = ChatRef("telegram", "-100", ChatKind.GROUP)
    member = Conversation(bot, Sender("telegram", "5"), group)
    admin = Conversation(bot, Sender("telegram", "6", is_chat_admin=True), group)
    assert "Only group admins" in await member.text("/subscribe 08:00 UTC")
    assert "Subscribed" in await admin.text("/subscribe 08:00 UTC")
    assert await member.say("just chatting") == []


async def test_digest_after_subscribing(moderator: Conversation, seed_paths: list[Path]) -> None:
    assert "no published briefings yet" in await moderator.text("/digest")
    await moderator.text(_paste(seed_paths[0], "Outlet One"))
    await moderator.text("/subscribe 08:00 UTC")
    digest = await moderator.say("/digest")
    assert digest[0].digest and len(digest[0].cards) == 1
    assert "Your briefing digest: 1 story" in digest[0].plain_text()


async def test_help_shows_moderator_commands_only_to_moderators(moderator: Conversation,
                                                                reader: Conversation) -> None:
    assert "/add" in await moderator.text("/help")
    reader_help = await reader.text("/help")
    assert "/ask" in reader_help and "/add" not in reader_help and "/publish" not in reader_help
