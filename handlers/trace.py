"""A DEBUG line per update with its ids and kind, never what the user wrote."""

from __future__ import annotations

import logging

from telegram import Update

from handlers.context import Ctx
from handlers.views.common import COMMANDS

log = logging.getLogger(__name__)
KNOWN_COMMANDS = frozenset(name for name, _ in COMMANDS)


def update_kind(update: Update) -> str:
    """What an update is, in a word or two (a command's name, a button's prefix; no text)."""
    message = update.effective_message
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").split(":", 1)[0]
        return f"button {prefix}" if prefix else "button"
    if update.my_chat_member is not None:
        return f"member {update.my_chat_member.new_chat_member.status}"
    if message is None:
        return "other"
    if message.text is not None and message.text.startswith("/"):
        name = message.text.split(maxsplit=1)[0].split("@", 1)[0]
        # Only commands the bot knows are named; anything else could be the user's words.
        return f"command {name}" if name[1:] in KNOWN_COMMANDS else "command"
    for kind in ("text", "location", "photo", "document", "voice", "sticker"):
        if getattr(message, kind, None):
            return kind
    return "message"


async def trace_update(update: object, context: Ctx) -> None:
    """Log the update id, user, chat and kind at DEBUG."""
    if isinstance(update, Update) and log.isEnabledFor(logging.DEBUG):
        user = update.effective_user
        chat = update.effective_chat
        log.debug(
            "update %d from user %s in chat %s: %s",
            update.update_id,
            user.id if user else "-",
            chat.id if chat else "-",
            update_kind(update),
        )
