"""Catalogs: up to date with the code, same placeholders, plural rules, valid Telegram text."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from fakeapi.entities import parse_html
from handlers.views import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import update_catalogs  # noqa: E402
from tests import wordscan  # noqa: E402

TRANSLATED = ("ru", "es", "de", "pt")
TAG = re.compile(r"</?([a-z-]+)")


def load(language: str) -> Catalog:
    """A language's .po file."""
    path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=update_catalogs.BABEL_LOCALE[language])


def fields(text: str) -> set[str]:
    """The {placeholders} of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def translations(message: Message) -> list[tuple[str, str, bool]]:
    """(source, translation, is a plural form) of each translated text of an entry."""
    if not message.id or not message.string:
        return []
    if isinstance(message.id, tuple | list):
        plural = str(message.id[1])
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        return [(plural, str(text), True) for text in strings if text]
    return [(str(message.id), str(message.string), False)]


def test_extraction_finds_nothing_missing_from_the_catalogs() -> None:
    # Every message in the code is in messages.pot and in every .po (run the script to fix).
    stale = [
        str(path.relative_to(ROOT))
        for path, text in update_catalogs.outputs().items()
        if not path.is_file() or path.read_bytes() != text
    ]
    assert stale == [], "run: python scripts/update_catalogs.py"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_has_every_message(language: str) -> None:
    with update_catalogs.TEMPLATE.open("rb") as pot:
        template = read_po(pot)
    catalog = load(language)
    missing = [m.id for m in template if m.id and catalog.get(m.id, context=m.context) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "forms", "samples"),
    [
        ("ru", 3, {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 21: 0, 22: 1, 25: 2, 111: 2}),
        ("es", 2, {0: 1, 1: 0, 2: 1, 1_000_000: 1}),
        ("de", 2, {0: 1, 1: 0, 2: 1}),
        ("pt", 2, {0: 0, 1: 0, 2: 1, 1_000_000: 1}),
    ],
)
def test_plural_forms(language: str, forms: int, samples: dict[int, int]) -> None:
    catalog = load(language)
    assert catalog.num_plurals == forms
    compiled = i18n.catalog(language)
    plural = compiled.plural  # type: ignore[attr-defined]
    assert {n: plural(n) for n in samples} == samples


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = [
        (source, text)
        for message in load(language)
        for source, text, plural in translations(message)
        # A plural form may leave out the count ("один раз"), nothing else.
        if fields(text) != fields(source) and not (plural and fields(text) <= fields(source))
    ]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_are_valid_telegram_html_within_limits(language: str) -> None:
    bad = []
    for message in load(language):
        for source, text, _plural in translations(message):
            try:
                plain, _ = parse_html(text)
            except Exception as exc:
                bad.append((text, f"invalid HTML: {exc}"))
                continue
            if len(plain) > 4096:
                bad.append((text, "over 4,096 characters"))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                bad.append((text, "tags differ from the English"))
    assert bad == []


# Not for users: operators' metric help and health texts, and /export's CSV column names and
# values (kept in English so a spreadsheet or script reads every user's file the same way).
NOT_FOR_USERS = {"web/metrics.py", "web/server.py"}
CSV_WORDS = {
    "local time",
    "set number",
    "session id",
    "session status",
    "telegram user id",
    "first name",
    "dose preset",
    "sets per leg",
    "reps per set",
    "ankle weight",
    "reminder time",
    "first training day",
    "consent given (UTC)",
    "paused until /resume",
    "paused until",
    "as the Telegram app",
}


def test_words_live_in_the_catalogs() -> None:
    # Every string a user could read goes through _(), ngettext() or N_() (or is content).
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for folder in ("handlers", "web")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in NOT_FOR_USERS
        for line, text in wordscan.unmarked_words(path)
        if not (path.name == "privacy.py" and text in CSV_WORDS)
    ]
    assert found == []
