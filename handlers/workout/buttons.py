"""/workout, Start now and the wk: buttons of a guided session."""

from __future__ import annotations

from telegram import Update

from handlers import callbacks, render
from handlers.context import Ctx
from handlers.planning import local_today
from handlers.views import pacing_modes as pacing_views
from handlers.workout.checkin import difficulty_button, pain_button, send_summary
from handlers.workout.output import edit
from handlers.workout.pacer import advance, current_title, finish_set, go, start_setup
from handlers.workout.runtime import Guided, Step, bump, end_runtime, guided, run_step
from handlers.workout.session import begin, open_workout, start_new
from handlers.workout.voice_pacer import pause_voice, resume_voice
from storage.records import UserRecord
from storage.sessions import SessionRecord


async def workout_command(update: Update, context: Ctx) -> None:
    """/workout: start (or continue) today's session."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None:
        return
    await open_workout(context, tg_user.id, message.chat_id)


async def start_button(update: Update, context: Ctx) -> None:
    """The Start now button (workout:start) of onboarding, /learn and reminders."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or query.message is None:
        return
    await query.answer()
    insist = query.data == "workout:anyway"  # Train anyway, while reminders are paused
    await open_workout(context, tg_user.id, query.message.chat.id, insist=insist)


async def button(update: Update, context: Ctx) -> None:
    """Every wk:<action>:<session>[:<arg>] button; the session must be the presser's own."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or query.message is None:
        return
    pressed = callbacks.parse(query.data, callbacks.WORKOUT)
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id) if pressed is not None else None
    if pressed is None or user is None:
        await query.answer(render.stale_button())
        return
    action = pressed.word(0)
    if action == "new":
        await query.answer()
        if guided(context, user.user_id) is None:
            for stale in await data.storage.open_sessions(user.user_id):
                await data.storage.close_session(user.user_id, stale.session_id, data.now())
        await _open_new(context, user, query.message.chat.id)
        return
    # Ownership is checked in SQL: a forged id of someone else's session finds nothing.
    session = await data.storage.get_session(user.user_id, pressed.number(1))
    arg = str(pressed.values[2]) if len(pressed.values) > 2 else ""
    if session is None:
        await query.answer(render.stale_button())
        return
    if action == "pain":
        await pain_button(update, context, user, session, arg)
    elif action == "diff":
        await difficulty_button(update, context, user, session, arg)
    elif action == "cont":
        await _continue_button(update, context, user, session)
    else:
        await _session_button(update, context, user, session, action, arg)


async def _open_new(context: Ctx, user: UserRecord, chat_id: int) -> None:
    if guided(context, user.user_id) is not None:
        await open_workout(context, user.user_id, chat_id)
        return
    await start_new(context, user, chat_id)


async def _continue_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord
) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
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
    await begin(context, user, reopened, query.message.chat.id, "")


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
    if query is None or query.message is None:
        return
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
        step = _step_for(rt, action, arg)
        if step is None:
            await query.answer(render.not_now_toast())
            return
        await query.answer()
        if action == "go" and rt.message_id is None:
            # The set-up "failed" yet arrived (a timed-out send): pace on the message pressed.
            rt.message_id = query.message.message_id
        await run_step(context, rt, step)


def _step_for(rt: Guided, action: str, arg: str) -> Step | None:
    """The transition a button asks for, if it fits the session's phase now."""
    if action == "go" and rt.phase == "setup" and arg == str(rt.index):
        return go
    if action == "pause" and rt.phase == "pacing":
        return _pause
    if action == "resume" and rt.phase == "paused":
        return resume_voice if rt.mode == "voice" else _resume
    if action == "done" and rt.phase in ("pacing", "paused"):
        return finish_set
    if action == "skip" and rt.phase == "rest" and rt.next_index is not None:
        return _skip_rest
    return None


async def _pause(context: Ctx, rt: Guided) -> None:
    if rt.mode == "voice":
        pause_voice(rt)
    bump(rt)
    rt.phase = "paused"
    slot = rt.slot
    text = render.paused_screen(
        slot.number, slot.sets, slot.side, _rep_on_screen(rt), slot.reps, rt.cue(slot)
    )
    if rt.mode == "voice":
        text += f"\n\n{pacing_views.voice_paused_hint()}"
    if rt.message_id is not None:
        keyboard = render.pacing_keyboard(rt.session.session_id, True)
        edit(context, rt, rt.message_id, text, keyboard)


async def _resume(context: Ctx, rt: Guided) -> None:
    bump(rt)
    rt.phase = "pacing"
    # Show the beat that was on screen when paused again (from half a second before it).
    rt.shown_at = max(0.0, rt.seen_at) - 0.5
    rt.rebase = True
    await advance(context, rt)


async def _skip_rest(context: Ctx, rt: Guided) -> None:
    if rt.next_index is not None:
        await start_setup(context, rt, rt.next_index)


def _rep_on_screen(rt: Guided) -> int:
    shown = [b for b in rt.beats if b.at_s <= rt.seen_at]
    return shown[-1].rep if shown else 1


async def _stop(context: Ctx, rt: Guided, user: UserRecord) -> None:
    """The Stop button: close the session as partial, then the summary and pain check."""
    data = context.bot_data
    async with rt.lock:
        if guided(context, rt.user_id) is not rt:
            return
        title = current_title(rt)
        end_runtime(context, rt)
        closed, kept = await data.storage.close_session(
            user.user_id, rt.session.session_id, data.now()
        )
        if kept is not None:
            await send_summary(context, kept, rt.chat_id)
        elif closed:
            await context.bot.send_message(rt.chat_id, render.session_stopped_empty())
        if rt.message_id is not None:
            edit(context, rt, rt.message_id, render.set_stopped(title), None)
