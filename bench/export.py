"""/export for a user with five years of history, among many other users (figures; not a test).

Seeds one user with a session every other day for five years (three sets per leg each) and
other users with their own histories, then times `/export` through the real application
(bot.build_application with a recording fake request: query, CSV and the sendDocument call) and
the storage call alone. Also prints the plan SQLite chose for the sets lookup. Run from the
repository root::

    .venv/bin/python -m bench.export --others 2000 --runs 15
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storage import Storage
from tests.handlerkit import running_kit

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HERO = 42
YEARS = 5


def stamp(moment: datetime) -> str:
    """The storage's UTC text format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seed(db: Path, others: int, other_sessions: int) -> tuple[int, int]:
    """The hero's five years plus `others` users with `other_sessions` each; (sessions, sets)."""

    async def migrate() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.close()

    asyncio.run(migrate())
    created = stamp(NOW - timedelta(days=365 * YEARS + 1))
    first_day = (NOW - timedelta(days=365 * YEARS)).date()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
            " first_day, created_at, updated_at) VALUES (?, ?, ?, ?, 'done', ?, ?, ?)",
            [
                (uid, uid, f"U{uid}", created, first_day.isoformat(), created, created)
                for uid in [HERO, *range(1000, 1000 + others)]
            ],
        )
        hero_days = [first_day + timedelta(days=2 * n) for n in range(365 * YEARS // 2)]
        other_days = hero_days[-other_sessions:] if other_sessions else []
        # Interleave users day by day, as a live database fills, so no user's rows are adjacent.
        session_id = 0
        sessions: list[tuple[object, ...]] = []
        sets: list[tuple[object, ...]] = []
        for day in hero_days:
            users = [HERO] + (list(range(1000, 1000 + others)) if day in other_days else [])
            for uid in users:
                session_id += 1
                start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
                sessions.append(
                    (session_id, uid, day.isoformat(), stamp(start),
                     stamp(start + timedelta(minutes=9)), 1, "right")
                )  # fmt: skip
                minute = 0
                for leg in ("left", "right"):
                    for number in (1, 2, 3):
                        minute += 1
                        sets.append(
                            (session_id, uid, leg, number, 10, 2,
                             stamp(start + timedelta(minutes=minute)))
                        )  # fmt: skip
            if len(sets) > 200_000:
                _flush(conn, sessions, sets)
        _flush(conn, sessions, sets)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        hero = conn.execute(
            "SELECT (SELECT COUNT(*) FROM sessions WHERE user_id = ?),"
            " (SELECT COUNT(*) FROM sets WHERE user_id = ?)",
            (HERO, HERO),
        ).fetchone()
    return int(hero[0]), int(hero[1])


def _flush(
    conn: sqlite3.Connection, sessions: list[tuple[object, ...]], sets: list[tuple[object, ...]]
) -> None:
    conn.executemany(
        "INSERT INTO sessions (session_id, user_id, local_date, started_utc, ended_utc, status,"
        " preset, legs, sets_planned, reps_planned, hold_s, pain, difficulty)"
        " VALUES (?, ?, ?, ?, ?, 'done', 'rehab', 'both', 3, 10, 2, ?, ?)",
        sessions,
    )
    conn.executemany(
        "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, skipped, note,"
        " logged_utc) VALUES (?, ?, ?, ?, ?, ?, 0, '', ?)",
        sets,
    )
    sessions.clear()
    sets.clear()


def plan(db: Path) -> list[str]:
    """SQLite's plan for the export query (what index the sets lookup walks)."""
    try:
        from storage.progress import EXPORT_SQL
    except ImportError:  # a revision before the query had a name
        return ["(not shown on this revision)"]
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {EXPORT_SQL}", (HERO,)).fetchall()
    return [str(row[3]) for row in rows]


async def measure(db: Path, runs: int) -> tuple[list[float], list[float], list[float], int, int]:
    """(handler ms, handler CPU ms, storage ms) per run, CSV bytes and rows, over `runs`."""
    handler_ms: list[float] = []
    cpu_ms: list[float] = []
    storage_ms: list[float] = []
    size = 0
    async with running_kit(db, NOW) as kit:
        chat = kit.chat(HERO)
        rows = 0
        for _ in range(runs):
            began = time.perf_counter()
            result = await kit.storage.export_rows(HERO)
            storage_ms.append((time.perf_counter() - began) * 1000)
            rows = len(result)
            began, cpu = time.perf_counter(), time.process_time()
            sent = await chat.send("/export")
            handler_ms.append((time.perf_counter() - began) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            documents = [s for s in sent if s.document is not None]
            if not documents:
                raise SystemExit(f"/export sent no document: {[s.text for s in sent]}")
            size = len(documents[-1].document or b"")
    return handler_ms, cpu_ms, storage_ms, size, rows


def main(argv: list[str] | None = None) -> int:
    """Seed, measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--others", type=int, default=2000, help="other users")
    parser.add_argument("--other-sessions", type=int, default=60, help="sessions per other user")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {date.today()}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        db = Path(tmp) / "export.sqlite3"
        began = time.monotonic()
        sessions, sets = seed(db, args.others, args.other_sessions)
        with sqlite3.connect(db) as conn:
            total_sets = conn.execute("SELECT COUNT(*) FROM sets").fetchone()[0]
        print(
            f"seeded in {time.monotonic() - began:.1f} s: the user has {sessions:,} sessions and"
            f" {sets:,} sets over {YEARS} years; {args.others:,} other users; {total_sets:,} sets"
            f" in all ({db.stat().st_size / 1e6:.0f} MB)"
        )
        for line in plan(db):
            print(f"plan: {line}")
        handler_ms, cpu_ms, storage_ms, size, rows = asyncio.run(measure(db, args.runs))
    print(f"export rows        {rows:,} ({size / 1e3:.0f} kB CSV)")
    print(
        f"storage call       median {statistics.median(storage_ms):.1f} ms,"
        f" min {min(storage_ms):.1f} ms, max {max(storage_ms):.1f} ms"
    )
    print(
        f"/export handler    median {statistics.median(handler_ms):.1f} ms,"
        f" min {min(handler_ms):.1f} ms, max {max(handler_ms):.1f} ms (target <= 50 ms)"
    )
    print(
        f"/export CPU        median {statistics.median(cpu_ms):.1f} ms (both threads;"
        " the wall time above also counts waiting for a loaded machine)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
