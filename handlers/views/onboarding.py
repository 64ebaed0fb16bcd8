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
from handlers.views.common import LEGS_LABEL, day_label, dose_line, keyboard
from storage.records import FOREVER, UserRecord


def intro(program: Program) -> str:
    """The first message: what the exercise is for, safety, and the consent question."""
    return (
        f"<b>{escape(program.title)}</b>\n\n{escape(program.purpose)}\n\n"
        f"⚠️ {escape(program.safety)}\n\n{escape(program.consent)}"
    )


def intro_keyboard() -> InlineKeyboardMarkup:
    """Consent buttons."""
    return keyboard([[("✅ I agree, let's set up", "consent:yes")], [("No thanks", "consent:no")]])


def consent_declined() -> str:
    """Reply to a "No thanks": nothing was stored."""
    return (
        "No problem: I haven't stored anything about you. You can still read /learn, /cues, "
        "/mistakes and /variations. Send /start whenever you want me to coach and remind you."
    )


def unknown_payload(payload: str) -> str:
    """Reply to /start with a payload that names no program."""
    return (
        f"I don't have a program called “{escape(payload[:40])}”. "
        "I coach one exercise: the medial leg raise. Send /start medial to begin."
    )


def ask_preset(program: Program, current: str) -> str:
    """Question 1: which dose, each with its source."""
    lines = ["<b>1/4 · Which dose?</b> You can change this any time in /settings.\n"]
    for preset in program.presets:
        mark = " (default)" if preset.key == program.default_preset else ""
        lines.append(
            f"• <b>{escape(preset.label)}</b>{mark}: {escape(preset.summary)}\n"
            f"  <i>Source: {escape(program.source(preset.source).name)}</i>"
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
    return "<b>2/4 · Which legs?</b> Both is usual; pick one leg if you are rehabbing one knee."


def legs_keyboard(current: str) -> InlineKeyboardMarkup:
    """Both / left / right."""
    return keyboard(
        [
            [(("✓ " if key == current else "") + label, f"cfg:legs:{key}")]
            for key, label in LEGS_LABEL.items()
        ]
    )


def ask_timezone() -> str:
    """Question 3: the timezone, typed, shared as a location, or picked."""
    return (
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
    return "On your phone? Tap 📍 below and I'll work out your timezone from your location."


def location_keyboard() -> ReplyKeyboardMarkup:
    """A one-tap location button (Telegram asks the user before sharing)."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share my location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder="Or type a city, e.g. Berlin",
    )


def timezone_confirmed(zone: str) -> tuple[str, ReplyKeyboardRemove]:
    """The zone we'll use, and the location button taken away again."""
    return f"🌍 Timezone: <b>{escape(zone)}</b>", ReplyKeyboardRemove()


def ask_time() -> str:
    """Question 4: the reminder time."""
    return (
        "<b>4/4 · Reminder time?</b> Pick one or type it (<code>07:30</code>, <code>7:30pm</code>)."
    )


TIME_CHOICES = ("07:00", "12:00", "18:00", "20:00")


def time_keyboard() -> InlineKeyboardMarkup:
    """Buttons for common reminder times."""
    return keyboard([[(choice, f"cfg:time:{choice}") for choice in TIME_CHOICES]])


def schedule_line(user: UserRecord, next_day: date | None) -> str:
    """E.g. "Every other day at 07:30 Europe/Berlin, next: Tue 24 Nov"."""
    base = f"Every other day at {user.remind_at:%H:%M} {escape(user.timezone)}"
    if not user.reminders_on:
        return base + " (reminders are off: /resume)"
    if user.paused_until is not None:
        if user.paused_until >= FOREVER:
            return base + " (paused until you /resume)"
        return base + f" (paused until {day_label(user.paused_until)})"
    if next_day is None:
        return base
    return base + f", next: {day_label(next_day)}"


def onboarding_done(program: Program, user: UserRecord, next_day: date | None) -> str:
    """The closing summary of onboarding."""
    preset = program.preset(user.preset)
    return (
        "<b>All set!</b>\n"
        f"Dose: {escape(preset.label)}, {escape(dose_line(program, user))}\n"
        f"Legs: {LEGS_LABEL[user.legs].lower()}\n"
        f"{schedule_line(user, next_day)}.\n\n"
        "New to it? Learn the movement first. Ready? Start now."
    )


def start_keyboard(preset_key: str) -> InlineKeyboardMarkup:
    """Learn the movement / Start now."""
    return keyboard(
        [[("📖 Learn the movement", f"learn:{preset_key}:new"), ("▶️ Start now", "workout:start")]]
    )


def welcome_back(
    program: Program, user: UserRecord, next_day: date | None, today: date | None = None
) -> str:
    """/start from a user who already onboarded."""
    name = escape(user.first_name) if user.first_name else "there"
    if next_day is not None and today is not None and next_day == today and user.reminders_on:
        when = "Today is a training day."
    else:
        when = schedule_line(user, next_day) + "."
    return (
        f"Welcome back, {name}! {when}\n"
        f"Your dose: {escape(program.preset(user.preset).label)}, "
        f"{escape(dose_line(program, user))}."
    )


def timezone_not_understood(text: str) -> str:
    """A typed zone we could not resolve."""
    return (
        f"I couldn't find a timezone called “{escape(text[:60])}”. Try a city "
        "(<code>Berlin</code>, <code>New York</code>), a zone (<code>Europe/Berlin</code>) "
        "or an offset (<code>UTC+2</code>)."
    )


def time_not_understood(text: str) -> str:
    """A typed time we could not read."""
    return (
        f"“{escape(text[:40])}” isn't a time I understand. Use 24-hour "
        "<code>HH:MM</code> (<code>07:30</code>, <code>19:00</code>) or <code>7:30pm</code>."
    )


def location_not_understood() -> str:
    """A location we could not map to a zone."""
    return "I couldn't work out a timezone from that location. Type your city or zone instead."
