"""Skewed runs in the simulated ES timeline (``simulate(..., skews=...)``).

Source: savedsearches.conf.spec (Splunk 10.0), ``allow_skew``: "Lets the search scheduler randomly distribute
scheduled searches more evenly over the scheduled time periods"; for ``0 * * * *``, ``*/M * * * *`` and the other
listed forms it "randomly 'skews' the second, minute, and hour that the search actually runs on", for any other
cron "only ... the second"; "The amount of skew for a specific search remains constant between edits of the
search"; "100% (For an every-5-minute search = 5 minutes maximum)". The build writes ``allow_skew = 100%``.
Assumed (no Splunk page says; see ``content.schedule``): a skewed run's relative window is resolved at its
skewed start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import IngestionDelay
from contentpack.simulate import SimulationResult, simulate
from contentpack.simulate.dispatch import max_skew_of

from . import factory as f
from .simfactory import clock, decline, index_of, ts, ttp

COUNT_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                "| stats count by user")
ONE = [decline("a@contoso.example", "2026-10-13 09:15")]


def _run(tmp_path: Path, events: list[dict[str, object]], delay: str = "0s", *, skew: float | None = None,
         **schedule: str) -> SimulationResult:
    detection = ttp("Counter", COUNT_SEARCH, **schedule)  # type: ignore[arg-type]
    pack = f.pack(tmp_path, detection)
    index = index_of(tmp_path, f.write_events(tmp_path, "data", events), IngestionDelay(fixed=delay), pack)
    return simulate(pack, index, skews=None if skew is None else {"Counter": skew})


def test_no_skew_is_today_s_timeline_exactly(tmp_path: Path) -> None:
    """The default, an empty mapping and a zero skew give the same result, run for run."""
    events = [decline("a@contoso.example", "2026-10-13 09:15"), decline("b@contoso.example", "2026-10-13 10:59")]
    plain = _run(tmp_path, events, "3m")
    assert plain == _run(tmp_path, events, "3m", skew=0.0)
    detection = ttp("Counter", COUNT_SEARCH)
    pack = f.pack(tmp_path, detection)
    index = index_of(tmp_path, f.write_events(tmp_path, "data", events), IngestionDelay(fixed="3m"), pack)
    assert simulate(pack, index, skews={}) == plain


@pytest.mark.assumed
def test_a_skewed_run_starts_after_its_tick_and_resolves_its_window_there(tmp_path: Path) -> None:
    """Every run of the detection starts the same 20m34s after its tick (the spec: constant per search); its
    ``-70m@m`` .. ``-10m@m`` window is resolved at that start (assumed), snapped to the minute; the notable and
    the risk event carry the skewed start."""
    result = _run(tmp_path, ONE, skew=20 * 60 + 34)
    assert {r.run_time % 3600 for r in result.runs} == {20 * 60 + 34}
    [notable] = result.notables
    assert notable.run_time == ts("2026-10-13 10:20:34")
    assert (notable.earliest, notable.latest) == (ts("2026-10-13 09:10"), ts("2026-10-13 10:10"))
    assert result.risk[0]["_indextime"] == ts("2026-10-13 10:20:34")


def test_a_skewed_run_sees_what_is_indexed_by_its_actual_start(tmp_path: Path) -> None:
    """A 09:30 sign-in indexed 35 minutes late (10:05): the on-time 10:00 run has not got it and the 11:00 run's
    window starts at 09:50, so no run evaluates it; a run skewed by 10 minutes starts at 10:10, after it was
    indexed, over [09:00, 10:00) -- and finds it (timeline: an event is visible once ``_indextime <= run``)."""
    late = [decline("a@contoso.example", "2026-10-13 09:30")]
    assert _run(tmp_path, late, "35m").notables == ()
    [notable] = _run(tmp_path, late, "35m", skew=600).notables
    assert clock(notable.run_time) == "2026-10-13 10:10"


def test_the_skew_may_reach_the_whole_period_of_an_hourly_or_every_10_minutes_search(tmp_path: Path) -> None:
    """``0 * * * *`` and ``*/10 * * * *`` are listed forms: 100% is 3600 s and 600 s; both ends are accepted."""
    assert max_skew_of(ttp("Counter", COUNT_SEARCH)) == 3600
    assert max_skew_of(ttp("Counter", COUNT_SEARCH, cron="*/10 * * * *", earliest="-20m@m")) == 600
    for skew in (0.0, 3600.0):
        assert _run(tmp_path, ONE, skew=skew).notables


@pytest.mark.parametrize(("schedule", "skew", "most"), [
    ({}, 3600.5, "3600"), ({}, -1.0, "3600"), ({}, float("nan"), "3600"),
    ({"cron": "*/10 * * * *", "earliest": "-20m@m"}, 601.0, "600"),
    ({"cron": "10 * * * *"}, 60.0, "59"),
])
def test_a_skew_splunk_could_not_apply_is_refused(tmp_path: Path, schedule: dict[str, str], skew: float,
                                                   most: str) -> None:
    """``10 * * * *`` is not a listed form: only its second moves (under a minute)."""
    with pytest.raises(ValueError, match=rf"lets the scheduler start a run 0 to {most} s after its tick"):
        _run(tmp_path, ONE, skew=skew, **schedule)


def test_a_skew_for_a_detection_not_simulated_is_refused(tmp_path: Path) -> None:
    pack = f.pack(tmp_path, ttp("Counter", COUNT_SEARCH))
    with pytest.raises(ValueError, match="a skew for 'Other': no detection of that name is simulated"):
        simulate(pack, index_of(tmp_path, f.write_events(tmp_path, "d", ONE)), skews={"Other": 1.0})


def test_a_minute_s_skew_is_accepted_for_a_non_listed_cron_up_to_its_last_second(tmp_path: Path) -> None:
    result = _run(tmp_path, ONE, skew=59.0, cron="10 * * * *")
    assert {r.run_time % 3600 for r in result.runs} == {10 * 60 + 59}


def test_the_clock_s_tail_grows_by_the_skew(tmp_path: Path) -> None:
    """The last run that can see the last event starts that much later (twice with a search reading risk; none
    here)."""
    assert _run(tmp_path, ONE, skew=900.0).end - _run(tmp_path, ONE).end == 900
