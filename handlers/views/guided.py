"""Words of a guided session: set-up, pacing screens, rest, stop and continue."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from handlers.views.common import clip_html, dose_words, keyboard, minutes_label
from handlers.views.i18n import N_, _, ngettext

REGRESSED_WHY = {
    "moderate_pain": N_(
        "Lighter today because you rated your pain 4–6 last time. Go gently, and stop if it hurts."
    ),
    "severe_pain": N_(
        "Lighter today because of the high pain score last time. "
        "Stop at once if it hurts, and see a clinician if the pain persists."
    ),
    "sharp_pain": N_(
        "Lighter today because you reported sharp pain last time. "
        "Stop at once if it comes back, and see a clinician if it persists."
    ),
}


def session_intro(
    sets: int, reps: int, legs: str, hold_s: int, four_count: bool, seconds: int, reason: str
) -> str:
    """First line of a new session: today's dose, length, and why it is lighter if it is."""
    dose = dose_words(sets, reps, legs, hold_s=hold_s, four_count=four_count)
    text = _("<b>Today's session</b>: {dose}, about {length}.").format(
        dose=dose, length=minutes_label(seconds)
    )
    why = REGRESSED_WHY.get(reason)
    return f"{text}\n{_(why)}" if why else text


def set_title(number: int, sets: int, side: str) -> str:
    """E.g. "Set 2 of 3 — left leg"."""
    if side == "right":
        return _("Set {number} of {sets} — right leg").format(number=number, sets=sets)
    return _("Set {number} of {sets} — left leg").format(number=number, sets=sets)


def set_setup(
    intro: str, number: int, sets: int, side: str, setup: str, change: str, cue: str
) -> str:
    """Before a set: one line of set-up (and the change of position), a cue, and Go."""
    lines = [intro] if intro else []
    if change:
        lines.append(f"🔄 <b>{escape(change)}</b>")
    lines.append(f"<b>{set_title(number, sets, side)}.</b> {escape(setup)}")
    lines.append(f"💡 {escape(cue)}")
    lines.append(_("Tap <b>Go</b> when you're in position."))
    return clip_html("\n".join(lines))


def setup_keyboard(session_id: int, index: int) -> InlineKeyboardMarkup:
    """Go / Stop under a set-up message."""
    return keyboard(
        [[(_("▶️ Go"), f"wk:go:{session_id}:{index}"), (_("⏹ Stop"), f"wk:stop:{session_id}")]]
    )


def beat_line(
    kind: str, rep: int, reps: int, count: int | None, remaining: int | None, four_count: bool
) -> str:
    """The pacing line of one beat, e.g. "Rep 3/10 — lift ⬆️ (breathe out)"."""
    if four_count and count is not None and kind != "hold":
        if kind == "lift":
            line = _("Rep {rep}/{reps} — count {count}: raise ⬆️ (breathe out)")
        else:
            line = _("Rep {rep}/{reps} — count {count}: back down ⬇️ (breathe in)")
        return line.format(rep=rep, reps=reps, count=count)
    if kind == "lift":
        return _("Rep {rep}/{reps} — lift ⬆️ (breathe out)").format(rep=rep, reps=reps)
    if kind == "hold":
        return _("Rep {rep}/{reps} — hold… {remaining}").format(
            rep=rep, reps=reps, remaining=remaining
        )
    return _("Rep {rep}/{reps} — lower ⬇️ (breathe in)").format(rep=rep, reps=reps)


def pacing_screen(number: int, sets: int, side: str, line: str, cue: str) -> str:
    """The pacing message during a set: which set, the current beat, the set's cue."""
    return (
        f"<b>{set_title(number, sets, side)}</b>\n\n<b>{escape(line)}</b>\n\n"
        f"💡 <i>{escape(cue)}</i>"
    )


def paused_screen(number: int, sets: int, side: str, rep: int, reps: int, cue: str) -> str:
    """The pacing message while paused."""
    paused = _("⏸ <b>Paused at rep {rep}/{reps}.</b> Tap Resume when you're ready.").format(
        rep=rep, reps=reps
    )
    return f"<b>{set_title(number, sets, side)}</b>\n\n{paused}\n\n💡 <i>{escape(cue)}</i>"


def pacing_keyboard(session_id: int, paused: bool) -> InlineKeyboardMarkup:
    """Pause (or Resume), Done and Stop on the pacing message."""
    toggle = (
        (_("▶️ Resume"), f"wk:resume:{session_id}")
        if paused
        else (_("⏸ Pause"), f"wk:pause:{session_id}")
    )
    return keyboard(
        [[toggle, (_("✅ Done"), f"wk:done:{session_id}"), (_("⏹ Stop"), f"wk:stop:{session_id}")]]
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
        lines.append(_("Logged: {what}.").format(what=escape(logged)))
    else:
        lines.append(
            _(
                "Set {number} of {sets} done? Reply <code>done</code> "
                "(or e.g. <code>done 8</code> if you managed 8)."
            ).format(number=number, sets=sets)
        )
    if rest_left is not None:
        lines.append(
            _("⏱ Rest: {seconds} s. Next: {next}.").format(
                seconds=rest_left, next=escape(next_label)
            )
        )
    elif next_label:
        lines.append(_("Next: {next}.").format(next=escape(next_label)))
    return "\n".join(lines)


def next_set_label(number: int, sets: int, side: str, side_change: bool) -> str:
    """E.g. "set 2 of 3, left leg" or "change position, right leg"."""
    if side_change:
        if side == "right":
            return _("change position, right leg")
        return _("change position, left leg")
    if side == "right":
        return _("set {number} of {sets}, right leg").format(number=number, sets=sets)
    return _("set {number} of {sets}, left leg").format(number=number, sets=sets)


def rest_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Skip rest / Stop during the rest countdown."""
    return keyboard(
        [[(_("⏭ Skip rest"), f"wk:skip:{session_id}"), (_("⏹ Stop"), f"wk:stop:{session_id}")]]
    )


def stop_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Only Stop (after the last set, while waiting for the log)."""
    return keyboard([[(_("⏹ Stop"), f"wk:stop:{session_id}")]])


def session_running(title: str) -> str:
    """/workout while a guided session is running."""
    return _(
        "You're in the middle of a session ({title}). Reply <code>done</code> to log "
        "a set, or tap Stop to end it."
    ).format(title=escape(title))


def continue_offer(logged: int, planned: int) -> str:
    """/workout with an unfinished session from today."""
    return ngettext(
        "You have an unfinished session from today ({logged} of {planned} set logged). "
        "Continue it, or start over?",
        "You have an unfinished session from today ({logged} of {planned} sets logged). "
        "Continue it, or start over?",
        planned,
    ).format(logged=logged, planned=planned)


def continue_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """Continue / Start over."""
    return keyboard(
        [[(_("▶️ Continue"), f"wk:cont:{session_id}"), (_("🔁 Start over"), "wk:new:0")]]
    )


def done_today() -> str:
    """/workout after today's session is complete."""
    return _("You've already done today's session. Rest is part of training! Start another anyway?")


def another_keyboard() -> InlineKeyboardMarkup:
    """Start another session."""
    return keyboard([[(_("▶️ Start another"), "wk:new:0")]])


def set_stopped(title: str) -> str:
    """The pacing/set message after the session was stopped."""
    return f"<b>{escape(title)}</b>\n" + _("⏹ Stopped.")


def session_closed_silence(title: str) -> str:
    """The live message of a session closed after an hour without activity."""
    return f"<b>{escape(title)}</b>\n" + _("⏹ Session closed after an hour without activity.")


def session_over_toast() -> str:
    """A button of a finished (or someone else's) session."""
    return _("That session is over. /workout starts a new one.")


def not_now_toast() -> str:
    """A button that doesn't apply in the current phase (e.g. Pause during rest)."""
    return _("Not available right now.")
