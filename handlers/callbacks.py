"""Callback data: every button's data is checked against its shape before a handler uses it.

A button's data comes back from the client as it was sent, or as a modified client forges it,
so nothing in it is trusted: the prefix and words must be known, integers are ASCII digits
within bounds (a huge session id would overflow SQLite), dates are real dates. Each feature
declares the shapes of its buttons; register_handlers() matches a handler only to data that
fits one of them (pattern=matches(...)), so anything else falls through to the stale-button
answer, and the handler reads typed values with parse(). The last field takes the rest of the
data, so a value may contain ':' (a time, 07:30).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

# Telegram's bound on callback_data.
MAX_DATA_BYTES: Final = 64
# SQLite's INTEGER: a larger id could only be forged, and would overflow the query.
MAX_ID: Final = 2**63 - 1

Value = int | str | date


class Field:
    """One ':'-separated part of callback data."""

    def read(self, text: str) -> Value | None:
        """The value of `text`, or None if it doesn't fit."""
        raise NotImplementedError


@dataclass(frozen=True)
class Int(Field):
    """An integer in [low, high], written in ASCII digits (no sign, at most 19 of them)."""

    low: int = 0
    high: int = MAX_ID

    def read(self, text: str) -> int | None:
        """The integer, or None."""
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
        return value if self.low <= value <= self.high else None


@dataclass(frozen=True)
class Word(Field):
    """One of a fixed set of words."""

    words: frozenset[str]

    def read(self, text: str) -> str | None:
        """The word, or None."""
        return text if text in self.words else None


@dataclass(frozen=True)
class Text(Field):
    """Free text matching a pattern (the handler still checks what it means)."""

    pattern: re.Pattern[str]

    def read(self, text: str) -> str | None:
        """The text, or None."""
        return text if self.pattern.fullmatch(text) else None


@dataclass(frozen=True)
class Day(Field):
    """An ISO date (YYYY-MM-DD)."""

    def read(self, text: str) -> date | None:
        """The date, or None."""
        if not _ISO_DAY.fullmatch(text):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None


_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

ID: Final = Int(1, MAX_ID)
"""A stored row's id (a session)."""


def one_of(*words: str) -> Word:
    """A field that is one of `words`."""
    return Word(frozenset(words))


def text(pattern: str) -> Text:
    """A field of free text matching `pattern` in full."""
    return Text(re.compile(pattern))


@dataclass(frozen=True)
class Shape:
    """A prefix and its fields; a str field stands for that literal word."""

    prefix: str
    fields: tuple[Field, ...]


def shape(prefix: str, *fields: Field | str) -> Shape:
    """E.g. shape("wk", "go", ID, Int(0, 99)) for wk:go:<session>:<index>."""
    return Shape(prefix, tuple(one_of(f) if isinstance(f, str) else f for f in fields))


@dataclass(frozen=True)
class Pressed:
    """Callback data that fits a shape: its values after the prefix, typed."""

    values: tuple[Value, ...]

    def word(self, index: int) -> str:
        """The text value at `index` (a word or free text)."""
        value = self.values[index]
        if not isinstance(value, str):
            raise TypeError(f"field {index} is not text")
        return value

    def number(self, index: int) -> int:
        """The integer value at `index`."""
        value = self.values[index]
        if not isinstance(value, int):
            raise TypeError(f"field {index} is not an integer")
        return value

    def day(self, index: int) -> date:
        """The date value at `index`."""
        value = self.values[index]
        if not isinstance(value, date):
            raise TypeError(f"field {index} is not a date")
        return value


def parse(data: object, shapes: Sequence[Shape]) -> Pressed | None:
    """The values of callback data fitting one of `shapes` (the first that fits), else None."""
    if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_DATA_BYTES:
        return None
    for candidate in shapes:
        parts = data.split(":", len(candidate.fields))
        if parts[0] != candidate.prefix or len(parts) != len(candidate.fields) + 1:
            continue
        values = [f.read(part) for f, part in zip(candidate.fields, parts[1:], strict=True)]
        if all(v is not None for v in values):
            return Pressed(tuple(v for v in values if v is not None))
    return None


def matches(shapes: Sequence[Shape]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern accepting only data that fits one of `shapes`."""

    def fits(data: object) -> bool:
        return parse(data, shapes) is not None

    return fits


# --- every button the bot sends, by feature ------------------------------------------------

PRESET_KEY = text(r"[a-z0-9_-]{1,32}")

WORKOUT: Final = (
    shape("wk", "go", ID, Int(0, 99)),
    shape("wk", one_of("stop", "pause", "resume", "done", "skip", "cont"), ID),
    shape("wk", "pain", ID, Int(0, 10)),
    shape("wk", "diff", ID, one_of("easy", "right", "hard")),
    shape("wk", "new", Int(0, 0)),
)
START_NOW: Final = (shape("workout", one_of("start", "anyway")),)
CONSENT: Final = (shape("consent", one_of("yes", "no")),)
CHOICE: Final = (
    # Settings fields; onboarding.apply_choice checks each value against what it means.
    shape("cfg", text(r"[a-z_]{1,16}"), text(r"[A-Za-z0-9_+\-/:]{1,48}")),
)
MENU: Final = (shape("menu", text(r"[a-z_]{1,16}")),)
LEARN: Final = (
    shape("learn", PRESET_KEY, Int(0, 99)),
    shape("learn", PRESET_KEY, "new"),
)
CUES: Final = (shape("cues", "show"),)
PACE: Final = (
    shape("pace", "menu"),
    shape("pace", "set", one_of("chat", "voice", "app"), one_of("o", "s")),
)
REMIND: Final = (shape("remind", one_of("snooze", "skip"), Day()),)
HISTORY: Final = (shape("hist", Int(0, 999_999), Int(0, 999_999)),)
DELETE: Final = (
    shape("del", "yes", text(r"[0-9]{1,20}-[0-9]{1,20}")),
    shape("del", "no"),
)
PROGRESSION: Final = (shape("prog", one_of("yes", "no"), text(r"[a-z0-9-]{1,40}")),)
