"""Queries about workout sessions and logged sets."""

from __future__ import annotations

from datetime import date

from coach.stats import SessionFacts
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

    async def session_facts(self, user_id: int) -> list[SessionFacts]:
        """Every closed session of the user as coach.stats facts, oldest first."""
        rows = await self.db.fetchall(
            "SELECT s.local_date, s.status, s.sets_planned, s.legs, s.pain, s.difficulty,"
            " COALESCE(SUM(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN t.reps END), 0)"
            "   AS reps_left,"
            " COALESCE(SUM(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN t.reps END), 0)"
            "   AS reps_right,"
            " COUNT(CASE WHEN t.skipped = 0 THEN 1 END) AS sets_done"
            " FROM sessions s LEFT JOIN sets t ON t.session_id = s.session_id"
            " WHERE s.user_id = ? AND s.status IN ('done', 'partial')"
            " GROUP BY s.session_id ORDER BY s.local_date, s.session_id",
            (user_id,),
        )
        facts = []
        for row in rows:
            legs_count = 2 if row["legs"] == "both" else 1
            facts.append(
                SessionFacts(
                    local_date=date.fromisoformat(row["local_date"]),
                    complete=row["status"] == "done",
                    reps_left=row["reps_left"],
                    reps_right=row["reps_right"],
                    sets_done=row["sets_done"],
                    sets_planned=row["sets_planned"] * legs_count,
                    pain=row["pain"],
                    difficulty=row["difficulty"],
                )
            )
        return facts
