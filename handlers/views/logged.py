"""Words of logging a set by a reply, the end-of-session summary and the check-in."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import (
    InlineKeyboardMarkup,
)

from handlers.views.common import DIFFICULTY_LABEL, WORKOUT_SIDE, keyboard, minutes_label

ABSURD_WHY = {
    "zero_reps": "Zero reps isn't a set. Reply <code>skip</code> if you skipped it.",
    "too_many_reps": "That's more reps than one set can hold (up to 100). "
    "Reply e.g. <code>done 12</code>.",
    "zero_sets": "Zero sets isn't something I can log. Reply <code>done</code> for one set.",
    "too_many_sets": "That's more sets than a session has (up to 10). "
    "Reply e.g. <code>3x10</code>.",
}


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


def checkin_saved_toast() -> str:
    """Toast after a pain or difficulty answer."""
    return "Saved"
