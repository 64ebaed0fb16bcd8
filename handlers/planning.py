"""Glue between stored users and coach.schedule: compute and store each user's next reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from coach import schedule
from handlers.context import Ctx
from storage.records import FOREVER, UserRecord


def local_today(user: UserRecord, now: datetime) -> date:
    """The user's local calendar date at `now`."""
    return now.astimezone(ZoneInfo(user.timezone)).date()


def reminder_state(
    user: UserRecord, last_done: date | None, last_reminded: date | None, now: datetime
) -> schedule.ReminderState:
    """The pure scheduler's view of a user."""
    paused = user.paused_until
    if not user.reminders_on or not user.active:
        paused = FOREVER
    return schedule.ReminderState(
        timezone=user.timezone,
        remind_at=user.remind_at,
        first_day=user.first_day or local_today(user, now),
        last_done=last_done,
        last_reminded=last_reminded,
        skip_day=user.skip_day,
        paused_until=paused,
        snooze_until=user.snooze_until_utc,
    )


def next_training_day(user: UserRecord, last_done: date | None, now: datetime) -> date | None:
    """The next local date a session is due (ignoring pause), for summaries."""
    state = reminder_state(user, last_done, None, now)
    unpaused = schedule.ReminderState(
        timezone=state.timezone,
        remind_at=state.remind_at,
        first_day=state.first_day,
        last_done=state.last_done,
        last_reminded=None,
        skip_day=state.skip_day,
        paused_until=None,
        snooze_until=None,
    )
    days = schedule.upcoming_training_days(unpaused, local_today(user, now), 1)
    return days[0] if days else None


async def reschedule(context: Ctx, user: UserRecord) -> UserRecord:
    """Recompute and store the user's next reminder instant; returns the updated row."""
    storage = context.bot_data.storage
    now = context.bot_data.now()
    state = reminder_state(
        user,
        await storage.last_done_day(user.user_id),
        await storage.last_reminded_day(user.user_id),
        now,
    )
    upcoming = schedule.next_reminder(state, now) if user.onboarded else None
    updated = await storage.update_user(
        user.user_id, now, next_reminder_utc=upcoming[0] if upcoming else None
    )
    return updated or user


async def set_paused(
    context: Ctx, user: UserRecord, *, pause: bool, days: int | None
) -> UserRecord:
    """Pause reminders (for `days` days, or until /resume) or resume them."""
    now = context.bot_data.now()
    if pause:
        until = FOREVER if days is None else local_today(user, now) + timedelta(days=days)
        changes: dict[str, object] = {"paused_until": until}
    else:
        changes = {"paused_until": None, "reminders_on": True}
    updated = await context.bot_data.storage.update_user(user.user_id, now, **changes)
    return await reschedule(context, updated or user)
