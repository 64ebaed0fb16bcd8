"""The one error handler: log with the traceback, tell the user briefly, leak nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from handlers.context import Ctx
from handlers.views import common as common_views

log = logging.getLogger(__name__)


async def on_error(update: object, context: Ctx) -> None:
    """Log the exception (never the update's contents) and send a short apology if possible."""
    error = context.error
    kind = type(update).__name__
    if isinstance(error, Forbidden):
        log.info("forbidden while handling %s: %s", kind, error)
        return
    if isinstance(error, NetworkError):
        log.warning("network error while handling %s: %s", kind, error)
        return
    log.error("error while handling %s", kind, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, common_views.apology())
        except TelegramError:
            log.warning("could not send the apology")
