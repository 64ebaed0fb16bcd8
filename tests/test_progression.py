"""Progression ladder, declines, pain-driven regression and stop advice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from coach.progression import (
    Action,
    Dose,
    Plan,
    Reason,
    Safety,
    Suggestion,
    apply,
    assess_pain,
    next_step,
    plan_next,
    regress,
    suggest,
)
from coach.stats import Difficulty, SessionFacts
from content.load import load_program
from content.model import Cadence, Preset, Progression

LADDER = Progression(holds_s=(2, 3, 5), reps=(10, 12, 15), weight="ankle weight")
DAY0 = date(2024, 3, 4)


def session(
    day: int,
    *,
    complete: bool = True,
    pain: int | None = 1,
    difficulty: Difficulty | None = "easy",
) -> SessionFacts:
    return SessionFacts(
        local_date=DAY0 + timedelta(days=day),
        complete=complete,
        reps_left=30 if complete else 10,
        reps_right=30 if complete else 0,
        sets_done=3 if complete else 1,
        sets_planned=3,
        pain=pain,
        difficulty=difficulty,
    )


def easy_run(start_day: int, n: int = 3) -> list[SessionFacts]:
    return [session(start_day + 2 * i) for i in range(n)]


REHAB = Dose(sets=3, reps=10, hold_s=2)


# --- the ladder -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        (Dose(3, 10, 2), Suggestion("hold", 2, 3)),
        (Dose(3, 10, 3), Suggestion("hold", 3, 5)),
        (Dose(3, 10, 5), Suggestion("reps", 10, 12)),
        (Dose(3, 12, 5), Suggestion("reps", 12, 15)),
        (Dose(3, 15, 5), Suggestion("weight", 0, 1)),
        (Dose(3, 15, 5, ankle_weight=True), None),
    ],
)
def test_each_rung_suggests_exactly_the_next_step(dose: Dose, expected: Suggestion | None):
    assert suggest(dose, easy_run(0), LADDER) == expected


def test_climbing_the_whole_ladder_takes_five_steps_in_order():
    dose = REHAB
    taken = []
    while (step := next_step(dose, LADDER)) is not None:
        taken.append(step.key)
        dose = apply(dose, step)
    assert taken == ["hold-2-3", "hold-3-5", "reps-10-12", "reps-12-15", "weight-0-1"]
    assert dose == Dose(sets=3, reps=15, hold_s=5, ankle_weight=True)


def test_top_of_ladder_gets_no_suggestion_however_easy():
    top = Dose(3, 15, 5, ankle_weight=True)
    assert suggest(top, easy_run(0, 10), LADDER) is None


def test_dose_without_hold_skips_hold_rungs():
    # The Army 4-count has no hold; progression adds reps rather than changing the cadence.
    assert next_step(Dose(1, 10, 0), LADDER) == Suggestion("reps", 10, 12)


def test_reps_between_rungs_go_to_the_next_rung_up():
    assert next_step(Dose(2, 5, 5), LADDER) == Suggestion("reps", 5, 10)
    assert next_step(Dose(2, 11, 5), LADDER) == Suggestion("reps", 11, 12)


def test_hold_beyond_ladder_moves_on_to_reps_and_reps_beyond_ladder_to_weight():
    assert next_step(Dose(3, 10, 8), LADDER) == Suggestion("reps", 10, 12)
    assert next_step(Dose(3, 20, 5), LADDER) == Suggestion("weight", 0, 1)


# --- when to suggest ------------------------------------------------------------------------------


def test_fewer_than_three_sessions_get_no_suggestion():
    assert suggest(REHAB, [], LADDER) is None
    assert suggest(REHAB, easy_run(0, 2), LADDER) is None


@pytest.mark.parametrize(
    "spoiler",
    [
        session(4, difficulty="right"),
        session(4, difficulty="hard"),
        session(4, difficulty=None),
        session(4, pain=3),
        session(4, pain=None),
        session(4, complete=False),
    ],
    ids=["right", "hard", "no-difficulty", "pain-3", "no-pain", "partial"],
)
@pytest.mark.parametrize("position", [0, 1, 2])
def test_any_non_qualifying_session_among_the_last_three_blocks(spoiler: SessionFacts, position):
    run = [session(0), session(2), session(4)]
    run[position] = replace(spoiler, local_date=run[position].local_date)
    assert suggest(REHAB, run, LADDER) is None


def test_pain_two_still_qualifies():
    run = [session(0, pain=2), session(2, pain=0), session(4, pain=2)]
    assert suggest(REHAB, run, LADDER) == Suggestion("hold", 2, 3)


def test_older_hard_sessions_do_not_matter_once_the_last_three_are_easy():
    history = [session(0, difficulty="hard"), session(2, pain=3), *easy_run(4)]
    assert suggest(REHAB, history, LADDER) == Suggestion("hold", 2, 3)


def test_history_order_does_not_matter():
    history = [session(0, difficulty="hard"), *easy_run(2)]
    assert suggest(REHAB, list(reversed(history)), LADDER) == Suggestion("hold", 2, 3)
    spoiled = [*easy_run(0), session(6, difficulty="hard")]
    assert suggest(REHAB, list(reversed(spoiled)), LADDER) is None


def test_after_a_no_it_takes_three_more_qualifying_sessions():
    history = easy_run(0)  # days 0, 2, 4: suggestion made and declined on day 4
    declined = history[-1].local_date
    assert suggest(REHAB, history, LADDER, answered_on=declined) is None
    history += easy_run(6, 2)  # days 6, 8
    assert suggest(REHAB, history, LADDER, answered_on=declined) is None
    history.append(session(10))
    assert suggest(REHAB, history, LADDER, answered_on=declined) == Suggestion("hold", 2, 3)


def test_a_second_session_on_the_answer_day_does_not_count():
    history = [*easy_run(0), session(4), session(6), session(8)]
    assert suggest(REHAB, history, LADDER, answered_on=DAY0 + timedelta(days=4)) is None


def test_a_hard_session_after_the_no_restarts_the_count():
    declined = DAY0 + timedelta(days=4)
    history = [*easy_run(0), session(6), session(8, difficulty="hard"), *easy_run(10, 2)]
    assert suggest(REHAB, history, LADDER, answered_on=declined) is None
    history.append(session(14))
    assert suggest(REHAB, history, LADDER, answered_on=declined) == Suggestion("hold", 2, 3)


def test_after_a_yes_the_new_dose_needs_its_own_three_sessions():
    history = easy_run(0)
    step = suggest(REHAB, history, LADDER)
    assert step is not None
    dose = apply(REHAB, step)
    accepted = history[-1].local_date
    history.append(session(6))
    assert suggest(dose, history, LADDER, answered_on=accepted) is None
    history += easy_run(8, 2)
    assert suggest(dose, history, LADDER, answered_on=accepted) == Suggestion("hold", 3, 5)


def test_a_session_regressed_for_pain_does_not_count_towards_a_step_up():
    history = [session(0, pain=5, difficulty="hard"), *easy_run(2)]
    assert suggest(REHAB, history, LADDER) is None
    history.append(session(8))
    assert suggest(REHAB, history, LADDER) == Suggestion("hold", 2, 3)


# --- applying -------------------------------------------------------------------------------------


def test_apply_changes_only_the_named_part():
    assert apply(REHAB, Suggestion("hold", 2, 3)) == Dose(3, 10, 3)
    assert apply(Dose(2, 10, 5), Suggestion("reps", 10, 12)) == Dose(2, 12, 5)
    assert apply(Dose(2, 15, 5), Suggestion("weight", 0, 1)) == Dose(2, 15, 5, ankle_weight=True)


def test_apply_twice_or_stale_changes_nothing_more():
    once = apply(REHAB, Suggestion("hold", 2, 3))
    assert apply(once, Suggestion("hold", 2, 3)) == once
    assert apply(REHAB, Suggestion("reps", 12, 15)) == REHAB
    # A stale button from an older rung must never move the dose down.
    assert apply(Dose(3, 10, 5), Suggestion("hold", 2, 3)) == Dose(3, 10, 5)
    weighted = Dose(3, 15, 5, ankle_weight=True)
    assert apply(weighted, Suggestion("weight", 0, 1)) is weighted


def test_suggestion_key_round_trips_and_fits_callback_data():
    for step in [Suggestion("hold", 2, 3), Suggestion("reps", 12, 15), Suggestion("weight", 0, 1)]:
        assert Suggestion.from_key(step.key) == step
        assert len(("prog:yes:" + step.key).encode()) <= 64


@pytest.mark.parametrize(
    "key",
    [
        "",
        "hold",
        "hold-3-2",
        "hold-3-3",
        "reps-a-b",
        "reps-10-12-1",
        "x-1-2",
        "weight-1-0",
        "weight-0-2",
        "hold--1-2",
        "reps-1٣-15",
    ],
)
def test_malformed_or_forged_keys_are_rejected(key: str):
    assert Suggestion.from_key(key) is None


# --- safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "expected"),
    [
        (None, Safety(Action.CONTINUE, Reason.NONE)),
        (0, Safety(Action.CONTINUE, Reason.NONE)),
        (3, Safety(Action.CONTINUE, Reason.NONE)),
        (4, Safety(Action.REGRESS, Reason.MODERATE_PAIN)),
        (5, Safety(Action.REGRESS, Reason.MODERATE_PAIN)),
        (6, Safety(Action.REGRESS, Reason.MODERATE_PAIN)),
        (7, Safety(Action.STOP, Reason.SEVERE_PAIN)),
        (10, Safety(Action.STOP, Reason.SEVERE_PAIN)),
    ],
)
def test_pain_bands(pain: int | None, expected: Safety):
    assert assess_pain(pain) == expected


@pytest.mark.parametrize("pain", [None, 0, 5, 9])
def test_sharp_pain_always_stops(pain: int | None):
    assert assess_pain(pain, sharp=True) == Safety(Action.STOP, Reason.SHARP_PAIN)


@pytest.mark.parametrize("pain", [-1, 11])
def test_pain_out_of_range_is_an_error(pain: int):
    with pytest.raises(ValueError):
        assess_pain(pain)


@pytest.mark.parametrize(("reps", "expected"), [(15, 11), (12, 8), (10, 7), (6, 4), (5, 4), (4, 3)])
def test_regress_cuts_reps_to_about_seventy_percent(reps: int, expected: int):
    before = Dose(3, reps, 3, ankle_weight=True)
    assert regress(before, LADDER) == Dose(3, expected, 3, ankle_weight=True)


def test_regress_at_minimum_reps_shortens_the_hold_one_step():
    assert regress(Dose(2, 3, 5), LADDER) == Dose(2, 3, 3)
    assert regress(Dose(2, 3, 3), LADDER) == Dose(2, 3, 2)
    assert regress(Dose(2, 2, 4), LADDER) == Dose(2, 2, 3)  # between rungs: the rung below
    assert regress(Dose(2, 3, 2), LADDER) == Dose(2, 3, 0)
    assert regress(Dose(2, 3, 0), LADDER) == Dose(2, 3, 0)


@pytest.mark.parametrize("pain", [0, 3])
def test_low_pain_keeps_the_dose(pain: int):
    assert plan_next(REHAB, [session(0, pain=pain)], LADDER) == Plan(REHAB, Reason.NONE)


@pytest.mark.parametrize("pain", [4, 6])
def test_moderate_pain_regresses_the_next_session(pain: int):
    plan = plan_next(REHAB, [session(0), session(2, pain=pain)], LADDER)
    assert plan == Plan(Dose(3, 7, 2), Reason.MODERATE_PAIN)
    assert plan.regressed


@pytest.mark.parametrize("pain", [7, 10])
def test_severe_pain_makes_the_first_session_back_lighter(pain: int):
    plan = plan_next(REHAB, [session(0, pain=pain)], LADDER)
    assert plan == Plan(Dose(3, 7, 2), Reason.SEVERE_PAIN)


def test_regression_lasts_one_session_only():
    history = [session(0, pain=5), session(2, pain=1)]
    plan = plan_next(REHAB, history, LADDER)
    assert plan == Plan(REHAB, Reason.NONE)
    assert not plan.regressed


def test_repeated_moderate_pain_regresses_from_the_usual_dose_not_compounding():
    history = [session(0, pain=5), session(2, pain=5)]
    assert plan_next(REHAB, history, LADDER).dose == Dose(3, 7, 2)


def test_abandoned_session_without_pain_answer_keeps_the_owed_regression():
    history = [session(0, pain=5), session(2, complete=False, pain=None)]
    assert plan_next(REHAB, history, LADDER) == Plan(Dose(3, 7, 2), Reason.MODERATE_PAIN)


def test_complete_session_without_pain_answer_uses_up_the_regression():
    history = [session(0, pain=5), session(2, pain=None)]
    assert plan_next(REHAB, history, LADDER) == Plan(REHAB, Reason.NONE)


def test_partial_session_with_pain_answer_decides():
    history = [session(0, pain=1), session(2, complete=False, pain=6)]
    assert plan_next(REHAB, history, LADDER).reason is Reason.MODERATE_PAIN


def test_no_history_means_the_usual_dose():
    assert plan_next(REHAB, [], LADDER) == Plan(REHAB, Reason.NONE)


# --- the dose -------------------------------------------------------------------------------------


def test_dose_starts_from_the_preset():
    preset = Preset(
        key="rehab",
        label="Knee rehab",
        source="sampson",
        source_note="From the video.",
        purpose="Inner thigh.",
        summary="3 x 10",
        position="side",
        between_reps="hover",
        sets=3,
        reps=10,
        reps_range=(10, 10),
        height="2-3 inches",
        cadence=Cadence(lift_s=2, hold_s=2, lower_s=2, pause_s=1, rest_s=60, four_count=False),
        setup="Lie on your side.",
        change_side="Roll over.",
        steps=(),
        cues=(),
        ladder=LADDER,
    )
    assert Dose.from_preset(preset) == Dose(sets=3, reps=10, hold_s=2, ankle_weight=False)


@pytest.mark.parametrize(("sets", "reps", "hold"), [(0, 10, 2), (3, 0, 2), (3, 10, -1)])
def test_invalid_dose_is_rejected(sets: int, reps: int, hold: int):
    with pytest.raises(ValueError):
        Dose(sets, reps, hold)


def test_every_real_preset_climbs_its_own_ladder_to_the_top():
    program = load_program()
    expected = {
        "rehab": ["hold-2-3", "hold-3-5", "reps-10-12", "reps-12-15", "weight-0-1"],
        "army": [],
        "beginner": ["reps-5-8", "reps-8-10"],
    }
    for preset in program.presets:
        ladder = preset.ladder
        dose = Dose.from_preset(preset)
        steps = []
        while (step := next_step(dose, ladder)) is not None:
            climbed = apply(dose, step)
            assert climbed != dose
            assert regress(climbed, ladder).reps <= climbed.reps
            dose = climbed
            steps.append(step.key)
        assert steps == expected[preset.key], preset.key
        assert dose.reps == max(ladder.reps)
        assert dose.ankle_weight == bool(ladder.weight)


def test_army_ladder_stays_within_the_drill():
    army = load_program().preset("army").ladder
    # Regressed or not, the drill never goes past 10 per side, never adds a hold or a weight.
    for reps in (5, 7, 8, 10):
        dose = Dose(sets=1, reps=reps, hold_s=0)
        while (step := next_step(dose, army)) is not None:
            assert step.kind == "reps" and step.after <= 10
            assert not step.beyond_source(army)
            dose = apply(dose, step)
        assert dose.reps == 10 and dose.hold_s == 0 and not dose.ankle_weight


def test_beginner_rungs_are_labelled_the_coachs():
    beginner = load_program().preset("beginner").ladder
    first = next_step(Dose(sets=2, reps=5, hold_s=2), beginner)
    assert first == Suggestion("reps", 5, 8) and first.beyond_source(beginner)
    assert next_step(Dose(sets=2, reps=10, hold_s=2), beginner) is None


def test_rehab_levers_are_sampsons_numbers_the_coachs():
    rehab = load_program().preset("rehab").ladder
    assert Suggestion("hold", 2, 3).beyond_source(rehab)
    assert Suggestion("reps", 10, 12).beyond_source(rehab)
    assert not Suggestion("weight", 0, 1).beyond_source(rehab)
