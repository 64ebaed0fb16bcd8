"""Tests for coach.pacing: session plans, set timelines, durations and thinning."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from coach.pacing import (
    MIN_EDIT_GAP_S,
    SIDE_CHANGE_S,
    Beat,
    beat_index_at,
    min_gap_for_load,
    preset_duration_s,
    rep_duration,
    session_duration_s,
    session_plan,
    set_duration,
    set_timeline,
    thin_timeline,
)
from content.load import load_program
from content.model import Cadence, Preset, Progression

# The three presets' cadences as the brief gives them (rest lengths as in content/medial.toml).
REHAB = Cadence(lift_s=2, hold_s=2, lower_s=2, pause_s=1, rest_s=45, four_count=False)
ARMY = Cadence(lift_s=2, hold_s=0, lower_s=2, pause_s=0, rest_s=20, four_count=True)
BEGINNER = Cadence(lift_s=2, hold_s=2, lower_s=3, pause_s=1, rest_s=30, four_count=False)
CADENCES = {"rehab": REHAB, "army": ARMY, "beginner": BEGINNER}
ODD = Cadence(lift_s=1, hold_s=5, lower_s=1, pause_s=0, rest_s=0, four_count=False)
ARMY_HOLD = dataclasses.replace(ARMY, hold_s=1, pause_s=2)


def _preset(key: str, cadence: Cadence, sets: int, reps: int) -> Preset:
    return Preset(
        key=key,
        label=key,
        source="test",
        source_note="",
        purpose="",
        summary="",
        position="side",
        between_reps="hover",
        sets=sets,
        reps=reps,
        reps_range=(reps, reps),
        height="",
        cadence=cadence,
        setup="",
        change_side="",
        steps=(),
        cues=(),
        ladder=Progression(holds_s=(), reps=(reps,), weight=""),
    )


# --- session_plan -------------------------------------------------------------------------------


def test_plan_both_legs_left_first_then_right() -> None:
    plan = session_plan(3, 10, "both")
    assert [(s.side, s.number, s.sets) for s in plan] == [
        ("left", 1, 3),
        ("left", 2, 3),
        ("left", 3, 3),
        ("right", 1, 3),
        ("right", 2, 3),
        ("right", 3, 3),
    ]
    assert [s.index for s in plan] == list(range(6))
    assert [s.side_change for s in plan] == [False, False, False, True, False, False]
    assert {s.reps for s in plan} == {10}


@pytest.mark.parametrize("leg", ["left", "right"])
def test_plan_one_leg_never_changes_side(leg: str) -> None:
    plan = session_plan(2, 5, leg)  # type: ignore[arg-type]
    assert [(s.side, s.number) for s in plan] == [(leg, 1), (leg, 2)]
    assert not any(s.side_change for s in plan)


def test_plan_single_set_both_legs() -> None:
    plan = session_plan(1, 10, "both")
    assert [(s.side, s.number, s.sets, s.side_change) for s in plan] == [
        ("left", 1, 1, False),
        ("right", 1, 1, True),
    ]


@pytest.mark.parametrize(("sets", "reps", "legs"), [(0, 10, "both"), (3, 0, "both"), (3, 10, "up")])
def test_plan_rejects_nonsense(sets: int, reps: int, legs: str) -> None:
    with pytest.raises(ValueError):
        session_plan(sets, reps, legs)  # type: ignore[arg-type]


# --- set_timeline -------------------------------------------------------------------------------


def test_rehab_rep_phase_order_and_offsets() -> None:
    beats = set_timeline(REHAB, 2)
    assert [(b.at_s, b.kind, b.rep, b.remaining) for b in beats] == [
        (0, "lift", 1, None),
        (2, "hold", 1, 2),
        (3, "hold", 1, 1),
        (4, "lower", 1, None),
        (7, "lift", 2, None),  # lower 2 s + pause 1 s
        (9, "hold", 2, 2),
        (10, "hold", 2, 1),
        (11, "lower", 2, None),
        (13, "end", 2, None),
    ]
    assert all(b.reps == 2 and b.count is None for b in beats)


def test_army_four_count_order() -> None:
    beats = set_timeline(ARMY, 2)
    assert [(b.at_s, b.kind, b.rep, b.count) for b in beats] == [
        (0, "lift", 1, 1),
        (2, "lower", 1, 2),
        (4, "lift", 1, 3),
        (6, "lower", 1, 4),
        (8, "lift", 2, 1),
        (10, "lower", 2, 2),
        (12, "lift", 2, 3),
        (14, "lower", 2, 4),
        (16, "end", 2, None),
    ]


def test_four_count_with_a_hold_holds_after_each_lift() -> None:
    beats = set_timeline(ARMY_HOLD, 1)
    assert [(b.at_s, b.kind, b.count, b.remaining) for b in beats] == [
        (0, "lift", 1, None),
        (2, "hold", 1, 1),
        (3, "lower", 2, None),
        (5, "lift", 3, None),
        (7, "hold", 3, 1),
        (8, "lower", 4, None),
        (10, "end", None, None),
    ]


@pytest.mark.parametrize(
    ("name", "reps", "expected_s"),
    [
        ("rehab", 10, 69),  # 10 x (2+2+2) + 9 pauses of 1
        ("army", 10, 80),  # 10 x 4 counts of 2 s, no pause
        ("beginner", 5, 39),  # 5 x (2+2+3) + 4 pauses of 1
        ("rehab", 1, 6),
        ("army", 5, 40),
    ],
)
def test_set_duration_per_preset(name: str, reps: int, expected_s: int) -> None:
    cadence = CADENCES[name]
    assert set_duration(cadence, reps) == expected_s
    assert set_timeline(cadence, reps)[-1].at_s == expected_s


def test_rep_duration() -> None:
    assert rep_duration(REHAB) == 6
    assert rep_duration(ARMY) == 8
    assert rep_duration(BEGINNER) == 7


ALL_TIMELINES = [
    (name, cadence, reps)
    for name, cadence in [*CADENCES.items(), ("odd", ODD), ("army_hold", ARMY_HOLD)]
    for reps in (1, 2, 5, 10, 15)
]


@pytest.mark.parametrize(("name", "cadence", "reps"), ALL_TIMELINES)
def test_timeline_invariants(name: str, cadence: Cadence, reps: int) -> None:
    beats = set_timeline(cadence, reps)
    gaps = [b.at_s - a.at_s for a, b in itertools.pairwise(beats)]
    assert beats[0].at_s == 0
    assert min(gaps) >= MIN_EDIT_GAP_S
    assert all(a.key != b.key for a, b in itertools.pairwise(beats))
    assert [b.kind for b in beats].count("end") == 1 and beats[-1].kind == "end"
    lifts_per_rep = 2 if cadence.four_count else 1
    assert sum(b.kind == "lift" for b in beats) == reps * lifts_per_rep
    assert sum(b.kind == "lower" for b in beats) == reps * lifts_per_rep
    assert sum(b.kind == "hold" for b in beats) == reps * lifts_per_rep * cadence.hold_s
    assert [b.rep for b in beats] == sorted(b.rep for b in beats)
    assert beats[-1].at_s == set_duration(cadence, reps)


@pytest.mark.parametrize(
    "bad",
    [
        dataclasses.replace(REHAB, lift_s=0),
        dataclasses.replace(REHAB, lower_s=0),
        dataclasses.replace(REHAB, hold_s=-1),
        dataclasses.replace(REHAB, pause_s=-1),
    ],
)
def test_timeline_rejects_cadences_that_would_break_the_edit_limit(bad: Cadence) -> None:
    with pytest.raises(ValueError):
        set_timeline(bad, 10)
    with pytest.raises(ValueError):
        set_duration(bad, 10)


def test_timeline_rejects_zero_reps() -> None:
    with pytest.raises(ValueError):
        set_timeline(REHAB, 0)


# --- session durations --------------------------------------------------------------------------


def test_session_duration_rehab_both_legs() -> None:
    plan = session_plan(3, 10, "both")
    # 6 sets of 69 s, 5 rests of 45 s, one change of side
    assert session_duration_s(REHAB, plan) == 6 * 69 + 5 * 45 + SIDE_CHANGE_S
    assert session_duration_s(REHAB, plan, side_change_s=0) == 639


def test_session_duration_one_leg_has_no_side_change() -> None:
    plan = session_plan(3, 10, "left")
    assert session_duration_s(REHAB, plan) == 3 * 69 + 2 * 45


def test_session_duration_uses_each_slot_reps() -> None:
    # A regressed set (fewer reps) shortens the estimate.
    plan = session_plan(2, 10, "left")
    short = (plan[0], dataclasses.replace(plan[1], reps=5))
    assert session_duration_s(REHAB, short) == 69 + 34 + 45


def test_session_duration_empty_plan() -> None:
    assert session_duration_s(REHAB, ()) == 0


@pytest.mark.parametrize(
    ("preset", "legs", "expected_s"),
    [
        (_preset("rehab", REHAB, 3, 10), "both", 6 * 69 + 5 * 45 + SIDE_CHANGE_S),  # 654 s
        (_preset("army", ARMY, 1, 10), "both", 2 * 80 + 20 + SIDE_CHANGE_S),  # 195 s
        (_preset("beginner", BEGINNER, 2, 5), "both", 4 * 39 + 3 * 30 + SIDE_CHANGE_S),  # 261 s
        (_preset("rehab", REHAB, 3, 10), "right", 3 * 69 + 2 * 45),
    ],
)
def test_preset_duration(preset: Preset, legs: str, expected_s: int) -> None:
    assert preset_duration_s(preset, legs) == expected_s  # type: ignore[arg-type]


def test_shipped_presets_pace_legally() -> None:
    program = load_program()
    assert {p.key for p in program.presets} >= {"rehab", "army", "beginner"}
    for preset in program.presets:
        beats = set_timeline(preset.cadence, preset.reps)
        assert all(b.at_s - a.at_s >= 1 for a, b in itertools.pairwise(beats))
        assert all(a.key != b.key for a, b in itertools.pairwise(beats))
        minutes = preset_duration_s(preset, "both") / 60
        assert 1 <= minutes <= 30, (preset.key, minutes)
    assert program.preset("army").cadence.four_count


# --- thinning -----------------------------------------------------------------------------------


def _gaps(beats: tuple[Beat, ...]) -> list[int]:
    return [b.at_s - a.at_s for a, b in itertools.pairwise(beats)]


@pytest.mark.parametrize(("name", "cadence", "reps"), ALL_TIMELINES)
def test_thin_at_one_second_changes_nothing(name: str, cadence: Cadence, reps: int) -> None:
    beats = set_timeline(cadence, reps)
    assert thin_timeline(beats, 1.0) == beats


def test_thin_rehab_drops_holds_first() -> None:
    beats = set_timeline(REHAB, 10)
    thinned = thin_timeline(beats, 2.0)
    # lift at t, hold 2 at t+2, hold 1 at t+3, lower at t+4: only "hold… 1" is too close.
    assert [b.kind for b in thinned[:4]] == ["lift", "hold", "lower", "lift"]
    assert thinned[1].remaining == 2
    assert not any(b.kind == "hold" and b.remaining == 1 for b in thinned)
    assert sum(b.kind == "lift" for b in thinned) == 10
    assert sum(b.kind == "lower" for b in thinned) == 10
    assert min(_gaps(thinned)) >= 2
    assert thinned[-1] == beats[-1]  # the end is not delayed: lower_s already equals the gap

    only_moves = thin_timeline(beats, 3.0)
    assert {b.kind for b in only_moves} == {"lift", "lower", "end"}
    assert len(only_moves) == 21


@pytest.mark.parametrize("gap", [1.5, 2.0, 2.5, 3.0])
@pytest.mark.parametrize("name", ["rehab", "beginner"])
def test_thin_keeps_every_lift_and_lower_when_they_fit(name: str, gap: float) -> None:
    cadence = CADENCES[name]
    beats = set_timeline(cadence, 10)
    thinned = thin_timeline(beats, gap)
    moves = [b for b in beats if b.kind in ("lift", "lower")]
    assert [b for b in thinned if b.kind in ("lift", "lower")] == moves
    assert min(_gaps(thinned)) >= gap
    assert thinned[0] == beats[0]
    assert thinned[-1].kind == "end"
    assert thinned[-1].at_s - beats[-1].at_s < gap  # the end moves, if at all, by less than a gap


def test_thin_moves_the_end_rather_than_losing_the_last_lower() -> None:
    beats = set_timeline(REHAB, 2)  # last lower at 11, end at 13
    thinned = thin_timeline(beats, 2.5)
    assert [(b.kind, b.at_s) for b in thinned] == [
        ("lift", 0),
        ("lower", 4),
        ("lift", 7),
        ("lower", 11),
        ("end", 14),
    ]


@pytest.mark.parametrize("gap", [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.5, 8.0, 20.0])
@pytest.mark.parametrize(("name", "cadence", "reps"), ALL_TIMELINES)
def test_thin_always_respects_the_gap(name: str, cadence: Cadence, reps: int, gap: float) -> None:
    beats = set_timeline(cadence, reps)
    thinned = thin_timeline(beats, gap)
    assert thinned[0] == beats[0]
    assert thinned[-1].kind == "end" and thinned[-1].at_s >= beats[-1].at_s
    body = thinned[:-1]
    assert all(b in beats for b in body)
    assert all(x.at_s < y.at_s for x, y in itertools.pairwise(thinned))
    assert all(g >= gap for g in _gaps(thinned))
    assert all(x.key != y.key for x, y in itertools.pairwise(thinned))
    # Holds go first: a lift or lower is dropped only for a lift or lower (or the first beat) too
    # close to it, never for a hold; and nothing is dropped that would have fit.
    for dropped in (b for b in beats[:-1] if b not in body):
        close = [k for k in body if abs(k.at_s - dropped.at_s) < gap]
        assert close, f"{dropped} was dropped but fits"
        if dropped.kind in ("lift", "lower"):
            assert any(k.kind != "hold" for k in close), f"{dropped} lost to a hold"


def test_thin_army_beyond_a_count_keeps_lifts_over_lowers() -> None:
    beats = set_timeline(ARMY, 3)
    thinned = thin_timeline(beats, 3.0)
    assert [(b.kind, b.count) for b in thinned[:-1]] == [("lift", 1), ("lift", 3)] * 3
    assert min(_gaps(thinned)) >= 3


def test_thin_rejects_a_non_positive_gap() -> None:
    with pytest.raises(ValueError):
        thin_timeline(set_timeline(REHAB, 1), 0)


def test_thin_empty() -> None:
    assert thin_timeline((), 2.0) == ()


# --- load and resume ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "expected"),
    [(0, 1.0), (1, 1.0), (25, 1.0), (50, 2.0), (100, 4.0)],
)
def test_min_gap_for_load(active: int, expected: float) -> None:
    assert min_gap_for_load(active) == expected


def test_min_gap_for_load_keeps_the_budget() -> None:
    # With the computed gap, n chats edit at most n / gap times a second.
    for active in range(1, 500, 7):
        assert active / min_gap_for_load(active, budget_per_s=25) <= 25 + 1e-9
    with pytest.raises(ValueError):
        min_gap_for_load(10, budget_per_s=0)


def test_beat_index_at() -> None:
    beats = set_timeline(REHAB, 2)  # at 0, 2, 3, 4, 7, 9, 10, 11, 13
    assert beat_index_at(beats, -5) == 0
    assert beat_index_at(beats, 0) == 0
    assert beat_index_at(beats, 1.99) == 0
    assert beat_index_at(beats, 2) == 1
    assert beat_index_at(beats, 6.5) == 3
    assert beat_index_at(beats, 7) == 4
    assert beat_index_at(beats, 100) == len(beats) - 1
    with pytest.raises(ValueError):
        beat_index_at((), 1)


def test_thin_a_resumed_slice_keeps_its_first_beat() -> None:
    # After a pause the dispatcher may thin what is left of a set, which can start mid-hold.
    beats = set_timeline(REHAB, 3)
    rest = beats[beat_index_at(beats, 3) :]
    assert rest[0].kind == "hold" and rest[0].remaining == 1
    thinned = thin_timeline(rest, 2.0)
    assert thinned[0] == rest[0]
    assert all(g >= 2 for g in _gaps(thinned))
