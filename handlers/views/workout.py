"""Words of the guided session that are not in views/guided.py (failures it recovers from)."""

from __future__ import annotations

from handlers.views.i18n import _


def session_interrupted() -> str:
    """The next set couldn't be shown (Telegram kept failing): the session is kept as partial."""
    return _(
        "I couldn't send your next set, so I've saved this session as partial. "
        "Send /workout to continue it."
    )
