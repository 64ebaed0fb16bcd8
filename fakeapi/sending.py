"""Checks every send and edit shares: target chat, text and HTML, markup, flood limits, files."""

from __future__ import annotations

import json
import math
import mimetypes
import time
from typing import Any

from fakeapi.entities import _checked_link, _finish_entities, parse_html
from fakeapi.errors import (
    BAD_MARKUP,
    BLOCKED,
    BUTTON_DATA_INVALID,
    BUTTON_TEXT_INVALID,
    BUTTON_URL_INVALID,
    CAPTION_TOO_LONG,
    CHAT_NOT_FOUND,
    EDIT_NOT_FOUND,
    JSON,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    MUST_BE_NON_EMPTY,
    TEXT_BUTTON_IN_INLINE,
    TOO_LONG,
    ApiError,
    EntityParseError,
    bad_request,
)
from fakeapi.faults import FaultsMixin
from fakeapi.models import _Chat, _File, _image_size, _Msg
from fakeapi.wire import Upload, _bool_param, _int_param, _json_param, _opt_int, _str_param


class SendingMixin(FaultsMixin):
    """Validation and bookkeeping shared by the Bot API methods that send or edit messages."""

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
