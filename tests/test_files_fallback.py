"""/progress and /export when the photo or document can't be sent: the summary comes as text."""

from __future__ import annotations

from pathlib import Path

from tests.handlerkit import running_kit
from tests.seeding import add_session
from tests.test_onboarding import START, onboard
from tests.test_progress import nov
from tests.test_workout_faults import fail_when


async def test_a_failed_chart_leaves_the_summary_as_text(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22), pain=1)
        # A 400 is not retried; 5xx would be, and then fail the same way after the retries.
        fail_when(kit, lambda api, params: 400 if api == "sendPhoto" else None)
        sent = await chat.send("/progress")
        assert [s.method for s in sent] == ["sendMessage"]
        assert "Sessions" in sent[0].text or "session" in sent[0].text
        assert "couldn't send the chart" in sent[0].text
        assert kit.request.rejected == []


async def test_a_failed_export_leaves_the_summary_as_text(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        await add_session(kit.storage, 42, nov(22), pain=1)
        fail_when(kit, lambda api, params: 502 if api == "sendDocument" else None)
        sent = await chat.send("/export")
        assert [s.method for s in sent] == ["sendMessage"]
        assert "Your exercise log" in sent[0].text
        assert "couldn't send the CSV file" in sent[0].text
        assert kit.request.rejected == []
