"""Progress figures for /progress: sessions, adherence, streaks, reps per leg, chart series."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Difficulty = Literal["easy", "right", "hard"]

ADHERENCE_WINDOW_DAYS = 28


@dataclass(frozen=True)
class SessionFacts:
    """What one logged session amounts to, as stats and progression need it."""

    local_date: date
    complete: bool  # every planned set done (False: a partial session)
    reps_left: int  # total reps logged on the left leg in this session
    reps_right: int
    sets_done: int
    sets_planned: int
    pain: int | None  # 0..10 from the end-of-session check; None if not answered
    difficulty: Difficulty | None
    in_progress: bool = False  # today's session, still open

    def __post_init__(self) -> None:
        if self.reps_left < 0 or self.reps_right < 0:
            raise ValueError("reps must not be negative")
        if self.sets_done < 0 or self.sets_planned < 0:
            raise ValueError("sets must not be negative")
        if self.pain is not None and not 0 <= self.pain <= 10:
            raise ValueError(f"pain must be 0..10, got {self.pain}")


@dataclass(frozen=True)
class ChartPoint:
    """One session on the /progress chart."""

    local_date: date
    reps_left: int
    reps_right: int
    pain: int | None


@dataclass(frozen=True)
class Progress:
    """Everything /progress shows, computed from the session history."""

    sessions_complete: int
    sessions_partial: int
    adherence: float | None  # due training days done / due, last 4 weeks; None if none due yet
    adherence_done: int
    adherence_due: int
    current_streak: int  # consecutive due training days done, up to today
    best_streak: int
    reps_left_total: int
    reps_right_total: int
    reps_left_per_session: float | None  # mean over all sessions; None when there are none
    reps_right_per_session: float | None
    last_pain: int | None  # from the most recent session that has a pain score
    series: tuple[ChartPoint, ...]  # one point per session, oldest first
    sessions_open: int = 0  # of sessions_partial: still in progress

    @property
    def sessions_total(self) -> int:
        """Complete and partial sessions together."""
        return self.sessions_complete + self.sessions_partial


def chronological(sessions: Sequence[SessionFacts]) -> list[SessionFacts]:
    """Sessions oldest first; sessions on the same date keep their given order."""
    return sorted(sessions, key=lambda s: s.local_date)


def training_days_done(sessions: Sequence[SessionFacts]) -> list[date]:
    """The distinct dates with a complete session, oldest first: the days that count as done.

    A partial session does not count, because the schedule counts the next training day from the
    last *completed* session (SPEC §6); counting it would make adherence disagree with reminders.
    """
    return sorted({s.local_date for s in sessions if s.complete})


def off_days(pauses: Iterable[tuple[date, date | None]], first: date, last: date) -> set[date]:
    """The local days in [first, last] covered by pauses [start, end) (end None: still running)."""
    days: set[date] = set()
    for start, end in pauses:
        day = max(start, first)
        stop = last + timedelta(days=1) if end is None else min(end, last + timedelta(days=1))
        while day < stop:
            days.add(day)
            day += timedelta(days=1)
    return days


def due_days(
    first_day: date,
    done_days: Iterable[date],
    start: date,
    end: date,
    off: Collection[date] = (),
) -> list[date]:
    """The local dates in [start, end] on which a session was due, given sessions done.

    Every other day, counted from the last completed session: from the day one falls due, each
    day is due until a session is done (a missed day is followed by a reminder the next day).
    A day in `off` (paused, safety-paused, stopped or skipped) is not due; the next day that is
    not off is. A session done on any day counts, and the count restarts from it.
    """
    done = set(done_days)
    out: list[date] = []
    next_due = first_day
    day = first_day
    while day <= end:
        if day in done:
            if day >= next_due and day >= start:
                out.append(day)
            next_due = day + timedelta(days=2)
        elif day >= next_due and day not in off and day >= start:
            out.append(day)
        day += timedelta(days=1)
    return out


def progress(
    sessions: Sequence[SessionFacts],
    first_day: date,
    today: date,
    off: Collection[date] = (),
) -> Progress:
    """Progress figures as of the local date `today`, for a user onboarded on `first_day`.

    `off` holds the days the user was not due (pauses, the safety pause, skipped days): they
    neither count against adherence nor break a streak.
    """
    ordered = chronological(sessions)
    done = training_days_done(ordered)
    done_set = set(done)

    # A due day that is today and not yet done is still open: neither missed nor counted as due.
    def open_today(day: date) -> bool:
        return day == today and day not in done_set

    window_start = max(first_day, today - timedelta(days=ADHERENCE_WINDOW_DAYS - 1))
    due_window = (
        [d for d in due_days(first_day, done, window_start, today, off) if not open_today(d)]
        if window_start <= today
        else []
    )
    adherence_done = sum(1 for d in due_window if d in done_set)
    adherence_due = len(due_window)

    # The streak walks every training day up to today: a day with a complete session extends it
    # (even an extra one that wasn't due, so training daily is never worse than every other day),
    # a due day without one breaks it. Paused and skipped days are not due, so never break it.
    current = best = 0
    if first_day <= today:
        due_all = due_days(first_day, done, first_day, today, off)
        for day in sorted({*due_all, *(d for d in done if first_day <= d <= today)}):
            if open_today(day):
                continue
            current = current + 1 if day in done_set else 0
            best = max(best, current)

    count = len(ordered)
    left_total = sum(s.reps_left for s in ordered)
    right_total = sum(s.reps_right for s in ordered)
    pains = [s.pain for s in ordered if s.pain is not None]
    return Progress(
        sessions_complete=sum(1 for s in ordered if s.complete),
        sessions_partial=sum(1 for s in ordered if not s.complete),
        adherence=adherence_done / adherence_due if adherence_due else None,
        adherence_done=adherence_done,
        adherence_due=adherence_due,
        current_streak=current,
        best_streak=best,
        reps_left_total=left_total,
        reps_right_total=right_total,
        reps_left_per_session=left_total / count if count else None,
        reps_right_per_session=right_total / count if count else None,
        last_pain=pains[-1] if pains else None,
        series=tuple(ChartPoint(s.local_date, s.reps_left, s.reps_right, s.pain) for s in ordered),
        sessions_open=sum(1 for s in ordered if s.in_progress),
    )
