"""Pacing modes under load: chat edits, one voice note per set, the timer Mini App (figures).

N users start a set at the same moment against the fake Bot API with Telegram's limits on
(30 messages/s per bot, 1 per second per chat), the real application and its outbox. Per mode:

- requests to Telegram per set, from Go to the "done?" question (the answer to Go included);
- beats dropped: beats of the set's timeline the user never got. Chat: beats never shown (the
  pacer thins timelines under load). Voice: every beat is in the track, so a set whose note was
  delivered drops none, one whose note never arrived drops all. App: the page paces on the
  phone from its own clock, so none; what it needs from the bot is measured instead (GET today,
  POST a set, the chat's confirmation);
- Go to first cue: chat, Go pressed to the first beat's edit at the server; voice, Go pressed to
  the voice note at the server (0 when it arrived before Go: it goes just before the set-up); app,
  no request (the page's Start starts it), so the figure is the page's load (GET
  /app/api/today) at N concurrent opens.

Run from the repository root::

    .venv/bin/python -m bench.pacing_modes --users 100 --reps 4
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

import bot
from bench.pacing import percentile, wait
from coach import pacing
from handlers import workout
from handlers.lifecycle import on_shutdown, on_startup
from tests.fakebot import FakeBotServer, FakeUser
from transport.poller import Poller
from web.initdata import sign
from web.miniapp import miniapp_routes

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_UID = 700_000
# The poller feeding each running application's inbox, by id(application).
_polling: dict[int, tuple[Poller, asyncio.Task[None]]] = {}


@dataclass
class ModeFigures:
    """What one mode's run measured."""

    mode: str
    users: int
    requests_per_set: list[int] = field(default_factory=list)
    beats_planned: int = 0
    beats_dropped: int = 0
    first_cue_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)  # app: POST a finished set
    sets_finished: int = 0
    rejected: int = 0
    uploads: int = 0
    rejected_why: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def _started(users: int, mode: str, reps: int, folder: Path) -> tuple[Any, Any, list[Any]]:
    """The fake server, the started application (polled into its inbox) and N users."""
    server = FakeBotServer(global_rate=30, per_chat_rate=1)
    server.start()
    settings = bot.Settings(
        token=server.token,
        api_base_url=server.url,
        database_path=folder / f"{mode}-{users}.sqlite3",
        log_level="WARNING",
        webapp_url="https://coach.example.org" if mode == "app" else "",
    )
    app = bot.build_application(settings, clock=lambda: NOW)
    await app.initialize()
    await on_startup(app)
    await app.start()
    # Updates flow as in transport.serving: getUpdates -> the durable inbox -> handlers.
    inbox = app.bot_data.inbox
    assert inbox is not None
    await inbox.start()
    poller = Poller(app.bot, inbox, app.bot_data.storage, where="fake", timeout=1)
    _polling[id(app)] = (poller, asyncio.create_task(poller.run()))
    storage = app.bot_data.storage
    people = []
    for i in range(users):
        uid = FIRST_UID + i
        people.append(server.user(uid, f"U{i}"))
        await storage.create_user(uid, uid, f"U{i}", NOW, preset="rehab")
        await storage.update_user(
            uid,
            NOW,
            onboarding_step="done",
            legs="left",
            reps=reps,
            timezone="UTC",
            pacing_mode=mode,
        )
    return server, app, people


async def _stop(server: Any, app: Any) -> None:
    poller, task = _polling.pop(id(app))
    poller.stop()
    await task
    if app.bot_data.inbox is not None:
        await app.bot_data.inbox.stop()
    await app.stop()
    await on_shutdown(app)
    await app.shutdown()
    server.stop()


def go_button(person: FakeUser) -> tuple[int, str] | None:
    """(message id, callback data) of the Go button on one of the user's last two messages."""
    for message in reversed(person.messages()[-2:]):
        for data in message.button_data:
            if data.startswith("wk:go:"):
                return message.message_id, data
    return None


def _noted(person: FakeUser, mode: str) -> bool:
    """Whether the set-up is complete: its message, and in voice mode its note."""
    if go_button(person) is None:
        return False
    return mode != "voice" or any(m.kind == "voice" for m in person.messages())


def _asked(person: FakeUser) -> bool:
    return any("done?" in m.text for m in person.messages())


def _requests(server: Any, uid: int, since: float, until: float) -> int:
    """Requests about this chat in [since, until] (+1: the answer to the Go button)."""
    return 1 + sum(
        1
        for call in server.calls
        if str(call.params.get("chat_id")) == str(uid) and since <= call.at <= until
    )


async def run_paced(mode: str, users: int, reps: int, setup_s: float, folder: Path) -> ModeFigures:
    """Chat or voice: everyone presses Go together; count requests, beats and the first cue."""
    server, app, people = await _started(users, mode, reps, folder)
    observed: list[tuple[int, int, float, str]] = []
    workout.beat_observers.append(lambda *seen: observed.append(seen))
    figures = ModeFigures(mode, users)
    try:
        opened = time.monotonic()
        for person in people:
            person.send("/workout")
        await wait(lambda: all(go_button(p) for p in people), 120)
        # Time to read the set-up line and lie down before pressing Go.
        await asyncio.sleep(setup_s)
        if mode == "voice":
            noted = sum(1 for p in people if _noted(p, mode))
            figures.notes.append(f"voice notes on the phone at Go: {noted} of {users}")
        pressed: dict[int, float] = {}
        for person in people:
            found = go_button(person)
            assert found is not None
            pressed[person.id] = time.monotonic()
            person.press(found[0], found[1])
        cadence = app.bot_data.program.preset("rehab").cadence
        duration = pacing.set_duration(cadence, reps)
        await wait(lambda: all(_asked(p) for p in people), duration * 3 + 60)
        done_at = time.monotonic()
        planned = len(pacing.set_timeline(cadence, reps)) - 1  # without the end beat
        figures.beats_planned = planned * users
        figures.sets_finished = sum(1 for p in people if _asked(p))
        figures.rejected = len(server.rejected)
        figures.rejected_why = sorted({str(why)[:60] for _, why in server.rejected})
        for person in people:
            go_at = pressed[person.id]
            # From the set-up on (the note goes out with it), less the set-up message itself.
            figures.requests_per_set.append(_requests(server, person.id, opened, done_at) - 1)
            if mode == "voice":
                notes = [m for m in person.messages() if m.kind == "voice"]
                if notes:
                    # A note already on the phone plays the moment Go is tapped.
                    figures.first_cue_ms.append(max(0.0, notes[0].sent_at - go_at) * 1000)
                else:
                    figures.beats_dropped += planned
        if mode == "chat":
            shown = len(observed)
            figures.beats_dropped = figures.beats_planned - shown
            for person in people:
                stamps = [t for t, method in server.timeline(person.id) if t >= pressed[person.id]]
                if stamps:
                    figures.first_cue_ms.append((stamps[0] - pressed[person.id]) * 1000)
        else:
            figures.uploads = app.bot_data.voice.uploads
            figures.notes.append(
                f"tracks rendered {app.bot_data.voice.built}, uploaded {figures.uploads}, "
                f"sent by file_id {users - figures.uploads}"
            )
    finally:
        workout.beat_observers.clear()
        await _stop(server, app)
    return figures


async def run_app(users: int, reps: int, folder: Path) -> ModeFigures:
    """App: N pages open at once (GET today), then N finished sets posted at once."""
    server, app, people = await _started(users, "app", reps, folder)
    figures = ModeFigures("app", users)
    try:
        settings = bot.Settings(token=server.token, database_path=folder / "unused")
        web = Starlette(routes=miniapp_routes(app, settings))
        transport = httpx.ASGITransport(app=web)

        def init_data(uid: int) -> str:
            user = json.dumps({"id": uid, "first_name": "U", "language_code": "en"})
            fields = {"user": user, "auth_date": str(int(NOW.timestamp())), "query_id": "q"}
            return sign(fields, server.token)

        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:

            async def open_page(uid: int) -> tuple[float, dict[str, Any]]:
                began = time.monotonic()
                response = await client.get(
                    "/app/api/today", headers={"Authorization": f"tma {init_data(uid)}"}
                )
                response.raise_for_status()
                return (time.monotonic() - began) * 1000, response.json()

            opened = await asyncio.gather(*(open_page(p.id) for p in people))
            figures.first_cue_ms = [ms for ms, _ in opened]
            before = time.monotonic()

            async def post(uid: int, plan: dict[str, Any]) -> float:
                first = plan["sets"][0]
                body = {
                    "initData": init_data(uid),
                    "session_id": plan["session_id"],
                    "set_index": first["set_index"],
                    "reps": first["reps"],
                    "side": first["side"],
                    "client_id": f"bench-{uid}-0001",
                }
                began = time.monotonic()
                response = await client.post("/app/api/sets", json=body)
                response.raise_for_status()
                return (time.monotonic() - began) * 1000

            figures.post_ms = list(
                await asyncio.gather(
                    *(post(p.id, plan) for p, (_, plan) in zip(people, opened, strict=True))
                )
            )
        await wait(lambda: all(any("Logged" in m.text for m in p.messages()) for p in people), 60)
        after = time.monotonic()
        cadence = app.bot_data.program.preset("rehab").cadence
        figures.beats_planned = (len(pacing.set_timeline(cadence, reps)) - 1) * users
        for person in people:
            # The page paces with no request at all; the post brings the chat's confirmation.
            figures.requests_per_set.append(_requests(server, person.id, before, after) - 1)
        figures.sets_finished = sum(
            1 for p in people if any("Logged" in m.text for m in p.messages())
        )
        figures.rejected = len(server.rejected)
        figures.rejected_why = sorted({str(why)[:60] for _, why in server.rejected})
    finally:
        await _stop(server, app)
    return figures


def report(fig: ModeFigures) -> str:
    """One block of figures."""
    cue = fig.first_cue_ms
    label = {"chat": "Go → 1st beat", "voice": "Go → voice note", "app": "page load (GET)"}
    lines = [
        f"{fig.mode:5} N={fig.users} ({fig.sets_finished} sets finished)",
        f"  requests/set     median {statistics.median(fig.requests_per_set):.0f}, "
        f"max {max(fig.requests_per_set)}",
        f"  beats dropped    {fig.beats_dropped} of {fig.beats_planned} "
        f"({100 * fig.beats_dropped / max(1, fig.beats_planned):.0f}%)",
        f"  {label[fig.mode]:16} median {statistics.median(cue):.0f} ms, "
        f"p99 {percentile(cue, 0.99):.0f} ms",
    ]
    if fig.post_ms:
        lines.append(
            f"  POST a set       median {statistics.median(fig.post_ms):.0f} ms, "
            f"p99 {percentile(fig.post_ms, 0.99):.0f} ms"
        )
    why = f" ({'; '.join(fig.rejected_why)})" if fig.rejected_why else ""
    lines.append(f"  rejected         {fig.rejected}{why}")
    lines += [f"  {note}" for note in fig.notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run each mode at each N and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", default="100", help="comma-separated N values")
    parser.add_argument("--reps", type=int, default=4, help="reps per set (rehab cadence)")
    parser.add_argument("--modes", default="chat,voice,app")
    parser.add_argument(
        "--setup-s", type=float, default=1.5, help="seconds from the set-up message to Go"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for users in (int(n) for n in args.users.split(",")):
            for mode in args.modes.split(","):
                if mode == "app":
                    figures = asyncio.run(run_app(users, args.reps, Path(tmp)))
                else:
                    figures = asyncio.run(
                        run_paced(mode, users, args.reps, args.setup_s, Path(tmp))
                    )
                print(report(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
