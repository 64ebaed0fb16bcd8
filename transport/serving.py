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
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import BaseRoute
from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from ops.settings import DEFAULT_WEBHOOK_PORT, Settings
from transport.inbox import Inbox
from transport.poller import Poller, backoff, describe
from web.server import ListenError, WebServer, build_web_app
from web.webhook import PATH as WEBHOOK_PATH
from web.webhook import webhook_secret

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
            return await _unless_stopped(call(), stop)
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


async def _unless_stopped(awaitable: Any, stop: asyncio.Event) -> bool:
    """Await it; False (and cancelled) if stop is set first. Its exception propagates."""
    task = asyncio.ensure_future(awaitable)
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        return False
    task.result()
    return True


async def connect(bot: Bot, where: str, stop: asyncio.Event) -> bool:
    """Reach the Bot API (getMe) with backoff; False if stopped first, TokenRejected on 401."""
    return await with_retries("connecting to Telegram (getMe)", where, stop, bot.initialize)


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve(
    application: AnyApp,
    settings: Settings,
    extra_routes: Sequence[BaseRoute] = (),
    stop: asyncio.Event | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or until `stop` is set, when the caller owns it); the exit code."""
    if stop is None:
        stop = asyncio.Event()
        _install_signals(stop)
    where = api_origin(settings.api_base_url)
    # A plain Bot, not the application's: the outbox would retry each attempt out of sight.
    probe = Bot(settings.token, base_url=settings.api_base_url)
    try:
        if not await connect(probe, where, stop):
            return 0
    except TokenRejected:
        log.error(TOKEN_REJECTED)
        return 1
    finally:
        with contextlib.suppress(Exception):
            await probe.shutdown()
    inbox: Inbox = application.bot_data.inbox
    poller: Poller | None = None
    poll_task: asyncio.Task[None] | None = None
    web: WebServer | None = None
    code = 0
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await inbox.start()
        port = settings.port
        if settings.webhook_url and port is None:
            port = DEFAULT_WEBHOOK_PORT
        if port is not None:
            web = WebServer(build_web_app(application, settings, extra_routes), settings.host, port)
            await web.start()
        if settings.webhook_url:
            await _register_webhook(application, settings, inbox, where, stop)
            await stop.wait()
        elif await with_retries("deleteWebhook", where, stop, application.bot.delete_webhook):
            poller = Poller(
                application.bot,
                inbox,
                application.bot_data.storage,
                where=where,
                allowed_updates=Update.ALL_TYPES,
            )
            inbox.feed_problem = poller.problem
            poll_task = asyncio.create_task(poller.run(), name="poller")
            log.info("polling %s for updates", where)
            stop_task = asyncio.create_task(stop.wait())
            await asyncio.wait({poll_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
            stop_task.cancel()
    except TokenRejected:
        log.error(TOKEN_REJECTED)
        code = 1
    except ListenError as exc:
        log.error("%s", exc)
        code = 1
    finally:
        log.info("stopping")
        if poller is not None and poll_task is not None:
            poller.stop()
            await poll_task
        if web is not None:
            await web.stop()
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
    return code


async def _register_webhook(
    application: AnyApp, settings: Settings, inbox: Inbox, where: str, stop: asyncio.Event
) -> None:
    """setWebhook with the secret and every update type, retried until it works or stop."""
    url = settings.webhook_url.rstrip("/") + WEBHOOK_PATH
    registered = False
    inbox.feed_problem = lambda: None if registered else "webhook not registered yet"

    async def register() -> None:
        await application.bot.set_webhook(
            url=url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )

    if await with_retries("setWebhook", where, stop, register):
        registered = True
        log.info("webhook registered: %s", url)
