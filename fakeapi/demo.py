"""`python bot.py --demo`: the fake Bot API, the real bot and a terminal chat, in one process.

No token and no network: the fake server listens on 127.0.0.1 (a free port), the bot polls it
with a fixed demo token and keeps its database in ./data/demo.sqlite3, and you are the user.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot import build_application
from fakeapi.chatview import ChatView
from fakeapi.console import EndOfInput, Event, LineEditor, Screen, cbreak
from fakeapi.errors import DEFAULT_TOKEN
from fakeapi.server import FakeBotServer
from fakeapi.terminal import DIM, paint
from handlers.context import BotData
from ops.logs import setup_logging
from ops.settings import Settings
from transport.serving import serve

log = logging.getLogger("medial.demo")

DEMO_TOKEN = DEFAULT_TOKEN
DEMO_USER_ID = 424242
DEMO_USER_NAME = "Sam"
# Settings a developer may pass through to the demo; everything else is the demo's own.
PASSED_THROUGH = ("LOG_LEVEL", "MEDIAL_CLOCK_START", "MEDIAL_TICK_SECONDS")
POLL_SECONDS = 0.1
SCRIPT_PAUSE = 1.5  # seconds the bot must be quiet before the next scripted line

App = Application[Any, Any, Any, Any, BotData, Any]


def banner(url: str, data_dir: Path, db: Path, log_path: Path, color: bool) -> list[str]:
    """What the demo says before the chat starts."""
    return [
        paint("Medial coach — demo", "1", color)
        + f" (no token, no network: a stand-in for Telegram runs at {url.removesuffix('/bot')})",
        "You are the user: type a message and press Enter. Type a button's number to press it.",
        "/location 52.52 13.40 shares a location · /say TEXT sends TEXT as typed · "
        "/quit or Ctrl-D leaves.",
        f"Database: {db} · bot log: {log_path} · files the bot sends: {data_dir / 'demo-files'}",
        paint("Start with: /start medial", "1", color),
        "",
    ]


class Demo:
    """Reads the keyboard, shows the chat, and stops everything on /quit, Ctrl-D or a signal.

    Piped input (not a terminal) is a script: each line waits until the bot has been quiet for
    a moment, so a typed number meets the buttons it was meant for; the end waits likewise.
    """

    def __init__(self, view: ChatView, editor: LineEditor, fd: int) -> None:
        self.view = view
        self.editor = editor
        self.fd = fd
        self.quit = asyncio.Event()
        self.scripted = not view.screen.interactive
        self._script: deque[Event] = deque()

    def on_input(self) -> None:
        """stdin is readable: feed the editor and act on each finished line."""
        try:
            data = os.read(self.fd, 4096)
        except OSError:
            data = b""
        self.feed(data)

    def feed(self, data: bytes) -> None:
        """Act on input bytes (b"" is end of input)."""
        for event in self.editor.feed(data):
            if self.scripted:
                self._script.append(event)
            else:
                self._act(event)
        self.view.screen.typing(self.editor.buffer)

    def _act(self, event: Event) -> None:
        if self.quit.is_set():
            return
        if isinstance(event, EndOfInput) or self.view.handle(event.text) == "quit":
            self.quit.set()

    async def watch(self) -> None:
        """Show what the bot sends and edits, checking a few times a second."""
        while not self.quit.is_set():
            self.view.refresh()
            if self._script and self.view.quiet_for() >= SCRIPT_PAUSE:
                self._act(self._script.popleft())
                self.view.touch()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.quit.wait(), POLL_SECONDS)


async def run_demo(
    settings: Settings, application: App, server: FakeBotServer, screen: Screen, files: Path
) -> int:
    """The chat until the user leaves (0) or the bot stops on its own (1)."""
    loop = asyncio.get_running_loop()
    stop_bot = asyncio.Event()
    bot_task = asyncio.create_task(serve(application, settings, stop=stop_bot), name="bot")
    view = ChatView(server, server.user(DEMO_USER_ID, DEMO_USER_NAME), screen, files)
    fd = sys.stdin.fileno()
    demo = Demo(view, LineEditor(), fd)
    # Ctrl-C and SIGTERM leave like /quit, also while the bot is stopping.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, demo.quit.set)
    try:
        try:
            loop.add_reader(fd, demo.on_input)
        except OSError:  # a regular file as stdin can't be watched; read it all at once
            demo.feed(await asyncio.to_thread(sys.stdin.buffer.read))
            demo.feed(b"")
        watcher = asyncio.create_task(demo.watch(), name="watch")
        quit_task = asyncio.create_task(demo.quit.wait())
        await asyncio.wait({bot_task, quit_task}, return_when=asyncio.FIRST_COMPLETED)
        loop.remove_reader(fd)
        demo.quit.set()
        await asyncio.gather(watcher, quit_task)
        if bot_task.done():
            note = "The bot stopped by itself; see the log for why."
            screen.block([paint(note, "1;31", screen.color)])
            if bot_task.exception() is not None:
                log.error("the bot stopped", exc_info=bot_task.exception())
            return 1
        screen.block([paint("Stopping the bot…", DIM, screen.color)])
        stop_bot.set()
        code = await bot_task
        bye = f"Bye. Your data stays in {settings.database_path}"
        screen.block([paint(bye, DIM, screen.color)])
        return code
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def demo_settings(env: Mapping[str, str], url: str, db: Path) -> Settings:
    """The bot's settings for the demo: the fake server's URL, the demo token and database."""
    demo_env = {k: env[k] for k in PASSED_THROUGH if k in env}
    demo_env.update(TELEGRAM_BOT_TOKEN=DEMO_TOKEN, TELEGRAM_API_BASE_URL=url, DATABASE_PATH=str(db))
    return Settings.from_env(demo_env)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run the demo in this terminal; returns the exit code."""
    parser = argparse.ArgumentParser(prog="bot.py --demo", description=__doc__)
    parser.add_argument("--data", default="data", help="directory for the database, log and files")
    parser.add_argument("--no-color", action="store_true", help="plain text, no ANSI styles")
    args, _ = parser.parse_known_args([a for a in (argv or []) if a != "--demo"])
    env = env or {}
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    files = data / "demo-files"
    db, log_path = data / "demo.sqlite3", data / "demo.log"
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # emoji on a terminal that isn't UTF-8
    color = interactive and not args.no_color and "NO_COLOR" not in env
    # Update ids continue from the clock so a database from an earlier demo run never
    # mistakes new updates for ones it has already handled.
    server = FakeBotServer(DEMO_TOKEN, first_update_id=int(time.time()))
    server.start()
    log_file = log_path.open("a", encoding="utf-8")
    try:
        settings = demo_settings(env, server.url, db)
        setup_logging(settings.log_level, DEMO_TOKEN, stream=log_file)
        logging.captureWarnings(True)
        application = build_application(settings)
        screen = Screen(sys.stdout, interactive=interactive, color=color)
        screen.block(banner(server.url, data, db, log_path, color))
        log.info("demo: fake Bot API at %s, database %s", server.url, db)
        with cbreak(sys.stdin.fileno()):
            code = asyncio.run(run_demo(settings, application, server, screen, files))
        screen.close()
        return code
    finally:
        server.stop()
        logging.getLogger().handlers.clear()
        log_file.close()
