"""End to end: at DEBUG with LOG_FORMAT=json, what users typed never reaches the logs."""

from __future__ import annotations

import json

from tests.e2e_harness import StartBot
from tests.fakebot import FakeBotServer

TYPED = ("Quokkaville", "zebra-mango 41", "purple walrus sings", "knee hurt tangerine")


def test_typed_text_is_not_logged_at_debug(fake_server: FakeBotServer, start_bot: StartBot) -> None:
    bot = start_bot(
        {
            "LOG_LEVEL": "DEBUG",
            "LOG_FORMAT": "json",
            "WEBHOOK_SECRET": "webhook-s3cret-value",
            "MEDIAL_CLOCK_START": "2026-11-22T06:00:00+00:00",
        }
    )
    user = fake_server.user(777, "Ann")
    user.send("/start medial")
    user.press(user.wait_for("Stop at once"), "consent:yes")
    user.press(user.wait_for("Which dose"), "cfg:preset:rehab")
    user.press(user.wait_for("Which legs"), "cfg:legs:both")
    user.wait_for("Your timezone")
    mark = user.mark()
    user.send(TYPED[0])  # not a zone: asked again
    user.wait_for(lambda m: True, since=mark)
    user.send("Berlin")
    user.wait_for("Reminder time")
    user.send("07:30")
    user.wait_for("All set")
    for text in (*TYPED[1:3], "/purplewalrus now"):
        mark = user.mark()
        user.send(text)
        user.wait_for(lambda m: True, since=mark)
    mark = user.mark()
    user.send(f"skipped - {TYPED[3]}")
    user.wait_for(lambda m: True, since=mark)
    code, _seconds = bot.stop()
    assert code == 0

    logs = bot.logs()
    lines = [line for line in logs.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    traced = [e["message"] for e in entries if e["logger"] == "handlers.trace"]
    assert any(m.endswith(": command /start") for m in traced), traced
    assert any(m.endswith(": text") for m in traced) and any("button consent" in m for m in traced)
    for text in (*TYPED, "purplewalrus"):
        assert text.lower() not in logs.lower(), f"{text!r} was logged"
    assert "webhook-s3cret-value" not in logs
    bot.assert_token_not_logged()
