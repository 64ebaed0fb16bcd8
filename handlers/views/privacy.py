"""Words of /export and /delete."""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
)

from handlers.views.common import keyboard


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
