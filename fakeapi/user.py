"""The user side: a person in a private chat, acting and observing through the fake server."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from fakeapi.entities import utf16_len
from fakeapi.errors import JSON
from fakeapi.models import BotMessage

if TYPE_CHECKING:
    from fakeapi.server import FakeBotServer


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
