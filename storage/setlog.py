"""Logging and undoing sets: one transaction per update, few round trips to the database thread.

Every statement is a round trip to aiosqlite's thread, and "done" is the commonest update, so a
log is: claim the update id, read the session with its taken slots (one query), insert the new
sets (one statement), settle the status, and, when that completes the session, store the next
reminder, all before the one COMMIT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.convert import parse_date, utc_text
from storage.db import Database
from storage.records import UserRecord
from storage.sessions import (
    SESSION_COLUMNS,
    SET_COLUMNS,
    NewSet,
    SessionRecord,
    SetRecord,
    close_open,
    one_session,
    session_from_row,
    set_from_row,
)
from storage.users import user_from_row

# (user, last completed local date, last daily reminder's local date) -> next reminder instant.
NextReminder = Callable[[UserRecord, date | None, date | None], datetime | None]


@dataclass(frozen=True)
class NewSession:
    """A session to open in the same transaction as its first logged set."""

    local_date: date
    preset: str
    legs: str
    sets: int  # per leg
    reps: int
    hold_s: int

    def draft(self, user_id: int, now: datetime) -> SessionRecord:
        """The session as it will be stored (id 0 until it is), to plan its slots."""
        return SessionRecord(
            session_id=0,
            user_id=user_id,
            local_date=self.local_date,
            started_utc=now,
            ended_utc=None,
            status="open",
            preset=self.preset,
            legs=self.legs,
            sets_planned=self.sets,
            reps_planned=self.reps,
            hold_s=self.hold_s,
            pain=None,
            difficulty=None,
        )


@dataclass(frozen=True)
class LogResult:
    """What a logging transaction did; `duplicate` means the update was already processed."""

    duplicate: bool
    session: SessionRecord | None
    logged: tuple[SetRecord, ...] = ()
    completed: bool = False  # this transaction logged the session's last planned slot
    rescheduled: UserRecord | None = None  # the user row with its new next reminder, if stored


@dataclass(frozen=True)
class UndoResult:
    """What an undo did: the removed set (None if there was nothing to remove)."""

    duplicate: bool
    removed: SetRecord | None
    session: SessionRecord | None
    rescheduled: UserRecord | None = None


async def _claim_update(
    conn: aiosqlite.Connection, update_id: int | None, user_id: int, now: str
) -> bool:
    """Record the update as processed; False if it already was (inside the caller's transaction)."""
    if update_id is None:
        return True
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, user_id, done_utc) VALUES (?, ?, ?)",
        (update_id, user_id, now),
    )
    return cursor.rowcount == 1


async def _session_with_slots(
    conn: aiosqlite.Connection, user_id: int, session_id: int
) -> tuple[SessionRecord | None, dict[tuple[str, int], bool]]:
    """The session and its taken slots, (leg, set_no) -> skipped, in one query."""
    columns = ", ".join(f"s.{name.strip()}" for name in SESSION_COLUMNS.split(","))
    rows = await conn.execute_fetchall(
        f"SELECT {columns}, t.leg AS taken_leg, t.set_no AS taken_no, t.skipped AS taken_skip"
        " FROM sessions s LEFT JOIN sets t ON t.session_id = s.session_id AND t.user_id = s.user_id"
        " WHERE s.session_id = ? AND s.user_id = ?",
        (session_id, user_id),
    )
    rows = list(rows)
    if not rows:
        return None, {}
    taken: dict[tuple[str, int], bool] = {}
    for row in rows:
        if row["taken_leg"] is not None:
            key = (row["taken_leg"], row["taken_no"])
            taken[key] = taken.get(key, False) or bool(row["taken_skip"])
    return session_from_row(rows[0]), taken


async def _settle_status(
    conn: aiosqlite.Connection,
    session: SessionRecord,
    taken: dict[tuple[str, int], bool],
    now: str,
    *,
    reopen: bool,
) -> tuple[SessionRecord, bool]:
    """Close a session whose planned slots are all recorded; reopen one that no longer is.

    `taken` is every slot that has a row now. Returns the fresh row and whether it is complete.
    "done" needs every planned set done; a session with a skipped set ends as "partial"
    (coach.stats counts only full sessions).
    """
    planned = [(leg, n) for leg in session.sides for n in range(1, session.sets_planned + 1)]
    complete = all(slot in taken for slot in planned)
    sql = ""
    params: tuple[object, ...] = ()
    if complete:
        status = "partial" if any(taken[slot] for slot in planned) else "done"
        if session.status != status or session.ended_utc is None:
            sql = "UPDATE sessions SET status = ?, ended_utc = COALESCE(ended_utc, ?)"
            params = (status, now)
    elif reopen and session.status != "open":
        sql = "UPDATE sessions SET status = 'open', ended_utc = NULL"
    if not sql:
        return session, complete
    rows = await conn.execute_fetchall(
        f"{sql} WHERE session_id = ? AND user_id = ? RETURNING {SESSION_COLUMNS}",
        (*params, session.session_id, session.user_id),
    )
    return next(session_from_row(row) for row in rows), complete


async def _store_next_reminder(
    conn: aiosqlite.Connection, user_id: int, now: str, next_reminder: NextReminder
) -> UserRecord | None:
    """Recompute and store the user's next reminder from what this transaction sees."""
    # MAX() reads each index from its newest row down to the first match: history-independent.
    rows = list(
        await conn.execute_fetchall(
            "SELECT u.*,"
            " (SELECT MAX(local_date) FROM sessions"
            "   WHERE user_id = u.user_id AND status = 'done') AS last_done_day,"
            " (SELECT MAX(local_date) FROM reminder_ledger"
            "   WHERE user_id = u.user_id AND kind = 'daily') AS last_reminded_day"
            " FROM users u WHERE u.user_id = ?",
            (user_id,),
        )
    )
    if not rows:
        return None
    user = user_from_row(rows[0])
    upcoming = next_reminder(
        user, parse_date(rows[0]["last_done_day"]), parse_date(rows[0]["last_reminded_day"])
    )
    updated = await conn.execute_fetchall(
        "UPDATE users SET next_reminder_utc = ?, updated_at = ? WHERE user_id = ? RETURNING *",
        (utc_text(upcoming) if upcoming is not None else None, now, user_id),
    )
    return next((user_from_row(row) for row in updated), None)


async def _open(
    conn: aiosqlite.Connection, user_id: int, new: NewSession, stamp: str
) -> SessionRecord:
    # Insert first: deleting an empty session with the highest id before inserting would hand
    # its id (and its stale buttons) to the new session.
    rows = await conn.execute_fetchall(
        "INSERT INTO sessions (user_id, local_date, started_utc, status, preset, legs,"
        " sets_planned, reps_planned, hold_s) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)"
        f" RETURNING {SESSION_COLUMNS}",
        (
            user_id,
            new.local_date.isoformat(),
            stamp,
            new.preset,
            new.legs,
            new.sets,
            new.reps,
            new.hold_s,
        ),
    )
    session = next(session_from_row(row) for row in rows)
    await close_open(conn, user_id, stamp, keep=session.session_id)
    return session


class SetLogMixin:
    """Logging sets into a session and undoing the last one."""

    db: Database

    async def log_sets(
        self,
        user_id: int,
        session_id: int | None,
        candidates: Sequence[NewSet],
        count: int,
        now: datetime,
        update_id: int | None,
        *,
        open_new: NewSession | None = None,
        next_reminder: NextReminder | None = None,
    ) -> LogResult:
        """Log the first `count` candidates whose slot is still free, in one transaction.

        The update id is recorded in the same transaction, so a redelivered update logs nothing.
        With `open_new` (and no session id) the session is opened in it too. A closed session
        that gains a set is reopened, and closed again once every planned slot has a row; with
        `next_reminder`, a session completed here also stores the user's next reminder.
        """
        stamp = utc_text(now)
        async with self.db.write() as conn:
            if not await _claim_update(conn, update_id, user_id, stamp):
                return LogResult(duplicate=True, session=None)
            taken: dict[tuple[str, int], bool] = {}
            session: SessionRecord | None = None
            if session_id is not None:
                session, taken = await _session_with_slots(conn, user_id, session_id)
            elif open_new is not None:
                session = await _open(conn, user_id, open_new, stamp)
            if session is None:
                return LogResult(duplicate=False, session=None)
            chosen: list[NewSet] = []
            for candidate in candidates:
                key = (candidate.leg, candidate.set_no)
                if key in taken or len(chosen) >= count:
                    continue
                taken[key] = candidate.skipped
                chosen.append(candidate)
            if not chosen:
                return LogResult(duplicate=False, session=session)
            marks = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?)" for _ in chosen)
            params: list[object] = []
            for new in chosen:
                params += [session.session_id, user_id, new.leg, new.set_no, new.reps]
                params += [new.hold_s, int(new.skipped), new.note, stamp]
            inserted = await conn.execute_fetchall(
                "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped, note,"
                f" logged_utc) VALUES {marks} RETURNING set_id, leg, set_no",
                params,
            )
            # RETURNING's row order is unspecified; each chosen slot is distinct.
            ids = {(row[1], row[2]): int(row[0]) for row in inserted}
            logged = tuple(
                SetRecord(
                    set_id=ids[(new.leg, new.set_no)],
                    session_id=session.session_id,
                    leg=new.leg,
                    set_no=new.set_no,
                    reps=new.reps,
                    hold_s=new.hold_s,
                    skipped=new.skipped,
                    note=new.note,
                    logged_utc=now,
                )
                for new in chosen
            )
            # Only free planned slots are filled, so a complete session now was not before.
            fresh, complete = await _settle_status(conn, session, taken, stamp, reopen=True)
            user = None
            if complete and next_reminder is not None:
                user = await _store_next_reminder(conn, user_id, stamp, next_reminder)
        return LogResult(
            duplicate=False, session=fresh, logged=logged, completed=complete, rescheduled=user
        )

    async def undo_last_set(
        self,
        user_id: int,
        session_id: int,
        now: datetime,
        update_id: int | None,
        *,
        next_reminder: NextReminder | None = None,
    ) -> UndoResult:
        """Remove the last set logged in the session; a "done" session that is no longer
        complete goes back to "open" (and, with `next_reminder`, the next reminder moves)."""
        stamp = utc_text(now)
        async with self.db.write() as conn:
            if not await _claim_update(conn, update_id, user_id, stamp):
                return UndoResult(duplicate=True, removed=None, session=None)
            session = await one_session(conn, user_id, session_id)
            if session is None:
                return UndoResult(duplicate=False, removed=None, session=None)
            rows = list(
                await conn.execute_fetchall(
                    f"SELECT {SET_COLUMNS} FROM sets WHERE session_id = ? AND user_id = ?"
                    " ORDER BY set_id",
                    (session_id, user_id),
                )
            )
            if not rows:
                return UndoResult(duplicate=False, removed=None, session=session)
            removed = set_from_row(rows[-1])
            await conn.execute(
                "DELETE FROM sets WHERE set_id = ? AND user_id = ?", (removed.set_id, user_id)
            )
            taken: dict[tuple[str, int], bool] = {}
            for row in rows[:-1]:
                key = (row["leg"], row["set_no"])
                taken[key] = taken.get(key, False) or bool(row["skipped"])
            fresh, _ = await _settle_status(
                conn, session, taken, stamp, reopen=session.status == "done"
            )
            user = None
            if session.status == "done" and fresh.status != "done" and next_reminder is not None:
                # The last completed session may now be an earlier one: the next reminder moves.
                user = await _store_next_reminder(conn, user_id, stamp, next_reminder)
        return UndoResult(duplicate=False, removed=removed, session=fresh, rescheduled=user)
