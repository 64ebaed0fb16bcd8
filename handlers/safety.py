"""Pain safety and progression offers after a session's check-in, and the prog: buttons."""

from __future__ import annotations

import logging
import re
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.error import BadRequest

from coach.progression import (
    QUALIFYING_RUN,
    Action,
    Reason,
    Suggestion,
    apply,
    assess_pain,
    regress,
    suggest,
)
from handlers import render
from handlers.context import Ctx
from handlers.dose import usual_dose
from handlers.planning import set_paused
from handlers.views import progression as progression_view
from storage.records import UserRecord

log = logging.getLogger(__name__)

_PROGRESSION_DATA = re.compile(r"prog:(yes|no):([a-z0-9-]{1,40})")


async def current_suggestion(context: Ctx, user: UserRecord) -> Suggestion | None:
    """The step up the user qualifies for right now, if any (coach.progression.suggest)."""
    data = context.bot_data
    # suggest() looks at the last QUALIFYING_RUN sessions and the one before them only.
    facts = await data.storage.session_facts(user.user_id, latest=QUALIFYING_RUN + 1)
    answered = await data.storage.last_progression_answer(user.user_id)
    answered_on = answered.astimezone(ZoneInfo(user.timezone)).date() if answered else None
    ladder = data.program.preset(user.preset).ladder
    return suggest(usual_dose(data.program, user), facts, ladder, answered_on)


async def after_checkin(context: Ctx, user: UserRecord, session_id: int) -> None:
    """After the end-of-session pain and difficulty are stored: stop, go lighter, or offer a step.

    Pain >= 7: stop advice, reminders paused until /resume. Pain 4-6: say the next session is
    lighter and why (handlers.dose.todays_plan applies it). Otherwise offer a step up when the
    last three sessions qualify. The session must belong to the user, else nothing happens.
    """
    data = context.bot_data
    fresh = await data.storage.get_user(user.user_id)
    checkin = await data.storage.checkin(user.user_id, session_id)
    if fresh is None or checkin is None:
        log.warning("check-in for a session that is not the user's (or a deleted user)")
        return
    safety = assess_pain(checkin.pain)
    if safety.action is Action.STOP:
        await _stop(context, fresh, safety.reason, checkin.pain)
        return
    if safety.action is Action.REGRESS and checkin.pain is not None:
        usual = usual_dose(data.program, fresh)
        lighter = regress(usual, data.program.preset(fresh.preset).ladder)
        await context.bot.send_message(
            fresh.chat_id, render.regress_note(checkin.pain, lighter, usual, fresh.legs)
        )
        return
    step = await current_suggestion(context, fresh)
    preset = data.program.preset(fresh.preset)
    if step is not None:
        await context.bot.send_message(
            fresh.chat_id,
            progression_view.offer(step, preset, data.program.source(preset.source).short),
            reply_markup=render.progression_keyboard(step),
        )


async def sharp_pain(context: Ctx, user: UserRecord) -> None:
    """The user reported sharp pain: stop advice, reminders paused, see a clinician."""
    fresh = await context.bot_data.storage.get_user(user.user_id)
    if fresh is None:
        return
    await _stop(context, fresh, Reason.SHARP_PAIN, None)


async def _stop(context: Ctx, user: UserRecord, reason: Reason, pain: int | None) -> None:
    # Pause first, so the advice never claims a pause that did not happen.
    await set_paused(context, user, pause=True, days=None, reason="safety")
    await context.bot.send_message(user.chat_id, render.stop_advice(reason, pain))


async def progression_button(update: Update, context: Ctx) -> None:
    """prog:yes|no:<step key>: apply or decline the step offered, if it is still the one due."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None:
        return
    match = _PROGRESSION_DATA.fullmatch(query.data or "")
    step = Suggestion.from_key(match[2]) if match else None
    message = query.message
    if match is None or step is None or not isinstance(message, Message) or not message.text:
        await query.answer(render.progression_stale())
        return
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        await query.answer(render.need_start(), show_alert=True)
        return
    # Only the step the user's own history offers now counts: a forged key (another rung, a
    # jump) or a stale one (already answered, dose changed since) changes nothing.
    if await current_suggestion(context, user) != step:
        await query.answer(render.progression_stale())
        await _drop_buttons(message)
        return
    now = data.now()
    ladder = data.program.preset(user.preset).ladder
    usual = usual_dose(data.program, user)
    expected = (user.reps, user.hold_s, user.ankle_weight)
    if match[1] == "no":
        recorded = await data.storage.answer_progression(
            user.user_id, now, step.key, accepted=False, expected=expected
        )
        text = render.progression_declined()
    else:
        new = apply(usual, step)
        changes: dict[str, int | bool]
        if step.kind == "hold":
            changes = {"hold_s": new.hold_s}
        elif step.kind == "reps":
            changes = {"reps": new.reps}
        else:
            changes = {"ankle_weight": True}
        recorded = await data.storage.answer_progression(
            user.user_id, now, step.key, accepted=True, expected=expected, changes=changes
        )
        text = progression_view.accepted(step, ladder, new, user.legs)
    if not recorded:
        await query.answer(render.progression_stale())
        return
    await query.answer()
    await message.edit_text(text)


async def _drop_buttons(message: Message) -> None:
    """Remove an out-of-date offer's buttons (if it still shows any)."""
    if message.reply_markup is None:
        return
    try:
        await message.edit_reply_markup(None)
    except BadRequest as exc:
        # Two quick taps: the first one already removed them.
        if "not modified" not in str(exc):
            raise
