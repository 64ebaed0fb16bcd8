"""The one aiosqlite connection: open/close, migrations by PRAGMA user_version, the write lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA_PACKAGE = "storage.schema"


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


class Database:
    """Owns the connection; every write runs under one lock inside BEGIN IMMEDIATE."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        # One coroutine's COMMIT would otherwise commit another's half-done transaction on the
        # shared connection (measured; see DESIGN.md), so writers queue here.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection (raises if open() was not awaited)."""
        if self._conn is None:
            raise RuntimeError("storage is not open")
        return self._conn

    async def open(self) -> None:
        """Open the file (creating its folder), set pragmas and apply pending migrations."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        self._conn = conn
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        # FULL: a set the user was told is "logged" survives a power cut, not only a crash.
        await conn.execute("PRAGMA synchronous=FULL")
        # Erased rows are overwritten with zeros, so /delete leaves no trace in the file.
        await conn.execute("PRAGMA secure_delete=ON")
        await self.migrate()

    async def close(self) -> None:
        """Checkpoint and close the connection."""
        if self._conn is not None:
            try:
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self._conn.close()
                self._conn = None

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
