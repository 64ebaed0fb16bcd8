"""Tests for coach.schedule: the every-other-day rule, DST-safe fire times, a year in every zone."""

from __future__ import annotations

import random
import time as clock
import zoneinfo
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from coach.schedule import (
    ReminderState,
    due_days,
    fire_time,
    first_training_day,
    is_reminder_day,
    next_reminder,
    still_sendable,
    upcoming_training_days,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
APIA = ZoneInfo("Pacific/Apia")
KOLKATA = ZoneInfo("Asia/Kolkata")

MON = date(2026, 11, 23)  # a Monday
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=i) for i in range(1, 7))
NEXT_MON = MON + timedelta(days=7)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def local(tz: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """An aware UTC instant for a local wall-clock reading (must exist and be unambiguous)."""
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


def next_day(state: ReminderState, now: datetime) -> date:
    """The local date of the next reminder, which must exist."""
    nxt = next_reminder(state, now)
    assert nxt is not None
    return nxt[1]


def make(
    zone: str = "Europe/Berlin",
    at: time = time(7, 30),
    first_day: date = MON - timedelta(days=14),
    **kw,
) -> ReminderState:
    fields = {"last_done": None, "last_reminded": None, **kw}
    return ReminderState(zone, at, first_day, **fields)


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def brute_fire_time(day: date, at: time, tz: ZoneInfo) -> datetime:
    """Oracle: the earliest whole UTC minute whose local wall clock reads `at` on `day` or later."""
    naive = datetime.combine(day, at)
    # UTC offsets lie within [-12h, +14h], so the answer lies in this window.
    t = naive.replace(tzinfo=UTC) - timedelta(hours=15)
    end = naive.replace(tzinfo=UTC) + timedelta(hours=40)
    while t < end:
        if wall(t, tz) >= naive:
            return t
        t += timedelta(minutes=1)
    raise AssertionError("no instant found")


# ---------------------------------------------------------------- fire_time


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc", "expected_wall"),
    [
        # Ordinary days: winter and summer offsets.
        (BERLIN, date(2026, 1, 31), time(7, 30), utc(2026, 1, 31, 6, 30), "07:30"),
        (BERLIN, date(2026, 7, 31), time(7, 30), utc(2026, 7, 31, 5, 30), "07:30"),
        # Berlin spring forward 2026-03-29 02:00 -> 03:00: the gap fires at 03:00 CEST.
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0), "03:00"),
        (BERLIN, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0), "03:00"),
        (BERLIN, date(2026, 3, 29), time(2, 59), utc(2026, 3, 29, 1, 0), "03:00"),
        (BERLIN, date(2026, 3, 29), time(1, 59), utc(2026, 3, 29, 0, 59), "01:59"),
        (BERLIN, date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1, 0), "03:00"),
        (BERLIN, date(2026, 3, 29), time(3, 1), utc(2026, 3, 29, 1, 1), "03:01"),
        # Berlin fall back 2026-10-25 03:00 -> 02:00: 02:30 happens twice; fire at the first (CEST).
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30), "02:30"),
        (BERLIN, date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2, 0), "03:00"),
        # New York 2026-03-08 02:00 -> 03:00 and 2026-11-01 02:00 -> 01:00.
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0), "03:00"),
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30), "01:30"),
        (NEW_YORK, date(2026, 11, 1), time(2, 30), utc(2026, 11, 1, 7, 30), "02:30"),
        # Lord Howe shifts by 30 minutes: 2026-10-04 02:00 -> 02:30, 2026-04-05 02:00 -> 01:30.
        (LORD_HOWE, date(2026, 10, 4), time(2, 10), utc(2026, 10, 3, 15, 30), "02:30"),
        (LORD_HOWE, date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 15, 30), "02:30"),
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45), "01:45"),
        (LORD_HOWE, date(2026, 4, 5), time(1, 15), utc(2026, 4, 4, 14, 15), "01:15"),
        # Apia skipped 2011-12-30 entirely (-10 -> +14): next valid minute is 12-31 00:00.
        (APIA, date(2011, 12, 30), time(7, 0), utc(2011, 12, 30, 10, 0), "00:00"),
        (APIA, date(2011, 12, 30), time(0, 0), utc(2011, 12, 30, 10, 0), "00:00"),
        (APIA, date(2011, 12, 30), time(23, 59), utc(2011, 12, 30, 10, 0), "00:00"),
        (APIA, date(2011, 12, 31), time(7, 0), utc(2011, 12, 30, 17, 0), "07:00"),
        (APIA, date(2011, 12, 29), time(23, 59), utc(2011, 12, 30, 9, 59), "23:59"),
        # Kiritimati skipped 1994-12-31.
        (
            ZoneInfo("Pacific/Kiritimati"),
            date(1994, 12, 31),
            time(12, 0),
            utc(1994, 12, 31, 10),
            "00:00",
        ),
        # Monrovia left LMT-style -0:44:30 for GMT on 1972-01-07: the gap ends at 00:44:30, and the
        # next whole minute is 00:45.
        (
            ZoneInfo("Africa/Monrovia"),
            date(1972, 1, 7),
            time(0, 10),
            utc(1972, 1, 7, 0, 45),
            "00:45",
        ),
        # Kolkata: +05:30 all year, month and year ends.
        (KOLKATA, date(2026, 2, 28), time(7, 30), utc(2026, 2, 28, 2, 0), "07:30"),
        (KOLKATA, date(2026, 12, 31), time(3, 0), utc(2026, 12, 30, 21, 30), "03:00"),
        # Santiago springs forward at midnight (2026-09-06 00:00 -> 01:00).
        (
            ZoneInfo("America/Santiago"),
            date(2026, 9, 6),
            time(0, 15),
            utc(2026, 9, 6, 4, 0),
            "01:00",
        ),
    ],
)
def test_fire_time_cases(tz, day, at, expected_utc, expected_wall):
    got = fire_time(day, at, tz)
    assert got == expected_utc
    assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert got.astimezone(tz).strftime("%H:%M") == expected_wall
    assert got == brute_fire_time(day, at, tz)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Australia/Lord_Howe", date(2026, 4, 5)),
        ("Australia/Lord_Howe", date(2026, 10, 4)),
        ("Pacific/Apia", date(2011, 12, 30)),
        ("Pacific/Apia", date(2020, 9, 27)),
        ("Asia/Beirut", date(2026, 10, 24)),
        ("America/Havana", date(2026, 3, 8)),
    ],
)
def test_fire_time_matches_brute_force_through_transition_days(zone, day):
    tz = ZoneInfo(zone)
    for minute in range(0, 24 * 60, 7):
        at = time(minute // 60, minute % 60)
        assert fire_time(day, at, tz) == brute_fire_time(day, at, tz), (zone, day, at)


def test_fire_time_ignores_tzinfo_and_fold_on_the_time():
    at = time(2, 30, tzinfo=UTC, fold=1)
    assert fire_time(date(2026, 10, 25), at, BERLIN) == utc(2026, 10, 25, 0, 30)


# ---------------------------------------------------------------- the rule, hand-picked


def test_session_on_monday_next_reminder_is_wednesday():
    state = make(last_done=MON, last_reminded=MON)
    now = local(BERLIN, 2026, 11, 23, 18, 0)
    assert next_reminder(state, now) == (local(BERLIN, 2026, 11, 25, 7, 30), WED, "daily")
    assert not is_reminder_day(state, TUE)
    assert is_reminder_day(state, WED)
    assert not is_reminder_day(state, MON)


def test_missed_training_day_reminds_again_next_day_and_the_day_after():
    state = make(last_done=MON, last_reminded=WED)
    after_wed = local(BERLIN, 2026, 11, 25, 12, 0)
    assert next_reminder(state, after_wed) == (local(BERLIN, 2026, 11, 26, 7, 30), THU, "daily")
    state = replace(state, last_reminded=THU)
    after_thu = local(BERLIN, 2026, 11, 26, 7, 31)
    assert next_reminder(state, after_thu) == (local(BERLIN, 2026, 11, 27, 7, 30), FRI, "daily")
    assert all(is_reminder_day(state, d) for d in (WED, THU, FRI, SAT, SUN))


def test_training_on_the_missed_day_restarts_the_count():
    state = make(last_done=THU, last_reminded=THU)
    assert next_day(state, local(BERLIN, 2026, 11, 26, 20, 0)) == SAT
    assert not is_reminder_day(state, FRI)


def test_never_two_daily_reminders_on_one_day():
    # Reminded today already (e.g. the time was then changed to later today): next is tomorrow.
    state = make(at=time(20, 0), last_done=MON, last_reminded=WED)
    now = local(BERLIN, 2026, 11, 25, 9, 0)
    assert next_reminder(state, now) == (local(BERLIN, 2026, 11, 26, 20, 0), THU, "daily")


def test_reminder_exactly_now_is_returned():
    state = make(last_done=MON)
    at = local(BERLIN, 2026, 11, 25, 7, 30)
    assert next_reminder(state, at) == (at, WED, "daily")
    assert next_day(state, at + timedelta(microseconds=1)) == THU


def test_skip_today_moves_the_reminder_to_tomorrow():
    state = make(last_done=MON, skip_day=WED)
    now = local(BERLIN, 2026, 11, 25, 6, 0)
    assert next_reminder(state, now) == (local(BERLIN, 2026, 11, 26, 7, 30), THU, "daily")
    assert not is_reminder_day(state, WED)
    assert is_reminder_day(state, THU)


def test_pause_for_days_resumes_on_the_pause_end():
    state = make(last_done=MON, paused_until=SAT)
    now = local(BERLIN, 2026, 11, 24, 12, 0)
    assert next_reminder(state, now) == (local(BERLIN, 2026, 11, 28, 7, 30), SAT, "daily")
    assert [is_reminder_day(state, d) for d in (WED, THU, FRI, SAT)] == [False, False, False, True]


@pytest.mark.parametrize("until", [date.max, date(9999, 12, 31), date(9000, 1, 1)])
def test_pause_until_resume_gives_nothing(until):
    state = make(last_done=MON, paused_until=until)
    assert next_reminder(state, local(BERLIN, 2026, 11, 24, 12, 0)) is None
    assert upcoming_training_days(state, TUE, 5) == []
    # A snooze set before pausing is dropped too.
    snoozed = replace(state, snooze_until=local(BERLIN, 2026, 11, 24, 13, 0))
    assert next_reminder(snoozed, local(BERLIN, 2026, 11, 24, 12, 0)) is None


def test_snooze_adds_exactly_one_extra_reminder():
    state = make(last_done=MON)
    now = local(BERLIN, 2026, 11, 25, 0, 0)
    sent: list[tuple[datetime, date, str]] = []
    # Deliver reminders the way the job queue does, through Friday; snooze the Wednesday one.
    while (nxt := next_reminder(state, now)) is not None and nxt[1] <= FRI:
        assert len(sent) < 10, sent
        sent.append(nxt)
        instant, day, kind = nxt
        if kind == "daily":
            state = replace(state, last_reminded=day)
            if day == WED:
                state = replace(state, snooze_until=instant + timedelta(hours=1))
        else:
            state = replace(state, snooze_until=None)
        now = instant
    assert sent == [
        (local(BERLIN, 2026, 11, 25, 7, 30), WED, "daily"),
        (local(BERLIN, 2026, 11, 25, 8, 30), WED, "snooze"),
        (local(BERLIN, 2026, 11, 26, 7, 30), THU, "daily"),
        (local(BERLIN, 2026, 11, 27, 7, 30), FRI, "daily"),
    ]


def test_snooze_comes_before_a_later_daily_and_in_utc():
    snooze = datetime(2026, 11, 25, 9, 30, tzinfo=BERLIN)  # given in local time on purpose
    state = make(last_done=MON, last_reminded=WED, snooze_until=snooze)
    got = next_reminder(state, local(BERLIN, 2026, 11, 25, 8, 0))
    assert got == (utc(2026, 11, 25, 8, 30), WED, "snooze")
    assert got is not None and got[0].utcoffset() == timedelta(0)


def test_snooze_is_dropped_when_past_trained_or_skipped():
    snooze = local(BERLIN, 2026, 11, 25, 8, 30)
    base = make(last_done=MON, last_reminded=WED, snooze_until=snooze)
    thu = (local(BERLIN, 2026, 11, 26, 7, 30), THU, "daily")
    assert next_reminder(base, snooze + timedelta(seconds=1)) == thu
    assert next_reminder(replace(base, last_done=WED), local(BERLIN, 2026, 11, 25, 8, 0)) == (
        local(BERLIN, 2026, 11, 27, 7, 30),
        FRI,
        "daily",
    )
    assert next_reminder(replace(base, skip_day=WED), local(BERLIN, 2026, 11, 25, 8, 0)) == thu


def test_snooze_and_daily_at_the_same_instant_daily_first():
    at = local(BERLIN, 2026, 11, 25, 7, 30)
    state = make(last_done=MON, snooze_until=at)
    assert next_reminder(state, at - timedelta(hours=1)) == (at, WED, "daily")
    state = replace(state, last_reminded=WED)
    assert next_reminder(state, at) == (at, WED, "snooze")


@pytest.mark.parametrize(
    ("onboard_local", "expected"),
    [
        ((2026, 11, 23, 6, 0), MON),  # time still ahead: today
        ((2026, 11, 23, 7, 29), MON),
        ((2026, 11, 23, 7, 30), MON),  # "at or after now"
        ((2026, 11, 23, 7, 31), TUE),  # passed: tomorrow
        ((2026, 11, 23, 23, 59), TUE),
    ],
)
def test_first_training_day_before_and_after_the_time(onboard_local, expected):
    onboarded = local(BERLIN, *onboard_local)
    assert first_training_day(onboarded, time(7, 30), BERLIN) == expected
    state = make(first_day=MON)
    nxt = next_reminder(state, onboarded)
    assert nxt is not None and nxt[1] == expected
    assert nxt[0] == local(BERLIN, expected.year, expected.month, expected.day, 7, 30)


def test_first_day_not_yet_reached_and_session_before_it():
    state = make(first_day=TUE)
    assert next_day(state, local(BERLIN, 2026, 11, 23, 8, 0)) == TUE
    assert not is_reminder_day(state, MON)
    # Trained on the onboarding day anyway: the count runs from that session.
    trained = replace(state, last_done=MON)
    assert next_day(trained, local(BERLIN, 2026, 11, 23, 8, 0)) == WED


def test_naive_datetimes_are_rejected():
    state = make()
    with pytest.raises(ValueError, match="aware"):
        next_reminder(state, datetime(2026, 11, 23, 8, 0))
    with pytest.raises(ValueError, match="aware"):
        still_sendable(datetime(2026, 1, 1), utc(2026, 1, 1), BERLIN)
    with pytest.raises(ValueError, match="aware"):
        first_training_day(datetime(2026, 1, 1), time(7, 0), BERLIN)


def test_unknown_zone_is_an_error():
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        next_reminder(make(zone="Mars/Olympus"), utc(2026, 1, 1))


# ---------------------------------------------------------------- zone scenarios


def deliver_and_train(state: ReminderState, now: datetime, until: date, train: bool = True):
    """Play the job queue: deliver each daily reminder; the user trains that day if `train`."""
    out: list[tuple[datetime, date]] = []
    while (nxt := next_reminder(state, now)) is not None and nxt[1] <= until:
        assert len(out) < 40, out
        instant, day, kind = nxt
        assert kind == "daily"
        out.append((instant, day))
        state = replace(state, last_reminded=day, last_done=day if train else state.last_done)
        now = instant
    return out


def test_berlin_across_spring_forward_and_fall_back():
    tz = BERLIN
    state = make(at=time(2, 30), last_done=date(2026, 3, 27), first_day=date(2026, 3, 1))
    got = deliver_and_train(state, local(tz, 2026, 3, 27, 12, 0), date(2026, 4, 2))
    assert [(wall(i, tz).isoformat(), d) for i, d in got] == [
        ("2026-03-29T03:00:00", date(2026, 3, 29)),  # 02:30 doesn't exist
        ("2026-03-31T02:30:00", date(2026, 3, 31)),
        ("2026-04-02T02:30:00", date(2026, 4, 2)),
    ]
    # Fall back: one reminder at the first 02:30; not trained, so the next is the 26th, not the
    # second 02:30 an hour later (the APScheduler double-fire trap).
    state = make(at=time(2, 30), last_done=date(2026, 10, 23), first_day=date(2026, 3, 1))
    got = deliver_and_train(state, local(tz, 2026, 10, 24, 12, 0), date(2026, 10, 27), train=False)
    assert got == [
        (utc(2026, 10, 25, 0, 30), date(2026, 10, 25)),
        (utc(2026, 10, 26, 1, 30), date(2026, 10, 26)),
        (utc(2026, 10, 27, 1, 30), date(2026, 10, 27)),
    ]


def test_new_york_across_both_changes():
    tz = NEW_YORK
    state = make("America/New_York", time(2, 30), date(2026, 3, 1), last_done=date(2026, 3, 6))
    got = deliver_and_train(state, local(tz, 2026, 3, 6, 12, 0), date(2026, 3, 10))
    assert got == [
        (utc(2026, 3, 8, 7, 0), date(2026, 3, 8)),
        (utc(2026, 3, 10, 6, 30), date(2026, 3, 10)),
    ]
    state = make("America/New_York", time(1, 30), date(2026, 3, 1), last_done=date(2026, 10, 30))
    got = deliver_and_train(state, local(tz, 2026, 10, 31, 12, 0), date(2026, 11, 3))
    assert got == [
        (utc(2026, 11, 1, 5, 30), date(2026, 11, 1)),
        (utc(2026, 11, 3, 6, 30), date(2026, 11, 3)),
    ]


def test_lord_howe_half_hour_shifts():
    tz = LORD_HOWE
    state = make("Australia/Lord_Howe", time(2, 10), date(2026, 1, 1), last_done=date(2026, 10, 2))
    got = deliver_and_train(state, local(tz, 2026, 10, 2, 12, 0), date(2026, 10, 6))
    assert [wall(i, tz).isoformat() for i, _ in got] == [
        "2026-10-04T02:30:00",
        "2026-10-06T02:10:00",
    ]
    state = make("Australia/Lord_Howe", time(1, 45), date(2026, 1, 1), last_done=date(2026, 4, 3))
    got = deliver_and_train(state, local(tz, 2026, 4, 3, 12, 0), date(2026, 4, 7), train=False)
    assert got == [
        (utc(2026, 4, 4, 14, 45), date(2026, 4, 5)),  # the first of the two 01:45s (+11)
        (utc(2026, 4, 5, 15, 15), date(2026, 4, 6)),
        (utc(2026, 4, 6, 15, 15), date(2026, 4, 7)),
    ]


def test_apia_skipped_day_is_not_a_training_day_and_never_doubles_up():
    tz = APIA
    state = make("Pacific/Apia", time(7, 0), date(2011, 12, 1), last_done=date(2011, 12, 28))
    assert not is_reminder_day(state, date(2011, 12, 30))
    got = deliver_and_train(state, local(tz, 2011, 12, 28, 12, 0), date(2012, 1, 3), train=False)
    assert [(wall(i, tz).isoformat(), d) for i, d in got] == [
        ("2011-12-31T07:00:00", date(2011, 12, 31)),
        ("2012-01-01T07:00:00", date(2012, 1, 1)),
        ("2012-01-02T07:00:00", date(2012, 1, 2)),
        ("2012-01-03T07:00:00", date(2012, 1, 3)),
    ]
    # From a "now" inside the jump, a reminder at 00:00 (which fires at the jump) is still one.
    state = make("Pacific/Apia", time(0, 0), date(2011, 12, 1), last_done=date(2011, 12, 29))
    assert next_reminder(state, utc(2011, 12, 30, 9, 0)) == (
        utc(2011, 12, 30, 10, 0),
        date(2011, 12, 31),
        "daily",
    )
    assert upcoming_training_days(
        make("Pacific/Apia", first_day=date(2011, 12, 30)), date(2011, 12, 29), 2
    ) == [date(2011, 12, 31), date(2012, 1, 2)]


def test_apia_dst_years():
    tz = APIA  # 2020-09-27 03:00 -> 04:00, 2020-04-05 04:00 -> 03:00
    state = make("Pacific/Apia", time(3, 30), date(2020, 1, 1), last_done=date(2020, 9, 25))
    got = deliver_and_train(state, local(tz, 2020, 9, 25, 12, 0), date(2020, 9, 29))
    assert [wall(i, tz).isoformat() for i, _ in got] == [
        "2020-09-27T04:00:00",
        "2020-09-29T03:30:00",
    ]
    state = make("Pacific/Apia", time(3, 30), date(2020, 1, 1), last_done=date(2020, 4, 3))
    got = deliver_and_train(state, local(tz, 2020, 4, 3, 12, 0), date(2020, 4, 5))
    assert got == [(utc(2020, 4, 4, 13, 30), date(2020, 4, 5))]  # first 03:30, at +14


@pytest.mark.parametrize(
    ("last_done", "expected"),
    [
        (date(2026, 1, 30), [date(2026, 2, 1), date(2026, 2, 3)]),
        (date(2026, 2, 27), [date(2026, 3, 1), date(2026, 3, 3)]),
        (date(2028, 2, 27), [date(2028, 2, 29), date(2028, 3, 2)]),
        (date(2028, 2, 28), [date(2028, 3, 1), date(2028, 3, 3)]),
        (date(2026, 4, 30), [date(2026, 5, 2), date(2026, 5, 4)]),
        (date(2026, 12, 31), [date(2027, 1, 2), date(2027, 1, 4)]),
    ],
)
def test_kolkata_month_and_year_ends(last_done, expected):
    state = make("Asia/Kolkata", time(7, 30), date(2026, 1, 1), last_done=last_done)
    now = local(KOLKATA, last_done.year, last_done.month, last_done.day, 20, 0)
    got = deliver_and_train(state, now, expected[-1])
    assert [d for _, d in got] == expected
    assert [i for i, _ in got] == [datetime.combine(d, time(2, 0), tzinfo=UTC) for d in expected]
    assert upcoming_training_days(state, last_done, 2) == expected


# ---------------------------------------------------------------- upcoming_training_days


@pytest.mark.parametrize(
    ("kw", "today", "expected"),
    [
        ({"last_done": MON}, TUE, [WED, FRI, SUN]),
        ({"last_done": MON}, MON, [WED, FRI, SUN]),
        ({"last_done": MON, "skip_day": WED}, TUE, [THU, SAT, NEXT_MON]),
        ({"last_done": MON, "skip_day": THU}, TUE, [WED, FRI, SUN]),  # skip on a rest day
        ({"last_done": MON, "paused_until": SAT}, TUE, [SAT, NEXT_MON, NEXT_MON + timedelta(2)]),
        ({"last_done": MON}, THU, [THU, SAT, NEXT_MON]),  # Wednesday missed: due today
        ({"last_done": None, "first_day": FRI}, MON, [FRI, SUN, NEXT_MON + timedelta(1)]),
    ],
)
def test_upcoming_training_days(kw, today, expected):
    assert upcoming_training_days(make(**kw), today, 3) == expected


def test_upcoming_training_days_counts():
    state = make(last_done=MON)
    assert upcoming_training_days(state, TUE, 0) == []
    assert upcoming_training_days(state, TUE, -1) == []
    many = upcoming_training_days(state, TUE, 200)
    assert len(many) == 200
    assert all(b - a == timedelta(days=2) for a, b in pairwise(many))


# ---------------------------------------------------------------- due_days


D0 = date(2026, 3, 1)


def d(n: int) -> date:
    return D0 + timedelta(days=n)


@pytest.mark.parametrize(
    ("done", "start", "end", "expected"),
    [
        ([], d(0), d(3), [d(0), d(1), d(2), d(3)]),  # never trained: due every day
        ([d(0), d(2), d(4)], d(0), d(5), [d(0), d(2), d(4)]),  # on schedule
        ([d(0), d(3)], d(0), d(6), [d(0), d(2), d(3), d(5), d(6)]),  # d2 missed
        ([d(0), d(1)], d(0), d(4), [d(0), d(3), d(4)]),  # bonus session on a rest day
        ([d(0), d(0), d(2)], d(0), d(3), [d(0), d(2)]),  # two sessions one day
        ([d(2), d(0)], d(0), d(3), [d(0), d(2)]),  # unsorted input
        ([d(0), d(2), d(4)], d(1), d(3), [d(2)]),  # window clipping
        ([d(0)], d(5), d(4), []),  # empty window
        ([d(-1)], d(0), d(3), [d(1), d(2), d(3)]),  # trained before the first training day
        ([], d(-5), d(1), [d(0), d(1)]),  # nothing due before first_day
        ([d(0), d(9)], d(0), d(4), [d(0), d(2), d(3), d(4)]),  # later sessions don't matter
    ],
)
def test_due_days_cases(done, start, end, expected):
    assert due_days(D0, done, start, end) == expected


def test_due_days_agrees_with_is_reminder_day_on_random_histories():
    rng = random.Random(20261123)
    for _ in range(300):
        first = D0 + timedelta(days=rng.randrange(0, 5))
        days = [D0 + timedelta(days=i) for i in range(60)]
        done = sorted(x for x in days if x >= first - timedelta(days=1) and rng.random() < 0.45)
        expected = []
        for day in days:
            before = [x for x in done if x < day]
            state = make(first_day=first, last_done=before[-1] if before else None)
            if is_reminder_day(state, day):
                expected.append(day)
        assert due_days(first, done, days[0], days[-1]) == expected


# ---------------------------------------------------------------- still_sendable


@pytest.mark.parametrize(
    ("due", "now", "tz", "expected"),
    [
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 25, 7, 30), BERLIN, True),
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 25, 9, 0), BERLIN, True),
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 25, 21, 59), BERLIN, True),
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 25, 22, 0), BERLIN, False),
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 26, 7, 0), BERLIN, False),
        (local(BERLIN, 2026, 11, 25, 7, 30), local(BERLIN, 2026, 11, 25, 7, 0), BERLIN, False),
        # A 22:30 reminder is sent on time (a tick's delay) but not after real downtime.
        (local(BERLIN, 2026, 11, 25, 22, 30), local(BERLIN, 2026, 11, 25, 22, 30), BERLIN, True),
        (local(BERLIN, 2026, 11, 25, 22, 30), local(BERLIN, 2026, 11, 25, 22, 35), BERLIN, True),
        (local(BERLIN, 2026, 11, 25, 22, 30), local(BERLIN, 2026, 11, 25, 23, 0), BERLIN, False),
        # Same local day although the UTC date differs (18:00 EST = 23:00 UTC).
        (
            local(NEW_YORK, 2026, 11, 25, 18, 0),
            local(NEW_YORK, 2026, 11, 25, 21, 0),
            NEW_YORK,
            True,
        ),
        # Same UTC date but the next local day in Kolkata (20:00 UTC = 01:30 IST).
        (utc(2026, 11, 25, 2, 0), utc(2026, 11, 25, 20, 0), KOLKATA, False),
    ],
)
def test_still_sendable(due, now, tz, expected):
    assert still_sendable(due, now, tz) is expected


# ---------------------------------------------------------------- a year in every zone


YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)
TRAINING_DAYS_2026 = [YEAR_START + timedelta(days=2 * k) for k in range(183)]


def check_wall_clock(instant: datetime, day: date, at: time, tz: ZoneInfo, zone: str) -> None:
    """The reminder reads `at` on `day` (first occurrence), or `at` doesn't exist and this is the
    first whole minute after the gap."""
    got = instant.astimezone(tz)
    naive = datetime.combine(day, at)
    assert got.date() == day, (zone, instant)
    assert got.second == 0 and got.microsecond == 0, (zone, instant)
    if got.replace(tzinfo=None) == naive:
        # First occurrence: an hour (or Lord Howe half hour) earlier never read the same wall time.
        assert got.fold == 0, (zone, instant)
        return
    before = wall(instant - timedelta(minutes=1), tz)
    assert before < naive < got.replace(tzinfo=None), (zone, instant, before)


def test_a_year_of_reminders_in_every_zone():
    zones = sorted(zoneinfo.available_timezones())
    assert len(zones) > 400
    started = clock.perf_counter()
    reminders = 0
    for zone in zones:
        tz = ZoneInfo(zone)
        for at in (time(0, 30), time(1, 30), time(2, 30)):
            state = ReminderState(zone, at, YEAR_START, last_done=None, last_reminded=None)
            now = datetime(2025, 12, 30, tzinfo=UTC)
            days: list[date] = []
            while (nxt := next_reminder(state, now)) is not None and nxt[1] <= YEAR_END:
                assert len(days) < 183, (zone, at)
                instant, day, kind = nxt
                assert kind == "daily"
                assert instant >= now
                check_wall_clock(instant, day, at, tz, zone)
                days.append(day)
                # Delivered, and the user trains right away.
                state = replace(state, last_reminded=day, last_done=day)
                now = instant + timedelta(minutes=5)
            assert days == TRAINING_DAYS_2026, zone
            reminders += len(days)
    elapsed = clock.perf_counter() - started
    print(f"\n{len(zones)} zones x 3 times: {reminders} reminders in {elapsed:.1f} s")
    assert reminders == len(zones) * 3 * 183


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "Asia/Kolkata",
        "America/Santiago",
        "Asia/Beirut",
        "Europe/Dublin",
        "America/St_Johns",
        "Pacific/Chatham",
    ],
)
def test_a_year_with_missed_days_never_doubles_up(zone):
    """A user who trains on ~half the reminder days: one daily reminder per local day at most, every
    day from a due day on until they train, and none between a session and the day after next."""
    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    at = time(2, 30)
    state = ReminderState(zone, at, YEAR_START, last_done=None, last_reminded=None)
    now = datetime(2025, 12, 30, tzinfo=UTC)
    reminded: list[date] = []
    done: list[date] = []
    while (nxt := next_reminder(state, now)) is not None and nxt[1] <= YEAR_END:
        assert len(reminded) <= 365, reminded[-3:]
        instant, day, _ = nxt
        check_wall_clock(instant, day, at, tz, zone)
        reminded.append(day)
        trains = rng.random() < 0.5
        if trains:
            done.append(day)
        state = replace(state, last_reminded=day, last_done=day if trains else state.last_done)
        now = instant + timedelta(minutes=1)
    assert len(reminded) == len(set(reminded))
    assert reminded == due_days(YEAR_START, done, YEAR_START, YEAR_END)
    local_dates = [fire_time(x, at, tz).astimezone(tz).date() for x in reminded]
    assert local_dates == reminded
