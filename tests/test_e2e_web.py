"""The real process: webhook with its secret, /healthz and /metrics, and start-up failures."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from ops.settings import Settings
from tests.e2e_harness import (  # noqa: F401
    FAKE_TOKEN,
    BotProcess,
    StartBot,
    bot_db,
    fake_server,
    free_port,
    start_bot,
    wait_until,
)
from tests.fakebot import FakeBotServer
from web.webhook import webhook_secret


def web_env(port: int, **extra: str) -> dict[str, str]:
    return {"HOST": "127.0.0.1", "PORT": str(port), **extra}


def test_webhook_refuses_forged_updates_and_handles_telegrams(
    fake_server: FakeBotServer,  # noqa: F811
    start_bot: StartBot,  # noqa: F811
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = start_bot(web_env(port, WEBHOOK_URL=base), ready=False)
    fake_server.wait_for_call("setWebhook", timeout=20)
    wait_until(lambda: httpx.get(f"{base}/healthz").status_code == 200)
    # No WEBHOOK_SECRET: one derived from the token is in force.
    derived = webhook_secret(Settings(token=FAKE_TOKEN))
    assert fake_server.webhook_secret == derived
    assert set(fake_server.allowed_updates or ()) >= {"message", "callback_query"}

    user = fake_server.user(77, "Eve")
    forged = fake_server.forge_message_update(77, "/start")
    assert fake_server.post_webhook(forged, None) == 403
    assert fake_server.post_webhook(forged, "wrong-secret") == 403
    assert httpx.post(f"{base}/telegram", content=b"not json").status_code == 403
    # Telegram's own delivery (the fake pushes queued updates with the registered secret).
    user.send("/start")
    user.wait_for("Medial leg raise")
    assert fake_server.post_webhook(fake_server.forge_message_update(77, "hello"), derived) == 200
    user.wait_for("I didn't catch that")
    time.sleep(0.5)
    assert len(user.messages()) == 2, [m.text[:40] for m in user.messages()]

    metrics = httpx.get(f"{base}/metrics").text
    assert "medial_webhook_rejected_total 3.0" in metrics
    assert 'medial_updates_handled_total{kind="message"} 2.0' in metrics
    code, seconds = bot.stop()
    assert code == 0 and seconds < 10
    logs = bot.logs()
    assert derived not in logs and "Traceback" not in logs
    bot.assert_token_not_logged()


def test_polling_with_port_serves_health_and_metrics(
    fake_server: FakeBotServer,  # noqa: F811
    start_bot: StartBot,  # noqa: F811
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = start_bot(web_env(port))
    wait_until(lambda: httpx.get(f"{base}/healthz").status_code == 200)
    assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
    user = fake_server.user(5, "Bo")
    user.send("/start")
    user.wait_for("Medial leg raise")
    metrics = httpx.get(f"{base}/metrics")
    assert metrics.status_code == 200
    for name in (
        'medial_updates_handled_total{kind="message"} 1.0',
        "medial_reply_latency_seconds_count 1.0",
        'medial_queue_depth{queue="inbox"}',
        'medial_queue_depth{queue="outbox"}',
        "medial_sends_total{",
        "medial_retry_after_total",
        'medial_reminders{status="sent"}',
        "medial_guided_sessions",
        "medial_database_bytes",
    ):
        assert name in metrics.text, name
    assert "chat" not in metrics.text and "user_id" not in metrics.text
    forged = {"update_id": 1, "message": {"text": "x"}}
    assert httpx.post(f"{base}/telegram", json=forged).status_code == 403
    bot.stop()


def test_unreachable_api_is_retried_one_line_per_attempt(bot_db: Path) -> None:  # noqa: F811
    closed = free_port()
    server = FakeBotServer()
    server.url = f"http://127.0.0.1:{closed}/bot"  # nothing listens there
    bot = BotProcess(server, bot_db, {"LOG_LEVEL": "INFO"})
    bot.start()
    try:
        wait_until(lambda: bot.logs().count("retrying in") >= 2, timeout=20)
        code, seconds = bot.stop()
    finally:
        if bot.running:
            bot.kill()
    assert code == 0 and seconds < 5
    lines = [line for line in bot.logs().splitlines() if "retrying in" in line]
    assert lines[0].split(" ", 2)[2].startswith("WARNING medial: connecting to Telegram (getMe)")
    assert f"at http://127.0.0.1:{closed} (" in lines[0] and "attempt 1" in lines[0]
    assert "Traceback" not in bot.logs()
    bot.assert_token_not_logged()


def test_rejected_token_is_one_line_and_never_printed(
    bot_db: Path,  # noqa: F811
) -> None:
    server = FakeBotServer(token="999:" + "x" * 35)  # a different bot: our token gets 401
    server.start()
    try:
        bot = BotProcess(server, bot_db, {"LOG_LEVEL": "INFO"})
        bot.env = lambda: {**BotProcess.env(bot), "TELEGRAM_BOT_TOKEN": FAKE_TOKEN}  # type: ignore[method-assign]
        bot.start()
        code = bot.wait_exit(timeout=20)
    finally:
        server.stop()
    assert code == 1
    output = bot.logs()
    assert "Traceback" not in output
    rejected = [line for line in output.splitlines() if "rejected the token" in line]
    assert len(rejected) == 1 and "Telegram rejected the token" in rejected[0]
    assert FAKE_TOKEN not in output and FAKE_TOKEN.split(":")[1] not in output


def test_failed_set_my_commands_is_a_warning_retried_later(
    fake_server: FakeBotServer,  # noqa: F811
    start_bot: StartBot,  # noqa: F811
) -> None:
    fake_server.fail_next("setMyCommands", 400, "Bad Request: try again later")
    bot = start_bot()
    user = fake_server.user(6, "Cy")
    user.send("/start")
    user.wait_for("Medial leg raise")
    wait_until(lambda: any(c.status == 200 for c in fake_server.calls_to("setMyCommands")), 20)
    warnings = [
        line for line in bot.logs().splitlines() if "could not set the command menu" in line
    ]
    assert len(warnings) == 1 and "WARNING" in warnings[0]
    bot.stop()
