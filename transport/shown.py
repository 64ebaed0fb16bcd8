"""What each recent message is showing, so an edit to identical content is never sent."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

MessageKey = tuple[int | str, int | str]

_TEXT = ("text", "parse_mode", "entities", "link_preview_options", "disable_web_page_preview")
_CAPTION = ("caption", "parse_mode", "caption_entities", "show_caption_above_media")
_MARKUP = ("reply_markup",)
# The fields each call sets; an edit is identical when all of its fields match what is shown.
FIELDS: Mapping[str, tuple[str, ...]] = {
    "sendMessage": _TEXT + _MARKUP,
    "sendPhoto": _CAPTION + _MARKUP,
    "sendDocument": _CAPTION + _MARKUP,
    "sendVideo": _CAPTION + _MARKUP,
    "sendAnimation": _CAPTION + _MARKUP,
    "sendAudio": _CAPTION + _MARKUP,
    "sendVoice": _CAPTION + _MARKUP,
    "editMessageText": _TEXT + _MARKUP,
    "editMessageCaption": _CAPTION + _MARKUP,
    "editMessageReplyMarkup": _MARKUP,
}


def _plain(value: object) -> object:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


def fingerprint(value: object) -> str:
    """A stable text form of one request field (keyboards and entities included)."""
    return json.dumps(value, sort_keys=True, default=_plain, ensure_ascii=False)


def message_key(data: Mapping[str, Any], result: object = None) -> MessageKey | None:
    """(chat, message) of an edit's target, or of the message a send created (from `result`)."""
    inline = data.get("inline_message_id")
    if inline is not None:
        return ("inline", str(inline))
    chat = data.get("chat_id")
    message = data.get("message_id")
    if message is None and isinstance(result, dict):
        message = result.get("message_id")
    if chat is None or message is None:
        return None
    return (chat, message)


class Shown:
    """The content of the most recent messages (bounded: the oldest are forgotten)."""

    def __init__(self, kept: int = 10_000) -> None:
        self._kept = kept
        self._content: OrderedDict[MessageKey, dict[str, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._content)

    def identical(self, endpoint: str, data: Mapping[str, Any]) -> bool:
        """Whether this edit would show exactly what the message shows already."""
        fields = FIELDS.get(endpoint)
        key = message_key(data)
        if fields is None or key is None:
            return False
        shown = self._content.get(key)
        if shown is None:
            return False
        return all(f in shown and shown[f] == fingerprint(data.get(f)) for f in fields)

    def remember(self, endpoint: str, data: Mapping[str, Any], result: object) -> None:
        """Record what a successful send or edit now shows."""
        key = message_key(data, result)
        if key is None:
            return
        fields = FIELDS.get(endpoint)
        if fields is None:
            # Media replaced or something unknown: nothing can be said about the content.
            self._content.pop(key, None)
            return
        shown = self._content.setdefault(key, {})
        if endpoint.startswith("send"):
            shown.clear()
        for name in fields:
            shown[name] = fingerprint(data.get(name))
        self._content.move_to_end(key)
        while len(self._content) > self._kept:
            self._content.popitem(last=False)

    def forget_chat(self, chat: int | str) -> None:
        """Drop every message of one chat (it blocked the bot)."""
        for key in [k for k in self._content if k[0] == chat]:
            del self._content[key]
