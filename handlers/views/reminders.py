"""Words of reminders and of /remind, /timezone, /pause, /resume, /schedule and /stop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from telegram import (
    InlineKeyboardMarkup,
)

from coach.progression import Plan
from content.model import Program
from handlers.views.common import day_label, dose_line, keyboard
from handlers.views.i18n import _, ngettext
from storage.records import FOREVER, UserRecord


def reminder(program: Program, user: UserRecord, plan: Plan, seconds: int, kind: str) -> str:
    """The reminder: today's session and how long it takes."""
    minutes = max(1, round(seconds / 60))
    head = (
        _("⏰ <b>Training day!</b>")
        if kind == "daily"
        else _("⏰ <b>Here's your reminder, as promised.</b>")
    )
    lines = [
        head,
        ngettext(
            "Today: {dose}, about {minutes} minute.",
            "Today: {dose}, about {minutes} minutes.",
            minutes,
        ).format(dose=escape(dose_line(program, user, plan.dose)), minutes=minutes),
    ]
    if plan.regressed:
        lines.append(_("A lighter session today, because of the pain you reported last time."))
    lines.append(
        _("Tap <b>Start now</b> for a guided session, or reply <code>done</code> per set.")
    )
    return "\n".join(lines)


def reminder_keyboard(day: date, kind: str) -> InlineKeyboardMarkup:
    """Start now / In 1 hour (the daily reminder only: one snooze a day) / Skip today."""
    stamp = day.isoformat()
    row = [(_("▶️ Start now"), "workout:start")]
    if kind == "daily":
        row.append((_("⏰ In 1 hour"), f"remind:snooze:{stamp}"))
    row.append((_("⏭ Skip today"), f"remind:skip:{stamp}"))
    return keyboard([row])


def _next_words(next_local: datetime | None) -> str:
    if next_local is None:
        return _("Reminders are paused or off: /resume turns them on.")
    return _("Next reminder: {day} at {time}.").format(
        day=day_label(next_local.date()), time=f"{next_local:%H:%M}"
    )


def reminder_skipped(next_local: datetime | None) -> str:
    """The reminder after Skip today, with the next reminder's local time."""
    return _("⏭ Skipped today. {next}").format(next=_next_words(next_local))


def reminder_snoozed(at_local: datetime) -> str:
    """The reminder after In 1 hour."""
    return _("⏰ OK, I'll remind you again at {time}.").format(time=f"{at_local:%H:%M}")


def snoozed_toast(at_local: datetime) -> str:
    """Toast after In 1 hour."""
    return _("I'll remind you at {time}").format(time=f"{at_local:%H:%M}")


def skipped_toast() -> str:
    """Toast after Skip today."""
    return _("Skipped today")


def already_skipped() -> str:
    """Toast: today is already skipped."""
    return _("Today is already skipped.")


def snooze_used() -> str:
    """Toast: only one extra reminder a day."""
    return _("I only remind you once more a day. Start when you're ready!")


def snooze_too_late() -> str:
    """Toast: an hour from now is tomorrow."""
    return _("It's too late for another reminder today. See you on your next training day!")


def reminder_expired(day: date) -> str:
    """Toast for a button on an earlier day's reminder."""
    return _("That reminder was for {day}. /schedule shows what's next.").format(day=day_label(day))


def reminder_settings(user: UserRecord, next_local: datetime | None) -> str:
    """After /remind, /timezone or /resume: the time, zone and next reminder (local time)."""
    base = _("Reminders every other day at {time} {zone}.").format(
        time=f"{user.remind_at:%H:%M}", zone=escape(user.timezone)
    )
    if not user.reminders_on:
        return base + " " + _("Reminders are off: /resume turns them on.")
    if user.paused_until is not None and user.paused_until >= FOREVER:
        return base + " " + _("Paused until you /resume.")
    return f"{base} {_next_words(next_local)}"


def remind_example() -> str:
    """How to use /remind."""
    return _("For example: <code>/remind 07:30</code> or <code>/remind 7:30pm</code>.")


def remind_usage(user: UserRecord) -> str:
    """/remind without a time."""
    return _("Your reminder time is {time}. {example}").format(
        time=f"{user.remind_at:%H:%M}", example=remind_example()
    )


def timezone_usage(user: UserRecord) -> str:
    """/timezone without a zone."""
    return _(
        "Your timezone is {zone}. To change it: "
        "<code>/timezone Europe/Berlin</code>, <code>/timezone New York</code> or "
        "<code>/timezone UTC+2</code>, or share your location (📎 → Location)."
    ).format(zone=escape(user.timezone))


def pause_usage(text: str, max_days: int) -> str:
    """/pause with something that isn't a number of days."""
    return _(
        "“{text}” isn't a number of days I can pause for. "
        "Use <code>/pause</code> (until you /resume) or <code>/pause 7</code> "
        "(1 to {max_days} days)."
    ).format(text=escape(text[:40]), max_days=max_days)


def paused(until: date | None) -> str:
    """After /pause."""
    if until is None or until >= FOREVER:
        return _("⏸ Reminders paused until you send /resume.")
    return _("⏸ Reminders paused. They start again on {day} (or /resume sooner).").format(
        day=day_label(until)
    )


def resumed() -> str:
    """After /resume."""
    return _("▶️ Reminders are on.")


def schedule(user: UserRecord, days: Sequence[tuple[date, datetime]], today: date) -> str:
    """/schedule: the next training days."""
    head = _("<b>Your next training days</b> (every other day at {time} {zone}):").format(
        time=f"{user.remind_at:%H:%M}", zone=escape(user.timezone)
    )
    if not user.reminders_on:
        return head + "\n" + _("Reminders are off. /resume turns them on.")
    if not days:
        return head + "\n" + _("Paused until you /resume.")
    lines = [head]
    for day, moment in days:
        label = _("Today") if day == today else day_label(day)
        lines.append(f"• {label}, {moment:%H:%M}")
    if user.paused_until is not None and user.paused_until > today:
        lines.append(_("(Paused until {day}.)").format(day=day_label(user.paused_until)))
    lines.append(_("After each session the next one is two days later."))
    return "\n".join(lines)


def stopped(ended_session: bool) -> str:
    """After /stop."""
    if ended_session:
        return _(
            "⏹ Session ended; what you logged is kept. Reminders are off. Your history is kept: "
            "/resume or /start turns reminders back on."
        )
    return _(
        "⏹ Reminders are off. Your history is kept: /resume or /start turns reminders back on."
    )
