"""In-process: guided sessions when Telegram fails (5xx, a blocked chat) never get stuck."""

from __future__ import annotations

import ast
import asyncio
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from handlers import workout
from handlers.workout import runtime as workout_runtime
from tests.handlerkit import Chat, Kit, Sent, running_kit
from tests.test_onboarding import START, onboard
from tests.test_workout import context_of, has_button, ready, session_rows, wait_until
from transport.failures import Backoff

SCALE = 0.02
DESCRIPTIONS = {400: "Bad Request: wrong file", 403: "Forbidden: bot was blocked by the user"}
SENDS = ("sendMessage", "editMessageText", "answerCallbackQuery", "sendPhoto", "sendDocument")


@pytest.fixture(autouse=True)
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workout_runtime, "TIME_SCALE", SCALE)


def quick_retries(kit: Kit) -> None:
    """The outbox's retries of a 5xx in milliseconds rather than seconds (same count)."""
    kit.app.bot_data.outbox.backoff = Backoff(base_s=0.001, cap_s=0.01)


def fail_when(kit: Kit, decide: Callable[[str, dict[str, Any]], int | None]) -> list[str]:
    """Answer a call with the status decide(method, params) returns (None: as usual).

    Returns the list of methods that were failed, in order.
    """
    quick_retries(kit)
    failed: list[str] = []
    original = kit.request.do_request

    async def faulty(url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        api = url.rsplit("/", 1)[-1]
        request_data = args[0] if args else kwargs.get("request_data")
        params = dict(request_data.parameters) if request_data is not None else {}
        code = decide(api, params)
        if code is None:
            return await original(url, method, *args, **kwargs)
        failed.append(api)
        kit.request.calls.append((api, params))
        description = DESCRIPTIONS.get(code, "Bad Gateway")
        body = {"ok": False, "error_code": code, "description": description}
        return code, json.dumps(body).encode()

    kit.request.do_request = faulty  # type: ignore[method-assign]
    return failed


def errors_of(kit: Kit) -> list[BaseException]:
    """Exceptions that reach the application's error handlers from now on."""
    seen: list[BaseException] = []

    async def record(update: object, context: Any) -> None:
        if context.error is not None:
            seen.append(context.error)

    kit.app.add_error_handler(record)
    return seen


def go_button(chat: Chat) -> Sent | None:
    """The latest message of the chat with a Go button."""
    return next((m for m in reversed(chat.messages()) if has_button(m, "Go")), None)


async def test_a_failed_first_set_up_is_sent_again(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        errors = errors_of(kit)
        kit.request.fail_next["sendMessage"] = (502, "Bad Gateway")
        await chat.send("/workout")
        await wait_until(lambda: go_button(chat) is not None)
        setup = go_button(chat)
        assert setup is not None and "Set 1 of 3" in setup.text
        await chat.press(setup, "Go")
        await wait_until(lambda: "done?" in setup.text)
        await chat.send("done")
        await wait_until(lambda: "Set 2 of 3" in chat.last().text, within=10)
        assert errors == []


async def test_done_typed_while_the_set_up_is_missing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        errors = errors_of(kit)
        fail_when(kit, lambda api, params: 502 if "Set 1 of 3" in params.get("text", "") else None)
        await chat.send("/workout")
        reply = (await chat.send("done"))[-1]
        assert "✅ Logged set 1" in reply.text
        await wait_until(lambda: "Set 2 of 3" in chat.last().text, within=10)
        assert errors == []
        assert workout.guided(context_of(kit), 42) is not None


async def test_a_set_up_that_keeps_failing_ends_the_session_as_partial(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        await chat.send("done")  # one set logged: a session worth keeping
        await chat.send("/stop")
        offer = (await chat.send("/workout"))[-1]
        failing = True
        fail_when(
            kit,
            lambda api, params: 502 if failing and "Set 2 of 3" in params.get("text", "") else None,
        )
        await chat.press(offer, "Continue")
        await wait_until(lambda: "saved this session as partial" in chat.last().text, within=10)
        assert workout.guided(context_of(kit), 42) is None
        assert [s["status"] for s in await session_rows(kit)] == ["partial"]
        failing = False
        again = (await chat.send("/workout"))[-1]
        assert "1 of 3 sets logged" in again.text


async def test_workout_command_sends_a_missing_set_up_again(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit)
        failing = True
        fail_when(
            kit,
            lambda api, params: 502 if failing and "Set 1 of 3" in params.get("text", "") else None,
        )
        await chat.send("/workout")
        failing = False
        sent = await chat.send("/workout")
        assert any(has_button(m, "Go") and "Set 1 of 3" in m.text for m in sent)
        assert not any("middle of a session" in m.text for m in sent)


async def test_a_blocked_chat_gets_no_more_pacing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.press(setup, "Go")
        await wait_until(lambda: len(setup.edits) >= 2)
        failed = fail_when(kit, lambda api, params: 403)
        await wait_until(lambda: workout.guided(context_of(kit), 42) is None)
        await asyncio.sleep(SCALE * 30)  # longer than the rest of the set
        assert failed == ["editMessageText"]


async def test_end_guided_silently_sends_nothing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.press(setup, "Go")
        await wait_until(lambda: len(setup.edits) >= 1)
        calls = len(kit.request.calls)
        assert workout.end_guided_silently(kit.app.bot_data, 42)
        assert not workout.end_guided_silently(kit.app.bot_data, 42)
        await asyncio.sleep(SCALE * 30)
        assert kit.request.calls[calls:] == []
        assert workout.guided(context_of(kit), 42) is None


async def _play(kit: Kit, chat: Chat, within: float) -> int:
    """A user who follows the session: Go on each set-up, "done" after each set.

    Like a person, they send /workout again when the next set-up doesn't come. Returns how
    many typed messages got no reply.
    """
    context = context_of(kit)
    unanswered = 0

    async def typed(text: str) -> None:
        nonlocal unanswered
        before = len(chat.messages())
        await chat.send(text)
        if len(chat.messages()) == before:
            unanswered += 1

    await typed("/workout")
    deadline = time.monotonic() + within
    pressed: set[int] = set()
    waited_since = time.monotonic()
    while time.monotonic() < deadline:
        rt = workout.guided(context, chat.user_id)
        if rt is None:
            return unanswered
        setup = go_button(chat)
        if rt.phase == "setup" and setup is not None and setup.message_id not in pressed:
            pressed.add(setup.message_id)
            await chat.press(setup, "Go")
            waited_since = time.monotonic()
        elif rt.phase in ("rest", "waiting") and rt.index not in rt.done:
            await typed("done")
            waited_since = time.monotonic()
        elif time.monotonic() - waited_since > 60 * SCALE * 5:
            await typed("/workout")  # nothing has happened for a while
            pressed.clear()
            waited_since = time.monotonic()
        await asyncio.sleep(SCALE)
    return unanswered


async def test_a_fifth_of_calls_failing_leaves_no_session_stuck(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chats = []
        for user_id in range(42, 48):
            chat = kit.chat(user_id)
            chats.append(chat)
        for chat in chats:
            await ready_user(kit, chat)
        errors = errors_of(kit)
        dice = random.Random(8)
        fail_when(kit, lambda api, params: 502 if api in SENDS and dice.random() < 0.2 else None)
        unanswered = await asyncio.gather(*(_play(kit, chat, within=30) for chat in chats))
        assert sum(unanswered) == 0
        context = context_of(kit)
        stuck = [c.user_id for c in chats if workout.guided(context, c.user_id) is not None]
        assert stuck == []
        rows = await kit.storage.db.fetchall("SELECT user_id, status FROM sessions")
        assert {r[1] for r in rows} <= {"done", "partial"}
        assert not [e for e in errors if isinstance(e, AssertionError)]


async def ready_user(kit: Kit, chat: Chat) -> None:
    """An onboarded user with 3 sets of 2 reps on the left leg."""
    await onboard(chat)
    await kit.storage.update_user(chat.user_id, kit.now(), reps=2, legs="left")


def test_no_assert_guards_state_in_handlers() -> None:
    """`python -O` drops asserts, and a failed one leaves the user without an answer."""
    found = [
        f"{path}:{node.lineno}"
        for path in sorted((Path(__file__).parent.parent / "handlers").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Assert)
    ]
    assert found == []


async def test_blocking_the_bot_mid_set_stops_pacing_before_any_403(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await ready(kit, reps=4)
        setup = (await chat.send("/workout"))[-1]
        await chat.press(setup, "Go")
        await wait_until(lambda: len(setup.edits) >= 1)
        member = {"status": "member", "user": {"id": 123456, "is_bot": True, "first_name": "M"}}
        await chat._feed(
            {
                "my_chat_member": {
                    "chat": {"id": 42, "type": "private", "first_name": "Ann"},
                    "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                    "date": int(time.time()),
                    "old_chat_member": member,
                    "new_chat_member": {**member, "status": "kicked", "until_date": 0},
                }
            }
        )
        calls = len(kit.request.calls)
        await asyncio.sleep(SCALE * 30)  # longer than the rest of the set
        assert kit.request.calls[calls:] == []
        assert workout.guided(context_of(kit), 42) is None
        user = await kit.storage.get_user(42)
        assert user is not None and not user.active
