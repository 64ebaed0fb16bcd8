"""The pacing-mode choice, voice pacing (one voice note per set) and the timer-app button."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from handlers.workout import runtime
from tests.handlerkit import Chat, Kit, Sent, running_kit
from tests.test_onboarding import START, onboard
from tests.test_workout import SCALE, has_button, press_when, ready, set_rows, wait_until

WEBAPP = "https://coach.example.org"


@pytest.fixture(autouse=True)
def fast_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "TIME_SCALE", SCALE)


def voices(kit: Kit) -> list[Sent]:
    return [s for s in kit.request.sent if s.method == "sendVoice"]


async def voice_user(kit: Kit, reps: int = 2) -> Chat:
    chat = await ready(kit, reps=reps)
    await kit.storage.update_user(42, kit.now(), pacing_mode="voice")
    return chat


async def test_onboarding_ends_with_the_choice_and_app_only_when_configured(
    tmp_path: Path,
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        summary = chat.last()
        assert "How should I pace your sets?" in summary.text
        labels = [label for label, _ in summary.buttons()]
        assert labels[-2:] == ["✓ 💬 In chat", "🔊 Voice"]
        await chat.press(summary, "Voice")
        assert (await kit.storage.get_user(42)).pacing_mode == "voice"
        assert [label for label, _ in summary.buttons()][-2:] == ["💬 In chat", "✓ 🔊 Voice"]
        assert has_button(summary, "Start now")
        # A forged choice of the app (not configured here) changes nothing.
        await chat.forge(summary, "pace:set:app:o")
        assert (await kit.storage.get_user(42)).pacing_mode == "voice"
    async with running_kit(tmp_path / "db2.sqlite3", START, webapp_url=WEBAPP) as kit:
        chat = kit.chat()
        await onboard(chat)
        assert [label for label, _ in chat.last().buttons()][-3:] == [
            "✓ 💬 In chat",
            "🔊 Voice",
            "⏱ Timer app",
        ]


async def test_settings_shows_and_changes_pacing(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        panel = (await chat.send("/settings"))[-1]
        assert "Pacing: in chat" in panel.text
        await chat.press(panel, "Pacing")
        assert "How should /workout pace your sets?" in panel.text
        assert "Timer app" not in panel.text
        await chat.press(panel, "Voice")
        assert "Your settings" in panel.text and "Pacing: voice note" in panel.text
        assert kit.request.rejected == []


async def test_voice_set_one_note_then_done_prompt_and_cached_second_set(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await voice_user(kit)
        setup = (await chat.send("/workout"))[-1]
        # The note comes just before the set-up, so it is on the phone before Go exists.
        assert len(voices(kit)) == 1
        note = voices(kit)[0]
        assert note.voice is not None and note.voice[:4] == b"OggS"  # uploaded once
        assert "Set 1 of 3 — left leg: 2 reps. In position? Tap Go below" in note.text
        assert chat.messages()[-2:] == [note, setup] and has_button(setup, "Go")
        await chat.press(setup, "Go")
        tracks = kit.app.bot_data.voice
        assert (tracks.built, tracks.uploads, len(voices(kit))) == (1, 1, 1)
        await wait_until(lambda: "Set 1 of 3 done?" in setup.text)
        # No beat-by-beat edits: the note paced it, then the usual question.
        assert len(setup.edits) == 2 and "Follow the voice note</b> (0:13)" in setup.edits[0]
        await chat.send("done 8")
        assert await set_rows(kit) == [("left", 1, 8)]
        await wait_until(lambda: has_button(chat.last(), "Go"), within=10)
        second = chat.last()
        assert "Set 2 of 3" in second.text and len(voices(kit)) == 2
        await chat.press(second, "Go")
        assert len(voices(kit)) == 2
        assert voices(kit)[1].voice is None  # sent by file_id: no upload
        assert voices(kit)[1].voice_file_id == note.voice_file_id
        await press_when(chat, second, "Done")
        await wait_until(lambda: "Set 2 of 3 done?" in second.text)
        assert kit.request.rejected == []


async def test_voice_pause_stops_the_clock_and_stop_still_works(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = await voice_user(kit, reps=1)
        setup = (await chat.send("/workout"))[-1]
        await chat.press(setup, "Go")
        await press_when(chat, setup, "Pause")
        await wait_until(lambda: "Pause the voice note too" in setup.text)
        # The set lasts 6 s (0.12 s here); paused, the question never comes.
        await asyncio.sleep(SCALE * 15)
        assert "done?" not in setup.text
        await press_when(chat, setup, "Resume")
        await wait_until(lambda: "Set 1 of 3 done?" in setup.text)
        await chat.press(setup, "Stop")
        await wait_until(lambda: "Stopped" in setup.text or setup.buttons() == [])
        assert len(voices(kit)) == 1
        assert kit.request.rejected == []


async def test_app_mode_adds_open_timer_and_falls_back_when_unconfigured(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    async with running_kit(db, START, webapp_url=WEBAPP) as kit:
        chat = await ready(kit, reps=2)
        await kit.storage.update_user(42, kit.now(), pacing_mode="app")
        setup = (await chat.send("/workout"))[-1]
        rows = setup.markup["inline_keyboard"] if setup.markup else []
        assert rows[0] == [{"text": "⏱ Open timer", "web_app": {"url": f"{WEBAPP}/app/"}}]
        assert has_button(setup, "Go")
        await chat.press(setup, "Stop")
    async with running_kit(db, START) as kit:
        chat = kit.chat()
        setup = (await chat.send("/workout"))[-1]
        if has_button(setup, "Continue"):
            await chat.press(setup, "new")
            setup = chat.last()
        assert "The timer app isn't available right now" in setup.text
        assert setup.markup is not None
        assert not any("web_app" in b for row in setup.markup["inline_keyboard"] for b in row)
        assert (await kit.storage.get_user(42)).pacing_mode == "chat"
