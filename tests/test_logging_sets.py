"""Logging by reply ("done", "done 8 left", "3x10", "skip", "undo") and the sessions storage."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers import workout
from handlers.workout import runtime as workout_runtime
from storage import Storage
from storage.sessions import NewSet
from tests.handlerkit import Chat, Kit, running_kit
from tests.test_onboarding import START, onboard
from tests.test_workout import context_of, has_button, press_when, reply_in, wait_until

# Sunday 22 Nov 2026, 07:00 in Berlin: onboarding with 07:30 makes today a training day.
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workout_runtime, "TIME_SCALE", 0.02)


async def rows(kit: Kit, user_id: int = 42) -> list[tuple[str, int, int, bool, str]]:
    found = await kit.storage.db.fetchall(
        "SELECT leg, set_no, reps, skipped, note FROM sets WHERE user_id = ? ORDER BY set_id",
        (user_id,),
    )
    return [(r[0], r[1], r[2], bool(r[3]), r[4]) for r in found]


async def sessions(kit: Kit, user_id: int = 42) -> list[dict[str, Any]]:
    found = await kit.storage.db.fetchall(
        "SELECT session_id, status, pain, difficulty, sets_planned, reps_planned, hold_s"
        " FROM sessions WHERE user_id = ? ORDER BY session_id",
        (user_id,),
    )
    return [dict(r) for r in found]


async def ready(kit: Kit, user_id: int = 42, legs: str = "both") -> Chat:
    chat = kit.chat(user_id)
    await onboard(chat)
    if legs != "both":
        await kit.storage.update_user(user_id, kit.now(), legs=legs)
    return chat


# --- outside a guided session --------------------------------------------------------------


async def test_done_outside_a_session_logs_the_prescribed_set(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        reply = (await chat.send("done"))[-1]
        assert reply.text == (
            "✅ Logged set 1 of 3, left, 10 reps. Reply <code>done</code> again for the next one."
        )
        assert await rows(kit) == [("left", 1, 10, False, "")]
        (session,) = await sessions(kit)
        assert session["status"] == "open" and session["hold_s"] == 2
        reply = (await chat.send("Done! 8"))[-1]
        assert "set 2 of 3, left, 8 reps" in reply.text
        reply = (await chat.send("did 7 on the right leg"))[-1]
        assert "set 1 of 3, right, 7 reps" in reply.text
        reply = (await chat.send("✅"))[-1]
        assert "set 3 of 3, left, 10 reps" in reply.text
        assert await rows(kit) == [
            ("left", 1, 10, False, ""),
            ("left", 2, 8, False, ""),
            ("right", 1, 7, False, ""),
            ("left", 3, 10, False, ""),
        ]
        assert kit.request.rejected == []


async def test_sets_times_reps_logs_several_and_caps_at_the_plan(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, legs="left")
        reply = (await chat.send("2x12"))[-1]
        assert "set 1 of 3, left, 12 reps; set 2 of 3, left, 12 reps" in reply.text
        reply = (await chat.send("done 3 sets of 10"))[-1]
        assert "only 1 were left" in reply.text
        assert "Session complete" in reply.text
        assert await rows(kit) == [
            ("left", 1, 12, False, ""),
            ("left", 2, 12, False, ""),
            ("left", 3, 10, False, ""),
        ]
        reply = (await chat.send("done"))[-1]
        assert "already complete" in reply.text
        assert len(await rows(kit)) == 3


async def test_same_update_twice_logs_once(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        await chat.send("done 9")
        update_id = kit.last_update_id
        payload = {
            "update_id": update_id,
            "message": {
                "message_id": 999,
                "date": int(kit.now().timestamp()),
                "chat": {"id": 42, "type": "private", "first_name": "Ann"},
                "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                "text": "done 9",
            },
        }
        again = await chat.replay(payload)
        assert [s.text for s in again] == ["Already logged that one."]
        assert await rows(kit) == [("left", 1, 9, False, "")]


async def test_absurd_counts_get_a_reason_and_no_row(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        assert "up to 100" in (await chat.send("done 100000"))[-1].text
        assert "Zero reps" in (await chat.send("done 0"))[-1].text
        assert "up to 10" in (await chat.send("50x10"))[-1].text
        assert await rows(kit) == []
        assert await sessions(kit) == []


async def test_text_that_is_not_a_log_gets_the_hint(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        for text in ("done with this bot?", "don't", "hello", "-3", "done, yesterday"):
            reply = (await chat.send(text))[-1]
            assert "/help" in reply.text, text
        assert "up to 100" in (await chat.send("10000"))[-1].text
        assert await rows(kit) == []


async def test_skip_and_undo(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        assert "Nothing" in (await chat.send("undo"))[-1].text or "no set" in chat.last().text
        await chat.send("done")
        reply = (await chat.send("skipped - knee hurt"))[-1]
        assert "set 2 of 3, left, skipped (note: knee hurt)" in reply.text
        assert await rows(kit) == [("left", 1, 10, False, ""), ("left", 2, 0, True, "knee hurt")]
        reply = (await chat.send("undo"))[-1]
        assert "Removed set 2 of 3, left, skipped" in reply.text
        reply = (await chat.send("undo"))[-1]
        assert "Removed set 1 of 3, left, 10 reps" in reply.text
        assert "no set" in (await chat.send("undo"))[-1].text
        assert await rows(kit) == []


async def test_completing_outside_a_session_asks_for_pain_and_moves_the_reminder(
    tmp_path: Path,
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, legs="right")
        before = (await kit.storage.get_user(42)).next_reminder_utc
        assert before == datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
        await chat.send("done")
        await chat.send("done 9")
        final = (await chat.send("done 8 right"))[-1]
        assert "Session complete" in final.text
        assert "Right leg: 27 reps" in final.text and "Left leg" not in final.text
        assert "Sets: 3 of 3" in final.text
        assert [label for label, _ in final.buttons()] == [str(n) for n in range(11)]
        (session,) = await sessions(kit)
        assert session["status"] == "done"
        after = (await kit.storage.get_user(42)).next_reminder_utc
        assert after == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)  # every other day
        await chat.press(final, "3")
        assert "Pain: 3/10" in final.text
        await chat.press(final, "Easy")
        assert "Recorded: pain 3/10, easy" in final.text and final.buttons() == []
        (session,) = await sessions(kit)
        assert (session["pain"], session["difficulty"]) == (3, "easy")
        # Undo of the last set reopens the session; logging it again completes it, no 2nd check.
        assert "Removed" in (await chat.send("undo"))[-1].text
        (session,) = await sessions(kit)
        assert session["status"] == "open"
        again = (await chat.send("done"))[-1]
        assert "Session complete" in again.text and again.buttons() == []
        assert kit.request.rejected == []


async def test_side_without_free_sets(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, legs="left")
        reply = (await chat.send("done right"))[-1]
        assert "no right-leg set left" in reply.text
        assert await rows(kit) == []


async def test_logging_needs_a_profile(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        assert "/start medial" in (await chat.send("done"))[-1].text
        assert await kit.storage.count_users() == 0


async def test_pain_without_sharpness_gets_advice_only(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        await chat.send("done")
        reply = (await chat.send("my knee hurts a bit"))[-1]
        assert "sharp" in reply.text
        (session,) = await sessions(kit)
        assert session["status"] == "open"


async def test_sharp_pain_with_a_log_logs_then_stops(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        texts = [s.text for s in await chat.send("done 6, sharp pain in my knee")]
        assert "Logged set 1 of 3, left, 6 reps" in texts[0]
        assert "stopped because of sharp pain" in texts[0]
        assert len(texts) == 2  # then the safety feature's stop advice
        assert await rows(kit) == [("left", 1, 6, False, "sharp pain in my knee")]
        (session,) = await sessions(kit)
        assert session["status"] == "partial"
        user = await kit.storage.get_user(42)
        assert user.paused_until is not None


# --- inside a guided session ----------------------------------------------------------------


async def test_done_during_setup_logs_the_current_set_and_rests(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, legs="left")
        setup = (await chat.send("/workout"))[-1]
        assert "Set 1 of 3" in setup.text
        reply = reply_in(await chat.send("done 8"))
        assert reply.text == "✅ Logged set 1 of 3, left, 8 reps."
        await wait_until(lambda: "Logged: 8 reps" in setup.text)
        assert "Rest:" in setup.text and "Skip rest" in str(setup.buttons())
        assert await rows(kit) == [("left", 1, 8, False, "")]


async def test_done_logs_the_finished_set_before_the_next_one(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, legs="left")
        first = (await chat.send("/workout"))[-1]
        await chat.press(first, "Go")
        await wait_until(lambda: has_button(first, "Done"))
        await chat.press(first, "Done")
        await wait_until(lambda: "Set 1 of 3 done?" in first.text)
        await press_when(chat, first, "Skip rest")
        second = chat.last()
        assert "Set 2 of 3" in second.text and "Go" in str(second.buttons())
        # The user never replied to set 1: that is the set the bot is waiting for.
        reply = reply_in(await chat.send("done"))
        assert "set 1 of 3" in reply.text
        await chat.press(second, "Go")
        await wait_until(lambda: has_button(second, "Pause"))
        reply = reply_in(await chat.send("done 5"))
        assert "set 2 of 3, left, 5 reps" in reply.text
        assert await rows(kit) == [("left", 1, 10, False, ""), ("left", 2, 5, False, "")]
        assert kit.request.rejected == []


async def test_sharp_pain_during_a_guided_set_stops_it(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        await kit.storage.update_user(42, kit.now(), reps=3)
        await chat.send("done")  # set 1 logged outside, so the session has something to keep
        setup = (await chat.send("/workout"))[-1]
        assert "unfinished session" in setup.text
        await chat.press(setup, "Continue")
        setup = chat.last()
        await chat.press(setup, "Go")
        await wait_until(lambda: has_button(setup, "Pause"))
        texts = [s.text for s in await chat.send("ouch, sharp pain!")]
        assert any("stopped because of sharp pain" in t for t in texts)
        assert workout.guided(context_of(kit), 42) is None
        (session,) = await sessions(kit)
        assert session["status"] == "partial"
        await wait_until(lambda: "Stopped" in setup.text)
        assert setup.buttons() == []
        edits = len(setup.edits)
        await asyncio.sleep(0.3)  # no beat edits after the stop
        assert len(setup.edits) == edits
        assert kit.request.rejected == []


# --- storage --------------------------------------------------------------------------------


async def make_user(storage: Storage, user_id: int) -> None:
    await storage.create_user(user_id, user_id, "U", START, preset="rehab")


async def test_storage_log_sets_is_per_user_and_idempotent(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        await make_user(storage, 1)
        await make_user(storage, 2)
        mine = await storage.open_session(
            1, START, TODAY, preset="rehab", legs="left", sets=2, reps=10, hold_s=2
        )
        new = [NewSet("left", 1, 10, 2), NewSet("left", 2, 9, 2)]
        # Someone else's session id logs nothing.
        stolen = await storage.log_sets(2, mine.session_id, new, 1, START, 500)
        assert stolen.session is None and stolen.logged == ()
        first = await storage.log_sets(1, mine.session_id, new, 1, START, 501)
        assert [(r.leg, r.set_no, r.reps) for r in first.logged] == [("left", 1, 10)]
        assert not first.completed
        again = await storage.log_sets(1, mine.session_id, new, 1, START, 501)
        assert again.duplicate
        last = await storage.log_sets(1, mine.session_id, new, 5, START, 502)
        assert [(r.set_no, r.reps) for r in last.logged] == [(2, 9)]
        assert last.completed and last.session is not None and last.session.status == "done"
        assert len(await storage.session_sets(1, mine.session_id)) == 2
        assert await storage.session_sets(2, mine.session_id) == []
        assert await storage.get_session(2, mine.session_id) is None
        assert await storage.record_checkin(2, mine.session_id, pain=9) is None or (
            (await storage.get_session(1, mine.session_id)).pain is None  # type: ignore[union-attr]
        )
        assert (await storage.get_session(1, mine.session_id)).pain is None  # type: ignore[union-attr]
        assert await storage.last_done_day(1) == TODAY
    finally:
        await storage.close()


async def test_storage_skip_makes_a_complete_session_partial(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        await make_user(storage, 1)
        session = await storage.open_session(
            1, START, TODAY, preset="rehab", legs="both", sets=1, reps=10, hold_s=2
        )
        new = [NewSet("left", 1, 10, 2), NewSet("right", 1, 0, 2, skipped=True, note="knee")]
        result = await storage.log_sets(1, session.session_id, new, 2, START, None)
        assert result.completed and result.session is not None
        assert result.session.status == "partial" and result.session.ended_utc == START
        (facts,) = await storage.session_facts(1)
        assert facts.sets_done == 1 and facts.sets_planned == 2 and not facts.complete
    finally:
        await storage.close()


async def test_storage_closing_sessions(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        await make_user(storage, 1)
        await make_user(storage, 2)
        empty = await storage.open_session(
            1, START, TODAY, preset="rehab", legs="left", sets=3, reps=10, hold_s=2
        )
        # Opening another session closes the first (one open session per user).
        used = await storage.open_session(
            1, START, TODAY, preset="rehab", legs="left", sets=3, reps=10, hold_s=2
        )
        assert await storage.get_session(1, empty.session_id) is None  # empty: deleted
        later = START + timedelta(minutes=5)
        await storage.log_sets(1, used.session_id, [NewSet("left", 1, 10, 2)], 1, later, None)
        other = await storage.open_session(
            2, START, TODAY, preset="rehab", legs="left", sets=3, reps=10, hold_s=2
        )
        assert await storage.silent_sessions(later) == [(2, other.session_id)]
        assert sorted(await storage.silent_sessions(later + timedelta(seconds=1))) == [
            (1, used.session_id),
            (2, other.session_id),
        ]
        assert await storage.close_session(2, used.session_id, later) == (False, None)
        assert await storage.close_open_sessions(later) == 2
        closed = await storage.get_session(1, used.session_id)
        assert closed is not None and closed.status == "partial" and closed.ended_utc == later
        assert await storage.get_session(2, other.session_id) is None
        assert await storage.open_sessions(1) == []
        reopened = await storage.reopen_session(1, used.session_id, later)
        assert reopened is not None and reopened.status == "open" and reopened.ended_utc is None
    finally:
        await storage.close()


async def test_storage_undo_reopens_a_done_session_and_prunes_updates(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        await make_user(storage, 1)
        await make_user(storage, 2)
        session = await storage.open_session(
            1, START, TODAY, preset="rehab", legs="left", sets=1, reps=10, hold_s=2
        )
        await storage.log_sets(1, session.session_id, [NewSet("left", 1, 10, 2)], 1, START, 7)
        assert (await storage.get_session(1, session.session_id)).status == "done"  # type: ignore[union-attr]
        assert (await storage.undo_last_set(2, session.session_id, START, 8)).removed is None
        undone = await storage.undo_last_set(1, session.session_id, START, 9)
        assert undone.removed is not None and undone.removed.reps == 10
        assert undone.session is not None and undone.session.status == "open"
        assert (await storage.undo_last_set(1, session.session_id, START, 9)).duplicate
        assert await storage.prune_processed_updates(START + timedelta(seconds=1)) == 3
    finally:
        await storage.close()
