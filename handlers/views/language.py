"""Words of /language: the languages offered by their own names, and the confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.views.i18n import LANGUAGES, _


def ask_language() -> str:
    """/language: which language the bot speaks."""
    return _("<b>Language</b>\nChoose the language I speak to you in:")


def language_keyboard(current: str, *, from_settings: bool = False) -> InlineKeyboardMarkup:
    """One button per language, labelled in that language; callback data is the code."""
    suffix = ":s" if from_settings else ""
    buttons = [
        InlineKeyboardButton(
            f"✅ {name}" if code == current else name, callback_data=f"lang:{code}{suffix}"
        )
        for code, name in LANGUAGES.items()
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def language_set(name: str) -> str:
    """After a choice (already rendered in the new language)."""
    return _("✅ I'll speak {language} from now on. /settings changes it again.").format(
        language=name
    )


def language_toast(name: str) -> str:
    """The toast of a language button."""
    return _("Language: {language}").format(language=name)


def language_line(language: str) -> str:
    """The /settings line about the language."""
    return _("Language: {language}").format(language=LANGUAGES[language])
