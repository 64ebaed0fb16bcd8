"""Words of the weekly recap and of /recap."""

from __future__ import annotations

from datetime import datetime
from html import escape

from coach.progression import Suggestion
from coach.recap import WeekFigures
from content.model import Preset
from handlers.render import day_label
from handlers.views.progression import origin, step_words
from handlers.views.settings import WEEKDAY_PLURAL, recap_line
from storage.records import UserRecord


def _change(now: int, before: int) -> str:
    if before == 0:
        return "none logged the week before"
    diff = now - before
    if diff == 0:
        return f"the same as the week before ({before})"
    sign = "+" if diff > 0 else "−"
    return f"{sign}{abs(diff)} on the week before ({before})"


def _pain(figures: WeekFigures) -> str:
    if figures.pain is None:
        return "Pain: not rated this week."
    now = f"{figures.pain:.1f}".rstrip("0").rstrip(".")
    trend = figures.pain_trend
    if trend == "none":
        return f"Pain: {now}/10 on average."
    before = f"{figures.prev_pain:.1f}".rstrip("0").rstrip(".")
    words = {
        "lower": f"lower than the week before ({before})",
        "higher": f"higher than the week before ({before}); go gently, and stop if it turns sharp",
        "same": f"about the same as the week before ({before})",
    }[trend]
    return f"Pain: {now}/10 on average, {words}."


def recap_caption(
    user: UserRecord,
    figures: WeekFigures,
    preset: Preset,
    source: str,
    step: Suggestion | None,
    dose: str,
) -> str:
    """The recap (a photo caption, so well under 1,024 characters)."""
    head = f"🗓 <b>Your week</b> ({day_label(figures.start)} – {day_label(figures.end)})"
    if figures.due:
        days = f"Training days: {figures.done} of {figures.due} done"
    else:
        days = "Training days: none was due"
    if figures.extra:
        days += f" (+{figures.extra} extra)"
    lines = [head, days + "."]
    for leg, now, before in (
        ("left", figures.reps_left, figures.prev_left),
        ("right", figures.reps_right, figures.prev_right),
    ):
        if user.legs in ("both", leg) or now or before:
            lines.append(f"Reps, {leg} leg: {now}, {_change(now, before)}.")
    lines.append(_pain(figures))
    if step is not None:
        lines.append(
            f"What's next: you've earned one step up, {step_words(step, preset.ladder)}. "
            f"{origin(step, preset, source)} It's yours when you tap Yes on the offer."
        )
    else:
        lines.append(f"What's next: keep going, {escape(dose)}, every other day.")
    return "\n".join(lines)


def recap_set(user: UserRecord, next_local: datetime | None) -> str:
    """After /recap on or /recap <weekday>."""
    if not user.recap_on:
        return "🗓 Weekly recap off. /recap on brings it back."
    text = (
        f"🗓 Weekly recap on: {WEEKDAY_PLURAL[user.recap_day]} at {user.remind_at:%H:%M} "
        f"{escape(user.timezone)}, the same time as your reminders."
    )
    if next_local is not None:
        text += f" Next: {day_label(next_local.date())}."
    return text


def recap_usage(user: UserRecord, text: str) -> str:
    """/recap without a valid argument."""
    said = f"“{escape(text[:30])}” isn't something I understand. " if text else ""
    return (
        f"{said}{recap_line(user)}.\n"
        "Use <code>/recap on</code>, <code>/recap off</code> or a weekday, e.g. "
        "<code>/recap sunday</code>."
    )
