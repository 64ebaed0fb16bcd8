"""The durable inbox: updates committed to SQLite first, then handled in order per chat.

Telegram confirms an update once the bot asks for a higher offset (or its webhook answers 200),
so an update is stored before either happens; a crash then loses nothing, and on start the
unhandled rows run first. Each chat has its own queue (one user's "done"s never race), chats run
concurrently up to a bound, and a row is marked handled right after its handler. Marks are
written in groups (one commit for whatever finished meanwhile): a crash before the mark only
means the update runs again, which the handlers' own update_id dedupe absorbs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext

from storage.inbox import InboxMixin, InboxRow
from transport.priority import Priority, sending_as

log = logging.getLogger(__name__)

KEEP_HANDLED = timedelta(days=1)
PRUNE_EVERY_S = 3600.0
STOP_GRACE_S = 8.0
# A handler still running after this is abandoned (logged, marked handled) so its chat moves on.
HANDLER_TIMEOUT_S = 120.0

AnyApp = Application[Any, Any, Any, Any, Any, Any]
HandledHook = Callable[[str, float | None], None]


def update_kind(raw: Mapping[str, Any]) -> str:
    """The update's type: message, callback_query, my_chat_member, ..."""
    return next((key for key in raw if key != "update_id"), "unknown")


def chat_key(update: Update) -> int:
    """Whose updates must stay in order: the chat, else the user, else one shared lane (0)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


@dataclass
class _Item:
    update_id: int
    kind: str
    raw: str
    update: Update | None = None
    received: float | None = None  # monotonic; None for rows replayed after a restart


class Inbox:
    """Stores incoming updates, then feeds them to application.process_update per chat."""

    def __init__(
        self,
        application: AnyApp,
        *,
        concurrency: int = 32,
        handler_timeout: float = HANDLER_TIMEOUT_S,
    ) -> None:
        self._app = application
        self._handler_timeout = handler_timeout
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[int, deque[_Item]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._done: list[int] = []
        self._flush_wanted = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._running = False
        self._closing = False
        self.handled: Counter[str] = Counter()
        self.on_handled: list[HandledHook] = []
        # Why updates are not arriving (None: they are); the poller or the webhook sets it.
        self.feed_problem: Callable[[], str | None] = lambda: "not receiving updates yet"

    @property
    def _storage(self) -> InboxMixin:
        storage: InboxMixin = self._app.bot_data.storage
        return storage

    def _now(self) -> datetime:
        now: datetime = self._app.bot_data.clock()
        return now

    @property
    def running(self) -> bool:
        """Whether updates are being handled."""
        return self._running

    def depth(self) -> int:
        """Updates stored and not yet handled by this process (queued or running)."""
        return sum(len(queue) for queue in self._queues.values())

    async def start(self) -> int:
        """Queue every unhandled row (oldest first) and start handling; returns how many."""
        rows = await self._storage.inbox_unhandled()
        self._running = True
        self._closing = False
        self._flusher = asyncio.create_task(self._flush_loop(), name="inbox-marks")
        for row in rows:
            self._enqueue(row.chat_key, _Item(row.update_id, row.kind, row.raw))
        if rows:
            log.info("handling %d update(s) stored before the restart", len(rows))
        queue = self._app.job_queue
        if queue is not None:
            queue.run_repeating(
                self._prune, interval=PRUNE_EVERY_S, first=PRUNE_EVERY_S / 6, name="inbox-prune"
            )
        return len(rows)

    async def add(self, raws: Iterable[Mapping[str, Any]]) -> int:
        """Commit a batch of raw updates (known ids ignored), then queue the new ones."""
        received = time.monotonic()
        now = self._now()
        items: list[tuple[int, _Item]] = []
        rows: list[InboxRow] = []
        for raw in raws:
            text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
            update = Update.de_json(dict(raw), self._app.bot)
            kind = update_kind(raw)
            key = chat_key(update)
            items.append((key, _Item(update.update_id, kind, text, update, received)))
            rows.append(InboxRow(update.update_id, key, kind, text, now))
        new = set(await self._storage.inbox_add(rows))
        if self._running:
            for key, item in items:
                if item.update_id in new:
                    self._enqueue(key, item)
        return len(new)

    async def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Finish running handlers (up to `grace` s); queued updates wait for the next start."""
        self._running = False
        workers = list(self._workers.values())
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                log.warning("stopped %d handler(s) still running after %.0f s", len(late), grace)
                await asyncio.gather(*late, return_exceptions=True)
        self._closing = True
        self._flush_wanted.set()
        if self._flusher is not None:
            await self._flusher
            self._flusher = None
        await self._flush()
        self._queues.clear()

    async def join(self) -> None:
        """Wait until every queued update is handled and marked (tests and benchmarks)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
        await self._flush()

    def _enqueue(self, key: int, item: _Item) -> None:
        self._queues.setdefault(key, deque()).append(item)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"inbox-chat-{key}")

    async def _work(self, key: int) -> None:
        queue = self._queues[key]
        try:
            while queue and self._running:
                async with self._slots:
                    await self._handle(queue[0])
                queue.popleft()
        finally:
            # No await between the last emptiness check and here: an _enqueue cannot slip in.
            del self._workers[key]
            if not queue:
                self._queues.pop(key, None)

    async def _handle(self, item: _Item) -> None:
        try:
            update = item.update or Update.de_json(json.loads(item.raw), self._app.bot)
            with sending_as(Priority.REPLY):
                # Handler errors go to the application's error handler inside process_update.
                await asyncio.wait_for(self._app.process_update(update), self._handler_timeout)
        except TimeoutError:
            log.error(
                "update %d (%s) still running after %.0f s; abandoned",
                item.update_id,
                item.kind,
                self._handler_timeout,
            )
        except Exception:
            log.exception("update %d (%s) could not be handled", item.update_id, item.kind)
        self._done.append(item.update_id)
        self._flush_wanted.set()
        self.handled[item.kind] += 1
        latency = None if item.received is None else time.monotonic() - item.received
        for hook in self.on_handled:
            hook(item.kind, latency)

    async def _flush_loop(self) -> None:
        while not self._closing:
            await self._flush_wanted.wait()
            self._flush_wanted.clear()
            await self._flush()

    async def _flush(self) -> None:
        done, self._done = self._done, []
        if not done:
            return
        try:
            await self._storage.inbox_mark_handled(done, self._now())
        except Exception:
            # Unmarked rows run again after a restart; the handlers' dedupe absorbs that.
            log.warning("could not mark %d update(s) handled; will retry", len(done), exc_info=True)
            self._done[:0] = done

    async def _prune(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        removed = await self._storage.inbox_prune(self._now() - KEEP_HANDLED)
        if removed:
            log.debug("pruned %d handled update(s) from the inbox", removed)
