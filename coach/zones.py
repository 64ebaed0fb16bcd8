"""Typed timezones, shared locations and reminder times, parsed offline into zones and times."""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from functools import cache
from zoneinfo import available_timezones

import tzfpy

__all__ = [
    "COMMON_ZONES",
    "MAX_INPUT",
    "parse_time",
    "parse_timezone",
    "timezone_from_location",
]

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

# Longer input is not a zone name or a time; don't spend time on it.
MAX_INPUT = 64

# IANA areas whose last path component names a place (a city, island or region).
PLACE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
# Zero-offset names. Other abbreviations are refused: EST/MST/HST are fixed offsets without the
# DST their users expect, and CST, IST, BST... mean different zones in different countries.
_UTC_NAMES = frozenset(
    {"utc", "gmt", "z", "zulu", "uct", "universal", "greenwich", "gmt0", "gmt+0", "gmt-0"}
    | {f"etc/{n}" for n in ("utc", "gmt", "uct", "zulu", "universal", "greenwich")}
    | {"etc/gmt0", "etc/gmt+0", "etc/gmt-0"}
)
# Places people type that are not the last component of an IANA name (single-zone ones only).
_PLACE_ALIASES = {
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "india": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "japan": "Asia/Tokyo",
    "osaka": "Asia/Tokyo",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "boston": "America/New_York",
    "washington dc": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "philadelphia": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "germany": "Europe/Berlin",
    "france": "Europe/Paris",
    "italy": "Europe/Rome",
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "england": "Europe/London",
    "ireland": "Europe/Dublin",
    "poland": "Europe/Warsaw",
    "saint petersburg": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "rio de janeiro": "America/Sao_Paulo",
    "rio": "America/Sao_Paulo",
    "montreal": "America/Toronto",
}
# Legacy last components that are regions or ambiguous, not places: "Victoria" is also a city in
# Canada and the Seychelles, and Pacific/Samoa is American Samoa (UTC-11), not Samoa (UTC+13).
_NOT_PLACES = frozenset(
    {"act", "lhi", "nsw", "north", "south", "west", "yancowinna", "victoria", "samoa", "virgin"}
)
# Canonical name where two place names share a last component with the same clock.
_CITY_PREFERENCE = {"istanbul": "Europe/Istanbul", "nicosia": "Asia/Nicosia"}
# Offsets that aren't whole hours have no Etc/ zone. Each maps to the one real zone whose clock
# every zone showing that offset (in 2026-27) shares, so the choice can't be wrong; +09:30
# (Darwin, or Adelaide in winter) and +10:30 (Lord Howe, or Adelaide in summer) are ambiguous and
# give None. Minutes east of UTC.
_PART_HOURS = {
    -9 * 60 - 30: "Pacific/Marquesas",
    -3 * 60 - 30: "America/St_Johns",
    -2 * 60 - 30: "America/St_Johns",
    3 * 60 + 30: "Asia/Tehran",
    4 * 60 + 30: "Asia/Kabul",
    5 * 60 + 30: "Asia/Kolkata",
    5 * 60 + 45: "Asia/Kathmandu",
    6 * 60 + 30: "Asia/Yangon",
    8 * 60 + 45: "Australia/Eucla",
    12 * 60 + 45: "Pacific/Chatham",
    13 * 60 + 45: "Pacific/Chatham",
}
_OFFSET = re.compile(r"(?:utc|gmt|z)?([+-])(\d{1,2})(?:[:.]?(\d{2}))?", re.ASCII)
_DASHES = str.maketrans({"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-"})


def parse_timezone(text: str) -> str | None:
    """Return the IANA zone for a typed zone name, city, UTC/GMT or UTC offset; None if unknown."""
    if not text or len(text) > 4 * MAX_INPUT:
        return None
    cleaned = " ".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())
    if not cleaned or len(cleaned) > MAX_INPUT:
        return None
    lowered = cleaned.lower()
    compact = lowered.replace(" ", "")
    if compact in _UTC_NAMES:
        return "UTC"
    offset = _OFFSET.fullmatch(compact)
    if offset is not None:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if minutes >= 60:
            return None
        return _zone_for_offset((hours * 60 + minutes) * (1 if sign == "+" else -1))
    names, places = _index()
    # "america / new york" -> "america/new_york"; IANA names never contain spaces.
    as_name = re.sub(r"\s*/\s*", "/", lowered).replace(" ", "_")
    if "/" in as_name:
        return names.get(as_name)
    # "Berlin, Germany": the place is the part before the first comma.
    place = _place_key(cleaned.split(",", 1)[0])
    return places.get(place) or _PLACE_ALIASES.get(place)


def timezone_from_location(latitude: float, longitude: float) -> str | None:
    """Return the IANA zone at a point (offline), else a sea zone by longitude; None if invalid."""
    # NaN fails every comparison, so this rejects it along with out-of-range and infinite values.
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    found = tzfpy.get_tz(longitude, latitude)
    if isinstance(found, str) and found:
        zone = parse_timezone(found)
        if zone is not None:
            return zone
    # Nothing usable (open sea, or a name this tzdata lacks): nautical time, 15 degrees an hour.
    return _zone_for_offset(round(longitude / 15) * 60)


# Hours 1-12 with am/pm, or 0-23 without; minutes optional only with am/pm ("7pm").
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?:\s*(a|p)\.?\s*m\.?)?", re.ASCII)
_MILITARY = re.compile(r"(\d{2})(\d{2})", re.ASCII)
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_time(text: str) -> time | None:
    """Return the time in "07:30", "7:30pm", "7 PM", "12am", "19.05" or "0730"; None if invalid."""
    if not text or len(text) > 4 * MAX_INPUT:
        return None
    cleaned = " ".join(unicodedata.normalize("NFKC", text).split()).lower()
    if not cleaned or len(cleaned) > 32:
        return None
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    military = _MILITARY.fullmatch(cleaned)
    if military is not None:
        hour, minute, half = int(military.group(1)), int(military.group(2)), None
    else:
        match = _TIME.fullmatch(cleaned)
        if match is None:
            return None
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        # A bare "7" could be 07:00 or 19:00; ask rather than guess.
        if half is None and match.group(2) is None:
            return None
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _zone_for_offset(minutes_east: int) -> str | None:
    if minutes_east == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes_east), 60)
    if rest:
        return _PART_HOURS.get(minutes_east)
    if not -12 * 60 <= minutes_east <= 14 * 60:
        return None
    # POSIX-style Etc names invert the sign: UTC+2 is Etc/GMT-2.
    return f"Etc/GMT{'-' if minutes_east > 0 else '+'}{hours}"


def _place_key(text: str) -> str:
    """Return `text` lower-cased, without accents or apostrophes, "_-." as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’")
    return " ".join(re.sub(r"[_\-.]", " ", plain.lower()).split())


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """Return lookups, built once on first use: lower-cased IANA names, and place names."""
    names: dict[str, str] = {}
    candidates: dict[str, list[str]] = {}
    for name in available_timezones():
        if "/" not in name or name.startswith(("posix/", "right/")):
            continue  # bare names are abbreviations or legacy; UTC is handled on its own
        names[name.lower()] = name
        place = _place_key(name.rsplit("/", 1)[1])
        if name.startswith(PLACE_AREAS) and place not in _NOT_PLACES:
            candidates.setdefault(place, []).append(name)
    places = {}
    for key, found in candidates.items():
        # Deeper paths are the canonical ones (America/Argentina/Cordoba over America/Cordoba).
        places[key] = _CITY_PREFERENCE.get(key) or min(found, key=lambda n: (-n.count("/"), n))
    return names, places
