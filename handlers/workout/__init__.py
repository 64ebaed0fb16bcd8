"""Guided sets: /workout, Go, one pacing message edited beat by beat, rest, summary, check-in.

A running session lives in memory (BotData.runtime[user_id] is a Guided) and is driven by a
chain of short job-queue jobs, never one long coroutine, so shutdown is prompt. Every change of
a user's runtime happens under its lock; a job whose generation number is out of date does
nothing, which is how a Pause, Stop or log cancels the beats already scheduled.

Telegram allows about one message per second per chat: edits go through a per-chat gate (an
edit due earlier is deferred to a short job, coalescing with later edits of the same message),
and a screen identical to the one showing is never sent. Telegram allows about 30 messages per
second per bot: everything this feature sends is spaced by a shared budget (25/s), and with
many chats pacing at once the timelines are thinned (coach.pacing.thin_timeline), so beats are
fewer rather than later. A beat never waits for one already missed: the job shows the beat due.

Modules: runtime (state, jobs), output (sending), pacer (the phases of a set), session
(start, continue, end), checkin (summary, pain and difficulty), buttons (commands and wk:).
"""

from __future__ import annotations

from handlers.workout.buttons import button, start_button, workout_command
from handlers.workout.checkin import sharp_pain, summary_text
from handlers.workout.runtime import (
    Guided,
    beat_observers,
    end_guided_silently,
    guided,
    session_cadence,
    session_slots,
)
from handlers.workout.session import (
    close_running_session,
    close_silent_sessions,
    complete,
    on_logged,
    on_startup,
    on_undone,
)

__all__ = [
    "Guided",
    "beat_observers",
    "button",
    "close_running_session",
    "close_silent_sessions",
    "complete",
    "end_guided_silently",
    "guided",
    "on_logged",
    "on_startup",
    "on_undone",
    "session_cadence",
    "session_slots",
    "sharp_pain",
    "start_button",
    "summary_text",
    "workout_command",
]
