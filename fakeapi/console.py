"""The demo's terminal: a line editor under the transcript; the last block redraws in place."""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import termios
import tty
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from fakeapi.terminal import paint, screen_rows

PROMPT = "› "


@dataclass(frozen=True)
class Line:
    """The user pressed Enter on this text."""

    text: str


@dataclass(frozen=True)
class EndOfInput:
    """Ctrl-D on an empty line, or stdin closed."""


Event = Line | EndOfInput


class LineEditor:
    """Turns raw terminal input into lines: backspace, Ctrl-U, Ctrl-W, Ctrl-D; escapes ignored."""

    def __init__(self) -> None:
        self.buffer = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._escape = ""

    def feed(self, data: bytes) -> list[Event]:
        """Consume bytes read from stdin; return the completed lines (b"" means end of input)."""
        if not data:
            rest = self.buffer
            self.buffer = ""
            return [Line(rest), EndOfInput()] if rest else [EndOfInput()]
        events: list[Event] = []
        for char in self._decoder.decode(data):
            if self._escape == "\x1b":
                # ESC [ or ESC O starts a sequence (arrows, Home…); ESC + key is Alt+key.
                self._escape = "csi" if char in "[O" else ""
                continue
            if self._escape == "csi":
                if "@" <= char <= "~":
                    self._escape = ""
                continue
            if char == "\x1b":
                self._escape = char
            elif char in "\r\n":
                events.append(Line(self.buffer))
                self.buffer = ""
            elif char in "\x7f\x08":
                self.buffer = self.buffer[:-1]
            elif char == "\x15":
                self.buffer = ""
            elif char == "\x17":
                self.buffer = self.buffer.rstrip()
                self.buffer = self.buffer[: self.buffer.rfind(" ") + 1]
            elif char == "\x04":
                if not self.buffer:
                    events.append(EndOfInput())
            elif char == "\t":
                self.buffer += " "
            elif char.isprintable():
                self.buffer += char
        return events


class Screen:
    """Writes the transcript; on a terminal keeps the prompt last and can redraw the last block."""

    def __init__(self, out: TextIO, *, interactive: bool, color: bool) -> None:
        self.out = out
        self.interactive = interactive
        self.color = color
        self.buffer = ""  # the user's unfinished line, shown after the prompt
        self.last_block: object | None = None  # who owns the bottom block (a message id)
        self._last_rows = 0

    @property
    def columns(self) -> int:
        """The terminal's width now."""
        return shutil.get_terminal_size((100, 30)).columns

    @property
    def rows(self) -> int:
        """The terminal's height now."""
        return shutil.get_terminal_size((100, 30)).lines

    def _prompt(self) -> str:
        return paint(PROMPT, "1;34", self.color) + self.buffer if self.interactive else ""

    def _clear_prompt(self) -> str:
        return "\r\x1b[K" if self.interactive else ""

    def block(self, lines: list[str], owner: object | None = None) -> None:
        """Append lines to the transcript; `owner` may later redraw them while they are last."""
        self.out.write(self._clear_prompt() + "".join(line + "\n" for line in lines))
        self.out.write(self._prompt())
        self.out.flush()
        self.last_block = owner
        self._last_rows = screen_rows(lines, self.columns)

    def can_redraw(self, owner: object) -> bool:
        """Whether `owner`'s block is the last one and fits on the screen to be redrawn."""
        return (
            self.interactive
            and owner is not None
            and self.last_block == owner
            and self._last_rows < self.rows - 1
        )

    def redraw(self, lines: list[str], owner: object) -> None:
        """Replace the last block (owned by `owner`) with these lines, in place."""
        up = f"\x1b[{self._last_rows}A" if self._last_rows else ""
        self.out.write(self._clear_prompt() + up + "\x1b[J")
        self.out.write("".join(line + "\n" for line in lines) + self._prompt())
        self.out.flush()
        self.last_block = owner
        self._last_rows = screen_rows(lines, self.columns)

    def typing(self, buffer: str) -> None:
        """Show the unfinished input line."""
        if self.interactive and buffer != self.buffer:
            self.buffer = buffer
            self.out.write(self._clear_prompt() + self._prompt())
            self.out.flush()

    def close(self) -> None:
        """Leave the cursor on a fresh line."""
        if self.interactive:
            self.out.write(self._clear_prompt())
            self.out.flush()


@contextlib.contextmanager
def cbreak(fd: int) -> Iterator[bool]:
    """Character-at-a-time input without echo while inside (True), if `fd` is a terminal."""
    if not os.isatty(fd):
        yield False
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
