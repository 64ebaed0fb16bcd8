"""/export (the user's log and settings as CSV) and /delete (erase every row about the user)."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.error import BadRequest

from content.model import Program
from handlers import render
from handlers.common import sender_profile
from handlers.context import Ctx
from handlers.dose import usual_dose
from handlers.files import send_or_summarize
from handlers.planning import local_today
from handlers.views import files as files_views
from storage.convert import utc_text
from storage.progress import ExportRow
from storage.records import FOREVER, UserRecord

log = logging.getLogger(__name__)

SET_COLUMNS = (
    "date",
    "local time",
    "leg",
    "reps",
    "hold (s)",
    "set number",
    "session id",
    "pain (0-10)",
    "difficulty",
    "skipped",
    "note",
    "session status",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DELETE_DATA = re.compile(r"del:(yes:([0-9]{1,20}-[0-9]{1,20})|no)")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A value as CSV text; user-typed text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def settings_rows(program: Program, user: UserRecord, now: datetime) -> list[tuple[str, object]]:
    """The user's settings as (name, value) pairs."""
    preset = program.preset(user.preset)
    dose = usual_dose(program, user)
    if not user.reminders_on:
        reminders = "off"
    elif user.paused_until is None:
        reminders = "on"
    elif user.paused_until >= FOREVER:
        reminders = "paused until /resume"
    else:
        reminders = f"paused until {user.paused_until.isoformat()}"
    return [
        ("telegram user id", user.user_id),
        ("first name", user.first_name),
        ("dose preset", preset.label),
        ("legs", user.legs),
        ("sets per leg", dose.sets),
        ("reps per set", dose.reps),
        ("hold (s)", dose.hold_s),
        ("ankle weight", dose.ankle_weight),
        ("timezone", user.timezone),
        ("reminder time", f"{user.remind_at:%H:%M}"),
        ("reminders", reminders),
        ("first training day", user.first_day.isoformat() if user.first_day else ""),
        ("consent given (UTC)", utc_text(user.consent_at)),
        ("exported (UTC)", utc_text(now)),
    ]


def export_csv(
    program: Program, user: UserRecord, rows: Sequence[ExportRow], now: datetime
) -> bytes:
    """The CSV file: a header row and one row per set, a blank row, then the settings.

    RFC 4180 (csv module, CRLF line ends), UTF-8 with a byte-order mark so that spreadsheet
    apps which guess the encoding (Excel) show non-ASCII names correctly.
    """
    zone = ZoneInfo(user.timezone)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SET_COLUMNS)
    for row in rows:
        logged = row.logged_utc.astimezone(zone) if row.logged_utc else None
        # Only the note is typed by the user; the other cells are dates, numbers and fixed
        # words, written as is (csv writes None as an empty cell), which keeps 5 years fast.
        writer.writerow(
            (
                row.local_date.isoformat(),
                f"{logged.hour:02d}:{logged.minute:02d}" if logged else None,
                row.leg,
                row.reps,
                row.hold_s,
                row.set_no,
                row.session_id,
                row.pain,
                row.difficulty,
                ("yes" if row.skipped else "no") if row.leg is not None else None,
                _cell(row.note) if row.note else None,
                row.session_status,
            )
        )
    writer.writerow([])
    writer.writerow(["setting", "value"])
    for name, value in settings_rows(program, user, now):
        writer.writerow([name, _cell(value)])
    return out.getvalue().encode("utf-8-sig")


async def export_command(update: Update, context: Ctx) -> None:
    """/export: the user's whole log and settings as a CSV document."""
    known = await sender_profile(update, context)
    if known is None:
        return
    message, user = known
    data = context.bot_data
    now = data.now()
    rows = await data.storage.export_rows(user.user_id)
    content = export_csv(data.program, user, rows, now)
    sets = sum(1 for row in rows if row.leg is not None)
    sessions = len({row.session_id for row in rows})
    caption = render.export_caption(sets, sessions)
    await send_or_summarize(
        message,
        lambda: message.reply_document(
            document=content,
            filename=f"medial-coach-{local_today(user, now).isoformat()}.csv",
            caption=caption,
        ),
        caption,
        files_views.export_not_sent(),
    )


def profile_stamp(user: UserRecord) -> str:
    """Identifies this profile (not a later one made after a deletion) in the delete button."""
    return f"{user.user_id}-{(user.created_at - _EPOCH) // timedelta(microseconds=1)}"


async def delete_command(update: Update, context: Ctx) -> None:
    """/delete: ask for confirmation with a button."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None:
        return
    user = await context.bot_data.storage.get_user(tg_user.id)
    if user is None:
        await message.reply_text(render.nothing_stored())
        return
    await message.reply_text(
        render.delete_confirm(), reply_markup=render.delete_keyboard(profile_stamp(user))
    )


async def delete_button(update: Update, context: Ctx) -> None:
    """del:yes:<stamp> erases the pressing user's data; del:no cancels."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None:
        return
    match = _DELETE_DATA.fullmatch(query.data or "")
    if match is None or not isinstance(query.message, Message) or not query.message.text:
        await query.answer(render.stale_button())
        return
    storage = context.bot_data.storage
    # Only ever the pressing user: the data names no one, so a forged button can't aim elsewhere.
    user = await storage.get_user(tg_user.id)
    if match[1] == "no":
        await query.answer()
        await _replace(query.message, render.delete_cancelled())
        return
    if user is None:
        await query.answer(render.nothing_stored())
        return
    if match[2] != profile_stamp(user):
        await query.answer(render.delete_expired(), show_alert=True)
        return
    removed = await storage.delete_user_data(user.user_id)
    _forget_runtime(context, user)
    log.info("deleted a user's data (%d rows)", removed)
    await query.answer()
    await _replace(query.message, render.deleted())


def _forget_runtime(context: Ctx, user: UserRecord) -> None:
    """Drop in-memory state and pending jobs of the deleted user."""
    context.bot_data.runtime.pop(user.user_id, None)
    context.application.drop_user_data(user.user_id)
    context.application.drop_chat_data(user.chat_id)
    if context.job_queue is not None:
        for job in context.job_queue.jobs():
            if job.user_id == user.user_id or job.chat_id == user.chat_id:
                job.schedule_removal()


async def _replace(message: Message, text: str) -> None:
    """Show the outcome in place of the confirmation question (its buttons go with it)."""
    try:
        await message.edit_text(text)
    except BadRequest as exc:
        # A double tap: the first press already replaced the message.
        if "not modified" not in str(exc):
            raise
