"""A "done" is one transaction: the row (and, on the last set, the next reminder) committed once,
before the confirmation is sent; the same update twice still logs once."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.handlerkit import Kit, running_kit
from tests.test_onboarding import START, onboard


async def commits_of(kit: Kit, text: str) -> tuple[int, list[Any]]:
    """(COMMITs while the bot handled `text`, what it sent)."""
    seen: list[str] = []
    await kit.storage.db.conn.set_trace_callback(seen.append)
    try:
        sent = await kit.chat(42).send(text)
    finally:
        await kit.storage.db.conn.set_trace_callback(None)
    return sum(1 for sql in seen if sql.strip().upper() == "COMMIT"), sent


async def test_each_done_commits_once_and_the_last_stores_the_next_reminder(
    tmp_path: Path,
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard(kit.chat(42))
        before = await kit.storage.get_user(42)
        assert before is not None and before.next_reminder_utc is not None
        for number in range(1, 7):
            commits, sent = await commits_of(kit, "done")
            assert commits == 1, number
            assert any("Logged" in s.text for s in sent)
        assert "pain" in kit.chat(42).last().text.lower()
        after = await kit.storage.get_user(42)
        assert after is not None and after.next_reminder_utc is not None
        # Training today moves the next reminder to the day after tomorrow.
        assert after.next_reminder_utc > before.next_reminder_utc
        (status,) = await kit.storage.db.fetchone("SELECT status FROM sessions WHERE user_id = 42")
        assert status == "done"
        # Undoing the last set reopens the session and moves the reminder back, one commit.
        commits, sent = await commits_of(kit, "undo")
        assert commits == 1 and sent[-1].text.startswith("↩️ Removed")
        undone = await kit.storage.get_user(42)
        assert undone is not None and undone.next_reminder_utc == before.next_reminder_utc


async def test_the_set_is_committed_before_logged_is_sent(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        await onboard(kit.chat(42))
        seen_at_send: list[int] = []
        original = kit.request.do_request

        async def checking(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
            text = str(request_data.parameters.get("text", "")) if request_data else ""
            if "Logged" in text:
                # Another connection sees only committed rows.
                with sqlite3.connect(db) as other:
                    (count,) = other.execute("SELECT COUNT(*) FROM sets").fetchone()
                seen_at_send.append(count)
            return await original(url, method, request_data, **kw)

        kit.request.do_request = checking  # type: ignore[method-assign,assignment]
        await kit.chat(42).send("done")
        await kit.chat(42).send("2x10")
        assert seen_at_send == [1, 3]


async def test_a_redelivered_done_logs_once_even_when_it_opened_the_session(
    tmp_path: Path,
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42)
        await onboard(chat)
        await chat.send("done")
        payload = {
            "update_id": kit.last_update_id,
            "message": {
                "message_id": 999,
                "date": int(kit.now().timestamp()),
                "chat": {"id": 42, "type": "private", "first_name": "Ann"},
                "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                "text": "done",
            },
        }
        again = await chat.replay(payload)
        assert [s.text for s in again] == ["Already logged that one."]
        counts = await kit.storage.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM sets), (SELECT COUNT(*) FROM sessions)"
        )
        assert tuple(counts) == (1, 1)
