"""`python bot.py --demo` driven through a pseudo-terminal, as a newcomer would use it."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e_harness import REPO_ROOT

pexpect = pytest.importorskip("pexpect")

# Styles and numbers are ANSI-coloured, so patterns match plain runs of text between codes.
REDRAW = re.compile(r"\x1b\[\d+A\x1b\[J[^›]*?Rep \d+/\d+ — ")


def demo_env() -> dict[str, str]:
    """The caller's environment without anything that configures the bot (or a real token)."""
    prefixes = ("TELEGRAM_", "MEDIAL_", "DATABASE_", "WEBHOOK_", "LOG_", "PORT", "NO_COLOR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(TERM="xterm-256color", PYTHONUNBUFFERED="1", LANG="C.UTF-8")
    return env


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Any]:
    """The demo running in a fresh directory on a 40×120 pseudo-terminal."""
    child = pexpect.spawn(
        sys.executable,
        [str(REPO_ROOT / "bot.py"), "--demo"],
        cwd=str(tmp_path),
        env=demo_env(),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    try:
        child.expect("Start with: /start medial")
        yield child
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_a_newcomer_sets_up_and_starts_a_guided_set_in_the_terminal(
    demo: Any, tmp_path: Path
) -> None:
    demo.sendline("/start medial")
    demo.expect("I agree, let's set up")
    demo.sendline("1")
    demo.expect(r"you › .*I agree")
    demo.expect("Which dose")
    demo.expect("Knee rehab")
    demo.sendline("1")
    demo.expect("Which legs")
    demo.expect("Left leg only")
    demo.sendline("2")
    demo.expect("Your timezone")
    demo.expect("/location LAT LON")  # the location button is offered as a command
    demo.sendline("Narnia")
    demo.expect("find a timezone called “Narnia”")
    demo.sendline("Berlin")
    demo.expect("Timezone: ")
    demo.expect("Reminder time")
    demo.expect("20:00")
    demo.sendline("4")
    demo.expect("All set!")
    demo.expect("Every other day at 20:00 Europe/Berlin")

    demo.sendline("/workout")
    demo.expect("Set 1 of 3 — left leg")
    demo.expect("Go")
    demo.sendline("1")
    demo.expect(r"Rep 1/10 — ")
    # The pacing message is redrawn in place: cursor up, clear, the new beat.
    demo.expect(REDRAW, timeout=15)
    demo.expect(REDRAW, timeout=15)

    demo.sendline("/quit")
    demo.expect("Bye")
    demo.expect(pexpect.EOF)
    demo.close()
    assert demo.exitstatus == 0
    data = tmp_path / "data"
    # The bot closed its database: no WAL left behind, the answers stored.
    assert not (data / "demo.sqlite3-wal").exists()
    with sqlite3.connect(data / "demo.sqlite3") as conn:
        row = conn.execute(
            "SELECT legs, timezone, remind_at, onboarding_step FROM users"
        ).fetchone()
    assert row == ("left", "Europe/Berlin", "20:00", "done")
    log = (data / "demo.log").read_text("utf-8")
    assert "Application started" in log and "Narnia" not in log


def test_ctrl_d_leaves_cleanly_and_the_demo_starts_again_on_its_database(
    demo: Any, tmp_path: Path
) -> None:
    demo.sendline("/start medial")
    demo.expect("I agree, let's set up")
    demo.sendeof()
    demo.expect("Bye")
    demo.expect(pexpect.EOF)
    demo.close()
    assert demo.exitstatus == 0

    again = pexpect.spawn(
        sys.executable,
        [str(REPO_ROOT / "bot.py"), "--demo"],
        cwd=str(tmp_path),
        env=demo_env(),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    try:
        again.expect("Start with")
        again.sendline("/start medial")
        # Update ids of the new run are not mistaken for the old run's.
        again.expect("I agree, let's set up")
        again.sendline("2")
        again.expect(r"you › .*No thanks")
        again.sendline("/quit")
        again.expect(pexpect.EOF)
        again.close()
        assert again.exitstatus == 0
    finally:
        if again.isalive():
            again.terminate(force=True)


def test_piped_input_is_played_as_a_script_that_waits_for_the_bot(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), "--demo"],
        input="/start medial\n2\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=demo_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # No terminal: no colours or cursor moves, and "2" pressed the button it was typed for.
    assert "\x1b[" not in out
    assert "bot › Medial leg raise" in out
    assert "you › [2] No thanks" in out
    assert out.rstrip().endswith("Bye. Your data stays in data/demo.sqlite3")
    assert result.stderr == ""
