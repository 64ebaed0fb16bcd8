"""Glue between stored users and coach.schedule: compute and store each user's next reminder."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from coach import recap, schedule
from handlers.context import Ctx
from storage.pauses import PauseReason
from storage.records import FOREVER, UserRecord
from storage.setlog import NextReminder

# The smallest step past an instant, so next_reminder() looks strictly after a settled reminder.
_EPSILON = timedelta(microseconds=1)


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


def upcoming(
    user: UserRecord, last_done: date | None, now: datetime, count: int
) -> list[tuple[date, datetime]]:
    """The next `count` training days with the local reminder time of each (pause respected)."""
    state = reminder_state(user, last_done, None, now)
    tz = ZoneInfo(user.timezone)
    days = schedule.upcoming_training_days(state, local_today(user, now), count)
    return [(day, schedule.fire_time(day, user.remind_at, tz).astimezone(tz)) for day in days]


@dataclass(frozen=True)
class DueReminder:
    """What the dispatcher does with a user whose stored next_reminder_utc fell due."""

    # The reminder to settle now: (UTC instant, local date, kind); None if nothing is due.
    fire: tuple[datetime, date, schedule.ReminderKind] | None
    send: bool  # False: it fell due too long ago (downtime) and is dropped
    next_utc: datetime | None  # the value next_reminder_utc takes

    @property
    def clears_snooze(self) -> bool:
        """A settled snooze is used up."""
        return self.fire is not None and self.fire[2] == "snooze"


def settle_due(state: schedule.ReminderState, due: datetime, now: datetime) -> DueReminder:
    """Decide, from the user's current state, what a stored reminder due at `due` means at `now`."""
    tz = ZoneInfo(state.timezone)
    # The stored instant may be stale (the user trained, skipped, paused or moved their time
    # since it was computed), so recompute what is really due from that instant on.
    found = schedule.next_reminder(state, due)
    if found is None:
        return DueReminder(None, False, None)
    fire_utc, day, kind = found
    if fire_utc > now:
        return DueReminder(None, False, fire_utc)
    send = schedule.still_sendable(fire_utc, now, tz)
    after = replace(
        state,
        snooze_until=None if kind == "snooze" else state.snooze_until,
        last_reminded=day if kind == "daily" else state.last_reminded,
    )
    resume = fire_utc + _EPSILON
    if not send:
        # After downtime, jump over the stale days in one step instead of dropping them one by
        # one; today's reminder (if any) is then considered on its own.
        today = now.astimezone(tz).date()
        resume = max(resume, schedule.fire_time(today, time(0, 0), tz))
    following = schedule.next_reminder(after, resume)
    return DueReminder((fire_utc, day, kind), send, following[0] if following else None)


def next_reminder_utc(
    user: UserRecord, last_done: date | None, last_reminded: date | None, now: datetime
) -> datetime | None:
    """The instant the user's next reminder is due, from their stored row (None: nothing)."""
    if not user.onboarded:
        return None
    state = reminder_state(user, last_done, last_reminded, now)
    since = now
    if user.next_reminder_utc is not None and user.next_reminder_utc < now:
        # Due but not yet dispatched (the tick runs every few seconds, or the bot was down):
        # keep that reminder in view; the dispatcher decides whether it is still sendable.
        since = user.next_reminder_utc
    found = schedule.next_reminder(state, since)
    return found[0] if found else None


def planner(now: datetime) -> NextReminder:
    """next_reminder_utc at `now`, for storage to call inside the transaction that logs a set."""
    return partial(next_reminder_utc, now=now)


async def reschedule(context: Ctx, user: UserRecord) -> UserRecord:
    """Recompute and store the user's next reminder instant; returns the updated row."""
    storage = context.bot_data.storage
    now = context.bot_data.now()
    # Callers may hold a row read before the dispatcher advanced it; work from the stored one.
    user = await storage.get_user(user.user_id) or user
    upcoming_reminder = next_reminder_utc(
        user,
        await storage.last_done_day(user.user_id),
        await storage.last_reminded_day(user.user_id),
        now,
    )
    updated = await storage.update_user(
        user.user_id,
        now,
        next_reminder_utc=upcoming_reminder,
        next_recap_utc=next_recap_utc(user, now),
    )
    return updated or user


def next_recap_utc(user: UserRecord, now: datetime) -> datetime | None:
    """When the user's next weekly recap is due (None: off, or not onboarded yet)."""
    if not user.onboarded or not user.recap_on:
        return None
    stored = user.next_recap_utc
    if stored is not None and stored <= now:
        # Due but not yet dispatched: the recap tick decides what becomes of it.
        return stored
    return recap.next_recap(user.recap_day, user.remind_at, ZoneInfo(user.timezone), now)


async def set_paused(
    context: Ctx,
    user: UserRecord,
    *,
    pause: bool,
    days: int | None,
    reason: PauseReason = "pause",
) -> UserRecord:
    """Pause reminders (for `days` days, or until /resume) or resume them; log it for stats."""
    storage = context.bot_data.storage
    now = context.bot_data.now()
    today = local_today(user, now)
    if pause:
        until = FOREVER if days is None else today + timedelta(days=days)
        changes: dict[str, object] = {"paused_until": until}
        await storage.start_pause(user.user_id, today, None if days is None else until, reason, now)
    else:
        # Someone typing /resume can reach us, so they have not blocked the bot (any more).
        changes = {"paused_until": None, "reminders_on": True, "active": True}
        await storage.end_pauses(user.user_id, today)
    updated = await storage.update_user(user.user_id, now, **changes)
    return await reschedule(context, updated or user)


async def set_reminders_off(context: Ctx, user: UserRecord) -> UserRecord:
    """Turn reminders off (/stop); history and settings are kept."""
    now = context.bot_data.now()
    if user.reminders_on:
        await context.bot_data.storage.start_pause(
            user.user_id, local_today(user, now), None, "stop", now
        )
    updated = await context.bot_data.storage.update_user(
        user.user_id, now, reminders_on=False, snooze_until_utc=None
    )
    return await reschedule(context, updated or user)


async def skip(context: Ctx, user: UserRecord, day: date) -> UserRecord:
    """No reminder (and no pending snooze) on local `day`; the next one moves to a later day."""
    now = context.bot_data.now()
    await context.bot_data.storage.start_pause(
        user.user_id, day, day + timedelta(days=1), "skip", now
    )
    changes: dict[str, object] = {"skip_day": day}
    snooze = user.snooze_until_utc
    if snooze is not None and snooze.astimezone(ZoneInfo(user.timezone)).date() == day:
        changes["snooze_until_utc"] = None
    updated = await context.bot_data.storage.update_user(user.user_id, now, **changes)
    return await reschedule(context, updated or user)


async def snooze(context: Ctx, user: UserRecord, until: datetime) -> UserRecord:
    """Schedule exactly one extra reminder at `until` (aware UTC)."""
    now = context.bot_data.now()
    updated = await context.bot_data.storage.update_user(user.user_id, now, snooze_until_utc=until)
    return await reschedule(context, updated or user)
