"""Statistical and charting functions for stats/eventstats/streamstats/timechart.

``get_aggregate(name)`` gives an :class:`AggregateSpec`; ``spec.create()`` a fresh :class:`Aggregator` per
group. The engine calls ``add(value, time)`` once per event in pipeline order (newest first, as Splunk
returns events) and ``result()`` at the end. A multivalue value contributes each of its values, except to
``count(x)``.

Calling convention for ``count``: ``count(x)`` counts the events where ``x`` has a value that is not empty, so
``add(None, t)`` and ``add("", t)`` add nothing, and an event whose ``x`` holds several values counts once
(``assumed``: no page says whether an "occurrence" is an event or a value). For a bare ``count``
(``spec.requires_field`` is False) the engine feeds any non-empty value per event (e.g. ``add(1, t)``).

Sources (each rule is pinned by a test citing it):
* https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions —
  most functions read numbers and ignore non-numeric values; ``dc``/``values``/``list``/``first``/``last``/
  ``earliest``/``latest``/``mode`` read strings; ``min``/``max`` "process values as numbers if possible";
* https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/statistical-and-charting-functions/multivalue-stats-and-chart-functions —
  ``values`` lexicographic; ``list`` in event order, first 100 values;
* …/9.4/statistical-and-charting-functions/event-order-functions and …/time-functions — ``first``/``last`` by
  the order events are seen, ``earliest``/``latest`` by ``_time``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from contentpack.spl.values import Scalar, Value, lexicographic_key, make_mv, mv_values, ordered_number, to_str, utf8

LIST_LIMIT = 100
# Splunk switches perc/median to an approximate digest above this many distinct values; below it the
# result is exact (nearest rank). We always compute the exact value.
_PERCENTILE = re.compile(r"(?P<kind>perc|p|exactperc|upperperc)(?P<n>\d+(?:\.\d+)?)\Z")


class Aggregator(Protocol):
    """Accumulates one group's values."""

    def add(self, value: Value, time: float | None) -> None: ...

    def result(self) -> Value: ...


@dataclass(frozen=True)
class AggregateSpec:
    """One stats function. ``requires_field`` is False only for ``count`` (``stats count``)."""

    name: str
    requires_field: bool
    create: Callable[[], Aggregator]


def aggregate_label(name: str, field: str | None) -> str:
    """Splunk's default output column name: ``count``, ``count(user)``, ``values(appDisplayName)``."""
    return name if field is None else f"{name}({field})"


# ------------------------------------------------------------------------------------------------ counting

class Count:
    """``count(x)``: "the number of occurrences where the field that you specify contains any value (is not
    empty)", so an empty string does not count, nor a multivalue whose every value is empty (documented); a
    multivalue with a value counts once for its event (assumed: the page does not say per event or per value)."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, value: Value, time: float | None) -> None:
        if any(item != "" for item in mv_values(value)):
            self.count += 1

    def result(self) -> Value:
        return self.count


class DistinctCount:
    """Distinct values as strings: "1", "1.0" and "01" are three values (documented)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def add(self, value: Value, time: float | None) -> None:
        for item in mv_values(value):
            self.seen.add(to_str(item) or "")

    def result(self) -> Value:
        return len(self.seen)


# ------------------------------------------------------------------------------------------------ numeric

def _numbers(value: Value) -> list[int | float]:
    """The numbers among a field's values, for sum, avg, range and the other arithmetic aggregates: text and a
    NaN (a field's ``NaN`` or a computed one) are left out, as a NaN added in would make every total NaN
    (assumed: no page says what stats does with a NaN)."""
    out: list[int | float] = []
    for item in mv_values(value):
        number = ordered_number(item)
        if number is not None:
            out.append(number)
    return out


class Sum:
    def __init__(self) -> None:
        self.total: int | float = 0
        self.seen = False

    def add(self, value: Value, time: float | None) -> None:
        for number in _numbers(value):
            self.total += number
            self.seen = True

    def result(self) -> Value:
        return self.total if self.seen else None


class Average:
    def __init__(self) -> None:
        self.total: float = 0.0
        self.count = 0

    def add(self, value: Value, time: float | None) -> None:
        for number in _numbers(value):
            self.total += number
            self.count += 1

    def result(self) -> Value:
        return self.total / self.count if self.count else None


class Moments:
    """Running count/mean/M2 (Welford) for var/stdev, sample or population."""

    def __init__(self, population: bool, root: bool) -> None:
        self.population = population
        self.root = root
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, value: Value, time: float | None) -> None:
        for number in _numbers(value):
            self.count += 1
            delta = number - self.mean
            self.mean += delta / self.count
            self.m2 += delta * (number - self.mean)

    def result(self) -> Value:
        if self.count == 0:
            return None
        divisor = self.count if self.population else self.count - 1
        variance = self.m2 / divisor if divisor > 0 else 0.0
        variance = max(variance, 0.0)
        return math.sqrt(variance) if self.root else variance


class Extreme:
    """min/max: numeric over the numeric values when there are any, else lexicographic over the strings."""

    def __init__(self, want_max: bool) -> None:
        self.want_max = want_max
        self.number: int | float | None = None
        self.text: Scalar | None = None

    def add(self, value: Value, time: float | None) -> None:
        for item in mv_values(value):
            number = ordered_number(item)
            if number is not None:
                if self.number is None or (number > self.number if self.want_max else number < self.number):
                    self.number = number
            elif not isinstance(item, bool):
                key = lexicographic_key(item)
                if self.text is None or (key > lexicographic_key(self.text) if self.want_max else key < lexicographic_key(self.text)):
                    self.text = item

    def result(self) -> Value:
        return self.number if self.number is not None else self.text


class Range:
    def __init__(self) -> None:
        self.low = Extreme(want_max=False)
        self.high = Extreme(want_max=True)

    def add(self, value: Value, time: float | None) -> None:
        numbers = _numbers(value)
        self.low.add(tuple(numbers), time)
        self.high.add(tuple(numbers), time)

    def result(self) -> Value:
        low, high = self.low.number, self.high.number
        return None if low is None or high is None else high - low


class Percentile:
    """perc<N>/p<N>/upperperc<N>/median: the value at index floor(N/100 × count) of the sorted values
    (nearest rank, upper value for the median of an even count); exactperc<N> interpolates linearly."""

    def __init__(self, percent: float, interpolate: bool) -> None:
        self.percent = percent
        self.interpolate = interpolate
        self.values: list[int | float] = []

    def add(self, value: Value, time: float | None) -> None:
        self.values.extend(_numbers(value))

    def result(self) -> Value:
        if not self.values:
            return None
        ordered = sorted(self.values)
        count = len(ordered)
        if self.interpolate:
            rank = self.percent / 100 * (count - 1)
            low = math.floor(rank)
            high = min(low + 1, count - 1)
            fraction = rank - low
            if fraction == 0:
                return ordered[low]
            return ordered[low] + (ordered[high] - ordered[low]) * fraction
        index = min(int(math.floor(self.percent / 100 * count)), count - 1)
        return ordered[index]


class Mode:
    """Most frequent value (as a string); ties go to the value seen first."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.originals: dict[str, Scalar] = {}

    def add(self, value: Value, time: float | None) -> None:
        for item in mv_values(value):
            key = to_str(item) or ""
            self.counts[key] = self.counts.get(key, 0) + 1
            self.originals.setdefault(key, item)

    def result(self) -> Value:
        if not self.counts:
            return None
        best = max(self.counts.items(), key=lambda pair: pair[1])[0]
        return self.originals[best]


# ------------------------------------------------------------------------------------------- values / list

class Values:
    """Distinct values, returned in lexicographic (UTF-8 byte) order."""

    def __init__(self) -> None:
        self.seen: dict[str, Scalar] = {}

    def add(self, value: Value, time: float | None) -> None:
        for item in mv_values(value):
            self.seen.setdefault(to_str(item) or "", item)

    def result(self) -> Value:
        ordered = sorted(self.seen, key=utf8)
        return make_mv(self.seen[text] for text in ordered)


class ListValues:
    """Every value in event order, at most the first 100."""

    def __init__(self) -> None:
        self.items: list[Scalar] = []

    def add(self, value: Value, time: float | None) -> None:
        for item in mv_values(value):
            if len(self.items) >= LIST_LIMIT:
                return
            self.items.append(item)

    def result(self) -> Value:
        return make_mv(self.items)


# ------------------------------------------------------------------------------------------ order and time

class First:
    """The first value seen (events arrive newest first, so this is the most recent event's value)."""

    def __init__(self) -> None:
        self.value: Value = None

    def add(self, value: Value, time: float | None) -> None:
        if self.value is None and value is not None:
            self.value = value

    def result(self) -> Value:
        return self.value


class Last:
    def __init__(self) -> None:
        self.value: Value = None

    def add(self, value: Value, time: float | None) -> None:
        if value is not None:
            self.value = value

    def result(self) -> Value:
        return self.value


class ByTime:
    """earliest/latest (the value at the smallest/largest ``_time``) and earliest_time/latest_time (that time).

    Ties keep the value seen first. Events without a time are ignored.
    """

    def __init__(self, latest: bool, report_time: bool) -> None:
        self.latest = latest
        self.report_time = report_time
        self.time: float | None = None
        self.value: Value = None

    def add(self, value: Value, time: float | None) -> None:
        if value is None or time is None:
            return
        if self.time is None or (time > self.time if self.latest else time < self.time):
            self.time = time
            self.value = value

    def result(self) -> Value:
        return self.time if self.report_time else self.value


# ---------------------------------------------------------------------------------------------- registry

_FIXED: dict[str, tuple[bool, Callable[[], Aggregator]]] = {
    "count": (False, Count),
    "c": (False, Count),
    "dc": (True, DistinctCount),
    "distinct_count": (True, DistinctCount),
    "sum": (True, Sum),
    "avg": (True, Average),
    "mean": (True, Average),
    "min": (True, lambda: Extreme(want_max=False)),
    "max": (True, lambda: Extreme(want_max=True)),
    "range": (True, Range),
    "stdev": (True, lambda: Moments(population=False, root=True)),
    "stdevp": (True, lambda: Moments(population=True, root=True)),
    "var": (True, lambda: Moments(population=False, root=False)),
    "varp": (True, lambda: Moments(population=True, root=False)),
    "median": (True, lambda: Percentile(50, interpolate=False)),
    "mode": (True, Mode),
    "values": (True, Values),
    "list": (True, ListValues),
    "first": (True, First),
    "last": (True, Last),
    "earliest": (True, lambda: ByTime(latest=False, report_time=False)),
    "latest": (True, lambda: ByTime(latest=True, report_time=False)),
    "earliest_time": (True, lambda: ByTime(latest=False, report_time=True)),
    "latest_time": (True, lambda: ByTime(latest=True, report_time=True)),
}


def get_aggregate(name: str) -> AggregateSpec | None:
    """The spec of stats function ``name`` (``perc95``, ``p99.9``, ``exactperc50`` parse their N), or None."""
    fixed = _FIXED.get(name)
    if fixed is not None:
        requires_field, factory = fixed
        return AggregateSpec(name, requires_field, factory)
    match = _PERCENTILE.match(name)
    if match is None:
        return None
    percent = float(match["n"])
    if not 0 <= percent <= 100:
        return None
    interpolate = match["kind"] == "exactperc"
    return AggregateSpec(name, True, lambda: Percentile(percent, interpolate))
