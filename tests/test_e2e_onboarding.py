"""End to end: the real `python bot.py` against the fake Bot API: onboarding, /learn, restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e_harness import FAKE_TOKEN, StartBot
from tests.fakebot import FakeBotServer


def test_onboarding_learn_and_restart(
    fake_server: FakeBotServer, start_bot: StartBot, bot_db: Path
) -> None:
    bot = start_bot({"MEDIAL_CLOCK_START": "2026-11-22T06:00:00+00:00"})
    user = fake_server.user(501, "Dana")

    user.send("/start medial")
    intro = user.wait_for("Stop at once")
    assert intro.has_button("consent:yes")
    user.press(intro, "consent:yes")
    question = user.wait_for("Which dose")
    user.press(question, "cfg:preset:rehab")
    question = user.wait_for("Which legs")
    user.press(question, "cfg:legs:right")
    question = user.wait_for("Your timezone")
    user.send("new york")
    question = user.wait_for("Reminder time")
    user.send("7:30pm")
    summary = user.wait_for("All set")
    assert "Every other day at 19:30 America/New_York, next: Sun 22 Nov" in summary.text
    assert "right leg" in summary.text

    user.press(summary, "learn:rehab:new")
    lesson = user.wait_for("step 1 of")
    user.press(lesson, "Next ▶️")
    lesson = user.wait_for("step 2 of")
    user.press(lesson, "◀️ Back")
    user.wait_for(lambda m: m.message_id == lesson.message_id and "step 1 of" in m.text)

    user.send("/cues")
    user.wait_for("Form checklist")
    user.send("Mars/Olympus")
    user.wait_for("/help")

    commands = fake_server.commands()
    assert {c["command"] for c in commands} >= {"start", "learn", "settings", "help"}

    code, seconds = bot.stop()
    assert code == 0 and seconds < 10
    with sqlite3.connect(bot_db) as conn:
        row = conn.execute(
            "SELECT legs, timezone, remind_at, onboarding_step FROM users WHERE user_id = 501"
        ).fetchone()
    assert row == ("right", "America/New_York", "19:30", "done")

    again = start_bot({"MEDIAL_CLOCK_START": "2026-11-22T06:05:00+00:00"})
    mark = user.mark()
    user.send("/start")
    greeting = user.wait_for("Welcome back", since=mark)
    assert "Dana" in greeting.text
    assert not any("Which dose" in m.text for m in user.messages()[-2:])
    again.stop()

    assert fake_server.rejected == []
    bot.assert_token_not_logged()
    again.assert_token_not_logged()
    assert FAKE_TOKEN not in bot.logs() + again.logs()
