"""After long downtime the catch-up drops stale reminders in batches, and still sends today's."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from handlers import reminders
from handlers.lifecycle import on_shutdown, on_startup
from storage import Storage
from storage.convert import utc_text
from tests.handlerkit import Kit

NOW = datetime(2026, 11, 23, 5, 1, tzinfo=UTC)
STALE_USERS = 300  # more than one batch of the dispatcher (256)
FRESH_USERS = 4


async def seed(db: Path) -> None:
    """Stale users (due three days ago, 07:00 UTC) and fresh ones (due a minute ago, today)."""
    storage = Storage(db)
    await storage.open()
    stamp = utc_text(NOW - timedelta(days=30))
    async with storage.db.write() as conn:
        for uid in range(1, STALE_USERS + FRESH_USERS + 1):
            fresh = uid > STALE_USERS
            await conn.execute(
                "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
                " timezone, remind_at, first_day, next_reminder_utc, created_at, updated_at)"
                " VALUES (?, ?, 'U', ?, 'done', 'UTC', ?, ?, ?, ?, ?)",
                (
                    uid,
                    uid,
                    stamp,
                    "05:00" if fresh else "07:00",
                    "2026-11-23" if fresh else "2026-11-20",
                    utc_text(NOW - timedelta(minutes=1))
                    if fresh
                    else utc_text(datetime(2026, 11, 20, 7, 0, tzinfo=UTC)),
                    stamp,
                    stamp,
                ),
            )
    await storage.close()


async def test_catch_up_drops_stale_reminders_in_a_few_transactions(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    await seed(db)
    kit = Kit(db, NOW)
    kit.app.bot_data.tick_seconds = 3600  # only the start-up catch-up runs
    statements: list[str] = []
    await kit.app.initialize()
    await on_startup(kit.app)
    await kit.storage.db.conn.set_trace_callback(statements.append)
    await kit.app.start()
    try:
        worker = reminders.dispatcher(kit.app)
        for _ in range(500):
            if worker.totals.total() >= STALE_USERS + FRESH_USERS and not worker.busy:
                break
            await asyncio.sleep(0.02)
        totals = worker.totals
        await kit.storage.db.conn.set_trace_callback(None)
        assert (totals.dropped, totals.sent, totals.errors) == (STALE_USERS, FRESH_USERS, 0)
        stale = await kit.storage.ledger(1)
        assert [(r.local_date, r.status) for r in stale] == [(date(2026, 11, 20), "dropped")]
        user = await kit.storage.get_user(1)
        # Nothing trained since: today's reminder, later this morning, is the next one.
        assert user is not None and user.next_reminder_utc == datetime(
            2026, 11, 23, 7, 0, tzinfo=UTC
        )
        sent_to = sorted(s.chat_id for s in kit.request.sent)
        assert sent_to == list(range(STALE_USERS + 1, STALE_USERS + FRESH_USERS + 1))
    finally:
        await kit.app.stop()
        await on_shutdown(kit.app)
        await kit.app.shutdown()
    commits = sum(1 for sql in statements if sql.strip().upper() == "COMMIT")
    # One transaction per batch of drops, plus a claim and a delivery mark per sent reminder
    # (one commit per user would be over 300).
    assert commits <= 4 + 2 * FRESH_USERS, commits
