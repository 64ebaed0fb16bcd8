"""Every screen in every language: within Telegram's limits, valid HTML, buttons that fit.

The flow goes through the front door by callback data and commands only (no English labels),
so it holds whatever the catalogs and content overlays say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakeapi.entities import parse_html
from handlers.views.i18n import LANGUAGES
from tests.handlerkit import Chat, Sent, running_kit
from tests.test_onboarding import START

# Telegram cuts longer labels; a row of three shares a phone's width.
MAX_LABEL = 48
MAX_LABEL_IN_ROW_OF_3 = 22
DONE_WORD = {"en": "done", "ru": "готово", "es": "hecho", "de": "fertig", "pt": "feito"}


def button_with(message: Sent, prefix: str) -> str:
    """The data of the first button whose data starts with `prefix`."""
    for _label, data in message.buttons():
        if data.startswith(prefix):
            return data
    raise AssertionError(f"no {prefix!r} button on {message.buttons()}")


async def onboard_any(chat: Chat) -> None:
    """Onboarding by button data and typed answers only: the same in every language."""
    intro = (await chat.send("/start medial"))[-1]
    question = (await chat.forge(intro, "consent:yes"))[-1]
    question = (await chat.forge(question, "cfg:preset:rehab"))[-1]
    await chat.forge(question, "cfg:legs:both")
    await chat.send("Europe/Berlin")
    await chat.send("07:30")


async def play(chat: Chat, language: str) -> None:
    """Onboard, look around, train a bit, log by a reply, and check the data screens."""
    await onboard_any(chat)
    for command in ("/help", "/learn", "/cues", "/mistakes", "/variations", "/sources"):
        await chat.send(command)
    setup = [s for s in await chat.send("/workout") if s.buttons()][-1]
    go = button_with(setup, "wk:go:")
    pacing = (await chat.forge(setup, go))[-1]
    session = go.split(":")[2]
    await chat.forge(pacing, f"wk:pause:{session}")
    await chat.forge(pacing, f"wk:stop:{session}")
    await chat.send(DONE_WORD[language])
    await chat.send("done 8 left")
    await chat.send("what?")
    for command in ("/progress", "/history", "/schedule", "/settings", "/language", "/export"):
        await chat.send(command)
    await chat.send("/pause 3")
    await chat.send("/resume")
    await chat.send("/remind 25:99")
    await chat.send("/nonsense")


def problems(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """What would not fit Telegram in the recorded calls."""
    found = []
    for method, params in calls:
        for key, limit in (("text", 4096), ("caption", 1024)):
            value = params.get(key)
            if not isinstance(value, str):
                continue
            try:
                plain, _entities = parse_html(value)
            except Exception as exc:
                found.append(f"{method} {key}: invalid HTML ({exc}): {value[:80]!r}")
                continue
            if len(plain) > limit:
                found.append(f"{method} {key}: {len(plain)} > {limit} characters")
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard", markup.get("keyboard", [])) if markup else []
        for row in rows:
            for button in row:
                label = button["text"] if isinstance(button, dict) else str(button)
                limit = MAX_LABEL_IN_ROW_OF_3 if len(row) >= 3 else MAX_LABEL
                if not label.strip() or len(label) > limit:
                    found.append(f"{method}: button label {label!r} doesn't fit ({limit})")
    return found


@pytest.mark.parametrize("language", list(LANGUAGES))
async def test_every_screen_fits_telegram(tmp_path: Path, language: str) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", language)
        await play(chat, language)
        assert kit.request.rejected == []
        assert problems(kit.request.calls) == []
        assert (await kit.storage.get_user(42)).language == language
        methods = {method for method, _params in kit.request.calls}
        assert {"sendPhoto", "sendDocument", "editMessageText"} <= methods
        history = await kit.storage.history(42, 10, 0)
        assert history and history[0].left.sets >= 2  # "done" in the language and "done 8 left"
