"""Words of a guided session: set-up, pacing screens, rest, stop and continue."""

from __future__ import annotations

from html import escape

from telegram import (
    InlineKeyboardMarkup,
)

from handlers.views.common import WORKOUT_SIDE, clip_html, keyboard, minutes_label

REGRESSED_WHY = {
    "moderate_pain": "Lighter today because you rated your pain 4–6 last time. "
    "Go gently, and stop if it hurts.",
    "severe_pain": "Lighter today because of the high pain score last time. "
    "Stop at once if it hurts, and see a clinician if the pain persists.",
    "sharp_pain": "Lighter today because you reported sharp pain last time. "
    "Stop at once if it comes back, and see a clinician if it persists.",
}


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
