"""The simulated ES timeline, piece by piece, against Splunk's documented behaviour.

Sources (cited per test):
* savedsearches.conf.spec — ``cron_schedule``, ``dispatch.earliest_time``/``dispatch.latest_time`` ("relative
  time"), ``alert.suppress``/``.period``/``.fields``;
* Alerting Manual, *Alert scheduling tips* (help.splunk.com/splunk-enterprise/alert-and-respond/alerting-manual/
  9.0/create-alerts/alert-scheduling-tips): "Earliest: -90m, Latest: -30m, Cron Expression: 30 * * * *" sets
  "the search time range from 90 minutes before the search launches to 30 minutes before"; "event data might
  not reach the indexer immediately"; "When a search time range is shorter than the time range for the
  scheduled alert, an event might never be evaluated";
* *Time modifiers* (help.splunk.com/splunk-enterprise/search/spl2-search-manual/dates-and-time/time-modifiers):
  a search "finds every event with a timestamp greater than or equal to earliest and less than latest ... if
  latest=02:00:00 ... The search does not return events with the exact timestamp of 02:00:00"; ``@`` snaps
  down to the unit (``-70m@m``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from contentpack.content.model import Detection, IngestionDelay
from contentpack.replay.attack_data import AttackDataStore
from contentpack.replay.runner import replay_pack
from contentpack.simulate import DelayPlan, EventIndex, Notable, Throttle, index_events, schedule_of, simulate
from contentpack.simulate.throttle import MultivalueKey
from contentpack.simulate.delays import ENTRA_ID, delay_model
from contentpack.spl import Engine
from contentpack.spl.values import Event
from real_pack_runs import real_pack, scheduled_replay

from . import factory as f
from .simfactory import clock, decline, grant, index_of, scheduled, simulate_file, ts, ttp

COUNT_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                "| stats count by user")


def _det(**kwargs: object) -> Detection:
    return ttp("Counter", COUNT_SEARCH, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------- dispatch
def test_dispatch_window_follows_the_docs_example_minus_90m_to_minus_30m() -> None:
    schedule = schedule_of(scheduled(f.detection(), cron="30 * * * *", earliest="-90m", latest="-30m"))
    run = ts("2026-10-13 10:30")
    assert [clock(t) for t in schedule.window(run)] == ["2026-10-13 09:00", "2026-10-13 10:00"]
    assert [clock(t) for t in schedule.cron.ticks(ts("2026-10-13 09:00"), ts("2026-10-13 11:00"))] == [
        "2026-10-13 09:30", "2026-10-13 10:30"]


def test_dispatch_window_snaps_after_the_offset() -> None:
    """-70m@m / -10m@m (ESCU's default) and -1d@d: offset first, then snap down to the unit."""
    hourly = schedule_of(scheduled(f.detection()))
    assert [clock(t) for t in hourly.window(ts("2026-10-13 10:00"))] == ["2026-10-13 08:50", "2026-10-13 09:50"]
    daily = schedule_of(scheduled(f.detection(), cron="5 0 * * *", earliest="-1d@d", latest="@d"))
    assert [clock(t) for t in daily.window(ts("2026-10-13 00:05"))] == ["2026-10-12 00:00", "2026-10-13 00:00"]
    assert daily.lookback == pytest.approx(86400 + 300)
    assert hourly.longest_gap == 3600 and daily.longest_gap == 86400


def test_a_default_deployment_uses_the_type_defaults() -> None:
    schedule = schedule_of(f.detection())  # hand-built model without a deployment: TTP defaults
    assert (schedule.cron.text, schedule.earliest, schedule.latest) == ("0 * * * *", "-70m@m", "-10m@m")


def test_window_includes_earliest_and_excludes_latest(tmp_path: Path) -> None:
    """An event at exactly 09:50 belongs to the run at 11:00 ([09:50, 10:50)), not to the 10:00 run."""
    data = f.write_events(tmp_path, "edge", [decline("a@contoso.example", "2026-10-13 09:50")])
    detection = _det()
    pack = f.pack(tmp_path, detection)
    result = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="0s"))
    hits = [clock(r.run_time) for r in result.runs if r.rows]
    assert hits == ["2026-10-13 11:00"]


def test_clock_spans_the_data_plus_lookback_and_a_tail(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:50")])
    pack = f.pack(tmp_path, _det())
    result = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="0s"))
    assert clock(result.start) == "2026-10-13 08:40"  # 09:50 - 70 min lookback
    # tail = 70 min lookback + 60 min between runs after the last event (twice with a search reading risk)
    assert result.end == ts("2026-10-13 09:50") + 70 * 60 + 3600
    assert [clock(r.run_time) for r in result.runs][:2] == ["2026-10-13 09:00", "2026-10-13 10:00"]


def test_an_all_time_window_adds_no_lookback_and_each_run_sees_everything_indexed(tmp_path: Path) -> None:
    """``dispatch.earliest_time = 0`` is all time (savedsearches.conf.spec: a relative or absolute time; epoch 0
    is the start of all time): each run sees every event indexed by then, before its latest. It once made the
    timeline start at the window's reach, in 1970 (RP006); no run before the first event sees anything, and
    the first run after the last one sees it, so the timeline is the data plus a gap (no search here reads risk)."""
    data = f.write_events(tmp_path, "two", [decline("a@contoso.example", "2026-10-13 09:50"),
                                            decline("b@contoso.example", "2026-10-13 12:20")])
    detection = scheduled(_det(), earliest="0", latest="now", notable=False, rba=False)
    pack = f.pack(tmp_path, detection)
    result = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="0s"))
    assert clock(result.start) == "2026-10-13 09:50"
    assert result.end == ts("2026-10-13 12:20") + 3600
    seen = {clock(r.run_time): len(r.rows) for r in result.runs}
    assert seen == {"2026-10-13 10:00": 1, "2026-10-13 11:00": 1, "2026-10-13 12:00": 1, "2026-10-13 13:00": 2}


# ------------------------------------------------------------------------------------ _indextime
def test_events_not_indexed_by_the_run_are_invisible_to_it(tmp_path: Path) -> None:
    """A 10:45 sign-in indexed 20 minutes later is not there for the 11:00 run ([09:50, 10:50)) and outside
    the 12:00 run's window: no run ever evaluates it ("an event might never be evaluated")."""
    data = f.write_events(tmp_path, "late", [decline("a@contoso.example", "2026-10-13 10:45")])
    pack = f.pack(tmp_path, _det())
    on_time = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="2m"))
    late = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="20m"))
    assert [clock(r.run_time) for r in on_time.runs if r.rows] == ["2026-10-13 11:00"]
    assert [r for r in late.runs if r.rows] == [] and late.notables == ()


def test_indextime_comes_from_the_delay_model_and_an_existing_one_is_kept() -> None:
    events: list[Event] = [{"_time": 1000.0, "_raw": "a", "sourcetype": "x"},
              {"_time": 1000.0, "_raw": "b", "sourcetype": "x", "_indextime": 5000.0}]
    index = index_events(events, DelayPlan(override=delay_model(IngestionDelay(fixed="90s"))))
    assert [e["_indextime"] for e in index.events] == [1090.0, 5000.0]
    assert [e["_raw"] for e in index.window(0, 2000, 1090.0)] == ["a"]
    assert [e["_raw"] for e in index.window(0, 2000, 5000.0)] == ["b", "a"]  # newest first by _time, stable


@pytest.mark.assumed
def test_a_drawn_indextime_is_a_whole_second() -> None:
    """Assumed (Getting Data In, *Use default fields*: ``_indextime`` is "the time that the event was indexed",
    in UNIX time; that it is whole seconds, as Splunk shows it, no page states): an event of 10:00:00.7 delayed
    90 s is indexed at 10:01:30, so the run at that second sees it."""
    events: list[Event] = [{"_time": 1000.7, "_raw": "a", "sourcetype": "x"}]
    index = index_events(events, DelayPlan(override=delay_model(IngestionDelay(fixed="90s"))))
    assert [e["_indextime"] for e in index.events] == [1090.0]
    assert [e["_raw"] for e in index.window(0, 2000, 1090.0)] == ["a"]


def test_entra_default_delay_matches_the_cited_percentiles() -> None:
    """Microsoft: sign-ins and audit logs 2 min at the 95th percentile, 5 min at the 99th."""
    assert ENTRA_ID.quantile(0.95) == 120 and ENTRA_ID.quantile(0.99) == 300
    delays = sorted(ENTRA_ID.delay(f"record {n}") for n in range(2000))
    assert delays[int(0.95 * 2000) - 1] <= 120 + 5 and delays[int(0.99 * 2000) - 1] <= 300 + 5
    assert 30 <= delays[0] and delays[-1] <= 900
    assert ENTRA_ID.delay("same") == ENTRA_ID.delay("same")  # reproducible


def test_the_data_source_model_applies_by_separator_and_the_test_overrides(tmp_path: Path) -> None:
    signins = f.data_source("Sign-ins")
    signins = replace(signins, separator="operationName",
                      separator_value="Sign-in activity",
                      ingestion_delay=IngestionDelay(fixed="7m"))
    sign_in: Event = {"_time": 0.0, "_raw": "s", "sourcetype": f.SOURCETYPE, "operationName": "Sign-in activity"}
    audit: Event = {"_time": 0.0, "_raw": "a", "sourcetype": f.SOURCETYPE, "operationName": "Consent to application"}
    plan = DelayPlan.for_pack([signins])
    assert plan.model_for(sign_in) == delay_model(IngestionDelay(fixed="7m"))
    assert plan.model_for(audit) is ENTRA_ID  # sourcetype default
    override = DelayPlan.for_pack([signins], IngestionDelay(fixed="1s")).model_for(sign_in)
    assert override is not None and override.delay("s") == 1


# ------------------------------------------------------------------------------------ throttling
def test_throttle_per_field_values_for_the_period_across_runs() -> None:
    """alert.suppress.period / .fields: same values inside the period are suppressed; other values fire;
    after the period the same values fire again; a suppressed result does not extend the window."""
    throttle = Throttle(("user", "app"), 3600.0)
    a, b = {"user": "a", "app": "x"}, {"user": "b", "app": "x"}
    assert throttle.admit(a, 0) and throttle.admit(b, 0)
    assert not throttle.admit(a, 0) and not throttle.admit(a, 1800) and not throttle.admit(a, 3599)
    assert throttle.admit(a, 3601)  # window from the first firing (0), not from the suppressed 1800
    assert Throttle().admit(a, 0) and Throttle().admit(a, 0)  # alert.suppress off


@pytest.mark.assumed
def test_a_run_exactly_at_the_end_of_the_suppression_period_fires() -> None:
    """Assumed: no Splunk page says whether a run at exactly the first firing + ``alert.suppress.period`` is still
    suppressed. In Splunk it hangs on timing the simulation does not have (the suppression is recorded when the
    first run's actions fire and checked when the later run's do, each some seconds after its scheduled time);
    ES's own upgrader writes a group-by duration of an hour or more as 100 s less (``modifiedVal = int(val) - 100``
    in its aggregate.conf conversion; the ES Admin manual's example *Access - Concurrent App Accesses - Rule*
    carries ``alert.suppress.period = 86300s``), so that the run one period later
    fires whatever the timing: ES means that run to fire, and the simulation lets it, measuring the period
    between scheduled run times, [first run, first run + period). A period equal to the gap between runs is
    where Splunk may differ; 100 s less (86300s for daily) fires in both."""
    throttle = Throttle(("user",), 86400.0)
    assert throttle.admit({"user": "a"}, 0) and not throttle.admit({"user": "a"}, 86399)
    assert throttle.admit({"user": "a"}, 86400)
    shorter = Throttle(("user",), 86300.0)  # ES's convention
    assert shorter.admit({"user": "a"}, 0) and shorter.admit({"user": "a"}, 86400)


@pytest.mark.assumed
def test_a_missing_suppression_field_is_the_empty_value() -> None:
    """Assumed: neither savedsearches.conf.spec nor *Throttle alerts* says how a result without a group-by field
    is keyed. Missing counts as the empty value (results without the field share one key, which is why validate's
    CP029 asks the fields to be result fields); a one-value multivalue is that value."""
    throttle = Throttle(("user", "app"), 3600.0)
    assert throttle.admit({"app": "x"}, 0) and not throttle.admit({"app": "x", "user": ""}, 60)
    assert throttle.admit({"user": ("a",), "app": "y"}, 0) and not throttle.admit({"user": "a", "app": "y"}, 60)


def test_a_suppression_field_holding_several_values_is_refused() -> None:
    """Neither savedsearches.conf.spec (alert.suppress.fields) nor the Alerting Manual's *Throttle alerts* says
    how a result holding several values in a group-by field is keyed, and each reading (each value, the first,
    all of them joined) suppresses other findings: the simulation refuses the result instead of guessing (it
    used to key it on the values joined in order)."""
    throttle = Throttle(("user", "app"), 3600.0)
    with pytest.raises(MultivalueKey, match="throttle field 'user' holds 2 values in a result \\(a, b\\)"):
        throttle.admit({"user": ("a", "b"), "app": "x"}, 0)
    assert Throttle().admit({"user": ("a", "b")}, 0)  # no throttle: nothing to key


def test_a_multivalue_throttle_field_fails_the_test_at_the_throttle_fields(tmp_path: Path) -> None:
    """In the runner: the detection stops, and its test fails with RP007 at tags.throttling.fields, naming the
    field and the run (never a traceback, never a guessed suppression)."""
    data = f.write_events(tmp_path, "two", [decline("a@contoso.example", "2026-10-13 09:15"),
                                            decline("b@contoso.example", "2026-10-13 09:16")])
    search = f"{f.DECLINED_SEARCH} | stats values(user) as users by appId | eval user=users"
    detection = ttp("Test Declined", search, throttle=(("user",), "1h"))
    detection = replace(detection, tests=(f.unit_test(data),))
    [outcome] = replay_pack(f.pack(tmp_path, detection)).outcomes
    [problem] = outcome.errors
    message = problem.render()
    assert "error[RP007]: scheduled run: the run at 2026-10-13" in message
    assert "throttle field 'user' holds 2 values in a result (a@contoso.example, b@contoso.example)" in message


def test_the_search_head_runs_in_utc_and_another_zone_is_refused(tmp_path: Path) -> None:
    """Alerting Manual, *Use cron expressions for alert scheduling*: "In Splunk Cloud Platform, the timezone is
    always Coordinated Universal Time (UTC). In Splunk Enterprise, the cron analyzer defaults to the timezone
    where the search head is configured." Cron ticks are computed in UTC, so a dispatch window snapped in another
    zone (``-1d@d`` at Paris midnight) beside UTC ticks would be a silent mix; it is an error instead."""
    detection = scheduled(f.detection(), cron="5 0 * * *", earliest="-1d@d", latest="@d")
    assert [clock(t) for t in schedule_of(detection).window(ts("2026-10-13 00:05"))] == [
        "2026-10-12 00:00", "2026-10-13 00:00"]
    with pytest.raises(ValueError, match="time zone 'Europe/Paris' is not supported"):
        schedule_of(detection, "Europe/Paris")
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    pack = f.pack(tmp_path, _det())
    result = simulate(pack, index_of(tmp_path, data), tz="Europe/Paris")
    assert result.runs == () and [(e.detection, e.what) for e in result.errors] == [("Counter", "schedule")]
    assert "not supported" in result.errors[0].message


@pytest.mark.assumed
def test_throttling_in_the_timeline_collapses_repeated_notables(tmp_path: Path) -> None:
    """A 24-hour window rerun every hour returns the same row 24 times: 24 notables unthrottled, 1 throttled
    on user for 24h, and risk is written only for the notable that fired. Assumed: suppression covers every
    alert action (notable and risk alike); the spec only says alerts are suppressed."""
    data = f.write_events(tmp_path, "once", [decline("a@contoso.example", "2026-10-13 09:15")])
    loose = _det(earliest="-1450m@m")
    tight = _det(earliest="-1450m@m", throttle=(["user"], "24h"))
    loose_result = simulate_file(tmp_path, f.pack(tmp_path, loose), data, IngestionDelay(fixed="0s"))
    tight_result = simulate_file(tmp_path, f.pack(tmp_path, tight), data, IngestionDelay(fixed="0s"))
    assert len(loose_result.notables) == 24 and len(loose_result.risk) == 24
    assert len(tight_result.notables) == 1 and len(tight_result.risk) == 1
    assert clock(tight_result.notables[0].run_time) == "2026-10-13 10:00"


def test_runs_over_the_same_events_reuse_the_first_answer_unless_the_search_reads_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 24-hour window rerun every hour sees the same event 24 times: the commands left after the prepared part
    that read only their input (``Prepared.run_free``) run once per input and every run gets a copy of their rows;
    a command reading the run's time (``now()``) after them runs at every run, each with its own time, over
    those rows."""
    run_free: list[float] = []
    finished: list[float] = []
    run_free_rows, finish_prepared = Engine.run_free_rows, Engine.finish_prepared

    def counted_run_free(self: Engine, *args: object, **kwargs: object) -> object:
        run_free.append(kwargs["now"])  # type: ignore[arg-type]
        return run_free_rows(self, *args, **kwargs)  # type: ignore[arg-type]

    def counted_finish(self: Engine, *args: object, **kwargs: object) -> object:
        finished.append(kwargs["now"])  # type: ignore[arg-type]
        return finish_prepared(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "run_free_rows", counted_run_free)
    monkeypatch.setattr(Engine, "finish_prepared", counted_finish)
    data = f.write_events(tmp_path, "once", [decline("a@contoso.example", "2026-10-13 09:15")])
    plain = _det(earliest="-1450m@m")
    result = simulate_file(tmp_path, f.pack(tmp_path, plain), data, IngestionDelay(fixed="0s"))
    with_rows = [r for r in result.runs if r.rows]
    # two inputs: no event (the first run, which shows that nothing gives no row) and the event
    assert len(run_free) == 2 and len(with_rows) == len(result.notables) == 24
    assert all(r.rows == with_rows[0].rows for r in with_rows)
    assert len({id(row) for r in with_rows for row in r.rows}) == 24  # each run its own rows
    run_free.clear()
    finished.clear()
    timed = ttp("Counter", COUNT_SEARCH + " | eval seen=now()", earliest="-1450m@m")
    result = simulate_file(tmp_path, f.pack(tmp_path, timed), data, IngestionDelay(fixed="0s"))
    seen = [r.rows[0]["seen"] for r in result.runs if r.rows]
    assert len(run_free) == 2  # the stats before the eval: once per input
    assert len(finished) == len(seen) + 1 == 25 and seen == [r.run_time for r in result.runs if r.rows]
    assert finished[1:] == seen  # the eval: at every run, with its own time


# ------------------------------------------------------------------------------------ notables and risk
def test_notable_and_risk_times(tmp_path: Path) -> None:
    """A stats row without _time: the notable and risk event get the run time (assumed, docs/replay.md);
    the risk event is searchable from its run on (_indextime = run time); the title's tokens are filled."""
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, _det()), data, IngestionDelay(fixed="0s"))
    [notable] = result.notables
    [risk] = result.risk
    assert notable.run_time == notable.time == ts("2026-10-13 10:00")
    assert notable.rule_title == "Counter for a@contoso.example"
    assert (notable.earliest, notable.latest) == (ts("2026-10-13 08:50"), ts("2026-10-13 09:50"))
    assert notable.risk_objects == (("a@contoso.example", "user"),)
    assert risk["_time"] == risk["_indextime"] == ts("2026-10-13 10:00")
    assert (risk["risk_object"], risk["risk_object_type"], risk["risk_score"]) == ("a@contoso.example", "user", 30)
    assert result.risk_scores() == {"a@contoso.example": 30}


@pytest.mark.assumed
def test_a_row_with_time_gives_its_time_to_notable_and_risk(tmp_path: Path) -> None:
    """A result's own _time is the notable's and risk event's _time: the Common Action Model's
    ``ModularAction.result2stash`` (Splunk_SA_CIM ``cim_actions.py``) writes ``result.get('_time', <now>)`` as the
    stash event's timestamp. Assumed: that ES's notable and risk actions write through it (no ES page says so)."""
    search = COUNT_SEARCH.replace("| stats count by user", "| bin _time span=1h | stats count by _time user")
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    result = simulate_file(tmp_path, f.pack(tmp_path, ttp("Binned", search)), data, IngestionDelay(fixed="0s"))
    [notable] = result.notables
    assert notable.time == ts("2026-10-13 09:00") and notable.run_time == ts("2026-10-13 10:00")
    assert result.risk[0]["_time"] == ts("2026-10-13 09:00")


# ------------------------------------------------------------------------------------ risk data model
def test_from_datamodel_risk_honours_earliest_and_latest() -> None:
    engine = Engine()
    engine.register_risk_index([{"_time": t, "risk_object": name, "risk_score": 10}
                                for t, name in ((100.0, "a"), (200.0, "b"), (300.0, "c"))])
    search = "| from datamodel Risk.All_Risk | stats values(risk_object) as objects"
    assert engine.search(search, earliest=150, latest=300, now=1000).rows[0]["objects"] == "b"
    assert engine.search(search, earliest=100, latest=301, now=1000).rows[0]["objects"] == ("a", "b", "c")
    assert engine.search(search, earliest="-850s", now=1000).rows[0]["objects"] == ("b", "c")
    assert engine.search(search, now=1000).rows[0]["objects"] == ("a", "b", "c")  # all time


@pytest.mark.assumed
def test_correlation_reads_the_risk_written_by_earlier_runs_over_its_own_window(tmp_path: Path) -> None:
    """A risk-reading search at 11:00 sees the risk written at 10:00 (in [09:50, 10:50)) but not the risk
    written by a run at the same minute (assumed: concurrent searches do not see each other's output)."""
    data = f.write_events(tmp_path, "two", [decline("a@contoso.example", "2026-10-13 09:15"),
                                            decline("a@contoso.example", "2026-10-13 10:15")])
    correlation = scheduled(f.detection(
        "Risk Sum", "| from datamodel Risk.All_Risk | stats sum(risk_score) as risk_score by risk_object "
        "| rename risk_object as user", kind="Correlation", with_rba=False, drilldowns=()), rba=False)
    correlation = replace(correlation, type="Correlation")
    pack = f.pack(tmp_path, _det(), correlation)
    result = simulate_file(tmp_path, pack, data, IngestionDelay(fixed="0s"))
    sums = {clock(r.run_time): r.rows[0]["risk_score"] for r in result.runs_of("Risk Sum") if r.rows}
    assert sums == {"2026-10-13 11:00": 30, "2026-10-13 12:00": 30}
    assert [n.rule_title for n in result.notables_of("Risk Sum")] == ["RBA: Risk Sum for a@contoso.example"] * 2


def test_index_window_bisects_time_and_filters_indextime() -> None:
    index = EventIndex([{"_time": float(t), "_indextime": float(t + 10), "n": t} for t in (5, 1, 3, 9, 7)])
    assert index.times == [1.0, 3.0, 5.0, 7.0, 9.0]
    assert [e["n"] for e in index.window(3, 9, 100)] == [7, 5, 3]
    assert [e["n"] for e in index.window(3, 9, 15)] == [5, 3]  # 7 is indexed at 17
    assert index.window(None, None, 0) == []


def test_a_bad_schedule_or_search_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    data = f.write_events(tmp_path, "one", [decline("a@contoso.example", "2026-10-13 09:15")])
    bad_cron = _det(cron="0 * * jan *")
    bad_search = ttp("Broken", "search x | nosuchcommand")
    pack = f.pack(tmp_path, bad_cron, bad_search)
    result = simulate(pack, index_of(tmp_path, data))
    problems = {(e.detection, e.what) for e in result.errors}
    assert problems == {("Counter", "cron"), ("Broken", "search")}
    [cron] = [e for e in result.errors if e.what == "cron"]
    assert cron.column == 6 and cron.message.startswith("cron_schedule: month value 'jan'")
    assert any("no month or day names" in e.message for e in result.errors)


def test_inline_earliest_in_the_search_replaces_the_dispatch_window(tmp_path: Path) -> None:
    """Search Manual, *Specify time modifiers in your search*: time modifiers in the search string override
    the time range the search was dispatched with; a run selects the events of that range, not of -70m@m."""
    data = f.write_events(tmp_path, "early", [decline("a@contoso.example", "2026-10-13 07:30")])
    search = COUNT_SEARCH.replace("errorCode=65004 ", "errorCode=65004 earliest=-4h@h ")
    result = simulate_file(tmp_path, f.pack(tmp_path, ttp("Wide", search)), data, IngestionDelay(fixed="0s"))
    assert [clock(r.run_time) for r in result.runs if r.rows] == [
        "2026-10-13 08:00", "2026-10-13 09:00", "2026-10-13 10:00", "2026-10-13 11:00"]


# ------------------------------------------------------------------------------------ index time
def test_index_earliest_and_latest_bound_indextime_in_the_engine() -> None:
    """SPL2 *Time modifiers*: ``_index_earliest`` / ``_index_latest`` "Specify the earliest/latest _indextime
    for the time range of your search"; like earliest/latest, earliest is inclusive and latest exclusive
    (assumed for the index pair). An event without _indextime counts as indexed at the search's now."""
    engine = Engine()
    engine.register_events([{"_time": 100.0, "_indextime": 150.0, "n": "a"},
                            {"_time": 100.0, "_indextime": 400.0, "n": "b"},
                            {"_time": 100.0, "n": "c"}], sourcetype="x")
    def names(search: str) -> list[str]:
        return sorted(str(r["n"]) for r in engine.search(search, now=1000).rows)
    assert names("search _index_earliest=150 _index_latest=400") == ["a"]
    assert names("search _index_earliest=-700s") == ["b", "c"]  # now - 700 = 300
    assert names("search * | search _index_latest=401") == ["a", "b"]  # later search command too
    assert names("search _index_earliest=0 earliest=101") == []  # the _time range still applies


def test_index_time_bounds_catch_late_sign_ins_in_the_timeline(tmp_path: Path) -> None:
    """The remedy ES content uses for late data: select by when events were indexed. A 10:45 refusal
    indexed at 11:05 is missed by a -70m@m..-10m@m _time window but found by the 12:00 run of a search
    over _index_earliest=-70m@m _index_latest=-10m@m (with a wide _time range)."""
    data = f.write_events(tmp_path, "late", [decline("late@contoso.example", "2026-10-13 10:45")])
    by_index = COUNT_SEARCH.replace("errorCode=65004 ",
                                    "errorCode=65004 earliest=-1d _index_earliest=-70m@m _index_latest=-10m@m ")
    plain = simulate_file(tmp_path, f.pack(tmp_path, _det()), data, IngestionDelay(fixed="20m"))
    indexed = simulate_file(tmp_path, f.pack(tmp_path, ttp("By Index", by_index)), data, IngestionDelay(fixed="20m"))
    assert plain.notables == ()
    assert [clock(n.run_time) for n in indexed.notables] == ["2026-10-13 12:00"]


@pytest.mark.slow
def test_cutting_events_to_the_needed_fields_changes_no_notable_or_risk_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulation hands each search only the fields it can observe (as the engine's file scan does); over
    every test of the real pack, the notables and risk events are the same as with whole events. The cut
    timelines are the ones the pack's scheduled replay ran (shared: tests/real_pack_runs.py); each is run
    again here, with the same events and detections, on whole events."""
    pack, replayed = real_pack(), scheduled_replay()
    store = AttackDataStore(Path(pack.root))

    def seen(notables: Sequence[Notable], risk: Sequence[Event]) -> tuple[tuple[object, ...], tuple[object, ...]]:
        return (tuple((n.detection, n.run_time, sorted(n.fields.items())) for n in notables),
                tuple(sorted(e.items()) for e in risk))

    cut = [seen(timeline.notables, timeline.risk) for timeline in replayed.timelines.values()]
    monkeypatch.setattr(Engine, "needed_fields", lambda self, pipeline: None)
    by_name = {d.name: d for d in pack.detections}
    whole = []
    for (name, test_name), timeline in replayed.timelines.items():
        detection = by_name[name]
        number, test = next((n, t) for n, t in enumerate(detection.tests) if t.name == test_name)
        files, problems = store.files_for(detection, number, test.attack_data)
        assert problems == [] and files
        events = [event for item in files for event in store.events(item)]
        plan = DelayPlan.for_pack(pack.data_sources, test.ingestion_delay)
        result = simulate(pack, index_events(events, plan), detections=[by_name[n] for n in timeline.detections])
        whole.append(seen(result.notables, result.risk))
    assert len(cut) == sum(len(d.tests) for d in pack.detections)
    assert cut == whole and sum(len(n) for n, _ in cut) > 20


def test_an_event_whose_time_is_not_a_number_is_not_on_the_timeline() -> None:
    """A NaN ``_time`` (only an event handed in from Python can hold one) is no time: the timeline leaves it out
    as it leaves out an event without a time, so the times stay sorted and every window's events are newest
    first by the engine's own reading of ``_time`` (``spl.engine.NewestFirst``), which the runs' engines take as
    given (assumed: no Splunk event has a NaN ``_time``)."""
    index = EventIndex([{"_time": 300.0, "n": "a"}, {"_time": float("nan"), "n": "nan"}, {"_time": 100.0, "n": "b"},
                        {"n": "none"}, {"_time": 200.0, "n": "c"}])
    assert [event["n"] for event in index.events] == ["b", "c", "a"]
    assert [event["n"] for event in index.window(None, None, 1000.0)] == ["a", "c", "b"]
