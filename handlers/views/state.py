"""Words that say where a user stands: paused, safety-paused, stopped, or today's session over."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Program
from handlers.render import day_label, dose_line, keyboard
from storage.pauses import PauseRecord
from storage.records import FOREVER, UserRecord


def is_paused(user: UserRecord, today: date) -> bool:
    """Whether reminders are paused today, by /pause or by the safety pause."""
    return user.paused_until is not None and user.paused_until > today


def pause_line(user: UserRecord, pause: PauseRecord | None) -> str:
    """One or two sentences on why reminders are paused and how they come back."""
    if pause is not None and pause.reason == "safety":
        return (
            "⏸ <b>Your reminders are paused</b> since the pain you reported on "
            f"{day_label(pause.start)}. Please check with your doctor or physical therapist "
            "before you train again, and send /resume when you're ready."
        )
    until = user.paused_until
    if until is None or until >= FOREVER:
        return "⏸ <b>Your reminders are paused</b> until you send /resume."
    return (
        f"⏸ <b>Your reminders are paused</b>: they start again on {day_label(until)}. "
        "Send /resume to bring them back sooner."
    )


def welcome_back_paused(program: Program, user: UserRecord, pause: PauseRecord | None) -> str:
    """/start from a known user whose reminders are paused: no "training day" talk."""
    name = escape(user.first_name) if user.first_name else "there"
    return (
        f"Welcome back, {name}!\n{pause_line(user, pause)}\n"
        f"Your dose: {escape(program.preset(user.preset).label)}, "
        f"{escape(dose_line(program, user))}."
    )


def workout_while_paused(user: UserRecord, pause: PauseRecord | None) -> str:
    """/workout while paused: say so, and let them train if they insist."""
    if pause is not None and pause.reason == "safety":
        ask = (
            "Train anyway only if your doctor or physical therapist agrees; the session will "
            "be lighter, and stop at once if it hurts."
        )
    else:
        ask = "Want to train anyway? Today's session is ready."
    return f"{pause_line(user, pause)}\n\n{ask}"


def train_anyway_keyboard() -> InlineKeyboardMarkup:
    """The one button that starts a session while reminders are paused."""
    return keyboard([[("▶️ Train anyway", "workout:anyway")]])


def session_over(done: int, planned: int, skipped: int) -> str:
    """/workout after today's session ended with skipped sets: never call that "done"."""
    return (
        f"Today's session is over: {done} of {planned} sets done, {skipped} skipped. "
        "Start another anyway?"
    )
