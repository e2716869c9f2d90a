"""Simulate Enterprise Security running a pack: scheduled runs, ingestion delay, throttling, notables, risk.

Used by ``contentpack replay`` (the pack's own tests) and by anything that wants to know what the pack would
have raised on a stretch of logs (a backtest). Data flows one way: the ``Pack`` model and events in, a
``SimulationResult`` out; nothing here reads YAML, prints or exits.

Public API::

    from contentpack.simulate import DelayPlan, EventIndex, index_events, simulate

    events = [...]                                   # dicts as the SPL engine reads them (_time, _raw, fields,
                                                     # sourcetype/source/host/index); e.g. spl.events.read_events
    index = index_events(events, DelayPlan.for_pack(pack.data_sources))   # _indextime assigned, sorted once
    result = simulate(pack, index)                   # optional: start, end (epoch s), detections=[...],
                                                     # engine= (a build_engine(pack) to reuse), tz="UTC",
                                                     # skews={name: seconds} (allow_skew; 0 to max_skew_of(d)),
                                                     # delays={name: seconds} (held back, on-time window),
                                                     # held_back={name: (tick, until)} (only runs in [tick, until))
    result.runs        # Run(detection, run_time, earliest, latest, events_read, rows) for every cron tick
    result.notables    # Notable(detection, run_time, time (_time), rule_title, fields, risk_objects,
                       #         threat_objects, earliest/latest = the run's window, ...) after throttling
    result.risk        # risk events as ES writes them: risk_object, risk_object_type, risk_score,
                       # threat_object, threat_object_type, search_name, _time, _indextime (= run time), ...
    result.errors      # SimulationError(detection, what, cause, cron_column): bad schedule or search, with
                       # its .message, .column and .spl (the search's SplError) read from its cause
    result.messages    # RunMessage(detection, message (spl.messages.JobMessage), runs, first_run): each distinct
                       # job message of a detection's runs once, with how many runs produced it (.tally(of_runs))
    # simulate and scheduled_runs raise TooLarge for a period over MAX_PERIOD_DAYS days or MAX_RUNS runs
    simulate(pack, EventIndex([]), start, end, answer=f)   # f(ScheduledRun) -> spl Results (rows and job
                                                     # messages) answers each run of a search over events
                                                     # (backtest --splunk); scheduled_runs(pack, start, end)
                                                     # lists those runs beforehand
    result.risk_scores(), result.runs_of(name), result.notables_of(name),
    result.messages_of(name)

What is simulated, each with its source in its module: cron ticks (``contentpack.cron``), dispatch windows
with snapping (``dispatch``), a constant ``allow_skew`` offset per detection, bounded by what its stanza allows
(``simulation``, ``content.schedule.max_skew``; its window resolved at the skewed start, assumed), runs held
back by a given delay over their on-time windows (``simulation``: the Reporting Manual's *Prioritize
concurrently scheduled reports in Splunk Web*, reports held back "still gather data for time range that they
would have covered if they started on time"), ``_indextime`` visibility (``timeline``, ``delays``), throttling
(``throttle``), notables (``notables``) and risk events (``risk``) with their ``_time``, correlation searches
reading the accumulated risk index over their own windows (``simulation``). Not simulated: search-head load
(which runs the scheduler delays, by how much, or skips), real indexing (index-time extraction, line breaking,
timestamp recognition: events come in already parsed), summary indexing and data model acceleration, notable
suppression rules and adaptive-response actions other than notable and risk.
"""

from __future__ import annotations

from collections.abc import Iterable

from contentpack.simulate.delays import DEFAULT_BY_SOURCETYPE, ENTRA_ID, DelayModel, DelayPlan, delay_model
from contentpack.simulate.dispatch import Schedule, schedule_of
from contentpack.simulate.engine_setup import REPLAY_NOW, ReplaySetupError, build_engine, pack_macros
from contentpack.simulate.notables import Notable, notable_for
from contentpack.simulate.risk import result_time, risk_events
from contentpack.simulate.simulation import (
    MAX_PERIOD_DAYS,
    MAX_RUNS,
    Answer,
    Clock,
    Run,
    RunMessage,
    ScheduledRun,
    SimulationError,
    SimulationResult,
    TooLarge,
    check_period,
    clock,
    scheduled_runs,
    simulate,
)
from contentpack.simulate.throttle import Throttle
from contentpack.simulate.timeline import EventIndex
from contentpack.spl.values import Event

__all__ = [
    "Answer", "Clock", "DEFAULT_BY_SOURCETYPE", "DelayModel", "DelayPlan", "ENTRA_ID", "EventIndex", "MAX_PERIOD_DAYS",
    "MAX_RUNS", "Notable", "REPLAY_NOW", "ReplaySetupError", "Run", "RunMessage", "Schedule", "ScheduledRun",
    "SimulationError", "SimulationResult", "Throttle", "TooLarge", "build_engine", "check_period", "clock",
    "delay_model", "index_events", "notable_for", "pack_macros", "result_time", "risk_events", "schedule_of",
    "scheduled_runs", "simulate",
]


def index_events(events: Iterable[Event], delays: DelayPlan | None = None) -> EventIndex:
    """Index events by time once: each gets ``_indextime`` from ``delays`` (kept when it has one)."""
    items = [dict(event) for event in events]
    (delays or DelayPlan()).assign(items)
    return EventIndex(items)
