"""Send priorities: which class a request to Telegram belongs to, carried in a context variable."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum


class Priority(IntEnum):
    """Lower goes first: callback answers, replies to what a user just did, pacing, broadcasts."""

    ANSWER = 0
    REPLY = 1
    PACING = 2
    BROADCAST = 3


_current: contextvars.ContextVar[Priority] = contextvars.ContextVar(
    "send_priority", default=Priority.REPLY
)


def current_priority() -> Priority:
    """The priority of sends made from the running task (REPLY unless a caller said otherwise)."""
    return _current.get()


@contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Mark every send made inside the block (and in tasks it starts) with `priority`."""
    token = _current.set(priority)
    try:
        yield
    finally:
        _current.reset(token)
