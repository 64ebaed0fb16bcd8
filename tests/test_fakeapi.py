"""Tests for the fakeapi package's misbehaviour: fault mode, redelivery, webhook posting.

tests/test_fakebot.py covers the contract; this file covers what round two added, plus the
promise that tests/fakebot.py still re-exports every name it had.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

import fakeapi
from fakeapi import WEBHOOK_CONFLICT, FakeBotServer
from tests import fakebot

# Every module-level name tests/fakebot.py had before it moved into fakeapi/.
OLD_NAMES = [
    "JSON",
    "DEFAULT_TOKEN",
    "MAX_TEXT",
    "MAX_CAPTION",
    "MAX_CALLBACK_DATA",
    "MAX_CALLBACK_ANSWER",
    "NOT_MODIFIED",
    "EDIT_NOT_FOUND",
    "DELETE_NOT_FOUND",
    "TOO_LONG",
    "CAPTION_TOO_LONG",
    "TEXT_EMPTY",
    "MUST_BE_NON_EMPTY",
    "BUTTON_DATA_INVALID",
    "BUTTON_TEXT_INVALID",
    "BUTTON_URL_INVALID",
    "TEXT_BUTTON_IN_INLINE",
    "BAD_MARKUP",
    "QUERY_INVALID",
    "BLOCKED",
    "CHAT_NOT_FOUND",
    "POLL_CONFLICT",
    "WEBHOOK_CONFLICT",
    "MESSAGE_METHODS",
    "CHAT_ACTIONS",
    "ACCEPTED_NOOPS",
    "UPDATE_TYPES_DEFAULT",
    "ApiError",
    "EntityParseError",
    "bad_request",
    "_HTML_TAGS",
    "_NAMED_ENTITIES",
    "_SPACE_BYTES",
    "_ENTITY_PRIORITY",
    "_DOMAINISH",
    "_decode_entity",
    "_checked_link",
    "utf16_len",
    "parse_html",
    "_entity_for",
    "_finish_entities",
    "Button",
    "BotMessage",
    "Call",
    "_File",
    "_Msg",
    "_Injection",
    "_CallbackQuery",
    "_Chat",
    "_buttons_of",
    "_find_button",
    "_image_size",
    "Upload",
    "_parse_multipart",
    "_decode_body",
    "_int_param",
    "_opt_int",
    "_json_param",
    "_bool_param",
    "_str_param",
    "FakeUser",
    "_HTTPServer",
    "_Handler",
    "FakeBotServer",
    "_check_button",
    "_scope_key",
    "_loggable",
    "_Method",
    "_METHODS",
]


@pytest.fixture
def server() -> Iterator[FakeBotServer]:
    fake = FakeBotServer()
    fake.start()
    yield fake
    fake.stop()


def api(server: FakeBotServer, method: str, timeout: float = 15, **params: Any):
    """POST like python-telegram-bot does: form-encoded, non-strings JSON-encoded."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    request = urllib.request.Request(
        f"{server.url}{server.token}/{method}",
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_tests_fakebot_reexports_every_old_name_from_fakeapi():
    for name in OLD_NAMES:
        assert hasattr(fakebot, name), name
    assert fakebot.FakeBotServer is fakeapi.FakeBotServer
    assert fakebot.FakeUser is fakeapi.FakeUser


# ---------------------------------------------------------------------------------------------
# Fault mode
# ---------------------------------------------------------------------------------------------


def _fault_pattern(seed: int, calls: int = 60) -> list[int]:
    with FakeBotServer() as fake:
        fake.user(7)
        fake.set_faults(0.3, seed=seed, methods=["sendMessage"])
        return [api(fake, "sendMessage", chat_id=7, text=f"m{i}")[0] for i in range(calls)]


def test_fault_mode_fails_about_the_rate_with_5xx_and_is_reproducible_by_seed():
    first = _fault_pattern(seed=4)
    failures = [s for s in first if s != 200]
    assert 8 <= len(failures) <= 30
    assert set(failures) <= {500, 502, 503, 504}
    assert _fault_pattern(seed=4) == first
    assert _fault_pattern(seed=5) != first


def test_fault_mode_failures_are_not_carried_out_and_are_recorded(server):
    user = server.user(7)
    server.set_faults(0.5, seed=1, methods=["sendMessage"], codes=[502])
    statuses = [api(server, "sendMessage", chat_id=7, text=f"m{i}")[0] for i in range(20)]
    assert set(statuses) == {200, 502}
    delivered = [t for s, t in zip(statuses, [f"m{i}" for i in range(20)], strict=True) if s == 200]
    assert user.texts() == delivered
    assert server.injected == [("sendMessage", 502, "Bad Gateway")] * statuses.count(502)
    assert server.rejected == []
    server.clear_faults()
    assert all(api(server, "sendMessage", chat_id=7, text="ok")[0] == 200 for _ in range(10))


def test_fault_mode_per_method_rates_leave_other_methods_alone(server):
    server.user(7)
    server.set_faults(0.0, methods={"sendMessage": 1.0})
    assert api(server, "sendMessage", chat_id=7, text="x")[0] >= 500
    assert api(server, "getMe")[0] == 200
    assert api(server, "sendChatAction", chat_id=7, action="typing")[0] == 200


def test_fault_mode_timeouts_answer_late_and_some_are_carried_out(server):
    user = server.user(7)
    server.set_faults(1.0, seed=3, methods=["sendMessage"], timeout_share=1.0, timeout_seconds=1.5)
    outcomes = []
    for i in range(6):
        began = time.monotonic()
        with pytest.raises(TimeoutError):
            api(server, "sendMessage", timeout=0.3, chat_id=7, text=f"t{i}")
        outcomes.append(time.monotonic() - began)
    # Every call timed out on the client; the server carried out some of them regardless.
    assert all(o < 1.0 for o in outcomes)
    carried = [e for e in server.injected if e[1] == 0]
    assert 0 < len(carried) < 6
    assert len(user.texts()) == len(carried)
    assert {e[1] for e in server.injected} == {0, 504}


async def test_python_telegram_bot_sees_fault_mode_as_network_errors(server):
    server.user(7)
    server.set_faults(1.0, methods=["sendMessage"], codes=[502])
    bot = Bot(server.token, base_url=server.url)
    async with bot:
        with pytest.raises(NetworkError):
            await bot.send_message(7, "hi")
    server.set_faults(1.0, methods=["sendMessage"], timeout_share=1.0, timeout_seconds=2)
    bot = Bot(server.token, base_url=server.url, request=HTTPXRequest(read_timeout=0.3))
    async with bot:
        with pytest.raises(TimedOut):
            await bot.send_message(7, "hi")


# ---------------------------------------------------------------------------------------------
# Redelivery
# ---------------------------------------------------------------------------------------------


def test_redeliver_sends_confirmed_updates_again_with_the_same_ids(server):
    user = server.user(7)
    for text in ("one", "two", "three"):
        user.send(text)
    batch = api(server, "getUpdates")[1]["result"]
    ids = [u["update_id"] for u in batch]
    assert api(server, "getUpdates", offset=ids[-1] + 1)[1]["result"] == []
    assert [u["update_id"] for u in server.confirmed_updates()] == ids
    user.send("four")
    assert server.redeliver(2) == ids[1:]
    # The bot's offset is past them, yet they come again, in order, before anything newer.
    again = api(server, "getUpdates", offset=ids[-1] + 1)[1]["result"]
    assert [u["message"]["text"] for u in again] == ["two", "three", "four"]
    assert [u["update_id"] for u in again][:2] == ids[1:]
    assert api(server, "getUpdates", offset=again[-1]["update_id"] + 1)[1]["result"] == []
    assert server.redeliver(update_ids=[ids[0]]) == [ids[0]]
    assert [u["message"]["text"] for u in api(server, "getUpdates")[1]["result"]] == ["one"]


def test_redelivered_updates_reach_a_webhook_too(server):
    with _Hook() as hook:
        server.user(7).send("hello")
        api(server, "getUpdates", offset=api(server, "getUpdates")[1]["result"][0]["update_id"] + 1)
        assert api(server, "setWebhook", url=hook.url, secret_token="s3cret")[0] == 200
        server.redeliver(1)
        hook.wait(1)
    assert [u["message"]["text"] for u, _ in hook.received] == ["hello"]


# ---------------------------------------------------------------------------------------------
# Webhook mode
# ---------------------------------------------------------------------------------------------


class _Hook:
    """A bot's webhook endpoint: records posts; answers 403 unless the secret header matches."""

    def __init__(self, secret: str | None = None) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.refused = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
                if secret is not None and header != secret:
                    hook.refused += 1
                    status = 403
                else:
                    hook.received.append((json.loads(body), header))
                    status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/telegram"

    def wait(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.received) >= count, self.received

    def __enter__(self) -> _Hook:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_webhook_stores_url_and_secret_and_blocks_getupdates_with_409(server):
    with _Hook("s3cret") as hook:
        assert api(server, "setWebhook", url=hook.url, secret_token="s3cret")[0] == 200
        assert (server.webhook_url, server.webhook_secret) == (hook.url, "s3cret")
        info = api(server, "getWebhookInfo")[1]["result"]
        assert info["url"] == hook.url
        status, body = api(server, "getUpdates")
        assert (status, body["description"]) == (409, WEBHOOK_CONFLICT)
        user = server.user(7)
        user.send("first")
        user.send("second")
        hook.wait(2)
        assert [(u["message"]["text"], h) for u, h in hook.received] == [
            ("first", "s3cret"),
            ("second", "s3cret"),
        ]
        assert server.pending_updates() == 0
        assert api(server, "deleteWebhook")[0] == 200
        assert server.webhook_url is None and server.webhook_secret is None
        user.send("polled")
        assert [u["message"]["text"] for u in api(server, "getUpdates")[1]["result"]] == ["polled"]


def test_set_webhook_refuses_a_secret_with_characters_telegram_disallows(server):
    status, body = api(server, "setWebhook", url="http://127.0.0.1:1/x", secret_token="bad secret")
    assert status == 400 and "secret token" in body["description"]
    assert server.webhook_url is None


def test_forged_updates_with_no_or_a_wrong_header_are_refused_and_the_right_one_accepted(server):
    with _Hook("s3cret") as hook:
        assert api(server, "setWebhook", url=hook.url, secret_token="s3cret")[0] == 200
        server.user(7)
        forged = server.forge_message_update(7, "/start")
        assert forged["message"]["from"]["id"] == 7
        assert server.post_webhook(forged, None) == 403
        assert server.post_webhook(forged, "wrong") == 403
        assert hook.refused == 2 and hook.received == []
        assert server.pending_updates() == 0  # forged updates are never queued
        assert server.post_webhook(forged, server.webhook_secret) == 200
        assert hook.received[0][0] == forged


def test_webhook_pusher_retries_until_the_bot_accepts(server):
    with _Hook("right") as hook:
        # The bot registered a secret that its own endpoint doesn't accept: Telegram retries.
        assert api(server, "setWebhook", url=hook.url, secret_token="wrong")[0] == 200
        server.user(7).send("kept")
        deadline = time.monotonic() + 5
        while hook.refused < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hook.refused >= 2 and server.pending_updates() == 1
        assert api(server, "setWebhook", url=hook.url, secret_token="right")[0] == 200
        hook.wait(1)
        assert hook.received[0][0]["message"]["text"] == "kept"


# ---------------------------------------------------------------------------------------------
# Voice notes
# ---------------------------------------------------------------------------------------------


async def test_send_voice_stores_the_note_and_answers_a_voice_message(server):
    user = server.user(7)
    bot = Bot(server.token, base_url=server.url)
    async with bot:
        sent = await bot.send_voice(7, b"OggS fake opus", caption="Set 1", duration=42)
        assert sent.voice is not None and sent.voice.duration == 42
        again = await bot.send_voice(7, sent.voice.file_id)
        assert again.voice is not None and again.voice.file_id == sent.voice.file_id
    note = user.messages()[0]
    assert (note.kind, note.text, note.duration) == ("voice", "Set 1", 42)
    assert note.voice == note.file_content == b"OggS fake opus"
    assert server.rejected == []
