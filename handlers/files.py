"""Photos and documents with a text fallback: if the file can't be sent, its summary still is."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Message
from telegram.error import Forbidden, TelegramError

log = logging.getLogger(__name__)


async def send_or_summarize(
    message: Message, send: Callable[[], Awaitable[Message]], summary: str, note: str
) -> bool:
    """Run `send` (a photo or document whose caption is `summary`); True if it went.

    If it fails (after the outbox's retries), the summary goes as text with `note`, so what the
    user asked for is not lost with the file. A chat that blocked the bot gets nothing.
    """
    try:
        await send()
    except Forbidden:
        return False
    except TelegramError as exc:
        log.warning("a file to chat %s failed: %s", message.chat_id, exc)
        try:
            await message.reply_text(f"{summary}\n\n{note}")
        except TelegramError as again:
            log.warning("its summary failed too: %s", again)
        return False
    return True
