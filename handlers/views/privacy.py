"""Words of /export and /delete."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from handlers.views.common import keyboard
from handlers.views.i18n import _, ngettext


def export_caption(sets: int, sessions: int) -> str:
    """Caption of the /export document."""
    return _(
        "Your exercise log: {sets} in {sessions}, then your settings. "
        "It opens in any spreadsheet app."
    ).format(
        # TRANSLATORS: part of "Your exercise log: 12 sets in 2 sessions, …".
        sets=ngettext("{n} set", "{n} sets", sets).format(n=sets),
        sessions=ngettext("{n} session", "{n} sessions", sessions).format(n=sessions),
    )


def nothing_stored() -> str:
    """/delete from someone the bot has no row for."""
    return _("I have nothing stored about you, so there is nothing to delete.")


def delete_confirm() -> str:
    """The /delete question."""
    return _(
        "<b>Delete everything?</b>\n"
        "This erases your settings, every session and set you logged, your pain and difficulty "
        "answers and your reminder schedule. It can't be undone.\n\n"
        "Want a copy first? Send /export before you confirm."
    )


def delete_keyboard(stamp: str) -> InlineKeyboardMarkup:
    """Yes / Cancel; the stamp ties the button to this profile, not to a later one."""
    return keyboard(
        [[(_("🗑 Yes, delete everything"), f"del:yes:{stamp}")], [(_("Cancel"), "del:no")]]
    )


def deleted() -> str:
    """After /delete: nothing is left."""
    return _(
        "Done: everything I stored about you is erased and you won't get reminders. "
        "If you want to start again one day, send /start medial."
    )


def delete_cancelled() -> str:
    """The Cancel button of /delete."""
    return _("Cancelled: nothing was deleted.")


def delete_expired() -> str:
    """Toast for a delete button of an earlier profile or an odd one."""
    return _("That confirmation has expired. Send /delete again if you want to erase your data.")
