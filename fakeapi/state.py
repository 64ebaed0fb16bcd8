"""The fake server's state and the views of it every part shares (chats, messages, JSON)."""

from __future__ import annotations

import copy
import itertools
import socket
import threading
from collections import deque
from typing import TYPE_CHECKING

from fakeapi.errors import DEFAULT_TOKEN, JSON, ApiError
from fakeapi.models import (
    BotMessage,
    Call,
    _CallbackQuery,
    _Chat,
    _FaultMode,
    _File,
    _Injection,
    _Msg,
)

if TYPE_CHECKING:
    from fakeapi.handler import _HTTPServer


class ServerState:
    """Configuration, stored chats and messages, and the lock every part of the server shares."""

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
        first_update_id: int = 100_001,
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
        # Confirmed updates, kept so redeliver() can send them again as Telegram sometimes does.
        self._confirmed: deque[JSON] = deque(maxlen=1000)
        self._redelivering: set[int] = set()  # requeued ids an offset can't confirm before delivery
        self._faults: _FaultMode | None = None
        self._update_ids = itertools.count(first_update_id)
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
        # setMyDescription / setMyShortDescription texts by (field, language_code).
        self.profile_texts: dict[tuple[str, str], str] = {}
        self._poll_generation = 0
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook_thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.url = ""

    def _sleep(self, seconds: float) -> None:
        """Wait up to `seconds`, cut short when the server stops."""
        with self._cond:
            self._cond.wait_for(lambda: self._stopping, timeout=seconds)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no user {chat_id}; create one with server.user({chat_id})")
        return chat

    def _seq_now(self) -> int:
        with self._cond:
            return self._seq

    def _bump(self) -> int:
        self._seq += 1
        return self._seq

    def _bot_identity(self) -> JSON:
        return {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

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
            voice=content if msg.kind in ("voice", "audio") else None,
            duration=msg.file.duration if msg.file else 0,
        )

    def _bot_messages(self, chat_id: int, *, include_deleted: bool) -> list[BotMessage]:
        with self._cond:
            return [
                self._snapshot(m)
                for m in self._messages.get(chat_id, [])
                if m.from_bot and (include_deleted or not m.deleted)
            ]

    def _reject(self, method: str, err: ApiError) -> tuple[int, JSON, float]:
        with self._cond:
            if err.kind == "contract":
                self.rejected.append((method, err.description))
            elif err.kind == "conflict":
                self.conflicts += 1
            else:
                self.injected.append((method, err.code, err.description))
        return err.code, err.payload(), 0.0

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
                if msg.kind in ("voice", "audio"):
                    doc["duration"] = f.duration
                if f.filename and msg.kind != "voice":
                    doc["file_name"] = f.filename
                if f.mime_type:
                    doc["mime_type"] = f.mime_type
                out[msg.kind] = doc
            if msg.caption_text:
                out["caption"] = msg.caption_text
                if msg.entities:
                    out["caption_entities"] = msg.entities
        if msg.reply_markup is not None:
            out["reply_markup"] = msg.reply_markup
        return copy.deepcopy(out)
