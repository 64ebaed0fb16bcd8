"""Queries about the days a user was not due: pauses, safety pauses, /stop and Skip today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast

from storage.convert import parse_date, utc_text
from storage.db import Database

PauseReason = Literal["pause", "safety", "stop", "skip"]


@dataclass(frozen=True)
class PauseRecord:
    """Local days [start, end) on which no session was due; end None: until /resume."""

    start: date
    end: date | None
    reason: PauseReason


class PausesMixin:
    """The pause log that /progress, streaks and the recap read."""

    db: Database

    async def start_pause(
        self, user_id: int, start: date, end: date | None, reason: PauseReason, now: datetime
    ) -> None:
        """Record a pause from local `start` (ending any open one there, Skip today excepted)."""
        async with self.db.write() as conn:
            if reason != "skip":
                await conn.execute(
                    "UPDATE pause_log SET end_date = ? WHERE user_id = ? AND reason != 'skip'"
                    " AND (end_date IS NULL OR end_date > ?)",
                    (start.isoformat(), user_id, start.isoformat()),
                )
            await conn.execute(
                "INSERT INTO pause_log (user_id, start_date, end_date, reason, created_utc)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    user_id,
                    start.isoformat(),
                    end.isoformat() if end is not None else None,
                    reason,
                    utc_text(now),
                ),
            )

    async def end_pauses(
        self,
        user_id: int,
        day: date,
        reasons: tuple[PauseReason, ...] = ("pause", "safety", "stop"),
    ) -> None:
        """/resume (or /start after /stop): pauses still running end on local `day`."""
        marks = ", ".join("?" for _ in reasons)
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE pause_log SET end_date = ? WHERE user_id = ?"
                f" AND reason IN ({marks}) AND (end_date IS NULL OR end_date > ?)",
                (day.isoformat(), user_id, *reasons, day.isoformat()),
            )

    async def pauses(self, user_id: int) -> list[PauseRecord]:
        """Every recorded pause of the user, oldest first."""
        rows = await self.db.fetchall(
            "SELECT start_date, end_date, reason FROM pause_log WHERE user_id = ?"
            " ORDER BY start_date, pause_id",
            (user_id,),
        )
        return [
            PauseRecord(
                start=date.fromisoformat(row["start_date"]),
                end=parse_date(row["end_date"]),
                reason=cast(PauseReason, row["reason"]),
            )
            for row in rows
        ]

    async def current_pause(self, user_id: int, day: date) -> PauseRecord | None:
        """The pause (not a skipped day) covering local `day`, latest first; None if none."""
        row = await self.db.fetchone(
            "SELECT start_date, end_date, reason FROM pause_log WHERE user_id = ?"
            " AND reason != 'skip' AND start_date <= ? AND (end_date IS NULL OR end_date > ?)"
            " ORDER BY pause_id DESC LIMIT 1",
            (user_id, day.isoformat(), day.isoformat()),
        )
        if row is None:
            return None
        return PauseRecord(
            start=date.fromisoformat(row["start_date"]),
            end=parse_date(row["end_date"]),
            reason=cast(PauseReason, row["reason"]),
        )
