"""Words of /sources: each preset's source, what comes from it, and the coach's own numbers."""

from __future__ import annotations

from html import escape

from coach import progression as rules
from content.model import Preset, Program
from handlers.views.i18n import _
from handlers.views.progression import ladder_rungs


def _tempo(preset: Preset) -> str:
    cadence = preset.cadence
    if cadence.four_count:
        return _("{seconds} s per count of the 4-count").format(seconds=cadence.lift_s)
    if cadence.pause_s:
        return _("lift {lift} s, lower {lower} s, pause {pause} s").format(
            lift=cadence.lift_s, lower=cadence.lower_s, pause=cadence.pause_s
        )
    return _("lift {lift} s, lower {lower} s").format(lift=cadence.lift_s, lower=cadence.lower_s)


def _coach_numbers(preset: Preset) -> str:
    """The numbers of a preset that no source gives: rest, tempo, ladder rungs past the source."""
    parts = [
        _("rest {seconds} s between sets").format(seconds=preset.cadence.rest_s),
        _("tempo {tempo}").format(tempo=_tempo(preset)),
    ]
    beyond = [text for text, coach in ladder_rungs(preset) if coach]
    if beyond:
        parts.append(_("the ladder steps {steps}").format(steps=_(", ").join(beyond)))
    # TRANSLATORS: separates the coach's numbers in /sources.
    return _("; ").join(parts)


def preset_section(program: Program, preset: Preset) -> str:
    """One preset: its source, what comes from it, and the coach's numbers."""
    source = program.source(preset.source)
    cue_sources = sorted({program.source(cue.source).short for cue in preset.cues})
    return _(
        "<b>{preset}</b>\n"
        "Source: {source}.\n"
        "{note}\n"
        "Form cues from: {cue_sources}.\n"
        "The coach's own numbers: {numbers}."
    ).format(
        preset=escape(preset.label),
        source=escape(source.name),
        note=escape(preset.source_note),
        cue_sources=escape(_(", ").join(cue_sources)),
        numbers=escape(_coach_numbers(preset)),
    )


def sources_text(program: Program, current: str | None = None) -> str:
    """/sources: every preset (the user's first), then the numbers shared by all of them."""
    presets = sorted(program.presets, key=lambda p: p.key != current)
    sections = [preset_section(program, preset) for preset in presets]
    shared = _(
        "<b>For every preset</b>, the pain rules are the coach's own: pain "
        "{regress}–{below_stop} makes the next session lighter (about "
        "{percent}% of the reps), pain {stop} or more, or "
        "sharp pain, stops training and pauses reminders. A step up is offered after "
        "{run} complete sessions in a row rated easy with pain "
        "{easy} or less (also the coach's rule). Training every other day "
        "follows Sampson's “alternating days”."
    ).format(
        regress=rules.REGRESS_PAIN,
        below_stop=rules.STOP_PAIN - 1,
        percent=round(rules.REGRESS_FACTOR * 100),
        stop=rules.STOP_PAIN,
        run=rules.QUALIFYING_RUN,
        easy=rules.MAX_EASY_PAIN,
    )
    return "\n\n".join(
        [
            _("<b>Where this coaching comes from</b>"),
            *sections,
            shared,
            _("Every sentence is written anew from these sources; none of it is medical advice."),
        ]
    )
