"""Due reminders settled a batch at a time: one read of the batch's facts, one transaction for
every reminder that is not sent (dropped after downtime, or rescheduled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.convert import parse_date, utc_text
from storage.db import Database
from storage.reminders import LedgerKind


@dataclass(frozen=True)
class QuietSettle:
    """A due reminder settled without a send: advance the schedule, and ledger a drop if any."""

    user_id: int
    due: datetime  # the next_reminder_utc read with the batch (compare-and-set)
    drop: tuple[date, LedgerKind] | None  # the reminder that fell due too long ago, if one did
    next_utc: datetime | None
    clear_snooze: bool


class ReminderBatchMixin:
    """Batch reads and writes for the reminder dispatcher's catch-up."""

    db: Database

    async def reminder_facts(
        self, user_ids: Sequence[int]
    ) -> dict[int, tuple[date | None, date | None]]:
        """(last completed local date, last daily reminder's local date) of each user, at once."""
        if not user_ids:
            return {}
        marks = ", ".join("?" for _ in user_ids)
        # MAX() reads each index from its newest row down to the first match: history-independent.
        rows = await self.db.conn.execute_fetchall(
            "SELECT u.user_id,"
            " (SELECT MAX(local_date) FROM sessions"
            "   WHERE user_id = u.user_id AND status = 'done'),"
            " (SELECT MAX(local_date) FROM reminder_ledger"
            "   WHERE user_id = u.user_id AND kind = 'daily')"
            f" FROM users u WHERE u.user_id IN ({marks})",
            tuple(user_ids),
        )
        return {row[0]: (parse_date(row[1]), parse_date(row[2])) for row in rows}

    async def settle_quietly(
        self, items: Sequence[QuietSettle], now: datetime
    ) -> list[bool | None]:
        """claim_reminder (status "dropped") for each item, all in one transaction.

        Per item: None when next_reminder_utc no longer equals `due` (nothing written), True when
        a drop was ledgered, False when there was nothing to ledger or the day already had a row.
        """
        if not items:
            return []
        stamp = utc_text(now)
        results: list[bool | None] = []
        async with self.db.write() as conn:
            for item in items:
                cursor = await conn.execute(
                    "UPDATE users SET next_reminder_utc = ?,"
                    " snooze_until_utc = CASE WHEN ? THEN NULL ELSE snooze_until_utc END,"
                    " updated_at = ? WHERE user_id = ? AND next_reminder_utc = ?",
                    (
                        utc_text(item.next_utc) if item.next_utc is not None else None,
                        int(item.clear_snooze),
                        stamp,
                        item.user_id,
                        utc_text(item.due),
                    ),
                )
                if cursor.rowcount != 1:
                    results.append(None)
                    continue
                if item.drop is None:
                    results.append(False)
                    continue
                day, kind = item.drop
                cursor = await conn.execute(
                    "INSERT INTO reminder_ledger (user_id, local_date, kind, claimed_utc, status)"
                    " VALUES (?, ?, ?, ?, 'dropped')"
                    " ON CONFLICT (user_id, local_date, kind) DO NOTHING",
                    (item.user_id, day.isoformat(), kind, stamp),
                )
                results.append(cursor.rowcount == 1)
        return results
