"""The fake Bot API server: lifecycle, HTTP dispatch and what tests observe."""

from __future__ import annotations

import contextlib
import copy
import itertools
import re
import socket
import threading
import time
from typing import Any

from fakeapi.errors import ACCEPTED_NOOPS, JSON, ApiError
from fakeapi.handler import _Handler, _HTTPServer
from fakeapi.methods import _METHODS, MethodsMixin
from fakeapi.models import Call
from fakeapi.sending import _scope_key
from fakeapi.wire import Upload, _decode_body


class FakeBotServer(MethodsMixin):
    """The fake Bot API server: start() it, point a bot at its URL, play users against it."""

    # -- lifecycle ------------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Listen on 127.0.0.1 (a free port by default); return the base URL for the bot."""
        httpd = _HTTPServer((self.host, port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._stopping = False
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fakebot-http",
        )
        self._thread.start()
        self.url = f"http://{self.host}:{httpd.server_address[1]}/bot"
        return self.url

    def stop(self) -> None:
        """Stop serving: wake long polls, close connections and the listening socket."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._webhook_thread is not None:
            self._webhook_thread.join(timeout=5)
            self._webhook_thread = None
        self._httpd = None

    def __enter__(self) -> FakeBotServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def _track_connection(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # -- observation helpers --------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call of `method`, in arrival order."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def call_count(self) -> int:
        """How many calls have arrived so far (a cursor for wait_for_call's `after`)."""
        with self._cond:
            return len(self.calls)

    def wait_for_call(self, method: str, timeout: float = 10.0, *, after: int = 0) -> Call:
        """Block until a call of `method` arrives at index >= `after`; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self.calls[after:]:
                    if call.method == method:
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({c.method for c in self.calls[after:]})
                    raise AssertionError(
                        f"no {method} call within {timeout}s (calls seen since: {seen})"
                    )
                self._cond.wait(remaining)

    def timeline(self, chat_id: int) -> list[tuple[float, str]]:
        """Accepted sends and edits to a chat as (monotonic seconds, method)."""
        with self._cond:
            return list(self._timeline.get(chat_id, []))

    def max_per_chat_rate(self, chat_id: int, window: float = 1.0) -> int:
        """The most sends+edits to this chat inside any window [t, t+window)."""
        stamps = [t for t, _ in self.timeline(chat_id)]
        best = 0
        j = 0
        for i, start in enumerate(stamps):
            j = max(j, i)
            while j < len(stamps) and stamps[j] < start + window:
                j += 1
            best = max(best, j - i)
        return best

    def min_interval(self, chat_id: int) -> float | None:
        """The shortest gap between consecutive sends/edits to this chat (None if < 2)."""
        stamps = [t for t, _ in self.timeline(chat_id)]
        if len(stamps) < 2:
            return None
        return min(b - a for a, b in itertools.pairwise(stamps))

    def chat_actions(self, chat_id: int) -> list[str]:
        """The sendChatAction actions sent to a chat, in order."""
        with self._cond:
            return list(self._chat_actions.get(chat_id, []))

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command menu set with setMyCommands for this scope and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    # -- internals: HTTP ------------------------------------------------------------------

    def _handle_http(
        self, path: str, content_type: str, body: bytes, query: str
    ) -> tuple[int, JSON, float]:
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", path)
        if match is None:
            return self._reject("?", ApiError(404, "Not Found"))
        token, method = match.group(1), match.group(2)
        if token != self.token:
            return self._reject(method, ApiError(401, "Unauthorized"))
        try:
            params, files = _decode_body(content_type, body, query)
        except ApiError as err:
            return self._reject(method, err)
        call = Call(method, _loggable(params, files), time.monotonic())
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
            injection = self._take_injection(method, params)
        if method == "getUpdates" and (injection is None or not injection.code):
            status, payload = self._get_updates(params)
            call.status = status
            call.description = payload.get("description")
            return status, payload, injection.delay if injection is not None else 0.0
        with self._cond:
            delay = injection.delay if injection is not None else 0.0
            if injection is not None and injection.code:
                failure = ApiError(
                    injection.code,
                    injection.description,
                    retry_after=injection.retry_after,
                    kind="injected",
                )
                status, payload, _ = self._reject(method, failure)
            else:
                try:
                    result = self._dispatch(method, params, files)
                    status, payload = 200, {"ok": True, "result": result}
                except ApiError as err:
                    status, payload, _ = self._reject(method, err)
            call.status = status
            call.description = payload.get("description")
            self._cond.notify_all()
        return status, payload, delay

    def _dispatch(self, method: str, params: JSON, files: dict[str, Upload]) -> Any:
        handler = _METHODS.get(method)
        if handler is not None:
            return handler(self, params, files)
        if method in ACCEPTED_NOOPS:
            return True
        raise ApiError(404, "Not Found")


def _loggable(params: JSON, files: dict[str, Upload]) -> JSON:
    out = dict(params)
    for name, upload in files.items():
        out[name] = {"filename": upload.filename, "size": len(upload.content)}
    return out
