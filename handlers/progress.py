"""/progress (summary and chart) and /history (paginated), always about the asking user."""

from __future__ import annotations

import logging
import re
from datetime import date

from telegram import Message, Update
from telegram.error import BadRequest

from coach.stats import Progress, SessionFacts, off_days, progress
from handlers import chart, render
from handlers.common import sender_profile
from handlers.context import Ctx
from handlers.files import send_or_summarize
from handlers.planning import local_today
from handlers.views import files as files_views
from storage.records import UserRecord

log = logging.getLogger(__name__)

_HISTORY_DATA = re.compile(r"hist:([0-9]{1,6}):([0-9]{1,6})")


def progress_first_day(user: UserRecord, facts: list[SessionFacts], today: date) -> date:
    """The first day that counts for adherence: onboarding's first training day, or earlier.

    A session done on the onboarding day itself (via Start now, before a first training day
    that was set to tomorrow) counts too, as the scheduler counts from it as well.
    """
    candidates = [user.first_day or today]
    candidates += [f.local_date for f in facts[:1]]
    return min(candidates)


async def compute_progress(context: Ctx, user: UserRecord) -> Progress | None:
    """The user's progress figures as of their local today; None without any session."""
    storage = context.bot_data.storage
    # Today's unfinished session counts too, so /progress agrees with /history and /export.
    facts = await storage.session_facts(user.user_id, include_open=True)
    if not facts:
        return None
    today = local_today(user, context.bot_data.now())
    first = progress_first_day(user, facts, today)
    pauses = [(p.start, p.end) for p in await storage.pauses(user.user_id)]
    return progress(facts, first, today, off_days(pauses, first, today))


async def progress_command(update: Update, context: Ctx) -> None:
    """/progress: a short summary as the caption of a chart of reps and pain."""
    known = await sender_profile(update, context)
    if known is None:
        return
    message, user = known
    data = context.bot_data
    figures = await compute_progress(context, user)
    if figures is None:
        await message.reply_text(render.progress_empty())
        return
    summary = render.progress_summary(data.program, user, figures)
    try:
        png = await chart.progress_chart(figures.series, user.legs, render.chart_text())
    except Exception:
        # The figures matter more than the picture: send them even if drawing failed.
        log.exception("could not draw the progress chart")
        await message.reply_text(summary)
        return
    await send_or_summarize(
        message,
        lambda: message.reply_photo(photo=png, caption=summary, filename="progress.png"),
        summary,
        files_views.chart_not_sent(),
    )


async def _history_page(context: Ctx, user: UserRecord, page: int) -> tuple[str, int, int]:
    """(text, page, pages) for one page of the user's history; the page is clamped."""
    storage = context.bot_data.storage
    total = await storage.count_sessions(user.user_id)
    pages = max(1, -(-total // render.HISTORY_PAGE))
    page = min(max(page, 0), pages - 1)
    lines = await storage.history(user.user_id, render.HISTORY_PAGE, page * render.HISTORY_PAGE)
    return render.history_text(lines, page, pages, total), page, pages


async def history_command(update: Update, context: Ctx) -> None:
    """/history: the latest ten sessions, one line each, with Older / Newer buttons."""
    known = await sender_profile(update, context)
    if known is None:
        return
    message, user = known
    if await context.bot_data.storage.count_sessions(user.user_id) == 0:
        await message.reply_text(render.history_empty())
        return
    text, page, pages = await _history_page(context, user, 0)
    await message.reply_text(text, reply_markup=render.history_keyboard(page, pages))


async def history_button(update: Update, context: Ctx) -> None:
    """hist:<page>:<shown>: another page of the pressing user's own history."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None:
        return
    match = _HISTORY_DATA.fullmatch(query.data or "")
    if match is None or not isinstance(query.message, Message) or not query.message.text:
        await query.answer(render.stale_button())
        return
    user = await context.bot_data.storage.get_user(tg_user.id)
    if user is None:
        await query.answer(render.need_start(), show_alert=True)
        return
    if await context.bot_data.storage.count_sessions(user.user_id) == 0:
        await query.answer(render.history_empty())
        return
    text, page, pages = await _history_page(context, user, int(match[1]))
    if page == int(match[2]):
        await query.answer(render.history_same_page())
        return
    await query.answer()
    try:
        await query.message.edit_text(text, reply_markup=render.history_keyboard(page, pages))
    except BadRequest as exc:
        # Two quick taps on the old keyboard: the first edit already shows this page.
        if "not modified" not in str(exc):
            raise
