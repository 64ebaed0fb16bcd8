"""Telegram Mini App initData: checked as Telegram documents before anything in it is trusted.

Steps (core.telegram.org/bots/webapps, "Validating data received via the Mini App"): parse the
query string once, with no repeated keys; the data-check string is every field but `hash`
(`signature` included) as key=value, sorted, joined by newlines; the secret is
HMAC-SHA256(key="WebAppData", msg=bot token); the hash must equal
hex(HMAC-SHA256(key=secret, msg=data-check string)), compared in constant time; auth_date must be
recent. Only then is `user` read, and the user id is only ever taken from it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from urllib.parse import parse_qsl, urlencode

MAX_AGE: Final = timedelta(hours=24)
# A client clock a little ahead of ours is tolerated; more is a forgery or a broken clock.
MAX_SKEW: Final = timedelta(minutes=5)
MAX_LENGTH: Final = 8192


class InitDataError(Exception):
    """initData is missing, malformed, forged or expired (the message is safe to return)."""


@dataclass(frozen=True)
class WebAppUser:
    """The Telegram user the signed initData speaks for."""

    user_id: int
    first_name: str
    language_code: str
    auth_date: datetime


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: Mapping[str, str], bot_token: str) -> str:
    """initData as Telegram would send it for these fields (tests, benchmarks, local testing)."""
    digest = hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})


def validate(raw: str, bot_token: str, now: datetime) -> WebAppUser:
    """The user of a genuine, fresh initData; InitDataError otherwise."""
    if not raw or len(raw) > MAX_LENGTH:
        raise InitDataError("initData missing or too long")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("initData is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("initData repeats a field")
    given = fields.get("hash", "")
    if not given or "auth_date" not in fields:
        raise InitDataError("initData lacks hash or auth_date")
    digest = hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256)
    if not hmac.compare_digest(digest.hexdigest(), given):
        raise InitDataError("initData signature does not match")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise InitDataError("initData auth_date is not a timestamp") from exc
    if now - auth_date > MAX_AGE or auth_date - now > MAX_SKEW:
        raise InitDataError("initData expired")
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError as exc:
        raise InitDataError("initData has no user") from exc
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InitDataError("initData has no user")
    language = user.get("language_code")
    first_name = user.get("first_name")
    return WebAppUser(
        user_id=user_id,
        first_name=first_name if isinstance(first_name, str) else "",
        language_code=language if isinstance(language, str) else "",
        auth_date=auth_date,
    )
