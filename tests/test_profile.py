"""The bot's profile: command menu, description and short description at start-up, retried."""

from __future__ import annotations

import time

from handlers.render import COMMANDS
from handlers.views import profile as words
from tests.e2e_harness import StartBot
from tests.fakebot import FakeBotServer


def wait_until(predicate, within: float) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_words_fit_telegrams_limits() -> None:
    assert 1 <= len(words.DESCRIPTION) <= 512
    assert 1 <= len(words.SHORT_DESCRIPTION) <= 120


def test_profile_is_published_and_a_failure_is_retried(
    fake_server: FakeBotServer, start_bot: StartBot
) -> None:
    fake_server.fail_next("setMyDescription", 400, "Bad Request: try again later")
    bot = start_bot()
    user = fake_server.user(8, "Bo")
    user.send("/start")
    user.wait_for("Medial leg raise")  # a failed description never holds the bot up
    assert fake_server.profile_texts[("short_description", "")] == words.SHORT_DESCRIPTION
    assert [c["command"] for c in fake_server.commands()] == [name for name, _ in COMMANDS]
    wait_until(lambda: ("description", "") in fake_server.profile_texts, 30)
    assert fake_server.profile_texts[("description", "")] == words.DESCRIPTION
    warnings = [line for line in bot.logs().splitlines() if "could not set the description" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "retrying in 5 s" in warnings[0]
    assert bot.stop()[0] == 0
