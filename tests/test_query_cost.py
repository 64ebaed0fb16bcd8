"""Query cost that doesn't grow with history: plans use the session's rows; export unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from content import load_program
from handlers import privacy
from storage import Storage
from storage.convert import parse_utc, utc_text
from storage.progress import ExportRow
from storage.records import UserRecord
from tests.seeding import add_session

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETS_NAMES = {"sets", "t"}  # the table and its alias in the queries


async def make_user(storage: Storage, user_id: int) -> UserRecord:
    """An onboarded user in Berlin."""
    await storage.create_user(user_id, user_id, "Ann", NOW, preset="rehab")
    user = await storage.update_user(
        user_id, NOW, onboarding_step="done", timezone="Europe/Berlin", first_day=date(2024, 1, 1)
    )
    assert user is not None
    return user


async def history(storage: Storage, user_id: int, sessions: int) -> None:
    """Every-other-day sessions ending yesterday, some with notes, skips and no pain answer."""
    first = NOW.date() - timedelta(days=2 * sessions)
    for n in range(sessions):
        await add_session(
            storage,
            user_id,
            first + timedelta(days=2 * n),
            status="partial" if n % 7 == 3 else "done",
            skipped=1 if n % 7 == 3 else 0,
            pain=None if n % 5 == 0 else n % 4,
            set_note="=cmd" if n % 11 == 0 else "",
        )


async def statements_of(storage: Storage, action: Callable[[], Awaitable[Any]]) -> list[str]:
    """The SQL statements (parameters bound) that `action` ran."""
    seen: list[str] = []
    await storage.db.conn.set_trace_callback(seen.append)
    try:
        await action()
    finally:
        await storage.db.conn.set_trace_callback(None)  # type: ignore[arg-type]  # None: off
    return seen


async def plans(storage: Storage, statements: Sequence[str]) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN detail lines of each query among `statements`."""
    found = {}
    for sql in statements:
        if sql.split(None, 1)[0].upper() not in ("SELECT", "UPDATE", "DELETE", "INSERT"):
            continue
        rows = await storage.db.fetchall(f"EXPLAIN QUERY PLAN {sql}")
        found[sql] = [str(row[3]) for row in rows]
    return found


def walks_user_sets(detail: str) -> bool:
    """A plan step that reads sets without narrowing them to one session."""
    words = detail.split()
    if len(words) < 2 or words[1] not in SETS_NAMES:
        return False
    return words[0] == "SCAN" or "session_id=?" not in detail


def scans_sessions(detail: str, details: Sequence[str]) -> bool:
    """A plan step that reads the sessions table through instead of searching an index."""
    words = detail.split()
    if words[:1] != ["SCAN"] or len(words) < 2 or words[1] not in ("sessions", "s"):
        return False
    # "SCAN s" of a subquery (a co-routine) reads only the rows the subquery chose.
    return "USING" not in detail and f"CO-ROUTINE {words[1]}" not in details


async def test_per_session_queries_read_only_that_sessions_sets(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        await make_user(storage, 42)
        await make_user(storage, 43)
        await history(storage, 42, 40)
        await history(storage, 43, 40)
        session_id = await add_session(storage, 42, NOW.date(), status="open", reps=[10])

        async def per_session() -> None:
            await storage.export_rows(42)
            await storage.history(42, 10, 0)
            await storage.history(42, 10, 20)
            await storage.session_sets(42, session_id)
            await storage.open_sessions(42)
            await storage.silent_sessions(NOW)
            await storage.close_session(42, session_id, NOW)

        found = await plans(storage, await statements_of(storage, per_session))
        assert len(found) >= 7
        for sql, details in found.items():
            assert not any(walks_user_sets(d) for d in details), (sql, details)
            assert not any(scans_sessions(d, details) for d in details), (sql, details)
    finally:
        await storage.close()


async def test_the_export_query_joins_sets_by_session() -> None:
    storage = Storage(":memory:")
    await storage.open()
    try:
        from storage.progress import EXPORT_SQL

        rows = await storage.db.fetchall(f"EXPLAIN QUERY PLAN {EXPORT_SQL}", (42,))
        details = [str(row[3]) for row in rows]
        assert any("sets_user_session (user_id=? AND session_id=?)" in d for d in details)
        assert not any("TEMP B-TREE" in d for d in details), details
    finally:
        await storage.close()


# --- /export content is what the earlier query and writer produced --------------------------

_REFERENCE_SQL = (
    "SELECT s.session_id, s.local_date, s.status, s.pain, s.difficulty,"
    " t.leg, t.set_no, t.reps, t.hold_s, t.skipped, t.note, t.logged_utc"
    " FROM sessions s"
    " LEFT JOIN sets t ON t.session_id = s.session_id AND t.user_id = s.user_id"
    " WHERE s.user_id = ?"
    " ORDER BY s.local_date, s.session_id, t.logged_utc, t.set_id"
)


def _reference_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + text
    return text


def _reference_csv_rows(user: UserRecord, rows: Sequence[ExportRow]) -> str:
    """The set part of the CSV as the first /export wrote it (every cell through one function)."""
    zone = ZoneInfo(user.timezone)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(privacy.SET_COLUMNS)
    for row in rows:
        logged = row.logged_utc.astimezone(zone) if row.logged_utc else None
        writer.writerow(
            [
                _reference_cell(row.local_date.isoformat()),
                _reference_cell(f"{logged:%H:%M}" if logged else None),
                _reference_cell(row.leg),
                _reference_cell(row.reps),
                _reference_cell(row.hold_s),
                _reference_cell(row.set_no),
                _reference_cell(row.session_id),
                _reference_cell(row.pain),
                _reference_cell(row.difficulty),
                _reference_cell(row.skipped if row.leg is not None else None),
                _reference_cell(row.note),
                _reference_cell(row.session_status),
            ]
        )
    return out.getvalue()


async def test_export_content_is_unchanged(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        user = await make_user(storage, 42)
        await make_user(storage, 43)
        await history(storage, 42, 30)
        await history(storage, 43, 5)
        day = NOW.date()
        # Two sessions on one day, one without any set, notes a spreadsheet would run.
        await add_session(storage, 42, day, status="partial", left=[8], right=[], note="x")
        await add_session(storage, 42, day, status="open", reps=[], pain=None, difficulty=None)
        late = await add_session(
            storage, 42, day, status="done", reps=[10, 9], set_note='+1, "quoted"', at=time(23)
        )
        # A set whose time sorts before an earlier-numbered one (clock stepped back).
        async with storage.db.write() as conn:
            await conn.execute(
                "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped, note,"
                " logged_utc) VALUES (?, 42, 'left', 3, 7, 2, 1, '-x', ?)",
                (late, utc_text(datetime.combine(day, time(5), tzinfo=UTC))),
            )
        reference = [
            ExportRow(
                session_id=row[0],
                local_date=date.fromisoformat(row[1]),
                session_status=row[2],
                pain=row[3],
                difficulty=row[4],
                leg=row[5],
                set_no=row[6],
                reps=row[7],
                hold_s=row[8],
                skipped=bool(row[9]),
                note=row[10] or "",
                logged_utc=parse_utc(row[11]),
            )
            for row in await storage.db.fetchall(_REFERENCE_SQL, (42,))
        ]
        rows = await storage.export_rows(42)
        assert rows == reference
        assert any(row.leg is None for row in rows)
        assert {row.session_id for row in rows} == {row.session_id for row in reference} and len(
            {row.session_id for row in rows}
        ) == 33
        data = privacy.export_csv(load_program(), user, rows, NOW).decode("utf-8-sig")
        assert data.startswith(_reference_csv_rows(user, reference) + "\r\n")
        assert "'=cmd" in data and "'-x" in data and '"\'+1, ""quoted"""' in data
    finally:
        await storage.close()


# --- planning reads the newest rows only ------------------------------------------------------


async def vm_steps(storage: Storage, action: Callable[[], Awaitable[Any]]) -> int:
    """SQLite virtual-machine instructions `action` ran (deterministic, unlike timings)."""
    count = 0

    def tick() -> int:
        nonlocal count
        count += 1
        return 0

    await storage.db.conn.set_progress_handler(tick, 1)
    try:
        await action()
    finally:
        await storage.db.conn.set_progress_handler(None, 1)  # type: ignore[arg-type]  # None: off
    return count


async def ledger(storage: Storage, user_id: int, days: int) -> None:
    """A sent daily reminder (and a snooze) for each of the last `days` other days."""
    async with storage.db.write() as conn:
        for n in range(days):
            day = (NOW.date() - timedelta(days=2 * (days - n))).isoformat()
            for kind in ("daily", "snooze"):
                await conn.execute(
                    "INSERT INTO reminder_ledger (user_id, local_date, kind, claimed_utc, status)"
                    " VALUES (?, ?, ?, ?, 'sent')",
                    (user_id, day, kind, utc_text(NOW)),
                )


async def test_planning_costs_the_same_for_a_long_history(tmp_path: Path) -> None:
    from handlers.dose import todays_plan
    from handlers.planning import reschedule
    from tests.handlerkit import running_kit
    from tests.seeding import context_for

    async with running_kit(tmp_path / "db.sqlite3", NOW) as kit:
        storage: Storage = kit.storage
        program = kit.app.bot_data.program
        steps = {}
        for user_id, sessions in ((1, 6), (2, 300)):
            user = await make_user(storage, user_id)
            await history(storage, user_id, sessions)
            await ledger(storage, user_id, sessions)
            # A few newer sessions that do not decide anything: partial, no pain answer.
            for _ in range(3):
                await add_session(
                    storage, user_id, NOW.date(), status="partial", pain=None, reps=[5]
                )

            async def plan(user: UserRecord = user, user_id: int = user_id) -> None:
                await storage.last_done_day(user_id)
                await storage.last_reminded_day(user_id)
                await todays_plan(storage, program, user)
                await storage.session_facts(user_id, latest=4)
                await reschedule(context_for(kit), user)

            steps[sessions] = await vm_steps(storage, plan)
        assert steps[6] > 0
        # Fifty times the history, (nearly) the same work: only the newest rows are read.
        assert steps[300] < steps[6] * 1.3, steps


async def test_plan_facts_pick_the_session_plan_next_would(tmp_path: Path) -> None:
    from coach.progression import plan_next
    from handlers.dose import usual_dose

    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    try:
        program = load_program()
        user = await make_user(storage, 42)
        assert await storage.plan_facts(42) == []
        await history(storage, 42, 12)
        day = NOW.date()
        cases = [
            {"status": "done", "pain": 5},  # regress
            {"status": "partial", "pain": None},  # skipped by plan_next
            {"status": "partial", "pain": 1},  # decides: continue
            {"status": "partial", "pain": 8},  # decides: regress
            {"status": "done", "pain": None},  # decides: continue
        ]
        for n, case in enumerate(cases):
            await add_session(storage, 42, day + timedelta(days=n), **case)  # type: ignore[arg-type]
            everything = await storage.session_facts(42)
            dose = usual_dose(program, user)
            expected = plan_next(dose, everything, program.preset(user.preset).ladder)
            assert (
                plan_next(dose, await storage.plan_facts(42), program.preset(user.preset).ladder)
                == expected
            )
            assert await storage.session_facts(42, latest=4) == everything[-4:]
    finally:
        await storage.close()
