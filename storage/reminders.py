"""Queries about the reminder schedule and its delivery ledger."""

from __future__ import annotations

from datetime import date

from storage.convert import parse_date
from storage.db import Database


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
