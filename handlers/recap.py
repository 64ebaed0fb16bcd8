"""The weekly recap: a tick that sends due recaps (once per user and week), and /recap."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from coach import recap as rules
from coach.progression import QUALIFYING_RUN, suggest
from coach.schedule import still_sendable
from coach.stats import ChartPoint, off_days
from handlers import chart, planning
from handlers.common import sender_profile
from handlers.context import BotData, Ctx
from handlers.dose import todays_plan, usual_dose
from handlers.progress import progress_first_day
from handlers.ticking import running_worker, start_ticking
from handlers.views import common as common_views
from handlers.views import progress as progress_views
from handlers.views import recap as views
from handlers.views.i18n import speaking
from storage.records import UserRecord
from transport.priority import Priority, sending_as

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]

JOB_NAME = "recap"
CATCH_UP_JOB = "recap-catch-up"
BATCH = 128
# Recaps built and sent at once; the outbox spaces the sends within Telegram's limits.
WORKERS = 4
# A chart covers this many weeks of sessions, the recap's week last.
CHART_DAYS = 28
_DAY = timedelta(days=1)


@dataclass
class RecapReport:
    """What one drain did, for logs and tests."""

    sent: int = 0
    skipped: int = 0  # recap off, paused, stopped or blocked: moved to next week, not sent
    dropped: int = 0  # fell due while the bot was down, too long ago
    duplicate: int = 0  # this week's recap was already claimed
    lost_race: int = 0
    failed: int = 0

    def total(self) -> int:
        """Users handled."""
        return sum(vars(self).values())


def _eligible(user: UserRecord, day: date) -> bool:
    """Never to a paused (by /pause or the safety pause), stopped or inactive user."""
    paused = user.paused_until is not None and user.paused_until > day
    return user.onboarded and user.recap_on and user.active and user.reminders_on and not paused


class RecapDispatcher:
    """Claims each due recap in its ledger (one per user and local week), then sends it."""

    def __init__(self, application: App) -> None:
        self.app = application
        self.totals = RecapReport()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[RecapReport] | None = None

    @property
    def data(self) -> BotData:
        """The application's services."""
        return self.app.bot_data

    async def tick(self, context: Ctx) -> None:
        """The repeating job: start a drain in the background unless one is still running."""
        if self._lock.locked() or (self._task is not None and not self._task.done()):
            return
        if self.app.running:
            self._task = self.app.create_task(self.drain(), name="recap-drain")

    async def drain(self) -> RecapReport:
        """Settle every due recap, batch by batch, until none is due or the bot is stopping."""
        report = RecapReport()
        gate = asyncio.Semaphore(WORKERS)

        async def one(user: UserRecord) -> None:
            async with gate:
                try:
                    await self.settle(user, report)
                except Exception:
                    report.failed += 1
                    log.exception("recap for user %d failed", user.user_id)
                    await self._skip_week(user)

        async with self._lock:
            while self.app.running:
                due = await self.data.storage.due_recaps(self.data.now(), BATCH)
                if not due:
                    break
                await asyncio.gather(*(one(user) for user in due))
        for name, value in vars(report).items():
            setattr(self.totals, name, getattr(self.totals, name) + value)
        if report.total():
            log.info("recaps: %s", report)
        return report

    async def _skip_week(self, user: UserRecord) -> None:
        """After an unexpected error, move on to next week rather than retry in a loop."""
        due = user.next_recap_utc
        if due is None:
            return
        tz = ZoneInfo(user.timezone)
        following = rules.next_recap(user.recap_day, user.remind_at, tz, self.data.now())
        await self.data.storage.claim_recap(
            user.user_id, due, self.data.now(), week_start=None, status="failed", next_utc=following
        )

    async def settle(self, user: UserRecord, report: RecapReport) -> None:
        """Send, skip or drop one user's due recap, exactly once per local week."""
        storage = self.data.storage
        due = user.next_recap_utc
        if due is None:
            return
        now = self.data.now()
        tz = ZoneInfo(user.timezone)
        day = due.astimezone(tz).date()
        week = rules.week_key(day)
        # After downtime, skip the stale weeks in one step but keep a recap that fell due within
        # the last day in view (the next pass sends it if it is still the same evening).
        following = (
            rules.next_recap(user.recap_day, user.remind_at, tz, max(due, now - _DAY))
            if user.recap_on
            else None
        )
        if not _eligible(user, day):
            claimed = await storage.claim_recap(
                user.user_id, due, now, week_start=None, status="dropped", next_utc=following
            )
            report.skipped += claimed is not None
            report.lost_race += claimed is None
            return
        if not still_sendable(due, now, tz):
            claimed = await storage.claim_recap(
                user.user_id, due, now, week_start=week, status="dropped", next_utc=following
            )
            report.dropped += claimed is not None
            report.lost_race += claimed is None
            return
        # Built before the claim: a claimed recap is never sent twice, so nothing may fail
        # between claiming it and sending it.
        built = await self._build(user, day)
        if built is None:
            # A first week without any training day due yet: nothing to sum up.
            claimed = await storage.claim_recap(
                user.user_id, due, now, week_start=None, status="dropped", next_utc=following
            )
            report.skipped += claimed is not None
            report.lost_race += claimed is None
            return
        caption, png = built
        claimed = await storage.claim_recap(
            user.user_id, due, now, week_start=week, status="claimed", next_utc=following
        )
        if claimed is None:
            report.lost_race += 1
            return
        if not claimed:
            report.duplicate += 1
            return
        status = await self._send(user, caption, png)
        if status == "sent":
            report.sent += 1
        else:
            report.failed += 1
        await storage.mark_recap(user.user_id, week, status)

    async def _build(self, user: UserRecord, day: date) -> tuple[str, bytes | None] | None:
        """The caption and chart of a recap; None when the week holds nothing to report."""
        with speaking(user.language):
            return await self._build_in_language(user, day)

    async def _build_in_language(
        self, user: UserRecord, day: date
    ) -> tuple[str, bytes | None] | None:
        data = self.data
        storage = data.storage
        program = data.program
        preset = program.preset(user.preset)
        facts = await storage.session_facts(user.user_id, include_open=True)
        first = progress_first_day(user, facts, day)
        pauses = [(p.start, p.end) for p in await storage.pauses(user.user_id)]
        figures = rules.week_figures(facts, first, day, off_days(pauses, first, day))
        if figures.due == 0 and figures.sessions == 0:
            return None
        answered = await storage.last_progression_answer(user.user_id)
        answered_on = answered.astimezone(ZoneInfo(user.timezone)).date() if answered else None
        closed = [f for f in facts if not f.in_progress][-(QUALIFYING_RUN + 1) :]
        step = suggest(usual_dose(program, user), closed, preset.ladder, answered_on)
        plan = await todays_plan(storage, program, user)
        caption = views.recap_caption(
            user,
            figures,
            preset,
            program.source(preset.source).short,
            step,
            common_views.dose_line(program, user, plan.dose),
        )
        recent = [f for f in facts if (day - f.local_date).days <= CHART_DAYS]
        png: bytes | None = None
        if recent:
            try:
                points = [
                    ChartPoint(f.local_date, f.reps_left, f.reps_right, f.pain) for f in recent
                ]
                png = await chart.progress_chart(points, user.legs, progress_views.chart_text())
            except Exception:
                # The words matter more than the picture: send them even if drawing failed.
                log.exception("could not draw the recap chart")
        return caption, png

    async def _send(
        self, user: UserRecord, caption: str, png: bytes | None
    ) -> Literal["sent", "failed"]:
        bot = self.app.bot
        try:
            with sending_as(Priority.BROADCAST):
                if png is not None:
                    await bot.send_photo(
                        user.chat_id, photo=png, caption=caption, filename="recap.png"
                    )
                else:
                    await bot.send_message(user.chat_id, caption)
        except Forbidden:
            log.info("user %d blocked the bot; no more recaps", user.user_id)
            await self.data.storage.deactivate(user.user_id, self.data.now())
            return "failed"
        except TelegramError as exc:
            # Possibly delivered (a timeout): the ledger keeps it claimed, never resent.
            log.warning("recap to %d failed: %s", user.user_id, exc)
            return "failed"
        return "sent"


def dispatcher(application: App) -> RecapDispatcher:
    """The running RecapDispatcher of an application."""
    return running_worker(application, JOB_NAME, RecapDispatcher)


async def start(application: App) -> RecapDispatcher:
    """Start-up: a catch-up run at once (what fell due while down), then a tick like reminders."""
    worker = RecapDispatcher(application)
    await schedule_missing(application)
    start_ticking(application, worker, worker.tick, name=JOB_NAME, catch_up=CATCH_UP_JOB)
    return worker


async def schedule_missing(application: App) -> int:
    """Give a recap time to users stored before recaps existed; returns how many."""
    storage = application.bot_data.storage
    now = application.bot_data.now()
    count = 0
    while users := await storage.unscheduled_recaps(BATCH):
        times = []
        for user in users:
            moment = planning.next_recap_utc(user, now)
            if moment is not None:
                times.append((user.user_id, moment))
        if not times:
            break
        await storage.schedule_recaps(times)
        count += len(times)
    return count


async def recap_command(update: Update, context: Ctx) -> None:
    """/recap on|off|<weekday>: the weekly recap's switch and day."""
    known = await sender_profile(update, context, onboarded=True)
    if known is None:
        return
    message, user = known
    data = context.bot_data
    text = " ".join(context.args or []).strip()
    word = text.lower()
    changes: dict[str, object]
    if word == "on":
        changes = {"recap_on": True}
    elif word == "off":
        changes = {"recap_on": False, "next_recap_utc": None}
    elif (weekday := rules.parse_weekday(word)) is not None:
        changes = {"recap_on": True, "recap_day": weekday, "next_recap_utc": None}
    else:
        await message.reply_text(views.recap_usage(user, text))
        return
    updated = await data.storage.update_user(user.user_id, data.now(), **changes)
    updated = await planning.reschedule(context, updated or user)
    upcoming = updated.next_recap_utc
    local = upcoming.astimezone(ZoneInfo(updated.timezone)) if upcoming else None
    await message.reply_text(views.recap_set(updated, local))
