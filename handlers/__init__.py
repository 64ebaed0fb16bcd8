"""Telegram adapters, one module per feature; register_handlers() wires them in order."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import callbacks
from handlers.callbacks import matches
from handlers.context import BotData

App = Application[Any, Any, Any, Any, BotData, Any]


def register_handlers(application: App) -> None:
    """Add every feature's handlers; group 0 answers, group -1 sees typed answers first."""
    from handlers import (
        blocked,
        common,
        errors,
        learn,
        logging_sets,
        onboarding,
        pacing_mode,
        privacy,
        progress,
        recap,
        reminders,
        safety,
        settings,
        trace,
        workout,
    )

    application.add_handler(TypeHandler(Update, trace.trace_update), group=-2)

    # Typed answers to an onboarding/settings question win over "done" parsing.
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, onboarding.typed_answer), group=-1
    )
    add = application.add_handler
    # A button handler gets only data fitting its buttons' shapes (handlers/callbacks.py);
    # anything else, forged or from an old keyboard, falls through to common.stale_button.
    add(CommandHandler("start", onboarding.start))
    add(CommandHandler("help", learn.help_command))
    add(CommandHandler("learn", learn.learn))
    add(CommandHandler("cues", learn.cues))
    add(CommandHandler("mistakes", learn.mistakes))
    add(CommandHandler("variations", learn.variations))
    add(CommandHandler("sources", learn.sources))
    add(CommandHandler("settings", settings.settings))
    add(CallbackQueryHandler(onboarding.consent, pattern=matches(callbacks.CONSENT)))
    add(CallbackQueryHandler(settings.choice_button, pattern=matches(callbacks.CHOICE)))
    add(CallbackQueryHandler(settings.menu_button, pattern=matches(callbacks.MENU)))
    add(CallbackQueryHandler(pacing_mode.button, pattern=matches(callbacks.PACE)))
    add(CallbackQueryHandler(learn.learn_button, pattern=matches(callbacks.LEARN)))
    add(CallbackQueryHandler(learn.cues_button, pattern=matches(callbacks.CUES)))
    # --- workout (guided sets, logging) ---
    add(CommandHandler("workout", workout.workout_command))
    add(CallbackQueryHandler(workout.start_button, pattern=matches(callbacks.START_NOW)))
    add(CallbackQueryHandler(workout.button, pattern=matches(callbacks.WORKOUT)))
    # Only text that parses as a log; anything else falls through to the hint (common.text).
    log_reply = filters.UpdateType.MESSAGE & ~filters.COMMAND & logging_sets.LOG_REPLY
    add(MessageHandler(log_reply, logging_sets.reply))

    # --- reminders ---
    add(CommandHandler("remind", reminders.remind))
    add(CommandHandler("timezone", reminders.timezone))
    add(CommandHandler("pause", reminders.pause))
    add(CommandHandler("resume", reminders.resume))
    add(CommandHandler("schedule", reminders.schedule_command))
    add(CommandHandler("stop", reminders.stop))
    add(CommandHandler("recap", recap.recap_command))
    add(CallbackQueryHandler(reminders.reminder_button, pattern=matches(callbacks.REMIND)))
    add(ChatMemberHandler(blocked.member_update, ChatMemberHandler.MY_CHAT_MEMBER))

    # --- progress, progression, safety, your data ---
    add(CommandHandler("progress", progress.progress_command))
    add(CommandHandler("history", progress.history_command))
    add(CommandHandler("export", privacy.export_command))
    add(CommandHandler("delete", privacy.delete_command))
    add(CallbackQueryHandler(progress.history_button, pattern=matches(callbacks.HISTORY)))
    add(CallbackQueryHandler(privacy.delete_button, pattern=matches(callbacks.DELETE)))
    add(CallbackQueryHandler(safety.progression_button, pattern=matches(callbacks.PROGRESSION)))

    # --- fallbacks (keep last) ---
    add(MessageHandler(filters.LOCATION, onboarding.location))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND, common.text))
    add(MessageHandler(filters.COMMAND, common.unknown_command))
    add(CallbackQueryHandler(common.stale_button))
    add(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, common.unsupported))
    application.add_error_handler(errors.on_error)


__all__ = ["Update", "register_handlers"]
