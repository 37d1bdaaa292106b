"""Cron schedules as robfig/cron v3 (ParseStandard, Next) and the CronJob controller's arithmetic read them."""

from __future__ import annotations

import datetime
import re

import pytest

from kubesim.controllers.cron_schedule import ScheduleError, most_recent, parse_schedule, until_next

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def following(schedule: str, start: str, count: int = 3) -> list[str]:
    parsed = parse_schedule(schedule)
    moments, moment = [], at(start)
    for _ in range(count):
        found = parsed.next(moment)
        assert found is not None
        moments.append(found.strftime("%Y-%m-%d %H:%M:%S %a"))
        moment = found
    return moments


@pytest.mark.parametrize(
    ("schedule", "start", "expected"),
    [
        ("*/1 * * * *", "2026-03-07 10:17:30", ["2026-03-07 10:18:00 Sat", "2026-03-07 10:19:00 Sat"]),
        ("*/15 * * * *", "2026-03-07 10:07:30", ["2026-03-07 10:15:00 Sat", "2026-03-07 10:30:00 Sat"]),
        ("5/15 * * * *", "2026-03-07 10:07:00", ["2026-03-07 10:20:00 Sat", "2026-03-07 10:35:00 Sat"]),
        ("0 * * * *", "2026-03-07 10:00:00", ["2026-03-07 11:00:00 Sat", "2026-03-07 12:00:00 Sat"]),
        ("0 9 * * mon-fri", "2026-03-06 10:00:00", ["2026-03-09 09:00:00 Mon", "2026-03-10 09:00:00 Tue"]),
        ("0 0 1 JAN,jul *", "2026-03-06 10:00:00", ["2026-07-01 00:00:00 Wed", "2027-01-01 00:00:00 Fri"]),
        ("@hourly", "2026-03-07 10:59:59", ["2026-03-07 11:00:00 Sat", "2026-03-07 12:00:00 Sat"]),
        ("@daily", "2026-03-07 10:00:00", ["2026-03-08 00:00:00 Sun", "2026-03-09 00:00:00 Mon"]),
        ("@weekly", "2026-03-07 10:00:00", ["2026-03-08 00:00:00 Sun", "2026-03-15 00:00:00 Sun"]),
        ("@monthly", "2026-03-07 10:00:00", ["2026-04-01 00:00:00 Wed", "2026-05-01 00:00:00 Fri"]),
        ("@yearly", "2026-03-07 10:00:00", ["2027-01-01 00:00:00 Fri", "2028-01-01 00:00:00 Sat"]),
        ("0 0 29 2 *", "2026-03-07 10:00:00", ["2028-02-29 00:00:00 Tue", "2032-02-29 00:00:00 Sun"]),
    ],
)
def test_next_times(schedule: str, start: str, expected: list[str]) -> None:
    assert following(schedule, start, len(expected)) == expected


def test_day_of_month_and_weekday_match_either_when_both_are_restricted() -> None:
    # Friday the 13th is not required: every 13th, and every Friday.
    assert following("0 0 13 * 5", "2026-03-01 00:00:00", 4) == [
        "2026-03-06 00:00:00 Fri",
        "2026-03-13 00:00:00 Fri",
        "2026-03-20 00:00:00 Fri",
        "2026-03-27 00:00:00 Fri",
    ]
    assert following("0 0 13 * 1", "2026-04-10 00:00:00", 2) == ["2026-04-13 00:00:00 Mon", "2026-04-20 00:00:00 Mon"]


def test_a_star_makes_the_other_day_field_decide_alone() -> None:
    assert following("0 0 1 * *", "2026-03-07 00:00:00", 2) == ["2026-04-01 00:00:00 Wed", "2026-05-01 00:00:00 Fri"]
    assert following("0 0 ? * 0", "2026-03-07 00:00:00", 2) == ["2026-03-08 00:00:00 Sun", "2026-03-15 00:00:00 Sun"]
    # A step makes "*" a restriction: odd days OR Mondays, as robfig reads it (the 16th is a Monday).
    assert following("0 0 */2 * 1", "2026-03-14 00:00:00", 3) == [
        "2026-03-15 00:00:00 Sun",
        "2026-03-16 00:00:00 Mon",
        "2026-03-17 00:00:00 Tue",
    ]


def test_every_is_a_constant_delay_in_whole_seconds() -> None:
    assert following("@every 90s", "2026-03-07 10:17:30.250000", 2) == [
        "2026-03-07 10:19:00 Sat",
        "2026-03-07 10:20:30 Sat",
    ]
    assert following("@every 1h30m", "2026-03-07 10:00:00", 1) == ["2026-03-07 11:30:00 Sat"]
    assert following("@every 1500ms", "2026-03-07 10:00:00", 2) == [
        "2026-03-07 10:00:01 Sat",
        "2026-03-07 10:00:02 Sat",
    ]


def test_a_time_zone_moves_the_schedule_with_daylight_saving_time() -> None:
    berlin = "TZ=Europe/Berlin 0 9 * * *"
    assert following(berlin, "2026-03-27 12:00:00", 3) == [
        "2026-03-28 08:00:00 Sat",  # 09:00 CET
        "2026-03-29 07:00:00 Sun",  # 09:00 CEST
        "2026-03-30 07:00:00 Mon",
    ]
    # 02:30 does not exist in New York on 8 March 2026: robfig skips that day.
    assert following("TZ=America/New_York 30 2 * * *", "2026-03-07 12:00:00", 2) == [
        "2026-03-09 06:30:00 Mon",
        "2026-03-10 06:30:00 Tue",
    ]


def test_a_schedule_that_never_comes() -> None:
    assert parse_schedule("30 2 31 2 *").next(at("2026-03-07 10:00:00")) is None


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("61 * * * *", "end of range (61) above maximum (59): 61"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
    ],
)
def test_errors_are_robfigs(schedule: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=re.escape(message)):
        parse_schedule(schedule)


def test_most_recent_runs_only_the_latest_missed_time() -> None:
    every_minute = parse_schedule("*/1 * * * *")
    assert most_recent(every_minute, at("2026-03-07 10:00:00"), at("2026-03-07 10:00:59")) == (None, 0)
    assert most_recent(every_minute, at("2026-03-07 10:00:00"), at("2026-03-07 10:01:30")) == (
        at("2026-03-07 10:01:00"),
        0,
    )
    latest, missed = most_recent(every_minute, at("2026-03-07 10:00:00"), at("2026-03-07 10:05:10"))
    assert latest == at("2026-03-07 10:05:00")
    assert missed == 5
    latest, missed = most_recent(every_minute, at("2026-03-07 10:00:00"), at("2026-03-07 13:00:10"))
    assert latest == at("2026-03-07 13:00:00")
    assert missed > 100  # the controller warns of too many missed start times


def test_most_recent_refuses_a_schedule_that_never_comes() -> None:
    with pytest.raises(ScheduleError, match="time difference between two schedules is less than 1 second"):
        most_recent(parse_schedule("30 2 31 2 *"), at("2026-03-07 10:00:00"), at("2026-03-07 11:00:00"))


def test_until_next_looks_again_just_after_the_next_time() -> None:
    hourly = parse_schedule("0 * * * *")
    assert until_next(hourly, at("2026-03-07 10:00:00"), at("2026-03-07 10:59:00")) == pytest.approx(60.1)
    # After a missed time, the next one counts from now.
    assert until_next(hourly, at("2026-03-07 08:00:00"), at("2026-03-07 10:30:00")) == pytest.approx(1800.1)
    assert until_next(parse_schedule("30 2 31 2 *"), at("2026-03-07 10:00:00"), at("2026-03-07 10:00:00")) is None
