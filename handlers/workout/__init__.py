"""Guided sets: /workout, Go, one pacing message edited beat by beat, rest, summary, check-in.

A running session lives in memory (BotData.runtime[user_id] is a Guided) and is driven by a
chain of short job-queue jobs, never one long coroutine, so shutdown is prompt. Every change of
a user's runtime happens under its lock; a job whose generation number is out of date does
nothing, which is how a Pause, Stop or log cancels the beats already scheduled.

What a session sends goes through the outbox (transport/outbox.py), which keeps Telegram's
limits: a chat's edits coalesce (the newest wins) and one identical to what shows is never sent.
A pacing job shows the beat that is due and hands its edit over without waiting; with many
chats pacing at once the timelines are thinned to what the bot can send (coach.pacing), so a
chat sees fewer beats rather than late ones. A send that fails never leaves a session stuck:
the set-up is sent again, or the session ends as partial; a blocked chat ends it silently.

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
