"""Which language to speak: per update (before any handler runs) and per job (by user id)."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotData, Ctx
from handlers.views import i18n

# A bound on the cache of stored choices; past it the cache starts over (a read per user again).
MAX_CACHED = 200_000


def _remember(data: BotData, user_id: int, stored: str) -> None:
    cache = data.languages
    if len(cache) >= MAX_CACHED:
        cache.clear()
    cache[user_id] = stored


async def stored_language(data: BotData, user_id: int, client_code: str | None = None) -> str:
    """The user's stored language ("" if they have no row), from the cache or one read.

    A user stored before languages existed gets their Telegram app's language stored now (when
    it is known), so jobs speak it too.
    """
    stored = data.languages.get(user_id)
    if stored is not None:
        return stored
    user = await data.storage.get_user(user_id)
    stored = ""
    if user is not None:
        stored = user.language or i18n.resolve(client_code)
        if user.language is None and client_code is not None:
            await data.storage.update_user(user_id, data.now(), language=stored)
    _remember(data, user_id, stored)
    return stored


def remember_choice(data: BotData, user_id: int, language: str) -> None:
    """A new choice: the cache holds it (invalidating what it held)."""
    _remember(data, user_id, language)


def forget(data: BotData, user_id: int) -> None:
    """Drop a cached choice (the row was created or deleted)."""
    data.languages.pop(user_id, None)


async def language_of(data: BotData, user_id: int) -> str:
    """The language a job speaks to a user: the stored one, else English."""
    return await stored_language(data, user_id) or i18n.DEFAULT


async def choose_language(update: object, context: Ctx) -> None:
    """Every update: speak the stored choice, else the Telegram client's language."""
    tg_user = update.effective_user if isinstance(update, Update) else None
    if tg_user is None:
        i18n.use(None)
        return
    stored = await stored_language(context.bot_data, tg_user.id, tg_user.language_code)
    i18n.use(stored or i18n.resolve(tg_user.language_code))
