"""The outbox on a virtual clock: budget, chat gate, priorities, coalescing, 429, backoff, 403."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from transport.failures import Backoff, Verdict, verdict
from transport.limits import BOT_RATE_PER_S, Budget
from transport.outbox import Outbox
from transport.priority import Priority, sending_as


class FakeClock:
    """Virtual monotonic time: sleepers wake only when a test advances the clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._seq), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper due on the way, in order."""
        target = self.now + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self.now = max(self.now, due)
            future.set_result(None)
            await settle()
        self.now = target
        await settle()


async def settle() -> None:
    """Let every runnable task run."""
    for _ in range(30):
        await asyncio.sleep(0)


class FakeApi:
    """The Bot API behind the outbox: records calls, fails them as scripted."""

    def __init__(self, clock: FakeClock, latency: float = 0.0) -> None:
        self.clock = clock
        self.latency = latency
        self.calls: list[tuple[float, str, dict[str, Any]]] = []
        self.failures: dict[Any, list[Exception]] = {}
        self.next_id = itertools.count(100)

    def fail(self, key: Any, *errors: Exception) -> None:
        """The next calls for `key` (a chat id or an endpoint) raise these, in order."""
        self.failures.setdefault(key, []).extend(errors)

    async def call(self, endpoint: str, data: dict[str, Any], **_: Any) -> Any:
        self.calls.append((self.clock.now, endpoint, dict(data)))
        if self.latency:
            await self.clock.sleep(self.latency)
        for key in (data.get("chat_id"), endpoint):
            queue = self.failures.get(key)
            if queue:
                raise queue.pop(0)
        if endpoint.startswith("send"):
            return {"message_id": next(self.next_id), "chat": {"id": data["chat_id"]}}
        return True

    def times(self, endpoint: str | None = None, chat: int | None = None) -> list[float]:
        return [
            t
            for t, e, d in self.calls
            if (endpoint is None or e == endpoint) and (chat is None or d.get("chat_id") == chat)
        ]

    def order(self) -> list[tuple[str, Any]]:
        return [(e, d.get("chat_id", d.get("callback_query_id"))) for _, e, d in self.calls]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeApi:
    return FakeApi(clock)


@pytest.fixture
def outbox(clock: FakeClock) -> Outbox:
    # rand() = 0.5 means no jitter, so backoff delays are exact.
    return Outbox(clock=clock, sleep=clock.sleep, rand=lambda: 0.5)


def submit(
    outbox: Outbox, api: FakeApi, endpoint: str, priority: Priority | None = None, **data: Any
) -> asyncio.Task[Any]:
    """Start one call through the outbox, as ExtBot would make it."""

    async def run() -> Any:
        return await outbox.process_request(api.call, (endpoint, data), {}, endpoint, data, None)

    if priority is None:
        return asyncio.ensure_future(run())
    with sending_as(priority):
        return asyncio.ensure_future(run())


def send(outbox: Outbox, api: FakeApi, chat: int, text: str = "hi", **kw: Any) -> asyncio.Task[Any]:
    return submit(outbox, api, "sendMessage", chat_id=chat, text=text, **kw)


def edit(
    outbox: Outbox, api: FakeApi, chat: int, message: int, text: str, **kw: Any
) -> asyncio.Task[Any]:
    return submit(outbox, api, "editMessageText", chat_id=chat, message_id=message, text=text, **kw)


def max_in_window(times: Iterable[float], window: float = 1.0) -> int:
    ordered = sorted(times)
    return max(
        (sum(1 for u in ordered if t <= u < t + window) for t in ordered),
        default=0,
    )


def server_error() -> NetworkError:
    return NetworkError("Bad Gateway")


# --- budget and gate -----------------------------------------------------------------------


async def test_the_bot_never_exceeds_its_budget(outbox: Outbox, api: FakeApi, clock: FakeClock):
    tasks = [send(outbox, api, chat) for chat in range(1, 91)]
    await clock.advance(5)
    assert all(t.done() for t in tasks)
    times = api.times("sendMessage")
    assert len(times) == 90
    assert max_in_window(times) <= BOT_RATE_PER_S + 1
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / BOT_RATE_PER_S)


def test_late_wake_ups_keep_the_budget_on_its_grid():
    budget = Budget(10.0)
    budget.take(0.0)
    assert budget.free_at(0.0) == pytest.approx(0.1)
    budget.take(0.13)  # woke 30 ms late: the next slot is still 0.2, not 0.23
    assert budget.free_at(0.13) == pytest.approx(0.2)
    budget.take(5.0)  # after an idle spell a new grid starts
    assert budget.free_at(5.0) == pytest.approx(5.1)


async def test_one_chat_gets_a_short_burst_then_one_per_second(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    tasks = [send(outbox, api, 7, f"part {i}") for i in range(5)]
    await clock.advance(10)
    assert all(t.done() for t in tasks)
    slot = 1 / BOT_RATE_PER_S
    assert api.times(chat=7) == pytest.approx([0.0, slot, 2 * slot, 1.0, 2.0], abs=0.001)
    assert [d["text"] for _, _, d in api.calls] == [f"part {i}" for i in range(5)]


async def test_pacing_and_broadcasts_never_spend_the_burst(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    for i in range(3):
        submit(outbox, api, "sendMessage", Priority.PACING, chat_id=7, text=f"beat {i}")
    await clock.advance(5)
    assert api.times(chat=7) == pytest.approx([0.0, 1.0, 2.0], abs=0.01)


async def test_other_chats_do_not_wait_for_a_busy_one(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    for i in range(6):
        send(outbox, api, 1, f"m{i}")
    await settle()
    send(outbox, api, 2, "hello")
    await clock.advance(0.5)
    assert api.times(chat=2) and api.times(chat=2)[0] < 0.5


async def test_one_request_per_chat_at_a_time_keeps_order(clock: FakeClock):
    outbox = Outbox(clock=clock, sleep=clock.sleep, rand=lambda: 0.5)
    api = FakeApi(clock, latency=2.0)
    send(outbox, api, 7, "first")
    send(outbox, api, 7, "second")
    await clock.advance(1)
    assert [d["text"] for _, _, d in api.calls] == ["first"]
    await clock.advance(2)
    assert [d["text"] for _, _, d in api.calls] == ["first", "second"]


# --- priorities ----------------------------------------------------------------------------


async def test_a_reply_takes_the_next_slot_ahead_of_a_broadcast(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    for chat in range(100, 160):
        submit(outbox, api, "sendMessage", Priority.BROADCAST, chat_id=chat, text="remind")
    await clock.advance(0.5)
    sent_before = len(api.calls)
    reply = send(outbox, api, 7, "logged")
    await clock.advance(1 / BOT_RATE_PER_S + 0.001)
    assert reply.done()
    assert api.order()[sent_before] == ("sendMessage", 7)


async def test_priorities_order_the_queue(outbox: Outbox, api: FakeApi, clock: FakeClock):
    # Fill the budget so everything below queues, then add them lowest priority first.
    for chat in range(1, 30):
        send(outbox, api, chat)
    await settle()
    submit(outbox, api, "sendMessage", Priority.BROADCAST, chat_id=40, text="b")
    submit(outbox, api, "editMessageText", Priority.PACING, chat_id=41, message_id=1, text="p")
    send(outbox, api, 42, "r")
    await clock.advance(3)
    tail = [chat for _, chat in api.order()[-3:]]
    assert tail == [42, 41, 40]


async def test_callback_answers_go_at_once_while_the_chat_and_budget_are_busy(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    for chat in range(1, 200):
        submit(outbox, api, "sendMessage", Priority.BROADCAST, chat_id=chat, text="b")
    for i in range(4):
        edit(outbox, api, 7, 55, f"beat {i}")
    await clock.advance(0.2)
    answer = submit(outbox, api, "answerCallbackQuery", callback_query_id="q1")
    await settle()
    assert answer.done() and answer.result() is True
    assert api.times("answerCallbackQuery") == [pytest.approx(0.2)]


async def test_rate_limit_args_set_the_priority(outbox: Outbox, api: FakeApi, clock: FakeClock):
    for chat in range(1, 30):
        send(outbox, api, chat)
    await settle()
    data = {"chat_id": 50, "text": "late"}
    task = asyncio.ensure_future(
        outbox.process_request(
            api.call, ("sendMessage", data), {}, "sendMessage", data, int(Priority.BROADCAST)
        )
    )
    send(outbox, api, 51, "soon")
    await clock.advance(3)
    assert task.done()
    assert [c for _, c in api.order()[-2:]] == [51, 50]


# --- coalescing ----------------------------------------------------------------------------


async def test_a_newer_edit_supersedes_a_queued_one(outbox: Outbox, api: FakeApi, clock: FakeClock):
    send(outbox, api, 7, "start")
    await settle()
    first = submit(
        outbox, api, "editMessageText", Priority.PACING, chat_id=7, message_id=1, text="a"
    )
    second = submit(
        outbox, api, "editMessageText", Priority.PACING, chat_id=7, message_id=1, text="b"
    )
    await settle()
    assert first.done() and first.result() is True
    await clock.advance(2)
    assert second.done()
    edits = [d["text"] for _, e, d in api.calls if e == "editMessageText"]
    assert edits == ["b"]
    assert outbox.sent[("pacing", "superseded")] == 1


async def test_edits_of_different_messages_do_not_coalesce(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    edit(outbox, api, 7, 1, "a")
    edit(outbox, api, 7, 2, "b")
    await clock.advance(3)
    assert len(api.times("editMessageText")) == 2


async def test_an_edit_identical_to_what_shows_is_never_sent(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    sent = send(outbox, api, 7, "same")
    await clock.advance(0.1)
    message_id = sent.result()["message_id"]
    again = edit(outbox, api, 7, message_id, "same")
    await clock.advance(2)
    assert again.result() is True
    assert api.times("editMessageText") == []
    changed = edit(outbox, api, 7, message_id, "new")
    await clock.advance(2)
    assert changed.done()
    back = edit(outbox, api, 7, message_id, "new")
    await clock.advance(2)
    assert back.result() is True
    assert len(api.times("editMessageText")) == 1


async def test_not_modified_counts_as_success(outbox: Outbox, api: FakeApi, clock: FakeClock):
    api.fail(7, BadRequest("Message is not modified: specified new message content is the same"))
    task = edit(outbox, api, 7, 3, "x")
    await clock.advance(1)
    assert task.result() is True
    assert outbox.sent[("reply", "unchanged")] == 1


async def test_other_bad_requests_reach_the_caller(outbox: Outbox, api: FakeApi, clock: FakeClock):
    api.fail(7, BadRequest("Message to edit not found"))
    task = edit(outbox, api, 7, 3, "x")
    await clock.advance(1)
    with pytest.raises(BadRequest):
        task.result()


# --- 429 ------------------------------------------------------------------------------------


async def test_429_waits_for_that_chat_only(outbox: Outbox, api: FakeApi, clock: FakeClock):
    api.fail(1, RetryAfter(5))
    one = send(outbox, api, 1, "to one")
    await settle()
    others = [send(outbox, api, chat, "to others") for chat in (2, 3)]
    await clock.advance(1)
    assert all(t.done() for t in others)
    assert not one.done()
    await clock.advance(4.5)
    assert one.done()
    assert api.times(chat=1) == [0.0, pytest.approx(5.0, abs=0.05)]
    assert outbox.retry_after_count == 1


async def test_429s_from_many_chats_pause_everyone(outbox: Outbox, api: FakeApi, clock: FakeClock):
    for chat in (1, 2, 3):
        api.fail(chat, RetryAfter(3))
        send(outbox, api, chat)
    await clock.advance(0.5)
    late = send(outbox, api, 4, "after")
    await clock.advance(2)
    assert not late.done()
    await clock.advance(1.5)
    assert late.done()
    assert api.times(chat=4)[0] >= 3.0


async def test_a_superseded_edit_is_not_retried_after_429(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    api.fail(7, RetryAfter(2))
    first = edit(outbox, api, 7, 1, "a")
    await settle()
    second = edit(outbox, api, 7, 1, "b")
    await clock.advance(3)
    assert first.result() is True and second.done()
    assert [d["text"] for _, _, d in api.calls] == ["a", "b"]


# --- 5xx and network errors -----------------------------------------------------------------


async def test_server_errors_are_retried_with_growing_delays(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    api.fail(7, server_error(), server_error())
    task = send(outbox, api, 7)
    await clock.advance(5)
    assert task.done() and task.result()["message_id"]
    assert api.times(chat=7) == pytest.approx([0.0, 0.5, 1.5], abs=0.01)
    assert outbox.sent[("reply", "retried")] == 2


async def test_backoff_is_capped_and_jittered():
    backoff = Backoff(base_s=1, factor=2, cap_s=5, jitter=0.2)
    assert backoff.delay(1, lambda: 0.5) == 1
    assert backoff.delay(10, lambda: 0.5) == 5
    assert backoff.delay(10, lambda: 1.0) == pytest.approx(6)
    assert backoff.delay(10, lambda: 0.0) == pytest.approx(4)


async def test_a_broadcast_gives_up_after_its_attempts(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    api.fail(7, *(server_error() for _ in range(5)))
    task = submit(outbox, api, "sendMessage", Priority.BROADCAST, chat_id=7, text="r")
    await clock.advance(30)
    with pytest.raises(NetworkError):
        task.result()
    assert len(api.times(chat=7)) == 3


async def test_a_timed_out_send_is_never_repeated(outbox: Outbox, api: FakeApi, clock: FakeClock):
    timeout = TimedOut()
    timeout.__cause__ = httpx.ReadTimeout("read")
    api.fail(7, timeout)
    task = submit(outbox, api, "sendMessage", Priority.BROADCAST, chat_id=7, text="r")
    await clock.advance(30)
    with pytest.raises(TimedOut):
        task.result()
    assert len(api.times(chat=7)) == 1
    assert outbox.sent[("broadcast", "maybe")] == 1


async def test_a_timed_out_edit_is_repeated(outbox: Outbox, api: FakeApi, clock: FakeClock):
    timeout = TimedOut()
    timeout.__cause__ = httpx.ReadTimeout("read")
    api.fail(7, timeout)
    task = edit(outbox, api, 7, 1, "x")
    await clock.advance(5)
    assert task.done() and task.result() is True
    assert len(api.times(chat=7)) == 2


async def test_callback_answers_are_retried(outbox: Outbox, api: FakeApi, clock: FakeClock):
    api.fail("answerCallbackQuery", server_error())
    task = submit(outbox, api, "answerCallbackQuery", callback_query_id="q")
    await clock.advance(1)
    assert task.result() is True
    assert len(api.times("answerCallbackQuery")) == 2


def test_failures_are_classified():
    refused = NetworkError("httpx.ConnectError")
    refused.__cause__ = httpx.ConnectError("refused")
    broken = NetworkError("httpx.ReadError")
    broken.__cause__ = httpx.ReadError("reset")
    pool = TimedOut("pool")
    pool.__cause__ = httpx.PoolTimeout("pool")
    assert verdict(server_error()) is Verdict.RETRY
    assert verdict(refused) is Verdict.RETRY
    assert verdict(pool) is Verdict.RETRY
    assert verdict(broken) is Verdict.MAYBE
    assert verdict(TimedOut()) is Verdict.MAYBE
    assert verdict(RetryAfter(3)) is Verdict.WAIT
    assert verdict(Forbidden("blocked")) is Verdict.BLOCKED
    assert verdict(BadRequest("Message is not modified")) is Verdict.UNCHANGED
    assert verdict(BadRequest("chat not found")) is Verdict.FATAL


# --- 403 ------------------------------------------------------------------------------------


async def test_403_drops_the_chat_and_calls_the_hook_once(
    outbox: Outbox, api: FakeApi, clock: FakeClock
):
    blocked: list[int] = []

    async def on_blocked(chat_id: int) -> None:
        blocked.append(chat_id)

    outbox.on_blocked = on_blocked
    api.fail(7, Forbidden("Forbidden: bot was blocked by the user"))
    first = send(outbox, api, 7, "one")
    queued = [
        submit(outbox, api, "editMessageText", Priority.PACING, chat_id=7, message_id=1, text=t)
        for t in ("a",)
    ] + [send(outbox, api, 7, "two"), send(outbox, api, 7, "three"), send(outbox, api, 7, "4")]
    other = send(outbox, api, 8, "fine")
    await clock.advance(5)
    assert blocked == [7]
    for task in [first, *queued]:
        with pytest.raises(Forbidden):
            task.result()
    assert other.done() and other.result()
    # One request to a chat at a time: nothing else went out before the 403 was known.
    assert len(api.times(chat=7)) == 1
    assert outbox.depth() == 0


async def test_a_cancelled_caller_sends_nothing(outbox: Outbox, api: FakeApi, clock: FakeClock):
    for chat in range(1, 30):
        send(outbox, api, chat)
    await settle()
    task = send(outbox, api, 99, "never")
    await settle()
    task.cancel()
    await clock.advance(3)
    assert api.times(chat=99) == []
    assert outbox.sent[("reply", "cancelled")] == 1


async def test_depth_and_counts(outbox: Outbox, api: FakeApi, clock: FakeClock):
    for chat in range(1, 11):
        send(outbox, api, chat)
    await settle()
    assert 0 < outbox.depth() <= 10
    await clock.advance(2)
    assert outbox.depth() == 0
    assert outbox.sent[("reply", "sent")] == 10


async def test_shutdown_fails_what_is_still_queued(outbox: Outbox, api: FakeApi, clock: FakeClock):
    for chat in range(1, 40):
        send(outbox, api, chat)
    await settle()
    late = send(outbox, api, 77)
    await settle()
    await outbox.shutdown()
    await settle()
    with pytest.raises(NetworkError):
        late.result()


async def test_shutdown_mid_request_tells_the_caller_it_may_have_arrived(clock: FakeClock):
    outbox = Outbox(clock=clock, sleep=clock.sleep, rand=lambda: 0.5)
    api = FakeApi(clock, latency=5.0)
    task = send(outbox, api, 7, "slow")
    await clock.advance(1)
    await outbox.shutdown()
    await settle()
    with pytest.raises(TimedOut):
        task.result()
