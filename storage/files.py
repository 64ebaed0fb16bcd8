"""The database's files: private permissions, the process lock, and the erasure log beside it."""

from __future__ import annotations

import contextlib
import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path


class StorageError(Exception):
    """The database cannot be used; the message is one line naming the file and the cause."""


def cannot_open(path: str | Path, cause: str) -> StorageError:
    """The one-line error for a database that cannot be opened."""
    return StorageError(f"cannot open the database {path}: {cause}")


def sidecar(path: str | Path, suffix: str) -> Path:
    """A file next to the database: data/x.sqlite3 -> data/x.sqlite3<suffix>."""
    return Path(f"{path}{suffix}")


def prepare_private_files(path: Path) -> None:
    """Create the directory 0700 and the file 0600 (SQLite gives -wal/-shm the file's mode)."""
    directory = path.parent
    try:
        if not directory.exists():
            directory.mkdir(parents=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except PermissionError:
        raise cannot_open(path, f"the directory {directory} is not writable") from None
    except OSError as exc:
        raise cannot_open(path, exc.strerror or str(exc)) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise cannot_open(path, f"the directory {directory} is not writable")
    if not os.access(path, os.R_OK | os.W_OK):
        raise cannot_open(path, "the file is not writable (read-only)")
    for file in (path, sidecar(path, "-wal"), sidecar(path, "-shm")):
        # Older files may be 0644; every account on the machine could read them.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)


class ProcessLock:
    """An exclusive flock on <database>.lock, held for the life of the process that opened it."""

    def __init__(self, path: Path) -> None:
        self.database = path
        self.path = sidecar(path, ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StorageError saying which process holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except PermissionError:
            raise cannot_open(
                self.database, f"the directory {self.path.parent} is not writable"
            ) from None
        except OSError as exc:
            raise cannot_open(self.database, exc.strerror or str(exc)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise cannot_open(
                self.database,
                f"it is in use by another process (pid {holder}); stop that one first",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (closing the descriptor releases the flock)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_held: dict[Path, ProcessLock] = {}


def hold_lock(path: Path) -> ProcessLock:
    """This process's lock on the database, taken on first use (re-entrant within the process)."""
    key = path.resolve()
    lock = _held.get(key)
    if lock is None:
        lock = ProcessLock(path)
        lock.acquire()
        _held[key] = lock
    return lock


def drop_lock(path: Path) -> None:
    """Release this process's lock on the database, if held."""
    lock = _held.pop(path.resolve(), None)
    if lock is not None:
        lock.release()


class ErasureLog:
    """User ids erased by /delete, one line each, fsynced; kept outside the backed-up rows."""

    def __init__(self, database: str | Path) -> None:
        self.path = sidecar(database, ".erasures")

    def append(self, user_id: int, now: datetime | None = None) -> None:
        """Record an erasure durably before the rows go."""
        stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{stamp} {int(user_id)}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            # The new directory entry must survive a power cut too.
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def user_ids(self) -> list[int]:
        """Every erased user id, oldest first (line n is erasure number n)."""
        if not self.path.exists():
            return []
        ids = []
        for line in self.path.read_text(encoding="ascii").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].lstrip("-").isdigit():
                ids.append(int(parts[1]))
        return ids

    def count(self) -> int:
        """How many erasures are recorded."""
        return len(self.user_ids())
