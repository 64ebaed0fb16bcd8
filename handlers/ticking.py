"""The repeating dispatch jobs (reminders, recaps): one tick every few seconds and a catch-up."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram.ext import Application

from handlers.context import BotData, Ctx

App = Application[Any, Any, Any, Any, BotData, Any]
W = TypeVar("W")


def start_ticking(
    application: App,
    worker: object,
    tick: Callable[[Ctx], Coroutine[Any, Any, None]],
    *,
    name: str,
    catch_up: str,
) -> None:
    """Run `tick` every bot_data.tick_seconds as job `name`, and once at start as `catch_up`."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError(
            "the job queue is not available (install python-telegram-bot[job-queue])"
        )
    # PTB's default grace of 1 s would silently skip a late run (start-up can take longer than
    # that); a tick is cheap and coalesced, so run it however late.
    job_kwargs = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    interval = application.bot_data.tick_seconds
    queue.run_repeating(
        tick, interval=interval, first=interval, name=name, data=worker, job_kwargs=job_kwargs
    )
    # An interval job added before the scheduler starts skips its first run, so the catch-up is
    # a one-off job of its own.
    queue.run_once(tick, 0, name=catch_up, data=worker, job_kwargs=job_kwargs)


def running_worker(application: App, name: str, kind: type[W]) -> W:
    """The worker a start_ticking() job carries (the running dispatcher of that kind)."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(name) if queue is not None else ()
    if not jobs or not isinstance(jobs[0].data, kind):
        raise RuntimeError(f"{name} is not started")
    return jobs[0].data
