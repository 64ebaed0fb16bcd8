"""Queries of the update inbox: insert-or-ignore a batch, unhandled rows, mark handled, prune."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.convert import parse_utc, utc_text
from storage.db import Database


@dataclass(frozen=True)
class InboxRow:
    """One stored update waiting for (or past) its handler."""

    update_id: int
    chat_key: int
    kind: str
    raw: str
    received_utc: datetime


class InboxMixin:
    """Storage methods for transport.inbox."""

    db: Database

    async def inbox_add(self, rows: Sequence[InboxRow]) -> list[int]:
        """Store a batch in one transaction; returns the update ids that were new (in order)."""
        if not rows:
            return []
        new: list[int] = []
        async with self.db.write() as conn:
            for row in rows:
                cursor = await conn.execute(
                    "INSERT INTO inbox (update_id, chat_key, kind, raw, received_utc)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                    (row.update_id, row.chat_key, row.kind, row.raw, utc_text(row.received_utc)),
                )
                if cursor.rowcount:
                    new.append(row.update_id)
        return new

    async def inbox_unhandled(self) -> list[InboxRow]:
        """Every update not yet handled, oldest first."""
        rows = await self.db.fetchall(
            "SELECT update_id, chat_key, kind, raw, received_utc FROM inbox"
            " WHERE handled_utc IS NULL ORDER BY update_id"
        )
        return [
            InboxRow(
                int(r["update_id"]),
                int(r["chat_key"]),
                str(r["kind"]),
                str(r["raw"]),
                parse_utc(r["received_utc"]) or datetime.min,
            )
            for r in rows
        ]

    async def inbox_mark_handled(self, update_ids: Sequence[int], now: datetime) -> None:
        """Mark updates handled and drop their contents, in one transaction."""
        if not update_ids:
            return
        stamp = utc_text(now)
        async with self.db.write() as conn:
            await conn.executemany(
                "UPDATE inbox SET handled_utc = ?, raw = '' WHERE update_id = ?",
                [(stamp, update_id) for update_id in update_ids],
            )

    async def inbox_next_offset(self) -> int | None:
        """The getUpdates offset that confirms everything stored (None when nothing is)."""
        row = await self.db.fetchone("SELECT MAX(update_id) FROM inbox")
        return None if row is None or row[0] is None else int(row[0]) + 1

    async def inbox_prune(self, handled_before: datetime) -> int:
        """Delete rows handled before a moment, keeping the newest (it carries the offset)."""
        async with self.db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM inbox WHERE handled_utc IS NOT NULL AND handled_utc < ?"
                " AND update_id < (SELECT MAX(update_id) FROM inbox)",
                (utc_text(handled_before),),
            )
            return int(cursor.rowcount)

    async def inbox_unhandled_count(self) -> int:
        """How many stored updates wait for their handler."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM inbox WHERE handled_utc IS NULL")
        return int(row[0]) if row else 0
