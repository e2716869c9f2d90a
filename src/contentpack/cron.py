"""Splunk ``cron_schedule`` strings: parse them and step through their run times.

Why a module of its own: the validator checks ``cron_schedule`` at load time and the scheduled replay
steps through it, and both must accept exactly the same language. This is a leaf module: it imports
nothing else from contentpack.

The language is what savedsearches.conf.spec documents for ``cron_schedule``: "standard cron
notation", five fields (minute, hour, day of month, month, day of week) with lists (``00,20,40``),
ranges (``9-17``), steps (``*/5``, ``10-50/20``) and ``*``; and "The Splunk cron implementation does not
currently support names of months or days", so ``jan`` or ``mon`` is rejected. The Alerting Manual's
*Use cron expressions for alert scheduling* gives each field's range -- "Day of the week: 0-6 (where 0 =
Sunday)", so 7 is rejected -- and the forms ``N``, ``N,M``, ``I-J``, ``*``, ``*/N``, ``I-J,K-L``, ``I-J/N``.
When both day fields are restricted a time matches if either matches (standard cron; assumed, no Splunk
page says); when one is ``*`` only the other counts.

Refused, because a wrong reading would change which runs fire and no Splunk page settles it:

* a step after a single value (``5/15``): Vixie cron as Debian ships it rejects it ("Step specified
  without range"), other crons read it as ``5-59/15``, and the Alerting Manual lists no such form;
* a list mixing stepped and unstepped items (``9-12,15-17/2``): the Alerting Manual reads that one as
  "Each value in this field that is an interval of /N and is within the specified ranges" (9, 11, 15,
  17), standard cron as the step of the last range only (9, 10, 11, 12, 15, 17);
* a day field that starts with ``*`` but is not ``*`` (``*/2``) while the other day field is restricted:
  Vixie cron counts such a field as unrestricted (both must match), other crons as restricted (either).

Also refused: a schedule whose days of month fall in none of its months (``0 0 30 2 *``): it never runs; and a step
longer than its range (``0 */70 * * *``, ``0-5/10``), which leaves only the range's first value: the Alerting Manual
reads ``*/N`` as "All values in this field are intervals of N" (``*/3`` hours: 0, 3, ..., 21), so ``*/70`` hours runs
at hour 0 alone, once a day, not every 70 hours as it reads; cronie accepts it with "Warning: Step size 70 higher than
possible maximum of 23" (``src/entry.c``, ``get_range``).

Timezone: run times are computed in UTC. The Alerting Manual: "In Splunk Cloud Platform, the timezone is
always Coordinated Universal Time (UTC). In Splunk Enterprise, the cron analyzer defaults to the timezone
where the search head is configured." The simulation models a search head in UTC (``content.schedule``
refuses any other zone). Ticks are whole minutes (the scheduler runs at second 0). ``ticks(..., tz)`` reads the
cron on another zone's clock, for the validator's judgement of a search head with daylight saving
(``content.schedule.DaylightSaving``): a daily cron's runs are then 25 hours apart across the night the clocks
go back. A local time the change skips or repeats names two instants (the zone's offset before and after it);
which the scheduler runs no page says, so both are ticks (assumed): an hourly cron then ticks at the same
instants as in UTC, and a run more can only shorten a gap between windows, never open one.

API::

    cron = parse_cron("*/15 * * * *")        # raises CronError(message, column)
    for t in cron.ticks(start, end):          # epoch seconds in (start, end], ascending
        ...
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = ["AMBIGUOUS", "INVALID", "MISREAD", "NEVER_RUNS", "Cron", "CronError", "parse_cron"]


# What a refused cron string is, as the validator words it after ``cron_schedule '...'``: only ``INVALID`` says
# Splunk does not take the syntax; the others are refused though it may (see the module docstring).
INVALID = "is not valid Splunk cron"
AMBIGUOUS = "is read differently by different cron implementations"
MISREAD = "runs differently than it reads"
NEVER_RUNS = "never runs"


class CronError(ValueError):
    """A cron string refused here; ``column`` is the 0-based offset of the bad part. ``verdict``: why, one of
    ``INVALID`` (not cron Splunk takes), ``AMBIGUOUS`` (crons disagree on it), ``MISREAD`` (Splunk runs it otherwise
    than it reads: a step longer than its range), ``NEVER_RUNS`` (no day it names exists)."""

    def __init__(self, message: str, column: int, *, verdict: str = INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.verdict = verdict

    def __str__(self) -> str:
        return f"column {self.column + 1}: {self.message}"


# (name, lowest, highest) per field, in the order of the cron string.
_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)


@dataclass(frozen=True)
class Cron:
    """A parsed cron schedule: the allowed values of each field."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]  # 0 = Sunday .. 6 = Saturday
    dom_restricted: bool
    dow_restricted: bool

    def matches_day(self, year: int, month: int, day: int) -> bool:
        """Whether a calendar day is a run day (month, day of month and day of week together)."""
        if month not in self.months:
            return False
        dom_ok = day in self.days_of_month
        # calendar.weekday: Monday = 0 .. Sunday = 6; cron: Sunday = 0.
        dow_ok = (calendar.weekday(year, month, day) + 1) % 7 in self.days_of_week
        if self.dom_restricted and self.dow_restricted:
            return dom_ok or dow_ok
        return dom_ok and dow_ok

    def ticks(self, start: float, end: float, tz: str = "UTC") -> Iterator[float]:
        """Run times (epoch seconds, whole minutes) in the half-open interval (start, end], the cron read on the
        clock of ``tz`` (an IANA name; see the module docstring for the hours a change skips or repeats)."""
        if tz != "UTC":
            yield from self._local_ticks(start, end, ZoneInfo(tz))
            return
        if end <= start:
            return
        minutes = sorted(self.minutes)
        hours = sorted(self.hours)
        day = int(start // 86400) * 86400
        while day <= end:
            tm = time.gmtime(day)
            if self.matches_day(tm.tm_year, tm.tm_mon, tm.tm_mday):
                for hour in hours:
                    base = day + hour * 3600
                    if base + 3540 <= start:
                        continue
                    if base > end:
                        return
                    for minute in minutes:
                        tick = base + minute * 60
                        if tick > end:
                            return
                        if tick > start:
                            yield float(tick)
            day += 86400

    def _local_ticks(self, start: float, end: float, zone: ZoneInfo) -> Iterator[float]:
        """The UTC ticks of the zone's wall clock (a day either side: no zone is further from UTC), each at the
        instants its local time names, ascending and once each."""
        instants: set[float] = set()
        for wall in self.ticks(start - 86400, end + 86400):
            naive = _EPOCH_NAIVE + timedelta(seconds=wall)
            for fold in (0, 1):
                instant = (naive.replace(tzinfo=zone, fold=fold) - _EPOCH).total_seconds()
                if start < instant <= end:
                    instants.add(instant)
        yield from sorted(instants)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_NAIVE = datetime(1970, 1, 1)


def parse_cron(text: str) -> Cron:
    """Parse a five-field cron string as Splunk's ``cron_schedule`` accepts it."""
    parts = _split(text)
    if parts and parts[0][1].startswith("@"):
        raise CronError(
            f"{parts[0][1]!r} is not cron: expected 5 fields (minute hour day-of-month month day-of-week)",
            parts[0][0],
        )
    if len(parts) != 5:
        column = parts[5][0] if len(parts) > 5 else len(text)
        raise CronError(f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}", column)
    values: list[frozenset[int]] = []
    for (column, field_text), (name, low, high) in zip(parts, _FIELDS):
        values.append(_parse_field(field_text, column, name, low, high))
    (dom_column, dom_text), (dow_column, dow_text) = parts[2], parts[4]
    if dom_text != "*" and dow_text != "*":
        for column, field_text, name in ((dom_column, dom_text, "day of month"), (dow_column, dow_text, "day of week")):
            if field_text.startswith("*"):
                raise CronError(
                    f"{name} {field_text!r} with the other day field restricted: Vixie cron counts a field starting "
                    f"with '*' as unrestricted (both day fields must match), other crons as restricted (either "
                    f"matches), and Splunk's documentation does not say; write its values as a range "
                    f"({'1-31' if name == 'day of month' else '0-6'}{field_text[1:]})", column, verdict=AMBIGUOUS)
    cron = Cron(
        text=text,
        minutes=values[0],
        hours=values[1],
        days_of_month=values[2],
        months=values[3],
        days_of_week=values[4],
        dom_restricted=not dom_text.startswith("*"),
        dow_restricted=not dow_text.startswith("*"),
    )
    if cron.dom_restricted and not cron.dow_restricted and not any(
            day <= _LONGEST_MONTH[month] for month in cron.months for day in cron.days_of_month):
        raise CronError(f"day of month {dom_text!r} falls in none of the months {parts[3][1]!r}, so no day of the "
                        f"year matches", dom_column, verdict=NEVER_RUNS)
    return cron


# The most days each month has (29 in February, a leap year's).
_LONGEST_MONTH = {month: calendar.monthrange(2024, month)[1] for month in range(1, 13)}


def _split(text: str) -> list[tuple[int, str]]:
    """Whitespace-separated fields with their starting offsets."""
    parts: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        if text[i] in " \t":
            i += 1
            continue
        j = i
        while j < len(text) and text[j] not in " \t":
            j += 1
        parts.append((i, text[i:j]))
        i = j
    return parts


def _parse_field(text: str, column: int, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    offset = 0
    items = text.split(",")
    stepped = [("/" in item) for item in items]
    for item in items:
        item_column = column + offset
        offset += len(item) + 1
        if not item:
            raise CronError(f"empty item in the {name} field", item_column)
        if len(items) > 1 and any(stepped) and "/" not in item:
            step = next(i for i in items if "/" in i).partition("/")[2]
            raise CronError(
                f"the {name} field {text!r} mixes stepped and unstepped items: Splunk's Alerting Manual applies a "
                f"step written after a list to every range of it ('9-12,15-17/2': 9, 11, 15, 17), standard cron to "
                f"the last item only (9, 10, 11, 12, 15, 17); give each item its own step ({item}/{step}) or none",
                item_column, verdict=AMBIGUOUS)
        values.update(_parse_item(item, item_column, name, low, high))
    return frozenset(values)


def _parse_item(item: str, column: int, name: str, low: int, high: int) -> range:
    range_text, slash, step_text = item.partition("/")
    step = 1
    if slash:
        step_column = column + len(range_text) + 1
        step = _number(step_text, step_column, f"step in the {name} field")
        if step == 0:
            raise CronError(f"step 0 in the {name} field", step_column)
    if range_text == "*":
        first, last = low, high
    else:
        first_text, dash, last_text = range_text.partition("-")
        first = _bounded(first_text, column, name, low, high)
        if dash:
            last_column = column + len(first_text) + 1
            last = _bounded(last_text, last_column, name, low, high)
            if last < first:
                raise CronError(f"range {range_text} in the {name} field runs backwards", column)
        elif slash:
            raise CronError(
                f"step after a single value ({item!r}) in the {name} field: Vixie cron rejects it, other crons read it "
                f"as '{first_text}-{high}/{step_text}', and Splunk's documentation lists no such form; write the range",
                column, verdict=AMBIGUOUS)
        else:
            last = first
    if step > 1 and step > last - first:
        raise CronError(
            f"step {step} in the {name} field is longer than its range {first}-{last}, so only {first} runs, not every "
            f"{step} from the last run: Splunk reads '*/N' as the field's values that are intervals of N (Alerting "
            f"Manual: '*/3' hours is 0, 3, ..., 21) and cron warns 'Step size {step} higher than possible maximum'; "
            f"write {first} if that is meant", column + len(range_text) + 1, verdict=MISREAD)
    return range(first, last + 1, step)


def _bounded(text: str, column: int, name: str, low: int, high: int) -> int:
    value = _number(text, column, f"{name} value")
    if not low <= value <= high:
        sunday = " (Splunk's Alerting Manual: \"Day of the week: 0-6 (where 0 = Sunday)\"; write 0)" \
            if name == "day of week" and value == 7 else ""
        raise CronError(f"{name} value {value} is outside {low}-{high}{sunday}", column)
    return value


def _number(text: str, column: int, what: str) -> int:
    if not text.isascii() or not text.isdigit():
        if text[:3].isalpha():
            raise CronError(f"{what} {text!r} is not a number (Splunk's cron accepts no month or day names)", column)
        raise CronError(f"{what} {text!r} is not a number", column)
    return int(text)
