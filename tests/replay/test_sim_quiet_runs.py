"""Runs with nothing to read (``EventIndex.none_visible``): the simulation records them without listing their
window, and the timeline is exactly the one listing every window gives.

Most scheduled runs read nothing -- a detection ticking for days around an hour of events -- so the simulation
tells an empty run by comparing its run time with the first ``_indextime`` and bisecting the events' ``_time``
for its window's edges. The rules it must keep (``contentpack.simulate.timeline``): a window [earliest, latest)
holds ``earliest`` and not ``latest``; a run sees an event indexed at its very run time; a search whose empty run
yields rows (``stats count``: one row, count 0) runs every time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import IngestionDelay
from contentpack.simulate import EventIndex, SimulationResult, simulate

from . import factory as f
from .simfactory import clock, decline, index_of, ttp

BASE = '`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004'


def _timeline(tmp_path: Path) -> SimulationResult:
    """Hourly runs over [-70m@m, -10m@m): one that yields nothing on empty input, one that yields its count
    (0) on every run, one whose own ``earliest=``/``latest=`` replace the window; events at a window's very
    edges, each indexed 35 minutes late (one at a run's very time), one a day after the others (a quiet day
    between; the only event "Late Only" matches is first indexed at a run's very time)."""
    pack = f.pack(tmp_path, ttp("By User", f"{BASE} | stats count by user"),
                  ttp("Tally", f"{BASE} | stats count"),
                  ttp("Own Window", f"{BASE} earliest=-3h@h latest=-30m@m | stats count by user"),
                  ttp("Late Only", f"{BASE} late@contoso.example | stats count by user"))
    events = [decline("edge@contoso.example", "2026-10-13 08:50"),  # the 10:00 run's earliest: in its window
              decline("end@contoso.example", "2026-10-13 10:50"),  # 11:00 run: its latest (out); 12:00: earliest
              decline("late@contoso.example", "2026-10-14 09:25")]  # indexed at 10:00, that run's time
    return simulate(pack, index_of(tmp_path, f.write_events(tmp_path, "data", events), IngestionDelay(fixed="35m"),
                                   pack))


def test_quiet_runs_are_recorded_as_listing_their_windows_would(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[bool] = []
    none_visible = EventIndex.none_visible

    def counted(index: EventIndex, earliest: float, latest: float, visible_at: float) -> bool:
        told.append(none_visible(index, earliest, latest, visible_at))
        return told[-1]

    monkeypatch.setattr(EventIndex, "none_visible", counted)
    quick = _timeline(tmp_path)
    assert told.count(True) > len(quick.runs) // 2  # most runs are told empty without listing their window
    monkeypatch.setattr(EventIndex, "none_visible", lambda *_: False)  # every run lists its window
    assert quick == _timeline(tmp_path)
    by_user = [clock(r.run_time) for r in quick.runs_of("By User") if r.rows]
    assert by_user == ["2026-10-13 10:00", "2026-10-13 12:00", "2026-10-14 10:00"]
    assert [clock(r.run_time) for r in quick.runs_of("Late Only") if r.rows] == ["2026-10-14 10:00"]
    tally = quick.runs_of("Tally")
    assert all(len(r.rows) == 1 for r in tally) and sum(r.events_read or 0 for r in tally) == 3


def test_none_visible_only_when_the_window_lists_nothing() -> None:
    """Over every window and run time on a grid around three events (one indexed late): whenever
    ``none_visible`` says so, ``positions`` is empty; and it says so before the first indexing and for windows
    after the last event, before the first or between two events."""
    index = EventIndex([{"_time": 100.0, "_indextime": 100.0}, {"_time": 200.0, "_indextime": 260.0},
                        {"_time": 300.0, "_indextime": 300.0}])
    grid = [float(t) for t in range(0, 420, 20)]
    for earliest in grid:
        for latest in grid:
            for at in grid:
                if index.none_visible(earliest, latest, at):
                    assert index.positions(earliest, latest, at) == [], (earliest, latest, at)
    assert index.none_visible(0.0, 400.0, 80.0)  # nothing indexed yet
    assert index.none_visible(320.0, 400.0, 400.0)  # after the last event
    assert index.none_visible(0.0, 100.0, 400.0)  # before the first (latest is not in the window)
    assert index.none_visible(120.0, 200.0, 400.0)  # between two events
    assert not index.none_visible(100.0, 120.0, 100.0)  # earliest is in the window; indexed at the run's time
    assert index.positions(100.0, 120.0, 100.0) == [0]
    assert EventIndex([]).none_visible(0.0, 400.0, 400.0)
