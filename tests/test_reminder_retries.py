"""Reminders that fail: retried on later ticks until delivered or the cut-off, never sent twice."""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.reminder_dispatch import RETRY_CAP, retry_delay, retry_wanted
from storage.reminders import RetryRow
from tests.handlerkit import Kit, Recorder
from tests.test_reminders import DUE, SUN, add_session, ready, reminders_to

BAD_GATEWAY = (502, "Bad Gateway")


def failing_sends(monkeypatch: pytest.MonkeyPatch, should_fail: Any) -> list[int]:
    """sendMessage answers 502 (undelivered) whenever should_fail() says so; returns a counter."""
    original = Recorder.do_request
    failures = [0]

    async def do_request(self: Recorder, url: str, method: str, *args: Any, **kw: Any) -> Any:
        if url.endswith("/sendMessage") and should_fail():
            failures[0] += 1
            self.fail_next["sendMessage"] = BAD_GATEWAY
        return await original(self, url, method, *args, **kw)

    monkeypatch.setattr(Recorder, "do_request", do_request)
    return failures


async def statuses(kit: Kit, user_id: int = 42) -> list[str]:
    return [r.status for r in await kit.storage.ledger(user_id)]


async def test_a_reminder_that_keeps_failing_is_retried_on_a_later_tick(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ready(tmp_path) as (kit, worker):
        failing = [True]
        failing_sends(monkeypatch, lambda: failing[0])
        kit.set_now(DUE + timedelta(seconds=5))
        report = await worker.drain()
        assert report.retry == 1 and report.sent == 0
        assert await statuses(kit) == ["retry"]
        assert reminders_to(kit) == []
        # Not before its time: the next tick right away leaves it waiting.
        assert (await worker.drain()).total() == 0
        kit.advance(minutes=1)
        assert (await worker.drain()).retry == 1
        failing[0] = False
        kit.advance(minutes=5)
        assert (await worker.drain()).sent == 1
        assert len(reminders_to(kit)) == 1
        assert await statuses(kit) == ["sent"]
        kit.advance(hours=1)
        assert (await worker.drain()).total() == 0
        assert len(reminders_to(kit)) == 1


async def test_a_failing_reminder_is_given_up_at_the_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ready(tmp_path) as (kit, worker):
        failing_sends(monkeypatch, lambda: True)
        kit.set_now(DUE + timedelta(seconds=5))
        assert (await worker.drain()).retry == 1
        # 22:00 in Berlin is 21:00 UTC.
        kit.set_now(datetime(2026, 11, 22, 21, 0, 1, tzinfo=DUE.tzinfo))
        report = await worker.drain()
        assert report.dropped == 1 and report.sent == 0
        assert await statuses(kit) == ["dropped"]
        assert reminders_to(kit) == []


async def test_a_retry_is_dropped_once_the_day_is_trained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with ready(tmp_path) as (kit, worker):
        failing = [True]
        failing_sends(monkeypatch, lambda: failing[0])
        kit.set_now(DUE + timedelta(seconds=5))
        assert (await worker.drain()).retry == 1
        await add_session(kit, 42, SUN)
        failing[0] = False
        kit.advance(minutes=10)
        assert (await worker.drain()).dropped == 1
        assert reminders_to(kit) == []


async def test_at_20_percent_server_errors_no_reminder_is_lost_or_doubled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_onboarding import onboard

    async with ready(tmp_path) as (kit, worker):
        users = list(range(100, 130))
        for user_id in users:
            await onboard(kit.chat(user_id, f"U{user_id}"))
        rng = random.Random(20)
        failures = failing_sends(monkeypatch, lambda: rng.random() < 0.2)
        kit.set_now(DUE + timedelta(seconds=5))
        for _ in range(12):
            await worker.drain()
            kit.advance(minutes=20)
        everyone = [42, *users]
        assert failures[0] > 0
        assert [len(reminders_to(kit, uid)) for uid in everyone] == [1] * len(everyone)
        for uid in everyone:
            assert await statuses(kit, uid) == ["sent"]


def test_retry_delays_grow_to_a_cap() -> None:
    delays = [retry_delay(n, 30.0, 0.5) for n in range(1, 12)]
    assert delays[0] == timedelta(seconds=30)
    assert delays[1] == timedelta(seconds=60)
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert delays[-1] == RETRY_CAP
    assert retry_delay(1, 30.0, 0.0) < retry_delay(1, 30.0, 1.0)


def test_retry_wanted_only_on_the_same_day_before_the_cut_off() -> None:
    from coach.schedule import ReminderState

    claimed = datetime(2026, 11, 22, 6, 30, tzinfo=DUE.tzinfo)
    row = RetryRow(42, SUN, "daily", claimed, 1, claimed)
    state = ReminderState(
        timezone="Europe/Berlin",
        remind_at=datetime(2026, 1, 1, 7, 30).time(),
        first_day=date(2026, 11, 20),
        last_done=None,
        last_reminded=SUN,
        skip_day=None,
        paused_until=None,
        snooze_until=None,
    )
    assert retry_wanted(state, row, claimed + timedelta(hours=3))
    assert not retry_wanted(state, row, datetime(2026, 11, 22, 21, 5, tzinfo=DUE.tzinfo))
    trained = ReminderState(**{**vars(state), "last_done": SUN})
    assert not retry_wanted(trained, row, claimed + timedelta(hours=1))
    skipped = ReminderState(**{**vars(state), "skip_day": SUN})
    assert not retry_wanted(skipped, row, claimed + timedelta(hours=1))
