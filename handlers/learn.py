"""/learn (one edited message with Back/Next), /cues, /mistakes, /variations, /sources, /help."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from handlers.context import Ctx
from handlers.views import common as common_views
from handlers.views import learn as view
from handlers.views.sources import sources_text


async def _profile(update: Update, context: Ctx) -> tuple[str, str]:
    """(preset key, legs) of the user, or the defaults for someone without a profile."""
    data = context.bot_data
    tg_user = update.effective_user
    user = await data.storage.get_user(tg_user.id) if tg_user else None
    if user is None:
        return data.program.default_preset, "both"
    return user.preset, user.legs


async def learn(update: Update, context: Ctx) -> None:
    """/learn: the first step of the user's preset, worded for their legs."""
    message = update.effective_message
    if message is None:
        return
    key, legs = await _profile(update, context)
    preset = context.bot_data.program.preset(key)
    await message.reply_text(
        view.learn_step(preset, 0, legs), reply_markup=view.learn_keyboard(preset, 0)
    )


async def learn_button(update: Update, context: Ctx) -> None:
    """Back/Next: edit the same message to another step (learn:<preset>:<index>)."""
    query = update.callback_query
    if query is None:
        return
    _, preset_key, index_text = ((query.data or "") + "::").split(":")[:3]
    program = context.bot_data.program
    known = {p.key for p in program.presets}
    fresh = index_text == "new"
    if preset_key not in known or not (fresh or index_text.isdigit()):
        await query.answer(common_views.stale_button())
        return
    preset = program.preset(preset_key)
    index = 0 if fresh else int(index_text)
    if not 0 <= index < len(preset.steps):
        await query.answer(common_views.stale_button())
        return
    await query.answer()
    _, legs = await _profile(update, context)
    text = view.learn_step(preset, index, legs)
    markup = view.learn_keyboard(preset, index)
    if fresh and query.message is not None:
        # From another message (onboarding, a reminder): start a new walk-through below it.
        await context.bot.send_message(query.message.chat.id, text, reply_markup=markup)
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        # A double tap can race to the same content; Telegram calls that "not modified".
        if "not modified" not in str(exc):
            raise


async def cues(update: Update, context: Ctx) -> None:
    """/cues: the form checklist of the user's preset."""
    if update.effective_message:
        program = context.bot_data.program
        key, _ = await _profile(update, context)
        await update.effective_message.reply_text(view.cues(program, program.preset(key)))


async def cues_button(update: Update, context: Ctx) -> None:
    """The Form cues button at the end of /learn."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer()
    program = context.bot_data.program
    key, _ = await _profile(update, context)
    await context.bot.send_message(query.message.chat.id, view.cues(program, program.preset(key)))


async def mistakes(update: Update, context: Ctx) -> None:
    """/mistakes: common mistakes and fixes for the user's preset."""
    if update.effective_message:
        program = context.bot_data.program
        key, _ = await _profile(update, context)
        await update.effective_message.reply_text(view.mistakes(program, program.preset(key)))


async def variations(update: Update, context: Ctx) -> None:
    """/variations: the user's preset's ladder and variations."""
    if update.effective_message:
        program = context.bot_data.program
        key, _ = await _profile(update, context)
        await update.effective_message.reply_text(view.variations(program, program.preset(key)))


async def sources(update: Update, context: Ctx) -> None:
    """/sources: each preset's source, what comes from it, and the coach's own numbers."""
    if update.effective_message:
        key, _ = await _profile(update, context)
        await update.effective_message.reply_text(sources_text(context.bot_data.program, key))


async def help_command(update: Update, context: Ctx) -> None:
    """/help: every command."""
    if update.effective_message:
        await update.effective_message.reply_text(common_views.help_text())
