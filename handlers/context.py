"""Typed services shared by every handler and job: context.bot_data is a BotData."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import CallbackContext, ExtBot

from content.model import Program
from handlers.views import i18n
from storage import Storage
from transport.inbox import Inbox
from transport.outbox import Outbox

if TYPE_CHECKING:
    from handlers.voice import VoiceTracks


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(UTC)


class BotData:
    """Services wired by bot.build_application(): PTB creates it empty, then it is filled."""

    def __init__(self) -> None:
        self._storage: Storage | None = None
        self._program: Program | None = None
        # The program with each language's content overlay (content/medial.<lang>.toml).
        self.translations: dict[str, Program] = {}
        self.clock: Callable[[], datetime] = system_clock
        # Seconds between reminder-dispatch ticks; tests shorten it.
        self.tick_seconds: float = 30.0
        # Runtime state of guided sets, keyed by user id (not persisted: a restart closes sessions).
        self.runtime: dict[int, Any] = {}
        # Stored language choices by user id ("" = none stored: follow the Telegram client), so
        # choosing the language of an update needs no database read once a user is known.
        self.languages: dict[int, str] = {}
        # The durable inbox (transport/inbox.py), set by bot.build_application().
        self.inbox: Inbox | None = None
        # Every Bot API call goes through it (bot.build_application wires it as the rate limiter).
        self.outbox: Outbox = Outbox()
        # The Mini App's base URL ("" when not configured: no timer-app pacing is offered).
        self.webapp_url: str = ""
        self._voice: VoiceTracks | None = None

    @property
    def storage(self) -> Storage:
        """The open Storage."""
        if self._storage is None:
            raise RuntimeError("storage not wired")
        return self._storage

    @storage.setter
    def storage(self, value: Storage) -> None:
        self._storage = value

    @property
    def program(self) -> Program:
        """The coaching program loaded at start-up, its texts in the current language."""
        if self._program is None:
            raise RuntimeError("program not wired")
        return self.translations.get(i18n.current(), self._program)

    @program.setter
    def program(self, value: Program) -> None:
        self._program = value

    @property
    def voice(self) -> VoiceTracks:
        """Voice tracks of guided sets (built, cached and uploaded once)."""
        if self._voice is None:
            raise RuntimeError("voice tracks not wired")
        return self._voice

    @voice.setter
    def voice(self, value: VoiceTracks) -> None:
        self._voice = value

    def now(self) -> datetime:
        """The current time from the injectable clock."""
        return self.clock()


Ctx: TypeAlias = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
