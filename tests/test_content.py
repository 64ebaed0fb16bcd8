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
from content.fields import display_name
from content.load import DEFAULT_PATH

CONTENT_DIR = Path(content.__file__).parent
# Programs only: <name>.<lang>.toml overlays and their template are tests/test_content_overlay.py's.
CONTENT_FILES = sorted(p for p in CONTENT_DIR.glob("*.toml") if "." not in p.stem)


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
    (("cues", 3), 4, "cues[3]", "expected a table, got 4"),
    (("cues", 0, "positions", 0), "standing", "cues[0].positions[0]", "expected 'side' or"),
    (("cues", 0, "source"), "blog", "cues[0].source", "no source has key 'blog'"),
    (("presets", 0, "cues", 0), "nope", "presets[0].cues[0]", "no cue has key 'nope'"),
    # The Army drill returns the leg to the start: a "don't rest it" cue contradicts it.
    (("presets", 1, "cues", 0), "no_rest", "presets[1].cues[0]", "contradicts this preset"),
    (("presets", 2, "cues", 0), "hips_stacked", "presets[2].cues[0]", "lying on the side"),
    (("presets", 2, "cues", 1), "back_flat", "presets[2].cues[1]", "repeats cue 'back_flat'"),
    (("mistakes", 1, "fix"), "", "mistakes[1].fix", "non-empty string"),
    (("mistakes", 1, "presets", 0), "pilates", "mistakes[1].presets[0]", "expected 'rehab'"),
    (("variations", 4, "advanced"), 1, "variations[4].advanced", "expected true or false, got 1"),
    (("presets", 0, "ladder"), [2, 3, 5], "presets[0].ladder", "expected a table, got an array"),
    (
        ("presets", 0, "ladder", "holds_s"),
        [2, 5, 3],
        "presets[0].ladder.holds_s[2]",
        "strictly increasing ladder, got 3 after 5",
    ),
    (("presets", 0, "ladder", "reps"), [10, 0], "presets[0].ladder.reps[1]", "got 0"),
    (("presets", 0, "ladder", "weight"), 2, "presets[0].ladder.weight", "expected a string"),
    (
        ("presets", 0, "ladder", "reps"),
        [12, 15],
        "presets[0].ladder.reps",
        "must include the preset's own reps (10)",
    ),
    (
        ("presets", 1, "ladder", "reps"),
        [5, 8, 10, 12, 15],
        "presets[1].ladder.reps[3]",
        "12 reps is past the source's limit of 10",
    ),
    (
        ("presets", 1, "ladder", "weight"),
        "a light ankle weight",
        "presets[1].ladder.weight",
        "source names no weight",
    ),
    (
        ("presets", 2, "ladder", "weight"),
        "a light ankle weight",
        "presets[2].ladder.weight",
        "no ankle weight on a raise lying on the back",
    ),
    (
        ("presets", 1, "ladder", "holds_s"),
        [2, 3],
        "presets[1].ladder.holds_s",
        "this preset has no hold",
    ),
    (
        ("presets", 0, "ladder", "levers", 0),
        "speed",
        "presets[0].ladder.levers[0]",
        "expected 'hold' or 'reps' or 'weight'",
    ),
    (
        ("presets", 1, "steps", 0, "text"),
        "Lie on your {side} side, {leg} up.",
        "presets[1].steps[0].text",
        "only placeholders allowed here are {side} and {other}",
    ),
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
        (("presets", 0, "ladder"), "presets[0].ladder"),
        (("presets", 1, "between_reps"), "presets[1].between_reps"),
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
        (("presets", 0, "ladder", "weights"), "presets[0].ladder.weights"),
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
    assert "Eric Sampson" in program.source(rehab.source).name
    for figure in ("2–3 sets", "10", "2–3 inches", "2 s", "alternating days"):
        assert figure in rehab.summary
    assert "2–3 inches" in rehab.height

    assert army.label == "Army PRT, Hip Stability Drill"
    army_source = program.source(army.source).name
    assert "Army" in army_source and "Hip Stability Drill" in army_source
    for figure in ("4-count", "6–8 inches", "5–10"):
        assert figure in army.summary
    assert "6–8 inches" in army.height
    assert army.change_side.startswith("Change position")

    assert beginner.label == "Beginner, lying on your back"
    assert "George N." in program.source(beginner.source).name
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
        if field.endswith((".one_leg", ".ladder.weight")) and not text:
            continue  # "": the two-leg text fits one leg too; a ladder without a weight
        assert 0 < len(text) <= 1000, field


def test_no_html_in_texts(program: Program):
    # Texts are plain; the renderer escapes. Anything tag-like would show up literally.
    for field, text in _walk(program):
        assert "<" not in text and ">" not in text, field
        assert not re.search(r"&\w+;", text), field


def test_longest_list_message_fits_telegram(program: Program):
    # /cues, /mistakes and /variations each send the whole list in one message.
    for preset in program.presets:
        cues = "\n".join(program.cues_for(preset))
        mistakes = "\n".join(f"{m.mistake}: {m.fix}" for m in program.mistakes_for(preset))
        variations = "\n".join(f"{v.name}: {v.text}" for v in program.variations_for(preset))
        for text in (cues, mistakes, variations):
            assert len(html.escape(text)) < 3000
    intro = "\n".join((program.title, program.purpose, program.safety, program.consent))
    assert len(html.escape(intro)) < 3000


def test_side_lying_cues_cover_the_spec_checklist(program: Program):
    joined = " ".join(program.cues_for(program.preset("rehab"))).lower()
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
    assert all(len(cue.text) <= 100 for cue in program.cues)


def test_army_cues_follow_the_drill(program: Program):
    # Counts 2 and 4 return to the starting position: nothing may say "don't rest the leg".
    army = " ".join(program.cues_for(program.preset("army"))).lower()
    assert "rest fully" not in army and "just above" not in army
    assert "back to the starting position" in army
    assert "6–8 inches" in army
    assert "2–3 inches" not in army


def test_beginner_cues_keep_the_lower_back_flat(program: Program):
    beginner = program.preset("beginner")
    cues = " ".join(program.cues_for(beginner)).lower()
    assert "lower back flat" in cues
    assert "rest fully" not in cues and "top leg" not in cues and "roll back" not in cues
    steps = " ".join(step.text + step.one_leg for step in beginner.steps).lower()
    assert "just above the floor" not in steps
    assert "flat on the floor" in steps


def test_every_preset_has_its_own_purpose(program: Program):
    beginner = program.preset("beginner").purpose.lower()
    assert "inner thigh" not in beginner.replace("not the side-lying inner-thigh", "")
    assert "abdomin" in beginner and "hip flexors" in beginner
    rehab = program.preset("rehab").purpose
    assert "adductors" in rehab and "VMO" in rehab
    assert "Hip Stability Drill" in program.preset("army").purpose


def test_mistakes_have_fixes(program: Program):
    names = " ".join(m.mistake.lower() for m in program.mistakes_for(program.preset("rehab")))
    for word in ("hips back", "swinging", "breath", "arching", "upper body", "too high", "resting"):
        assert word in names, word
    army = " ".join(m.mistake.lower() for m in program.mistakes_for(program.preset("army")))
    assert "resting" not in army
    for preset in program.presets:
        assert 4 <= len(program.mistakes_for(preset)) <= 8


def test_variations_progressions_and_advanced(program: Program):
    by_name = {v.name: v for v in program.variations_for(program.preset("rehab"))}
    for name in ("Longer hold", "More reps", "Ankle weight"):
        assert not by_name[name].advanced
        assert "Sampson" in by_name[name].text
    beginner = program.variations_for(program.preset("beginner"))
    assert not any(v.name == "Ankle weight" for v in beginner)
    assert any(v.name == "Side-lying version" for v in beginner)
    advanced = [v for v in program.variations if v.advanced]
    assert {v.name for v in advanced} == {
        "Swiss ball medial leg raise",
        "Hanging medial leg raise",
    }
    for variation in advanced:
        assert "no instructions" in variation.text
        assert "advanced" in variation.text.lower()


def test_progression_ladders(program: Program):
    rehab = program.preset("rehab").ladder
    assert rehab.holds_s == (2, 3, 5)
    assert rehab.reps == (10, 12, 15)
    assert rehab.weight == "a light ankle weight"
    army = program.preset("army").ladder
    assert max(army.reps) == 10 and not army.holds_s and not army.weight
    beginner = program.preset("beginner").ladder
    assert beginner.reps == (5, 8, 10) and not beginner.weight
    for preset in program.presets:
        assert preset.reps in preset.ladder.reps
        assert preset.cadence.hold_s == 0 or preset.cadence.hold_s in preset.ladder.holds_s


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
    assert display_name(DEFAULT_PATH) == "content/medial.toml"
    assert display_name(Path("/elsewhere/x.toml")) == "/elsewhere/x.toml"


def test_back_lying_sets_leave_out_side_lying_cues(program: Program):
    back = program.preset("beginner").cues
    assert all("back" in cue.positions for cue in back)
    assert not any("top leg" in cue.text.lower() or "roll back" in cue.text.lower() for cue in back)
    assert len(back) >= 6
