"""Words and buttons of the pacing modes: in chat, a voice note per set, the timer Mini App."""

from __future__ import annotations

from html import escape
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from storage.records import PacingMode

MODE_LABEL: Final[dict[PacingMode, str]] = {
    "chat": "💬 In chat",
    "voice": "🔊 Voice",
    "app": "⏱ Timer app",
}
MODE_NAME: Final[dict[PacingMode, str]] = {
    "chat": "in chat",
    "voice": "voice note",
    "app": "timer app",
}


def modes(app_available: bool) -> tuple[PacingMode, ...]:
    """The modes a user may pick (the app only when WEBAPP_URL is configured)."""
    return ("chat", "voice", "app") if app_available else ("chat", "voice")


def mode_buttons(
    current: PacingMode, app_available: bool, where: str
) -> list[InlineKeyboardButton]:
    """One row: a button per mode, the current one ticked (`where`: o onboarding, s settings)."""
    return [
        InlineKeyboardButton(
            ("✓ " if mode == current else "") + MODE_LABEL[mode],
            callback_data=f"pace:set:{mode}:{where}",
        )
        for mode in modes(app_available)
    ]


def pacing_line(mode: PacingMode) -> str:
    """The settings line, e.g. "Pacing: voice note"."""
    return f"Pacing: {MODE_NAME[mode]}"


def ask_pacing(app_available: bool) -> str:
    """What the modes mean (after onboarding and from /settings)."""
    lines = [
        "<b>How should /workout pace your sets?</b>",
        "💬 <b>In chat</b>: one message counts each rep and hold.",
        "🔊 <b>Voice</b>: one voice note per set says each rep, the hold and the lowering, "
        "with tones, so you can follow it lying down with the phone on the floor.",
    ]
    if app_available:
        lines.append(
            "⏱ <b>Timer app</b>: a timer inside Telegram with big numbers, sounds and vibration."
        )
    return "\n".join(lines)


def pacing_keyboard(current: PacingMode, app_available: bool) -> InlineKeyboardMarkup:
    """The pacing choice from /settings."""
    return InlineKeyboardMarkup([mode_buttons(current, app_available, "s")])


def with_mode_row(
    markup: InlineKeyboardMarkup, current: PacingMode, app_available: bool
) -> InlineKeyboardMarkup:
    """The onboarding summary's buttons with the pacing choice as a last row (replacing one)."""
    rows = [
        row
        for row in markup.inline_keyboard
        if not any(str(b.callback_data or "").startswith("pace:") for b in row)
    ]
    return InlineKeyboardMarkup([*rows, mode_buttons(current, app_available, "o")])


def pacing_offer() -> str:
    """The line under the onboarding summary."""
    return (
        "How should I pace your sets? 💬 In chat, 🔊 a voice note per set (follow it by ear), "
        "or ⏱ a timer app. Pick below; /settings changes it later."
    )


def settings_button() -> InlineKeyboardButton:
    """The /settings button that opens the pacing choice."""
    return InlineKeyboardButton("Pacing", callback_data="pace:menu")


def saved_toast(mode: PacingMode) -> str:
    """The toast after a choice."""
    return f"pacing {MODE_NAME[mode]}"


def app_unavailable_note() -> str:
    """One line when a user's timer-app choice can't be honoured (WEBAPP_URL gone)."""
    return "⏱ The timer app isn't available right now, so I'll pace you here in the chat."


def open_timer_button(webapp_url: str) -> InlineKeyboardButton:
    """The web_app button that opens the Mini App."""
    return InlineKeyboardButton("⏱ Open timer", web_app=WebAppInfo(url=f"{webapp_url}/app/"))


def with_timer_button(markup: InlineKeyboardMarkup, webapp_url: str) -> InlineKeyboardMarkup:
    """A keyboard with "⏱ Open timer" as its first row."""
    return InlineKeyboardMarkup([[open_timer_button(webapp_url)], *markup.inline_keyboard])


def voice_caption(title: str, reps: int) -> str:
    """The voice note's caption; `title` is e.g. "Set 2 of 3 — left leg"."""
    return f"🔊 {title}: {reps} reps. In position? Tap Go below, then play this and follow it."


def voice_screen(title: str, seconds: int, cue: str) -> str:
    """The set's message while its voice note plays."""
    return (
        f"<b>{title}</b>\n\n"
        f"🔊 <b>Follow the voice note</b> ({seconds // 60}:{seconds % 60:02d}). "
        "I'll ask how it went when its time is up.\n\n"
        f"💡 <i>{escape(cue)}</i>"
    )


def voice_paused_hint() -> str:
    """Added to the paused screen: the bot can't pause the player."""
    return "Pause the voice note too; tap Resume when you play it again."
