"""Every-other-day reminder rule: which local days are training days and when reminders fire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "CUTOFF",
    "INDEFINITE",
    "ReminderKind",
    "ReminderState",
    "due_days",
    "fire_time",
    "first_training_day",
    "is_reminder_day",
    "next_reminder",
    "still_sendable",
    "upcoming_training_days",
]

ReminderKind = Literal["daily", "snooze"]

# A pause ending on or after this date means "until /resume". date.max is the documented value; any
# date this far out is treated the same so arithmetic near date.max can never overflow.
INDEFINITE = date(9000, 1, 1)
# A reminder that fell due while the bot was down is dropped from this local wall-clock time on.
CUTOFF = time(22, 0)
# A reminder at most this late is a normal tick/queue delay, not downtime, and is always sent
# (otherwise a user who picked 22:30 would never get one).
ON_TIME_GRACE = timedelta(minutes=10)

_ONE_DAY = timedelta(days=1)
_TWO_DAYS = timedelta(days=2)
# next_reminder probes at most: today (time passed), the skip day, a non-existent day, the answer.
_MAX_DAILY_PROBES = 8


@dataclass(frozen=True)
class ReminderState:
    """Everything the reminder rule needs to know about one user."""

    timezone: str  # IANA name
    remind_at: time  # local wall-clock time (tzinfo ignored)
    # First local date a session can be due: the onboarding date, or the day after if the reminder
    # time had already passed at onboarding (see first_training_day).
    first_day: date
    last_done: date | None  # local date of the last completed session
    last_reminded: date | None  # local training date of the last daily reminder delivered
    skip_day: date | None = None  # "Skip today": no daily reminder on this local date
    paused_until: date | None = None  # no reminders on days before it; date.max = until /resume
    snooze_until: datetime | None = None  # aware UTC instant of one extra reminder


def fire_time(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Return the aware UTC instant of wall-clock `at` on local `day` (gap: next valid minute)."""
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    # fold=0 picks the first occurrence of an ambiguous (fall-back) time.
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    if _wall(first, tz) == naive:
        return first
    # `naive` falls in a gap. Per PEP 495, fold=0 maps it with the offset before the transition and
    # fold=1 with the offset after, so the transition lies between the two instants; bisect on whole
    # seconds (bounded: ~17 steps even for a skipped calendar day, never an open-ended loop).
    other = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(first, other), max(first, other)
    lo_s, hi_s = (
        0,
        int((hi - lo).total_seconds()),
    )  # invariant: wall(lo+lo_s) < naive <= wall(lo+hi_s)
    while hi_s - lo_s > 1:
        mid = (lo_s + hi_s) // 2
        if _wall(lo + timedelta(seconds=mid), tz) < naive:
            lo_s = mid
        else:
            hi_s = mid
    after_gap = lo + timedelta(seconds=hi_s)
    wall = _wall(after_gap, tz)
    # Historical (LMT) offsets can have seconds; round the wall clock up to a whole minute.
    extra = timedelta(seconds=wall.second, microseconds=wall.microsecond)
    if extra:
        after_gap += timedelta(minutes=1) - extra
    return after_gap


def first_training_day(onboarded_at: datetime, remind_at: time, tz: ZoneInfo) -> date:
    """Return the first training day: today if the reminder time is still ahead, else tomorrow."""
    _require_aware(onboarded_at, "onboarded_at")
    today = onboarded_at.astimezone(tz).date()
    fresh = ReminderState(
        str(tz.key), remind_at, first_day=today, last_done=None, last_reminded=None
    )
    nxt = _next_daily(fresh, onboarded_at, tz)
    return nxt[1] if nxt is not None else today + _ONE_DAY


def is_reminder_day(state: ReminderState, day: date) -> bool:
    """Return whether `day` (local) gets a daily reminder under the every-other-day rule."""
    return _is_reminder_day(state, day, ZoneInfo(state.timezone))


def next_reminder(
    state: ReminderState, now: datetime
) -> tuple[datetime, date, ReminderKind] | None:
    """Return the next reminder at or after `now`: (UTC instant, local date, kind), or None."""
    _require_aware(now, "now")
    tz = ZoneInfo(state.timezone)
    found = [c for c in (_next_daily(state, now, tz), _pending_snooze(state, now, tz)) if c]
    if not found:
        return None
    # On a tie the daily one goes first; the snooze is still pending after it.
    return min(found, key=lambda c: (c[0], c[2] != "daily"))


def upcoming_training_days(state: ReminderState, today: date, count: int) -> list[date]:
    """Project the next `count` training days from `today` on, assuming each is trained when due."""
    if count <= 0 or _paused_forever(state):
        return []
    tz = ZoneInfo(state.timezone)
    day = max(today, _first_due(state))
    out: list[date] = []
    # Each step either appends or moves past a skip day / non-existent day, so this bound suffices.
    for _ in range(2 * count + 8):
        if day >= INDEFINITE:
            break
        if state.paused_until is not None and day < state.paused_until:
            day = state.paused_until
            continue
        if _is_reminder_day(state, day, tz):
            out.append(day)
            if len(out) == count:
                break
            day += _TWO_DAYS
        else:
            day += _ONE_DAY
    return out


def due_days(first_day: date, done_days: Sequence[date], start: date, end: date) -> list[date]:
    """Return the local dates in [start, end] on which a session was due, given sessions done."""
    if start > end:
        return []
    out: list[date] = []
    next_due = first_day

    def take(lo: date, hi: date) -> None:
        lo, hi = max(lo, start), min(hi, end)
        while lo <= hi:
            out.append(lo)
            lo += _ONE_DAY

    for done in sorted(set(done_days)):
        if done > end:
            break
        if done >= next_due:
            # Every day from the due day up to the session is due (missed days, then the done one).
            take(next_due, done)
        next_due = done + _TWO_DAYS
    take(next_due, end)
    return out


def still_sendable(due_utc: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """Return whether a reminder due at `due_utc` should still be sent at `now` (after downtime)."""
    _require_aware(due_utc, "due_utc")
    _require_aware(now, "now")
    if now < due_utc:
        return False
    if now - due_utc <= ON_TIME_GRACE:
        return True
    local_now = now.astimezone(tz)
    return (
        local_now.date() == due_utc.astimezone(tz).date()
        and local_now.replace(tzinfo=None).time() < CUTOFF
    )


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """Return the naive local wall-clock reading of an aware instant."""
    return instant.astimezone(tz).replace(tzinfo=None, fold=0)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value!r}")


def _first_due(state: ReminderState) -> date:
    return state.last_done + _TWO_DAYS if state.last_done is not None else state.first_day


def _paused_forever(state: ReminderState) -> bool:
    return state.paused_until is not None and state.paused_until >= INDEFINITE


def _fires_on_own_day(day: date, at: time, tz: ZoneInfo) -> bool:
    # A calendar day a zone skipped (Pacific/Apia 2011-12-30), or a time in a gap that crosses
    # midnight, would fire on the next local day and give that day two reminders.
    try:
        return fire_time(day, at, tz).astimezone(tz).date() == day
    except OverflowError:
        return False


def _is_reminder_day(state: ReminderState, day: date, tz: ZoneInfo) -> bool:
    if day < _first_due(state) or day == state.skip_day:
        return False
    if state.paused_until is not None and day < state.paused_until:
        return False
    return _fires_on_own_day(day, state.remind_at, tz)


def _next_daily(
    state: ReminderState, now: datetime, tz: ZoneInfo
) -> tuple[datetime, date, ReminderKind] | None:
    if _paused_forever(state):
        return None
    # Days before today need no look: each candidate fires on its own local day (_fires_on_own_day).
    day = max(now.astimezone(tz).date(), _first_due(state))
    if state.last_reminded is not None:
        day = max(day, state.last_reminded + _ONE_DAY)
    if state.paused_until is not None:
        day = max(day, state.paused_until)
    for _ in range(_MAX_DAILY_PROBES):
        if day >= INDEFINITE:
            return None
        if day != state.skip_day and _fires_on_own_day(day, state.remind_at, tz):
            fire = fire_time(day, state.remind_at, tz)
            if fire >= now:
                return fire, day, "daily"
        day += _ONE_DAY
    return None


def _pending_snooze(
    state: ReminderState, now: datetime, tz: ZoneInfo
) -> tuple[datetime, date, ReminderKind] | None:
    snooze = state.snooze_until
    if snooze is None:
        return None
    _require_aware(snooze, "snooze_until")
    if snooze < now:
        return None
    day = snooze.astimezone(tz).date()
    # A snooze is pointless once that day is trained, skipped or paused.
    if state.last_done is not None and state.last_done >= day:
        return None
    if day == state.skip_day:
        return None
    if state.paused_until is not None and day < state.paused_until:
        return None
    return snooze.astimezone(UTC), day, "snooze"
