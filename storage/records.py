"""Rows returned by Storage, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

Legs = Literal["both", "left", "right"]
PacingMode = Literal["chat", "voice", "app"]
FOREVER = date(9999, 12, 31)


@dataclass(frozen=True)
class UserRecord:
    """A user who agreed to have their log stored, with every setting."""

    user_id: int
    chat_id: int
    first_name: str
    consent_at: datetime
    onboarding_step: str
    awaiting: str
    preset: str
    legs: Legs
    timezone: str
    remind_at: time
    first_day: date | None
    reps: int | None
    hold_s: int | None
    ankle_weight: bool
    reminders_on: bool
    paused_until: date | None
    skip_day: date | None
    snooze_until_utc: datetime | None
    next_reminder_utc: datetime | None
    active: bool
    learn_step: int
    created_at: datetime
    updated_at: datetime
    pacing_mode: PacingMode = "chat"
    recap_on: bool = True
    recap_day: int = 6  # local weekday of the weekly recap, 0 = Monday … 6 = Sunday
    next_recap_utc: datetime | None = None

    @property
    def onboarded(self) -> bool:
        """True once the user finished the onboarding questions."""
        return self.onboarding_step == "done"
