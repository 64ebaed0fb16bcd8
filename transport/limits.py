"""Telegram's flood limits as arithmetic on a monotonic clock: the bot's budget, a chat's gate."""

from __future__ import annotations

import math

from transport.priority import Priority

# About 30 messages per second per bot. Telegram counts over a rolling second, and sends spaced
# evenly just under the limit reach it spread the same way; a full second's worth at once would
# overlap the next second's at Telegram's end.
BOT_RATE_PER_S = 28.0
# About one message per second per private chat, with a short burst for a reply of a few parts.
CHAT_INTERVAL_S = 1.0
CHAT_BURST = 3
# Groups and channels: about 20 messages per minute.
GROUP_INTERVAL_S = 3.0


class Budget:
    """Evenly spaced slots at `rate` per second over all chats (burst 0: strictly spaced)."""

    def __init__(self, rate: float, burst: int = 0) -> None:
        self.interval = 1.0 / rate
        self.burst = burst
        self.next_slot = -math.inf

    def free_at(self, now: float) -> float:
        """The first moment from `now` on with room for one more message."""
        return max(now, self.next_slot - self.burst * self.interval)

    def take(self, now: float) -> None:
        """Count one message sent at `now`."""
        # Slots stay on their grid when the event loop wakes a little late, or every late wake-up
        # would be lost from the budget for good; a longer idle spell starts a new grid.
        late = now - self.next_slot
        start = self.next_slot if 0 <= late < self.interval else max(now, self.next_slot)
        self.next_slot = start + self.interval


class Gate:
    """One chat's limit: a steady `interval` between messages, with a burst for replies.

    A generic cell-rate algorithm: `tat` is when the chat would be idle again. Replies and
    answers may run `burst - 1` messages ahead of it; pacing and broadcasts never run ahead,
    so a guided set or a reminder never spends the burst a user's reply may need.
    """

    def __init__(self, interval: float, burst: int) -> None:
        self.interval = interval
        self.burst = burst
        self.tat = -math.inf

    def free_at(self, now: float, priority: Priority) -> float:
        """The first moment from `now` on at which a message of `priority` may go."""
        ahead = (self.burst - 1) * self.interval if priority <= Priority.REPLY else 0.0
        return max(now, self.tat - ahead)

    def take(self, now: float) -> None:
        """Count one message sent at `now`."""
        self.tat = max(now, self.tat) + self.interval

    def answered(self, now: float) -> None:
        """The request taken last was answered at `now`: the next waits a full interval from it.

        Counted from the answer, not the request, so that network jitter can't bring two
        messages closer than the interval at Telegram's end (which counts arrivals).
        """
        self.tat = max(self.tat, now + self.interval)

    def idle(self, now: float) -> bool:
        """Whether the gate has forgotten every message (the chat's state can be dropped)."""
        return self.tat <= now


def chat_gate(chat: int | str, interval_s: float = CHAT_INTERVAL_S) -> Gate:
    """The gate for a chat id: private chats (positive ids, `interval_s`) or groups and channels."""
    if isinstance(chat, int) and chat > 0:
        return Gate(interval_s, CHAT_BURST)
    return Gate(max(interval_s, GROUP_INTERVAL_S), CHAT_BURST)
