"""The real process: the Mini App served by the bot's web server, a set posted and confirmed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx

from tests.e2e_harness import (  # noqa: F401
    FAKE_TOKEN,
    StartBot,
    bot_db,
    fake_server,
    free_port,
    start_bot,
    wait_until,
)
from tests.fakebot import FakeBotServer
from tests.test_e2e_workout import CLOCK, db_rows, onboard
from web.initdata import sign


def test_timer_app_through_the_real_process(
    fake_server: FakeBotServer,  # noqa: F811
    start_bot: StartBot,  # noqa: F811
    bot_db: Path,  # noqa: F811
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    start_bot({**CLOCK, "HOST": "127.0.0.1", "PORT": str(port), "WEBAPP_URL": base})
    user = fake_server.user(611, "Ida")
    onboard(user)
    summary = user.wait_for("All set")
    user.press(summary, "pace:set:app:o")
    wait_until(lambda: db_rows(bot_db, "SELECT pacing_mode FROM users") == [("app",)])
    user.send("/workout")
    setup = user.wait_for("Set 1 of")
    assert setup.reply_markup is not None
    first_row = setup.reply_markup["inline_keyboard"][0]
    assert first_row == [{"text": "⏱ Open timer", "web_app": {"url": f"{base}/app/"}}]

    page = httpx.get(f"{base}/app/")
    assert page.status_code == 200 and "app.js" in page.text
    assert httpx.get(f"{base}/app/static/app.js").status_code == 200
    who = json.dumps({"id": 611, "first_name": "Ida", "language_code": "en"})
    # Signed "now" by the bot's clock (the test clock starts at CLOCK and runs at real speed).
    now = datetime.fromisoformat(CLOCK["MEDIAL_CLOCK_START"]).timestamp()
    init_data = sign({"user": who, "auth_date": str(int(now)), "query_id": "q"}, FAKE_TOKEN)
    auth = {"Authorization": f"tma {init_data}"}
    assert httpx.get(f"{base}/app/api/today").status_code == 401
    plan = httpx.get(f"{base}/app/api/today", headers=auth).json()
    first = plan["sets"][0]
    body = {
        "session_id": plan["session_id"],
        "set_index": first["set_index"],
        "reps": 7,
        "side": first["side"],
        "client_id": "e2e-0000-0001",
    }
    for _ in range(2):  # a retried post logs once
        assert httpx.post(f"{base}/app/api/sets", json=body, headers=auth).status_code == 200
    user.wait_for("✅ Logged set 1 of")
    assert db_rows(bot_db, "SELECT leg, set_no, reps FROM sets") == [("left", 1, 7)]
