"""The bot's run loop: reach Telegram, start the inbox, poll (or serve the webhook), stop cleanly.

One event loop holds everything: PTB's application (jobs, handlers), the inbox's workers, the
poller and, when configured, the web server. SIGTERM and Ctrl-C stop it within seconds: fetching
stops first, running handlers finish, queued updates stay in SQLite for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from ops.settings import Settings
from transport.inbox import Inbox
from transport.poller import Poller, backoff, describe

log = logging.getLogger("medial")

AnyApp = Application[Any, Any, Any, Any, Any, Any]
TOKEN_REJECTED = (
    "Telegram rejected the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN "
    "(BotFather's /token shows it; /revoke makes a new one)"
)


class TokenRejected(Exception):
    """Telegram answered 401 (or 404) to the bot's token."""


def api_origin(base_url: str) -> str:
    """Where the Bot API is, for messages: scheme and host, never the path (it holds the token)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the Bot API"


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True if asked to stop meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def with_retries(what: str, where: str, stop: asyncio.Event, call: Any) -> bool:
    """Await call() until it succeeds (True) or stop is set (False); one line per failure."""
    attempt = 0
    while not stop.is_set():
        try:
            await call()
            return True
        except InvalidToken as exc:
            raise TokenRejected from exc
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = float(wait if isinstance(wait, int | float) else wait.total_seconds())
            log.warning("%s: flood limit at %s; waiting %.0f s", what, where, seconds)
            if await wait_or_stop(stop, seconds):
                return False
        except TelegramError as exc:
            attempt += 1
            delay = backoff(attempt)
            log.warning(
                "%s failed at %s (%s); attempt %d, retrying in %.0f s",
                what,
                where,
                describe(exc),
                attempt,
                delay,
            )
            if await wait_or_stop(stop, delay):
                return False
    return False


async def connect(bot: Bot, where: str, stop: asyncio.Event) -> bool:
    """Reach the Bot API (getMe) with backoff; False if stopped first, TokenRejected on 401."""
    return await with_retries("connecting to Telegram (getMe)", where, stop, bot.initialize)


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve(application: AnyApp, settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run until SIGTERM/SIGINT (or until `stop` is set, when the caller owns it); the exit code."""
    if stop is None:
        stop = asyncio.Event()
        _install_signals(stop)
    where = api_origin(settings.api_base_url)
    try:
        if not await connect(application.bot, where, stop):
            return 0
    except TokenRejected:
        log.error(TOKEN_REJECTED)
        return 1
    inbox: Inbox = application.bot_data.inbox
    poller: Poller | None = None
    poll_task: asyncio.Task[None] | None = None
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await inbox.start()
        ok = await with_retries(
            "deleteWebhook", where, stop, lambda: application.bot.delete_webhook()
        )
        if ok:
            poller = Poller(
                application.bot,
                inbox,
                application.bot_data.storage,
                where=where,
                allowed_updates=Update.ALL_TYPES,
            )
            poll_task = asyncio.create_task(poller.run(), name="poller")
            log.info("polling %s for updates", where)
            stop_task = asyncio.create_task(stop.wait())
            await asyncio.wait({poll_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
            stop_task.cancel()
    except TokenRejected:
        log.error(TOKEN_REJECTED)
        return 1
    finally:
        log.info("stopping")
        if poller is not None and poll_task is not None:
            poller.stop()
            await poll_task
        await inbox.stop()
        if application.running:
            await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    if poller is not None and poller.token_rejected:
        log.error(TOKEN_REJECTED)
        return 1
    return 0
