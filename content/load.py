"""Strict loader: content/*.toml -> Program; any unknown key or bad value is a ContentError."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from content.model import (
    LEVERS,
    BetweenReps,
    Cadence,
    Cue,
    Lever,
    Mistake,
    Position,
    Preset,
    Program,
    Progression,
    Source,
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
_STEP_PLACEHOLDERS = ("{side}", "{other}")
_POSITIONS: tuple[Position, ...] = ("side", "back")
_BETWEEN: tuple[BetweenReps, ...] = ("hover", "floor")

_PROGRAM_KEYS = (
    "slug",
    "title",
    "purpose",
    "safety",
    "consent",
    "default_preset",
    "sources",
    "presets",
    "cues",
    "mistakes",
    "variations",
)
_PRESET_KEYS = (
    "key",
    "label",
    "source",
    "source_note",
    "purpose",
    "summary",
    "position",
    "between_reps",
    "sets",
    "reps",
    "reps_range",
    "height",
    "cadence",
    "setup",
    "change_side",
    "steps",
    "cues",
    "ladder",
)
_CADENCE_KEYS = ("lift_s", "hold_s", "lower_s", "pause_s", "rest_s", "four_count")
_STEP_KEYS = ("title", "text", "one_leg")
_SOURCE_KEYS = ("key", "short", "name")
_CUE_KEYS = ("key", "text", "source", "positions", "between_reps")
_MISTAKE_KEYS = ("mistake", "fix", "presets")
_VARIATION_KEYS = ("name", "text", "advanced", "presets")
_LADDER_KEYS = ("levers", "max_reps", "holds_s", "reps", "weight")


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

    def step_text(self, key: str, *, optional: bool = False) -> str:
        """A plain-text string that may name {side} and {other} ("" allowed when optional)."""
        return _text(
            self.file,
            self.field(key),
            self.data[key],
            placeholders=_STEP_PLACEHOLDERS,
            optional=optional,
        )

    def words(self, key: str, options: tuple[str, ...], *, empty: bool = False) -> tuple[str, ...]:
        """An array of distinct strings, each one of `options` (empty only if allowed)."""
        value = self.data[key]
        if not isinstance(value, list):
            raise self.error(key, f"expected an array, got {_describe(value)}")
        if not value and not empty:
            raise self.error(key, "expected a non-empty array, got an empty one")
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in options:
                expected = " or ".join(repr(option) for option in options)
                raise _error(
                    self.file,
                    f"{self.field(key)}[{index}]",
                    f"expected {expected}, got {_describe(item)}",
                )
            if item in value[:index]:
                raise _error(self.file, f"{self.field(key)}[{index}]", f"repeats {item!r}")
        return tuple(value)

    def ladder(self, key: str, maximum: int, *, empty: bool = False) -> tuple[int, ...]:
        """A strictly increasing array of positive integers (non-empty unless allowed)."""
        value = self.data[key]
        if empty and value == []:
            return ()
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


def _text(
    file: str,
    field: str,
    value: object,
    *,
    template: bool = False,
    placeholders: tuple[str, ...] = (),
    optional: bool = False,
) -> str:
    if not isinstance(value, str):
        raise _error(file, field, f"expected a string, got {_describe(value)}")
    if optional and value == "":
        return value
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
    allowed = (_PLACEHOLDER,) if template else placeholders
    rest = value
    for placeholder in allowed:
        rest = rest.replace(placeholder, "")
    if template and _PLACEHOLDER not in value:
        raise _error(file, field, f"expected the placeholder {_PLACEHOLDER}, found none")
    if "{" in rest or "}" in rest:
        if template:
            message = f"the only placeholder allowed is {_PLACEHOLDER}"
        elif allowed:
            names = " and ".join(allowed)
            message = f"the only placeholders allowed here are {names}"
        else:
            message = (
                f"placeholders are only allowed in setup and change_side ({_PLACEHOLDER}) "
                "and in steps ({side}, {other})"
            )
        raise _error(file, field, f"contains a stray brace; {message}")
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
    sources = _sources(table)
    cues = _cues(table, {source.key for source in sources})
    by_key = {cue.key: cue for cue in cues}
    source_keys = {source.key for source in sources}
    presets = tuple(
        _preset(item, by_key, source_keys) for item in table.tables("presets", _PRESET_KEYS)
    )
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
    keys = tuple(seen)
    return Program(
        slug=table.identifier("slug"),
        title=table.text("title"),
        purpose=table.text("purpose"),
        safety=table.text("safety"),
        consent=table.text("consent"),
        default_preset=default,
        sources=sources,
        presets=presets,
        cues=cues,
        mistakes=tuple(
            Mistake(
                mistake=item.text("mistake"),
                fix=item.text("fix"),
                presets=item.words("presets", keys),
            )
            for item in table.tables("mistakes", _MISTAKE_KEYS)
        ),
        variations=tuple(
            Variation(
                name=item.text("name"),
                text=item.text("text"),
                advanced=item.boolean("advanced"),
                presets=item.words("presets", keys),
            )
            for item in table.tables("variations", _VARIATION_KEYS)
        ),
    )


def _sources(table: _Table) -> tuple[Source, ...]:
    sources: list[Source] = []
    for item in table.tables("sources", _SOURCE_KEYS):
        key = item.identifier("key")
        if any(source.key == key for source in sources):
            raise item.error("key", f"duplicate source key {key!r}")
        sources.append(Source(key=key, short=item.text("short"), name=item.text("name")))
    return tuple(sources)


def _cues(table: _Table, sources: set[str]) -> tuple[Cue, ...]:
    cues: list[Cue] = []
    for item in table.tables("cues", _CUE_KEYS):
        key = item.identifier("key")
        if any(cue.key == key for cue in cues):
            raise item.error("key", f"duplicate cue key {key!r}")
        source = item.identifier("source")
        if source not in sources:
            raise item.error("source", f"no source has key {source!r}")
        positions = item.words("positions", _POSITIONS)
        between = item.words("between_reps", _BETWEEN)
        cues.append(
            Cue(
                key=key,
                text=item.text("text"),
                source=source,
                positions=tuple(p for p in _POSITIONS if p in positions),
                between_reps=tuple(b for b in _BETWEEN if b in between),
            )
        )
    return tuple(cues)


def _preset(table: _Table, cues: Mapping[str, Cue], sources: set[str]) -> Preset:
    reps_range = _reps_range(table)
    reps = table.integer("reps", 1, MAX_REPS)
    if not reps_range[0] <= reps <= reps_range[1]:
        raise table.error("reps", f"{reps} is outside reps_range {reps_range[0]}..{reps_range[1]}")
    position: Position = "side" if table.choice("position", _POSITIONS) == "side" else "back"
    between: BetweenReps = "hover" if table.choice("between_reps", _BETWEEN) == "hover" else "floor"
    source = table.identifier("source")
    if source not in sources:
        raise table.error("source", f"no source has key {source!r}")
    cadence_table = table.table("cadence", _CADENCE_KEYS)
    cadence = Cadence(
        lift_s=cadence_table.integer("lift_s", 1, MAX_PHASE_S),
        hold_s=cadence_table.integer("hold_s", 0, MAX_PHASE_S),
        lower_s=cadence_table.integer("lower_s", 1, MAX_PHASE_S),
        pause_s=cadence_table.integer("pause_s", 0, MAX_PHASE_S),
        rest_s=cadence_table.integer("rest_s", 1, MAX_REST_S),
        four_count=cadence_table.boolean("four_count"),
    )
    return Preset(
        key=table.identifier("key"),
        label=table.text("label"),
        source=source,
        source_note=table.text("source_note"),
        purpose=table.text("purpose"),
        summary=table.text("summary"),
        position=position,
        between_reps=between,
        sets=table.integer("sets", 1, MAX_SETS),
        reps=reps,
        reps_range=reps_range,
        height=table.text("height"),
        cadence=cadence,
        setup=table.template("setup"),
        change_side=table.template("change_side"),
        steps=tuple(
            Step(
                title=item.text("title"),
                text=item.step_text("text"),
                one_leg=item.step_text("one_leg", optional=True),
            )
            for item in table.tables("steps", _STEP_KEYS)
        ),
        cues=_preset_cues(table, cues, position, between),
        ladder=_ladder(table, position, reps, reps_range, cadence),
    )


def _preset_cues(
    table: _Table, cues: Mapping[str, Cue], position: Position, between: BetweenReps
) -> tuple[Cue, ...]:
    """The preset's cues; one that contradicts how the preset is done is an error."""
    chosen: list[Cue] = []
    for index, key in enumerate(table.array("cues")):
        field = f"{table.field('cues')}[{index}]"
        if not isinstance(key, str) or key not in cues:
            raise _error(table.file, field, f"no cue has key {_describe(key)}")
        cue = cues[key]
        if cue in chosen:
            raise _error(table.file, field, f"repeats cue {key!r}")
        if position not in cue.positions:
            raise _error(
                table.file,
                field,
                f"cue {key!r} is for lying on the {' or '.join(cue.positions)}; "
                f"this preset lies on the {position}",
            )
        if between not in cue.between_reps:
            raise _error(
                table.file,
                field,
                f"cue {key!r} contradicts this preset: it is for presets whose leg "
                f"{' or '.join(_BETWEEN_WORDS[b] for b in cue.between_reps)} between reps, "
                f"and this one's {_BETWEEN_WORDS[between]} (between_reps = {between!r})",
            )
        chosen.append(cue)
    return tuple(chosen)


_BETWEEN_WORDS = {"hover": "stays just off the floor", "floor": "goes back to the floor"}


def _ladder(
    table: _Table,
    position: Position,
    reps: int,
    reps_range: tuple[int, int],
    cadence: Cadence,
) -> Progression:
    """A preset's progression ladder, kept within its source (see medial.toml's header)."""
    ladder = table.table("ladder", _LADDER_KEYS)
    levers = ladder.words("levers", LEVERS, empty=True)
    max_reps = ladder.integer("max_reps", 0, MAX_REPS)
    holds = ladder.ladder("holds_s", MAX_PHASE_S, empty=True)
    rungs = ladder.ladder("reps", MAX_REPS)
    weight = ladder.data["weight"]
    if weight != "":
        weight = ladder.text("weight")
    elif not isinstance(weight, str):
        raise ladder.error("weight", f"expected a string, got {_describe(weight)}")
    if reps not in rungs:
        raise ladder.error("reps", f"must include the preset's own reps ({reps})")
    if max_reps:
        if reps_range[1] > max_reps:
            raise ladder.error(
                "max_reps", f"{max_reps} is below the preset's reps_range ({reps_range[1]})"
            )
        for index, value in enumerate(rungs):
            if value > max_reps:
                raise _error(
                    table.file,
                    f"{ladder.field('reps')}[{index}]",
                    f"{value} reps is past the source's limit of {max_reps} (max_reps)",
                )
    if cadence.hold_s == 0 and holds:
        raise ladder.error(
            "holds_s", "this preset has no hold (cadence.hold_s = 0); its ladder can't add one"
        )
    if cadence.hold_s and cadence.hold_s not in holds:
        raise ladder.error("holds_s", f"must include the preset's own hold ({cadence.hold_s} s)")
    if weight:
        if position == "back":
            raise ladder.error(
                "weight", "no ankle weight on a raise lying on the back (it loads the lower back)"
            )
        if "weight" not in levers:
            raise ladder.error(
                "weight", "the preset's source names no weight (add 'weight' to levers if it does)"
            )
    typed_levers: tuple[Lever, ...] = tuple(lever for lever in LEVERS if lever in levers)
    return Progression(
        holds_s=holds,
        reps=rungs,
        weight=weight,
        levers=typed_levers,
        source_reps=reps_range[1],
        source_hold_s=cadence.hold_s,
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
