"""End to end through `python bot.py`: a safety stop, a week with a pause, and the weekly recap."""

from __future__ import annotations

import time
from pathlib import Path

from tests.e2e_harness import StartBot
from tests.fakebot import FakeBotServer, FakeUser
from tests.test_e2e_reminders import assert_clean_logs, env, onboard

USER_ID = 602


def log_whole_session(user: FakeUser, pain: str) -> None:
    """Reply done for both legs, then answer the pain (and, if asked, difficulty) check."""
    mark = user.mark()
    user.send("done 3x10 left")
    user.wait_for("Logged", since=mark)
    mark = user.mark()
    user.send("done 3x10 right")
    question = user.wait_for(lambda m: any(d.startswith("wk:pain:") for d in m.button_data))
    data = next(d for d in question.button_data if d.endswith(f":{pain}"))
    user.press(question, data)
    if int(pain) < 7:
        asked = user.wait_for(lambda m: any(d.startswith("wk:diff:") for d in m.button_data))
        user.press(asked, next(d for d in asked.button_data if d.endswith(":right")))
        user.wait_for("Thanks!", since=mark)


def test_safety_stop_paused_week_and_recap(
    fake_server: FakeBotServer,
    start_bot: StartBot,
    bot_db: Path,
) -> None:
    # Fri 20 Nov 2026, 07:00 Berlin: onboard, train, report pain 8: the safety stop.
    bot = start_bot(env("2026-11-20T06:00:00+00:00"))
    user = fake_server.user(USER_ID, "Ida")
    onboard(user)
    log_whole_session(user, "8")
    advice = user.wait_for("I've paused your reminders")
    assert "doctor or physical therapist" in advice.text

    mark = user.mark()
    user.send("/workout")
    offer = user.wait_for("paused", since=mark)
    assert offer.has_button("workout:anyway") and "already done" not in offer.text
    mark = user.mark()
    user.send("/start")
    welcome = user.wait_for("Welcome back", since=mark)
    assert "paused" in welcome.text and "training day" not in welcome.text

    # Ida resumes, then pauses for five days (until Wed 25 Nov).
    mark = user.mark()
    user.send("/resume")
    user.wait_for("Reminders are on", since=mark)
    mark = user.mark()
    user.send("/pause 5")
    user.wait_for("Wed 25 Nov", since=mark)
    code, _ = bot.stop()
    assert code == 0

    # Wed 25 Nov: back, one session.
    bot = start_bot(env("2026-11-25T07:00:00+00:00"))
    log_whole_session(user, "1")
    code, _ = bot.stop()
    assert code == 0

    # Sun 29 Nov, ten seconds before 07:30 Berlin: the recap arrives at 07:30, with the chart.
    bot = start_bot(env("2026-11-29T06:29:50+00:00"))
    recap = user.wait_for(lambda m: m.kind == "photo" and "Your week" in m.text, timeout=30)
    assert recap.photo is not None and recap.photo.startswith(b"\x89PNG")
    text = recap.text
    # Sun 22–Tue 24 were paused: not due. Wed 25 done, Fri 27 and Sat 28 due and missed.
    assert "(Sun 22 Nov – Sat 28 Nov)" in text
    assert "Training days: 1 of 3 done" in text, text
    assert "Reps, left leg: 30" in text and "Pain: 1/10" in text
    assert "What's next" in text
    code, _ = bot.stop()
    assert code == 0

    # A restart a few minutes later: the ledger keeps it to one recap this week.
    bot = start_bot(env("2026-11-29T06:33:00+00:00"))
    mark = user.mark()
    user.send("/settings")
    panel = user.wait_for("Your settings", since=mark)
    assert "Weekly recap: Sundays at 07:30" in panel.text
    time.sleep(3)
    assert bot.running
    recaps = [m for m in user.messages() if "Your week" in m.text]
    assert len(recaps) == 1
    bot.stop()
    assert_clean_logs(bot_db)
