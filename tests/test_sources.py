"""Per-preset content through the front door: /cues, /learn, /variations, /sources, offers."""

from __future__ import annotations

from pathlib import Path

from handlers import render
from tests.handlerkit import Chat, Kit, running_kit, visible_length
from tests.test_onboarding import START, onboard
from tests.test_safety import checkin, easy_run


async def _preset(kit: Kit, chat: Chat, preset: str, legs: str = "both") -> None:
    await onboard(chat)
    await kit.storage.update_user(chat.user_id, kit.now(), preset=preset, legs=legs)


async def test_army_cues_never_say_keep_the_leg_off_the_floor(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "army")
        text = (await chat.send("/cues"))[-1].text
        assert "Army PRT" in text
        assert "rest fully" not in text
        assert "back to the starting position" in text
        # The cue woven into each guided set comes from the same list.
        program = kit.app.bot_data.program
        woven = program.cues_for(program.preset("army"))
        assert not any("rest fully" in cue for cue in woven)


async def test_right_leg_army_user_reads_the_right_side_set_up(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "army", legs="right")
        first = (await chat.send("/learn"))[-1]
        assert "lie on your right side" in first.text
        assert "right elbow" in first.text and "left side" not in first.text
        screen = first
        while any("Next" in label for label, _ in screen.buttons()):
            await chat.press(screen, "Next")
            assert "left leg" not in screen.text.replace("left hand", "")
        # One leg: the last step doesn't send them to change position.
        assert "swivel" not in screen.text
        assert "right leg" in screen.text


async def test_beginner_learn_keeps_the_lower_back_flat(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "beginner")
        screen = (await chat.send("/learn"))[-1]
        texts = [screen.text]
        while any("Next" in label for label, _ in screen.buttons()):
            await chat.press(screen, "Next")
            texts.append(screen.text)
        joined = " ".join(texts)
        assert "abdomin" in texts[0] and "hip flexors" in texts[0]
        assert "just above the floor" not in joined
        assert "lower back flat" in joined or "lower back still flat" in joined


async def test_variations_follow_the_preset(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "beginner")
        beginner = (await chat.send("/variations"))[-1].text
        assert "8 reps *, then 10 reps *" in beginner
        assert "Strap" not in beginner and "ankle weight" in beginner  # only "no ankle weight"
        await kit.storage.update_user(42, kit.now(), preset="army")
        army = (await chat.send("/variations"))[-1].text
        assert "12" not in army and "15" not in army
        assert "goes no further" in army
        await kit.storage.update_user(42, kit.now(), preset="rehab")
        rehab = (await chat.send("/variations"))[-1].text
        assert "hold 3 s *" in rehab and "a light ankle weight" in rehab
        for text in (beginner, army, rehab):
            assert visible_length(text) <= 4096


async def test_sources_lists_every_preset_and_the_coachs_numbers(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        text = (await chat.send("/sources"))[-1].text
        assert visible_length(text) <= 4096
        for words in ("Knee rehab", "Army PRT", "Beginner", "Eric Sampson", "George N."):
            assert words in text, words
        assert "rest 45 s between sets" in text and "rest 20 s" in text and "rest 30 s" in text
        assert "2 s per count" in text
        assert "hold 3 s, hold 5 s, 12 reps, 15 reps" in text
        assert "8 reps, 10 reps" in text
        assert "pain 4–6" in text and "pain 7 or more" in text
        assert "/sources" in (await chat.send("/help"))[-1].text
        assert "sources" in [name for name, _ in render.COMMANDS]


async def test_beginner_offer_says_it_is_the_coachs_suggestion(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "beginner")
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = chat.last()
        assert "8 reps per set instead of 5" in offer.text
        assert "the coach's suggestion" in offer.text
        assert "weight" not in offer.text


async def test_rehab_weight_offer_credits_sampson(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "rehab")
        await kit.storage.update_user(42, kit.now(), hold_s=5, reps=15)
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        offer = chat.last()
        assert "add a light ankle weight" in offer.text
        assert "comes from Sampson" in offer.text


async def test_army_at_ten_gets_no_offer(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await _preset(kit, chat, "army")
        before = len(chat.messages())
        last = await easy_run(kit, 42, 0)
        await checkin(kit, 42, last)
        assert len(chat.messages()) == before
