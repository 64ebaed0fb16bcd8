"""Guided-set pacing under load against the fake Bot API, in one process (figures; not a test).

N users start a guided set at the same moment (all press Go together: the worst case). The real
application (bot.build_application: its outbox, inbox and job queue, served as bot.py serves it)
talks HTTP to a fake server that enforces Telegram's limits: 30 messages/s per bot and 1 per
second per chat. For every beat
the pacer shows, lateness is the time the edit reached the server minus the beat's planned time
(same process, same monotonic clock). Run from the repository root::

    .venv/bin/python -m bench.pacing --users 20,100 --reps 4
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import bot
from coach import pacing
from handlers import workout
from tests.fakebot import FakeBotServer, FakeUser, parse_html
from transport.serving import serve

TELEGRAM_GLOBAL = 30
TELEGRAM_PER_CHAT = 1
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Figures:
    """What one run measured."""

    users: int
    beats_planned: int  # beats of the full timelines (before thinning)
    beats_shown: int
    lateness_ms: list[float]
    start_delay_ms: list[float]  # Go pressed -> first beat on screen
    max_chat_per_s: int
    peak_global_per_s: int
    mean_global_per_s: float
    rejected: int
    too_many: int
    sets_finished: int
    wall_s: float


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def wait(predicate: object, within: float) -> None:
    """Poll a zero-argument predicate without blocking the event loop."""
    assert callable(predicate)
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("bench: condition not reached")
        await asyncio.sleep(0.05)


def go_button(user: FakeUser) -> tuple[int, str] | None:
    """(message id, callback data) of the Go button on the user's latest message, if any."""
    messages = user.messages()
    if not messages:
        return None
    last = messages[-1]
    for data in last.button_data:
        if data.startswith("wk:go:"):
            return last.message_id, data
    return None


async def run(users: int, reps: int, folder: Path) -> Figures:
    """One measured run with `users` concurrent guided sets."""
    server = FakeBotServer(global_rate=TELEGRAM_GLOBAL, per_chat_rate=TELEGRAM_PER_CHAT)
    server.start()
    settings = bot.Settings(
        token=server.token,
        api_base_url=server.url,
        database_path=folder / f"pacing-{users}.sqlite3",
        log_level="WARNING",
    )
    app = bot.build_application(settings, clock=lambda: NOW)
    observed: list[tuple[int, int, float, str]] = []
    workout.beat_observers.append(lambda *seen: observed.append(seen))
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(app, settings, stop=stop))
    try:
        await wait(lambda: app.running, 30)
        storage = app.bot_data.storage
        people = []
        for i in range(users):
            uid = 700_000 + i
            people.append(server.user(uid, f"U{i}"))
            await storage.create_user(uid, uid, f"U{i}", NOW, preset="rehab")
            await storage.update_user(
                uid, NOW, onboarding_step="done", legs="left", reps=reps, timezone="UTC"
            )
        for person in people:
            person.send("/workout")
        await wait(lambda: all(go_button(p) for p in people), 60)
        # Nobody reads the set-up line and presses Go within a second.
        await asyncio.sleep(1.5)
        began = time.monotonic()
        pressed: dict[int, tuple[int, float]] = {}
        for person in people:
            found = go_button(person)
            assert found is not None
            pressed[person.id] = (found[0], time.monotonic())
            person.press(found[0], found[1])
        cadence = app.bot_data.program.preset("rehab").cadence
        duration = pacing.set_duration(cadence, reps)
        await wait(
            lambda: all(any("done?" in m.text for m in p.messages()) for p in people),
            duration * 3 + 30,
        )
        wall = time.monotonic() - began
    finally:
        stop.set()
        await serving
        workout.beat_observers.clear()
        server.stop()

    arrivals: dict[tuple[int, int, str], float] = {}
    for person in people:
        for message in person.messages():
            for at, text in message.edits:
                arrivals.setdefault((person.id, message.message_id, text), at)
    lateness = []
    for chat_id, message_id, planned, html in observed:
        arrived = arrivals.get((chat_id, message_id, parse_html(html)[0]))
        if arrived is not None:
            lateness.append((arrived - planned) * 1000)
    starts = []
    for person in people:
        message_id, at = pressed[person.id]
        pacing_message = next(m for m in person.messages() if m.message_id == message_id)
        if pacing_message.edits:
            starts.append((pacing_message.edits[0][0] - at) * 1000)
    stamps = sorted(t for p in people for t, _ in server.timeline(p.id))
    peak = 0
    j = 0
    for i, start in enumerate(stamps):
        j = max(j, i)
        while j < len(stamps) and stamps[j] < start + 1.0:
            j += 1
        peak = max(peak, j - i)
    span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else 1.0
    planned = len(pacing.set_timeline(cadence, reps)) - 1  # without the end beat
    return Figures(
        users=users,
        beats_planned=planned * users,
        beats_shown=len(lateness),
        lateness_ms=lateness,
        start_delay_ms=starts,
        max_chat_per_s=max(server.max_per_chat_rate(p.id) for p in people),
        peak_global_per_s=peak,
        mean_global_per_s=len(stamps) / span,
        rejected=len(server.rejected),
        too_many=sum(1 for _, d in server.rejected if d.startswith("Too Many Requests")),
        sets_finished=sum(1 for p in people if any("done?" in m.text for m in p.messages())),
        wall_s=wall,
    )


def report(fig: Figures) -> str:
    """One block of figures."""
    late = fig.lateness_ms
    return "\n".join(
        [
            f"N={fig.users} concurrent guided sets ({fig.sets_finished} finished, "
            f"{fig.wall_s:.1f} s)",
            f"  beats shown      {fig.beats_shown} of {fig.beats_planned} planned "
            f"({100 * fig.beats_shown / max(1, fig.beats_planned):.0f}%)",
            f"  lateness         median {statistics.median(late):.0f} ms, "
            f"p99 {percentile(late, 0.99):.0f} ms, max {max(late):.0f} ms",
            f"  Go to 1st beat   median {statistics.median(fig.start_delay_ms):.0f} ms, "
            f"p99 {percentile(fig.start_delay_ms, 0.99):.0f} ms",
            f"  per chat         max {fig.max_chat_per_s} message(s) in any 1 s window",
            f"  whole bot        peak {fig.peak_global_per_s}/s, "
            f"mean {fig.mean_global_per_s:.1f}/s (limit {TELEGRAM_GLOBAL}/s)",
            f"  rejected         {fig.rejected} (429: {fig.too_many})",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each N and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", default="20,100", help="comma-separated N values")
    parser.add_argument("--reps", type=int, default=4, help="reps per set (rehab cadence)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for users in (int(n) for n in args.users.split(",")):
            print(report(asyncio.run(run(users, args.reps, Path(tmp)))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
