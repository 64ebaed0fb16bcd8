"""Test helpers: seed sessions and sets straight into storage, and a context for direct calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram.ext import CallbackContext

from storage import Storage
from storage.convert import utc_text
from tests.handlerkit import Kit


async def add_session(
    storage: Storage,
    user_id: int,
    day: date,
    *,
    status: str = "done",
    legs: str = "both",
    reps: Sequence[int] | None = None,
    left: Sequence[int] | None = None,
    right: Sequence[int] | None = None,
    skipped: int = 0,
    hold_s: int = 2,
    pain: int | None = 1,
    difficulty: str | None = "right",
    note: str = "",
    set_note: str = "",
    at: time = time(6, 10),
) -> int:
    """Insert one session with its sets; returns the session id.

    `reps` gives the same reps list to every trained leg; `left` / `right` override per leg.
    Sets are logged a minute apart from `at` (UTC) on `day`.
    """
    default = list(reps) if reps is not None else [10, 10, 10]
    per_leg = {
        "left": list(left) if left is not None else (default if legs != "right" else []),
        "right": list(right) if right is not None else (default if legs != "left" else []),
    }
    start = datetime.combine(day, at, tzinfo=UTC)
    async with storage.db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO sessions (user_id, local_date, started_utc, ended_utc, status, preset,"
            " legs, sets_planned, reps_planned, hold_s, pain, difficulty, note)"
            " VALUES (?, ?, ?, ?, ?, 'rehab', ?, 3, 10, ?, ?, ?, ?)",
            (
                user_id,
                day.isoformat(),
                utc_text(start),
                utc_text(start + timedelta(minutes=10)),
                status,
                legs,
                hold_s,
                pain,
                difficulty,
                note,
            ),
        )
        session_id = cursor.lastrowid
        assert session_id is not None
        minute = 0
        for leg in ("left", "right"):
            for number, count in enumerate(per_leg[leg], start=1):
                minute += 1
                await conn.execute(
                    "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped,"
                    " note, logged_utc) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    (
                        session_id,
                        user_id,
                        leg,
                        number,
                        count,
                        hold_s,
                        set_note,
                        utc_text(start + timedelta(minutes=minute)),
                    ),
                )
        for extra in range(skipped):
            minute += 1
            await conn.execute(
                "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped,"
                " note, logged_utc) VALUES (?, ?, 'left', ?, 0, ?, 1, ?, ?)",
                (
                    session_id,
                    user_id,
                    len(per_leg["left"]) + extra + 1,
                    hold_s,
                    set_note,
                    utc_text(start + timedelta(minutes=minute)),
                ),
            )
    return int(session_id)


async def rows_about(storage: Storage, user_id: int) -> dict[str, int]:
    """How many rows each table holds about one user."""
    counts = {}
    for table in (
        "users",
        "sessions",
        "sets",
        "processed_updates",
        "reminder_ledger",
        "progression_answers",
    ):
        row = await storage.db.fetchone(
            f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (user_id,)
        )
        counts[table] = int(row[0]) if row else 0
    return counts


def context_for(kit: Kit) -> Any:
    """A CallbackContext on the kit's application, for calling handler functions directly."""
    return CallbackContext(kit.app)
