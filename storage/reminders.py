"""Queries about the reminder schedule and its delivery ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, cast

from storage.convert import parse_date, parse_utc, utc_text
from storage.db import Database
from storage.records import UserRecord
from storage.users import user_from_row

LedgerKind = Literal["daily", "snooze"]
# claimed: about to be sent, or the outcome is unknown (crash or timeout: it may have arrived);
# sent: Telegram accepted it; failed: Telegram refused it; dropped: fell due while the bot was down
# (or a retry was no longer wanted); retry: certainly not delivered, tried again at retry_utc.
LedgerStatus = Literal["claimed", "sent", "failed", "dropped", "retry"]


@dataclass(frozen=True)
class LedgerRow:
    """One reminder that was claimed (and perhaps sent) for a user's local training date."""

    user_id: int
    local_date: date
    kind: LedgerKind
    claimed_utc: datetime
    status: str


@dataclass(frozen=True)
class RetryRow:
    """A reminder waiting to be tried again."""

    user_id: int
    local_date: date
    kind: LedgerKind
    claimed_utc: datetime
    attempts: int
    retry_utc: datetime


class RemindersMixin:
    """The schedule (users.next_reminder_utc) and the delivery ledger."""

    db: Database

    async def last_reminded_day(self, user_id: int) -> date | None:
        """Local date of the last daily reminder claimed for this user."""
        row = await self.db.fetchone(
            "SELECT MAX(local_date) FROM reminder_ledger WHERE user_id = ? AND kind = 'daily'",
            (user_id,),
        )
        return parse_date(row[0]) if row else None

    async def due_reminders(self, now: datetime, limit: int) -> list[UserRecord]:
        """Users whose next reminder is due at `now`, earliest first (uses the partial index)."""
        rows = await self.db.fetchall(
            "SELECT * FROM users WHERE next_reminder_utc <= ? ORDER BY next_reminder_utc LIMIT ?",
            (utc_text(now), limit),
        )
        return [user_from_row(row) for row in rows]

    async def claim_reminder(
        self,
        user_id: int,
        due: datetime,
        now: datetime,
        *,
        fire: tuple[date, LedgerKind] | None,
        status: LedgerStatus,
        next_utc: datetime | None,
        clear_snooze: bool,
    ) -> bool | None:
        """Advance next_reminder_utc from `due` and record `fire` in the ledger, atomically.

        Returns None when next_reminder_utc no longer equals `due` (another tick or a settings
        change got there first: nothing is written), True when the ledger row is new (the caller
        may send it), False when it already existed or there is nothing to record.
        """
        stamp = utc_text(now)
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE users SET next_reminder_utc = ?,"
                " snooze_until_utc = CASE WHEN ? THEN NULL ELSE snooze_until_utc END,"
                " updated_at = ? WHERE user_id = ? AND next_reminder_utc = ?",
                (
                    utc_text(next_utc) if next_utc is not None else None,
                    int(clear_snooze),
                    stamp,
                    user_id,
                    utc_text(due),
                ),
            )
            if cursor.rowcount != 1:
                return None
            if fire is None:
                return False
            day, kind = fire
            cursor = await conn.execute(
                "INSERT INTO reminder_ledger (user_id, local_date, kind, claimed_utc, status)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, local_date, kind) DO NOTHING",
                (user_id, day.isoformat(), kind, stamp, status),
            )
            return cursor.rowcount == 1

    async def mark_reminder(
        self, user_id: int, day: date, kind: LedgerKind, status: LedgerStatus
    ) -> None:
        """Record how a claimed reminder ended."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE reminder_ledger SET status = ?"
                " WHERE user_id = ? AND local_date = ? AND kind = ?",
                (status, user_id, day.isoformat(), kind),
            )

    async def ledger(self, user_id: int) -> list[LedgerRow]:
        """Every ledger row of one user, oldest date first."""
        rows = await self.db.fetchall(
            "SELECT user_id, local_date, kind, claimed_utc, status FROM reminder_ledger"
            " WHERE user_id = ? ORDER BY local_date, kind",
            (user_id,),
        )
        return [
            LedgerRow(
                user_id=row["user_id"],
                local_date=date.fromisoformat(row["local_date"]),
                kind=row["kind"],
                claimed_utc=cast(datetime, parse_utc(row["claimed_utc"])),
                status=row["status"],
            )
            for row in rows
        ]

    async def reminder_claimed(self, user_id: int, day: date, kind: LedgerKind) -> bool:
        """Whether a reminder of this kind was already claimed for the user's local date."""
        row = await self.db.fetchone(
            "SELECT 1 FROM reminder_ledger WHERE user_id = ? AND local_date = ? AND kind = ?",
            (user_id, day.isoformat(), kind),
        )
        return row is not None

    async def deactivate(self, user_id: int, now: datetime) -> bool:
        """Mark a user who blocked the bot inactive and unschedule them; False if already so."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE users SET active = 0, next_reminder_utc = NULL, snooze_until_utc = NULL,"
                " updated_at = ? WHERE user_id = ? AND active = 1",
                (utc_text(now), user_id),
            )
            return cursor.rowcount == 1

    async def defer_reminder(self, user_id: int, due: datetime, until: datetime) -> None:
        """Move a due reminder that could not be processed to `until` (only if still `due`)."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE users SET next_reminder_utc = ?"
                " WHERE user_id = ? AND next_reminder_utc = ?",
                (utc_text(until), user_id, utc_text(due)),
            )

    # --- delivery retries ---------------------------------------------------------------------

    async def due_reminder_retries(self, now: datetime, limit: int) -> list[RetryRow]:
        """Reminders waiting to be tried again whose time has come, earliest first."""
        rows = await self.db.fetchall(
            "SELECT user_id, local_date, kind, claimed_utc, attempts, retry_utc"
            " FROM reminder_ledger WHERE retry_utc <= ? AND status = 'retry'"
            " ORDER BY retry_utc LIMIT ?",
            (utc_text(now), limit),
        )
        return [
            RetryRow(
                user_id=row["user_id"],
                local_date=date.fromisoformat(row["local_date"]),
                kind=row["kind"],
                claimed_utc=cast(datetime, parse_utc(row["claimed_utc"])),
                attempts=row["attempts"],
                retry_utc=cast(datetime, parse_utc(row["retry_utc"])),
            )
            for row in rows
        ]

    async def schedule_reminder_retry(
        self, user_id: int, day: date, kind: LedgerKind, at: datetime
    ) -> None:
        """Keep a reminder that was certainly not delivered, to be tried again at `at`."""
        async with self.db.write() as conn:
            await conn.execute(
                "UPDATE reminder_ledger SET status = 'retry', retry_utc = ?"
                " WHERE user_id = ? AND local_date = ? AND kind = ?"
                " AND status IN ('claimed', 'retry')",
                (utc_text(at), user_id, day.isoformat(), kind),
            )

    async def claim_reminder_retry(
        self, user_id: int, day: date, kind: LedgerKind, retry_utc: datetime
    ) -> bool:
        """Take a waiting retry for one more attempt; False if another tick took it first."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE reminder_ledger SET status = 'claimed', retry_utc = NULL,"
                " attempts = attempts + 1"
                " WHERE user_id = ? AND local_date = ? AND kind = ? AND status = 'retry'"
                " AND retry_utc = ?",
                (user_id, day.isoformat(), kind, utc_text(retry_utc)),
            )
            return cursor.rowcount == 1

    async def end_reminder_retry(
        self, user_id: int, day: date, kind: LedgerKind, retry_utc: datetime
    ) -> bool:
        """Give up a waiting retry (past the cut-off, or no longer wanted): status dropped."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "UPDATE reminder_ledger SET status = 'dropped', retry_utc = NULL"
                " WHERE user_id = ? AND local_date = ? AND kind = ? AND status = 'retry'"
                " AND retry_utc = ?",
                (user_id, day.isoformat(), kind, utc_text(retry_utc)),
            )
            return cursor.rowcount == 1
