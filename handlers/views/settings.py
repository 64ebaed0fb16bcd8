"""Words of the /settings questions: their own headings, not onboarding's numbered ones."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Program
from handlers.views import i18n, pacing_modes
from handlers.views import language as language_views
from handlers.views.common import LEGS_LABEL, dose_line, keyboard
from handlers.views.onboarding import schedule_line
from storage.records import UserRecord

WEEKDAY_PLURAL = (
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)


def ask_preset(program: Program) -> str:
    """Settings: which dose preset, each with its source."""
    lines = [
        "<b>Settings · Dose preset</b>",
        "Switching starts you at the new preset's own dose (steps you took up are reset).\n",
    ]
    for preset in program.presets:
        lines.append(
            f"• <b>{escape(preset.label)}</b>: {escape(preset.summary)}\n"
            f"  <i>Source: {escape(program.source(preset.source).name)}</i>"
        )
    return "\n".join(lines)


def ask_legs() -> str:
    """Settings: which legs."""
    return "<b>Settings · Legs</b>\nBoth is usual; pick one leg if you are rehabbing one knee."


def ask_timezone() -> str:
    """Settings: the timezone."""
    return (
        "<b>Settings · Timezone</b>\n"
        "Type a city or zone (<code>Europe/Berlin</code>, <code>New York</code>, "
        "<code>UTC+2</code>), share your location (📎 → Location), or pick one:"
    )


def ask_time() -> str:
    """Settings: the reminder time."""
    return (
        "<b>Settings · Reminder time</b>\n"
        "Pick one or type it (<code>07:30</code>, <code>7:30pm</code>). "
        "Your weekly recap comes at this time too."
    )


def recap_line(user: UserRecord) -> str:
    """The /settings line about the weekly recap."""
    if not user.recap_on:
        return "Weekly recap: off (/recap on)"
    return f"Weekly recap: {WEEKDAY_PLURAL[user.recap_day]} at {user.remind_at:%H:%M} (/recap)"


def settings_text(program: Program, user: UserRecord, next_day: date | None) -> str:
    """The current choices."""
    preset = program.preset(user.preset)
    return (
        "<b>Your settings</b>\n"
        f"Dose: {escape(preset.label)} ({escape(dose_line(program, user))})\n"
        f"Legs: {LEGS_LABEL[user.legs]}\n"
        f"Reminder: {user.remind_at:%H:%M}\n"
        f"Timezone: {escape(user.timezone)}\n"
        f"{pacing_modes.pacing_line(user.pacing_mode)}\n"
        f"{recap_line(user)}\n"
        f"{language_views.language_line(i18n.current())}\n"
        f"{schedule_line(user, next_day)}"
    )


def settings_keyboard(user: UserRecord) -> InlineKeyboardMarkup:
    """One button per setting."""
    paused = user.paused_until is not None or not user.reminders_on
    return keyboard(
        [
            [("Dose preset", "menu:preset"), ("Legs", "menu:legs")],
            [("Reminder time", "menu:time"), ("Timezone", "menu:tz")],
            [("Pacing", "pace:menu"), ("🌐 Language", "lang:menu")],
            [
                ("▶️ Resume reminders", "menu:resume")
                if paused
                else ("⏸ Pause reminders", "menu:pause")
            ],
        ]
    )


def setting_saved_line(toast: str) -> str:
    """A "Saved: …" line above a settings panel."""
    return f"✅ {escape(toast)}\n\n"
