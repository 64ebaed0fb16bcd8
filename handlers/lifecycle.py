"""Start-up and shutdown: open resources in post_init, close them in post_shutdown."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand
from telegram.ext import Application

from handlers import recap, reminders, render, workout
from handlers.context import BotData

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]


async def on_startup(application: App) -> None:
    """Open storage, register the command menu, recover state and start the jobs."""
    data = application.bot_data
    await data.storage.open()
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in render.COMMANDS]
    )
    # Sessions a restart interrupted are closed first, then reminders catch up and tick.
    await workout.on_startup(application)
    await reminders.start(application)
    await recap.start(application)

    log.info("ready: %d users", await data.storage.count_users())


async def on_shutdown(application: App) -> None:
    """Close storage (checkpointing the WAL)."""
    await application.bot_data.storage.close()
