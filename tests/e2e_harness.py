"""Start the real bot (`python bot.py`) against the fake Bot API server for end-to-end tests.

Import the fixtures into a test module to use them::

    from tests.e2e_harness import bot_db, fake_server, start_bot  # noqa: F401
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

import pytest

from tests.fakebot import DEFAULT_TOKEN, Call, FakeBotServer

REPO_ROOT = Path(__file__).resolve().parent.parent
FAKE_TOKEN = DEFAULT_TOKEN
# Variables the bot reads; cleared from the inherited environment so a developer's shell
# (or a real token) never leaks into a test run.
_BOT_ENV = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATABASE_PATH",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "PORT",
    "LOG_LEVEL",
    "MEDIAL_CLOCK_START",
    "MEDIAL_TICK_SECONDS",
)
_log_numbers = itertools.count(1)


class BotProcess:
    """The bot as a subprocess: env pointed at the fake server, output captured to a file."""

    def __init__(
        self,
        server: FakeBotServer,
        db_path: Path | str,
        extra_env: Mapping[str, str] | None = None,
        *,
        script: Path | str = "bot.py",
        cwd: Path | str = REPO_ROOT,
        log_path: Path | str | None = None,
    ) -> None:
        self.server = server
        self.db_path = Path(db_path)
        self.extra_env = dict(extra_env or {})
        self.script = str(script)
        self.cwd = Path(cwd)
        self.log_path = (
            Path(log_path)
            if log_path is not None
            else self.db_path.parent / f"bot-{next(_log_numbers)}.log"
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self._calls_before_start = 0
        self._log_file: IO[bytes] | None = None

    def env(self) -> dict[str, str]:
        """The environment the bot runs with."""
        env = {k: v for k, v in os.environ.items() if k not in _BOT_ENV}
        env.update(
            TELEGRAM_BOT_TOKEN=self.server.token,
            TELEGRAM_API_BASE_URL=self.server.url,
            DATABASE_PATH=str(self.db_path),
            LOG_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> BotProcess:
        """Run `sys.executable bot.py` from the repository root; return self."""
        assert self.process is None, "already started; make a new BotProcess to restart"
        assert self.server.url, "start the FakeBotServer first"
        self._calls_before_start = self.server.call_count()
        self._log_file = self.log_path.open("ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, self.script],
            cwd=self.cwd,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    @property
    def pid(self) -> int:
        """The bot's process id."""
        assert self.process is not None, "not started"
        return self.process.pid

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        """The exit code, or None while running."""
        return None if self.process is None else self.process.poll()

    def wait_ready(self, timeout: float = 20.0) -> Call:
        """Wait until this process has called getUpdates (it is polling); return that call."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(
                    f"bot exited with {self.process.returncode} before polling:\n{self.tail()}"
                )
            try:
                return self.server.wait_for_call(
                    "getUpdates", timeout=0.1, after=self._calls_before_start
                )
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise AssertionError(
                        f"bot did not call getUpdates within {timeout}s:\n{self.tail()}"
                    ) from None

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the process to end by itself; return its exit code."""
        assert self.process is not None, "not started"
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"bot still running after {timeout}s:\n{self.tail()}") from None
        self._close_log()
        return code

    def stop(self, timeout: float = 10.0) -> tuple[int, float]:
        """SIGTERM and wait; return (exit code, seconds it took). Fails if it hangs."""
        assert self.process is not None, "not started"
        if self.process.poll() is not None:
            self._close_log()
            return self.process.returncode, 0.0
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self._close_log()
            raise AssertionError(
                f"bot did not exit within {timeout}s of SIGTERM (killed):\n{self.tail()}"
            ) from None
        self._close_log()
        return code, time.monotonic() - began

    def kill(self) -> int:
        """SIGKILL (kill -9) and reap; return the exit code (-9)."""
        assert self.process is not None, "not started"
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait()
        self._close_log()
        return code

    def logs(self) -> str:
        """Everything the bot wrote to stdout and stderr so far."""
        if self._log_file is not None:
            self._log_file.flush()
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text("utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        """The last lines of the captured output."""
        return "\n".join(self.logs().splitlines()[-lines:])

    def assert_token_not_logged(self) -> None:
        """Fail if the bot token (or its secret half) appears in the captured output."""
        secret = self.server.token.split(":", 1)[-1]
        output = self.logs()
        assert self.server.token not in output, "the bot token appears in the logs"
        assert secret not in output, "the secret part of the bot token appears in the logs"

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.running:
            self.kill()


# ---------------------------------------------------------------------------------------------
# pytest fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fake_server() -> Iterator[FakeBotServer]:
    """A started FakeBotServer, stopped after the test."""
    server = FakeBotServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bot_db(tmp_path: Path) -> Path:
    """The SQLite path the bot under test uses (shared across restarts within a test)."""
    return tmp_path / "coach.sqlite3"


StartBot = Callable[..., BotProcess]


@pytest.fixture
def start_bot(fake_server: FakeBotServer, bot_db: Path) -> Iterator[StartBot]:
    """Factory: start_bot(extra_env=None, ready=True) starts `python bot.py` on the same
    database each time and waits until it polls. Anything still running is killed afterwards.
    """
    if not (REPO_ROOT / "bot.py").exists():
        pytest.skip("bot.py does not exist yet")
    started: list[BotProcess] = []

    def start(extra_env: Mapping[str, str] | None = None, *, ready: bool = True) -> BotProcess:
        proc = BotProcess(fake_server, bot_db, extra_env)
        started.append(proc)
        proc.start()
        if ready:
            proc.wait_ready()
        return proc

    try:
        yield start
    finally:
        for proc in started:
            if proc.running:
                proc.kill()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: object, timeout: float = 15.0) -> None:
    """Poll a zero-argument callable until it is truthy."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)
