"""Bot messages as terminal text: entities as ANSI styles, numbered buttons, file placeholders."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fakeapi.errors import JSON
from fakeapi.models import BotMessage, Button

RESET = "\x1b[0m"
DIM = "2"
BOLD = "1"
_SGR = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    "strikethrough": "9",
    "code": "36",
    "pre": "36",
    "text_link": "4;34",
    "spoiler": "2",
}
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOT_PREFIX = "bot › "
EDITED_PREFIX = "bot ✎ "
YOU_PREFIX = "you › "
INDENT = " " * len(BOT_PREFIX)
MAX_TEXT_WIDTH = 80  # columns of message text: chat bubbles are narrow, long lines are hard to read
_KINDS = {
    "photo": "🖼 photo",
    "document": "📄 document",
    "voice": "🎙 voice note",
    "audio": "🎵 audio",
}


@dataclass(frozen=True)
class Key:
    """A button the user presses by typing `key`."""

    key: str
    button: Button


def paint(text: str, codes: str, color: bool) -> str:
    """`text` in these SGR codes (e.g. "1" bold), or plain when colour is off."""
    return f"\x1b[{codes}m{text}{RESET}" if color and codes else text


def strip_ansi(text: str) -> str:
    """Text without ANSI escape sequences."""
    return _ANSI.sub("", text)


def char_width(char: str) -> int:
    """Columns a character takes in a terminal (emoji and CJK 2, combining marks 0)."""
    if unicodedata.combining(char) or char in "\u200d\ufe0e\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns the text takes, escape sequences excluded."""
    return sum(char_width(c) for c in strip_ansi(text))


def screen_rows(lines: Sequence[str], columns: int) -> int:
    """Rows these lines occupy on a terminal `columns` wide (long lines wrap)."""
    return sum(max(1, math.ceil(text_width(line) / max(columns, 1))) for line in lines)


def button_keys(message: BotMessage) -> list[list[Key]]:
    """Keys for callback buttons, row by row: a bare-number label is its own key, others 1, 2…"""
    buttons = [b for row in message.buttons for b in row if b.callback_data]
    labels = [b.text.strip() for b in buttons]
    numeric = {label for label in labels if label.isdigit() and labels.count(label) == 1}
    taken = {str(int(label)) for label in numeric}
    counter = 0
    rows: list[list[Key]] = []
    for row in message.buttons:
        keyed: list[Key] = []
        for button in row:
            if not button.callback_data:
                continue
            label = button.text.strip()
            if label in numeric:
                keyed.append(Key(str(int(label)), button))
                continue
            counter += 1
            while str(counter) in taken:
                counter += 1
            keyed.append(Key(str(counter), button))
        if keyed:
            rows.append(keyed)
    return rows


def _styles(text: str, entities: Sequence[JSON]) -> list[str]:
    """The SGR codes in force at each character of `text` (entity offsets are UTF-16 units)."""
    starts: list[int] = []  # UTF-16 offset at which each character begins
    offset = 0
    for char in text:
        starts.append(offset)
        offset += 2 if ord(char) > 0xFFFF else 1
    styles = [""] * len(text)
    for entity in entities:
        code = _SGR.get(str(entity.get("type")))
        if code is None:
            continue
        first, end = int(entity["offset"]), int(entity["offset"]) + int(entity["length"])
        for index, start in enumerate(starts):
            if first <= start < end and code not in styles[index].split(";"):
                styles[index] = f"{styles[index]};{code}" if styles[index] else code
    return styles


def _wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) index pairs of each output line, paragraphs kept."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = begin + len(paragraph)
        line_start, used, last_space = begin, 0, -1
        index = begin
        while index < end_of_paragraph:
            char = text[index]
            if char == " ":
                last_space = index
            used += char_width(char)
            if used > width and index > line_start:
                cut = last_space if last_space > line_start else index
                spans.append((line_start, cut))
                line_start = cut + 1 if cut == last_space else cut
                used = sum(char_width(c) for c in text[line_start : index + 1])
                last_space = -1
            index += 1
        spans.append((line_start, end_of_paragraph))
        begin = end_of_paragraph + 1
    return spans


def styled_lines(text: str, entities: Sequence[JSON], width: int, color: bool) -> list[str]:
    """The text wrapped to `width` columns, each line with its entities' styles."""
    styles = _styles(text, entities) if color else [""] * len(text)
    lines: list[str] = []
    for start, end in _wrap(text, max(width, 10)):
        out: list[str] = []
        current = ""
        for index in range(start, end):
            if styles[index] != current:
                out.append(RESET if not styles[index] else f"{RESET}\x1b[{styles[index]}m")
                current = styles[index]
            out.append(text[index])
        if current:
            out.append(RESET)
        lines.append("".join(out))
    return lines


def file_line(message: BotMessage, saved_as: str | None) -> str:
    """One line standing in for a photo, document or voice note."""
    content = message.file_content
    what = _KINDS.get(message.kind, message.kind)
    details = []
    if message.kind == "voice" or message.kind == "audio":
        details.append(f"{message.duration} s")
    if message.filename and message.kind == "document":
        details.append(message.filename)
    if content is not None:
        details.append(f"{max(1, round(len(content) / 1024))} KB")
    line = f"[{what}{', ' if details else ''}{', '.join(details)}]"
    return f"{line} saved to {saved_as}" if saved_as else line


def keyboard_lines(keys: Sequence[Sequence[Key]], width: int, color: bool) -> list[str]:
    """Inline buttons, one line per row (wrapped when a row is too wide)."""
    lines: list[str] = []
    for row in keys:
        line = ""
        for key in row:
            label = key.button.text.strip()
            shown = paint(f"[{key.key}]", BOLD, color)
            cell = shown if label == key.key else f"{shown} {label}"
            if line and text_width(line + "   " + cell) > width:
                lines.append(line)
                line = ""
            line = f"{line}   {cell}" if line else cell
        if line:
            lines.append(line)
    return lines


def reply_keyboard_line(markup: JSON | None) -> str | None:
    """A hint for a reply keyboard (e.g. the location button), or None."""
    if not markup or "keyboard" not in markup:
        return None
    labels: list[str] = []
    location = False
    for row in markup.get("keyboard", []):
        for button in row:
            label = button.get("text", "") if isinstance(button, dict) else str(button)
            location = location or bool(isinstance(button, dict) and button.get("request_location"))
            labels.append(str(label))
    hint = "  (type /location LAT LON, e.g. /location 52.52 13.40)" if location else ""
    return "⌨ " + " · ".join(labels) + hint


def render_message(
    message: BotMessage,
    *,
    width: int,
    color: bool,
    edited: bool = False,
    saved_as: str | None = None,
) -> list[str]:
    """The screen lines of one bot message: prefix, text, file placeholder, buttons."""
    # A few columns spare: terminals draw some emoji wider than Unicode's tables say.
    inner = max(min(width - len(INDENT) - 4, MAX_TEXT_WIDTH), 20)
    body: list[str] = []
    if message.kind != "text":
        body.append(paint(file_line(message, saved_as), DIM, color))
    if message.text or message.kind == "text":
        body.extend(styled_lines(message.text, message.entities, inner, color))
    body.extend(keyboard_lines(button_keys(message), inner, color))
    hint = reply_keyboard_line(message.reply_keyboard)
    if hint is not None:
        body.append(paint(hint, DIM, color))
    prefix = paint(EDITED_PREFIX if edited else BOT_PREFIX, "1;32", color)
    return [prefix + body[0], *(INDENT + line if line else "" for line in body[1:])]


def edited_note(message: BotMessage, width: int, color: bool) -> str:
    """One line saying an older message changed, with the start of its new text."""
    flat = " ".join(message.text.split())
    room = max(min(width, MAX_TEXT_WIDTH + len(INDENT)) - len(EDITED_PREFIX) - 12, 10)
    if text_width(flat) > room:
        while text_width(flat) > room - 1:
            flat = flat[:-1]
        flat += "…"
    return paint(EDITED_PREFIX, "1;32", color) + paint(f"(earlier message) {flat}", DIM, color)


def you_line(text: str, color: bool) -> str:
    """What the user sent, as it stays in the transcript."""
    return paint(YOU_PREFIX, "1;34", color) + text


def note_line(text: str, color: bool) -> str:
    """A remark from the demo itself (not from the bot)."""
    return INDENT + paint(text, DIM, color)
