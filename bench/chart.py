"""How long a /progress chart holds up the event loop: thread (before) vs process (now).

While charts of 90 sessions are drawn one after another, by `asyncio.to_thread(render_png)` (how
/progress drew them before) and by `handlers.chart.progress_chart` (a worker process), a heartbeat
coroutine wakes every 5 ms and a stand-in for another user's "done" runs over and over: nine round
trips to a worker thread, as the handler makes to aiosqlite's. Prints the heartbeat's lateness,
the stand-in reply's duration (under 1 ms on an idle loop) and the time per chart. Run from the
repository root::

    .venv/bin/python -m bench.chart --charts 10
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from coach.stats import ChartPoint
from handlers import chart, render

BEAT_S = 0.005


def points(count: int) -> list[ChartPoint]:
    """A session every other day with a little variation and some pain answers."""
    first = date(2025, 11, 1)
    return [
        ChartPoint(first + timedelta(days=2 * i), 30 + i % 5, 28 + i % 7, i % 4 if i % 3 else None)
        for i in range(count)
    ]


ROUND_TRIPS = 9  # a "done" after bench/done_cpu.py's figures


async def reply_ms() -> float:
    """One stand-in reply: round trips to a thread, as a handler makes to aiosqlite's."""
    began = time.perf_counter()
    for _ in range(ROUND_TRIPS):
        await asyncio.to_thread(int)
    return (time.perf_counter() - began) * 1000


async def measure(
    draw: Callable[[], Awaitable[bytes]], charts: int
) -> tuple[list[float], list[float], list[float]]:
    """(heartbeat lateness ms, stand-in reply ms, seconds per chart) while drawing charts."""
    late: list[float] = []
    replies: list[float] = []
    running = True

    async def other_user() -> None:
        while running:
            replies.append(await reply_ms())

    async def heartbeat() -> None:
        while running:
            began = time.perf_counter()
            await asyncio.sleep(BEAT_S)
            late.append((time.perf_counter() - began - BEAT_S) * 1000)

    beat = asyncio.create_task(heartbeat())
    user = asyncio.create_task(other_user())
    took = []
    for _ in range(charts):
        began = time.perf_counter()
        png = await draw()
        took.append(time.perf_counter() - began)
        assert png.startswith(b"\x89PNG")
    running = False
    await beat
    await user
    return late, replies, took


def p99(values: list[float]) -> float:
    """The 99th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def report(name: str, late: list[float], replies: list[float], took: list[float]) -> None:
    """Two lines of figures."""
    print(
        f"{name:<20} heartbeat late: max {max(late):5.1f} ms, p99 {p99(late):5.1f} ms;"
        f" chart {statistics.median(took) * 1000:4.0f} ms median"
    )
    print(
        f"{'':<20} stand-in reply ({ROUND_TRIPS} round trips): median"
        f" {statistics.median(replies):5.1f} ms, p99 {p99(replies):5.1f} ms,"
        f" max {max(replies):5.1f} ms"
    )


async def run(charts: int, sessions: int) -> None:
    """Both ways, after a warm-up of each."""
    data = points(sessions)
    text = render.chart_text()

    def in_thread() -> Awaitable[bytes]:
        return asyncio.to_thread(chart.render_png, data, "both", text)

    def in_process() -> Awaitable[bytes]:
        return chart.progress_chart(data, "both", text)

    await in_thread()
    await in_process()
    quiet = [await reply_ms() for _ in range(200)]
    print(f"{'quiet loop':<20} stand-in reply: median {statistics.median(quiet):5.1f} ms")
    try:
        report("thread (before)", *await measure(in_thread, charts))
        report("process pool (now)", *await measure(in_process, charts))
    finally:
        await chart.shutdown()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--charts", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=90, help="points per chart")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, heartbeat every {BEAT_S * 1000:.0f} ms")
    asyncio.run(run(args.charts, args.sessions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
