"""/language and the language row of /settings: the languages by their own names."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from handlers.context import Ctx
from handlers.planning import next_training_day
from handlers.speech import remember_choice
from handlers.views import common as common_views
from handlers.views import i18n
from handlers.views import language as views
from handlers.views import settings as settings_views

log = logging.getLogger(__name__)


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
    await chat_menu(context, query.message.chat.id, code, tg_user.language_code)
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


async def chat_menu(context: Ctx, chat_id: int, language: str, client_code: str | None) -> None:
    """The chat's own command menu when its language differs from the Telegram app's.

    Telegram picks a private chat's menu by scope first (chat, then all private chats by
    language), so a chosen language other than the app's needs a menu for the chat itself.
    """
    scope = BotCommandScopeChat(chat_id)
    try:
        if language == i18n.resolve(client_code):
            await context.bot.delete_my_commands(scope=scope)
        else:
            commands = [BotCommand(name, text) for name, text in common_views.commands()]
            await context.bot.set_my_commands(commands, scope=scope)
    except TelegramError as exc:
        # The words are right anyway; only the menu's labels stay in the other language.
        log.warning("could not set chat %s's command menu: %s", chat_id, exc)
