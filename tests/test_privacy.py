"""/export (CSV of sets plus settings) and /delete (every row gone, no bytes left), isolated."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path

from handlers import privacy, render
from storage import Storage
from tests.handlerkit import running_kit
from tests.seeding import add_session, rows_about
from tests.test_onboarding import START, onboard

MARKER = "zebra-marker-123"
OTHER_MARKER = "okapi-marker-456"


def parse_export(data: bytes) -> tuple[list[dict[str, str]], dict[str, str], str]:
    """(set rows as dicts, settings, raw text) of an exported CSV."""
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for spreadsheets
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    assert tuple(header) == privacy.SET_COLUMNS
    blank = rows.index([])
    sets = [dict(zip(header, row, strict=True)) for row in rows[1:blank]]
    assert rows[blank + 1] == ["setting", "value"]
    settings = {name: value for name, value in rows[blank + 2 :]}
    return sets, settings, text


def file_bytes(db: Path) -> bytes:
    """The database file and its WAL, as a grep would read them."""
    data = db.read_bytes()
    wal = Path(str(db) + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


async def test_export_and_delete_need_a_profile(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        assert (await chat.send("/export"))[-1].text == render.need_start()
        assert (await chat.send("/delete"))[-1].text == render.nothing_stored()


async def test_export_csv_has_every_set_and_the_settings(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Zoë")
        await onboard(chat)
        storage = kit.storage
        await add_session(storage, 42, date(2026, 11, 22), reps=[10, 9], pain=1, difficulty="easy")
        tricky = 'knee ok, "mostly"\nsecond line'
        await add_session(
            storage,
            42,
            date(2026, 11, 24),
            left=[8],
            right=[],
            skipped=1,
            pain=5,
            difficulty="hard",
            set_note=tricky,
            at=time(23, 30),  # 00:30 the next day in Berlin
        )
        await add_session(storage, 42, date(2026, 11, 26), reps=[10], set_note="=HYPERLINK(1)")
        await add_session(storage, 42, date(2026, 11, 27), reps=[], status="partial", pain=3)
        # Another user's log never appears in this export.
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        await add_session(storage, 43, date(2026, 11, 22), set_note=OTHER_MARKER)

        sent = await chat.send("/export")
        assert [s.method for s in sent] == ["sendDocument"]
        doc = sent[0]
        assert doc.filename == "medial-coach-2026-11-22.csv"
        assert doc.document is not None
        assert "8 sets in 4 sessions" in doc.text
        sets, settings, text = parse_export(doc.document)
        assert OTHER_MARKER not in text
        assert text.startswith(",".join(privacy.SET_COLUMNS) + "\r\n") and text.endswith("\r\n")

        assert len(sets) == 4 + 2 + 2 + 1  # 8 sets, and the partial session without sets
        first = sets[0]
        assert first == {
            "date": "2026-11-22",
            "local time": "07:11",  # 06:11 UTC in Berlin
            "leg": "left",
            "reps": "10",
            "hold (s)": "2",
            "set number": "1",
            "session id": first["session id"],
            "pain (0-10)": "1",
            "difficulty": "easy",
            "skipped": "no",
            "note": "",
            "session status": "done",
        }
        assert [(r["leg"], r["set number"], r["reps"]) for r in sets[:4]] == [
            ("left", "1", "10"),
            ("left", "2", "9"),
            ("right", "1", "10"),
            ("right", "2", "9"),
        ]
        late = sets[4]
        assert (late["date"], late["local time"], late["note"]) == ("2026-11-24", "00:31", tricky)
        assert (sets[5]["skipped"], sets[5]["pain (0-10)"]) == ("yes", "5")
        assert sets[6]["note"] == "'=HYPERLINK(1)"  # defused for spreadsheets
        empty = sets[-1]
        assert (empty["leg"], empty["reps"], empty["session status"]) == ("", "", "partial")
        assert len({r["session id"] for r in sets}) == 4

        assert settings["first name"] == "Zoë"
        assert settings["timezone"] == "Europe/Berlin"
        assert settings["reminder time"] == "07:30"
        assert settings["dose preset"] == kit.app.bot_data.program.preset("rehab").label
        assert (settings["sets per leg"], settings["reps per set"]) == ("3", "10")
        assert settings["reminders"] == "on"
        assert settings["legs"] == "both"
        assert kit.request.rejected == []


def test_export_csv_quotes_per_rfc_4180() -> None:
    from content import load_program
    from storage.progress import ExportRow
    from storage.records import UserRecord

    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    user = UserRecord(
        user_id=7,
        chat_id=7,
        first_name='+1 Ann "A"',
        consent_at=now,
        onboarding_step="done",
        awaiting="",
        preset="rehab",
        legs="right",
        timezone="America/New_York",
        remind_at=time(7, 0),
        first_day=date(2026, 11, 23),
        reps=12,
        hold_s=3,
        ankle_weight=True,
        reminders_on=True,
        paused_until=date(9999, 12, 31),
        skip_day=None,
        snooze_until_utc=None,
        next_reminder_utc=None,
        active=True,
        learn_step=0,
        created_at=now,
        updated_at=now,
    )
    row = ExportRow(
        session_id=3,
        local_date=date(2026, 11, 23),
        session_status="done",
        pain=None,
        difficulty=None,
        leg="right",
        set_no=1,
        reps=12,
        hold_s=3,
        skipped=False,
        note='a, "b"',
        logged_utc=datetime(2026, 11, 23, 12, 5, tzinfo=UTC),
    )
    data = privacy.export_csv(load_program(), user, [row], now).decode("utf-8-sig")
    lines = data.split("\r\n")
    assert lines[1] == '2026-11-23,07:05,right,12,3,1,3,,,no,"a, ""b""",done'
    assert 'first name,"\'+1 Ann ""A"""' in lines
    assert "reps per set,12" in lines and "hold (s),3" in lines
    assert "ankle weight,yes" in lines
    assert "reminders,paused until /resume" in lines
    assert data.endswith("\r\n")


async def test_delete_asks_then_erases_every_row_and_every_byte(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START) as kit:
        storage: Storage = kit.storage
        ann = kit.chat(42, MARKER)  # the marker is also the user's first name
        await onboard(ann)
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        for day in (22, 24, 26):
            await add_session(storage, 42, date(2026, 11, day), set_note=f"skip {MARKER}")
            await add_session(storage, 43, date(2026, 11, day), set_note=OTHER_MARKER)
        async with storage.db.write() as conn:
            for user_id in (42, 43):
                await conn.execute(
                    "INSERT INTO processed_updates (update_id, user_id, done_utc)"
                    " VALUES (?, ?, '2026-11-22T06:00:00.000000Z')",
                    (user_id * 1000, user_id),
                )
                await conn.execute(
                    "INSERT INTO reminder_ledger (user_id, local_date, kind, claimed_utc)"
                    " VALUES (?, '2026-11-22', 'daily', '2026-11-22T06:30:00.000000Z')",
                    (user_id,),
                )
                await conn.execute(
                    "INSERT INTO progression_answers (user_id, answered_utc, step_key, accepted)"
                    " VALUES (?, '2026-11-26T06:30:00.000000Z', 'hold-2-3', 0)",
                    (user_id,),
                )
        bo_before = await rows_about(storage, 43)
        assert all(bo_before.values())
        assert all((await rows_about(storage, 42)).values())
        assert MARKER.encode() in file_bytes(db)  # the grep below can find it

        question = (await ann.send("/delete"))[-1]
        assert "can't be undone" in question.text
        await ann.press(question, "Cancel")
        assert question.text == render.delete_cancelled() and question.buttons() == []
        assert (await rows_about(storage, 42))["sets"] == 18

        question = (await ann.send("/delete"))[-1]
        await ann.press(question, "Yes, delete everything")
        assert question.text == render.deleted() and question.buttons() == []
        assert set((await rows_about(storage, 42)).values()) == {0}
        assert await rows_about(storage, 43) == bo_before
        data = file_bytes(db)
        assert MARKER.encode() not in data
        assert OTHER_MARKER.encode() in data  # the other user's data is still there
        wal = Path(str(db) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # noqa: ASYNC240

        # The bot knows nothing of Ann now; /start begins again with consent.
        assert (await ann.send("/progress"))[-1].text == render.need_start()
        intro = (await ann.send("/start"))[-1]
        assert "I agree" in intro.buttons()[0][0]
        assert kit.request.rejected == []
    assert MARKER.encode() not in file_bytes(db)


async def test_old_or_forged_delete_buttons_change_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        storage: Storage = kit.storage
        ann = kit.chat(42, "Ann")
        await onboard(ann)
        await add_session(storage, 42, date(2026, 11, 22))
        bo = kit.chat(43, "Bo")
        await onboard(bo)
        await add_session(storage, 43, date(2026, 11, 22))
        ann_question = (await ann.send("/delete"))[-1]
        ann_yes = ann_question.data_for("Yes")

        # Bo replays Ann's exact button data: it names Ann's profile, not Bo's, so it expires.
        bo_msg = (await bo.send("/help"))[-1]
        await bo.forge(bo_msg, ann_yes)
        assert bo.answers()[-1] == render.delete_expired()
        for data in (
            "del:yes",
            "del:yes:",
            "del:yes:42",
            "del:yes:43-1",
            "del:yes:x",
            "del:maybe",
            "del:no:1",
        ):
            await bo.forge(bo_msg, data)
        assert (await rows_about(storage, 42))["sets"] == 6
        assert (await rows_about(storage, 43))["sets"] == 6

        # Someone who never agreed has nothing to delete.
        cy = kit.chat(44, "Cy")
        cy_msg = (await cy.send("/help"))[-1]
        await cy.forge(cy_msg, ann_yes)
        assert cy.answers()[-1] == render.nothing_stored()

        # Ann deletes, signs up again, then taps the old confirmation: the new profile stays.
        fresh_question = (await ann.send("/delete"))[-1]
        await ann.press(fresh_question, "Yes")
        assert await storage.get_user(42) is None
        await ann.forge(fresh_question, ann_yes)
        assert ann.answers()[-1] == render.nothing_stored()
        kit.advance(seconds=1)
        await onboard(ann)
        assert await storage.get_user(42) is not None
        await ann.forge(ann_question, ann_yes)
        assert ann.answers()[-1] == render.delete_expired()
        assert await storage.get_user(42) is not None
        assert (await rows_about(storage, 43))["sets"] == 6
        assert kit.request.rejected == []


async def test_delete_works_before_onboarding_is_finished(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        intro = (await chat.send("/start medial"))[-1]
        await chat.press(intro, "consent:yes")
        assert await kit.storage.get_user(42) is not None
        question = (await chat.send("/delete"))[-1]
        await chat.press(question, "Yes")
        assert await kit.storage.count_users() == 0
        assert kit.request.rejected == []


async def test_delete_drops_pending_jobs_and_runtime(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        kit.app.bot_data.runtime[42] = object()
        kit.app.bot_data.runtime[43] = "someone else's"

        async def noop(context) -> None:
            return None

        queue = kit.app.job_queue
        assert queue is not None
        mine = queue.run_once(noop, 3600, chat_id=42, user_id=42, name="pace")
        theirs = queue.run_once(noop, 3600, chat_id=43, user_id=43, name="pace")
        question = (await chat.send("/delete"))[-1]
        await chat.press(question, "Yes")
        assert 42 not in kit.app.bot_data.runtime
        assert kit.app.bot_data.runtime[43] == "someone else's"
        assert mine.removed and not theirs.removed
