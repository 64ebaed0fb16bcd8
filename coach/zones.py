"""Typed timezones, shared locations and reminder times, parsed without I/O."""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from functools import cache
from zoneinfo import available_timezones

COMMON_ZONES: tuple[str, ...] = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Lagos",
)

# Longer input is not a zone name; don't spend time on it.
MAX_INPUT = 64
_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC"}
# Half-hour offsets have no Etc/ zone; these real zones keep that offset all year.
_HALF_HOURS = {
    (5, 30): "Asia/Kolkata",
    (5, 45): "Asia/Kathmandu",
    (3, 30): "Asia/Tehran",
    (4, 30): "Asia/Kabul",
    (6, 30): "Asia/Yangon",
    (9, 30): "Australia/Darwin",
    (-3, -30): "America/St_Johns",
    (-9, -30): "Pacific/Marquesas",
}
_OFFSET = re.compile(
    r"^(?:(?:utc|gmt)\s*)?([+-])\s*(\d{1,2})(?::?(\d{2}))?$",
)


def _fold(text: str) -> str:
    """Lower-case, accents removed, separators as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", plain).strip().lower()


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """Lookup tables: full names and city names (last component) to canonical IANA names."""
    full: dict[str, str] = {}
    cities: dict[str, str] = {}
    for name in sorted(available_timezones()):
        full[_fold(name)] = name
        if name.startswith(("Etc/", "SystemV/", "US/")) or "/" not in name:
            continue
        city = _fold(name.rsplit("/", 1)[1])
        # Prefer canonical continents over legacy aliases for the same city.
        if city not in cities or cities[city].startswith(("America/Argentina", "Asia/Istanbul")):
            cities[city] = name
    return full, cities


def _from_offset(sign: str, hours: int, minutes: int) -> str | None:
    if hours > 14 or minutes not in (0, 30, 45):
        return None
    if minutes:
        key = (hours, minutes) if sign == "+" else (-hours, -minutes)
        return _HALF_HOURS.get(key)
    if hours == 0:
        return "UTC"
    if (sign == "+" and hours > 14) or (sign == "-" and hours > 12):
        return None
    # Etc/GMT signs are inverted: UTC+2 is Etc/GMT-2.
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def parse_timezone(text: str) -> str | None:
    """An IANA zone name for a typed zone, city or UTC offset; None if not understood."""
    if not text or len(text) > MAX_INPUT:
        return None
    folded = _fold(text)
    if not folded:
        return None
    if folded in _ALIASES:
        return _ALIASES[folded]
    match = _OFFSET.match(re.sub(r"\s+", "", text.lower()))
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        return _from_offset(sign, hours, minutes)
    full, cities = _index()
    slashless = folded.replace(" / ", "/")
    if slashless in full:
        return full[slashless]
    if folded in cities:
        return cities[folded]
    return None


def timezone_from_location(latitude: float, longitude: float) -> str | None:
    """The zone at a point (offline lookup), or a sea zone by longitude; None for bad input."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    try:
        import tzfpy

        name = tzfpy.get_tz(longitude, latitude)
    except Exception:  # the lookup library is optional at run time; fall back below
        name = ""
    if isinstance(name, str) and name in available_timezones():
        return name
    hours = round(longitude / 15)
    return _from_offset("+" if hours >= 0 else "-", abs(hours), 0)


_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})$")


def parse_time(text: str) -> time | None:
    """A wall-clock time from "07:30", "7:30pm", "7pm", "19.05" or "0730"; None if invalid."""
    if not text or len(text) > 16:
        return None
    cleaned = text.strip().lower()
    compact = _COMPACT.match(cleaned)
    if compact:
        hour, minute, suffix = int(compact.group(1)), int(compact.group(2)), None
    else:
        match = _TIME.match(cleaned)
        if not match:
            return None
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = match.group(3)
        if suffix is None and match.group(2) is None:
            return None
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)
