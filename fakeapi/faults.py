"""Failure injection: the next calls fail or answer late, or a seeded random fault mode."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus

from fakeapi.chats import ChatsMixin
from fakeapi.errors import BLOCKED, JSON, ApiError
from fakeapi.models import _FaultMode, _Injection
from fakeapi.wire import _opt_int


class FaultsMixin(ChatsMixin):
    """Errors and delays the server is told to give instead of (or before) answering."""

    def fail_next(
        self,
        method: str,
        code: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `count` calls of `method` (or "*") fail with this error, undelivered."""
        if code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request",
                403: BLOCKED,
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
                504: "Gateway Timeout",
            }.get(code) or HTTPStatus(code).phrase
        with self._cond:
            self._injections.append(
                _Injection(method, code, description, retry_after, count, chat_id)
            )

    def delay_next(
        self, method: str, seconds: float, *, count: int = 1, chat_id: int | None = None
    ) -> None:
        """Deliver the next `count` calls of `method` but answer only after `seconds`.

        Models a send that times out on the client yet reached the user.
        """
        with self._cond:
            self._injections.append(_Injection(method, 0, "", None, count, chat_id, seconds))

    def set_faults(
        self,
        rate: float,
        *,
        methods: Iterable[str] | Mapping[str, float] | None = None,
        seed: int = 0,
        codes: Sequence[int] = (500, 502, 503, 504),
        timeout_share: float = 0.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        """Fail calls at random like a flaky Telegram: `rate` of calls fail, reproducibly by `seed`.

        `methods` limits faults to these methods (a mapping gives each its own rate); None means
        every method, getUpdates included. A fault is a 5xx from `codes` (the call is not
        carried out) or, for `timeout_share` of faults, a timeout: the answer comes only after
        `timeout_seconds` (past the client's read timeout); half of those are carried out
        anyway, as a real timed-out send may have been. fail_next() and delay_next() win over this.
        """
        if isinstance(methods, Mapping):
            rates: dict[str, float] | None = {m: float(r) for m, r in methods.items()}
        elif methods is not None:
            rates = dict.fromkeys(methods, rate)
        else:
            rates = None
        with self._cond:
            self._faults = _FaultMode(
                rate, rates, tuple(codes), timeout_share, timeout_seconds, random.Random(seed)
            )

    def clear_faults(self) -> None:
        """End the fault mode set by set_faults()."""
        with self._cond:
            self._faults = None

    def _random_fault(self, method: str) -> _Injection | None:
        mode = self._faults
        if mode is None:
            return None
        rate = mode.rate if mode.rates is None else mode.rates.get(method, 0.0)
        if rate <= 0 or mode.rng.random() >= rate:
            return None
        if mode.rng.random() < mode.timeout_share:
            delivered = mode.rng.random() < 0.5
            if delivered:
                self.injected.append((method, 0, "timed out (carried out)"))
            return _Injection(
                method,
                0 if delivered else 504,
                "Gateway Timeout",
                None,
                1,
                None,
                mode.timeout_seconds,
            )
        code = mode.rng.choice(mode.codes)
        return _Injection(method, code, HTTPStatus(code).phrase, None, 1, None)

    def _take_injection(self, method: str, params: JSON) -> _Injection | None:
        chat_id: int | None
        try:
            chat_id = _opt_int(params, "chat_id")
        except ApiError:
            chat_id = None
        for inj in self._injections:
            if inj.method not in (method, "*"):
                continue
            if inj.chat_id is not None and inj.chat_id != chat_id:
                continue
            inj.remaining -= 1
            if inj.remaining <= 0:
                self._injections.remove(inj)
            return inj
        return self._random_fault(method)
