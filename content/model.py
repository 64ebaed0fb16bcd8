"""The coaching program as frozen dataclasses, filled from content/medial.toml by content.load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Position = Literal["side", "back"]
# Where the working leg goes between reps: kept just off the floor, or back down to the start.
BetweenReps = Literal["hover", "floor"]
Lever = Literal["hold", "reps", "weight"]
LEVERS: tuple[Lever, ...] = ("hold", "reps", "weight")


@dataclass(frozen=True)
class Source:
    """One of the texts the coaching content takes its facts from."""

    key: str
    short: str  # for sentences, e.g. "Sampson", "the drill"
    name: str  # who and what, e.g. "Eric Sampson, physical therapist (Howcast video …)"


@dataclass(frozen=True)
class Step:
    """One screen of /learn; text may name {side} and {other}; one_leg replaces it for one leg."""

    title: str
    text: str
    one_leg: str  # "" when the same text fits a one-leg user


@dataclass(frozen=True)
class Cue:
    """A form cue with the source it comes from and the presets it may be shown for."""

    key: str
    text: str
    source: str
    positions: tuple[Position, ...]
    between_reps: tuple[BetweenReps, ...]


@dataclass(frozen=True)
class Cadence:
    """Seconds per phase of a rep; four_count paces the Army 4-count (lift, lower, lift, lower)."""

    lift_s: int
    hold_s: int
    lower_s: int
    pause_s: int
    rest_s: int
    four_count: bool


@dataclass(frozen=True)
class Progression:
    """A preset's ladder: longer hold, then more reps, then a weight ("" for none).

    `levers` are the ways to progress the preset's source names; `source_reps` and
    `source_hold_s` are the numbers the source itself gives. Any rung past them is the coach's.
    """

    holds_s: tuple[int, ...]
    reps: tuple[int, ...]
    weight: str
    levers: tuple[Lever, ...] = LEVERS
    source_reps: int = 0
    source_hold_s: int = 0

    def coach_rung(self, kind: Lever, value: int) -> bool:
        """True when a rung is the coach's suggestion, not a number or lever its source gives."""
        if kind == "reps":
            return value > self.source_reps
        if kind == "hold":
            return value > self.source_hold_s
        return kind not in self.levers


@dataclass(frozen=True)
class Preset:
    """A dose of the exercise with where it comes from and how to set up for it."""

    key: str
    label: str
    source: str  # a Source key
    source_note: str  # what the preset takes from its source, in a sentence or two
    purpose: str
    summary: str
    position: Position
    between_reps: BetweenReps
    sets: int
    reps: int
    reps_range: tuple[int, int]
    height: str
    cadence: Cadence
    setup: str
    change_side: str
    steps: tuple[Step, ...]
    cues: tuple[Cue, ...]
    ladder: Progression


@dataclass(frozen=True)
class Mistake:
    """A common mistake and how to fix it, for the presets it applies to."""

    mistake: str
    fix: str
    presets: tuple[str, ...]


@dataclass(frozen=True)
class Variation:
    """A variation or progression; advanced ones are named without instructions."""

    name: str
    text: str
    advanced: bool
    presets: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    """The whole coaching program for one exercise."""

    slug: str
    title: str
    purpose: str
    safety: str
    consent: str
    default_preset: str
    sources: tuple[Source, ...]
    presets: tuple[Preset, ...]
    cues: tuple[Cue, ...]
    mistakes: tuple[Mistake, ...]
    variations: tuple[Variation, ...]

    def cues_for(self, preset: Preset) -> tuple[str, ...]:
        """The cue texts of a preset, in its own order."""
        return tuple(cue.text for cue in preset.cues)

    def mistakes_for(self, preset: Preset) -> tuple[Mistake, ...]:
        """The mistakes that apply to a preset."""
        return tuple(m for m in self.mistakes if preset.key in m.presets)

    def variations_for(self, preset: Preset) -> tuple[Variation, ...]:
        """The variations shown with a preset."""
        return tuple(v for v in self.variations if preset.key in v.presets)

    def source(self, key: str) -> Source:
        """The source with this key (load.py guarantees every preset's and cue's exists)."""
        return next(s for s in self.sources if s.key == key)

    def preset(self, key: str) -> Preset:
        """The preset with this key, or the default one if the key is unknown."""
        for preset in self.presets:
            if preset.key == key:
                return preset
        return self.preset(self.default_preset)
