"""coach.zones: typed zones, offsets, locations and reminder times, good and bad."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest

from coach import zones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  America/New_York ", "America/New_York"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("Berlin", "Europe/Berlin"),
        ("kolkata", "Asia/Kolkata"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Lord Howe", "Australia/Lord_Howe"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("UTC+2", "Etc/GMT-2"),
        ("UTC-5", "Etc/GMT+5"),
        ("utc - 5", "Etc/GMT+5"),
        ("+3", "Etc/GMT-3"),
        ("UTC+0", "UTC"),
        ("GMT+5:30", "Asia/Kolkata"),
        ("+0530", "Asia/Kolkata"),
        ("UTC+05:30", "Asia/Kolkata"),
        ("UTC+5:45", "Asia/Kathmandu"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
    ],
)
def test_parse_timezone_understands(text: str, expected: str) -> None:
    assert zones.parse_timezone(text) == expected
    ZoneInfo(expected)  # a real zone


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Mars/Olympus",
        "x" * 4000,
        "UTC+15",
        "UTC-13",
        "UTC+5:17",
        "hello world",
        "/",
        "42",
    ],
)
def test_parse_timezone_rejects(text: str) -> None:
    assert zones.parse_timezone(text) is None


def test_common_zones_are_real_and_fit_buttons() -> None:
    for name in zones.COMMON_ZONES:
        ZoneInfo(name)
        assert len(f"cfg:tz:{name}".encode()) <= 64
        assert zones.parse_timezone(name) == name


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (40.71, -74.0, "America/New_York"),
        (28.61, 77.21, "Asia/Kolkata"),
        (-31.55, 159.08, "Australia/Lord_Howe"),
    ],
)
def test_location_lookup(lat: float, lon: float, expected: str) -> None:
    assert zones.timezone_from_location(lat, lon) == expected


def test_location_over_sea_and_invalid() -> None:
    sea = zones.timezone_from_location(0.0, -30.0)
    assert sea is not None
    ZoneInfo(sea)
    assert zones.timezone_from_location(91.0, 0.0) is None
    assert zones.timezone_from_location(0.0, 181.0) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:05", time(19, 5)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7:30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("7pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15 pm", time(12, 15)),
        ("6.45", time(6, 45)),
        ("0730", time(7, 30)),
    ],
)
def test_parse_time_understands(text: str, expected: time) -> None:
    assert zones.parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["", "25:99", "24:00", "13pm", "0pm", "7", "junk", "7:3", "12:60", "x" * 4000, "-1:00"]
)
def test_parse_time_rejects(text: str) -> None:
    assert zones.parse_time(text) is None
