"""Progression and safety rules: when to suggest one step up, and what pain changes (SPEC §7)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Literal

from coach.stats import SessionFacts, chronological
from content.model import Preset, Progression

StepKind = Literal["hold", "reps", "weight"]

QUALIFYING_RUN = 3  # sessions in a row that must all qualify before a step up
MAX_EASY_PAIN = 2  # highest pain score a qualifying session may have
REGRESS_PAIN = 4  # pain from here to STOP_PAIN - 1 regresses the next session
STOP_PAIN = 7  # pain from here up stops training and suggests a clinician
REGRESS_FACTOR = 0.7
MIN_REPS = 3

# ASCII digits only: str.isdigit() and int() also accept e.g. Arabic-Indic digits.
_KEY = re.compile(r"(hold|reps|weight)-([0-9]{1,4})-([0-9]{1,4})")


@dataclass(frozen=True)
class Dose:
    """What the user currently does in one session (per leg)."""

    sets: int
    reps: int
    hold_s: int  # 0: no hold at the top (e.g. the Army 4-count)
    ankle_weight: bool = False

    def __post_init__(self) -> None:
        if self.sets < 1 or self.reps < 1 or self.hold_s < 0:
            raise ValueError(f"invalid dose: {self}")

    @classmethod
    def from_preset(cls, preset: Preset) -> Dose:
        """The starting dose of a preset: its sets, reps and hold, no weight."""
        return cls(sets=preset.sets, reps=preset.reps, hold_s=preset.cadence.hold_s)


@dataclass(frozen=True)
class Suggestion:
    """One step up the ladder: which part of the dose changes, from what to what."""

    kind: StepKind
    before: int  # for "weight": 0 (no weight) -> 1 (ankle weight)
    after: int

    def beyond_source(self, ladder: Progression) -> bool:
        """True when this step is the coach's suggestion rather than the preset's source's."""
        return ladder.coach_rung(self.kind, self.after)

    @property
    def key(self) -> str:
        """A short stable key for callback data and storage, e.g. ``hold-2-3``."""
        return f"{self.kind}-{self.before}-{self.after}"

    @classmethod
    def from_key(cls, key: str) -> Suggestion | None:
        """Parse a key made by `key`; None for anything malformed (e.g. a forged button)."""
        match = _KEY.fullmatch(key)
        if match is None:
            return None
        kind, before, after = match[1], int(match[2]), int(match[3])
        if kind == "weight":
            return cls("weight", 0, 1) if (before, after) == (0, 1) else None
        if after <= before:
            return None
        return cls("hold" if kind == "hold" else "reps", before, after)


class Action(StrEnum):
    """What the handler must do after a pain answer."""

    CONTINUE = "continue"  # pain 0-3 (or no answer): nothing changes
    REGRESS = "regress"  # pain 4-6: the next session is lighter, one session only
    STOP = "stop"  # pain >= 7 or sharp pain: pause reminders, suggest a clinician


class Reason(StrEnum):
    """Why the advice or the next session's dose differs from the usual; the handler words it."""

    NONE = "none"
    MODERATE_PAIN = "moderate_pain"  # pain 4-6
    SEVERE_PAIN = "severe_pain"  # pain 7-10
    SHARP_PAIN = "sharp_pain"  # the user reported sharp pain


@dataclass(frozen=True)
class Safety:
    """The safety decision for one pain answer."""

    action: Action
    reason: Reason


@dataclass(frozen=True)
class Plan:
    """The dose for the next session and why it differs from the usual dose, if it does."""

    dose: Dose
    reason: Reason

    @property
    def regressed(self) -> bool:
        """True when this session is lighter than the usual dose because of pain."""
        return self.reason is not Reason.NONE


def next_step(dose: Dose, ladder: Progression) -> Suggestion | None:
    """The one step up a preset's own ladder (hold, then reps, then weight), or None at the top."""
    # A dose without a hold (the Army 4-count) keeps its cadence: a hold would change the drill.
    if dose.hold_s > 0:
        longer = [h for h in ladder.holds_s if h > dose.hold_s]
        if longer:
            return Suggestion("hold", dose.hold_s, min(longer))
    more = [r for r in ladder.reps if r > dose.reps]
    if more:
        return Suggestion("reps", dose.reps, min(more))
    # A ladder without a weight (the back-lying raise, the Army drill) ends at its last rung.
    if not dose.ankle_weight and ladder.weight:
        return Suggestion("weight", 0, 1)
    return None


def _qualifies(session: SessionFacts) -> bool:
    return (
        session.complete
        and session.pain is not None
        and session.pain <= MAX_EASY_PAIN
        and session.difficulty == "easy"
    )


def suggest(
    dose: Dose,
    sessions: Sequence[SessionFacts],
    ladder: Progression,
    answered_on: date | None = None,
) -> Suggestion | None:
    """A step up if the last three sessions were all complete, pain <= 2 and "easy"; else None.

    `answered_on` is the local date on which the user last answered a suggestion (Yes or No).
    Only sessions after that date count, so after a No (or a Yes, which changes the dose) it takes
    three more qualifying sessions before the next suggestion. A session regressed because of pain
    (the one after a pain score >= 4) never counts towards a step up.
    """
    ordered = chronological(sessions)
    counted = [s for s in ordered if answered_on is None or s.local_date > answered_on]
    if len(counted) < QUALIFYING_RUN:
        return None
    window = counted[-QUALIFYING_RUN:]
    if not all(_qualifies(s) for s in window):
        return None
    before_window = ordered[: len(ordered) - QUALIFYING_RUN]
    if before_window:
        pain = before_window[-1].pain
        if pain is not None and pain >= REGRESS_PAIN:
            return None
    return next_step(dose, ladder)


def apply(dose: Dose, suggestion: Suggestion) -> Dose:
    """The dose after taking `suggestion`; unchanged if the dose no longer matches it.

    A stale or repeated *Yes* therefore never climbs two steps or jumps a rung.
    """
    if suggestion.kind == "hold" and dose.hold_s == suggestion.before:
        return replace(dose, hold_s=suggestion.after)
    if suggestion.kind == "reps" and dose.reps == suggestion.before:
        return replace(dose, reps=suggestion.after)
    if suggestion.kind == "weight" and not dose.ankle_weight:
        return replace(dose, ankle_weight=True)
    return dose


def assess_pain(pain: int | None, *, sharp: bool = False) -> Safety:
    """What a pain answer (0..10, None if unanswered) or a "sharp pain" reply calls for."""
    if pain is not None and not 0 <= pain <= 10:
        raise ValueError(f"pain must be 0..10, got {pain}")
    if sharp:
        return Safety(Action.STOP, Reason.SHARP_PAIN)
    if pain is None or pain < REGRESS_PAIN:
        return Safety(Action.CONTINUE, Reason.NONE)
    if pain < STOP_PAIN:
        return Safety(Action.REGRESS, Reason.MODERATE_PAIN)
    return Safety(Action.STOP, Reason.SEVERE_PAIN)


def regress(dose: Dose, ladder: Progression) -> Dose:
    """A lighter dose for one session: about 70% of the reps (min 3), else a hold one step down."""
    fewer = max(MIN_REPS, int(dose.reps * REGRESS_FACTOR + 0.5))  # round half up, not to even
    if fewer < dose.reps:
        return replace(dose, reps=fewer)
    shorter = [h for h in ladder.holds_s if h < dose.hold_s]
    if shorter:
        return replace(dose, hold_s=max(shorter))
    # Below the lowest rung the lighter version is lift-and-lower without a hold.
    return replace(dose, hold_s=0)


def plan_next(dose: Dose, sessions: Sequence[SessionFacts], ladder: Progression) -> Plan:
    """The dose for the next session: regressed once after pain >= 4, else the usual dose.

    The deciding session is the latest one, skipping partial sessions without a pain answer: an
    abandoned session doesn't use up the one lighter session owed after a painful one. Pain >= 7
    also regresses the first session back after the stop.
    """
    for session in reversed(chronological(sessions)):
        if session.pain is None and not session.complete:
            continue
        safety = assess_pain(session.pain)
        if safety.action is Action.CONTINUE:
            break
        return Plan(regress(dose, ladder), safety.reason)
    return Plan(dose, Reason.NONE)
