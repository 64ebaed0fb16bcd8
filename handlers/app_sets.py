"""The Mini App's view of today: the plan it paces, and sets it logs like a typed "done".

A set posted by the page goes through the same storage path as a "done" reply (one transaction
with a claim on processed_updates), so a replayed post logs nothing twice, and the chat gets the
usual "✅ Logged set …" confirmation, the summary when it completes the session, and a guided
session in the chat moves on just as after a typed "done".
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import asdict, dataclass
from typing import Any, Final

from coach.pacing import SetSlot
from coach.replies import MAX_REPS
from handlers import workout
from handlers.context import Ctx
from handlers.dose import todays_plan
from handlers.planning import local_today
from handlers.speech import language_of
from handlers.views import i18n
from handlers.views import logged as logged_views
from handlers.views.i18n import speaking
from storage.records import UserRecord
from storage.sessions import NewSet, SessionRecord
from storage.setlog import LogResult

# Languages the page has words for (web/static/app.js); others get English.
PAGE_LANGUAGES: Final = tuple(i18n.LANGUAGES)


class Outcome(enum.Enum):
    """What became of a posted set."""

    LOGGED = "logged"
    DUPLICATE = "duplicate"  # the same client_id was logged before: nothing written
    TAKEN = "taken"  # that set already has a row (from the chat, or another device)
    NOT_YOURS = "not_yours"  # no such session among the user's
    BAD_SET = "bad_set"  # set_index or side outside the session's plan


def client_key(user_id: int, client_id: str) -> int:
    """The processed_updates key of a page post: negative, so it never meets a Telegram id."""
    digest = hashlib.sha256(f"{user_id}:{client_id}".encode()).digest()
    return -(int.from_bytes(digest[:8], "big") >> 1) - 1


async def today_session(context: Ctx, user: UserRecord) -> SessionRecord:
    """The session the page paces: the running guided one, today's latest, or a new one."""
    data = context.bot_data
    rt = workout.guided(context, user.user_id)
    if rt is not None:
        return rt.session
    now = data.now()
    today = local_today(user, now)
    latest = await data.storage.latest_session_on(user.user_id, today)
    if latest is not None:
        return latest
    plan = await todays_plan(data.storage, data.program, user)
    return await data.storage.open_session(
        user.user_id,
        now,
        today,
        preset=user.preset,
        legs=user.legs,
        sets=plan.dose.sets,
        reps=plan.dose.reps,
        hold_s=plan.dose.hold_s,
    )


def page_language(language_code: str, stored: str | None = None) -> str:
    """The page's language: the user's chosen one, else their client's ("pt-br" -> "pt")."""
    if stored in PAGE_LANGUAGES:
        return str(stored)
    language = i18n.resolve(language_code)
    return language if language in PAGE_LANGUAGES else "en"


async def today_json(context: Ctx, user: UserRecord, language_code: str) -> dict[str, Any]:
    """GET /app/api/today: the session id, its sets with what is done, the cadence, language."""
    data = context.bot_data
    session = await today_session(context, user)
    rows = await data.storage.session_sets(user.user_id, session.session_id)
    filled = {(row.leg, row.set_no) for row in rows}
    preset = data.program.preset(session.preset)
    cadence = workout.session_cadence(preset, session)
    return {
        "session_id": session.session_id,
        "sets": [
            {
                "set_index": slot.index,
                "side": slot.side,
                "reps": slot.reps,
                "done": (slot.side, slot.number) in filled,
                "number": slot.number,
                "of": slot.sets,
            }
            for slot in workout.session_slots(session)
        ],
        "cadence": asdict(cadence),
        "preset": preset.label,
        # The users.language column (the i18n work) once it exists; the client's until then.
        "language": page_language(language_code, getattr(user, "language", None)),
    }


@dataclass(frozen=True)
class PostedSet:
    """A set the page finished: which slot of which session, and how many reps."""

    session_id: int
    set_index: int
    side: str
    reps: int
    client_id: str


def _slot(session: SessionRecord, posted: PostedSet) -> SetSlot | None:
    slots = workout.session_slots(session)
    if not 0 <= posted.set_index < len(slots):
        return None
    slot = slots[posted.set_index]
    return slot if slot.side == posted.side else None


async def log_from_app(context: Ctx, user: UserRecord, posted: PostedSet) -> Outcome:
    """Log a set finished in the page, confirm it in the chat, move a guided session on."""
    if not 1 <= posted.reps <= MAX_REPS:
        return Outcome.BAD_SET
    data = context.bot_data
    session = await data.storage.get_session(user.user_id, posted.session_id)
    if session is None:
        return Outcome.NOT_YOURS
    slot = _slot(session, posted)
    if slot is None:
        return Outcome.BAD_SET
    new = NewSet(slot.side, slot.number, posted.reps, session.hold_s, skipped=False, note="")
    result = await data.storage.log_sets(
        user.user_id,
        session.session_id,
        [new],
        1,
        data.now(),
        client_key(user.user_id, posted.client_id),
    )
    if result.duplicate:
        return Outcome.DUPLICATE
    if result.session is None:
        return Outcome.NOT_YOURS
    if not result.logged:
        return Outcome.TAKEN
    # The page hears back after the commit; the chat's messages wait their turn in the outbox
    # (at ~30 messages/s per bot, 100 sets posted at once would hold the last page ~3 s).
    context.application.create_task(
        _tell_the_chat(context, user, session, result), name=f"app-logged-{user.user_id}"
    )
    return Outcome.LOGGED


async def _tell_the_chat(
    context: Ctx, user: UserRecord, session: SessionRecord, result: LogResult
) -> None:
    """The usual confirmation (or summary) in the chat; a guided session moves on."""
    with speaking(await language_of(context.bot_data, user.user_id)):
        await _confirm(context, user, session, result)


async def _confirm(
    context: Ctx, user: UserRecord, session: SessionRecord, result: LogResult
) -> None:
    if result.session is None:  # gone meanwhile (/delete): nothing to tell
        return
    rt = workout.guided(context, user.user_id)
    if rt is not None and rt.session.session_id != session.session_id:
        rt = None
    row = result.logged[0]
    phrase = logged_views.set_phrase(
        row.set_no, session.sets_planned, row.leg, row.reps, row.skipped, row.note
    )
    # The page paces the next set itself: no "reply done again" hint.
    text = logged_views.logged_sets([phrase], not result.completed, True)
    if result.completed:
        await workout.complete(context, user, result.session, user.chat_id, text, result.logged)
    else:
        await context.bot.send_message(user.chat_id, text)
        if rt is not None:
            await workout.on_logged(context, rt, result.logged)
