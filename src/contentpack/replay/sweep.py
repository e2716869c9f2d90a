"""``contentpack replay --sweep``: does a scheduled detection raise the same wherever the clock puts its attack?

Every scheduled detection (TTP, Anomaly, Correlation) runs over sliding windows, and an attack's records land
wherever the clock puts them; on a real search head each detection's runs also start a constant ``allow_skew``
offset after their ticks. For each of its tests that expects something, the sweep replays the test's timeline
as ``contentpack replay`` does (``runner.scheduled_timeline``: the test's events with its ingestion delay, its
``risk_from`` detections too), unmoved, then under each variant below, one thing moved at a time, and requires
the same outcome: the detection's notables after throttling (``Raised.notables``) and the risk total per risk
object of the whole timeline. A difference is a real bug: an attack doubled (a grant split by a window edge
raised twice) or lost.

Only the records some detection of the timeline reads move (its base search's matches; a search that cannot be
matched once for every run keeps them all, one over the risk index reads none): the rest cannot change a row.

**Attack moved** (``edge_offsets``): each record's ``_time`` and ``_indextime`` later by every twelfth of the
detection's run interval, plus each offset that puts a record exactly on a window edge or, through its
``_indextime``, exactly on a run -- the only moves that change which run sees which record, as moving every
record by a whole interval changes nothing (the schedules repeat). For a window of days (``LONG_WINDOW``)
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

What this cannot see: two things moved at once (an attack moved *and* runs skewed), runs the scheduler delays
or skips, the notables of the ``risk_from`` detections (their own tests sweep them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from contentpack.content.model import Detection, Pack, UnitTest
from contentpack.durations import format_duration
from contentpack.replay.attack_data import AttackDataStore
from contentpack.replay.runner import ReplayContext, TestFailed, delay_plan, run_timeline, scheduled_timeline
from contentpack.simulate import EventIndex, Schedule, schedule_of
from contentpack.simulate.dispatch import max_skew_of
from contentpack.simulate.engine_setup import ReplaySetupError, build_engine
from contentpack.simulate.timeline import event_time
from contentpack.spl.values import Event

SCHEDULED_TYPES = ("TTP", "Anomaly", "Correlation")
LONG_WINDOW = 86400.0  # a window longer than this is swept at its latest edge only (see the module docstring)
GRID = 12  # attack offsets per run interval, beside the computed ones
CORRELATION_GRID = 4  # a search over the risk index replays days of risk per run: a coarser grid, nothing else
FRACTIONS = (0.25, 0.5, 0.75, 1.0)  # of a detection's maximum skew (1.0: the whole period, the edge)
WRITERS = 0.75  # the risk writers' skew, as a fraction of their maximum, against the reader at its maximum
LATE_QUANTILES = (0.99, 1.0)  # of each delay model in play: its p99 and its ceiling, as extra delays
SHOWN = 3  # differing variants shown per failed test


@dataclass(frozen=True)
class Raised:
    """What a timeline raised that an analyst counts: the test's detection's notables after throttling, and the
    risk total per risk object (every detection of the timeline)."""

    notables: int
    risk: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Variant:
    """One thing moved: the attack (``offset`` seconds later), the runs (``skews``: seconds each named
    detection's runs start after their ticks) or the indexing (``late``: seconds each record's ``_indextime``
    is later)."""

    offset: float = 0.0
    skews: tuple[tuple[str, float], ...] = ()
    late: float = 0.0

    def describe(self, detection: str) -> str:
        """What moved, for a detection engineer (``detection``: the test's, named only beside others)."""
        if self.skews:
            return ", ".join(f"runs{'' if name == detection and len(self.skews) == 1 else f' of {name}'} skewed "
                             f"{_seconds(skew)} after their ticks" for name, skew in self.skews)
        if self.late:
            return f"records indexed {_seconds(self.late)} later"
        return f"attack moved {_seconds(self.offset)} later"


@dataclass(frozen=True)
class SweptTest:
    """One test swept: the unmoved outcome, how many variants ran, those that raised something else."""

    detection: str
    test: str
    path: str
    unmoved: Raised | None  # None: the test's timeline could not run (``errors``)
    variants: int = 0
    differences: tuple[tuple[Variant, Raised], ...] = ()  # each variant that raised something else, and what
    errors: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.differences

    def described(self, variant: Variant, raised: Raised) -> str:
        """``what moved: what changed``, as the reports list it."""
        return f"{variant.describe(self.detection)}: {changes(self.unmoved or Raised(0, ()), raised)}"

    @property
    def failures(self) -> list[str]:
        """The errors, else the first ``SHOWN`` differing variants in words (and how many more there are)."""
        if self.errors or self.unmoved is None:
            return list(self.errors)
        shown = [self.described(variant, raised) for variant, raised in self.differences[:SHOWN]]
        more = len(self.differences) - SHOWN
        return shown + ([f"(+{more} more variant(s) differ; --format json lists them)"] if more > 0 else [])


@dataclass(frozen=True)
class SweepReport:
    tests: tuple[SweptTest, ...]
    setup_errors: tuple[str, ...] = ()
    seconds: float = 0.0

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


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def changes(unmoved: Raised, moved: Raised) -> str:
    """What ``moved`` raised that ``unmoved`` did not, e.g. ``2 notables instead of 1; risk of alice 160
    instead of 80``."""
    said = []
    if moved.notables != unmoved.notables:
        said.append(f"{_counted(moved.notables, 'notable')} instead of {unmoved.notables}")
    before, after = dict(unmoved.risk), dict(moved.risk)
    said += [f"risk of {name} {after.get(name, 0)} instead of {before.get(name, 0)}"
             for name in sorted(before.keys() | after.keys()) if before.get(name, 0) != after.get(name, 0)]
    return "; ".join(said)


def swept(detections: Sequence[Detection]) -> Iterator[tuple[Detection, int, UnitTest]]:
    """Every scheduled detection's tests that expect something (results or notables), with their index."""
    for detection in detections:
        if detection.type in SCHEDULED_TYPES:
            for index, test in enumerate(detection.tests):
                if test.expected_results or test.expected_notables:
                    yield detection, index, test


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

    def _read(self, index: EventIndex, chosen: Sequence[Detection]) -> list[Event]:
        """The indexed events some detection of the timeline reads (see the module docstring), in time order."""
        engine = self.ctx.scheduled_engine
        assert engine is not None
        kept: set[int] = set()
        for detection in chosen:
            if not _reads_risk(detection):
                matched = engine.prefilter(engine.parse(detection.search), index.events, 0.0)
                kept.update(id(e) for e in (index.events if matched is None else matched))
        return [e for e in index.events if id(e) in kept]

    def raised(self, variant: Variant = Variant()) -> Raised:
        """What the timeline raises under ``variant`` (raises ``TestFailed``)."""
        moved = [{**e, "_time": float(e["_time"]) + variant.offset,  # type: ignore[arg-type]
                  "_indextime": float(e["_indextime"]) + variant.offset + variant.late}  # type: ignore[arg-type]
                 for e in self.events]
        result = run_timeline(self.ctx, self.detection, self.test_index, EventIndex(moved), self.detections,
                              dict(variant.skews))
        return Raised(len(result.notables_of(self.detection.name)), tuple(sorted(result.risk_scores().items())))

    def differences(self, variants: Sequence[Variant], unmoved: Raised) -> list[tuple[Variant, Raised]]:
        """The ``variants`` that raise something else than ``unmoved``, each with what it raised."""
        return [(v, moved) for v in variants if (moved := self.raised(v)) != unmoved]


def _edges(schedule: Schedule, run: float) -> tuple[float, ...]:
    """The edges of ``run``'s window that can split an attack: both, or only the latest for a window of days
    (``LONG_WINDOW``, see the module docstring)."""
    earliest, latest = schedule.window(run)
    return (latest,) if schedule.lookback > LONG_WINDOW else (earliest, latest)


def _times(events: Sequence[Event]) -> list[tuple[float, float]]:
    """(``_time``, ``_indextime``) of each event, in time order."""
    return sorted((t, i) for e in events
                  if (t := event_time(e)) is not None and (i := event_time(e, "_indextime")) is not None)


def edge_offsets(timeline: Timeline) -> list[Variant]:
    """The attack moved across one run interval of the test's detection (see the module docstring)."""
    detection = timeline.detection
    schedule = schedule_of(detection)
    interval = schedule.longest_gap
    if _reads_risk(detection):
        return [Variant(interval * k / CORRELATION_GRID) for k in range(CORRELATION_GRID)]
    offsets = {interval * k / GRID for k in range(GRID)}
    times = _times(timeline.events)
    if times:
        first = times[0][0]
        runs = list(schedule.cron.ticks(first, first + 2 * interval))
        edges = {edge for run in runs for edge in _edges(schedule, run)}
        if schedule.lookback > LONG_WINDOW:  # only where a record first enters a window, not onto a run
            runs = []
        for t, indexed in times:
            offsets.update((edge - t) % interval for edge in edges)
            offsets.update((run - indexed) % interval for run in runs)
    return [Variant(offset) for offset in sorted(offsets) if offset]


def _record_skews(detection: Detection, events: Sequence[Event]) -> set[float]:
    """Skews of ``detection`` that put its first or last record on an edge of a window or its ``_indextime`` on a
    run (within its maximum). A search over the risk index has no records: none."""
    times = _times(events)
    if _reads_risk(detection) or not times:
        return set()
    schedule, most = schedule_of(detection), max_skew_of(detection)
    period = schedule.longest_gap
    tick = next(schedule.cron.ticks(times[0][0] - 1, times[0][0] + period), None)
    if tick is None:  # a cron rarer than weekly (longest_gap stops at a week): no run beside the records
        return set()
    edges = _edges(schedule, tick)
    skews = set()
    for t, indexed in (times[0], times[-1]):
        minute = t - t % 60
        skews.add((indexed - tick) % period)
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
    times = _times(events)
    if _reads_risk(detection) or not times:
        return set()
    schedule = schedule_of(detection)
    delays = set()
    for t, indexed in (times[0], times[-1]):
        runs = list(schedule.cron.ticks(indexed - 1, indexed + schedule.lookback + 2 * schedule.longest_gap))
        seeing = [n for n, run in enumerate(runs) if schedule.window(run)[0] <= t < schedule.window(run)[1]]
        if seeing and seeing[0] + 1 < len(runs):
            delays.add(runs[seeing[0] + 1] - indexed)
    return delays


def late_delays(timeline: Timeline) -> list[Variant]:
    """Every record indexed later by each delay of the module docstring (none without a delay model)."""
    delays = {model.quantile(q) for model in timeline.models for q in LATE_QUANTILES}
    ceiling = max(delays, default=0.0)
    delays.update(d for d in _next_run_delays(timeline.detection, timeline.events) if d <= ceiling)
    return [Variant(late=delay) for delay in sorted(delays) if delay]


def sweep_test(ctx: ReplayContext, detection: Detection, test_index: int, test: UnitTest) -> SweptTest:
    """One test unmoved, then under every variant of ``edge_offsets``, ``skew_sets`` and ``late_delays``."""
    started = time.perf_counter()
    names = (detection.name, test.name, detection.source.path)
    try:
        timeline = Timeline(ctx, detection, test_index, test)
        unmoved = timeline.raised()
        variants = edge_offsets(timeline) + skew_sets(timeline) + late_delays(timeline)
        differences = timeline.differences(variants, unmoved)
    except TestFailed as failed:
        return SweptTest(*names, None, errors=failed.messages, seconds=time.perf_counter() - started)
    return SweptTest(*names, unmoved, len(variants), tuple(differences), seconds=time.perf_counter() - started)


def replay_context(pack: Pack) -> ReplayContext:
    """The context the sweep replays the pack's timelines in (raises ``ReplaySetupError``)."""
    return ReplayContext(pack, AttackDataStore(Path(pack.root)), None, {d.name: d for d in pack.detections},
                         build_engine(pack))


def sweep_pack(pack: Pack, detections: Sequence[Detection] | None = None) -> SweepReport:
    """Sweep every scheduled test of ``detections`` (default: all of the pack's) that expects something."""
    started = time.perf_counter()
    try:
        ctx = replay_context(pack)
    except ReplaySetupError as exc:
        return SweepReport((), tuple(d.render() for d in exc.diagnostics), time.perf_counter() - started)
    tests = [sweep_test(ctx, detection, index, test)
             for detection, index, test in swept(pack.detections if detections is None else detections)]
    return SweepReport(tuple(tests), (), time.perf_counter() - started)
