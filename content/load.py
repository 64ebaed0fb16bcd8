"""Strict loader: content/*.toml -> Program; any unknown key or bad value is a ContentError."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from content.model import (
    Cadence,
    Mistake,
    Position,
    Preset,
    Program,
    Progression,
    Step,
    Variation,
)

DEFAULT_PATH = Path(__file__).with_name("medial.toml")

# Texts end up inside Telegram messages (4,096 characters); one item must leave room for the rest.
MAX_TEXT = 1000
MAX_SETS = 10
MAX_REPS = 100
# Phase lengths are paced one message edit per second; anything longer is a typo, not a tempo.
MAX_PHASE_S = 60
MAX_REST_S = 600

_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Plain text only: the renderer escapes everything, so markup would show up literally.
_HTML_RE = re.compile(r"<\s*/?\s*[A-Za-z!]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_PLACEHOLDER = "{side}"
_POSITIONS: tuple[Position, ...] = ("side", "back")

_PROGRAM_KEYS = (
    "slug",
    "title",
    "purpose",
    "safety",
    "consent",
    "default_preset",
    "presets",
    "cues",
    "side_only_cues",
    "mistakes",
    "variations",
    "progression",
)
_PRESET_KEYS = (
    "key",
    "label",
    "source",
    "summary",
    "position",
    "sets",
    "reps",
    "reps_range",
    "height",
    "cadence",
    "setup",
    "change_side",
    "steps",
)
_CADENCE_KEYS = ("lift_s", "hold_s", "lower_s", "pause_s", "rest_s", "four_count")
_STEP_KEYS = ("title", "text")
_MISTAKE_KEYS = ("mistake", "fix")
_VARIATION_KEYS = ("name", "text", "advanced")
_PROGRESSION_KEYS = ("holds_s", "reps", "weight")


class ContentError(ValueError):
    """Bad coaching content; the message names the file and the field path."""


def load_program(path: Path | None = None) -> Program:
    """Read and validate a program file (default: content/medial.toml)."""
    path = DEFAULT_PATH if path is None else path
    name = _display_name(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ContentError(f"{name}: cannot read file: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{name}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{name}: invalid TOML: not UTF-8 ({exc.reason})") from exc
    return _program(_Table(name, "", data, _PROGRAM_KEYS))


def _display_name(path: Path) -> str:
    """The path relative to the repository when it lies inside it, else as given."""
    root = DEFAULT_PATH.resolve().parent.parent
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _describe(value: object) -> str:
    """A short, TOML-flavoured rendering of a bad value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


class _Table:
    """One TOML table with its field path; every accessor validates and names the field."""

    def __init__(self, file: str, path: str, data: Mapping[str, object], keys: tuple[str, ...]):
        self.file = file
        self.path = path
        self.data = data
        for key in data:
            if key not in keys:
                raise self.error(key, f"unknown key (expected one of: {', '.join(keys)})")
        for key in keys:
            if key not in data:
                raise self.error(key, "missing key")

    def field(self, key: str) -> str:
        """The dotted path of a key in this table, e.g. presets[1].cadence.lift_s."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> ContentError:
        """A ContentError for a key of this table."""
        return _error(self.file, self.field(key), message)

    def text(self, key: str) -> str:
        """A non-empty plain-text string without placeholders."""
        return _text(self.file, self.field(key), self.data[key])

    def template(self, key: str) -> str:
        """A plain-text string whose only placeholder is {side}, at least once."""
        return _text(self.file, self.field(key), self.data[key], template=True)

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        """An integer in [minimum, maximum]."""
        return _integer(self.file, self.field(key), self.data[key], minimum, maximum)

    def boolean(self, key: str) -> bool:
        """A TOML boolean."""
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_describe(value)}")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        """A string from a fixed set of options."""
        value = self.data[key]
        if not isinstance(value, str) or value not in options:
            expected = " or ".join(repr(option) for option in options)
            raise self.error(key, f"expected {expected}, got {_describe(value)}")
        return value

    def identifier(self, key: str) -> str:
        """A short lowercase key (it travels in callback data and deep links)."""
        value = self.data[key]
        if not isinstance(value, str) or not _KEY_RE.fullmatch(value):
            raise self.error(
                key,
                "expected a lowercase key of letters, digits and _ (at most 32 characters), "
                f"got {_describe(value)}",
            )
        return value

    def array(self, key: str) -> list[object]:
        """A non-empty array."""
        value = self.data[key]
        if not isinstance(value, list):
            raise self.error(key, f"expected an array, got {_describe(value)}")
        if not value:
            raise self.error(key, "expected a non-empty array, got an empty one")
        return value

    def table(self, key: str, keys: tuple[str, ...]) -> _Table:
        """A sub-table with exactly these keys."""
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {_describe(value)}")
        return _Table(self.file, self.field(key), value, keys)

    def tables(self, key: str, keys: tuple[str, ...]) -> list[_Table]:
        """A non-empty array of tables, each with exactly these keys."""
        result = []
        for index, item in enumerate(self.array(key)):
            item_path = f"{self.field(key)}[{index}]"
            if not isinstance(item, dict):
                raise _error(self.file, item_path, f"expected a table, got {_describe(item)}")
            result.append(_Table(self.file, item_path, item, keys))
        return result

    def texts(self, key: str) -> tuple[str, ...]:
        """A non-empty array of plain-text strings."""
        items = self.array(key)
        return tuple(
            _text(self.file, f"{self.field(key)}[{index}]", item)
            for index, item in enumerate(items)
        )

    def ladder(self, key: str, maximum: int) -> tuple[int, ...]:
        """A non-empty, strictly increasing array of positive integers."""
        items = self.array(key)
        values = tuple(
            _integer(self.file, f"{self.field(key)}[{index}]", item, 1, maximum)
            for index, item in enumerate(items)
        )
        for index in range(1, len(values)):
            if values[index] <= values[index - 1]:
                raise _error(
                    self.file,
                    f"{self.field(key)}[{index}]",
                    f"expected a strictly increasing ladder, got {values[index]} "
                    f"after {values[index - 1]}",
                )
        return values


def _error(file: str, field: str, message: str) -> ContentError:
    return ContentError(f"{file}: {field}: {message}")


def _text(file: str, field: str, value: object, *, template: bool = False) -> str:
    if not isinstance(value, str):
        raise _error(file, field, f"expected a string, got {_describe(value)}")
    if not value.strip():
        raise _error(file, field, f"expected a non-empty string, got {_describe(value)}")
    if value != value.strip():
        raise _error(file, field, "has leading or trailing whitespace")
    if len(value) > MAX_TEXT:
        raise _error(
            file, field, f"is {len(value)} characters long; at most {MAX_TEXT} are allowed"
        )
    if _HTML_RE.search(value):
        raise _error(file, field, "contains HTML markup; texts are plain (the renderer escapes)")
    rest = value.replace(_PLACEHOLDER, "") if template else value
    if template and rest == value:
        raise _error(file, field, f"expected the placeholder {_PLACEHOLDER}, found none")
    if "{" in rest or "}" in rest:
        allowed = (
            f"the only placeholder allowed is {_PLACEHOLDER}"
            if template
            else f"placeholders are only allowed in setup and change_side ({_PLACEHOLDER})"
        )
        raise _error(file, field, f"contains a stray brace; {allowed}")
    return value


def _integer(file: str, field: str, value: object, minimum: int, maximum: int) -> int:
    # bool is a subclass of int in Python; TOML's true is not a number.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise _error(file, field, f"expected {kind}, got {_describe(value)}")
    if value > maximum:
        raise _error(file, field, f"expected at most {maximum}, got {value}")
    return value


def _program(table: _Table) -> Program:
    presets = tuple(_preset(item) for item in table.tables("presets", _PRESET_KEYS))
    seen: dict[str, int] = {}
    for index, preset in enumerate(presets):
        if preset.key in seen:
            raise _error(
                table.file,
                f"presets[{index}].key",
                f"duplicate preset key {preset.key!r} (also presets[{seen[preset.key]}])",
            )
        seen[preset.key] = index
    default = table.identifier("default_preset")
    if default not in seen:
        raise table.error(
            "default_preset", f"no preset has key {default!r} (keys: {', '.join(seen)})"
        )
    progression = table.table("progression", _PROGRESSION_KEYS)
    cues = table.texts("cues")
    side_only = table.texts("side_only_cues")
    for index, cue in enumerate(side_only):
        if cue not in cues:
            raise table.error(f"side_only_cues[{index}]", f"not one of the cues: {cue!r}")
    return Program(
        slug=table.identifier("slug"),
        title=table.text("title"),
        purpose=table.text("purpose"),
        safety=table.text("safety"),
        consent=table.text("consent"),
        default_preset=default,
        presets=presets,
        cues=cues,
        side_only_cues=side_only,
        mistakes=tuple(
            Mistake(mistake=item.text("mistake"), fix=item.text("fix"))
            for item in table.tables("mistakes", _MISTAKE_KEYS)
        ),
        variations=tuple(
            Variation(
                name=item.text("name"), text=item.text("text"), advanced=item.boolean("advanced")
            )
            for item in table.tables("variations", _VARIATION_KEYS)
        ),
        progression=Progression(
            holds_s=progression.ladder("holds_s", MAX_PHASE_S),
            reps=progression.ladder("reps", MAX_REPS),
            weight=progression.text("weight"),
        ),
    )


def _preset(table: _Table) -> Preset:
    reps_range = _reps_range(table)
    reps = table.integer("reps", 1, MAX_REPS)
    if not reps_range[0] <= reps <= reps_range[1]:
        raise table.error("reps", f"{reps} is outside reps_range {reps_range[0]}..{reps_range[1]}")
    position = table.choice("position", _POSITIONS)
    cadence = table.table("cadence", _CADENCE_KEYS)
    return Preset(
        key=table.identifier("key"),
        label=table.text("label"),
        source=table.text("source"),
        summary=table.text("summary"),
        position="side" if position == "side" else "back",
        sets=table.integer("sets", 1, MAX_SETS),
        reps=reps,
        reps_range=reps_range,
        height=table.text("height"),
        cadence=Cadence(
            lift_s=cadence.integer("lift_s", 1, MAX_PHASE_S),
            hold_s=cadence.integer("hold_s", 0, MAX_PHASE_S),
            lower_s=cadence.integer("lower_s", 1, MAX_PHASE_S),
            pause_s=cadence.integer("pause_s", 0, MAX_PHASE_S),
            rest_s=cadence.integer("rest_s", 1, MAX_REST_S),
            four_count=cadence.boolean("four_count"),
        ),
        setup=table.template("setup"),
        change_side=table.template("change_side"),
        steps=tuple(
            Step(title=item.text("title"), text=item.text("text"))
            for item in table.tables("steps", _STEP_KEYS)
        ),
    )


def _reps_range(table: _Table) -> tuple[int, int]:
    items = table.array("reps_range")
    if len(items) != 2:
        raise table.error(
            "reps_range", f"expected [low, high], got an array of {len(items)} values"
        )
    field = table.field("reps_range")
    low = _integer(table.file, f"{field}[0]", items[0], 1, MAX_REPS)
    high = _integer(table.file, f"{field}[1]", items[1], 1, MAX_REPS)
    if low > high:
        raise table.error("reps_range", f"low {low} is above high {high}")
    return (low, high)
