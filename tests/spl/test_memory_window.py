"""The events held in memory that a search's time range takes: ``earliest <= _time < latest`` (Search Manual,
"Specify time modifiers in your search": earliest is inclusive, latest exclusive), newest first. The engine finds
them by bisecting its memory, which it keeps newest first whatever order a ``fork`` is given."""

from __future__ import annotations

import pytest

from contentpack.spl import Engine
from contentpack.spl import engine as engine_module
from contentpack.spl.engine import NewestFirst
from contentpack.spl.values import Event

TIMES = (100, 100, 200, 300, 300, 400)


def _events() -> list[Event]:
    timed: list[Event] = [{"_time": float(t), "n": f"{t}-{i}", "x": "1"} for i, t in enumerate(TIMES)]
    untimed: list[Event] = [{"n": "none", "x": "1"}, {"_time": "250", "n": "text", "x": "1"},
                            {"_time": True, "n": "bool", "x": "1"}, {"_time": 0, "n": "zero", "x": "1"},
                            {"_time": -50, "n": "negative", "x": "1"}]
    return timed + untimed


def _names(engine: Engine, earliest: float | None, latest: float | None) -> list[str]:
    rows = engine.search("search x=1 | table n", earliest=earliest, latest=latest, now=1000.0).rows
    return [str(row["n"]) for row in rows]


def _time_or_zero(event: Event) -> float:
    when = event.get("_time")
    return float(when) if type(when) in (int, float) else 0.0  # type: ignore[arg-type]


def _expected(earliest: float | None, latest: float | None) -> list[str]:
    """The linear reading of the rule: numeric (not bool) ``_time`` inside the bounds, newest first, ties in the
    order registered; with no bound at all every event, those without a time where time 0 sorts."""
    events = sorted(_events(), key=lambda e: -_time_or_zero(e))
    if earliest is None and latest is None:
        return [str(e["n"]) for e in events]
    return [str(e["n"]) for e in events if type(e.get("_time")) in (int, float)
            and (earliest is None or e["_time"] >= earliest)  # type: ignore[operator]
            and (latest is None or e["_time"] < latest)]  # type: ignore[operator]


BOUNDS = [None, -100.0, -50.0, 0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 300.5, 400.0, 401.0]


def test_the_window_takes_earliest_and_leaves_latest_at_every_boundary() -> None:
    engine = Engine()
    engine.register_events(_events())
    for earliest in BOUNDS:
        for latest in BOUNDS:
            assert _names(engine, earliest, latest) == _expected(earliest, latest), (earliest, latest)
    assert _names(engine, 100.0, 300.0) == ["200-2", "100-0", "100-1"]
    assert _names(engine, 0.0, 1.0) == ["zero"]  # the events without a numeric time are left out


def test_a_fork_given_its_events_in_any_order_answers_as_one_given_them_newest_first() -> None:
    """``fork`` asks for events newest first; given them otherwise, it sorts them (stably: ties keep the order
    given) instead of answering from a bisection of an unsorted list."""
    base = Engine()
    ordered = sorted(_events(), key=lambda e: -_time_or_zero(e))
    shuffled = sorted(ordered, key=lambda e: (_time_or_zero(e) * 7) % 11)  # by time alone: ties keep their order
    assert shuffled != ordered
    for earliest in BOUNDS:
        for latest in BOUNDS:
            assert _names(base.fork(shuffled, []), earliest, latest) == _names(base.fork(ordered, []), earliest, latest)
    assert _names(base.fork(shuffled, []), 100.0, 400.0) == ["300-3", "300-4", "200-2", "100-0", "100-1"]


def test_an_event_whose_time_is_not_a_number_is_in_no_bounded_window_and_hides_no_other() -> None:
    """A NaN ``_time`` (a float no JSON file can carry, but an event handed in from Python can) is not a time:
    a bounded window leaves it out, as it leaves out an event without a time, and it does not disturb the
    newest-first order the bisection relies on, so every timed event is still found (assumed: no Splunk event
    has a NaN ``_time``; the engine reads it as it reads a missing one)."""
    nan_event: Event = {"_time": float("nan"), "n": "nan", "x": "1"}
    for place in range(len(TIMES) + 1):
        events: list[Event] = [{"_time": float(t), "n": f"{t}-{i}", "x": "1"} for i, t in enumerate(TIMES)]
        events.insert(place, nan_event)
        engine = Engine()
        engine.register_events(events)
        for earliest in BOUNDS:
            for latest in BOUNDS:
                if earliest is None and latest is None:
                    continue
                expected = [n for n in _expected(earliest, latest) if "-" in n]  # the timed events only
                assert _names(engine, earliest, latest) == expected, (place, earliest, latest)


def test_a_later_search_with_a_time_range_leaves_out_an_event_whose_time_is_not_a_number() -> None:
    """A ``search`` after the first with its own ``earliest``/``latest`` judges an event's time as the first
    search's range does (one ``in_window``): a NaN ``_time`` is outside any bounded range. It was kept (a NaN
    compares false with both bounds) while the first search left it out (assumed, as above: the engine reads a
    NaN ``_time`` as a missing one)."""
    engine = Engine()
    engine.register_events([{"_time": float("nan"), "n": "nan", "x": "1"}, {"_time": 200.0, "n": "t200", "x": "1"}])
    rows = engine.search("search x=1 | search earliest=100 latest=400 | table n", now=1000.0).rows
    assert rows == [{"n": "t200"}]


def test_a_fork_given_events_it_is_told_are_newest_first_takes_them_without_sorting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``NewestFirst`` events (the simulation's run windows, newest first by construction) are taken as given: a
    replay forks an engine for thousands of runs, and sorting each run's events again was a measurable share of
    it. Any other sequence is still sorted, so the bisection stays right for every caller."""
    ordered = sorted(_events(), key=lambda e: -_time_or_zero(e))
    calls: list[Event] = []
    real = engine_module._newest_first

    def counted(event: Event) -> float:
        calls.append(event)
        return real(event)

    monkeypatch.setattr(engine_module, "_newest_first", counted)
    fork = Engine().fork(NewestFirst(ordered), ())
    assert calls == []
    assert fork.search("search x=1 | table n", earliest=100.0, latest=300.0, now=1000.0).rows == [
        {"n": "200-2"}, {"n": "100-0"}, {"n": "100-1"}]
    before = len(calls)  # the search's bisection reads keys too
    Engine().fork(list(ordered), ())
    assert len(calls) - before == len(ordered)  # a plain list is sorted, by the one key
