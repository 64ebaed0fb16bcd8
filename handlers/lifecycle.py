"""Start-up and shutdown: open resources in post_init, close them in post_shutdown."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from handlers import chart, recap, reminders, render, workout
from handlers.context import BotData

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


async def on_startup(application: App) -> None:
    """Open storage, register the command menu, recover state and start the jobs."""
    data = application.bot_data
    await data.storage.open()
    await publish(application, "the command menu", publish_commands)
    # Sessions a restart interrupted are closed first, then reminders catch up and tick.
    await workout.on_startup(application)
    await reminders.start(application)
    await recap.start(application)

    log.info("ready: %d users", await data.storage.count_users())


async def on_shutdown(application: App) -> None:
    """Close storage (checkpointing the WAL) and stop the chart process."""
    await application.bot_data.storage.close()
    await chart.shutdown()
