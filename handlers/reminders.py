"""Reminders: the reminder buttons and the schedule commands (the tick is reminder_dispatch)."""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from coach import zones
from handlers import planning, render
from handlers.common import presser_profile, sender_profile
from handlers.context import Ctx
from handlers.reminder_dispatch import (
    CATCH_UP_JOB,
    JOB_NAME,
    Dispatcher,
    DrainReport,
    dispatcher,
    start,
)
from storage.records import UserRecord

__all__ = ["CATCH_UP_JOB", "JOB_NAME", "Dispatcher", "DrainReport", "dispatcher", "start"]

log = logging.getLogger(__name__)

SNOOZE = timedelta(hours=1)
MAX_PAUSE_DAYS = 365
SCHEDULE_DAYS = 5


# --- the reminder's buttons ----------------------------------------------------------------


async def reminder_button(update: Update, context: Ctx) -> None:
    """remind:<snooze|skip>:<local date>: act for the pressing user only."""
    pressed = await presser_profile(update, context, onboarded=True)
    if pressed is None:
        return
    query, message, user = pressed
    data = context.bot_data
    action, day = _parse_button(query.data or "")
    now = data.now()
    today = planning.local_today(user, now)
    if action is None or day is None:
        await query.answer(render.stale_button())
        return
    if day != today:
        await query.answer(render.reminder_expired(day))
        return
    tz = ZoneInfo(user.timezone)
    if action == "skip":
        if user.skip_day == day:
            await query.answer(render.already_skipped())
            return
        updated = await planning.skip(context, user, day)
        await query.answer(render.skipped_toast())
        await _edit(message, render.reminder_skipped(_next_local(updated)), None)
        return
    until = now + SNOOZE
    pending = user.snooze_until_utc
    if (pending is not None and pending > now) or await data.storage.reminder_claimed(
        user.user_id, day, "snooze"
    ):
        await query.answer(render.snooze_used())
        return
    if user.skip_day == day:
        await query.answer(render.already_skipped())
        return
    if until.astimezone(tz).date() != day:
        await query.answer(render.snooze_too_late())
        return
    await planning.snooze(context, user, until)
    await query.answer(render.snoozed_toast(until.astimezone(tz)))
    await _edit(
        message,
        render.reminder_snoozed(until.astimezone(tz)),
        render.reminder_keyboard(day, "snooze"),
    )


def _parse_button(data: str) -> tuple[Literal["snooze", "skip"] | None, date | None]:
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != "remind" or parts[1] not in ("snooze", "skip"):
        return None, None
    try:
        day = date.fromisoformat(parts[2])
    except ValueError:
        return None, None
    return ("snooze" if parts[1] == "snooze" else "skip"), day


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the reminder; only a double tap racing the first edit can make it identical."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


# --- commands ------------------------------------------------------------------------------


def _argument(context: Ctx) -> str:
    return " ".join(context.args or []).strip()


async def remind(update: Update, context: Ctx) -> None:
    """/remind HH:MM: change the reminder time."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    text = _argument(context)
    if not text:
        await message.reply_text(render.remind_usage(user))
        return
    parsed = zones.parse_time(text)
    if parsed is None:
        await message.reply_text(render.time_not_understood(text) + "\n" + render.remind_example())
        return
    data = context.bot_data
    now = data.now()
    updated = await data.storage.update_user(user.user_id, now, remind_at=parsed, awaiting="")
    updated = await planning.reschedule(context, updated or user)
    await message.reply_text(await _confirmation(context, updated))


async def timezone(update: Update, context: Ctx) -> None:
    """/timezone <zone>: change the timezone (name, city or UTC offset)."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    text = _argument(context)
    if not text:
        await message.reply_text(render.timezone_usage(user))
        return
    zone = zones.parse_timezone(text)
    if zone is None:
        await message.reply_text(render.timezone_not_understood(text))
        return
    data = context.bot_data
    updated = await data.storage.update_user(user.user_id, data.now(), timezone=zone, awaiting="")
    updated = await planning.reschedule(context, updated or user)
    await message.reply_text(await _confirmation(context, updated))


async def pause(update: Update, context: Ctx) -> None:
    """/pause [days]: no reminders for that many days, or until /resume."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    text = _argument(context)
    days: int | None = None
    if text:
        days = _parse_days(text)
        if days is None:
            await message.reply_text(render.pause_usage(text, MAX_PAUSE_DAYS))
            return
    updated = await planning.set_paused(context, user, pause=True, days=days)
    await message.reply_text(render.paused(updated.paused_until))


def _parse_days(text: str) -> int | None:
    words = text.lower().split()
    if not words or len(words) > 2 or not words[0].isdigit() or len(words[0]) > 4:
        return None
    if len(words) == 2 and words[1] not in ("day", "days", "d"):
        return None
    days = int(words[0])
    return days if 1 <= days <= MAX_PAUSE_DAYS else None


async def resume(update: Update, context: Ctx) -> None:
    """/resume: reminders back on (after /pause or /stop)."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    updated = await planning.set_paused(context, user, pause=False, days=None)
    await message.reply_text(render.resumed() + "\n" + await _confirmation(context, updated))


async def schedule_command(update: Update, context: Ctx) -> None:
    """/schedule: the next training days with their dates and time."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    data = context.bot_data
    now = data.now()
    last_done = await data.storage.last_done_day(user.user_id)
    days = planning.upcoming(user, last_done, now, SCHEDULE_DAYS)
    await message.reply_text(render.schedule(user, days, planning.local_today(user, now)))


async def stop(update: Update, context: Ctx) -> None:
    """/stop: end a running guided session and turn reminders off (history kept)."""
    known = await sender_profile(update, context)
    if known is None:
        return
    message, user = known
    ended = await _close_running_session(context, user.user_id)
    await planning.set_reminders_off(context, user)
    await message.reply_text(render.stopped(bool(ended)))


async def _close_running_session(context: Ctx, user_id: int) -> object:
    # The guided-session feature lives in handlers.workout; tolerate it being absent.
    try:
        workout = importlib.import_module("handlers.workout")
    except ModuleNotFoundError:
        return False
    close = getattr(workout, "close_running_session", None)
    if close is None:
        return False
    result: object = await close(context, user_id, "stop")
    return result


async def _confirmation(context: Ctx, user: UserRecord) -> str:
    """ "Reminders every other day at 07:30 Europe/Berlin. Next reminder: ..." after a change."""
    return render.reminder_settings(user, _next_local(user))


def _next_local(user: UserRecord) -> datetime | None:
    """The user's next scheduled reminder in their local time."""
    if user.next_reminder_utc is None:
        return None
    return user.next_reminder_utc.astimezone(ZoneInfo(user.timezone))
