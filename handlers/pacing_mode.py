"""The pacing-mode choice (pace: buttons): in chat, a voice note per set, or the timer app."""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import Update
from telegram.error import BadRequest

from handlers.common import presser_profile
from handlers.context import Ctx
from handlers.planning import next_training_day
from handlers.views import common as common_views
from handlers.views import onboarding as onboarding_views
from handlers.views import pacing_modes as views
from handlers.views import settings as settings_views


async def button(update: Update, context: Ctx) -> None:
    """pace:menu opens the choice in /settings; pace:set:<mode>:<o|s> stores one."""
    pressed = await presser_profile(update, context, onboarded=True)
    if pressed is None:
        return
    query, message, user = pressed
    data = context.bot_data
    app_available = bool(data.webapp_url)
    parts = (query.data or "").split(":")
    if parts[1:] == ["menu"]:
        await query.answer()
        await _edit(
            message.edit_text(
                views.ask_pacing(app_available),
                reply_markup=views.pacing_keyboard(user.pacing_mode, app_available),
            )
        )
        return
    if len(parts) != 4 or parts[1] != "set" or parts[3] not in ("o", "s"):
        await query.answer(common_views.stale_button())
        return
    if parts[2] not in views.modes(app_available):
        await query.answer(common_views.stale_button())
        return
    mode = parts[2]
    updated = await data.storage.update_user(user.user_id, data.now(), pacing_mode=mode)
    if updated is None:
        await query.answer(common_views.stale_button())
        return
    await query.answer(views.saved_toast(mode))
    if parts[3] == "o":
        # The onboarding summary's buttons, rebuilt (a callback's message may lack its markup).
        markup = views.with_mode_row(
            onboarding_views.start_keyboard(updated.preset), mode, app_available
        )
        await _edit(message.edit_reply_markup(markup))
        return
    last_day = await data.storage.last_done_day(user.user_id)
    next_day = next_training_day(updated, last_day, data.now())
    await _edit(
        message.edit_text(
            settings_views.settings_text(data.program, updated, next_day),
            reply_markup=settings_views.settings_keyboard(updated),
        )
    )


async def _edit(request: Awaitable[object]) -> None:
    """Await an edit, ignoring Telegram's "not modified" for a repeated tap."""
    try:
        await request
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
