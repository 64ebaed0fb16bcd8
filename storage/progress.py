"""Queries for /history, /export, /delete and progression answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import aiosqlite

from storage.convert import parse_utc, utc_text
from storage.db import Database

log = logging.getLogger(__name__)

# In the order of the indexes (sessions_user_date, then sets_user_session): no sort in SQLite,
# whose per-session sort of five years' sets cost more than the lookups; export_rows orders
# sets within a session by time in Python.
EXPORT_SQL = (
    "SELECT s.session_id, s.local_date, s.status, s.pain, s.difficulty,"
    " t.leg, t.set_no, t.reps, t.hold_s, t.skipped, t.note, t.logged_utc, t.set_id"
    " FROM sessions s"
    " LEFT JOIN sets t ON t.session_id = s.session_id AND t.user_id = s.user_id"
    " WHERE s.user_id = ?"
    " ORDER BY s.local_date, s.session_id, t.set_id"
)

# Tables holding rows about a user, children first (the users row goes last).
USER_TABLES = (
    "sets",
    "sessions",
    "processed_updates",
    "reminder_ledger",
    "progression_answers",
    "pause_log",
    "recap_ledger",
)


@dataclass(frozen=True)
class LegSets:
    """The sets logged on one leg in one session (skipped sets not counted)."""

    sets: int
    reps: int  # total reps over those sets
    min_reps: int | None
    max_reps: int | None

    @property
    def uniform(self) -> bool:
        """True when every set had the same number of reps (so "3×10" describes it)."""
        return self.sets > 0 and self.min_reps == self.max_reps


@dataclass(frozen=True)
class SessionLine:
    """One session as /history lists it."""

    session_id: int
    local_date: date
    status: str  # open | done | partial
    left: LegSets
    right: LegSets
    skipped: int
    pain: int | None
    difficulty: str | None


class ExportRow(NamedTuple):
    """One logged set (or a session without sets) as /export writes it."""

    # A NamedTuple, not a frozen dataclass: five years are thousands of rows per export, and a
    # tuple is built several times faster (measured in bench/export.py).

    session_id: int
    local_date: date
    session_status: str
    pain: int | None
    difficulty: str | None
    leg: str | None  # None (and the set fields below) for a session without any set
    set_no: int | None
    reps: int | None
    hold_s: int | None
    skipped: bool
    note: str
    logged_utc: datetime | None


@dataclass(frozen=True)
class Checkin:
    """The end-of-session answers of one session."""

    session_id: int
    local_date: date
    pain: int | None
    difficulty: str | None


def _export_order(row: aiosqlite.Row) -> tuple[str, int, str, int]:
    return (row[1], row[0], row[11] or "", row[12] or 0)


def _leg(sets: int, reps: int, low: int | None, high: int | None) -> LegSets:
    return LegSets(sets=sets, reps=reps, min_reps=low, max_reps=high)


class ProgressMixin:
    """History pages, export rows, erasing a user, and answers to progression offers."""

    db: Database

    async def count_sessions(self, user_id: int) -> int:
        """How many sessions (any status) the user has."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM sessions WHERE user_id = ?", (user_id,))
        return int(row[0]) if row else 0

    async def history(self, user_id: int, limit: int, offset: int = 0) -> list[SessionLine]:
        """The user's sessions, newest first, `limit` of them from `offset`."""
        rows = await self.db.fetchall(
            "SELECT s.session_id, s.local_date, s.status, s.pain, s.difficulty,"
            " COUNT(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN 1 END) AS l_sets,"
            " COALESCE(SUM(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN t.reps END), 0)"
            "   AS l_reps,"
            " MIN(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN t.reps END) AS l_min,"
            " MAX(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN t.reps END) AS l_max,"
            " COUNT(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN 1 END) AS r_sets,"
            " COALESCE(SUM(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN t.reps END), 0)"
            "   AS r_reps,"
            " MIN(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN t.reps END) AS r_min,"
            " MAX(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN t.reps END) AS r_max,"
            " COUNT(CASE WHEN t.skipped = 1 THEN 1 END) AS skipped"
            # The page's sessions first, then only their sets (not every set of the history).
            " FROM (SELECT * FROM sessions WHERE user_id = ?"
            "   ORDER BY local_date DESC, session_id DESC LIMIT ? OFFSET ?) s"
            " LEFT JOIN sets t ON t.session_id = s.session_id AND t.user_id = s.user_id"
            " GROUP BY s.session_id"
            " ORDER BY s.local_date DESC, s.session_id DESC",
            (user_id, max(0, limit), max(0, offset)),
        )
        return [
            SessionLine(
                session_id=row["session_id"],
                local_date=date.fromisoformat(row["local_date"]),
                status=row["status"],
                left=_leg(row["l_sets"], row["l_reps"], row["l_min"], row["l_max"]),
                right=_leg(row["r_sets"], row["r_reps"], row["r_min"], row["r_max"]),
                skipped=row["skipped"],
                pain=row["pain"],
                difficulty=row["difficulty"],
            )
            for row in rows
        ]

    async def export_rows(self, user_id: int) -> list[ExportRow]:
        """Every set the user logged (and each session without sets), oldest first."""
        rows = await self.db.fetchall(EXPORT_SQL, (user_id,))
        # Stable and nearly sorted already: linear. NULL (a session without sets) sorts first.
        rows.sort(key=_export_order)
        days: dict[str, date] = {}
        return [
            ExportRow(
                session_id,
                days.get(day) or days.setdefault(day, date.fromisoformat(day)),
                status,
                pain,
                difficulty,
                leg,
                set_no,
                reps,
                hold_s,
                bool(skipped),
                note or "",
                parse_utc(logged),
            )
            for (session_id, day, status, pain, difficulty, leg, set_no, reps, hold_s, skipped,
                 note, logged, _set_id) in rows
        ]  # fmt: skip

    async def checkin(self, user_id: int, session_id: int) -> Checkin | None:
        """The pain and difficulty answers of one of the user's sessions (None if not theirs)."""
        row = await self.db.fetchone(
            "SELECT session_id, local_date, pain, difficulty FROM sessions"
            " WHERE session_id = ? AND user_id = ?",
            (session_id, user_id),
        )
        if row is None:
            return None
        return Checkin(
            session_id=row["session_id"],
            local_date=date.fromisoformat(row["local_date"]),
            pain=row["pain"],
            difficulty=row["difficulty"],
        )

    async def last_progression_answer(self, user_id: int) -> datetime | None:
        """When the user last answered a progression offer (Yes or Not now)."""
        row = await self.db.fetchone(
            "SELECT MAX(answered_utc) FROM progression_answers WHERE user_id = ?", (user_id,)
        )
        return parse_utc(row[0]) if row else None

    async def answer_progression(
        self,
        user_id: int,
        now: datetime,
        step_key: str,
        *,
        accepted: bool,
        expected: tuple[int | None, int | None, bool],
        changes: dict[str, int | bool] | None = None,
    ) -> bool:
        """Record an answer and, on Yes, the new dose, in one transaction.

        `expected` is the (reps, hold_s, ankle_weight) the caller validated the answer against;
        if the stored dose differs by now, nothing is written and False comes back.
        """
        allowed = {"reps", "hold_s", "ankle_weight"}
        changes = changes or {}
        if set(changes) - allowed:
            raise ValueError(f"not a dose column: {sorted(set(changes) - allowed)}")
        reps, hold_s, weight = expected
        stamp = utc_text(now)
        async with self.db.write() as conn:
            # Compare-and-set on the dose: a second, concurrent Yes finds it changed.
            columns = "".join(f"{name} = ?, " for name in changes)
            cursor = await conn.execute(
                f"UPDATE users SET {columns}updated_at = ?"
                " WHERE user_id = ? AND reps IS ? AND hold_s IS ? AND ankle_weight = ?",
                (
                    *(int(value) for value in changes.values()),
                    stamp,
                    user_id,
                    reps,
                    hold_s,
                    int(weight),
                ),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO progression_answers (user_id, answered_utc, step_key, accepted)"
                " VALUES (?, ?, ?, ?)",
                (user_id, stamp, step_key, int(accepted)),
            )
        return True

    async def delete_user_data(self, user_id: int) -> int:
        """Erase every row about the user, then checkpoint the WAL; returns rows deleted.

        secure_delete (set in storage.db) zeroes the freed cells and pages; the TRUNCATE
        checkpoint copies those zeroed pages into the file and empties the WAL, whose older
        frames still held the erased bytes.
        """
        # Logged first: a restore from an older backup must erase this user again.
        await self.db.record_erasure(user_id)
        deleted = 0
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM sets WHERE user_id = ? OR session_id IN"
                " (SELECT session_id FROM sessions WHERE user_id = ?)",
                (user_id, user_id),
            )
            deleted += max(cursor.rowcount, 0)
            for table in USER_TABLES[1:]:
                cursor = await conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
                deleted += max(cursor.rowcount, 0)
            cursor = await conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            deleted += max(cursor.rowcount, 0)
        if not await self.db.checkpoint():
            # A reader kept the WAL busy; the zeroed pages reach the file at the next checkpoint.
            log.warning("WAL checkpoint after a deletion was blocked")
        return deleted
