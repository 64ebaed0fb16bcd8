"""The outbox end to end: flaky Telegram loses and doubles no reminder; replies jump the fan-out."""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.reminders import DUE, seed
from tests.e2e_harness import BotProcess
from tests.fakebot import FakeBotServer
from tests.handlerkit import running_kit
from tests.test_onboarding import onboard
from tests.test_reminders import DUE as KIT_DUE
from tests.test_reminders import quiet

USERS = 60


def ledger(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM reminder_ledger GROUP BY status"))


def test_at_20_percent_5xx_no_reminder_is_lost_or_doubled(tmp_path: Path) -> None:
    db = tmp_path / "coach.sqlite3"
    seed(db, USERS, DUE)
    server = FakeBotServer(global_rate=30, auto_create_chats=True)
    server.set_faults(0.2, methods=["sendMessage"], seed=8, codes=(500, 502, 503))
    server.start()
    env = {"MEDIAL_CLOCK_START": (DUE + timedelta(seconds=2)).isoformat()}
    env["MEDIAL_TICK_SECONDS"] = "1"
    bot = BotProcess(server, db, env, log_path=tmp_path / "bot.log")
    try:
        bot.start()
        bot.wait_ready(timeout=30)
        deadline = time.monotonic() + 90
        while ledger(db).get("sent", 0) < USERS and time.monotonic() < deadline:
            time.sleep(0.5)
        code, _ = bot.stop(timeout=30)
    finally:
        if bot.running:
            bot.kill()
        server.stop()
    sends = server.calls_to("sendMessage")
    delivered = collections.Counter(int(c.params["chat_id"]) for c in sends if c.status == 200)
    failed = sum(1 for c in sends if c.status is not None and c.status >= 500)
    assert failed > 0, "the fault mode injected nothing"
    assert code == 0
    assert sorted(delivered) == list(range(1, USERS + 1))
    assert set(delivered.values()) == {1}
    assert ledger(db) == {"sent": USERS}


async def test_a_reply_goes_ahead_of_a_reminder_fan_out(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", KIT_DUE - timedelta(minutes=30)) as kit:
        users = list(range(100, 140))
        for user_id in users:
            await onboard(kit.chat(user_id, f"U{user_id}"))
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        worker = await quiet(kit)
        # A slow bot budget keeps a queue of reminders waiting for the whole test.
        outbox = kit.app.bot_data.outbox
        outbox.rate = 4.0
        kit.set_now(KIT_DUE + timedelta(seconds=5))
        drain = asyncio.ensure_future(worker.drain())

        def reminders_sent() -> list[Any]:
            return [
                c
                for m, c in kit.request.calls
                if m == "sendMessage" and "Training day" in str(c.get("text"))
            ]

        while len(reminders_sent()) < 3:  # noqa: ASYNC110 - the fan-out is under way
            await asyncio.sleep(0.05)
        assert outbox.depth() > 5
        before = len(reminders_sent())
        reply = await ann.send("done")
        after = len(reminders_sent())
        assert reply and "Logged" in reply[0].text
        # The reply took the next free slot: at most the slot already promised went first,
        # while the rest of the fan-out waits behind it.
        assert after - before <= 2
        assert len(reminders_sent()) < len(users)
        outbox.rate = 1000.0
        report = await drain
        assert report.sent == len(users) + 1
        assert len(reminders_sent()) == len(users) + 1


async def test_a_403_through_the_outbox_stops_the_user(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", KIT_DUE - timedelta(minutes=30)) as kit:
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        assert (await kit.storage.get_user(42)).active
        kit.request.fail_next["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
        await ann.send("/schedule")
        user = await kit.storage.get_user(42)
        assert not user.active and user.next_reminder_utc is None
        assert kit.app.bot_data.outbox.sent[("reply", "blocked")] == 1
