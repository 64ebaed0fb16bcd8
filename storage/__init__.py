"""SQLite storage: one Storage object with one async method per domain query."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database, StorageError
from storage.facts import FactsMixin
from storage.health import HealthMixin
from storage.inbox import InboxMixin
from storage.pauses import PausesMixin
from storage.progress import ProgressMixin
from storage.recap import RecapMixin
from storage.records import FOREVER, UserRecord
from storage.reminder_batch import ReminderBatchMixin
from storage.reminders import RemindersMixin
from storage.sessions import SessionsMixin
from storage.setlog import SetLogMixin
from storage.users import UsersMixin
from storage.voice import VoiceMixin

__all__ = ["FOREVER", "Storage", "StorageError", "UserRecord"]


class Storage(
    UsersMixin,
    SessionsMixin,
    SetLogMixin,
    FactsMixin,
    RemindersMixin,
    ReminderBatchMixin,
    ProgressMixin,
    VoiceMixin,
    InboxMixin,
    HealthMixin,
    PausesMixin,
    RecapMixin,
):
    """The application's storage; open() before use, close() at shutdown."""

    def __init__(self, path: str | Path) -> None:
        self.db = Database(path)

    async def open(self) -> None:
        """Open the database and bring its schema up to date."""
        await self.db.open()

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()
