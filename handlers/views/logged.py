"""Words of logging a set by a reply, the end-of-session summary and the check-in."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardMarkup

from handlers.views.common import DIFFICULTY_LABEL, difficulty_label, keyboard, minutes_label
from handlers.views.i18n import N_, _, ngettext

ABSURD_WHY = {
    "zero_reps": N_("Zero reps isn't a set. Reply <code>skip</code> if you skipped it."),
    "too_many_reps": N_(
        "That's more reps than one set can hold (up to 100). Reply e.g. <code>done 12</code>."
    ),
    "zero_sets": N_("Zero sets isn't something I can log. Reply <code>done</code> for one set."),
    "too_many_sets": N_(
        "That's more sets than a session has (up to 10). Reply e.g. <code>3x10</code>."
    ),
}


def reps_label(reps: int) -> str:
    """ "1 rep", "10 reps"."""
    return ngettext("{n} rep", "{n} reps", reps).format(n=reps)


def logged_label(reps: int, skipped: bool) -> str:
    """What a set's message says was logged: "10 reps", "1 rep" or "skipped"."""
    return _("skipped") if skipped else reps_label(reps)


def set_phrase(number: int, sets: int, side: str, reps: int, skipped: bool, note: str) -> str:
    """E.g. "set 1 of 3, left, 10 reps" or "set 2 of 3, left, skipped (knee hurt)"."""
    right = side == "right"
    if skipped:
        text = (
            _("set {number} of {sets}, right, skipped")
            if right
            else _("set {number} of {sets}, left, skipped")
        )
    elif right:
        text = ngettext(
            "set {number} of {sets}, right, {reps} rep",
            "set {number} of {sets}, right, {reps} reps",
            reps,
        )
    else:
        text = ngettext(
            "set {number} of {sets}, left, {reps} rep",
            "set {number} of {sets}, left, {reps} reps",
            reps,
        )
    text = text.format(number=number, sets=sets, reps=reps)
    if note:
        text += _(" (note: {note})").format(note=escape(note[:100]))
    return text


def logged_sets(phrases: Sequence[str], more_left: bool, guided: bool) -> str:
    """The confirmation after a commit: what was logged, and what comes next."""
    # TRANSLATORS: the separator between logged sets in "✅ Logged set 1 of 3, …; set 2 of 3, …."
    text = _("✅ Logged {sets}.").format(sets=_("; ").join(phrases))
    if more_left and not guided:
        text += " " + _("Reply <code>done</code> again for the next one.")
    return text


def logged_fewer(asked: int, logged: int) -> str:
    """Appended when a "3x10" asked for more sets than were left in the session."""
    return " " + ngettext(
        "(You asked for {asked} sets; only {logged} was left in today's session.)",
        "(You asked for {asked} sets; only {logged} were left in today's session.)",
        logged,
    ).format(asked=asked, logged=logged)


def no_set_left_on(side: str) -> str:
    """A log naming a leg with no free set in today's session."""
    if side == "right":
        return _("There's no right-leg set left in today's session.")
    return _("There's no left-leg set left in today's session.")


def session_stopped_empty() -> str:
    """Stop before anything was logged."""
    return _("⏹ Session stopped. Nothing was logged, so nothing was kept. /workout to start again.")


def session_already_complete() -> str:
    """A log reply after every set of today's session is in."""
    return _(
        "Today's session is already complete. Reply <code>undo</code> to remove the last set, "
        "or /workout for another session."
    )


def nothing_to_undo() -> str:
    """Undo with no set logged today."""
    return _("There's no set from today to undo.")


def undone(phrase: str) -> str:
    """After an undo."""
    return _("↩️ Removed {set}.").format(set=phrase)


def already_logged() -> str:
    """The same Telegram update delivered twice."""
    return _("Already logged that one.")


def absurd(reason: str) -> str:
    """A log with a count out of range: no row, an explanation."""
    why = ABSURD_WHY.get(reason)
    return _(why) if why else _("I can't log that count. Reply e.g. <code>done 10</code>.")


def pain_noted() -> str:
    """Pain mentioned without a log and not sharp."""
    return _(
        "Sorry it hurts. If the pain is sharp, stop now (reply <code>sharp pain</code> and I'll "
        "end the session). Mild discomfort: go gently; you'll rate the pain at the end."
    )


def sharp_pain_stopped() -> str:
    """The session ended because the user reported sharp pain (safety advice follows)."""
    return _("⏹ Session stopped because of sharp pain. Whatever you logged is kept.")


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
    head = _("🎉 <b>Session complete!</b>") if complete else _("<b>Session ended.</b>")
    if skipped:
        sets = _("Sets: {done} of {planned} ({skipped} skipped)").format(
            done=sets_done, planned=sets_planned, skipped=skipped
        )
    else:
        sets = _("Sets: {done} of {planned}").format(done=sets_done, planned=sets_planned)
    lines = [head, sets]
    if reps_left is not None:
        lines.append(
            ngettext("Left leg: {reps} rep", "Left leg: {reps} reps", reps_left).format(
                reps=reps_left
            )
        )
    if reps_right is not None:
        lines.append(
            ngettext("Right leg: {reps} rep", "Right leg: {reps} reps", reps_right).format(
                reps=reps_right
            )
        )
    lines.append(_("Time: {length}").format(length=minutes_label(seconds)))
    return "\n".join(lines)


def pain_question() -> str:
    """The pain check after a session."""
    return _("How much did your knee or hip hurt? 0 = no pain, 10 = worst imaginable.")


def pain_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """0..10 in two rows."""
    row1 = [(str(n), f"wk:pain:{session_id}:{n}") for n in range(6)]
    row2 = [(str(n), f"wk:pain:{session_id}:{n}") for n in range(6, 11)]
    return keyboard([row1, row2])


def difficulty_question(pain: int) -> str:
    """After the pain answer."""
    return _("Pain: {pain}/10. And how hard was the session?").format(pain=pain)


def difficulty_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Easy / About right / Hard."""
    return keyboard(
        [[(difficulty_label(key), f"wk:diff:{session_id}:{key}") for key in DIFFICULTY_LABEL]]
    )


def pain_recorded(pain: int) -> str:
    """After a pain answer that ends the check-in (high pain: no difficulty question)."""
    return _("Thanks. Recorded: pain {pain}/10.").format(pain=pain)


def checkin_done(pain: int | None, difficulty: str) -> str:
    """After the difficulty answer."""
    how = difficulty_word(difficulty)
    if pain is None:
        return _("Thanks! Recorded: {how}.").format(how=how)
    return _("Thanks! Recorded: pain {pain}/10, {how}.").format(pain=pain, how=how)


def difficulty_word(difficulty: str) -> str:
    """A difficulty answer inside a sentence: "easy", "about right", "hard"."""
    # TRANSLATORS: how hard a session felt, lower case inside a sentence ("pain 1/10, easy").
    words = {"easy": _("easy"), "right": _("about right"), "hard": _("hard")}
    return words.get(difficulty, difficulty)


def checkin_saved_toast() -> str:
    """Toast after a pain or difficulty answer."""
    return _("Saved")
