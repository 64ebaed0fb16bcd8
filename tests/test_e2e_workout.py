"""End to end: the real `python bot.py` against the fake Bot API: a guided session, and kill -9."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e_harness import StartBot
from tests.fakebot import BotMessage, FakeBotServer, FakeUser
from transport.limits import CHAT_BURST

CLOCK = {"MEDIAL_CLOCK_START": "2026-11-22T06:00:00+00:00"}
BEAT = re.compile(r"Rep \d+/\d+ — [^\n]*")


def onboard(user: FakeUser) -> None:
    """Knee rehab, left leg only, Berlin, 20:00."""
    user.send("/start medial")
    user.press(user.wait_for("Stop at once"), "consent:yes")
    user.press(user.wait_for("Which dose"), "cfg:preset:rehab")
    user.press(user.wait_for("Which legs"), "cfg:legs:left")
    user.wait_for("Your timezone")
    user.send("Europe/Berlin")
    user.press(user.wait_for("Reminder time"), "cfg:time:20:00")
    user.wait_for("All set")


def press(user: FakeUser, message: BotMessage, label_part: str) -> None:
    """Press the button whose label contains `label_part` (waiting for it to appear)."""
    deadline = time.monotonic() + 10
    while True:
        current = next(m for m in user.messages() if m.message_id == message.message_id)
        for row in current.buttons:
            for button in row:
                if label_part in button.text and button.callback_data:
                    user.press(current, button.callback_data)
                    return
        if time.monotonic() > deadline:
            raise AssertionError(f"no {label_part!r} button on {current.button_texts}")
        time.sleep(0.02)


def on(message: BotMessage, fragment: str) -> Callable[[BotMessage], bool]:
    """A wait_for predicate: this message's current text contains `fragment`."""
    return lambda m: m.message_id == message.message_id and fragment in m.text


def db_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db, timeout=5) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def test_guided_session_through_the_real_process(
    fake_server: FakeBotServer, start_bot: StartBot, bot_db: Path
) -> None:
    bot = start_bot(CLOCK)
    user = fake_server.user(601, "Eve")
    onboard(user)
    # Two reps a set keeps the session short (13 s a set at the real pace).
    with sqlite3.connect(bot_db, timeout=5) as conn:
        conn.execute("UPDATE users SET reps = 2 WHERE user_id = 601")

    user.send("/workout")
    first = user.wait_for("Set 1 of 3 — left leg.")
    assert "Today's session: 3 × 2 left leg, hold 2 s" in first.text
    press(user, first, "Go")
    user.wait_for(on(first, "hold… 2"))
    press(user, first, "Pause")
    paused = user.wait_for(on(first, "Paused at rep 1/2"))
    time.sleep(2.5)
    still = next(m for m in user.messages() if m.message_id == first.message_id)
    assert still.history == paused.history  # nothing moves while paused
    press(user, first, "Resume")
    ended = user.wait_for(on(first, "Set 1 of 3 done?"), timeout=20)
    assert "Rest: 45 s" in ended.text

    lines = [m.group(0) for _, text in ended.edits for m in [BEAT.search(text)] if m]
    assert lines == [
        "Rep 1/2 — lift ⬆️ (breathe out)",
        "Rep 1/2 — hold… 2",
        "Rep 1/2 — hold… 2",  # after the pause: the beat that was on screen, again
        "Rep 1/2 — hold… 1",
        "Rep 1/2 — lower ⬇️ (breathe in)",
        "Rep 2/2 — lift ⬆️ (breathe out)",
        "Rep 2/2 — hold… 2",
        "Rep 2/2 — hold… 1",
        "Rep 2/2 — lower ⬇️ (breathe in)",
    ]
    stamps = [at for at, _ in ended.history]
    # About 1 edit a second; a reply (the Pause screen) may use the chat's short burst.
    assert max(sum(1 for u in stamps if at <= u < at + 1.0) for at in stamps) <= CHAT_BURST

    user.send("done 8")
    user.wait_for("Logged set 1 of 3, left, 8 reps")
    press(user, first, "Skip rest")
    second = user.wait_for("Set 2 of 3 — left leg.")
    press(user, second, "Go")
    user.wait_for(on(second, "Rep 1/2"))
    press(user, second, "Done")
    user.wait_for(on(second, "Set 2 of 3 done?"))
    user.send("Done!")
    user.wait_for("Logged set 2 of 3, left, 2 reps")
    press(user, second, "Skip rest")
    third = user.wait_for("Set 3 of 3 — left leg.")
    user.send("done")  # did it without pacing
    summary = user.wait_for("Session complete")
    assert "Sets: 3 of 3" in summary.text and "Left leg: 12 reps" in summary.text
    assert "Logged set 3 of 3, left, 2 reps" in summary.text
    user.press(summary, "2")
    user.wait_for(on(summary, "Pain: 2/10"))
    press(user, summary, "About right")
    user.wait_for(on(summary, "Recorded: pain 2/10, about right"))
    user.wait_for(lambda m: m.message_id == third.message_id and not m.buttons)

    assert db_rows(bot_db, "SELECT leg, set_no, reps, skipped FROM sets ORDER BY set_id") == [
        ("left", 1, 8, 0),
        ("left", 2, 2, 0),
        ("left", 3, 2, 0),
    ]
    assert db_rows(bot_db, "SELECT status, pain, difficulty, reps_planned FROM sessions") == [
        ("done", 2, "right", 2)
    ]
    code, seconds = bot.stop()
    assert code == 0 and seconds < 10
    assert fake_server.rejected == []
    assert fake_server.unanswered_callbacks() == []
    bot.assert_token_not_logged()


def test_logged_set_survives_kill_9(
    fake_server: FakeBotServer, start_bot: StartBot, bot_db: Path
) -> None:
    bot = start_bot(CLOCK)
    user = fake_server.user(602, "Finn")
    onboard(user)
    user.send("done 7")
    user.wait_for("Logged set 1 of 3, left, 7 reps")
    assert bot.kill() == -9
    assert db_rows(bot_db, "SELECT leg, set_no, reps FROM sets") == [("left", 1, 7)]

    again = start_bot(CLOCK)
    # The restart closed the interrupted session as partial, keeping the set.
    assert db_rows(bot_db, "SELECT status FROM sessions") == [("partial",)]
    mark = user.mark()
    user.send("done")
    user.wait_for("Logged set 2 of 3, left, 10 reps", since=mark)
    user.send("/workout")
    offer = user.wait_for("unfinished session", since=mark)
    assert "2 of 3 sets logged" in offer.text
    assert db_rows(bot_db, "SELECT leg, set_no, reps FROM sets ORDER BY set_id") == [
        ("left", 1, 7),
        ("left", 2, 10),
    ]
    again.stop()
    assert fake_server.rejected == []
