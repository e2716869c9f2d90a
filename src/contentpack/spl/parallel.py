"""Using both cores for full scans: byte ranges of a JSON-lines file scanned in worker processes.

Only for pipelines whose answer does not depend on event order: the first search, streaming commands, then a
``stats`` whose functions ignore order (not ``first``/``last``/``list``). Each worker returns, per group and
per aggregate, a multiset of the values it saw (``Counter``); the parent replays the merged multisets into
fresh aggregators. Why multisets and not merged aggregator states: the aggregators only promise ``add`` and
``result``, and for order-insensitive functions a multiset carries exactly the information they use, while
staying small for the usual group-by shapes (``count`` is one entry per group).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from contentpack.spl.aggregates import Aggregator
from contentpack.spl.commands import get_command
from contentpack.spl.commands.base import CommandNode, RunContext
from contentpack.spl.limits import Limits, running
from contentpack.spl.lookups import LookupTable
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.commands.stats import StatsCommand, stats_rows
from contentpack.spl.evaluator import Evaluator
from contentpack.spl.matching import compile_search, searchmatch
from contentpack.spl.scan import FileSource, scan_file
from contentpack.spl.timeutil import in_window
from contentpack.spl.values import Event, Scalar, Value

# Functions that read the event time as well as the value.
TIME_AWARE = {"earliest", "latest", "earliest_time", "latest_time", "rate"}
Partial = dict[tuple[Scalar, ...], list[Counter[tuple[Value, float | None]]]]


@dataclass(frozen=True)
class ScanTask:
    """Everything a worker needs to scan one byte range (all picklable)."""

    source: FileSource
    start: int
    end: int
    needed: frozenset[str] | None
    tokens: tuple[str, ...]
    first: SearchCommand
    search_time: Mapping[str, object]
    prefix: tuple[CommandNode, ...]
    stats: StatsCommand
    now: float
    tz: str
    earliest: float | None
    latest: float | None
    lookups: Mapping[str, LookupTable]
    limits: Limits


def copies_in_window(events: Iterable[Event], earliest: float | None, latest: float | None) -> Iterator[Event]:
    """Copies of the events inside the window (the search changes its copies), judged before copying: an
    engine searched over a short window of many registered events copies only those."""
    return (dict(event) for event in events if in_window(event, earliest, latest))


def admitted(events: Iterable[Event], first: SearchCommand, search_time: Mapping[str, object],
             evaluator: Evaluator, earliest: float | None, latest: float | None) -> Iterator[Event]:
    """Events inside the window, with search-time knowledge applied, that match the first search."""
    predicate = compile_search(first.expr)
    for event in events:
        if not in_window(event, earliest, latest):
            continue
        knowledge = search_time.get(str(event.get("sourcetype")))
        if knowledge is not None:
            knowledge.apply(event, evaluator)  # type: ignore[attr-defined]
        if predicate(event):
            yield event


def through(events: Iterator[Event], commands: Sequence[CommandNode], ctx: RunContext) -> Iterator[Event]:
    for command in commands:
        spec = get_command(command.name)
        assert spec is not None
        events = spec.run(command, events, ctx)
    return events


def partial_stats(events: Iterable[Event], stats: StatsCommand) -> Partial:
    """Per group, per aggregate: how often each (value, time) pair was seen."""
    partial: Partial = {}
    timed = [t.function in TIME_AWARE for t in stats.terms]
    for event in events:
        when = event.get("_time")
        time = float(when) if isinstance(when, (int, float)) and not isinstance(when, bool) else None
        for key in stats.keys(event):
            counters = partial.get(key)
            if counters is None:
                counters = partial[key] = [Counter() for _ in stats.terms]
            for counter, term, needs_time in zip(counters, stats.terms, timed):
                value = 1 if term.field is None else event.get(term.field)
                counter[(value, time if needs_time else None)] += 1
    return partial


def run_task(task: ScanTask) -> Partial:
    with running(task.limits):
        return _run_task(task)


def _run_task(task: ScanTask) -> Partial:
    evaluator = Evaluator(task.now, task.tz, searchmatch)
    ctx = RunContext(now=task.now, tz=task.tz, evaluator=evaluator, earliest=task.earliest, latest=task.latest,
                     lookups=task.lookups)
    events = scan_file(task.source, needed=task.needed, tokens=task.tokens, start=task.start, end=task.end)
    chosen = admitted(events, task.first, task.search_time, evaluator, task.earliest, task.latest)
    return partial_stats(through(chosen, task.prefix, ctx), task.stats)


def merge(into: Partial, part: Partial) -> None:
    for key, counters in part.items():
        mine = into.get(key)
        if mine is None:
            into[key] = counters
        else:
            for target, extra in zip(mine, counters):
                target.update(extra)


def finish(partial: Partial, stats: StatsCommand) -> Iterator[Event]:
    """Replay the multisets into aggregators and produce the stats rows (sorted like ``stats``)."""
    specs = [t.spec() for t in stats.terms]
    groups: dict[tuple[Scalar, ...], list[Aggregator]] = {}
    if not stats.by:
        groups[()] = [spec.create() for spec in specs]
    for key, counters in partial.items():
        aggs = groups.setdefault(key, [spec.create() for spec in specs])
        for agg, counter in zip(aggs, counters):
            for (value, time), times in counter.items():
                for _ in range(times):
                    agg.add(value, time)
    return stats_rows(groups, stats.terms, stats.by)


# How workers start, the same way on every platform that has it: from a fork server, a clean single-threaded
# process started by fork and exec that forks each worker (Linux's default from Python 3.14; available on
# macOS too), else by spawn (Windows: a fresh interpreter per worker). Not by fork of the caller: fork without
# exec is unsafe in a process with threads (Python 3.12+ warns, as under pytest-xdist) and on macOS.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def start_context() -> multiprocessing.context.BaseContext:
    """The context of ``START_METHOD``. The fork server imports this module before it forks anything, so each
    search's workers start with the engine already imported instead of importing it again (a spawned worker
    does); the preload applies if this is the first use of the fork server in the process, and otherwise
    workers import what they need themselves."""
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload([__name__])
    return context


def run_parallel(tasks: Sequence[ScanTask], workers: int) -> Partial:
    """Run the tasks on ``workers`` processes (started by ``start_context``) and merge their results.

    The tasks are pickled to the workers, which import this module themselves (or have it from the fork
    server): a script using ``workers > 1`` needs the usual ``if __name__ == "__main__":`` guard, as
    ``multiprocessing`` documents for the spawn and forkserver start methods."""
    merged: Partial = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=start_context()) as pool:
        for part in pool.map(run_task, tasks):
            merge(merged, part)
    return merged
