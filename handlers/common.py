"""Fallbacks: unknown commands, stale buttons, unsupported messages, and free text."""

from __future__ import annotations

from telegram import Update

from handlers import render
from handlers.context import Ctx

# Longer messages than this are not replies to a coach; answer without parsing them.
MAX_REPLY_CHARS = 500


async def text(update: Update, context: Ctx) -> None:
    """Free text no feature claimed: a short hint."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    if len(message.text) > MAX_REPLY_CHARS:
        await message.reply_text(render.too_long())
        return
    await message.reply_text(render.hint())


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command we don't have."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await message.reply_text(render.unknown_command(message.text.split()[0]))


async def stale_button(update: Update, context: Ctx) -> None:
    """A button no handler recognises (old, or forged)."""
    if update.callback_query is not None:
        await update.callback_query.answer(render.stale_button())


async def unsupported(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice and anything else."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(render.unsupported_message())
