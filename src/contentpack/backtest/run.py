"""A backtest: the pack's detections over a tenant's logs, on the scheduled simulation the replay uses.

The steps, each done once:

1. the engine the replay uses (``build_engine``) and, per detection, what it needs from events
   (``Engine.event_needs``): the union of their raw-text alternatives and of the fields they read;
2. one pass over the inputs (``inputs.EventReader``): only lines some detection can match are decoded, only
   the fields some detection reads are kept, and each event gets its ``_indextime`` from the pack's delay
   model while its raw text is still at hand (an export's own ``_indextime`` is kept);
3. the events indexed by time once (``simulate.index_events``) and the timeline simulated
   (``simulate.simulate``): cron ticks, dispatch windows, ``_indextime`` visibility, throttling,
   notables, risk events, correlation searches over the accumulated risk;
4. the fields a detection's search filters on that no event read has, when its base search matched events
   but it returned nothing, or that no event can have there (``field_hints``: a typo in a tuning macro); and,
   of those, the ones the pack's tuned filter macro silenced (``filter_hints``); and an index the searches ask
   for that no event kept is in (``index_notes``).

Memory: the events the detections can match (those passing the raw-text filter), each holding only the
fields detections read (plus its raw text when a search reads ``_raw``), and the simulation's per-detection
copies of the events its base search keeps. Lines no detection can match cost nothing after they are read;
the file itself is never held.

The default period is the simulation's own clock (``simulate.clock``: from as early as a run could see
the first event to the last run that could still see the last one) over the input's whole time span, not
only over the events a detection keeps, so the per-day table covers every day of the logs.

``with_risk_writers``: what the command line runs when ``--detection`` names a correlation search — the
detections that write risk (those with an ``rba`` block) too, since without their risk events it could
never fire.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from contentpack import collector
from contentpack.backtest.field_hints import FieldHint, FilterHint, field_hints, filter_hints, index_notes
from contentpack.backtest.inputs import EventReader, Metadata, ReadReport
from contentpack.backtest.rawfilter import RawFilter
from contentpack.content.model import Detection, Pack
from contentpack.simulate import (
    DelayPlan,
    SimulationResult,
    TooLarge,
    build_engine,
    index_events,
    schedule_of,
    simulate,
)
from contentpack.spl import Engine, SplError
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.engine import EventNeeds
from contentpack.spl.values import Event


@dataclass(frozen=True)
class Backtest:
    """The simulation's outcome with what reading the inputs found."""

    detections: tuple[Detection, ...]  # every detection that ran
    result: SimulationResult
    reading: ReadReport  # empty when Splunk searched the events (``searched_on``)
    searched_on: str | None = None  # where a remote backtest's searches ran (index and Splunk URL); None: locally
    lookback: float = 0.0  # the longest lookback of the detections run: events before ``--from`` less it are not kept
    # fields the detections' searches filter on that no event read has, or can have there (``field_hints``)
    hints: tuple[FieldHint, ...] = ()
    # detections that returned nothing but would have without the pack's tuned filter macro (``filter_hints``)
    filtered: tuple[FilterHint, ...] = ()
    # an index the detections' searches ask for that no event kept is in (``index_notes``), one line per index
    index_notes: tuple[str, ...] = ()
    # a remote backtest's: the span its runs searched, when a search of the index found no event in it
    empty_span: tuple[float, float] | None = None


@dataclass
class Progress:
    """Callbacks a front end may set: bytes read (with the running event count), simulated seconds."""

    read: Callable[[int, int], None] | None = None
    simulated: Callable[[float, float], None] | None = None  # (seconds done, seconds in all)


def with_risk_writers(pack: Pack, chosen: Sequence[Detection]) -> list[Detection]:
    """``chosen`` plus, when one of them is a correlation search, every detection that writes risk."""
    names = {d.name for d in chosen}
    if any(d.type == "Correlation" for d in chosen):
        names |= {d.name for d in pack.detections if d.rba is not None}
    return [d for d in pack.detections if d.name in names]


def _reader(engine: Engine, detections: Sequence[Detection], delays: DelayPlan, metadata: Metadata,
            report: ReadReport, progress: Progress, window: tuple[float | None, float | None],
            pack: Pack) -> EventReader:
    needs = [_needs(engine, d) for d in detections]
    alternatives = [option for need in needs if need.reads_events for option in need.alternatives]
    fields: frozenset[str] | None = frozenset()
    for need in needs:
        if need.reads_events:
            fields = None if fields is None or need.fields is None else fields | need.fields
    if fields is not None:  # what the delay model reads to pick a data source's model
        fields |= {s.separator for s in pack.data_sources if s.separator}
    keep_raw = fields is None or "_raw" in fields
    earliest, latest = window

    def prepare(event: Event) -> bool:
        when = event.get("_time")
        if isinstance(when, (int, float)) and not isinstance(when, bool):
            if (earliest is not None and when < earliest) or (latest is not None and when >= latest):
                return False
        delays.assign([event])  # while _raw, its key, is still there
        if not keep_raw:
            event.pop("_raw", None)
        return True

    counted = report

    def on_bytes(done: int) -> None:
        if progress.read is not None:
            progress.read(done, counted.events)

    return EventReader(RawFilter(alternatives), None if fields is None else fields | {"_raw"}, metadata, report,
                       on_bytes, prepare)


def _needs(engine: Engine, detection: Detection) -> EventNeeds:
    """What the detection needs from the events; nothing when its search does not parse (validate leaves
    constructs the engine does not support to run time): each of its runs then fails in the simulation, which
    reports why."""
    try:
        return engine.event_needs(detection.search)
    except SplError:
        return EventNeeds(False, frozenset(), ())


def _lookback(engine: Engine, detection: Detection) -> float:
    """How far back a run of the detection can look: its dispatch window or its search's own ``earliest=``
    (infinite when that cannot be told: nothing is then dropped; the simulation reports the problem)."""
    try:
        schedule = schedule_of(detection)
        first = engine.parse(detection.search).commands[0]
        earliest = first.bounds.earliest if isinstance(first, SearchCommand) else None
        return schedule.lookback if earliest is None else max(schedule.lookback, schedule.lookback_of(earliest))
    except (ValueError, SplError):  # CronError is a ValueError
        return math.inf


def run_backtest(pack: Pack, files: Sequence[str | Path], *, start: float | None = None, end: float | None = None,
                 detections: Sequence[Detection] | None = None, metadata: Metadata = Metadata(),
                 progress: Progress | None = None) -> Backtest:
    """Simulate ``detections`` (default: all) over the events of ``files`` (``inputs.find_inputs``'s) from ``start``
    to ``end`` (default: the simulation's clock over the events). Raises ``InputError`` for an unreadable file and
    ``ReplaySetupError`` for a pack whose lookups or search-time fields are broken."""
    with collector.cyclic_gc_paused():  # the events and simulated runs stay alive to the end; few cycles
        return _run_backtest(pack, files, start, end, detections, metadata, progress or Progress())


def _run_backtest(pack: Pack, files: Sequence[str | Path], start: float | None, end: float | None,
                  detections: Sequence[Detection] | None, metadata: Metadata, progress: Progress) -> Backtest:
    running = list(pack.detections if detections is None else detections)
    engine = build_engine(pack)
    lookback = max((_lookback(engine, d) for d in running), default=0.0)
    window = (None if start is None else start - lookback, end)
    report = ReadReport()
    delays = DelayPlan.for_pack(pack.data_sources)
    reader = _reader(engine, running, delays, metadata, report, progress, window, pack)
    index = index_events(reader.read(files), None)
    cover = report.span
    try:
        result = simulate(pack, index, start, end, detections=running, engine=engine, progress=progress.simulated,
                          cover=cover)
    except TooLarge as exc:  # with the events' span, which a period not given was drawn from (cli.backtest)
        first, last = index.first_time, index.last_time  # the kept events: those a detection can match
        raise TooLarge(exc.start, exc.end, exc.runs, cover,
                       None if first is None or last is None else (first, last)) from None
    returned = {detection for detection, _, rows in result.row_counts() if rows}
    quiet = [name for name in result.first_matched if name not in returned]
    hints = field_hints(pack, engine, index.events, running, quiet)
    filtered = filter_hints(pack, engine, index.events, running, quiet, result.end)
    return Backtest(tuple(running), result, report, lookback=lookback, hints=hints, filtered=filtered,
                    index_notes=index_notes(engine, index.events, running))

