"""Queries about the weekly recap: who is due, and its ledger (one recap per user and week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from storage.convert import utc_text
from storage.db import Database
from storage.records import UserRecord
from storage.users import user_from_row

RecapStatus = Literal["claimed", "sent", "failed", "dropped"]


@dataclass(frozen=True)
class RecapLedgerRow:
    """One recap claimed for a user's local week (keyed by its Monday)."""

    week_start: date
    status: str


class RecapMixin:
    """The recap schedule (users.next_recap_utc) and its delivery ledger."""

    db: Database

    async def due_recaps(self, now: datetime, limit: int) -> list[UserRecord]:
        """Users whose next recap is due at `now`, earliest first (uses the partial index)."""
        rows = await self.db.fetchall(
            "SELECT * FROM users WHERE next_recap_utc <= ? ORDER BY next_recap_utc LIMIT ?",
            (utc_text(now), limit),
        )
        return [user_from_row(row) for row in rows]

    async def claim_recap(
        self,
        user_id: int,
        due: datetime,
        now: datetime,
        *,
        week_start: date | None,
        status: RecapStatus,
        next_utc: datetime | None,
    ) -> bool | None:
        """Advance next_recap_utc from `due` and record the week in the ledger, atomically.

        None: next_recap_utc no longer equals `due` (another tick or a settings change moved
        it; nothing written). True: the week's row is new, so the caller may send. False: the
        week was already claimed (a restart, a second tick) or there is nothing to record.
        """
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE users SET next_recap_utc = ? WHERE user_id = ? AND next_recap_utc = ?",
                (utc_text(next_utc) if next_utc else None, user_id, utc_text(due)),
            )
            if cursor.rowcount != 1:
                return None
            if week_start is None:
                return False
            cursor = await conn.execute(
                "INSERT INTO recap_ledger (user_id, week_start, claimed_utc, status)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, week_start) DO NOTHING",
                (user_id, week_start.isoformat(), utc_text(now), status),
            )
            return cursor.rowcount == 1

    async def unscheduled_recaps(self, limit: int) -> list[UserRecord]:
        """Onboarded users with the recap on but no recap time yet (rows from before recaps)."""
        rows = await self.db.fetchall(
            "SELECT * FROM users WHERE next_recap_utc IS NULL AND recap_on = 1"
            " AND onboarding_step = 'done' LIMIT ?",
            (limit,),
        )
        return [user_from_row(row) for row in rows]

    async def schedule_recaps(self, times: list[tuple[int, datetime]]) -> None:
        """Set next_recap_utc for users that have none yet (one transaction per batch)."""
        async with self.db.write() as conn:
            await conn.executemany(
                "UPDATE users SET next_recap_utc = ? WHERE user_id = ? AND next_recap_utc IS NULL",
                [(utc_text(moment), user_id) for user_id, moment in times],
            )

    async def mark_recap(self, user_id: int, week_start: date, status: RecapStatus) -> None:
        """Record how a claimed recap ended."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE recap_ledger SET status = ? WHERE user_id = ? AND week_start = ?",
                (status, user_id, week_start.isoformat()),
            )

    async def recap_ledger(self, user_id: int) -> list[RecapLedgerRow]:
        """Every recap claimed for the user, oldest week first."""
        rows = await self.db.fetchall(
            "SELECT week_start, status FROM recap_ledger WHERE user_id = ? ORDER BY week_start",
            (user_id,),
        )
        return [
            RecapLedgerRow(week_start=date.fromisoformat(row["week_start"]), status=row["status"])
            for row in rows
        ]
