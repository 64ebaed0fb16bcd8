"""The guided set-up fills the content's {side} with the user's language, not English."""

from __future__ import annotations

from pathlib import Path

from tests.handlerkit import running_kit
from tests.test_onboarding import START


async def test_german_setup_names_the_side_in_german(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "de")
        intro = (await chat.send("/start medial"))[-1]
        question = (await chat.forge(intro, "consent:yes"))[-1]
        question = (await chat.forge(question, "cfg:preset:rehab"))[-1]
        await chat.forge(question, "cfg:legs:both")
        await chat.send("Europe/Berlin")
        await chat.send("07:30")
        setup = [s for s in await chat.send("/workout") if s.buttons()][-1]
        assert "auf die linke Seite" in setup.text
        assert " left " not in setup.text
