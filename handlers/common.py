"""Fallbacks: unknown commands, stale buttons, unsupported messages, and free text."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from handlers.context import Ctx
from handlers.views import common as common_views
from storage.records import UserRecord


async def sender_profile(
    update: Update, context: Ctx, *, onboarded: bool = False
) -> tuple[Message, UserRecord] | None:
    """The message and the sender's stored profile, or None after telling them to /start."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None:
        return None
    user = await context.bot_data.storage.get_user(tg_user.id)
    if user is None:
        await message.reply_text(common_views.need_start())
        return None
    if onboarded and not user.onboarded:
        await message.reply_text(common_views.finish_onboarding_first())
        return None
    return message, user


async def presser_profile(
    update: Update, context: Ctx, *, onboarded: bool = False
) -> tuple[CallbackQuery, Message, UserRecord] | None:
    """A button press, its message and the presser's profile, or None after an alert."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or not isinstance(query.message, Message):
        return None
    user = await context.bot_data.storage.get_user(tg_user.id)
    if user is None or (onboarded and not user.onboarded):
        await query.answer(common_views.need_start(), show_alert=True)
        return None
    return query, query.message, user


# Longer messages than this are not replies to a coach; answer without parsing them.
MAX_REPLY_CHARS = 500


async def text(update: Update, context: Ctx) -> None:
    """Free text no feature claimed: a short hint."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if len(message.text) > MAX_REPLY_CHARS:
        await message.reply_text(common_views.too_long())
        return
    await message.reply_text(common_views.hint())


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command we don't have."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await message.reply_text(common_views.unknown_command(message.text.split()[0]))


async def stale_button(update: Update, context: Ctx) -> None:
    """A button no handler recognises (old, or forged)."""
    if update.callback_query is not None:
        await update.callback_query.answer(common_views.stale_button())


async def unsupported(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice and anything else."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(common_views.unsupported_message())
