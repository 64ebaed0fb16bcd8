"""What planning, progression and /progress need to know about past sessions.

Planning runs for every reminder and every new session, so its queries read the newest rows of
an index and stop: their cost does not grow with the user's history. Only /progress reads it all.
"""

from __future__ import annotations

from datetime import date

import aiosqlite

from coach.stats import SessionFacts
from storage.convert import parse_date
from storage.db import Database

# Per-leg totals of the sets of the sessions chosen in the CTE "chosen" (any order).
_FACTS_SQL = (
    "SELECT s.local_date, s.status, s.sets_planned, s.legs, s.pain, s.difficulty,"
    " COALESCE(SUM(CASE WHEN t.leg = 'left' AND t.skipped = 0 THEN t.reps END), 0)"
    "   AS reps_left,"
    " COALESCE(SUM(CASE WHEN t.leg = 'right' AND t.skipped = 0 THEN t.reps END), 0)"
    "   AS reps_right,"
    " COUNT(CASE WHEN t.skipped = 0 THEN 1 END) AS sets_done"
    " FROM chosen s LEFT JOIN sets t ON t.session_id = s.session_id AND t.user_id = s.user_id"
    " GROUP BY s.session_id ORDER BY s.local_date, s.session_id"
)
_SESSION_FIELDS = "session_id, user_id, local_date, status, sets_planned, legs, pain, difficulty"


def _facts(rows: list[aiosqlite.Row]) -> list[SessionFacts]:
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
                in_progress=row["status"] == "open",
            )
        )
    return facts


class FactsMixin:
    """Past sessions as coach facts: the last done day, the newest few, or all of them."""

    db: Database

    async def last_done_day(self, user_id: int) -> date | None:
        """Local date of the user's last completed session, if any."""
        # SQLite reads MAX() along sessions_user_date from the newest row down to the first
        # done one, so this stays cheap however long the history (tests/test_query_cost.py).
        rows = await self.db.conn.execute_fetchall(
            "SELECT MAX(local_date) FROM sessions WHERE user_id = ? AND status = 'done'",
            (user_id,),
        )
        return next((parse_date(row[0]) for row in rows), None)

    async def session_facts(
        self, user_id: int, latest: int | None = None, *, include_open: bool = False
    ) -> list[SessionFacts]:
        """Closed sessions of the user as coach.stats facts, oldest first; the newest `latest`
        of them if given, else every one. `include_open` adds sessions still in progress (for
        the figures a user reads; progression and the schedule count closed sessions only)."""
        limit = -1 if latest is None else max(0, latest)
        statuses = "('done', 'partial', 'open')" if include_open else "('done', 'partial')"
        rows = await self.db.conn.execute_fetchall(
            f"WITH chosen AS (SELECT {_SESSION_FIELDS} FROM sessions"
            f" WHERE user_id = ? AND status IN {statuses}"
            f" ORDER BY local_date DESC, session_id DESC LIMIT ?) {_FACTS_SQL}",
            (user_id, limit),
        )
        return _facts(list(rows))

    async def plan_facts(self, user_id: int) -> list[SessionFacts]:
        """The one session that decides the next dose (coach.progression.plan_next): the newest
        closed session that is complete or has a pain answer; empty if there is none."""
        rows = await self.db.conn.execute_fetchall(
            f"WITH chosen AS (SELECT {_SESSION_FIELDS} FROM sessions"
            " WHERE user_id = ? AND (status = 'done' OR (status = 'partial' AND pain IS NOT NULL))"
            f" ORDER BY local_date DESC, session_id DESC LIMIT 1) {_FACTS_SQL}",
            (user_id,),
        )
        return _facts(list(rows))
