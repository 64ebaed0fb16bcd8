"""Progress figures on hand-made histories: gaps, partial sessions, one leg, streaks, windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.stats import ChartPoint, Difficulty, SessionFacts, progress, training_days_done

F = date(2024, 1, 29)  # onboarding day; the histories cross a month end and Feb 29


def d(n: int) -> date:
    return F + timedelta(days=n)


def s(
    day: int,
    *,
    complete: bool = True,
    left: int = 30,
    right: int = 30,
    pain: int | None = 1,
    difficulty: Difficulty | None = "right",
) -> SessionFacts:
    return SessionFacts(
        local_date=d(day),
        complete=complete,
        reps_left=left,
        reps_right=right,
        sets_done=3 if complete else 1,
        sets_planned=3,
        pain=pain,
        difficulty=difficulty,
    )


def every_other_day(first: int, last: int) -> list[SessionFacts]:
    return [s(n) for n in range(first, last + 1, 2)]


def test_nothing_due_before_the_onboarding_day():
    p = progress([], first_day=d(1), today=d(0))
    assert p.adherence is None
    assert (p.adherence_done, p.adherence_due) == (0, 0)
    assert (p.current_streak, p.best_streak) == (0, 0)
    assert (p.sessions_complete, p.sessions_partial, p.sessions_total) == (0, 0, 0)
    assert (p.reps_left_total, p.reps_right_total) == (0, 0)
    assert p.reps_left_per_session is None and p.reps_right_per_session is None
    assert p.last_pain is None
    assert p.series == ()


def test_onboarding_day_still_open_is_not_yet_due():
    p = progress([], first_day=d(0), today=d(0))
    assert p.adherence is None
    assert (p.current_streak, p.best_streak) == (0, 0)


def test_missed_onboarding_day_counts_as_due_and_missed():
    p = progress([], first_day=d(0), today=d(1))
    assert (p.adherence_done, p.adherence_due) == (0, 1)
    assert p.adherence == 0.0


def test_session_today_counts_at_once():
    p = progress([s(0), s(2)], first_day=d(0), today=d(2))
    assert (p.adherence_done, p.adherence_due) == (2, 2)
    assert (p.current_streak, p.best_streak) == (2, 2)


@pytest.mark.parametrize("today", [10, 11, 12])
def test_perfect_every_other_day(today: int):
    # Day 11 isn't a training day and day 12 is due but still open: neither counts against.
    p = progress(every_other_day(0, 10), first_day=d(0), today=d(today))
    assert (p.adherence_done, p.adherence_due) == (6, 6)
    assert p.adherence == 1.0
    assert (p.current_streak, p.best_streak) == (6, 6)
    assert p.sessions_complete == 6


def test_missed_training_day_breaks_the_current_streak_once_it_has_passed():
    p = progress(every_other_day(0, 10), first_day=d(0), today=d(13))
    assert (p.adherence_done, p.adherence_due) == (6, 7)  # day 12 missed, day 13 still open
    assert (p.current_streak, p.best_streak) == (0, 6)


def test_gap_makes_every_following_day_due_until_a_session():
    # Due: 0 ok, 2 ok, 4 missed, 5 missed, 6 missed, 7 ok, 9 ok, 11 ok.
    history = [s(0), s(2), s(7), s(9), s(11)]
    p = progress(history, first_day=d(0), today=d(11))
    assert (p.adherence_done, p.adherence_due) == (5, 8)
    assert p.adherence == pytest.approx(5 / 8)
    assert (p.current_streak, p.best_streak) == (3, 3)


def test_streak_broken_then_rebuilt_beyond_the_old_best():
    history = [s(0), s(2), s(7), s(9), s(11), s(13), s(15)]
    p = progress(history, first_day=d(0), today=d(16))
    assert (p.current_streak, p.best_streak) == (5, 5)


def test_streak_broken_then_rebuilt_below_the_old_best():
    # 0, 2, 4, 6 done; 8 missed; 9 done; then 11 is due and still open.
    history = [*every_other_day(0, 6), s(9)]
    p = progress(history, first_day=d(0), today=d(11))
    assert (p.current_streak, p.best_streak) == (1, 4)
    assert (p.adherence_done, p.adherence_due) == (5, 6)


def test_partial_session_is_counted_but_does_not_make_the_day_done():
    # Day 2 is partial, so day 2 is missed and day 3 due (the scheduler's rule: completed sessions).
    history = [s(0), s(2, complete=False, left=10, right=0, pain=None, difficulty=None), s(3)]
    p = progress(history, first_day=d(0), today=d(4))
    assert (p.sessions_complete, p.sessions_partial) == (2, 1)
    assert (p.adherence_done, p.adherence_due) == (2, 3)
    assert (p.current_streak, p.best_streak) == (1, 1)
    assert (p.reps_left_total, p.reps_right_total) == (70, 60)
    assert training_days_done(history) == [d(0), d(3)]


def test_one_leg_user_has_zero_on_the_other_leg():
    history = [s(0, left=20, right=0), s(2, left=25, right=0), s(4, left=30, right=0)]
    p = progress(history, first_day=d(0), today=d(4))
    assert (p.reps_left_total, p.reps_right_total) == (75, 0)
    assert p.reps_left_per_session == pytest.approx(25.0)
    assert p.reps_right_per_session == 0.0
    assert [pt.reps_right for pt in p.series] == [0, 0, 0]


def test_adherence_only_looks_at_the_last_four_weeks():
    # Days 0-4 missed long ago, then every other day from day 5 to day 59; today is day 60.
    history = every_other_day(5, 59)
    p = progress(history, first_day=d(0), today=d(60))
    # Window is days 33..60: due on the odd days 33..59 (14 of them), all done.
    assert (p.adherence_done, p.adherence_due) == (14, 14)
    assert p.adherence == 1.0
    assert (p.current_streak, p.best_streak) == (28, 28)


def test_miss_inside_the_window_counts():
    # As above, but day 41 is missed: 42 becomes due, then every other day to day 60.
    history = [*every_other_day(5, 39), *every_other_day(42, 60)]
    p = progress(history, first_day=d(0), today=d(60))
    # Due in 33..60: 33, 35, 37, 39 done; 41 missed; 42..60 even (10) done.
    assert (p.adherence_done, p.adherence_due) == (14, 15)
    assert (p.current_streak, p.best_streak) == (10, 18)


def test_window_edge_miss_one_day_before_is_outside():
    # Day 32 (today - 28) is missed, day 33 done: the window is days 33..60 only.
    history = [*every_other_day(0, 30), *every_other_day(33, 59)]
    p = progress(history, first_day=d(0), today=d(60))
    assert (p.adherence_done, p.adherence_due) == (14, 14)


def test_window_edge_miss_on_the_first_day_is_inside():
    # Day 33 (today - 27) is missed, then 34, 36, ... 60 are done.
    history = [*every_other_day(1, 31), *every_other_day(34, 60)]
    p = progress(history, first_day=d(0), today=d(60))
    assert (p.adherence_done, p.adherence_due) == (14, 15)


def test_training_daily_is_never_worse_than_every_other_day():
    p = progress([s(n) for n in range(10)], first_day=d(0), today=d(9))
    assert p.adherence == 1.0
    assert (p.current_streak, p.best_streak) == (10, 10)


def test_two_sessions_on_one_day_are_two_sessions_but_one_training_day():
    history = [s(0), s(0, left=10, right=10), s(2)]
    p = progress(history, first_day=d(0), today=d(2))
    assert p.sessions_complete == 3
    assert (p.adherence_done, p.adherence_due) == (2, 2)
    assert (p.current_streak, p.best_streak) == (2, 2)
    assert training_days_done(history) == [d(0), d(2)]


def test_last_pain_skips_sessions_without_an_answer():
    history = [s(0, pain=3), s(2, pain=5), s(4, complete=False, pain=None)]
    assert progress(history, first_day=d(0), today=d(4)).last_pain == 5


def test_series_is_one_point_per_session_oldest_first_whatever_the_input_order():
    history = [
        s(4, left=12, right=11, pain=None),
        s(0, left=10, right=9, pain=2),
        s(2, complete=False, left=5, right=0, pain=4),
    ]
    p = progress(history, first_day=d(0), today=d(5))
    assert p.series == (
        ChartPoint(d(0), 10, 9, 2),
        ChartPoint(d(2), 5, 0, 4),
        ChartPoint(d(4), 12, 11, None),
    )
    assert p.reps_left_per_session == pytest.approx(27 / 3)
    assert p.reps_right_per_session == pytest.approx(20 / 3)
    assert p.last_pain == 4
    assert p == progress(list(reversed(history)), first_day=d(0), today=d(5))


@pytest.mark.parametrize(
    "field", [{"pain": 11}, {"pain": -1}, {"reps_left": -1}, {"sets_done": -1}]
)
def test_impossible_session_facts_are_rejected(field: dict[str, int]):
    facts = {
        "local_date": d(0),
        "complete": True,
        "reps_left": 10,
        "reps_right": 10,
        "sets_done": 3,
        "sets_planned": 3,
        "pain": 0,
        "difficulty": "easy",
        **field,
    }
    with pytest.raises(ValueError):
        SessionFacts(**facts)  # type: ignore[arg-type]


# --- pauses and skipped days are not due -----------------------------------------------------

from coach import schedule  # noqa: E402
from coach.stats import due_days, off_days  # noqa: E402

PAUSED_WEEK = [(d(5), d(12))]  # days 5..11 paused, due again on day 12


def test_a_paused_week_neither_lowers_adherence_nor_breaks_the_streak():
    history = [s(0), s(2), s(4), s(12)]
    off = off_days(PAUSED_WEEK, d(0), d(12))
    figures = progress(history, d(0), d(12), off)
    assert (figures.adherence_done, figures.adherence_due) == (4, 4)
    assert figures.current_streak == 4 and figures.best_streak == 4


def test_without_the_pause_the_same_history_is_the_issue_s_wrong_figures():
    # What the bot said before pauses were recorded: streak 1, adherence 4/10.
    figures = progress([s(0), s(2), s(4), s(12)], d(0), d(12))
    assert (figures.adherence_done, figures.adherence_due) == (4, 10)
    assert figures.current_streak == 1


def test_a_day_missed_after_the_pause_still_counts():
    # The pause ends on day 11: day 11 is due and missed, the streak starts again on day 12.
    off = off_days([(d(5), d(11))], d(0), d(12))
    figures = progress([s(0), s(2), s(4), s(12)], d(0), d(12), off)
    assert (figures.adherence_done, figures.adherence_due) == (4, 5)
    assert figures.current_streak == 1 and figures.best_streak == 3


def test_an_open_pause_covers_every_day_up_to_today():
    off = off_days([(d(5), None)], d(0), d(20))
    figures = progress([s(0), s(2), s(4)], d(0), d(20), off)
    assert (figures.adherence_done, figures.adherence_due) == (3, 3)
    assert figures.current_streak == 3


def test_skip_today_moves_the_due_day_to_tomorrow():
    # Skipped day 2: not due; day 3 is, and the session on day 3 keeps the streak.
    off = off_days([(d(2), d(3))], d(0), d(5))
    figures = progress([s(0), s(3), s(5)], d(0), d(5), off)
    assert due_days(d(0), [d(0), d(3), d(5)], d(0), d(5), off) == [d(0), d(3), d(5)]
    assert (figures.adherence_done, figures.adherence_due) == (3, 3)
    assert figures.current_streak == 3


def test_a_session_during_a_pause_counts():
    off = off_days(PAUSED_WEEK, d(0), d(12))
    figures = progress([s(0), s(2), s(4), s(8), s(12)], d(0), d(12), off)
    assert figures.current_streak == 5
    assert figures.adherence_done == figures.adherence_due


def test_the_same_across_a_dst_change():
    # Europe/Berlin leaves summer time on Sun 25 Oct 2026: local dates are what count, so a
    # paused week spanning the change gives the same figures as any other week.
    first = date(2026, 10, 19)
    days = [first + timedelta(days=n) for n in (0, 2, 4, 12)]
    history = [SessionFacts(day, True, 30, 30, 3, 3, 1, "right") for day in days]
    pause = [(first + timedelta(days=5), first + timedelta(days=12))]
    assert any(p[0] < date(2026, 10, 25) < p[1] for p in pause if p[1] is not None)
    today = days[-1]
    figures = progress(history, first, today, off_days(pause, first, today))
    assert (figures.adherence_done, figures.adherence_due) == (4, 4)
    assert figures.current_streak == 4


@pytest.mark.parametrize("seed", range(20))
def test_without_pauses_due_days_agree_with_the_schedule(seed: int):
    import random

    rng = random.Random(seed)
    done = sorted({d(rng.randrange(0, 40)) for _ in range(rng.randrange(0, 15))})
    assert due_days(d(0), done, d(3), d(40)) == schedule.due_days(d(0), done, d(3), d(40))
