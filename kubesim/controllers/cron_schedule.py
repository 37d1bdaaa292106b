"""Cron schedules as the CronJob controller reads them: github.com/robfig/cron/v3 `ParseStandard` and `Next`.

Pure functions over aware datetimes, so they are tested on their own and the controller feeds them the
simulated clock. Five fields (minute hour day-of-month month day-of-week, with names, ranges, steps and
lists), the descriptors (@yearly, @monthly, @weekly, @daily, @hourly, @every <duration>) and a
`TZ=<zone>` prefix. Like robfig, the day of the month and the day of the week must both match when
either is `*` (or `?`); when both are restricted, either may match. `Next` gives None where no time
fits within five years (robfig's zero time: "30 2 31 2 *" never comes).

`most_recent` and `until_next` are the CronJob controller's arithmetic on top (its mostRecentScheduleTime
and nextScheduleTimeDuration): the latest time due, and how long until the next one.

Syntax errors are the API's validation's (`cron_schedule_error`, with robfig's messages): this module
only evaluates schedules.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from kubesim.api.validation import cron_schedule_error

UTC = datetime.UTC
NEXT_SCHEDULE_DELTA = 0.1  # seconds past a scheduled time to look again, against clock skew
_SECOND = datetime.timedelta(seconds=1)
_STAR = 1 << 63  # robfig's starBit: the field was "*" or "?", which makes day matching an AND
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_FIELDS: tuple[
    tuple[int, int, dict[str, int]], ...
] = (  # (low, high, names) of minute, hour, day of month, month, day of week
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, {name: number + 1 for number, name in enumerate(_MONTHS)}),
    (0, 6, {name: number for number, name in enumerate(_WEEKDAYS)}),
)
_GO_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")  # Go accepts both micro signs
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class ScheduleError(ValueError):
    """A schedule robfig's ParseStandard refuses; the message is its own."""


@dataclass(frozen=True)
class FieldSchedule:
    """A five-field schedule: one bit per allowed value of each field, evaluated in `zone`."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    zone: datetime.tzinfo

    def next(self, after: datetime.datetime) -> datetime.datetime | None:
        """The first time strictly after `after` (on a whole second) that fits, in UTC; None within 5 years.

        robfig's search: each field in turn, from the month down; a field that rolls over (December to
        January, the last day to the 1st, 23 h to 0 h) starts the search again from the month."""
        zone = self.zone
        t = _shift(after.replace(microsecond=0), _SECOND).astimezone(zone)
        added = False  # once a field has moved, the smaller ones start from their lowest value
        year_limit = t.year + 5
        while t.year <= year_limit:
            if not self.month & (1 << t.month):
                if not added:
                    added, t = True, _wall(zone, t.year, t.month, 1)
                t = _wall(zone, t.year + t.month // 12, t.month % 12 + 1, 1)
                continue
            if not self._day_matches(t):
                if not added:
                    added, t = True, _wall(zone, t.year, t.month, t.day)
                t = self._following_day(t)
                continue
            if not self.hour & (1 << t.hour):
                if not added:
                    added, t = True, _wall(zone, t.year, t.month, t.day, t.hour)
                t = _shift(t, datetime.timedelta(hours=1))
                continue
            if not self.minute & (1 << t.minute):
                if not added:
                    added, t = True, t.replace(second=0)
                t = _shift(t, datetime.timedelta(minutes=1))
                continue
            if t.second:
                added, t = True, _shift(t, datetime.timedelta(seconds=60 - t.second))
                continue
            return t.astimezone(UTC)
        return None

    def _following_day(self, t: datetime.datetime) -> datetime.datetime:
        """The next day at t's wall time (Go's AddDate(0, 0, 1)), kept at midnight across daylight saving time."""
        following = t.date() + datetime.timedelta(days=1)
        t = _wall(self.zone, following.year, following.month, following.day, t.hour, t.minute, t.second)
        if t.hour:  # a skipped midnight lands on 1 am (or a repeated one on 11 pm): back to the day's start
            t = _shift(t, datetime.timedelta(hours=24 - t.hour if t.hour > 12 else -t.hour))
        return t

    def _day_matches(self, t: datetime.datetime) -> bool:
        dom = bool(self.dom & (1 << t.day))
        dow = bool(self.dow & (1 << (t.isoweekday() % 7)))
        if self.dom & _STAR or self.dow & _STAR:
            return dom and dow
        return dom or dow


@dataclass(frozen=True)
class EverySchedule:
    """`@every <duration>`: a constant delay of whole seconds (at least one) from the previous time."""

    delay: datetime.timedelta

    def next(self, after: datetime.datetime) -> datetime.datetime | None:
        return after.replace(microsecond=0).astimezone(UTC) + self.delay


Schedule = FieldSchedule | EverySchedule


def parse_schedule(text: str) -> Schedule:
    """robfig's ParseStandard: a schedule, with an optional TZ=/CRON_TZ= zone prefix (UTC without one)."""
    spec = text.strip()
    zone: datetime.tzinfo = datetime.UTC
    if spec.startswith(("TZ=", "CRON_TZ=")):
        end = spec.find(" ")
        name = spec[spec.index("=") + 1 : end if end >= 0 else len(spec)]
        try:
            zone = zoneinfo.ZoneInfo(name) if name not in ("", "UTC") else datetime.UTC
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"provided bad location {name}: unknown time zone {name}") from None
        spec = spec[end:].strip() if end >= 0 else ""
    error = cron_schedule_error(spec)
    if error:
        raise ScheduleError(error)
    if spec.startswith("@every "):
        return EverySchedule(_every_delay(spec[len("@every ") :]))
    if spec.startswith("@"):
        return _descriptor(spec, zone)
    minute, hour, dom, month, dow = (
        _field_bits(field, low, high, names) for field, (low, high, names) in zip(spec.split(), _FIELDS, strict=True)
    )
    return FieldSchedule(minute, hour, dom, month, dow, zone)


def most_recent(
    schedule: Schedule, earliest: datetime.datetime, now: datetime.datetime
) -> tuple[datetime.datetime | None, int]:
    """mostRecentScheduleTime: the latest scheduled time after earliest and not after now (None if none), and
    roughly how many were missed; a schedule that never comes is an error."""
    first = schedule.next(earliest)
    if first is not None and now < first:
        return None, 0
    second = schedule.next(first) if first is not None else None
    if first is not None and second is not None and now < second:
        return first, 0
    interval = round((second - first).total_seconds()) if first is not None and second is not None else 0
    if first is None or interval < 1:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    missed = int((now - first).total_seconds()) // interval + 1
    moment = schedule.next(first + datetime.timedelta(seconds=(missed - 2) * interval))
    latest = None
    while moment is not None and moment <= now:
        latest, moment = moment, schedule.next(moment)
    return latest, missed


def until_next(schedule: Schedule, earliest: datetime.datetime, now: datetime.datetime) -> float | None:
    """nextScheduleTimeDuration: seconds from now until just after the next scheduled time."""
    try:
        latest, missed = most_recent(schedule, earliest, now)
    except ScheduleError:
        latest, missed = now, 0
    base = latest if latest is not None else (earliest if missed == 0 else now)
    following = schedule.next(base)
    if following is None:
        return None
    return (following - now).total_seconds() + NEXT_SCHEDULE_DELTA


def _descriptor(spec: str, zone: datetime.tzinfo) -> FieldSchedule:
    every_day, every_month, every_weekday = _all(1, 31), _all(1, 12), _all(0, 6)
    if spec in ("@yearly", "@annually"):
        return FieldSchedule(1, 1, 1 << 1, 1 << 1, every_weekday, zone)
    if spec == "@monthly":
        return FieldSchedule(1, 1, 1 << 1, every_month, every_weekday, zone)
    if spec == "@weekly":
        return FieldSchedule(1, 1, every_day, every_month, 1, zone)
    if spec in ("@daily", "@midnight"):
        return FieldSchedule(1, 1, every_day, every_month, every_weekday, zone)
    return FieldSchedule(1, _all(0, 23), every_day, every_month, every_weekday, zone)  # @hourly


def _all(low: int, high: int) -> int:
    return _bits(low, high, 1) | _STAR


def _bits(low: int, high: int, step: int) -> int:
    return sum(1 << value for value in range(low, high + 1, step))


def _field_bits(text: str, low: int, high: int, names: dict[str, int]) -> int:
    """The values a (validated) field allows, as bits; "*" and "?" with no step also carry the star bit."""
    bits = 0
    for expression in text.split(","):
        range_and_step = expression.split("/")
        bounds = range_and_step[0].split("-")
        star = bounds[0] in ("*", "?")
        if star:
            start, end = low, high
        else:
            start = _number(bounds[0], names)
            end = _number(bounds[-1], names)
        step = int(range_and_step[1]) if len(range_and_step) == 2 else 1
        if len(range_and_step) == 2 and len(bounds) == 1:
            end = high  # "N/step" means "N-max/step"
        bits |= _bits(start, end, step) | (_STAR if star and step == 1 else 0)
    return bits


def _number(text: str, names: dict[str, int]) -> int:
    return names[text.lower()] if text.lower() in names else int(text)


def _every_delay(duration: str) -> datetime.timedelta:
    """A Go duration ("1h30m", "90s") cut to whole seconds, at least one, as robfig's Every does."""
    sign = -1 if duration.startswith("-") else 1
    seconds = sum(float(number) * _GO_UNITS[unit] for number, unit in _GO_DURATION_PART.findall(duration))
    return datetime.timedelta(seconds=max(1, int(sign * seconds)))


def _shift(t: datetime.datetime, delta: datetime.timedelta) -> datetime.datetime:
    """t + delta in absolute time (Go's Time.Add), shown in t's zone: daylight saving time moves the clock."""
    assert t.tzinfo is not None
    return (t.astimezone(UTC) + delta).astimezone(t.tzinfo)


def _wall(
    zone: datetime.tzinfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    """A wall-clock time in zone (Go's time.Date): one that daylight saving time skips is carried forward."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC).astimezone(zone)
