"""The user's language: gettext catalogs (Babel) per language, chosen per update in a ContextVar.

Catalogs are the .po files under handlers/views/locales/<lang>/LC_MESSAGES/; they are compiled in
memory the first time a language is used, so there is no manual compile step. The language of the
running update (or job) is a ContextVar: `with speaking(lang):` sets it; `_()` and `ngettext()`
read it.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT: Final = "en"
# Offered by their own names (SPEC §10); the keys are what is stored and what callback data carries.
LANGUAGES: Final[dict[str, str]] = {
    "en": "English",
    "ru": "Русский",
    "es": "Español",
    "de": "Deutsch",
    "pt": "Português",
}
# Babel locales for dates and plural rules: Portuguese is Brazilian Portuguese here.
BABEL_LOCALES: Final[dict[str, str]] = {
    "en": "en",
    "ru": "ru",
    "es": "es",
    "de": "de",
    "pt": "pt_BR",
}
LOCALES_DIR: Final = Path(__file__).resolve().parent / "locales"
DOMAIN: Final = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT)


def resolve(language_code: str | None) -> str:
    """A supported language for a Telegram language_code ("pt-br" -> "pt", "es-419" -> "es")."""
    if not language_code:
        return DEFAULT
    try:
        language = Locale.parse(language_code.strip(), sep="-").language
    except (UnknownLocaleError, ValueError, TypeError):
        language = language_code.strip().split("-")[0].lower()
    return language if language in LANGUAGES else DEFAULT


def current() -> str:
    """The language of the running update or job."""
    return _current.get()


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Render everything inside the block in `language` (unknown or None: the default)."""
    token = _current.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def use(language: str | None) -> None:
    """Set the language for the rest of the running update (a handler's task)."""
    _current.set(language if language in LANGUAGES else DEFAULT)


@cache
def catalog(language: str) -> _gettext.NullTranslations:
    """The compiled catalog for a language; English (the source language) needs none."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as po_file:
        messages = read_po(po_file, locale=BABEL_LOCALES[language])
    compiled = BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """The message in the current language."""
    return catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form of a message for `n` in the current language (Russian has three)."""
    return catalog(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message in the current language, told apart by context ("left" of a leg vs a side)."""
    return catalog(current()).pgettext(context, message)


def NP_(context: str, message: str) -> str:
    """Mark a message with a context for extraction; translate with pgettext() where used."""
    return message


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; translate it with _() where it is used."""
    return message


def day_label(day: date) -> str:
    """A short weekday and date in the current language: "Tue 24 Nov", "вт 24 нояб."."""
    return format_date(day, "EEE d MMM", locale=BABEL_LOCALES[current()])


def weekday_name(day: date) -> str:
    """The full weekday in the current language: "Sunday", "воскресенье"."""
    return format_date(day, "EEEE", locale=BABEL_LOCALES[current()])
