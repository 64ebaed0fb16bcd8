"""POST /telegram: Telegram's webhook, answered 200 only once the update is in the inbox.

A secret is always in force: WEBHOOK_SECRET, or one derived from the bot token with HMAC, sent
by Telegram in X-Telegram-Bot-Api-Secret-Token (set with setWebhook). A missing or wrong header
gets 403 before the body is read; nothing about the request is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ops.settings import Settings
from transport.inbox import Inbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"
MAX_BODY_BYTES = 1_000_000  # updates are a few KB; Telegram's files come as ids, not bytes


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a stable secret derived from the token (hex fits Telegram's rules)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    return hmac.new(
        b"medial-coach webhook secret", settings.token.encode(), hashlib.sha256
    ).hexdigest()


def webhook_route(inbox: Inbox, secret: str, on_rejected: Callable[[], None]) -> Route:
    """The webhook endpoint: check the secret, commit the update, then answer 200."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            on_rejected()
            return Response(status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            update = json.loads(body)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return Response(status_code=400)
        try:
            await inbox.add([update])
        except Exception:
            # Not stored: a non-2xx makes Telegram send it again.
            log.exception("could not store a webhook update; Telegram will resend it")
            return Response(status_code=503)
        return Response(status_code=200)

    return Route(PATH, receive, methods=["POST"])
