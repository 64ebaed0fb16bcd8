"""The Bot API methods the fake server implements, one `_m_*` function each."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from typing import Any

from fakeapi.errors import (
    CHAT_ACTIONS,
    CHAT_NOT_FOUND,
    DELETE_NOT_FOUND,
    JSON,
    MAX_CALLBACK_ANSWER,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_EMPTY,
    bad_request,
)
from fakeapi.models import _Msg
from fakeapi.sending import SendingMixin, _scope_key
from fakeapi.wire import Upload, _bool_param, _int_param, _json_param, _opt_int, _str_param


class MethodsMixin(SendingMixin):
    """Bot API method implementations; `METHODS` maps wire names to them."""

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
        secret = _str_param(params, "secret_token") or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("Bad Request: secret token contains unallowed characters")
        self.webhook_url, self.webhook_secret = url, secret
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

    def _set_profile_text(self, params: JSON, field: str, limit: int) -> Any:
        text = _str_param(params, field) or ""
        if len(text) > limit:
            raise bad_request(f"Bad Request: {field} is too long")
        self.profile_texts[(field, _str_param(params, "language_code") or "")] = text
        return True

    def _get_profile_text(self, params: JSON, field: str) -> Any:
        language = _str_param(params, "language_code") or ""
        return {field: self.profile_texts.get((field, language), "")}

    def _m_set_my_description(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._set_profile_text(params, "description", 512)

    def _m_get_my_description(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._get_profile_text(params, "description")

    def _m_set_my_short_description(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._set_profile_text(params, "short_description", 120)

    def _m_get_my_short_description(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._get_profile_text(params, "short_description")

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
        if kind in ("voice", "audio"):
            stored.duration = _opt_int(params, "duration") or stored.duration
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

    def _m_send_voice(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._send_file(params, files, "voice", "sendVoice")

    def _m_send_audio(self, params: JSON, files: dict[str, Upload]) -> Any:
        return self._send_file(params, files, "audio", "sendAudio")

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


_Method = Callable[[MethodsMixin, JSON, dict[str, Upload]], Any]
_METHODS: dict[str, _Method] = {
    "getMe": MethodsMixin._m_get_me,
    "deleteWebhook": MethodsMixin._m_delete_webhook,
    "setWebhook": MethodsMixin._m_set_webhook,
    "getWebhookInfo": MethodsMixin._m_get_webhook_info,
    "setMyCommands": MethodsMixin._m_set_my_commands,
    "getMyCommands": MethodsMixin._m_get_my_commands,
    "deleteMyCommands": MethodsMixin._m_delete_my_commands,
    "setMyDescription": MethodsMixin._m_set_my_description,
    "getMyDescription": MethodsMixin._m_get_my_description,
    "setMyShortDescription": MethodsMixin._m_set_my_short_description,
    "getMyShortDescription": MethodsMixin._m_get_my_short_description,
    "sendMessage": MethodsMixin._m_send_message,
    "sendPhoto": MethodsMixin._m_send_photo,
    "sendDocument": MethodsMixin._m_send_document,
    "sendVoice": MethodsMixin._m_send_voice,
    "sendAudio": MethodsMixin._m_send_audio,
    "editMessageText": MethodsMixin._m_edit_message_text,
    "editMessageCaption": MethodsMixin._m_edit_message_caption,
    "editMessageReplyMarkup": MethodsMixin._m_edit_message_reply_markup,
    "deleteMessage": MethodsMixin._m_delete_message,
    "answerCallbackQuery": MethodsMixin._m_answer_callback_query,
    "sendChatAction": MethodsMixin._m_send_chat_action,
}
