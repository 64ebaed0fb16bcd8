"""Guided sets: /workout, Go, one pacing message edited beat by beat, rest, summary, check-in.

A running session lives in memory (BotData.runtime[user_id] is a Guided) and is driven by a
chain of short job-queue jobs, never one long coroutine, so shutdown is prompt. Every change of
a user's runtime happens under its lock; a job whose generation number is out of date does
nothing, which is how a Pause, Stop or log cancels the beats already scheduled.

Telegram allows about one message per second per chat: edits go through a per-chat gate (an
edit due earlier is deferred to a short job, coalescing with later edits of the same message),
and a screen identical to the one showing is never sent. Telegram allows about 30 messages per
second per bot: everything this feature sends is spaced by a shared budget (25/s), and with
many chats pacing at once the timelines are thinned (coach.pacing.thin_timeline), so beats are
fewer rather than later. A beat never waits for one already missed: the job shows the beat due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final, Literal, cast

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, Job

from coach import pacing
from coach.pacing import Beat, SetSlot
from coach.progression import Action, assess_pain
from content.model import Cadence, Preset
from handlers import render, safety
from handlers.context import BotData, Ctx
from handlers.dose import todays_plan
from handlers.planning import local_today, reschedule
from storage.records import UserRecord
from storage.sessions import SessionRecord, SetRecord

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]
Phase = Literal["setup", "pacing", "paused", "rest", "waiting"]

# Test hook: real seconds per second of pacing (in-process tests run sets at high speed).
TIME_SCALE: float = 1.0
# Bench hook: called with (chat_id, message_id, planned monotonic time, html) for each beat shown.
beat_observers: list[Callable[[int, int, float, str], None]] = []

SILENCE: Final = timedelta(hours=1)
SILENCE_CHECK_S: Final = 60.0
# Telegram stops redelivering an update long before this; older ids needn't be remembered.
PROCESSED_UPDATES_KEPT: Final = timedelta(days=2)
# PTB's default grace is 1 s, after which a late job is skipped silently; a late beat is better
# shown (the job itself skips to the beat that is due).
JOB_GRACE_S: Final = 30
REST_TICK_S: Final = 5


def _cancel(job: Job[Any]) -> None:
    """Unschedule a job; one that already ran (or is running) is gone from the scheduler."""
    with contextlib.suppress(KeyError):  # APScheduler's JobLookupError
        job.schedule_removal()


def _scaled(seconds: float) -> float:
    return seconds * TIME_SCALE


def _markup_key(markup: InlineKeyboardMarkup | None) -> str:
    return markup.to_json() if markup is not None else ""


class _Budget:
    """Spacing of what the workout feature sends, over all chats (Telegram allows ~30/s).

    Messages are spaced 1/per_s apart with a small burst allowance, rather than counted per
    second: a full second's worth sent at once arrives spread out and overlaps the next
    second's at Telegram's end (measured in bench/pacing.py). Beats wait for a slot and then
    show the beat due by then; other messages wait briefly.
    """

    BURST = 3

    def __init__(self, per_s: float) -> None:
        self.interval = 1.0 / per_s
        self.next_slot = -math.inf

    def free_at(self, now: float) -> float:
        """The first moment from `now` on with room for one more message."""
        return max(now, self.next_slot - self.BURST * self.interval)

    def take(self, now: float) -> None:
        """Count one message sent at `now`."""
        self.next_slot = max(now, self.next_slot) + self.interval


# One budget per running application (tests run several applications in one process).
_budgets: weakref.WeakKeyDictionary[BotData, _Budget] = weakref.WeakKeyDictionary()


def _budget(data: BotData) -> _Budget:
    budget = _budgets.get(data)
    if budget is None:
        budget = _budgets[data] = _Budget(pacing.EDIT_BUDGET_PER_S)
    return budget


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


# --- output through the per-chat gate ------------------------------------------------------


def _gate_open_at(rt: Guided) -> float:
    return rt.last_out + _scaled(pacing.MIN_EDIT_GAP_S)


async def _edit(
    context: Ctx, rt: Guided, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Show `text` on a message now, or as soon as the chat's gate opens; True if sent now."""
    screen = (text, _markup_key(markup))
    if rt.screens.get(message_id) == screen:
        stale = rt.pending.pop(message_id, None)
        if stale is not None:
            _cancel(stale)
        return False
    now = time.monotonic()
    budget = _budget(context.bot_data)
    wait = max(_gate_open_at(rt), budget.free_at(now)) - now
    if wait > 0:
        _defer_edit(context, rt, message_id, text, markup, wait)
        return False
    stale = rt.pending.pop(message_id, None)
    if stale is not None:
        _cancel(stale)
    budget.take(now)
    rt.last_out = now
    rt.screens[message_id] = screen
    await _send_edit(context, rt.chat_id, message_id, text, markup)
    # Counted from the answer, not the request: network jitter can't bring two edits closer
    # than a second at Telegram's end.
    rt.last_out = time.monotonic()
    return True


def _defer_edit(
    context: Ctx,
    rt: Guided,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    wait: float,
) -> None:
    stale = rt.pending.pop(message_id, None)
    if stale is not None:
        _cancel(stale)
    queue = context.job_queue
    assert queue is not None
    rt.pending[message_id] = queue.run_once(
        _deferred_edit_job,
        wait,
        data=(rt, message_id, text, markup),
        name=f"wk-edit-{rt.user_id}",
        user_id=rt.user_id,
        chat_id=rt.chat_id,
        job_kwargs={"misfire_grace_time": JOB_GRACE_S},
    )


async def _deferred_edit_job(context: Ctx) -> None:
    """An edit that had to wait for the chat's gate (or a final tidy-up after the session)."""
    job = context.job
    assert job is not None
    rt, message_id, text, markup = cast(
        tuple[Guided, int, str, InlineKeyboardMarkup | None], job.data
    )
    async with rt.lock:
        if rt.pending.get(message_id) is not job:
            return  # superseded by a later screen of the same message
        del rt.pending[message_id]
        if guided(context, rt.user_id) is rt:
            await _edit(context, rt, message_id, text, markup)
            return
        # The session ended after this tidy-up was queued: nothing else edits this message now.
        rt.screens[message_id] = (text, _markup_key(markup))
        _budget(context.bot_data).take(time.monotonic())
        await _send_edit(context, rt.chat_id, message_id, text, markup)
        rt.last_out = time.monotonic()


async def _send_edit(
    context: Ctx, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except Forbidden:
        log.info("chat %s blocked the bot during a session", chat_id)
    except BadRequest as exc:
        # The user may have deleted the message; pacing goes on without it.
        log.warning("edit in chat %s failed: %s", chat_id, exc)
    except TelegramError as exc:
        log.warning("edit in chat %s failed: %s", chat_id, exc)


async def _send(
    context: Ctx, rt: Guided, text: str, markup: InlineKeyboardMarkup | None
) -> Message:
    """A new message in the session's chat (not deferred: it waits for the budget, then goes)."""
    budget = _budget(context.bot_data)
    now = time.monotonic()
    wait = budget.free_at(now) - now
    if wait > 0:
        await asyncio.sleep(wait)
    budget.take(time.monotonic())
    message = await context.bot.send_message(rt.chat_id, text, reply_markup=markup)
    rt.last_out = time.monotonic()
    rt.screens[message.message_id] = (text, _markup_key(markup))
    return message


def _schedule(context: Ctx, rt: Guided, callback: Callable[[Ctx], Any], wait: float) -> None:
    """Replace the runtime's timer job by `callback` in `wait` seconds (current generation)."""
    if rt.job is not None:
        _cancel(rt.job)
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


def _bump(rt: Guided) -> None:
    """Start a new generation: jobs already scheduled become no-ops."""
    rt.gen += 1
    if rt.job is not None:
        _cancel(rt.job)
        rt.job = None


def _job_runtime(context: Ctx) -> tuple[Guided, int] | None:
    job = context.job
    assert job is not None
    user_id, gen = cast(tuple[int, int], job.data)
    rt = guided(context, user_id)
    if rt is None or rt.gen != gen:
        return None
    return rt, gen


def _phase_job(
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


# --- load: thin timelines rather than drift -------------------------------------------------


def _load(data: BotData) -> int:
    """Chats currently spending edits: pacing ones fully, resting ones at one edit per tick."""
    pacing_now = resting = 0
    for rt in data.runtime.values():
        if isinstance(rt, Guided):
            if rt.phase == "pacing":
                pacing_now += 1
            elif rt.phase == "rest":
                resting += 1
    return pacing_now + math.ceil(resting / REST_TICK_S)


def _rethin(data: BotData, rt: Guided) -> None:
    gap = pacing.min_gap_for_load(_load(data))
    if gap != rt.gap or not rt.beats:
        rt.gap = gap
        rt.beats = (
            rt.full_beats
            if gap <= pacing.MIN_EDIT_GAP_S
            else pacing.thin_timeline(rt.full_beats, gap)
        )


# --- the phases of a set --------------------------------------------------------------------


def _title(rt: Guided, slot: SetSlot | None = None) -> str:
    slot = slot or rt.slot
    return render.set_title(slot.number, slot.sets, slot.side)


def _logged_label(row: SetRecord | None) -> str:
    if row is None:
        return ""
    return render.logged_label(row.reps, row.skipped)


def _over_screen(rt: Guided, rest_left: int | None, *, final: bool = False) -> str:
    slot = rt.slot
    next_label = ""
    if not final and rt.next_index is not None:
        upcoming = rt.slots[rt.next_index]
        next_label = render.next_set_label(
            upcoming.number, upcoming.sets, upcoming.side, upcoming.side != slot.side
        )
    return render.set_over_screen(
        slot.number,
        slot.sets,
        slot.side,
        _logged_label(rt.done.get(rt.index)),
        next_label,
        rest_left,
    )


async def _start_setup(context: Ctx, rt: Guided, index: int, intro: str = "") -> None:
    """Send the set-up line and Go for slot `index`; tidy the previous set's message."""
    _bump(rt)
    previous = rt.message_id
    previous_text = _over_screen(rt, None, final=True) if previous is not None else ""
    rt.index = index
    rt.next_index = None
    rt.phase = "setup"
    rt.shown_at = -1.0
    slot = rt.slot
    change = ""
    if slot.side_change:
        change = rt.preset.change_side.format(side=slot.side)
    text = render.set_setup(
        intro,
        slot.number,
        slot.sets,
        slot.side,
        rt.preset.setup.format(side=slot.side),
        change,
        rt.cue(slot),
    )
    message = await _send(context, rt, text, render.setup_keyboard(rt.session.session_id, index))
    rt.message_id = message.message_id
    if previous is not None and previous != rt.message_id:
        await _edit(context, rt, previous, previous_text, None)


async def _go(context: Ctx, rt: Guided) -> None:
    """Start pacing the current set from its first beat."""
    _bump(rt)
    rt.phase = "pacing"
    rt.full_beats = pacing.set_timeline(rt.cadence, rt.slot.reps)
    rt.beats = ()
    _rethin(context.bot_data, rt)
    rt.shown_at = -1.0
    rt.rebase = True
    await _advance(context, rt)


async def _advance(context: Ctx, rt: Guided) -> None:
    """Show the beat that is due (skipping any missed), then schedule the next one."""
    now = time.monotonic()
    budget = _budget(context.bot_data)
    ready_at = max(_gate_open_at(rt), budget.free_at(now))
    if now < ready_at:
        # No room now: try again then, showing whichever beat is due by that time.
        _schedule(context, rt, _beat_job, ready_at - now)
        return
    _rethin(context.bot_data, rt)
    beats = rt.beats
    following = next((i for i, b in enumerate(beats) if b.at_s > rt.shown_at), len(beats) - 1)
    if rt.rebase:
        # The set starts (or resumes) when the user can see it, however busy the bot is.
        rt.rebase = False
        rt.t0 = now - _scaled(beats[following].at_s)
    elapsed = (now - rt.t0) / TIME_SCALE
    index = max(following, pacing.beat_index_at(beats, elapsed))
    beat = beats[index]
    if beat.kind == "end":
        await _finish_set(context, rt)
        return
    slot = rt.slot
    line = render.beat_line(
        beat.kind, beat.rep, beat.reps, beat.count, beat.remaining, rt.cadence.four_count
    )
    text = render.pacing_screen(slot.number, slot.sets, slot.side, line, rt.cue(slot))
    assert rt.message_id is not None
    planned = rt.t0 + _scaled(beat.at_s)
    rt.shown_at = beat.at_s
    await _edit(
        context, rt, rt.message_id, text, render.pacing_keyboard(rt.session.session_id, False)
    )
    for observer in beat_observers:
        observer(rt.chat_id, rt.message_id, planned, text)
    upcoming = beats[index + 1]
    _schedule(context, rt, _beat_job, rt.t0 + _scaled(upcoming.at_s) - time.monotonic())


# One beat of the pacing chain.
_beat_job = _phase_job("pacing", _advance)


def _next_slot(rt: Guided) -> int | None:
    """The first set after the current one that has no row yet."""
    for slot in rt.slots[rt.index + 1 :]:
        if slot.index not in rt.done:
            return slot.index
    return None


async def _finish_set(context: Ctx, rt: Guided, *, rest: bool = True) -> None:
    """The current set is over: prompt for the log, then rest (or wait after the last set)."""
    _bump(rt)
    if rt.index not in rt.done:
        rt.finished.add(rt.index)
    rt.next_index = _next_slot(rt)
    assert rt.message_id is not None
    if rt.next_index is None:
        rt.phase = "waiting"
        await _edit(
            context,
            rt,
            rt.message_id,
            _over_screen(rt, None),
            render.stop_keyboard(rt.session.session_id),
        )
        return
    rest_s = rt.cadence.rest_s if rest else 0
    if rest_s <= 0:
        await _start_setup(context, rt, rt.next_index)
        return
    rt.phase = "rest"
    rt.rest_until = time.monotonic() + _scaled(rest_s)
    await _show_rest(context, rt)


def _rest_tick(data: BotData) -> int:
    gap = pacing.min_gap_for_load(_load(data))
    return REST_TICK_S * max(1, math.ceil(gap))


async def _show_rest(context: Ctx, rt: Guided) -> None:
    """Edit the rest countdown (on a tick boundary) and schedule the next tick or the next set."""
    left = (rt.rest_until - time.monotonic()) / TIME_SCALE
    if left <= 0.05:
        assert rt.next_index is not None
        await _start_setup(context, rt, rt.next_index)
        return
    tick = _rest_tick(context.bot_data)
    shown = math.ceil(left - 0.05)
    assert rt.message_id is not None
    await _edit(
        context,
        rt,
        rt.message_id,
        _over_screen(rt, shown),
        render.rest_keyboard(rt.session.session_id),
    )
    # Next tick on the next multiple of `tick` seconds left (45 s -> 40, 35, ...), or the end.
    next_left = (math.ceil(left - 0.05) - 1) // tick * tick
    _schedule(context, rt, _rest_job, _scaled(left - next_left))


# One tick of the rest countdown.
_rest_job = _phase_job("rest", _show_rest)


# --- starting, continuing and ending sessions ----------------------------------------------


async def _begin(
    context: Ctx,
    user: UserRecord,
    session: SessionRecord,
    chat_id: int,
    intro: str,
) -> None:
    """Make the runtime for a session and show the set-up of its first free set."""
    data = context.bot_data
    preset = data.program.preset(session.preset)
    rows = await data.storage.session_sets(user.user_id, session.session_id)
    rt = Guided(
        user_id=user.user_id,
        chat_id=chat_id,
        session=session,
        preset=preset,
        cadence=session_cadence(preset, session),
        slots=session_slots(session),
        cues=data.program.cues_for(preset),
        last_activity=data.now(),
    )
    for row in rows:
        index = rt.slot_of(row.leg, row.set_no)
        if index is not None:
            rt.done[index] = row
    first = next((s.index for s in rt.slots if s.index not in rt.done), None)
    if first is None:
        return
    data.runtime[user.user_id] = rt
    async with rt.lock:
        await _start_setup(context, rt, first, intro)


async def _start_new(context: Ctx, user: UserRecord, chat_id: int) -> None:
    """Open today's session at today's dose and show its first set."""
    data = context.bot_data
    now = data.now()
    plan = await todays_plan(data.storage, data.program, user)
    dose = plan.dose
    preset = data.program.preset(user.preset)
    session = await data.storage.open_session(
        user.user_id,
        now,
        local_today(user, now),
        preset=preset.key,
        legs=user.legs,
        sets=dose.sets,
        reps=dose.reps,
        hold_s=dose.hold_s,
    )
    slots = session_slots(session)
    seconds = pacing.session_duration_s(session_cadence(preset, session), slots)
    intro = render.session_intro(
        dose.sets,
        dose.reps,
        user.legs,
        dose.hold_s,
        preset.cadence.four_count,
        seconds,
        plan.reason.value,
    )
    await _begin(context, user, session, chat_id, intro)


async def _open_workout(context: Ctx, user_id: int, chat_id: int) -> None:
    """/workout and Start now: today's session, or an offer to continue today's partial one."""
    data = context.bot_data
    bot = context.bot
    user = await data.storage.get_user(user_id)
    if user is None:
        await bot.send_message(chat_id, render.need_start())
        return
    if not user.onboarded:
        await bot.send_message(chat_id, render.finish_onboarding_first())
        return
    rt = guided(context, user_id)
    if rt is not None:
        rt.last_activity = data.now()
        await bot.send_message(
            chat_id,
            render.session_running(_title(rt)),
            reply_markup=render.stop_keyboard(rt.session.session_id),
        )
        return
    latest = await data.storage.latest_session_on(user_id, local_today(user, data.now()))
    if latest is not None:
        rows = await data.storage.session_sets(user_id, latest.session_id)
        filled = {(r.leg, r.set_no) for r in rows}
        free = [s for s in session_slots(latest) if (s.side, s.number) not in filled]
        if latest.status == "open" and not rows:
            await _begin(context, user, latest, chat_id, "")
            return
        if free and latest.status in ("open", "partial"):
            await bot.send_message(
                chat_id,
                render.continue_offer(len(filled & _slot_keys(latest)), latest.slots_planned),
                reply_markup=render.continue_keyboard(latest.session_id),
            )
            return
        if not free:
            await bot.send_message(
                chat_id, render.done_today(), reply_markup=render.another_keyboard()
            )
            return
    await _start_new(context, user, chat_id)


def _slot_keys(session: SessionRecord) -> set[tuple[str, int]]:
    return {(s.side, s.number) for s in session_slots(session)}


def _end_runtime(context: Ctx, rt: Guided) -> None:
    """Forget the runtime (lock held): its jobs become no-ops."""
    _bump(rt)
    if context.bot_data.runtime.get(rt.user_id) is rt:
        del context.bot_data.runtime[rt.user_id]


async def close_running_session(context: Ctx, user_id: int, reason: str) -> bool:
    """End the user's running session as partial (for /stop, sharp pain, silence); True if one was.

    The guided pacing stops and its message loses its buttons; nothing else is sent.
    """
    data = context.bot_data
    now = data.now()
    ended = False
    rt = guided(context, user_id)
    if rt is not None:
        async with rt.lock:
            if guided(context, user_id) is rt:
                title = _title(rt)
                _end_runtime(context, rt)
                ended = True
                if rt.message_id is not None:
                    text = (
                        render.session_closed_silence(title)
                        if reason == "silence"
                        else render.set_stopped(title)
                    )
                    await _edit(context, rt, rt.message_id, text, None)
    for session in await data.storage.open_sessions(user_id):
        closed, _ = await data.storage.close_session(user_id, session.session_id, now)
        ended = ended or closed
    if ended:
        log.info("closed user %s's session (%s)", user_id, reason)
    return ended


async def summary_text(context: Ctx, session: SessionRecord) -> str:
    """The summary of a session from what is stored: sets, reps per leg and time."""
    rows = await context.bot_data.storage.session_sets(session.user_id, session.session_id)
    done = [r for r in rows if not r.skipped]
    sides = session.sides
    end = session.ended_utc or context.bot_data.now()
    return render.session_summary(
        session.status == "done",
        len(done),
        session.slots_planned,
        len(rows) - len(done),
        sum(r.reps for r in done if r.leg == "left") if "left" in sides else None,
        sum(r.reps for r in done if r.leg == "right") if "right" in sides else None,
        (end - session.started_utc).total_seconds(),
    )


async def complete(
    context: Ctx,
    user: UserRecord,
    session: SessionRecord,
    chat_id: int,
    prefix: str,
    rows: Sequence[SetRecord] = (),
) -> None:
    """A session just ended with every set recorded: summary, pain check, next reminder.

    `rows` are the sets that completed it (the last set's message then says what was logged).
    """
    rt = guided(context, user.user_id)
    if rt is None or rt.session.session_id != session.session_id:
        await _send_summary(context, session, chat_id, prefix)
        await reschedule(context, user)
        return
    async with rt.lock:
        _end_runtime(context, rt)
        for row in rows:
            index = rt.slot_of(row.leg, row.set_no)
            if index is not None:
                rt.done[index] = row
        await _send_summary(context, session, chat_id, prefix)
        rt.last_out = time.monotonic()
        if rt.message_id is not None:
            # Tidied a second after the summary (the chat's gate defers it).
            await _edit(context, rt, rt.message_id, _over_screen(rt, None, final=True), None)
    await reschedule(context, user)


async def _send_summary(
    context: Ctx, session: SessionRecord, chat_id: int, prefix: str = ""
) -> None:
    text = await summary_text(context, session)
    if prefix:
        text = f"{prefix}\n\n{text}"
    rows = await context.bot_data.storage.session_sets(session.user_id, session.session_id)
    if session.pain is None and any(not r.skipped for r in rows):
        await context.bot.send_message(
            chat_id,
            f"{text}\n\n{render.pain_question()}",
            reply_markup=render.pain_keyboard(session.session_id),
        )
    else:
        await context.bot.send_message(chat_id, text)


async def on_logged(context: Ctx, rt: Guided, rows: Sequence[SetRecord]) -> None:
    """After sets were committed in a guided session: a set logged ahead of its pacing ends it."""
    async with rt.lock:
        if guided(context, rt.user_id) is not rt:
            return
        rt.last_activity = context.bot_data.now()
        # The confirmation was just sent to this chat: the next edit keeps a second away from it.
        rt.last_out = max(rt.last_out, time.monotonic())
        current_logged: SetRecord | None = None
        for row in rows:
            index = rt.slot_of(row.leg, row.set_no)
            if index is None:
                continue
            rt.done[index] = row
            rt.finished.discard(index)
            if index == rt.index:
                current_logged = row
        if current_logged is None:
            return
        if rt.phase in ("setup", "pacing", "paused"):
            # Skipped: no rest is needed before the next set.
            await _finish_set(context, rt, rest=not current_logged.skipped)
        elif rt.phase == "waiting" and rt.message_id is not None:
            await _edit(
                context,
                rt,
                rt.message_id,
                _over_screen(rt, None),
                render.stop_keyboard(rt.session.session_id),
            )
        elif rt.phase == "rest":
            await _show_rest(context, rt)


def on_undone(context: Ctx, rt: Guided, row: SetRecord) -> None:
    """After a set was removed by undo: its slot can be logged again."""
    index = rt.slot_of(row.leg, row.set_no)
    if index is not None and rt.done.get(index) == row:
        del rt.done[index]


# --- handlers -------------------------------------------------------------------------------


async def workout_command(update: Update, context: Ctx) -> None:
    """/workout: start (or continue) today's session."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None:
        return
    await _open_workout(context, tg_user.id, message.chat_id)


async def start_button(update: Update, context: Ctx) -> None:
    """The Start now button (workout:start) of onboarding, /learn and reminders."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or query.message is None:
        return
    await query.answer()
    await _open_workout(context, tg_user.id, query.message.chat.id)


async def button(update: Update, context: Ctx) -> None:
    """Every wk:<action>:<session>[:<arg>] button; the session must be the presser's own."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or query.message is None:
        return
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[3] if len(parts) > 3 else ""
    session_id = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        await query.answer(render.stale_button())
        return
    if action == "new":
        await query.answer()
        if guided(context, user.user_id) is None:
            for stale in await data.storage.open_sessions(user.user_id):
                await data.storage.close_session(user.user_id, stale.session_id, data.now())
        await _open_new(context, user, query.message.chat.id)
        return
    # Ownership is checked in SQL: a forged id of someone else's session finds nothing.
    session = await data.storage.get_session(user.user_id, session_id) if session_id > 0 else None
    if session is None:
        await query.answer(render.stale_button())
        return
    if action == "pain":
        await _pain_button(update, context, user, session, arg)
    elif action == "diff":
        await _difficulty_button(update, context, user, session, arg)
    elif action == "cont":
        await _continue_button(update, context, user, session)
    else:
        await _session_button(update, context, user, session, action, arg)


async def _open_new(context: Ctx, user: UserRecord, chat_id: int) -> None:
    if guided(context, user.user_id) is not None:
        await _open_workout(context, user.user_id, chat_id)
        return
    await _start_new(context, user, chat_id)


async def _continue_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord
) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    data = context.bot_data
    today = local_today(user, data.now())
    if guided(context, user.user_id) is not None:
        await query.answer(render.not_now_toast())
        return
    if session.local_date != today or session.status == "done":
        await query.answer(render.session_over_toast())
        return
    reopened = await data.storage.reopen_session(user.user_id, session.session_id, data.now())
    if reopened is None:
        await query.answer(render.session_over_toast())
        return
    await query.answer()
    await _begin(context, user, reopened, query.message.chat.id, "")


async def _session_button(
    update: Update,
    context: Ctx,
    user: UserRecord,
    session: SessionRecord,
    action: str,
    arg: str,
) -> None:
    """Go, Pause, Resume, Done, Skip rest and Stop of the running session."""
    query = update.callback_query
    assert query is not None and query.message is not None
    data = context.bot_data
    rt = guided(context, user.user_id)
    if rt is None or rt.session.session_id != session.session_id:
        await query.answer(render.session_over_toast())
        return
    rt.last_activity = data.now()
    if action == "stop":
        await query.answer()
        await _stop(context, rt, user)
        return
    async with rt.lock:
        if guided(context, user.user_id) is not rt:
            await query.answer(render.session_over_toast())
            return
        ok = True
        if action == "go" and rt.phase == "setup" and arg == str(rt.index):
            await query.answer()
            await _go(context, rt)
        elif action == "pause" and rt.phase == "pacing":
            await query.answer()
            _bump(rt)
            rt.phase = "paused"
            slot = rt.slot
            beat_rep = _rep_on_screen(rt)
            assert rt.message_id is not None
            await _edit(
                context,
                rt,
                rt.message_id,
                render.paused_screen(
                    slot.number, slot.sets, slot.side, beat_rep, slot.reps, rt.cue(slot)
                ),
                render.pacing_keyboard(rt.session.session_id, True),
            )
        elif action == "resume" and rt.phase == "paused":
            await query.answer()
            _bump(rt)
            rt.phase = "pacing"
            # Show the beat that was on screen when paused again (from half a second before it).
            rt.shown_at = max(0.0, rt.shown_at) - 0.5
            rt.rebase = True
            await _advance(context, rt)
        elif action == "done" and rt.phase in ("pacing", "paused"):
            await query.answer()
            await _finish_set(context, rt)
        elif action == "skip" and rt.phase == "rest":
            await query.answer()
            assert rt.next_index is not None
            await _start_setup(context, rt, rt.next_index)
        else:
            ok = False
        if not ok:
            await query.answer(render.not_now_toast())


def _rep_on_screen(rt: Guided) -> int:
    shown = [b for b in rt.beats if b.at_s <= rt.shown_at]
    return shown[-1].rep if shown else 1


async def _stop(context: Ctx, rt: Guided, user: UserRecord) -> None:
    """The Stop button: close the session as partial, then the summary and pain check."""
    data = context.bot_data
    async with rt.lock:
        if guided(context, rt.user_id) is not rt:
            return
        title = _title(rt)
        _end_runtime(context, rt)
        closed, kept = await data.storage.close_session(
            user.user_id, rt.session.session_id, data.now()
        )
        if kept is not None:
            await _send_summary(context, kept, rt.chat_id)
        elif closed:
            await context.bot.send_message(rt.chat_id, render.session_stopped_empty())
        rt.last_out = time.monotonic()
        if rt.message_id is not None:
            await _edit(context, rt, rt.message_id, render.set_stopped(title), None)


async def _pain_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord, arg: str
) -> None:
    query = update.callback_query
    assert query is not None
    if not arg.isdigit() or not 0 <= int(arg) <= 10 or session.difficulty is not None:
        await query.answer(render.stale_button())
        return
    pain = int(arg)
    updated = await context.bot_data.storage.record_checkin(
        user.user_id, session.session_id, pain=pain
    )
    if updated is None:
        await query.answer(render.stale_button())
        return
    await query.answer(render.checkin_saved_toast())
    summary = await summary_text(context, updated)
    if assess_pain(pain).action is Action.STOP:
        # Stop advice can't wait for a difficulty answer that may never come.
        await _edit_query(update, f"{summary}\n\n{render.pain_recorded(pain)}", None)
        await _after_checkin(context, user, session.session_id)
        return
    text = f"{summary}\n\n{render.difficulty_question(pain)}"
    await _edit_query(update, text, render.difficulty_keyboard(session.session_id))


async def _difficulty_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord, arg: str
) -> None:
    query = update.callback_query
    assert query is not None
    if arg not in render.DIFFICULTY_LABEL or session.difficulty is not None:
        await query.answer(render.stale_button())
        return
    difficulty = cast(Literal["easy", "right", "hard"], arg)
    updated = await context.bot_data.storage.record_checkin(
        user.user_id, session.session_id, difficulty=difficulty
    )
    if updated is None:
        await query.answer(render.stale_button())
        return
    await query.answer(render.checkin_saved_toast())
    text = f"{await summary_text(context, updated)}\n\n{render.checkin_done(updated.pain, arg)}"
    await _edit_query(update, text, None)
    await _after_checkin(context, user, session.session_id)


async def _edit_query(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        # A double tap races two identical edits of the check-in message.
        if "not modified" not in str(exc):
            raise


async def _after_checkin(context: Ctx, user: UserRecord, session_id: int) -> None:
    """Hand over to the progress feature (pain safety, progression offers)."""
    await safety.after_checkin(context, user, session_id)


async def sharp_pain(context: Ctx, user: UserRecord) -> None:
    """Hand a sharp-pain report to the progress feature (stop advice, reminders paused)."""
    await safety.sharp_pain(context, user)


# --- start-up and the silence job -----------------------------------------------------------


async def on_startup(application: App) -> None:
    """Close sessions a restart interrupted and start the silence check."""
    data = application.bot_data
    closed = await data.storage.close_open_sessions(data.now())
    if closed:
        log.info("closed %d session(s) interrupted by a restart", closed)
    queue = application.job_queue
    assert queue is not None
    queue.run_repeating(
        close_silent_sessions,
        interval=SILENCE_CHECK_S,
        first=SILENCE_CHECK_S,
        name="workout-silence",
        job_kwargs={"misfire_grace_time": int(SILENCE_CHECK_S)},
    )


async def close_silent_sessions(context: Ctx) -> None:
    """Close sessions without any activity for an hour as partial."""
    data = context.bot_data
    now = data.now()
    cutoff = now - SILENCE
    for user_id, rt in list(data.runtime.items()):
        if isinstance(rt, Guided) and rt.last_activity < cutoff:
            await close_running_session(context, user_id, "silence")
    for user_id, session_id in await data.storage.silent_sessions(cutoff):
        rt = guided(context, user_id)
        if rt is not None and rt.session.session_id == session_id:
            continue  # recently active in a guided session
        await data.storage.close_session(user_id, session_id, now)
    await data.storage.prune_processed_updates(now - PROCESSED_UPDATES_KEPT)
