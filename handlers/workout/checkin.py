"""The session summary, the pain and difficulty check-in, and sharp pain."""

from __future__ import annotations

from typing import Literal, cast

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from coach.progression import Action, assess_pain
from handlers import render, safety
from handlers.context import Ctx
from storage.records import UserRecord
from storage.sessions import SessionRecord


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


async def send_summary(
    context: Ctx, session: SessionRecord, chat_id: int, prefix: str = ""
) -> None:
    """Send the session summary (with the pain question if sets were done)."""
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


async def pain_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord, arg: str
) -> None:
    """wk:pain:<session>:<0-10>: record pain, then ask difficulty (or stop advice)."""
    query = update.callback_query
    if query is None:
        return
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


async def difficulty_button(
    update: Update, context: Ctx, user: UserRecord, session: SessionRecord, arg: str
) -> None:
    """wk:diff:<session>:<easy|right|hard>: record difficulty, then safety."""
    query = update.callback_query
    if query is None:
        return
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
    if query is None:
        return
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
