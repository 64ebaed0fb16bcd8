"""Words of progression offers: the step, and whether it is the source's or the coach's."""

from __future__ import annotations

from html import escape

from coach.progression import Dose, Suggestion
from content.model import Preset, Progression
from handlers.views.common import dose_text
from handlers.views.i18n import _, ngettext


def step_words(step: Suggestion, ladder: Progression) -> str:
    """What a progression step changes, e.g. "hold 3 s at the top instead of 2 s"."""
    if step.kind == "hold":
        return _("hold {after} s at the top instead of {before} s").format(
            after=step.after, before=step.before
        )
    if step.kind == "reps":
        return _("{after} reps per set instead of {before}").format(
            after=step.after, before=step.before
        )
    return _("add {weight}").format(weight=escape(ladder.weight))


def rung_words(kind: str, value: int, ladder: Progression) -> str:
    """One rung in a few words: "hold 3 s", "12 reps", "a light ankle weight"."""
    if kind == "hold":
        return _("hold {seconds} s").format(seconds=value)
    if kind == "reps":
        return ngettext("{n} rep", "{n} reps", value).format(n=value)
    return ladder.weight


def ladder_rungs(preset: Preset) -> list[tuple[str, bool]]:
    """The rungs above the preset's start, in the order offered, each with "is it the coach's"."""
    ladder = preset.ladder
    rungs: list[tuple[str, bool]] = []
    for hold in ladder.holds_s:
        if hold > preset.cadence.hold_s:
            rungs.append((rung_words("hold", hold, ladder), ladder.coach_rung("hold", hold)))
    for reps in ladder.reps:
        if reps > preset.reps:
            rungs.append((rung_words("reps", reps, ladder), ladder.coach_rung("reps", reps)))
    if ladder.weight:
        rungs.append((rung_words("weight", 1, ladder), ladder.coach_rung("weight", 1)))
    return rungs


def origin(step: Suggestion, preset: Preset, source: str) -> str:
    """Where a step comes from: the source, or the coach's suggestion (and why)."""
    ladder = preset.ladder
    who = escape(source)
    if not step.beyond_source(ladder):
        return _("This step comes from {source}.").format(source=who)
    amount = rung_words(step.kind, step.after, ladder)
    if step.kind in ladder.levers:
        return _(
            "{source} names this way to progress but gives no number: "
            "{amount} is the coach's suggestion."
        ).format(source=f"{who[:1].upper()}{who[1:]}", amount=escape(amount))
    return _("This step goes beyond {source}: it is the coach's suggestion.").format(source=who)


def offer(step: Suggestion, preset: Preset, source: str) -> str:
    """The offer of one step up, after three easy sessions in a row."""
    return _(
        "Three complete sessions in a row, easy and with little or no pain: well done! "
        "Ready for one small step up?\n\n"
        "<b>Next: {step}.</b>\n"
        "{origin}\n\n"
        "Nothing changes unless you tap Yes."
    ).format(step=step_words(step, preset.ladder), origin=origin(step, preset, source))


def accepted(step: Suggestion, ladder: Progression, dose: Dose, legs: str) -> str:
    """After Yes."""
    return _("Stepped up: {step}, from your next session.\nYour dose now: {dose}.").format(
        step=step_words(step, ladder), dose=escape(dose_text(dose, legs))
    )
