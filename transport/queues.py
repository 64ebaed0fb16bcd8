"""The outbox's per-chat queues: messages in (priority, arrival) order, edits coalesced."""

from __future__ import annotations

import asyncio
import bisect
import math
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

from transport.limits import Gate, chat_gate
from transport.priority import Priority

Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]
ChatKey = int | str


@dataclass(eq=False)
class Op:
    """One queued message: its place (priority, seq), its call, and its caller's future."""

    seq: int
    priority: Priority
    endpoint: str
    data: dict[str, Any]
    chat: ChatKey
    callback: Callback
    args: Any
    kwargs: dict[str, Any]
    future: asyncio.Future[Result]
    key: object = None  # edits of one message share a key and coalesce
    attempts: int = 0
    waits: int = 0
    not_before: float = -math.inf

    def order(self) -> tuple[int, int]:
        """The queue order: priority first, then first come."""
        return (self.priority, self.seq)


@dataclass(eq=False)
class ChatQueue:
    """A chat's gate, its queue (in order) and whether a request to it is under way."""

    key: ChatKey
    gate: Gate
    ops: list[Op] = field(default_factory=list)
    busy: bool = False
    retry_at: float = -math.inf

    def idle(self, now: float) -> bool:
        """Nothing queued, under way or remembered: the chat's state can be dropped."""
        return not self.ops and not self.busy and self.gate.idle(now) and self.retry_at <= now


class Queues:
    """Every chat's queue, and which chats have something waiting."""

    def __init__(self, chat_interval_s: float) -> None:
        self.chat_interval_s = chat_interval_s
        self._chats: dict[ChatKey, ChatQueue] = {}
        self._waiting: set[ChatKey] = set()

    def add(self, op: Op) -> Op | None:
        """Queue a message; returns the older queued edit of the same message it replaces."""
        chat = self._chats.get(op.chat)
        if chat is None:
            gate = chat_gate(op.chat, self.chat_interval_s)
            chat = self._chats[op.chat] = ChatQueue(op.chat, gate)
        older = None
        if op.key is not None:
            older = next((o for o in chat.ops if o.key == op.key), None)
            if older is not None:
                # The newer content takes the older edit's place in the queue.
                chat.ops.remove(older)
                op.seq = older.seq
                op.priority = min(op.priority, older.priority)
        bisect.insort(chat.ops, op, key=Op.order)
        self._waiting.add(op.chat)
        return older

    def put_back(self, op: Op) -> bool:
        """Queue a message again after a failed try; False if a newer edit supersedes it."""
        chat = self._chats[op.chat]
        if op.key is not None and any(o.key == op.key for o in chat.ops):
            return False
        bisect.insort(chat.ops, op, key=Op.order)
        self._waiting.add(op.chat)
        return True

    def chat(self, key: ChatKey) -> ChatQueue:
        """The queue of a chat that has (or had) messages."""
        return self._chats[key]

    def ready(self, drop: Callable[[Op], bool]) -> Iterator[tuple[ChatQueue, Op]]:
        """Each idle chat with its next message, after dropping those `drop` settles itself."""
        for key in list(self._waiting):
            chat = self._chats[key]
            if chat.busy:
                # While a request is under way, what the chat shows is not known yet.
                continue
            while chat.ops and drop(chat.ops[0]):
                chat.ops.pop(0)
            if chat.ops:
                yield chat, chat.ops[0]
            else:
                self._waiting.discard(key)

    def take(self, chat: ChatQueue) -> Op:
        """Remove the chat's next message to send it."""
        op = chat.ops.pop(0)
        if not chat.ops:
            self._waiting.discard(chat.key)
        return op

    def drop_chat(self, key: ChatKey) -> list[Op]:
        """Empty one chat's queue; returns what was in it."""
        chat = self._chats.get(key)
        if chat is None:
            return []
        dropped, chat.ops = chat.ops, []
        self._waiting.discard(key)
        return dropped

    def drain(self) -> list[Op]:
        """Empty every queue; returns what was in them."""
        dropped = [op for key in list(self._chats) for op in self.drop_chat(key)]
        self._waiting.clear()
        return dropped

    def queued(self) -> int:
        """Messages waiting in all queues."""
        return sum(len(self._chats[key].ops) for key in self._waiting)

    def sweep(self, now: float) -> None:
        """Forget the state of chats that have been idle long enough."""
        for key in [k for k, c in self._chats.items() if c.idle(now)]:
            del self._chats[key]
