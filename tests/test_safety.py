"""Pain safety and progression offers after a check-in, and the prog: buttons, in-process."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from handlers import render, safety
from handlers.dose import todays_plan
from storage import FOREVER, Storage
from tests.handlerkit import Chat, Kit, running_kit
from tests.seeding import add_session, context_for
from tests.test_onboarding import START, onboard

D22 = date(2026, 11, 22)


def day(n: int) -> date:
    """n days after Sun 22 Nov."""
    return D22 + timedelta(days=n)


async def easy_run(kit: Kit, user_id: int, first: int, count: int = 3) -> int:
    """`count` qualifying sessions every other day from day `first`; returns the last id."""
    session_id = 0
    for n in range(count):
        session_id = await add_session(
            kit.storage, user_id, day(first + 2 * n), pain=n % 3, difficulty="easy"
        )
    kit.set_now(datetime.combine(day(first + 2 * (count - 1)), datetime.min.time(), UTC))
    kit.advance(hours=7)
    return session_id


async def checkin(kit: Kit, user_id: int, session_id: int) -> None:
    user = await kit.storage.get_user(user_id)
    await safety.after_checkin(context_for(kit), user, session_id)


async def answers(storage: Storage, user_id: int) -> list[tuple[str, int]]:
    rows = await storage.db.fetchall(
        "SELECT step_key, accepted FROM progression_answers WHERE user_id = ? ORDER BY rowid",
        (user_id,),
    )
    return [(row[0], row[1]) for row in rows]


async def dose_of(kit: Kit, user_id: int) -> tuple[int | None, int | None, bool]:
    user = await kit.storage.get_user(user_id)
    return user.reps, user.hold_s, user.ankle_weight


async def new_messages(chat: Chat, before: int) -> list[str]:
    return [m.text for m in chat.messages()[before:]]


async def test_pain_seven_or_more_stops_and_pauses_reminders(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        assert (await kit.storage.get_user(42)).next_reminder_utc is not None
        session_id = await add_session(kit.storage, 42, D22, pain=8, difficulty="hard")
        await checkin(kit, 42, session_id)
        advice = chat.last()
        assert "8/10" in advice.text and "stop" in advice.text
        assert "doctor or physical therapist" in advice.text and "/resume" in advice.text
        assert advice.buttons() == []
        user = await kit.storage.get_user(42)
        assert user.paused_until == FOREVER
        assert user.next_reminder_utc is None
        panel = (await chat.send("/settings"))[-1]
        assert "paused until you /resume" in panel.text
        # The first session back is lighter.
        plan = await todays_plan(kit.storage, kit.app.bot_data.program, user)
        assert plan.regressed and plan.dose.reps == 7
        assert kit.request.rejected == []


async def test_pain_four_to_six_says_the_next_session_is_lighter(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        session_id = await add_session(kit.storage, 42, D22, pain=5, difficulty="easy")
        await checkin(kit, 42, session_id)
        note = chat.last().text
        assert "5/10" in note and "lighter" in note
        assert "<b>3 × 7 per leg, hold 2 s</b> instead of 3 × 10 per leg, hold 2 s" in note
        user = await kit.storage.get_user(42)
        assert user.paused_until is None and user.next_reminder_utc is not None
        plan = await todays_plan(kit.storage, kit.app.bot_data.program, user)
        assert plan.dose.reps == 7 and plan.regressed  # what the note promised
        assert await dose_of(kit, 42) == (None, None, False)  # the usual dose is unchanged


async def test_low_pain_without_a_qualifying_run_sends_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        before = len(chat.messages())
        await add_session(kit.storage, 42, day(0), pain=1, difficulty="easy")
        await add_session(kit.storage, 42, day(2), pain=1, difficulty="right")
        last = await add_session(kit.storage, 42, day(4), pain=1, difficulty="easy")
        await checkin(kit, 42, last)
        assert await new_messages(chat, before) == []
        last = await add_session(kit.storage, 42, day(6), pain=0, difficulty="easy")
        await checkin(kit, 42, last)
        assert await new_messages(chat, before) == []  # only two easy in a row since "right"


async def test_yes_applies_exactly_one_step_and_only_once(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = chat.last()
        assert "hold 3 s at the top instead of 2 s" in offer.text
        assert offer.buttons() == [
            ("✅ Yes, step up", "prog:yes:hold-2-3"),
            ("Not now", "prog:no:hold-2-3"),
        ]
        assert await dose_of(kit, 42) == (None, None, False)  # nothing changes before Yes

        await chat.press(offer, "Yes")
        assert offer.text.startswith("Stepped up: hold 3 s at the top instead of 2 s")
        assert "3 × 10 per leg, hold 3 s" in offer.text and offer.buttons() == []
        assert await dose_of(kit, 42) == (None, 3, False)
        assert await answers(kit.storage, 42) == [("hold-2-3", 1)]

        # A second tap (or a replay) of the same Yes changes nothing.
        await chat.forge(offer, "prog:yes:hold-2-3")
        assert chat.answers()[-1] == render.progression_stale()
        assert await dose_of(kit, 42) == (None, 3, False)
        assert await answers(kit.storage, 42) == [("hold-2-3", 1)]
        # Even the *next* rung is not offered yet, so it can't be forged either.
        await chat.forge(offer, "prog:yes:hold-3-5")
        assert await dose_of(kit, 42) == (None, 3, False)

        panel = (await chat.send("/settings"))[-1]
        assert "hold 3 s" in panel.text

        # Three more easy sessions after the answer: the next rung is offered.
        last = await easy_run(kit, 42, 6)
        await checkin(kit, 42, last)
        assert chat.last().buttons()[0][1] == "prog:yes:hold-3-5"
        assert kit.request.rejected == []


async def test_not_now_records_the_answer_and_waits_three_sessions(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = chat.last()
        await chat.press(offer, "Not now")
        assert offer.text == render.progression_declined() and offer.buttons() == []
        assert await answers(kit.storage, 42) == [("hold-2-3", 0)]
        assert await dose_of(kit, 42) == (None, None, False)
        # Yes on the declined offer is stale now.
        await chat.forge(offer, "prog:yes:hold-2-3")
        assert await dose_of(kit, 42) == (None, None, False)

        before = len(chat.messages())
        await checkin(kit, 42, last)
        assert await new_messages(chat, before) == []
        last = await easy_run(kit, 42, 6, count=2)
        await checkin(kit, 42, last)
        assert await new_messages(chat, before) == []
        last = await easy_run(kit, 42, 10, count=1)
        await checkin(kit, 42, last)
        assert chat.last().buttons()[0][1] == "prog:yes:hold-2-3"


async def test_reps_then_weight_steps(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await kit.storage.update_user(42, kit.now(), hold_s=5, reps=12)
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = chat.last()
        assert "15 reps per set instead of 12" in offer.text
        await chat.press(offer, "Yes")
        assert await dose_of(kit, 42) == (15, 5, False)
        last = await easy_run(kit, 42, 6)
        await checkin(kit, 42, last)
        offer = chat.last()
        assert "add a light ankle weight" in offer.text
        await chat.press(offer, "Yes")
        assert await dose_of(kit, 42) == (15, 5, True)
        assert "with an ankle weight" in offer.text
        last = await easy_run(kit, 42, 12)
        before = len(chat.messages())
        await checkin(kit, 42, last)
        assert await new_messages(chat, before) == []  # the top of the ladder


async def test_forged_progression_buttons_change_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        await add_session(kit.storage, 43, day(0), pain=1, difficulty="easy")
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = ann.last()
        forged = [
            "prog:yes:reps-10-12",  # another rung than the one due
            "prog:yes:hold-2-5",  # a jump
            "prog:yes:weight-0-1",
            "prog:yes:hold-3-2",  # a step down
            "prog:yes:hold-2-3-4",
        ]
        for data in forged:
            await ann.forge(offer, data)
            assert ann.answers()[-1] == render.progression_stale(), data
        # Data no progression button ever has is an expired button (handlers/callbacks.py).
        malformed = [
            "prog:yes:",
            "prog:maybe:hold-2-3",
            "prog:yes:hold-٢-3",  # non-ASCII digits
            "prog:yes:hold-2-3:43",  # naming another user
        ]
        for data in malformed:
            await ann.forge(offer, data)
            assert ann.answers()[-1] == render.stale_button(), data
        assert await dose_of(kit, 42) == (None, None, False)
        assert await answers(kit.storage, 42) == []

        # Bo doesn't qualify: Ann's button data does nothing for Bo, and nothing to Ann.
        bo_msg = (await bo.send("/help"))[-1]
        for data in ("prog:yes:hold-2-3", "prog:no:hold-2-3"):
            await bo.forge(bo_msg, data)
            assert bo.answers()[-1] == render.progression_stale()
        assert await dose_of(kit, 43) == (None, None, False)
        assert await answers(kit.storage, 43) == []
        stranger = kit.chat(44, "Cy")
        hello = (await stranger.send("/help"))[-1]
        await stranger.forge(hello, "prog:yes:hold-2-3")
        assert stranger.answers()[-1] == render.need_start()

        # The real offer still works afterwards.
        await ann.press(offer, "Yes")
        assert await dose_of(kit, 42) == (None, 3, False)
        assert kit.request.rejected == []


async def test_checkin_of_another_users_session_does_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        ann_session = await add_session(kit.storage, 42, D22, pain=9)
        before = len(kit.request.sent)
        await checkin(kit, 43, ann_session)
        await checkin(kit, 43, 999_999)
        assert len(kit.request.sent) == before
        assert (await kit.storage.get_user(43)).paused_until is None
        assert (await kit.storage.get_user(42)).paused_until is None


async def test_sharp_pain_stops_and_pauses(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        user = await kit.storage.get_user(42)
        await safety.sharp_pain(context_for(kit), user)
        advice = chat.last().text
        assert "Sharp pain means stop" in advice and "/resume" in advice
        assert "doctor or physical therapist" in advice
        user = await kit.storage.get_user(42)
        assert user.paused_until == FOREVER and user.next_reminder_utc is None
        # A deleted user gets nothing (no crash either).
        await kit.storage.delete_user_data(42)
        before = len(kit.request.sent)
        await safety.sharp_pain(context_for(kit), user)
        assert len(kit.request.sent) == before


async def test_answer_is_compare_and_set_on_the_dose(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard(kit.chat())
        storage: Storage = kit.storage
        now = kit.now()
        ok = await storage.answer_progression(
            42, now, "hold-2-3", accepted=True, expected=(None, None, False), changes={"hold_s": 3}
        )
        assert ok
        # A second writer that validated against the old dose finds it changed.
        again = await storage.answer_progression(
            42, now, "hold-2-3", accepted=True, expected=(None, None, False), changes={"hold_s": 3}
        )
        assert not again
        assert await answers(storage, 42) == [("hold-2-3", 1)]
        assert await dose_of(kit, 42) == (None, 3, False)
