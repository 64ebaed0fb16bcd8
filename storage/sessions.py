"""Queries about workout sessions and logged sets."""

from __future__ import annotations

from datetime import date

from storage.convert import parse_date
from storage.db import Database


class SessionsMixin:
    """Sessions and sets."""

    db: Database

    async def last_done_day(self, user_id: int) -> date | None:
        """Local date of the user's last completed session, if any."""
        row = await self.db.fetchone(
            "SELECT MAX(local_date) FROM sessions WHERE user_id = ? AND status = 'done'",
            (user_id,),
        )
        return parse_date(row[0]) if row else None
