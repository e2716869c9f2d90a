"""Statistical and charting functions for stats/eventstats/streamstats/timechart.

``get_aggregate(name)`` gives an :class:`AggregateSpec`; ``spec.create()`` a fresh :class:`Aggregator` per
group. The engine calls ``add(value, time)`` once per event in pipeline order (newest first, as Splunk
returns events) and ``result()`` at the end.

What no page says about a multivalue is refused as unsupported (:func:`single`) rather than answered with a
guess: no Splunk page, answer or issue found says how a stats function reads a multivalue field. Only ``dc``,
``values`` and ``list`` take each value of a multivalue (``assumed``): Splunk's own ESCU risk searches rely on
it (``dc(annotations.mitre_attack.mitre_tactic_id) as mitre_tactic_id_count`` over a multivalue annotation), and
so does this pack's replay. Every other function refuses a multivalue of several values. An empty value ``""``
is no value to any function (:func:`texts`): documented for ``count`` ("contains any value (is not empty)") and
for the arithmetic functions ("any non-numeric values are ignored"), ``assumed`` for the string-reading ones
(see :func:`texts` for why skipping, not refusing).

Calling convention for ``count``: ``count(x)`` counts the events where ``x`` has a value that is not empty, so
``add(None, t)`` and ``add("", t)`` add nothing; a multivalue with several non-empty values is refused (one
occurrence per event or per value? no page says), one with a single non-empty value counts once either way. For
a bare ``count`` (``spec.requires_field`` is False) the engine feeds any non-empty value per event (``add(1, t)``).

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

from contentpack.spl.errors import SplUnsupportedError
from contentpack.spl.values import Scalar, Value, lexicographic_key, make_mv, mv_values, ordered_number, to_str, utf8

LIST_LIMIT = 100
# Splunk switches perc/median to an approximate digest above 1000 distinct values; below it the result is
# exact. We always compute the exact value.
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


# ------------------------------------------------------------------------------- what no page says: refused

def _multivalue_error(function: str, count: int) -> SplUnsupportedError:
    return SplUnsupportedError(
        f"{function}(): a multivalue value ({count} values) is not supported: no Splunk page says whether "
        f"{function}() reads each value or the event once (mvexpand the field first to take each value, or "
        "eval it to mvindex(<field>, 0) for the first)")


def single(value: Value, function: str) -> Scalar | None:
    """An event's one value for ``function``, which no page says how to read a multivalue with: a multivalue of
    several values is refused as unsupported (each value, or the first, would be a guess)."""
    if isinstance(value, tuple):
        if len(value) > 1:
            raise _multivalue_error(function, len(value))
        return value[0] if value else None
    return value


def texts(value: Value) -> list[Scalar]:
    """The values a string-reading function (dc, values, list, mode, first, last, earliest, latest) takes: an
    empty value ``""`` is skipped, as ``count`` is documented to skip it ("contains any value (is not empty)").
    ``assumed`` for these functions: no page says whether they keep ``""``. Skipped rather than refused because
    real sign-in logs hold empty strings in fields the pack aggregates (``ipAddress``, through ``values(src)``):
    a refusal would stop the pack's searches on a tenant's own logs, and the one documented rule is count's."""
    if isinstance(value, str):  # the common case: one text, kept unless empty
        return [value] if value else []
    return [item for item in mv_values(value) if item != ""]


def _one_text(value: Value, function: str) -> Scalar | None:
    """An event's one value for a function that reads values as strings: no multivalue, ``""`` skipped."""
    if isinstance(value, str):  # the common cases: one text, or none
        return value or None
    if value is None:
        return None
    items = texts(single(value, function))
    return items[0] if items else None


# ------------------------------------------------------------------------------------------------ counting

class Count:
    """``count(x)``: "the number of occurrences where the field that you specify contains any value (is not
    empty)", so an empty string does not count, nor a multivalue whose every value is empty (documented). A
    multivalue with several non-empty values is refused: one occurrence for the event, or one per value? No page
    says. With one non-empty value both readings give 1."""

    def __init__(self) -> None:
        self.count = 0

    def add(self, value: Value, time: float | None) -> None:
        if isinstance(value, tuple):
            filled = sum(item != "" for item in value)
            if filled > 1:
                raise _multivalue_error("count", filled)
            if filled:
                self.count += 1
        elif value is not None and value != "":
            self.count += 1

    def result(self) -> Value:
        return self.count


class DistinctCount:
    """Distinct values as strings: "1", "1.0" and "01" are three values (documented); each value of a
    multivalue (assumed, see the module docstring)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def add(self, value: Value, time: float | None) -> None:
        if isinstance(value, str):  # the common case: one text is its own string
            if value:
                self.seen.add(value)
            return
        for item in texts(value):
            self.seen.add(to_str(item) or "")

    def result(self) -> Value:
        return len(self.seen)


# ------------------------------------------------------------------------------------------------ numeric

def _number(value: Value, function: str) -> int | float | None:
    """An event's number for sum, avg, range and the other arithmetic aggregates (a multivalue of several values
    refused, :func:`single`): text is ignored (documented) and so is a NaN (a field's ``NaN`` or a computed one),
    as a NaN added in would make every total NaN (assumed: no page says what stats does with a NaN)."""
    item = single(value, function)
    return None if item is None else ordered_number(item)


class Sum:
    def __init__(self) -> None:
        self.total: int | float = 0
        self.seen = False

    def add(self, value: Value, time: float | None) -> None:
        number = _number(value, "sum")
        if number is not None:
            self.total += number
            self.seen = True

    def result(self) -> Value:
        return self.total if self.seen else None


class Average:
    def __init__(self) -> None:
        self.total: float = 0.0
        self.count = 0

    def add(self, value: Value, time: float | None) -> None:
        number = _number(value, "avg")
        if number is not None:
            self.total += number
            self.count += 1

    def result(self) -> Value:
        return self.total / self.count if self.count else None


class Moments:
    """Running count/mean/M2 (Welford) for var/stdev, sample or population."""

    def __init__(self, population: bool, root: bool) -> None:
        self.population = population
        self.root = root
        self.name = ("stdev" if root else "var") + ("p" if population else "")
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, value: Value, time: float | None) -> None:
        number = _number(value, self.name)
        if number is not None:
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
        number: int | float | None
        if type(value) is float and value == value:  # the common case (a time, a computed number): itself
            number = value
        else:
            item = single(value, "max" if self.want_max else "min")
            if item is None or item == "":  # no value (see the module docstring)
                return
            number = ordered_number(item)
            if number is None:
                if not isinstance(item, bool):
                    key = lexicographic_key(item)
                    if self.text is None or (key > lexicographic_key(self.text) if self.want_max
                                             else key < lexicographic_key(self.text)):
                        self.text = item
                return
        if self.number is None or (number > self.number if self.want_max else number < self.number):
            self.number = number

    def result(self) -> Value:
        return self.number if self.number is not None else self.text


class Range:
    def __init__(self) -> None:
        self.low = Extreme(want_max=False)
        self.high = Extreme(want_max=True)

    def add(self, value: Value, time: float | None) -> None:
        number = _number(value, "range")
        if number is not None:
            self.low.add(number, time)
            self.high.add(number, time)

    def result(self) -> Value:
        low, high = self.low.number, self.high.number
        return None if low is None or high is None else high - low


class Percentile:
    """perc<N>/p<N>/upperperc<N>/exactperc<N> interpolate linearly at rank N/100 × (count - 1) of the sorted
    values: every worked example of the 10.0 Aggregate functions page does (perc50 of 10..1 "returns 5.5",
    perc95 "returns 9.55"; 1996.5 and 3858.35 over the visitor totals), though its text names the nearest rank
    algorithm; upperperc "returns the same percentile as the perc function" below 1000 values. median takes the
    value at index floor(count / 2) ("approximated to the higher of the two values" for an even count)."""

    def __init__(self, name: str, percent: float, interpolate: bool) -> None:
        self.name = name
        self.percent = percent
        self.interpolate = interpolate
        self.values: list[int | float] = []

    def add(self, value: Value, time: float | None) -> None:
        number = _number(value, self.name)
        if number is not None:
            self.values.append(number)

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
        item = _one_text(value, "mode")
        if item is not None:
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
    """Distinct values, returned in lexicographic (UTF-8 byte) order; each value of a multivalue (assumed, see
    the module docstring)."""

    def __init__(self) -> None:
        self.seen: dict[str, Scalar] = {}

    def add(self, value: Value, time: float | None) -> None:
        if isinstance(value, str):  # the common case: one text is its own string
            if value:
                self.seen.setdefault(value, value)
            return
        for item in texts(value):
            self.seen.setdefault(to_str(item) or "", item)

    def result(self) -> Value:
        ordered = sorted(self.seen, key=utf8)
        return make_mv(self.seen[text] for text in ordered)


class ListValues:
    """Every value in event order, at most the first 100; each value of a multivalue (assumed, see the module
    docstring)."""

    def __init__(self) -> None:
        self.items: list[Scalar] = []

    def add(self, value: Value, time: float | None) -> None:
        for item in texts(value):
            if len(self.items) >= LIST_LIMIT:
                return
            self.items.append(item)

    def result(self) -> Value:
        return make_mv(self.items)


# ------------------------------------------------------------------------------------------ order and time

class First:
    """The first value seen (events arrive newest first, so this is the most recent event's value). Only events up
    to the one that gives it can be refused (:func:`_one_text`): later ones change nothing either way."""

    def __init__(self) -> None:
        self.value: Value = None

    def add(self, value: Value, time: float | None) -> None:
        if self.value is None:
            self.value = _one_text(value, "first")

    def result(self) -> Value:
        return self.value


class Last:
    def __init__(self) -> None:
        self.value: Value = None

    def add(self, value: Value, time: float | None) -> None:
        item = _one_text(value, "last")
        if item is not None:
            self.value = item

    def result(self) -> Value:
        return self.value


class ByTime:
    """earliest/latest (the value at the smallest/largest ``_time``) and earliest_time/latest_time (that time):
    "the chronologically earliest seen occurrence of a value in a field", "the chronologically latest (most
    recent)" (10.0 Time functions page), so the time decides, never the order events arrive in.

    The page says nothing of two events at the deciding time with different values, nor of an event without a
    ``_time`` (a row a ``stats`` made): which value wins, or where an untimed event falls, would be a guess, so
    both are refused as unsupported (``assumed``: the engine used to keep the first value seen and skip untimed
    events). A tie that a later or earlier time settles, or a tie of equal values, answers as before. An event
    without the field is no occurrence of a value, so its time does not count (``texts``).
    """

    def __init__(self, latest: bool, report_time: bool) -> None:
        self.latest = latest
        self.report_time = report_time
        self.name = ("latest" if latest else "earliest") + ("_time" if report_time else "")
        self.time: float | None = None
        self.value: Value = None
        self.tied: Scalar | None = None  # a different value at self.time, when one was seen

    def add(self, value: Value, time: float | None) -> None:
        value = _one_text(value, self.name)
        if value is None:
            return
        if time is None:
            raise SplUnsupportedError(
                f"{self.name}(): an event without _time holds a value ({to_str(value)!r}), and no Splunk page says "
                f"where such an event falls in time (give it one, e.g. eval _time=<time field>, or use "
                f"{'last' if self.latest else 'first'}() for the order events arrive in)")
        if self.time is None or (time > self.time if self.latest else time < self.time):
            self.time, self.value, self.tied = time, value, None
        elif time == self.time and self.tied is None and to_str(value) != to_str(self.value):
            self.tied = value

    def result(self) -> Value:
        if self.report_time:
            return self.time
        if self.tied is not None:
            raise SplUnsupportedError(
                f"{self.name}(): two values share the {'latest' if self.latest else 'earliest'} _time "
                f"({to_str(self.value)!r} and {to_str(self.tied)!r}), and no Splunk page says which one "
                f"{self.name}() returns (break the tie first, e.g. sort the events and use first() or last())")
        return self.value


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
    "median": (True, lambda: Percentile("median", 50, interpolate=False)),  # the page's "higher of the two"
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


#: functions whose aggregation fails on nothing but a multivalue (``single``, ``Count``) and whose result never
#: fails (not earliest/latest: a tie or an untimed event, ``ByTime``), so a caller that leaves groups out gives the same answer when no event of theirs holds a multivalue in
#: an aggregated field (``spl.plan``). Not ``sum``: an integer total past a double fails to add a float; nor the
#: interpolating percentiles: the difference of two such integers fails to scale.
SKIPPABLE = frozenset({
    "count", "dc", "avg", "min", "max", "range", "stdev", "stdevp", "var", "varp", "median", "mode", "values",
    "list", "first", "last",
})


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
    return AggregateSpec(name, True, lambda: Percentile(name, percent, interpolate=True))
