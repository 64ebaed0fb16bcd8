"""The user's language: chosen for every update before any handler runs; /language."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from handlers import render
from handlers.context import Ctx
from handlers.planning import next_training_day
from handlers.views import i18n
from handlers.views import language as views

# A bound on the cache of stored choices; past it the cache starts over (a read per user again).
MAX_CACHED = 200_000


async def stored_language(context: Ctx, user_id: int) -> str:
    """The user's stored choice ("" for none), from the cache or one read of their row."""
    cache = context.bot_data.languages
    stored = cache.get(user_id)
    if stored is None:
        user = await context.bot_data.storage.get_user(user_id)
        stored = (user.language or "") if user is not None else ""
        if len(cache) >= MAX_CACHED:
            cache.clear()
        cache[user_id] = stored
    return stored


async def choose_language(update: object, context: Ctx) -> None:
    """Every update: speak the stored choice, else the Telegram client's language."""
    tg_user = update.effective_user if isinstance(update, Update) else None
    if tg_user is None:
        i18n.use(None)
        return
    stored = await stored_language(context, tg_user.id)
    i18n.use(stored or i18n.resolve(tg_user.language_code))


async def language_command(update: Update, context: Ctx) -> None:
    """/language: the languages, each by its own name."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        views.ask_language(), reply_markup=views.language_keyboard(i18n.current())
    )


async def language_button(update: Update, context: Ctx) -> None:
    """lang:<code>[:s] stores the choice; lang:menu (from /settings) shows the languages."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or not isinstance(query.message, Message):
        return
    _, code, origin = ((query.data or "") + "::").split(":")[:3]
    if code == "menu":
        await query.answer()
        await _edit(
            query.message,
            views.ask_language(),
            views.language_keyboard(i18n.current(), from_settings=True),
        )
        return
    if code not in i18n.LANGUAGES:
        await query.answer(render.stale_button())
        return
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is not None:
        user = await data.storage.update_user(tg_user.id, data.now(), language=code)
    # Someone who has not agreed yet keeps the choice in memory only; consent stores it.
    data.languages[tg_user.id] = code
    i18n.use(code)
    name = i18n.LANGUAGES[code]
    await query.answer(views.language_toast(name))
    if origin == "s" and user is not None and user.onboarded:
        last_done = await data.storage.last_done_day(user.user_id)
        next_day = next_training_day(user, last_done, data.now())
        await _edit(
            query.message,
            render.settings_text(data.program, user, next_day),
            render.settings_keyboard(user),
        )
        return
    await _edit(query.message, views.language_set(name), None)


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit in place, ignoring "not modified" from a repeated tap."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
