"""The Mini App API: initData checks (table-driven), today's plan, posting sets like "done"."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from handlers.app_sets import page_language
from ops.settings import ConfigError, Settings, parse_webapp_url
from tests.handlerkit import TOKEN, Kit, running_kit
from tests.test_onboarding import START, onboard
from tests.test_workout import wait_until
from web.initdata import InitDataError, sign, validate
from web.miniapp import miniapp_routes

OTHER_TOKEN = "654321:ZYX-DEF1234ghIkl-zyx57W2v1u123ew99"
NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def fields_for(user_id: int = 42, at: datetime = NOW, **extra: str) -> dict[str, str]:
    """initData fields as a Telegram client would send them."""
    user = {"id": user_id, "first_name": "Ann", "language_code": "en"}
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(at.timestamp())),
        "signature": "sig",
        **extra,
    }


def forge(raw: str) -> str:
    """The same initData with the hash's last hex digit changed."""
    head, _, digest = raw.rpartition("hash=")
    return f"{head}hash={digest[:-1]}{'0' if digest[-1] != '0' else '1'}"


def without_user() -> str:
    fields = fields_for()
    del fields["user"]
    return sign(fields, TOKEN)


CASES: list[tuple[str, Callable[[], str], int | None]] = [
    ("valid", lambda: sign(fields_for(), TOKEN), 42),
    (
        "valid a day old less a minute",
        lambda: sign(fields_for(at=NOW - timedelta(hours=23, minutes=59)), TOKEN),
        42,
    ),
    ("forged hash", lambda: forge(sign(fields_for(), TOKEN)), None),
    ("another bot's token", lambda: sign(fields_for(), OTHER_TOKEN), None),
    ("expired", lambda: sign(fields_for(at=NOW - timedelta(hours=24, seconds=1)), TOKEN), None),
    ("from the future", lambda: sign(fields_for(at=NOW + timedelta(hours=1)), TOKEN), None),
    ("no user", without_user, None),
    (
        "user id swapped after signing",
        lambda: sign(fields_for(), TOKEN).replace("%3A42", "%3A43"),
        None,
    ),
    ("no hash", lambda: sign(fields_for(), TOKEN).rpartition("&hash=")[0], None),
    ("repeated field", lambda: sign(fields_for(), TOKEN) + "&auth_date=1", None),
    ("empty", lambda: "", None),
    ("not a query string", lambda: "%%%", None),
]


@pytest.mark.parametrize(("name", "make", "user_id"), CASES, ids=[c[0] for c in CASES])
def test_init_data(name: str, make: Callable[[], str], user_id: int | None) -> None:
    raw = make()
    if user_id is None:
        with pytest.raises(InitDataError):
            validate(raw, TOKEN, NOW)
    else:
        assert validate(raw, TOKEN, NOW).user_id == user_id


@asynccontextmanager
async def app_client(tmp_path: Path) -> AsyncIterator[tuple[Kit, httpx.AsyncClient]]:
    """The bot (in-process, onboarded user 42 and 77) and an HTTP client for its Mini App."""
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard(kit.chat(42))
        await onboard(kit.chat(77, "Bob"))
        settings = Settings(token=TOKEN, database_path=tmp_path / "db.sqlite3")
        web = Starlette(routes=miniapp_routes(kit.app, settings))
        transport = httpx.ASGITransport(app=web)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield kit, client


def tma(user_id: int, kit: Kit) -> dict[str, str]:
    return {"Authorization": "tma " + sign(fields_for(user_id, kit.now()), TOKEN)}


async def test_today_creates_the_session_and_lists_its_sets(tmp_path: Path) -> None:
    async with app_client(tmp_path) as (kit, client):
        assert (await client.get("/app/api/today")).status_code == 401
        response = await client.get("/app/api/today", headers=tma(42, kit))
        assert response.status_code == 200
        body = response.json()
        assert body["language"] == "en"
        assert body["cadence"]["lift_s"] == 2 and body["cadence"]["hold_s"] == 2
        assert [(s["set_index"], s["side"], s["reps"], s["done"]) for s in body["sets"]] == [
            (0, "left", 10, False),
            (1, "left", 10, False),
            (2, "left", 10, False),
            (3, "right", 10, False),
            (4, "right", 10, False),
            (5, "right", 10, False),
        ]
        again = await client.get("/app/api/today", headers=tma(42, kit))
        assert again.json()["session_id"] == body["session_id"]
        page = await client.get("/app/")
        assert page.status_code == 200 and "telegram-web-app.js" in page.text
        assert (await client.get("/app/static/app.js")).status_code == 200


async def test_posting_a_set_logs_it_once_and_confirms_in_the_chat(tmp_path: Path) -> None:
    async with app_client(tmp_path) as (kit, client):
        plan = (await client.get("/app/api/today", headers=tma(42, kit))).json()
        raw = sign(fields_for(42, kit.now()), TOKEN)
        body: dict[str, Any] = {
            "initData": raw,
            "session_id": plan["session_id"],
            "set_index": 0,
            "reps": 9,
            "side": "left",
            "client_id": "3f1c0c2e-8d7a-4c39-9a51-0b6f3c1d2e4f",
        }
        first = await client.post("/app/api/sets", json=body)
        assert first.status_code == 200, first.text
        assert first.json() == {"ok": True, "result": "logged"}
        replay = await client.post("/app/api/sets", json=body)
        assert replay.json() == {"ok": True, "result": "duplicate"}
        rows = await kit.storage.session_sets(42, plan["session_id"])
        assert [(r.leg, r.set_no, r.reps) for r in rows] == [("left", 1, 9)]
        logged = "✅ Logged set 1 of 3, left, 9 reps."
        await wait_until(lambda: any(logged in s.text for s in kit.request.sent))
        await asyncio.sleep(0.05)
        assert sum(logged in s.text for s in kit.request.sent if s.chat_id == 42) == 1
        # The header carries initData just as well; a set already logged is a conflict.
        del body["initData"]
        body["client_id"] = "another-client-id"
        taken = await client.post("/app/api/sets", json=body, headers=tma(42, kit))
        assert taken.status_code == 409
        after = (await client.get("/app/api/today", headers=tma(42, kit))).json()
        assert [s["done"] for s in after["sets"]] == [True, False, False, False, False, False]


async def test_someone_elses_session_and_bad_bodies(tmp_path: Path) -> None:
    async with app_client(tmp_path) as (kit, client):
        plan = (await client.get("/app/api/today", headers=tma(42, kit))).json()
        good: dict[str, Any] = {
            "session_id": plan["session_id"],
            "set_index": 1,
            "reps": 10,
            "side": "left",
            "client_id": "0b6f3c1d-2e4f-4c39-9a51-3f1c0c2e8d7a",
        }
        # Bob's valid initData, Ann's session: refused, nothing logged.
        theirs = await client.post("/app/api/sets", json=good, headers=tma(77, kit))
        assert theirs.status_code == 403
        expired = {
            "Authorization": "tma " + sign(fields_for(42, kit.now() - timedelta(days=2)), TOKEN)
        }
        assert (await client.post("/app/api/sets", json=good, headers=expired)).status_code == 401
        bad_bodies = [
            {**good, "reps": 0},
            {**good, "reps": 101},
            {**good, "reps": "10"},
            {**good, "set_index": 6},
            {**good, "set_index": -1},
            {**good, "side": "right"},  # set 1 is a left set
            {**good, "side": "middle"},
            {**good, "client_id": ""},
            {k: v for k, v in good.items() if k != "session_id"},
        ]
        for bad in bad_bodies:
            response = await client.post("/app/api/sets", json=bad, headers=tma(42, kit))
            assert response.status_code == 400, bad
            assert "error" in response.json()
        not_json = await client.post("/app/api/sets", content=b"[1,", headers=tma(42, kit))
        assert not_json.status_code == 400
        assert await kit.storage.session_sets(42, plan["session_id"]) == []


async def test_a_set_posted_from_the_page_moves_a_guided_session_on(tmp_path: Path) -> None:
    async with app_client(tmp_path) as (kit, client):
        chat = kit.chat(42)
        setup = (await chat.send("/workout"))[-1]
        plan = (await client.get("/app/api/today", headers=tma(42, kit))).json()
        rows = await kit.storage.db.fetchall("SELECT session_id FROM sessions WHERE user_id = 42")
        assert [r[0] for r in rows] == [plan["session_id"]]  # the running session, not a new one
        body = {
            "session_id": plan["session_id"],
            "set_index": 0,
            "reps": 10,
            "side": "left",
            "client_id": "guided-0001",
        }
        assert (await client.post("/app/api/sets", json=body, headers=tma(42, kit))).is_success
        # As after a typed "done": the set-up message turns into the logged set and the rest.
        await wait_until(lambda: "Logged: 10 reps" in setup.text and "Rest:" in setup.text)
        assert kit.request.rejected == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", ""),
        ("https://coach.example.org/", "https://coach.example.org"),
        ("http://127.0.0.1:8443", "http://127.0.0.1:8443"),
        ("http://coach.example.org", None),
        ("ftp://coach.example.org", None),
        ("https://", None),
    ],
)
def test_webapp_url_needs_https_except_locally(given: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ConfigError):
            parse_webapp_url(given)
    else:
        assert parse_webapp_url(given) == expected


@pytest.mark.parametrize(
    ("code", "stored", "expected"),
    [
        ("en", None, "en"),
        ("ru", None, "ru"),
        ("es-419", None, "es"),
        ("pt-br", None, "pt"),
        ("de-AT", None, "de"),
        ("fr", None, "en"),
        ("", None, "en"),
        ("en", "de", "de"),  # the language the user chose wins over the client's
        ("ru", "xx", "ru"),
    ],
)
def test_the_page_language(code: str, stored: str | None, expected: str) -> None:
    assert page_language(code, stored) == expected
