"""medial-coach backup/restore/check: an online copy while writing, erasures re-applied, checks."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ops import cli
from storage import Storage, StorageError
from storage.backup import online_copy, restore_copy
from storage.files import ErasureLog

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
NOW = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


def user_ids(path: Path) -> set[int]:
    with sqlite3.connect(path) as conn:
        ids = {row[0] for row in conn.execute("SELECT user_id FROM users")}
    conn.close()
    return ids


async def test_backup_while_the_bot_writes_is_consistent(tmp_path: Path) -> None:
    db, target = tmp_path / "live.sqlite3", tmp_path / "backups" / "b1.sqlite3"
    storage = Storage(db)
    await storage.open()  # holds the process lock, as the running bot does
    stop = asyncio.Event()
    reached = asyncio.Event()
    written: list[int] = []
    goal = [20]

    async def writer() -> None:
        uid = 1
        while not stop.is_set():
            await storage.create_user(uid, uid, "Ann", NOW, preset="rehab")
            written.append(uid)
            if len(written) >= goal[0]:
                reached.set()
            uid += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await reached.wait()
    # The copy runs in a thread while the writer keeps committing on the event loop.
    mark = await asyncio.to_thread(online_copy, db, target)
    after_copy = len(written)
    reached.clear()
    goal[0] = after_copy + 20
    await reached.wait()
    stop.set()
    await task
    await storage.close()

    assert mark.erasures == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    copied = user_ids(target)
    # A prefix of the writes: every user up to some point, none missing in between.
    assert copied == set(range(1, len(copied) + 1))
    assert 20 <= len(copied) <= after_copy < len(written)


async def test_restore_erases_again_everyone_deleted_after_the_backup(tmp_path: Path) -> None:
    db, target = tmp_path / "live.sqlite3", tmp_path / "b.sqlite3"
    storage = Storage(db)
    await storage.open()
    for uid in (1, 2, 3, 4):
        await storage.create_user(uid, uid, f"U{uid}", NOW, preset="rehab")
    await storage.delete_user_data(1)  # before the backup: already absent from it
    async with storage.db.write() as writer:  # user 2's message, not yet handled when copied
        await writer.execute(
            "INSERT INTO inbox (update_id, chat_key, kind, raw, received_utc)"
            " VALUES (77, 2, 'message', '{\"text\": \"hi\"}', '2026-11-22T08:30:00Z')"
        )
    online_copy(db, target)
    await storage.delete_user_data(2)  # after the backup
    await storage.delete_user_data(3)
    await storage.create_user(5, 5, "U5", NOW, preset="rehab")
    # While the bot runs, a restore is refused.
    with pytest.raises(StorageError, match="in use by another process"):
        await restore_copy(target, db)
    await storage.close()
    assert ErasureLog(db).user_ids() == [1, 2, 3]

    mark, erased, kept = await restore_copy(target, db)
    assert (mark.erasures, erased) == (1, 2)
    assert kept is not None and kept.exists()
    assert user_ids(db) == {4}
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "medial_backup" not in tables
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM inbox WHERE chat_key = 2").fetchone()[0] == 0
    conn.close()
    assert ErasureLog(db).user_ids() == [1, 2, 3]  # the log itself is kept as it was
    storage = Storage(db)
    await storage.open()
    assert await storage.get_user(2) is None and await storage.get_user(4) is not None
    await storage.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    plain = tmp_path / "plain.sqlite3"
    sqlite3.connect(plain).close()
    with pytest.raises(StorageError, match="not a backup made by medial-coach backup"):
        asyncio.run(restore_copy(plain, tmp_path / "db.sqlite3"))


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))}
    return subprocess.run(
        [sys.executable, "-m", "ops.cli", *args],
        cwd=cwd,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_console_script_backup_and_restore(tmp_path: Path) -> None:
    db = tmp_path / "data" / "coach.sqlite3"

    async def seed() -> None:
        storage = Storage(db)
        await storage.open()
        await storage.create_user(9, 9, "Kim", NOW, preset="rehab")
        await storage.close()

    asyncio.run(seed())
    out = run_cli(["backup", "b.sqlite3"], tmp_path, DATABASE_PATH=str(db))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"backed up {db} to b.sqlite3 at ") and out.stderr == ""
    out = run_cli(["restore", "b.sqlite3", "--database", str(db)], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "re-applied 0 erasure(s)" in out.stdout and user_ids(db) == {9}
    out = run_cli(["backup", "b.sqlite3", "--database", str(tmp_path / "none.sqlite3")], tmp_path)
    assert out.returncode == 1
    assert (
        out.stderr.strip()
        == f"medial-coach: cannot back up {tmp_path / 'none.sqlite3'}: there is no such file"
    )


def test_check_reports_one_line_each(tmp_path: Path) -> None:
    out = run_cli(["check"], tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("configuration: ok (long polling")
    assert lines[1].startswith("content: ok (")
    assert lines[2].startswith("database: data/medial.sqlite3 does not exist yet")

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database " * 20)
    out = run_cli(["check", "--database", str(bad)], tmp_path, LOG_LEVEL="LOUD")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("configuration: TELEGRAM_BOT_TOKEN is not set")
    assert lines[2].startswith(f"database: {bad} cannot be read (file is not a database")
    assert TOKEN not in out.stdout + out.stderr


def test_check_parses_the_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}  # the bot\nLOG_LEVEL=DEBUG # verbose\n"
    )
    out = run_cli(["check"], tmp_path)
    assert out.returncode == 0, out.stdout
    assert "LOG_LEVEL DEBUG" in out.stdout.splitlines()[0]


def test_parser_knows_every_command() -> None:
    parser = cli._parser()
    for command in (["run"], ["backup", "x"], ["restore", "x"], ["check"]):
        assert parser.parse_args(command).command == command[0]
