"""Words of the weekly recap and of /recap."""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.numbers import format_decimal

from coach.progression import Suggestion
from coach.recap import WeekFigures
from content.model import Preset
from handlers.views import i18n
from handlers.views.common import day_label
from handlers.views.i18n import _
from handlers.views.progression import origin, step_words
from handlers.views.settings import WEEKDAY_PLURAL, recap_line
from storage.records import UserRecord


def _change(now: int, before: int) -> str:
    if before == 0:
        return _("none logged the week before")
    diff = now - before
    if diff == 0:
        return _("the same as the week before ({before})").format(before=before)
    sign = "+" if diff > 0 else "−"
    return _("{change} on the week before ({before})").format(
        change=f"{sign}{abs(diff)}", before=before
    )


def _number(value: float) -> str:
    return format_decimal(round(value, 1), locale=i18n.BABEL_LOCALES[i18n.current()])


def _pain(figures: WeekFigures) -> str:
    if figures.pain is None:
        return _("Pain: not rated this week.")
    now = _number(figures.pain)
    trend = figures.pain_trend
    if trend == "none":
        return _("Pain: {pain}/10 on average.").format(pain=now)
    before = _number(figures.prev_pain or 0.0)
    if trend == "lower":
        line = _("Pain: {pain}/10 on average, lower than the week before ({before}).")
    elif trend == "higher":
        line = _(
            "Pain: {pain}/10 on average, higher than the week before ({before}); "
            "go gently, and stop if it turns sharp."
        )
    else:
        line = _("Pain: {pain}/10 on average, about the same as the week before ({before}).")
    return line.format(pain=now, before=before)


def recap_caption(
    user: UserRecord,
    figures: WeekFigures,
    preset: Preset,
    source: str,
    step: Suggestion | None,
    dose: str,
) -> str:
    """The recap (a photo caption, so well under 1,024 characters)."""
    head = _("🗓 <b>Your week</b> ({start} – {end})").format(
        start=day_label(figures.start), end=day_label(figures.end)
    )
    if figures.due and figures.extra:
        days = _("Training days: {done} of {due} done (+{extra} extra).")
    elif figures.due:
        days = _("Training days: {done} of {due} done.")
    elif figures.extra:
        days = _("Training days: none was due (+{extra} extra).")
    else:
        days = _("Training days: none was due.")
    lines = [head, days.format(done=figures.done, due=figures.due, extra=figures.extra)]
    for leg, now, before in (
        ("left", figures.reps_left, figures.prev_left),
        ("right", figures.reps_right, figures.prev_right),
    ):
        if user.legs in ("both", leg) or now or before:
            line = (
                _("Reps, right leg: {reps}, {change}.")
                if leg == "right"
                else _("Reps, left leg: {reps}, {change}.")
            )
            lines.append(line.format(reps=now, change=_change(now, before)))
    lines.append(_pain(figures))
    if step is not None:
        lines.append(
            _(
                "What's next: you've earned one step up, {step}. "
                "{origin} It's yours when you tap Yes on the offer."
            ).format(step=step_words(step, preset.ladder), origin=origin(step, preset, source))
        )
    else:
        lines.append(
            _("What's next: keep going, {dose}, every other day.").format(dose=escape(dose))
        )
    return "\n".join(lines)


def recap_set(user: UserRecord, next_local: datetime | None) -> str:
    """After /recap on or /recap <weekday>."""
    if not user.recap_on:
        return _("🗓 Weekly recap off. /recap on brings it back.")
    text = _("🗓 Weekly recap on: {days} at {time} {zone}, the same time as your reminders.").format(
        days=_(WEEKDAY_PLURAL[user.recap_day]),
        time=f"{user.remind_at:%H:%M}",
        zone=escape(user.timezone),
    )
    if next_local is not None:
        text += " " + _("Next: {day}.").format(day=day_label(next_local.date()))
    return text


def recap_usage(user: UserRecord, text: str) -> str:
    """/recap without a valid argument."""
    usage = _(
        "{recap}.\n"
        "Use <code>/recap on</code>, <code>/recap off</code> or a weekday, e.g. "
        "<code>/recap sunday</code>."
    ).format(recap=recap_line(user))
    if text:
        said = _("“{text}” isn't something I understand.").format(text=escape(text[:30]))
        return f"{said} {usage}"
    return usage
