"""The simulated Enterprise Security timeline: every detection on its cron, over its dispatch window, seeing
only what is indexed, throttled, writing notables and risk events that later risk-reading searches see.

The clock (``clock``): from the first event's ``_time`` minus the longest lookback in play — the dispatch
window's, or a search's own ``earliest=`` when it has one (no run before that can see anything) — to the
last moment an event becomes searchable (``max(_indextime)``) plus a tail of the longest "lookback + longest
gap between two runs" of the detections in play, for the last event to fall in some run's window; twice that
when a search in play reads the risk index (starts with a generating command, ``_Plan.generating``), once more
for the risk event that run writes to reach it. Without such a search the second stretch's runs could find
nothing new: every window of them starts after the last event's time.
A window of all time (``earliest_time = 0``, or any reach longer than a timeline can cover) counts as no
lookback: each of its runs sees every event indexed by then.
Runs are the cron ticks in (start, end], each started ``skews[detection]`` seconds after its tick (default 0).
A search's own ``earliest=``/``latest=`` replace the dispatch window, as the engine applies them.

Skew (``skews=``): savedsearches.conf.spec, ``allow_skew``: the scheduler "randomly 'skews' the second, minute,
and hour that the search actually runs on" and "The amount of skew for a specific search remains constant
between edits of the search" -- so one constant per detection, from 0 to what the built stanza allows
(``dispatch.max_skew_of``; a larger one is refused with ValueError: Splunk could not apply it). A skewed run
is a run at its skewed start in every respect: its window is resolved there (assumed, see
``content.schedule``), it sees what is indexed by then, its notables and risk events carry that time. The
clock's tail grows by the skew (the last run that matters starts that much later).

Delay (``delays=``): every run of a detection held back that many seconds after its on-time start (its tick
plus its skew), as the scheduler holds back runs within ``schedule_window`` or over the concurrency limit. The
Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web* (https://docs.splunk.com/
Documentation/Splunk/9.2.1/Report/PrioritizescheduledreportsinSplunkWeb): such reports "will not run exactly at
the time that they are scheduled to run. But when they do run, they still gather data for time range that they
would have covered if they started on time". So a delayed run searches its on-time window and sees what is
indexed by its actual start (and the risk written before it). Assumed, as no page says: the search's other
relative times (its own ``earliest=``, ``now()``) are the on-time start's too, and its notables, risk events
and throttling happen when it actually runs. Any delay of 0 or more is accepted: the build writes
``realtime_schedule = 0``, whose runs savedsearches.conf.spec says are never skipped but "might fall behind
depending on the scheduler's load". Not with ``answer=`` (refused: the remote search would need both times).
``held_back={name: (first, until)}``: only the runs whose tick is at or after ``first`` and before ``until``
are held back (``-math.inf``/``math.inf``: no bound on that side), the others start on time. The scheduler holds
each run back by what its load asks at that moment, not by one constant, so two runs that see the same record
can be further apart than their ticks (one on time, the next held back: a throttle shorter than that spacing
raises the record twice) or closer (one held back, the next on time: two risk events written a period apart by
the ticks are written closer); a constant delay moves every run, and the throttle with them, and shows neither.

Bounds (``TooLarge``): a timeline covers at most ``MAX_PERIOD_DAYS`` days and ``MAX_RUNS`` runs, checked before
any run. Why: every run is kept in the result, so the period decides the time and memory a simulation takes --
``--from 0001-01-01`` or one event stamped centuries away from the others once simulated millennia (hours, and
gigabytes of runs). A year of logs fits; more is simulated in pieces (the callers say how to narrow it).

Risk visibility: a risk event's ``_indextime`` is the start of the run that wrote it, and a run sees the risk
whose ``_indextime`` is strictly before its own start (to the second), so searches dispatched at the same second
cannot see each other's output, and a reader dispatched later sees all of a writer's (assumed: a writer's search
takes time, so in Splunk a reader dispatched seconds after it may not see its risk yet). Within one tick,
searches over events are run before searches that start with a generating command (``| from datamodel
Risk.All_Risk``), though the rule above makes that order unobservable.

Answered runs (``answer=``): a caller may answer every run of a search over events itself -- ``backtest
--splunk`` dispatches each as a search job on the user's Splunk -- while everything else (the schedule, the
order of runs, throttling, notables, risk events, and the searches reading the accumulated risk index) stays
here, shared with the local simulation; an answer's job messages are counted as the engine's are.
``scheduled_runs`` lists, before the timeline runs, exactly the runs ``answer`` will be asked for, so a caller
can dispatch them ahead of time, concurrently.

Speed: a search's base search (its first ``search`` command) does not depend on the time range, so it is
matched once per event (``Engine.prefilter``); each run then bisects the matching events by time. The
per-event commands after it that cannot depend on the run also run once per event (``Engine.prepare``); for
a search reading the risk index (``from datamodel Risk.All_Risk``), once per risk event, the first time a
run needs it, and each run bisects the risk index by ``_time`` too. Most runs read nothing (a detection ticking
for days around an hour of events): a run of a search over events that starts before the first of them is
indexed, or whose window holds none of their times, is known empty without listing its window
(``EventIndex.none_visible``). A run whose input is empty is skipped once the search has shown it returns no
rows and no job message on empty input (assumed to hold at every run time: a search that invents rows from
nothing, like ``| makeresults``, or whose subsearch of ``| makeresults`` or ``| inputlookup`` is cut at its
maxout, runs every time). Once the window of such a quiet search over events has moved past the last event it
matches for good (``_settles``: no bound of the window decreases from one run to the next), its later runs are
not looked at: each is kept as its run and on-time starts (``SettledRun``; 207,020 of the pack replay's 345,875
runs, mostly the ``risk_from`` detections ticking through a correlation test's doubled tail), its window
resolved only when ``SimulationResult.runs`` or ``runs_of`` gives its ``Run``. A quiet search's run that read
nothing before that is kept the same way (its window resolved to run it, not kept: most of the others), so a
reader that only counts runs and their rows (``SimulationResult.row_counts``: the replay's outcome, the backtest's
table) builds no ``Run`` for a run that read nothing. A run given the same prepared
events as the run of its search before it gets what that run's leading commands that read only their input made
(``Prepared.run_free``: copies of the rows and job messages after them) without running them again, and runs
only the commands after them (none, for most searches): overlapping windows make most runs of an hourly search
over a week see exactly what the run before saw, and then those rows cannot differ. Only the last run's are
kept: a window moves one way, so a run's events, once changed, do not come back.

Job messages (``spl.messages``: a subsearch cut at its maxout): Splunk shows them beside each scheduled run's
results, and a cut nobody hears of is a silent wrong answer, so the result keeps them -- per detection, each
distinct message once with how many runs produced it and the first of them (``RunMessage``), not once per run:
a year of runs saying the same thing holds one record, and a run without messages costs nothing.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Literal

from contentpack.content.model import Detection, Pack
from contentpack.cron import CronError
from contentpack.cut_lists import count_text
from contentpack.simulate.dispatch import Schedule, max_skew_of, schedule_of
from contentpack.simulate.engine_setup import build_engine
from contentpack.simulate.notables import Notable, notable_for
from contentpack.simulate.risk import risk_events
from contentpack.simulate.throttle import MultivalueKey, Throttle
from contentpack.simulate.timeline import EventIndex, event_time
from contentpack.spl import Engine, Results, SplError
from contentpack.spl.engine import NewestFirst, RunFreeRows
from contentpack.spl.ast import Pipeline, TimeBounds
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.events import EARLIEST_MOMENT, LATEST_MOMENT
from contentpack.spl.messages import JobMessage
from contentpack.spl.prepared import Prepared
from contentpack.spl.timeutil import iso_utc, parse_time_modifier, time_bound
from contentpack.spl.values import Event, Value

__all__ = ["MAX_PERIOD_DAYS", "MAX_RUNS", "Answer", "Run", "RunMessage", "ScheduledRun", "SimulationError",
           "SimulationResult", "TooLarge", "check_period", "clock", "scheduled_runs", "simulate"]

MAX_PERIOD_DAYS = 366
_PERIOD_SECONDS = MAX_PERIOD_DAYS * 86400.0  # the longest timeline; a window reaching back further sees all of it
MAX_RUNS = 1_000_000


def _day(epoch: float) -> str:
    """``epoch`` for messages as the backtest gives every time (``iso_utc``; any float: outside the calendar it is
    shown in seconds)."""
    try:
        return iso_utc(epoch)
    except (OverflowError, ValueError, OSError):
        return f"{epoch:g} s"


class TooLarge(Exception):
    """The period asked for is longer than a simulation covers, or holds more runs than it keeps.

    ``runs`` is None when the period alone is too long (the runs were not counted). ``events`` is the first and
    last time of the events the default period was drawn from, when the caller knows them: one stray event years
    off sets that period, and the message can say where the input's events lie. ``matched``: the same of the events
    a detection can match, when the caller kept them apart (the backtest): a stray record no detection reads is
    then told apart from the events that matter, whose times are what ``--from``/``--to`` should hold."""

    def __init__(self, start: float, end: float, runs: int | None = None,
                 events: tuple[float, float] | None = None, matched: tuple[float, float] | None = None) -> None:
        self.start, self.end, self.runs, self.events, self.matched = start, end, runs, events, matched
        days = (end - start) / 86400
        span = f"the period {_day(start)} .. {_day(end)} ({days:,.1f} days)"
        if runs is None:
            message = f"{span} is longer than the {MAX_PERIOD_DAYS} days a simulation covers"
        else:
            message = f"{span} holds more than the {count_text(MAX_RUNS)} scheduled runs a simulation keeps"
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def events_span(self) -> str | None:
        """``events`` as the message gives times (``from ... to ...``), or None when not known."""
        return None if self.events is None else _from_to(self.events)

    @property
    def matched_span(self) -> str | None:
        """``matched`` as ``events_span`` gives times, or None when not known or no narrower than ``events``."""
        return None if self.matched is None or self.matched == self.events else _from_to(self.matched)


def _from_to(span: tuple[float, float]) -> str:
    return f"from {_day(span[0])} to {_day(span[1])}"


def check_period(start: float, end: float) -> None:
    """Raise :class:`TooLarge` when (start, end] is longer than ``MAX_PERIOD_DAYS`` (or not a period of
    finite times)."""
    if not (math.isfinite(start) and math.isfinite(end)) or end - start > _PERIOD_SECONDS:
        raise TooLarge(start, end)


@dataclass(frozen=True, slots=True)
class Run:
    """One scheduled run: when, over which window, how many events (or risk events) it read, its rows."""

    detection: str
    run_time: float
    earliest: float
    latest: float
    events_read: int | None  # None: the run was answered elsewhere (``answer=``), which does not say
    rows: tuple[Event, ...] = ()


@dataclass(frozen=True)
class ScheduledRun:
    """A run of a search over events, as the scheduler dispatches it: the dispatch window [earliest, latest)
    resolved at ``run_time`` (a search's own ``earliest=``/``latest=`` still replace it where it runs)."""

    detection: Detection
    run_time: float
    earliest: float
    latest: float


# Answers one run with its results -- the rows and the job's messages, counted as the engine's are; raises
# SplError when the search fails (the detection then stops, as a search the engine rejects does).
Answer = Callable[[ScheduledRun], Results]


@dataclass(frozen=True)
class SimulationError:
    """A detection that could not be simulated: a bad schedule, a search the engine rejected, or a run the
    ``answer=`` caller could not answer (a search Splunk refused)."""

    detection: str
    # "cron" | "schedule" (dispatch window) | "search" | "throttle" (a result it cannot key) | "answer" (the
    # ``answer=`` caller could not answer a run: its message says whole what failed, ``could not run the search
    # of ...``, so it is not labelled again as the engine's search errors are)
    what: Literal["cron", "schedule", "search", "throttle", "answer"]
    # a search's own error ("search"), whole for its caller to place what its message names; else the message
    cause: SplError | str
    cron_column: int | None = None  # the bad part's column inside the cron_schedule ("cron")

    @property
    def spl(self) -> SplError | None:
        return self.cause if isinstance(self.cause, SplError) else None

    @property
    def message(self) -> str:
        return self.cause.message if isinstance(self.cause, SplError) else self.cause

    @property
    def column(self) -> int | None:
        """The column inside the search text or the cron_schedule."""
        return self.cause.column if isinstance(self.cause, SplError) else self.cron_column


@dataclass(frozen=True)
class RunMessage:
    """A job message the scheduled runs of one detection produced: how many of its runs produced it, and the
    run time of the first (runs happen in time order, so the earliest)."""

    detection: str
    message: JobMessage
    runs: int
    first_run: float

    def tally(self, of_runs: int) -> str:
        """How often, as the reports word it: ``(12 of 1,513 runs, first at 2026-10-05T08:00:00.000Z)``, each count
        as every report writes one (``count_text``), the time in the form of every other (``iso_utc``)."""
        return f"({count_text(self.runs)} of {count_text(of_runs)} runs, first at {iso_utc(self.first_run)})"

    def said_by(self, what: str, of_runs: int) -> str:
        """As replay and backtest tell it: ``scheduled runs (warn): [subsearch]: ... (12 of 513 runs, ...)``."""
        return f"{self.message.said_by(what)} {self.tally(of_runs)}"


# A run known to read nothing, kept without its window until asked for (``SimulationResult.runs``): (detection,
# its schedule, run time, on-time start). Every run of a settled plan (``_Plan.settled``), and every run of a quiet
# search that read nothing: its window was resolved to run it, and resolves again to the same bounds when asked for
SettledRun = tuple[str, Schedule, float, float]


def _resolved(run: Run | SettledRun) -> Run:
    """The run's record: ``run`` itself, or a settled run's, its window resolved at its on-time start."""
    if isinstance(run, Run):
        return run
    detection, schedule, run_time, on_time = run
    earliest, latest = schedule.window(on_time)
    return Run(detection, run_time, earliest, latest, 0)


def _detection_of(run: Run | SettledRun) -> str:
    return run.detection if isinstance(run, Run) else run[0]


@dataclass(frozen=True)
class SimulationResult:
    start: float
    end: float
    # every run in the order run; those of a settled plan (``_Plan.settled``) kept without their windows: ``runs``
    # and ``runs_of`` give each as a ``Run``
    recorded: tuple[Run | SettledRun, ...]
    notables: tuple[Notable, ...]
    risk: tuple[Event, ...]  # risk events in the order they were written (each has _indextime = run time)
    errors: tuple[SimulationError, ...] = ()
    # per detection whose search starts with a base search: the _time of the first event it matches
    first_matched: Mapping[str, float] = field(default_factory=dict)
    # the runs' distinct job messages, per detection in the order first produced (none: no run said anything)
    messages: tuple[RunMessage, ...] = ()
    clock: Clock | None = None  # the default timeline over the events, when ``start`` or ``end`` was not given

    def __eq__(self, other: object) -> bool:
        """Equal when every field is, the runs compared as ``runs`` gives them (settled or not)."""
        if not isinstance(other, SimulationResult):
            return NotImplemented
        return self.runs == other.runs and all(getattr(self, each.name) == getattr(other, each.name)
                                               for each in fields(self) if each.name != "recorded")

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """Every run, in the order run."""
        return tuple(_resolved(run) for run in self.recorded)

    def row_counts(self) -> Iterator[tuple[str, float, int]]:
        """``(detection, run time, rows)`` of every run in the order run, as ``runs`` gives them but without
        resolving a settled run's window (it returned no rows): all a count of runs and results needs (the
        backtest's per-day table reads 21,346 runs over 200,000 sign-ins, 16,598 of them settled)."""
        for run in self.recorded:
            if isinstance(run, Run):
                yield run.detection, run.run_time, len(run.rows)
            else:
                yield run[0], run[2], 0

    def runs_of(self, detection: str) -> list[Run]:
        """The detection's runs (only theirs resolved: a replay reads the tested detection's runs, not those of
        the ``risk_from`` detections that ran beside it)."""
        return [_resolved(run) for run in self.recorded if _detection_of(run) == detection]

    def messages_of(self, detection: str) -> list[RunMessage]:
        return [message for message in self.messages if message.detection == detection]

    def notables_of(self, detection: str) -> list[Notable]:
        return [notable for notable in self.notables if notable.detection == detection]

    def risk_scores(self) -> dict[str, int]:
        """Total risk score per risk object, over every risk event written."""
        totals: Counter[str] = Counter()
        for event in self.risk:
            score = event.get("risk_score")
            if isinstance(score, (int, float)) and not isinstance(score, bool):
                totals[str(event.get("risk_object"))] += int(score)
        return dict(totals)


@dataclass
class _Plan:
    detection: Detection
    schedule: Schedule
    pipeline: Pipeline
    events: EventIndex  # what the search reads: the base search's matches when prefiltered
    generating: bool  # the search starts with a generating command (reads the risk index, not events)
    throttle: Throttle
    inline: TimeBounds  # earliest=/latest= written in the first search: they replace the dispatch window
    # per event of ``events`` (per risk event written, for a search reading the risk index), the search's
    # run-independent part done once
    prepared: Prepared | None = None
    # the last run's input (positions in ``events``, or in the risk index, of the prepared outputs read, in order)
    # and what the prepared search's run-free commands made of it (``Prepared.run_free``), when there are any: an
    # hourly run over a week sees the same few events as the run before it nearly every time
    last_run_free: tuple[tuple[int, ...], RunFreeRows] | None = None
    empty_says_something: bool | None = None  # rows or job messages: learnt at the first run with no input
    failed: bool = False
    skew: float = 0.0  # seconds each run starts after its cron tick (``simulate``'s ``skews``)
    delay: float = 0.0  # seconds each run starts after its on-time start (``simulate``'s ``delays``)
    # the ticks held back, [first, until) (``simulate``'s ``held_back``): every tick by default
    held_back: tuple[float, float] = (-math.inf, math.inf)
    last_on_time: float = -math.inf  # the on-time start of its last run in the period (``_ticks``)
    # every run from now on reads nothing and is recorded as a ``SettledRun`` (``_settles``)
    settled: bool = False
    can_settle: bool | None = None  # ``_settles``' check of the window bounds, made once

    def run_time(self, tick: float) -> float:
        """When the run of ``tick`` starts: its tick plus the skew, plus the delay for a tick ``held_back``."""
        first, until = self.held_back
        return tick + self.skew + (self.delay if first <= tick < until else 0.0)


@dataclass(frozen=True)
class Clock:
    """The default timeline over the events (``clock``) and what put its ends there, for a report to say why."""

    start: float
    end: float
    first: float  # the first event's _time: ``start`` is ``lookback`` before it (to the minute)
    last_visible: float  # when the last event becomes searchable, max(_time, _indextime): ``end`` is ``tail`` after
    lookback: float  # the longest lookback in play (a window of all time counts as none)
    tail: float  # the longest "lookback + longest gap between two runs", twice when ``reads_risk``
    reads_risk: bool  # a search in play reads the risk index: the tail lets the last risk event reach it
    # ``last_visible`` is an event's _indextime; else it is the last event's _time: an event ``cover`` adds (one no
    # detection can match, whose _indextime is not read) or one searchable at its _time
    indexed: bool


def clock(spans: Sequence[tuple[float, float]], index: EventIndex,
          cover: tuple[float, float] | None = None, *, reads_risk: bool) -> Clock | None:
    """The timeline over these events for searches with these (lookback, longest gap between runs) spans, in
    seconds (see the module docstring; ``Schedule.lookback``, ``Schedule.longest_gap``); None without events or
    searches. ``reads_risk``: one of the searches reads the risk index (the tail is doubled). ``cover``: a (first, last) event time the timeline must cover too, when ``index`` holds only some of
    the input's events (the backtest keeps only those a detection can match). Both ends stay inside the calendar
    (``spl.events.EARLIEST_MOMENT`` .. ``LATEST_MOMENT``)."""
    first, last = index.first_time, index.last_time
    if cover is not None:
        first = cover[0] if first is None else min(first, cover[0])
        last = cover[1] if last is None else max(last, cover[1])
    if first is None or last is None or not spans:
        return None
    # A window reaching back further than any timeline can cover (all time: ``earliest_time = 0``) holds every
    # event indexed by its run: it needs no run before the first event, and the first run after the last one
    # sees that too; so it adds nothing to the start and only its gap to the tail.
    spans = [(back if back <= _PERIOD_SECONDS else 0.0, gap) for back, gap in spans]
    lookback = max(back for back, _ in spans)
    tail = (2 if reads_risk else 1) * max(back + gap for back, gap in spans)
    indexed = index.last_indextime
    last_visible = max(last, indexed or last)
    start = max(math.floor((first - lookback) / 60) * 60, EARLIEST_MOMENT)  # no time outside the years 1..9999
    return Clock(start, max(start, min(last_visible + tail, LATEST_MOMENT)), first, last_visible, lookback, tail,
                 reads_risk, indexed is not None and indexed > last)


def _plan(engine: Engine, detection: Detection, index: EventIndex, tz: str,
          errors: list[SimulationError], skew: float = 0.0, delay: float = 0.0) -> _Plan | None:
    try:
        schedule = schedule_of(detection, tz)
    except CronError as exc:
        errors.append(SimulationError(detection.name, "cron", f"cron_schedule: {exc.message}", exc.column))
        return None
    except ValueError as exc:
        errors.append(SimulationError(detection.name, "schedule", f"dispatch window: {exc}"))
        return None
    try:
        pipeline = engine.parse(detection.search)
        events = index.restricted((id(engine), detection.search),
                                  lambda all_events: _matching(engine, pipeline, all_events, index.first_time or 0.0))
    except SplError as exc:
        errors.append(SimulationError(detection.name, "search", exc))
        return None
    first = pipeline.commands[0]
    inline = first.bounds if isinstance(first, SearchCommand) else TimeBounds()
    generating = not isinstance(first, SearchCommand)
    if generating:  # risk events are prepared as they are written (``_State.prepare_risk``)
        prepared = engine.prepare(pipeline, ())
    else:
        prepared = engine.prepare(pipeline, events.events) if events is not index else None
    return _Plan(detection, schedule, pipeline, events, generating, Throttle.of(detection.tags.throttling), inline,
                 prepared, skew=skew, delay=delay)


def _late_starts(chosen: Sequence[Detection], given: Mapping[str, float] | None, what: str) -> dict[str, float]:
    """``given`` (``what``: "skew" or "delay", seconds per detection name) checked against the detections
    simulated and what Splunk could do (see the module docstring): ValueError for a detection not simulated, a
    skew beyond what its stanza allows, a negative or infinite delay."""
    by_name = {d.name: d for d in chosen}
    for name, seconds in (given or {}).items():
        if name not in by_name:
            raise ValueError(f"a {what} for {name!r}: no detection of that name is simulated")
        most = max_skew_of(by_name[name]) if what == "skew" else math.inf
        if 0 <= seconds <= most and math.isfinite(seconds):
            continue
        if what == "delay":
            raise ValueError(f"a delay of {seconds:g} s for {name!r}: a run starts 0 s or a finite number of seconds "
                             f"after its on-time start")
        scheduling = by_name[name].effective_deployment.scheduling
        raise ValueError(f"a skew of {seconds:g} s for {name!r}: its stanza (cron_schedule = "
                         f"{scheduling.cron_schedule}, allow_skew = {scheduling.allow_skew}) lets the scheduler "
                         f"start a run 0 to {most:g} s after its tick")
    return dict(given or {})


def _held_back(given: Mapping[str, tuple[float, float]] | None,
               delays: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """``given`` (``simulate``'s ``held_back``) checked: ValueError for a detection without a delay to hold its
    runs back by, or for a span that holds no tick back (its first tick not before its end)."""
    for name, (first, until) in (given or {}).items():
        if name not in delays:
            raise ValueError(f"held_back for {name!r}: that detection has no delay to hold its runs back by")
        if not first < until:
            raise ValueError(f"held_back for {name!r}: the ticks from {first:g} up to {until:g} are none: the first "
                             "tick held back must come before the first one on time again")
    return dict(given or {})


_ALWAYS_KEPT = ("_time", "_indextime", "_raw", "sourcetype", "source", "host", "index")


def _matching(engine: Engine, pipeline: Pipeline, events: list[Event], now: float) -> list[Event] | None:
    """The events the search's base search matches, each cut down to the fields the search can observe (the
    same cut the engine's file scan makes), so the hundreds of runs over them copy and rename less."""
    matched = engine.prefilter(pipeline, events, now)
    needed = engine.needed_fields(pipeline)
    if matched is None or needed is None:
        return matched
    keep = needed.union(_ALWAYS_KEPT)
    return [{k: v for k, v in event.items() if k in keep} for event in matched]


def _lookback(plan: _Plan) -> float:
    """How far back a run of the plan can look: its dispatch window, or its search's own ``earliest=``."""
    if plan.inline.earliest is None:
        return plan.schedule.lookback
    try:
        return max(plan.schedule.lookback, plan.schedule.lookback_of(plan.inline.earliest))
    except ValueError:
        return plan.schedule.lookback  # the run reports the bad modifier


def simulate(pack: Pack, index: EventIndex, start: float | None = None, end: float | None = None, *,
             detections: Sequence[Detection] | None = None, engine: Engine | None = None,
             tz: str = "UTC", progress: Callable[[float, float], None] | None = None,
             cover: tuple[float, float] | None = None, answer: Answer | None = None,
             skews: Mapping[str, float] | None = None,
             delays: Mapping[str, float] | None = None,
             held_back: Mapping[str, tuple[float, float]] | None = None) -> SimulationResult:
    """Run ``detections`` (default: all of the pack's) on their schedules over ``index`` from ``start`` to
    ``end`` (default: ``clock``). ``engine``: one configured from the pack (default: ``build_engine(pack)``,
    which raises ``ReplaySetupError`` for a pack whose lookups or search-time knowledge are broken).
    ``progress``: called with (simulated seconds done, seconds in all) as the clock passes each hour.
    ``cover``: see ``clock``. ``answer``: answers every run of a search over events instead of the engine
    (see the module docstring; those runs do not read ``index``). ``skews``: seconds each named detection's runs
    start after their ticks (see the module docstring; ValueError beyond its stanza's ``allow_skew``);
    ``delays``: seconds each named detection's runs start after that, over their on-time windows (ValueError
    with ``answer``); ``held_back``: per detection with a delay, the ticks it holds back, from the first to
    before the second (the runs of other ticks start on time; ValueError for an empty span). Raises
    :class:`TooLarge` for a period longer than ``MAX_PERIOD_DAYS`` or holding more than
    ``MAX_RUNS`` runs."""
    engine = build_engine(pack) if engine is None else engine
    chosen = list(pack.detections if detections is None else detections)
    skew, delay = _late_starts(chosen, skews, "skew"), _late_starts(chosen, delays, "delay")
    if delay and answer is not None:
        raise ValueError("delays are not supported for answered runs (answer=): the search would have to run as of "
                         "its on-time start and see what is indexed by its actual start")
    held = _held_back(held_back, delay)
    errors: list[SimulationError] = []
    plans = [p for p in (_plan(engine, d, index, tz, errors, skew.get(d.name, 0.0), delay.get(d.name, 0.0))
                         for d in chosen) if p is not None]
    for plan in plans:
        plan.held_back = held.get(plan.detection.name, plan.held_back)
    if start is None or end is None:
        spans = [(_lookback(p), p.schedule.longest_gap + p.skew + p.delay) for p in plans]
        default = clock(spans, index, cover, reads_risk=any(p.generating for p in plans))
        start = start if start is not None else 0.0 if default is None else default.start
        end = end if end is not None else 0.0 if default is None else default.end
    else:
        default = None
    check_period(start, end)
    ticks = _ticks(plans, start, end)
    state = _State(pack, engine, answer)
    reported = start
    for tick, _, order, on_time in ticks:
        if progress is not None and tick - reported >= 3600:
            reported = tick
            progress(tick - start, end - start)
        plan = plans[order]
        if plan.settled:
            state.runs.append((plan.detection.name, plan.schedule, tick, on_time))
        elif not plan.failed:
            state.run(plan, tick, errors, on_time)
    if progress is not None:
        progress(end - start, end - start)
    first_matched = {p.detection.name: t for p in plans
                     if not p.generating and p.events is not index and (t := p.events.first_time) is not None}
    return SimulationResult(start, end, tuple(state.runs), tuple(state.notables), tuple(state.risk), tuple(errors),
                            first_matched, state.run_messages(), default)


def _ticks(plans: Sequence[_Plan], start: float, end: float) -> list[tuple[float, bool, int, float]]:
    """(run time, generating, plan number, on-time start) of every run starting in (start, end] (its tick plus
    the plan's skew is its on-time start, plus its delay its run time: ``_Plan.run_time``), in the order they run;
    raises :class:`TooLarge` as soon as there are more than ``MAX_RUNS``."""
    ticks: list[tuple[float, bool, int, float]] = []
    for order, plan in enumerate(plans):
        for tick in plan.schedule.cron.ticks(start - plan.skew - plan.delay, end - plan.skew):
            run_time = plan.run_time(tick)
            if not start < run_time <= end:
                continue
            ticks.append((run_time, plan.generating, order, tick + plan.skew))
            plan.last_on_time = tick + plan.skew
            if len(ticks) > MAX_RUNS:
                raise TooLarge(start, end, len(ticks))
    ticks.sort()
    return ticks


def scheduled_runs(pack: Pack, start: float, end: float, *, detections: Sequence[Detection] | None = None,
                   engine: Engine | None = None) -> list[ScheduledRun]:
    """The runs ``simulate(..., start, end, answer=...)`` asks ``answer`` for, in the order it asks
    (a detection whose schedule or search is invalid has none: ``simulate`` reports it). Raises
    :class:`TooLarge` and ValueError as ``simulate`` does."""
    engine = build_engine(pack) if engine is None else engine
    chosen = list(pack.detections if detections is None else detections)
    plans = [p for p in (_plan(engine, d, EventIndex([]), "UTC", []) for d in chosen) if p is not None]
    check_period(start, end)
    out = []
    stopped: set[int] = set()  # a window outside the calendar stops the detection (``simulate`` reports it)
    for tick, generating, order, _ in _ticks(plans, start, end):
        if not generating and order not in stopped:
            try:
                earliest, latest = plans[order].schedule.window(tick)
            except ValueError:
                stopped.add(order)
                continue
            out.append(ScheduledRun(plans[order].detection, tick, earliest, latest))
    return out


def _settles(plan: _Plan, first: float) -> bool:
    """Whether every later run of ``plan``, a quiet search over events (``empty_says_something`` False) whose run
    over a window from ``first`` read nothing, reads nothing too and resolves its window without error, so its
    runs can be recorded without resolving it (``SettledRun``): ``first`` lies past the last event the search
    matches, and each bound of the window (the dispatch window's, the search's own ``earliest=``/``latest=``)
    never decreases from one run to the next (``TimeBound.never_decreasing``: a plan's runs come in the order of
    their on-time starts), so no later window reaches back to an event; and each resolves at the plan's last run,
    so at every run before it too (each step of a resolution keeps the order, so what it passes through at a run
    between lies between what it passes through at these two). Most runs of a replay are such: the ``risk_from``
    detections of a correlation test ticking through the tail the risk reader needs."""
    last = plan.events.last_time
    if last is not None and first <= last:
        return False
    if plan.can_settle is None:
        texts = [plan.schedule.earliest, plan.schedule.latest, plan.inline.earliest, plan.inline.latest]
        try:
            bounds = [time_bound(text, plan.schedule.tz) for text in texts if text is not None]
            plan.can_settle = all(bound.never_decreasing for bound in bounds)
            for bound in bounds:
                bound.at(plan.last_on_time)
        except ValueError:
            plan.can_settle = False
    return plan.can_settle


@dataclass
class _State:
    pack: Pack
    engine: Engine
    answer: Answer | None = None
    runs: list[Run | SettledRun] = field(default_factory=list)
    notables: list[Notable] = field(default_factory=list)
    risk: list[Event] = field(default_factory=list)
    _risk_indextimes: list[float] = field(default_factory=list)
    # (-_time, position in ``risk``) of each risk event with a finite _time, sorted: a run bisects its window
    # out of it, newest first, those with the same _time in the order they were written (no other is in any
    # window: a dispatch window's bounds are finite)
    _risk_by_time: list[tuple[float, int]] = field(default_factory=list)
    # (detection, message) -> (runs that produced it, first run time), in the order first produced
    _messages: dict[tuple[str, JobMessage], tuple[int, float]] = field(default_factory=dict)

    def note_messages(self, detection: str, run_time: float, messages: Sequence[JobMessage]) -> None:
        """Count the distinct job messages of one run (a run saying the same thing twice counts once)."""
        for message in dict.fromkeys(messages):
            runs, first = self._messages.get((detection, message), (0, run_time))
            self._messages[(detection, message)] = (runs + 1, first)

    def run_messages(self) -> tuple[RunMessage, ...]:
        return tuple(RunMessage(detection, message, runs, first)
                     for (detection, message), (runs, first) in self._messages.items())

    def visible_risk(self, run_time: float, earliest: float, latest: float) -> list[int]:
        """Positions in ``risk`` of the risk events a run at ``run_time`` over [earliest, latest) reads: newest
        first (as the engine takes them), those with the same ``_time`` in the order they were written."""
        written = bisect_left(self._risk_indextimes, run_time)
        order = self._risk_by_time
        newest = bisect_right(order, (-latest, math.inf))  # skips _time >= latest
        oldest = bisect_right(order, (-earliest, math.inf))  # up to _time >= earliest
        return [i for _, i in order[newest:oldest] if i < written]

    def prepare_risk(self, plan: _Plan) -> None:
        """Extend the plan's prepared outputs to the risk events written since (``Engine.prepare``): each risk
        event passes through the search's run-independent part once, not at every run whose window holds it.
        When that fails, the plan runs unprepared from then on: each run meets the failing event as before."""
        assert plan.prepared is not None
        done = len(plan.prepared.outputs)
        if done < len(self.risk):
            more = self.engine.prepare(plan.pipeline, self.risk[done:])
            plan.prepared = None if more is None else plan.prepared.extended(more)

    def run(self, plan: _Plan, run_time: float, errors: list[SimulationError], on_time: float | None = None) -> None:
        """One run starting at ``run_time``, as of ``on_time`` (its on-time start, default the same; see the module
        docstring on delays): its window and relative times are resolved there, it sees what is indexed by
        ``run_time``, and its actions happen then."""
        detection = plan.detection
        as_of = run_time if on_time is None else on_time
        try:  # a window reaching past the years 1..9999 (events stamped at the calendar's very edge)
            earliest, latest = plan.schedule.window(as_of)
        except ValueError as exc:
            errors.append(SimulationError(detection.name, "schedule", f"dispatch window of the run at "
                                                                      f"{_day(run_time)}: {exc}"))
            plan.failed = True
            return
        if self.answer is not None and not plan.generating:
            try:
                answered = self.answer(ScheduledRun(detection, run_time, earliest, latest))
            except SplError as exc:
                errors.append(SimulationError(detection.name, "answer", exc.message))
                plan.failed = True
                return
            if answered.messages:
                self.note_messages(detection.name, run_time, answered.messages)
            self.runs.append(Run(detection.name, run_time, earliest, latest, None, tuple(answered.rows)))
            self._actions(plan, answered.rows, run_time, (earliest, latest), errors)
            return
        try:  # the engine lets a search's own earliest=/latest= replace the dispatch window; select the same
            first = parse_time_modifier(plan.inline.earliest, as_of, plan.schedule.tz) \
                if plan.inline.earliest is not None else earliest
            last = parse_time_modifier(plan.inline.latest, as_of, plan.schedule.tz) \
                if plan.inline.latest is not None else latest
        except ValueError as exc:
            errors.append(SimulationError(detection.name, "search", SplError(f"invalid time modifier: {exc}")))
            plan.failed = True
            return
        quiet = plan.empty_says_something is False
        if quiet and not plan.generating and plan.events.none_visible(first, last, run_time):
            positions, risk_positions, risk, read = [], [], [], 0  # most runs: known empty without listing the window
        else:
            positions = plan.events.positions(first, last, run_time)
            risk_positions = self.visible_risk(run_time, earliest, latest) if plan.generating else []
            risk = [self.risk[i] for i in risk_positions]
            read = len(positions) + len(risk)
        if read == 0 and quiet:
            self.runs.append((detection.name, plan.schedule, run_time, as_of))
            plan.settled = not plan.generating and _settles(plan, first)
            return
        if plan.generating and plan.prepared is not None:
            self.prepare_risk(plan)
        try:
            results = self._results(plan, positions, risk_positions, risk, earliest, latest, as_of)
        except SplError as exc:
            errors.append(SimulationError(detection.name, "search", exc))
            plan.failed = True
            return
        rows = results.rows
        if results.messages:
            self.note_messages(detection.name, run_time, results.messages)
        if read == 0:
            plan.empty_says_something = bool(rows or results.messages)
        self.runs.append(Run(detection.name, run_time, earliest, latest, read, tuple(rows)))
        self._actions(plan, rows, run_time, (earliest, latest), errors)

    def _fork(self, plan: _Plan, positions: list[int], risk: list[Event]) -> Engine:
        """An engine over the run's events: ``positions`` are newest first (``EventIndex.positions``), so the fork
        takes them as they are (``NewestFirst``)."""
        return self.engine.fork(NewestFirst(plan.events.events[i] for i in positions), risk)

    def _results(self, plan: _Plan, positions: list[int], risk_positions: list[int], risk: list[Event],
                 earliest: float, latest: float, as_of: float) -> Results:
        """The run's results: the engine's, from what the run before made of the same outputs when it was given
        them (``_Plan.last_run_free``), each row a copy of its own, as the engine gives each run. Raises
        SplError."""
        prepared = plan.prepared
        if prepared is None:
            return self._fork(plan, positions, risk).search_pipeline(plan.pipeline, earliest=earliest, latest=latest,
                                                                     now=as_of)
        selected = risk_positions if plan.generating else positions
        key = tuple(selected)
        # the run's own engine (a subsearch searches the run's events), unless it only copies the last run's rows
        engine = self.engine if prepared.same_rows_for_same_outputs else self._fork(plan, positions, risk)
        if plan.last_run_free is not None and plan.last_run_free[0] == key:
            known = plan.last_run_free[1]
        else:
            known = engine.run_free_rows(prepared, [out for i in selected for out in prepared.outputs[i]],
                                         earliest=earliest, latest=latest, now=as_of)
            if prepared.run_free:
                plan.last_run_free = key, known
        return engine.finish_prepared(prepared, known, earliest=earliest, latest=latest, now=as_of)

    def _actions(self, plan: _Plan, rows: Sequence[Mapping[str, Value]], run_time: float,
                 window: tuple[float, float], errors: list[SimulationError]) -> None:
        """Each row that passes throttling raises the detection's notable and writes its risk events; a row the
        throttle cannot key stops the detection (a "throttle" error)."""
        detection = plan.detection
        for row in rows:
            try:
                admitted = plan.throttle.admit(row, run_time)
            except MultivalueKey as exc:
                errors.append(SimulationError(detection.name, "throttle", f"the run at {_day(run_time)}: {exc}"))
                plan.failed = True
                return
            if not admitted:
                continue
            if detection.raises_notables:
                self.notables.append(notable_for(self.pack.app, detection, row, run_time, window))
            if detection.writes_risk:
                for event in risk_events(self.pack.app, detection, [row], run_time):
                    self.write_risk(event, run_time)

    def write_risk(self, event: Event, run_time: float) -> None:
        """Add a risk event written by the run at ``run_time`` to the risk index."""
        event["_indextime"] = run_time
        when = event_time(event)
        if when is not None and math.isfinite(when):
            insort(self._risk_by_time, (-when, len(self.risk)))
        self.risk.append(event)
        self._risk_indextimes.append(run_time)
