"""What a failed Bot API call means: retry it, wait, give up, or never resend (maybe delivered)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

# Calls that change nothing when repeated: an edit shows the same content, an answer is
# ignored the second time. Everything that creates a message (send*, copy*, forward*) is not.
_CREATING = ("send", "copy", "forward")


class Verdict(Enum):
    """How the outbox treats one failure."""

    RETRY = "retry"  # certainly not applied (5xx answer, refused connection): try again
    MAYBE = "maybe"  # the request may have reached Telegram (timeout after sending)
    WAIT = "wait"  # 429: wait retry_after, then try again
    BLOCKED = "blocked"  # 403: the user blocked the bot (or left the chat)
    UNCHANGED = "unchanged"  # 400 "message is not modified": the edit is already showing
    FATAL = "fatal"  # anything else: the caller's to handle


def creates_message(endpoint: str) -> bool:
    """Whether repeating the call could show the user a second message."""
    return endpoint.startswith(_CREATING) and endpoint != "sendChatAction"


def is_edit(endpoint: str) -> bool:
    """Whether the call edits an existing message (and so may coalesce)."""
    return endpoint.startswith("editMessage")


def verdict(exc: Exception) -> Verdict:
    """Classify a failure of one call."""
    if isinstance(exc, RetryAfter):
        return Verdict.WAIT
    if isinstance(exc, Forbidden):
        return Verdict.BLOCKED
    if isinstance(exc, BadRequest):
        return Verdict.UNCHANGED if "not modified" in str(exc) else Verdict.FATAL
    if isinstance(exc, TimedOut):
        # No connection from the pool, or none made: the request never left.
        cause = exc.__cause__
        if isinstance(cause, httpx.PoolTimeout | httpx.ConnectTimeout):
            return Verdict.RETRY
        return Verdict.MAYBE
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        if cause is None:
            # An HTTP error status (5xx) that Telegram answered with: it did not apply it.
            return Verdict.RETRY
        if isinstance(cause, httpx.ConnectError):
            return Verdict.RETRY
        return Verdict.MAYBE
    return Verdict.FATAL


def retry_after_s(exc: RetryAfter) -> float:
    """The seconds a 429 asks to wait."""
    value: object = exc._retry_after  # the public property warns about its int form
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts: base × factor^n, capped, with jitter so retries don't align."""

    base_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 8.0
    jitter: float = 0.25  # ± this fraction of the delay

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait after the `attempt`-th failure (1-based)."""
        raw = min(self.cap_s, self.base_s * self.factor ** max(0, attempt - 1))
        return max(0.0, raw * (1.0 + self.jitter * (2.0 * rand() - 1.0)))
