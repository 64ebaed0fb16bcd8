"""Unit tests for the demo's terminal pieces: button keys, wrapping, styles, the line editor."""

from __future__ import annotations

import io

from fakeapi.console import EndOfInput, Line, LineEditor, Screen
from fakeapi.models import BotMessage
from fakeapi.terminal import (
    button_keys,
    render_message,
    screen_rows,
    strip_ansi,
    styled_lines,
    text_width,
)


def message(text: str = "Hi", *, rows=(), entities=(), kind="text", **extra) -> BotMessage:
    markup = {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in r] for r in rows]}
    fields = dict(
        chat_id=1,
        message_id=5,
        kind=kind,
        text=text,
        html=text,
        entities=tuple(entities),
        reply_markup=markup if rows else None,
        reply_keyboard=None,
        history=((0.0, text),),
        photo=None,
        document=None,
        filename=None,
        mime_type=None,
        deleted=False,
        date=0,
        sent_at=0.0,
        seq=1,
    )
    fields.update(extra)
    return BotMessage(**fields)


def keys_of(msg: BotMessage) -> list[list[tuple[str, str]]]:
    return [[(k.key, k.button.text) for k in row] for row in button_keys(msg)]


def test_buttons_are_numbered_from_one_row_by_row():
    msg = message(rows=[[("Go", "go"), ("Stop", "stop")], [("Later", "later")]])
    assert keys_of(msg) == [[("1", "Go"), ("2", "Stop")], [("3", "Later")]]


def test_number_labels_keep_their_number_and_others_skip_those_numbers():
    msg = message(rows=[[(str(n), f"pain:{n}") for n in range(4)], [("Skip", "skip")]])
    assert keys_of(msg) == [[("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")], [("4", "Skip")]]
    lines = [strip_ansi(line) for line in render_message(msg, width=100, color=True)]
    assert lines[1].strip() == "[0]   [1]   [2]   [3]"
    assert lines[2].strip() == "[4] Skip"


def test_url_buttons_get_no_key():
    markup = {"inline_keyboard": [[{"text": "Docs", "url": "https://example.org"}]]}
    assert button_keys(message(reply_markup=markup)) == []


def test_entities_become_styles_and_wrapping_keeps_words_whole():
    text = "🏋 Lift slowly and hold at the top"
    lines = styled_lines(text, [{"type": "bold", "offset": 3, "length": 4}], 14, True)
    assert [strip_ansi(line) for line in lines] == ["🏋 Lift slowly", "and hold at", "the top"]
    assert "\x1b[0m\x1b[1mLift\x1b[0m" in lines[0]
    assert styled_lines("a\n\nb", [], 10, False) == ["a", "", "b"]


def test_width_counts_emoji_as_two_columns_and_rows_wrap():
    assert text_width("✅ ab") == 5
    assert text_width("\x1b[1mab\x1b[0m") == 2
    assert screen_rows(["x" * 25, "", "y"], 10) == 5


def test_files_show_as_one_line_with_where_they_were_saved():
    voice = message("Set 1", kind="voice", voice=b"x" * 3000, duration=42)
    lines = render_message(voice, width=100, color=False, saved_as="data/demo-files/5-voice.ogg")
    assert lines[0] == "bot › [🎙 voice note, 42 s, 3 KB] saved to data/demo-files/5-voice.ogg"
    assert lines[1] == "      Set 1"


def test_line_editor_handles_editing_keys_and_ctrl_d():
    editor = LineEditor()
    assert editor.feed(b"dona\x7fe 8\r") == [Line("done 8")]
    assert editor.feed(b"abc\x1b[Dxy z\x17\n") == [Line("abcxy ")]
    assert editor.feed("ü".encode()[:1]) == []
    assert editor.feed("ü".encode()[1:] + b"\x15\x04") == [EndOfInput()]
    assert editor.feed(b"half") == [] and editor.buffer == "half"
    assert editor.feed(b"") == [Line("half"), EndOfInput()]


def test_screen_redraws_only_the_last_block():
    out = io.StringIO()
    screen = Screen(out, interactive=True, color=False)
    screen.block(["bot › Rep 1/10", "      [1] Pause"], owner=7)
    assert screen.can_redraw(7) and not screen.can_redraw(8)
    screen.redraw(["bot › Rep 2/10", "      [1] Pause"], owner=7)
    assert "\x1b[2A\x1b[J" in out.getvalue()
    screen.block(["you › done"])
    assert not screen.can_redraw(7)
    plain = Screen(io.StringIO(), interactive=False, color=False)
    plain.block(["x"], owner=1)
    assert not plain.can_redraw(1)
