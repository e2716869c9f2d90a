"""Which events are *behind* a result row: those without which the detection's search no longer yields it.

The product promises that the drilldown an analyst opens to see the events behind a finding returns them, and
"returns some event" (what ``drilldowns`` checks of any drilldown) does not keep that promise: a drilldown keyed
on the application id alone returns the grant and hides the user's refusal that made it a finding. To check the
promise the replay needs, per result row, the events behind it, and it finds them the simplest way that holds for
any search and any engine: leave one event out, run the detection's search again over the test's other events,
and see whether the row is still there. An event whose absence loses the row is behind it. Lineage traced
through the engine's commands would have to be right about every command (a ``stats`` by one field, an
``eventstats`` that pulls in another record's scopes, a ``where`` on a count); this is right by definition,
and the engine only has to run the search it already runs.

*The row is still there* means an identical row (every field the row has, compared as a drilldown token would
show it): the finding is the row as the analyst sees it -- its count, its first and last time, the values it
lists -- so every event that changes any of it is part of the finding. Comparing only the drilldown's token
fields would make each event of a finding of two or more events individually unnecessary (the others still
yield a row for the same user and application), so the check would prove nothing exactly where drilldowns go
wrong.

A correlation (``| from datamodel Risk.All_Risk ...``) reads risk events, but a finding an analyst opens from it
is still made of indexed events: those behind the risk events of the detections the test's ``risk_from`` names
(``RiskFrom``), which the replay runs over the test's events to fill the risk index. So "the search run again
without the event" is, for such a test, the whole chain: each ``risk_from`` detection run again without it, its
rows turned into risk events as ES's risk action does (``simulate.risk``), and the search run over those. One
loop (``_leave_one_out``) serves both; only what "the rows without the event" means differs.

Which events are tried: only those a base search (a search's first ``search`` command) matches
(``Engine.prefilter``) -- the detection's own, each ``risk_from`` detection's, and each of their subsearches' that
search the indexes (``append [search ...]``: until 2026-12-07 an event only a subsearch read was never tried, so a
drilldown missing it passed) -- as the sweep moves only those: an event every base search drops cannot change a row.
And of those only the events some events drilldown, filled from a checked row, does not return (``unreturned``,
which ``drilldowns.drilldown_checks`` gives once it has run them): an event every such drilldown returns is never
reported missing, behind a row or not, so whether it is behind need not be known. For drilldowns keyed well that
leaves few events or none, and with none no search runs at all (not even the whole one). A ``risk_from`` detection
whose base search does not match an event is not run again without it: its rows, and so its risk events, are those
of the whole run. The cost is one run of the chain per tried event (each base search and the per-event commands
after it done once per event, ``Engine.prepare``, as the simulated runs do), so the check has limits, none a silent
pass: more than ``MAX_EVENTS`` events to try is not checked and the test gets a warning (its data could be smaller,
its drilldowns return more); a search whose events cannot be tried (its base search, or that of a subsearch of it
that searches the indexes, holds a subsearch or inline time bounds, it starts with a generating command other than a
correlation's ``from datamodel`` fed by ``risk_from`` detections, or one of those detections' searches is such a
search) is not checked either, which its events drilldown's check says. Rows are those the drilldowns are filled
from (the first ``DRILLDOWN_ROWS``). The searches run over all time at the test's "now", as the replay's own do.

The risk events behind a row (``risk_behind``), which its risk drilldowns must return (``drilldowns``), are found
the same way with risk events for events. A row of a detection with an ``rba`` block writes risk events itself
(``simulate.risk.risk_events`` of that row): those are behind it by definition, as they exist only because it does.
The drilldown need not return *only* those: ESCU's "View risk events for the last 7 days for - $user$" returns
every risk event of the user, a superset, which is its promise, and "returns every one behind" is the check. A
correlation fed by ``risk_from`` reads a risk index, and the risk events behind its row are those of its input
without which its search, run again over the others (``_leave_one_out``, the loop the events use, "the events"
being the index's risk events), no longer yields an identical row: a guest's refusal on their home address, the
campaign score on the application. Only the risk events no risk drilldown filled from some row returns are left
out (``Unreturned``), and of those the ones the search's leading per-event commands keep (``Engine.prepare``, done
once per risk event as for the events: a risk event the ``| search analyticstories=...`` after ``from datamodel``
drops cannot change a row), at most ``MAX_EVENTS`` of them (more is a warning, never a silent pass). Risk events are
compared by identity (``drilldowns.RISK_IDENTITY``), as the engine holds copies of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from contentpack.content.model import AppConfig, Detection
from contentpack.cut_lists import count_text
from contentpack.replay.drilldowns import (
    ALL_TIME,
    DRILLDOWN_ROWS,
    EventsBehind,
    Unreturned,
    returns_result,
    risk_identity,
)
from contentpack.simulate.risk import risk_events
from contentpack.simulate.timeline import event_time
from contentpack.spl import Engine, Results
from contentpack.spl.ast import Pipeline, nodes_of
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.commands.sources import FromDatamodelCommand
from contentpack.spl.hints import reads_risk
from contentpack.spl.prepared import Prepared
from contentpack.spl.values import Event, Value

# Each event tried costs one run of the detection's search (and of the risk_from detections whose base search
# matches it); a test's data is a few hundred records at most, more events to try are named as not checked
# rather than made slow.
MAX_EVENTS = 200

_NOT_TRIED = ("does not start with a base search matched once over the events (a generating command such as "
              "| from, a subsearch or inline time bounds)")


@dataclass(frozen=True)
class RiskFrom:
    """The detections a test's ``risk_from`` names: run over the test's events, their results become the risk
    events (``simulate.risk.risk_events``, in this order) of the index the tested search reads."""

    app: AppConfig
    detections: tuple[Detection, ...]


@dataclass(frozen=True)
class _Search:
    """A search over the test's events, ready to run again without one of them: its base search's matches
    (newest first, as ``Engine.fork`` holds events) and, when they can be, its per-event commands done once
    (``Engine.prepare``, as the simulated runs do)."""

    pipeline: Pipeline
    matched: tuple[Event, ...]
    prepared: Prepared | None

    @classmethod
    def over(cls, engine: Engine, pipeline: Pipeline, found: Sequence[Event] | None) -> _Search:
        """``found``: what ``Engine.prefilter`` kept (None: nothing to prepare, the search runs whole)."""
        if found is None:
            return cls(pipeline, (), None)
        matched = _newest_first(found)
        return cls(pipeline, tuple(matched), engine.prepare(pipeline, matched))

    def run(self, engine: Engine, kept: Sequence[Event], without: Event | None, risk: Sequence[Event],
            now: float) -> Results:
        """The search's rows over ``kept`` (the test's events but ``without``, newest first) with the risk index
        holding ``risk``; its subsearches search ``kept``."""
        fork = engine.fork(kept, ())
        fork.register_risk_index(risk)  # in the order the replay's own risk index holds them
        if self.prepared is None:
            return fork.search_pipeline(self.pipeline, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)
        outputs = [out for event, outs in zip(self.matched, self.prepared.outputs) if event is not without
                   for out in outs]
        return fork.search_prepared(self.prepared, outputs, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)


@dataclass(frozen=True)
class _Feeder:
    """A ``risk_from`` detection, ready to write its risk events again without one of the test's events."""

    app: AppConfig
    detection: Detection
    search: _Search

    def risk(self, engine: Engine, kept: Sequence[Event], without: Event | None, now: float) -> list[Event]:
        """Its risk events over ``kept``, as the replay derives them: its search over an empty risk index (the
        replay runs every ``risk_from`` detection before it fills the index), each row turned by ES's risk
        action (``simulate.risk``)."""
        rows = self.search.run(engine, kept, without, (), now).rows
        return risk_events(self.app, self.detection, rows, now)


def _subsearches_reading_events(pipeline: Pipeline) -> list[Pipeline]:
    """The subsearches in ``pipeline``, at any depth, that search the indexes (``append [search ...]``; not
    ``[| inputlookup ...]``): an event only one of them matches can be behind a row too, and the search run again
    without it runs them over the other events."""
    return [nested for nested in nodes_of(pipeline, Pipeline)
            if nested is not pipeline and nested.commands and isinstance(nested.commands[0], SearchCommand)]


def _newest_first(events: Sequence[Event]) -> list[Event]:
    """The order ``Engine.fork`` expects (events without a time last, as the engine's own sort puts them)."""
    return sorted(events, key=lambda e: -(event_time(e) or 0.0))


def _leave_one_out(tried: Sequence[Event], rows: Sequence[Mapping[str, Value]],
                   yielded: Callable[[Event | None], Results]) -> EventsBehind:
    """The one home of the idea: ``yielded(e)`` gives the rows without ``e`` (``None``: with every event); an
    event of ``tried`` is behind each of ``rows`` that its absence loses."""
    whole = yielded(None)
    if any(not returns_result(whole, row) for row in rows):  # the events as held do not give the replay's rows
        return EventsBehind(not_checked="unsupported: the search over the test's events held in memory does not "
                                        "give the rows the replay's search gave", warn=True)
    behind: list[list[Event]] = [[] for _ in rows]
    for event in sorted(tried, key=lambda e: event_time(e) or 0.0):
        without = yielded(event)
        for number, row in enumerate(rows):
            if not returns_result(without, row):
                behind[number].append(event)
    return EventsBehind(tuple(tuple(each) for each in behind))


def events_behind(engine: Engine, search: str, events: Sequence[Event], rows: Sequence[Mapping[str, Value]],
                  now: float, risk_from: RiskFrom | None = None, *, unreturned: Unreturned) -> EventsBehind:
    """Leave-one-out, for the first ``DRILLDOWN_ROWS`` of ``rows``, over the events of ``events`` (the test's
    events as indexed) that ``unreturned`` picks and a base search matches: ``search``'s own, and with
    ``risk_from`` each of its detections', whose risk events, derived again without the event, fill the risk index
    ``search`` reads (empty without ``risk_from``). The events behind each row are those among the tried. Raises
    ``SplError`` as the searches do."""
    checked = rows[:DRILLDOWN_ROWS]
    detections = risk_from.detections if risk_from is not None else ()
    own = engine.parse(search)
    own_found = engine.prefilter(own, events, now)
    if own_found is None and not (detections and isinstance(own.commands[0], FromDatamodelCommand)):
        return EventsBehind(not_checked=f"its search {_NOT_TRIED}")
    pipelines = [engine.parse(detection.search) for detection in detections]
    feeders_found = [engine.prefilter(pipeline, events, now) for pipeline in pipelines]
    for detection, found in zip(detections, feeders_found):
        if found is None:
            return EventsBehind(not_checked=f"the search of risk_from detection {detection.name!r} {_NOT_TRIED}")
    subsearches_found = [engine.prefilter(nested, events, now)
                         for pipeline in [own, *pipelines] for nested in _subsearches_reading_events(pipeline)]
    if any(found is None for found in subsearches_found):
        return EventsBehind(not_checked=f"a subsearch that reads events {_NOT_TRIED}")
    ordered = _newest_first(events)
    ids = {id(event) for found in [own_found, *feeders_found, *subsearches_found] for event in found or ()}
    tried = [event for event in ordered if id(event) in ids and unreturned(event)]
    if not tried:  # nothing any drilldown could miss: no search needs to run
        return EventsBehind(tuple(() for _ in checked))
    if len(tried) > MAX_EVENTS:
        whose = ("the base searches of it and its risk_from detections match" if detections
                 else "its base search matches")
        return EventsBehind(not_checked=f"{whose} {count_text(len(tried))} event(s) an events drilldown does not "
                                        f"return, more than {MAX_EVENTS}", warn=True)

    feeders = [] if risk_from is None else [
        _Feeder(risk_from.app, detection, _Search.over(engine, pipeline, found))
        for detection, pipeline, found in zip(detections, pipelines, feeders_found)]
    matches = [{id(event) for event in feeder.search.matched} for feeder in feeders]
    whole_risk = [feeder.risk(engine, ordered, None, now) for feeder in feeders]
    searched = _Search.over(engine, own, own_found)

    def yielded(without: Event | None) -> Results:
        """The search's rows over the events but ``without``, its risk index re-derived from the ``risk_from``
        detections whose base search matches ``without`` (the others' rows cannot change)."""
        kept = ordered if without is None else [e for e in ordered if e is not without]
        risk = [event for feeder, matched, whole in zip(feeders, matches, whole_risk)
                for event in (whole if without is None or id(without) not in matched
                              else feeder.risk(engine, kept, without, now))]
        return searched.run(engine, kept, without, risk, now)

    return _leave_one_out(tried, checked, yielded)


@dataclass(frozen=True)
class HeldRisk:
    """The risk index the test's drilldowns read (``risk``, over the events ``engine`` holds), ready to be read
    again without one risk event: for a risk drilldown that sums risk up, whether it shows that event."""

    engine: Engine
    risk: tuple[Event, ...]

    def without(self, event: Event) -> Engine:
        """The engine with a risk index lacking one risk event of ``event``'s identity."""
        at = next((index for index, held in enumerate(self.risk) if held is event), None)
        if at is None:  # a copy (the risk a row writes, derived again): found by what makes it
            key = risk_identity(event)
            at = next((index for index, held in enumerate(self.risk) if risk_identity(held) == key), len(self.risk))
        return self.engine.with_risk_index([*self.risk[:at], *self.risk[at + 1:]])


def risk_behind(engine: Engine, search: str, events: Sequence[Event], risk: Sequence[Event],
                written: Sequence[Sequence[Event]], rows: Sequence[Mapping[str, Value]], now: float, *,
                unreturned: Unreturned) -> EventsBehind:
    """The risk events behind each of the first ``DRILLDOWN_ROWS`` of ``rows`` among those ``unreturned`` picks:
    those each row writes (``written``, per row), and when ``search`` reads the risk index ``risk`` (a correlation's
    input, derived from its ``risk_from`` detections over ``events``), each of those without which the search no
    longer yields the row. Raises ``SplError`` as the searches do."""
    checked = rows[:DRILLDOWN_ROWS]
    own = [tuple(event for event in each if unreturned(event)) for each in written[:len(checked)]]
    pipeline = engine.parse(search)
    tried = [event for event in risk if unreturned(event)] if reads_risk(pipeline) else []
    if not tried:
        return EventsBehind(tuple(own))
    searched = _Search.over(engine, pipeline, risk)
    if searched.prepared is not None:  # a risk event its first commands drop cannot change a row
        passed = {id(event) for event, outputs in zip(searched.matched, searched.prepared.outputs) if outputs}
        tried = [event for event in tried if id(event) in passed]
    if len(tried) > MAX_EVENTS:
        return EventsBehind(not_checked=f"its risk index holds {count_text(len(tried))} risk event(s) a risk "
                                        f"drilldown does not return, more than {MAX_EVENTS}", warn=True)
    ordered = _newest_first(events)
    found = _leave_one_out(tried, checked, lambda without: searched.run(
        engine, ordered, without, [event for event in risk if event is not without], now))
    if found.not_checked is not None:
        return found
    return EventsBehind(tuple((*mine, *theirs) for mine, theirs in zip(own, found.rows)))
