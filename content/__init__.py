"""The coaching program as data: load_program() reads medial.toml into frozen dataclasses."""

from content.load import ContentError, load_program
from content.model import (
    Cadence,
    Cue,
    Mistake,
    Position,
    Preset,
    Program,
    Progression,
    Source,
    Step,
    Variation,
)

__all__ = [
    "Cadence",
    "ContentError",
    "Cue",
    "Mistake",
    "Position",
    "Preset",
    "Program",
    "Progression",
    "Source",
    "Step",
    "Variation",
    "load_program",
]
