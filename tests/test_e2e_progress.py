"""End to end: /progress, /history, /export and /delete through the real `python bot.py`."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from tests.e2e_harness import StartBot
from tests.fakebot import FakeBotServer, FakeUser

CLOCK = {"MEDIAL_CLOCK_START": "2026-12-01T17:00:00+00:00"}
MARKER = "zebra-marker-123"


def onboard(user: FakeUser) -> None:
    """Knee rehab, both legs, Berlin, 07:00."""
    user.send("/start medial")
    user.press(user.wait_for("Stop at once"), "consent:yes")
    user.press(user.wait_for("Which dose"), "cfg:preset:rehab")
    user.press(user.wait_for("Which legs"), "cfg:legs:both")
    user.wait_for("Your timezone")
    user.send("Europe/Berlin")
    user.press(user.wait_for("Reminder time"), "cfg:time:07:00")
    user.wait_for("All set")


def seed(db: Path, user_id: int, days: list[str], note: str) -> None:
    """Sessions of 3 × 10 per leg on each day, written while the bot is stopped."""
    with sqlite3.connect(db) as conn:
        for day in days:
            cursor = conn.execute(
                "INSERT INTO sessions (user_id, local_date, started_utc, ended_utc, status,"
                " preset, legs, sets_planned, reps_planned, hold_s, pain, difficulty)"
                " VALUES (?, ?, ?, ?, 'done', 'rehab', 'both', 3, 10, 2, 1, 'right')",
                (user_id, day, f"{day}T06:00:00.000000Z", f"{day}T06:10:00.000000Z"),
            )
            for number, leg in enumerate(["left"] * 3 + ["right"] * 3):
                conn.execute(
                    "INSERT INTO sets (session_id, user_id, leg, set_no, reps, hold_s, note,"
                    " logged_utc) VALUES (?, ?, ?, ?, 10, 2, ?, ?)",
                    (
                        cursor.lastrowid,
                        user_id,
                        leg,
                        number % 3 + 1,
                        note,
                        f"{day}T06:0{number + 1}:00.000000Z",
                    ),
                )


def test_progress_export_and_delete_through_the_real_process(
    fake_server: FakeBotServer, start_bot: StartBot, bot_db: Path
) -> None:
    bot = start_bot(CLOCK)
    ann = fake_server.user(801, MARKER)
    onboard(ann)
    bo = fake_server.user(802, "Bo")
    onboard(bo)
    assert bot.stop()[0] == 0
    seed(bot_db, 801, ["2026-11-25", "2026-11-27", "2026-11-29", "2026-12-01"], f"ok {MARKER}")
    seed(bot_db, 802, ["2026-11-26"], "bo's note")

    bot = start_bot(CLOCK)
    mark = ann.mark()
    ann.send("/progress")
    photo = ann.wait_for(lambda m: m.kind == "photo", since=mark)
    assert photo.photo is not None and photo.photo.startswith(b"\x89PNG")
    assert "Sessions: 4" in photo.text and "Reps, left leg: 120 (30 per session)" in photo.text

    mark = ann.mark()
    ann.send("/history")
    history = ann.wait_for("Your sessions", since=mark)
    assert history.text.split("\n")[1] == "Tue 1 Dec · L 3×10 · R 3×10 · pain 1 · about right"

    mark = ann.mark()
    ann.send("/export")
    doc = ann.wait_for(lambda m: m.kind == "document", since=mark)
    assert doc.filename == "medial-coach-2026-12-01.csv" and doc.document is not None
    rows = list(csv.reader(io.StringIO(doc.document.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["date", "local time", "leg"]
    assert len(rows[1 : rows.index([])]) == 24
    assert rows[1][:4] == ["2026-11-25", "07:01", "left", "10"]
    assert "bo's note" not in doc.document.decode("utf-8-sig")

    mark = ann.mark()
    ann.send("/delete")
    question = ann.wait_for("Delete everything?", since=mark)
    ann.press(question, question.button_data[0])
    ann.wait_for(lambda m: m.message_id == question.message_id and "erased" in m.text)
    assert bot.stop()[0] == 0

    data = bot_db.read_bytes()
    wal = Path(f"{bot_db}-wal")
    if wal.exists():
        data += wal.read_bytes()
    assert MARKER.encode() not in data
    assert b"bo's note" in data
    with sqlite3.connect(bot_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sets WHERE user_id = 801").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM sets WHERE user_id = 802").fetchone() == (6,)
    assert fake_server.rejected == []
    assert fake_server.unanswered_callbacks() == []
    bot.assert_token_not_logged()
