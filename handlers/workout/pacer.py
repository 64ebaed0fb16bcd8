"""The phases of a set: set-up, the pacing beats, the end of a set, the rest countdown."""

from __future__ import annotations

import logging
import math
import time
from typing import Final

from coach import pacing
from coach.pacing import SetSlot
from handlers.context import BotData, Ctx
from handlers.views import guided as guided_views
from handlers.views import logged as logged_views
from handlers.views import pacing_modes as pacing_views
from handlers.views.learn import side_word
from handlers.workout import runtime
from handlers.workout.output import edit, edit_now, send
from handlers.workout.runtime import (
    REST_TICK_S,
    Guided,
    abandon,
    bump,
    phase_job,
    scaled,
    schedule,
)
from handlers.workout.voice_pacer import go_voice, send_note_first
from storage.sessions import SetRecord

log = logging.getLogger(__name__)

# Waits (in pacing seconds) before each new try of a set-up message that failed to send.
SETUP_RETRY_S: Final = (2.0, 5.0, 15.0)

# --- load: fewer beats rather than late ones ------------------------------------------------


def _load(data: BotData) -> int:
    """Chats spending edits: pacing ones fully, resting ones at one edit per tick."""
    pacing_now = resting = 0
    for rt in data.runtime.values():
        if isinstance(rt, Guided):
            if rt.phase == "pacing":
                pacing_now += 1
            elif rt.phase == "rest":
                resting += 1
    return pacing_now + math.ceil(resting / REST_TICK_S)


def _rethin(data: BotData, rt: Guided) -> None:
    """Thin the set's timeline to the beats the bot can show on time with this many chats.

    The outbox would coalesce a chat's queued edits anyway, but what it sends then is a beat
    already late by its wait in the queue; beats planned no closer than the bot's share per
    chat go out when they are due.
    """
    gap = pacing.min_gap_for_load(_load(data))
    if gap != rt.gap or not rt.beats:
        rt.gap = gap
        rt.beats = (
            rt.full_beats
            if gap <= pacing.MIN_EDIT_GAP_S
            else pacing.thin_timeline(rt.full_beats, gap)
        )


# --- the phases of a set --------------------------------------------------------------------


def current_title(rt: Guided, slot: SetSlot | None = None) -> str:
    """The title of a set (the current one by default)."""
    slot = slot or rt.slot
    return guided_views.set_title(slot.number, slot.sets, slot.side)


def _logged_label(row: SetRecord | None) -> str:
    if row is None:
        return ""
    return logged_views.logged_label(row.reps, row.skipped)


def over_screen(rt: Guided, rest_left: int | None, *, final: bool = False) -> str:
    """The end-of-set screen: what was logged, the next set, the rest left."""
    slot = rt.slot
    next_label = ""
    if not final and rt.next_index is not None:
        upcoming = rt.slots[rt.next_index]
        next_label = guided_views.next_set_label(
            upcoming.number, upcoming.sets, upcoming.side, upcoming.side != slot.side
        )
    return guided_views.set_over_screen(
        slot.number,
        slot.sets,
        slot.side,
        _logged_label(rt.done.get(rt.index)),
        next_label,
        rest_left,
    )


async def start_setup(context: Ctx, rt: Guided, index: int, intro: str = "") -> None:
    """Send the set-up line and Go for slot `index`; tidy the previous set's message."""
    bump(rt)
    if rt.message_id is not None:
        rt.untidy = (rt.message_id, over_screen(rt, None, final=True))
    rt.message_id = None
    rt.index = index
    rt.next_index = None
    rt.phase = "setup"
    rt.shown_at = rt.seen_at = -1.0
    rt.intro = intro
    rt.attempts = 0
    await _send_setup(context, rt)


async def resend_setup(context: Ctx, rt: Guided) -> bool:
    """Try the set-up message again now if it never arrived; True if it was missing."""
    if rt.phase != "setup" or rt.message_id is not None:
        return False
    bump(rt)
    rt.attempts = 0
    await _send_setup(context, rt)
    return True


async def _send_setup(context: Ctx, rt: Guided) -> None:
    """Send the current set's set-up; after a failure try again later, then end as partial."""
    if rt.message_id is not None:
        return
    slot = rt.slot
    change = ""
    if slot.side_change:
        change = rt.preset.change_side.format(side=side_word(slot.side))
    text = guided_views.set_setup(
        rt.intro,
        slot.number,
        slot.sets,
        slot.side,
        rt.preset.setup.format(side=side_word(slot.side)),
        change,
        rt.cue(slot),
    )
    markup = guided_views.setup_keyboard(rt.session.session_id, rt.index)
    if rt.mode == "voice":
        await send_note_first(context, rt)
    webapp_url = context.bot_data.webapp_url
    if rt.mode == "app" and webapp_url:
        markup = pacing_views.with_timer_button(markup, webapp_url)
    message = await send(context, rt, text, markup)
    if message is None:
        if rt.silenced:
            return
        rt.attempts += 1
        if rt.attempts > len(SETUP_RETRY_S):
            await abandon(context, rt, "the set-up message kept failing")
            return
        schedule(context, rt, _setup_job, scaled(SETUP_RETRY_S[rt.attempts - 1]))
        return
    rt.message_id = message.message_id
    if rt.untidy is not None:
        previous, previous_text = rt.untidy
        rt.untidy = None
        if previous != rt.message_id:
            edit(context, rt, previous, previous_text, None)


async def go(context: Ctx, rt: Guided) -> None:
    """Start pacing the current set from its first beat (or by one voice note)."""
    if rt.mode == "voice":
        if await go_voice(context, rt):
            return
        rt.mode = "chat"  # the note didn't go through: pace in the chat instead
    bump(rt)
    rt.phase = "pacing"
    rt.full_beats = pacing.set_timeline(rt.cadence, rt.slot.reps)
    rt.beats = ()
    _rethin(context.bot_data, rt)
    rt.shown_at = rt.seen_at = -1.0
    rt.rebase = True
    await advance(context, rt)


async def advance(context: Ctx, rt: Guided) -> None:
    """Show the beat that is due (skipping any missed), then schedule the next one.

    Under load the outbox coalesces a chat's edits, so a beat it couldn't show in time is
    replaced by the next one rather than shown late.
    """
    _rethin(context.bot_data, rt)
    beats = rt.beats
    following = next((i for i, b in enumerate(beats) if b.at_s > rt.shown_at), len(beats) - 1)
    if rt.rebase:
        index = following
    else:
        elapsed = (time.monotonic() - rt.t0) / runtime.TIME_SCALE
        index = max(following, pacing.beat_index_at(beats, elapsed))
    beat = beats[index]
    if beat.kind == "end":
        await finish_set(context, rt)
        return
    slot = rt.slot
    line = guided_views.beat_line(
        beat.kind, beat.rep, beat.reps, beat.count, beat.remaining, rt.cadence.four_count
    )
    text = guided_views.pacing_screen(slot.number, slot.sets, slot.side, line, rt.cue(slot))
    keyboard = guided_views.pacing_keyboard(rt.session.session_id, False)
    rt.shown_at = beat.at_s
    if rt.rebase:
        # The set starts (or resumes) when the user can see it, however busy the bot is.
        rt.rebase = False
        if rt.message_id is not None:
            await edit_now(context, rt, rt.message_id, text, keyboard, beat_at=beat.at_s)
        rt.t0 = time.monotonic() - scaled(beat.at_s)
    elif rt.message_id is not None:
        edit(context, rt, rt.message_id, text, keyboard, beat_at=beat.at_s)
    if rt.message_id is not None:
        for observer in runtime.beat_observers:
            observer(rt.chat_id, rt.message_id, rt.t0 + scaled(beat.at_s), text)
    upcoming = beats[index + 1]
    schedule(context, rt, _beat_job, rt.t0 + scaled(upcoming.at_s) - time.monotonic())


# One beat of the pacing chain.
_beat_job = phase_job("pacing", advance)


def _next_slot(rt: Guided) -> int | None:
    """The first set after the current one that has no row yet."""
    for slot in rt.slots[rt.index + 1 :]:
        if slot.index not in rt.done:
            return slot.index
    return None


async def finish_set(context: Ctx, rt: Guided, *, rest: bool = True) -> None:
    """The current set is over: prompt for the log, then rest (or wait after the last set)."""
    bump(rt)
    if rt.index not in rt.done:
        rt.finished.add(rt.index)
    rt.next_index = _next_slot(rt)
    if rt.next_index is None:
        rt.phase = "waiting"
        if rt.message_id is not None:
            keyboard = guided_views.stop_keyboard(rt.session.session_id)
            edit(context, rt, rt.message_id, over_screen(rt, None), keyboard)
        return
    rest_s = rt.cadence.rest_s if rest else 0
    if rest_s <= 0:
        await start_setup(context, rt, rt.next_index)
        return
    rt.phase = "rest"
    rt.rest_until = time.monotonic() + scaled(rest_s)
    await show_rest(context, rt)


async def show_rest(context: Ctx, rt: Guided) -> None:
    """Edit the rest countdown (on a tick boundary) and schedule the next tick or the next set."""
    left = (rt.rest_until - time.monotonic()) / runtime.TIME_SCALE
    if rt.next_index is None:
        await finish_set(context, rt, rest=False)  # nothing left to rest for
        return
    if left <= 0.05:
        await start_setup(context, rt, rt.next_index)
        return
    tick = REST_TICK_S
    shown = math.ceil(left - 0.05)
    if rt.message_id is not None:
        keyboard = guided_views.rest_keyboard(rt.session.session_id)
        edit(context, rt, rt.message_id, over_screen(rt, shown), keyboard)
    # Next tick on the next multiple of `tick` seconds left (45 s -> 40, 35, ...), or the end.
    next_left = (math.ceil(left - 0.05) - 1) // tick * tick
    schedule(context, rt, _rest_job, scaled(left - next_left))


# One tick of the rest countdown.
_rest_job = phase_job("rest", show_rest)
# Another try at a set-up message that failed to send.
_setup_job = phase_job("setup", _send_setup)
