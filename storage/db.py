"""The one aiosqlite connection: open/close, migrations by PRAGMA user_version, the write lock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from storage.files import (
    ErasureLog,
    ProcessLock,
    StorageError,
    cannot_open,
    drop_lock,
    hold_lock,
    prepare_private_files,
)

__all__ = ["Database", "StorageError", "migrations", "preflight"]

log = logging.getLogger(__name__)
SCHEMA_PACKAGE = "storage.schema"
OPTIMIZE_EVERY_S = 6 * 3600


def migrations() -> list[tuple[int, str, str]]:
    """Every schema/NNN_name.sql as (number, name, sql), in order."""
    found = []
    for entry in resources.files(SCHEMA_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(
            f"schema migrations must be numbered 001.. without gaps, found {numbers}"
        )
    return found


def refuse_newer_schema(path: str | Path, version: int) -> None:
    """Raise StorageError for a file written by a newer bot (its tables may mean other things)."""
    known = len(migrations())
    if version > known:
        raise cannot_open(
            path,
            f"its schema version {version} is newer than this bot knows ({known});"
            " run the newer bot or restore a backup",
        )


def preflight(path: str | Path) -> None:
    """Before going online: private files, this process's lock (kept), a readable, known schema."""
    path = Path(path)
    prepare_private_files(path)
    hold_lock(path)
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            refuse_newer_schema(path, int(conn.execute("PRAGMA user_version").fetchone()[0]))
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.Error as exc:
        drop_lock(path)
        raise _explain(str(path), exc) from None
    except StorageError:
        drop_lock(path)
        raise


class Database:
    """Owns the connection; every write runs under one lock inside BEGIN IMMEDIATE."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        # One coroutine's COMMIT would otherwise commit another's half-done transaction on the
        # shared connection (measured; see DESIGN.md), so writers queue here.
        self._write_lock = asyncio.Lock()
        self._lock: ProcessLock | None = None
        self._optimizer: asyncio.Task[None] | None = None
        # Off while a restore re-applies erasures that are already in the log.
        self.log_erasures = True

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection (raises if open() was not awaited)."""
        if self._conn is None:
            raise RuntimeError("storage is not open")
        return self._conn

    async def open(self) -> None:
        """Open the file privately under the process lock, refuse bad files, migrate, optimize."""
        if self.path == ":memory:":
            await self._connect()
            return
        path = Path(self.path)
        prepare_private_files(path)
        self._lock = hold_lock(path)
        try:
            await self._connect()
        except BaseException:
            await self._abandon()
            raise
        self._optimizer = asyncio.create_task(self._optimize_periodically())

    async def _connect(self) -> None:
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None
        conn.row_factory = aiosqlite.Row
        self._conn = conn
        try:
            # Read before anything writes: a newer schema is refused untouched.
            refuse_newer_schema(self.path, await self.user_version())
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA busy_timeout=5000")
            await conn.execute("PRAGMA foreign_keys=ON")
            # FULL: a set the user was told is "logged" survives a power cut, not only a crash.
            await conn.execute("PRAGMA synchronous=FULL")
            # Erased rows are overwritten with zeros, so /delete leaves no trace in the file.
            await conn.execute("PRAGMA secure_delete=ON")
            await self.migrate()
            # SQLite's advice for long-lived connections: optimize=0x10002 on open, then
            # plain optimize every few hours and at close.
            await conn.execute("PRAGMA optimize=0x10002")
        except sqlite3.Error as exc:
            raise _explain(self.path, exc) from None

    async def _abandon(self) -> None:
        """Close what a failed open left behind."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
        if self._lock is not None:
            drop_lock(self._lock.database)
            self._lock = None

    async def _optimize_periodically(self) -> None:
        while True:
            await asyncio.sleep(OPTIMIZE_EVERY_S)
            try:
                await self.optimize()
            except sqlite3.Error as exc:
                log.warning("PRAGMA optimize failed: %s", exc)

    async def optimize(self) -> None:
        """Let SQLite refresh the statistics it plans queries with (cheap when nothing changed)."""
        # Under the write lock: ANALYZE inside another coroutine's open transaction would
        # become part of it.
        async with self._write_lock:
            await self.conn.execute("PRAGMA optimize")

    async def close(self) -> None:
        """Optimize, checkpoint and close the connection; release the process lock."""
        if self._optimizer is not None:
            self._optimizer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._optimizer
            self._optimizer = None
        try:
            if self._conn is not None:
                try:
                    with contextlib.suppress(sqlite3.Error):
                        await self.optimize()
                    await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    await self._conn.close()
                    self._conn = None
        finally:
            if self._lock is not None:
                drop_lock(self._lock.database)
                self._lock = None

    async def record_erasure(self, user_id: int) -> None:
        """Append the user id to the erasure log (fsynced) so a restore erases them again."""
        if self.log_erasures and self.path != ":memory:":
            await asyncio.to_thread(ErasureLog(self.path).append, user_id)

    async def user_version(self) -> int:
        """The schema version recorded in the file."""
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> None:
        """Apply each migration newer than user_version, each in its own transaction."""
        current = await self.user_version()
        for number, _name, sql in migrations():
            if number <= current:
                continue
            async with self._write_lock:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(sql):
                        await self.conn.execute(statement)
                    await self.conn.execute(f"PRAGMA user_version = {number:d}")
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: BEGIN IMMEDIATE under the lock; COMMIT on success, else ROLLBACK."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def checkpoint(self) -> bool:
        """Copy the WAL into the file and truncate it; False if a reader kept it busy."""
        # Under the write lock: a checkpoint inside another coroutine's open transaction on
        # this shared connection would fail.
        async with (
            self._write_lock,
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor,
        ):
            result = await cursor.fetchone()
        return result is None or not result[0]

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """One row of a read query."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """All rows of a read query."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file (they contain no semicolons inside literals)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def _explain(path: str, exc: sqlite3.Error) -> StorageError:
    """SQLite's error on open as one line naming the file and the cause."""
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return cannot_open(path, f"the file is corrupt or not a SQLite database ({text})")
    if "readonly" in text or "read-only" in text:
        return cannot_open(path, f"the file or its directory is read-only ({text})")
    if "unable to open" in text:
        return cannot_open(path, f"SQLite cannot open it; check the directory exists ({text})")
    return cannot_open(path, text)
