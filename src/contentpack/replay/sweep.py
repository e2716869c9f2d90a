"""``contentpack replay --sweep``: does a scheduled detection raise the same wherever the clock puts its attack?

Every scheduled detection (TTP, Anomaly, Correlation) runs over sliding windows, and an attack's records land
wherever the clock puts them; on a real search head each detection's runs also start a constant ``allow_skew``
offset after their ticks. For each of its tests that expects something, or silence (``expects_silence``: 0
results, notables or risk events, a benign timeline that must stay quiet wherever the clock puts it; one whose data
the detection never reads has nothing to move and is left out, ``reads_nothing``), the sweep replays the test's timeline
as ``contentpack replay`` does (``runner.scheduled_timeline``: the test's events with its ingestion delay, its
``risk_from`` detections too), unmoved, then under each variant below, one thing moved or a few together, and
requires the same outcome: the detection's notables after throttling (``Raised.notables``) and the risk total
per risk object of the whole timeline. A difference is a real bug: an attack doubled (a grant split by a window edge
raised twice) or lost. The unmoved timeline is also held to the test's own expectations by the replay's checks
(``runner.run_test``, given the unmoved run): every variant raising the same wrong thing is no pass, and a green
sweep must not mean less than a green replay (a new detection whose test expected rows its search did not return
failed the replay and passed the sweep).

Only the records some detection of the timeline reads move (its base search's matches; a search that cannot be
matched once for every run keeps them all, one over the risk index reads none): the rest cannot change a row.

**Attack moved** (``edge_offsets``): each record's ``_time`` and ``_indextime`` later by every twelfth of the
detection's run interval, plus each offset that puts a record exactly on a window edge or, through its
``_indextime``, exactly on a run -- the only moves that change which run sees which record, as moving every
record by a whole interval changes nothing (the schedules repeat). A search may cut its own window further
(``relative_time(now(), "-41m@m")`` in a ``where``: it reports a slice of its window): each literal modifier of
such a call (``search_cuts``, its macros expanded) resolved at the runs, as the engine's ``relative_time`` resolves
it, is an edge too, and each record is put a second before it, on it and a second after it (``CUT_SIDES``: the
sweep does not know whether it is compared with ``<`` or ``<=``). For a window of days (``LONG_WINDOW``)
only the latest edge counts: which run first sees a record is what can split an attack, not which run last
sees it nor an indexing delay of minutes. A search over the risk index reads no record: it gets a coarser grid
(``CORRELATION_GRID``); the runs that write its risk are swept record by record by their own tests.

**Runs skewed** (``skew_sets``): within what the built stanza's ``allow_skew`` allows
(``simulate.dispatch.max_skew_of``; savedsearches.conf.spec, ``allow_skew``: the skew "remains constant between
edits of the search"), a grid of fractions of the maximum (``FRACTIONS``, up to the maximum, the edge) and the
skews that put the test's first or last record on a window edge (the minute of its ``_time`` on either side of
the edge) or a run exactly at its ``_indextime``. A timeline of several detections (a correlation and the
detections writing its risk) gets one set that moves the writers against the reader (``WRITERS``): which run
sees which risk event depends on their order; each writer's own skews are swept by its own tests.

**Data late** (``late_delays``): every record the timeline's detections read indexed a fixed extra delay later
(``_indextime`` only; its ``_time`` stays) on top of its data source's delay (``simulate.delays``): the p99
and the ceiling of each delay model in play (Entra ID: 5 and 15 minutes), the delays production data does
reach, and, within that ceiling, the delay that puts the first or last record's ``_indextime`` exactly on
the run after the first run that sees it -- the largest delay under which that run still sees it, as a
record indexed after a run is first seen by the next run whose window holds it, and a record whose
``_indextime`` passes the runs whose windows hold its ``_time`` is never seen. A record first seen a run
later raises the same; one lost (a window whose latest edge lags its run less than the delay, one run
long) or raised again after its throttle does not. Delays beyond the ceiling are not swept: the model says
no record arrives that late.

**Runs held back** (``delay_sets``): the scheduler may start a run later than its (skewed) tick within its
``schedule_window`` (``max_delay_of``: the window in minutes; for ``auto``, which the build writes, a minute
under the period, the longest the spec allows), and such a run searches its on-time window (the Reporting
Manual, *Prioritize concurrently scheduled reports in Splunk Web*: they "still gather data for time range that
they would have covered if they started on time") and sees what is indexed by its actual start. For one
detection that is the same as its records indexed that much earlier, so the delays replayed are those that let
a run whose window holds the first or last record, but that starts before its ``_indextime``, see it (none for
data indexed before the window's latest edge passes its run). Several detections: the writers held back the
most they may be, the reader on time (their risk written as late as it can be).

**Combined** (``skewed_late``, ``moved_skewed``): a skewed run with late data is where a window edge bites
(a record the skew puts in the last minutes of a window that one run holds, indexed after that run). Each late
delay of the delay models (p99, ceiling) with the largest skew and the skews that put the first or last record
on a window edge or, late, on a run (several detections: the reader-against-writers set of ``skew_sets``);
and the attack moved under the largest skew (several detections: half the reader's interval under that set,
the move farthest from the unmoved attack on a schedule that repeats each interval -- one, as each variant of
such a timeline replays days of risk; one detection: every ``edge_offsets`` offset). For one detection a skew of a whole period is its unskewed runs
(the next ticks' on-time runs), so it is left out of both, and a window of days gets no late skews (minutes of
indexing decide only which run first sees a record, as for ``edge_offsets``).

**Attack moved, records late** (``moved_late``): at each late delay of the delay models (p99, ceiling), the moves
(``_record_offsets``) that put the first or last record in the minute before an edge of a run's window (it is
about to enter the next window: the last run holding it runs as soon after it as it ever does) or its late
``_indextime`` exactly on a run (the last move under which that run still sees it); between such moves no record
changes runs. This reaches what ``skewed_late`` cannot where the stanza allows seconds of skew only
(``10 * * * *``). A window of days: none. Several detections: the move that puts the last record's ``_indextime``,
at the ceiling, exactly on a run of the reader (on time): a writer with a run at that tick (every ten minutes
against ten past) writes its risk then, which the reader's run at that tick cannot read (a risk event is
searchable from the run after the one that wrote it), so the reader reads it a whole interval later: the longest
written risk waits for the reader, the risk's ``_time`` as far behind the reader's window as a move puts it.

**Runs held back, records late**: not replayed for one detection, as it is always one of them alone. A run held
back ``d`` searches its on-time window and sees what is indexed ``d`` after its on-time start, and every run, its
throttle and its actions move ``d`` later together; so runs held back ``d`` with the records ``L`` late raise what
the records ``L - d`` late raise (``L >= d``), or the runs held back ``d - L`` (``L < d``): within the ranges
``late_delays`` (up to the ceiling) and ``delay_sets`` (up to the schedule window) sweep. Several detections
(``held_back_late``): the reader reads the risk that held-back writers write ``d`` later, which no indexing
delay of the records does: the writers held back the most they may be, the records at the ceiling (their risk
written as late as it can be).

**Runs held back under a skew** (``held_back_skewed``): for one detection, by the same reasoning, the skewed runs
with the records indexed ``d`` earlier, which ``skewed_late`` (later only) does not reach: at each skew of
``skew_sets`` that is not a whole period, the delays that let a skewed run whose window holds the first or last
record, but that starts before its ``_indextime``, see it. Several detections: the writers held back the most they
may be under ``skew_sets``' reader-against-writers set (their runs as far from their ticks as the scheduler may
put them, against the reader at its largest skew).

**Three at once** (``moved_skewed_late``): for one detection, at the largest skew, each late delay with the moves
of ``_record_offsets`` at that skew -- unless the largest skew is a whole period (every schedule the build writes
with ``allow_skew = 100%`` on the spec's listed crons): its runs are then the next ticks' on-time runs, and this
is ``moved_late``. A skew of whole minutes over windows snapped to the minute comes close to the attack moved
back as much, but not exactly: a search that bins ``_time`` on a fixed grid (``bin span=10m``) or snaps
``now()`` coarser than its window puts the moved records in other bins, so no skew is taken for a move.
Several detections (the skews move the writers against the reader, no single move): half the reader's interval
under the skew set, the records at the ceiling.

**Runs held back unevenly** (``held_back_unevenly``): the scheduler holds each run back by its load at that moment,
not by one constant, so two runs that see one record can be further apart than their ticks (``simulate``'s
``held_back`` from a tick on). For a throttled detection: its first run that raises something on time (in the
unmoved timeline), its runs from the next tick on held back the most its schedule window allows (``max_delay_of``); a
record that run raised and a later run sees is then seen a period plus the window after it, past a throttle
shorter than that (the pack's hourly detections throttled 7100 s with ``schedule_window = auto``, read as 59
minutes: 119 minutes). One variant per test; a timeline of several detections gets the same for its reader, the
writers on time, and one more for its writers (``_writers_held_back_around``), the reader on time: each writer's
runs on time up to those whose risk the reader's first raising run read (its first tick at or after that run: a
risk event is read from the run after the one that wrote it), from there on held back the most its schedule
window allows. A reader that measures the time between two risk events (a wave of grants, one finding per wave)
measures their writers' runs when the risk carries the run's time, and those runs can be a period plus the
window apart, not a period: a wave whose first grant's risk was written on time and whose next grant's risk an
hour and 59 minutes later is two waves to a reader that cuts waves at 80 minutes. A constant hold-back moves
every writer run alike and cannot show it.

**Runs held back early, on time later** (``held_back_early``): the mirror, the ticks ``held_back_unevenly`` leaves
on time held back the most their schedule windows allow and those it holds back on time (``simulate``'s
``held_back`` up to a tick): a throttled detection's runs held back up to and including its first raising run, on
time from the next tick on (two runs that see one record closer than their ticks); several detections, the same
for the reader, and one more for its writers, held back up to the risk the reader's first raising run read and on
time from their first tick at or after it: a wave's earlier risk written late and its later risk on time, closer
together than their writers' runs, and the reader's first raising run reading the late risk a run later.

A timeline of several detections replays days of risk per variant, as much as a dozen single-detection variants,
so of these newer combinations it gets one each, those that write its risk latest against the reader: the
writers held back the most with the records at the ceiling (``held_back_late``), the attack moved half the
reader's interval under the skew set with the records at the ceiling (``moved_skewed_late``), the attack moved
so that the last record, at the ceiling, is indexed on a reader's run (``moved_late``), and the writers held back
the most under the skew set (``held_back_skewed``).

A variant that replays exactly as one already replayed is not replayed again (``same_as``: one detection's runs
skewed a whole period are the next ticks' on-time runs): its outcome is reused, and it is still counted.

What this cannot see: the other combinations (the attack moved with runs held back, for one detection its
records indexed earlier; runs held back unevenly other than none up to the first raising run (for a reader's
writers: up to its inputs) and the most after it, or the reverse; four things at once; a correlation's attack
moved by other than half its interval or, with late records, other than its last record onto its run; its writers held back by less than the most), delays
beyond the delay model's ceiling or a schedule window, runs the scheduler skips, the notables of the ``risk_from`` detections (their own tests sweep
them).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from contentpack.content.diagnostics import Diagnostic, Position
from contentpack.content.model import Detection, Pack, UnitTest
from contentpack.content.schedule import max_hold_back
from contentpack.cut_lists import count_text, counted, more_text
from contentpack.durations import format_duration
from contentpack.replay.attack_data import AttackDataStore
from contentpack.replay.checks import CheckResult
from contentpack.replay.runner import (ReplayContext, TestFailed, delay_plan, position_of_test, run_test, run_timeline,
                                      scheduled_timeline)
from contentpack.simulate import EventIndex, Schedule, SimulationResult, schedule_of
from contentpack.simulate.dispatch import max_skew_of
from contentpack.simulate.engine_setup import ReplaySetupError, build_engine
from contentpack.simulate.timeline import event_time
from contentpack.spl.ast import Call, Literal, Pipeline, nodes_of
from contentpack.spl.engine import Engine
from contentpack.spl.functions.time import RUN_TIME_FUNCTIONS
from contentpack.spl.timeutil import iso_utc, relative_time
from contentpack.spl.values import Event

SCHEDULED_TYPES = ("TTP", "Anomaly", "Correlation")
LONG_WINDOW = 86400.0  # a window longer than this is swept at its latest edge only (see the module docstring)
GRID = 12  # attack offsets per run interval, beside the computed ones
CORRELATION_GRID = 4  # a search over the risk index replays days of risk per run: a coarser grid, nothing else
FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # of a detection's maximum skew (1.0: the whole period, the edge)
WRITERS = 0.75  # the risk writers' skew, as a fraction of their maximum, against the reader at its maximum
LATE_QUANTILES = (0.99, 1.0)  # of each delay model in play: its p99 and its ceiling, as extra delays
CUT_SIDES = (-1.0, 0.0, 1.0)  # a record a second before, on and a second after each edge a search cuts itself
SHOWN = 3  # differing variants shown per failed test
# The likely fix, one line under a failed test's variants (80 columns: read on a terminal), in docs/replay.md's
# words: a variant that raised less lost a record no run saw (the dispatch window is a slice no longer than the
# cron period, so a late record or a skewed run falls between two windows: docs/replay.md, `-40m@m` every 10
# minutes); one that raised more raised one attack twice (two runs see it, past the throttle).
MISSED_HINT = "hint: missed: the dispatch window must span the cron period plus the lag"
DOUBLED_HINT = "hint: raised twice: throttle on the attack's fields, as long as runs see it"


@dataclass(frozen=True)
class Raised:
    """What a timeline raised that an analyst counts: the test's detection's notables after throttling, and the
    risk total per risk object (every detection of the timeline)."""

    notables: int
    risk: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Variant:
    """What moved, one thing or several together: the attack (``offset`` seconds later), the runs (``skews``:
    seconds each named detection's runs start after their ticks; ``delays``: seconds each named detection's runs
    are held back after that, over their on-time windows; ``held_back``: for a named detection, the ticks held back,
    from the first up to before the second (``simulate``'s ``held_back``; ``-math.inf``/``math.inf``: unbounded),
    the runs of the other ticks on time) and the indexing (``late``: seconds each record's ``_indextime`` is
    later)."""

    offset: float = 0.0
    skews: tuple[tuple[str, float], ...] = ()
    late: float = 0.0
    delays: tuple[tuple[str, float], ...] = ()
    held_back: tuple[tuple[str, tuple[float, float]], ...] = ()

    @property
    def moved(self) -> tuple[str, ...]:
        """The kinds of move, in the order ``describe`` names them (the JSON's ``moved``, joined by ``+``)."""
        return tuple(kind for kind, amount in (("attack", self.offset), ("runs", self.skews),
                                               ("delayed", self.delays), ("indexing", self.late)) if amount)

    def describe(self, detection: str) -> str:
        """What moved, for a detection engineer (``detection``: the test's, named only beside others): each kind
        of move in words, several joined by "and"."""
        parts = [f"attack moved {_seconds(self.offset)} later"] if self.offset else []
        parts += [_runs(detection, self.skews, "skewed {} after their ticks"),
                  _runs(detection, self.delays, "held back {} over their on-time windows", dict(self.held_back))]
        parts += [f"records indexed {_seconds(self.late)} later"] if self.late else []
        return " and ".join(part for part in parts if part) or "nothing moved"


def _runs(detection: str, moved: tuple[tuple[str, float], ...], how: str,
          spans: Mapping[str, tuple[float, float]] | None = None) -> str:
    """``runs skewed 31m after their ticks`` for each named detection (``how``: its seconds in ``{}``), the test's
    own unnamed when it is the only one ("" for none); ``spans``: per detection moved only over some ticks, which
    (``_span``)."""
    spans = spans or {}
    return ", ".join(f"runs{'' if name == detection and len(moved) == 1 else f' of {name}'} "
                     f"{how.format(_seconds(seconds))}" + (_span(*spans[name]) if name in spans else "")
                     for name, seconds in moved)


def _span(first: float, until: float) -> str:
    """The ticks held back, in words: `` from the run of 2026-10-13T10:00:00.000Z on, the earlier runs on time``,
    `` up to the run of ..., that run and the later ones on time`` or both bounds (``iso_utc``, the one form the
    backtest gives every time in; until 2026-12-07 ``2026-10-13 10:00 UTC``); nothing for a span unbounded on both
    sides, every run held back (``simulate``'s default, as the JSON says it: neither bound given)."""
    if first == -math.inf and until == math.inf:
        return ""
    if until == math.inf:
        return f" from the run of {iso_utc(first)} on, the earlier runs on time"
    if first == -math.inf:
        return f" up to the run of {iso_utc(until)}, that run and the later ones on time"
    return f" from the run of {iso_utc(first)} up to the run of {iso_utc(until)}, the other runs on time"


UNMOVED = "the test fails unmoved"  # before a failed check of the unmoved timeline, below the table


@dataclass(frozen=True)
class SweptTest:
    """One test swept: the unmoved outcome, how many variants ran, those that raised something else, and the
    replay's checks of the unmoved timeline (``runner.run_test``): a variant raising what the unmoved timeline
    raised says nothing when that misses the test's own expectations."""

    detection: str
    test: str
    position: Position  # the test's ``tests[i]`` entry, where its differing variants are reported (as failed checks)
    unmoved: Raised | None  # None: the test's timeline could not run (``errors``)
    variants: int = 0
    differences: tuple[tuple[Variant, Raised], ...] = ()  # each variant that raised something else, and what
    errors: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0
    checks: tuple[tuple[CheckResult, Position], ...] = ()  # the replay's checks of the unmoved timeline, placed

    @property
    def ok(self) -> bool:
        return not self.errors and not self.differences and all(check.ok for check, _ in self.checks)

    @property
    def failed_checks(self) -> list[tuple[Position, str]]:
        """Each failed check of the unmoved timeline at its place, as the replay says it, after ``UNMOVED``."""
        return [(where, f"{UNMOVED}: {check.name}: {check.detail}") for check, where in self.checks if not check.ok]

    def described(self, variant: Variant, raised: Raised) -> str:
        """``what moved: what changed``, as the reports list it."""
        return f"{variant.describe(self.detection)}: {changes(self.unmoved or Raised(0, ()), raised)}"

    @property
    def differing(self) -> list[str]:
        """The first ``SHOWN`` differing variants in words (and how many more there are)."""
        shown = [self.described(variant, raised) for variant, raised in self.differences[:SHOWN]]
        more = more_text(len(self.differences), SHOWN, "variant(s) differ; --format json lists them")
        return shown + ([more] if more else [])

    @property
    def hints(self) -> list[str]:
        """``MISSED_HINT`` when a variant raised less than the unmoved timeline, ``DOUBLED_HINT`` when one raised
        more of what the unmoved timeline raised (a quiet test that fires when moved is no double)."""
        unmoved = self.unmoved or Raised(0, ())
        before = dict(unmoved.risk)
        fewer = more = False
        for _, raised in self.differences:
            after = dict(raised.risk)
            fewer |= raised.notables < unmoved.notables or any(after.get(k, 0) < v for k, v in before.items())
            more |= raised.notables > unmoved.notables or any(v > before.get(k, 0) for k, v in after.items())
        raised_any = bool(unmoved.notables or any(v for _, v in unmoved.risk))
        return [hint for hint, shown in ((MISSED_HINT, fewer), (DOUBLED_HINT, more and raised_any)) if shown]

    @property
    def failures(self) -> list[str]:
        """The errors (each positioned already: the timeline could not run, nothing differs), the failed checks of
        the unmoved timeline (``failed_checks``), then ``differing``."""
        return [problem.render() for problem in self.errors] + [line for _, line in self.failed_checks] + self.differing


@dataclass(frozen=True)
class SweepReport:
    tests: tuple[SweptTest, ...]
    setup_errors: tuple[str, ...] = ()
    seconds: float = 0.0
    quiet_unread: tuple[str, ...] = ()  # "detection / test" of each quiet test not swept (``reads_nothing``)

    @property
    def ok(self) -> bool:
        return not self.setup_errors and all(t.ok for t in self.tests)


def _seconds(seconds: float) -> str:
    """``format_duration`` keeping a fraction of a second (a record's own time can carry one)."""
    whole = int(seconds)
    if whole == seconds:
        return format_duration(seconds)
    minutes = format_duration(whole - whole % 60) if whole >= 60 else ""
    return f"{minutes}{seconds - (whole - whole % 60):.3f}".rstrip("0") + "s"


def changes(unmoved: Raised, moved: Raised) -> str:
    """What ``moved`` raised that ``unmoved`` did not, e.g. ``2 notables instead of 1; risk of alice 160
    instead of 80``."""
    said = []
    if moved.notables != unmoved.notables:
        said.append(f"{counted(moved.notables, 'notable')} instead of {count_text(unmoved.notables)}")
    before, after = dict(unmoved.risk), dict(moved.risk)
    said += [f"risk of {name} {count_text(after.get(name, 0))} instead of {count_text(before.get(name, 0))}"
             for name in sorted(before.keys() | after.keys()) if before.get(name, 0) != after.get(name, 0)]
    return "; ".join(said)


def _expects_something(test: UnitTest) -> bool:
    """Results, notables or (a risk-only detection's) risk events."""
    return bool(test.expected_results or test.expected_notables or test.expected_risk_events)


def expects_silence(test: UnitTest) -> bool:
    """Whether ``test`` expects its detection to raise nothing (0 results, 0 notables or at most 0, 0 risk
    events) and nothing else: a benign timeline must stay quiet wherever the clock puts it, as an attack must
    raise the same."""
    return not _expects_something(test) and 0 in (test.expected_results, test.expected_notables,
                                                   test.max_notables, test.expected_risk_events)


def swept(detections: Sequence[Detection]) -> Iterator[tuple[Detection, int, UnitTest]]:
    """Every scheduled detection's tests that expect something (results, notables or risk events) or silence
    (``expects_silence``), with their index. A quiet test whose data its detection never reads has nothing to
    move: ``sweep_test`` skips it (``reads_nothing``)."""
    for detection in detections:
        if detection.type in SCHEDULED_TYPES:
            for index, test in enumerate(detection.tests):
                if _expects_something(test) or expects_silence(test):
                    yield detection, index, test


def reads_nothing(timeline: Timeline, test: UnitTest) -> bool:
    """A quiet test whose timeline holds no record its detections read: no move can change a row, so it is not
    swept (a test that expects something always is, so a timeline that lost its records fails loudly)."""
    return not timeline.events and expects_silence(test)


def _reads_risk(detection: Detection) -> bool:
    return detection.search.lstrip().startswith("|")


class Timeline:
    """One test's timeline as the replay runs it, to replay again with a variant."""

    def __init__(self, ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest) -> None:
        self.ctx, self.detection, self.test_index = ctx, detection, test_index
        index, chosen = scheduled_timeline(ctx, detection, test_index, test)
        self.detections = chosen
        self.events = self._read(index, chosen)
        plan = delay_plan(ctx, test)
        self.models = {model for e in self.events if (model := plan.model_for(e)) is not None}

    @property
    def engine(self) -> Engine:
        """The engine the timeline's searches run on (scheduled: ``now()`` is each run's time)."""
        assert self.ctx.scheduled_engine is not None
        return self.ctx.scheduled_engine

    @property
    def cuts(self) -> tuple[str, ...]:
        """The edges the test's detection's search cuts itself (``search_cuts``)."""
        return search_cuts(self.engine.parse(self.detection.search))

    def _read(self, index: EventIndex, chosen: Sequence[Detection]) -> list[Event]:
        """The indexed events some detection of the timeline reads (see the module docstring), in time order."""
        engine = self.engine
        kept: set[int] = set()
        for detection in chosen:
            if not _reads_risk(detection):
                matched = engine.prefilter(engine.parse(detection.search), index.events, 0.0)
                kept.update(id(e) for e in (index.events if matched is None else matched))
        return [e for e in index.events if id(e) in kept]

    def run(self, variant: Variant = Variant()) -> SimulationResult:
        """The timeline replayed under ``variant`` (raises ``TestFailed``)."""
        moved = [{**e, "_time": float(e["_time"]) + variant.offset,  # type: ignore[arg-type]
                  "_indextime": float(e["_indextime"]) + variant.offset + variant.late}  # type: ignore[arg-type]
                 for e in self.events]
        return run_timeline(self.ctx, self.detection, self.test_index, EventIndex(moved), self.detections,
                            dict(variant.skews), dict(variant.delays), dict(variant.held_back))

    def outcome(self, result: SimulationResult) -> Raised:
        """What an analyst counts of ``result``: the test's detection's notables, the risk per risk object."""
        return Raised(len(result.notables_of(self.detection.name)), tuple(sorted(result.risk_scores().items())))

    def raised(self, variant: Variant = Variant()) -> Raised:
        """What the timeline raises under ``variant`` (raises ``TestFailed``)."""
        return self.outcome(self.run(variant))

    def differences(self, variants: Sequence[Variant], unmoved: Raised) -> list[tuple[Variant, Raised]]:
        """The ``variants`` that raise something else than ``unmoved``, each with what it raised; a variant that
        replays as one already replayed (``same_as``) is not replayed again."""
        raised: dict[Variant, Raised] = {same_as(self.detections, Variant()): unmoved}
        differ = []
        for variant in variants:
            twin = same_as(self.detections, variant)
            if twin not in raised:
                raised[twin] = self.raised(variant)
            if raised[twin] != unmoved:
                differ.append((variant, raised[twin]))
        return differ


def _edges(schedule: Schedule, run: float) -> tuple[float, ...]:
    """The edges of ``run``'s window that can split an attack: both, or only the latest for a window of days
    (``LONG_WINDOW``, see the module docstring)."""
    earliest, latest = schedule.window(run)
    return (latest,) if schedule.lookback > LONG_WINDOW else (earliest, latest)


def _times(events: Sequence[Event]) -> list[tuple[float, float]]:
    """(``_time``, ``_indextime``) of each event, in time order."""
    return sorted((t, i) for e in events
                  if (t := event_time(e)) is not None and (i := event_time(e, "_indextime")) is not None)


def _first_and_last(detection: Detection, events: Sequence[Event]) -> list[tuple[float, float]]:
    """(``_time``, ``_indextime``) of the first and the last record ``detection`` reads (a search over the risk
    index reads none: none)."""
    times = _times(events)
    return [] if _reads_risk(detection) or not times else [times[0], times[-1]]


def edge_offsets(timeline: Timeline) -> list[Variant]:
    """The attack moved across one run interval of the test's detection (see the module docstring)."""
    detection = timeline.detection
    schedule = schedule_of(detection)
    interval = schedule.longest_gap
    if _reads_risk(detection):
        return [Variant(interval * k / CORRELATION_GRID) for k in range(1, CORRELATION_GRID)]
    offsets = {interval * k / GRID for k in range(GRID)}
    times = _times(timeline.events)
    if times:
        first = times[0][0]
        runs = list(schedule.cron.ticks(first, first + 2 * interval))
        edges = {edge for run in runs for edge in _edges(schedule, run)}
        cuts = {cut + side for run in runs for cut in _cuts(timeline.cuts, run, schedule.tz) for side in CUT_SIDES}
        if schedule.lookback > LONG_WINDOW:  # only where a record first enters a window, not onto a run
            runs = []
        for t, indexed in times:
            offsets.update((edge - t) % interval for edge in edges | cuts)
            offsets.update((run - indexed) % interval for run in runs)
    return [Variant(offset) for offset in sorted(offsets) if offset]


def search_cuts(pipeline: Pipeline) -> tuple[str, ...]:
    """The literal modifiers of the ``relative_time(now(), "<modifier>")`` calls (``time()`` alike: both are the
    run's time) in ``pipeline`` (its macros expanded), in order, each once: the edges a search cuts in its own
    window. A modifier from a field or an expression is not known before the run: not a cut."""
    return tuple(dict.fromkeys(
        modifier.value for call in nodes_of(pipeline, Call)
        if call.name == "relative_time" and len(call.args) == 2
        and isinstance(clock := call.args[0], Call) and clock.name in RUN_TIME_FUNCTIONS and not clock.args
        and isinstance(modifier := call.args[1], Literal) and isinstance(modifier.value, str)))


def _cuts(modifiers: Sequence[str], run: float, tz: str) -> list[float]:
    """Each of ``modifiers`` resolved at ``run`` as the engine's ``relative_time`` resolves it (one that is not a
    modifier cuts nothing: the run itself fails on it)."""
    cuts = []
    for modifier in modifiers:
        try:
            cuts.append(relative_time(run, modifier, tz))
        except ValueError:
            continue
    return cuts


def _tick_beside(schedule: Schedule, records: Sequence[tuple[float, float]]) -> float | None:
    """The first tick of ``schedule`` at or after the first record's ``_time``, the run the skews and moves are
    measured from; None for a cron rarer than weekly (``longest_gap`` stops at a week): no run beside the records."""
    first = records[0][0]
    return next(schedule.cron.ticks(first - 1, first + schedule.longest_gap), None)


def _record_skews(detection: Detection, events: Sequence[Event], late: float = 0.0) -> set[float]:
    """Skews of ``detection`` that put its first or last record on an edge of a window or its ``_indextime``
    (``late`` seconds later) on a run (within its maximum). A search over the risk index has no records: none."""
    records = _first_and_last(detection, events)
    if not records:
        return set()
    schedule, most = schedule_of(detection), max_skew_of(detection)
    period, tick = schedule.longest_gap, _tick_beside(schedule, records)
    if tick is None:
        return set()
    edges = _edges(schedule, tick)
    skews = set()
    for t, indexed in records:
        minute = t - t % 60
        skews.add((indexed + late - tick) % period)
        skews.update((minute + side - edge) % period for edge in edges for side in (0, 60))
    return {skew for skew in skews if skew <= most}


def skew_sets(timeline: Timeline) -> list[Variant]:
    """The skews the timeline's runs are replayed with (see the module docstring). Several detections: the
    reader at its maximum and the writers ``WRITERS`` into their period (for the pack's risk correlation,
    ``10 * * * *``, at :10:59, and its hourly writers at :45, after it, its ``*/10`` ones at :07:30, closer
    before it than on time)."""
    name = timeline.detection.name
    most = {d.name: max_skew_of(d) for d in timeline.detections}
    if len(most) > 1:
        return [Variant(skews=tuple((other, most[other] if other == name else WRITERS * most[other])
                                    for other in most))]
    own = [f * most[name] for f in FRACTIONS] + sorted(_record_skews(timeline.detection, timeline.events))
    return [Variant(skews=((name, skew),)) for skew in dict.fromkeys(own) if skew]


def _next_run_delays(detection: Detection, events: Sequence[Event]) -> set[float]:
    """The delays that put ``detection``'s first or last record's ``_indextime`` exactly on the run after the
    first run that sees it. A search over the risk index has no records: none."""
    schedule = schedule_of(detection)
    delays = set()
    for t, indexed in _first_and_last(detection, events):
        runs = list(schedule.cron.ticks(indexed - 1, indexed + schedule.lookback + 2 * schedule.longest_gap))
        seeing = [n for n, run in enumerate(runs) if schedule.window(run)[0] <= t < schedule.window(run)[1]]
        if seeing and seeing[0] + 1 < len(runs):
            delays.add(runs[seeing[0] + 1] - indexed)
    return delays


def _model_delays(timeline: Timeline) -> set[float]:
    """The p99 and the ceiling (``LATE_QUANTILES``) of each delay model in play, as extra delays."""
    return {delay for model in timeline.models for q in LATE_QUANTILES if (delay := model.quantile(q))}


def late_delays(timeline: Timeline) -> list[Variant]:
    """Every record indexed later by each delay of the module docstring (none without a delay model)."""
    delays = _model_delays(timeline)
    ceiling = max(delays, default=0.0)
    delays.update(d for d in _next_run_delays(timeline.detection, timeline.events) if d <= ceiling)
    return [Variant(late=delay) for delay in sorted(delays) if delay]


def max_delay_of(detection: Detection) -> float:
    """The longest the sweep holds back a run of ``detection``: ``content.schedule.max_hold_back`` of its
    ``schedule_window`` (the rule, and the assumption for ``auto``, live there; validate's CP077 reads the same)."""
    return max_hold_back(detection.effective_deployment.scheduling.schedule_window, schedule_of(detection).shortest_gap)


def _record_delays(detection: Detection, events: Sequence[Event], most: float, skew: float = 0.0) -> set[float]:
    """The delays (up to ``most``) that let a run (skewed by ``skew``) whose window holds ``detection``'s first or
    last record, but that starts before its ``_indextime``, see it: its ``_indextime`` exactly on the held-back
    run. A search over the risk index has no records: none."""
    schedule = schedule_of(detection)
    delays = set()
    for t, indexed in _first_and_last(detection, events):
        for tick in schedule.cron.ticks(indexed - skew - most - 1, indexed - skew):
            run = tick + skew
            earliest, latest = schedule.window(run)
            if earliest <= t < latest and 0 < indexed - run <= most:
                delays.add(indexed - run)
    return delays


def delay_sets(timeline: Timeline) -> list[Variant]:
    """The delays the timeline's runs are held back by (see the module docstring): one detection, the delays that
    let a run see its first or last record; several, the writers of the reader's risk held back the most their
    schedule windows allow, the reader on time."""
    if len(timeline.detections) > 1:
        writers = _writers_held_back(timeline)
        return [Variant(delays=writers)] if writers else []
    detection = timeline.detection
    return [Variant(delays=((detection.name, delay),))
            for delay in sorted(_record_delays(detection, timeline.events, max_delay_of(detection)))]


def _writers_held_back(timeline: Timeline) -> tuple[tuple[str, float], ...]:
    """Several detections: each writer of the reader's risk held back the most its schedule window allows (none
    without one)."""
    name = timeline.detection.name
    return tuple((d.name, most) for d in timeline.detections if d.name != name and (most := max_delay_of(d)))


def _next_tick(detection: Detection, skew: float) -> bool:
    """Whether every run skewed by ``skew`` is the on-time run of a later tick of ``detection`` (a whole number
    of periods of a schedule whose runs are evenly spaced): the same runs as no skew."""
    schedule = schedule_of(detection)
    period = schedule.longest_gap
    return schedule.shortest_gap == period and skew % period == 0


def skewed_late(timeline: Timeline) -> list[Variant]:
    """Runs skewed with the records late (see the module docstring): each late delay of the delay models (p99,
    ceiling) with the largest skew and the skews that put the first or last record on a window edge or, late, on a
    run; several detections: with ``skew_sets``'s set."""
    lates = sorted(_model_delays(timeline))
    if len(timeline.detections) > 1:
        return [Variant(skews=skewed.skews, late=late) for skewed in skew_sets(timeline) for late in lates]
    detection = timeline.detection
    if schedule_of(detection).lookback > LONG_WINDOW:  # minutes of indexing delay: no matter to a window of days
        return []
    variants = []
    for late in lates:
        skews = {max_skew_of(detection)} | _record_skews(detection, timeline.events, late)
        variants += [Variant(skews=((detection.name, skew),), late=late) for skew in sorted(skews)
                     if skew and not _next_tick(detection, skew)]
    return variants


def moved_skewed(timeline: Timeline) -> list[Variant]:
    """The attack moved with the runs at the largest skew (see the module docstring): several detections, half
    the reader's run interval with ``skew_sets``'s set; one, each of ``edge_offsets`` at its largest skew, unless
    that is a whole period (its unskewed runs, which ``edge_offsets`` moves the attack across)."""
    if len(timeline.detections) > 1:
        [largest] = skew_sets(timeline)
        return [Variant(schedule_of(timeline.detection).longest_gap / 2, skews=largest.skews)]
    most = max_skew_of(timeline.detection)
    if not most or _next_tick(timeline.detection, most):
        return []
    return [Variant(moved.offset, skews=((timeline.detection.name, most),)) for moved in edge_offsets(timeline)]


def _ceiling(timeline: Timeline) -> float:
    """The latest any delay model in play indexes a record (0: none in play)."""
    return max(_model_delays(timeline), default=0.0)


def _record_offsets(schedule: Schedule, records: Sequence[tuple[float, float]], late: float, skew: float = 0.0,
                    edges: bool = True) -> set[float]:
    """Attack moves (within one run interval of ``schedule``) that put each of ``records`` (``_time``,
    ``_indextime``) in the minute before an edge of a window of its runs skewed by ``skew`` (``edges``), or its
    ``_indextime`` ``late`` seconds later exactly on such a run (see the module docstring). No records: none."""
    if not records:
        return set()
    period, tick = schedule.longest_gap, _tick_beside(schedule, records)
    if tick is None:
        return set()
    run = tick + skew
    offsets = set()
    for t, indexed in records:
        offsets.add((run - indexed - late) % period)
        if edges:
            offsets.update((edge - 60 - (t - t % 60)) % period for edge in _edges(schedule, run))
    return offsets


def same_as(detections: Sequence[Detection], variant: Variant) -> Variant:
    """The variant that replays exactly as ``variant`` does with fewer moves: one detection whose runs are evenly
    spaced, skewed a whole number of periods, runs at the next ticks' on-time runs, the same runs in every respect
    (``_next_tick``), so its skew is dropped. ``variant`` itself otherwise."""
    if len(detections) != 1 or not variant.skews:
        return variant
    [detection] = detections
    return replace(variant, skews=()) if _next_tick(detection, variant.skews[0][1]) else variant


def moved_late(timeline: Timeline) -> list[Variant]:
    """The attack moved with the records late on unskewed runs (see the module docstring): one detection, at each
    late delay of the delay models (p99, ceiling), the moves of ``_record_offsets``; several, at the ceiling, the
    move that puts the last record's ``_indextime`` exactly on a run of the reader."""
    detection = timeline.detection
    # minutes of indexing delay: no matter to one window of days (a reader of risk: see the module docstring)
    if len(timeline.detections) == 1 and schedule_of(detection).lookback > LONG_WINDOW:
        return []
    return _late_moves(timeline, 0.0)


def _late_moves(timeline: Timeline, skew: float) -> list[Variant]:
    """The test's detection's runs skewed by ``skew`` (0: on time), the attack moves of ``_record_offsets``
    (``moved_late``, ``moved_skewed_late``): one detection, at each late delay of the delay models, those that put
    its first or last record before a window edge or, late, on a run; several detections (a reader of risk,
    which reads no record), at the ceiling, the one that puts the timeline's last record, late, on a run of the
    reader: the writers' runs then write its risk at the reader's tick, which that run cannot read (see the
    module docstring)."""
    detection = timeline.detection
    skews = ((detection.name, skew),) if skew else ()
    if len(timeline.detections) > 1:
        lates, records, edges = [_ceiling(timeline)], _times(timeline.events)[-1:], False
    else:
        lates, records, edges = sorted(_model_delays(timeline)), _first_and_last(detection, timeline.events), True
    schedule = schedule_of(detection)
    return [Variant(offset, skews=skews, late=late) for late in lates if late
            for offset in sorted(_record_offsets(schedule, records, late, skew, edges)) if offset]


def held_back_late(timeline: Timeline) -> list[Variant]:
    """Runs held back with the records late (see the module docstring): several detections, the writers held
    back the most they may be with the records at the ceiling (their risk written as late as it can be); one,
    none: that is the records late by the difference, or the run held back by it, which ``late_delays`` and
    ``delay_sets`` sweep."""
    ceiling, writers = _ceiling(timeline), _writers_held_back(timeline)
    return [Variant(delays=writers, late=ceiling)] if len(timeline.detections) > 1 and ceiling and writers else []


def held_back_skewed(timeline: Timeline) -> list[Variant]:
    """Runs held back under a skew (see the module docstring): one detection, at each skew of ``skew_sets`` that is
    not a whole period, the delays that let a skewed run whose window holds the first or last record see it
    (``_record_delays``); several, the writers held back the most they may be (``_writers_held_back``) under
    ``skew_sets``'s reader-against-writers set."""
    if len(timeline.detections) > 1:
        writers = _writers_held_back(timeline)
        return [Variant(skews=skewed.skews, delays=writers) for skewed in skew_sets(timeline)] if writers else []
    detection = timeline.detection
    most = max_delay_of(detection)
    return [Variant(skews=skewed.skews, delays=((detection.name, delay),))
            for skewed in skew_sets(timeline) for _, skew in skewed.skews if not _next_tick(detection, skew)
            for delay in sorted(_record_delays(detection, timeline.events, most, skew))]


def held_back_unevenly(timeline: Timeline, unmoved: SimulationResult) -> list[Variant]:
    """Runs held back unevenly (see the module docstring): a throttled detection's first run that raises something
    on time (``unmoved``: the timeline unmoved), its runs from the next tick on held back the most its schedule
    window allows. None for a detection without a throttle or a schedule window, or when nothing is raised.
    Several detections: beside that (the writers on time), the writers held back unevenly
    (``_writers_held_back_around``)."""
    return _held_back_around(timeline, unmoved, lambda tick: (tick, math.inf))


def held_back_early(timeline: Timeline, unmoved: SimulationResult) -> list[Variant]:
    """Runs held back early, on time later (see the module docstring), the mirror of ``held_back_unevenly``: the
    runs it holds back are on time, the runs it leaves on time are held back the most their schedule windows
    allow."""
    return _held_back_around(timeline, unmoved, lambda tick: (-math.inf, tick))


def _held_back_around(timeline: Timeline, unmoved: SimulationResult,
                      span: Callable[[float], tuple[float, float]]) -> list[Variant]:
    """``held_back_unevenly`` and ``held_back_early``: the ticks ``span`` holds back of those split at the tick
    after the test's throttled detection's first raising run (its own runs, the writers on time), and, several
    detections, at each writer's first tick at or after that run (``_writers_held_back_around``, the reader on
    time)."""
    detection = timeline.detection
    most = max_delay_of(detection)
    raising = [run.run_time for run in unmoved.runs_of(detection.name) if run.rows]
    if not raising:
        return []
    schedule = schedule_of(detection)
    following = next(schedule.cron.ticks(raising[0], raising[0] + schedule.longest_gap), None)
    own = [] if detection.tags.throttling is None or not most or following is None else [
        Variant(delays=((detection.name, most),), held_back=((detection.name, span(following)),))]
    return own + _writers_held_back_around(timeline, raising[0], span)


def _writers_held_back_around(timeline: Timeline, raising: float,
                              span: Callable[[float], tuple[float, float]]) -> list[Variant]:
    """Several detections, the reader's first raising run at ``raising`` (on time): each writer's runs split at
    its first tick at or after that run (its earlier runs wrote the risk that run read, risk written from that tick
    on is read by a later run), those ``span`` holds back of that split held back the most its schedule window
    allows (``_writers_held_back``). None for one detection or without a writer with a schedule window."""
    held = []
    for name, most in _writers_held_back(timeline):
        [writer] = [d for d in timeline.detections if d.name == name]
        schedule = schedule_of(writer)
        first = next(schedule.cron.ticks(raising - 1, raising + schedule.longest_gap), None)
        if first is not None:
            held.append(((name, most), (name, span(first))))
    return [Variant(delays=tuple(d for d, _ in held), held_back=tuple(f for _, f in held))] if held else []


def moved_skewed_late(timeline: Timeline) -> list[Variant]:
    """The attack moved under the largest skew with the records late (see the module docstring): several
    detections, half the reader's run interval under ``skew_sets``'s set with the records at the ceiling; one, at
    each late delay, the moves of ``_record_offsets`` at the largest skew, unless that is a whole period (its
    unskewed runs: then this is ``moved_late``)."""
    if len(timeline.detections) > 1:
        ceiling = _ceiling(timeline)
        return [Variant(moved.offset, skews=moved.skews, late=ceiling) for moved in moved_skewed(timeline)
                if ceiling]
    detection = timeline.detection
    most = max_skew_of(detection)
    if not most or _next_tick(detection, most) or schedule_of(detection).lookback > LONG_WINDOW:
        return []
    return _late_moves(timeline, most)


def sweep_test(ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest) -> SweptTest | None:
    """One test unmoved, judged by the replay's checks (``runner.run_test``, given the unmoved run: it is not run
    twice), then under every variant of ``edge_offsets``, ``skew_sets``, ``late_delays``,
    ``delay_sets``, ``skewed_late``, ``moved_skewed``, ``moved_late``, ``held_back_late``, ``held_back_skewed``,
    ``moved_skewed_late``, ``held_back_unevenly`` and ``held_back_early``; None for a quiet test that reads nothing
    (``reads_nothing``). Every variant is compared with the unmoved run whatever its checks say: both are
    reported."""
    started = time.perf_counter()
    names = (detection.name, test.name, position_of_test(detection, test_index))
    try:
        timeline = Timeline(ctx, detection, test_index, test)
        if reads_nothing(timeline, test):
            return None
        result = timeline.run()
        unmoved = timeline.outcome(result)
        judged = run_test(ctx, detection, test_index, test, result)
        if judged.errors:  # its all-time search or a risk_from detection failed: as the replay says it
            raise TestFailed(judged.errors)
        variants = (edge_offsets(timeline) + skew_sets(timeline) + late_delays(timeline) + delay_sets(timeline)
                    + skewed_late(timeline) + moved_skewed(timeline) + moved_late(timeline)
                    + held_back_late(timeline) + held_back_skewed(timeline) + moved_skewed_late(timeline)
                    + held_back_unevenly(timeline, result) + held_back_early(timeline, result))
        differences = timeline.differences(variants, unmoved)
    except TestFailed as failed:
        return SweptTest(*names, None, errors=failed.problems, seconds=time.perf_counter() - started)
    return SweptTest(*names, unmoved, len(variants), tuple(differences), seconds=time.perf_counter() - started,
                     checks=judged.placed_checks)


def replay_context(pack: Pack) -> ReplayContext:
    """The context the sweep replays the pack's timelines in, the replay's (``runner.replay_pack``: one engine for
    the scheduled runs and, forked per test, the all-time searches; raises ``ReplaySetupError``)."""
    engine = build_engine(pack)
    return ReplayContext(pack, AttackDataStore(Path(pack.root)), None, {d.name: d for d in pack.detections},
                         engine, pack_engine=engine)


def sweep_pack(pack: Pack, detections: Sequence[Detection] | None = None,
               progress: Callable[[int, int], None] | None = None) -> SweepReport:
    """Sweep every scheduled test of ``detections`` (default: all of the pack's) that expects something or
    silence on data its detection reads. ``progress(done, total)`` is called before each test and after the
    last: the whole pack's sweep replays thousands of timelines and runs for minutes, which a terminal
    otherwise spends without a sign of life."""
    started = time.perf_counter()
    try:
        ctx = replay_context(pack)
    except ReplaySetupError as exc:
        return SweepReport((), tuple(d.render() for d in exc.diagnostics), time.perf_counter() - started)
    tests, skipped = [], []
    chosen = list(swept(pack.detections if detections is None else detections))
    for done, (detection, index, test) in enumerate(chosen):
        if progress is not None:
            progress(done, len(chosen))
        result = sweep_test(ctx, detection, index, test)
        if result is None:
            skipped.append(f"{detection.name} / {test.name}")
        else:
            tests.append(result)
    if progress is not None:
        progress(len(chosen), len(chosen))
    return SweepReport(tuple(tests), (), time.perf_counter() - started, tuple(skipped))
