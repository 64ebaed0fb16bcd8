"""Strict loader: content/*.toml -> Program; any unknown key or bad value is a ContentError."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from content.fields import (
    DEFAULT_PATH,
    MAX_TEXT,
    ContentError,
    Table,
    describe,
    display_name,
    error,
    integer,
)
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

__all__ = ["DEFAULT_PATH", "MAX_TEXT", "ContentError", "load_program"]

MAX_SETS = 10
MAX_REPS = 100
# Phase lengths are paced one message edit per second; anything longer is a typo, not a tempo.
MAX_PHASE_S = 60
MAX_REST_S = 600

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


def load_program(path: Path | None = None) -> Program:
    """Read and validate a program file (default: content/medial.toml)."""
    path = DEFAULT_PATH if path is None else path
    name = display_name(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ContentError(f"{name}: cannot read file: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{name}: invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(f"{name}: invalid TOML: not UTF-8 ({exc.reason})") from exc
    return _program(Table(name, "", data, _PROGRAM_KEYS))


def _program(table: Table) -> Program:
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
            raise error(
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


def _sources(table: Table) -> tuple[Source, ...]:
    sources: list[Source] = []
    for item in table.tables("sources", _SOURCE_KEYS):
        key = item.identifier("key")
        if any(source.key == key for source in sources):
            raise item.error("key", f"duplicate source key {key!r}")
        sources.append(Source(key=key, short=item.text("short"), name=item.text("name")))
    return tuple(sources)


def _cues(table: Table, sources: set[str]) -> tuple[Cue, ...]:
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


def _preset(table: Table, cues: Mapping[str, Cue], sources: set[str]) -> Preset:
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
    table: Table, cues: Mapping[str, Cue], position: Position, between: BetweenReps
) -> tuple[Cue, ...]:
    """The preset's cues; one that contradicts how the preset is done is an error."""
    chosen: list[Cue] = []
    for index, key in enumerate(table.array("cues")):
        field = f"{table.field('cues')}[{index}]"
        if not isinstance(key, str) or key not in cues:
            raise error(table.file, field, f"no cue has key {describe(key)}")
        cue = cues[key]
        if cue in chosen:
            raise error(table.file, field, f"repeats cue {key!r}")
        if position not in cue.positions:
            raise error(
                table.file,
                field,
                f"cue {key!r} is for lying on the {' or '.join(cue.positions)}; "
                f"this preset lies on the {position}",
            )
        if between not in cue.between_reps:
            raise error(
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
    table: Table,
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
        raise ladder.error("weight", f"expected a string, got {describe(weight)}")
    if reps not in rungs:
        raise ladder.error("reps", f"must include the preset's own reps ({reps})")
    if max_reps:
        if reps_range[1] > max_reps:
            raise ladder.error(
                "max_reps", f"{max_reps} is below the preset's reps_range ({reps_range[1]})"
            )
        for index, value in enumerate(rungs):
            if value > max_reps:
                raise error(
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


def _reps_range(table: Table) -> tuple[int, int]:
    items = table.array("reps_range")
    if len(items) != 2:
        raise table.error(
            "reps_range", f"expected [low, high], got an array of {len(items)} values"
        )
    field = table.field("reps_range")
    low = integer(table.file, f"{field}[0]", items[0], 1, MAX_REPS)
    high = integer(table.file, f"{field}[1]", items[1], 1, MAX_REPS)
    if low > high:
        raise table.error("reps_range", f"low {low} is above high {high}")
    return (low, high)
