"""Catch-up after long downtime: N users' reminders fell due days ago (figures; not a test).

The real application starts in process (recording fake request, as tests/handlerkit.py) on a
database where every user's next reminder fell due three days ago, so the start-up catch-up
drops them all (too late to send) and schedules each user's next one. Prints how long the
catch-up took, CPU, SQLite commits and round trips to the aiosqlite thread, and the ledger.
Run from the repository root::

    .venv/bin/python -m bench.stale --users 20000
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.done_cpu import Counters, stamp
from handlers import reminders
from handlers.lifecycle import on_shutdown, on_startup
from storage import Storage
from tests.handlerkit import Kit

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # before the 07:00 reminders of the day
STALE = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


def seed(db: Path, users: int) -> None:
    """Onboarded users in UTC, reminders at 07:00, the next one due three days ago."""

    async def migrate() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.close()

    asyncio.run(migrate())
    created = stamp(NOW - timedelta(days=30))
    first_day = (NOW - timedelta(days=29)).date().isoformat()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
            " timezone, remind_at, first_day, next_reminder_utc, created_at, updated_at)"
            " VALUES (?, ?, 'U', ?, 'done', 'UTC', '07:00', ?, ?, ?, ?)",
            [
                (uid, uid, created, first_day, stamp(STALE), created, created)
                for uid in range(1, users + 1)
            ],
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def catch_up(db: Path, users: int) -> None:
    """Start the application, wait for the catch-up to settle every user, print figures."""
    kit = Kit(db, NOW)
    kit.app.bot_data.tick_seconds = 24 * 3600  # only the start-up catch-up runs
    counters = Counters()
    await kit.app.initialize()
    await on_startup(kit.app)
    await kit.storage.db.conn.set_trace_callback(counters.trace)
    counters.install()
    began, cpu = time.perf_counter(), time.process_time()
    await kit.app.start()
    try:
        while True:
            await asyncio.sleep(0.05)
            worker = reminders.dispatcher(kit.app)
            if worker.totals.total() >= users and not worker.busy:
                break
        took, cpu_s = time.perf_counter() - began, time.process_time() - cpu
    finally:
        counters.uninstall()
        await kit.storage.db.conn.set_trace_callback(None)
        await kit.app.stop()
        await on_shutdown(kit.app)
        await kit.app.shutdown()
    with sqlite3.connect(db) as conn:
        ledger = dict(conn.execute("SELECT status, COUNT(*) FROM reminder_ledger GROUP BY status"))
        (due,) = conn.execute(
            "SELECT COUNT(*) FROM users WHERE next_reminder_utc <= ?", (stamp(NOW),)
        ).fetchone()
    commits = counters.statements["COMMIT"]
    print(f"report             {worker.totals}")
    print(f"catch-up took      {took:.2f} s wall, {cpu_s:.2f} s CPU for {users:,} users")
    print(f"commits            {commits:,} ({commits / users:.3f} per user)")
    print(
        f"round trips        {counters.round_trips:,} ({counters.round_trips / users:.1f} per user)"
    )
    print(f"ledger             {ledger}; still due {due}; messages sent {len(kit.request.sent)}")


def main(argv: list[str] | None = None) -> int:
    """Seed, catch up and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=20_000)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {date.today()}")
    with tempfile.TemporaryDirectory(prefix="bench-stale-") as tmp:
        db = Path(tmp) / "stale.sqlite3"
        seed(db, args.users)
        asyncio.run(catch_up(db, args.users))
    return 0


if __name__ == "__main__":
    sys.exit(main())
