"""kill -9 or SIGTERM mid-burst: after the restart every "done" is logged once and answered."""

from __future__ import annotations

import random
from pathlib import Path

from bench.crash import Tally, run_trial
from tests.e2e_harness import fake_server  # noqa: F401
from tests.fakebot import FakeBotServer


def test_kill_9_mid_burst_loses_and_doubles_nothing(
    fake_server: FakeBotServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    total = Tally()
    for trial in range(3):
        ids = [1000 * (trial + 1) + i for i in range(4)]
        total.add(run_trial(fake_server, tmp_path / "db.sqlite3", ids, 4, rng, log_dir=tmp_path))
    assert total.sent == 48
    assert (total.lost, total.duplicated, total.answered_not_logged) == (0, 0, 0), total.line()
    assert total.logged == total.answered == 48, total.line()


def test_sigterm_mid_burst_stops_within_seconds_and_loses_nothing(
    fake_server: FakeBotServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    rng = random.Random(11)
    ids = [9000 + i for i in range(4)]
    total = run_trial(
        fake_server, tmp_path / "db.sqlite3", ids, 4, rng, log_dir=tmp_path, term=True
    )
    assert (total.lost, total.duplicated, total.answered_not_logged) == (0, 0, 0), total.line()
    assert total.logged == total.answered == 16, total.line()
    assert total.stop_s and total.stop_s[0] < 10
