"""Reminders in-process: the dispatcher (once a day, snooze, skip, downtime, failures), commands."""

from __future__ import annotations

import asyncio
import time as clock
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from coach.schedule import ReminderState
from handlers import planning, reminders
from handlers.reminders import Dispatcher, DrainReport
from storage.records import FOREVER
from tests.handlerkit import Kit, Recorder, Sent, running_kit
from tests.test_onboarding import onboard

# Sunday 22 Nov 2026, 06:00 UTC = 07:00 in Berlin; a 07:30 reminder is due at 06:30 UTC.
START = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
SUN = date(2026, 11, 22)
MON, TUE, WED, THU = (SUN + timedelta(days=n) for n in range(1, 5))
DUE = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


async def quiet(kit: Kit) -> Dispatcher:
    """The dispatcher with its background tick switched off, so each test drains by hand."""
    queue = kit.app.job_queue
    assert queue is not None
    job = queue.get_jobs_by_name(reminders.JOB_NAME)[0]
    job.enabled = False
    worker = reminders.dispatcher(kit.app)
    while worker.busy:  # noqa: ASYNC110 - a plain flag, polled briefly
        await asyncio.sleep(0.01)
    return worker


def reminders_to(kit: Kit, chat_id: int = 42) -> list[Sent]:
    return [
        s
        for s in kit.request.sent
        if s.chat_id == chat_id
        and any(
            mark in s.text for mark in ("Training day", "as promised", "Skipped today", "again at")
        )
    ]


def send_calls(kit: Kit) -> int:
    return sum(1 for method, _ in kit.request.calls if method == "sendMessage")


async def add_session(kit: Kit, user_id: int, day: date, status: str = "done") -> None:
    """A session row as the workout feature writes it."""
    async with kit.storage.db.write() as conn:
        await conn.execute(
            "INSERT INTO sessions (user_id, local_date, started_utc, ended_utc, status, preset,"
            " legs, sets_planned, reps_planned, hold_s) VALUES (?, ?, ?, ?, ?, 'rehab',"
            " 'both', 3, 10, 2)",
            (user_id, day.isoformat(), "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", status),
        )


@asynccontextmanager
async def ready(
    tmp_path: Path, start: datetime = START, **onboarding: str
) -> AsyncIterator[tuple[Kit, Dispatcher]]:
    """A running kit with Ann onboarded (Berlin, 07:30 unless told) and a quiet dispatcher."""
    async with running_kit(tmp_path / "db.sqlite3", start) as kit:
        await onboard(kit.chat(), **onboarding)
        yield kit, await quiet(kit)


# --- the pure decision -------------------------------------------------------------------


def state(**changes: Any) -> ReminderState:
    base = ReminderState(
        "Europe/Berlin", time(7, 30), first_day=SUN, last_done=None, last_reminded=None
    )
    return ReminderState(**{**base.__dict__, **changes})


def test_settle_due_sends_on_time_and_moves_to_the_next_day() -> None:
    decision = planning.settle_due(state(), DUE, DUE + timedelta(seconds=20))
    assert decision.fire == (DUE, SUN, "daily") and decision.send
    # No session on Sunday: the missed training day is followed by a reminder on Monday.
    assert decision.next_utc == DUE + timedelta(days=1)


def test_settle_due_recomputes_a_stale_instant() -> None:
    # Stored Monday's time, but Ann trained on Sunday: Monday is no longer a training day.
    monday = DUE + timedelta(days=1)
    decision = planning.settle_due(state(last_done=SUN), monday, monday)
    assert decision.fire is None and decision.next_utc == DUE + timedelta(days=2)


def test_settle_due_after_long_downtime_drops_once_and_jumps_to_today() -> None:
    wednesday_morning = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 Berlin
    decision = planning.settle_due(state(), DUE, wednesday_morning)
    assert decision.fire == (DUE, SUN, "daily") and not decision.send
    # Monday and Tuesday are jumped over; Wednesday 07:30 (already past) is next.
    assert decision.next_utc == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
    again = planning.settle_due(state(last_reminded=SUN), decision.next_utc, wednesday_morning)
    assert again.fire is not None and again.fire[1] == WED and again.send


def test_settle_due_after_cutoff_drops_today() -> None:
    late = datetime(2026, 11, 22, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    decision = planning.settle_due(state(), DUE, late)
    assert decision.fire is not None and not decision.send
    assert decision.next_utc == DUE + timedelta(days=1)


def test_settle_due_snooze_is_used_up() -> None:
    snooze = DUE + timedelta(hours=1)
    decision = planning.settle_due(state(snooze_until=snooze), snooze, snooze)
    assert decision.fire == (snooze, SUN, "snooze") and decision.send and decision.clears_snooze
    assert decision.next_utc == DUE + timedelta(days=1)


def test_settle_due_paused_forever_unschedules() -> None:
    decision = planning.settle_due(state(paused_until=FOREVER), DUE, DUE)
    assert decision == planning.DueReminder(None, False, None)


# --- the dispatcher ----------------------------------------------------------------------


async def test_reminder_arrives_once_at_the_chosen_time(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.set_now(DUE - timedelta(seconds=1))
        assert (await worker.drain()).total() == 0
        kit.set_now(DUE + timedelta(seconds=3))
        report = await worker.drain()
        assert report.sent == 1 and report.total() == 1
        [reminder] = reminders_to(kit)
        assert "3 × 10 per leg, hold 2 s, about 11 minutes" in reminder.text
        assert reminder.buttons() == [
            ("▶️ Start now", "workout:start"),
            ("⏰ In 1 hour", "remind:snooze:2026-11-22"),
            ("⏭ Skip today", "remind:skip:2026-11-22"),
        ]
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == DUE + timedelta(days=1)
        [row] = await kit.storage.ledger(42)
        assert (row.local_date, row.kind, row.status) == (SUN, "daily", "sent")
        kit.advance(hours=2)
        assert (await worker.drain()).total() == 0
        assert len(reminders_to(kit)) == 1
        assert kit.request.rejected == []


async def test_changing_the_time_after_todays_reminder_sends_no_second_one(
    tmp_path: Path,
) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.set_now(DUE + timedelta(seconds=5))
        await worker.drain()
        chat = kit.chat()
        reply = (await chat.send("/remind 09:00"))[-1]
        assert "09:00 Europe/Berlin" in reply.text and "Next reminder: Mon 23 Nov" in reply.text
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
        # Even a stale instant for today (an older process wrote it) sends nothing more.
        async with kit.storage.db.write() as conn:
            await conn.execute(
                "UPDATE users SET next_reminder_utc = '2026-11-22T08:00:00.000000Z'"
                " WHERE user_id = 42"
            )
        kit.set_now(datetime(2026, 11, 22, 8, 0, 10, tzinfo=UTC))
        report = await worker.drain()
        assert report.sent == 0 and report.total() == 1
        assert len(reminders_to(kit)) == 1
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_the_ledger_stops_a_reminder_already_claimed(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        # A snooze whose ledger row exists (claimed by a process that then died) is not resent.
        snooze = DUE + timedelta(hours=1)
        async with kit.storage.db.write() as conn:
            await conn.execute(
                "INSERT INTO reminder_ledger (user_id, local_date, kind, claimed_utc, status)"
                " VALUES (42, '2026-11-22', 'snooze', '2026-11-22T07:30:00.000000Z', 'claimed')"
            )
            await conn.execute(
                "UPDATE users SET snooze_until_utc = ?, next_reminder_utc = ? WHERE user_id = 42",
                (snooze.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),) * 2,
            )
        kit.set_now(snooze + timedelta(seconds=5))
        report = await worker.drain()
        assert report.duplicate == 1 and report.sent == 0
        assert reminders_to(kit) == []
        user = await kit.storage.get_user(42)
        assert user.snooze_until_utc is None
        assert user.next_reminder_utc == DUE + timedelta(days=1)


async def test_a_session_moves_the_next_reminder_to_the_day_after_tomorrow(
    tmp_path: Path,
) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.set_now(DUE + timedelta(seconds=5))
        await worker.drain()
        await add_session(kit, 42, SUN)  # without the logging feature rescheduling
        kit.set_now(DUE + timedelta(days=1, seconds=5))
        report = await worker.drain()
        assert report.rescheduled == 1 and report.sent == 0
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == DUE + timedelta(days=2)
        listing = (await kit.chat().send("/schedule"))[-1].text
        assert listing.index("Tue 24 Nov, 07:30") < listing.index("Thu 26 Nov, 07:30")
        assert "Mon 23 Nov" not in listing and "Wed 25 Nov" not in listing
        assert listing.count("•") == 5 and "Mon 2 Dec" not in listing
        assert "Wed 2 Dec, 07:30" in listing


async def test_snooze_sends_exactly_one_more(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.set_now(DUE + timedelta(seconds=5))
        await worker.drain()
        chat = kit.chat()
        [first] = reminders_to(kit)
        kit.advance(minutes=2)  # 07:32 Berlin
        await chat.press(first, "In 1 hour")
        assert "remind you again at 08:32" in first.text
        assert [data for _, data in first.buttons()] == [
            "workout:start",
            "remind:skip:2026-11-22",
        ]
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == DUE + timedelta(minutes=62, seconds=5)
        await chat.forge(first, "remind:snooze:2026-11-22")
        assert "once more a day" in chat.answers()[-1]
        kit.advance(hours=1, seconds=1)
        assert (await worker.drain()).sent == 1
        second = reminders_to(kit)[-1]
        assert "as promised" in second.text
        assert "remind:snooze:2026-11-22" not in [data for _, data in second.buttons()]
        await chat.forge(second, "remind:snooze:2026-11-22")
        assert "once more a day" in chat.answers()[-1]
        kit.advance(hours=3)
        assert (await worker.drain()).sent == 0
        assert len(reminders_to(kit)) == 2
        user = await kit.storage.get_user(42)
        assert user.snooze_until_utc is None
        assert user.next_reminder_utc == DUE + timedelta(days=1)
        kinds = [(row.local_date, row.kind, row.status) for row in await kit.storage.ledger(42)]
        assert kinds == [(SUN, "daily", "sent"), (SUN, "snooze", "sent")]
        assert kit.request.rejected == []


async def test_skip_today_moves_to_tomorrow_and_cancels_a_snooze(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.set_now(DUE + timedelta(seconds=5))
        await worker.drain()
        chat = kit.chat()
        [reminder] = reminders_to(kit)
        await chat.press(reminder, "In 1 hour")
        await chat.press(reminder, "Skip today")
        assert "Skipped today. Next reminder: Mon 23 Nov at 07:30" in reminder.text
        assert reminder.buttons() == []
        user = await kit.storage.get_user(42)
        assert user.skip_day == SUN and user.snooze_until_utc is None
        assert user.next_reminder_utc == DUE + timedelta(days=1)
        await chat.forge(reminder, "remind:skip:2026-11-22")
        assert "already skipped" in chat.answers()[-1]
        kit.advance(hours=2)
        assert (await worker.drain()).sent == 0
        kit.set_now(DUE + timedelta(days=1, seconds=1))
        assert (await worker.drain()).sent == 1
        # Yesterday's buttons are stale now.
        await chat.forge(reminder, "remind:snooze:2026-11-22")
        assert "was for Sun 22 Nov" in chat.answers()[-1]
        await chat.forge(reminder, "remind:snooze:2026-13-45")
        await chat.forge(reminder, "remind:nap:2026-11-23")
        assert all("expired" in text for text in chat.answers()[-2:])
        assert kit.request.rejected == []


async def test_snooze_past_midnight_is_refused(tmp_path: Path) -> None:
    async with ready(tmp_path, time_text="23:30") as (kit, worker):
        kit.set_now(datetime(2026, 11, 22, 22, 30, 5, tzinfo=UTC))  # 23:30 Berlin
        assert (await worker.drain()).sent == 1
        chat = kit.chat()
        await chat.press(reminders_to(kit)[-1], "In 1 hour")
        assert "too late" in chat.answers()[-1]
        assert (await kit.storage.get_user(42)).snooze_until_utc is None


async def test_downtime_sends_once_on_start_if_same_day(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        await onboard(kit.chat())
    # Back three hours late (10:30 Berlin): the start-up tick sends it, once.
    async with running_kit(db, DUE + timedelta(hours=3)) as kit:
        deadline = clock.monotonic() + 5
        while not reminders_to(kit) and clock.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        worker = await quiet(kit)
        assert len(reminders_to(kit)) == 1
        assert (await worker.drain()).total() == 0
    async with running_kit(db, DUE + timedelta(hours=4)) as kit:
        worker = await quiet(kit)
        assert (await worker.drain()).total() == 0
        assert reminders_to(kit) == []


async def test_long_downtime_is_not_a_burst(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        await onboard(kit.chat())
    wednesday = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 Berlin, three days later
    async with running_kit(db, wednesday) as kit:
        worker = await quiet(kit)
        await worker.drain()
        assert len(reminders_to(kit)) == 1
        rows = [(r.local_date, r.status) for r in await kit.storage.ledger(42)]
        assert rows == [(SUN, "dropped"), (WED, "sent")]


async def test_downtime_past_cutoff_is_dropped(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        await onboard(kit.chat())
    async with running_kit(db, datetime(2026, 11, 22, 21, 5, tzinfo=UTC)) as kit:  # 22:05
        worker = await quiet(kit)
        await worker.drain()
        assert reminders_to(kit) == []
        assert [r.status for r in await kit.storage.ledger(42)] == ["dropped"]
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == DUE + timedelta(days=1)


async def test_a_blocked_user_is_deactivated_until_start(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.request.fail_next["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
        kit.set_now(DUE + timedelta(seconds=5))
        report = await worker.drain()
        assert report.blocked == 1
        user = await kit.storage.get_user(42)
        assert not user.active and user.next_reminder_utc is None
        assert [r.status for r in await kit.storage.ledger(42)] == ["failed"]
        calls = send_calls(kit)
        kit.advance(days=3)
        assert (await worker.drain()).total() == 0
        assert send_calls(kit) == calls
        await kit.chat().send("/start")
        user = await kit.storage.get_user(42)
        assert user.active and user.next_reminder_utc is not None


async def test_my_chat_member_kicked_deactivates(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        chat = kit.chat()
        member = {"status": "member", "user": {"id": 123456, "is_bot": True, "first_name": "M"}}
        kicked = {**member, "status": "kicked", "until_date": 0}
        await chat._feed(
            {
                "my_chat_member": {
                    "chat": {"id": 42, "type": "private", "first_name": "Ann"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                    "date": int(DUE.timestamp()),
                    "old_chat_member": member,
                    "new_chat_member": kicked,
                }
            }
        )
        user = await kit.storage.get_user(42)
        assert not user.active and user.next_reminder_utc is None
        kit.set_now(DUE + timedelta(seconds=5))
        assert (await worker.drain()).total() == 0
        assert reminders_to(kit) == []


async def test_server_error_is_retried_without_a_second_claim(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        kit.request.fail_next["sendMessage"] = (502, "Bad Gateway")
        kit.set_now(DUE + timedelta(seconds=5))
        report = await worker.drain()
        assert report.sent == 1
        assert len(reminders_to(kit)) == 1
        assert send_calls(kit) - len(kit.request.sent) == 1  # one failed attempt, one delivery
        assert [r.status for r in await kit.storage.ledger(42)] == ["sent"]


def failing_send(
    monkeypatch: pytest.MonkeyPatch, error: Callable[[], Exception], *, deliver: bool
) -> list[int]:
    """Make the next sendMessage raise `error` (after delivering it, if `deliver`)."""
    original = Recorder.do_request
    armed = [1]

    async def do_request(self: Recorder, url: str, method: str, *args: Any, **kw: Any) -> Any:
        if url.endswith("/sendMessage") and armed:
            armed.pop()
            if deliver:
                await original(self, url, method, *args, **kw)
            raise error()
        return await original(self, url, method, *args, **kw)

    monkeypatch.setattr(Recorder, "do_request", do_request)
    return armed


async def test_a_timed_out_send_is_never_resent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ready(tmp_path) as (kit, worker):
        failing_send(monkeypatch, TimedOut, deliver=True)
        kit.set_now(DUE + timedelta(seconds=5))
        report = await worker.drain()
        assert report.unknown == 1 and report.sent == 0
        assert len(reminders_to(kit)) == 1  # it did arrive
        assert [r.status for r in await kit.storage.ledger(42)] == ["claimed"]
        kit.advance(minutes=5)
        assert (await worker.drain()).total() == 0
        assert len(reminders_to(kit)) == 1
        assert send_calls(kit) == len(kit.request.sent)


async def test_a_refused_connection_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> Exception:
        error = NetworkError("httpx.ConnectError: refused")
        error.__cause__ = httpx.ConnectError("refused")
        return error

    async with ready(tmp_path) as (kit, worker):
        failing_send(monkeypatch, refused, deliver=False)
        kit.set_now(DUE + timedelta(seconds=5))
        assert (await worker.drain()).sent == 1
        assert len(reminders_to(kit)) == 1


async def test_one_slow_user_does_not_stall_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        for user_id in range(1, 7):
            await onboard(kit.chat(user_id, f"U{user_id}"))
        worker = await quiet(kit)
        original = Recorder.do_request
        finished: dict[int, float] = {}

        async def do_request(self: Recorder, url: str, method: str, *args: Any, **kw: Any) -> Any:
            chat_id = None
            if url.endswith("/sendMessage"):
                chat_id = int(kw["request_data"].parameters["chat_id"])
                if chat_id == 1:
                    await asyncio.sleep(1.0)
            result = await original(self, url, method, *args, **kw)
            if chat_id is not None:
                finished[chat_id] = clock.monotonic()
            return result

        monkeypatch.setattr(Recorder, "do_request", do_request)
        kit.set_now(DUE + timedelta(seconds=5))
        began = clock.monotonic()
        report = await worker.drain()
        assert report.sent == 6
        assert all(finished[uid] - began < 0.8 for uid in range(2, 7))
        assert finished[1] - began >= 1.0


async def test_overlapping_drains_send_each_reminder_once(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        for user_id in range(1, 9):
            await onboard(kit.chat(user_id, f"U{user_id}"))
        worker = await quiet(kit)
        # A second dispatcher stands in for an overlapping tick in another process.
        other = Dispatcher(kit.app)
        kit.set_now(DUE + timedelta(seconds=5))
        reports: tuple[DrainReport, ...] = await asyncio.gather(
            worker.drain(), other.drain(), worker.drain()
        )
        assert sum(r.sent for r in reports) == 8
        per_chat = [len(reminders_to(kit, uid)) for uid in range(1, 9)]
        assert per_chat == [1] * 8
        # A claim is unique per user and local date, whoever tries again.
        claim: Callable[[], Awaitable[bool | None]] = lambda: kit.storage.claim_reminder(  # noqa: E731
            5,
            DUE + timedelta(days=1),
            DUE,
            fire=(SUN, "daily"),
            status="claimed",
            next_utc=None,
            clear_snooze=False,
        )
        assert await claim() is False


async def test_a_corrupt_row_is_deferred_not_looped(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        async with kit.storage.db.write() as conn:
            await conn.execute("UPDATE users SET timezone = 'Mars/Olympus' WHERE user_id = 42")
        kit.set_now(DUE + timedelta(seconds=5))
        report = await worker.drain()
        assert report.errors == 1
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == DUE + timedelta(hours=1, seconds=5)


async def test_dst_change_keeps_the_wall_clock_time(tmp_path: Path) -> None:
    saturday = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)  # 06:00 Berlin, winter time
    async with ready(tmp_path, start=saturday) as (kit, worker):
        kit.set_now(datetime(2026, 3, 28, 6, 30, 5, tzinfo=UTC))
        assert (await worker.drain()).sent == 1
        user = await kit.storage.get_user(42)
        # Sunday 29 March is summer time: 07:30 Berlin is 05:30 UTC.
        assert user.next_reminder_utc == datetime(2026, 3, 29, 5, 30, tzinfo=UTC)


async def test_due_query_uses_the_index(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        rows = await kit.storage.db.fetchall(
            "EXPLAIN QUERY PLAN SELECT * FROM users WHERE next_reminder_utc <= ?"
            " ORDER BY next_reminder_utc LIMIT ?",
            ("2026-11-22T06:30:00.000000Z", 10),
        )
        assert any("users_next_reminder" in str(tuple(row)) for row in rows)


# --- commands ------------------------------------------------------------------------------


async def test_commands_need_a_profile(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        for command in (
            "/remind 07:30",
            "/timezone UTC",
            "/pause",
            "/resume",
            "/schedule",
            "/stop",
        ):
            assert "/start medial" in (await chat.send(command))[-1].text
        assert await kit.storage.count_users() == 0


async def test_remind_and_timezone_validate_and_reschedule(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, _worker):
        chat = kit.chat()
        assert "isn't a time" in (await chat.send("/remind 25:99"))[-1].text
        assert "/remind 07:30" in (await chat.send("/remind"))[-1].text
        reply = (await chat.send("/remind 7:30pm"))[-1]
        assert "19:30 Europe/Berlin" in reply.text and "Sun 22 Nov at 19:30" in reply.text
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == datetime(2026, 11, 22, 18, 30, tzinfo=UTC)
        reply = (await chat.send("/timezone Mars/Olympus"))[-1]
        assert "couldn't find a timezone" in reply.text
        assert "Europe/Berlin" in (await chat.send("/timezone"))[-1].text
        reply = (await chat.send("/timezone New York"))[-1]
        assert "America/New_York" in reply.text
        user = await kit.storage.get_user(42)
        assert user.next_reminder_utc == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
        long = (await chat.send("/timezone " + "<b>" * 500))[-1]
        assert "&lt;b&gt;" in long.text and len(long.text) < 500
        assert kit.request.rejected == []


async def test_pause_resume_and_stop(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, worker):
        chat = kit.chat()
        for bad in ("/pause 0", "/pause 366", "/pause soon", "/pause -3", "/pause 99999"):
            assert "isn't a number of days" in (await chat.send(bad))[-1].text
        reply = (await chat.send("/pause 3"))[-1]
        assert "start again on Wed 25 Nov" in reply.text
        user = await kit.storage.get_user(42)
        assert user.paused_until == WED
        assert user.next_reminder_utc == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
        listing = (await chat.send("/schedule"))[-1].text
        assert "Wed 25 Nov, 07:30" in listing and "Paused until Wed 25 Nov" in listing
        assert "Today" not in listing
        reply = (await chat.send("/pause"))[-1]
        assert "until you send /resume" in reply.text
        assert (await kit.storage.get_user(42)).next_reminder_utc is None
        assert "Paused until you /resume" in (await chat.send("/schedule"))[-1].text
        kit.set_now(DUE + timedelta(days=1))
        assert (await worker.drain()).total() == 0
        reply = (await chat.send("/resume"))[-1]
        assert "Reminders are on" in reply.text and "Next reminder: Mon 23 Nov" in reply.text
        reply = (await chat.send("/stop"))[-1]
        assert "Reminders are off" in reply.text and "history is kept" in reply.text
        user = await kit.storage.get_user(42)
        assert not user.reminders_on and user.next_reminder_utc is None
        assert "Reminders are off" in (await chat.send("/schedule"))[-1].text
        await chat.send("/resume")
        user = await kit.storage.get_user(42)
        assert user.reminders_on and user.next_reminder_utc is not None
        assert kit.request.rejected == []


async def test_schedule_lists_today_then_every_other_day(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, _worker):
        listing = (await kit.chat().send("/schedule"))[-1].text
        for line in (
            "Today, 07:30",
            "Tue 24 Nov, 07:30",
            "Thu 26 Nov, 07:30",
            "Sat 28 Nov, 07:30",
            "Mon 30 Nov, 07:30",
        ):
            assert line in listing
        assert "Mon 23 Nov" not in listing


async def test_a_claim_loses_to_a_newer_schedule(tmp_path: Path) -> None:
    async with ready(tmp_path) as (kit, _worker):
        # Ann changed her time after the dispatcher read her row: its claim must not land.
        stale = DUE - timedelta(hours=1)
        claimed = await kit.storage.claim_reminder(
            42,
            stale,
            DUE,
            fire=(SUN, "daily"),
            status="claimed",
            next_utc=DUE + timedelta(days=1),
            clear_snooze=False,
        )
        assert claimed is None
        assert await kit.storage.ledger(42) == []
        assert (await kit.storage.get_user(42)).next_reminder_utc == DUE
