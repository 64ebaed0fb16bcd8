"""The bot's one HTTP app, run by uvicorn inside the bot's own event loop.

build_web_app() is the single place routes live: POST /telegram (webhook), GET /healthz,
GET /metrics, plus the routes a feature passes in (the Mini App under /app).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator, Sequence
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ops.settings import Settings
from transport.inbox import Inbox
from web.metrics import Metrics
from web.webhook import webhook_route, webhook_secret

log = logging.getLogger(__name__)

AnyApp = Any
DB_PROBE_TIMEOUT_S = 3.0


class ListenError(Exception):
    """The web server could not listen on HOST:PORT."""


def build_web_app(
    application: AnyApp, settings: Settings, extra_routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """The Starlette app: webhook, health, metrics and any extra routes."""
    inbox: Inbox = application.bot_data.inbox
    metrics = Metrics(application)

    async def healthz(request: Request) -> JSONResponse:
        problem = inbox.feed_problem()
        if problem is None:
            problem = await _database_problem(application)
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ok", "inbox": inbox.depth()})

    routes: list[BaseRoute] = [
        webhook_route(inbox, webhook_secret(settings), metrics.webhook_rejected.inc),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics.asgi(), methods=["GET"]),
        *extra_routes,
    ]
    app = Starlette(routes=routes)
    app.state.metrics = metrics
    return app


async def _database_problem(application: AnyApp) -> str | None:
    data = application.bot_data
    try:
        await asyncio.wait_for(data.storage.probe_write(data.now()), DB_PROBE_TIMEOUT_S)
    except TimeoutError:
        return f"database: no write within {DB_PROBE_TIMEOUT_S:.0f} s"
    except Exception as exc:
        return f"database: {type(exc).__name__}: {exc}"
    return None


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the bot's run loop owns SIGTERM and Ctrl-C."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class WebServer:
    """Serves a Starlette app on HOST:PORT from inside the running event loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self._app = app
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Bind (ListenError with the cause if that fails) and start serving."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise ListenError(f"cannot listen on {self.host}:{self.port}: {exc.strerror}") from exc
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
            server_header=False,
        )
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="web")
        ready = asyncio.create_task(self._server.ready.wait())
        await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done():
            self._task.result()
            raise ListenError(f"the web server on {self.host}:{self.port} stopped at start-up")
        log.info("web server on %s:%d (/healthz, /metrics)", self.host, self.port)

    async def stop(self) -> None:
        """Stop accepting, finish requests in flight, close."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._server = None
        self._task = None
