"""A guided session's state in memory (BotData.runtime[user_id]) and its job chain."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final, Literal, cast

from telegram.error import TelegramError
from telegram.ext import Application, Job

from coach import pacing
from coach.pacing import Beat, SetSlot
from content.model import Cadence, Preset
from handlers.context import BotData, Ctx
from handlers.speech import language_of
from handlers.views import workout as views
from handlers.views.i18n import speaking
from storage.records import PacingMode
from storage.sessions import SessionRecord, SetRecord
from transport.priority import Priority, sending_as

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]
Phase = Literal["setup", "pacing", "paused", "rest", "waiting"]


# Test hook: real seconds per second of pacing (in-process tests run sets at high speed).
TIME_SCALE: float = 1.0
# Bench hook: called with (chat_id, message_id, planned monotonic time, html) for each beat shown.
beat_observers: list[Callable[[int, int, float, str], None]] = []

# PTB's default grace is 1 s, after which a late job is skipped silently; a late beat is better
# shown (the job itself skips to the beat that is due).
JOB_GRACE_S: Final = 30
REST_TICK_S: Final = 5

Step = Callable[[Ctx, "Guided"], Awaitable[None]]


def cancel_job(job: Job[Any]) -> None:
    """Unschedule a job; one that already ran (or is running) is gone from the scheduler."""
    with contextlib.suppress(KeyError):  # APScheduler's JobLookupError
        job.schedule_removal()


def scaled(seconds: float) -> float:
    """Real seconds for `seconds` of pacing (TIME_SCALE speeds up tests)."""
    return seconds * TIME_SCALE


@dataclass(eq=False)
class Guided:
    """A guided session in progress: which set, which phase, which message, which beat."""

    user_id: int
    chat_id: int
    session: SessionRecord
    preset: Preset
    cadence: Cadence
    slots: tuple[SetSlot, ...]
    cues: tuple[str, ...]
    last_activity: datetime
    done: dict[int, SetRecord] = field(default_factory=dict)  # slot index -> its row
    finished: set[int] = field(default_factory=set)  # slots paced to the end (or Done)
    index: int = 0  # the current slot
    next_index: int | None = None  # the slot after the rest
    phase: Phase = "setup"
    message_id: int | None = None  # the current set's message
    full_beats: tuple[Beat, ...] = ()  # the current set's timeline
    beats: tuple[Beat, ...] = ()  # full_beats, thinned to what the bot can send under load
    gap: float = 0.0  # the smallest gap between beats of `beats`
    shown_at: float = -1.0  # at_s of the beat handed over; the next beat is later than this
    seen_at: float = -1.0  # at_s of the beat last delivered (a queued one may be superseded)
    rebase: bool = False  # start (or resume) the set's clock when its next beat is shown
    t0: float = 0.0  # monotonic time of the set's second 0
    rest_until: float = 0.0
    gen: int = 0  # bumped on every transition: older jobs do nothing
    job: Job[Any] | None = None
    intro: str = ""  # the first set-up's introduction (kept to send it again)
    attempts: int = 0  # failed sends of the current set-up message
    untidy: tuple[int, str] | None = None  # the previous set's message, to tidy once replaced
    silenced: bool = False  # the chat blocked the bot: nothing more is sent
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    edits: set[asyncio.Task[None]] = field(default_factory=set)  # handed to the outbox
    mode: PacingMode = "chat"  # how Go paces a set: edits, one voice note, or the Mini App
    voice_sent: int | None = None  # the set whose voice note is in the chat

    @property
    def slot(self) -> SetSlot:
        """The current set."""
        return self.slots[self.index]

    def slot_of(self, leg: str, set_no: int) -> int | None:
        """The slot index of a (leg, set number), None if outside the plan."""
        for slot in self.slots:
            if slot.side == leg and slot.number == set_no:
                return slot.index
        return None

    def cue(self, slot: SetSlot) -> str:
        """The form cue woven into this set (rotating over sets and sessions)."""
        return self.cues[(self.session.session_id + slot.index) % len(self.cues)]

    def target_order(self) -> list[SetSlot]:
        """Slots a "done" may log, best first: sets paced to the end but not logged, the
        current set, then the rest in plan order."""
        order = [self.slots[i] for i in sorted(self.finished)]
        order.append(self.slot)
        order += list(self.slots)
        seen: set[int] = set()
        result = []
        for slot in order:
            if slot.index not in seen and slot.index not in self.done:
                seen.add(slot.index)
                result.append(slot)
        return result


def guided(context: Ctx, user_id: int) -> Guided | None:
    """The user's running guided session, if any."""
    rt = context.bot_data.runtime.get(user_id)
    return rt if isinstance(rt, Guided) else None


def session_slots(session: SessionRecord) -> tuple[SetSlot, ...]:
    """Every planned set of a stored session."""
    legs = cast(pacing.Legs, session.legs)
    return pacing.session_plan(session.sets_planned, session.reps_planned, legs)


def session_cadence(preset: Preset, session: SessionRecord) -> Cadence:
    """The preset's cadence with the session's hold (progression or regression may change it)."""
    return replace(preset.cadence, hold_s=session.hold_s)


def schedule(context: Ctx, rt: Guided, callback: Callable[[Ctx], Any], wait: float) -> None:
    """Replace the runtime's timer job by `callback` in `wait` seconds (current generation)."""
    if rt.job is not None:
        cancel_job(rt.job)
    queue = context.job_queue
    if queue is None:
        raise RuntimeError("the job queue is not set up")
    rt.job = queue.run_once(
        callback,
        max(0.0, wait),
        data=(rt.user_id, rt.gen),
        name=f"wk-{rt.user_id}",
        user_id=rt.user_id,
        chat_id=rt.chat_id,
        job_kwargs={"misfire_grace_time": JOB_GRACE_S},
    )


def bump(rt: Guided) -> None:
    """Start a new generation: jobs already scheduled become no-ops."""
    rt.gen += 1
    if rt.job is not None:
        cancel_job(rt.job)
        rt.job = None


def job_runtime(context: Ctx) -> tuple[Guided, int] | None:
    """The runtime and generation a session job was scheduled for, if still current."""
    job = context.job
    if job is None:
        return None
    user_id, gen = cast(tuple[int, int], job.data)
    rt = guided(context, user_id)
    if rt is None or rt.gen != gen:
        return None
    return rt, gen


def end_runtime(context: Ctx, rt: Guided) -> None:
    """Forget the runtime (lock held): its jobs become no-ops."""
    _forget(context.bot_data, rt)


def _forget(data: BotData, rt: Guided) -> None:
    bump(rt)
    if data.runtime.get(rt.user_id) is rt:
        del data.runtime[rt.user_id]


def end_guided_silently(data: BotData, user_id: int) -> bool:
    """End a user's guided session at once, sending nothing (their chat blocked the bot).

    Synchronous and lock-free, so a send failing inside the session (which holds its lock) can
    call it: the runtime is forgotten and its jobs cancelled, and nothing more is sent for it.
    The stored session stays open until the silence check closes it as partial. `user_id` may
    also be the chat id (the same number in a private chat). True if a session was running.
    """
    rt = data.runtime.get(user_id)
    if not isinstance(rt, Guided):
        rt = next(
            (r for r in data.runtime.values() if isinstance(r, Guided) and r.chat_id == user_id),
            None,
        )
    if rt is None:
        return False
    rt.silenced = True
    _forget(data, rt)
    for task in rt.edits:
        task.cancel()  # the outbox drops a queued edit whose caller is gone
    return True


# --- jobs, and what happens when a step fails --------------------------------------------


def phase_job(phase: str, step: Step) -> Callable[[Ctx], Awaitable[None]]:
    """A job callback that runs `step` only if its session is still current and in `phase`.

    What it sends is pacing: after replies to what users just did, before broadcasts.
    """

    async def job(context: Ctx) -> None:
        found = job_runtime(context)
        if found is None:
            return
        rt, gen = found
        with speaking(await language_of(context.bot_data, rt.user_id)):
            async with rt.lock:
                if rt.gen == gen and rt.phase == phase:
                    with sending_as(Priority.PACING):
                        await run_step(context, rt, step)

    return job


async def run_step(context: Ctx, rt: Guided, step: Step) -> None:
    """Run one transition of a session (lock held); one that fails ends it as partial."""
    try:
        await step(context, rt)
    except Exception:
        # A session left halfway through a transition would be stuck until /stop.
        log.exception("a step of user %s's guided session failed", rt.user_id)
        if guided(context, rt.user_id) is rt:
            await abandon(context, rt, "a step failed")


async def abandon(context: Ctx, rt: Guided, reason: str) -> None:
    """End the session as partial after a failure it can't get past (lock held); say so."""
    data = context.bot_data
    end_runtime(context, rt)
    log.warning("ended user %s's guided session as partial: %s", rt.user_id, reason)
    await data.storage.close_session(rt.user_id, rt.session.session_id, data.now())
    if rt.silenced:
        return
    try:
        await context.bot.send_message(rt.chat_id, views.session_interrupted())
    except TelegramError as exc:
        log.warning("message to chat %s failed: %s", rt.chat_id, exc)
