"""The coaching program as data: load_program() reads medial.toml into frozen dataclasses."""

from content.load import ContentError, load_program
from content.model import (
    Cadence,
    Mistake,
    Position,
    Preset,
    Program,
    Progression,
    Step,
    Variation,
)

__all__ = [
    "Cadence",
    "ContentError",
    "Mistake",
    "Position",
    "Preset",
    "Program",
    "Progression",
    "Step",
    "Variation",
    "load_program",
]
