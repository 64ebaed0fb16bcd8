"""The shared callback-data parser, and every keyboard's buttons routed to their handler."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from coach.progression import Suggestion
from coach.zones import COMMON_ZONES
from handlers import callbacks, common, render
from handlers.callbacks import ID, Int, parse, shape
from handlers.views import learn as learn_views
from handlers.views import pacing_modes
from handlers.views import state as state_views
from tests.handlerkit import Kit, running_kit
from tests.test_onboarding import START, onboard

EXPIRED = "That button has expired. Send /help to see what I can do."


def test_integers_are_bounded_ascii_digits() -> None:
    shapes = (shape("wk", "go", ID, Int(0, 99)),)
    assert parse("wk:go:12:3", shapes) is not None
    assert parse("wk:go:12:3", shapes).values == ("go", 12, 3)  # type: ignore[union-attr]
    for data in (
        "wk:go:" + "9" * 58,  # more than 64 bits (and more than Telegram's 64 bytes)
        "wk:go:" + "9" * 20 + ":1",  # past SQLite's INTEGER
        "wk:go:0:1",  # ids start at 1
        "wk:go:12:100",
        "wk:go:-1:1",
        "wk:go:+1:1",
        "wk:go:1_0:1",
        "wk:go:١٢:1",  # digits, but not ASCII ones
        "wk:go:²:1",
        "wk:go:12",
        "wk:go:12:3:4",
        "wk:stop:12",
        "wx:go:12:3",
        "",
    ):
        assert parse(data, shapes) is None, data
    assert parse(f"wk:go:{2**63 - 1}:0", shapes) is not None


def test_words_days_and_text() -> None:
    assert parse("remind:skip:2026-11-23", callbacks.REMIND).day(1) == date(2026, 11, 23)  # type: ignore[union-attr]
    for data in ("remind:skip:2026-02-30", "remind:nap:2026-11-23", "remind:skip:20261123"):
        assert parse(data, callbacks.REMIND) is None
    # The last field takes the rest: a time keeps its colon.
    pressed = parse("cfg:time:07:30", callbacks.CHOICE)
    assert pressed is not None and pressed.values == ("time", "07:30")
    assert parse("cfg:tz:America/Argentina/Buenos_Aires", callbacks.CHOICE) is not None
    assert parse("cfg:tz:<b>", callbacks.CHOICE) is None
    assert parse(None, callbacks.CUES) is None
    assert parse(object(), callbacks.CUES) is None


def test_typed_access_names_the_wrong_kind() -> None:
    pressed = parse("wk:pain:5:3", callbacks.WORKOUT)
    assert pressed is not None
    assert (pressed.word(0), pressed.number(1), pressed.number(2)) == ("pain", 5, 3)
    with pytest.raises(TypeError):
        pressed.word(1)
    with pytest.raises(TypeError):
        pressed.day(0)


def every_keyboard() -> list[InlineKeyboardMarkup]:
    """One of each inline keyboard the bot sends, with typical values."""
    from content.load import load_program

    program = load_program()
    preset = program.preset(program.default_preset)
    boards = [
        render.intro_keyboard(),
        render.preset_keyboard(program, preset.key),
        render.legs_keyboard("both"),
        render.timezone_keyboard(COMMON_ZONES),
        render.time_keyboard(),
        render.start_keyboard(preset.key),
        render.setup_keyboard(123456789, 5),
        render.pacing_keyboard(123456789, True),
        render.pacing_keyboard(123456789, False),
        render.rest_keyboard(123456789),
        render.stop_keyboard(123456789),
        render.pain_keyboard(123456789),
        render.difficulty_keyboard(123456789),
        render.continue_keyboard(123456789),
        render.another_keyboard(),
        render.reminder_keyboard(date(2026, 11, 23), "daily"),
        render.reminder_keyboard(date(2026, 11, 23), "snooze"),
        render.delete_keyboard("123456789-1795000000000000"),
        render.progression_keyboard(Suggestion("hold", 2, 3)),
        render.progression_keyboard(Suggestion("weight", 0, 1)),
        pacing_modes.pacing_keyboard("chat", True),
        state_views.train_anyway_keyboard(),
        pacing_modes.with_mode_row(render.start_keyboard(preset.key), "voice", True),
    ]
    boards += [learn_views.learn_keyboard(p, i) for p in program.presets for i in (0, 1)]
    history = render.history_keyboard(3, 9)
    if history is not None:
        boards.append(history)
    return boards


def handler_for(kit: Kit, data: str) -> Any:
    """The callback of the first CallbackQueryHandler that takes this data."""
    update = Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "1",
                "from": {"id": 42, "is_bot": False, "first_name": "Ann"},
                "chat_instance": "42",
                "data": data,
            },
        },
        kit.app.bot,
    )
    for group in sorted(kit.app.handlers):
        for handler in kit.app.handlers[group]:
            if isinstance(handler, CallbackQueryHandler) and handler.check_update(update):
                return handler.callback
    return None


async def test_every_button_reaches_its_handler(tmp_path: Path) -> None:
    kit = Kit(tmp_path / "db.sqlite3", START)
    seen = 0
    for board in every_keyboard():
        for row in board.inline_keyboard:
            for button in row:
                if button.callback_data is None:
                    continue  # a web app or URL button
                data = str(button.callback_data)
                seen += 1
                assert handler_for(kit, data) not in (None, common.stale_button), data
    assert seen > 40


@pytest.mark.parametrize(
    "data",
    [
        "wk:go:" + "9" * 58,
        "wk:pain:" + "9" * 30 + ":3",
        "hist:9999999:1",
        "remind:skip:2026-13-01",
        "learn:rehab:" + "9" * 40,
        "del:yes:x",
        "prog:yes:" + "x" * 41,
        "pace:set:loud:s",
        "menu:",
        "consent:maybe",
        "workout:stop",
        "cues:hide",
        "nothing:at:all",
    ],
)
async def test_out_of_range_or_unknown_data_is_an_expired_button(tmp_path: Path, data: str) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat()
        await onboard(chat)
        before = len(kit.request.sent)
        await chat.forge(chat.last(), data)
        assert chat.answers()[-1] == EXPIRED
        assert len(kit.request.sent) == before
        assert kit.request.rejected == []
