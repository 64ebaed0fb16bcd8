"""The user's language: from the Telegram app, /language and /settings, export, delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.views import i18n
from handlers.views import language as language_views
from tests.handlerkit import running_kit
from tests.test_onboarding import START, onboard
from tests.test_privacy import parse_export
from tests.test_screens_by_language import onboard_any

DE_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "<b>Language</b>\\nChoose the language I speak to you in:"
msgstr "<b>Sprache</b>\\nIn welcher Sprache soll ich mit dir sprechen?"

msgid "✅ I'll speak {language} from now on. /settings changes it again."
msgstr "✅ Ab jetzt spreche ich {language}. /settings ändert das wieder."

msgid "⏰ <b>Training day!</b>"
msgstr "⏰ <b>Trainingstag!</b>"

msgid "Today: {dose}, about {minutes} minute."
msgid_plural "Today: {dose}, about {minutes} minutes."
msgstr[0] "Heute: {dose}, etwa {minutes} Minute."
msgstr[1] "Heute: {dose}, etwa {minutes} Minuten."
"""


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A German catalog with the /language words translated."""
    folder = tmp_path / "locales" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(DE_PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    i18n.catalog.cache_clear()
    yield
    i18n.catalog.cache_clear()


async def test_new_user_gets_the_telegram_app_language(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard_any(kit.chat(42, "Ann", "pt-br"))
        await onboard_any(kit.chat(43, "Bo", "uk"))
        await onboard_any(kit.chat(44, "Cy"))
        assert (await kit.storage.get_user(42)).language == "pt"
        assert (await kit.storage.get_user(43)).language == "en"
        assert (await kit.storage.get_user(44)).language == "en"


async def test_language_offers_own_names_and_stores_the_choice(
    tmp_path: Path, german: None
) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "en-US")
        await onboard(chat)
        menu = (await chat.send("/language"))[-1]
        labels = [label for label, _ in menu.buttons()]
        assert labels == ["✅ English", "Русский", "Español", "Deutsch", "Português"]
        assert [data for _, data in menu.buttons()] == [
            "lang:en",
            "lang:ru",
            "lang:es",
            "lang:de",
            "lang:pt",
        ]
        # The very next screen is in the new language.
        confirmed = (await chat.press(menu, "lang:de"))[-1]
        assert "Ab jetzt spreche ich Deutsch" in confirmed.text
        assert (await kit.storage.get_user(42)).language == "de"
        again = (await chat.send("/language"))[-1]
        assert again.text.startswith("<b>Sprache</b>")
        assert "✅ Deutsch" in [label for label, _ in again.buttons()]
        export = [s for s in await chat.send("/export") if s.document][-1]
        assert export.document is not None
        assert parse_export(export.document)[1]["language"] == "de"
        back = (await chat.press(again, "lang:en"))[-1]
        assert "I'll speak English" in back.text


async def test_settings_row_switches_and_redraws_the_panel(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "de")
        await onboard_any(chat)
        panel = (await chat.send("/settings"))[-1]
        with i18n.speaking("de"):
            assert language_views.language_line("de") in panel.text
        menu = (await chat.press(panel, "lang:menu"))[-1]
        assert ("Español", "lang:es:s") in menu.buttons()
        redrawn = (await chat.press(menu, "lang:es:s"))[-1]
        with i18n.speaking("es"):
            assert language_views.language_line("es") in redrawn.text
        assert (await kit.storage.get_user(42)).language == "es"


async def test_choice_before_consent_is_stored_at_consent(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "ru")
        menu = (await chat.send("/language"))[-1]
        await chat.press(menu, "lang:es")
        assert await kit.storage.get_user(42) is None
        await onboard_any(chat)
        assert (await kit.storage.get_user(42)).language == "es"


async def test_delete_forgets_the_choice(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "ru")
        await onboard_any(chat)
        await chat.press((await chat.send("/language"))[-1], "lang:de")
        confirm = (await chat.send("/delete"))[-1]
        await chat.press(confirm, confirm.buttons()[0][1])
        assert await kit.storage.get_user(42) is None
        assert 42 not in kit.app.bot_data.languages or kit.app.bot_data.languages[42] == ""
        # Back without a stored choice: the Telegram app's language again.
        await onboard_any(chat)
        assert (await kit.storage.get_user(42)).language == "ru"


async def test_forged_language_is_a_stale_button(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42)
        await onboard(chat)
        menu = (await chat.send("/language"))[-1]
        await chat.forge(menu, "lang:xx")
        assert (await kit.storage.get_user(42)).language == "en"


async def test_a_chosen_language_gets_its_own_chat_menu(tmp_path: Path) -> None:
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        chat = kit.chat(42, "Ann", "ru")
        await onboard_any(chat)
        menu = (await chat.send("/language"))[-1]
        await chat.press(menu, "lang:de")
        method, params = [c for c in kit.request.calls if "MyCommands" in c[0]][-1]
        assert method == "setMyCommands" and params["scope"]["chat_id"] == 42
        await chat.forge(menu, "lang:ru")  # back to the app's language: the chat menu goes
        assert [c for c in kit.request.calls if "MyCommands" in c[0]][-1][0] == "deleteMyCommands"


async def test_a_reminder_speaks_the_users_language(tmp_path: Path, german: None) -> None:
    from datetime import timedelta

    from tests.test_reminders import DUE, quiet

    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        await onboard(kit.chat(42, "Ann", "en"))
        await onboard_any(kit.chat(43, "Bea", "de"))
        worker = await quiet(kit)
        kit.set_now(DUE + timedelta(seconds=3))
        assert (await worker.drain()).sent == 2
        texts = {s.chat_id: s.text for s in kit.request.sent if "⏰" in s.text}
        assert texts[42].startswith("⏰ <b>Training day!</b>")
        assert "about 11 minutes" in texts[42]
        assert texts[43].startswith("⏰ <b>Trainingstag!</b>")
        assert "etwa 11 Minuten" in texts[43]
