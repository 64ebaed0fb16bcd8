"""Chats: users, blocking, what users send and press, and waiting for the bot's answers."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from fakeapi.errors import JSON
from fakeapi.models import BotMessage, _buttons_of, _CallbackQuery, _Chat, _find_button, _Msg
from fakeapi.updates import UpdatesMixin
from fakeapi.user import FakeUser

if TYPE_CHECKING:
    from fakeapi.server import FakeBotServer


class ChatsMixin(UpdatesMixin):
    """The people at the other end: chats created on demand, their messages and button presses."""

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
                person = FakeUser(
                    cast("FakeBotServer", self),
                    user_id,
                    first_name,
                    last_name,
                    username,
                    language_code,
                )
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
