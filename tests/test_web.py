"""web/: the webhook's secret, /healthz reasons, /metrics, and the HOST/PORT settings."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ops.settings import ConfigError, Settings
from tests.handlerkit import TOKEN, running_kit
from tests.test_inbox import text_update
from tests.test_onboarding import START
from web.server import build_web_app
from web.webhook import SECRET_HEADER, webhook_secret


def client_for(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot")  # type: ignore[arg-type]


def test_settings_host_port_and_secret_rules() -> None:
    plain = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert plain.host == "0.0.0.0" and plain.port is None
    custom = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "HOST": "127.0.0.1", "PORT": "9000"})
    assert custom.host == "127.0.0.1" and custom.port == 9000
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "has space"})


def test_derived_secret_is_stable_valid_and_not_the_token() -> None:
    settings = Settings(token=TOKEN)
    secret = webhook_secret(settings)
    assert secret == webhook_secret(Settings(token=TOKEN))
    assert len(secret) == 64 and secret.isalnum()
    assert TOKEN.split(":")[1] not in secret
    assert webhook_secret(Settings(token=TOKEN, webhook_secret="mine")) == "mine"
    assert webhook_secret(Settings(token="1:" + "b" * 35)) != secret


async def test_webhook_stores_only_with_the_secret(tmp_path: Path) -> None:
    settings = Settings(token=TOKEN)
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        inbox = kit.app.bot_data.inbox
        assert inbox is not None
        await inbox.start()
        app = build_web_app(kit.app, settings)
        async with client_for(app) as client:
            update = text_update(42, "hello", 900)
            assert (await client.post("/telegram", json=update)).status_code == 403
            wrong = {SECRET_HEADER: "x" * 64}
            assert (await client.post("/telegram", json=update, headers=wrong)).status_code == 403
            assert await kit.storage.inbox_next_offset() is None
            right = {SECRET_HEADER: webhook_secret(settings)}
            bad = await client.post("/telegram", content=b"{", headers=right)
            assert bad.status_code == 400
            assert (await client.post("/telegram", json=update, headers=right)).status_code == 200
            # Committed before the 200.
            assert await kit.storage.inbox_next_offset() == 901
        await inbox.join()
        await inbox.stop()


async def test_healthz_says_why_not(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        inbox = kit.app.bot_data.inbox
        assert inbox is not None
        app = build_web_app(kit.app, Settings(token=TOKEN))
        async with client_for(app) as client:
            first = await client.get("/healthz")
            assert first.status_code == 503
            assert first.json()["reason"] == "not receiving updates yet"
            inbox.feed_problem = lambda: None
            assert (await client.get("/healthz")).status_code == 200
            await kit.storage.db.conn.execute("PRAGMA query_only = ON")
            broken = await client.get("/healthz")
            assert broken.status_code == 503 and broken.json()["reason"].startswith("database")
            await kit.storage.db.conn.execute("PRAGMA query_only = OFF")
            metrics = await client.get("/metrics")
            assert metrics.status_code == 200 and "medial_database_bytes" in metrics.text
