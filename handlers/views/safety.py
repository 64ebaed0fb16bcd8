"""Words of the safety stop, a lighter next session and the progression offer."""

from __future__ import annotations

from html import escape

from telegram import (
    InlineKeyboardMarkup,
)

from coach.progression import Dose, Reason, Suggestion
from handlers.views.common import dose_text, keyboard
from handlers.views.i18n import _


def stop_advice(reason: Reason, pain: int | None) -> str:
    """Pain >= 7 or sharp pain: stop, reminders paused, see a clinician, /resume when ready."""
    if reason is Reason.SHARP_PAIN:
        first = _("Sharp pain means stop: please don't go on with the exercise today.")
    elif pain is not None:
        first = _("You rated your pain {pain}/10. Please stop the exercise for now.").format(
            pain=pain
        )
    else:
        first = _("You rated your pain high. Please stop the exercise for now.")
    return f"⚠️ <b>{first}</b>\n\n" + _(
        "I've paused your reminders. Pain like this is worth checking with your doctor or "
        "physical therapist before you train again, especially if it lasts or comes back.\n\n"
        "When you're ready to go on, send /resume. Your first session back will be lighter."
    )


def regress_note(pain: int, lighter: Dose, usual: Dose, legs: str) -> str:
    """Pain 4-6: the next session is lighter, and why."""
    return _(
        "You rated your pain {pain}/10. Your next session will be lighter, "
        "<b>{lighter}</b> instead of {usual}, "
        "to let things settle. After that you're back to your usual dose. "
        "If the pain gets worse or turns sharp, stop and check with your doctor or "
        "physical therapist."
    ).format(
        pain=pain,
        lighter=escape(dose_text(lighter, legs)),
        usual=escape(dose_text(usual, legs)),
    )


def progression_keyboard(step: Suggestion) -> InlineKeyboardMarkup:
    """Yes / Not now, carrying the step's key (never a user or session id)."""
    return keyboard(
        [[(_("✅ Yes, step up"), f"prog:yes:{step.key}"), (_("Not now"), f"prog:no:{step.key}")]]
    )


def progression_declined() -> str:
    """After Not now."""
    return _(
        "OK, staying where you are. I'll ask again after three more easy sessions. "
        "You can always change your dose preset in /settings."
    )


def progression_stale() -> str:
    """Toast for a progression button that no longer matches the user's dose or history."""
    return _("That offer is out of date; nothing changed.")
