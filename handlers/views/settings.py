"""Words of the /settings questions: their own headings, not onboarding's numbered ones."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Program
from handlers.views import i18n, pacing_modes
from handlers.views import language as language_views
from handlers.views.common import dose_line, keyboard, legs_label
from handlers.views.i18n import N_, _
from handlers.views.onboarding import schedule_line
from storage.records import UserRecord

# TRANSLATORS: as in "Weekly recap: Sundays at 18:00".
WEEKDAY_PLURAL = (
    N_("Mondays"),
    N_("Tuesdays"),
    N_("Wednesdays"),
    N_("Thursdays"),
    N_("Fridays"),
    N_("Saturdays"),
    N_("Sundays"),
)


def preset_lines(program: Program) -> list[str]:
    """One line per preset with its summary and source."""
    return [
        _("• <b>{preset}</b>: {summary}\n  <i>Source: {source}</i>").format(
            preset=escape(preset.label),
            summary=escape(preset.summary),
            source=escape(program.source(preset.source).name),
        )
        for preset in program.presets
    ]


def ask_preset(program: Program) -> str:
    """Settings: which dose preset, each with its source."""
    head = _(
        "<b>Settings · Dose preset</b>\n"
        "Switching starts you at the new preset's own dose (steps you took up are reset)."
    )
    return "\n".join([head + "\n", *preset_lines(program)])


def ask_legs() -> str:
    """Settings: which legs."""
    return _("<b>Settings · Legs</b>\nBoth is usual; pick one leg if you are rehabbing one knee.")


def ask_timezone() -> str:
    """Settings: the timezone."""
    return _(
        "<b>Settings · Timezone</b>\n"
        "Type a city or zone (<code>Europe/Berlin</code>, <code>New York</code>, "
        "<code>UTC+2</code>), share your location (📎 → Location), or pick one:"
    )


def ask_time() -> str:
    """Settings: the reminder time."""
    return _(
        "<b>Settings · Reminder time</b>\n"
        "Pick one or type it (<code>07:30</code>, <code>7:30pm</code>). "
        "Your weekly recap comes at this time too."
    )


def recap_line(user: UserRecord) -> str:
    """The /settings line about the weekly recap."""
    if not user.recap_on:
        return _("Weekly recap: off (/recap on)")
    return _("Weekly recap: {days} at {time} (/recap)").format(
        days=_(WEEKDAY_PLURAL[user.recap_day]), time=f"{user.remind_at:%H:%M}"
    )


def settings_text(program: Program, user: UserRecord, next_day: date | None) -> str:
    """The current choices."""
    preset = program.preset(user.preset)
    return _(
        "<b>Your settings</b>\n"
        "Dose: {preset} ({dose})\n"
        "Legs: {legs}\n"
        "Reminder: {time}\n"
        "Timezone: {zone}\n"
        "{pacing}\n"
        "{recap}\n"
        "{language}\n"
        "{schedule}"
    ).format(
        preset=escape(preset.label),
        dose=escape(dose_line(program, user)),
        legs=legs_label(user.legs),
        time=f"{user.remind_at:%H:%M}",
        zone=escape(user.timezone),
        pacing=pacing_modes.pacing_line(user.pacing_mode),
        recap=recap_line(user),
        language=language_views.language_line(i18n.current()),
        schedule=schedule_line(user, next_day),
    )


def settings_keyboard(user: UserRecord) -> InlineKeyboardMarkup:
    """One button per setting."""
    paused = user.paused_until is not None or not user.reminders_on
    return keyboard(
        [
            [(_("Dose preset"), "menu:preset"), (_("Legs"), "menu:legs")],
            [(_("Reminder time"), "menu:time"), (_("Timezone"), "menu:tz")],
            [(_("Pacing"), "pace:menu"), (_("🌐 Language"), "lang:menu")],
            [
                (_("▶️ Resume reminders"), "menu:resume")
                if paused
                else (_("⏸ Pause reminders"), "menu:pause")
            ],
        ]
    )


def saved_toast(what: str) -> str:
    """The toast after a setting is chosen: "Saved: Knee rehab"."""
    return _("Saved: {what}").format(what=what)


def setting_saved_line(toast: str) -> str:
    """A "Saved: …" line above a settings panel."""
    return f"✅ {escape(toast)}\n\n"


def pause_toast(*, paused: bool) -> str:
    """The toast of the pause/resume button of /settings."""
    return _("Reminders paused") if paused else _("Reminders on")
