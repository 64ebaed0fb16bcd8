"""Queries about users and their settings."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

import aiosqlite

from storage.convert import parse_date, parse_time, parse_utc, time_text, utc_text
from storage.db import Database
from storage.records import Legs, PacingMode, UserRecord

# Columns a caller may change through update_user (never user_id or consent_at).
_SETTABLE = frozenset(
    {
        "chat_id",
        "first_name",
        "onboarding_step",
        "awaiting",
        "preset",
        "legs",
        "timezone",
        "remind_at",
        "first_day",
        "reps",
        "hold_s",
        "ankle_weight",
        "reminders_on",
        "paused_until",
        "skip_day",
        "snooze_until_utc",
        "next_reminder_utc",
        "active",
        "learn_step",
        "pacing_mode",
        "recap_on",
        "recap_day",
        "next_recap_utc",
    }
)


def _to_sql(value: object) -> object:
    """A Python setting value as the column stores it."""
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return time_text(value)
    if isinstance(value, bool):
        return int(value)
    return value


def user_from_row(row: aiosqlite.Row) -> UserRecord:
    """A users row as a UserRecord."""
    return UserRecord(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        first_name=row["first_name"],
        consent_at=cast(datetime, parse_utc(row["consent_at"])),
        onboarding_step=row["onboarding_step"],
        awaiting=row["awaiting"],
        preset=row["preset"],
        legs=cast(Legs, row["legs"]),
        timezone=row["timezone"],
        remind_at=parse_time(row["remind_at"]),
        first_day=parse_date(row["first_day"]),
        reps=row["reps"],
        hold_s=row["hold_s"],
        ankle_weight=bool(row["ankle_weight"]),
        reminders_on=bool(row["reminders_on"]),
        paused_until=parse_date(row["paused_until"]),
        skip_day=parse_date(row["skip_day"]),
        snooze_until_utc=parse_utc(row["snooze_until_utc"]),
        next_reminder_utc=parse_utc(row["next_reminder_utc"]),
        active=bool(row["active"]),
        learn_step=row["learn_step"],
        pacing_mode=cast(PacingMode, row["pacing_mode"]),
        recap_on=bool(row["recap_on"]),
        recap_day=row["recap_day"],
        next_recap_utc=parse_utc(row["next_recap_utc"]),
        created_at=cast(datetime, parse_utc(row["created_at"])),
        updated_at=cast(datetime, parse_utc(row["updated_at"])),
    )


class UsersMixin:
    """User rows: create on consent, read, change settings."""

    db: Database

    async def get_user(self, user_id: int) -> UserRecord | None:
        """The user's row, or None for someone who never agreed (or deleted their data)."""
        # One round trip to the database thread (fetchone would take three): every update
        # reads its sender's row.
        rows = await self.db.conn.execute_fetchall(
            "SELECT * FROM users WHERE user_id = ?", (user_id,)
        )
        return next((user_from_row(row) for row in rows), None)

    async def create_user(
        self, user_id: int, chat_id: int, first_name: str, now: datetime, *, preset: str
    ) -> UserRecord:
        """Record consent and a fresh user at the first onboarding question (idempotent)."""
        stamp = utc_text(now)
        async with self.db.write() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, chat_id, first_name, consent_at, preset,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,"
                " active = 1, updated_at = excluded.updated_at",
                (user_id, chat_id, first_name[:64], stamp, preset, stamp, stamp),
            )
        user = await self.get_user(user_id)
        assert user is not None
        return user

    async def update_user(self, user_id: int, now: datetime, **fields: Any) -> UserRecord | None:
        """Change some settings of one user; returns the new row (None if the user is gone)."""
        unknown = set(fields) - _SETTABLE
        if unknown:
            raise ValueError(f"not settable: {sorted(unknown)}")
        if fields:
            columns = ", ".join(f"{name} = ?" for name in fields)
            params = [_to_sql(value) for value in fields.values()]
            async with self.db.write() as conn:
                await conn.execute(
                    f"UPDATE users SET {columns}, updated_at = ? WHERE user_id = ?",
                    (*params, utc_text(now), user_id),
                )
        return await self.get_user(user_id)

    async def count_users(self) -> int:
        """How many users are stored."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM users")
        return int(row[0]) if row else 0
