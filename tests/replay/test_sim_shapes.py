"""The failure shapes of issue 12: what all-time replay (contentctl's FORCE_ALL_TIME) hides and the scheduled
replay shows, each with a small detection written like the pack's own (same search structure, same default
schedule: ``0 * * * *`` over ``-70m@m`` to ``-10m@m``, ESCU §1.9).

Each test runs the replay both ways on the same test: all time finds the attack, the scheduled timeline does
not (or raises it twice), and the replay reports the scheduled expectation as a failure with what came back.
The schedule facts these rest on are pinned, with their sources, in ``test_sim_mechanics``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from contentpack.content.model import Detection, IngestionDelay
from contentpack.datagen.scenarios import generate
from contentpack.datagen.timing import Timing, apply_timing
from contentpack.datagen.writer import write_log
from contentpack.replay.report import render_table
from contentpack.replay.scheduled import outcome_of
from contentpack.simulate import EventIndex, SimulationResult

from . import factory as f
from .simfactory import clock, decline, grant, outcomes, scheduled, simulate_file, ttp, unit

# Like the pack's "OAuth Consent Declined by Many Users": distinct users per application in fixed one-hour bins.
SPIKE_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                "| rename properties.* as * | fillnull | eval user=lower(user), event_time=_time "
                "| bin _time span=1h "
                "| stats dc(user) as user_count values(user) as user min(event_time) as firstTime by _time dest appId "
                "| where user_count >= 5")
# Like the pack's "OAuth Consent Granted After User Declined": a 65004 sign-in and a later successful consent by
# the same user to the same application, ordered by _time.
GRANTED_SEARCH = ('`azure_monitor_aad` (operationName="Sign-in activity" properties.status.errorCode=65004) '
                  'OR (operationName="Consent to application" properties.result=success) '
                  "| rename properties.* as * "
                  "| rename additionalDetails{}.key as detail_key, additionalDetails{}.value as detail_value "
                  '| eval app_id=if(operationName="Sign-in activity", appId, '
                  'mvindex(detail_value, mvfind(detail_key, "^AppId$"))) '
                  "| eval user=lower(user) "
                  '| eval declined_time=if(operationName="Sign-in activity", _time, null()), '
                  'granted_time=if(operationName="Consent to application", _time, null()) '
                  "| stats min(declined_time) as firstTime max(granted_time) as lastTime "
                  "count(declined_time) as decline_count count(granted_time) as grant_count by user app_id "
                  "| where decline_count > 0 AND grant_count > 0 AND lastTime > firstTime")
SINGLE_DECLINE_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                         "| stats count min(_time) as firstTime by user")
# Like the pack's risk correlation: two detections' risk on one user.
CORRELATION_SEARCH = ("| from datamodel Risk.All_Risk | stats sum(risk_score) as risk_score dc(source) as source_count "
                      "by risk_object | where source_count >= 2 | rename risk_object as user")


def _users(count: int) -> list[str]:
    return [f"user{n:02d}@contoso.example" for n in range(count)]


def _spike() -> Detection:
    return ttp("Spike", SPIKE_SEARCH, score=40)


def test_boundary_wave_all_time_finds_it_scheduled_raises_nothing(tmp_path: Path) -> None:
    """8 refusals 10:40-11:04: the 10:00 bin holds 6 users, so all time returns one row; but the 11:00 run sees
    only [09:50, 10:50) (4 users) and the 12:00 run [10:50, 11:50) splits the rest 2 + 2 across its bins."""
    minutes = ["10:40", "10:43", "10:46", "10:49", "10:52", "10:55", "11:01", "11:04"]
    data = f.write_events(tmp_path, "wave", [decline(u, f"2026-10-13 {m}") for u, m in zip(_users(8), minutes)])
    test = unit(data, expected_results=1, expected_notables=1, detect_within="3h")
    pack = f.pack(tmp_path, f.with_tests(_spike(), test))

    [all_time] = outcomes(pack, all_time=True).values()
    assert all_time.ok and all_time.result_count == 1 and all_time.scheduled is None

    [sched] = outcomes(pack).values()
    assert not sched.ok and sched.result_count == 1  # expected_results still holds: all-time meaning kept
    assert sched.scheduled is not None and sched.scheduled.runs_with_rows == 0
    failures = "\n".join(sched.failures)
    assert "expected_notables: 0 notable(s) after throttling, expected 1; no notable came back" in failures
    assert "detect_within: no notable or risk event at all (limit 3h)" in failures


def test_wave_moved_by_35_minutes_raises_two_notables_for_one_campaign(tmp_path: Path) -> None:
    """24 refusals, 10:25-11:34 (one every 3 minutes): two runs each see a bin over the threshold, so one
    campaign becomes two notables; the failure shows the notables that came back."""
    users = _users(24)
    times = [f"2026-10-13 {10 + (25 + 3 * n) // 60}:{(25 + 3 * n) % 60:02d}" for n in range(24)]
    data = f.write_events(tmp_path, "wave24", [decline(u, t) for u, t in zip(users, times)])
    test = unit(data, expected_notables=1)
    pack = f.pack(tmp_path, f.with_tests(_spike(), test))
    [sched] = outcomes(pack).values()
    assert sched.scheduled is not None and len(sched.scheduled.notables) == 2
    [failure] = sched.failures
    assert failure.startswith("expected_notables: 2 notable(s) after throttling, expected 1; notables: ")
    assert "'Spike for " in failure and " at run 2026-10-13T11:00:00.000Z" in failure
    assert " at run 2026-10-13T12:00:00.000Z" in failure


def test_late_sign_ins_are_never_evaluated(tmp_path: Path) -> None:
    """A refusal at 10:45 indexed 20 minutes later misses the 11:00 run and falls before the 12:00 run's
    window; with Entra ID's documented latency (2 min p95, 5 min p99; default model) it is caught at 11:00."""
    data = f.write_events(tmp_path, "late", [decline("late@contoso.example", "2026-10-13 10:45")])
    detection = ttp("Single", SINGLE_DECLINE_SEARCH)
    late = unit(data, expected_results=1, expected_notables=1, ingestion_delay=IngestionDelay(fixed="20m"))
    usual = replace(unit(data, expected_results=1, expected_notables=1, detect_within="20m"), name="Usual Latency")
    exact = replace(unit(data, expected_results=1, expected_notables=1, detect_within="15m"), name="Exact Latency")
    results = outcomes(f.pack(tmp_path, f.with_tests(detection, late, usual, exact)))
    late_outcome, usual_outcome = results["Single/Scheduled Test"], results["Single/Usual Latency"]
    # detect_within is the longest detection allowed ("at most", docs/replay.md): exactly 15 minutes passes
    assert results["Single/Exact Latency"].ok, results["Single/Exact Latency"].failures
    assert late_outcome.result_count == 1 and not late_outcome.ok
    assert late_outcome.failures == ["expected_notables: 0 notable(s) after throttling, expected 1; "
                                     "no notable came back"]
    assert usual_outcome.ok, usual_outcome.failures
    assert usual_outcome.scheduled is not None and usual_outcome.scheduled.time_to_detect == 15 * 60


def test_detection_time_counts_from_the_first_event_any_simulated_detection_matches() -> None:
    """detect_within counts from "the first event the base search of the detection, or of one of its risk_from
    detections, matches" (replay.scheduled, docs/replay.md): the earliest of their first matches, and the test's
    first event when none has a base search."""
    result = SimulationResult(0.0, 0.0, (), (), (), first_matched={"Later": 2000.0, "Earlier": 1000.0})
    outcome = outcome_of(result, f.APP, f.detection(), EventIndex([{"_time": 500.0}]))
    assert outcome.first_event == 1000.0
    unmatched = outcome_of(SimulationResult(0.0, 0.0, (), (), ()), f.APP, f.detection(), EventIndex([{"_time": 500.0}]))
    assert unmatched.first_event == 500.0


def test_grant_minutes_after_a_refusal_whose_record_lags(tmp_path: Path) -> None:
    """The refusal at 09:40 is emitted (``time``, so ``_time``) 12 minutes later, as in the real sample; the
    grant at 09:45 carries its own time. Ordered by _time the grant comes first, so the search misses it in
    both modes; with records on time, all time finds it but no hourly window holds both records."""
    lagged = f.write_events(tmp_path, "lagged", [decline("irvin@contoso.example", "2026-10-13 09:40",
                                                         record_lag_minutes=12),
                                                 grant("irvin@contoso.example", "2026-10-13 09:45")])
    on_time = f.write_events(tmp_path, "on_time", [decline("irvin@contoso.example", "2026-10-13 09:49"),
                                                   grant("irvin@contoso.example", "2026-10-13 09:52")])
    hourly = ttp("Granted Hourly", GRANTED_SEARCH, score=72)
    tests = (replace(unit(lagged, expected_results=1, expected_notables=1), name="Lagged Record"),
             replace(unit(on_time, expected_results=1, expected_notables=1), name="Across A Window Edge"))
    results = outcomes(f.pack(tmp_path, f.with_tests(hourly, *tests)))
    lagged_outcome = results["Granted Hourly/Lagged Record"]
    assert lagged_outcome.result_count == 0  # the reversal shows in all time too
    assert any(x.startswith("expected_notables: 0 notable(s)") for x in lagged_outcome.failures)
    edge = results["Granted Hourly/Across A Window Edge"]
    assert edge.result_count == 1 and edge.failures == [
        "expected_notables: 0 notable(s) after throttling, expected 1; no notable came back"]


def test_re_lure_days_later_escapes_the_day_window_and_the_risk_correlation(tmp_path: Path) -> None:
    """A refusal on day 1 and the grant on day 3: the pack's 24-hour window (-1450m@m) never holds both, and a
    correlation reading one hour of risk never sums the refusal's and the grant's risk; all time links both."""
    data = f.write_events(tmp_path, "relure", [decline("irvin@contoso.example", "2026-10-13 10:15"),
                                               grant("irvin@contoso.example", "2026-10-15 10:30")])
    granted = ttp("Granted Daily", GRANTED_SEARCH, score=72, earliest="-1450m@m", throttle=(["user", "app_id"], "24h"))
    declined = ttp("Declined", SINGLE_DECLINE_SEARCH, score=30)
    consent = ttp("Consented", '`azure_monitor_aad` operationName="Consent to application" properties.result=success '
                  "| stats count by user", score=50)
    correlation = replace(scheduled(f.detection("Risk Across", CORRELATION_SEARCH, kind="Correlation", with_rba=False,
                                                drilldowns=()), rba=False), type="Correlation")
    correlation = f.with_tests(correlation, unit(data, expected_results=1, expected_notables=1,
                                                 risk_from=("Declined", "Consented")))
    granted = f.with_tests(granted, unit(data, expected_results=1, expected_notables=1))
    results = outcomes(f.pack(tmp_path, granted, declined, consent, correlation))
    for name in ("Granted Daily/Scheduled Test", "Risk Across/Scheduled Test"):
        outcome = results[name]
        assert outcome.result_count == 1, name  # all time links them
        assert outcome.failures == ["expected_notables: 0 notable(s) after throttling, expected 1; "
                                    "no notable came back"], name
    risk = results["Risk Across/Scheduled Test"].scheduled
    assert risk is not None and risk.risk_by_object == {"irvin@contoso.example": 80}  # written, never summed


def test_scheduled_expectations_pass_when_the_schedule_sees_the_attack(tmp_path: Path) -> None:
    """The same checks pass on an attack the schedule does see; the table shows runs/notables, time to
    detect and risk, and --all-time shows none of them."""
    minutes = ["10:05", "10:08", "10:11", "10:14", "10:17", "10:20"]
    data = f.write_events(tmp_path, "inside", [decline(u, f"2026-10-13 {m}") for u, m in zip(_users(6), minutes)])
    test = unit(data, expected_results=1, expected_notables=1, max_notables=1, detect_within="2h",
                expected_risk={"user00@contoso.example": 40})
    pack = f.pack(tmp_path, f.with_tests(_spike(), test))
    [outcome] = outcomes(pack).values()
    assert outcome.ok, outcome.failures
    assert outcome.scheduled is not None and outcome.scheduled.time_to_detect == 55 * 60  # 10:05 -> 11:00 run
    names = {c.name for c in outcome.checks}
    assert {"expected_notables", "max_notables", "detect_within", "expected_risk[user00@contoso.example]"} <= names
    from contentpack.replay.runner import replay_pack

    table = render_table(replay_pack(pack))
    assert "runs/notables" in table and "55m" in table and "6 obj, max 40" in table
    assert "runs/notables" not in render_table(replay_pack(pack, all_time=True))


def test_a_generated_campaign_moved_by_20_minutes_gives_three_notables(tmp_path: Path) -> None:
    """The generator's consent-phishing campaign (30 refusals, 10:10-11:06) as a timing variant: on time it
    raises one notable; moved by 20 minutes, the same campaign raises three (the 12:00 run sees two hourly
    bins over the threshold)."""
    runs = {}
    for minutes in (0, 20):
        records = apply_timing(generate("consent_phishing_campaign").records, Timing(shift=minutes * 60))
        write_log(tmp_path / f"campaign{minutes}.log", records)
        pack = f.pack(tmp_path, _spike())
        result = simulate_file(tmp_path, pack, f"campaign{minutes}.log", detections=[_spike()])
        runs[minutes] = [clock(n.run_time)[-5:] for n in result.notables]
    assert runs == {0: ["11:00"], 20: ["11:00", "12:00", "12:00"]}


def test_correlation_reading_one_hour_of_risk_never_links_a_grant_hours_later(tmp_path: Path) -> None:
    """A refusal at 09:14 and the grant at 13:47 (the pack's declined-then-granted timing): each detection
    writes its risk, but a correlation over -70m@m..-10m@m of risk never holds both; all time links them."""
    data = f.write_events(tmp_path, "hours", [decline("irvin@contoso.example", "2026-10-13 09:14"),
                                              grant("irvin@contoso.example", "2026-10-13 13:47")])
    declined = ttp("Declined", SINGLE_DECLINE_SEARCH, score=30)
    consent = ttp("Consented", '`azure_monitor_aad` operationName="Consent to application" properties.result=success '
                  "| stats count by user", score=50)
    correlation = replace(scheduled(f.detection("Risk Across", CORRELATION_SEARCH, kind="Correlation", with_rba=False,
                                                drilldowns=()), rba=False), type="Correlation")
    correlation = f.with_tests(correlation, unit(data, expected_results=1, expected_notables=1,
                                                 risk_from=("Declined", "Consented"),
                                                 expected_risk={"irvin@contoso.example": 80}))
    [outcome] = [o for o in outcomes(f.pack(tmp_path, declined, consent, correlation)).values()]
    assert outcome.result_count == 1
    assert outcome.failures == ["expected_notables: 0 notable(s) after throttling, expected 1; no notable came back"]
    assert outcome.scheduled is not None and outcome.scheduled.risk_by_object == {"irvin@contoso.example": 80}
