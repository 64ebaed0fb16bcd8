"""Voice pacing of a set: one voice note paces it; the bot's clock only decides when to ask.

The note paces every rep in the user's player, so the bot sends one request per set instead of
an edit per beat. It goes out just before the set's set-up message, so it is already on the
phone when Go appears: however busy the bot is (Telegram allows ~30 messages/s per bot, so 100
notes sent at Go would take over 3 s), the first cue is the player starting. If it couldn't be
sent then, Go sends it. The clock starts at Go; when the set's time is up the usual "Set N of M
done?" follows. Pause stops the clock (the user pauses the player), Resume restarts it from
where it stopped; Done, Stop and typed replies work as in chat.
"""

from __future__ import annotations

import logging
import time

from telegram.error import TelegramError

from coach import pacing
from handlers.context import Ctx
from handlers.views import guided as guided_views
from handlers.views import i18n
from handlers.views import pacing_modes as views
from handlers.voice import TrackSpec, voice_language
from handlers.workout import runtime
from handlers.workout.output import edit
from handlers.workout.runtime import Guided, bump, phase_job, scaled, schedule

log = logging.getLogger(__name__)


def voice_elapsed(rt: Guided) -> float:
    """Seconds of the set's timeline played so far (by the bot's clock)."""
    return max(0.0, (time.monotonic() - rt.t0) / runtime.TIME_SCALE)


def track_spec(rt: Guided, index: int) -> TrackSpec:
    """The voice track of one set of the session, in the language of the running update."""
    language = voice_language(i18n.current())
    return TrackSpec(rt.preset.key, rt.cadence, rt.slots[index].reps, language)


async def _send_note(context: Ctx, rt: Guided, index: int) -> bool:
    """Send the voice note of set `index`; False (logged) if it couldn't be sent."""
    data = context.bot_data
    slot = rt.slots[index]
    title = guided_views.set_title(slot.number, slot.sets, slot.side)
    # The outbox keeps it a second after the set-up message (Telegram's pace per chat).
    try:
        await data.voice.send(
            context,
            data.storage,
            rt.chat_id,
            track_spec(rt, index),
            views.voice_caption(title, slot.reps),
        )
    except (TelegramError, OSError, RuntimeError, ValueError) as exc:  # ValueError: content
        log.warning("voice note for chat %s failed: %s", rt.chat_id, exc)
        return False
    return True


async def send_note_first(context: Ctx, rt: Guided) -> None:
    """Before the set-up message: the set's voice note (then a second's gap for the set-up)."""
    if rt.voice_sent == rt.index:
        return
    if await _send_note(context, rt, rt.index):
        rt.voice_sent = rt.index
        # The set-up follows; the outbox keeps the chat's pace (about one message a second).


async def go_voice(context: Ctx, rt: Guided) -> bool:
    """Start the clock of a voice-paced set (sending its note if it isn't out yet)."""
    slot = rt.slot
    if rt.voice_sent != rt.index:
        if not await _send_note(context, rt, rt.index):
            return False
        rt.voice_sent = rt.index
    spec = track_spec(rt, rt.index)
    title = guided_views.set_title(slot.number, slot.sets, slot.side)
    bump(rt)
    rt.phase = "pacing"
    rt.full_beats = rt.beats = pacing.set_timeline(rt.cadence, slot.reps)
    rt.t0 = time.monotonic()
    rt.shown_at = 0.0
    _schedule_end(context, rt, float(spec.duration_s))
    if rt.message_id is not None:
        edit(
            context,
            rt,
            rt.message_id,
            views.voice_screen(title, spec.duration_s, rt.cue(slot)),
            guided_views.pacing_keyboard(rt.session.session_id, False),
        )
    return True


def pause_voice(rt: Guided) -> None:
    """Stop the clock where the player is (the caller bumps and shows the paused screen)."""
    rt.shown_at = rt.seen_at = voice_elapsed(rt)


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
                guided_views.set_title(slot.number, slot.sets, slot.side),
                int(duration),
                rt.cue(slot),
            ),
            guided_views.pacing_keyboard(rt.session.session_id, False),
        )


def _schedule_end(context: Ctx, rt: Guided, seconds_left: float) -> None:
    schedule(context, rt, _end_job, scaled(max(0.0, seconds_left)))


async def _time_up(context: Ctx, rt: Guided) -> None:
    # Imported here: pacer imports this module for Go.
    from handlers.workout.pacer import finish_set

    await finish_set(context, rt)


# The set's time is up: the usual "Set N of M done?".
_end_job = phase_job("pacing", _time_up)
