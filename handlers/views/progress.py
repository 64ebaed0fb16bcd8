"""Words of /progress (and its chart) and /history."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from babel.numbers import format_percent
from telegram import (
    InlineKeyboardMarkup,
)

from coach.stats import Progress
from content.model import Program
from handlers.chart import ChartText
from handlers.views import i18n
from handlers.views.common import day_label, dose_line, keyboard
from handlers.views.i18n import _, ngettext
from handlers.views.logged import difficulty_word
from storage.progress import LegSets, SessionLine
from storage.records import UserRecord

HISTORY_PAGE = 10


def chart_text() -> ChartText:
    """The words on the /progress chart."""
    return ChartText(
        title=_("Reps per session"),
        reps_axis=_("Reps"),
        pain_axis=_("Pain (0–10)"),
        left=_("Left leg"),
        right=_("Right leg"),
        pain=_("Pain"),
        # TRANSLATORS: a label on the chart's last point, e.g. "latest 10".
        note_latest=_("latest {count}"),
        locale=i18n.BABEL_LOCALES[i18n.current()],
    )


def _share(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return format_percent(part / whole, locale=i18n.BABEL_LOCALES[i18n.current()])


def _legs_shown(user: UserRecord, left_total: int, right_total: int) -> list[str]:
    legs = [leg for leg in ("left", "right") if user.legs in ("both", leg)]
    extra = [leg for leg, total in (("left", left_total), ("right", right_total)) if total]
    return [leg for leg in ("left", "right") if leg in legs or leg in extra]


def _sessions_line(progress: Progress) -> str:
    total = progress.sessions_total
    if progress.sessions_open:
        return _(
            "Sessions: {total} ({complete} complete, {partial} partial, {open} in progress)"
        ).format(
            total=total,
            complete=progress.sessions_complete,
            partial=progress.sessions_partial - progress.sessions_open,
            open=progress.sessions_open,
        )
    if progress.sessions_partial:
        return _("Sessions: {total} ({complete} complete, {partial} partial)").format(
            total=total, complete=progress.sessions_complete, partial=progress.sessions_partial
        )
    return _("Sessions: {total}").format(total=total)


def _leg_reps_line(leg: str, total: int, mean: float | None) -> str:
    if mean is None:
        line = _("Reps, right leg: {total}") if leg == "right" else _("Reps, left leg: {total}")
        return line.format(total=total)
    if leg == "right":
        line = _("Reps, right leg: {total} ({mean} per session)")
    else:
        line = _("Reps, left leg: {total} ({mean} per session)")
    return line.format(total=total, mean=f"{mean:.0f}")


def progress_summary(program: Program, user: UserRecord, progress: Progress) -> str:
    """The /progress text (also the chart's caption, so it stays well under 1,024 chars)."""
    lines = [_("<b>Your progress</b>"), _sessions_line(progress)]
    if progress.adherence_due:
        lines.append(
            ngettext(
                "Last 4 weeks: {done} of {due} training day ({share})",
                "Last 4 weeks: {done} of {due} training days ({share})",
                progress.adherence_due,
            ).format(
                done=progress.adherence_done,
                due=progress.adherence_due,
                share=_share(progress.adherence_done, progress.adherence_due),
            )
        )
    else:
        lines.append(_("Last 4 weeks: no training day has been due yet"))
    lines.append(
        ngettext(
            "Streak: {streak} training day (best {best})",
            "Streak: {streak} training days (best {best})",
            progress.current_streak,
        ).format(streak=progress.current_streak, best=progress.best_streak)
    )
    for leg in _legs_shown(user, progress.reps_left_total, progress.reps_right_total):
        total = progress.reps_left_total if leg == "left" else progress.reps_right_total
        mean = progress.reps_left_per_session if leg == "left" else progress.reps_right_per_session
        lines.append(_leg_reps_line(leg, total, mean))
    if progress.last_pain is None:
        lines.append(_("Last pain: not rated yet"))
    else:
        lines.append(_("Last pain: {pain}/10").format(pain=progress.last_pain))
    lines.append(_("Dose now: {dose}").format(dose=escape(dose_line(program, user))))
    return "\n".join(lines)


def progress_empty() -> str:
    """/progress before any session: how to start."""
    return _(
        "No sessions logged yet, so there is nothing to chart. Start your first one with "
        "/workout (or learn the movement first with /learn). After each session /progress "
        "shows your reps and pain over time."
    )


def _leg_part(right: bool, leg: LegSets) -> str:
    if leg.uniform:
        line = _("R {sets}×{reps}") if right else _("L {sets}×{reps}")
        return line.format(sets=leg.sets, reps=leg.max_reps)
    if right:
        line = ngettext("R {sets} set, {reps} reps", "R {sets} sets, {reps} reps", leg.sets)
    else:
        line = ngettext("L {sets} set, {reps} reps", "L {sets} sets, {reps} reps", leg.sets)
    return line.format(sets=leg.sets, reps=leg.reps)


def history_line(line: SessionLine) -> str:
    """One session: date, sets × reps per leg, pain (and difficulty, status)."""
    parts = [f"<b>{day_label(line.local_date)}</b>"]
    legs = [
        _leg_part(right, leg) for right, leg in ((False, line.left), (True, line.right)) if leg.sets
    ]
    parts.extend(legs or [_("no sets logged")])
    if line.skipped:
        parts.append(_("{count} skipped").format(count=line.skipped))
    if line.pain is not None:
        parts.append(_("pain {pain}").format(pain=line.pain))
    if line.difficulty:
        # "right" is the stored key of "About right"; shown bare it reads like the right leg.
        parts.append(escape(difficulty_word(line.difficulty)))
    text = " · ".join(parts)
    if line.status == "partial":
        text = _("{line} (partial)").format(line=text)
    elif line.status == "open":
        text = _("{line} (in progress)").format(line=text)
    return text


def history_text(lines: Sequence[SessionLine], page: int, pages: int, total: int) -> str:
    """A page of /history, newest first."""
    if pages > 1:
        head = _("<b>Your sessions</b> ({total}) · page {page} of {pages}").format(
            total=total, page=page + 1, pages=pages
        )
    else:
        head = _("<b>Your sessions</b> ({total})").format(total=total)
    return "\n".join([head, *(history_line(line) for line in lines)])


def history_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Newer / Older; the data carries the target page and the page shown now."""
    row: list[tuple[str, str]] = []
    if page > 0:
        row.append((_("◀️ Newer"), f"hist:{page - 1}:{page}"))
    if page < pages - 1:
        row.append((_("Older ▶️"), f"hist:{page + 1}:{page}"))
    return keyboard([row]) if row else None


def history_empty() -> str:
    """/history before any session."""
    return _("No sessions yet. Send /workout to start your first one.")


def history_same_page() -> str:
    """Toast for a history button that points at the page already shown."""
    return _("You're on that page.")
