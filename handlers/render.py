"""Pure formatting: records and content in, HTML text and inline keyboards out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from coach.progression import Dose, Plan, Reason, Suggestion
from coach.stats import Progress
from content.model import Program
from handlers.chart import ChartText
from handlers.dose import usual_dose
from handlers.views import pacing_modes
from handlers.views import settings as settings_views
from storage.progress import LegSets, SessionLine
from storage.records import FOREVER, UserRecord

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


# --- onboarding ----------------------------------------------------------------------------


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


# --- learning ------------------------------------------------------------------------------


def help_text() -> str:
    """Every command, one line each."""
    lines = ["<b>Medial coach</b> — what I can do:"]
    lines += [f"/{name} — {escape(description)}" for name, description in COMMANDS]
    lines.append(
        "\nDuring a session, reply <code>done</code> to log a set "
        "(<code>done 8</code>, <code>done 8 left</code>, <code>skip</code>, <code>undo</code>)."
    )
    return "\n".join(lines)


# --- settings ------------------------------------------------------------------------------


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
        f"{settings_views.recap_line(user)}\n"
        f"{schedule_line(user, next_day)}"
    )


def settings_keyboard(user: UserRecord) -> InlineKeyboardMarkup:
    """One button per setting."""
    paused = user.paused_until is not None or not user.reminders_on
    return keyboard(
        [
            [("Dose preset", "menu:preset"), ("Legs", "menu:legs")],
            [("Reminder time", "menu:time"), ("Timezone", "menu:tz")],
            [("Pacing", "pace:menu")],
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


# --- generic -------------------------------------------------------------------------------


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


# --- workout (guided sets, logging) --------------------------------------------------------

WORKOUT_SIDE = {"left": "left", "right": "right"}
DIFFICULTY_LABEL = {"easy": "Easy", "right": "About right", "hard": "Hard"}
REGRESSED_WHY = {
    "moderate_pain": "Lighter today because you rated your pain 4–6 last time. "
    "Go gently, and stop if it hurts.",
    "severe_pain": "Lighter today because of the high pain score last time. "
    "Stop at once if it hurts, and see a clinician if the pain persists.",
    "sharp_pain": "Lighter today because you reported sharp pain last time. "
    "Stop at once if it comes back, and see a clinician if it persists.",
}
ABSURD_WHY = {
    "zero_reps": "Zero reps isn't a set. Reply <code>skip</code> if you skipped it.",
    "too_many_reps": "That's more reps than one set can hold (up to 100). "
    "Reply e.g. <code>done 12</code>.",
    "zero_sets": "Zero sets isn't something I can log. Reply <code>done</code> for one set.",
    "too_many_sets": "That's more sets than a session has (up to 10). "
    "Reply e.g. <code>3x10</code>.",
}


def minutes_label(seconds: float) -> str:
    """A duration for people: "under a minute", "1 min", "8 min"."""
    minutes = round(seconds / 60)
    return "under a minute" if minutes < 1 else f"{minutes} min"


def session_intro(
    sets: int, reps: int, legs: str, hold_s: int, four_count: bool, seconds: int, reason: str
) -> str:
    """First line of a new session: today's dose, length, and why it is lighter if it is."""
    per = "per leg" if legs == "both" else f"{WORKOUT_SIDE.get(legs, legs)} leg"
    dose = f"{sets} × {reps} {per}"
    if four_count:
        dose += ", 4-count"
    elif hold_s:
        dose += f", hold {hold_s} s"
    text = f"<b>Today's session</b>: {dose}, about {minutes_label(seconds)}."
    why = REGRESSED_WHY.get(reason)
    return f"{text}\n{why}" if why else text


def set_title(number: int, sets: int, side: str) -> str:
    """E.g. "Set 2 of 3 — left leg"."""
    return f"Set {number} of {sets} — {WORKOUT_SIDE.get(side, side)} leg"


def set_setup(
    intro: str, number: int, sets: int, side: str, setup: str, change: str, cue: str
) -> str:
    """Before a set: one line of set-up (and the change of position), a cue, and Go."""
    lines = [intro] if intro else []
    if change:
        lines.append(f"🔄 <b>{escape(change)}</b>")
    lines.append(f"<b>{set_title(number, sets, side)}.</b> {escape(setup)}")
    lines.append(f"💡 {escape(cue)}")
    lines.append("Tap <b>Go</b> when you're in position.")
    return clip_html("\n".join(lines))


def clip_html(text: str) -> str:
    """Guard a built message against Telegram's limit (content texts are short; this is a net)."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def setup_keyboard(session_id: int, index: int) -> InlineKeyboardMarkup:
    """Go / Stop under a set-up message."""
    return keyboard(
        [[("▶️ Go", f"wk:go:{session_id}:{index}"), ("⏹ Stop", f"wk:stop:{session_id}")]]
    )


def beat_line(
    kind: str, rep: int, reps: int, count: int | None, remaining: int | None, four_count: bool
) -> str:
    """The pacing line of one beat, e.g. "Rep 3/10 — lift ⬆️ (breathe out)"."""
    head = f"Rep {rep}/{reps} — "
    if four_count and count is not None and kind != "hold":
        word = "raise ⬆️ (breathe out)" if kind == "lift" else "back down ⬇️ (breathe in)"
        return f"{head}count {count}: {word}"
    if kind == "lift":
        return f"{head}lift ⬆️ (breathe out)"
    if kind == "hold":
        return f"{head}hold… {remaining}"
    return f"{head}lower ⬇️ (breathe in)"


def pacing_screen(number: int, sets: int, side: str, line: str, cue: str) -> str:
    """The pacing message during a set: which set, the current beat, the set's cue."""
    return (
        f"<b>{set_title(number, sets, side)}</b>\n\n<b>{escape(line)}</b>\n\n"
        f"💡 <i>{escape(cue)}</i>"
    )


def paused_screen(number: int, sets: int, side: str, rep: int, reps: int, cue: str) -> str:
    """The pacing message while paused."""
    return (
        f"<b>{set_title(number, sets, side)}</b>\n\n⏸ <b>Paused at rep {rep}/{reps}.</b> "
        f"Tap Resume when you're ready.\n\n💡 <i>{escape(cue)}</i>"
    )


def pacing_keyboard(session_id: int, paused: bool) -> InlineKeyboardMarkup:
    """Pause (or Resume), Done and Stop on the pacing message."""
    toggle = (
        ("▶️ Resume", f"wk:resume:{session_id}") if paused else ("⏸ Pause", f"wk:pause:{session_id}")
    )
    return keyboard(
        [[toggle, ("✅ Done", f"wk:done:{session_id}"), ("⏹ Stop", f"wk:stop:{session_id}")]]
    )


def set_over_screen(
    number: int,
    sets: int,
    side: str,
    logged: str,
    next_label: str,
    rest_left: int | None,
) -> str:
    """The set's message after its last rep: the "done?" prompt (or what was logged) and rest."""
    lines = [f"<b>{set_title(number, sets, side)}</b> ✅"]
    if logged:
        lines.append(f"Logged: {escape(logged)}.")
    else:
        lines.append(
            f"Set {number} of {sets} done? Reply <code>done</code> "
            "(or e.g. <code>done 8</code> if you managed 8)."
        )
    if rest_left is not None:
        lines.append(f"⏱ Rest: {rest_left} s. Next: {escape(next_label)}.")
    elif next_label:
        lines.append(f"Next: {escape(next_label)}.")
    return "\n".join(lines)


def next_set_label(number: int, sets: int, side: str, side_change: bool) -> str:
    """E.g. "set 2 of 3, left leg" or "change position, right leg"."""
    if side_change:
        return f"change position, {WORKOUT_SIDE.get(side, side)} leg"
    return f"set {number} of {sets}, {WORKOUT_SIDE.get(side, side)} leg"


def rest_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Skip rest / Stop during the rest countdown."""
    return keyboard(
        [[("⏭ Skip rest", f"wk:skip:{session_id}"), ("⏹ Stop", f"wk:stop:{session_id}")]]
    )


def stop_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Only Stop (after the last set, while waiting for the log)."""
    return keyboard([[("⏹ Stop", f"wk:stop:{session_id}")]])


def logged_label(reps: int, skipped: bool) -> str:
    """What a set's message says was logged: "10 reps", "1 rep" or "skipped"."""
    return "skipped" if skipped else f"{reps} rep" + ("" if reps == 1 else "s")


def set_phrase(number: int, sets: int, side: str, reps: int, skipped: bool, note: str) -> str:
    """E.g. "set 1 of 3, left, 10 reps" or "set 2 of 3, left, skipped (knee hurt)"."""
    what = "skipped" if skipped else f"{reps} rep" + ("" if reps == 1 else "s")
    text = f"set {number} of {sets}, {WORKOUT_SIDE.get(side, side)}, {what}"
    return text + (f" (note: {escape(note[:100])})" if note else "")


def logged_sets(phrases: Sequence[str], more_left: bool, guided: bool) -> str:
    """The confirmation after a commit: what was logged, and what comes next."""
    text = "✅ Logged " + "; ".join(phrases) + "."
    if more_left and not guided:
        text += " Reply <code>done</code> again for the next one."
    return text


def logged_fewer(asked: int, logged: int) -> str:
    """Appended when a "3x10" asked for more sets than were left in the session."""
    return f" (You asked for {asked} sets; only {logged} were left in today's session.)"


def no_set_left_on(side: str) -> str:
    """A log naming a leg with no free set in today's session."""
    return f"There's no {WORKOUT_SIDE.get(side, side)}-leg set left in today's session."


def session_stopped_empty() -> str:
    """Stop before anything was logged."""
    return "⏹ Session stopped. Nothing was logged, so nothing was kept. /workout to start again."


def session_already_complete() -> str:
    """A log reply after every set of today's session is in."""
    return (
        "Today's session is already complete. Reply <code>undo</code> to remove the last set, "
        "or /workout for another session."
    )


def nothing_to_undo() -> str:
    """Undo with no set logged today."""
    return "There's no set from today to undo."


def undone(phrase: str) -> str:
    """After an undo."""
    return f"↩️ Removed {phrase}."


def already_logged() -> str:
    """The same Telegram update delivered twice."""
    return "Already logged that one."


def absurd(reason: str) -> str:
    """A log with a count out of range: no row, an explanation."""
    return ABSURD_WHY.get(reason, "I can't log that count. Reply e.g. <code>done 10</code>.")


def pain_noted() -> str:
    """Pain mentioned without a log and not sharp."""
    return (
        "Sorry it hurts. If the pain is sharp, stop now (reply <code>sharp pain</code> and I'll "
        "end the session). Mild discomfort: go gently; you'll rate the pain at the end."
    )


def sharp_pain_stopped() -> str:
    """The session ended because the user reported sharp pain (safety advice follows)."""
    return "⏹ Session stopped because of sharp pain. Whatever you logged is kept."


def session_summary(
    complete: bool,
    sets_done: int,
    sets_planned: int,
    skipped: int,
    reps_left: int | None,
    reps_right: int | None,
    seconds: float,
) -> str:
    """The end of a session: sets, reps per leg and time."""
    head = "🎉 <b>Session complete!</b>" if complete else "<b>Session ended.</b>"
    lines = [
        head,
        f"Sets: {sets_done} of {sets_planned}" + (f" ({skipped} skipped)" if skipped else ""),
    ]
    if reps_left is not None:
        lines.append(f"Left leg: {reps_left} reps")
    if reps_right is not None:
        lines.append(f"Right leg: {reps_right} reps")
    lines.append(f"Time: {minutes_label(seconds)}")
    return "\n".join(lines)


def pain_question() -> str:
    """The pain check after a session."""
    return "How much did your knee or hip hurt? 0 = no pain, 10 = worst imaginable."


def pain_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """0..10 in two rows."""
    row1 = [(str(n), f"wk:pain:{session_id}:{n}") for n in range(6)]
    row2 = [(str(n), f"wk:pain:{session_id}:{n}") for n in range(6, 11)]
    return keyboard([row1, row2])


def difficulty_question(pain: int) -> str:
    """After the pain answer."""
    return f"Pain: {pain}/10. And how hard was the session?"


def difficulty_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Easy / About right / Hard."""
    return keyboard(
        [[(label, f"wk:diff:{session_id}:{key}") for key, label in DIFFICULTY_LABEL.items()]]
    )


def pain_recorded(pain: int) -> str:
    """After a pain answer that ends the check-in (high pain: no difficulty question)."""
    return f"Thanks. Recorded: pain {pain}/10."


def checkin_done(pain: int | None, difficulty: str) -> str:
    """After the difficulty answer."""
    pain_text = f"pain {pain}/10, " if pain is not None else ""
    return f"Thanks! Recorded: {pain_text}{DIFFICULTY_LABEL.get(difficulty, difficulty).lower()}."


def session_running(title: str) -> str:
    """/workout while a guided session is running."""
    return (
        f"You're in the middle of a session ({escape(title)}). Reply <code>done</code> to log "
        "a set, or tap Stop to end it."
    )


def continue_offer(logged: int, planned: int) -> str:
    """/workout with an unfinished session from today."""
    return (
        f"You have an unfinished session from today ({logged} of {planned} sets logged). "
        "Continue it, or start over?"
    )


def continue_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Continue / Start over."""
    return keyboard([[("▶️ Continue", f"wk:cont:{session_id}"), ("🔁 Start over", "wk:new:0")]])


def done_today() -> str:
    """/workout after today's session is complete."""
    return "You've already done today's session. Rest is part of training! Start another anyway?"


def another_keyboard() -> InlineKeyboardMarkup:
    """Start another session."""
    return keyboard([[("▶️ Start another", "wk:new:0")]])


def set_stopped(title: str) -> str:
    """The pacing/set message after the session was stopped."""
    return f"<b>{escape(title)}</b>\n⏹ Stopped."


def session_closed_silence(title: str) -> str:
    """The live message of a session closed after an hour without activity."""
    return f"<b>{escape(title)}</b>\n⏹ Session closed after an hour without activity."


def session_over_toast() -> str:
    """A button of a finished (or someone else's) session."""
    return "That session is over. /workout starts a new one."


def not_now_toast() -> str:
    """A button that doesn't apply in the current phase (e.g. Pause during rest)."""
    return "Not available right now."


def checkin_saved_toast() -> str:
    """Toast after a pain or difficulty answer."""
    return "Saved"


# --- reminders -----------------------------------------------------------------------------


def reminder(program: Program, user: UserRecord, plan: Plan, seconds: int, kind: str) -> str:
    """The reminder: today's session and how long it takes."""
    minutes = max(1, round(seconds / 60))
    head = (
        "⏰ <b>Training day!</b>"
        if kind == "daily"
        else "⏰ <b>Here's your reminder, as promised.</b>"
    )
    lines = [
        head,
        f"Today: {escape(dose_line(program, user, plan.dose))}, about {minutes} minutes.",
    ]
    if plan.regressed:
        lines.append("A lighter session today, because of the pain you reported last time.")
    lines.append("Tap <b>Start now</b> for a guided session, or reply <code>done</code> per set.")
    return "\n".join(lines)


def reminder_keyboard(day: date, kind: str) -> InlineKeyboardMarkup:
    """Start now / In 1 hour (the daily reminder only: one snooze a day) / Skip today."""
    stamp = day.isoformat()
    row = [("▶️ Start now", "workout:start")]
    if kind == "daily":
        row.append(("⏰ In 1 hour", f"remind:snooze:{stamp}"))
    row.append(("⏭ Skip today", f"remind:skip:{stamp}"))
    return keyboard([row])


def _next_words(next_local: datetime | None) -> str:
    if next_local is None:
        return "Reminders are paused or off: /resume turns them on."
    return f"Next reminder: {day_label(next_local.date())} at {next_local:%H:%M}."


def reminder_skipped(next_local: datetime | None) -> str:
    """The reminder after Skip today, with the next reminder's local time."""
    return f"⏭ Skipped today. {_next_words(next_local)}"


def reminder_snoozed(at_local: datetime) -> str:
    """The reminder after In 1 hour."""
    return f"⏰ OK, I'll remind you again at {at_local:%H:%M}."


def snoozed_toast(at_local: datetime) -> str:
    """Toast after In 1 hour."""
    return f"I'll remind you at {at_local:%H:%M}"


def skipped_toast() -> str:
    """Toast after Skip today."""
    return "Skipped today"


def already_skipped() -> str:
    """Toast: today is already skipped."""
    return "Today is already skipped."


def snooze_used() -> str:
    """Toast: only one extra reminder a day."""
    return "I only remind you once more a day. Start when you're ready!"


def snooze_too_late() -> str:
    """Toast: an hour from now is tomorrow."""
    return "It's too late for another reminder today. See you on your next training day!"


def reminder_expired(day: date) -> str:
    """Toast for a button on an earlier day's reminder."""
    return f"That reminder was for {day_label(day)}. /schedule shows what's next."


def reminder_settings(user: UserRecord, next_local: datetime | None) -> str:
    """After /remind, /timezone or /resume: the time, zone and next reminder (local time)."""
    base = f"Reminders every other day at {user.remind_at:%H:%M} {escape(user.timezone)}."
    if not user.reminders_on:
        return base + " Reminders are off: /resume turns them on."
    if user.paused_until is not None and user.paused_until >= FOREVER:
        return base + " Paused until you /resume."
    return f"{base} {_next_words(next_local)}"


def remind_example() -> str:
    """How to use /remind."""
    return "For example: <code>/remind 07:30</code> or <code>/remind 7:30pm</code>."


def remind_usage(user: UserRecord) -> str:
    """/remind without a time."""
    return f"Your reminder time is {user.remind_at:%H:%M}. {remind_example()}"


def timezone_usage(user: UserRecord) -> str:
    """/timezone without a zone."""
    return (
        f"Your timezone is {escape(user.timezone)}. To change it: "
        "<code>/timezone Europe/Berlin</code>, <code>/timezone New York</code> or "
        "<code>/timezone UTC+2</code>, or share your location (📎 → Location)."
    )


def pause_usage(text: str, max_days: int) -> str:
    """/pause with something that isn't a number of days."""
    return (
        f"“{escape(text[:40])}” isn't a number of days I can pause for. "
        f"Use <code>/pause</code> (until you /resume) or <code>/pause 7</code> "
        f"(1 to {max_days} days)."
    )


def paused(until: date | None) -> str:
    """After /pause."""
    if until is None or until >= FOREVER:
        return "⏸ Reminders paused until you send /resume."
    return f"⏸ Reminders paused. They start again on {day_label(until)} (or /resume sooner)."


def resumed() -> str:
    """After /resume."""
    return "▶️ Reminders are on."


def schedule(user: UserRecord, days: Sequence[tuple[date, datetime]], today: date) -> str:
    """/schedule: the next training days."""
    head = (
        f"<b>Your next training days</b> (every other day at {user.remind_at:%H:%M} "
        f"{escape(user.timezone)}):"
    )
    if not user.reminders_on:
        return head + "\nReminders are off. /resume turns them on."
    if not days:
        return head + "\nPaused until you /resume."
    lines = [head]
    for day, moment in days:
        label = "Today" if day == today else day_label(day)
        lines.append(f"• {label}, {moment:%H:%M}")
    if user.paused_until is not None and user.paused_until > today:
        lines.append(f"(Paused until {day_label(user.paused_until)}.)")
    lines.append("After each session the next one is two days later.")
    return "\n".join(lines)


def stopped(ended_session: bool) -> str:
    """After /stop."""
    first = "Session ended; what you logged is kept. " if ended_session else ""
    return (
        f"⏹ {first}Reminders are off. Your history is kept: /resume or /start turns "
        "reminders back on."
    )


# --- progress, progression, safety, your data ----------------------------------------------


# Imports for this section live here so the shared top of the file stays untouched.

HISTORY_PAGE = 10


def chart_text() -> ChartText:
    """The words on the /progress chart."""
    return ChartText(
        title="Reps per session",
        reps_axis="Reps",
        pain_axis="Pain (0–10)",
        left="Left leg",
        right="Right leg",
        pain="Pain",
        note_latest="latest {count}",
    )


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _legs_shown(user: UserRecord, left_total: int, right_total: int) -> list[str]:
    legs = [leg for leg in ("left", "right") if user.legs in ("both", leg)]
    extra = [leg for leg, total in (("left", left_total), ("right", right_total)) if total]
    return [leg for leg in ("left", "right") if leg in legs or leg in extra]


def progress_summary(program: Program, user: UserRecord, progress: Progress) -> str:
    """The /progress text (also the chart's caption, so it stays well under 1,024 chars)."""
    lines = ["<b>Your progress</b>"]
    sessions = f"Sessions: {progress.sessions_total}"
    if progress.sessions_open:
        sessions += (
            f" ({progress.sessions_complete} complete, "
            f"{progress.sessions_partial - progress.sessions_open} partial, "
            f"{progress.sessions_open} in progress)"
        )
    elif progress.sessions_partial:
        sessions += f" ({progress.sessions_complete} complete, {progress.sessions_partial} partial)"
    lines.append(sessions)
    if progress.adherence_due:
        lines.append(
            f"Last 4 weeks: {progress.adherence_done} of {progress.adherence_due} training days "
            f"({_share(progress.adherence_done, progress.adherence_due)})"
        )
    else:
        lines.append("Last 4 weeks: no training day has been due yet")
    unit = "training day" if progress.current_streak == 1 else "training days"
    lines.append(f"Streak: {progress.current_streak} {unit} (best {progress.best_streak})")
    for leg in _legs_shown(user, progress.reps_left_total, progress.reps_right_total):
        total = progress.reps_left_total if leg == "left" else progress.reps_right_total
        mean = progress.reps_left_per_session if leg == "left" else progress.reps_right_per_session
        average = f" ({mean:.0f} per session)" if mean is not None else ""
        lines.append(f"Reps, {leg} leg: {total}{average}")
    pain = "not rated yet" if progress.last_pain is None else f"{progress.last_pain}/10"
    lines.append(f"Last pain: {pain}")
    lines.append(f"Dose now: {escape(dose_line(program, user))}")
    return "\n".join(lines)


def progress_empty() -> str:
    """/progress before any session: how to start."""
    return (
        "No sessions logged yet, so there is nothing to chart. Start your first one with "
        "/workout (or learn the movement first with /learn). After each session /progress "
        "shows your reps and pain over time."
    )


def _leg_part(label: str, leg: LegSets) -> str:
    if leg.uniform:
        return f"{label} {leg.sets}×{leg.max_reps}"
    noun = "set" if leg.sets == 1 else "sets"
    return f"{label} {leg.sets} {noun}, {leg.reps} reps"


def history_line(line: SessionLine) -> str:
    """One session: date, sets × reps per leg, pain (and difficulty, status)."""
    parts = [f"<b>{day_label(line.local_date)}</b>"]
    legs = [
        _leg_part(label, leg) for label, leg in (("L", line.left), ("R", line.right)) if leg.sets
    ]
    parts.extend(legs or ["no sets logged"])
    if line.skipped:
        parts.append(f"{line.skipped} skipped")
    if line.pain is not None:
        parts.append(f"pain {line.pain}")
    if line.difficulty:
        # "right" is the stored key of "About right"; shown bare it reads like the right leg.
        parts.append(escape(DIFFICULTY_LABEL.get(line.difficulty, line.difficulty).lower()))
    text = " · ".join(parts)
    if line.status == "partial":
        text += " (partial)"
    elif line.status == "open":
        text += " (in progress)"
    return text


def history_text(lines: Sequence[SessionLine], page: int, pages: int, total: int) -> str:
    """A page of /history, newest first."""
    head = f"<b>Your sessions</b> ({total})"
    if pages > 1:
        head += f" · page {page + 1} of {pages}"
    return "\n".join([head, *(history_line(line) for line in lines)])


def history_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Newer / Older; the data carries the target page and the page shown now."""
    row: list[tuple[str, str]] = []
    if page > 0:
        row.append(("◀️ Newer", f"hist:{page - 1}:{page}"))
    if page < pages - 1:
        row.append(("Older ▶️", f"hist:{page + 1}:{page}"))
    return keyboard([row]) if row else None


def history_empty() -> str:
    """/history before any session."""
    return "No sessions yet. Send /workout to start your first one."


def history_same_page() -> str:
    """Toast for a history button that points at the page already shown."""
    return "You're on that page."


def export_caption(sets: int, sessions: int) -> str:
    """Caption of the /export document."""
    set_word = "set" if sets == 1 else "sets"
    session_word = "session" if sessions == 1 else "sessions"
    return (
        f"Your exercise log: {sets} {set_word} in {sessions} {session_word}, then your settings. "
        "It opens in any spreadsheet app."
    )


def nothing_stored() -> str:
    """/delete from someone the bot has no row for."""
    return "I have nothing stored about you, so there is nothing to delete."


def delete_confirm() -> str:
    """The /delete question."""
    return (
        "<b>Delete everything?</b>\n"
        "This erases your settings, every session and set you logged, your pain and difficulty "
        "answers and your reminder schedule. It can't be undone.\n\n"
        "Want a copy first? Send /export before you confirm."
    )


def delete_keyboard(stamp: str) -> InlineKeyboardMarkup:
    """Yes / Cancel; the stamp ties the button to this profile, not to a later one."""
    return keyboard([[("🗑 Yes, delete everything", f"del:yes:{stamp}")], [("Cancel", "del:no")]])


def deleted() -> str:
    """After /delete: nothing is left."""
    return (
        "Done: everything I stored about you is erased and you won't get reminders. "
        "If you want to start again one day, send /start medial."
    )


def delete_cancelled() -> str:
    """The Cancel button of /delete."""
    return "Cancelled: nothing was deleted."


def delete_expired() -> str:
    """Toast for a delete button of an earlier profile or an odd one."""
    return "That confirmation has expired. Send /delete again if you want to erase your data."


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


def stop_advice(reason: Reason, pain: int | None) -> str:
    """Pain >= 7 or sharp pain: stop, reminders paused, see a clinician, /resume when ready."""
    if reason is Reason.SHARP_PAIN:
        first = "Sharp pain means stop: please don't go on with the exercise today."
    else:
        rated = f"{pain}/10" if pain is not None else "high"
        first = f"You rated your pain {rated}. Please stop the exercise for now."
    return (
        f"⚠️ <b>{first}</b>\n\n"
        "I've paused your reminders. Pain like this is worth checking with your doctor or "
        "physical therapist before you train again, especially if it lasts or comes back.\n\n"
        "When you're ready to go on, send /resume. Your first session back will be lighter."
    )


def regress_note(pain: int, lighter: Dose, usual: Dose, legs: str) -> str:
    """Pain 4-6: the next session is lighter, and why."""
    return (
        f"You rated your pain {pain}/10. Your next session will be lighter, "
        f"<b>{escape(dose_text(lighter, legs))}</b> instead of {escape(dose_text(usual, legs))}, "
        "to let things settle. After that you're back to your usual dose. "
        "If the pain gets worse or turns sharp, stop and check with your doctor or "
        "physical therapist."
    )


def progression_keyboard(step: Suggestion) -> InlineKeyboardMarkup:
    """Yes / Not now, carrying the step's key (never a user or session id)."""
    return keyboard(
        [[("✅ Yes, step up", f"prog:yes:{step.key}"), ("Not now", f"prog:no:{step.key}")]]
    )


def progression_declined() -> str:
    """After Not now."""
    return (
        "OK, staying where you are. I'll ask again after three more easy sessions. "
        "You can always change your dose preset in /settings."
    )


def progression_stale() -> str:
    """Toast for a progression button that no longer matches the user's dose or history."""
    return "That offer is out of date; nothing changed."
