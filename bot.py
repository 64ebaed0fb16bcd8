"""Medial coach: settings from the environment, build_application(), main()."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from content import Program, load_program
from content.overlay import load_translations
from handlers import blocked, register_handlers
from handlers.context import BotData
from handlers.lifecycle import on_shutdown, on_startup
from handlers.views.i18n import LANGUAGES
from handlers.voice import VoiceTracks
from ops.logs import RedactingFilter, setup_logging
from ops.settings import ConfigError, Settings, make_clock, read_dotenv
from storage import Storage, StorageError
from storage.db import preflight
from transport.inbox import Inbox
from transport.outbox import Outbox
from transport.serving import serve
from web.miniapp import miniapp_routes
from web.webhook import webhook_secret

__all__ = [
    "ConfigError",
    "RedactingFilter",
    "Settings",
    "build_application",
    "main",
    "make_clock",
    "read_dotenv",
    "setup_logging",
]

log = logging.getLogger("medial")


def build_application(
    settings: Settings,
    *,
    program: Program | None = None,
    translations: Mapping[str, Program] | None = None,
    clock: Callable[[], datetime] | None = None,
    request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, BotData, Any]:
    """The wired application: storage, content, handlers and jobs; resources open in post_init."""
    outbox = Outbox()
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # Every send, edit and answer: priorities, Telegram's limits, coalescing and retries.
        .rate_limiter(outbox)
        # Our own poller and webhook feed the durable inbox (transport/), not PTB's updater.
        .updater(None)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    bot_data = application.bot_data
    bot_data.storage = Storage(settings.database_path)
    bot_data.outbox = outbox
    outbox.on_blocked = functools.partial(blocked.on_blocked, application)
    bot_data.program = program or load_program()
    if translations is None and program is None:
        translations = load_translations(bot_data.program, LANGUAGES)
    bot_data.translations = dict(translations or {})
    bot_data.clock = clock or make_clock(settings.clock_start)
    bot_data.tick_seconds = settings.tick_seconds
    bot_data.inbox = Inbox(application)
    bot_data.webapp_url = settings.webapp_url
    bot_data.voice = VoiceTracks(Path(settings.database_path).parent / "voice-cache")
    register_handlers(application)
    return application


def environment() -> dict[str, str]:
    """The process environment over an optional ./.env file (the only read of os.environ)."""
    return {**read_dotenv(Path(".env")), **os.environ}


def main(argv: list[str] | None = None) -> int:
    """Start the bot (long polling, or a webhook when WEBHOOK_URL is set); --demo runs the demo."""
    env = environment()
    args = sys.argv[1:] if argv is None else argv
    if "--demo" in args:
        from fakeapi.demo import main as demo_main

        return demo_main(args, env)
    try:
        settings = Settings.from_env(env)
        program = load_program()
        # Strict like the program: a bad content overlay stops the bot before it goes online.
        translations = load_translations(program, LANGUAGES)
    except ConfigError as exc:
        print(f"medial coach: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # content errors name the file and field
        print(f"medial coach: cannot load the coaching content: {exc}", file=sys.stderr)
        return 2
    setup_logging(
        settings.log_level,
        settings.token,
        webhook_secret(settings),
        log_format=settings.log_format,
    )
    try:
        # Before going online: a bad database stops the bot with one line, not a retry loop.
        preflight(settings.database_path)
    except StorageError as exc:
        print(f"medial coach: {exc}", file=sys.stderr)
        return 1
    application = build_application(settings, program=program, translations=translations)
    log.info("starting; database %s", settings.database_path)
    try:
        code = asyncio.run(serve(application, settings, miniapp_routes(application, settings)))
    except StorageError as exc:  # one line naming the file and the cause
        print(f"medial coach: {exc}", file=sys.stderr)
        return 1
    except Exception:
        log.critical("stopped by an unexpected error", exc_info=True)
        return 1
    log.info("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
