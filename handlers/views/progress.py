"""Words of /progress (and its chart) and /history."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import (
    InlineKeyboardMarkup,
)

from coach.stats import Progress
from content.model import Program
from handlers.chart import ChartText
from handlers.views.common import DIFFICULTY_LABEL, day_label, dose_line, keyboard
from storage.progress import LegSets, SessionLine
from storage.records import UserRecord

HISTORY_PAGE = 10


def chart_text() -> ChartText:
    """The words on the /progress chart."""
    return ChartText(
        title="Reps per session",
        reps_axis="Reps",
        pain_axis="Pain (0–10)",
        left="Left leg",
        right="Right leg",
        pain="Pain",
        note_latest="latest {count}",
    )


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _legs_shown(user: UserRecord, left_total: int, right_total: int) -> list[str]:
    legs = [leg for leg in ("left", "right") if user.legs in ("both", leg)]
    extra = [leg for leg, total in (("left", left_total), ("right", right_total)) if total]
    return [leg for leg in ("left", "right") if leg in legs or leg in extra]


def progress_summary(program: Program, user: UserRecord, progress: Progress) -> str:
    """The /progress text (also the chart's caption, so it stays well under 1,024 chars)."""
    lines = ["<b>Your progress</b>"]
    sessions = f"Sessions: {progress.sessions_total}"
    if progress.sessions_open:
        sessions += (
            f" ({progress.sessions_complete} complete, "
            f"{progress.sessions_partial - progress.sessions_open} partial, "
            f"{progress.sessions_open} in progress)"
        )
    elif progress.sessions_partial:
        sessions += f" ({progress.sessions_complete} complete, {progress.sessions_partial} partial)"
    lines.append(sessions)
    if progress.adherence_due:
        lines.append(
            f"Last 4 weeks: {progress.adherence_done} of {progress.adherence_due} training days "
            f"({_share(progress.adherence_done, progress.adherence_due)})"
        )
    else:
        lines.append("Last 4 weeks: no training day has been due yet")
    unit = "training day" if progress.current_streak == 1 else "training days"
    lines.append(f"Streak: {progress.current_streak} {unit} (best {progress.best_streak})")
    for leg in _legs_shown(user, progress.reps_left_total, progress.reps_right_total):
        total = progress.reps_left_total if leg == "left" else progress.reps_right_total
        mean = progress.reps_left_per_session if leg == "left" else progress.reps_right_per_session
        average = f" ({mean:.0f} per session)" if mean is not None else ""
        lines.append(f"Reps, {leg} leg: {total}{average}")
    pain = "not rated yet" if progress.last_pain is None else f"{progress.last_pain}/10"
    lines.append(f"Last pain: {pain}")
    lines.append(f"Dose now: {escape(dose_line(program, user))}")
    return "\n".join(lines)


def progress_empty() -> str:
    """/progress before any session: how to start."""
    return (
        "No sessions logged yet, so there is nothing to chart. Start your first one with "
        "/workout (or learn the movement first with /learn). After each session /progress "
        "shows your reps and pain over time."
    )


def _leg_part(label: str, leg: LegSets) -> str:
    if leg.uniform:
        return f"{label} {leg.sets}×{leg.max_reps}"
    noun = "set" if leg.sets == 1 else "sets"
    return f"{label} {leg.sets} {noun}, {leg.reps} reps"


def history_line(line: SessionLine) -> str:
    """One session: date, sets × reps per leg, pain (and difficulty, status)."""
    parts = [f"<b>{day_label(line.local_date)}</b>"]
    legs = [
        _leg_part(label, leg) for label, leg in (("L", line.left), ("R", line.right)) if leg.sets
    ]
    parts.extend(legs or ["no sets logged"])
    if line.skipped:
        parts.append(f"{line.skipped} skipped")
    if line.pain is not None:
        parts.append(f"pain {line.pain}")
    if line.difficulty:
        # "right" is the stored key of "About right"; shown bare it reads like the right leg.
        parts.append(escape(DIFFICULTY_LABEL.get(line.difficulty, line.difficulty).lower()))
    text = " · ".join(parts)
    if line.status == "partial":
        text += " (partial)"
    elif line.status == "open":
        text += " (in progress)"
    return text


def history_text(lines: Sequence[SessionLine], page: int, pages: int, total: int) -> str:
    """A page of /history, newest first."""
    head = f"<b>Your sessions</b> ({total})"
    if pages > 1:
        head += f" · page {page + 1} of {pages}"
    return "\n".join([head, *(history_line(line) for line in lines)])


def history_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Newer / Older; the data carries the target page and the page shown now."""
    row: list[tuple[str, str]] = []
    if page > 0:
        row.append(("◀️ Newer", f"hist:{page - 1}:{page}"))
    if page < pages - 1:
        row.append(("Older ▶️", f"hist:{page + 1}:{page}"))
    return keyboard([row]) if row else None


def history_empty() -> str:
    """/history before any session."""
    return "No sessions yet. Send /workout to start your first one."


def history_same_page() -> str:
    """Toast for a history button that points at the page already shown."""
    return "You're on that page."
