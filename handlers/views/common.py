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
from handlers.views import i18n
from handlers.views.i18n import N_, _, ngettext
from storage.records import UserRecord

# Telegram's limit on one message; longer lists are cut with a note.
MAX_TEXT = 4096


# The command menu and /help; descriptions are translated where shown (N_ marks them).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start or restart the medial leg raise program")),
    ("workout", N_("Today's guided session, rep by rep")),
    ("learn", N_("Learn the movement step by step")),
    ("cues", N_("Form checklist")),
    ("mistakes", N_("Common mistakes and how to fix them")),
    ("variations", N_("Variations and progressions")),
    ("sources", N_("Where each preset comes from, and the coach's own numbers")),
    ("progress", N_("Your progress with a chart")),
    ("history", N_("Your last sessions")),
    ("schedule", N_("Your next training days")),
    ("remind", N_("Change the reminder time, e.g. /remind 07:30")),
    ("timezone", N_("Change your timezone, e.g. /timezone Europe/Berlin")),
    ("pause", N_("Pause reminders, e.g. /pause 7")),
    ("resume", N_("Turn reminders back on")),
    ("stop", N_("End a running session and turn reminders off")),
    ("settings", N_("Preset, legs, time, timezone, language")),
    ("language", N_("Change the language")),
    ("recap", N_("Weekly recap: /recap on, off or a weekday")),
    ("export", N_("Download your log as CSV")),
    ("delete", N_("Erase everything the bot knows about you")),
    ("help", N_("What I can do")),
)


def commands() -> list[tuple[str, str]]:
    """The command menu in the current language."""
    return [(name, _(description)) for name, description in COMMANDS]


LEGS_LABEL = {
    "both": N_("Both legs"),
    "left": N_("Left leg only"),
    "right": N_("Right leg only"),
}


def legs_label(legs: str) -> str:
    """The legs setting in words: "Both legs", "Left leg only"."""
    return _(LEGS_LABEL.get(legs, LEGS_LABEL["both"]))


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback_data); callback_data must fit 64 bytes."""
    for row in rows:
        for _label, data in row:
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
    """A short weekday and date in the user's language, e.g. "Tue 24 Nov"."""
    return i18n.day_label(day)


def when_label(moment: datetime, tz_name: str) -> str:
    """A local date and time for the user, e.g. "Tue 24 Nov, 07:30"."""
    return _("{day}, {time}").format(day=day_label(moment.date()), time=f"{moment:%H:%M}")


def dose_line(program: Program, user: UserRecord, dose: Dose | None = None) -> str:
    """E.g. "3 × 10 per leg, hold 2 s": the user's usual dose, or the given (lighter) one."""
    four_count = program.preset(user.preset).cadence.four_count
    return dose_text(dose or usual_dose(program, user), user.legs, four_count=four_count)


def need_start() -> str:
    """A command that needs a profile, from someone without one."""
    return _("I don't know you yet. Send /start medial to set up (it takes four taps).")


def finish_onboarding_first() -> str:
    """A feature used before onboarding is finished."""
    return _(
        "Let's finish setting up first: answer the question above, or send /start to see it again."
    )


def help_text() -> str:
    """Every command, one line each."""
    lines = [_("<b>Medial coach</b> — what I can do:")]
    lines += [f"/{name} — {escape(description)}" for name, description in commands()]
    lines.append(
        "\n"
        + _(
            "During a session, reply <code>done</code> to log a set "
            "(<code>done 8</code>, <code>done 8 left</code>, <code>skip</code>, "
            "<code>undo</code>)."
        )
    )
    return "\n".join(lines)


def hint() -> str:
    """Reply to text we don't understand."""
    return _(
        "I didn't catch that. During or after a set reply <code>done</code> "
        "(or <code>done 8</code>, <code>skip</code>, <code>undo</code>). /help lists everything."
    )


def too_long() -> str:
    """Reply to a huge message."""
    return _(
        "That's a long message! I only understand short replies like <code>done 8</code>. /help"
    )


def unknown_command(command: str) -> str:
    """Reply to a command we don't have."""
    return _("I don't know {command}. /help lists what I can do.").format(
        command=escape(command[:40])
    )


def stale_button() -> str:
    """Toast for a button that no longer does anything."""
    return _("That button has expired. Send /help to see what I can do.")


def apology() -> str:
    """Sent when a handler failed unexpectedly."""
    return _("Sorry, something went wrong on my side. Please try again in a moment.")


def unsupported_message() -> str:
    """Reply to stickers, photos, voice and the like."""
    return _("I can only read text, buttons and locations. /help lists what I can do.")


DIFFICULTY_LABEL = {"easy": N_("Easy"), "right": N_("About right"), "hard": N_("Hard")}


def difficulty_label(key: str) -> str:
    """A difficulty answer as its button says it: "Easy", "About right", "Hard"."""
    return _(DIFFICULTY_LABEL[key]) if key in DIFFICULTY_LABEL else key


def minutes_label(seconds: float) -> str:
    """A duration for people: "under a minute", "1 min", "8 min"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("under a minute")
    return ngettext("{n} min", "{n} min", minutes).format(n=minutes)


def clip_html(text: str) -> str:
    """Guard a built message against Telegram's limit (content texts are short; this is a net)."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def dose_text(dose: Dose, legs: str, *, four_count: bool = False) -> str:
    """A dose in a few words, e.g. "3 × 7 per leg, hold 2 s"."""
    return dose_words(
        dose.sets,
        dose.reps,
        legs,
        hold_s=dose.hold_s,
        four_count=four_count,
        ankle_weight=dose.ankle_weight,
    )


def dose_words(
    sets: int, reps: int, legs: str, *, hold_s: int, four_count: bool, ankle_weight: bool = False
) -> str:
    """Sets, reps, legs, hold or 4-count and weight, e.g. "3 × 7 left leg, hold 2 s"."""
    if legs == "left":
        first = _("{sets} × {reps} left leg")
    elif legs == "right":
        first = _("{sets} × {reps} right leg")
    else:
        first = _("{sets} × {reps} per leg")
    parts = [first.format(sets=sets, reps=reps)]
    if four_count:
        parts.append(_("4-count"))
    elif hold_s:
        parts.append(_("hold {seconds} s").format(seconds=hold_s))
    if ankle_weight:
        parts.append(_("with an ankle weight"))
    # TRANSLATORS: the separator between the parts of a dose ("3 × 10 per leg, hold 2 s").
    return _(", ").join(parts)
