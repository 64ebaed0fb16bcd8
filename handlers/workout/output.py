"""What a guided session sends: new messages, and edits that never hold up the session.

Telegram's limits are the outbox's business (transport/outbox.py): it spaces each chat's
messages, coalesces edits of one message (the newest wins) and drops edits identical to what
is showing. So an edit is handed over without waiting for it: a step of the session (under the
runtime's lock) never waits for a chat's turn, and a beat already superseded is never shown.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError

from handlers.context import Ctx
from handlers.workout.runtime import Guided, end_guided_silently

log = logging.getLogger(__name__)


def edit(
    context: Ctx,
    rt: Guided,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    beat_at: float | None = None,
) -> None:
    """Hand the outbox a new screen for a message; a failure is logged, and the session goes on.

    The send priority is the caller's (sending_as): pacing jobs mark theirs PACING. A beat's
    screen (`beat_at`) that reaches the chat becomes rt.seen_at.
    """
    if rt.silenced:
        return
    task = asyncio.get_running_loop().create_task(
        _send_edit(context, rt, message_id, text, markup, beat_at), name=f"wk-edit-{rt.user_id}"
    )
    rt.edits.add(task)
    task.add_done_callback(rt.edits.discard)


async def edit_now(
    context: Ctx,
    rt: Guided,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    beat_at: float | None = None,
) -> None:
    """Like edit(), but return only once the screen is showing (or the edit failed)."""
    if not rt.silenced:
        await _send_edit(context, rt, message_id, text, markup, beat_at)


async def _send_edit(
    context: Ctx,
    rt: Guided,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    beat_at: float | None,
) -> None:
    try:
        result = await context.bot.edit_message_text(
            text, chat_id=rt.chat_id, message_id=message_id, reply_markup=markup
        )
    except Forbidden:
        _blocked(context, rt)
    except TelegramError as exc:
        # The user may have deleted the message, or Telegram kept failing: pacing goes on.
        log.warning("edit in chat %s failed: %s", rt.chat_id, exc)
        return
    # A Message is what Telegram answers; the outbox answers True for an edit it superseded.
    if beat_at is not None and isinstance(result, Message):
        rt.seen_at = beat_at


def _blocked(context: Ctx, rt: Guided) -> None:
    log.info("chat %s blocked the bot during a session", rt.chat_id)
    rt.silenced = True
    end_guided_silently(context.bot_data, rt.user_id)


async def send(
    context: Ctx, rt: Guided, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """A new message in the session's chat, None if it failed (logged; a block ends the session)."""
    if rt.silenced:
        return None
    try:
        return await context.bot.send_message(rt.chat_id, text, reply_markup=markup)
    except Forbidden:
        _blocked(context, rt)
    except TelegramError as exc:
        log.warning("message to chat %s failed: %s", rt.chat_id, exc)
    return None
