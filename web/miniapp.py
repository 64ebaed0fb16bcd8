"""The Mini App under /app/: the static timer page and its JSON API, behind signed initData.

GET  /app/            the page (plain HTML, CSS and JS from web/static, no build step)
GET  /app/api/today   Authorization: tma <initData> -> today's plan (the session is created if none)
POST /app/api/sets    {"initData"?, "session_id", "set_index", "reps", "side", "client_id"}
                      (initData in the body or the header) -> logs like a typed "done"

401 for missing, forged or expired initData; 403 for a session that isn't the user's (or a
user who hasn't set up the bot); 400 for a malformed body or an out-of-range value. The user is
only ever the one initData was signed for.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Final, cast

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from telegram.ext import Application, CallbackContext

from handlers.app_sets import Outcome, PostedSet, log_from_app, today_json
from handlers.context import BotData, Ctx
from ops.settings import Settings
from storage.records import UserRecord
from web.initdata import InitDataError, WebAppUser, validate

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
MAX_BODY: Final = 16_384
CLIENT_ID: Final = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# The page may be framed by Telegram's web clients; scripts from here and Telegram's SDK only.
PAGE_HEADERS: Final = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' https://telegram.org; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_OUTCOME_STATUS: Final = {
    Outcome.LOGGED: 200,
    Outcome.DUPLICATE: 200,
    Outcome.TAKEN: 409,
    Outcome.NOT_YOURS: 403,
    Outcome.BAD_SET: 400,
}


def _error(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status, headers={"Cache-Control": "no-store"})


def _header_init_data(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "tma" else ""


def miniapp_routes(application: App, settings: Settings) -> list[BaseRoute]:
    """Routes of the Mini App, all under /app."""
    token = settings.token

    def context() -> Ctx:
        return cast(Ctx, CallbackContext(application))

    def authenticate(raw: str) -> WebAppUser:
        return validate(raw, token, application.bot_data.now())

    async def known_user(who: WebAppUser) -> UserRecord | None:
        user = await application.bot_data.storage.get_user(who.user_id)
        return user if user is not None and user.onboarded else None

    async def page(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    async def today(request: Request) -> Response:
        try:
            who = authenticate(_header_init_data(request))
        except InitDataError:
            return _error(401, "unauthorized")
        user = await known_user(who)
        if user is None:
            return _error(403, "not_set_up")
        return JSONResponse(
            await today_json(context(), user, who.language_code),
            headers={"Cache-Control": "no-store"},
        )

    async def post_set(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(400, "too_large")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return _error(400, "malformed")
        raw = payload.get("initData")
        try:
            who = authenticate(raw if isinstance(raw, str) else _header_init_data(request))
        except InitDataError:
            return _error(401, "unauthorized")
        posted = _posted(payload)
        if posted is None:
            return _error(400, "malformed")
        user = await known_user(who)
        if user is None:
            return _error(403, "not_set_up")
        outcome = await log_from_app(context(), user, posted)
        status = _OUTCOME_STATUS[outcome]
        if status != 200:
            return _error(status, outcome.value)
        return JSONResponse({"ok": True, "result": outcome.value})

    return [
        Mount(
            "/app",
            routes=[
                Route("/", page, methods=["GET"]),
                Route("/api/today", today, methods=["GET"]),
                Route("/api/sets", post_set, methods=["POST"]),
                Mount("/static", StaticFiles(directory=STATIC_DIR), name="miniapp-static"),
            ],
        )
    ]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _posted(payload: dict[str, Any]) -> PostedSet | None:
    """The set a well-formed body describes (types and shapes only; ranges are checked later)."""
    session_id = _int(payload.get("session_id"))
    set_index = _int(payload.get("set_index"))
    reps = _int(payload.get("reps"))
    side = payload.get("side")
    client_id = payload.get("client_id")
    if session_id is None or set_index is None or reps is None:
        return None
    if side not in ("left", "right") or not isinstance(client_id, str):
        return None
    if not CLIENT_ID.match(client_id):
        return None
    return PostedSet(session_id, set_index, side, reps, client_id)
