"""Users who block the bot: no more reminders, no pacing, nothing queued for their chat."""

from __future__ import annotations

import logging
from typing import Any

from telegram import ChatMember, Update
from telegram.ext import Application

from handlers.context import BotData, Ctx
from handlers.workout import end_guided_silently

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]


async def on_blocked(application: App, chat_id: int) -> None:
    """The outbox got a 403 for a private chat (its id is the user's): forget the user's runtime."""
    await forget_chat(application, chat_id, "reminders and pacing stopped")


async def forget_chat(application: App, user_id: int, why: str) -> None:
    """End the user's guided set without sending, drop their jobs and open sessions, deactivate."""
    data = application.bot_data
    now = data.now()
    # Ends a guided set without sending (even mid-step); removing the jobs saves the wake-ups.
    end_guided_silently(data, user_id)
    queue = application.job_queue
    if queue is not None:
        for job in queue.jobs():
            if user_id in (job.user_id, job.chat_id):
                job.schedule_removal()
    storage = data.storage
    for session in await storage.open_sessions(user_id):
        await storage.close_session(user_id, session.session_id, now)
    if await storage.deactivate(user_id, now):
        log.info("user %d blocked the bot; %s", user_id, why)


async def member_update(update: Update, context: Ctx) -> None:
    """my_chat_member: a user who blocks the bot (status kicked) gets no more reminders."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status == ChatMember.BANNED:
        # Telegram says so before any send fails: stop pacing now, not at the first 403.
        await forget_chat(context.application, change.from_user.id, "reminders stopped")
