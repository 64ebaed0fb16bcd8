"""Storage: migrations from a blank file, round trips, the write lock, restart persistence."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from storage import FOREVER, Storage
from storage.db import migrations

NOW = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


async def test_migrates_blank_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "blank.sqlite3"
    storage = Storage(path)
    await storage.open()
    assert await storage.db.user_version() == len(migrations())
    await storage.close()
    with sqlite3.connect(path) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"users", "sessions", "sets", "processed_updates", "reminder_ledger"} <= tables
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_reopen_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    for _ in range(2):
        storage = Storage(path)
        await storage.open()
        await storage.close()
    storage = Storage(path)
    await storage.open()
    assert await storage.db.user_version() == len(migrations())
    await storage.close()


async def test_user_round_trip_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = Storage(path)
    await storage.open()
    assert await storage.get_user(7) is None
    user = await storage.create_user(7, 7, "Ann <b>", NOW, preset="rehab")
    assert user.onboarding_step == "preset" and user.legs == "both" and user.active
    await storage.update_user(
        7,
        NOW,
        preset="army",
        legs="left",
        timezone="Europe/Berlin",
        remind_at=time(19, 30),
        first_day=date(2026, 11, 22),
        paused_until=FOREVER,
        next_reminder_utc=datetime(2026, 11, 24, 18, 30, tzinfo=UTC),
        onboarding_step="done",
    )
    await storage.close()

    storage = Storage(path)
    await storage.open()
    again = await storage.get_user(7)
    assert again is not None
    assert (again.preset, again.legs, again.timezone) == ("army", "left", "Europe/Berlin")
    assert again.remind_at == time(19, 30)
    assert again.first_day == date(2026, 11, 22)
    assert again.paused_until == FOREVER
    assert again.next_reminder_utc == datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    assert again.first_name == "Ann <b>"
    assert again.onboarded
    assert await storage.count_users() == 1
    await storage.close()


async def test_update_rejects_unknown_columns(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    await storage.create_user(1, 1, "A", NOW, preset="rehab")
    with pytest.raises(ValueError):
        await storage.update_user(1, NOW, consent_at="x")
    await storage.close()


async def test_concurrent_writers_do_not_interleave(tmp_path: Path) -> None:
    """Many coroutines writing at once: every write lands, none commits another's half."""
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    await asyncio.gather(
        *(storage.create_user(i, i, f"u{i}", NOW, preset="rehab") for i in range(1, 101))
    )
    await asyncio.gather(*(storage.update_user(i, NOW, learn_step=i % 5) for i in range(1, 101)))
    assert await storage.count_users() == 100
    for i in (1, 50, 100):
        user = await storage.get_user(i)
        assert user is not None and user.learn_step == i % 5
    await storage.close()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    await storage.open()
    with pytest.raises(RuntimeError):
        async with storage.db.write() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, chat_id, consent_at, created_at, updated_at)"
                " VALUES (5, 5, 'x', 'x', 'x')"
            )
            raise RuntimeError("boom")
    assert await storage.get_user(5) is None
    await storage.close()
