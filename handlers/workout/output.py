"""What a guided session sends: new messages and edits through the per-chat gate and budget."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import weakref
from typing import cast

from telegram import InlineKeyboardMarkup, Message
from telegram.error import Forbidden, TelegramError

from coach import pacing
from handlers.context import BotData, Ctx
from handlers.workout.runtime import (
    JOB_GRACE_S,
    Guided,
    cancel_job,
    end_guided_silently,
    guided,
    scaled,
)

log = logging.getLogger(__name__)


def _markup_key(markup: InlineKeyboardMarkup | None) -> str:
    return markup.to_json() if markup is not None else ""


class _Budget:
    """Spacing of what the workout feature sends, over all chats (Telegram allows ~30/s).

    Messages are spaced 1/per_s apart with a small burst allowance, rather than counted per
    second: a full second's worth sent at once arrives spread out and overlaps the next
    second's at Telegram's end (measured in bench/pacing.py). Beats wait for a slot and then
    show the beat due by then; other messages wait briefly.
    """

    BURST = 3

    def __init__(self, per_s: float) -> None:
        self.interval = 1.0 / per_s
        self.next_slot = -math.inf

    def free_at(self, now: float) -> float:
        """The first moment from `now` on with room for one more message."""
        return max(now, self.next_slot - self.BURST * self.interval)

    def take(self, now: float) -> None:
        """Count one message sent at `now`."""
        self.next_slot = max(now, self.next_slot) + self.interval


# One budget per running application (tests run several applications in one process).
_budgets: weakref.WeakKeyDictionary[BotData, _Budget] = weakref.WeakKeyDictionary()


def send_budget(data: BotData) -> _Budget:
    """The application's shared budget for what guided sessions send."""
    budget = _budgets.get(data)
    if budget is None:
        budget = _budgets[data] = _Budget(pacing.EDIT_BUDGET_PER_S)
    return budget


# --- the per-chat gate and the budget ------------------------------------------------------


def gate_open_at(rt: Guided) -> float:
    """The monotonic time from which the chat may be sent to again."""
    return rt.last_out + scaled(pacing.MIN_EDIT_GAP_S)


async def edit(
    context: Ctx, rt: Guided, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Show `text` on a message now, or as soon as the chat's gate opens; True if sent now."""
    if rt.silenced:
        return False
    screen = (text, _markup_key(markup))
    if rt.screens.get(message_id) == screen:
        stale = rt.pending.pop(message_id, None)
        if stale is not None:
            cancel_job(stale)
        return False
    now = time.monotonic()
    budget = send_budget(context.bot_data)
    wait = max(gate_open_at(rt), budget.free_at(now)) - now
    if wait > 0:
        _defer_edit(context, rt, message_id, text, markup, wait)
        return False
    stale = rt.pending.pop(message_id, None)
    if stale is not None:
        cancel_job(stale)
    budget.take(now)
    rt.last_out = now
    rt.screens[message_id] = screen
    await _send_edit(context, rt, message_id, text, markup)
    # Counted from the answer, not the request: network jitter can't bring two edits closer
    # than a second at Telegram's end.
    rt.last_out = time.monotonic()
    return True


def _defer_edit(
    context: Ctx,
    rt: Guided,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    wait: float,
) -> None:
    stale = rt.pending.pop(message_id, None)
    if stale is not None:
        cancel_job(stale)
    queue = context.job_queue
    if queue is None:
        raise RuntimeError("the job queue is not set up")
    rt.pending[message_id] = queue.run_once(
        _deferred_edit_job,
        wait,
        data=(rt, message_id, text, markup),
        name=f"wk-edit-{rt.user_id}",
        user_id=rt.user_id,
        chat_id=rt.chat_id,
        job_kwargs={"misfire_grace_time": JOB_GRACE_S},
    )


async def _deferred_edit_job(context: Ctx) -> None:
    """An edit that had to wait for the chat's gate (or a final tidy-up after the session)."""
    job = context.job
    if job is None:
        return
    rt, message_id, text, markup = cast(
        tuple[Guided, int, str, InlineKeyboardMarkup | None], job.data
    )
    async with rt.lock:
        if rt.pending.get(message_id) is not job or rt.silenced:
            return  # superseded by a later screen of the same message
        del rt.pending[message_id]
        if guided(context, rt.user_id) is rt:
            await edit(context, rt, message_id, text, markup)
            return
        # The session ended after this tidy-up was queued: nothing else edits this message now.
        rt.screens[message_id] = (text, _markup_key(markup))
        send_budget(context.bot_data).take(time.monotonic())
        await _send_edit(context, rt, message_id, text, markup)
        rt.last_out = time.monotonic()


async def _send_edit(
    context: Ctx, rt: Guided, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edit a message; a failure is logged and the session goes on (a block ends it silently)."""
    try:
        await context.bot.edit_message_text(
            text, chat_id=rt.chat_id, message_id=message_id, reply_markup=markup
        )
    except Forbidden:
        _blocked(context, rt)
    except TelegramError as exc:
        # The user may have deleted the message, or Telegram failed: pacing goes on, and the
        # screen counts as not shown, so the same text may be tried again.
        rt.screens.pop(message_id, None)
        log.warning("edit in chat %s failed: %s", rt.chat_id, exc)


def _blocked(context: Ctx, rt: Guided) -> None:
    log.info("chat %s blocked the bot during a session", rt.chat_id)
    rt.silenced = True
    end_guided_silently(context.bot_data, rt.user_id)


async def send(
    context: Ctx, rt: Guided, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """A new message in the session's chat, None if it failed (logged; a block ends the session).

    Not deferred: it waits for the budget, then goes.
    """
    if rt.silenced:
        return None
    budget = send_budget(context.bot_data)
    now = time.monotonic()
    wait = budget.free_at(now) - now
    if wait > 0:
        await asyncio.sleep(wait)
    budget.take(time.monotonic())
    try:
        message = await context.bot.send_message(rt.chat_id, text, reply_markup=markup)
    except Forbidden:
        _blocked(context, rt)
        return None
    except TelegramError as exc:
        log.warning("message to chat %s failed: %s", rt.chat_id, exc)
        return None
    rt.last_out = time.monotonic()
    rt.screens[message.message_id] = (text, _markup_key(markup))
    return message
