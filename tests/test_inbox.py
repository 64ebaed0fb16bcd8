"""The durable inbox: stored before handled, in order per chat, concurrent across chats."""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from tests.handlerkit import Kit, running_kit
from tests.test_logging_sets import ready
from tests.test_onboarding import START
from transport.inbox import Inbox

_ids = itertools.count(500_000)


def text_update(user_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    """A raw private-chat text message as Telegram sends it."""
    update_id = next(_ids) if update_id is None else update_id
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(START.timestamp()),
            "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ann"},
            "text": text,
        },
    }


def inbox_of(kit: Kit) -> Inbox:
    inbox = kit.app.bot_data.inbox
    assert inbox is not None
    return inbox


async def unhandled(kit: Kit) -> list[int]:
    rows = await kit.storage.inbox_unhandled()
    return [row.update_id for row in rows]


async def test_each_chat_in_order_and_chats_concurrently(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    b_started = asyncio.Event()

    async def probe(update: Update, context: Any) -> None:
        chat = update.effective_chat
        assert chat is not None
        if chat.id == 1 and not seen:
            # Chat 1's first update waits for chat 2 to start: only concurrency lets it finish.
            await asyncio.wait_for(b_started.wait(), 5)
        if chat.id == 2:
            b_started.set()
        seen.append((chat.id, update.update_id))
        await asyncio.sleep(0)
        raise ApplicationHandlerStop

    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        kit.app.add_handler(TypeHandler(Update, probe), group=-100)
        inbox = inbox_of(kit)
        await inbox.start()
        first = [text_update(1, f"a{i}") for i in range(5)]
        second = [text_update(2, f"b{i}") for i in range(5)]
        mixed = [update for pair in zip(first, second, strict=True) for update in pair]
        assert await inbox.add(mixed) == 10
        await inbox.join()
        await inbox.stop()
        assert [u for c, u in seen if c == 1] == [u["update_id"] for u in first]
        assert [u for c, u in seen if c == 2] == [u["update_id"] for u in second]
        assert await unhandled(kit) == []


async def test_two_dones_from_one_user_never_race(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        inbox = inbox_of(kit)
        await inbox.start()
        await inbox.add([text_update(chat.user_id, "done") for _ in range(3)])
        await inbox.join()
        await inbox.stop()
        found = await kit.storage.db.fetchall(
            "SELECT leg, set_no FROM sets WHERE user_id = ? ORDER BY set_id", (chat.user_id,)
        )
        assert [(r[0], r[1]) for r in found] == [("left", 1), ("left", 2), ("left", 3)]
        replies = [m.text for m in chat.messages()[-3:]]
        assert all(text.startswith("✅ Logged set") for text in replies), replies


async def test_redelivered_update_is_ignored_and_a_replayed_one_logs_once(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        inbox = inbox_of(kit)
        await inbox.start()
        done = text_update(chat.user_id, "done")
        assert await inbox.add([done]) == 1
        await inbox.join()
        # Telegram sends it again (e.g. the offset never reached it): a known id, ignored.
        assert await inbox.add([done]) == 0
        await inbox.join()
        # A crash after the handler but before the mark: the row runs again on the next start.
        await kit.storage.db.conn.execute(
            "UPDATE inbox SET handled_utc = NULL, raw = ? WHERE update_id = ?",
            (json.dumps(done), done["update_id"]),
        )
        await inbox.stop()
        await inbox.start()
        await inbox.join()
        await inbox.stop()
        count = await kit.storage.db.fetchone(
            "SELECT COUNT(*) FROM sets WHERE user_id = ?", (chat.user_id,)
        )
        assert count is not None and count[0] == 1
        assert chat.last().text == "Already logged that one."


async def test_unhandled_rows_run_first_on_start_in_order(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        chat = await ready(kit)
        inbox = inbox_of(kit)
        # Stored, never handled: as if the process died right after the commit.
        await inbox.add([text_update(chat.user_id, "done 7"), text_update(chat.user_id, "done 9")])
        assert len(await unhandled(kit)) == 2
    async with running_kit(db, START) as kit:
        inbox = inbox_of(kit)
        assert await inbox.start() == 2
        await inbox.join()
        await inbox.stop()
        found = await kit.storage.db.fetchall(
            "SELECT set_no, reps FROM sets WHERE user_id = 42 ORDER BY set_id"
        )
        assert [(r[0], r[1]) for r in found] == [(1, 7), (2, 9)]
        assert await unhandled(kit) == []
        raw = await kit.storage.db.fetchall("SELECT raw FROM inbox")
        assert all(r[0] == "" for r in raw), "handled rows keep no message text"


async def test_a_failing_handler_does_not_wedge_the_chat(tmp_path: Path) -> None:
    calls = 0

    async def explode(update: Update, context: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")

    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        kit.app.add_handler(TypeHandler(Update, explode), group=-100)
        chat = await ready(kit)
        calls = 0
        inbox = inbox_of(kit)
        await inbox.start()
        await inbox.add([text_update(chat.user_id, "done"), text_update(chat.user_id, "done")])
        await inbox.join()
        await inbox.stop()
        assert await unhandled(kit) == []
        texts = [m.text for m in chat.messages()]
        assert any("Sorry" in t or "sorry" in t for t in texts[-3:]), texts[-3:]
        assert texts[-1].startswith("✅ Logged set")


async def test_prune_keeps_recent_and_the_newest_row(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        inbox = inbox_of(kit)
        await inbox.start()
        await inbox.add([text_update(7, "hello", 10), text_update(7, "hi", 11)])
        await inbox.join()
        await inbox.stop()
        assert await kit.storage.inbox_prune(kit.now() + timedelta(days=2)) == 1
        assert await kit.storage.inbox_next_offset() == 12


async def test_a_hanging_handler_is_abandoned_and_its_chat_moves_on(tmp_path: Path) -> None:
    release = asyncio.Event()
    seen: list[str] = []

    async def hang(update: Update, context: Any) -> None:
        assert update.message is not None and update.message.text is not None
        seen.append(update.message.text)
        if update.message.text == "first":
            await release.wait()
        raise ApplicationHandlerStop

    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        kit.app.add_handler(TypeHandler(Update, hang), group=-100)
        inbox = Inbox(kit.app, handler_timeout=0.2)
        await inbox.start()
        await inbox.add([text_update(9, "first"), text_update(9, "second")])
        await inbox.join()
        await inbox.stop()
        assert seen == ["first", "second"]
        assert await unhandled(kit) == []
