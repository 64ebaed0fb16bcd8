"""Long polling that confirms an update only after the inbox has committed it.

getUpdates with offset N confirms every update below N to Telegram, so the next offset is asked
for only once the batch is in SQLite. Failures are one line each and retried with backoff; a
rejected token stops the bot (nothing will work until it is fixed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from storage.inbox import InboxMixin
from transport.inbox import Inbox

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 25
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 60.0


def backoff(attempt: int, first: float = BACKOFF_FIRST_S, cap: float = BACKOFF_MAX_S) -> float:
    """Seconds to wait before retry number `attempt` (1-based): doubling, capped, jittered."""
    base: float = min(cap, first * 2.0 ** max(0, attempt - 1))
    return base * random.uniform(0.8, 1.0)


def describe(error: BaseException) -> str:
    """A one-line description of a request failure (PTB's messages never contain the token)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Poller:
    """getUpdates in a loop: fetch, commit to the inbox, then ask for the next offset."""

    def __init__(
        self,
        bot: Bot,
        inbox: Inbox,
        storage: InboxMixin,
        *,
        where: str,
        allowed_updates: Sequence[str] | None = None,
        timeout: int = POLL_TIMEOUT_S,
    ) -> None:
        self._bot = bot
        self._inbox = inbox
        self._storage = storage
        self._where = where
        self._allowed = list(allowed_updates) if allowed_updates is not None else None
        self._timeout = timeout
        self._stopping = False
        self._stopped = asyncio.Event()
        self._fetch: asyncio.Future[tuple[Update, ...]] | None = None
        self._started: float | None = None
        self.last_error: str | None = None
        self.token_rejected = False

    def problem(self) -> str | None:
        """Why updates are not flowing (None while getUpdates succeeds within a long poll)."""
        if self._stopping:
            return "stopping"
        if self.token_rejected:
            return "Telegram rejected the token"
        if self.last_error is not None:
            return f"getUpdates failing: {self.last_error}"
        if self._started is None:
            return "not polling yet"
        # A long poll answers within its timeout; a request older than that is stuck.
        waiting = time.monotonic() - self._started
        if waiting > self._timeout + 30:
            return f"getUpdates unanswered for {waiting:.0f} s"
        return None

    def stop(self) -> None:
        """Stop after the current step; an in-flight long poll is abandoned (nothing confirmed)."""
        self._stopping = True
        self._stopped.set()
        if self._fetch is not None and not self._fetch.done():
            self._fetch.cancel()

    async def run(self) -> None:
        """Poll until stop() or a rejected token."""
        offset = await self._storage.inbox_next_offset()
        failures = 0
        while not self._stopping:
            try:
                self._started = time.monotonic()
                self._fetch = asyncio.ensure_future(
                    self._bot.get_updates(
                        offset=offset,
                        timeout=self._timeout,
                        allowed_updates=self._allowed,
                        read_timeout=self._timeout + 10,
                    )
                )
                updates = await self._fetch
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            except InvalidToken:
                self.token_rejected = True  # serve() says so, once, and exits 1
                return
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
                log.warning("getUpdates: flood limit at %s; waiting %.0f s", self._where, seconds)
                await self._sleep(float(seconds))
                continue
            except Conflict:
                failures += 1
                self.last_error = "another process polls this bot (409)"
                log.warning(
                    "getUpdates: another process polls this bot at %s (409); retry %d",
                    self._where,
                    failures,
                )
                await self._sleep(backoff(failures))
                continue
            except TelegramError as exc:
                failures += 1
                self.last_error = describe(exc)
                delay = backoff(failures)
                log.warning(
                    "getUpdates failed at %s (%s); retry %d in %.0f s",
                    self._where,
                    describe(exc),
                    failures,
                    delay,
                )
                await self._sleep(delay)
                continue
            if failures:
                log.info("getUpdates works again at %s", self._where)
            failures = 0
            self.last_error = None
            if not updates:
                continue
            raws = [update.to_dict() for update in updates]
            try:
                await self._inbox.add(raws)
            except Exception:
                # Not confirmed: Telegram sends the batch again on the next getUpdates.
                log.exception("could not store %d update(s); asking again", len(raws))
                await self._sleep(BACKOFF_FIRST_S)
                continue
            offset = updates[-1].update_id + 1

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)
