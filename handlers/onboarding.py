"""/start, consent and the four onboarding questions (shared with /settings for changes)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

from coach import schedule, zones
from coach.replies import parse_reply
from handlers import speech
from handlers.context import Ctx
from handlers.planning import local_today, next_training_day, reschedule
from handlers.views import common as common_views
from handlers.views import i18n, pacing_modes
from handlers.views import onboarding as onboarding_views
from handlers.views import settings as settings_views
from handlers.views import state as state_view
from storage.records import UserRecord

log = logging.getLogger(__name__)

PROGRAM_SLUG = "medial"
STEPS = ("preset", "legs", "timezone", "time", "done")


async def start(update: Update, context: Ctx) -> None:
    """/start [payload]: onboard a newcomer, re-ask an unfinished step, or greet a known user."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None:
        return
    data = context.bot_data
    payload = (context.args[0] if context.args else "").strip()
    if payload and payload.lower() != PROGRAM_SLUG:
        await message.reply_text(onboarding_views.unknown_payload(payload))
        return
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        await message.reply_text(
            onboarding_views.intro(data.program), reply_markup=onboarding_views.intro_keyboard()
        )
        return
    now = data.now()
    if not user.active or not user.reminders_on:
        # Coming back after blocking the bot or /stop turns reminders back on.
        if not user.reminders_on:
            await data.storage.end_pauses(user.user_id, local_today(user, now), ("stop",))
        user = await data.storage.update_user(
            user.user_id, now, active=True, reminders_on=True, chat_id=message.chat_id
        )
        if user is None:  # erased meanwhile (/delete)
            await message.reply_text(common_views.need_start())
            return
        if user.onboarded:
            user = await reschedule(context, user)
    if not user.onboarded:
        await ask_step(message, context, user)
        return
    today = local_today(user, now)
    if state_view.is_paused(user, today):
        pause = await data.storage.current_pause(user.user_id, today)
        text = state_view.welcome_back_paused(data.program, user, pause)
    else:
        next_day = next_training_day(user, await data.storage.last_done_day(user.user_id), now)
        text = onboarding_views.welcome_back(data.program, user, next_day, today)
    await message.reply_text(text, reply_markup=onboarding_views.start_keyboard(user.preset))


async def consent(update: Update, context: Ctx) -> None:
    """The consent buttons: store the user only after "I agree"."""
    query = update.callback_query
    tg_user = update.effective_user
    if query is None or tg_user is None or not isinstance(query.message, Message):
        return
    data = context.bot_data
    answer = (query.data or "").partition(":")[2]
    if answer != "yes":
        await query.answer()
        await query.edit_message_text(onboarding_views.consent_declined())
        return
    await query.answer(onboarding_views.consent_toast())
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        user = await data.storage.create_user(
            tg_user.id,
            query.message.chat.id,
            tg_user.first_name or "",
            data.now(),
            preset=data.program.default_preset,
            language=i18n.current(),
        )
        # The stored choice is the language spoken so far (the client's, or one picked before).
        speech.forget(data, tg_user.id)
    await query.edit_message_reply_markup(None)
    await ask_step(query.message, context, user)


async def ask_step(message: Message, context: Ctx, user: UserRecord) -> None:
    """Send the question for the user's current onboarding step."""
    program = context.bot_data.program
    step = user.onboarding_step
    if step == "preset":
        await message.reply_text(
            onboarding_views.ask_preset(program, user.preset),
            reply_markup=onboarding_views.preset_keyboard(program, user.preset),
        )
    elif step == "legs":
        await message.reply_text(
            onboarding_views.ask_legs(), reply_markup=onboarding_views.legs_keyboard(user.legs)
        )
    elif step == "timezone":
        asked = await message.reply_text(
            onboarding_views.ask_timezone(),
            reply_markup=onboarding_views.timezone_keyboard(zones.COMMON_ZONES),
        )
        remember_question(context, asked)
        await message.reply_text(
            onboarding_views.location_hint(), reply_markup=onboarding_views.location_keyboard()
        )
    elif step == "time":
        asked = await message.reply_text(
            onboarding_views.ask_time(), reply_markup=onboarding_views.time_keyboard()
        )
        remember_question(context, asked)


# The question a typed answer may answer: its buttons go once it is answered some other way.
_QUESTION = "question_message_id"


def remember_question(context: Ctx, asked: Message) -> None:
    """Note the message whose buttons a typed answer (or a shared location) makes obsolete."""
    if context.chat_data is not None:
        context.chat_data[_QUESTION] = asked.message_id


def _take_question(context: Ctx) -> int | None:
    if context.chat_data is None:
        return None
    value = context.chat_data.pop(_QUESTION, None)
    return value if isinstance(value, int) else None


async def _drop_question_buttons(context: Ctx, chat_id: int, message_id: int | None) -> None:
    """Remove the buttons of a question answered by typing (already gone: nothing to do)."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as exc:
        # Answered by a button meanwhile, or deleted by the user: either way no buttons left.
        log.debug("question buttons already gone: %s", exc)


def _after(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)] if step in STEPS else "done"


async def apply_choice(
    message: Message, context: Ctx, user: UserRecord, field: str, value: str
) -> str | None:
    """Validate and store one setting; advance onboarding; returns a toast, None if invalid."""
    data = context.bot_data
    now = data.now()
    changes: dict[str, object] = {}
    toast = ""
    if field == "preset":
        if value not in {p.key for p in data.program.presets}:
            return None
        changes = {"preset": value, "reps": None, "hold_s": None, "ankle_weight": False}
        toast = data.program.preset(value).label
    elif field == "legs":
        if value not in common_views.LEGS_LABEL:
            return None
        changes = {"legs": value}
        toast = common_views.legs_label(value)
    elif field == "tz":
        zone = zones.parse_timezone(value)
        if zone is None:
            return None
        changes = {"timezone": zone, "awaiting": ""}
        toast = zone
    elif field == "time":
        parsed = zones.parse_time(value)
        if parsed is None:
            return None
        changes = {"remind_at": parsed, "awaiting": ""}
        toast = f"{parsed:%H:%M}"
    else:
        return None
    step_field = {"preset": "preset", "legs": "legs", "tz": "timezone", "time": "time"}[field]
    onboarding = not user.onboarded
    if onboarding and user.onboarding_step == step_field:
        changes["onboarding_step"] = _after(step_field)
        changes["awaiting"] = {"legs": "timezone", "timezone": "time"}.get(step_field, "")
    updated = await data.storage.update_user(user.user_id, now, **changes)
    if updated is None:
        return None
    if onboarding:
        if field == "tz" and user.onboarding_step == "timezone":
            text, remove_keyboard = onboarding_views.timezone_confirmed(updated.timezone)
            await message.reply_text(text, reply_markup=remove_keyboard)
        if updated.onboarded:
            await finish(message, context, updated)
        elif updated.onboarding_step != user.onboarding_step:
            await ask_step(message, context, updated)
    else:
        await reschedule(context, updated)
    return settings_views.saved_toast(toast)


async def finish(message: Message, context: Ctx, user: UserRecord) -> None:
    """The closing summary, with the first training day scheduled."""
    data = context.bot_data
    now = data.now()
    first_day = schedule.first_training_day(now, user.remind_at, ZoneInfo(user.timezone))
    updated = await data.storage.update_user(user.user_id, now, first_day=first_day)
    if updated is None:  # erased meanwhile (/delete)
        await message.reply_text(common_views.need_start())
        return
    updated = await reschedule(context, updated)
    next_day = next_training_day(updated, await data.storage.last_done_day(user.user_id), now)
    await message.reply_text(
        f"{onboarding_views.onboarding_done(data.program, updated, next_day)}\n\n"
        f"{pacing_modes.pacing_offer()}",
        reply_markup=pacing_modes.with_mode_row(
            onboarding_views.start_keyboard(updated.preset),
            updated.pacing_mode,
            bool(data.webapp_url),
        ),
    )


async def typed_answer(update: Update, context: Ctx) -> None:
    """Typed timezone or time while the bot waits for one; otherwise lets later handlers run."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None or not message.text:
        return
    user = await context.bot_data.storage.get_user(tg_user.id)
    if user is None or user.awaiting not in ("timezone", "time"):
        return
    text = message.text.strip()
    if text.startswith("/"):
        return
    field = "tz" if user.awaiting == "timezone" else "time"
    question = _take_question(context)
    toast = await apply_choice(message, context, user, field, text)
    if toast is None and question is not None and context.chat_data is not None:
        context.chat_data.setdefault(_QUESTION, question)
    elif toast is not None:
        await _drop_question_buttons(context, message.chat_id, question)
    if toast is None:
        if _looks_like_log(text):
            # "done" while asked for a zone: let the logging handler have it.
            return
        reply = (
            onboarding_views.timezone_not_understood(text)
            if field == "tz"
            else onboarding_views.time_not_understood(text)
        )
        await message.reply_text(reply)
    elif user.onboarded:
        await send_settings_panel(message, context, toast)
    raise ApplicationHandlerStop


async def send_settings_panel(message: Message, context: Ctx, toast: str = "") -> None:
    """A fresh /settings panel, optionally headed by what was just saved."""
    data = context.bot_data
    user = await data.storage.get_user(message.chat_id)
    if user is None:
        await message.reply_text(common_views.need_start())
        return
    next_day = next_training_day(user, await data.storage.last_done_day(user.user_id), data.now())
    text = settings_views.settings_text(data.program, user, next_day)
    await message.reply_text(
        f"{settings_views.setting_saved_line(toast)}{text}" if toast else text,
        reply_markup=settings_views.settings_keyboard(user),
    )


def _looks_like_log(text: str) -> bool:
    return parse_reply(text) is not None


async def location(update: Update, context: Ctx) -> None:
    """A shared location sets the timezone (offline lookup)."""
    message = update.effective_message
    tg_user = update.effective_user
    if message is None or tg_user is None or message.location is None:
        return
    data = context.bot_data
    user = await data.storage.get_user(tg_user.id)
    if user is None:
        await message.reply_text(common_views.need_start())
        return
    zone = zones.timezone_from_location(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(onboarding_views.location_not_understood())
        return
    question = _take_question(context) if user.awaiting == "timezone" else None
    toast = await apply_choice(message, context, user, "tz", zone)
    if toast is not None:
        await _drop_question_buttons(context, message.chat_id, question)
    if user.onboarded and toast:
        await send_settings_panel(message, context, toast)
