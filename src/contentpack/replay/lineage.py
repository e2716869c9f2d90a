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

Which events are tried: only those the search's base search (its first ``search`` command) matches
(``Engine.prefilter``), as the sweep moves only those -- an event the base search drops cannot change a row.
The cost is one search per matched event (the base search and the per-event commands after it done once per
event, ``Engine.prepare``, as the simulated runs do), so the check has limits, none a silent pass: a base search
matching more than ``MAX_EVENTS`` events is not checked and the test gets a warning (its data could be smaller);
a search whose base search cannot be matched once (it starts with a generating command such as ``| from datamodel
Risk.All_Risk``: a correlation's rows are made of risk events, not of the events its events drilldown returns;
or it holds a subsearch or inline time bounds) is not checked either, which its events drilldown's check says.
Rows are those the drilldowns are filled from (the first ``DRILLDOWN_ROWS``). The search runs over all time at
the test's "now", as the replay's own search does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from contentpack.replay.drilldowns import ALL_TIME, DRILLDOWN_ROWS, EventsBehind, returns_result
from contentpack.simulate.timeline import event_time
from contentpack.spl import Engine, Results
from contentpack.spl.values import Event, Value

# Each event the base search matches costs one run of the detection's search; a test's data is a few hundred
# records at most, a larger one is named as not checked rather than made slow.
MAX_EVENTS = 200


def _newest_first(events: Sequence[Event]) -> list[Event]:
    """The order ``Engine.fork`` expects (events without a time last, as the engine's own sort puts them)."""
    return sorted(events, key=lambda e: -(event_time(e) or 0.0))


def events_behind(engine: Engine, search: str, events: Sequence[Event], risk_events: Sequence[Event],
                  rows: Sequence[Mapping[str, Value]], now: float) -> EventsBehind:
    """Leave-one-out over the events ``search``'s base search matches among ``events`` (the test's events as
    indexed), the risk index holding ``risk_events``, for the first ``DRILLDOWN_ROWS`` of ``rows`` (raises
    ``SplError`` as the search does)."""
    checked = rows[:DRILLDOWN_ROWS]
    pipeline = engine.parse(search)
    found = engine.prefilter(pipeline, events, now)
    if found is None:
        return EventsBehind(not_checked="its search does not start with a base search matched once over the events "
                               "(a generating command such as | from, a subsearch or inline time bounds)")
    if len(found) > MAX_EVENTS:
        return EventsBehind(not_checked=f"its base search matches {len(found)} events, more than {MAX_EVENTS}",
                            warn=True)
    ordered, matched = _newest_first(events), _newest_first(found)
    prepared = engine.prepare(pipeline, matched)

    def yielded(without: Event | None) -> Results:
        """The search's rows over the events but ``without``: its base search and per-event commands done once
        per event (``Engine.prepare``) when they can be, as the simulated runs do; its subsearches still search
        every event but the one left out."""
        fork = engine.fork([e for e in ordered if e is not without], risk_events)
        if prepared is None:
            return fork.search_pipeline(pipeline, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)
        outputs = [out for event, outs in zip(matched, prepared.outputs) if event is not without for out in outs]
        return fork.search_prepared(prepared, outputs, earliest=ALL_TIME[0], latest=ALL_TIME[1], now=now)

    whole = yielded(None)
    lost = [row for row in checked if not returns_result(whole, row)]
    if lost:  # the events as the engine holds them do not give the replay's rows: nothing can be said
        return EventsBehind(not_checked="unsupported: the search over the test's events held in memory does not "
                                    "give the rows the replay's search gave", warn=True)
    behind: list[list[Event]] = [[] for _ in checked]
    for event in sorted(matched, key=lambda e: event_time(e) or 0.0):
        without = yielded(event)
        for number, row in enumerate(checked):
            if not returns_result(without, row):
                behind[number].append(event)
    return EventsBehind(tuple(tuple(each) for each in behind))

