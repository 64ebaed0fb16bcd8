"""Storage start-up safety: private files, the process lock, and one line for each bad database."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Storage, StorageError
from storage.db import migrations, preflight
from storage.files import ProcessLock
from tests.e2e_harness import StartBot

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
NOBODY = 65534


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_bot(db: Path, *, as_nobody: bool = False) -> tuple[int, list[str]]:
    """Start bot.py on `db` (the API is unreachable: it must stop before going online)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_PATH=str(db),
        PYTHONPATH=str(ROOT),
    )
    command = [sys.executable, str(ROOT / "bot.py")]
    if as_nobody and os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    proc = subprocess.run(
        command, cwd=db.parent.parent, env=env, capture_output=True, text=True, timeout=60
    )
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return proc.returncode, lines


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another account can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="medial-ro-"))
    path.chmod(0o755)
    yield path
    for child in sorted(path.rglob("*"), reverse=True):
        child.parent.chmod(0o755)
        child.unlink() if child.is_file() else child.rmdir()
    path.rmdir()


async def test_directory_0700_and_files_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "db.sqlite3"
    storage = Storage(path)
    await storage.open()
    await storage.create_user(1, 1, "Ann", datetime.now(UTC), preset="rehab")
    assert mode(path.parent) == 0o700
    for suffix in ("", "-wal", "-shm", ".lock"):
        assert mode(Path(f"{path}{suffix}")) == 0o600, suffix
    await storage.close()


async def test_existing_world_readable_files_are_made_private(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    storage = Storage(path)
    await storage.open()
    assert mode(path) == 0o600
    await storage.close()


async def test_second_open_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    other = ProcessLock(path)  # another open file description: as another process would hold it
    other.acquire()
    try:
        with pytest.raises(StorageError) as info:
            await Storage(path).open()
        assert str(info.value).startswith(f"cannot open the database {path}: it is in use")
        assert f"pid {os.getpid()}" in str(info.value)
    finally:
        other.release()
    storage = Storage(path)
    await storage.open()
    await storage.close()


async def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (x)")
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"schema version 99 is newer than this bot knows"):
        await Storage(path).open()
    assert path.read_bytes() == before
    assert not os.path.exists(f"{path}-wal")  # noqa: ASYNC240 - a test's one stat
    # The lock was let go: a fixed file can be opened by the same process.
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations())}")
    conn.close()


def test_preflight_names_file_and_cause(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all, just text " * 10)
    with pytest.raises(StorageError, match=r"bad\.sqlite3: the file is corrupt"):
        preflight(bad)


def test_corrupt_file_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "data" / "coach.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    code, lines = run_bot(db)
    assert code == 1
    assert lines == [
        f"medial coach: cannot open the database {db}: the file is corrupt or not a SQLite"
        " database (file is not a database)"
    ]


def test_newer_schema_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "data" / "coach.sqlite3"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    code, lines = run_bot(db)
    assert code == 1
    assert len(lines) == 1 and f"{db}: its schema version 99 is newer" in lines[0]


@pytest.mark.parametrize("existing", [False, True])
def test_read_only_directory_is_one_line(shared_dir: Path, existing: bool) -> None:
    if os.geteuid() == 0 and not Path("/usr/bin/setpriv").exists():
        pytest.skip("root ignores directory permissions and setpriv is missing")
    data = shared_dir / "data"
    data.mkdir()
    db = data / "coach.sqlite3"
    if existing:
        sqlite3.connect(db).close()
        if os.geteuid() == 0:
            os.chown(db, NOBODY, NOBODY)
    data.chmod(0o555)
    code, lines = run_bot(db, as_nobody=True)
    assert code == 1
    assert lines == [
        f"medial coach: cannot open the database {db}: the directory {data} is not writable"
    ]


def test_second_bot_on_the_same_database_refuses(start_bot: StartBot, bot_db: Path) -> None:
    first = start_bot()
    second = start_bot(ready=False)
    assert second.wait_exit(timeout=30) == 1
    lines = [line for line in second.logs().splitlines() if line.strip()]
    assert lines == [
        f"medial coach: cannot open the database {bot_db}: it is in use by another process"
        f" (pid {first.pid}); stop that one first"
    ]
    assert first.running
    assert first.stop()[0] == 0
