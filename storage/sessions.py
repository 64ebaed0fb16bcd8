"""Queries about workout sessions and logged sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast

import aiosqlite

from storage.convert import parse_utc, utc_text
from storage.db import Database

SessionStatus = Literal["open", "done", "partial"]
Leg = Literal["left", "right"]
Difficulty = Literal["easy", "right", "hard"]


@dataclass(frozen=True)
class SessionRecord:
    """One workout session: what was planned, how it ended, and the end-of-session check."""

    session_id: int
    user_id: int
    local_date: date
    started_utc: datetime
    ended_utc: datetime | None
    status: SessionStatus
    preset: str
    legs: str
    sets_planned: int  # per leg
    reps_planned: int
    hold_s: int
    pain: int | None
    difficulty: Difficulty | None

    @property
    def sides(self) -> tuple[Leg, ...]:
        """The legs this session trains, in order."""
        if self.legs == "both":
            return ("left", "right")
        return (cast(Leg, self.legs),)

    @property
    def slots_planned(self) -> int:
        """Sets planned over all legs."""
        return self.sets_planned * len(self.sides)


@dataclass(frozen=True)
class SetRecord:
    """One logged (or skipped) set."""

    set_id: int
    session_id: int
    leg: Leg
    set_no: int
    reps: int
    hold_s: int
    skipped: bool
    note: str
    logged_utc: datetime


@dataclass(frozen=True)
class NewSet:
    """A set to log into a planned slot (leg, set_no) of a session."""

    leg: Leg
    set_no: int
    reps: int
    hold_s: int
    skipped: bool = False
    note: str = ""


SESSION_COLUMNS = (
    "session_id, user_id, local_date, started_utc, ended_utc, status, preset, legs,"
    " sets_planned, reps_planned, hold_s, pain, difficulty"
)
SET_COLUMNS = "set_id, session_id, leg, set_no, reps, hold_s, skipped, note, logged_utc"


def session_from_row(row: aiosqlite.Row) -> SessionRecord:
    return SessionRecord(
        session_id=row["session_id"],
        user_id=row["user_id"],
        local_date=date.fromisoformat(row["local_date"]),
        started_utc=cast(datetime, parse_utc(row["started_utc"])),
        ended_utc=parse_utc(row["ended_utc"]),
        status=cast(SessionStatus, row["status"]),
        preset=row["preset"],
        legs=row["legs"],
        sets_planned=row["sets_planned"],
        reps_planned=row["reps_planned"],
        hold_s=row["hold_s"],
        pain=row["pain"],
        difficulty=cast("Difficulty | None", row["difficulty"]),
    )


def set_from_row(row: aiosqlite.Row) -> SetRecord:
    return SetRecord(
        set_id=row["set_id"],
        session_id=row["session_id"],
        leg=cast(Leg, row["leg"]),
        set_no=row["set_no"],
        reps=row["reps"],
        hold_s=row["hold_s"],
        skipped=bool(row["skipped"]),
        note=row["note"],
        logged_utc=cast(datetime, parse_utc(row["logged_utc"])),
    )


async def one_session(
    conn: aiosqlite.Connection, user_id: int, session_id: int
) -> SessionRecord | None:
    """One of the user's sessions (one round trip to the database thread)."""
    rows = await conn.execute_fetchall(
        f"SELECT {SESSION_COLUMNS} FROM sessions WHERE session_id = ? AND user_id = ?",
        (session_id, user_id),
    )
    return next((session_from_row(row) for row in rows), None)


class SessionsMixin:
    """Sessions and sets."""

    db: Database

    async def open_session(
        self,
        user_id: int,
        now: datetime,
        local_date: date,
        *,
        preset: str,
        legs: str,
        sets: int,
        reps: int,
        hold_s: int,
    ) -> SessionRecord:
        """Start a session; any other open session of the user is closed first (one at a time)."""
        stamp = utc_text(now)
        async with self.db.write() as conn:
            # Insert first: deleting an empty session with the highest id before inserting would
            # hand its id (and its stale buttons) to the new session.
            cursor = await conn.execute(
                "INSERT INTO sessions (user_id, local_date, started_utc, status, preset, legs,"
                " sets_planned, reps_planned, hold_s) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)",
                (user_id, local_date.isoformat(), stamp, preset, legs, sets, reps, hold_s),
            )
            session_id = cursor.lastrowid
            assert session_id is not None
            await close_open(conn, user_id, stamp, keep=session_id)
            session = await one_session(conn, user_id, session_id)
        assert session is not None
        return session

    async def get_session(self, user_id: int, session_id: int) -> SessionRecord | None:
        """The session if it is this user's (a forged id of another user's session gives None)."""
        return await one_session(self.db.conn, user_id, session_id)

    async def latest_session_on(self, user_id: int, local_date: date) -> SessionRecord | None:
        """The user's most recent session on a local date, any status."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ? AND local_date = ?"
            " ORDER BY session_id DESC LIMIT 1",
            (user_id, local_date.isoformat()),
        )
        return next((session_from_row(row) for row in rows), None)

    async def open_sessions(self, user_id: int) -> list[SessionRecord]:
        """The user's open sessions (normally at most one)."""
        rows = await self.db.fetchall(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ? AND status = 'open'"
            " ORDER BY session_id",
            (user_id,),
        )
        return [session_from_row(row) for row in rows]

    async def session_sets(self, user_id: int, session_id: int) -> list[SetRecord]:
        """The sets logged in one of the user's sessions, in logging order."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {SET_COLUMNS} FROM sets WHERE session_id = ? AND user_id = ? ORDER BY set_id",
            (session_id, user_id),
        )
        return [set_from_row(row) for row in rows]

    async def close_session(
        self, user_id: int, session_id: int, now: datetime
    ) -> tuple[bool, SessionRecord | None]:
        """Close an open session as partial, or delete it if nothing was logged in it.

        Returns (whether it was open and is now ended, the kept row or None if deleted).
        """
        stamp = utc_text(now)
        async with self.db.write() as conn:
            session = await one_session(conn, user_id, session_id)
            if session is None or session.status != "open":
                return False, None
            await close_open(conn, user_id, stamp, session_id=session_id)
            return True, await one_session(conn, user_id, session_id)

    async def reopen_session(
        self, user_id: int, session_id: int, now: datetime
    ) -> SessionRecord | None:
        """Make one of the user's sessions the open one again (any other open one is closed)."""
        async with self.db.write() as conn:
            session = await one_session(conn, user_id, session_id)
            if session is None:
                return None
            if session.status != "open":
                await close_open(conn, user_id, utc_text(now))
                await conn.execute(
                    "UPDATE sessions SET status = 'open', ended_utc = NULL"
                    " WHERE session_id = ? AND user_id = ?",
                    (session_id, user_id),
                )
            return await one_session(conn, user_id, session_id)

    async def close_open_sessions(self, now: datetime) -> int:
        """Close every open session of every user (a restart interrupted them); returns how many."""
        stamp = utc_text(now)
        async with self.db.write() as conn:
            async with conn.execute(
                "SELECT DISTINCT user_id FROM sessions WHERE status = 'open'"
            ) as cursor:
                users = [row[0] for row in await cursor.fetchall()]
            total = 0
            for user_id in users:
                total += await close_open(conn, user_id, stamp, count_empty=True)
        return total

    async def silent_sessions(self, cutoff: datetime) -> list[tuple[int, int]]:
        """(user_id, session_id) of open sessions with nothing started or logged since cutoff."""
        rows = await self.db.fetchall(
            "SELECT s.user_id, s.session_id FROM sessions s WHERE s.status = 'open' AND"
            " COALESCE((SELECT MAX(t.logged_utc) FROM sets t WHERE t.session_id = s.session_id"
            " AND t.user_id = s.user_id), '') < ? AND s.started_utc < ?",
            (utc_text(cutoff), utc_text(cutoff)),
        )
        return [(row[0], row[1]) for row in rows]

    async def record_checkin(
        self,
        user_id: int,
        session_id: int,
        *,
        pain: int | None = None,
        difficulty: Difficulty | None = None,
    ) -> SessionRecord | None:
        """Store the pain score and/or difficulty of one of the user's sessions."""
        if pain is not None and not 0 <= pain <= 10:
            raise ValueError(f"pain must be 0..10, got {pain}")
        async with self.db.write() as conn:
            if pain is not None:
                await conn.execute(
                    "UPDATE sessions SET pain = ? WHERE session_id = ? AND user_id = ?",
                    (pain, session_id, user_id),
                )
            if difficulty is not None:
                await conn.execute(
                    "UPDATE sessions SET difficulty = ? WHERE session_id = ? AND user_id = ?",
                    (difficulty, session_id, user_id),
                )
            return await one_session(conn, user_id, session_id)

    async def prune_processed_updates(self, before: datetime) -> int:
        """Forget update ids older than `before` (Telegram never redelivers after a day)."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM processed_updates WHERE done_utc < ?", (utc_text(before),)
            )
            return cursor.rowcount


async def close_open(
    conn: aiosqlite.Connection,
    user_id: int,
    stamp: str,
    *,
    session_id: int | None = None,
    keep: int | None = None,
    count_empty: bool = False,
) -> int:
    """Close the user's open session(s) as partial; ones without any set are deleted.

    Returns how many were closed (plus deleted, with count_empty).
    """
    where = "user_id = ? AND status = 'open'"
    params: tuple[object, ...] = (user_id,)
    if session_id is not None:
        where += " AND session_id = ?"
        params = (user_id, session_id)
    elif keep is not None:
        where += " AND session_id != ?"
        params = (user_id, keep)
    empty = (
        " AND NOT EXISTS (SELECT 1 FROM sets t WHERE t.session_id = sessions.session_id"
        " AND t.user_id = sessions.user_id)"
    )
    # An abandoned session with nothing logged would only add an empty line to /history.
    deleted = await conn.execute(f"DELETE FROM sessions WHERE {where}{empty}", params)
    closed = await conn.execute(
        f"UPDATE sessions SET status = 'partial', ended_utc = ? WHERE {where}", (stamp, *params)
    )
    return closed.rowcount + (deleted.rowcount if count_empty else 0)
