"""Tests for the fake Bot API server (tests/fakebot.py) and the e2e harness (tests/e2e_harness.py).

The server is exercised the way the bot will use it: a real python-telegram-bot `Bot` and
`Application` over HTTP, plus raw HTTP requests for each rejection Telegram would give.
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, MessageEntityType
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from tests.e2e_harness import BotProcess
from tests.fakebot import (
    BLOCKED,
    BUTTON_DATA_INVALID,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_BUTTON_IN_INLINE,
    EntityParseError,
    FakeBotServer,
    parse_html,
)

PNG_640x480 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    + (640).to_bytes(4, "big")
    + (480).to_bytes(4, "big")
    + b"\x08\x02\x00\x00\x00\x00\x00\x00\x00"
)


@pytest.fixture
def server() -> Iterator[FakeBotServer]:
    fake = FakeBotServer()
    fake.start()
    yield fake
    fake.stop()


def api(server: FakeBotServer, method: str, token: str | None = None, **params: Any):
    """POST like python-telegram-bot does: form-encoded, non-strings JSON-encoded."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    request = urllib.request.Request(
        f"{server.url}{token or server.token}/{method}",
        data=urllib.parse.urlencode(form).encode(),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def keyboard(*buttons: tuple[str, str]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in buttons]]}


# ---------------------------------------------------------------------------------------------
# HTML parse mode
# ---------------------------------------------------------------------------------------------


def test_html_entities_are_in_utf16_units_and_character_references_decode():
    text, entities = parse_html("🏋 <b>Lift</b> &lt;3 &amp; <i>hold&#33;</i> &#x1F600;")
    assert text == "🏋 Lift <3 & hold! 😀"
    # The emoji before <b> is two UTF-16 code units, so "Lift" starts at 3.
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "italic", "offset": 13, "length": 5},
    ]


def test_html_nested_links_spoilers_and_pre_code_language():
    source = (
        '<b>a <i>b</i></b> <a href="https://example.org/x?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span> <pre><code class="language-python">x = 1</code></pre>'
        " <blockquote expandable>q</blockquote> <code>c</code>"
    )
    text, entities = parse_html(source)
    assert text == "a b link s x = 1 q c"
    assert {
        "type": "text_link",
        "offset": 4,
        "length": 4,
        "url": "https://example.org/x?a=1&b=2",
    } in entities
    assert {"type": "spoiler", "offset": 9, "length": 1} in entities
    assert {"type": "pre", "offset": 11, "length": 5, "language": "python"} in entities
    assert {"type": "expandable_blockquote", "offset": 17, "length": 1} in entities
    assert {"type": "code", "offset": 19, "length": 1} in entities
    bold = next(e for e in entities if e["type"] == "bold")
    italic = next(e for e in entities if e["type"] == "italic")
    assert (bold["offset"], bold["length"], italic["offset"], italic["length"]) == (0, 3, 2, 1)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("2 < 3", 'Unsupported start tag "" at byte offset 2'),
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("<b>bold</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("plain</b>", "Unexpected end tag at byte offset 5"),
        ("<b>never closed", "Can't find end tag corresponding to start tag b"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<i =x>y</i>", 'Empty attribute name in the tag "i" at byte offset 0'),
        ("<a href>y</a>", 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
    ],
)
def test_html_errors_use_telegrams_wording(source, error):
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value).startswith(error)


def test_html_bare_ampersand_is_rejected_in_strict_mode_only():
    with pytest.raises(EntityParseError, match=r'"&" at byte offset 4'):
        parse_html("Tom & Jerry")
    with pytest.raises(EntityParseError):
        parse_html("a &nbsp; b")  # not one of Telegram's four named references
    # The real server shows a lone "&" literally; strict=False behaves like it.
    assert parse_html("Tom & Jerry", strict=False) == ("Tom & Jerry", [])
    assert parse_html("x &amp; y")[0] == "x & y"


def test_html_link_that_telegram_cannot_check_is_dropped_not_an_error():
    text, entities = parse_html('<a href="javascript:alert(1)">x</a> <a href="example.com">y</a>')
    assert text == "x y"
    assert entities == [
        {"type": "text_link", "offset": 2, "length": 1, "url": "http://example.com"}
    ]


# ---------------------------------------------------------------------------------------------
# A real python-telegram-bot Bot against the server
# ---------------------------------------------------------------------------------------------


async def test_bot_send_edit_and_user_view(server):
    user = server.user(7, "Ann")
    async with Bot(server.token, base_url=server.url) as bot:
        me = await bot.get_me()
        assert me.is_bot and me.username == "medial_bot" and me.id == 123456
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go ▶", callback_data="go:1")]])
        sent = await bot.send_message(
            7, "Set <b>1</b> of 3", parse_mode="HTML", reply_markup=markup
        )
        assert sent.text == "Set 1 of 3"
        assert sent.entities[0].type == MessageEntityType.BOLD
        assert sent.reply_markup == markup
        assert sent.from_user is not None
        assert sent.chat.id == 7 and sent.from_user.id == me.id

        edited = await bot.edit_message_text(
            "Rep 1/10 — lift", chat_id=7, message_id=sent.message_id, reply_markup=markup
        )
        assert isinstance(edited, Message)
        assert edited.edit_date is not None and edited.text == "Rep 1/10 — lift"

        # Identical text and markup is the classic pacing bug: Telegram answers 400.
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "Rep 1/10 — lift", chat_id=7, message_id=sent.message_id, reply_markup=markup
            )
        # Leaving reply_markup out of an edit removes the keyboard, as on Telegram.
        await bot.edit_message_text("Rep 2/10", chat_id=7, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=7, message_id=999)

    assert server.rejected == [
        ("editMessageText", NOT_MODIFIED),
        ("editMessageText", "Bad Request: message to edit not found"),
    ]
    [msg] = user.messages()
    assert msg.text == "Rep 2/10" and msg.reply_markup is None
    assert [text for _, text in msg.history] == ["Set 1 of 3", "Rep 1/10 — lift", "Rep 2/10"]
    assert [text for _, text in msg.edits] == ["Rep 1/10 — lift", "Rep 2/10"]
    assert msg.html == "Rep 2/10" and msg.seen("Set 1")
    assert msg.history[0][0] <= msg.history[1][0] <= msg.history[2][0]


async def test_bot_edit_reply_markup_and_delete(server):
    user = server.user(7)
    async with Bot(server.token, base_url=server.url) as bot:
        one = InlineKeyboardMarkup([[InlineKeyboardButton("Pause", callback_data="pause")]])
        two = InlineKeyboardMarkup([[InlineKeyboardButton("Resume", callback_data="resume")]])
        sent = await bot.send_message(7, "pacing", reply_markup=one)
        await bot.edit_message_reply_markup(7, sent.message_id, reply_markup=two)
        assert user.last().button_texts == ["Resume"]
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_reply_markup(7, sent.message_id, reply_markup=two)
        await bot.edit_message_reply_markup(7, sent.message_id)  # removes the keyboard
        assert user.last().reply_markup is None

        assert await bot.delete_message(7, sent.message_id) is True
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(7, sent.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("gone", chat_id=7, message_id=sent.message_id)
    assert user.messages() == []
    assert [m.deleted for m in user.messages(include_deleted=True)] == [True]


async def test_bot_cannot_edit_a_users_message(server):
    user = server.user(7)
    mid = user.send("hello")
    async with Bot(server.token, base_url=server.url) as bot:
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("hijack", chat_id=7, message_id=mid)


async def test_bot_photo_and_document_round_trip_bytes(server):
    user = server.user(7)
    # Bytes that look like multipart framing must survive untouched.
    rng = random.Random(4)
    payload = bytes(rng.randrange(256) for _ in range(20_000)) + b"\r\n--boundary\r\n\r\n"
    async with Bot(server.token, base_url=server.url) as bot:
        photo = await bot.send_photo(7, PNG_640x480, caption="<b>Progress</b>", parse_mode="HTML")
        assert (photo.photo[-1].width, photo.photo[-1].height) == (640, 480)
        assert photo.caption == "Progress" and photo.caption_entities[0].type == "bold"
        doc = await bot.send_document(7, payload, filename="export.csv", caption="Your data")
        assert doc.document is not None
        assert doc.document.file_name == "export.csv"
        assert doc.document.mime_type == "text/csv"
        assert doc.document.file_size == len(payload)
        # A file_id can be sent again without uploading.
        again = await bot.send_photo(7, photo.photo[-1].file_id)
        assert again.photo[-1].file_id == photo.photo[-1].file_id

        with pytest.raises(BadRequest, match="Image_process_failed"):
            await bot.send_photo(7, b"not an image at all")
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_photo(7, PNG_640x480, caption="x" * 1025)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.edit_message_text("", chat_id=7, message_id=photo.message_id)
        with pytest.raises(BadRequest, match="There is no text in the message to edit"):
            await bot.edit_message_text("t", chat_id=7, message_id=photo.message_id)
        edited = await bot.edit_message_caption(7, photo.message_id, caption="Week 2")
        assert isinstance(edited, Message) and edited.caption == "Week 2"

    photos = [m for m in user.messages() if m.kind == "photo"]
    docs = [m for m in user.messages() if m.kind == "document"]
    assert photos[0].photo == PNG_640x480 and photos[0].caption == "Week 2"
    assert docs[0].document == payload and docs[0].filename == "export.csv"
    assert docs[0].text == "Your data"
    assert server.file(photo.photo[-1].file_id) == PNG_640x480


async def test_callback_query_answer_rules(server):
    user = server.user(7)
    async with Bot(server.token, base_url=server.url) as bot:
        sent = await bot.send_message(
            7,
            "Pain?",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("0", callback_data="pain:0")]]
            ),
        )
        query_id = user.press(user.last(), "0")
        assert server.unanswered_callbacks() == [query_id]
        assert await bot.answer_callback_query(query_id, text="Logged") is True
        assert user.callback_answer(query_id) == {
            "text": "Logged",
            "show_alert": False,
            "url": None,
        }
        assert server.unanswered_callbacks() == []
        # A second answer, or an unknown id, is what Telegram calls "too old".
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("123")
        assert sent.message_id == user.last().message_id
    assert server.rejected == [("answerCallbackQuery", QUERY_INVALID)] * 2


async def test_callback_query_expires(server):
    server.callback_answer_timeout = 0.2
    user = server.user(7)
    async with Bot(server.token, base_url=server.url) as bot:
        await bot.send_message(
            7,
            "x",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]]),
        )
        query_id = user.press(user.last(), "a")
        await asyncio.sleep(0.3)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)


async def test_commands_chat_action_and_unknown_method(server):
    server.user(7)
    async with Bot(server.token, base_url=server.url) as bot:
        await bot.set_my_commands([("start", "Begin"), ("workout", "Today's session")])
        commands = await bot.get_my_commands()
        assert [(c.command, c.description) for c in commands] == [
            ("start", "Begin"),
            ("workout", "Today's session"),
        ]
        assert server.commands() == [
            {"command": "start", "description": "Begin"},
            {"command": "workout", "description": "Today's session"},
        ]
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([("Bad-Name", "x")])
        await bot.send_chat_action(7, "typing")
        assert server.chat_actions(7) == ["typing"]
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendHologram", api_kwargs={"chat_id": 7})
    assert ("sendHologram", "Not Found") in server.rejected


async def test_wrong_token_is_unauthorized(server):
    bot = Bot("999:WRONG", base_url=server.url)
    with pytest.raises(InvalidToken):
        await bot.initialize()
    await bot.shutdown()
    assert server.rejected == [("getMe", "Unauthorized")]


async def test_injected_failures_map_to_ptb_errors_and_are_not_delivered(server):
    user = server.user(7)
    server.fail_next("sendMessage", 429, retry_after=3)
    server.fail_next("sendMessage", 502)
    server.fail_next("*", 500, chat_id=8)  # only for another chat: must not fire here
    async with Bot(server.token, base_url=server.url) as bot:
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(7, "one")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(7, "two")
        await bot.send_message(7, "three")
    assert user.texts() == ["three"]
    assert server.injected == [
        ("sendMessage", 429, "Too Many Requests: retry after 3"),
        ("sendMessage", 502, "Bad Gateway"),
    ]
    assert server.rejected == []


async def test_delayed_answer_times_out_on_client_but_is_delivered(server):
    user = server.user(7)
    server.delay_next("sendMessage", 1.0)
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(server.token, base_url=server.url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(7, "reminder")
    assert user.texts() == ["reminder"]


# ---------------------------------------------------------------------------------------------
# Contract checks over raw HTTP
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "   \n "}, "Bad Request: message must be non-empty"),
        (
            {"text": "1 < 2", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: Unsupported start tag",
        ),
        ({"text": "a", "reply_markup": keyboard(("Go", "x" * 65))}, BUTTON_DATA_INVALID),
        ({"text": "a", "reply_markup": keyboard(("Go", "é" * 33))}, BUTTON_DATA_INVALID),
        ({"text": "a", "reply_markup": keyboard(("", "go"))}, "Bad Request: BUTTON_TEXT_INVALID"),
        ({"text": "a", "reply_markup": keyboard(("Go", ""))}, TEXT_BUTTON_IN_INLINE),
        (
            {"text": "a", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        ({"text": "a", "parse_mode": "BBCode"}, "Bad Request: unsupported parse_mode"),
        (
            {"text": "a", "reply_parameters": {"message_id": 99}},
            "Bad Request: message to be replied not found",
        ),
    ],
)
def test_send_message_rejections(server, params, description):
    server.user(7)
    status, body = api(server, "sendMessage", chat_id=7, **params)
    assert status == 400
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith(description)
    assert [m for m, _ in server.rejected] == ["sendMessage"]
    assert server.messages(7) == []


def test_limits_count_text_after_parsing(server):
    server.user(7)
    # 4096 visible characters wrapped in tags and entities are fine...
    status, body = api(
        server, "sendMessage", chat_id=7, parse_mode="HTML", text="<b>" + "&amp;" * 4096 + "</b>"
    )
    assert status == 200 and len(body["result"]["text"]) == 4096
    # ...and so are exactly 64 bytes of callback_data, multi-byte or not.
    status, _ = api(
        server,
        "sendMessage",
        chat_id=7,
        text="ok",
        reply_markup=keyboard(("a", "é" * 32), ("b", "x" * 64)),
    )
    assert status == 200
    assert server.rejected == []


def test_chat_not_found_and_never_started(server):
    status, body = api(server, "sendMessage", chat_id=555, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    server.user(9, started=False)
    status, body = api(server, "sendMessage", chat_id=9, text="hi")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


def test_unknown_method_bad_path_and_json_bodies(server):
    assert api(server, "sendSticker", chat_id=1)[1] == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found",
    }
    assert api(server, "getMe", token="1:nope")[1] == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    # The real API accepts JSON bodies too.
    server.user(7)
    request = urllib.request.Request(
        f"{server.url}{server.token}/sendMessage",
        data=json.dumps({"chat_id": 7, "text": "json body"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["result"]["text"] == "json body"


# ---------------------------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------------------------


def test_per_chat_timeline_and_rate_measure(server):
    server.user(7)
    server.user(8)
    for text in ("a", "b", "c"):
        api(server, "sendMessage", chat_id=7, text=text)
    api(server, "sendMessage", chat_id=8, text="other")
    assert server.max_per_chat_rate(7) == 3
    assert server.max_per_chat_rate(8) == 1
    assert [m for _, m in server.timeline(7)] == ["sendMessage"] * 3
    gap = server.min_interval(7)
    assert gap is not None and gap < 1.0
    assert server.min_interval(8) is None


def test_paced_edits_measure_one_per_second(server):
    server.user(7)
    _, body = api(server, "sendMessage", chat_id=7, text="Rep 1")
    mid = body["result"]["message_id"]
    for n in (2, 3):
        time.sleep(1.02)
        api(server, "editMessageText", chat_id=7, message_id=mid, text=f"Rep {n}")
    assert server.max_per_chat_rate(7, window=1.0) == 1
    assert server.max_per_chat_rate(7, window=2.5) == 3
    assert server.min_interval(7) >= 1.0


def test_global_and_per_chat_rate_limits_answer_429():
    fake = FakeBotServer(global_rate=3)
    fake.start()
    try:
        for uid in (1, 2, 3, 4):
            fake.user(uid)
        assert [api(fake, "sendMessage", chat_id=uid, text="hi")[0] for uid in (1, 2, 3)] == [
            200
        ] * 3
        status, body = api(fake, "sendMessage", chat_id=4, text="hi")
        assert status == 429
        assert body["parameters"]["retry_after"] >= 1
        assert (
            body["description"]
            == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
        )
        time.sleep(1.05)
        assert api(fake, "sendMessage", chat_id=4, text="hi")[0] == 200
    finally:
        fake.stop()

    fake = FakeBotServer(per_chat_rate=1)
    fake.start()
    try:
        fake.user(1)
        fake.user(2)
        assert api(fake, "sendMessage", chat_id=1, text="a")[0] == 200
        assert api(fake, "sendMessage", chat_id=1, text="b")[0] == 429
        assert api(fake, "sendMessage", chat_id=2, text="c")[0] == 200
        assert [m.text for m in fake.messages(1)] == ["a"]
    finally:
        fake.stop()


# ---------------------------------------------------------------------------------------------
# getUpdates: offsets, long polling, conflicts, webhooks
# ---------------------------------------------------------------------------------------------


def test_updates_have_increasing_ids_and_offset_confirms(server):
    user = server.user(7, "Ann")
    first = user.send("/start medial")
    second = user.send("hello")
    assert second > first
    status, body = api(server, "getUpdates")
    updates = body["result"]
    assert status == 200 and len(updates) == 2
    ids = [u["update_id"] for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 2
    message = updates[0]["message"]
    assert message["text"] == "/start medial"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["first_name"] == "Ann" and message["chat"]["type"] == "private"
    assert "entities" not in updates[1]["message"]
    # Without an offset nothing is confirmed; an offset drops everything below it.
    assert len(api(server, "getUpdates")[1]["result"]) == 2
    assert [u["update_id"] for u in api(server, "getUpdates", offset=ids[1])[1]["result"]] == [
        ids[1]
    ]
    assert api(server, "getUpdates", offset=ids[1] + 1)[1]["result"] == []
    assert server.pending_updates() == 0
    # limit and negative offsets behave like Telegram's.
    for text in "abc":
        user.send(text)
    assert len(api(server, "getUpdates", limit=2)[1]["result"]) == 2
    assert [u["message"]["text"] for u in api(server, "getUpdates", offset=-1)[1]["result"]] == [
        "c"
    ]


def test_long_poll_returns_as_soon_as_an_update_arrives(server):
    user = server.user(7)
    timer = threading.Timer(0.3, user.send, args=("late",))
    timer.start()
    began = time.monotonic()
    _, body = api(server, "getUpdates", timeout=5)
    elapsed = time.monotonic() - began
    assert [u["message"]["text"] for u in body["result"]] == ["late"]
    assert 0.25 <= elapsed < 2.0
    began = time.monotonic()
    _, body = api(server, "getUpdates", timeout=1, offset=body["result"][0]["update_id"] + 1)
    assert body["result"] == [] and 0.9 <= time.monotonic() - began < 3


def test_second_poller_terminates_the_first_with_409(server):
    results: list[tuple[int, Any]] = []
    poller = threading.Thread(target=lambda: results.append(api(server, "getUpdates", timeout=5)))
    poller.start()
    server.wait_for_call("getUpdates")
    time.sleep(0.1)
    began = time.monotonic()
    assert api(server, "getUpdates")[0] == 200
    poller.join(timeout=5)
    status, body = results[0]
    assert status == 409 and body["description"].startswith(
        "Conflict: terminated by other getUpdates"
    )
    assert time.monotonic() - began < 2
    assert server.conflicts == 1 and server.rejected == []


def test_allowed_updates_filters_and_stop_wakes_pollers():
    fake = FakeBotServer()
    fake.start()
    user = fake.user(7)
    user.send("text")
    fake.block(7)
    _, body = api(fake, "getUpdates", allowed_updates=["my_chat_member"])
    assert [next(k for k in u if k != "update_id") for u in body["result"]] == ["my_chat_member"]
    results: list[Any] = []
    poller = threading.Thread(
        target=lambda: results.append(
            api(fake, "getUpdates", timeout=30, offset=body["result"][0]["update_id"] + 1)
        )
    )
    poller.start()
    fake.wait_for_call("getUpdates", after=1)
    began = time.monotonic()
    fake.stop()
    poller.join(timeout=5)
    assert not poller.is_alive() and time.monotonic() - began < 5


def test_block_sends_my_chat_member_and_403_until_the_user_comes_back(server):
    user = server.user(7)
    server.block(7)
    assert user.blocked
    _, body = api(server, "getUpdates")
    update = Update.de_json(body["result"][-1], Bot(server.token))
    assert update is not None and update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == ChatMemberStatus.BANNED
    assert update.my_chat_member.old_chat_member.status == ChatMemberStatus.MEMBER
    status, body = api(server, "sendMessage", chat_id=7, text="reminder")
    assert (status, body["description"]) == (403, BLOCKED)
    assert server.injected == [("sendMessage", 403, BLOCKED)]
    assert server.rejected == []
    # Writing to the bot again means the user unblocked it (clients do that on "Restart").
    user.send("/start")
    assert not user.blocked
    kinds = [next(k for k in u if k != "update_id") for u in api(server, "getUpdates")[1]["result"]]
    assert kinds[-2:] == ["my_chat_member", "message"]
    assert api(server, "sendMessage", chat_id=7, text="welcome back")[0] == 200


def test_webhook_mode_pushes_updates_and_blocks_getupdates(server):
    received: list[tuple[dict[str, Any], str | None]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((json.loads(body), self.headers.get("X-Telegram-Bot-Api-Secret-Token")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{hook.server_address[1]}/hook"
        assert api(server, "setWebhook", url=url, secret_token="s3cret")[0] == 200
        assert api(server, "getUpdates")[0] == 409
        server.user(7).send("via webhook")
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert received[0][0]["message"]["text"] == "via webhook"
        assert received[0][1] == "s3cret"
        assert server.pending_updates() == 0
        assert api(server, "deleteWebhook")[0] == 200
        assert api(server, "getUpdates")[0] == 200
    finally:
        hook.shutdown()
        hook.server_close()


def test_delete_webhook_can_drop_pending_updates(server):
    server.user(7).send("old")
    api(server, "deleteWebhook", drop_pending_updates=True)
    assert api(server, "getUpdates")[1]["result"] == []


# ---------------------------------------------------------------------------------------------
# The user-side API
# ---------------------------------------------------------------------------------------------


def test_message_ids_are_shared_per_chat_and_increase(server):
    a, b = server.user(1), server.user(2)
    ids = [a.send("x")]
    ids.append(api(server, "sendMessage", chat_id=1, text="y")[1]["result"]["message_id"])
    ids.append(a.send("z"))
    assert ids == [1, 2, 3]
    assert b.send("first in another chat") == 1


def test_press_needs_the_button_on_the_current_markup(server):
    user = server.user(7)
    buttons = [
        {"text": "Go", "callback_data": "go"},
        {"text": "Docs", "url": "https://example.org"},
    ]
    _, body = api(
        server, "sendMessage", chat_id=7, text="Go?", reply_markup={"inline_keyboard": [buttons]}
    )
    mid = body["result"]["message_id"]
    msg = user.last()
    assert msg.buttons[0][1].url == "https://example.org"
    assert msg.button_data == ["go"] and msg.has_button("Go") and msg.has_button("go")
    with pytest.raises(AssertionError, match="no button 'Stop'"):
        user.press(msg, "Stop")
    with pytest.raises(AssertionError, match="not a callback button"):
        user.press(msg, "Docs")
    # After an edit removes the keyboard, the stale snapshot's button can't be pressed.
    api(server, "editMessageText", chat_id=7, message_id=mid, text="Going")
    with pytest.raises(AssertionError, match="no button 'Go'"):
        user.press(msg, "Go")
    with pytest.raises(AssertionError, match="not in chat"):
        user.press(99, "Go")

    query_id = user.forge_callback(mid, "delete:other-user")
    forged_unknown = user.forge_callback(4242, "x")
    updates = api(server, "getUpdates")[1]["result"]
    queries = [u["callback_query"] for u in updates]
    assert [q["id"] for q in queries] == [query_id, forged_unknown]
    assert queries[0]["data"] == "delete:other-user" and queries[0]["message"]["text"] == "Going"
    assert queries[1]["message"]["date"] == 0  # an inaccessible message, as Telegram sends
    parsed = Update.de_json(updates[1], Bot(server.token))
    assert parsed.callback_query is not None and parsed.callback_query.message is not None
    assert parsed.callback_query.message.message_id == 4242


def test_press_by_label_or_data_produces_callback_query(server):
    user = server.user(7)
    api(
        server,
        "sendMessage",
        chat_id=7,
        text="Pick",
        reply_markup=keyboard(("Left", "leg:l"), ("Right", "leg:r")),
    )
    first = user.press(user.last(), "Right")
    second = user.press(user.last().message_id, "leg:l")
    assert first != second
    data = [u["callback_query"]["data"] for u in api(server, "getUpdates")[1]["result"]]
    assert data == ["leg:r", "leg:l"]


def test_send_location(server):
    user = server.user(7)
    user.send_location(52.52, 13.405)
    message = api(server, "getUpdates")[1]["result"][0]["message"]
    assert message["location"] == {"latitude": 52.52, "longitude": 13.405}
    assert "text" not in message


def test_wait_for_blocks_until_an_edit_matches_and_respects_since(server):
    user = server.user(7)
    _, body = api(server, "sendMessage", chat_id=7, text="Rep 1/10")
    mid = body["result"]["message_id"]
    mark = user.mark()
    assert user.wait_for("Rep 1/10").message_id == mid
    with pytest.raises(AssertionError, match="timed out"):
        user.wait_for("Rep 1/10", timeout=0.2, since=mark)
    threading.Timer(
        0.2,
        api,
        args=(server, "editMessageText"),
        kwargs={"chat_id": 7, "message_id": mid, "text": "hold… 2"},
    ).start()
    began = time.monotonic()
    found = user.wait_for(lambda m: m.text.startswith("hold"), timeout=5, since=mark)
    assert found.message_id == mid and found.edits[-1][1] == "hold… 2"
    assert time.monotonic() - began < 2


async def test_await_for_does_not_block_the_event_loop(server):
    user = server.user(7)

    async def send_later() -> None:
        await asyncio.sleep(0.2)
        await asyncio.to_thread(api, server, "sendMessage", chat_id=7, text="later")

    task = asyncio.create_task(send_later())
    found = await user.await_for("later", timeout=5)
    await task
    assert found.text == "later"


def test_last_without_messages_is_a_clear_failure(server):
    with pytest.raises(AssertionError, match="sent nothing to chat 7"):
        server.user(7).last()


# ---------------------------------------------------------------------------------------------
# A tiny PTB Application polling the server
# ---------------------------------------------------------------------------------------------


async def test_ptb_application_long_polls_handles_and_confirms_offsets(server):
    user = server.user(7, "Ann <Admin>")
    handled: list[int] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)
        assert update.effective_user is not None and update.message is not None
        name = html.escape(update.effective_user.first_name)
        await update.message.reply_html(
            f"Hello <b>{name}</b>, args={context.args}",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)
        assert update.callback_query is not None
        await update.callback_query.answer("Started")
        await update.callback_query.edit_message_text("Set 1 of 3")

    def build() -> Application[Any, Any, Any, Any, Any, Any]:
        app = ApplicationBuilder().token(server.token).base_url(server.url).build()
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(pressed))
        return app

    app = build()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        began = time.monotonic()
        user.send("/start medial")
        greeting = await user.await_for("Hello Ann <Admin>", timeout=10)
        # Long polling: the reply comes well before the 5 s poll timeout.
        assert time.monotonic() - began < 3
        assert greeting.text == "Hello Ann <Admin>, args=['medial']"
        query_id = user.press(greeting, "Go")
        await user.await_for(lambda m: m.text == "Set 1 of 3", timeout=10)
        for _ in range(100):
            if user.callback_answer(query_id):
                break
            await asyncio.sleep(0.02)
        assert user.callback_answer(query_id)["text"] == "Started"
        await app.updater.stop()
        await app.stop()
    assert len(handled) == 2
    # PTB confirms the last batch on shutdown: nothing is delivered twice after a restart.
    assert server.pending_updates() == 0

    app = build()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        user.send("/start again")
        await user.await_for("args=['again']", timeout=10)
        await app.updater.stop()
        await app.stop()
    assert len(handled) == 3 and handled == sorted(handled)
    assert server.rejected == []


# ---------------------------------------------------------------------------------------------
# The e2e harness, with a stand-in for bot.py that reads the same environment
# ---------------------------------------------------------------------------------------------

STAND_IN_BOT = """
import os, sys
from telegram.ext import ApplicationBuilder, CommandHandler

async def start(update, context):
    await update.message.reply_text("pong " + os.environ["DATABASE_PATH"])

if os.environ.get("EXIT_AT_ONCE"):
    print("no token for you", flush=True)
    sys.exit(3)
print("log level", os.environ["LOG_LEVEL"], flush=True)
if os.environ.get("LEAK"):
    print("url", os.environ["TELEGRAM_API_BASE_URL"] + os.environ["TELEGRAM_BOT_TOKEN"], flush=True)
app = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
       .base_url(os.environ["TELEGRAM_API_BASE_URL"]).build())
app.add_handler(CommandHandler("start", start))
app.run_polling(poll_interval=0.0, timeout=2)
print("stopped cleanly", flush=True)
"""


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    script = tmp_path / "stand_in_bot.py"
    script.write_text(STAND_IN_BOT)
    return script


def test_bot_process_env_ready_stop_and_logs(server, tmp_path, stand_in):
    db = tmp_path / "coach.sqlite3"
    proc = BotProcess(server, db, {"EXTRA": "1"}, script=stand_in)
    assert proc.env()["TELEGRAM_API_BASE_URL"] == server.url
    assert proc.env()["EXTRA"] == "1"
    proc.start()
    try:
        call = proc.wait_ready(timeout=30)
        assert call.method == "getUpdates"
        user = server.user(7)
        user.send("/start")
        assert user.wait_for("pong", timeout=15).text == f"pong {db}"
        code, seconds = proc.stop(timeout=15)
    finally:
        if proc.running:
            proc.kill()
    assert code == 0 and seconds < 10
    assert "log level DEBUG" in proc.logs() and "stopped cleanly" in proc.logs()
    proc.assert_token_not_logged()


def test_bot_process_kill_and_early_exit(server, tmp_path, stand_in):
    proc = BotProcess(server, tmp_path / "db.sqlite3", {"LEAK": "1"}, script=stand_in).start()
    try:
        proc.wait_ready(timeout=30)
        with pytest.raises(AssertionError, match="token appears in the logs"):
            proc.assert_token_not_logged()
        assert proc.kill() == -9
        assert not proc.running
    finally:
        if proc.running:
            proc.kill()

    early = BotProcess(
        server, tmp_path / "db.sqlite3", {"EXIT_AT_ONCE": "1"}, script=stand_in
    ).start()
    with pytest.raises(AssertionError, match=r"exited with 3 before polling:\n.*no token for you"):
        early.wait_ready(timeout=30)
    assert early.returncode == 3
