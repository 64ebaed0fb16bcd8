"""Words of the /settings questions: their own headings, not onboarding's numbered ones."""

from __future__ import annotations

from html import escape

from content.model import Program
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
