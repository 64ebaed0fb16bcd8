"""/settings and the cfg:/menu: buttons that change one setting at a time."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from coach import zones
from handlers import render
from handlers.common import presser_profile
from handlers.context import Ctx
from handlers.onboarding import apply_choice, remember_question, send_settings_panel
from handlers.planning import next_training_day, set_paused
from handlers.views import settings as views


async def settings(update: Update, context: Ctx) -> None:
    """/settings: the current choices with a button for each."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    await send_settings_panel(message, context)


async def choice_button(update: Update, context: Ctx) -> None:
    """cfg:<field>:<value> from onboarding or settings."""
    pressed = await presser_profile(update, context)
    if pressed is None:
        return
    query, message, user = pressed
    data = context.bot_data
    _, field, value = ((query.data or "") + "::").split(":", 2)
    value = value.rstrip(":") if field != "time" else value[:5]
    toast = await apply_choice(message, context, user, field, value)
    if toast is None:
        await query.answer(render.stale_button())
        return
    await query.answer(toast)
    updated = await data.storage.get_user(user.user_id)
    if updated is None:
        return
    if not user.onboarded:
        # Remove the answered question's buttons so an old tap can't re-answer it.
        await _remove_buttons(message)
        return
    next_day = next_training_day(
        updated, await data.storage.last_done_day(user.user_id), data.now()
    )
    await _edit_quietly(
        message,
        render.settings_text(data.program, updated, next_day),
        render.settings_keyboard(updated),
    )


async def menu_button(update: Update, context: Ctx) -> None:
    """menu:<field>: show the options for one setting in place of the settings message."""
    pressed = await presser_profile(update, context)
    if pressed is None:
        return
    query, message, user = pressed
    data = context.bot_data
    field = (query.data or "").partition(":")[2]
    now = data.now()
    if field == "preset":
        text, markup = (
            views.ask_preset(data.program),
            render.preset_keyboard(data.program, user.preset),
        )
    elif field == "legs":
        text, markup = views.ask_legs(), render.legs_keyboard(user.legs)
    elif field == "tz":
        await data.storage.update_user(user.user_id, now, awaiting="timezone")
        text, markup = views.ask_timezone(), render.timezone_keyboard(zones.COMMON_ZONES)
        remember_question(context, message)
    elif field == "time":
        await data.storage.update_user(user.user_id, now, awaiting="time")
        text, markup = views.ask_time(), render.time_keyboard()
        remember_question(context, message)
    elif field in ("pause", "resume"):
        updated = await set_paused(context, user, pause=field == "pause", days=None)
        await query.answer("Reminders paused" if field == "pause" else "Reminders on")
        next_day = next_training_day(updated, await data.storage.last_done_day(user.user_id), now)
        await _edit_quietly(
            message,
            render.settings_text(data.program, updated, next_day),
            render.settings_keyboard(updated),
        )
        return
    else:
        await query.answer(render.stale_button())
        return
    await query.answer()
    await _edit_quietly(message, text, markup)


async def _edit_quietly(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit a message, ignoring Telegram's "not modified" for a repeated tap."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def _remove_buttons(message: Message) -> None:
    """Drop a message's buttons, ignoring "not modified"."""
    try:
        await message.edit_reply_markup(None)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
