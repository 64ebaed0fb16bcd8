"""Words that say where a user stands: paused, safety-paused, stopped, or today's session over."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Program
from handlers.views.common import day_label, dose_line, keyboard
from handlers.views.i18n import _, ngettext
from storage.pauses import PauseRecord
from storage.records import FOREVER, UserRecord


def is_paused(user: UserRecord, today: date) -> bool:
    """Whether reminders are paused today, by /pause or by the safety pause."""
    return user.paused_until is not None and user.paused_until > today


def pause_line(user: UserRecord, pause: PauseRecord | None) -> str:
    """One or two sentences on why reminders are paused and how they come back."""
    if pause is not None and pause.reason == "safety":
        return _(
            "⏸ <b>Your reminders are paused</b> since the pain you reported on "
            "{day}. Please check with your doctor or physical therapist "
            "before you train again, and send /resume when you're ready."
        ).format(day=day_label(pause.start))
    until = user.paused_until
    if until is None or until >= FOREVER:
        return _("⏸ <b>Your reminders are paused</b> until you send /resume.")
    return _(
        "⏸ <b>Your reminders are paused</b>: they start again on {day}. "
        "Send /resume to bring them back sooner."
    ).format(day=day_label(until))


def welcome_back_paused(program: Program, user: UserRecord, pause: PauseRecord | None) -> str:
    """/start from a known user whose reminders are paused: no "training day" talk."""
    values = {
        "pause": pause_line(user, pause),
        "preset": escape(program.preset(user.preset).label),
        "dose": escape(dose_line(program, user)),
    }
    if user.first_name:
        return _("Welcome back, {name}!\n{pause}\nYour dose: {preset}, {dose}.").format(
            name=escape(user.first_name), **values
        )
    return _("Welcome back!\n{pause}\nYour dose: {preset}, {dose}.").format(**values)


def workout_while_paused(user: UserRecord, pause: PauseRecord | None) -> str:
    """/workout while paused: say so, and let them train if they insist."""
    if pause is not None and pause.reason == "safety":
        ask = _(
            "Train anyway only if your doctor or physical therapist agrees; the session will "
            "be lighter, and stop at once if it hurts."
        )
    else:
        ask = _("Want to train anyway? Today's session is ready.")
    return f"{pause_line(user, pause)}\n\n{ask}"


def train_anyway_keyboard() -> InlineKeyboardMarkup:
    """The one button that starts a session while reminders are paused."""
    return keyboard([[(_("▶️ Train anyway"), "workout:anyway")]])


def session_over(done: int, planned: int, skipped: int) -> str:
    """/workout after today's session ended with skipped sets: never call that "done"."""
    return ngettext(
        "Today's session is over: {done} of {planned} set done, {skipped} skipped. "
        "Start another anyway?",
        "Today's session is over: {done} of {planned} sets done, {skipped} skipped. "
        "Start another anyway?",
        planned,
    ).format(done=done, planned=planned, skipped=skipped)
