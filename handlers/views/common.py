"""Words and helpers every view shares: keyboards, limits, dates, the command list, fallbacks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from coach.progression import Dose
from content.model import Program
from handlers.dose import usual_dose
from storage.records import UserRecord

# Telegram's limit on one message; longer lists are cut with a note.
MAX_TEXT = 4096


COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Start or restart the medial leg raise program"),
    ("workout", "Today's guided session, rep by rep"),
    ("learn", "Learn the movement step by step"),
    ("cues", "Form checklist"),
    ("mistakes", "Common mistakes and how to fix them"),
    ("variations", "Variations and progressions"),
    ("sources", "Where each preset comes from, and the coach's own numbers"),
    ("progress", "Your progress with a chart"),
    ("history", "Your last sessions"),
    ("schedule", "Your next training days"),
    ("remind", "Change the reminder time, e.g. /remind 07:30"),
    ("timezone", "Change your timezone, e.g. /timezone Europe/Berlin"),
    ("pause", "Pause reminders, e.g. /pause 7"),
    ("resume", "Turn reminders back on"),
    ("stop", "End a running session and turn reminders off"),
    ("settings", "Preset, legs, time, timezone"),
    ("language", "Change the language"),
    ("recap", "Weekly recap: /recap on, off or a weekday"),
    ("export", "Download your log as CSV"),
    ("delete", "Erase everything the bot knows about you"),
    ("help", "What I can do"),
)


SIDE_WORD = {"left": "left", "right": "right"}


LEGS_LABEL = {"both": "Both legs", "left": "Left leg only", "right": "Right leg only"}


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback_data); callback_data must fit 64 bytes."""
    for row in rows:
        for _, data in row:
            # Telegram rejects callback_data outside 1..64 bytes; PTB does not check.
            if not 1 <= len(data.encode()) <= 64:
                raise ValueError(f"callback_data of {len(data.encode())} bytes")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Cut plain text to fit a Telegram message (call before adding markup)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def day_label(day: date) -> str:
    """A short weekday and date, e.g. "Tue 24 Nov"."""
    return f"{day:%a} {day.day} {day:%b}"


def when_label(moment: datetime, tz_name: str) -> str:
    """A local date and time for the user, e.g. "Tue 24 Nov, 07:30"."""
    return f"{day_label(moment.date())}, {moment:%H:%M}"


def dose_line(program: Program, user: UserRecord, dose: Dose | None = None) -> str:
    """E.g. "3 × 10 per leg, hold 2 s": the user's usual dose, or the given (lighter) one."""
    four_count = program.preset(user.preset).cadence.four_count
    return dose_text(dose or usual_dose(program, user), user.legs, four_count=four_count)


def need_start() -> str:
    """A command that needs a profile, from someone without one."""
    return "I don't know you yet. Send /start medial to set up (it takes four taps)."


def finish_onboarding_first() -> str:
    """A feature used before onboarding is finished."""
    return (
        "Let's finish setting up first: answer the question above, or send /start to see it again."
    )


def help_text() -> str:
    """Every command, one line each."""
    lines = ["<b>Medial coach</b> — what I can do:"]
    lines += [f"/{name} — {escape(description)}" for name, description in COMMANDS]
    lines.append(
        "\nDuring a session, reply <code>done</code> to log a set "
        "(<code>done 8</code>, <code>done 8 left</code>, <code>skip</code>, <code>undo</code>)."
    )
    return "\n".join(lines)


def hint() -> str:
    """Reply to text we don't understand."""
    return (
        "I didn't catch that. During or after a set reply <code>done</code> "
        "(or <code>done 8</code>, <code>skip</code>, <code>undo</code>). /help lists everything."
    )


def too_long() -> str:
    """Reply to a huge message."""
    return "That's a long message! I only understand short replies like <code>done 8</code>. /help"


def unknown_command(command: str) -> str:
    """Reply to a command we don't have."""
    return f"I don't know {escape(command[:40])}. /help lists what I can do."


def stale_button() -> str:
    """Toast for a button that no longer does anything."""
    return "That button has expired. Send /help to see what I can do."


def apology() -> str:
    """Sent when a handler failed unexpectedly."""
    return "Sorry, something went wrong on my side. Please try again in a moment."


def unsupported_message() -> str:
    """Reply to stickers, photos, voice and the like."""
    return "I can only read text, buttons and locations. /help lists what I can do."


WORKOUT_SIDE = {"left": "left", "right": "right"}


DIFFICULTY_LABEL = {"easy": "Easy", "right": "About right", "hard": "Hard"}


def minutes_label(seconds: float) -> str:
    """A duration for people: "under a minute", "1 min", "8 min"."""
    minutes = round(seconds / 60)
    return "under a minute" if minutes < 1 else f"{minutes} min"


def clip_html(text: str) -> str:
    """Guard a built message against Telegram's limit (content texts are short; this is a net)."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def dose_text(dose: Dose, legs: str, *, four_count: bool = False) -> str:
    """A dose in a few words, e.g. "3 × 7 per leg, hold 2 s"."""
    per = "per leg" if legs == "both" else f"{legs} leg"
    parts = [f"{dose.sets} × {dose.reps} {per}"]
    if four_count:
        parts.append("4-count")
    elif dose.hold_s:
        parts.append(f"hold {dose.hold_s} s")
    if dose.ankle_weight:
        parts.append("with an ankle weight")
    return ", ".join(parts)
