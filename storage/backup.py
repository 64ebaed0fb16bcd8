"""Backups: a consistent online copy with SQLite's backup API, and a restore that erases again."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage.db import Database, migrations
from storage.files import ErasureLog, ProcessLock, StorageError, sidecar

# Written into the copy only: how long the erasure log was when the copy was taken.
MARK_TABLE = "medial_backup"


@dataclass(frozen=True)
class BackupMark:
    """When a backup was taken and how many erasures were logged before it."""

    taken_utc: str
    erasures: int


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def online_copy(database: Path, target: Path, now: datetime | None = None) -> BackupMark:
    """Copy the live database to `target` (0600) while the bot keeps running and writing."""
    if not database.is_file():
        raise StorageError(f"cannot back up {database}: there is no such file")
    # Counted before the snapshot: an erasure logged during the copy is re-applied on restore.
    mark = BackupMark(
        taken_utc=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        erasures=ErasureLog(database).count(),
    )
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        # The bot's process lock is a sidecar flock, so this plain reader is not refused; the
        # one-step backup reads a single WAL snapshot while the bot's writes go on.
        with (
            contextlib.closing(sqlite3.connect(database, timeout=30)) as source,
            contextlib.closing(sqlite3.connect(part)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.execute(f"CREATE TABLE {MARK_TABLE} (taken_utc TEXT, erasures INTEGER)")
            copy.execute(f"INSERT INTO {MARK_TABLE} VALUES (?, ?)", (mark.taken_utc, mark.erasures))
            copy.commit()
            result = copy.execute("PRAGMA quick_check").fetchone()
            if not result or result[0] != "ok":
                raise StorageError(f"cannot back up {database}: the copy failed its check")
        _fsync_path(part)
        os.replace(part, target)
        _fsync_path(target.parent, directory=True)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot back up {database}: {exc}") from None
    finally:
        part.unlink(missing_ok=True)
    return mark


def read_mark(backup: Path) -> BackupMark:
    """The mark inside a backup file, or StorageError if it is not one of ours."""
    if not backup.is_file():
        raise StorageError(f"cannot restore {backup}: there is no such file")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as conn:
            row = conn.execute(f"SELECT taken_utc, erasures FROM {MARK_TABLE}").fetchone()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        raise StorageError(
            f"cannot restore {backup}: not a backup made by medial-coach backup ({exc})"
        ) from None
    if row is None:
        raise StorageError(f"cannot restore {backup}: its backup mark is empty")
    if version > len(migrations()):
        raise StorageError(f"cannot restore {backup}: its schema version {version} is newer")
    return BackupMark(taken_utc=str(row[0]), erasures=int(row[1]))


async def restore_copy(backup: Path, database: Path) -> tuple[BackupMark, int, Path | None]:
    """Put `backup` in place of `database`, erasing again everyone erased since it was taken.

    Returns the mark, how many erasures were re-applied, and where the replaced file was kept.
    The bot must be stopped: this takes its process lock.
    """
    mark = read_mark(backup)
    # Its own lock (not this process's shared one): refused while any bot has the file open.
    lock = ProcessLock(database)
    lock.acquire()
    try:
        staging = database.with_name(database.name + ".restoring")
        for stale in (staging, sidecar(staging, "-wal"), sidecar(staging, "-shm")):
            stale.unlink(missing_ok=True)
        os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with (
            contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source,
            contextlib.closing(sqlite3.connect(staging)) as copy,
        ):
            source.backup(copy)
        later = ErasureLog(database).user_ids()[mark.erasures :]
        from storage import Storage  # the full Storage, for its one erasure method

        storage = Storage(staging)
        storage.db.log_erasures = False  # already in the log
        await storage.open()
        try:
            for user_id in later:
                await storage.delete_user_data(user_id)
            await _drop_mark(storage.db, later)
        finally:
            await storage.close()
        return mark, len(later), _swap_in(staging, database)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot restore {backup}: {exc}") from None
    finally:
        lock.release()


def _swap_in(staging: Path, database: Path) -> Path | None:
    """Move the restored file into place, keeping the replaced one aside; returns where."""
    for stale in (sidecar(staging, "-wal"), sidecar(staging, "-shm")):
        stale.unlink(missing_ok=True)
    kept: Path | None = None
    if database.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = database.with_name(f"{database.name}.replaced-{stamp}")
        os.replace(database, kept)
    # The replaced file's WAL must not be applied to the restored one.
    for stale in (sidecar(database, "-wal"), sidecar(database, "-shm")):
        stale.unlink(missing_ok=True)
    _fsync_path(staging)
    os.replace(staging, database)
    _fsync_path(database.parent, directory=True)
    return kept


async def _drop_mark(db: Database, erased: list[int]) -> None:
    """Remove the backup mark and the erased users' updates the copy had not handled yet."""
    async with db.write() as conn:
        await conn.execute(f"DROP TABLE IF EXISTS {MARK_TABLE}")
        # Private chats are keyed by the user id; replaying these would bring the user back.
        for user_id in erased:
            await conn.execute("DELETE FROM inbox WHERE chat_key = ?", (user_id,))
