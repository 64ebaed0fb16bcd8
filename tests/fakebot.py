"""A local fake of the Telegram Bot API on 127.0.0.1 for end-to-end tests and benchmarks.

Standard library only. It speaks the wire format python-telegram-bot uses (form-encoded or
multipart POSTs to ``/bot<token>/<method>``, non-string values JSON-encoded), answers with the
objects the real API returns, and enforces the parts of Telegram's contract that bite bots in
production: text lengths after HTML parsing, well-formed HTML with only Telegram's tags,
callback_data sizes, "message is not modified", per-chat and global rates, blocked users.
A thread-safe user-side API plays the person at the other end of the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
TEXT_EMPTY = "Bad Request: message text is empty"
MUST_BE_NON_EMPTY = "Bad Request: message must be non-empty"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID = "Bad Request: BUTTON_TEXT_INVALID"
BUTTON_URL_INVALID = "Bad Request: BUTTON_URL_INVALID"
TEXT_BUTTON_IN_INLINE = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)
BAD_MARKUP = "Bad Request: can't parse reply keyboard markup JSON object"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)

# Methods whose successful calls count as a "message" for Telegram's flood limits.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "sendPhoto",
        "sendDocument",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Harmless configuration methods a bot may call at start-up; recorded, answered `true`.
ACCEPTED_NOOPS = frozenset(
    {
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "setChatMenuButton",
        "setMyDefaultAdministratorRights",
        "close",
        "logOut",
    }
)
UPDATE_TYPES_DEFAULT = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "my_chat_member",
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "chat_join_request",
    }
)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    """A Bot API error response; `kind` says which list of the server records it."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        kind: str = "contract",
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.kind = kind

    def payload(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class EntityParseError(ValueError):
    """HTML that Telegram's entity parser refuses; the message is Telegram's wording."""


def bad_request(description: str) -> ApiError:
    """A 400 contract violation."""
    return ApiError(400, description)


# ---------------------------------------------------------------------------------------------
# HTML parse mode: follows the rules of tdlib's parse_html (the parser behind the Bot API)
# ---------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
# tdlib's is_space also treats the terminating NUL as space; we model "past the end" as 0.
_SPACE_BYTES = frozenset(b" \t\r\n\x0b\x00")
_ENTITY_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_DOMAINISH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(?:[:/?#].*)?$")


def _decode_entity(b: bytes, pos: int) -> tuple[str, int] | None:
    """Decode an HTML character reference at b[pos] == '&' the way Telegram does, or None."""
    n = len(b)

    def at(i: int) -> int:
        return b[i] if i < n else 0

    end = pos + 1
    if at(end) == ord("#"):
        end += 1
        code = 0
        if at(end) == ord("x"):
            end += 1
            while at(end) and chr(at(end)) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(at(end)), 16)
                end += 1
        else:
            while ord("0") <= at(end) <= ord("9"):
                code = code * 10 + at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while chr(at(end)).isascii() and chr(at(end)).isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(b[pos + 1 : end])
        if named is None:
            return None
        char = named
    if at(end) == ord(";"):
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    """A link Telegram would keep for <a href>, or None (Telegram drops the entity silently)."""
    url = url.strip()
    if not url:
        return None
    scheme, sep, _ = url.partition("://")
    if sep:
        return url if scheme.lower() in {"http", "https", "tg", "ton"} else None
    if _DOMAINISH.match(url):
        return "http://" + url
    return None


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (plain text, MessageEntity dicts) or raise EntityParseError.

    With strict=True a '&' that doesn't start a recognised character reference is an error too;
    the real server shows it literally, which hides missing html.escape() on echoed user text.
    """
    b = source.encode("utf-8")
    n = len(b)

    def at(i: int) -> int:
        return b[i] if i < n else 0

    out = bytearray()
    utf16 = 0
    entities: list[JSON] = []
    # (tag, argument, utf16 offset at start, byte offset in `out` at start)
    stack: list[tuple[str, str, int, int]] = []
    has_surrogate = False
    i = 0
    while i < n:
        c = b[i]
        if c == ord("&"):
            decoded = _decode_entity(b, i)
            if decoded is not None:
                char, i = decoded
                if 0xD800 <= ord(char) <= 0xDFFF:
                    has_surrogate = True
                    char = "\ufffd"
                out += char.encode("utf-8")
                utf16 += 2 if ord(char) > 0xFFFF else 1
                continue
            if strict:
                raise EntityParseError(
                    f'Character "&" at byte offset {i} is not part of a character reference; '
                    "escape it as &amp; (fake server strict mode)"
                )
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue

        begin = i
        i += 1
        if at(i) != ord("/"):
            while at(i) not in _SPACE_BYTES and at(i) != ord(">"):
                i += 1
            if at(i) == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = b[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != ord(">"):
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) == ord(">"):
                    break
                attr_begin = i
                while at(i) not in _SPACE_BYTES and at(i) != ord("=") and at(i) != ord(">"):
                    i += 1
                attr = b[attr_begin:i].decode("utf-8", "replace")
                if not attr:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) != ord("="):
                    if tag == "blockquote" and attr == "expandable":
                        argument = "1"
                        continue
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while at(i) != 0 and at(i) in _SPACE_BYTES:
                    i += 1
                if at(i) == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if at(i) not in (ord("'"), ord('"')):
                    token_begin = i
                    while chr(at(i)).isascii() and (chr(at(i)).isalnum() or at(i) in b".-"):
                        i += 1
                    value += b[token_begin:i].lower()
                    if at(i) not in _SPACE_BYTES and at(i) != ord(">"):
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    while at(i) != quote and at(i) != 0:
                        if at(i) == ord("&"):
                            decoded = _decode_entity(b, i)
                            if decoded is not None:
                                value += decoded[0].encode("utf-8")
                                i = decoded[1]
                                continue
                        value.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                if at(i) == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                text_value = value.decode("utf-8", "replace")
                if tag == "a" and attr == "href":
                    argument = text_value
                elif tag == "code" and attr == "class" and text_value.startswith("language-"):
                    argument = text_value[len("language-") :]
                elif tag == "span" and attr == "class" and text_value.startswith("tg-"):
                    argument = text_value[len("tg-") :]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = text_value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append((tag, argument, utf16, len(out)))
            i += 1  # past '>'
            continue

        # an end tag
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        while at(i) not in _SPACE_BYTES and at(i) != ord(">"):
            i += 1
        end_tag = b[begin + 2 : i].decode("utf-8", "replace").lower()
        while at(i) != 0 and at(i) in _SPACE_BYTES:
            i += 1
        if at(i) != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        tag, argument, start, out_start = stack.pop()
        if end_tag and end_tag != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > start:
            entity = _entity_for(
                tag, argument, start, utf16 - start, bytes(out[out_start:]), entities
            )
            if entity is not None:
                entities.append(entity)
    if stack:
        raise EntityParseError(f"Can't find end tag corresponding to start tag {stack[-1][0]}")
    if has_surrogate:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"], _ENTITY_PRIORITY.get(e["type"], 50)))
    return out.decode("utf-8"), entities


def _entity_for(
    tag: str, argument: str, offset: int, length: int, inner: bytes, done: list[JSON]
) -> JSON | None:
    """The MessageEntity for a closed tag (may merge <pre><code class> pairs in `done`)."""
    simple = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
    }
    if tag in simple:
        return {"type": simple[tag], "offset": offset, "length": length}
    if tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": argument,
        }
    if tag == "a":
        url = _checked_link(argument or inner.decode("utf-8", "replace"))
        if url is None:
            return None
        return {"type": "text_link", "offset": offset, "length": length, "url": url}
    last = done[-1] if done else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            done.pop()
            return {"type": "pre", "offset": offset, "length": length, "language": last["language"]}
        return {"type": "pre", "offset": offset, "length": length}
    # tag == "code"
    if last is not None and same_span and last["type"] == "pre" and argument:
        last["language"] = argument
        return None
    entity: JSON = {"type": "code", "offset": offset, "length": length}
    if argument:
        entity["language"] = argument  # dropped below unless a <pre> claims it
    return entity


def _finish_entities(entities: list[JSON]) -> list[JSON]:
    """Drop the temporary language on plain <code> entities (Telegram does the same)."""
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return entities


# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one message the bot sent to a chat, as the user's client shows it."""

    chat_id: int
    message_id: int
    kind: str  # "text", "photo" or "document"
    text: str  # plain text (or caption) after entity parsing
    html: str  # what the bot sent, before parsing
    entities: tuple[JSON, ...]
    reply_markup: JSON | None  # the current inline keyboard, if any
    reply_keyboard: JSON | None  # a reply keyboard / remove / force_reply sent with it
    history: tuple[tuple[float, str], ...]  # (monotonic seconds, text): original, then edits
    photo: bytes | None
    document: bytes | None
    filename: str | None
    mime_type: str | None
    deleted: bool
    date: int
    sent_at: float
    seq: int  # server-wide change counter of its last change (see FakeUser.mark)

    @property
    def edits(self) -> tuple[tuple[float, str], ...]:
        """Edit history without the original send: (monotonic seconds, text)."""
        return self.history[1:]

    @property
    def buttons(self) -> list[list[Button]]:
        """Rows of inline buttons on the current markup."""
        return _buttons_of(self.reply_markup)

    @property
    def button_texts(self) -> list[str]:
        """Labels of every inline button, row by row."""
        return [b.text for row in self.buttons for b in row]

    @property
    def button_data(self) -> list[str]:
        """callback_data of every callback button, row by row."""
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]

    def has_button(self, text_or_data: str) -> bool:
        """Whether a button with this label or callback_data is on the current markup."""
        return _find_button(self.reply_markup, text_or_data) is not None

    def seen(self, fragment: str) -> bool:
        """Whether any version of the text (original or an edit) contained `fragment`."""
        return any(fragment in text for _, text in self.history)

    @property
    def caption(self) -> str:
        """The caption of a photo or document (same as text)."""
        return self.text


@dataclass
class Call:
    """One request the server received."""

    method: str
    params: JSON
    at: float  # monotonic seconds
    status: int | None = None
    description: str | None = None


@dataclass
class _File:
    file_id: str
    unique_id: str
    content: bytes | None
    filename: str | None
    mime_type: str | None
    url: str | None = None
    width: int = 0
    height: int = 0


@dataclass
class _Msg:
    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    kind: str
    sent_at: float
    seq: int
    sender: JSON
    text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    raw: str = ""
    caption_text: str | None = None
    reply_markup: JSON | None = None
    reply_keyboard: JSON | None = None
    file: _File | None = None
    location: tuple[float, float] | None = None
    history: list[tuple[float, str]] = field(default_factory=list)
    deleted: bool = False
    edit_date: int | None = None
    reply_to: int | None = None


@dataclass
class _Injection:
    method: str
    code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | None
    delay: float = 0.0  # for delay_next: answer late but deliver


@dataclass
class _CallbackQuery:
    query_id: str
    user_id: int
    created: float
    data: str
    answered: bool = False
    answer: JSON | None = None


@dataclass
class _Chat:
    user: FakeUser
    blocked: bool = False
    started: bool = True
    next_message_id: int = 1


def _buttons_of(markup: JSON | None) -> list[list[Button]]:
    if not markup:
        return []
    rows: list[list[Button]] = []
    for row in markup.get("inline_keyboard", []):
        rows.append(
            [
                Button(
                    text=str(b.get("text", "")),
                    callback_data=b.get("callback_data") or None,
                    url=b.get("url"),
                )
                for b in row
            ]
        )
    return rows


def _find_button(markup: JSON | None, text_or_data: str) -> Button | None:
    buttons = [b for row in _buttons_of(markup) for b in row]
    for b in buttons:
        if b.text == text_or_data:
            return b
    for b in buttons:
        if b.callback_data is not None and b.callback_data == text_or_data:
            return b
    return None


def _image_size(content: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG/JPEG/GIF/WEBP/BMP, size 0x0 when not cheaply known."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return "png", int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg", 0, 0
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return (
            "gif",
            int.from_bytes(content[6:8], "little"),
            int.from_bytes(content[8:10], "little"),
        )
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp", 0, 0
    if content[:2] == b"BM" and len(content) >= 26:
        return (
            "bmp",
            int.from_bytes(content[18:22], "little"),
            int.from_bytes(content[22:26], "little"),
        )
    return None


# ---------------------------------------------------------------------------------------------
# Request decoding
# ---------------------------------------------------------------------------------------------


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content: bytes
    content_type: str | None


def _parse_multipart(content_type: str, body: bytes) -> tuple[JSON, dict[str, Upload]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("Bad Request: invalid multipart/form-data request")
    delimiter = b"--" + match.group(1).encode("latin-1")
    params: JSON = {}
    files: dict[str, Upload] = {}
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name_match = re.search(r'(?:^|;)\s*name="([^"]*)"', disposition)
        if name_match is None:
            continue
        file_match = re.search(r'filename="([^"]*)"', disposition)
        file_star = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
        name = name_match.group(1)
        if file_match is not None or file_star is not None:
            filename = (
                urllib.parse.unquote(file_star.group(1))
                if file_star is not None
                else file_match.group(1)
                if file_match is not None
                else None
            )
            files[name] = Upload(filename, content, headers.get("content-type"))
        else:
            params[name] = content.decode("utf-8")
    return params, files


def _decode_body(content_type: str, body: bytes, query: str) -> tuple[JSON, dict[str, Upload]]:
    params: JSON = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    files: dict[str, Upload] = {}
    ctype = content_type.split(";")[0].strip().lower()
    if not body:
        return params, files
    if ctype == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise bad_request("Bad Request: can't parse JSON encoded request") from exc
        if not isinstance(decoded, dict):
            raise bad_request("Bad Request: can't parse JSON encoded request")
        params.update(decoded)
    elif ctype == "multipart/form-data":
        form, files = _parse_multipart(content_type, body)
        params.update(form)
    else:
        params.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params, files


def _int_param(params: JSON, name: str, *, missing: str | None = None) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad_request(missing or f"Bad Request: {name} is empty")
    if isinstance(value, bool):
        raise bad_request(f"Bad Request: wrong parameter {name}")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError as exc:
        if name == "chat_id":
            raise bad_request(CHAT_NOT_FOUND) from exc
        raise bad_request(f"Bad Request: wrong parameter {name}") from exc


def _opt_int(params: JSON, name: str) -> int | None:
    if params.get(name) in (None, ""):
        return None
    return _int_param(params, name)


def _json_param(params: JSON, name: str, error: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(error) from exc
    return value


def _bool_param(params: JSON, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, bool):
        return value
    return str(value).lower() in {"true", "1"}


def _str_param(params: JSON, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


# ---------------------------------------------------------------------------------------------
# The user side
# ---------------------------------------------------------------------------------------------


class FakeUser:
    """A person in a private chat with the bot (chat id == user id). Thread-safe."""

    def __init__(
        self,
        server: FakeBotServer,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    @property
    def chat_id(self) -> int:
        """The private chat's id (equal to the user id)."""
        return self.id

    def as_user(self) -> JSON:
        """The Telegram User object for this person."""
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def as_chat(self) -> JSON:
        """The Telegram Chat object for the private chat."""
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    @property
    def blocked(self) -> bool:
        """Whether this user has blocked the bot."""
        return self.server._chat(self.id).blocked

    # -- acting ---------------------------------------------------------------------------

    def send(self, text: str) -> int:
        """Send a text message to the bot; a leading /command gets a bot_command entity."""
        entities: list[JSON] = []
        match = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?=$|\s)", text)
        if match:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(match[0])})
        return self.server._user_message(
            self, {"text": text, **({"entities": entities} if entities else {})}
        )

    def send_location(self, latitude: float, longitude: float) -> int:
        """Share a location with the bot."""
        location = {"latitude": latitude, "longitude": longitude}
        return self.server._user_message(self, {"location": location})

    def press(self, message: BotMessage | int, text_or_data: str) -> str:
        """Press a callback button (by label or data) on a bot message's *current* keyboard.

        Fails with AssertionError, as a real client can't, if the button isn't there now.
        Returns the callback query id.
        """
        message_id = message if isinstance(message, int) else message.message_id
        return self.server._press(self, message_id, text_or_data, forge=False)

    def forge_callback(self, message_id: int, data: str) -> str:
        """Send arbitrary callback_data as if from a modified client (no button check)."""
        return self.server._press(self, message_id, data, forge=True)

    def callback_answer(self, query_id: str) -> JSON | None:
        """The answerCallbackQuery parameters the bot gave for this query, or None if none yet."""
        return self.server.callback_answer(query_id)

    # -- observing ------------------------------------------------------------------------

    def mark(self) -> int:
        """A cursor: pass as `since` to wait for messages sent or edited after this point."""
        return self.server._seq_now()

    def messages(self, *, include_deleted: bool = False) -> list[BotMessage]:
        """The bot's messages to this chat in order, with their current state."""
        return self.server._bot_messages(self.id, include_deleted=include_deleted)

    def last(self) -> BotMessage:
        """The bot's latest (not deleted) message in this chat; AssertionError if none."""
        msgs = self.messages()
        if not msgs:
            raise AssertionError(f"the bot has sent nothing to chat {self.id}")
        return msgs[-1]

    def texts(self) -> list[str]:
        """The current text of every bot message in this chat."""
        return [m.text for m in self.messages()]

    def wait_for(
        self,
        predicate: Callable[[BotMessage], bool] | str,
        timeout: float = 10.0,
        *,
        since: int | None = None,
    ) -> BotMessage:
        """Block until a bot message (or an edit) satisfies `predicate`; return the newest match.

        A string predicate means "the current text contains it". With `since` (from mark())
        only messages sent or edited after that point count. Raises AssertionError on timeout.
        """
        return self.server._wait_for_message(self.id, predicate, timeout, since)

    async def await_for(
        self,
        predicate: Callable[[BotMessage], bool] | str,
        timeout: float = 10.0,  # noqa: ASYNC109 - the wait runs in a thread, not on the loop
        *,
        since: int | None = None,
    ) -> BotMessage:
        """wait_for() for async tests: waits in a thread so the event loop keeps running."""
        return await asyncio.to_thread(self.wait_for, predicate, timeout, since=since)


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeBotServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; with Nagle's algorithm and the client's
        # delayed ACK every keep-alive request would stall ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fake._track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track_connection(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_POST(self) -> None:
        """Handle a Bot API call."""
        self._handle()

    def do_GET(self) -> None:
        """Handle a Bot API call made with GET and a query string."""
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        path, _, query = self.path.partition("?")
        status, payload, delay = self.server.fake._handle_http(
            path, self.headers.get("Content-Type", ""), body, query
        )
        if delay > 0:
            time.sleep(delay)
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            # The client went away (killed bot, timed-out request): nothing to deliver to.
            self.close_connection = True


class FakeBotServer:
    """The fake Bot API server: start() it, point a bot at its URL, play users against it."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        global_rate: int | None = None,
        per_chat_rate: int | None = None,
        strict_html: bool = True,
        callback_answer_timeout: float = 15.0,
        bot_first_name: str = "Medial coach",
        bot_username: str = "medial_bot",
        auto_create_chats: bool = False,
    ) -> None:
        self.token = token
        self.host = host
        self.global_rate = global_rate
        self.per_chat_rate = per_chat_rate
        self.strict_html = strict_html
        self.callback_answer_timeout = callback_answer_timeout
        self.auto_create_chats = auto_create_chats
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

        # Contract violations by the bot, as (method, description). Injected failures and
        # sends to blocked users are expected behaviour and go to `injected` instead.
        self.rejected: list[tuple[str, str]] = []
        self.injected: list[tuple[str, int, str]] = []
        self.conflicts = 0
        self.calls: list[Call] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.allowed_updates: list[str] | None = None

        self._cond = threading.Condition(threading.RLock())
        self._chats: dict[int, _Chat] = {}
        self._messages: dict[int, list[_Msg]] = {}
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(100_001)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._seq = 0
        self._queries: dict[str, _CallbackQuery] = {}
        self._files: dict[str, _File] = {}
        self._injections: list[_Injection] = []
        self._timeline: dict[int, list[tuple[float, str]]] = {}
        self._global_events: deque[float] = deque()
        self._chat_actions: dict[int, list[str]] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._poll_generation = 0
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook_thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.url = ""

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

    # -- users ----------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Ann",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        started: bool = True,
    ) -> FakeUser:
        """The user with this id (created on first call; later calls return the same one).

        started=False models someone who never opened the bot: sends to them get 403.
        """
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                person = FakeUser(self, user_id, first_name, last_name, username, language_code)
                chat = _Chat(user=person, started=started)
                self._chats[user_id] = chat
                self._messages[user_id] = []
            return chat.user

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends get 403 and a my_chat_member 'kicked' update queues."""
        with self._cond:
            chat = self._chat(user_id)
            if not chat.blocked:
                chat.blocked = True
                self._queue_member_update(chat.user, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (a my_chat_member 'member' update queues)."""
        with self._cond:
            chat = self._chat(user_id)
            if chat.blocked:
                chat.blocked = False
                self._queue_member_update(chat.user, "kicked", "member")

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no user {chat_id}; create one with server.user({chat_id})")
        return chat

    # -- failure injection ----------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        code: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `count` calls of `method` (or "*") fail with this error, undelivered."""
        if code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request",
                403: BLOCKED,
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                504: "Gateway Timeout",
            }.get(code) or HTTPStatus(code).phrase
        with self._cond:
            self._injections.append(
                _Injection(method, code, description, retry_after, count, chat_id)
            )

    def delay_next(
        self, method: str, seconds: float, *, count: int = 1, chat_id: int | None = None
    ) -> None:
        """Deliver the next `count` calls of `method` but answer only after `seconds`.

        Models a send that times out on the client yet reached the user.
        """
        with self._cond:
            self._injections.append(_Injection(method, 0, "", None, count, chat_id, seconds))

    def _take_injection(self, method: str, params: JSON) -> _Injection | None:
        chat_id: int | None
        try:
            chat_id = _opt_int(params, "chat_id")
        except ApiError:
            chat_id = None
        for inj in self._injections:
            if inj.method not in (method, "*"):
                continue
            if inj.chat_id is not None and inj.chat_id != chat_id:
                continue
            inj.remaining -= 1
            if inj.remaining <= 0:
                self._injections.remove(inj)
            return inj
        return None

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

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by an offset."""
        with self._cond:
            return len(self._updates)

    def callback_answer(self, query_id: str) -> JSON | None:
        """What the bot answered to a callback query (None if unanswered or unknown)."""
        with self._cond:
            query = self._queries.get(query_id)
            return copy.deepcopy(query.answer) if query and query.answered else None

    def unanswered_callbacks(self) -> list[str]:
        """Ids of callback queries the bot has not answered."""
        with self._cond:
            return [q.query_id for q in self._queries.values() if not q.answered]

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """The bot's messages to a chat (same as server.user(chat_id).messages())."""
        return self._bot_messages(chat_id, include_deleted=include_deleted)

    def file(self, file_id: str) -> bytes | None:
        """The bytes of a file the bot uploaded, by file_id."""
        with self._cond:
            stored = self._files.get(file_id)
            return stored.content if stored else None

    # -- internals: users' side -----------------------------------------------------------

    def _seq_now(self) -> int:
        with self._cond:
            return self._seq

    def _bump(self) -> int:
        self._seq += 1
        return self._seq

    def _queue_update(self, kind: str, payload: JSON) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: payload})
        self._cond.notify_all()
        return update_id

    def _queue_member_update(self, user: FakeUser, old: str, new: str) -> None:
        bot = self._bot_identity()
        new_member: JSON = {"user": bot, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        self._queue_update(
            "my_chat_member",
            {
                "chat": user.as_chat(),
                "from": user.as_user(),
                "date": int(time.time()),
                "old_chat_member": {
                    "user": bot,
                    "status": old,
                    **({"until_date": 0} if old == "kicked" else {}),
                },
                "new_chat_member": new_member,
            },
        )

    def _bot_identity(self) -> JSON:
        return {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

    def _user_message(self, user: FakeUser, content: JSON) -> int:
        with self._cond:
            chat = self._chat(user.id)
            if chat.blocked:
                # A blocked bot can't be written to; clients unblock first ("Restart").
                chat.blocked = False
                self._queue_member_update(user, "kicked", "member")
            chat.started = True
            message_id = chat.next_message_id
            chat.next_message_id += 1
            msg = _Msg(
                chat_id=user.id,
                message_id=message_id,
                from_bot=False,
                date=int(time.time()),
                kind="location" if "location" in content else "text",
                sent_at=time.monotonic(),
                seq=self._bump(),
                sender=user.as_user(),
                text=content.get("text"),
                entities=content.get("entities", []),
                location=(
                    (content["location"]["latitude"], content["location"]["longitude"])
                    if "location" in content
                    else None
                ),
            )
            self._messages[user.id].append(msg)
            self._queue_update("message", self._message_json(msg))
            return message_id

    def _press(self, user: FakeUser, message_id: int, text_or_data: str, *, forge: bool) -> str:
        with self._cond:
            self._chat(user.id)
            msg = self._find_message(user.id, message_id)
            if forge:
                data = text_or_data
            else:
                if msg is None or msg.deleted or not msg.from_bot:
                    raise AssertionError(
                        f"message {message_id} from the bot is not in chat {user.id}"
                    )
                button = _find_button(msg.reply_markup, text_or_data)
                if button is None:
                    labels = [
                        (b.text, b.callback_data) for r in _buttons_of(msg.reply_markup) for b in r
                    ]
                    raise AssertionError(
                        f"no button {text_or_data!r} on message {message_id} "
                        f"(current buttons: {labels})"
                    )
                if button.callback_data is None:
                    raise AssertionError(f"button {button.text!r} is not a callback button")
                data = button.callback_data
            query_id = f"{user.id}{next(self._query_ids):08d}"
            self._queries[query_id] = _CallbackQuery(query_id, user.id, time.monotonic(), data)
            if msg is not None and not msg.deleted and msg.from_bot:
                message_json = self._message_json(msg)
            else:
                message_json = {"chat": user.as_chat(), "message_id": message_id, "date": 0}
            self._queue_update(
                "callback_query",
                {
                    "id": query_id,
                    "from": user.as_user(),
                    "message": message_json,
                    "chat_instance": f"ci{user.id}",
                    "data": data,
                },
            )
            return query_id

    def _find_message(self, chat_id: int, message_id: int) -> _Msg | None:
        for msg in self._messages.get(chat_id, []):
            if msg.message_id == message_id:
                return msg
        return None

    def _snapshot(self, msg: _Msg) -> BotMessage:
        content = msg.file.content if msg.file else None
        return BotMessage(
            chat_id=msg.chat_id,
            message_id=msg.message_id,
            kind=msg.kind,
            text=(msg.text if msg.kind == "text" else msg.caption_text) or "",
            html=msg.raw,
            entities=tuple(copy.deepcopy(msg.entities)),
            reply_markup=copy.deepcopy(msg.reply_markup),
            reply_keyboard=copy.deepcopy(msg.reply_keyboard),
            history=tuple(msg.history),
            photo=content if msg.kind == "photo" else None,
            document=content if msg.kind == "document" else None,
            filename=msg.file.filename if msg.file else None,
            mime_type=msg.file.mime_type if msg.file else None,
            deleted=msg.deleted,
            date=msg.date,
            sent_at=msg.sent_at,
            seq=msg.seq,
        )

    def _bot_messages(self, chat_id: int, *, include_deleted: bool) -> list[BotMessage]:
        with self._cond:
            return [
                self._snapshot(m)
                for m in self._messages.get(chat_id, [])
                if m.from_bot and (include_deleted or not m.deleted)
            ]

    def _wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[BotMessage], bool] | str,
        timeout: float,
        since: int | None,
    ) -> BotMessage:
        check: Callable[[BotMessage], bool]
        if isinstance(predicate, str):
            fragment = predicate

            def check(m: BotMessage) -> bool:
                return fragment in m.text

        else:
            check = predicate
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in reversed(self._bot_messages(chat_id, include_deleted=False)):
                    if (since is None or m.seq > since) and check(m):
                        return m
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = [
                        m.text[:80] for m in self._bot_messages(chat_id, include_deleted=False)[-5:]
                    ]
                    what = repr(predicate) if isinstance(predicate, str) else "predicate"
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what} in chat {chat_id}; "
                        f"latest bot messages: {recent}; rejected calls: {self.rejected[-3:]}"
                    )
                self._cond.wait(remaining)

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
            delay = 0.0
            if injection is not None and injection.code:
                failure = ApiError(
                    injection.code,
                    injection.description,
                    retry_after=injection.retry_after,
                    kind="injected",
                )
                status, payload, _ = self._reject(method, failure)
            else:
                if injection is not None:
                    delay = injection.delay
                try:
                    result = self._dispatch(method, params, files)
                    status, payload = 200, {"ok": True, "result": result}
                except ApiError as err:
                    status, payload, _ = self._reject(method, err)
            call.status = status
            call.description = payload.get("description")
            self._cond.notify_all()
        return status, payload, delay

    def _reject(self, method: str, err: ApiError) -> tuple[int, JSON, float]:
        with self._cond:
            if err.kind == "contract":
                self.rejected.append((method, err.description))
            elif err.kind == "conflict":
                self.conflicts += 1
            else:
                self.injected.append((method, err.code, err.description))
        return err.code, err.payload(), 0.0

    def _dispatch(self, method: str, params: JSON, files: dict[str, Upload]) -> Any:
        handler = _METHODS.get(method)
        if handler is not None:
            return handler(self, params, files)
        if method in ACCEPTED_NOOPS:
            return True
        raise ApiError(404, "Not Found")

    # -- getUpdates and webhooks ----------------------------------------------------------

    def _get_updates(self, params: JSON) -> tuple[int, JSON]:
        try:
            offset = _opt_int(params, "offset")
            limit = _opt_int(params, "limit") or 100
            timeout = float(params.get("timeout") or 0)
            allowed = _json_param(
                params, "allowed_updates", "Bad Request: can't parse allowed updates"
            )
        except ApiError as err:
            status, payload, _ = self._reject("getUpdates", err)
            return status, payload
        limit = min(max(limit, 1), 100)
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._cond:
            if self.webhook_url is not None:
                status, payload, _ = self._reject("getUpdates", ApiError(409, WEBHOOK_CONFLICT))
                return status, payload
            if isinstance(allowed, list):
                self.allowed_updates = [str(a) for a in allowed] or None
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            if offset is not None:
                self._confirm(offset)
            while True:
                if self._poll_generation != generation:
                    conflict = ApiError(409, POLL_CONFLICT, kind="conflict")
                    status, payload, _ = self._reject("getUpdates", conflict)
                    return status, payload
                batch = self._deliverable(limit)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._stopping:
                    return 200, {"ok": True, "result": copy.deepcopy(batch)}
                self._cond.wait(remaining)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
            return
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()

    def _wanted(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        wanted = set(self.allowed_updates) if self.allowed_updates else UPDATE_TYPES_DEFAULT
        return kind in wanted

    def _deliverable(self, limit: int) -> list[JSON]:
        # Updates the bot didn't subscribe to are dropped for good, as Telegram does.
        kept: deque[JSON] = deque(u for u in self._updates if self._wanted(u))
        self._updates = kept
        return list(itertools.islice(kept, limit))

    def _start_webhook_pusher(self) -> None:
        if self._webhook_thread is not None and self._webhook_thread.is_alive():
            return
        self._webhook_thread = threading.Thread(
            target=self._push_webhooks, daemon=True, name="fakebot-webhook"
        )
        self._webhook_thread.start()

    def _push_webhooks(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (self.webhook_url is None or not self._updates):
                    self._cond.wait(0.5)
                if self._stopping or self.webhook_url is None:
                    return
                update = copy.deepcopy(self._updates[0])
                url, secret = self.webhook_url, self.webhook_secret
            request = urllib.request.Request(
                url,
                data=json.dumps(update).encode(),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            if secret:
                request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    ok = 200 <= response.status < 300
            except (urllib.error.URLError, OSError):
                ok = False
            with self._cond:
                if ok and self._updates and self._updates[0]["update_id"] == update["update_id"]:
                    self._updates.popleft()
                elif not ok:
                    self._cond.wait(0.2)

    # -- sending: shared checks -----------------------------------------------------------

    def _target_chat(self, params: JSON) -> _Chat:
        chat_id = _int_param(params, "chat_id", missing="Bad Request: chat_id is empty")
        chat = self._chats.get(chat_id)
        if chat is None:
            if not self.auto_create_chats or chat_id <= 0:
                raise bad_request(CHAT_NOT_FOUND)
            self.user(chat_id, f"User{chat_id}")
            chat = self._chats[chat_id]
        if chat.blocked:
            raise ApiError(403, BLOCKED, kind="blocked")
        if not chat.started:
            raise ApiError(
                403, "Forbidden: bot can't initiate conversation with a user", kind="blocked"
            )
        return chat

    def _formatted(
        self, params: JSON, text_field: str, entities_field: str, *, caption: bool
    ) -> tuple[str, list[JSON], str]:
        raw = _str_param(params, text_field) or ""
        parse_mode = str(params.get("parse_mode") or "")
        if parse_mode.lower() == "html":
            try:
                text, entities = parse_html(raw, strict=self.strict_html)
            except EntityParseError as exc:
                raise bad_request(f"Bad Request: can't parse entities: {exc}") from exc
            entities = _finish_entities(entities)
        elif parse_mode and parse_mode.lower() not in {"markdown", "markdownv2"}:
            raise bad_request("Bad Request: unsupported parse_mode")
        else:
            # Markdown modes are passed through unparsed (this project uses HTML).
            text = raw
            given = _json_param(
                params, entities_field, "Bad Request: can't parse entities JSON object"
            )
            entities = list(given) if isinstance(given, list) else []
        limit = MAX_CAPTION if caption else MAX_TEXT
        # Telegram counts the limit in Unicode code points of the parsed text.
        if len(text) > limit:
            raise bad_request(CAPTION_TOO_LONG if caption else TOO_LONG)
        if not caption and raw and not text.strip():
            raise bad_request(MUST_BE_NON_EMPTY)
        return text, entities, raw

    def _markup(self, params: JSON) -> tuple[JSON | None, JSON | None]:
        """(inline keyboard or None, other reply markup or None), validated."""
        markup = _json_param(params, "reply_markup", BAD_MARKUP)
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise bad_request(BAD_MARKUP)
        if "inline_keyboard" not in markup:
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise bad_request(BAD_MARKUP)
            return None, markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(BAD_MARKUP)
        clean_rows: list[list[JSON]] = []
        for row in rows:
            clean: list[JSON] = []
            for button in row:
                if not isinstance(button, dict):
                    raise bad_request(BAD_MARKUP)
                clean.append(_check_button(button))
            if clean:
                clean_rows.append(clean)
        if not clean_rows:
            return None, None
        return {"inline_keyboard": clean_rows}, None

    def _count_message(self, chat_id: int, method: str) -> None:
        """Enforce the configured flood limits, then record the send/edit on the timeline."""
        now = time.monotonic()
        events = self._global_events
        while events and events[0] <= now - 1.0:
            events.popleft()
        if self.global_rate is not None and len(events) >= self.global_rate:
            wait = max(1, math.ceil(events[0] + 1.0 - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        timeline = self._timeline.setdefault(chat_id, [])
        if self.per_chat_rate is not None:
            recent = [t for t, _ in timeline if t > now - 1.0]
            if len(recent) >= self.per_chat_rate:
                wait = max(1, math.ceil(recent[0] + 1.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        events.append(now)
        timeline.append((now, method))

    def _new_bot_message(self, chat: _Chat, kind: str, raw: str) -> _Msg:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        now = time.monotonic()
        msg = _Msg(
            chat_id=chat.user.id,
            message_id=message_id,
            from_bot=True,
            date=int(time.time()),
            kind=kind,
            sent_at=now,
            seq=self._bump(),
            sender=self._bot_identity(),
            raw=raw,
        )
        self._messages[chat.user.id].append(msg)
        return msg

    def _check_reply_to(self, chat: _Chat, params: JSON) -> int | None:
        reply = _json_param(params, "reply_parameters", "Bad Request: can't parse reply parameters")
        target = _opt_int(params, "reply_to_message_id")
        allow = _bool_param(params, "allow_sending_without_reply")
        if isinstance(reply, dict):
            target = reply.get("message_id")
            allow = allow or bool(reply.get("allow_sending_without_reply"))
        if target is None:
            return None
        found = self._find_message(chat.user.id, int(target))
        if (found is None or found.deleted) and not allow:
            raise bad_request("Bad Request: message to be replied not found")
        return int(target) if found is not None else None

    def _message_json(self, msg: _Msg) -> JSON:
        chat = self._chats[msg.chat_id].user.as_chat()
        out: JSON = {
            "message_id": msg.message_id,
            "from": msg.sender,
            "chat": chat,
            "date": msg.date,
        }
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        if msg.reply_to is not None:
            replied = self._find_message(msg.chat_id, msg.reply_to)
            if replied is not None:
                out["reply_to_message"] = {
                    k: v for k, v in self._message_json(replied).items() if k != "reply_to_message"
                }
        if msg.kind in ("text",) and msg.text is not None:
            out["text"] = msg.text
            if msg.entities:
                out["entities"] = msg.entities
        if msg.location is not None:
            out["location"] = {"latitude": msg.location[0], "longitude": msg.location[1]}
        if msg.file is not None:
            f = msg.file
            size = len(f.content) if f.content is not None else 0
            if msg.kind == "photo":
                out["photo"] = [
                    {
                        "file_id": f.file_id,
                        "file_unique_id": f.unique_id,
                        "width": f.width,
                        "height": f.height,
                        "file_size": size,
                    }
                ]
            else:
                doc: JSON = {"file_id": f.file_id, "file_unique_id": f.unique_id, "file_size": size}
                if f.filename:
                    doc["file_name"] = f.filename
                if f.mime_type:
                    doc["mime_type"] = f.mime_type
                out["document"] = doc
            if msg.caption_text:
                out["caption"] = msg.caption_text
                if msg.entities:
                    out["caption_entities"] = msg.entities
        if msg.reply_markup is not None:
            out["reply_markup"] = msg.reply_markup
        return copy.deepcopy(out)

    def _editable(self, params: JSON) -> tuple[_Chat, _Msg]:
        if params.get("inline_message_id"):
            raise bad_request(EDIT_NOT_FOUND)
        chat = self._target_chat(params)
        message_id = _int_param(
            params, "message_id", missing="Bad Request: message identifier is not specified"
        )
        msg = self._find_message(chat.user.id, message_id)
        if msg is None or msg.deleted or not msg.from_bot:
            raise bad_request(EDIT_NOT_FOUND)
        return chat, msg

    def _store_file(
        self, params: JSON, files: dict[str, Upload], name: str, *, photo: bool
    ) -> _File:
        value = params.get(name)
        upload = files.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is None:
            if not value:
                raise bad_request(f"Bad Request: there is no {name} in the request")
            existing = self._files.get(str(value))
            if existing is not None:
                return existing
            if str(value).startswith(("http://", "https://")):
                return self._register_file(None, None, None, url=str(value))
            raise bad_request("Bad Request: wrong file identifier/HTTP URL specified")
        if not upload.content:
            raise bad_request("Bad Request: file must be non-empty")
        if photo:
            image = _image_size(upload.content)
            if image is None:
                raise bad_request("Bad Request: IMAGE_PROCESS_FAILED")
            _, width, height = image
            if (
                width
                and height
                and (width + height > 10000 or max(width, height) > 20 * min(width, height))
            ):
                raise bad_request("Bad Request: PHOTO_INVALID_DIMENSIONS")
            if len(upload.content) > 10 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")
            stored = self._register_file(upload.content, upload.filename, "image/" + image[0])
            stored.width, stored.height = width or 1, height or 1
            return stored
        if len(upload.content) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or "application/octet-stream"
        return self._register_file(upload.content, upload.filename, mime)

    def _register_file(
        self, content: bytes | None, filename: str | None, mime: str | None, url: str | None = None
    ) -> _File:
        n = next(self._file_ids)
        stored = _File(f"FAKEFILE{n:06d}", f"U{n:06d}", content, filename, mime, url)
        self._files[stored.file_id] = stored
        return stored

    # -- methods --------------------------------------------------------------------------

    def _m_get_me(self, params: JSON, files: dict[str, Upload]) -> Any:
        return dict(self.bot_user)

    def _m_delete_webhook(self, params: JSON, files: dict[str, Upload]) -> Any:
        self.webhook_url = None
        self.webhook_secret = None
        if _bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_set_webhook(self, params: JSON, files: dict[str, Upload]) -> Any:
        url = _str_param(params, "url") or ""
        if not url:
            return self._m_delete_webhook(params, files)
        if not url.startswith(("http://", "https://")):
            raise bad_request("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret = _str_param(params, "secret_token")
        if _bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        allowed = _json_param(params, "allowed_updates", "Bad Request: can't parse allowed updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed] or None
        self._poll_generation += 1  # a webhook ends any long poll
        self._start_webhook_pusher()
        return True

    def _m_get_webhook_info(self, params: JSON, files: dict[str, Upload]) -> Any:
        info: JSON = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.allowed_updates:
            info["allowed_updates"] = list(self.allowed_updates)
        return info

    def _m_set_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        commands = _json_param(params, "commands", "Bad Request: can't parse commands JSON object")
        if not isinstance(commands, list):
            raise bad_request("Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("Bad Request: too many commands")
        clean: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("Bad Request: can't parse BotCommand")
            name = str(command.get("command", "")).removeprefix("/")
            description = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad_request("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("Bad Request: command description must be non-empty")
            clean.append({"command": name, "description": description})
        scope = _json_param(params, "scope", "Bad Request: can't parse BotCommandScope JSON object")
        language = _str_param(params, "language_code") or ""
        self._commands[(_scope_key(scope), language)] = clean
        return True

    def _m_get_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        scope = _json_param(params, "scope", "Bad Request: can't parse BotCommandScope JSON object")
        language = _str_param(params, "language_code") or ""
        return copy.deepcopy(self._commands.get((_scope_key(scope), language), []))

    def _m_delete_my_commands(self, params: JSON, files: dict[str, Upload]) -> Any:
        scope = _json_param(params, "scope", "Bad Request: can't parse BotCommandScope JSON object")
        language = _str_param(params, "language_code") or ""
        self._commands.pop((_scope_key(scope), language), None)
        return True

    def _m_send_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._target_chat(params)
        if not _str_param(params, "text"):
            raise bad_request(TEXT_EMPTY)
        text, entities, raw = self._formatted(params, "text", "entities", caption=False)
        inline, other = self._markup(params)
        reply_to = self._check_reply_to(chat, params)
        self._count_message(chat.user.id, "sendMessage")
        msg = self._new_bot_message(chat, "text", raw)
        msg.text, msg.entities, msg.reply_markup, msg.reply_keyboard = text, entities, inline, other
        msg.reply_to = reply_to
        msg.history.append((msg.sent_at, text))
        return self._message_json(msg)

    def _send_file(self, params: JSON, files: dict[str, Upload], kind: str, method: str) -> Any:
        chat = self._target_chat(params)
        stored = self._store_file(params, files, kind, photo=kind == "photo")
        caption, entities, raw = self._formatted(
            params, "caption", "caption_entities", caption=True
        )
        inline, other = self._markup(params)
        reply_to = self._check_reply_to(chat, params)
        self._count_message(chat.user.id, method)
        msg = self._new_bot_message(chat, kind, raw)
        msg.file, msg.caption_text, msg.entities = stored, caption, entities
        msg.reply_markup, msg.reply_keyboard, msg.reply_to = inline, other, reply_to
        msg.history.append((msg.sent_at, caption))
        return self._message_json(msg)

    def _m_send_photo(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._send_file(params, files, "photo", "sendPhoto")

    def _m_send_document(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._send_file(params, files, "document", "sendDocument")

    def _apply_edit(
        self,
        msg: _Msg,
        method: str,
        text: str | None,
        entities: list[JSON] | None,
        raw: str | None,
        inline: JSON | None,
    ) -> Any:
        current = msg.text if msg.kind == "text" else msg.caption_text
        new_text = current if text is None else text
        new_entities = msg.entities if entities is None else entities
        if new_text == current and new_entities == msg.entities and inline == msg.reply_markup:
            raise bad_request(NOT_MODIFIED)
        self._count_message(msg.chat_id, method)
        now = time.monotonic()
        if msg.kind == "text":
            msg.text = new_text
        else:
            msg.caption_text = new_text
        msg.entities = list(new_entities)
        if raw is not None:
            msg.raw = raw
        msg.reply_markup = inline
        msg.edit_date = int(time.time())
        msg.seq = self._bump()
        msg.history.append((now, new_text or ""))
        return self._message_json(msg)

    def _m_edit_message_text(self, params: JSON, files: dict[str, Upload]) -> Any:
        _, msg = self._editable(params)
        if not _str_param(params, "text"):
            raise bad_request(TEXT_EMPTY)
        text, entities, raw = self._formatted(params, "text", "entities", caption=False)
        if msg.kind != "text":
            raise bad_request("Bad Request: there is no text in the message to edit")
        # Omitting reply_markup in an edit removes the keyboard, exactly as on Telegram.
        inline, _ = self._markup(params)
        return self._apply_edit(msg, "editMessageText", text, entities, raw, inline)

    def _m_edit_message_caption(self, params: JSON, files: dict[str, Upload]) -> Any:
        _, msg = self._editable(params)
        caption, entities, raw = self._formatted(
            params, "caption", "caption_entities", caption=True
        )
        if msg.kind == "text":
            raise bad_request("Bad Request: there is no caption in the message to edit")
        inline, _ = self._markup(params)
        return self._apply_edit(msg, "editMessageCaption", caption, entities, raw, inline)

    def _m_edit_message_reply_markup(self, params: JSON, files: dict[str, Upload]) -> Any:
        _, msg = self._editable(params)
        inline, _ = self._markup(params)
        return self._apply_edit(msg, "editMessageReplyMarkup", None, None, None, inline)

    def _m_delete_message(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat_id = _int_param(params, "chat_id", missing="Bad Request: chat_id is empty")
        if chat_id not in self._chats:
            raise bad_request(CHAT_NOT_FOUND)
        message_id = _int_param(
            params, "message_id", missing="Bad Request: message identifier is not specified"
        )
        msg = self._find_message(chat_id, message_id)
        if msg is None or msg.deleted:
            raise bad_request(DELETE_NOT_FOUND)
        msg.deleted = True
        msg.seq = self._bump()
        return True

    def _m_answer_callback_query(self, params: JSON, files: dict[str, Upload]) -> Any:
        query_id = _str_param(params, "callback_query_id") or ""
        query = self._queries.get(query_id)
        too_old = query is not None and (
            time.monotonic() - query.created > self.callback_answer_timeout
        )
        if query is None or query.answered or too_old:
            raise bad_request(QUERY_INVALID)
        text = _str_param(params, "text") or ""
        if len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {
            "text": text,
            "show_alert": _bool_param(params, "show_alert"),
            "url": _str_param(params, "url"),
        }
        return True

    def _m_send_chat_action(self, params: JSON, files: dict[str, Upload]) -> Any:
        chat = self._target_chat(params)
        action = _str_param(params, "action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("Bad Request: wrong parameter action in request")
        self._chat_actions.setdefault(chat.user.id, []).append(action)
        return True


def _check_button(button: JSON) -> JSON:
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request(BUTTON_TEXT_INVALID)
    actions = {
        k: v
        for k, v in button.items()
        if k != "text" and v not in (None, "") and k != "callback_data"
    }
    data = button.get("callback_data")
    if data not in (None, ""):
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
            raise bad_request(BUTTON_DATA_INVALID)
        actions["callback_data"] = data
    if "switch_inline_query" in button or "switch_inline_query_current_chat" in button:
        # An empty switch_inline_query is a valid action, unlike empty callback_data.
        for key in ("switch_inline_query", "switch_inline_query_current_chat"):
            if key in button and button[key] is not None:
                actions[key] = button[key]
    if not actions:
        raise bad_request(TEXT_BUTTON_IN_INLINE)
    url = actions.get("url")
    if url is not None and _checked_link(str(url)) is None:
        raise bad_request(BUTTON_URL_INVALID)
    return {"text": text, **actions}


def _scope_key(scope: Any) -> str:
    if not scope:
        return "default"
    return json.dumps(scope, sort_keys=True)


def _loggable(params: JSON, files: dict[str, Upload]) -> JSON:
    out = dict(params)
    for name, upload in files.items():
        out[name] = {"filename": upload.filename, "size": len(upload.content)}
    return out


_Method = Callable[[FakeBotServer, JSON, dict[str, Upload]], Any]
_METHODS: dict[str, _Method] = {
    "getMe": FakeBotServer._m_get_me,
    "deleteWebhook": FakeBotServer._m_delete_webhook,
    "setWebhook": FakeBotServer._m_set_webhook,
    "getWebhookInfo": FakeBotServer._m_get_webhook_info,
    "setMyCommands": FakeBotServer._m_set_my_commands,
    "getMyCommands": FakeBotServer._m_get_my_commands,
    "deleteMyCommands": FakeBotServer._m_delete_my_commands,
    "sendMessage": FakeBotServer._m_send_message,
    "sendPhoto": FakeBotServer._m_send_photo,
    "sendDocument": FakeBotServer._m_send_document,
    "editMessageText": FakeBotServer._m_edit_message_text,
    "editMessageCaption": FakeBotServer._m_edit_message_caption,
    "editMessageReplyMarkup": FakeBotServer._m_edit_message_reply_markup,
    "deleteMessage": FakeBotServer._m_delete_message,
    "answerCallbackQuery": FakeBotServer._m_answer_callback_query,
    "sendChatAction": FakeBotServer._m_send_chat_action,
}
