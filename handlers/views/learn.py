"""Words of /learn, /cues, /mistakes and /variations, per preset and per the user's legs."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Preset, Program, Step
from handlers.views.common import keyboard
from handlers.views.progression import ladder_rungs


def sides(legs: str) -> tuple[str, str]:
    """(first working side, the other side) for a legs setting: right-only users start right."""
    return ("right", "left") if legs == "right" else ("left", "right")


def step_text(step: Step, legs: str) -> str:
    """A step's text for these legs: the one-leg wording when it has one, sides filled in."""
    side, other = sides(legs)
    text = step.one_leg if legs != "both" and step.one_leg else step.text
    return text.replace("{side}", side).replace("{other}", other)


def learn_step(preset: Preset, index: int, legs: str) -> str:
    """One screen of /learn; the first also says what this version works."""
    step = preset.steps[index]
    head = f"<b>{escape(preset.label)} · step {index + 1} of {len(preset.steps)}</b>\n"
    about = f"<i>{escape(preset.purpose)}</i>\n\n" if index == 0 else ""
    return f"{head}{about}<b>{escape(step.title)}</b>\n\n{escape(step_text(step, legs))}"


def learn_keyboard(preset: Preset, index: int) -> InlineKeyboardMarkup:
    """Back / Next, and Start now on the last screen."""
    row: list[tuple[str, str]] = []
    if index > 0:
        row.append(("◀️ Back", f"learn:{preset.key}:{index - 1}"))
    if index < len(preset.steps) - 1:
        row.append(("Next ▶️", f"learn:{preset.key}:{index + 1}"))
    rows = [row]
    if index == len(preset.steps) - 1:
        rows.append([("▶️ Start now", "workout:start"), ("✅ Form cues", "cues:show")])
    return keyboard(rows)


def cues(program: Program, preset: Preset) -> str:
    """The form checklist of the user's preset."""
    items = "\n".join(f"☑️ {escape(cue)}" for cue in program.cues_for(preset))
    return f"<b>Form checklist</b> · {escape(preset.label)}\n{items}"


def mistakes(program: Program, preset: Preset) -> str:
    """Common mistakes and fixes for the user's preset."""
    items = "\n\n".join(
        f"❌ <b>{escape(m.mistake)}</b>\n✅ {escape(m.fix)}" for m in program.mistakes_for(preset)
    )
    return f"<b>Common mistakes</b> · {escape(preset.label)}\n\n{items}"


def variations(program: Program, preset: Preset) -> str:
    """The preset's ladder, its variations, and the advanced ones named only."""
    chosen = program.variations_for(preset)
    basic = [v for v in chosen if not v.advanced]
    advanced = [v for v in chosen if v.advanced]
    lines = [f"<b>Variations and progressions</b> · {escape(preset.label)}"]
    lines.append(ladder_line(program, preset))
    lines += [f"• <b>{escape(v.name)}</b>: {escape(v.text)}" for v in basic]
    if advanced:
        lines.append("\n<b>Advanced</b> (named only; get instruction in person)")
        lines += [f"• <b>{escape(v.name)}</b>: {escape(v.text)}" for v in advanced]
    return "\n".join(lines)


def ladder_line(program: Program, preset: Preset) -> str:
    """The steps up this preset offers, one at a time, with the coach's own ones marked."""
    rungs = ladder_rungs(preset)
    source = escape(program.source(preset.source).short)
    if not rungs:
        return (
            f"🪜 You start at the top of this preset's ladder: {source} goes no further, "
            "so I won't offer a step up."
        )
    words = ", then ".join(escape(text) + (" *" if coach else "") for text, coach in rungs)
    note = (
        "\n* the coach's suggestion, not a number from the source."
        if any(coach for _, coach in rungs)
        else ""
    )
    return (
        f"🪜 Steps up I may offer, one at a time after three easy sessions in a row: {words}.{note}"
    )
