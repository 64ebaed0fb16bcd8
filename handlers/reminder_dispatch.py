"""The reminder tick: claim what is due in the ledger, send it as a broadcast, retry what failed.

Sends go through the outbox as BROADCAST, so users' replies, callback answers and guided-set
pacing always take the next free slot first; the outbox spaces the rest at Telegram's limit.
A reminder Telegram certainly did not accept (5xx, refused connection, flood wait) stays in the
ledger as `retry` and is tried again on later ticks with growing delays, until it is delivered
or the user's local cut-off passes. One that may have arrived (a timeout) is never resent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from coach import pacing, schedule
from coach.schedule import ReminderKind
from handlers import planning
from handlers.context import BotData, Ctx
from handlers.dose import todays_plan
from handlers.reminder_catchup import settle_unsent
from handlers.ticking import running_worker, start_ticking
from handlers.views import reminders as reminders_views
from handlers.views.i18n import speaking
from storage.records import UserRecord
from storage.reminders import RetryRow
from transport.failures import Verdict, verdict
from transport.priority import Priority, sending_as

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]

JOB_NAME = "reminders"
CATCH_UP_JOB = "reminders-catch-up"
# Sends in flight at once: enough to keep the outbox's broadcast queue full, and a slow or
# timing-out chat holds one worker, never the others.
WORKERS = 24
# Due users read per query (indexed, earliest first).
BATCH = 512
# A reminder that failed is tried again a tick after its first attempt, then after doubling
# waits up to this cap, with jitter so a failed fan-out does not come back as one burst.
RETRY_CAP = timedelta(minutes=15)
# A user whose reminder cannot even be computed (corrupt row) is retried this much later.
DEFER_ON_ERROR = timedelta(hours=1)

Outcome = Literal["sent", "blocked", "failed", "unknown", "retry"]


@dataclass
class DrainReport:
    """What one drain did, for logs, tests and the benchmark."""

    sent: int = 0
    dropped: int = 0  # fell due too long ago (downtime), or a retry no longer wanted
    rescheduled: int = 0  # the stored time was stale; nothing was due
    duplicate: int = 0  # the ledger already had this day: not sent again
    lost_race: int = 0  # another tick or a settings change moved it first
    blocked: int = 0
    failed: int = 0
    unknown: int = 0  # timed out: may have arrived, never resent
    retry: int = 0  # certainly not delivered: tried again on a later tick
    errors: int = 0

    def total(self) -> int:
        """Users handled."""
        return sum(vars(self).values())


def retry_delay(attempts: int, tick_s: float, rand: float) -> timedelta:
    """How long after its `attempts`-th failed attempt a reminder is tried again."""
    first = timedelta(seconds=tick_s)
    base = min(RETRY_CAP, first * (1 << min(10, max(0, attempts - 1))))
    return base * (0.75 + 0.5 * rand)


def retry_wanted(state: schedule.ReminderState, row: RetryRow, now: datetime) -> bool:
    """Whether a failed reminder should still go out: same local day, before the cut-off."""
    day = row.local_date
    if state.paused_until is not None and day < state.paused_until:
        return False
    if day == state.skip_day or (state.last_done is not None and state.last_done >= day):
        return False
    return schedule.still_sendable(row.claimed_utc, now, ZoneInfo(state.timezone))


class Dispatcher:
    """Sends due reminders: claim in the ledger and advance the schedule atomically, then send."""

    def __init__(self, application: App, *, workers: int = WORKERS, batch: int = BATCH) -> None:
        self.app = application
        self.workers = workers
        self.batch = batch
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
        """Settle every due retry and every due user, batch by batch, until none is left."""
        report = DrainReport()
        storage = self.data.storage
        async with self._lock:
            while self._keep_going():
                retries = await storage.due_reminder_retries(self.data.now(), self.batch)
                if not retries:
                    break
                await self._run(iter(retries), len(retries), report, self.retry)
            while self._keep_going():
                due = await storage.due_reminders(self.data.now(), self.batch)
                if not due:
                    break
                # What is not sent now (dropped after downtime, rescheduled) is settled in one
                # transaction for the whole batch; the rest are claimed and sent one by one.
                due = await settle_unsent(self.data, due, report)
                await self._run(iter(due), len(due), report, self.settle)
        for name, value in vars(report).items():
            setattr(self.totals, name, getattr(self.totals, name) + value)
        if report.total():
            log.info("reminders: %s", report)
        return report

    def _keep_going(self) -> bool:
        # Application.stop() clears `running` first and then waits for this task: stop claiming.
        return self.app.running

    async def _run(
        self, pending: Iterator[Any], count: int, report: DrainReport, step: Any
    ) -> None:
        async def worker() -> None:
            for item in pending:
                if not self._keep_going():
                    return
                try:
                    await step(item, report)
                except Exception:
                    report.errors += 1
                    await self._defer(item)

        await asyncio.gather(*(worker() for _ in range(min(self.workers, count))))

    async def _defer(self, item: UserRecord | RetryRow) -> None:
        log.exception("reminder for user %d failed; retrying later", item.user_id)
        until = self.data.now() + DEFER_ON_ERROR
        if isinstance(item, RetryRow):
            await self.data.storage.schedule_reminder_retry(
                item.user_id, item.local_date, item.kind, until
            )
        elif item.next_reminder_utc is not None:
            await self.data.storage.defer_reminder(item.user_id, item.next_reminder_utc, until)

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
            await self._send(user, fire[1], fire[2], message, 1, report)

    async def retry(self, row: RetryRow, report: DrainReport) -> None:
        """Try a reminder that failed before again, if it is still wanted and still ours."""
        storage = self.data.storage
        now = self.data.now()
        user = await storage.get_user(row.user_id)
        wanted = False
        if user is not None:
            state = planning.reminder_state(
                user, await storage.last_done_day(user.user_id), None, now
            )
            wanted = retry_wanted(state, row, now)
        if user is None or not wanted:
            if await storage.end_reminder_retry(
                row.user_id, row.local_date, row.kind, row.retry_utc
            ):
                report.dropped += 1
            return
        message = await self._message(user, row.local_date, row.kind)
        if not await storage.claim_reminder_retry(
            row.user_id, row.local_date, row.kind, row.retry_utc
        ):
            report.lost_race += 1
            return
        await self._send(user, row.local_date, row.kind, message, row.attempts + 1, report)

    async def _send(
        self,
        user: UserRecord,
        day: date,
        kind: ReminderKind,
        message: tuple[str, InlineKeyboardMarkup],
        attempts: int,
        report: DrainReport,
    ) -> None:
        storage = self.data.storage
        outcome = await self._deliver(user, *message)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome == "blocked":
            await storage.deactivate(user.user_id, self.data.now())
        if outcome == "retry":
            delay = retry_delay(attempts, self.data.tick_seconds, random.random())
            later = self.data.now() + delay
            await storage.schedule_reminder_retry(user.user_id, day, kind, later)
        elif outcome != "unknown":
            status: Literal["sent", "failed"] = "sent" if outcome == "sent" else "failed"
            await storage.mark_reminder(user.user_id, day, kind, status)

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
        with speaking(user.language):
            # The program's texts are per language too (content overlays).
            text = reminders_views.reminder(self.data.program, user, plan, seconds, kind)
            return text, reminders_views.reminder_keyboard(day, kind)

    async def _deliver(self, user: UserRecord, text: str, markup: InlineKeyboardMarkup) -> Outcome:
        """Send once through the outbox (it retries what is safe to retry)."""
        try:
            with sending_as(Priority.BROADCAST):
                await self.app.bot.send_message(user.chat_id, text, reply_markup=markup)
        except Forbidden as exc:
            log.info("user %d blocked the bot: %s", user.user_id, exc)
            return "blocked"
        except RetryAfter as exc:
            log.warning("reminder to %d rate-limited; trying later: %s", user.user_id, exc)
            return "retry"
        except BadRequest as exc:
            log.warning("reminder to %d refused: %s", user.user_id, exc)
            return "failed"
        except TelegramError as exc:
            kind = verdict(exc)
            if kind is Verdict.MAYBE:
                # It may have reached Telegram and the user: never resend.
                log.warning(
                    "reminder to %d may have arrived (%s); not resending", user.user_id, exc
                )
                return "unknown"
            if kind is Verdict.RETRY:
                log.warning("reminder to %d not delivered (%s); trying later", user.user_id, exc)
                return "retry"
            log.warning("reminder to %d failed: %s", user.user_id, exc)
            return "failed"
        return "sent"


def dispatcher(application: App) -> Dispatcher:
    """The running Dispatcher of an application (the reminders job's data)."""
    return running_worker(application, JOB_NAME, Dispatcher)


async def start(application: App) -> Dispatcher:
    """Start-up: a catch-up run as soon as the bot runs (what fell due while down), then ticks."""
    worker = Dispatcher(application)
    start_ticking(application, worker, worker.tick, name=JOB_NAME, catch_up=CATCH_UP_JOB)
    return worker
