"""After downtime, due reminders that are not sent are settled a batch at a time.

Every due user whose reminder fell due too long ago (dropped) or whose stored time was stale
(rescheduled) is settled in one transaction per batch, from one read of the batch's facts: after
a long outage that is a handful of commits, not one commit (and an fsync) per user. Only users
whose reminder is still sendable go through the dispatcher's one-by-one claim-and-send.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from handlers import planning
from handlers.context import BotData
from storage.records import UserRecord
from storage.reminder_batch import QuietSettle


class Counts(Protocol):
    """The DrainReport fields this step adds to."""

    dropped: int
    rescheduled: int
    duplicate: int
    lost_race: int


async def settle_unsent(
    data: BotData, due: Sequence[UserRecord], report: Counts
) -> list[UserRecord]:
    """Settle every due user whose reminder is not sent now; returns the users left to send to."""
    storage = data.storage
    now = data.now()
    facts = await storage.reminder_facts([user.user_id for user in due])
    quiet: list[QuietSettle] = []
    left: list[UserRecord] = []
    for user in due:
        stored = user.next_reminder_utc
        try:
            last_done, last_reminded = facts.get(user.user_id, (None, None))
            state = planning.reminder_state(user, last_done, last_reminded, now)
            decision = planning.settle_due(state, stored, now) if stored else None
        except Exception:
            # A row that can't be planned: the one-by-one path logs it and defers it.
            left.append(user)
            continue
        if stored is None or decision is None:
            continue
        fire = decision.fire
        if fire is not None and decision.send:
            left.append(user)
            continue
        drop = (fire[1], fire[2]) if fire is not None else None
        quiet.append(
            QuietSettle(user.user_id, stored, drop, decision.next_utc, decision.clears_snooze)
        )
    for item, claimed in zip(quiet, await storage.settle_quietly(quiet, now), strict=True):
        if claimed is None:
            report.lost_race += 1
        elif item.drop is None:
            report.rescheduled += 1
        elif not claimed:
            report.duplicate += 1
        else:
            report.dropped += 1
    return left
