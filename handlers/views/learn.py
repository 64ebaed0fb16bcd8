"""Words of /learn, /cues, /mistakes and /variations, per preset and per the user's legs."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from content.model import Preset, Program, Step
from handlers.views.common import keyboard
from handlers.views.i18n import _, pgettext
from handlers.views.progression import ladder_rungs


def sides(legs: str) -> tuple[str, str]:
    """(first working side, the other side) for a legs setting: right-only users start right."""
    return ("right", "left") if legs == "right" else ("left", "right")


def step_text(step: Step, legs: str) -> str:
    """A step's text for these legs: the one-leg wording when it has one, sides filled in."""
    side, other = sides(legs)
    text = step.one_leg if legs != "both" and step.one_leg else step.text
    return text.replace("{side}", side_word(side)).replace("{other}", side_word(other))


def side_word(side: str) -> str:
    """ "left" or "right" as the content's {side} and {other} say it ("lie on your left side")."""
    # TRANSLATORS: fills {side}/{other} in content texts, e.g. "Lie on your {side} side".
    return pgettext("side", "right") if side == "right" else pgettext("side", "left")


def learn_step(preset: Preset, index: int, legs: str) -> str:
    """One screen of /learn; the first also says what this version works."""
    step = preset.steps[index]
    head = _("<b>{preset} · step {number} of {steps}</b>").format(
        preset=escape(preset.label), number=index + 1, steps=len(preset.steps)
    )
    head += "\n"
    about = f"<i>{escape(preset.purpose)}</i>\n\n" if index == 0 else ""
    return f"{head}{about}<b>{escape(step.title)}</b>\n\n{escape(step_text(step, legs))}"


def learn_keyboard(preset: Preset, index: int) -> InlineKeyboardMarkup:
    """Back / Next, and Start now on the last screen."""
    row: list[tuple[str, str]] = []
    if index > 0:
        row.append((_("◀️ Back"), f"learn:{preset.key}:{index - 1}"))
    if index < len(preset.steps) - 1:
        row.append((_("Next ▶️"), f"learn:{preset.key}:{index + 1}"))
    rows = [row]
    if index == len(preset.steps) - 1:
        rows.append([(_("▶️ Start now"), "workout:start"), (_("✅ Form cues"), "cues:show")])
    return keyboard(rows)


def cues(program: Program, preset: Preset) -> str:
    """The form checklist of the user's preset."""
    items = "\n".join(f"☑️ {escape(cue)}" for cue in program.cues_for(preset))
    head = _("<b>Form checklist</b> · {preset}").format(preset=escape(preset.label))
    return f"{head}\n{items}"


def mistakes(program: Program, preset: Preset) -> str:
    """Common mistakes and fixes for the user's preset."""
    items = "\n\n".join(
        f"❌ <b>{escape(m.mistake)}</b>\n✅ {escape(m.fix)}" for m in program.mistakes_for(preset)
    )
    head = _("<b>Common mistakes</b> · {preset}").format(preset=escape(preset.label))
    return f"{head}\n\n{items}"


def variations(program: Program, preset: Preset) -> str:
    """The preset's ladder, its variations, and the advanced ones named only."""
    chosen = program.variations_for(preset)
    basic = [v for v in chosen if not v.advanced]
    advanced = [v for v in chosen if v.advanced]
    lines = [_("<b>Variations and progressions</b> · {preset}").format(preset=escape(preset.label))]
    lines.append(ladder_line(program, preset))
    lines += [f"• <b>{escape(v.name)}</b>: {escape(v.text)}" for v in basic]
    if advanced:
        lines.append("\n" + _("<b>Advanced</b> (named only; get instruction in person)"))
        lines += [f"• <b>{escape(v.name)}</b>: {escape(v.text)}" for v in advanced]
    return "\n".join(lines)


def ladder_line(program: Program, preset: Preset) -> str:
    """The steps up this preset offers, one at a time, with the coach's own ones marked."""
    rungs = ladder_rungs(preset)
    source = escape(program.source(preset.source).short)
    if not rungs:
        return _(
            "🪜 You start at the top of this preset's ladder: {source} goes no further, "
            "so I won't offer a step up."
        ).format(source=source)
    # TRANSLATORS: joins the steps up of a ladder: "hold 3 s, then hold 5 s".
    words = _(", then ").join(escape(text) + (" *" if coach else "") for text, coach in rungs)
    line = _(
        "🪜 Steps up I may offer, one at a time after three easy sessions in a row: {steps}."
    ).format(steps=words)
    if any(coach for _text, coach in rungs):
        line += "\n" + _("* the coach's suggestion, not a number from the source.")
    return line
