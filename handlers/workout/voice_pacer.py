"""Voice pacing of a set: Go sends one voice note; the bot's clock only decides when to ask.

The note paces every rep in the user's player, so the bot sends one request per set instead of
an edit per beat. The clock starts when the note is sent; when the set's time is up the usual
"Set N of M done?" follows. Pause stops the clock (the user pauses the player), Resume
restarts it from where it stopped; Done, Stop and typed replies work as in chat pacing.
"""

from __future__ import annotations

import logging
import time

from telegram.error import TelegramError

from coach import pacing
from handlers import render
from handlers.context import Ctx
from handlers.views import pacing_modes as views
from handlers.voice import TrackSpec
from handlers.workout import runtime
from handlers.workout.output import edit
from handlers.workout.runtime import Guided, bump, phase_job, scaled, schedule

log = logging.getLogger(__name__)


def voice_elapsed(rt: Guided) -> float:
    """Seconds of the set's timeline played so far (by the bot's clock)."""
    return max(0.0, (time.monotonic() - rt.t0) / runtime.TIME_SCALE)


async def go_voice(context: Ctx, rt: Guided) -> bool:
    """Send the set's voice note and start the clock; False if it couldn't be sent."""
    data = context.bot_data
    slot = rt.slot
    spec = TrackSpec(rt.preset.key, rt.cadence, slot.reps, "en")
    title = render.set_title(slot.number, slot.sets, slot.side)
    caption = views.voice_caption(title, slot.reps)
    try:
        await data.voice.send(context, data.storage, rt.chat_id, spec, caption)
    except (TelegramError, OSError, RuntimeError) as exc:
        log.warning("voice note for chat %s failed: %s", rt.chat_id, exc)
        return False
    bump(rt)
    rt.phase = "pacing"
    rt.beats = pacing.set_timeline(rt.cadence, slot.reps)
    rt.t0 = time.monotonic()
    rt.shown_at = 0.0
    _schedule_end(context, rt, float(spec.duration_s))
    if rt.message_id is not None:
        edit(
            context,
            rt,
            rt.message_id,
            views.voice_screen(title, spec.duration_s, rt.cue(slot)),
            render.pacing_keyboard(rt.session.session_id, False),
        )
    return True


def pause_voice(rt: Guided) -> None:
    """Stop the clock where the player is (the caller bumps and shows the paused screen)."""
    rt.shown_at = voice_elapsed(rt)


async def resume_voice(context: Ctx, rt: Guided) -> None:
    """Restart the clock from where it was paused and show the playing screen again."""
    bump(rt)
    rt.phase = "pacing"
    rt.t0 = time.monotonic() - scaled(rt.shown_at)
    duration = float(pacing.set_duration(rt.cadence, rt.slot.reps))
    _schedule_end(context, rt, duration - rt.shown_at)
    slot = rt.slot
    if rt.message_id is not None:
        edit(
            context,
            rt,
            rt.message_id,
            views.voice_screen(
                render.set_title(slot.number, slot.sets, slot.side), int(duration), rt.cue(slot)
            ),
            render.pacing_keyboard(rt.session.session_id, False),
        )


def _schedule_end(context: Ctx, rt: Guided, seconds_left: float) -> None:
    schedule(context, rt, _end_job, scaled(max(0.0, seconds_left)))


async def _time_up(context: Ctx, rt: Guided) -> None:
    # Imported here: pacer imports this module for Go.
    from handlers.workout.pacer import finish_set

    await finish_set(context, rt)


# The set's time is up: the usual "Set N of M done?".
_end_job = phase_job("pacing", _time_up)
