"""The weekly recap through the real application, with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coach import recap as rules
from coach.stats import SessionFacts
from handlers import recap
from tests.handlerkit import Chat, Kit, running_kit
from tests.seeding import add_session
from tests.test_onboarding import START, onboard
from tests.test_safety import checkin

BERLIN = ZoneInfo("Europe/Berlin")
# Sun 29 Nov 2026, 07:30 Berlin: Ann's first recap (she trains from Mon 16 Nov).
DUE = datetime(2026, 11, 29, 6, 30, tzinfo=UTC)


def nov(day: int) -> date:
    return date(2026, 11, day)


async def _two_weeks(kit: Kit, chat: Chat) -> None:
    await onboard(chat)
    await kit.storage.update_user(42, kit.now(), first_day=nov(16))
    for day in (16, 18, 20):
        await add_session(kit.storage, 42, nov(day), reps=[8, 8, 8], pain=3)
    for day in (23, 25, 27):
        await add_session(kit.storage, 42, nov(day), reps=[10, 10, 10], pain=1)


def _recaps(chat: Chat) -> list[str]:
    return [m.text for m in chat.messages() if "Your week" in m.text]


async def _drain_at(kit: Kit, moment: datetime) -> recap.RecapReport:
    kit.set_now(moment)
    return await recap.dispatcher(kit.app).drain()


async def test_recap_on_sunday_at_the_reminder_time_once(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _two_weeks(kit, chat)
        # Sun 22 Nov: the first week (15–21 Nov) is summed up.
        await _drain_at(kit, datetime(2026, 11, 22, 6, 31, tzinfo=UTC))
        assert len(_recaps(chat)) == 1
        assert "(Sun 15 Nov – Sat 21 Nov)" in _recaps(chat)[0]
        user = await kit.storage.get_user(42)
        assert user.next_recap_utc == DUE
        await _drain_at(kit, DUE - timedelta(seconds=5))
        assert len(_recaps(chat)) == 1
        report = await _drain_at(kit, DUE + timedelta(seconds=5))
        assert report.sent == 1
        sent = [m for m in chat.messages() if "Your week" in m.text][1:]
        assert len(sent) == 1 and sent[0].method == "sendPhoto"
        assert sent[0].photo is not None and sent[0].photo.startswith(b"\x89PNG")
        text = sent[0].text
        assert "Mon 23 Nov – Sat 28 Nov" not in text  # the 7 days before Sunday:
        assert "(Sun 22 Nov – Sat 28 Nov)" in text
        assert "Training days: 3 of 4 done" in text  # Sun 22 was due and missed
        assert "Reps, left leg: 90, +18 on the week before (72)" in text
        assert "Reps, right leg: 90" in text
        assert "Pain: 1/10 on average, lower than the week before (3)" in text
        assert "What's next: keep going, 3 × 10 per leg, hold 2 s" in text
        assert len(text) <= 1024
        # Broadcast priority through the outbox.
        assert any(key[0] == "broadcast" for key in kit.app.bot_data.outbox.sent)
        # Once: another tick, or a stored time wound back (a crash), sends nothing more.
        assert (await _drain_at(kit, DUE + timedelta(minutes=1))).sent == 0
        await kit.storage.update_user(42, kit.now(), next_recap_utc=DUE)
        report = await _drain_at(kit, DUE + timedelta(minutes=2))
        assert report.duplicate == 1 and len(_recaps(chat)) == 2
        ledger = await kit.storage.recap_ledger(42)
        assert [(row.week_start, row.status) for row in ledger] == [
            (nov(16), "sent"),
            (nov(23), "sent"),
        ]
        assert (await kit.storage.get_user(42)).next_recap_utc == DUE + timedelta(days=7)


async def test_recap_survives_a_restart_without_a_second_send(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        chat = kit.chat()
        await _two_weeks(kit, chat)
        await _drain_at(kit, DUE + timedelta(seconds=5))
        assert len(_recaps(chat)) == 1
        await kit.storage.update_user(42, kit.now(), next_recap_utc=DUE)  # as if never advanced
    async with running_kit(db, DUE + timedelta(minutes=5)) as kit:
        chat = kit.chat()
        await recap.dispatcher(kit.app).drain()
        assert _recaps(chat) == []


async def test_an_earned_step_is_whats_next(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await kit.storage.update_user(42, kit.now(), first_day=nov(23))
        for day in (23, 25, 27):
            await add_session(kit.storage, 42, nov(day), pain=0, difficulty="easy")
        await _drain_at(kit, DUE + timedelta(seconds=5))
        text = _recaps(chat)[-1]
        assert "you've earned one step up, hold 3 s at the top instead of 2 s" in text
        assert "the coach's suggestion" in text


@pytest.mark.parametrize("how", ["/pause", "safety", "/stop", "/recap off"])
async def test_no_recap_while_paused_stopped_or_off(tmp_path: Path, how: str) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _two_weeks(kit, chat)
        if how == "safety":
            session_id = await add_session(kit.storage, 42, nov(28), pain=8, difficulty="hard")
            await checkin(kit, 42, session_id)
        else:
            await chat.send(how)
        report = await _drain_at(kit, DUE + timedelta(seconds=5))
        assert report.sent == 0 and _recaps(chat) == []
        assert all(row.status == "dropped" for row in await kit.storage.recap_ledger(42))


async def test_recap_command_and_settings(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        assert "Weekly recap: Sundays at 07:30" in (await chat.send("/settings"))[-1].text
        reply = (await chat.send("/recap wednesday"))[-1].text
        assert "Wednesdays at 07:30" in reply and "Next: Wed 25 Nov" in reply
        user = await kit.storage.get_user(42)
        assert user.recap_day == 2
        assert user.next_recap_utc == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
        assert "recap off" in (await chat.send("/recap off"))[-1].text
        assert (await kit.storage.get_user(42)).next_recap_utc is None
        assert "Weekly recap: off" in (await chat.send("/settings"))[-1].text
        assert "Wednesdays" in (await chat.send("/recap on"))[-1].text
        assert "isn't something I understand" in (await chat.send("/recap blue"))[-1].text
        # The reminder time moves the recap with it.
        await chat.send("/remind 18:00")
        user = await kit.storage.get_user(42)
        assert user.next_recap_utc == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def test_next_recap_keeps_the_wall_clock_across_dst() -> None:
    # Berlin leaves summer time on Sun 25 Oct 2026: 07:30 local is 05:30 UTC before, 06:30 after.
    after = datetime(2026, 10, 18, 5, 31, tzinfo=UTC)
    first = rules.next_recap(6, time(7, 30), BERLIN, after)
    assert first == datetime(2026, 10, 25, 6, 30, tzinfo=UTC)
    assert rules.next_recap(6, time(7, 30), BERLIN, first) == datetime(
        2026, 11, 1, 6, 30, tzinfo=UTC
    )
    # A time that doesn't exist (spring forward, 02:30) comes at the next valid minute.
    spring = rules.next_recap(6, time(2, 30), BERLIN, datetime(2026, 3, 28, tzinfo=UTC))
    assert spring.astimezone(BERLIN).strftime("%d %H:%M") == "29 03:00"


def test_week_figures_leave_paused_days_out() -> None:
    facts = [SessionFacts(nov(d), True, 30, 30, 3, 3, 1, "right") for d in (16, 18)]
    paused = {nov(d) for d in range(19, 29)}
    figures = rules.week_figures(facts, nov(16), nov(29), paused)
    assert (figures.done, figures.due) == (0, 0)
    unpaused = rules.week_figures(facts, nov(16), nov(29))
    assert unpaused.due > 0 and unpaused.done == 0


def test_parse_weekday() -> None:
    assert rules.parse_weekday("Sunday") == 6
    assert rules.parse_weekday("mon") == 0
    assert rules.parse_weekday("x") is None
    assert rules.parse_weekday("funday") is None


async def test_users_from_before_recaps_get_a_recap_time_at_start_up(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await kit.storage.update_user(42, kit.now(), next_recap_utc=None)  # as migrated
    async with running_kit(db, START + timedelta(minutes=1)) as kit:
        user = await kit.storage.get_user(42)
        assert user.next_recap_utc == datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
