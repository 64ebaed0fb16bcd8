"""Words of /start and the four onboarding questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from content.model import Program
from handlers.views.common import LEGS_LABEL, day_label, dose_line, keyboard, legs_label
from handlers.views.i18n import _
from storage.records import FOREVER, UserRecord


def intro(program: Program) -> str:
    """The first message: what the exercise is for, safety, and the consent question."""
    return (
        f"<b>{escape(program.title)}</b>\n\n{escape(program.purpose)}\n\n"
        f"⚠️ {escape(program.safety)}\n\n{escape(program.consent)}"
    )


def intro_keyboard() -> InlineKeyboardMarkup:
    """Consent buttons."""
    return keyboard(
        [[(_("✅ I agree, let's set up"), "consent:yes")], [(_("No thanks"), "consent:no")]]
    )


def consent_toast() -> str:
    """The toast of "I agree"."""
    return _("Thanks!")


def consent_declined() -> str:
    """Reply to a "No thanks": nothing was stored."""
    return _(
        "No problem: I haven't stored anything about you. You can still read /learn, /cues, "
        "/mistakes and /variations. Send /start whenever you want me to coach and remind you."
    )


def unknown_payload(payload: str) -> str:
    """Reply to /start with a payload that names no program."""
    return _(
        "I don't have a program called “{name}”. "
        "I coach one exercise: the medial leg raise. Send /start medial to begin."
    ).format(name=escape(payload[:40]))


def ask_preset(program: Program, current: str) -> str:
    """Question 1: which dose, each with its source."""
    lines = [_("<b>1/4 · Which dose?</b> You can change this any time in /settings.") + "\n"]
    for preset in program.presets:
        if preset.key == program.default_preset:
            line = _("• <b>{preset}</b> (default): {summary}\n  <i>Source: {source}</i>")
        else:
            line = _("• <b>{preset}</b>: {summary}\n  <i>Source: {source}</i>")
        lines.append(
            line.format(
                preset=escape(preset.label),
                summary=escape(preset.summary),
                source=escape(program.source(preset.source).name),
            )
        )
    return "\n".join(lines)


def preset_keyboard(program: Program, current: str) -> InlineKeyboardMarkup:
    """One button per preset; the current one ticked."""
    return keyboard(
        [
            [(("✓ " if p.key == current else "") + p.label, f"cfg:preset:{p.key}")]
            for p in program.presets
        ]
    )


def ask_legs() -> str:
    """Question 2: which legs."""
    return _("<b>2/4 · Which legs?</b> Both is usual; pick one leg if you are rehabbing one knee.")


def legs_keyboard(current: str) -> InlineKeyboardMarkup:
    """Both / left / right."""
    return keyboard(
        [
            [(("✓ " if key == current else "") + legs_label(key), f"cfg:legs:{key}")]
            for key in LEGS_LABEL
        ]
    )


def ask_timezone() -> str:
    """Question 3: the timezone, typed, shared as a location, or picked."""
    return _(
        "<b>3/4 · Your timezone</b>, so reminders come at your local time.\n"
        "Type a city or zone (<code>Europe/Berlin</code>, <code>New York</code>, "
        "<code>UTC+2</code>), share your location (📎 → Location), or pick one:"
    )


def timezone_keyboard(zones: Sequence[str]) -> InlineKeyboardMarkup:
    """Buttons for common zones, two per row."""
    rows: list[list[tuple[str, str]]] = []
    for index in range(0, len(zones), 2):
        rows.append([(zone, f"cfg:tz:{zone}") for zone in zones[index : index + 2]])
    return keyboard(rows)


def location_hint() -> str:
    """Under the timezone question: the button that shares a location."""
    return _("On your phone? Tap 📍 below and I'll work out your timezone from your location.")


def location_keyboard() -> ReplyKeyboardMarkup:
    """A one-tap location button (Telegram asks the user before sharing)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_("📍 Share my location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=_("Or type a city, e.g. Berlin"),
    )


def timezone_confirmed(zone: str) -> tuple[str, ReplyKeyboardRemove]:
    """The zone we'll use, and the location button taken away again."""
    return _("🌍 Timezone: <b>{zone}</b>").format(zone=escape(zone)), ReplyKeyboardRemove()


def ask_time() -> str:
    """Question 4: the reminder time."""
    return _(
        "<b>4/4 · Reminder time?</b> Pick one or type it (<code>07:30</code>, <code>7:30pm</code>)."
    )


TIME_CHOICES = ("07:00", "12:00", "18:00", "20:00")


def time_keyboard() -> InlineKeyboardMarkup:
    """Buttons for common reminder times."""
    return keyboard([[(choice, f"cfg:time:{choice}") for choice in TIME_CHOICES]])


def schedule_line(user: UserRecord, next_day: date | None) -> str:
    """E.g. "Every other day at 07:30 Europe/Berlin, next: Tue 24 Nov"."""
    values = {"time": f"{user.remind_at:%H:%M}", "zone": escape(user.timezone)}
    if not user.reminders_on:
        return _("Every other day at {time} {zone} (reminders are off: /resume)").format(**values)
    if user.paused_until is not None:
        if user.paused_until >= FOREVER:
            return _("Every other day at {time} {zone} (paused until you /resume)").format(**values)
        return _("Every other day at {time} {zone} (paused until {day})").format(
            day=day_label(user.paused_until), **values
        )
    if next_day is None:
        return _("Every other day at {time} {zone}").format(**values)
    return _("Every other day at {time} {zone}, next: {day}").format(
        day=day_label(next_day), **values
    )


def onboarding_done(program: Program, user: UserRecord, next_day: date | None) -> str:
    """The closing summary of onboarding."""
    preset = program.preset(user.preset)
    return _(
        "<b>All set!</b>\n"
        "Dose: {preset}, {dose}\n"
        "Legs: {legs}\n"
        "{schedule}.\n\n"
        "New to it? Learn the movement first. Ready? Start now."
    ).format(
        preset=escape(preset.label),
        dose=escape(dose_line(program, user)),
        legs=legs_label(user.legs),
        schedule=schedule_line(user, next_day),
    )


def start_keyboard(preset_key: str) -> InlineKeyboardMarkup:
    """Learn the movement / Start now."""
    return keyboard(
        [
            [
                (_("📖 Learn the movement"), f"learn:{preset_key}:new"),
                (_("▶️ Start now"), "workout:start"),
            ]
        ]
    )


def welcome_back(
    program: Program, user: UserRecord, next_day: date | None, today: date | None = None
) -> str:
    """/start from a user who already onboarded."""
    if next_day is not None and today is not None and next_day == today and user.reminders_on:
        when = _("Today is a training day.")
    else:
        when = _("{schedule}.").format(schedule=schedule_line(user, next_day))
    values = {
        "when": when,
        "preset": escape(program.preset(user.preset).label),
        "dose": escape(dose_line(program, user)),
    }
    if user.first_name:
        return _("Welcome back, {name}! {when}\nYour dose: {preset}, {dose}.").format(
            name=escape(user.first_name), **values
        )
    return _("Welcome back! {when}\nYour dose: {preset}, {dose}.").format(**values)


def timezone_not_understood(text: str) -> str:
    """A typed zone we could not resolve."""
    return _(
        "I couldn't find a timezone called “{text}”. Try a city "
        "(<code>Berlin</code>, <code>New York</code>), a zone (<code>Europe/Berlin</code>) "
        "or an offset (<code>UTC+2</code>)."
    ).format(text=escape(text[:60]))


def time_not_understood(text: str) -> str:
    """A typed time we could not read."""
    return _(
        "“{text}” isn't a time I understand. Use 24-hour "
        "<code>HH:MM</code> (<code>07:30</code>, <code>19:00</code>) or <code>7:30pm</code>."
    ).format(text=escape(text[:40]))


def location_not_understood() -> str:
    """A location we could not map to a zone."""
    return _("I couldn't work out a timezone from that location. Type your city or zone instead.")
