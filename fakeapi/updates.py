"""Updates: the queue, getUpdates with offsets and long polls, webhooks and redelivery."""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fakeapi.errors import JSON, POLL_CONFLICT, UPDATE_TYPES_DEFAULT, WEBHOOK_CONFLICT, ApiError
from fakeapi.state import ServerState
from fakeapi.wire import _json_param, _opt_int

if TYPE_CHECKING:
    from fakeapi.user import FakeUser


class UpdatesMixin(ServerState):
    """What the bot receives: queued updates, confirmed by offset or pushed to a webhook."""

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by an offset."""
        with self._cond:
            return len(self._updates)

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
                    self._delivered(batch)
                    return 200, {"ok": True, "result": copy.deepcopy(batch)}
                self._cond.wait(remaining)

    def redeliver(self, count: int = 1, *, update_ids: Iterable[int] | None = None) -> list[int]:
        """Queue already-confirmed updates again (the last `count`, or these ids); return the ids.

        Telegram may send an update twice, e.g. after its own failover or a bot crash; a bot must
        handle each update_id once. A requeued update is delivered before an offset confirms it.
        """
        with self._cond:
            if update_ids is not None:
                wanted = set(update_ids)
                again = [u for u in self._confirmed if u["update_id"] in wanted]
            else:
                again = list(self._confirmed)[-count:] if count > 0 else []
            pending = {u["update_id"] for u in self._updates}
            again = [copy.deepcopy(u) for u in again if u["update_id"] not in pending]
            ids = [u["update_id"] for u in again]
            self._updates = deque(sorted([*again, *self._updates], key=lambda u: u["update_id"]))
            self._redelivering.update(ids)
            self._cond.notify_all()
            return ids

    def confirmed_updates(self) -> list[JSON]:
        """The most recent updates the bot has confirmed (oldest first, up to 1,000)."""
        with self._cond:
            return copy.deepcopy(list(self._confirmed))

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._confirmed.append(self._updates.popleft())
            return
        kept: deque[JSON] = deque()
        for update in self._updates:
            if update["update_id"] < offset and update["update_id"] not in self._redelivering:
                self._confirmed.append(update)
            else:
                kept.append(update)
        self._updates = kept

    def _delivered(self, batch: list[JSON]) -> None:
        self._redelivering.difference_update(u["update_id"] for u in batch)

    def _wanted(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        wanted = set(self.allowed_updates) if self.allowed_updates else UPDATE_TYPES_DEFAULT
        return kind in wanted

    def _deliverable(self, limit: int) -> list[JSON]:
        # Updates the bot didn't subscribe to are dropped for good, as Telegram does.
        kept: deque[JSON] = deque(u for u in self._updates if self._wanted(u))
        self._updates = kept
        return list(itertools.islice(kept, limit))

    def post_webhook(self, update: JSON, secret_token: str | None) -> int:
        """POST an update to the webhook URL with this secret header (None: no header).

        For tests of forged updates: nothing is queued; returns the HTTP status (0 if unreachable).
        """
        with self._cond:
            url = self.webhook_url
        if url is None:
            raise AssertionError("no webhook is set; the bot must call setWebhook first")
        return _post_json(url, update, secret_token)

    def forge_message_update(self, user_id: int, text: str) -> JSON:
        """A message update from this user with a fresh update_id, neither queued nor stored."""
        with self._cond:
            chat = self._chat(user_id)
            message_id = chat.next_message_id
            chat.next_message_id += 1
            message: JSON = {
                "message_id": message_id,
                "from": chat.user.as_user(),
                "chat": chat.user.as_chat(),
                "date": int(time.time()),
                "text": text,
            }
            return {"update_id": next(self._update_ids), "message": message}

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
            ok = 200 <= _post_json(url, update, secret) < 300
            with self._cond:
                if ok and self._updates and self._updates[0]["update_id"] == update["update_id"]:
                    self._delivered([update])
                    self._confirmed.append(self._updates.popleft())
                elif not ok:
                    self._cond.wait(0.2)


def _post_json(url: str, update: JSON, secret_token: str | None) -> int:
    """POST one update as Telegram does; the HTTP status, or 0 when the bot is unreachable."""
    request = urllib.request.Request(
        url,
        data=json.dumps(update).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if secret_token is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret_token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
    except (urllib.error.URLError, OSError):
        return 0
