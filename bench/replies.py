"""Reply latency while a reminder fan-out runs, against a quiet bot (prints figures; not a test).

The real `python bot.py` talks to the fake Bot API, which allows 30 messages/s as Telegram does.
N users each reply "done" a few times (waiting for each answer, then a short pause, like a person
logging sets), first while 3,000 reminders are being sent, then again on a bot with nothing due.
Prints reply latency (the user's message to the bot's answer reaching the server) p50/p95/p99
for both runs, their ratio, and the reminder rate during the replies against the budget the
replies leave over. Run from the repository root::

    .venv/bin/python -m bench.replies --users 10 --fanout 3000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.reminders import DUE, TELEGRAM_LIMIT, bot_env, seed, stamp
from tests.e2e_harness import BotProcess
from tests.fakebot import BotMessage, FakeBotServer, FakeUser

FIRST_REPLIER = 1_000_000


@dataclass
class Run:
    """What one run measured."""

    latencies: list[float]
    window_s: float
    reminders_in_window: int
    others_in_window: int
    too_many: int


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def prepare(db: Path, fanout: int, repliers: int, *, due: bool) -> None:
    """`fanout` users whose reminder is due (or due tomorrow), and `repliers` not due."""
    seed(db, fanout, DUE if due else DUE + timedelta(days=1))
    created = stamp(DUE - timedelta(days=1))
    first_day = (DUE - timedelta(days=1)).date().isoformat()
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
            " timezone, remind_at, first_day, next_reminder_utc, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'done', 'UTC', '06:00', ?, ?, ?, ?)",
            [
                (uid, uid, f"R{uid}", created, first_day, stamp(DUE + timedelta(days=1)),
                 created, created)
                for uid in range(FIRST_REPLIER, FIRST_REPLIER + repliers)
            ],
        )  # fmt: skip


def reply_loop(user: FakeUser, times: int, rng: random.Random, out: list[float]) -> None:
    """Send "done" `times` times, each after the previous answer and a human pause."""
    seen: set[int] = set()

    def new(message: BotMessage) -> bool:
        return message.message_id not in seen

    for _ in range(times):
        seen.update(m.message_id for m in user.messages())
        began = time.monotonic()
        user.send("done")
        answer = user.wait_for(new, timeout=60)
        out.append(answer.sent_at - began)
        time.sleep(rng.uniform(0.4, 1.2))


def measure(workdir: Path, name: str, fanout: int, repliers: int, times: int, *, due: bool) -> Run:
    """One run: start the bot, let the fan-out get going (if due), then reply and measure."""
    db = workdir / f"{name}.sqlite3"
    prepare(db, fanout, repliers, due=due)
    server = FakeBotServer(global_rate=TELEGRAM_LIMIT, auto_create_chats=True)
    server.start()
    bot = BotProcess(server, db, bot_env(DUE + timedelta(seconds=5)), log_path=workdir / name)
    users = [server.user(uid, f"R{uid}") for uid in range(FIRST_REPLIER, FIRST_REPLIER + repliers)]
    latencies: list[list[float]] = [[] for _ in users]
    try:
        bot.start()
        bot.wait_ready(timeout=60)
        if due:
            while sum(1 for c in server.calls_to("sendMessage") if c.status == 200) < 60:
                time.sleep(0.2)
        time.sleep(1.0)
        began = time.monotonic()
        threads = [
            threading.Thread(target=reply_loop, args=(u, times, random.Random(i), latencies[i]))
            for i, u in enumerate(users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        ended = time.monotonic()
        bot.stop(timeout=30)
    finally:
        if bot.running:
            bot.kill()
        server.stop()
    sends = [c for c in server.calls_to("sendMessage") if began <= c.at <= ended]
    ok = [c for c in sends if c.status == 200]
    reminders = sum(1 for c in ok if int(c.params["chat_id"]) < FIRST_REPLIER)
    return Run(
        latencies=[x for per_user in latencies for x in per_user],
        window_s=ended - began,
        reminders_in_window=reminders,
        others_in_window=len(ok) - reminders,
        too_many=sum(1 for c in server.calls if c.status == 429),
    )


def report(name: str, run: Run) -> None:
    """Print one run's latency figures."""
    lat = run.latencies
    print(
        f"{name:<16} {len(lat):4d} replies   p50 {percentile(lat, 0.5):.3f} s   "
        f"p95 {percentile(lat, 0.95):.3f} s   p99 {percentile(lat, 0.99):.3f} s   "
        f"mean {statistics.fmean(lat):.3f} s   429s {run.too_many}"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the busy and the quiet measurement, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=10, help="users replying 'done'")
    parser.add_argument("--times", type=int, default=6, help="'done' replies per user")
    parser.add_argument("--fanout", type=int, default=3000, help="reminders due at once")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {date.today()}")
    print(
        f"{args.users} users x {args.times} 'done', during a {args.fanout:,}-reminder fan-out "
        f"and on a quiet bot (fake server limit {TELEGRAM_LIMIT}/s)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-replies-") as tmp:
        workdir = Path(tmp)
        busy = measure(workdir, "busy", args.fanout, args.users, args.times, due=True)
        quiet = measure(workdir, "quiet", args.fanout, args.users, args.times, due=False)
    report("during fan-out", busy)
    report("quiet", quiet)
    ratio = percentile(busy.latencies, 0.95) / percentile(quiet.latencies, 0.95)
    print(f"p95 ratio        {ratio:.2f} x quiet (target <= 1.5)")
    rate = busy.reminders_in_window / busy.window_s
    others = busy.others_in_window / busy.window_s
    left = TELEGRAM_LIMIT - others
    print(
        f"reminders        {rate:.1f}/s while replies took {others:.1f}/s: "
        f"{rate / left:.0%} of the {left:.1f}/s left over (target >= 85%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
