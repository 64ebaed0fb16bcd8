"""A guided session's state in memory (BotData.runtime[user_id]) and its job chain."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final, Literal, cast

from telegram.ext import Application, Job

from coach import pacing
from coach.pacing import Beat, SetSlot
from content.model import Cadence, Preset
from handlers.context import BotData, Ctx
from storage.records import PacingMode
from storage.sessions import SessionRecord, SetRecord

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
    full_beats: tuple[Beat, ...] = ()
    beats: tuple[Beat, ...] = ()  # full_beats, thinned under load
    gap: float = pacing.MIN_EDIT_GAP_S
    shown_at: float = -1.0  # at_s of the beat on screen; the next beat is later than this
    rebase: bool = False  # start (or resume) the set's clock when its next beat is shown
    t0: float = 0.0  # monotonic time of the set's second 0
    rest_until: float = 0.0
    gen: int = 0  # bumped on every transition: older jobs do nothing
    job: Job[Any] | None = None
    last_out: float = -math.inf  # monotonic time of the last send/edit to the chat
    screens: dict[int, tuple[str, str]] = field(default_factory=dict)
    pending: dict[int, Job[Any]] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    mode: PacingMode = "chat"  # how Go paces a set: edits, one voice note, or the Mini App

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
    assert queue is not None
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


def _job_runtime(context: Ctx) -> tuple[Guided, int] | None:
    job = context.job
    assert job is not None
    user_id, gen = cast(tuple[int, int], job.data)
    rt = guided(context, user_id)
    if rt is None or rt.gen != gen:
        return None
    return rt, gen


def phase_job(
    phase: str, step: Callable[[Ctx, Guided], Awaitable[None]]
) -> Callable[[Ctx], Awaitable[None]]:
    """A job callback that runs `step` only if its session is still current and in `phase`."""

    async def job(context: Ctx) -> None:
        found = _job_runtime(context)
        if found is None:
            return
        rt, gen = found
        async with rt.lock:
            if rt.gen == gen and rt.phase == phase:
                await step(context, rt)

    return job


def end_runtime(context: Ctx, rt: Guided) -> None:
    """Forget the runtime (lock held): its jobs become no-ops."""
    bump(rt)
    if context.bot_data.runtime.get(rt.user_id) is rt:
        del context.bot_data.runtime[rt.user_id]
