"""In-process handler testing: the real build_application() with a recording fake BaseRequest."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

import bot
from handlers.lifecycle import on_shutdown, on_startup
from transport.failures import Backoff

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Medial coach", "username": "medial_bot"}
TAG = re.compile(r"<[^>]*>")


def visible_length(text: str) -> int:
    """Length of an HTML message as Telegram counts it (tags removed, entities decoded)."""
    return len(html.unescape(TAG.sub("", text)))


@dataclass
class Sent:
    """A message the bot sent, with its current text and buttons."""

    chat_id: int
    message_id: int
    text: str
    markup: dict[str, Any] | None
    method: str
    edits: list[str] = field(default_factory=list)
    document: bytes | None = None
    photo: bytes | None = None
    voice: bytes | None = None
    voice_file_id: str = ""
    filename: str = ""

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button."""
        if not self.markup:
            return []
        return [
            (b["text"], b.get("callback_data", ""))
            for row in self.markup.get("inline_keyboard", [])
            for b in row
        ]

    def data_for(self, label_part: str) -> str:
        """callback_data of the first button whose label contains label_part."""
        for label, data in self.buttons():
            if label_part.lower() in label.lower():
                return data
        raise AssertionError(f"no button {label_part!r} on {self.buttons()}")


class Recorder(BaseRequest):
    """Answers Bot API calls like Telegram would, records them, and rejects invalid ones."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[Sent] = []
        self.rejected: list[tuple[str, str]] = []
        self._ids = itertools.count(1)
        self.fail_next: dict[str, tuple[int, str]] = {}

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def find(self, chat_id: int, message_id: int) -> Sent | None:
        """A sent message by id."""
        for sent in self.sent:
            if sent.chat_id == chat_id and sent.message_id == message_id:
                return sent
        return None

    def _reject(self, method: str, description: str) -> tuple[int, bytes]:
        self.rejected.append((method, description))
        body = {"ok": False, "error_code": 400, "description": description}
        return 400, json.dumps(body).encode()

    def _check(self, method: str, params: dict[str, Any]) -> str | None:
        text = params.get("text", params.get("caption"))
        limit = 1024 if "caption" in params else 4096
        if method in ("sendMessage", "editMessageText") and (not text or not str(text).strip()):
            return "Bad Request: message text is empty"
        if text is not None and visible_length(str(text)) > limit:
            return "Bad Request: message is too long"
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        return "Bad Request: BUTTON_DATA_INVALID"
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        self.calls.append((api, params))
        if api in self.fail_next:
            code, description = self.fail_next.pop(api)
            body = {"ok": False, "error_code": code, "description": description}
            return code, json.dumps(body).encode()
        problem = self._check(api, params)
        if problem:
            return self._reject(api, problem)
        result: Any = True
        now = int(datetime.now(UTC).timestamp())
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if api == "getMe":
            result = BOT_USER
        elif api in ("sendMessage", "sendPhoto", "sendDocument", "sendVoice"):
            chat_id = int(params["chat_id"])
            sent = Sent(
                chat_id=chat_id,
                message_id=next(self._ids),
                text=str(params.get("text", params.get("caption", ""))),
                markup=markup,
                method=api,
            )
            if request_data is not None and request_data.contains_files:
                for name, value in request_data.multipart_data.items():
                    if name in ("document", "photo", "voice"):
                        sent.filename = str(value[0])
                        setattr(sent, name, value[1])
            if api == "sendVoice":
                given = params.get("voice")
                sent.voice_file_id = given if isinstance(given, str) else f"voice-{len(self.sent)}"
            self.sent.append(sent)
            result = {
                "message_id": sent.message_id,
                "date": now,
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": sent.text,
            }
            if api == "sendVoice":
                result["voice"] = {
                    "file_id": sent.voice_file_id,
                    "file_unique_id": sent.voice_file_id,
                    "duration": int(params.get("duration", 1)),
                }
        elif api in ("editMessageText", "editMessageReplyMarkup"):
            target = self.find(int(params["chat_id"]), int(params["message_id"]))
            if target is None:
                return self._reject(api, "Bad Request: message to edit not found")
            new_text = str(params["text"]) if api == "editMessageText" else target.text
            if new_text == target.text and markup == target.markup:
                return self._reject(
                    api,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            target.text = new_text
            target.markup = markup
            target.edits.append(new_text)
            result = {
                "message_id": target.message_id,
                "date": now,
                "chat": {"id": target.chat_id, "type": "private"},
                "from": BOT_USER,
                "text": target.text,
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()


class Chat:
    """One user talking to the in-process bot."""

    _update_ids = itertools.count(1000)

    def __init__(self, kit: Kit, user_id: int, first_name: str = "Ann") -> None:
        self.kit = kit
        self.user_id = user_id
        self.first_name = first_name
        self._message_ids = itertools.count(1)

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name}

    def _message(self, **extra: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(self.kit.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": self._user(),
            **extra,
        }

    async def _feed(self, payload: dict[str, Any]) -> list[Sent]:
        before = len(self.kit.request.sent)
        edits_before = {id(s): len(s.edits) for s in self.kit.request.sent}
        update = Update.de_json({"update_id": next(self._update_ids), **payload}, self.kit.app.bot)
        self.kit.last_update_id = update.update_id
        await self.kit.app.process_update(update)
        new = [s for s in self.kit.request.sent[before:] if s.chat_id == self.user_id]
        edited = [
            s
            for s in self.kit.request.sent[:before]
            if s.chat_id == self.user_id and len(s.edits) > edits_before.get(id(s), 0)
        ]
        return edited + new

    async def send(self, text: str) -> list[Sent]:
        """Send a text message (commands get a bot_command entity); returns what the bot sent."""
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            extra["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self._feed({"message": self._message(**extra)})

    async def replay(self, update_payload: dict[str, Any]) -> list[Sent]:
        """Feed a raw update payload (to process the same update twice)."""
        before = len(self.kit.request.sent)
        update = Update.de_json(update_payload, self.kit.app.bot)
        await self.kit.app.process_update(update)
        return self.kit.request.sent[before:]

    async def send_location(self, latitude: float, longitude: float) -> list[Sent]:
        """Share a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._feed({"message": self._message(location=location)})

    async def press(self, message: Sent, label_or_data: str) -> list[Sent]:
        """Press a button that is on the message's current keyboard."""
        data = None
        for label, button_data in message.buttons():
            if label_or_data in (label, button_data) or label_or_data.lower() in label.lower():
                data = button_data
                break
        if data is None:
            raise AssertionError(f"no button {label_or_data!r} on {message.buttons()}")
        return await self.forge(message, data)

    async def forge(self, message: Sent, data: str) -> list[Sent]:
        """Send a callback query with arbitrary data (as a modified client could)."""
        query = {
            "id": str(next(self._update_ids)),
            "from": self._user(),
            "chat_instance": str(self.user_id),
            "data": data,
            "message": {
                "message_id": message.message_id,
                "date": int(self.kit.now().timestamp()),
                "chat": {"id": message.chat_id, "type": "private"},
                "from": BOT_USER,
                "text": message.text,
            },
        }
        return await self._feed({"callback_query": query})

    def messages(self) -> list[Sent]:
        """Everything the bot sent to this chat."""
        return [s for s in self.kit.request.sent if s.chat_id == self.user_id]

    def last(self) -> Sent:
        """The bot's latest message to this chat."""
        return self.messages()[-1]

    def answers(self) -> list[str]:
        """Texts of answerCallbackQuery toasts sent while talking to this chat."""
        return [
            str(p.get("text", "")) for m, p in self.kit.request.calls if m == "answerCallbackQuery"
        ]


class Kit:
    """The real application, a recorder for its requests, and a settable clock."""

    def __init__(self, db_path: Path, start: datetime | None = None, **settings_: Any) -> None:
        self.request = Recorder()
        self._now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        settings = bot.Settings(token=TOKEN, database_path=db_path, **settings_)
        self.app = bot.build_application(settings, clock=self.now, request=self.request)
        # Handler tests assert what users see, not when: Telegram's pace is the outbox's own
        # tests' business (tests/test_outbox.py), and here it would only slow them down.
        self.app.bot_data.outbox.chat_interval_s = 0.0
        self.app.bot_data.outbox.rate = 10_000.0
        self.app.bot_data.outbox.backoff = Backoff(base_s=0.01, cap_s=0.05)
        self.last_update_id = 0

    def now(self) -> datetime:
        """The injected clock."""
        return self._now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(**delta)

    def set_now(self, moment: datetime) -> None:
        """Set the clock."""
        self._now = moment

    def chat(self, user_id: int = 42, first_name: str = "Ann") -> Chat:
        """A user of this bot."""
        return Chat(self, user_id, first_name)

    @property
    def storage(self) -> Any:
        """The application's Storage."""
        return self.app.bot_data.storage


@asynccontextmanager
async def running_kit(
    db_path: Path, start: datetime | None = None, **settings: Any
) -> AsyncIterator[Kit]:
    """A started application (job queue running) that is shut down cleanly afterwards."""
    kit = Kit(db_path, start, **settings)
    await kit.app.initialize()
    await on_startup(kit.app)
    await kit.app.start()
    try:
        yield kit
    finally:
        await kit.app.stop()
        await on_shutdown(kit.app)
        await kit.app.shutdown()
