"""Logging by reply: "done", "done 8 left", "3x10", "skip", "undo", in or outside a guided session.

The confirmation is sent only after the commit, and the update id is stored in the same
transaction as the set rows, so the same Telegram update processed twice logs once.
"""

from __future__ import annotations

from typing import Final

from telegram import Message, Update
from telegram.ext import filters

from coach.pacing import SetSlot
from coach.replies import Absurd, Done, Pain, Skip, Undo, parse_reply
from handlers import planning, render, workout
from handlers.common import MAX_REPLY_CHARS
from handlers.context import Ctx
from handlers.dose import todays_plan
from handlers.planning import local_today
from storage.records import UserRecord
from storage.sessions import NewSet, SessionRecord
from storage.setlog import NewSession


class _LogReply(filters.MessageFilter):
    """Text that parses as a log intent; anything else falls through to the hint."""

    def filter(self, message: Message) -> bool:
        text = message.text
        return text is not None and len(text) <= MAX_REPLY_CHARS and parse_reply(text) is not None


LOG_REPLY: Final = _LogReply(name="log_reply")


async def reply(update: Update, context: Ctx) -> None:
    """A log reply: act on the intent and confirm after the commit."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None or not message.text:
        return
    intent = parse_reply(message.text)
    if intent is None:
        await message.reply_text(render.hint())
        return
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        await message.reply_text(render.need_start())
        return
    if not user.onboarded:
        await message.reply_text(render.finish_onboarding_first())
        return
    rt = workout.guided(context, user.user_id)
    if rt is not None:
        rt.last_activity = data.now()
    if isinstance(intent, Absurd):
        await message.reply_text(render.absurd(intent.reason))
    elif isinstance(intent, Pain):
        if intent.sharp:
            await _sharp_pain(context, message, user, "")
        else:
            await message.reply_text(render.pain_noted())
    elif isinstance(intent, Undo):
        await _undo(update, context, message, user)
    else:
        await _log(update, context, message, user, intent)


async def _log(
    update: Update, context: Ctx, message: Message, user: UserRecord, intent: Done | Skip
) -> None:
    data = context.bot_data
    now = data.now()
    rt = workout.guided(context, user.user_id)
    open_new: NewSession | None = None
    if rt is not None:
        session = rt.session
        order = rt.target_order()
    else:
        today = local_today(user, now)
        latest = await data.storage.latest_session_on(user.user_id, today)
        if latest is not None:
            session = latest
        else:
            # The day's first set opens its session in the same transaction.
            dose = (await todays_plan(data.storage, data.program, user)).dose
            open_new = NewSession(today, user.preset, user.legs, dose.sets, dose.reps, dose.hold_s)
            session = open_new.draft(user.user_id, now)
        order = list(workout.session_slots(session))
    # Storage skips the slots that already have a row (it reads them in its transaction).
    wanted = [slot for slot in order if intent.side in (None, slot.side)]
    skipped = isinstance(intent, Skip)
    reps = 0 if isinstance(intent, Skip) else intent.reps or session.reps_planned
    count = intent.sets if isinstance(intent, Done) else 1
    candidates = [
        NewSet(slot.side, slot.number, reps, session.hold_s, skipped=skipped, note=intent.note)
        for slot in wanted
    ]
    result = await data.storage.log_sets(
        user.user_id,
        None if open_new is not None else session.session_id,
        candidates,
        count,
        now,
        update.update_id,
        open_new=open_new,
        next_reminder=planning.planner(now),
    )
    if result.duplicate:
        await message.reply_text(render.already_logged())
        return
    if result.session is None:
        # Gone (e.g. /delete): nothing was written.
        if rt is not None:
            await workout.close_running_session(context, user.user_id, "gone")
        await message.reply_text(render.session_already_complete())
        return
    if not result.logged:
        await _nothing_free(context, message, user, result.session, order, intent)
        return
    session = result.session
    phrases = [
        render.set_phrase(
            row.set_no, session.sets_planned, row.leg, row.reps, row.skipped, row.note
        )
        for row in result.logged
    ]
    text = render.logged_sets(phrases, not result.completed, rt is not None)
    if count > len(result.logged):
        text += render.logged_fewer(count, len(result.logged))
    if intent.sharp_pain:
        if result.completed and result.rescheduled is None:
            await planning.reschedule(context, user)
        await _sharp_pain(context, message, user, text)
        return
    if result.completed:
        await workout.complete(
            context,
            user,
            session,
            message.chat_id,
            text,
            result.logged,
            rescheduled=result.rescheduled is not None,
        )
        return
    try:
        await message.reply_text(text)
    finally:
        # The guided session moves on from what was logged even if the reply failed.
        if rt is not None:
            await workout.on_logged(context, rt, result.logged)


async def _nothing_free(
    context: Ctx,
    message: Message,
    user: UserRecord,
    session: SessionRecord,
    order: list[SetSlot],
    intent: Done | Skip,
) -> None:
    """No slot the reply could fill was free: say whether the session or that side is full."""
    rows = await context.bot_data.storage.session_sets(user.user_id, session.session_id)
    filled = {(row.leg, row.set_no) for row in rows}
    free = [slot for slot in order if (slot.side, slot.number) not in filled]
    text = render.session_already_complete()
    if free and intent.side is not None:
        text = render.no_set_left_on(intent.side)
    if intent.sharp_pain:
        await _sharp_pain(context, message, user, text)
    else:
        await message.reply_text(text)


async def _undo(update: Update, context: Ctx, message: Message, user: UserRecord) -> None:
    data = context.bot_data
    now = data.now()
    rt = workout.guided(context, user.user_id)
    session = (
        rt.session
        if rt is not None
        else await data.storage.latest_session_on(user.user_id, local_today(user, now))
    )
    if session is None:
        await message.reply_text(render.nothing_to_undo())
        return
    result = await data.storage.undo_last_set(
        user.user_id, session.session_id, now, update.update_id, next_reminder=planning.planner(now)
    )
    if result.duplicate:
        await message.reply_text(render.already_logged())
        return
    removed = result.removed
    if removed is None or result.session is None:
        await message.reply_text(render.nothing_to_undo())
        return
    if rt is not None:
        workout.on_undone(context, rt, removed)
    await message.reply_text(
        render.undone(
            render.set_phrase(
                removed.set_no,
                result.session.sets_planned,
                removed.leg,
                removed.reps,
                removed.skipped,
                removed.note,
            )
        )
    )


async def _sharp_pain(context: Ctx, message: Message, user: UserRecord, prefix: str) -> None:
    """Sharp pain: end the session, then the safety feature's stop advice."""
    ended = await workout.close_running_session(context, user.user_id, "sharp_pain")
    parts = [part for part in (prefix, render.sharp_pain_stopped() if ended else "") if part]
    if parts:
        await message.reply_text("\n\n".join(parts))
    await workout.sharp_pain(context, user)
