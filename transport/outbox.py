"""The outbox: every Bot API call goes through it, by priority, within Telegram's limits.

It is PTB's rate limiter (ApplicationBuilder.rate_limiter), so `context.bot.send_message(...)`
and friends pass through unchanged. Messages (sends and edits) wait in per-chat queues; one
loop hands out the bot's evenly spaced slots to the most urgent message whose chat may send,
and each request then runs on its own, so a slow chat never holds up the others. Callback
answers and calls that are not messages go straight out. Failures are sorted by
transport.failures: a 429 pauses that chat, 5xx and refused connections are retried with
backoff, a maybe-delivered send is never repeated, and a 403 drops the chat's queue.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from transport.failures import Backoff, Verdict, creates_message, is_edit, retry_after_s, verdict
from transport.limits import BOT_RATE_PER_S, CHAT_INTERVAL_S, Budget
from transport.priority import Priority, current_priority
from transport.queues import Callback, ChatKey, ChatQueue, Op, Queues, Result
from transport.shown import Shown, message_key

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
BlockedHook = Callable[[int], Awaitable[None]]

# A 429 in this many different chats within a second means the bot's own limit, not a chat's.
GLOBAL_429_CHATS = 3
# Idle chats' gates are forgotten this often.
SWEEP_EVERY_S = 30.0


class Outbox(BaseRateLimiter[int]):
    """Priorities, Telegram's limits, edit coalescing and retries for every Bot API call."""

    def __init__(
        self,
        *,
        rate: float = BOT_RATE_PER_S,
        chat_interval_s: float = CHAT_INTERVAL_S,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        backoff: Backoff | None = None,
        attempts: int = 5,
        broadcast_attempts: int = 3,
        max_waits: int = 8,
        max_in_flight: int = 64,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self.backoff = backoff or Backoff()
        self._attempts = attempts
        self._broadcast_attempts = broadcast_attempts
        self._max_waits = max_waits
        self._max_in_flight = max_in_flight
        self.on_blocked: BlockedHook | None = None
        # For /metrics: calls by (priority, result), and 429s received.
        self.sent: collections.Counter[tuple[str, str]] = collections.Counter()
        self.retry_after_count = 0
        self.shown = Shown()
        self._budget = Budget(rate)
        self._queues = Queues(chat_interval_s)
        self._seq = itertools.count()
        self._in_flight = 0
        self._global_retry_at = -math.inf
        self._recent_429: collections.deque[tuple[float, ChatKey | None]] = collections.deque()
        self._blocking: set[ChatKey] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._next_sweep = -math.inf

    # --- PTB's interface ------------------------------------------------------------------

    async def initialize(self) -> None:
        """Nothing to open: the loop starts with the first message."""

    async def shutdown(self) -> None:
        """Stop the loop; what is still queued fails (its callers are gone by now)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        closed = NetworkError("the outbox is shut down")
        for op in self._queues.drain():
            self._fail(op, closed, "dropped")

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send one call: messages through the queue, everything else straight out."""
        priority = _priority(endpoint, rate_limit_args)
        chat = _chat_of(data)
        if chat is None or not (creates_message(endpoint) or is_edit(endpoint)):
            return await self._direct(callback, args, kwargs, endpoint, chat, priority)
        loop = asyncio.get_running_loop()
        op = Op(
            seq=next(self._seq),
            priority=priority,
            endpoint=endpoint,
            data=data,
            chat=chat,
            callback=callback,
            args=args,
            kwargs=kwargs,
            future=loop.create_future(),
            key=(endpoint, message_key(data)) if is_edit(endpoint) else None,
        )
        self._enqueue(op)
        return await op.future

    @property
    def chat_interval_s(self) -> float:
        """Seconds between messages to one private chat (in-process handler tests shorten it)."""
        return self._queues.chat_interval_s

    @chat_interval_s.setter
    def chat_interval_s(self, value: float) -> None:
        self._queues.chat_interval_s = value

    @property
    def rate(self) -> float:
        """Messages per second over all chats."""
        return 1.0 / self._budget.interval

    @rate.setter
    def rate(self, value: float) -> None:
        self._budget = Budget(value)

    # --- metrics --------------------------------------------------------------------------

    def depth(self) -> int:
        """Messages queued or under way."""
        return self._queues.queued() + self._in_flight

    # --- calls that are not messages ------------------------------------------------------

    async def _direct(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat: ChatKey | None,
        priority: Priority,
    ) -> Result:
        """Callback answers, chat actions, commands...: no queue, but waits and retries."""
        attempt = waits = 0
        while True:
            pause = self._global_retry_at - self._clock()
            if pause > 0 and priority is not Priority.ANSWER:
                await self._sleep(pause)
            try:
                result = await callback(*args, **kwargs)
            except Exception as exc:
                kind = verdict(exc)
                if kind is Verdict.WAIT and waits < self._max_waits:
                    waits += 1
                    delay = self._note_429(chat, exc)
                    await self._sleep(delay)
                    continue
                repeatable = kind is Verdict.MAYBE and not creates_message(endpoint)
                if kind is Verdict.RETRY or repeatable:
                    attempt += 1
                    if attempt < self._attempts:
                        self._count(priority, "retried")
                        await self._sleep(self.backoff.delay(attempt, self._rand))
                        continue
                if kind is Verdict.BLOCKED and isinstance(chat, int):
                    await self._blocked(chat, exc)
                self._count(priority, "failed")
                raise
            self._count(priority, "sent")
            return result

    # --- the queue ------------------------------------------------------------------------

    def _enqueue(self, op: Op) -> None:
        older = self._queues.add(op)
        if older is not None:
            self._settle(older, True, "superseded")
        self._start()

    def _start(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.get_running_loop().create_task(self._run(), name="outbox")
        self._wake.set()

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            now = self._clock()
            wake_at = self._dispatch(now)
            if wake_at is not None and wake_at <= now:
                continue
            await self._wait(None if wake_at is None else wake_at - now)

    async def _wait(self, seconds: float | None) -> None:
        assert self._wake is not None
        waker = asyncio.ensure_future(self._wake.wait())
        if seconds is None:
            await waker
            return
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait({waker, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waker.cancel()
            sleeper.cancel()

    def _dispatch(self, now: float) -> float | None:
        """Launch every message that may go now; the time to look again (None: when woken)."""
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY_S
            self._queues.sweep(now)
        while self._in_flight < self._max_in_flight:
            best: tuple[ChatQueue, Op] | None = None
            wake: float | None = None
            for chat, op in self._queues.ready(self._needless):
                ready = max(op.not_before, chat.retry_at, chat.gate.free_at(now, op.priority))
                if ready > now:
                    wake = ready if wake is None else min(wake, ready)
                elif best is None or op.order() < best[1].order():
                    best = (chat, op)
            if best is None:
                return wake
            slot = max(self._budget.free_at(now), self._global_retry_at)
            if slot > now:
                return slot
            self._launch(best[0], now)
        return None

    def _needless(self, op: Op) -> bool:
        """Settle a queued message that need not go: its caller left, or it shows already."""
        if op.future.done():
            self._count(op.priority, "cancelled")
            return True
        if op.key is not None and self.shown.identical(op.endpoint, op.data):
            self._settle(op, True, "identical")
            return True
        return False

    def _launch(self, chat: ChatQueue, now: float) -> None:
        op = self._queues.take(chat)
        chat.busy = True
        self._in_flight += 1
        self._budget.take(now)
        chat.gate.take(now)
        task = asyncio.get_running_loop().create_task(self._execute(op, chat))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _execute(self, op: Op, chat: ChatQueue) -> None:
        try:
            try:
                result = await op.callback(*op.args, **op.kwargs)
            except asyncio.CancelledError:
                # Shut down mid-request: it may have reached Telegram, so the caller must not
                # resend it blindly.
                self._fail(op, TimedOut("the outbox shut down during the request"), "maybe")
                raise
            except Exception as exc:
                await self._failed(op, chat, exc)
            else:
                self.shown.remember(op.endpoint, op.data, result)
                self._settle(op, result, "sent")
        finally:
            chat.gate.answered(self._clock())
            chat.busy = False
            self._in_flight -= 1
            if self._wake is not None:
                self._wake.set()

    async def _failed(self, op: Op, chat: ChatQueue, exc: Exception) -> None:
        kind = verdict(exc)
        if kind is Verdict.WAIT:
            op.waits += 1
            chat.retry_at = max(chat.retry_at, self._clock() + self._note_429(op.chat, exc))
            if op.waits <= self._max_waits:
                self._requeue(op)
                return
        elif kind is Verdict.RETRY or (kind is Verdict.MAYBE and not creates_message(op.endpoint)):
            op.attempts += 1
            limit = (
                self._broadcast_attempts if op.priority is Priority.BROADCAST else self._attempts
            )
            if op.attempts < limit:
                op.not_before = self._clock() + self.backoff.delay(op.attempts, self._rand)
                self._count(op.priority, "retried")
                self._requeue(op)
                return
        elif kind is Verdict.UNCHANGED and op.key is not None:
            self.shown.remember(op.endpoint, op.data, True)
            self._settle(op, True, "unchanged")
            return
        elif kind is Verdict.BLOCKED:
            # The caller hears of it once the user is marked inactive.
            if isinstance(op.chat, int):
                await self._blocked(op.chat, exc)
            self._fail(op, exc, "blocked")
            return
        self._fail(op, exc, "maybe" if kind is Verdict.MAYBE else "failed")

    def _requeue(self, op: Op) -> None:
        if op.future.done():
            self._count(op.priority, "cancelled")
        elif not self._queues.put_back(op):
            self._settle(op, True, "superseded")

    def _note_429(self, chat: ChatKey | None, exc: Exception) -> float:
        """Count a 429; pause every chat when it is clearly the bot's limit. Returns the wait."""
        wait = retry_after_s(exc) if isinstance(exc, RetryAfter) else 1.0
        now = self._clock()
        self.retry_after_count += 1
        recent = self._recent_429
        recent.append((now, chat))
        while recent and recent[0][0] < now - 1.0:
            recent.popleft()
        chats = {c for _, c in recent}
        if chat is None or len(chats) >= GLOBAL_429_CHATS:
            self._global_retry_at = max(self._global_retry_at, now + wait)
        return wait

    async def _blocked(self, chat_id: int, exc: Exception) -> None:
        """403: drop what is queued for the chat, then let the bot forget the user."""
        for op in self._queues.drop_chat(chat_id):
            self._fail(op, exc, "dropped")
        self.shown.forget_chat(chat_id)
        if self.on_blocked is None or chat_id in self._blocking:
            return
        self._blocking.add(chat_id)
        try:
            await self.on_blocked(chat_id)
        except Exception:
            log.exception("on_blocked failed for chat %s", chat_id)
        finally:
            self._blocking.discard(chat_id)

    # --- outcomes -------------------------------------------------------------------------

    def _settle(self, op: Op, result: Result, label: str) -> None:
        if not op.future.done():
            op.future.set_result(result)
        self._count(op.priority, label)

    def _fail(self, op: Op, exc: Exception, label: str) -> None:
        if not op.future.done():
            op.future.set_exception(exc)
        self._count(op.priority, label)

    def _count(self, priority: Priority, label: str) -> None:
        self.sent[(priority.name.lower(), label)] += 1


def _priority(endpoint: str, rate_limit_args: int | None) -> Priority:
    if endpoint == "answerCallbackQuery":
        return Priority.ANSWER
    if rate_limit_args is not None:
        try:
            return Priority(rate_limit_args)
        except ValueError:
            pass
    return current_priority()


def _chat_of(data: dict[str, Any]) -> ChatKey | None:
    chat = data.get("chat_id")
    if chat is None:
        inline = data.get("inline_message_id")
        return f"inline:{inline}" if inline is not None else None
    if isinstance(chat, int):
        return chat
    text = str(chat)
    return int(text) if text.lstrip("-").isdigit() else text
