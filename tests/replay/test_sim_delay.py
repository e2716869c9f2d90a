"""Delayed runs in the simulated ES timeline (``simulate(..., delays=...)``): the scheduler holding runs back
within ``schedule_window`` or over the concurrency limit.

Source: the Reporting Manual, *Prioritize concurrently scheduled reports in Splunk Web*
(https://docs.splunk.com/Documentation/Splunk/9.2.1/Report/PrioritizescheduledreportsinSplunkWeb): such reports
"will not run exactly at the time that they are scheduled to run. But when they do run, they still gather data
for time range that they would have covered if they started on time". savedsearches.conf.spec,
``realtime_schedule``: with 'false' (the build writes ``realtime_schedule = 0``) "the scheduler never skips
scheduled execution periods. However, the execution of the saved search might fall behind".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from contentpack.content.model import IngestionDelay
from contentpack.simulate import EventIndex, SimulationResult, simulate
from contentpack.spl import Results

from . import factory as f
from .simfactory import clock, decline, index_of, ts, ttp

COUNT_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                "| stats count by user")


def _run(tmp_path: Path, events: list[dict[str, object]], delay: str = "0s", *, search: str = COUNT_SEARCH,
         delays: dict[str, float] | None = None, skews: dict[str, float] | None = None,
         held_back: dict[str, tuple[float, float]] | None = None, **schedule: Any) -> SimulationResult:
    pack = f.pack(tmp_path, ttp("Counter", search, **schedule))
    index = index_of(tmp_path, f.write_events(tmp_path, "data", events), IngestionDelay(fixed=delay), pack)
    return simulate(pack, index, delays=delays, skews=skews, held_back=held_back)


def test_a_delayed_run_searches_its_on_time_window_and_acts_when_it_runs(tmp_path: Path) -> None:
    """The 10:00 run held back 25 minutes searches [08:50, 09:50), the window of 10:00, not of 10:25; its
    notable and risk event are written at 10:25 (assumed: the actions fire when the search runs)."""
    result = _run(tmp_path, [decline("a@contoso.example", "2026-10-13 09:15")], delays={"Counter": 1500.0})
    [notable] = result.notables
    assert clock(notable.run_time) == "2026-10-13 10:25"
    assert (notable.earliest, notable.latest) == (ts("2026-10-13 08:50"), ts("2026-10-13 09:50"))
    assert result.risk[0]["_indextime"] == ts("2026-10-13 10:25")


def test_a_delayed_run_sees_what_is_indexed_by_its_actual_start(tmp_path: Path) -> None:
    """A 09:30 sign-in indexed 35 minutes late (10:05) is lost on time (the 10:00 run has not got it, the 11:00
    run's window starts at 09:50); held back 10 minutes, the 10:00 run still searches [08:50, 09:50) and now has
    it. A 09:55 sign-in indexed at 10:05 is in the 11:00 run's window, delayed or not; a run skewed by 10 minutes
    instead (window resolved at 10:10: [09:00, 10:00)) finds it an hour earlier."""
    late = [decline("a@contoso.example", "2026-10-13 09:30")]
    assert _run(tmp_path, late, "35m").notables == ()
    [found] = _run(tmp_path, late, "35m", delays={"Counter": 600.0}).notables
    assert (clock(found.run_time), clock(found.latest)) == ("2026-10-13 10:10", "2026-10-13 09:50")
    edge = [decline("a@contoso.example", "2026-10-13 09:55")]
    [delayed] = _run(tmp_path, edge, "10m", delays={"Counter": 600.0}).notables
    [skewed] = _run(tmp_path, edge, "10m", skews={"Counter": 600.0}).notables
    assert (clock(delayed.run_time), clock(skewed.run_time)) == ("2026-10-13 11:10", "2026-10-13 10:10")


def test_a_delay_adds_to_the_skew(tmp_path: Path) -> None:
    """Skewed 20 minutes and held back 5 more: the run starts at 10:25 over the window of 10:20."""
    result = _run(tmp_path, [decline("a@contoso.example", "2026-10-13 09:15")], skews={"Counter": 1200.0},
                  delays={"Counter": 300.0})
    [notable] = result.notables
    assert clock(notable.run_time) == "2026-10-13 10:25"
    assert (clock(notable.earliest), clock(notable.latest)) == ("2026-10-13 09:10", "2026-10-13 10:10")


def test_a_period_holds_the_runs_that_start_in_it_late_or_not(tmp_path: Path) -> None:
    """A simulation over (start, end] holds the runs that start in it (``simulate``): over (10:10, 12:10], the
    hourly runs skewed 5 and held back 15 minutes more start at 10:20 (the 10:00 tick's) and 11:20; the 12:00
    tick's would start at 12:20, after the period."""
    pack = f.pack(tmp_path, ttp("Counter", COUNT_SEARCH))
    data = f.write_events(tmp_path, "data", [decline("a@contoso.example", "2026-10-13 09:15")])
    index = index_of(tmp_path, data, IngestionDelay(fixed="0s"), pack)
    result = simulate(pack, index, ts("2026-10-13 10:10"), ts("2026-10-13 12:10"), skews={"Counter": 300.0},
                      delays={"Counter": 900.0})
    assert [clock(run.run_time) for run in result.runs] == ["2026-10-13 10:20", "2026-10-13 11:20"]


@pytest.mark.assumed
def test_the_search_s_own_relative_times_are_the_on_time_start_s(tmp_path: Path) -> None:
    """A search's own ``earliest=-70m@m latest=-10m@m`` (they replace the dispatch window) resolve at the on-time
    start like the dispatch window (assumed: the page speaks of the time range only)."""
    search = COUNT_SEARCH.replace("`azure_monitor_aad`", "`azure_monitor_aad` earliest=-70m@m latest=-10m@m")
    events = [decline("a@contoso.example", "2026-10-13 09:45")]
    on_time = _run(tmp_path, events, search=search)
    delayed = _run(tmp_path, events, search=search, delays={"Counter": 1800.0})
    assert [clock(r.run_time) for r in on_time.runs if r.rows] == ["2026-10-13 10:00"]
    assert [clock(r.run_time) for r in delayed.runs if r.rows] == ["2026-10-13 10:30"]


@pytest.mark.assumed
def test_now_in_a_delayed_run_is_its_on_time_start(tmp_path: Path) -> None:
    """Held back 25 minutes, the 10:00 run's ``now()`` (and every ``relative_time(now(), ...)`` cut on it) is 10:00,
    the time its window resolves at, not 10:25, when it runs (assumed: the page above speaks of the time range only,
    and the eval reference's ``now()`` "returns the time that the search was started"; no page says which of the two
    times a held-back scheduled search starts at: docs/replay.md, *What the simulation does not model*)."""
    search = COUNT_SEARCH + " | eval seen=now()"
    result = _run(tmp_path, [decline("a@contoso.example", "2026-10-13 09:15")], search=search,
                  delays={"Counter": 1500.0})
    [run] = [r for r in result.runs if r.rows]
    assert (clock(run.run_time), run.rows[0]["seen"]) == ("2026-10-13 10:25", ts("2026-10-13 10:00"))


def test_a_delay_longer_than_the_period_is_a_run_fallen_behind(tmp_path: Path) -> None:
    """Continuous scheduling never skips a run (the spec): held back 90 minutes, every run still happens, over
    its own on-time window."""
    result = _run(tmp_path, [decline("a@contoso.example", "2026-10-13 09:15")], delays={"Counter": 5400.0})
    [notable] = result.notables
    assert (clock(notable.run_time), clock(notable.latest)) == ("2026-10-13 11:30", "2026-10-13 09:50")
    times = [r.run_time for r in result.runs]
    assert {b - a for a, b in zip(times, times[1:])} == {3600.0}  # none skipped
    assert {r.run_time - 5400 - r.latest for r in result.runs} == {600.0}  # each over its on-time window


def test_runs_held_back_unevenly_stretch_the_throttle_between_two_runs_that_see_one_record(tmp_path: Path) -> None:
    """The scheduler holds each run back by what its load asks then, not by one constant: the 09:00 run on time and
    the 10:00 run held back 59 minutes (within ``schedule_window = auto``, a minute under the period, as the sweep
    reads it) are 119 minutes apart. A 08:40 refusal is in both windows (``-100m@m`` .. ``-10m@m``), so a throttle
    of 7100 s (118m20s) that covers the two runs on time, or both held back alike, lets the second raise it again.
    A constant delay cannot show it: every run, and the throttle with them, moves together."""
    events = [decline("a@contoso.example", "2026-10-13 08:40")]
    hourly: dict[str, Any] = {"earliest": "-100m@m", "throttle": (["user"], "7100s")}
    assert [clock(n.run_time) for n in _run(tmp_path, events, **hourly).notables] == ["2026-10-13 09:00"]
    assert [clock(n.run_time) for n in _run(tmp_path, events, delays={"Counter": 3540.0}, **hourly).notables] == \
        ["2026-10-13 09:59"]
    uneven = _run(tmp_path, events, delays={"Counter": 3540.0},
                  held_back={"Counter": (ts("2026-10-13 10:00"), math.inf)}, **hourly)
    assert [(clock(n.run_time), clock(n.latest)) for n in uneven.notables] == \
        [("2026-10-13 09:00", "2026-10-13 08:50"), ("2026-10-13 10:59", "2026-10-13 09:50")]
    assert uneven.risk_scores() == {"a@contoso.example": 60}
    times = [clock(r.run_time) for r in uneven.runs if "2026-10-13 08:00" <= clock(r.run_time) <= "2026-10-13 11:59"]
    assert times == ["2026-10-13 08:00", "2026-10-13 09:00", "2026-10-13 10:59", "2026-10-13 11:59"]
    with pytest.raises(ValueError, match="held_back for 'Counter': that detection has no delay"):
        _run(tmp_path, events, held_back={"Counter": (0.0, math.inf)})


def test_runs_held_back_early_and_on_time_later_bring_two_runs_that_see_one_record_closer(tmp_path: Path) -> None:
    """The mirror: the 09:00 run held back 59 minutes and the 10:00 run on time are a minute apart, not an hour.
    A 08:40 refusal is in both windows, so a throttle of 30 minutes that lets the two runs on time raise it twice
    (an hour apart) holds the second back; ``held_back={name: (-math.inf, until)}`` holds back the runs of the
    ticks before ``until`` only, which ``held_back_from`` (a tick on) could not express."""
    events = [decline("a@contoso.example", "2026-10-13 08:40")]
    hourly: dict[str, Any] = {"earliest": "-100m@m", "throttle": (["user"], "1800s")}
    assert [clock(n.run_time) for n in _run(tmp_path, events, **hourly).notables] == \
        ["2026-10-13 09:00", "2026-10-13 10:00"]
    early = _run(tmp_path, events, delays={"Counter": 3540.0},
                 held_back={"Counter": (-math.inf, ts("2026-10-13 10:00"))}, **hourly)
    assert [(clock(n.run_time), clock(n.latest)) for n in early.notables] == [("2026-10-13 09:59", "2026-10-13 08:50")]
    times = [clock(r.run_time) for r in early.runs if "2026-10-13 08:00" <= clock(r.run_time) <= "2026-10-13 11:59"]
    assert times == ["2026-10-13 08:59", "2026-10-13 09:59", "2026-10-13 10:00", "2026-10-13 11:00"]


def test_runs_held_back_over_a_span_start_on_time_before_and_after_it(tmp_path: Path) -> None:
    """``held_back={name: (first, until)}``: the runs of the ticks from ``first`` up to before ``until`` held back,
    the others on time, each over its on-time window; a span that holds no tick back is refused."""
    events = [decline("a@contoso.example", "2026-10-13 08:40")]
    span = (ts("2026-10-13 09:00"), ts("2026-10-13 11:00"))
    result = _run(tmp_path, events, delays={"Counter": 1500.0}, held_back={"Counter": span})
    runs = [(clock(r.run_time), clock(r.latest)) for r in result.runs
            if "2026-10-13 08:00" <= clock(r.run_time) <= "2026-10-13 11:59"]
    assert runs == [("2026-10-13 08:00", "2026-10-13 07:50"), ("2026-10-13 09:25", "2026-10-13 08:50"),
                    ("2026-10-13 10:25", "2026-10-13 09:50"), ("2026-10-13 11:00", "2026-10-13 10:50")]
    for empty in [(span[1], span[0]), (span[0], span[0]), (math.nan, math.inf)]:
        with pytest.raises(ValueError, match="held_back for 'Counter': the ticks from .* are none"):
            _run(tmp_path, events, delays={"Counter": 1500.0}, held_back={"Counter": empty})


def test_no_delay_is_today_s_timeline_exactly(tmp_path: Path) -> None:
    events = [decline("a@contoso.example", "2026-10-13 09:15"), decline("b@contoso.example", "2026-10-13 10:59")]
    assert _run(tmp_path, events, "3m", delays={"Counter": 0.0}) == _run(tmp_path, events, "3m")


@pytest.mark.parametrize("delay", [-1.0, float("inf"), float("nan")])
def test_a_delay_that_is_no_time_after_the_start_is_refused(tmp_path: Path, delay: float) -> None:
    with pytest.raises(ValueError, match="a run starts 0 s or a finite number of seconds after its on-time start"):
        _run(tmp_path, [], delays={"Counter": delay})
    with pytest.raises(ValueError, match="a delay for 'Other': no detection of that name is simulated"):
        _run(tmp_path, [], delays={"Other": 1.0})


def test_delays_are_refused_for_answered_runs(tmp_path: Path) -> None:
    """``answer=`` (backtest --splunk) searches one time for both: unsupported, not a silently wrong window."""
    pack = f.pack(tmp_path, ttp("Counter", COUNT_SEARCH))
    with pytest.raises(ValueError, match="delays are not supported for answered runs"):
        simulate(pack, EventIndex([]), 0.0, 3600.0, answer=lambda run: Results([], []), delays={"Counter": 60.0})
