"""Reminder dispatch at scale against the fake Bot API (prints figures; not a test).

Send rate: N users due in the same minute, the real `python bot.py` sending to a fake server that
allows 30 messages/s overall, as Telegram does: delivered per second, ratio to the limit, 429s,
duplicates. Start-up: `python bot.py` on databases of N users, time to the first getUpdates and
peak RSS. Run from the repository root::

    .venv/bin/python -m bench.reminders --send 10000 --startup 0,100000,1000000
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storage import Storage
from tests.e2e_harness import BotProcess
from tests.fakebot import FakeBotServer

TELEGRAM_LIMIT = 30  # messages per second per bot
DUE = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday
# (zone, local time) pairs that all fall due at DUE, so the users are spread over real zones.
ZONES = (
    ("UTC", "06:00"),
    ("Europe/Berlin", "07:00"),
    ("Europe/London", "06:00"),
    ("America/New_York", "01:00"),
    ("Asia/Kolkata", "11:30"),
    ("Australia/Sydney", "17:00"),
)


def stamp(moment: datetime) -> str:
    """The storage's UTC text format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seed(db: Path, users: int, due: datetime) -> float:
    """A fresh database with `users` onboarded users whose next reminder is `due`; seconds taken."""
    began = time.monotonic()

    async def migrate() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.close()

    asyncio.run(migrate())
    created = stamp(DUE - timedelta(days=1))
    first_day = (DUE - timedelta(days=1)).date().isoformat()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA synchronous=OFF")
        chunk = 50_000
        for start in range(0, users, chunk):
            rows = []
            for user_id in range(start + 1, min(users, start + chunk) + 1):
                zone, at = ZONES[user_id % len(ZONES)]
                rows.append(
                    (user_id, user_id, f"U{user_id}", created, "done", zone, at, first_day,
                     stamp(due), created, created)
                )  # fmt: skip
            conn.executemany(
                "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
                " timezone, remind_at, first_day, next_reminder_utc, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.monotonic() - began


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bot_env(clock_start: datetime) -> dict[str, str]:
    """The bot's test hooks: a fake clock start, a 1 s tick, and quiet logs."""
    return {
        "MEDIAL_CLOCK_START": clock_start.isoformat(),
        "MEDIAL_TICK_SECONDS": "1",
        "LOG_LEVEL": "INFO",
    }


def send_rate(users: int, workdir: Path, faults: float = 0.0) -> None:
    """Deliver `users` reminders due at once and print the rate figures."""
    db = workdir / "send.sqlite3"
    print(f"\n== send rate: {users:,} users due at {DUE:%H:%M} UTC (fake server limit 30/s)")
    print(f"seeded in {seed(db, users, DUE):.1f} s")
    server = FakeBotServer(global_rate=TELEGRAM_LIMIT, auto_create_chats=True)
    if faults:
        print(f"{faults:.0%} of sendMessage calls answered 5xx (not delivered)")
        server.set_faults(faults, methods=["sendMessage"], seed=1, codes=(500, 502, 503))
    server.start()
    bot = BotProcess(server, db, bot_env(DUE + timedelta(seconds=5)), log_path=workdir / "send.log")
    try:
        bot.start()
        bot.wait_ready(timeout=60)
        limit = users / (TELEGRAM_LIMIT * 0.8) + 60
        deadline = time.monotonic() + limit
        peak = 0.0
        delivered = 0
        last_progress = time.monotonic()
        while delivered < users and time.monotonic() < deadline:
            time.sleep(1)
            peak = max(peak, peak_rss_mb(bot.pid))
            count = sum(1 for c in server.calls_to("sendMessage") if c.status == 200)
            if count > delivered:
                last_progress = time.monotonic()
            delivered = count
            if time.monotonic() - last_progress > 30:
                print("no progress for 30 s; giving up")
                break
        peak = max(peak, peak_rss_mb(bot.pid))
        code, stop_s = bot.stop(timeout=30)
    finally:
        if bot.running:
            bot.kill()
        server.stop()
    sends = server.calls_to("sendMessage")
    ok = [c for c in sends if c.status == 200]
    too_many = sum(1 for c in sends if c.status == 429)
    other_errors = collections.Counter(c.status for c in sends if c.status not in (200, 429))
    per_chat = collections.Counter(str(c.params.get("chat_id")) for c in ok)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    if len(ok) < 2:
        print(f"delivered {len(ok)} of {users}; nothing to measure")
        return
    t0 = ok[0].at
    span = ok[-1].at - t0
    rate = (len(ok) - 1) / span if span > 0 else float("nan")
    buckets = collections.Counter(int(c.at - t0) for c in ok)
    full_seconds = [buckets[s] for s in range(1, int(span))]  # whole seconds inside the run
    with sqlite3.connect(db) as conn:
        ledger = dict(conn.execute("SELECT status, COUNT(*) FROM reminder_ledger GROUP BY status"))
    print(f"delivered          {len(ok):,} of {users:,} in {span:.1f} s")
    print(f"sustained rate     {rate:.2f} msg/s = {rate / TELEGRAM_LIMIT:.1%} of the 30/s limit")
    if full_seconds:
        print(
            f"per second         min {min(full_seconds)}, median "
            f"{statistics.median(full_seconds):.0f}, max {max(full_seconds)} "
            f"(over {len(full_seconds)} whole seconds)"
        )
    print(f"429s received      {too_many}")
    print(f"other errors       {dict(other_errors) or 0}")
    print(f"duplicates         {duplicates}")
    print(f"lost               {users - len(per_chat)}")
    print(f"ledger             {ledger}")
    print(f"peak RSS           {peak:.1f} MB")
    print(f"SIGTERM to exit    {stop_s:.2f} s (exit code {code})")


def startup(sizes: list[int], workdir: Path, runs: int, *, due: bool = False) -> None:
    """Time to first getUpdates and peak RSS of `python bot.py` on databases of each size.

    With `due`, every user's reminder is due as the bot starts (it comes back from downtime and
    starts catching up while being measured); otherwise they are all due tomorrow.
    """
    when = "all due at start-up" if due else "none due"
    print(f"\n== start-up ({when}): time from spawn to the first getUpdates, and peak RSS")
    next_utc = DUE if due else DUE + timedelta(days=1)
    baseline: float | None = None
    for users in sizes:
        db = workdir / f"startup-{users}{'-due' if due else ''}.sqlite3"
        seconds = seed(db, users, next_utc)
        size_mb = db.stat().st_size / 1e6
        times: list[float] = []
        peaks: list[float] = []
        for run in range(runs):
            server = FakeBotServer(auto_create_chats=True)
            server.start()
            log = workdir / f"{db.stem}-{run}.log"
            bot = BotProcess(server, db, bot_env(DUE + timedelta(seconds=5)), log_path=log)
            try:
                bot.start()
                ready = bot.wait_ready(timeout=120)
                times.append(ready.at - bot.started_at)
                time.sleep(3)  # a few ticks over the whole table
                peaks.append(peak_rss_mb(bot.pid))
                bot.stop(timeout=30)
            finally:
                if bot.running:
                    bot.kill()
                server.stop()
        # The minimum is the cost itself; the rest is noise from other processes on the machine.
        took = min(times)
        if baseline is None:
            baseline = took
        print(
            f"{users:>9,} users ({size_mb:6.1f} MB db, seeded in {seconds:5.1f} s): "
            f"ready in {took:.2f} s min / {statistics.median(times):.2f} s median "
            f"(overhead vs first size {took - baseline:+.2f} s), peak RSS {max(peaks):.1f} MB"
        )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--send", type=int, default=10_000, help="users due at once (0: skip)")
    parser.add_argument("--faults", type=float, default=0.0, help="share of sends failing 5xx")
    parser.add_argument(
        "--startup",
        default="0,100000,1000000",
        help="comma-separated database sizes for the start-up figures ('' to skip)",
    )
    parser.add_argument(
        "--startup-due",
        default="",
        help="comma-separated sizes to start with every reminder due (catch-up under way)",
    )
    parser.add_argument("--runs", type=int, default=3, help="start-ups per size")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.startup.split(",") if part.strip()]
    due_sizes = [int(part) for part in args.startup_due.split(",") if part.strip()]
    print(f"python {sys.version.split()[0]}, {date.today()}")
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        workdir = Path(tmp)
        if args.send:
            send_rate(args.send, workdir, args.faults)
        if sizes:
            startup(sizes, workdir, args.runs)
        if due_sizes:
            startup(due_sizes, workdir, args.runs, due=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
