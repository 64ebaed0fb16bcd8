"""Crash safety: users burst "done" while `python bot.py` is SIGKILLed at random moments.

Each trial seeds fresh onboarded users, starts the real bot against the fake Bot API, has every
user send K "done"s at once, kills the process with -9 once a random share of the replies is out,
restarts it on the same database and waits until it is quiet. Per "done" it counts: logged (a
set row), answered (a "Logged"/"Already logged" reply), answered-not-logged, lost (neither) and
duplicated (set rows beyond the updates that logged them). Run from the repository root::

    .venv/bin/python -m bench.crash --users 10 --dones 5 --trials 24
    .venv/bin/python -m bench.crash --webhook --term      # webhook mode; SIGTERM instead of -9
    .venv/bin/python -m bench.crash --repo /path/to/other/checkout    # measure another version
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storage import Storage
from tests.e2e_harness import REPO_ROOT, BotProcess
from tests.fakebot import FakeBotServer

ANSWERS = ("✅ Logged", "Already logged")


@dataclass
class Tally:
    """Counts over every "done" sent."""

    sent: int = 0
    logged: int = 0
    answered: int = 0
    answered_not_logged: int = 0
    lost: int = 0
    duplicated: int = 0
    trials: int = 0
    restart_s: list[float] = field(default_factory=list)
    stop_s: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Add another trial's counts."""
        for name in ("sent", "logged", "answered", "answered_not_logged", "lost", "duplicated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.trials += other.trials
        self.restart_s += other.restart_s
        self.stop_s += other.stop_s

    def line(self) -> str:
        """The figures on one line."""
        return (
            f"done sent {self.sent} / logged {self.logged} / answered-not-logged "
            f"{self.answered_not_logged} / lost {self.lost} / duplicated {self.duplicated}"
        )


def seed_users(db: Path, user_ids: list[int]) -> None:
    """Onboarded users (rehab dose, both legs, UTC, no reminders) straight into the database."""

    async def migrate() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.close()

    asyncio.run(migrate())
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, consent_at, onboarding_step,"
            " timezone, remind_at, first_day, reminders_on, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'done', 'UTC', '07:00', ?, 0, ?, ?)",
            [
                (uid, uid, f"U{uid}", stamp, now.date().isoformat(), stamp, stamp)
                for uid in user_ids
            ],
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(bot: BotProcess, server: FakeBotServer, webhook: bool) -> None:
    """Start the bot and wait until it receives updates (polls, or has set its webhook)."""
    calls = server.call_count()
    bot.start()
    if webhook:
        server.wait_for_call("setWebhook", timeout=30, after=calls)
    else:
        bot.wait_ready(timeout=30)


def answers(server: FakeBotServer, user_id: int) -> int:
    """Replies to a "done" the user has seen."""
    return sum(1 for m in server.messages(user_id) if m.text.startswith(ANSWERS))


def run_trial(
    server: FakeBotServer,
    db: Path,
    user_ids: list[int],
    dones: int,
    rng: random.Random,
    *,
    repo: Path = REPO_ROOT,
    log_dir: Path,
    settle_s: float = 60.0,
    term: bool = False,
    webhook: bool = False,
) -> Tally:
    """One trial: burst, kill -9 (or SIGTERM) at a random point, restart, settle, count."""
    seed_users(db, user_ids)
    users = [server.user(uid, f"U{uid}") for uid in user_ids]
    env = {"LOG_LEVEL": "INFO"}
    if webhook:
        port = _free_port()
        env.update(HOST="127.0.0.1", PORT=str(port), WEBHOOK_URL=f"http://127.0.0.1:{port}")
    total = len(users) * dones
    first = BotProcess(server, db, env, cwd=repo, log_path=log_dir / "crash-first.log")
    _start(first, server, webhook)
    kill_after = rng.randrange(0, total)  # replies out before the kill
    for _ in range(dones):
        for user in users:
            user.send("done")
    deadline = time.monotonic() + 20
    while sum(answers(server, uid) for uid in user_ids) < kill_after:
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    stop_s = None
    if term:
        code, stop_s = first.stop(timeout=30)
        assert code == 0, f"exit code {code} after SIGTERM"
    else:
        first.kill()
    began = time.monotonic()
    second = BotProcess(server, db, env, cwd=repo, log_path=log_dir / "crash-second.log")
    _start(second, server, webhook)
    restart_s = time.monotonic() - began
    deadline = time.monotonic() + settle_s
    quiet_since = time.monotonic()
    last = -1
    while time.monotonic() < deadline:
        now_answered = sum(min(dones, answers(server, uid)) for uid in user_ids)
        if now_answered != last:
            last, quiet_since = now_answered, time.monotonic()
        if now_answered >= total and server.pending_updates() == 0:
            break
        if time.monotonic() - quiet_since > 15 and server.pending_updates() == 0:
            break  # nothing more is coming
        time.sleep(0.05)
    second.stop(timeout=30)
    tally = count(server, db, user_ids, dones, restart_s)
    if stop_s is not None:
        tally.stop_s.append(stop_s)
    return tally


def count(
    server: FakeBotServer, db: Path, user_ids: list[int], dones: int, restart_s: float
) -> Tally:
    """Per-user counts from the database and the fake server's chats."""
    tally = Tally(trials=1, restart_s=[restart_s])
    with sqlite3.connect(db) as conn:
        for uid in user_ids:
            sets = conn.execute("SELECT COUNT(*) FROM sets WHERE user_id = ?", (uid,)).fetchone()
            processed = conn.execute(
                "SELECT COUNT(*) FROM processed_updates WHERE user_id = ?", (uid,)
            ).fetchone()
            logged = min(dones, int(sets[0]))
            answered = min(dones, answers(server, uid))
            tally.sent += dones
            tally.logged += logged
            tally.answered += answered
            tally.answered_not_logged += max(0, answered - logged)
            tally.lost += dones - max(logged, answered)
            tally.duplicated += max(0, int(sets[0]) - int(processed[0]))
    return tally


def _quiet_fake_server() -> None:
    """The fake server prints a traceback for each connection a killed bot drops; skip them."""
    import tests.fakebot as fakebot

    server_class = getattr(fakebot, "_HTTPServer", None)
    if server_class is not None:
        server_class.handle_error = lambda self, request, client_address: None


def run(
    users: int,
    dones: int,
    trials: int,
    seed: int,
    repo: Path,
    workdir: Path,
    term: bool = False,
    webhook: bool = False,
) -> Tally:
    """`trials` trials on one database and one fake server; prints a line per trial."""
    _quiet_fake_server()
    rng = random.Random(seed)
    total = Tally()
    db = workdir / "crash.sqlite3"
    server = FakeBotServer()
    server.start()
    try:
        for trial in range(trials):
            ids = [100_000 * (trial + 1) + i for i in range(users)]
            result = run_trial(server, db, ids, dones, rng, repo=repo, log_dir=workdir, term=term)
            total.add(result)
            print(f"trial {trial + 1:>2}: {result.line()}", flush=True)
    finally:
        server.stop()
    return total


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the trials, print the totals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--dones", type=int, default=5, help="per user (5: a session stays open)")
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help="checkout whose bot.py runs")
    parser.add_argument("--term", action="store_true", help="SIGTERM instead of kill -9")
    parser.add_argument("--webhook", action="store_true", help="webhook mode instead of polling")
    args = parser.parse_args(argv)
    how = ("SIGTERM" if args.term else "kill -9") + (", webhook" if args.webhook else "")
    print(
        f"== crash: {args.users} users x {args.dones} 'done', {how} mid-burst, "
        f"{args.trials} trials ({args.repo})"
    )
    with tempfile.TemporaryDirectory() as tmp:
        total = run(args.users, args.dones, args.trials, args.seed, args.repo, Path(tmp), args.term)
    restart = sorted(total.restart_s)
    print(f"total: {total.line()}")
    if restart:
        median = restart[len(restart) // 2]
        print(f"restart until updates flow (getUpdates or setWebhook): median {median:.2f} s")
    if total.stop_s:
        print(f"SIGTERM to exit: max {max(total.stop_s):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
