"""The phase timeline of a guided set: which screen to show at which second, and session lengths.

A set is a tuple of Beats, one per screen of the pacing message, at whole-second offsets from the
set start. Per rep: "lift" (lift_s), one "hold" beat per second of hold_s counting down, "lower"
(lower_s), then pause_s before the next rep; the Army 4-count paces a rep as count 1 lift, 2 lower,
3 lift, 4 lower. The last beat is "end" at the set's duration (no pause after the last rep).
Words for each beat live in handlers/render.py; this module only says what and when.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from content.model import Cadence, Preset

Legs = Literal["both", "left", "right"]
Side = Literal["left", "right"]
BeatKind = Literal["lift", "hold", "lower", "end"]

# Telegram allows about one edit per second per chat; beats are never closer than this.
MIN_EDIT_GAP_S: Final = 1.0
# Edits per second the dispatcher may spend on pacing, under Telegram's ~30/s per bot, leaving room
# for replies and reminders.
EDIT_BUDGET_PER_S: Final = 25.0
# Seconds to roll over and set up on the other side, on top of the rest, in session estimates.
SIDE_CHANGE_S: Final = 15


@dataclass(frozen=True)
class SetSlot:
    """One set of a session: "Set `number` of `sets` — `side` leg", `reps` reps."""

    index: int  # 0-based position in the whole session
    number: int  # 1-based within its leg
    sets: int  # sets per leg
    side: Side
    reps: int
    side_change: bool  # first set after a change of side: tell the user to roll over first


@dataclass(frozen=True)
class Beat:
    """One screen of the pacing message, shown at `at_s` seconds from the set start."""

    at_s: int
    kind: BeatKind
    rep: int  # 1-based; the end beat carries the last rep
    reps: int
    count: int | None = None  # 1..4 in the Army 4-count (a hold carries its lift's count)
    remaining: int | None = None  # hold countdown: hold_s .. 1

    @property
    def key(self) -> tuple[int, str, int | None, int | None]:
        """What makes a screen distinct: consecutive beats never share a key."""
        return (self.rep, self.kind, self.count, self.remaining)


def session_plan(sets: int, reps: int, legs: Legs) -> tuple[SetSlot, ...]:
    """Every set of a session: all sets of the first leg (left when both), then the other's."""
    if sets < 1 or reps < 1:
        raise ValueError(f"sets and reps must be at least 1, got {sets} x {reps}")
    sides: tuple[Side, ...]
    if legs == "both":
        sides = ("left", "right")
    elif legs in ("left", "right"):
        sides = (legs,)
    else:
        raise ValueError(f"legs must be both, left or right, got {legs!r}")
    slots: list[SetSlot] = []
    for leg_index, side in enumerate(sides):
        for number in range(1, sets + 1):
            slots.append(
                SetSlot(
                    index=len(slots),
                    number=number,
                    sets=sets,
                    side=side,
                    reps=reps,
                    side_change=leg_index > 0 and number == 1,
                )
            )
    return tuple(slots)


def _check(cadence: Cadence, reps: int) -> None:
    # lift_s and lower_s of at least 1 s keep every beat a Telegram-legal second apart.
    if cadence.lift_s < 1 or cadence.lower_s < 1:
        raise ValueError("lift_s and lower_s must be at least 1 s")
    if cadence.hold_s < 0 or cadence.pause_s < 0 or cadence.rest_s < 0:
        raise ValueError("hold_s, pause_s and rest_s must not be negative")
    if reps < 1:
        raise ValueError(f"reps must be at least 1, got {reps}")


def rep_duration(cadence: Cadence) -> int:
    """Seconds of one rep's movement, without the pause after it."""
    _check(cadence, 1)
    lifts = 2 if cadence.four_count else 1
    return lifts * (cadence.lift_s + cadence.hold_s + cadence.lower_s)


def set_duration(cadence: Cadence, reps: int) -> int:
    """Seconds from the first lift to the end of the last lower."""
    _check(cadence, reps)
    return reps * rep_duration(cadence) + (reps - 1) * cadence.pause_s


def set_timeline(cadence: Cadence, reps: int) -> tuple[Beat, ...]:
    """The beats of one set, ending with an "end" beat at set_duration()."""
    _check(cadence, reps)
    counts: tuple[tuple[Literal["lift", "lower"], int | None], ...] = (
        (("lift", 1), ("lower", 2), ("lift", 3), ("lower", 4))
        if cadence.four_count
        else (("lift", None), ("lower", None))
    )
    beats: list[Beat] = []
    t = 0
    for rep in range(1, reps + 1):
        if rep > 1:
            t += cadence.pause_s
        for kind, count in counts:
            beats.append(Beat(at_s=t, kind=kind, rep=rep, reps=reps, count=count))
            if kind == "lower":
                t += cadence.lower_s
                continue
            t += cadence.lift_s
            for remaining in range(cadence.hold_s, 0, -1):
                beats.append(Beat(t, "hold", rep, reps, count=count, remaining=remaining))
                t += 1
    beats.append(Beat(at_s=t, kind="end", rep=reps, reps=reps))
    return tuple(beats)


def session_duration_s(
    cadence: Cadence, plan: Sequence[SetSlot], *, side_change_s: int = SIDE_CHANGE_S
) -> int:
    """Seconds for a whole session: every set, a rest between sets, and time to change sides."""
    if not plan:
        return 0
    sets = sum(set_duration(cadence, slot.reps) for slot in plan)
    rests = (len(plan) - 1) * cadence.rest_s
    changes = sum(side_change_s for slot in plan if slot.side_change)
    return sets + rests + changes


def preset_duration_s(preset: Preset, legs: Legs) -> int:
    """Seconds for a session of this preset on these legs ("about 8 minutes" in reminders)."""
    return session_duration_s(preset.cadence, session_plan(preset.sets, preset.reps, legs))


def _priority(beats: Sequence[Beat], i: int) -> int:
    """Lower keeps longer: the set's first beat, lifts, lowers, a hold's first beat, the rest."""
    beat = beats[i]
    if i == 0:
        return 0
    if beat.kind == "lift":
        return 1
    if beat.kind == "lower":
        return 2
    if beats[i - 1].kind != "hold":
        return 3
    return 4


def thin_timeline(beats: Sequence[Beat], min_gap_s: float) -> tuple[Beat, ...]:
    """Drop beats until none are closer than min_gap_s; holds go first, lifts and lowers last.

    Every lift and lower survives while min_gap_s is no more than the time between consecutive
    ones; beyond that lowers, then lifts, go too. The first beat is always kept, and the end beat
    too, moved later (by less than min_gap_s) if the last lower would otherwise lose its screen.
    """
    if min_gap_s <= 0:
        raise ValueError(f"min_gap_s must be positive, got {min_gap_s}")
    end = beats[-1] if beats and beats[-1].kind == "end" else None
    body = beats[:-1] if end is not None else beats
    # Gaps are whole seconds against a float limit; a hair of slack keeps 1.0 == 1 exact.
    slack = 1e-9
    order = sorted(range(len(body)), key=lambda i: (_priority(body, i), body[i].at_s))
    kept_times: list[int] = []
    kept: list[int] = []
    for i in order:
        at = body[i].at_s
        pos = bisect.bisect_left(kept_times, at)
        before_ok = pos == 0 or at - kept_times[pos - 1] >= min_gap_s - slack
        after_ok = pos == len(kept_times) or kept_times[pos] - at >= min_gap_s - slack
        if _priority(body, i) == 0 or (before_ok and after_ok):
            kept_times.insert(pos, at)
            kept.insert(pos, i)
    thinned = [body[i] for i in kept]
    if end is not None:
        earliest = math.ceil(thinned[-1].at_s + min_gap_s - slack) if thinned else 0
        thinned.append(replace(end, at_s=max(end.at_s, earliest)))
    return tuple(thinned)


def min_gap_for_load(active_sets: int, budget_per_s: float = EDIT_BUDGET_PER_S) -> float:
    """The gap between edits per chat that keeps `active_sets` paced chats within the budget."""
    if budget_per_s <= 0:
        raise ValueError(f"budget_per_s must be positive, got {budget_per_s}")
    return max(MIN_EDIT_GAP_S, active_sets / budget_per_s)


def beat_index_at(beats: Sequence[Beat], elapsed_s: float) -> int:
    """Index of the beat on screen at elapsed_s: resume there instead of replaying missed beats."""
    if not beats:
        raise ValueError("no beats")
    times = [beat.at_s for beat in beats]
    return max(0, bisect.bisect_right(times, elapsed_s) - 1)
