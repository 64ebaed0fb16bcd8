"""Starting, continuing and ending guided sessions; start-up and the silence check."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from coach import pacing
from handlers import render
from handlers.context import Ctx
from handlers.dose import todays_plan
from handlers.planning import local_today, reschedule
from handlers.views import pacing_modes as pacing_views
from handlers.views import state as state_view
from handlers.workout.checkin import send_summary
from handlers.workout.output import edit
from handlers.workout.pacer import (
    current_title,
    finish_set,
    over_screen,
    resend_setup,
    show_rest,
    start_setup,
)
from handlers.workout.runtime import (
    App,
    Guided,
    end_runtime,
    guided,
    run_step,
    session_cadence,
    session_slots,
)
from storage.records import UserRecord
from storage.sessions import SessionRecord, SetRecord

log = logging.getLogger(__name__)


SILENCE: Final = timedelta(hours=1)
SILENCE_CHECK_S: Final = 60.0
# Telegram stops redelivering an update long before this; older ids needn't be remembered.
PROCESSED_UPDATES_KEPT: Final = timedelta(days=2)

# --- starting, continuing and ending sessions ----------------------------------------------


async def begin(
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
    mode = user.pacing_mode
    if mode == "app" and not data.webapp_url:
        # The operator removed WEBAPP_URL: say so once and pace in the chat from now on.
        mode = "chat"
        intro = "\n\n".join(part for part in (pacing_views.app_unavailable_note(), intro) if part)
        await data.storage.update_user(user.user_id, data.now(), pacing_mode="chat")
    rt = Guided(
        user_id=user.user_id,
        chat_id=chat_id,
        session=session,
        preset=preset,
        cadence=session_cadence(preset, session),
        slots=session_slots(session),
        cues=data.program.cues_for(preset),
        last_activity=data.now(),
        mode=mode,
    )
    for row in rows:
        index = rt.slot_of(row.leg, row.set_no)
        if index is not None:
            rt.done[index] = row
    first = next((s.index for s in rt.slots if s.index not in rt.done), None)
    if first is None:
        return
    data.runtime[user.user_id] = rt

    async def first_setup(context: Ctx, rt: Guided) -> None:
        await start_setup(context, rt, first, intro)

    async with rt.lock:
        await run_step(context, rt, first_setup)


async def start_new(context: Ctx, user: UserRecord, chat_id: int) -> None:
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
    await begin(context, user, session, chat_id, intro)


async def open_workout(context: Ctx, user_id: int, chat_id: int, *, insist: bool = False) -> None:
    """/workout and Start now: today's session, or an offer to continue today's partial one.

    While reminders are paused it says so first; `insist` (Train anyway) goes ahead regardless.
    """
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
        async with rt.lock:
            if guided(context, user_id) is rt and await resend_setup(context, rt):
                return  # the set-up message had not arrived: this is it
        await bot.send_message(
            chat_id,
            render.session_running(current_title(rt)),
            reply_markup=render.stop_keyboard(rt.session.session_id),
        )
        return
    today = local_today(user, data.now())
    if not insist and state_view.is_paused(user, today):
        pause = await data.storage.current_pause(user_id, today)
        await bot.send_message(
            chat_id,
            state_view.workout_while_paused(user, pause),
            reply_markup=state_view.train_anyway_keyboard(),
        )
        return
    latest = await data.storage.latest_session_on(user_id, today)
    if latest is not None:
        rows = await data.storage.session_sets(user_id, latest.session_id)
        filled = {(r.leg, r.set_no) for r in rows}
        free = [s for s in session_slots(latest) if (s.side, s.number) not in filled]
        if latest.status == "open" and not rows:
            await begin(context, user, latest, chat_id, "")
            return
        if free and latest.status in ("open", "partial"):
            await bot.send_message(
                chat_id,
                render.continue_offer(len(filled & _slot_keys(latest)), latest.slots_planned),
                reply_markup=render.continue_keyboard(latest.session_id),
            )
            return
        if not free:
            skipped = sum(1 for r in rows if r.skipped)
            # Skipped sets fill the session's slots too; never call that a session done.
            text = (
                state_view.session_over(len(rows) - skipped, latest.slots_planned, skipped)
                if skipped
                else render.done_today()
            )
            await bot.send_message(chat_id, text, reply_markup=render.another_keyboard())
            return
    await start_new(context, user, chat_id)


def _slot_keys(session: SessionRecord) -> set[tuple[str, int]]:
    return {(s.side, s.number) for s in session_slots(session)}


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
                title = current_title(rt)
                end_runtime(context, rt)
                ended = True
                if rt.message_id is not None:
                    text = (
                        render.session_closed_silence(title)
                        if reason == "silence"
                        else render.set_stopped(title)
                    )
                    edit(context, rt, rt.message_id, text, None)
    for session in await data.storage.open_sessions(user_id):
        closed, _ = await data.storage.close_session(user_id, session.session_id, now)
        ended = ended or closed
    if ended:
        log.info("closed user %s's session (%s)", user_id, reason)
    return ended


async def complete(
    context: Ctx,
    user: UserRecord,
    session: SessionRecord,
    chat_id: int,
    prefix: str,
    rows: Sequence[SetRecord] = (),
    *,
    rescheduled: bool = False,
) -> None:
    """A session just ended with every set recorded: summary, pain check, next reminder.

    `rows` are the sets that completed it (the last set's message then says what was logged);
    `rescheduled`: the transaction that completed it already stored the next reminder.
    """
    try:
        rt = guided(context, user.user_id)
        if rt is None or rt.session.session_id != session.session_id:
            await send_summary(context, session, chat_id, prefix)
            return
        async with rt.lock:
            end_runtime(context, rt)
            for row in rows:
                index = rt.slot_of(row.leg, row.set_no)
                if index is not None:
                    rt.done[index] = row
            await send_summary(context, session, chat_id, prefix)
            if rt.message_id is not None:
                # Tidied after the summary (the outbox keeps the chat's pace).
                edit(context, rt, rt.message_id, over_screen(rt, None, final=True), None)
    finally:
        # The next reminder follows the finished session even if the summary failed to send.
        if not rescheduled:
            await reschedule(context, user)


async def on_logged(context: Ctx, rt: Guided, rows: Sequence[SetRecord]) -> None:
    """After sets were committed in a guided session: a set logged ahead of its pacing ends it."""
    async with rt.lock:
        if guided(context, rt.user_id) is not rt:
            return
        rt.last_activity = context.bot_data.now()
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
        # Skipped: no rest is needed before the next set.
        rest = not current_logged.skipped

        async def after_log(context: Ctx, rt: Guided) -> None:
            if rt.phase in ("setup", "pacing", "paused"):
                await finish_set(context, rt, rest=rest)
            elif rt.phase == "waiting" and rt.message_id is not None:
                keyboard = render.stop_keyboard(rt.session.session_id)
                edit(context, rt, rt.message_id, over_screen(rt, None), keyboard)
            elif rt.phase == "rest":
                await show_rest(context, rt)

        await run_step(context, rt, after_log)


def on_undone(context: Ctx, rt: Guided, row: SetRecord) -> None:
    """After a set was removed by undo: its slot can be logged again."""
    index = rt.slot_of(row.leg, row.set_no)
    if index is not None and rt.done.get(index) == row:
        del rt.done[index]


# --- start-up and the silence job -----------------------------------------------------------


async def on_startup(application: App) -> None:
    """Close sessions a restart interrupted and start the silence check."""
    data = application.bot_data
    closed = await data.storage.close_open_sessions(data.now())
    if closed:
        log.info("closed %d session(s) interrupted by a restart", closed)
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the job queue is not set up")
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
