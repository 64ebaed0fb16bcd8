"""The bot's profile: command menu, description and short description, set at start-up.

A failure is a warning and is retried later with backoff; it never stops the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from handlers import render
from handlers.context import BotData
from handlers.views import profile as words

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]
Publish = Callable[[App], Awaitable[object]]

RETRY_FIRST_S = 5.0
RETRY_MAX_S = 3600.0


async def publish_commands(application: App) -> None:
    """The command menu."""
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in render.COMMANDS]
    )


async def publish_description(application: App) -> None:
    """What an empty chat with the bot shows."""
    await application.bot.set_my_description(words.DESCRIPTION)


async def publish_short_description(application: App) -> None:
    """The line on the bot's profile page and in shared links."""
    await application.bot.set_my_short_description(words.SHORT_DESCRIPTION)


async def publish(application: App, what: str, call: Publish, attempt: int = 1) -> bool:
    """Set something on the bot's profile; on failure warn and retry later (never fatal)."""
    try:
        await call(application)
    except TelegramError as exc:
        delay = min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (attempt - 1))
        log.warning(
            "could not set %s (%s: %s); retrying in %.0f s",
            what,
            type(exc).__name__,
            exc,
            delay,
        )
        queue = application.job_queue
        if queue is not None:

            async def again(context: CallbackContext[Any, Any, Any, Any]) -> None:
                await publish(application, what, call, attempt + 1)

            queue.run_once(again, delay, name=f"publish-{what}")
        return False
    if attempt > 1:
        log.info("set %s after %d attempts", what, attempt)
    return True


async def publish_profile(application: App) -> None:
    """Set the command menu, the description and the short description, each retried alone."""
    await publish(application, "the command menu", publish_commands)
    await publish(application, "the description", publish_description)
    await publish(application, "the short description", publish_short_description)
