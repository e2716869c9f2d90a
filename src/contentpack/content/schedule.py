"""A scheduled search's runs and their dispatch windows: ``cron_schedule`` + ``dispatch.earliest_time`` /
``dispatch.latest_time``, exactly as the build writes them into savedsearches.conf.

Why here, in the content layer: ``validate`` judges the windows (CP066: a run that searches nothing, time no
run searches) and the simulation (``simulate.dispatch``) runs the searches over them; both compute a window
with this code, so the validator cannot call a schedule blind that the simulation runs, or the reverse. It
knows nothing of detections (``simulate.dispatch.schedule_of`` reads a detection's schedule).

Splunk's Alerting Manual, *Alert scheduling tips* (https://help.splunk.com/splunk-enterprise/alert-and-respond/
alerting-manual/9.0/create-alerts/alert-scheduling-tips): "Earliest: -90m, Latest: -30m, Cron Expression:
30 * * * *" sets "the search time range from 90 minutes before the search launches to 30 minutes before";
"When a search time range is shorter than the time range for the scheduled alert, an event might never be
evaluated"; and the delay exists because "event data might not reach the indexer immediately".

savedsearches.conf.spec: "dispatch.earliest_time = <time-str> * Specifies the earliest time for this search.
Can be a relative or absolute time." — relative to the moment the scheduler dispatches the search, here the
cron tick. A modifier such as ``-70m@m`` is resolved with the engine's time modifiers (``timeutil``: offset
then snap, https://help.splunk.com/splunk-enterprise/search/search-manual/9.2/specify-time-ranges/
specify-time-modifiers-in-your-search), so ``-70m@m`` at 10:00 is 08:50 and ``-1d@d`` at 10:00 is yesterday
00:00.

Runs that start later than their tick. ``allow_skew`` (savedsearches.conf.spec, Splunk 10.0): for the cron forms
``* * * * *``, ``*/M * * * *``, ``0 * * * *``, ``0 */H * * *`` and ``0 0 * * *`` the scheduler "randomly
'skews' the second, minute, and hour that the search actually runs on", for any other cron it "can only
randomly skew the second that the search runs on"; "The amount of skew for a specific search remains constant
between edits of the search"; a percentage is "of the scheduled search period" ("100% (For an every-5-minute
search = 5 minutes maximum)"), a duration ``<integer><timescale>`` a maximum. ``max_skew`` computes that bound
for a cron and an ``allow_skew`` value.
Whether a skewed run's relative window is resolved at its skewed start or at its tick no Splunk page says (one
user, in a 2019 pull request adding the setting to a rule converter, writes "The time frame which is searched
stays the same"; not a documented statement): the simulation resolves it at the skewed start (assumed), the
placement that moves the window's edges against the data, against other searches' runs and against snapping --
the alternative, the on-time window searched later, is what a delayed run does (below). ``schedule_window``
delays, the Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web*
(https://docs.splunk.com/Documentation/Splunk/9.2.1/Report/PrioritizescheduledreportsinSplunkWeb): reports the
scheduler holds back "will not run exactly at the time that they are scheduled to run. But when they do run,
they still gather data for time range that they would have covered if they started on time". So the window
does not follow a delayed start (``simulate``'s ``delays``). Not modelled: search-head load (which runs are
delayed, by how much, or skipped).

The worst a constant skew does (``skewed_worst``: the longest gap and the first window left empty, CP066, and the
longest window, CP072) is found exactly at the finitely many skews where a window's length or a gap can peak
(see "skewed runs" below), the first empty window by a search between two of them.

Sampling: a schedule is judged on its runs of eight days (a week of weekdays and one more, so every weekday
follows its predecessor once); one that runs less often is sampled over four years and two days (a cron on
29 February runs once in four years).

A search head with daylight saving (``Schedule.daylight_saving``). The replay simulates a search head in UTC
(Splunk Cloud's zone), but "In Splunk Enterprise, the cron analyzer defaults to the timezone where the search
head is configured" (Alerting Manual, *Use cron expressions for alert scheduling*): there a daily cron's runs
are 25 hours apart across the night the clocks go back, so a window counted in hours (``-24h@h`` .. ``@h``)
leaves an hour no run searches, while one counted in days (``-1d@d`` .. ``@d``) follows the zone's calendar;
and ``-7d`` reaches 169 hours back. One zone stands for all that have daylight saving (New York: an hour, as in
almost every such zone): the on-time runs of the eight days either side of its two changes of the sample's
year (plus one run's spacing, so a rarer cron has a run on each side), the cron read on its clock
(``Cron.ticks``; a local time the change skips or repeats ticks at both instants it names, assumed), each window
resolved there by the engine's zone-aware modifiers (hour and minute offsets are elapsed time, day offsets and
snaps follow the zone's calendar: assumed, as the engine reads them; no page says). Not combined with a skew.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from contentpack.cron import Cron, parse_cron
from contentpack.spl.timeutil import TimeBound, parse_time_modifier, time_bound

__all__ = ["DAYLIGHT_SAVING_ZONE", "DaylightSaving", "Gap", "Schedule", "SkewedWorst", "Window", "furthest_overlap",
           "max_hold_back", "max_skew", "schedule", "skew_allowance", "skew_period", "skewed_worst"]

# A week-aligned base for sampling a schedule's runs (Thursday 2023-11-09 00:00 UTC; any week would do).
SAMPLE_BASE = 1_700_000_000.0 - (1_700_000_000.0 % 604800)
_SAMPLES = tuple(SAMPLE_BASE + hour * 3600.0 for hour in range(7 * 24))
_WEEK_SAMPLE = 8 * 86400.0
_RARE_SAMPLE = (4 * 365 + 1 + 2) * 86400.0
# The zone standing for every zone with daylight saving, and its changes in the sample's year: the clocks went
# back at 2023-11-05 06:00 UTC and forward at 2024-03-10 07:00 UTC (tests/content/test_daylight_saving.py).
DAYLIGHT_SAVING_ZONE = "America/New_York"
CLOCK_CHANGES = (1_699_164_000.0, 1_710_054_000.0)
_AROUND_CHANGE = 8 * 86400.0


@dataclass(frozen=True)
class Window:
    """One run (its dispatch time) and the [earliest, latest) it searches."""

    run: float
    earliest: float
    latest: float

    @property
    def empty(self) -> bool:
        """No time at all: latest at (empty) or before (inverted) earliest."""
        return self.latest <= self.earliest


@dataclass(frozen=True)
class Gap:
    """Time no run searches: ``before``'s window ends at ``start``, ``after``'s begins at ``end``."""

    before: Window
    after: Window

    @property
    def start(self) -> float:
        return self.before.latest

    @property
    def end(self) -> float:
        return self.after.earliest

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class DaylightSaving:
    """A schedule's on-time runs around the clock changes on a search head in ``DAYLIGHT_SAVING_ZONE`` (see the
    module docstring): the longest time no run searches there (None: none), and how much longer than in UTC its
    longest window is (0 when not longer)."""

    gap: Gap | None
    longer: float


@dataclass(frozen=True)
class Schedule:
    """A search's schedule: its cron and its dispatch window modifiers (``tz``: the search head's zone; only UTC,
    the zone cron ticks are computed in -- a window snapped in another zone than its runs would be wrong silently,
    and when a run in a skipped or repeated local hour fires is not documented)."""

    cron: Cron
    earliest: str
    latest: str
    tz: str = "UTC"

    def __post_init__(self) -> None:
        if self.tz != "UTC":  # cron ticks are UTC (``contentpack.cron``): snapping in another zone would not match them
            raise ValueError(f"time zone {self.tz!r} is not supported: scheduled runs are simulated on a search head "
                             f"in UTC (Splunk Cloud's cron always runs in UTC)")

    @cached_property
    def bounds(self) -> tuple[TimeBound, TimeBound]:
        """The earliest and latest modifiers, read once for all the runs (ValueError for a bad modifier)."""
        return time_bound(self.earliest, self.tz), time_bound(self.latest, self.tz)

    def window(self, run_time: float) -> tuple[float, float]:
        """[earliest, latest) of a run dispatched at ``run_time`` (raises ValueError for a bad modifier)."""
        return (parse_time_modifier(self.earliest, run_time, self.tz),
                parse_time_modifier(self.latest, run_time, self.tz))

    @cached_property
    def _week_runs(self) -> list[float]:
        return list(self.cron.ticks(SAMPLE_BASE, SAMPLE_BASE + _WEEK_SAMPLE))

    @cached_property
    def _sample_ticks(self) -> list[float]:
        """The runs of eight days (a week of weekdays and one more), or hourly samples when it runs less."""
        return self._week_runs if len(self._week_runs) >= 2 else list(_SAMPLES)

    @cached_property
    def lookback(self) -> float:
        """The longest distance from a run back to its window's earliest time."""
        return self.lookback_of(self.earliest)

    def lookback_of(self, earliest: str) -> float:
        """The longest distance from a run back to ``earliest`` resolved at the run (ValueError if invalid)."""
        bound = time_bound(earliest, self.tz)
        return max(t - bound.at(t) for t in self._sample_ticks)

    @cached_property
    def longest_gap(self) -> float:
        """The longest time between two runs (one week if it runs less often than that)."""
        ticks = self._week_runs
        if len(ticks) < 2:
            return 7 * 86400.0
        return max(b - a for a, b in zip(ticks, ticks[1:]))

    @cached_property
    def windows(self) -> tuple[Window, ...]:
        """The sampled runs' windows, in run order (see the module docstring; ValueError for a bad modifier).
        Real runs only, unlike ``_sample_ticks``: a window is judged at the times the scheduler dispatches."""
        runs = self._week_runs
        if len(runs) < 2:
            runs = list(self.cron.ticks(SAMPLE_BASE, SAMPLE_BASE + _RARE_SAMPLE))
        return tuple(Window(run, *self.window(run)) for run in runs)

    @cached_property
    def daylight_saving(self) -> DaylightSaving:
        """The runs and windows around the changes of ``DAYLIGHT_SAVING_ZONE``'s clocks (the module docstring)."""
        runs = [window.run for window in self.windows]
        span = _AROUND_CHANGE + max((b - a for a, b in zip(runs, runs[1:])), default=_RARE_SAMPLE)
        earliest, latest = (time_bound(text, DAYLIGHT_SAVING_ZONE) for text in (self.earliest, self.latest))
        windows = [[Window(tick, earliest.at(tick), latest.at(tick))
                    for tick in self.cron.ticks(change - span, change + span, DAYLIGHT_SAVING_ZONE)]
                   for change in CLOCK_CHANGES]
        gaps = [gap for gap in map(_longest_uncovered, windows) if gap is not None]
        longest = max(w.latest - w.earliest for around in windows for w in around)
        return DaylightSaving(max(gaps, key=lambda gap: gap.length, default=None),
                              max(0.0, longest - max(w.latest - w.earliest for w in self.windows)))

    @cached_property
    def shortest_gap(self) -> float:
        """The shortest time between two of the sampled runs (``longest_gap`` when there is one run): the period
        a ``schedule_window`` must stay under (savedsearches.conf.spec: "The 'schedule_window' must be shorter than
        the period of the search"), the shortest of a cron whose runs are not evenly spaced."""
        runs = [window.run for window in self.windows]
        return min((b - a for a, b in zip(runs, runs[1:])), default=self.longest_gap)

    @cached_property
    def empty_windows(self) -> tuple[Window, ...]:
        """The sampled runs whose window holds no time: each searches nothing."""
        return tuple(w for w in self.windows if w.empty)


@lru_cache(maxsize=256)
def schedule(cron: str, earliest: str, latest: str, tz: str = "UTC") -> Schedule:
    """One Schedule per distinct setting (its lookback, gaps and windows are computed once per process);
    raises CronError / ValueError when the cron or a modifier is not valid."""
    parsed = Schedule(parse_cron(cron), earliest, latest, tz)
    parsed.window(SAMPLE_BASE)  # fail now, not in the middle of a timeline
    return parsed


@lru_cache(maxsize=256)
def furthest_overlap(runs: Schedule, skew: float = 0.0) -> tuple[Window, Window] | None:
    """The two sampled runs furthest apart (the earlier first) whose windows, resolved at their ticks plus ``skew``,
    share some time, so that a record there is seen by both; None when no two windows do (each window at most one
    period long). Each sampled run is paired with the runs after it, past the sample as far as a window reaches: a
    window's edges never move back as its run moves on, so the runs whose windows start before one ends are a
    prefix of those after it, and a bisection finds the last. ValueError for a modifier that does not resolve."""
    sampled = [w.run for w in runs.windows]
    reach = max(w.latest for w in runs.windows) + runs.lookback + runs.longest_gap + skew
    ticks = sampled + list(runs.cron.ticks(sampled[-1], reach))
    windows = [Window(tick + skew, *runs.window(tick + skew)) for tick in ticks]
    starts = [w.earliest for w in windows]
    furthest: tuple[Window, Window] | None = None
    for first, window in enumerate(windows[:len(sampled)]):
        last = bisect_left(starts, window.latest) - 1
        if window.empty or last <= first:
            continue
        if furthest is None or ticks[last] - ticks[first] > furthest[1].run - furthest[0].run:
            furthest = (window, windows[last])
    return furthest


def max_hold_back(schedule_window: str, period: float) -> float:
    """The longest, in seconds, the scheduler may hold a run back after its (skewed) tick under ``schedule_window``
    (the minutes given, ``0`` none; ``auto``, which the build writes and whose size no Splunk page gives, a whole
    minute under ``period``, the longest the spec allows: savedsearches.conf.spec, ``schedule_window``: "The
    'schedule_window' must be shorter than the period of the search", assumed), never more than that (validate's
    CP062 refuses a longer window). ``period``: the time between two runs (``Schedule.shortest_gap``)."""
    below_period = max(period - 60.0, 0.0)
    return below_period if schedule_window == "auto" else min(int(schedule_window) * 60.0, below_period)


# allow_skew's timescales (savedsearches.conf.spec: "m, min, minute, mins, minutes / h, hr, hour, hrs, hours /
# d, day, days"), in seconds.
_TIMESCALES = {**dict.fromkeys(("m", "min", "minute", "mins", "minutes"), 60.0),
               **dict.fromkeys(("h", "hr", "hour", "hrs", "hours"), 3600.0),
               **dict.fromkeys(("d", "day", "days"), 86400.0)}
_ALLOW_SKEW = re.compile(r"(\d+)(%|[a-z]*)")
# The cron forms whose minute and hour the scheduler may skew, each with its period in seconds, or with the
# seconds of one step of its ``*/N`` (every M minutes, every H hours).
_SKEWED_FORMS = ((re.compile(r"\* \* \* \* \*"), 60.0), (re.compile(r"\*/(\d+) \* \* \* \*"), 60.0),
                 (re.compile(r"0+ \* \* \* \*"), 3600.0), (re.compile(r"0+ \*/(\d+) \* \* \*"), 3600.0),
                 (re.compile(r"0+ 0+ \* \* \*"), 86400.0))
SECOND_ONLY = 59.0  # the most a skew of the second alone moves a run (every tick is at second 0: ``contentpack.cron``)


def skew_allowance(allow_skew: str) -> tuple[float, bool]:
    """``allow_skew`` read as (amount, is a percentage): ``100%`` -> (100, True), ``5m`` -> (300, False), ``0`` ->
    (0, False); ValueError for anything else (the spec: an integer and ``%``, or an integer and a timescale, "The
    <timescale> is required and can be omitted only when <integer> is 0")."""
    match = _ALLOW_SKEW.fullmatch(allow_skew.strip())
    if match is not None:
        number, unit = int(match.group(1)), match.group(2)
        if unit == "%":
            return float(number), True
        if unit in _TIMESCALES:
            return number * _TIMESCALES[unit], False
        if unit == "" and number == 0:
            return 0.0, False
    raise ValueError(f"allow_skew {allow_skew!r} is neither a percentage (100%) nor a duration (5m, 1h, 1d, or 0)")


def skew_period(cron: str) -> float | None:
    """The period of a cron of the forms whose minute and hour may be skewed (see the module docstring), in
    seconds; None for any other cron (only its second may be)."""
    text = " ".join(cron.split())
    for form, seconds in _SKEWED_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            if not match.groups():
                return seconds
            every = int(match.group(1))
            return every * seconds if every > 0 else None  # "M > 0", "H > 0"
    return None


def max_skew(cron: str, allow_skew: str) -> float:
    """The longest a run of a search with this ``cron_schedule`` and ``allow_skew`` may start after its tick, in
    seconds (ValueError for an ``allow_skew`` the spec does not list). For the forms with a period: the percentage
    of it, or the duration; never more than the period (assumed: the spec has the scheduler spread runs "over the
    scheduled time periods", so a longer skew would be a skew of a later run). For any other cron: up to the
    last second of the minute its runs start in (``SECOND_ONLY``), whatever the non-zero amount (assumed: the spec
    names no period for those crons, only that the second alone moves).

    Whole seconds, a fractional maximum cut down (``3%`` of every 7 minutes, 12.6 s, is 12 s): assumed. The spec
    gives no unit finer than its examples' (``50%`` of a minute is "30 seconds maximum") and has the scheduler skew
    "the second, minute, and hour that the search actually runs on", a start on a whole second, so the latest start
    a fractional maximum allows is its whole second. The validator (``skewed_worst``) and the simulation (which
    refuses a larger skew) read this one figure, so neither judges a skew the other would not run."""
    amount, percentage = skew_allowance(allow_skew)
    if amount == 0:
        return 0.0
    period = skew_period(cron)
    if period is None:
        return SECOND_ONLY
    most = int(period) * int(amount) // 100 if percentage else amount  # integers: no float rounding in the cut
    return float(min(most, period))


# ---------------------------------------------------------------------------------------------- skewed runs
#
# A constant skew s starts every run at its tick t plus s and resolves its window there (assumed, see the module
# docstring), so a window edge is a function of x = t + s: a snapped edge (``-7d@h``) is a step function, constant
# between the points where the time it snaps crosses its unit's boundary; an unsnapped one (``-60m``, ``now``)
# moves second by second with x. A window's length and the gap between two consecutive windows are then, for
# each tick, piecewise linear in s (slope -1, 0 or 1), the pieces ending where an edge jumps; such a function is
# largest at one end of a piece: at a jump (where the new step starts), one second before it (a moving edge's
# last second on the old step), at 0 or at the largest skew. Those skews, whole seconds (assumed: ticks are whole
# minutes, the spec speaks of skewing "the second"), are all ``_skews`` tries: exact for offsets and snaps in
# seconds, minutes, hours, days and weeks; months, quarters and years are tried at their days' boundaries, a
# superset of their jumps, over the sampled runs.

_GRID = {"m": 60, "h": 3600, "d": 86400, "w": 86400, "mon": 86400, "q": 86400, "y": 86400}
_PERIOD = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TIME_OF_DAY = {"s": 1, "m": 60, "h": 3600}
_FIXED = frozenset(("s", "m", "h", "d", "w"))  # in UTC, a d or w offset moves the clock by a fixed number of seconds


@dataclass(frozen=True)
class _Edge:
    """Where a window edge, resolved at a run started at x (whole seconds), changes its course.

    ``jumps``: (grid, phase): it is constant except where x crosses a point x = phase (mod grid): every jump of
    ``snap(x + c)`` and of whatever follows it lies on the first snap's grid shifted by the seconds, minutes and
    hours offset before it (a day, week or month offset keeps the time of day in UTC; week, month, quarter and
    year snaps fall on days' boundaries, a superset). None for an edge without a snap (``@s`` is none at whole
    seconds): it follows the run (``moves``) or is a fixed time. ``period``: a run that many seconds later
    resolves it that much later (None: months, quarters, years and fixed times do not repeat so)."""

    jumps: tuple[int, int] | None
    moves: bool
    period: int | None


def _edge(bound: TimeBound) -> _Edge:
    if bound.relative is None:
        return _Edge(None, False, None)  # an epoch or an absolute time: the same for every run
    if not bound.relative.terms:  # now
        return _Edge(None, True, 1)
    before, jumps, periods = 0, None, [1]
    for term in bound.relative.terms:
        if term.snap and term.unit != "s":
            jumps = jumps or (_GRID[term.unit], -before % _GRID[term.unit])
            periods.append(_PERIOD.get(term.unit, 0))
        elif not term.snap:
            before += _TIME_OF_DAY.get(term.unit, 0) * term.amount if jumps is None else 0
            periods.append(1 if term.unit in _FIXED else 0)
    return _Edge(jumps, jumps is None, None if 0 in periods else max(periods))


@dataclass(frozen=True)
class SkewedWorst:
    """The worst a constant skew from 0 to the stanza's largest does to a schedule's windows (``gap``: the
    longest time no run searches, None when none is left; ``longest``: the longest window; ``empty``: a window
    holding no time, None when every skew leaves each run some), each with the skew that causes it (the smallest
    such; 0 = on time). A window's ``run`` is its skewed start."""

    gap: Gap | None
    gap_skew: float
    longest: Window
    longest_skew: float
    empty: Window | None = None
    empty_skew: float = 0.0


def _repeat(cron: Cron, edges: tuple[_Edge, ...]) -> int | None:
    """Seconds after which a skewable cron's runs and the windows they resolve repeat shifted (their ticks repeat
    every minute, hour or day: none restricts a day field); None when they do not (another cron, or an edge that
    does not repeat): then the sampled runs are judged."""
    period = skew_period(cron.text)
    if period is None or any(edge.period is None for edge in edges):
        return None
    ticks = 60 if period == 60 else 3600 if period <= 3600 else 86400
    return max(ticks, *(edge.period or 1 for edge in edges))


def _skews(ticks: list[float], edges: tuple[_Edge, ...], most: int) -> list[int]:
    """The skews in [0, most] at which a window's length or a gap can be largest (see above)."""
    moves = any(edge.moves for edge in edges)
    skews = {0, most}
    for edge in edges:
        if edge.jumps is None:
            continue
        grid, phase = edge.jumps
        for first in {int(phase - tick) % grid for tick in ticks}:
            for jump in range(first or grid, most + 1, grid):
                skews.add(jump)
                if moves:
                    skews.add(jump - 1)
    return sorted(skews)


def _first_empty(runs: Schedule, ticks: list[float], windows: list[Window], tried: int,
                 skew: int) -> tuple[Window | None, float]:
    """The first empty window at the smallest skew in (``tried``, ``skew``] (``skew`` alone when equal), given the
    ``windows`` at ``skew`` and none empty at ``tried``; (None, 0) when none at ``skew`` is. A window's length is
    linear in the skew between two tried skews (see above), so once empty it stays so up to ``skew``: a binary
    search over the whole seconds between finds where it starts."""
    found: tuple[Window | None, float] = (None, 0.0)
    for tick, window in zip(ticks, windows):
        if not window.empty:
            continue
        low, high = tried, skew  # the window is empty at high; at low it is not (unless low == high)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if Window(tick, *runs.window(tick + middle)).empty else (middle, high)
        if found[0] is None or high < found[1]:
            found = (Window(tick + high, *runs.window(tick + high)), float(high))
    return found


def _longest_uncovered(windows: Iterable[Window]) -> Gap | None:
    """The longest stretch, between the first window and the last, that no window holds (windows taken in order
    of their earliest time, so an overlap of any two runs covers it); None when they leave none. Empty windows
    search nothing and are left out."""
    searched = sorted((w for w in windows if not w.empty), key=lambda w: (w.earliest, w.run))
    longest: Gap | None = None
    reach: Window | None = None  # the window reaching furthest so far
    for window in searched:
        if reach is not None and window.earliest > reach.latest:
            gap = Gap(reach, window)
            if longest is None or gap.length > longest.length:
                longest = gap
        if reach is None or window.latest > reach.latest:
            reach = window
    return longest


@lru_cache(maxsize=256)
def skewed_worst(runs: Schedule, most: float) -> SkewedWorst:
    """The longest gap and the longest window of ``runs`` over every constant skew from 0 to ``most`` seconds
    (``max_skew``), exactly at the skews where they can peak (see above): over one repeat of the runs and their
    windows when they repeat (``_repeat``; plus the next run, for the gap across), else over the sampled runs.
    ValueError for a modifier that does not resolve."""
    edges = (_edge(runs.bounds[0]), _edge(runs.bounds[1]))
    repeat = _repeat(runs.cron, edges)
    ticks = ([w.run for w in runs.windows] if repeat is None else
             list(runs.cron.ticks(SAMPLE_BASE, SAMPLE_BASE + repeat + (skew_period(runs.cron.text) or 0))))
    worst: SkewedWorst | None = None
    tried = 0
    for skew in _skews(ticks, edges, int(most)):
        windows = [Window(tick + skew, *runs.window(tick + skew)) for tick in ticks]
        gap = _longest_uncovered(windows)
        longest = max(windows, key=lambda w: w.latest - w.earliest)
        if worst is None:
            worst = SkewedWorst(gap, skew, longest, skew, *_first_empty(runs, ticks, windows, skew, skew))
            tried = skew
            continue
        if worst.empty is None:
            empty, empty_skew = _first_empty(runs, ticks, windows, tried, skew)
            worst = replace(worst, empty=empty, empty_skew=empty_skew)
        tried = skew
        if gap is not None and (worst.gap is None or gap.length > worst.gap.length):
            worst = replace(worst, gap=gap, gap_skew=skew)
        if longest.latest - longest.earliest > worst.longest.latest - worst.longest.earliest:
            worst = replace(worst, longest=longest, longest_skew=skew)
    assert worst is not None  # 0 is always a skew
    return worst
