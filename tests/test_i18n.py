"""handlers.views.i18n: language resolution, catalogs compiled at first use, plurals and dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from handlers.views import i18n

RU_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: PLURALS\\n"

msgid "Done"
msgstr "Готово"

msgid "about {n} minute"
msgid_plural "about {n} minutes"
msgstr[0] "около {n} минуты"
msgstr[1] "около {n} минут"
msgstr[2] "около {n} минут"
""".replace(
    "PLURALS",
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
)


@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(RU_PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalog.cache_clear()
    yield tmp_path
    i18n.catalog.cache_clear()


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("ru", "ru"),
        ("es-419", "es"),
        ("pt-br", "pt"),
        ("pt-BR", "pt"),
        ("de-CH", "de"),
        ("en-US", "en"),
        ("uk", "en"),
        ("zh-hans", "en"),
        ("xx", "en"),
        ("", "en"),
        (None, "en"),
        ("not a code at all", "en"),
    ],
)
def test_resolve_follows_the_client_and_falls_back_to_english(
    code: str | None, language: str
) -> None:
    assert i18n.resolve(code) == language


def test_messages_plurals_and_fallback(catalogs: Path) -> None:
    with i18n.speaking("ru"):
        assert i18n._("Done") == "Готово"
        assert i18n._("Not in the catalog") == "Not in the catalog"
        forms = [i18n.ngettext("about {n} minute", "about {n} minutes", n) for n in (1, 2, 5, 21)]
        assert forms == [
            "около {n} минуты",
            "около {n} минут",
            "около {n} минут",
            "около {n} минуты",
        ]
    with i18n.speaking("en"):
        assert i18n.ngettext("about {n} minute", "about {n} minutes", 1) == "about {n} minute"
        assert i18n.ngettext("about {n} minute", "about {n} minutes", 2) == "about {n} minutes"
    assert i18n.current() == "en"


def test_unknown_language_speaks_the_default() -> None:
    with i18n.speaking("klingon"):
        assert i18n.current() == "en"


def test_dates_in_the_users_language() -> None:
    day = date(2026, 11, 24)
    with i18n.speaking("en"):
        assert i18n.day_label(day) == "Tue 24 Nov"
    with i18n.speaking("ru"):
        assert i18n.weekday_name(day) == "вторник"
    with i18n.speaking("de"):
        assert i18n.weekday_name(day) == "Dienstag"
    with i18n.speaking("pt"):
        assert i18n.weekday_name(day) == "terça-feira"
