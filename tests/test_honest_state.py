"""Honest state after safety stops and pauses, /progress with today's open session, and pauses
in adherence and streaks, through the real application."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.handlerkit import Chat, Kit, running_kit
from tests.seeding import add_session
from tests.test_onboarding import START, onboard
from tests.test_safety import checkin

D22 = date(2026, 11, 22)


async def _safety_stop(kit: Kit, chat: Chat) -> None:
    await onboard(chat)
    session_id = await add_session(kit.storage, 42, D22, pain=8, difficulty="hard")
    await checkin(kit, 42, session_id)
    assert "I've paused your reminders" in chat.last().text


async def test_after_a_safety_stop_start_and_workout_say_reminders_are_paused(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _safety_stop(kit, chat)
        kit.advance(days=1)
        welcome = (await chat.send("/start"))[-1].text
        assert "training day" not in welcome
        assert "paused" in welcome and "/resume" in welcome and "Sun 22 Nov" in welcome
        offer = (await chat.send("/workout"))[-1]
        assert "paused" in offer.text and "doctor or physical therapist" in offer.text
        assert "already done" not in offer.text
        # They insist: the session starts (lighter), and nothing claims it was done.
        started = await chat.press(offer, "Train anyway")
        assert any("Today's session" in m.text for m in started)
        assert any("Lighter today" in m.text for m in started)
        assert (await kit.storage.get_user(42)).paused_until is not None  # still paused


async def test_a_sharp_pain_skip_is_never_called_a_session_done(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await kit.storage.update_user(42, kit.now(), preset="army", legs="left")
        await chat.send("/workout")
        await chat.send("skipped - sharp pain")
        assert (await kit.storage.get_user(42)).paused_until is not None
        offer = (await chat.send("/workout"))[-1]
        assert "paused" in offer.text
        after = (await chat.press(offer, "Train anyway"))[-1].text
        assert "already done" not in after
        assert "0 of 1 sets done, 1 skipped" in after


async def test_user_pause_says_when_reminders_come_back(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await chat.send("/pause 6")
        assert "Sat 28 Nov" in (await chat.send("/start"))[-1].text
        offer = (await chat.send("/workout"))[-1]
        assert "start again on Sat 28 Nov" in offer.text and "/resume" in offer.text
        await chat.send("/resume")
        started = await chat.send("/workout")
        assert any("Today's session" in m.text for m in started)


async def test_progress_counts_todays_unfinished_session(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(
            kit.storage,
            42,
            D22,
            status="open",
            left=[10, 10, 10],
            right=[10, 10],
            pain=None,
            difficulty=None,
        )
        text = (await chat.send("/progress"))[-1].text
        assert "No sessions" not in text
        assert "1 in progress" in text
        assert "Reps, left leg: 30" in text and "Reps, right leg: 20" in text
        history = (await chat.send("/history"))[-1].text
        assert "(in progress)" in history


async def test_typed_answers_remove_the_onboarding_buttons(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        zone_question = next(m for m in chat.messages() if "3/4" in m.text)
        time_question = next(m for m in chat.messages() if "4/4" in m.text)
        assert zone_question.buttons() == [] and time_question.buttons() == []
        assert kit.request.rejected == []


async def test_settings_questions_have_their_own_headings(tmp_path: Path):
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        panel = (await chat.send("/settings"))[-1]
        await chat.press(panel, "Reminder time")
        assert "Settings · Reminder time" in panel.text and "4/4" not in panel.text
        await chat.send("08:15")
        assert panel.buttons() == []  # the typed answer retired the question's buttons
        panel = chat.last()
        await chat.press(panel, "Dose preset")
        assert "Settings · Dose preset" in panel.text and "1/4" not in panel.text


def _progress_numbers(text: str) -> tuple[str, str]:
    lines = text.split("\n")
    return (
        next(line for line in lines if line.startswith("Last 4 weeks")),
        next(line for line in lines if line.startswith("Streak")),
    )


async def _paused_week(tmp_path: Path, first: date, zone: str) -> tuple[str, str]:
    start = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=5)
    async with running_kit(tmp_path / "db.sqlite3", start) as kit:
        chat = kit.chat()
        await onboard(chat, zone_text=zone, time_text="07:30")
        await kit.storage.update_user(42, kit.now(), first_day=first)
        for n in (0, 2, 4):
            await add_session(kit.storage, 42, first + timedelta(days=n))
        kit.set_now(start + timedelta(days=5))
        await chat.send("/pause 7")
        kit.set_now(start + timedelta(days=12))
        await add_session(kit.storage, 42, first + timedelta(days=12))
        return _progress_numbers((await chat.send("/progress"))[-1].text)


async def test_a_paused_week_keeps_the_streak_and_adherence(tmp_path: Path):
    adherence, streak = await _paused_week(tmp_path, date(2026, 11, 2), "Europe/Berlin")
    assert adherence == "Last 4 weeks: 4 of 4 training days (100%)"
    assert streak.startswith("Streak: 4 training days")


async def test_a_paused_week_across_a_dst_change(tmp_path: Path):
    # Berlin leaves summer time on Sun 25 Oct 2026, in the middle of the pause.
    adherence, streak = await _paused_week(tmp_path, date(2026, 10, 19), "Europe/Berlin")
    assert adherence == "Last 4 weeks: 4 of 4 training days (100%)"
    assert streak.startswith("Streak: 4 training days")
