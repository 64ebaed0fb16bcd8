"""The weekly recap: when it is due, which days it covers, and what it says (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from coach.schedule import fire_time
from coach.stats import SessionFacts, due_days

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAY = 6  # Sunday
_WEEK = timedelta(days=7)

PainTrend = Literal["lower", "higher", "same", "none"]


def week_key(day: date) -> date:
    """The Monday of a local date's week: the recap ledger's key (one recap per week)."""
    return day - timedelta(days=day.weekday())


def next_recap(weekday: int, at: time, tz: ZoneInfo, after: datetime) -> datetime:
    """The first recap instant strictly after `after`: weekday `weekday` at local time `at`.

    Wall-clock time across daylight-saving changes, as reminders (a time that doesn't exist
    that night comes at the next valid minute).
    """
    local = after.astimezone(tz).date()
    day = local + timedelta(days=(weekday - local.weekday()) % 7)
    for _ in range(3):
        moment = fire_time(day, at, tz)
        if moment > after:
            return moment
        day += _WEEK
    raise AssertionError("no recap instant within three weeks")  # fire_time moves < 1 day


def parse_weekday(text: str) -> int | None:
    """A weekday from "sunday", "Sun", "so"… (English names and 3-letter forms), else None."""
    word = text.strip().lower()
    if len(word) < 2:
        return None
    for index, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return index
    return None


@dataclass(frozen=True)
class WeekFigures:
    """What the recap reports about the 7 days before the recap day, against the week before."""

    start: date
    end: date  # inclusive
    done: int  # training days done among those due
    due: int
    extra: int  # sessions on days that weren't due (a bonus, not counted against anything)
    reps_left: int
    reps_right: int
    prev_left: int
    prev_right: int
    pain: float | None  # mean pain this week (answered sessions only)
    prev_pain: float | None
    sessions: int

    @property
    def pain_trend(self) -> PainTrend:
        """Lower, higher or the same as the week before; none without answers in both weeks."""
        if self.pain is None or self.prev_pain is None:
            return "none"
        if self.pain < self.prev_pain - 0.4:
            return "lower"
        if self.pain > self.prev_pain + 0.4:
            return "higher"
        return "same"


def week_figures(
    sessions: Sequence[SessionFacts],
    first_day: date,
    recap_day: date,
    off: Collection[date] = (),
) -> WeekFigures:
    """Figures for the 7 local days before `recap_day` (paused and skipped days not due)."""
    end = recap_day - timedelta(days=1)
    start = end - timedelta(days=6)
    done_days = sorted({s.local_date for s in sessions if s.complete})
    due = [d for d in due_days(first_day, done_days, start, end, off) if d >= first_day]
    done_set = set(done_days)
    this_week = [s for s in sessions if start <= s.local_date <= end]
    last_week = [s for s in sessions if start - _WEEK <= s.local_date <= end - _WEEK]

    def mean_pain(items: Sequence[SessionFacts]) -> float | None:
        pains = [s.pain for s in items if s.pain is not None]
        return sum(pains) / len(pains) if pains else None

    return WeekFigures(
        start=start,
        end=end,
        done=sum(1 for d in due if d in done_set),
        due=len(due),
        extra=sum(1 for d in done_days if start <= d <= end and d not in due),
        reps_left=sum(s.reps_left for s in this_week),
        reps_right=sum(s.reps_right for s in this_week),
        prev_left=sum(s.reps_left for s in last_week),
        prev_right=sum(s.reps_right for s in last_week),
        pain=mean_pain(this_week),
        prev_pain=mean_pain(last_week),
        sessions=len(this_week),
    )
