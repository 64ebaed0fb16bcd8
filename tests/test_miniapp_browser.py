"""The timer page in real headless Chromium (Playwright) against the bot's Mini App routes.

A stub Telegram.WebApp (served in place of telegram-web-app.js) carries initData signed with the
test bot's token. The page runs a set at 10x speed; the test watches the numbers change, pauses,
finishes, logs the reps and checks the database and the chat. Screenshots (light and dark) go to
the test's tmp dir, or to $MEDIAL_SCREENSHOTS if set.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from ops.settings import Settings
from tests.handlerkit import TOKEN, Kit, running_kit
from tests.test_onboarding import START, onboard
from tests.test_screens_by_language import onboard_any
from tests.test_workout import set_rows, wait_until
from web.initdata import sign
from web.miniapp import miniapp_routes

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or ""
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "bg_color": "#ffffff",
        "text_color": "#000000",
        "hint_color": "#999999",
        "button_color": "#3390ec",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#f4f4f5",
    },
    "dark": {
        "bg_color": "#212121",
        "text_color": "#ffffff",
        "hint_color": "#aaaaaa",
        "button_color": "#8774e1",
        "button_text_color": "#ffffff",
        "secondary_bg_color": "#181818",
    },
}
# Records every face the page shows, so fast changes aren't missed between polls.
RECORDER = """
window.__faces = [];
window.__haptics = [];
new MutationObserver(() => {
  const phase = document.getElementById('phase'), big = document.getElementById('big');
  if (!phase || !big) return;
  const face = phase.textContent + ' ' + big.textContent;
  if (window.__faces[window.__faces.length - 1] !== face) window.__faces.push(face);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM, reason="no chromium on PATH (apt-get install chromium)"),
    pytest.mark.skipif(async_playwright is None, reason="playwright is not installed"),
]


def stub_sdk(init_data: str, scheme: str, language: str = "en") -> str:
    """A stand-in for telegram-web-app.js with what the page uses."""
    user = {"id": 42, "first_name": "Ann", "language_code": language}
    webapp = {
        "initData": init_data,
        "initDataUnsafe": {"user": user},
        "colorScheme": scheme,
        "themeParams": THEMES[scheme],
        "version": "8.0",
    }
    methods = """{
      ready() {}, expand() {}, onEvent() {},
      HapticFeedback: {
        impactOccurred(kind) { window.__haptics.push(kind); },
        notificationOccurred(kind) { window.__haptics.push(kind); },
      },
    }"""
    return f"window.Telegram = {{WebApp: Object.assign({json.dumps(webapp)}, {methods})}};"


@asynccontextmanager
async def serving(kit: Kit, tmp_path: Path) -> AsyncIterator[str]:
    """The Mini App routes on 127.0.0.1 (a free port), in this event loop."""
    settings = Settings(token=TOKEN, database_path=tmp_path / "db.sqlite3")
    web = Starlette(routes=miniapp_routes(kit.app, settings))
    config = uvicorn.Config(web, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(1000):  # uvicorn offers no event for "listening"
        if server.started:
            break
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MEDIAL_SCREENSHOTS", "") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@asynccontextmanager
async def browser_page(base: str, sdk: str) -> AsyncIterator[Any]:
    assert async_playwright is not None
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 760})

            async def route_sdk(route: Any) -> None:
                await route.fulfill(status=200, content_type="text/javascript", body=sdk)

            await page.route("https://telegram.org/**", route_sdk)
            await page.add_init_script(RECORDER)
            # Page errors fail the test loudly instead of as a timeout.
            page.on("console", lambda m: print("console:", m.type, m.text))
            page.on("pageerror", lambda e: print("pageerror:", e))
            yield page
        finally:
            await browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_a_set_in_the_timer_page_is_paced_and_logged(tmp_path: Path, scheme: str) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard(kit.chat())
        await kit.storage.update_user(42, kit.now(), reps=2, legs="left")
        user = json.dumps({"id": 42, "first_name": "Ann", "language_code": "en"})
        fields = {"user": user, "auth_date": str(int(kit.now().timestamp())), "query_id": "q1"}
        sdk = stub_sdk(sign(fields, TOKEN), scheme)
        async with serving(kit, tmp_path) as base, browser_page(base, sdk) as page:
            await page.goto(f"{base}/app/?speed=10")
            await page.wait_for_selector("#start:visible")
            assert await page.text_content("#title") == "Today · Knee rehab"
            assert "Set 1 of 3 · left leg · 2 reps" in (await page.text_content("#set-label") or "")
            await page.click("#start")
            await expect(page.locator("#phase")).to_have_text("HOLD")
            await page.screenshot(path=str(shots_dir(tmp_path) / f"timer-{scheme}-hold.png"))
            await page.click("#pause")
            assert await page.text_content("#phase") == "PAUSED"
            await page.screenshot(path=str(shots_dir(tmp_path) / f"timer-{scheme}-paused.png"))
            frozen = await page.evaluate("window.__faces.length")
            await asyncio.sleep(0.5)  # 5 s of set time at 10x: nothing moves while paused
            assert await page.evaluate("window.__faces.length") == frozen
            await page.click("#pause")
            await page.wait_for_selector("#log:visible", timeout=15_000)
            faces = await page.evaluate("window.__faces")
            # The numbers changed beat by beat: rep 1 lift, hold 2, 1, lower, rep 2 ...
            for face in ["LIFT 1", "HOLD 2", "HOLD 1", "LOWER 1", "LIFT 2", "LOWER 2"]:
                assert face in faces, faces
            assert faces.index("LIFT 1") < faces.index("LOWER 1") < faces.index("LIFT 2")
            assert "medium" in await page.evaluate("window.__haptics")
            assert await page.input_value("#reps") == "2"  # prefilled with the prescribed reps
            await page.screenshot(path=str(shots_dir(tmp_path) / f"timer-{scheme}-end.png"))
            await page.click("#save")
            await expect(page.locator("#status")).to_have_text(re.compile("^Logged"))
            assert await set_rows(kit) == [("left", 1, 2)]
            logged = "✅ Logged set 1 of 3, left, 2 reps."
            await wait_until(lambda: any(s.text == logged for s in kit.request.sent))
            await page.wait_for_selector("#sets li.done")
            await page.screenshot(path=str(shots_dir(tmp_path) / f"timer-{scheme}-rest.png"))
            theme_bg = await page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert theme_bg == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(33, 33, 33)")


async def test_outside_telegram_the_page_says_so(tmp_path: Path) -> None:
    async with (
        running_kit(tmp_path / "db.sqlite3", START) as kit,
        serving(kit, tmp_path) as base,
        browser_page(base, "") as page,
    ):
        await page.goto(f"{base}/app/")
        await page.wait_for_selector("#outside:visible")
        assert "runs inside Telegram" in (await page.text_content("#outside") or "")
        await page.screenshot(path=str(shots_dir(tmp_path) / "timer-outside.png"))


# The page in the user's language: (Telegram language_code, what the page must then say).
SPOKEN: dict[str, dict[str, str]] = {
    "ru": {
        "label": "Подход 1 из 3 · левая нога · 2 повт.",
        "hold": "ДЕРЖИМ",
        "paused": "ПАУЗА",
        "logged": "Записано",
    },
    "pt-br": {
        "label": "Série 1 de 3 · perna esquerda · 2 rep.",
        "hold": "SEGURA",
        "paused": "PAUSADO",
        "logged": "Registrado",
    },
}


@pytest.mark.parametrize(("language", "scheme"), [("ru", "light"), ("pt-br", "dark")])
async def test_the_timer_page_speaks_the_users_language(
    tmp_path: Path, language: str, scheme: str
) -> None:
    said = SPOKEN[language]
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        # The same Telegram app in the chat and the timer: the language stored at first contact.
        await onboard_any(kit.chat(42, "Ann", language))
        await kit.storage.update_user(42, kit.now(), reps=2, legs="left")
        user = json.dumps({"id": 42, "first_name": "Ann", "language_code": language})
        fields = {"user": user, "auth_date": str(int(kit.now().timestamp())), "query_id": "q1"}
        sdk = stub_sdk(sign(fields, TOKEN), scheme, language)
        async with serving(kit, tmp_path) as base, browser_page(base, sdk) as page:
            await page.goto(f"{base}/app/?speed=10")
            await page.wait_for_selector("#start:visible")
            assert await page.evaluate("document.documentElement.lang") == language[:2]
            assert said["label"] in (await page.text_content("#set-label") or "")
            await page.click("#start")
            await expect(page.locator("#phase")).to_have_text(said["hold"])
            await page.click("#pause")
            assert await page.text_content("#phase") == said["paused"]
            shot = shots_dir(tmp_path) / f"timer-{language}-{scheme}-paused.png"
            await page.screenshot(path=str(shot))
            await page.click("#pause")
            await page.wait_for_selector("#log:visible", timeout=15_000)
            await page.click("#save")
            await expect(page.locator("#status")).to_have_text(re.compile(f"^{said['logged']}"))
            assert await set_rows(kit) == [("left", 1, 2)]
            await page.screenshot(path=str(shots_dir(tmp_path) / f"timer-{language}-{scheme}.png"))
