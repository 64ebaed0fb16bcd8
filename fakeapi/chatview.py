"""The demo's chat: bot messages onto the screen, typed lines into messages and button presses."""

from __future__ import annotations

import mimetypes
import re
import time
from pathlib import Path

from fakeapi.console import Screen
from fakeapi.errors import JSON
from fakeapi.models import BotMessage
from fakeapi.server import FakeBotServer
from fakeapi.terminal import button_keys, edited_note, note_line, render_message, you_line
from fakeapi.user import FakeUser

_LOCATION = re.compile(r"/location\s+(-?\d+(?:\.\d+)?)[\s,]+(-?\d+(?:\.\d+)?)\s*")
TOAST_WAIT = 20.0  # seconds to keep watching for a callback answer's text


class ChatView:
    """One private chat with the bot, shown on a Screen and driven by typed lines."""

    def __init__(self, server: FakeBotServer, user: FakeUser, screen: Screen, files: Path) -> None:
        self.server = server
        self.user = user
        self.screen = screen
        self.files = files
        self._shown: dict[int, tuple[str, JSON | None, bool, tuple[JSON, ...]]] = {}
        self._reprinted: set[int] = set()
        self._saved: dict[int, str] = {}
        self._seq = -1
        self._queries: dict[str, float] = {}  # callback query id -> when it was sent
        self._changed = time.monotonic()

    # -- from the bot to the screen -------------------------------------------------------

    def refresh(self) -> None:
        """Show messages sent, edited or deleted since the last look, and callback answers."""
        # Answers first: the bot answers a press before it sends what the press asked for.
        self._toasts()
        mark = self.user.mark()
        if mark != self._seq:
            self._seq = mark
            self._changed = time.monotonic()
            for message in self.user.messages(include_deleted=True):
                self._show(message)

    def quiet_for(self) -> float:
        """Seconds since the chat last changed (or touch() was called)."""
        return time.monotonic() - self._changed

    def touch(self) -> None:
        """Count now as a change in the chat (the user just acted)."""
        self._changed = time.monotonic()

    def _lines(self, message: BotMessage) -> list[str]:
        return render_message(
            message,
            width=self.screen.columns,
            color=self.screen.color,
            edited=message.message_id in self._reprinted,
            saved_as=self._saved.get(message.message_id),
        )

    def _show(self, message: BotMessage) -> None:
        key = message.message_id
        signature = (message.text, message.reply_markup, message.deleted, message.entities)
        before = self._shown.get(key)
        if before == signature:
            return
        self._shown[key] = signature
        if before is None:
            if not message.deleted:
                if message.file_content is not None:
                    self._saved[key] = self._save(message)
                self.screen.block(self._lines(message), owner=key)
            return
        if message.deleted:
            gist = before[0].split("\n", 1)[0][:50]
            self.screen.block([note_line(f"(the bot deleted “{gist}”)", self.screen.color)])
        elif self.screen.can_redraw(key):
            self.screen.redraw(self._lines(message), owner=key)
        elif message.text == before[0] and not message.buttons:
            pass  # an older message lost its buttons: nothing to read there
        elif not button_keys(message) and _only_removed(before[0], message.text):
            # Lines taken away (a rest countdown tidied up): one line keeps the chat readable.
            self.screen.block([edited_note(message, self.screen.columns, self.screen.color)])
        else:
            self._reprinted.add(key)
            self.screen.block(self._lines(message), owner=key)

    def _save(self, message: BotMessage) -> str:
        content = message.file_content or b""
        if message.filename and message.kind != "voice":
            name = Path(message.filename).name
        else:
            extension = {"voice": ".ogg"}.get(message.kind) or (
                mimetypes.guess_extension(message.mime_type or "") or ".bin"
            )
            name = f"{message.kind}{extension}"
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"{message.message_id}-{name}"
        path.write_bytes(content)
        return str(path)

    def _toasts(self) -> None:
        now = time.monotonic()
        for query_id, sent in list(self._queries.items()):
            answer = self.server.callback_answer(query_id)
            if answer is None and now - sent < TOAST_WAIT:
                continue
            del self._queries[query_id]
            if answer and answer.get("text"):
                mark = "⚠ " if answer.get("show_alert") else "💬 "
                self.screen.block([note_line(mark + str(answer["text"]), self.screen.color)])

    # -- from the keyboard to the bot -----------------------------------------------------

    def keyboard(self) -> BotMessage | None:
        """The latest message with buttons: typed numbers press its buttons."""
        for message in reversed(self.user.messages()):
            if button_keys(message):
                return message
        return None

    def handle(self, typed: str) -> str | None:
        """Act on one typed line; returns "quit" when the user asked to leave."""
        text = typed.strip()
        if not text:
            return None
        color = self.screen.color
        if text in ("/quit", "/exit"):
            self.screen.block([you_line(text, color)])
            return "quit"
        if text == "/location" or text.startswith("/location "):
            self._location(text)
            return None
        if text.startswith("/say "):
            self._send(text.removeprefix("/say ").strip())
            return None
        message = self.keyboard()
        if message is not None:
            for row in button_keys(message):
                for key in row:
                    if key.key == text and key.button.callback_data:
                        label = key.button.text.strip()
                        shown = f"[{text}]" if label == text else f"[{text}] {label}"
                        self.screen.block([you_line(shown, color)])
                        self._press(message, key.button.callback_data)
                        return None
        self._send(text)
        return None

    def _send(self, text: str) -> None:
        if text:
            self.screen.block([you_line(text, self.screen.color)])
            self.user.send(text)

    def _press(self, message: BotMessage, data: str) -> None:
        try:
            query_id = self.user.press(message.message_id, data)
        except AssertionError:
            note = "That button has just gone; look at the latest message."
            self.screen.block([note_line(note, self.screen.color)])
            return
        self._queries[query_id] = time.monotonic()

    def _location(self, text: str) -> None:
        match = _LOCATION.fullmatch(text)
        if match is None:
            usage = "Usage: /location LATITUDE LONGITUDE, e.g. /location 52.52 13.40"
            self.screen.block([note_line(usage, self.screen.color)])
            return
        latitude, longitude = float(match[1]), float(match[2])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            note = "Latitude is -90 to 90 and longitude -180 to 180."
            self.screen.block([note_line(note, self.screen.color)])
            return
        shown = f"📍 location {latitude:g}, {longitude:g}"
        self.screen.block([you_line(shown, self.screen.color)])
        self.user.send_location(latitude, longitude)


def _only_removed(before: str, after: str) -> bool:
    """Whether every line of `after` was already in `before` (the edit only took lines away)."""
    old_lines = set(before.splitlines())
    return all(line in old_lines for line in after.splitlines())
