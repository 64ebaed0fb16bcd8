"""In-process: /workout, Go, the pacing message beat by beat, pause, rest, stop, check-in."""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CallbackContext

from coach import pacing
from content.model import Cadence
from handlers import workout
from handlers.workout import runtime as workout_runtime
from storage.sessions import NewSet
from tests.handlerkit import Chat, Kit, Sent, running_kit
from tests.test_onboarding import START, onboard

SCALE = 0.02  # one pacing second is 20 ms in these tests
REHAB = Cadence(lift_s=2, hold_s=2, lower_s=2, pause_s=1, rest_s=45, four_count=False)
BEAT = re.compile(r"<b>(Rep [^<]*)</b>")


@pytest.fixture(autouse=True)
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workout_runtime, "TIME_SCALE", SCALE)


async def wait_until(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Let the job queue run until predicate() holds (AssertionError after `within` s)."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.005)


def reply_in(sent: list[Sent]) -> Sent:
    """The first new message of what the bot sent (edits handed over earlier may land first)."""
    return next(m for m in sent if not m.edits)


def has_button(message: Sent, label: str) -> bool:
    """Whether the message's current keyboard has a button whose label contains `label`."""
    return any(label in text for text, _ in message.buttons())


def context_of(kit: Kit) -> Any:
    """A callback context for calling handler functions directly."""
    return CallbackContext(kit.app)


def pacing_lines(message: Sent) -> list[str]:
    """The pacing line of each edit of the message, in order."""
    return [m.group(1) for text in message.edits for m in [BEAT.search(text)] if m]


def expected_lines(cadence: Cadence, reps: int) -> list[str]:
    """What the pacing message should show, beat by beat, for a full set."""
    words = {"lift": "lift ⬆️ (breathe out)", "lower": "lower ⬇️ (breathe in)"}
    lines = []
    for beat in pacing.set_timeline(cadence, reps)[:-1]:
        what = f"hold… {beat.remaining}" if beat.kind == "hold" else words[beat.kind]
        lines.append(f"Rep {beat.rep}/{beat.reps} — {what}")
    return lines


def is_subsequence(part: list[str], whole: list[str]) -> bool:
    items = iter(whole)
    return all(any(x == y for y in items) for x in part)


def edit_times(kit: Kit) -> list[tuple[str, float]]:
    """Record (method, monotonic time) of every Bot API call from now on."""
    calls: list[tuple[str, float]] = []
    original = kit.request.do_request

    async def timed(url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        calls.append((url.rsplit("/", 1)[-1], time.monotonic()))
        return await original(url, method, *args, **kwargs)

    kit.request.do_request = timed  # type: ignore[method-assign]
    return calls


async def ready(kit: Kit, *, reps: int = 2, legs: str = "left", preset: str = "") -> Chat:
    """An onboarded user 42 with a small dose."""
    chat = kit.chat()
    await onboard(chat)
    changes: dict[str, Any] = {"reps": reps, "legs": legs}
    if preset:
        changes["preset"] = preset
    await kit.storage.update_user(42, kit.now(), **changes)
    return chat


async def press_when(chat: Chat, message: Sent, label: str) -> None:
    """Press a button as soon as it is on the message (edits may wait for the chat's gate)."""
    await wait_until(lambda: has_button(message, label))
    await chat.press(message, label)


async def go(chat: Chat, setup: Sent) -> None:
    """Press Go and wait for the first beat."""
    await chat.press(setup, "Go")
    await wait_until(lambda: has_button(setup, "Pause"))


async def session_rows(kit: Kit) -> list[dict[str, Any]]:
    found = await kit.storage.db.fetchall(
        "SELECT session_id, status, pain, difficulty FROM sessions WHERE user_id = 42"
        " ORDER BY session_id"
    )
    return [dict(r) for r in found]


async def set_rows(kit: Kit) -> list[tuple[str, int, int]]:
    found = await kit.storage.db.fetchall(
        "SELECT leg, set_no, reps FROM sets WHERE user_id = 42 ORDER BY set_id"
    )
    return [(r[0], r[1], r[2]) for r in found]


# --- pacing ---------------------------------------------------------------------------------


async def test_set_is_paced_beat_by_beat_on_one_message(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=2)
        setup = (await chat.send("/workout"))[-1]
        assert "Today's session</b>: 3 × 2 left leg, hold 2 s" in setup.text
        assert "Set 1 of 3 — left leg." in setup.text and "Lie on your left side" in setup.text
        assert "💡" in setup.text
        calls = edit_times(kit)
        await go(chat, setup)
        await wait_until(lambda: "done?" in setup.text)
        shown = pacing_lines(setup)
        expected = expected_lines(REHAB, 2)
        # Beats may be skipped if the loop stalls (never shown late), but never reordered.
        assert shown[0] == expected[0]
        assert is_subsequence(shown, expected) and len(shown) >= len(expected) - 2
        assert all(a != b for a, b in zip(setup.edits, setup.edits[1:], strict=False))
        assert "Set 1 of 3 done? Reply <code>done</code>" in setup.text
        assert "Rest: 45 s" in setup.text and has_button(setup, "Skip rest")
        # One message for the whole set: nothing else was sent meanwhile.
        assert chat.messages()[-1] is setup
        # Beats are at least a pacing second apart; the chat's limit is the outbox's to keep.
        assert len([m for m, _ in calls if m == "editMessageText"]) == len(setup.edits)
        assert kit.request.rejected == []


async def test_pause_freezes_the_set_and_resume_repeats_the_beat(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=3)
        setup = (await chat.send("/workout"))[-1]
        await go(chat, setup)
        await wait_until(lambda: "hold… 1" in setup.text)
        await chat.press(setup, "Pause")
        await wait_until(lambda: "Paused at rep 1/3" in setup.text)
        assert has_button(setup, "Resume") and not has_button(setup, "Pause")
        edits = len(setup.edits)
        await asyncio.sleep(SCALE * 10)
        assert len(setup.edits) == edits  # nothing moves while paused
        await chat.press(setup, "Resume")
        await wait_until(lambda: len(setup.edits) > edits)
        assert "Rep 1/3 — hold… 1" in setup.edits[edits]  # the beat on screen at the pause
        await wait_until(lambda: "done?" in setup.text)
        assert "Rep 3/3" in "".join(setup.edits)
        # A second Pause or Resume now does nothing harmful.
        await chat.forge(setup, "wk:resume:1")
        assert chat.answers()[-1] == "Not available right now."
        assert kit.request.rejected == []


async def test_done_button_rest_countdown_then_next_set(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=5)
        first = (await chat.send("/workout"))[-1]
        await go(chat, first)
        await chat.press(first, "Done")
        await wait_until(lambda: "Rest: 45 s" in first.text)
        await wait_until(lambda: "Set 2 of 3" in chat.last().text, within=10)
        rests = [int(m) for text in first.edits for m in re.findall(r"Rest: (\d+) s", text)]
        assert rests[0] == 45 and rests == sorted(rests, reverse=True)
        assert all(r % 5 == 0 for r in rests) and len(rests) >= 5
        second = chat.last()
        assert has_button(second, "Go")
        # The finished set's message is tidied: no countdown, no buttons.
        await wait_until(lambda: first.buttons() == [])
        assert "Rest:" not in first.text and "Set 1 of 3 done?" in first.text
        assert kit.request.rejected == []


async def test_full_guided_session_both_legs_then_checkin(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=1, legs="both")
        setup = (await chat.send("/workout"))[-1]
        titles = []
        for slot in range(6):
            titles.append(setup.text)
            await go(chat, setup)
            await wait_until(lambda s=setup: "done?" in s.text)  # type: ignore[misc]
            reply = reply_in(await chat.send("done"))
            assert "✅ Logged set" in reply.text
            if slot < 5:
                await wait_until(lambda s=setup: "Logged: 1 rep." in s.text)  # type: ignore[misc]
                await press_when(chat, setup, "Skip rest")
                setup = chat.last()
        assert "Set 1 of 3 — left leg" in titles[0]
        assert "Change position" in titles[3] and "right side" in titles[3]
        assert "Change position" not in titles[1] + titles[4]
        final = chat.last()
        assert "Session complete" in final.text
        assert "Sets: 6 of 6" in final.text
        assert "Left leg: 3 reps" in final.text and "Right leg: 3 reps" in final.text
        assert workout.guided(context_of(kit), 42) is None
        await chat.press(final, "1")
        await chat.press(final, "About right")
        assert "Recorded: pain 1/10, about right" in final.text
        (session,) = await session_rows(kit)
        assert (session["status"], session["pain"], session["difficulty"]) == ("done", 1, "right")
        assert [leg for leg, _, _ in await set_rows(kit)] == ["left"] * 3 + ["right"] * 3
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
        await wait_until(lambda: setup.buttons() == [])
        assert "Logged: 1 rep." in setup.text and "done?" not in setup.text
        assert kit.request.rejected == []


async def test_army_four_count_is_paced_by_count(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=1, preset="army")
        setup = (await chat.send("/workout"))[-1]
        assert "4-count" in setup.text and "Set 1 of 1" in setup.text
        await go(chat, setup)
        await wait_until(lambda: "done?" in setup.text)
        lines = pacing_lines(setup)
        assert lines[0] == "Rep 1/1 — count 1: raise ⬆️ (breathe out)"
        assert is_subsequence(
            lines,
            [
                "Rep 1/1 — count 1: raise ⬆️ (breathe out)",
                "Rep 1/1 — count 2: back down ⬇️ (breathe in)",
                "Rep 1/1 — count 3: raise ⬆️ (breathe out)",
                "Rep 1/1 — count 4: back down ⬇️ (breathe in)",
            ],
        )


async def test_many_chats_pacing_thins_the_timeline(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=3)
        setup = (await chat.send("/workout"))[-1]
        rt = workout.guided(context_of(kit), 42)
        assert rt is not None
        # 99 other chats mid-set: 4 s between edits keeps the bot within its 25 edits/s.
        for other in range(1000, 1099):
            kit.app.bot_data.runtime[other] = workout.Guided(
                user_id=other,
                chat_id=other,
                session=rt.session,
                preset=rt.preset,
                cadence=rt.cadence,
                slots=rt.slots,
                cues=rt.cues,
                last_activity=kit.now(),
                phase="pacing",
            )
        await go(chat, setup)
        await wait_until(lambda: "done?" in setup.text)
        lines = pacing_lines(setup)
        thinned = pacing.thin_timeline(pacing.set_timeline(REHAB, 3), 4.0)
        assert [b.kind for b in thinned] == ["lift", "lift", "lift", "lower", "end"]
        assert lines == [
            "Rep 1/3 — lift ⬆️ (breathe out)",
            "Rep 2/3 — lift ⬆️ (breathe out)",
            "Rep 3/3 — lift ⬆️ (breathe out)",
            "Rep 3/3 — lower ⬇️ (breathe in)",
        ]
        assert rt.gap == pytest.approx(4.0)


async def test_a_slow_chat_sees_fewer_beats_never_late_ones(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        # The outbox lets each chat have one message every 3 pacing seconds: edits coalesce.
        kit.app.bot_data.outbox.chat_interval_s = SCALE * 3
        chat = await ready(kit, reps=3)
        setup = (await chat.send("/workout"))[-1]
        await go(chat, setup)
        await wait_until(lambda: "done?" in setup.text)
        lines = pacing_lines(setup)
        expected = expected_lines(REHAB, 3)
        assert lines[0] == expected[0]  # the set starts when its first beat shows
        assert is_subsequence(lines, expected)
        assert len(lines) < len(expected) - 3
        assert kit.request.rejected == []


# --- starting, stopping, continuing ----------------------------------------------------------


async def test_workout_needs_a_profile(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        reply = (await kit.chat().send("/workout"))[-1]
        assert "/start medial" in reply.text


async def test_start_now_button_of_onboarding_starts_the_session(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        summary = next(m for m in chat.messages() if "All set" in m.text)
        await chat.press(summary, "Start now")
        assert "Set 1 of 3" in chat.last().text
        again = (await chat.send("/workout"))[-1]
        assert "middle of a session" in again.text and has_button(again, "Stop")


async def test_stop_button_keeps_what_was_logged_and_offers_to_continue(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.send("done")
        await press_when(chat, setup, "Skip rest")
        second = chat.last()
        await go(chat, second)
        await chat.press(second, "Stop")
        summary = chat.last()
        assert "Session ended" in summary.text and "Sets: 1 of 3" in summary.text
        assert has_button(summary, "10")  # the pain check
        await wait_until(lambda: "Stopped" in second.text and second.buttons() == [])
        (session,) = await session_rows(kit)
        assert session["status"] == "partial"
        edits = len(second.edits)
        await asyncio.sleep(SCALE * 10)
        assert len(second.edits) == edits  # the pacing chain is gone
        offer = (await chat.send("/workout"))[-1]
        assert "1 of 3 sets logged" in offer.text
        await chat.press(offer, "Continue")
        resumed = chat.last()
        assert "Set 2 of 3" in resumed.text
        (session,) = await session_rows(kit)
        assert session["status"] == "open"
        await chat.send("2x4")
        final = chat.last()
        assert "Session complete" in final.text and "Left leg: 12 reps" in final.text
        assert kit.request.rejected == []


async def test_start_over_and_another_session(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.send("done")
        await chat.press(setup, "Stop")
        offer = (await chat.send("/workout"))[-1]
        await chat.press(offer, "Start over")
        assert "Set 1 of 3" in chat.last().text
        await chat.send("3x4")
        assert "Session complete" in chat.last().text
        again = (await chat.send("/workout"))[-1]
        assert "already done today's session" in again.text
        await chat.press(again, "Start another")
        assert "Set 1 of 3" in chat.last().text
        statuses = [s["status"] for s in await session_rows(kit)]
        assert statuses == ["partial", "done", "open"]


async def test_stop_before_anything_logged_keeps_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        setup = (await chat.send("/workout"))[-1]
        await chat.press(setup, "Stop")
        assert "Nothing was logged" in chat.last().text
        assert await session_rows(kit) == []
        fresh = (await chat.send("/workout"))[-1]
        assert "Set 1 of 3" in fresh.text


async def test_stop_command_ends_the_running_session(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=5)
        setup = (await chat.send("/workout"))[-1]
        await chat.send("done")
        await press_when(chat, setup, "Skip rest")
        second = chat.last()
        await go(chat, second)
        assert await workout.close_running_session(context_of(kit), 42, "stop")
        assert workout.guided(context_of(kit), 42) is None
        await wait_until(lambda: "Stopped" in second.text and second.buttons() == [])
        (session,) = await session_rows(kit)
        assert session["status"] == "partial"
        assert not await workout.close_running_session(context_of(kit), 42, "stop")
        await chat.send("/stop")  # the reminders feature's command calls the same function
        assert kit.request.rejected == []


async def test_restart_closes_interrupted_sessions(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        chat = await ready(kit)
        await chat.send("/workout")
        await chat.send("done")
    async with running_kit(db, START) as kit:
        (session,) = await session_rows(kit)
        assert session["status"] == "partial"
        assert await set_rows(kit) == [("left", 1, 2)]
        offer = (await kit.chat().send("/workout"))[-1]
        assert "unfinished session" in offer.text


async def test_an_hour_of_silence_closes_the_session(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        other = kit.chat(43, "Bo")
        await onboard(other)
        await other.send("done")  # an open session outside a guided one
        setup = (await chat.send("/workout"))[-1]
        await chat.send("done")
        assert kit.app.job_queue is not None
        (job,) = kit.app.job_queue.get_jobs_by_name("workout-silence")
        kit.advance(minutes=59)
        await job.run(kit.app)
        assert workout.guided(context_of(kit), 42) is not None
        kit.advance(minutes=2)
        await job.run(kit.app)
        assert workout.guided(context_of(kit), 42) is None
        await wait_until(lambda: "an hour without activity" in setup.text)
        assert setup.buttons() == []
        rows = await kit.storage.db.fetchall("SELECT user_id, status FROM sessions ORDER BY 1")
        assert [tuple(r) for r in rows] == [(42, "partial"), (43, "partial")]


async def test_buttons_of_finished_or_foreign_sessions(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=2)
        setup = (await chat.send("/workout"))[-1]
        mallory = kit.chat(66, "Mal")
        await onboard(mallory)
        fake = mallory.messages()[0]
        before = len(kit.request.sent)
        for data in ("wk:go:1:0", "wk:stop:1", "wk:pain:1:0", "wk:diff:1:easy", "wk:cont:1"):
            await mallory.forge(fake, data)
        assert len(kit.request.sent) == before  # toasts only
        assert workout.guided(context_of(kit), 42) is not None
        assert "expired" in mallory.answers()[-1]
        await chat.send("3x2")
        final = chat.last()
        assert "Session complete" in final.text
        for data in ("wk:go:1:0", "wk:pause:1", "wk:skip:1", "wk:go:x:y", "wk:", "wk:pain:1:11"):
            await chat.forge(setup, data)
        assert (await session_rows(kit))[0]["pain"] is None
        assert all(
            a
            in (
                "That session is over. /workout starts a new one.",
                "That button has expired. Send /help to see what I can do.",
            )
            for a in chat.answers()[-6:]
        )
        assert kit.request.rejected == []


async def test_lighter_session_after_moderate_pain_says_why(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        # A full session two days ago, rated pain 5.
        past = await kit.storage.open_session(
            42, START, date(2026, 11, 20), preset="rehab", legs="both", sets=1, reps=10, hold_s=2
        )
        done = [NewSet("left", 1, 10, 2), NewSet("right", 1, 10, 2)]
        await kit.storage.log_sets(42, past.session_id, done, 2, START, None)
        await kit.storage.record_checkin(42, past.session_id, pain=5, difficulty="hard")
        setup = (await chat.send("/workout"))[-1]
        assert "3 × 7 per leg" in setup.text
        assert "Lighter today because you rated your pain 4–6" in setup.text


async def test_cue_rotates_between_sets(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        first = (await chat.send("/workout"))[-1]
        first_text = first.text
        await chat.send("done")
        await press_when(chat, first, "Skip rest")
        cues = [
            html.unescape(text.split("💡 ")[1].split("\n")[0])
            for text in (first_text, chat.last().text)
        ]
        assert cues[0] != cues[1]
        program = kit.app.bot_data.program
        assert set(cues) <= set(program.cues_for(program.preset("rehab")))


async def test_high_pain_gets_stop_advice_without_waiting_for_difficulty(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.send("done")
        await press_when(chat, setup, "Skip rest")
        second = chat.last()
        await go(chat, second)
        await chat.press(second, "Stop")
        summary = chat.last()
        await chat.press(summary, "8")
        assert "Recorded: pain 8/10" in summary.text
        assert summary.buttons() == []  # no difficulty question left to answer
        advice = chat.last()
        assert advice is not summary and "/resume" in advice.text
        user = await kit.storage.get_user(42)
        assert user.paused_until is not None and user.next_reminder_utc is None
        (session,) = await session_rows(kit)
        assert (session["pain"], session["difficulty"]) == (8, None)
        assert kit.request.rejected == []
