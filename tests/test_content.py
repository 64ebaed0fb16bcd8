"""Tests for the coaching content: every file loads, broken files fail naming file and field."""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import content
from content import ContentError, Preset, Program, load_program
from content.load import DEFAULT_PATH, _display_name

CONTENT_DIR = Path(content.__file__).parent
CONTENT_FILES = sorted(CONTENT_DIR.glob("*.toml"))


# --- helpers -------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    """Render a value as inline TOML (enough for the shapes content files use)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes (\", \\, \n, \uXXXX) are valid TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _dump(data: dict[str, Any]) -> str:
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items())


def _real_data() -> dict[str, Any]:
    with DEFAULT_PATH.open("rb") as handle:
        return tomllib.load(handle)


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(_dump(data), encoding="utf-8")
    return path


def _walk(obj: object, path: str = "") -> list[tuple[str, str]]:
    """Every string in a loaded Program with its field path."""
    if isinstance(obj, str):
        return [(path, obj)]
    if isinstance(obj, tuple):
        return [item for i, value in enumerate(obj) for item in _walk(value, f"{path}[{i}]")]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [
            item
            for f in dataclasses.fields(obj)
            for item in _walk(getattr(obj, f.name), f"{path}.{f.name}".lstrip("."))
        ]
    return []


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program()


# --- every file loads --------------------------------------------------------------------------


def test_content_dir_has_the_medial_program():
    assert DEFAULT_PATH in CONTENT_FILES


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.name)
def test_every_content_file_loads(path: Path):
    loaded = load_program(path)
    assert loaded.slug == path.stem
    assert loaded.presets
    assert loaded.preset(loaded.default_preset).key == loaded.default_preset


def test_default_path_is_medial(program: Program):
    assert program == load_program(DEFAULT_PATH)
    assert program.slug == "medial"


def test_round_trip_helper_preserves_real_content(tmp_path: Path):
    # The broken-file tests below rely on _dump writing the same program back.
    assert load_program(_write(tmp_path, _real_data())) == load_program()


# --- broken files fail, naming file and field -------------------------------------------------


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _delete(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


SET_CASES: list[tuple[tuple[str | int, ...], Any, str, str]] = [
    # (where, new value, field named in the message, words in the message)
    (
        ("presets", 1, "cadence", "lift_s"),
        0,
        "presets[1].cadence.lift_s",
        "expected a positive integer, got 0",
    ),
    (
        ("presets", 0, "cadence", "rest_s"),
        -5,
        "presets[0].cadence.rest_s",
        "positive integer, got -5",
    ),
    (
        ("presets", 0, "cadence", "hold_s"),
        -1,
        "presets[0].cadence.hold_s",
        "non-negative integer, got -1",
    ),
    (
        ("presets", 0, "cadence", "lower_s"),
        2.5,
        "presets[0].cadence.lower_s",
        "positive integer, got 2.5",
    ),
    (
        ("presets", 0, "cadence", "lift_s"),
        True,
        "presets[0].cadence.lift_s",
        "positive integer, got true",
    ),
    (
        ("presets", 0, "cadence", "lift_s"),
        3600,
        "presets[0].cadence.lift_s",
        "at most 60, got 3600",
    ),
    (
        ("presets", 2, "cadence", "four_count"),
        "yes",
        "presets[2].cadence.four_count",
        "expected true or false, got 'yes'",
    ),
    (("presets", 0, "sets"), "3", "presets[0].sets", "positive integer, got '3'"),
    (("presets", 0, "sets"), 0, "presets[0].sets", "positive integer, got 0"),
    (("presets", 1, "reps"), 12, "presets[1].reps", "12 is outside reps_range 5..10"),
    (("presets", 1, "reps"), 4, "presets[1].reps", "4 is outside reps_range 5..10"),
    (("presets", 0, "reps_range"), [10], "presets[0].reps_range", "expected [low, high]"),
    (("presets", 0, "reps_range"), [12, 8], "presets[0].reps_range", "low 12 is above high 8"),
    (("presets", 0, "reps_range"), [0, 10], "presets[0].reps_range[0]", "positive integer, got 0"),
    (("presets", 0, "reps_range"), "10..10", "presets[0].reps_range", "expected an array"),
    (("presets", 0, "position"), "standing", "presets[0].position", "expected 'side' or 'back'"),
    (("presets", 0, "label"), "", "presets[0].label", "expected a non-empty string, got ''"),
    (("presets", 0, "label"), "   ", "presets[0].label", "non-empty string"),
    (("presets", 0, "label"), " Knee rehab", "presets[0].label", "leading or trailing whitespace"),
    (("presets", 0, "label"), 7, "presets[0].label", "expected a string, got 7"),
    (("presets", 0, "label"), "x" * 1001, "presets[0].label", "1001 characters long"),
    (("presets", 0, "label"), "<b>Knee</b> rehab", "presets[0].label", "HTML markup"),
    (("presets", 0, "label"), "Knee &amp; hip", "presets[0].label", "HTML markup"),
    (("presets", 0, "key"), "Knee Rehab", "presets[0].key", "lowercase key"),
    (
        ("presets", 1, "key"),
        "rehab",
        "presets[1].key",
        "duplicate preset key 'rehab' (also presets[0])",
    ),
    (("presets", 0, "steps"), [], "presets[0].steps", "non-empty array"),
    (
        ("presets", 0, "steps", 2),
        "Lie down",
        "presets[0].steps[2]",
        "expected a table, got 'Lie down'",
    ),
    (
        ("presets", 0, "steps", 3, "text"),
        "Lift {leg} up",
        "presets[0].steps[3].text",
        "stray brace",
    ),
    (("presets", 0, "cadence"), 2, "presets[0].cadence", "expected a table, got 2"),
    (
        ("presets", 0, "setup"),
        "Lie on your side.",
        "presets[0].setup",
        "expected the placeholder {side}",
    ),
    (
        ("presets", 0, "setup"),
        "Lie on your {Side} side.",
        "presets[0].setup",
        "expected the placeholder {side}",
    ),
    (
        ("presets", 0, "setup"),
        "Lie on your {side} side, {leg} up.",
        "presets[0].setup",
        "only placeholder allowed is {side}",
    ),
    (
        ("presets", 0, "setup"),
        "Lie on your {side!r} side.",
        "presets[0].setup",
        "expected the placeholder {side}",
    ),
    (
        ("presets", 1, "change_side"),
        "Roll to your {side}} side.",
        "presets[1].change_side",
        "stray brace",
    ),
    (
        ("presets", 1, "change_side"),
        "Roll to your {{side}} side.",
        "presets[1].change_side",
        "stray brace",
    ),
    (
        ("presets", 2, "change_side"),
        "Now your {} leg, {side}.",
        "presets[2].change_side",
        "stray brace",
    ),
    (
        ("default_preset",),
        "advanced",
        "default_preset",
        "no preset has key 'advanced' (keys: rehab, army, beginner)",
    ),
    (("slug",), "", "slug", "lowercase key"),
    (
        ("purpose",),
        "Cures {everything}",
        "purpose",
        "placeholders are only allowed in setup and change_side",
    ),
    (("cues",), [], "cues", "non-empty array"),
    (("cues",), "Hips stacked", "cues", "expected an array, got 'Hips stacked'"),
    (("cues", 3), 4, "cues[3]", "expected a string, got 4"),
    (("side_only_cues", 0), "Lie on a bed.", "side_only_cues[0]", "not one of the cues"),
    (("mistakes", 1, "fix"), "", "mistakes[1].fix", "non-empty string"),
    (("variations", 4, "advanced"), 1, "variations[4].advanced", "expected true or false, got 1"),
    (("progression",), [2, 3, 5], "progression", "expected a table, got an array"),
    (
        ("progression", "holds_s"),
        [2, 5, 3],
        "progression.holds_s[2]",
        "strictly increasing ladder, got 3 after 5",
    ),
    (("progression", "reps"), [10, 0], "progression.reps[1]", "positive integer, got 0"),
    (("progression", "weight"), 2, "progression.weight", "expected a string, got 2"),
]


@pytest.mark.parametrize(("where", "value", "field", "words"), SET_CASES, ids=lambda x: str(x)[:40])
def test_bad_value_names_file_and_field(tmp_path: Path, where, value, field, words):
    data = _real_data()
    _set(data, where, value)
    path = _write(tmp_path, data)
    with pytest.raises(ContentError) as caught:
        load_program(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {field}: "), message
    assert words in message


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (("title",), "title"),
        (("progression",), "progression"),
        (("presets", 2, "cadence", "rest_s"), "presets[2].cadence.rest_s"),
        (("presets", 0, "steps", 0, "title"), "presets[0].steps[0].title"),
        (("variations", 0, "advanced"), "variations[0].advanced"),
        (("mistakes", 6, "mistake"), "mistakes[6].mistake"),
    ],
)
def test_missing_key_names_file_and_field(tmp_path: Path, where, field):
    data = _real_data()
    _delete(data, where)
    path = _write(tmp_path, data)
    with pytest.raises(ContentError, match=re.escape(f"{path}: {field}: missing key")):
        load_program(path)


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (("colour",), "colour"),
        (("presets", 1, "cadance"), "presets[1].cadance"),
        (("presets", 0, "cadence", "hold_ms"), "presets[0].cadence.hold_ms"),
        (("presets", 2, "steps", 1, "image"), "presets[2].steps[1].image"),
        (("progression", "weights"), "progression.weights"),
    ],
)
def test_unknown_key_names_file_and_field(tmp_path: Path, where, field):
    data = _real_data()
    _set(data, where, "typo")
    path = _write(tmp_path, data)
    with pytest.raises(ContentError, match=re.escape(f"{path}: {field}: unknown key")):
        load_program(path)


def test_unknown_key_lists_the_expected_ones(tmp_path: Path):
    data = _real_data()
    cadence = data["presets"][0]["cadence"]
    cadence["hold"] = cadence.pop("hold_s")
    path = _write(tmp_path, data)
    with pytest.raises(ContentError) as caught:
        load_program(path)
    assert "presets[0].cadence.hold: unknown key" in str(caught.value)
    assert "hold_s" in str(caught.value)


def test_invalid_toml_names_the_file(tmp_path: Path):
    path = tmp_path / "syntax.toml"
    path.write_text('slug = "medial"\ntitle = "unterminated\n', encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(f"{path}: invalid TOML")):
        load_program(path)


def test_non_utf8_file_names_the_file(tmp_path: Path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "Knie\u00fcbung"\n'.encode("latin-1"))
    with pytest.raises(ContentError, match=re.escape(f"{path}: invalid TOML")):
        load_program(path)


def test_missing_file_names_the_file(tmp_path: Path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ContentError, match=re.escape(f"{path}: cannot read file")):
        load_program(path)


def test_empty_file_reports_the_first_missing_key(tmp_path: Path):
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(f"{path}: slug: missing key")):
        load_program(path)


def test_content_error_is_a_value_error():
    assert issubclass(ContentError, ValueError)


def test_unchanged_copy_still_loads(tmp_path: Path):
    # Guards the mutation tests: they fail because of the mutation, not the harness.
    data = copy.deepcopy(_real_data())
    assert load_program(_write(tmp_path, data)).presets[1].cadence.lift_s == 2


# --- sanity of the real program -----------------------------------------------------------------


def _dose(preset: Preset) -> tuple[object, ...]:
    c = preset.cadence
    return (
        preset.position,
        preset.sets,
        preset.reps,
        preset.reps_range,
        (c.lift_s, c.hold_s, c.lower_s, c.pause_s, c.rest_s, c.four_count),
    )


def test_three_presets_with_the_spec_doses(program: Program):
    assert [p.key for p in program.presets] == ["rehab", "army", "beginner"]
    assert program.default_preset == "rehab"
    rehab, army, beginner = program.presets
    assert _dose(rehab) == ("side", 3, 10, (10, 10), (2, 2, 2, 1, 45, False))
    assert _dose(army) == ("side", 1, 10, (5, 10), (2, 0, 2, 0, 20, True))
    assert _dose(beginner) == ("back", 2, 5, (5, 5), (2, 2, 3, 1, 30, False))


def test_presets_carry_labels_sources_and_spec_figures(program: Program):
    rehab, army, beginner = (program.preset(k) for k in ("rehab", "army", "beginner"))
    assert rehab.label == "Knee rehab"
    assert "Eric Sampson" in rehab.source
    for figure in ("2–3 sets", "10", "2–3 inches", "2 s", "alternating days"):
        assert figure in rehab.summary
    assert "2–3 inches" in rehab.height

    assert army.label == "Army PRT, Hip Stability Drill"
    assert "Army" in army.source and "Hip Stability Drill" in army.source
    for figure in ("4-count", "6–8 inches", "5–10"):
        assert figure in army.summary
    assert "6–8 inches" in army.height
    assert army.change_side.startswith("Change position")

    assert beginner.label == "Beginner, lying on your back"
    assert "George N." in beginner.source
    assert "2 sets of 5" in beginner.summary and "2 s" in beginner.summary
    # The article's 90-degree target is attributed, not prescribed.
    assert "comfortable" in beginner.height and "90" in beginner.height
    assert "article" in beginner.height


def test_each_preset_has_five_to_seven_learn_steps(program: Program):
    for preset in program.presets:
        assert 5 <= len(preset.steps) <= 7, preset.key
        titles = [step.title for step in preset.steps]
        assert len(set(titles)) == len(titles), preset.key
        assert titles[0] == "Starting position"
        joined = " ".join(step.text.lower() for step in preset.steps)
        assert "breathe out" in joined and "breathe" in joined
        assert "hold your breath" in joined


@pytest.mark.parametrize("side", ["left", "right"])
def test_every_template_formats(program: Program, side: str):
    for preset in program.presets:
        for template in (preset.setup, preset.change_side):
            text = template.format(side=side)
            assert side in text
            assert "{" not in text and "}" not in text
            assert text[0].isupper()


def test_setup_names_the_side_and_position(program: Program):
    for preset in program.presets:
        setup = preset.setup.format(side="left")
        if preset.position == "side":
            assert "left side" in setup, preset.key
        else:
            assert "on your back" in setup and "left leg" in setup, preset.key


def test_no_text_is_too_long(program: Program):
    strings = _walk(program)
    assert len(strings) > 80  # the walk really reaches every text
    for field, text in strings:
        assert 0 < len(text) <= 1000, field


def test_no_html_in_texts(program: Program):
    # Texts are plain; the renderer escapes. Anything tag-like would show up literally.
    for field, text in _walk(program):
        assert "<" not in text and ">" not in text, field
        assert not re.search(r"&\w+;", text), field


def test_longest_list_message_fits_telegram(program: Program):
    # /cues, /mistakes and /variations each send the whole list in one message.
    cues = "\n".join(program.cues)
    mistakes = "\n".join(f"{m.mistake}: {m.fix}" for m in program.mistakes)
    variations = "\n".join(f"{v.name}: {v.text}" for v in program.variations)
    intro = "\n".join((program.title, program.purpose, program.safety, program.consent))
    for text in (cues, mistakes, variations, intro):
        assert len(html.escape(text)) < 3000


def test_cues_cover_the_spec_checklist(program: Program):
    assert 9 <= len(program.cues) <= 11
    joined = " ".join(program.cues).lower()
    for phrase in (
        "hips stacked",
        "roll back",
        "top leg out of the way",
        "tighten the knee",
        "no swinging",
        "rest fully",
        "breathe out as you lift",
        "breathe in as you lower",
        "don't hold your breath",
        "don't arch",
        "without your hips moving",
    ):
        assert phrase in joined, phrase
    assert all(len(cue) <= 100 for cue in program.cues)


def test_mistakes_have_fixes(program: Program):
    assert 5 <= len(program.mistakes) <= 7
    names = " ".join(m.mistake.lower() for m in program.mistakes)
    for word in ("hips back", "swinging", "breath", "arching", "upper body", "too high", "resting"):
        assert word in names, word


def test_variations_progressions_and_advanced(program: Program):
    by_name = {v.name: v for v in program.variations}
    for name in ("Longer hold", "More reps", "Ankle weight", "Side-lying version"):
        assert not by_name[name].advanced
    advanced = [v for v in program.variations if v.advanced]
    assert {v.name for v in advanced} == {
        "Swiss ball medial leg raise",
        "Hanging medial leg raise",
    }
    for variation in advanced:
        assert "no instructions" in variation.text
        assert "advanced" in variation.text.lower()


def test_progression_ladder(program: Program):
    assert program.progression.holds_s == (2, 3, 5)
    assert program.progression.reps == (10, 12, 15)
    assert program.progression.weight == "a light ankle weight"
    rehab = program.preset("rehab")
    # The ladders start where the default dose is.
    assert program.progression.holds_s[0] == rehab.cadence.hold_s
    assert program.progression.reps[0] == rehab.reps


def test_program_texts_for_onboarding(program: Program):
    purpose = program.purpose
    for fact in ("adductor", "VMO", "quadriceps", "knee", "Hip Stability Drill", "Eric Sampson"):
        assert fact in purpose, fact
    assert "knee or hip condition" in program.safety
    assert "sharp pain" in program.safety
    for command in ("/export", "/delete"):
        assert command in program.consent


def test_no_invented_claims(program: Program):
    # The sources promise nothing of the sort; the fitness blog's core/posture claims are omitted.
    banned = re.compile(
        r"\b(cure[sd]?|heal[s]?|guarantee[sd]?|core|posture|prevent[s]?|injur)", re.I
    )
    for field, text in _walk(program):
        assert not banned.search(text), (field, text)


def test_unknown_preset_falls_back_to_default(program: Program):
    assert program.preset("nope").key == "rehab"
    assert program.preset("army").key == "army"


def test_program_is_frozen(program: Program):
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.slug = "other"  # type: ignore[misc]


def test_messages_name_repo_files_relative_to_the_repository():
    assert _display_name(DEFAULT_PATH) == "content/medial.toml"
    assert _display_name(Path("/elsewhere/x.toml")) == "/elsewhere/x.toml"


def test_back_lying_sets_leave_out_side_lying_cues(program: Program):
    side = program.cues_for(program.preset("rehab"))
    back = program.cues_for(program.preset("beginner"))
    assert side == program.cues
    assert not any("top leg" in cue.lower() or "roll back" in cue.lower() for cue in back)
    assert len(back) == len(program.cues) - len(program.side_only_cues) >= 6
