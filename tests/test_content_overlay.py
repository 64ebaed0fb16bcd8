"""Content overlays per language: strict loading, the skeleton, and views speaking them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from content import ContentError, load_program
from content.overlay import load_overlay, load_translations, overlay_path, skeleton
from handlers.views.i18n import LANGUAGES
from tests.handlerkit import running_kit
from tests.test_onboarding import START, onboard
from tests.test_screens_by_language import onboard_any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts import content_skeleton  # noqa: E402

PROGRAM = load_program()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "medial.ru.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_template_is_up_to_date_and_loads_as_the_english_content() -> None:
    assert content_skeleton.main(["--check"]) == 0
    assert load_overlay(PROGRAM, content_skeleton.TEMPLATE) == PROGRAM


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_overlay_in_the_repository_loads(language: str) -> None:
    path = overlay_path(language)
    if not path.is_file():
        pytest.skip(f"no {path.name} yet: {language} speaks the English content")
    translated = load_overlay(PROGRAM, path)
    assert [p.key for p in translated.presets] == [p.key for p in PROGRAM.presets]


def test_an_overlay_replaces_texts_only(tmp_path: Path) -> None:
    text = skeleton(PROGRAM).replace(
        '"Tighten the knee of the working leg."', '"Напрягите колено рабочей ноги."'
    )
    translated = load_overlay(PROGRAM, write(tmp_path, text))
    assert translated.cues_for(translated.preset("rehab")) != PROGRAM.cues_for(
        PROGRAM.preset("rehab")
    ) or "Напрягите колено рабочей ноги." in [c.text for c in translated.cues]
    assert [c.key for c in translated.cues] == [c.key for c in PROGRAM.cues]
    assert translated.preset("rehab").cadence == PROGRAM.preset("rehab").cadence
    assert load_translations(PROGRAM, ["ru", "de"], base=tmp_path / "medial.toml").keys() == {"ru"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t + '\n[cues.no_such_cue]\ntext = "x"\n', "cues.no_such_cue: unknown key"),
        (lambda t: t.replace('title = "Medial leg raise"\n', ""), "title: missing"),
        (
            lambda t: t.replace("Lie on your {side} side", "Lie on your {lado} side", 1),
            "setup: placeholders must be {side}",
        ),
        (lambda t: t.replace('short = "Sampson"', "short = 3"), "sources.sampson.short"),
        (lambda t: t.replace('short = "Sampson"', 'short = "<b>S</b>"'), "HTML"),
        (
            lambda t: (
                t.replace("[[mistakes]]", "[[mistakes]]\n", 1)
                + '\n[[mistakes]]\nmistake = "x"\nfix = "y"\n'
            ),
            "mistakes: expected",
        ),
        (lambda t: t + "\nnot toml = = \n", "invalid TOML"),
    ],
)
def test_a_bad_overlay_names_file_and_field(tmp_path: Path, change: object, message: str) -> None:
    assert callable(change)
    path = write(tmp_path, change(skeleton(PROGRAM)))
    with pytest.raises(ContentError) as caught:
        load_overlay(PROGRAM, path)
    assert str(caught.value).startswith("medial.ru.toml: ")
    assert message in str(caught.value)


async def test_views_speak_the_users_content_language(tmp_path: Path) -> None:
    text = skeleton(PROGRAM).replace(
        '"Tighten the knee of the working leg."', '"Напрягите колено рабочей ноги."'
    )
    translated = load_overlay(PROGRAM, write(tmp_path, text))
    async with running_kit(tmp_path / "db.sqlite3", START) as kit:
        kit.app.bot_data.translations = {"ru": translated}
        english, russian = kit.chat(41, "En"), kit.chat(42, "Ru", "ru")
        await onboard(english)
        await onboard_any(russian)
        assert "Напрягите колено" in (await russian.send("/cues"))[-1].text
        assert "Tighten the knee" in (await english.send("/cues"))[-1].text
