"""Words of /sources: each preset's source, what comes from it, and the coach's own numbers."""

from __future__ import annotations

from html import escape

from coach import progression as rules
from content.model import Preset, Program
from handlers.views.progression import ladder_rungs


def _tempo(preset: Preset) -> str:
    cadence = preset.cadence
    if cadence.four_count:
        return f"{cadence.lift_s} s per count of the 4-count"
    pause = f", pause {cadence.pause_s} s" if cadence.pause_s else ""
    return f"lift {cadence.lift_s} s, lower {cadence.lower_s} s{pause}"


def _coach_numbers(preset: Preset) -> str:
    """The numbers of a preset that no source gives: rest, tempo, ladder rungs past the source."""
    parts = [f"rest {preset.cadence.rest_s} s between sets", f"tempo {_tempo(preset)}"]
    beyond = [text for text, coach in ladder_rungs(preset) if coach]
    if beyond:
        parts.append("the ladder steps " + ", ".join(beyond))
    return "; ".join(parts)


def preset_section(program: Program, preset: Preset) -> str:
    """One preset: its source, what comes from it, and the coach's numbers."""
    source = program.source(preset.source)
    cue_sources = sorted({program.source(cue.source).short for cue in preset.cues})
    return (
        f"<b>{escape(preset.label)}</b>\n"
        f"Source: {escape(source.name)}.\n"
        f"{escape(preset.source_note)}\n"
        f"Form cues from: {escape(', '.join(cue_sources))}.\n"
        f"The coach's own numbers: {escape(_coach_numbers(preset))}."
    )


def sources_text(program: Program, current: str | None = None) -> str:
    """/sources: every preset (the user's first), then the numbers shared by all of them."""
    presets = sorted(program.presets, key=lambda p: p.key != current)
    sections = [preset_section(program, preset) for preset in presets]
    shared = (
        "<b>For every preset</b>, the pain rules are the coach's own: pain "
        f"{rules.REGRESS_PAIN}–{rules.STOP_PAIN - 1} makes the next session lighter (about "
        f"{round(rules.REGRESS_FACTOR * 100)}% of the reps), pain {rules.STOP_PAIN} or more, or "
        "sharp pain, stops training and pauses reminders. A step up is offered after "
        f"{rules.QUALIFYING_RUN} complete sessions in a row rated easy with pain "
        f"{rules.MAX_EASY_PAIN} or less (also the coach's rule). Training every other day "
        "follows Sampson's “alternating days”."
    )
    return "\n\n".join(
        [
            "<b>Where this coaching comes from</b>",
            *sections,
            shared,
            "Every sentence is written anew from these sources; none of it is medical advice.",
        ]
    )
