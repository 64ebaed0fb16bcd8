"""Strict TOML fields: each accessor validates a value and names the file and field on error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("medial.toml")

# Texts end up inside Telegram messages (4,096 characters); one item must leave room for the rest.
MAX_TEXT = 1000

_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Plain text only: the renderer escapes everything, so markup would show up literally.
_HTML_RE = re.compile(r"<\s*/?\s*[A-Za-z!]|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_PLACEHOLDER = "{side}"
_STEP_PLACEHOLDERS = ("{side}", "{other}")


class ContentError(ValueError):
    """Bad coaching content; the message names the file and the field path."""


def display_name(path: Path) -> str:
    """The path relative to the repository when it lies inside it, else as given."""
    root = DEFAULT_PATH.resolve().parent.parent
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def describe(value: object) -> str:
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


class Table:
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
        return error(self.file, self.field(key), message)

    def text(self, key: str) -> str:
        """A non-empty plain-text string without placeholders."""
        return text(self.file, self.field(key), self.data[key])

    def template(self, key: str) -> str:
        """A plain-text string whose only placeholder is {side}, at least once."""
        return text(self.file, self.field(key), self.data[key], template=True)

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        """An integer in [minimum, maximum]."""
        return integer(self.file, self.field(key), self.data[key], minimum, maximum)

    def boolean(self, key: str) -> bool:
        """A TOML boolean."""
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {describe(value)}")
        return value

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        """A string from a fixed set of options."""
        value = self.data[key]
        if not isinstance(value, str) or value not in options:
            expected = " or ".join(repr(option) for option in options)
            raise self.error(key, f"expected {expected}, got {describe(value)}")
        return value

    def identifier(self, key: str) -> str:
        """A short lowercase key (it travels in callback data and deep links)."""
        value = self.data[key]
        if not isinstance(value, str) or not _KEY_RE.fullmatch(value):
            raise self.error(
                key,
                "expected a lowercase key of letters, digits and _ (at most 32 characters), "
                f"got {describe(value)}",
            )
        return value

    def array(self, key: str) -> list[object]:
        """A non-empty array."""
        value = self.data[key]
        if not isinstance(value, list):
            raise self.error(key, f"expected an array, got {describe(value)}")
        if not value:
            raise self.error(key, "expected a non-empty array, got an empty one")
        return value

    def table(self, key: str, keys: tuple[str, ...]) -> Table:
        """A sub-table with exactly these keys."""
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {describe(value)}")
        return Table(self.file, self.field(key), value, keys)

    def tables(self, key: str, keys: tuple[str, ...]) -> list[Table]:
        """A non-empty array of tables, each with exactly these keys."""
        result = []
        for index, item in enumerate(self.array(key)):
            item_path = f"{self.field(key)}[{index}]"
            if not isinstance(item, dict):
                raise error(self.file, item_path, f"expected a table, got {describe(item)}")
            result.append(Table(self.file, item_path, item, keys))
        return result

    def texts(self, key: str) -> tuple[str, ...]:
        """A non-empty array of plain-text strings."""
        items = self.array(key)
        return tuple(
            text(self.file, f"{self.field(key)}[{index}]", item) for index, item in enumerate(items)
        )

    def step_text(self, key: str, *, optional: bool = False) -> str:
        """A plain-text string that may name {side} and {other} ("" allowed when optional)."""
        return text(
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
            raise self.error(key, f"expected an array, got {describe(value)}")
        if not value and not empty:
            raise self.error(key, "expected a non-empty array, got an empty one")
        for index, item in enumerate(value):
            if not isinstance(item, str) or item not in options:
                expected = " or ".join(repr(option) for option in options)
                raise error(
                    self.file,
                    f"{self.field(key)}[{index}]",
                    f"expected {expected}, got {describe(item)}",
                )
            if item in value[:index]:
                raise error(self.file, f"{self.field(key)}[{index}]", f"repeats {item!r}")
        return tuple(value)

    def ladder(self, key: str, maximum: int, *, empty: bool = False) -> tuple[int, ...]:
        """A strictly increasing array of positive integers (non-empty unless allowed)."""
        value = self.data[key]
        if empty and value == []:
            return ()
        items = self.array(key)
        values = tuple(
            integer(self.file, f"{self.field(key)}[{index}]", item, 1, maximum)
            for index, item in enumerate(items)
        )
        for index in range(1, len(values)):
            if values[index] <= values[index - 1]:
                raise error(
                    self.file,
                    f"{self.field(key)}[{index}]",
                    f"expected a strictly increasing ladder, got {values[index]} "
                    f"after {values[index - 1]}",
                )
        return values


def error(file: str, field: str, message: str) -> ContentError:
    return ContentError(f"{file}: {field}: {message}")


def text(
    file: str,
    field: str,
    value: object,
    *,
    template: bool = False,
    placeholders: tuple[str, ...] = (),
    optional: bool = False,
) -> str:
    if not isinstance(value, str):
        raise error(file, field, f"expected a string, got {describe(value)}")
    if optional and value == "":
        return value
    if not value.strip():
        raise error(file, field, f"expected a non-empty string, got {describe(value)}")
    if value != value.strip():
        raise error(file, field, "has leading or trailing whitespace")
    if len(value) > MAX_TEXT:
        raise error(file, field, f"is {len(value)} characters long; at most {MAX_TEXT} are allowed")
    if _HTML_RE.search(value):
        raise error(file, field, "contains HTML markup; texts are plain (the renderer escapes)")
    allowed = (_PLACEHOLDER,) if template else placeholders
    rest = value
    for placeholder in allowed:
        rest = rest.replace(placeholder, "")
    if template and _PLACEHOLDER not in value:
        raise error(file, field, f"expected the placeholder {_PLACEHOLDER}, found none")
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
        raise error(file, field, f"contains a stray brace; {message}")
    return value


def integer(file: str, field: str, value: object, minimum: int, maximum: int) -> int:
    # bool is a subclass of int in Python; TOML's true is not a number.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        kind = {0: "a non-negative integer", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise error(file, field, f"expected {kind}, got {describe(value)}")
    if value > maximum:
        raise error(file, field, f"expected at most {maximum}, got {value}")
    return value
