"""coach.zones: typed zones, offsets, locations and reminder times, good and bad."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import pytest

from coach import zones

JANUARY = datetime(2026, 1, 15, 12, tzinfo=UTC)
JULY = datetime(2026, 7, 15, 12, tzinfo=UTC)


def offset_hours(zone: str, when: datetime) -> float:
    offset = when.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return offset.total_seconds() / 3600


@cache
def clock(zone: str) -> tuple[timedelta | None, ...]:
    """A zone's UTC offset twice a day through 2026-27: equal tuples mean the same clock."""
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return tuple((start + timedelta(hours=12 * i)).astimezone(tz).utcoffset() for i in range(1460))


def real_zones() -> list[str]:
    return sorted(
        n for n in available_timezones() if "/" in n and not n.startswith(("posix/", "right/"))
    )


# ---------------------------------------------------------------- parse_timezone: names and places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("  America/New_York ", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("america / new york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Calcutta", "Asia/Calcutta"),  # legacy spelling, still a valid IANA name
        ("Etc/GMT-2", "Etc/GMT-2"),  # as stored, e.g. sent back by a settings button
        ("Etc/UTC", "UTC"),
        ("New York", "America/New_York"),
        ("new york", "America/New_York"),
        ("new_york", "America/New_York"),
        ("NEW   YORK", "America/New_York"),
        ("Berlin", "Europe/Berlin"),
        ("Berlin, Germany", "Europe/Berlin"),
        ("kolkata", "Asia/Kolkata"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Lord Howe", "Australia/Lord_Howe"),
        ("Port-au-Prince", "America/Port-au-Prince"),
        ("port au prince", "America/Port-au-Prince"),
        ("St. John's", "America/St_Johns"),
        ("Ho Chi Minh", "Asia/Ho_Chi_Minh"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),  # canonical, not the legacy link
        ("Indianapolis", "America/Indiana/Indianapolis"),
        ("Istanbul", "Europe/Istanbul"),
        ("Apia", "Pacific/Apia"),
        ("Mumbai", "Asia/Kolkata"),
        ("San Francisco", "America/Los_Angeles"),
        ("Munich", "Europe/Berlin"),
        ("Japan", "Asia/Tokyo"),
        ("Ｂｅｒｌｉｎ", "Europe/Berlin"),  # full-width letters
    ],
)
def test_parse_timezone_understands_names_and_places(text: str, expected: str) -> None:
    assert zones.parse_timezone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["UTC", "utc", "GMT", "gmt", "Z", "Zulu", "UCT", "Etc/GMT", "Etc/UTC", "GMT0", "Greenwich"],
)
def test_parse_timezone_utc_family(text: str) -> None:
    assert zones.parse_timezone(text) == "UTC"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\t",
        "Mars/Olympus",
        "x" * 4000,
        "<b>" * 500,
        "Berlin" * 20,  # longer than any zone name
        "hello world",
        "/",
        "Europe/",
        "/Berlin",
        "../../etc/passwd",
        "Europe/Berlin\x00",
        "42",
        "7:30",
        # Abbreviations that are ambiguous, or fixed offsets that drop their users' DST.
        "EST",
        "CST",
        "IST",
        "PST",
        "BST",
        "CET",
        "EST5EDT",
        # tzdata files that are not zones, and legacy region names that aren't places.
        "localtime",
        "Factory",
        "posixrules",
        "posix/Europe/Berlin",
        "right/UTC",
        "West",
        "Victoria",  # also a city in Canada and the Seychelles
        "Samoa",  # Pacific/Samoa is American Samoa, 24 hours away from Samoa
    ],
)
def test_parse_timezone_rejects(text: str) -> None:
    assert zones.parse_timezone(text) is None


def test_every_real_zone_name_round_trips() -> None:
    """Any stored or button-sent IANA name is understood as itself (UTC aliases as "UTC")."""
    names = real_zones()
    assert len(names) > 400
    for name in names:
        got = zones.parse_timezone(name)
        if got == "UTC":
            assert clock(name) == clock("UTC"), name
        else:
            assert got == name
        assert zones.parse_timezone(name.lower()) == got
        assert zones.parse_timezone(name.upper()) == got


def test_each_place_name_means_one_clock() -> None:
    """Where several IANA names end in the same place, whichever is picked keeps the same time."""
    by_place: dict[str, list[str]] = defaultdict(list)
    for name in real_zones():
        if name.startswith(zones.PLACE_AREAS):
            by_place[name.rsplit("/", 1)[1].replace("_", " ")].append(name)
    checked = 0
    for place, names in by_place.items():
        got = zones.parse_timezone(place)
        if got is None:
            continue  # refused on purpose (e.g. "West"); covered by test_parse_timezone_rejects
        assert got in names, place
        assert all(clock(other) == clock(got) for other in names), (place, names)
        checked += len(names) > 1
    assert checked >= 5
    assert len(by_place) > 400


def test_place_aliases_are_real_zones_with_the_right_clock() -> None:
    """Extra place names point at real zones; where an IANA place of the same name wins, it keeps
    the same clock."""
    assert len(zones._PLACE_ALIASES) >= 20
    for place, zone in zones._PLACE_ALIASES.items():
        got = zones.parse_timezone(place)
        assert got is not None, place
        assert clock(got) == clock(zone), place


# ---------------------------------------------------------------- parse_timezone: offsets


@pytest.mark.parametrize(
    ("text", "expected", "hours"),
    [
        ("UTC+2", "Etc/GMT-2", 2),
        ("UTC-5", "Etc/GMT+5", -5),
        ("utc - 5", "Etc/GMT+5", -5),
        ("UTC−5", "Etc/GMT+5", -5),  # Unicode minus sign
        ("GMT+1", "Etc/GMT-1", 1),
        ("+3", "Etc/GMT-3", 3),
        ("-03:00", "Etc/GMT+3", -3),
        ("UTC+0", "UTC", 0),
        ("UTC-00:00", "UTC", 0),
        ("UTC+14", "Etc/GMT-14", 14),
        ("UTC-12", "Etc/GMT+12", -12),
        ("ＵＴＣ＋２", "Etc/GMT-2", 2),
        ("GMT+5:30", "Asia/Kolkata", 5.5),
        ("+0530", "Asia/Kolkata", 5.5),
        ("UTC+05:30", "Asia/Kolkata", 5.5),
        ("UTC+530", "Asia/Kolkata", 5.5),
        ("UTC+5.30", "Asia/Kolkata", 5.5),
        ("UTC+5:45", "Asia/Kathmandu", 5.75),
        ("UTC+3:30", "Asia/Tehran", 3.5),
        ("UTC+8:45", "Australia/Eucla", 8.75),
        ("UTC-9:30", "Pacific/Marquesas", -9.5),
    ],
)
def test_parse_timezone_offsets(text: str, expected: str, hours: float) -> None:
    zone = zones.parse_timezone(text)
    assert zone == expected
    # The zone really is at that offset (Etc/ signs are inverted, so check the clock, not the name).
    assert offset_hours(expected, JANUARY) == hours


@pytest.mark.parametrize("hours", range(-12, 15))
def test_every_whole_hour_offset(hours: int) -> None:
    for text in (f"UTC{hours:+d}", f"GMT{hours:+03d}:00", f"{hours:+03d}00"):
        zone = zones.parse_timezone(text)
        assert zone is not None, text
        assert offset_hours(zone, JANUARY) == offset_hours(zone, JULY) == hours, text


@pytest.mark.parametrize(
    "text",
    [
        "UTC+15",
        "UTC-13",
        "UTC+5:17",
        "+5:60",
        "UTC+2:00:00",
        "UTC+2.5",
        "+",
        "UTC+",
        "++2",
        "UTC+123456",
        "UTC+9:30",
        "UTC+10:30",
        "UTC+14:30",
    ],
)
def test_parse_timezone_rejects_offsets(text: str) -> None:
    assert zones.parse_timezone(text) is None


def test_part_hour_offsets_follow_tzdata() -> None:
    """An offset that isn't a whole hour maps to a real zone exactly when every zone that shows
    that offset in 2026-27 keeps the same clock; otherwise it is ambiguous and gives None."""
    clocks_by_offset: dict[int, set[tuple[timedelta | None, ...]]] = defaultdict(set)
    for name in real_zones():
        for offset in set(clock(name)):
            assert offset is not None
            minutes = int(offset.total_seconds()) // 60
            if minutes % 60:
                clocks_by_offset[minutes].add(clock(name))
    assert len(clocks_by_offset) >= 10
    mapped = 0
    for minutes, clocks in sorted(clocks_by_offset.items()):
        sign = "+" if minutes > 0 else "-"
        text = f"UTC{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
        zone = zones.parse_timezone(text)
        if len(clocks) == 1:
            assert zone is not None, text
            assert clock(zone) in clocks, text
            mapped += 1
        else:
            assert zone is None, (text, zone)
    assert mapped >= 9


# ---------------------------------------------------------------- COMMON_ZONES


def test_common_zones_are_real_distinct_and_fit_buttons() -> None:
    assert 8 <= len(zones.COMMON_ZONES) <= 12
    assert len(set(zones.COMMON_ZONES)) == len(zones.COMMON_ZONES)
    assert len({clock(name) for name in zones.COMMON_ZONES}) == len(zones.COMMON_ZONES)
    assert "UTC" in zones.COMMON_ZONES
    for name in zones.COMMON_ZONES:
        ZoneInfo(name)
        assert len(f"cfg:tz:{name}".encode()) <= 64
        assert zones.parse_timezone(name) == name


# ---------------------------------------------------------------- timezone_from_location


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (40.71, -74.0, "America/New_York"),
        (28.61, 77.21, "Asia/Kolkata"),
        (-23.55, -46.63, "America/Sao_Paulo"),
        (-31.55, 159.08, "Australia/Lord_Howe"),
        (-13.83, -171.76, "Pacific/Apia"),
        (51.5, -0.12, "Europe/London"),
        (0.0, 0.0, "UTC"),  # Gulf of Guinea: open sea at Greenwich
        (0.0, -30.0, "Etc/GMT+2"),  # mid-Atlantic
    ],
)
def test_location_lookup(lat: float, lon: float, expected: str) -> None:
    assert zones.timezone_from_location(lat, lon) == expected


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (91.0, 0.0),
        (-90.5, 0.0),
        (0.0, 181.0),
        (0.0, -180.01),
        (float("nan"), 0.0),
        (0.0, float("inf")),
        (float("-inf"), 0.0),
    ],
)
def test_location_rejects_invalid_points(lat: float, lon: float) -> None:
    assert zones.timezone_from_location(lat, lon) is None


def test_location_everywhere_on_a_grid_is_a_real_zone() -> None:
    for lat in range(-90, 91, 10):
        for lon in range(-180, 181, 10):
            zone = zones.timezone_from_location(float(lat), float(lon))
            assert zone is not None, (lat, lon)
            ZoneInfo(zone)
            assert zones.parse_timezone(zone) == zone


@pytest.mark.parametrize("unusable", ["", "Mars/Olympus", None, 42])
@pytest.mark.parametrize(
    ("lon", "expected"),
    [
        (13.4, "Etc/GMT-1"),
        (-74.0, "Etc/GMT+5"),
        (0.0, "UTC"),
        (7.4, "UTC"),
        (-7.4, "UTC"),
        (180.0, "Etc/GMT-12"),
        (-180.0, "Etc/GMT+12"),
        (172.5, "Etc/GMT-12"),
    ],
)
def test_location_falls_back_to_nautical_zone(monkeypatch, unusable, lon, expected) -> None:
    monkeypatch.setattr("tzfpy.get_tz", lambda lng, lat: unusable)
    assert zones.timezone_from_location(10.0, lon) == expected
    assert offset_hours(expected, JANUARY) == round(lon / 15)


# ---------------------------------------------------------------- parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:05", time(19, 5)),
        ("0:00", time(0, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 7:30 ", time(7, 30)),
        ("7:30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("7:30 a.m.", time(7, 30)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12, 0)),
        ("12:15 pm", time(12, 15)),
        ("11:59pm", time(23, 59)),
        ("6.45", time(6, 45)),
        ("19h05", time(19, 5)),
        ("0730", time(7, 30)),  # 24-hour, four digits
        ("1905", time(19, 5)),
        ("0000", time(0, 0)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("０７：３０", time(7, 30)),  # full-width digits and colon
    ],
)
def test_parse_time_understands(text: str, expected: time) -> None:
    assert zones.parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "25:99",
        "24:00",
        "2400",
        "13pm",
        "0pm",
        "0am",
        "00:30am",
        "19:05pm",
        "7",  # 07:00 or 19:00? ask
        "19",
        "730",
        "07300",
        "7:3",
        "7:300",
        "12:60",
        "-1:00",
        "07:30:00",
        "7:30 xm",
        "7 p",
        "junk",
        "x" * 4000,
        "7:30" + " " * 4000,
        "٠٧:٣٠",  # Arabic-Indic digits are not accepted
        "7:30pm please remind me",
    ],
)
def test_parse_time_rejects(text: str) -> None:
    assert zones.parse_time(text) is None


def test_parse_time_every_minute_of_the_day() -> None:
    for hour in range(24):
        for minute in range(60):
            expected = time(hour, minute)
            assert zones.parse_time(f"{hour:02d}:{minute:02d}") == expected
            assert zones.parse_time(f"{hour}:{minute:02d}") == expected
            assert zones.parse_time(f"{hour:02d}{minute:02d}") == expected
            twelve = hour % 12 or 12
            half = "am" if hour < 12 else "pm"
            assert zones.parse_time(f"{twelve}:{minute:02d}{half}") == expected
            assert zones.parse_time(f"{twelve}:{minute:02d} {half.upper()}") == expected
