"""Queries for the operator: a write probe for /healthz, figures for /metrics."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime

from storage.convert import utc_text
from storage.db import Database


class HealthMixin:
    """Storage methods for web/ (health and metrics)."""

    db: Database

    async def probe_write(self, now: datetime) -> None:
        """Write one row and commit; raises if the database cannot take writes."""
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO healthz (id, checked_utc) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET checked_utc = excluded.checked_utc",
                (utc_text(now),),
            )

    async def reminder_counts(self) -> dict[str, int]:
        """Reminder ledger rows by status (claimed, sent, failed, dropped)."""
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) FROM reminder_ledger GROUP BY status"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    def database_bytes(self) -> int:
        """Size of the database file and its WAL on disk."""
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += os.stat(self.db.path + suffix).st_size
        return total
