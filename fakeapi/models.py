"""What the fake server stores and shows: messages, buttons, calls, files, chats."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fakeapi.errors import JSON

if TYPE_CHECKING:
    from fakeapi.user import FakeUser


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
    kind: str  # "text", "photo", "document", "voice" or "audio"
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
    voice: bytes | None = None  # a voice note's bytes (also set for kind "audio")
    duration: int = 0  # seconds, for voice and audio

    @property
    def file_content(self) -> bytes | None:
        """The bytes of the photo, document, voice note or audio file, if any."""
        return self.photo or self.document or self.voice

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
    duration: int = 0


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
class _FaultMode:
    rate: float
    rates: dict[str, float] | None  # per method; None means every method at `rate`
    codes: tuple[int, ...]
    timeout_share: float
    timeout_seconds: float
    rng: random.Random


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
