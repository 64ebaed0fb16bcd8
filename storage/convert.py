"""Conversions between Python values and the TEXT columns SQLite stores them in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def utc_text(value: datetime) -> str:
    """An aware datetime as UTC ISO-8601 text (sorts correctly as text)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str | None) -> datetime | None:
    """UTC ISO-8601 text back to an aware datetime."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)  # Python 3.11 reads the "Z" suffix as UTC
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def parse_date(text: str | None) -> date | None:
    """ISO date text back to a date."""
    return date.fromisoformat(text) if text else None


def parse_time(text: str) -> time:
    """HH:MM text back to a time."""
    return time.fromisoformat(text)


def time_text(value: time) -> str:
    """A wall-clock time as HH:MM."""
    return value.strftime("%H:%M")
