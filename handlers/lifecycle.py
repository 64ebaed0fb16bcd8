"""Start-up and shutdown: open resources in post_init, close them in post_shutdown."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from handlers import chart, profile, recap, reminders, workout
from handlers.context import BotData

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]


async def on_startup(application: App) -> None:
    """Open storage, publish the bot's profile, recover state and start the jobs."""
    data = application.bot_data
    await data.storage.open()
    await profile.publish_profile(application)
    # Sessions a restart interrupted are closed first, then reminders catch up and tick.
    await workout.on_startup(application)
    await reminders.start(application)
    await recap.start(application)

    log.info("ready: %d users", await data.storage.count_users())


async def on_shutdown(application: App) -> None:
    """Close storage (checkpointing the WAL) and stop the chart process."""
    await application.bot_data.storage.close()
    await chart.shutdown()
