"""A local fake of the Telegram Bot API on 127.0.0.1 for the demo, end-to-end tests and benchmarks.

Standard library only. It speaks the wire format python-telegram-bot uses (form-encoded or
multipart POSTs to ``/bot<token>/<method>``, non-string values JSON-encoded), answers with the
objects the real API returns, and enforces the parts of Telegram's contract that bite bots in
production: text lengths after HTML parsing, well-formed HTML with only Telegram's tags,
callback_data sizes, "message is not modified", per-chat and global rates, blocked users.
It can also misbehave like the real service: injected errors, a seeded fault mode (5xx and
timeouts at a rate), redelivery of confirmed updates, and a webhook that pushes updates.
A thread-safe user-side API (FakeUser) plays the person at the other end of the chat.
"""

from fakeapi.entities import parse_html, utf16_len
from fakeapi.errors import (
    ACCEPTED_NOOPS,
    BAD_MARKUP,
    BLOCKED,
    BUTTON_DATA_INVALID,
    BUTTON_TEXT_INVALID,
    BUTTON_URL_INVALID,
    CAPTION_TOO_LONG,
    CHAT_ACTIONS,
    CHAT_NOT_FOUND,
    DEFAULT_TOKEN,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    JSON,
    MAX_CALLBACK_ANSWER,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    MESSAGE_METHODS,
    MUST_BE_NON_EMPTY,
    NOT_MODIFIED,
    POLL_CONFLICT,
    QUERY_INVALID,
    TEXT_BUTTON_IN_INLINE,
    TEXT_EMPTY,
    TOO_LONG,
    UPDATE_TYPES_DEFAULT,
    WEBHOOK_CONFLICT,
    ApiError,
    EntityParseError,
    bad_request,
)
from fakeapi.models import BotMessage, Button, Call
from fakeapi.server import FakeBotServer
from fakeapi.user import FakeUser
from fakeapi.wire import Upload

__all__ = [
    "ACCEPTED_NOOPS",
    "BAD_MARKUP",
    "BLOCKED",
    "BUTTON_DATA_INVALID",
    "BUTTON_TEXT_INVALID",
    "BUTTON_URL_INVALID",
    "CAPTION_TOO_LONG",
    "CHAT_ACTIONS",
    "CHAT_NOT_FOUND",
    "DEFAULT_TOKEN",
    "DELETE_NOT_FOUND",
    "EDIT_NOT_FOUND",
    "JSON",
    "MAX_CALLBACK_ANSWER",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_TEXT",
    "MESSAGE_METHODS",
    "MUST_BE_NON_EMPTY",
    "NOT_MODIFIED",
    "POLL_CONFLICT",
    "QUERY_INVALID",
    "TEXT_BUTTON_IN_INLINE",
    "TEXT_EMPTY",
    "TOO_LONG",
    "UPDATE_TYPES_DEFAULT",
    "WEBHOOK_CONFLICT",
    "ApiError",
    "BotMessage",
    "Button",
    "Call",
    "EntityParseError",
    "FakeBotServer",
    "FakeUser",
    "Upload",
    "bad_request",
    "parse_html",
    "utf16_len",
]
