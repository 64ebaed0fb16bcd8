"""CPU, round trips and commits per "done" reply, in process (figures; not a test).

Drives the real application (bot.build_application with the recording fake request of
tests/handlerkit.py, updates through process_update) for users who each have a history, and
logs whole sessions by replying "done" (3 sets per leg: the first reply opens the day's session,
the last completes it with a summary, the pain question and the next reminder). Prints CPU ms per
"done" (time.process_time over every thread of the process, so the aiosqlite thread counts),
round trips to the aiosqlite thread and SQLite commits per "done", and the same for a text the
bot answers with a hint (about what an echo costs). Run from the repository root::

    .venv/bin/python -m bench.done_cpu --users 20 --days 10 --history 300
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from handlers.lifecycle import on_shutdown, on_startup
from storage import Storage
from tests.handlerkit import Kit

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_USER = 1000
REPLIES_PER_SESSION = 6  # the rehab preset: 3 sets per leg, both legs


def stamp(moment: datetime) -> str:
    """The storage's UTC text format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seed(db: Path, users: int, history: int) -> None:
    """Onboarded users, each with `history` completed sessions every other day before START."""

    async def migrate() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.close()

    asyncio.run(migrate())
    first = (START - timedelta(days=2 * history + 1)).date()
    created = stamp(START - timedelta(days=2 * history + 2))
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        ids = range(FIRST_USER, FIRST_USER + users)
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
            " first_day, next_reminder_utc, created_at, updated_at)"
            " VALUES (?, ?, 'Ann', ?, 'done', ?, ?, ?, ?)",
            [
                (uid, uid, created, first.isoformat(), stamp(START + timedelta(days=1)), created,
                 created)
                for uid in ids
            ],
        )  # fmt: skip
        for n in range(history):
            day = first + timedelta(days=2 * n)
            for uid in ids:
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
                cursor = conn.execute(
                    "INSERT INTO sessions (user_id, local_date, started_utc, ended_utc, status,"
                    " preset, legs, sets_planned, reps_planned, hold_s, pain, difficulty)"
                    " VALUES (?, ?, ?, ?, 'done', 'rehab', 'both', 3, 10, 2, 1, 'right')",
                    (uid, day.isoformat(), stamp(at), stamp(at + timedelta(minutes=9))),
                )
                conn.executemany(
                    "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped,"
                    " note, logged_utc) VALUES (?, ?, ?, ?, 10, 2, 0, '', ?)",
                    [
                        (cursor.lastrowid, uid, leg, number, stamp(at + timedelta(minutes=i)))
                        for i, (leg, number) in enumerate(
                            (leg, number) for leg in ("left", "right") for number in (1, 2, 3)
                        )
                    ],
                )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Counters:
    """Round trips to the aiosqlite thread and SQL statements, while installed."""

    def __init__(self) -> None:
        self.round_trips = 0
        self.statements: collections.Counter[str] = collections.Counter()
        self._original: Any = None

    def install(self) -> None:
        """Wrap aiosqlite's one queueing function (every call to its thread goes through it)."""
        original = aiosqlite.Connection._execute
        self._original = original
        counters = self

        async def counting(conn: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            counters.round_trips += 1
            return await original(conn, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

        aiosqlite.Connection._execute = counting  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        """Put aiosqlite back."""
        if self._original is not None:
            aiosqlite.Connection._execute = self._original  # type: ignore[method-assign]

    def trace(self, sql: str) -> None:
        """sqlite3 trace callback: count statements by their first word."""
        self.statements[sql.split(None, 1)[0].upper()] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        self.round_trips = 0
        self.statements.clear()


async def sessions(kit: Kit, users: int, days: int, *, on_done: Callable[[], None]) -> int:
    """Every user logs a whole session by "done" replies, every other day; returns replies."""
    count = 0
    for _ in range(days):
        for _reply in range(REPLIES_PER_SESSION):
            for uid in range(FIRST_USER, FIRST_USER + users):
                sent = await kit.chat(uid).send("done")
                if not any("Logged" in s.text for s in sent):
                    raise SystemExit(f"unexpected reply: {[s.text for s in sent]}")
                on_done()
                count += 1
        kit.advance(days=2)
    return count


@asynccontextmanager
async def started(db: Path) -> AsyncIterator[Kit]:
    """The application started as in tests/handlerkit.running_kit, without reminder ticks."""
    kit = Kit(db, START)
    # The dispatch tick would send reminders in the middle of the measured replies.
    kit.app.bot_data.tick_seconds = 24 * 3600
    await kit.app.initialize()
    await on_startup(kit.app)
    await kit.app.start()
    try:
        yield kit
    finally:
        await kit.app.stop()
        await on_shutdown(kit.app)
        await kit.app.shutdown()


async def timed(action: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    """(CPU seconds, replies) of one run of `action`."""
    began = time.process_time()
    replies = await action()
    return time.process_time() - began, replies


async def run(db: Path, users: int, days: int, runs: int) -> None:
    """Warm up, time, then count; print the figures."""
    cpu_per_done: list[float] = []
    cpu_per_hint: list[float] = []
    counters = Counters()
    async with started(db) as kit:
        # Warm-up: imports, caches, the first session of every user.
        await sessions(kit, users, 1, on_done=lambda: None)
        for _ in range(runs):
            cpu, replies = await timed(lambda: sessions(kit, users, days, on_done=lambda: None))
            cpu_per_done.append(cpu / replies * 1000)

            async def hints() -> int:
                for uid in range(FIRST_USER, FIRST_USER + users):
                    for _ in range(REPLIES_PER_SESSION):
                        await kit.chat(uid).send("hello there")
                return users * REPLIES_PER_SESSION

            cpu, replies = await timed(hints)
            cpu_per_hint.append(cpu / replies * 1000)
        await kit.storage.db.conn.set_trace_callback(counters.trace)
        counters.install()
        try:
            counters.reset()
            replies = await sessions(kit, users, days, on_done=lambda: None)
        finally:
            counters.uninstall()
            await kit.storage.db.conn.set_trace_callback(None)
    statements = counters.statements
    print(f"replies per run    {users} users x {days} sessions x {REPLIES_PER_SESSION} done")
    print(
        f"CPU per done       median {statistics.median(cpu_per_done):.2f} ms"
        f" (runs: {', '.join(f'{v:.2f}' for v in cpu_per_done)}; target <= 3 ms)"
    )
    print(f"CPU per hint reply median {statistics.median(cpu_per_hint):.2f} ms (about an echo)")
    print(f"round trips/done   {counters.round_trips / replies:.1f} (to the aiosqlite thread)")
    print(f"commits per done   {statements['COMMIT'] / replies:.2f}")
    print(
        "statements/done    "
        + ", ".join(f"{word} {n / replies:.2f}" for word, n in sorted(statements.items()))
    )


def main(argv: list[str] | None = None) -> int:
    """Seed, run and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--days", type=int, default=5, help="sessions per user per run")
    parser.add_argument("--history", type=int, default=300, help="past sessions per user")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {date.today()}")
    with tempfile.TemporaryDirectory(prefix="bench-done-") as tmp:
        db = Path(tmp) / "done.sqlite3"
        seed(db, args.users, args.history)
        print(f"seeded {args.users} users with {args.history} past sessions each")
        asyncio.run(run(db, args.users, args.days, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
