"""In-process: /start, consent, the four questions, /learn, /settings, and odd input."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from handlers import render
from tests.handlerkit import Chat, Kit, running_kit

# Sunday 22 Nov 2026, 06:00 UTC = 07:00 in Berlin.
START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


async def onboard(chat: Chat, zone_text: str = "Europe/Berlin", time_text: str = "07:30") -> None:
    """Answer the four questions by button data and step numbers, in any language."""
    intro = (await chat.send("/start medial"))[-1]
    assert intro.buttons()[0][1] == "consent:yes"
    question = (await chat.press(intro, "consent:yes"))[-1]
    assert "1/4" in question.text
    question = (await chat.press(question, "cfg:preset:rehab"))[-1]
    assert "2/4" in question.text
    replies = await chat.press(question, "cfg:legs:both")
    assert any("3/4" in reply.text for reply in replies)
    replies = await chat.send(zone_text)
    assert any("4/4" in reply.text for reply in replies)
    await chat.send(time_text)


async def test_full_onboarding_with_typed_answers(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        summary = chat.last()
        assert "All set" in summary.text
        assert "Every other day at 07:30 Europe/Berlin, next: Sun 22 Nov" in summary.text
        assert {label for label, _ in summary.buttons()} == {
            "📖 Learn the movement",
            "▶️ Start now",
            "✓ 💬 In chat",
            "🔊 Voice",
        }
        user = await kit.storage.get_user(42)
        assert user.onboarded and user.timezone == "Europe/Berlin"
        assert user.remind_at == time(7, 30)
        assert user.next_reminder_utc == datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
        assert kit.request.rejected == []


async def test_time_already_passed_means_tomorrow(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat, "New York", "7:30pm")
        # 06:00 UTC is 01:00 in New York: 19:30 is still ahead today.
        assert "19:30 America/New_York, next: Sun 22 Nov" in chat.last().text
        other = kit.chat(43, "Bo")
        await onboard(other, "UTC+2", "06:15")
        # 08:00 at UTC+2 is past 06:15: first training day is tomorrow.
        assert "06:15 Etc/GMT-2, next: Mon 23 Nov" in other.last().text


async def test_nothing_stored_without_consent(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        intro = (await chat.send("/start"))[-1]
        assert "sharp pain" in intro.text and "physical therapist" in intro.text
        declined = (await chat.press(intro, "No thanks"))[-1]
        assert "haven't stored anything" in declined.text
        assert await kit.storage.count_users() == 0
        reply = (await chat.send("/settings"))[-1]
        assert "/start medial" in reply.text
        assert await kit.storage.count_users() == 0


async def test_unknown_payload_lists_what_exists(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        reply = (await kit.chat().send("/start squats<b>"))[-1]
        assert "/start medial" in reply.text and "&lt;b&gt;" in reply.text


async def test_known_user_is_greeted_back_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        await onboard(kit.chat())
    async with running_kit(db, START) as kit:
        greeting = (await kit.chat().send("/start medial"))[-1]
        assert "Welcome back, Ann" in greeting.text
        assert "Which dose" not in greeting.text


async def test_bad_typed_answers_get_explanations(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        intro = (await chat.send("/start medial"))[-1]
        q = (await chat.press(intro, "consent:yes"))[-1]
        q = (await chat.press(q, "Knee rehab"))[-1]
        q = (await chat.press(q, "Left leg only"))[-1]
        reply = (await chat.send("Mars/Olympus"))[-1]
        assert "couldn't find a timezone" in reply.text
        reply = (await chat.send("x" * 4000))[-1]
        assert "couldn't find a timezone" in reply.text and len(reply.text) < 500
        await chat.send("Berlin")
        reply = (await chat.send("25:99"))[-1]
        assert "isn't a time" in reply.text
        await chat.send("7pm")
        assert "All set" in chat.last().text
        assert "left leg" in chat.last().text
        assert kit.request.rejected == []


async def test_location_sets_timezone(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        intro = (await chat.send("/start medial"))[-1]
        q = (await chat.press(intro, "consent:yes"))[-1]
        q = (await chat.press(q, "Army"))[-1]
        sent = await chat.press(q, "Both legs")
        assert "Your timezone" in sent[-2].text
        assert sent[-1].markup is not None
        location_button = sent[-1].markup["keyboard"][0][0]
        assert location_button["request_location"] is True
        sent = await chat.send_location(52.52, 13.405)
        assert "Timezone: <b>Europe/Berlin</b>" in sent[-2].text
        assert sent[-2].markup == {"remove_keyboard": True}
        q = sent[-1]
        assert "Reminder time" in q.text
        user = await kit.storage.get_user(42)
        assert user.timezone == "Europe/Berlin"


async def test_learn_walks_steps_on_one_message(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        first = (await chat.send("/learn"))[-1]
        preset = kit.app.bot_data.program.preset("rehab")
        assert f"step 1 of {len(preset.steps)}" in first.text
        for index in range(1, len(preset.steps)):
            await chat.press(first, "Next")
            assert f"step {index + 1} of" in first.text
        assert "Start now" in [label.split(" ", 1)[-1] for label, _ in first.buttons()] or any(
            "Start now" in label for label, _ in first.buttons()
        )
        await chat.press(first, "Back")
        assert f"step {len(preset.steps) - 1} of" in first.text
        assert len(chat.messages()) == 1
        assert kit.request.rejected == []


async def test_settings_change_each_choice(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        panel = (await chat.send("/settings"))[-1]
        assert "Knee rehab" in panel.text and "07:30" in panel.text
        await chat.press(panel, "Dose preset")
        await chat.press(panel, "Army")
        assert "Army" in panel.text and "Your settings" in panel.text
        await chat.press(panel, "Reminder time")
        await chat.press(panel, "18:00")
        assert "Reminder: 18:00" in panel.text
        await chat.press(panel, "Timezone")
        panel = (await chat.send("Asia/Kolkata"))[-1]
        assert "Asia/Kolkata" in panel.text and "Your settings" in panel.text
        user = await kit.storage.get_user(42)
        assert user.timezone == "Asia/Kolkata" and user.remind_at == time(18, 0)
        await chat.press(panel, "Pause reminders")
        assert "paused until you /resume" in panel.text
        await chat.press(panel, "Resume reminders")
        assert "next:" in panel.text
        assert kit.request.rejected == []


async def test_odd_input_never_silent(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        reply = (await chat.send("/frobnicate"))[-1]
        assert "/help" in reply.text
        reply = (await chat.send("hello there"))[-1]
        assert "/help" in reply.text
        reply = (await chat.send("y" * 4000))[-1]
        assert "/help" in reply.text
        help_msg = (await chat.send("/help"))[-1]
        for name, _ in render.COMMANDS:
            assert f"/{name}" in help_msg.text
        fake = chat.messages()[0]
        await chat.forge(fake, "cfg:preset:rehab")
        await chat.forge(fake, "learn:nope:99")
        await chat.forge(fake, "x" * 10)
        assert len(chat.answers()) == 3
        for name in ("/cues", "/mistakes", "/variations"):
            assert len((await chat.send(name))[-1].text) > 50
        assert kit.request.rejected == []


async def test_command_menu_registered(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        calls = [p for m, p in kit.request.calls if m == "setMyCommands"]
        # The default menu, then one per language Telegram shows to clients in that language.
        assert [p.get("language_code") for p in calls] == [None, "ru", "es", "de", "pt"]
        assert all("workout" in str(p["commands"]) for p in calls)
    _ = Kit  # the Kit class is the front door used above
