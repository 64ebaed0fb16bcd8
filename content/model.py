"""The coaching program as frozen dataclasses, filled from content/medial.toml by content.load."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Position = Literal["side", "back"]


@dataclass(frozen=True)
class Step:
    """One screen of /learn: a short title and a paragraph of plain text (no HTML)."""

    title: str
    text: str


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
class Preset:
    """A dose of the exercise with where it comes from and how to set up for it."""

    key: str
    label: str
    source: str
    summary: str
    position: Position
    sets: int
    reps: int
    reps_range: tuple[int, int]
    height: str
    cadence: Cadence
    setup: str
    change_side: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Mistake:
    """A common mistake and how to fix it."""

    mistake: str
    fix: str


@dataclass(frozen=True)
class Variation:
    """A variation or progression; advanced ones are named without instructions."""

    name: str
    text: str
    advanced: bool


@dataclass(frozen=True)
class Progression:
    """The ladder a user climbs one step at a time: longer hold, then more reps, then a weight."""

    holds_s: tuple[int, ...]
    reps: tuple[int, ...]
    weight: str


@dataclass(frozen=True)
class Program:
    """The whole coaching program for one exercise."""

    slug: str
    title: str
    purpose: str
    safety: str
    consent: str
    default_preset: str
    presets: tuple[Preset, ...]
    cues: tuple[str, ...]
    side_only_cues: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    variations: tuple[Variation, ...]
    progression: Progression

    def cues_for(self, preset: Preset) -> tuple[str, ...]:
        """The cues that apply to a preset's position (side-lying ones left out on the back)."""
        if preset.position == "side":
            return self.cues
        return tuple(cue for cue in self.cues if cue not in self.side_only_cues)

    def preset(self, key: str) -> Preset:
        """The preset with this key, or the default one if the key is unknown."""
        for preset in self.presets:
            if preset.key == key:
                return preset
        return self.preset(self.default_preset)
