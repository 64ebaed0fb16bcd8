"""/language and the language row of /settings: the languages by their own names."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from handlers.context import Ctx
from handlers.planning import next_training_day
from handlers.speech import remember_choice
from handlers.views import common as common_views
from handlers.views import i18n
from handlers.views import language as views
from handlers.views import settings as settings_views


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
        await query.answer(common_views.stale_button())
        return
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is not None:
        user = await data.storage.update_user(tg_user.id, data.now(), language=code)
    # Someone who has not agreed yet keeps the choice in memory only; consent stores it.
    remember_choice(data, tg_user.id, code)
    i18n.use(code)
    name = i18n.LANGUAGES[code]
    await query.answer(views.language_toast(name))
    if origin == "s" and user is not None and user.onboarded:
        last_done = await data.storage.last_done_day(user.user_id)
        next_day = next_training_day(user, last_done, data.now())
        await _edit(
            query.message,
            settings_views.settings_text(data.program, user, next_day),
            settings_views.settings_keyboard(user),
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
