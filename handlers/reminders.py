"""Reminders: the dispatch tick, reminder buttons, schedule commands, and blocked users."""

from __future__ import annotations

import asyncio
import importlib
import logging
import time as _time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

from coach import pacing, zones
from coach.schedule import ReminderKind
from handlers import planning, render
from handlers.common import presser_profile, sender_profile
from handlers.context import BotData, Ctx
from handlers.dose import todays_plan
from storage.records import UserRecord

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]

JOB_NAME = "reminders"
CATCH_UP_JOB = "reminders-catch-up"
# Reminder sends per second. Telegram allows about 30 messages/s per bot; sending evenly spaced
# just under it keeps the broadcast clear of 429s and leaves room for users' replies.
SEND_RATE = 28.0
# Sends in flight at once: a slow or timing-out chat holds one worker, never the others.
WORKERS = 16
# Due users read per query (indexed, earliest first).
BATCH = 256
# Attempts for a send Telegram certainly did not accept (5xx, refused connection).
SEND_ATTEMPTS = 3
RETRY_DELAYS_S = (0.5, 2.0)
# A user whose reminder cannot even be computed (corrupt row) is retried this much later.
DEFER_ON_ERROR = timedelta(hours=1)
SNOOZE = timedelta(hours=1)
MAX_PAUSE_DAYS = 365
SCHEDULE_DAYS = 5

Outcome = Literal["sent", "blocked", "failed", "unknown"]


@dataclass
class DrainReport:
    """What one drain did, for logs, tests and the benchmark."""

    sent: int = 0
    dropped: int = 0  # fell due too long ago (downtime)
    rescheduled: int = 0  # the stored time was stale; nothing was due
    duplicate: int = 0  # the ledger already had this day: not sent again
    lost_race: int = 0  # another tick or a settings change moved it first
    blocked: int = 0
    failed: int = 0
    unknown: int = 0  # timed out: may have arrived, never resent
    errors: int = 0

    def total(self) -> int:
        """Users handled."""
        return sum(vars(self).values())


class Pacer:
    """Evenly spaced slots at `rate` per second (no bursts: Telegram counts per rolling second)."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Sleep until this caller's slot."""
        async with self._lock:
            now = _time.monotonic()
            slot = max(self._next, now)
            self._next = slot + self._gap
        if slot > now:
            await asyncio.sleep(slot - now)


class Dispatcher:
    """Sends due reminders: claim in the ledger and advance the schedule atomically, then send."""

    def __init__(
        self,
        application: App,
        *,
        rate: float = SEND_RATE,
        workers: int = WORKERS,
        batch: int = BATCH,
        retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
    ) -> None:
        self.app = application
        self.workers = workers
        self.batch = batch
        self.retry_delays_s = retry_delays_s
        self.pacer = Pacer(rate)
        self.totals = DrainReport()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[DrainReport] | None = None

    @property
    def data(self) -> BotData:
        """The application's services."""
        return self.app.bot_data

    @property
    def busy(self) -> bool:
        """Whether a drain is running."""
        return self._lock.locked() or (self._task is not None and not self._task.done())

    async def tick(self, context: Ctx) -> None:
        """The repeating job: start a drain in the background unless one is still running."""
        if self.busy or not self._keep_going():
            return
        self._task = self.app.create_task(self.drain(), name="reminders-drain")

    async def drain(self) -> DrainReport:
        """Settle every due user, batch by batch, until none is due or the bot is stopping."""
        report = DrainReport()
        async with self._lock:
            while self._keep_going():
                due = await self.data.storage.due_reminders(self.data.now(), self.batch)
                if not due:
                    break
                pending = iter(due)
                await asyncio.gather(
                    *(self._worker(pending, report) for _ in range(min(self.workers, len(due))))
                )
        for name, value in vars(report).items():
            setattr(self.totals, name, getattr(self.totals, name) + value)
        if report.total():
            log.info("reminders: %s", report)
        return report

    def _keep_going(self) -> bool:
        # Application.stop() clears `running` first and then waits for this task: stop claiming.
        return self.app.running

    async def _worker(self, pending: Any, report: DrainReport) -> None:
        for user in pending:
            if not self._keep_going():
                return
            try:
                await self.settle(user, report)
            except Exception:
                report.errors += 1
                log.exception("reminder for user %d failed; retrying later", user.user_id)
                due = user.next_reminder_utc
                if due is not None:
                    until = self.data.now() + DEFER_ON_ERROR
                    await self.data.storage.defer_reminder(user.user_id, due, until)

    async def settle(self, user: UserRecord, report: DrainReport) -> None:
        """Handle one due user: send, drop or reschedule their reminder, exactly once."""
        storage = self.data.storage
        due = user.next_reminder_utc
        if due is None:
            return
        state = planning.reminder_state(
            user,
            await storage.last_done_day(user.user_id),
            await storage.last_reminded_day(user.user_id),
            self.data.now(),
        )
        decision = planning.settle_due(state, due, self.data.now())
        fire = decision.fire
        message: tuple[str, InlineKeyboardMarkup] | None = None
        if fire is not None and decision.send:
            # Built before the claim: a claimed reminder is never sent twice, so nothing may fail
            # between claiming it and sending it.
            message = await self._message(user, fire[1], fire[2])
            await self.pacer.wait()
        claimed = await storage.claim_reminder(
            user.user_id,
            due,
            self.data.now(),
            fire=(fire[1], fire[2]) if fire else None,
            status="claimed" if decision.send else "dropped",
            next_utc=decision.next_utc,
            clear_snooze=decision.clears_snooze,
        )
        if claimed is None:
            report.lost_race += 1
        elif fire is None:
            report.rescheduled += 1
        elif not claimed:
            report.duplicate += 1
        elif message is None:
            report.dropped += 1
        else:
            outcome = await self._deliver(user, *message)
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome == "blocked":
                await storage.deactivate(user.user_id, self.data.now())
            if outcome != "unknown":
                status: Literal["sent", "failed"] = "sent" if outcome == "sent" else "failed"
                await storage.mark_reminder(user.user_id, fire[1], fire[2], status)

    async def _message(
        self, user: UserRecord, day: date, kind: ReminderKind
    ) -> tuple[str, InlineKeyboardMarkup]:
        program = self.data.program
        plan = await todays_plan(self.data.storage, program, user)
        preset = program.preset(user.preset)
        dose = plan.dose
        cadence = replace(preset.cadence, hold_s=dose.hold_s)
        seconds = pacing.session_duration_s(
            cadence, pacing.session_plan(dose.sets, dose.reps, user.legs)
        )
        text = render.reminder(program, user, plan, seconds, kind)
        return text, render.reminder_keyboard(day, kind)

    async def _deliver(self, user: UserRecord, text: str, markup: InlineKeyboardMarkup) -> Outcome:
        """Send once; retry only failures Telegram certainly did not deliver."""
        delays = iter(self.retry_delays_s)
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                await self.app.bot.send_message(user.chat_id, text, reply_markup=markup)
                return "sent"
            except Forbidden as exc:
                log.info("user %d blocked the bot: %s", user.user_id, exc)
                return "blocked"
            except RetryAfter as exc:
                # The rate limiter already waited and retried; give up on this one.
                log.warning("reminder to %d rate-limited after retries: %s", user.user_id, exc)
                return "failed"
            except BadRequest as exc:
                log.warning("reminder to %d refused: %s", user.user_id, exc)
                return "failed"
            except TimedOut as exc:
                if not isinstance(exc.__cause__, httpx.PoolTimeout):
                    # It may have reached Telegram and the user: never resend.
                    log.warning("reminder to %d timed out; not resending", user.user_id)
                    return "unknown"
                error: TelegramError = exc
            except NetworkError as exc:
                cause = exc.__cause__
                if isinstance(cause, httpx.HTTPError) and not isinstance(cause, httpx.ConnectError):
                    # The connection broke after the request went out: it may have arrived.
                    log.warning("reminder to %d: %s; not resending", user.user_id, exc)
                    return "unknown"
                error = exc
            except TelegramError as exc:
                log.warning("reminder to %d failed: %s", user.user_id, exc)
                return "failed"
            delay = next(delays, None)
            if attempt == SEND_ATTEMPTS or delay is None or not self._keep_going():
                log.warning(
                    "reminder to %d failed after %d tries: %s", user.user_id, attempt, error
                )
                return "failed"
            await asyncio.sleep(delay)
        return "failed"


def dispatcher(application: App) -> Dispatcher:
    """The running Dispatcher of an application (the reminders job's data)."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(JOB_NAME) if queue is not None else ()
    if not jobs or not isinstance(jobs[0].data, Dispatcher):
        raise RuntimeError("reminders are not started")
    return jobs[0].data


async def start(application: App) -> Dispatcher:
    """Start-up: a catch-up run as soon as the bot runs (what fell due while down), then ticks."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError(
            "the job queue is not available (install python-telegram-bot[job-queue])"
        )
    worker = Dispatcher(application)
    # PTB's default grace of 1 s would silently skip a late run (start-up can take longer than
    # that); a tick is cheap and coalesced, so run it however late.
    job_kwargs = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    interval = application.bot_data.tick_seconds
    queue.run_repeating(
        worker.tick,
        interval=interval,
        first=interval,
        name=JOB_NAME,
        data=worker,
        job_kwargs=job_kwargs,
    )
    # An interval job added before the scheduler starts skips its first run, so the catch-up is
    # a one-off job of its own.
    queue.run_once(worker.tick, 0, name=CATCH_UP_JOB, data=worker, job_kwargs=job_kwargs)
    return worker


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
