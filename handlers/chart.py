"""The /progress chart: reps per session for each leg and pain on a second axis, as a PNG."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date

from coach.stats import ChartPoint

# Telegram shows photos at most 1280 px on a side; 8 x 5 in at 150 dpi is 1200 x 750.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 5.0, 150
# Beyond this many sessions the points crowd a phone screen; the chart shows the latest ones.
MAX_POINTS = 90
# Markers help up to this many points, then they only add clutter.
MARKER_LIMIT = 40

LEFT_COLOUR = "#1f6fb4"
RIGHT_COLOUR = "#e07b00"
PAIN_COLOUR = "#c62828"

# Matplotlib's font cache and text layout are shared, module-level state: one render at a time.
_render_lock = threading.Lock()


@dataclass(frozen=True)
class ChartText:
    """The words on the chart (supplied by views/progress.py)."""

    title: str
    reps_axis: str
    pain_axis: str
    left: str
    right: str
    pain: str
    note_latest: str  # e.g. "latest {count} sessions", used when the history is cut
    locale: str = "en"  # Babel locale of the axis dates ("3 Nov", "3 нояб.")


def latest(points: Sequence[ChartPoint], limit: int = MAX_POINTS) -> list[ChartPoint]:
    """The most recent `limit` points, oldest first."""
    ordered = sorted(points, key=lambda p: p.local_date)
    return ordered[-limit:] if limit > 0 else []


def legs_to_plot(points: Sequence[ChartPoint], legs: str) -> tuple[bool, bool]:
    """(left, right): a leg is drawn if the user trains it or logged reps on it."""
    left = legs in ("both", "left") or any(p.reps_left for p in points)
    right = legs in ("both", "right") or any(p.reps_right for p in points)
    return left, right


def render_png(points: Sequence[ChartPoint], legs: str, text: ChartText) -> bytes:
    """Draw the chart and return PNG bytes (blocking: call through `progress_chart`)."""
    # Imported here so start-up stays fast; the Figure API needs no pyplot and no GUI backend.
    from matplotlib import dates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    mdates: Any = dates  # partly untyped

    shown = latest(points)
    with _render_lock:
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        ax: Any = figure.add_subplot()
        pain_ax: Any = ax.twinx()
        days = [p.local_date for p in shown]
        marker = "o" if len(shown) <= MARKER_LIMIT else None
        draw_left, draw_right = legs_to_plot(shown, legs)
        handles = []
        # Left is drawn wide and right narrow on top: when both legs did the same reps (the usual
        # case) the right line shows inside the left one instead of hiding it.
        if draw_left:
            (line,) = ax.plot(
                days,
                [p.reps_left for p in shown],
                color=LEFT_COLOUR,
                marker=marker,
                markersize=11,
                clip_on=False,  # a 0 sits on the axis, not half cut off
                linewidth=6,
                label=text.left,
            )
            handles.append(line)
        if draw_right:
            (line,) = ax.plot(
                days,
                [p.reps_right for p in shown],
                color=RIGHT_COLOUR,
                marker="s" if marker else None,
                markersize=6,
                clip_on=False,
                linewidth=2.2,
                label=text.right,
            )
            handles.append(line)
        pained = [p for p in shown if p.pain is not None]
        if pained:
            (line,) = pain_ax.plot(
                [p.local_date for p in pained],
                [p.pain for p in pained],
                color=PAIN_COLOUR,
                linestyle="--",
                marker="D" if marker else None,
                markersize=5,
                clip_on=False,
                linewidth=1.6,
                alpha=0.85,
                label=text.pain,
            )
            handles.append(line)

        top = max([p.reps_left for p in shown] + [p.reps_right for p in shown] + [1])
        ax.set_ylim(0, top * 1.2)
        pain_ax.set_ylim(0, 10.5)
        pain_ax.set_yticks([0, 2, 4, 6, 8, 10])
        if len({*days}) <= 1 and days:
            # One day alone gives a zero-width axis; pad it so the point sits in the middle.
            ax.set_xlim(days[0] - timedelta(days=3), days[0] + timedelta(days=3))
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda value, _pos: _day(mdates.num2date(value), text.locale))
        )

        title = text.title
        if len(points) > len(shown):
            title = f"{title} ({text.note_latest.format(count=len(shown))})"
        ax.set_title(title, fontsize=16, fontweight="bold", pad=12)
        ax.set_ylabel(text.reps_axis, fontsize=14)
        pain_ax.set_ylabel(text.pain_axis, fontsize=14, color=PAIN_COLOUR)
        ax.tick_params(axis="both", labelsize=12)
        pain_ax.tick_params(axis="y", labelsize=12, colors=PAIN_COLOUR)
        ax.grid(True, alpha=0.3)
        ax.spines["top"].set_visible(False)
        pain_ax.spines["top"].set_visible(False)
        if handles:
            # Below the plot, never over the lines.
            figure.legend(
                handles=handles, loc="outside lower center", fontsize=12, ncols=len(handles)
            )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _day(moment: datetime, locale: str) -> str:
    """An axis date without a leading zero in the user's language, e.g. "3 Nov", "3 dic"."""
    return format_date(moment.date(), "d MMM", locale=locale)


# Drawing holds the interpreter for about 0.3 s (a thread would still stall every other user's
# reply on the GIL), so charts are drawn in a worker process, started at the first /progress.
_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn, not fork: forking a process that runs the database thread and the event loop
        # can copy a held lock into the child.
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


async def progress_chart(points: Sequence[ChartPoint], legs: str, text: ChartText) -> bytes:
    """Render the chart in the worker process so the event loop keeps serving other users."""
    pool = _executor()
    try:
        return await asyncio.get_running_loop().run_in_executor(
            pool, render_png, list(points), legs, text
        )
    except BrokenProcessPool:
        # The worker died (e.g. killed for memory): the next chart starts a fresh one.
        await shutdown()
        raise


def pool_started() -> bool:
    """Whether the chart process is running (it starts with the first chart)."""
    return _pool is not None


async def worker_pid() -> int:
    """The process id of the chart process (starting it if needed)."""
    return await asyncio.get_running_loop().run_in_executor(_executor(), os.getpid)


async def shutdown() -> None:
    """Stop the chart process, if it was started (application shutdown)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
