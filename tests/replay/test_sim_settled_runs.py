"""Settled runs (``simulation._settles``): once a quiet search over events has run past the last event it
matches, and its window's bounds never move back, every later run reads nothing, so the simulation records those
runs without resolving their windows (``SettledRun``) and resolves them only when ``runs``/``runs_of`` are read.
So does it each run of a quiet search that read nothing, settled or not (its window resolves again to the same
bounds), and the replay's outcome counts runs and their rows without resolving any (``row_counts``).

The timeline must be exactly the one resolving and reading every window gives (settling turned off): the same
runs with the same windows, notables, risk events, errors and messages. Most runs of the pack's replay are such
runs: the ``risk_from`` detections of a correlation test ticking through the tail the risk reader needs.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.replay.scheduled import outcome_of
from contentpack.simulate import EventIndex, SimulationResult, build_engine, simulate
from contentpack.simulate import simulation
from contentpack.simulate.dispatch import schedule_of
from contentpack.simulate.simulation import Run
from contentpack.spl.timeutil import time_bound

from . import factory as f
from .simfactory import clock, decline, index_of, scheduled, ts, ttp

BASE = '`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004'
CORRELATION = ('| from datamodel Risk.All_Risk | search risk_object_type="user" '
               '| stats sum(risk_score) as risk_score by risk_object | where risk_score >= 60 '
               '| rename risk_object as user')


def _general(run: Callable[[], SimulationResult]) -> SimulationResult:
    """``run()`` with settling turned off: every run resolves and reads its window (one that read nothing is
    still kept unresolved)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(simulation, "_settles", lambda plan, first: False)
        return run()


def _settled(result: SimulationResult) -> int:
    return sum(1 for run in result.recorded if not isinstance(run, Run))


def _same(fast: SimulationResult, general: SimulationResult) -> None:
    assert fast.runs == general.runs
    assert (fast.notables, fast.risk, fast.errors, fast.messages) == \
           (general.notables, general.risk, general.errors, general.messages)
    assert fast == general
    for name in {run.detection for run in general.runs}:
        assert fast.runs_of(name) == [run for run in general.runs if run.detection == name]


def _correlated(root: Path) -> SimulationResult:
    """Two hourly writers, one skewed, one held back 10 minutes from 09:00 on (their windows resolved at their
    on-time starts), and a correlation reading their risk (the tail doubled), over a morning's declines."""
    declined = ttp("Declined", f"{BASE} | stats count by user", score=40)
    own = ttp("Own Window", f"{BASE} earliest=-3h@h latest=-30m@m | stats count by user", score=30)
    correlation = replace(scheduled(f.detection("Risk Across", CORRELATION, kind="Correlation", with_rba=False,
                                                drilldowns=()), earliest="-24h", latest="now", rba=False),
                          type="Correlation")
    pack = f.pack(root, declined, own, correlation)
    events = [decline(f"user{n % 3}@contoso.example", f"2026-10-13 0{8 + n // 4}:{n % 4 * 13:02d}")
              for n in range(8)]
    return simulate(pack, index_of(root, f.write_events(root, "data", events), pack=pack),
                    skews={"Own Window": 30.0}, delays={"Declined": 600.0},
                    held_back={"Declined": (ts("2026-10-13 09:00"), math.inf)})


def test_settled_runs_are_the_runs_resolving_every_window_gives(tmp_path: Path) -> None:
    fast = _correlated(tmp_path)
    general = _general(lambda: _correlated(tmp_path))
    assert _settled(fast) > len(fast.runs) // 3  # the writers' runs through the correlation's tail
    assert fast.notables  # the correlation raised
    _same(fast, general)


def test_a_window_moved_back_by_a_month_offset_does_not_settle(tmp_path: Path) -> None:
    """``-1mon`` clamps the day: the 03-28 07:00 run's window starts 02-28 07:00, past the event at 06:00, and
    the 03-29 01:00 run's starts 02-28 01:00, before it again: that run reads the event, as do those up to 06:00
    on the 29th, 30th and 31st."""
    pack = f.pack(tmp_path, ttp("Month", f"{BASE} | stats count by user", earliest="-1mon", latest="now"))
    data = f.write_events(tmp_path, "data", [decline("user@contoso.example", "2026-02-28 06:00")])
    result = simulate(pack, index_of(tmp_path, data, pack=pack))
    reading = [clock(run.run_time) for run in result.runs if run.events_read]
    assert "2026-03-28 06:00" in reading and "2026-03-28 07:00" not in reading
    assert "2026-03-29 01:00" in reading and reading[-1] == "2026-03-31 06:00"
    assert not time_bound("-1mon").never_decreasing and not time_bound("-1w@w1+1mon@d").never_decreasing
    assert time_bound("-70m@m").never_decreasing and time_bound("@mon-2d").never_decreasing
    _same(result, _general(lambda: simulate(pack, index_of(tmp_path, data, pack=pack))))


def test_a_window_past_the_calendar_stops_the_detection_as_before(tmp_path: Path) -> None:
    """From the 05:00 run on, a window ending 91 h after its run ends after 9999-12-31: the detection stops
    with a schedule error there, though its runs read nothing from 02:00 on (past the event), as it did before
    runs settled (its runs before that are kept)."""
    pack = f.pack(tmp_path, ttp("Far", f"{BASE} | stats count by user", earliest="-70m@m", latest="+91h"))
    data = f.write_events(tmp_path, "data", [decline("user@contoso.example", "9999-12-28 00:00")])
    period = (ts("9999-12-27 20:00"), ts("9999-12-28 12:00"))
    fast = simulate(pack, index_of(tmp_path, data, pack=pack), *period)
    assert [e.what for e in fast.errors] == ["schedule"] and "05:00" in fast.errors[0].message
    assert clock(fast.runs[-1].run_time) == "9999-12-28 04:00"
    _same(fast, _general(lambda: simulate(pack, index_of(tmp_path, data, pack=pack), *period)))


def test_an_event_at_the_window_start_indexed_late_is_still_read(tmp_path: Path) -> None:
    """The window starts at a fixed 09:00, the event's time: the 10:00 run reads nothing (the event is indexed at
    11:00), yet its window holds the event's time, so the 11:00 run reads it."""
    pack = f.pack(tmp_path, ttp("Fixed", f"{BASE} | stats count by user", earliest="10/13/2026:09:00:00",
                                latest="now"))
    read = index_of(tmp_path, f.write_events(tmp_path, "data", [decline("user@contoso.example", "2026-10-13 09:00")]),
                    pack=pack).events
    index = EventIndex([{**event, "_indextime": ts("2026-10-13 11:00")} for event in read])
    period = (ts("2026-10-13 06:00"), ts("2026-10-13 14:00"))
    fast = simulate(pack, index, *period)
    assert [clock(run.run_time) for run in fast.runs if run.events_read] == \
           ["2026-10-13 11:00", "2026-10-13 12:00", "2026-10-13 13:00", "2026-10-13 14:00"]
    _same(fast, _general(lambda: simulate(pack, index, *period)))


def test_a_risk_reader_never_settles(tmp_path: Path) -> None:
    """The reader's window is past the only event from its 10:00 run on, and it reads nothing until the writer,
    whose day-long window reads the event once it is indexed at 14:00, writes its risk: the 15:00 run reads it."""
    writer = ttp("Late Writer", f"{BASE} | stats count by user", score=60, earliest="-1d", latest="now")
    reader = replace(scheduled(f.detection("Reader", CORRELATION, kind="Correlation", with_rba=False,
                                           drilldowns=()), earliest="-1h", latest="now", rba=False),
                     type="Correlation")
    pack = f.pack(tmp_path, writer, reader)
    read = index_of(tmp_path, f.write_events(tmp_path, "data", [decline("user@contoso.example", "2026-10-13 08:00")]),
                    pack=pack).events
    index = EventIndex([{**event, "_indextime": ts("2026-10-13 14:00")} for event in read])
    period = (ts("2026-10-13 06:00"), ts("2026-10-13 18:00"))
    fast = simulate(pack, index, *period)
    assert [clock(run.run_time) for run in fast.runs_of("Reader") if run.rows][:1] == ["2026-10-13 15:00"]
    _same(fast, _general(lambda: simulate(pack, index, *period)))


def test_a_run_that_read_nothing_is_kept_unresolved_and_resolves_to_its_window(tmp_path: Path) -> None:
    """Settling off, the hourly runs after the event (and any before it) read nothing: each is kept without its
    window, which ``runs`` resolves at its run, as the run resolved it. ``Run``s: the first run (it learns that the
    search says nothing on empty input, so it runs) and the one reading the event."""
    pack = f.pack(tmp_path, ttp("Hourly", f"{BASE} | stats count by user"))
    data = f.write_events(tmp_path, "data", [decline("user@contoso.example", "2026-10-13 08:30")])
    result = _general(lambda: simulate(pack, index_of(tmp_path, data, pack=pack)))
    reading = [run for run in result.recorded if isinstance(run, Run)]
    assert [(clock(run.run_time), run.events_read) for run in reading] == [("2026-10-13 08:00", 0),
                                                                            ("2026-10-13 09:00", 1)]
    assert _settled(result) == len(result.runs) - 2 > 0
    window = schedule_of(pack.detections[0], "UTC").window
    assert all((run.earliest, run.latest) == window(run.run_time) for run in result.runs)
    assert [run.run_time for run in result.runs if run.events_read] == [reading[1].run_time]


def test_the_replay_outcome_counts_runs_without_resolving_a_window(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """``outcome_of`` counts the tested detection's runs and those with rows from ``row_counts``: the same counts
    as its resolved runs give, no window resolved (a correlation test's writers tick through its doubled tail)."""
    result = _correlated(tmp_path)
    expected = {name: (len(result.runs_of(name)), sum(1 for run in result.runs_of(name) if run.rows))
                for name in ("Declined", "Own Window", "Risk Across")}
    assert all(rows for _, rows in expected.values())
    monkeypatch.setattr(simulation, "_resolved", lambda run: pytest.fail("a run's window was resolved"))
    for name, counts in expected.items():
        outcome = outcome_of(result, f.APP, f.detection(name), EventIndex([]))
        assert (outcome.runs, outcome.runs_with_rows) == counts


CRONS = ["0 * * * *", "*/20 * * * *", "15 */3 * * *", "30 2 * * *"]
EARLIEST = ["-70m@m", "-1d@d", "-1mon", "-1mon@d", "-2h", "@h", "0", "-3h@h+10m", "-1w@w1", "10/13/2026:09:00:00"]
LATEST = ["-10m@m", "now", "@m", "+1mon@d", "-1mon"]
INLINE = ["", " earliest=-4h@h", " earliest=-1mon latest=-5m", " latest=@h", " earliest=-90m latest=+1mon"]


@settings(max_examples=40, deadline=None)
@given(cron=st.sampled_from(CRONS), earliest=st.sampled_from(EARLIEST), latest=st.sampled_from(LATEST),
       inline=st.sampled_from(INLINE), reader=st.booleans(), skew=st.sampled_from([0.0, 30.0]),
       delay=st.sampled_from([0.0, 600.0]),
       times=st.lists(st.integers(0, 3 * 24 * 60), max_size=4),
       lags=st.lists(st.integers(0, 180), min_size=4, max_size=4))
def test_settling_never_changes_a_timeline(cron: str, earliest: str, latest: str, inline: str, reader: bool,
                                           skew: float, delay: float, times: list[int], lags: list[int]) -> None:
    """Any schedule, window (month offsets, fixed times, snaps), inline bounds, skew, delay and events (each
    indexed some minutes late), with or without a risk reader doubling the tail: the same timeline."""
    writer = ttp("Writer", f"{BASE}{inline} | stats count by user", cron=cron, earliest=earliest, latest=latest)
    detections = [writer]
    if reader:
        detections.append(replace(scheduled(f.detection("Reader", CORRELATION, kind="Correlation", with_rba=False,
                                                        drilldowns=()), earliest="-24h", latest="now", rba=False),
                                  type="Correlation"))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pack = f.pack(root, *detections)
        start = ts("2026-10-12 00:00")
        events = [decline(f"user{n}@contoso.example", clock(start + minute * 60)) for n, minute in enumerate(times)]
        read = index_of(root, f.write_events(root, "data", events), pack=pack)
        index = EventIndex([{**event, "_indextime": at + lag * 60}
                            for event, at, lag in zip(read.events, read.times, lags)])
        engine = build_engine(pack)
        kwargs: dict[str, Any] = {"engine": engine, "skews": {"Writer": skew} if skew else None,
                                  "delays": {"Writer": delay} if delay else None}
        try:
            fast = simulate(pack, index, **kwargs)
        except ValueError as exc:  # a skew the cron's stanza does not allow
            assert "skew" in str(exc)
            return
        _same(fast, _general(lambda: simulate(pack, index, **kwargs)))


def test_row_counts_are_those_of_the_runs_without_resolving_a_window(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``row_counts`` (the backtest's per-day table reads it) gives each run's detection, run time and number of
    rows as ``runs`` does, settled runs included, without resolving their windows."""
    result = _correlated(tmp_path)
    expected = [(run.detection, run.run_time, len(run.rows)) for run in _general(lambda: _correlated(tmp_path)).runs]
    assert _settled(result) and any(rows for _, _, rows in expected)
    monkeypatch.setattr(simulation, "_resolved", lambda run: pytest.fail("a settled run's window was resolved"))
    assert list(result.row_counts()) == expected
