"""ES risk events for RBA results, and Correlation tests that read them with ``from datamodel Risk.All_Risk``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from contentpack.simulate.simulation import _State
from contentpack.spl import Engine
from contentpack.spl.commands.search import SearchCommand
from contentpack.spl.engine import Results, RunFreeRows
from contentpack.spl.prepared import Prepared
from contentpack.spl.values import Value
from contentpack.content.model import Drilldown, Rba, RiskObject, ThreatObject
from contentpack.simulate.engine_setup import REPLAY_NOW
from contentpack.simulate.risk import risk_events
from contentpack.replay.attack_data import AttackDataStore
from contentpack.replay.runner import ReplayContext, _engine_with_data, _over_files, replay_pack, run_detection_search

from . import factory as f
from .simfactory import decline, grant, scheduled, simulate_file, ttp

CORRELATION_SEARCH = (
    '| from datamodel Risk.All_Risk | search analyticstories="Test Consent Story" risk_object_type="user" '
    "| stats sum(risk_score) as risk_score dc(source) as source_count values(source) as source by risk_object "
    "| where source_count >= 2 | `test_correlation_filter`"
)
GRANTED_SEARCH = ('`azure_monitor_aad` operationName="Consent to application" | stats count by user '
                  "| `test_granted_filter`")


def _granted(user: str, minute: int) -> dict[str, object]:
    return {"time": f"2026-10-13T12:{minute:02d}:30.0000000Z", "operationName": "Consent to application",
            "tenantId": f.TENANT, "properties": {"initiatedBy": {"user": {"userPrincipalName": user}}}}


def test_one_risk_event_per_risk_object_value_with_the_es_fields() -> None:
    """ES's risk action: one event per risk object value, scored and tagged (module docstring of risk.py)."""
    rba = Rba("User $user$ declined $appId$ from $src$", (RiskObject("user", "user", 30), RiskObject("dest", "system", 10)),
              (ThreatObject("appId", "url"),))
    detection = f.detection(rba=rba)
    row: dict[str, Value] = {"user": ("A@Contoso.example", "b@contoso.example"), "dest": "tenant-1", "appId": "app-9",
                             "src": "192.0.2.1", "count": 2}
    events = risk_events(f.APP, detection, [row], REPLAY_NOW)
    assert [(e["risk_object"], e["risk_object_type"], e["risk_score"]) for e in events] == [
        ("A@Contoso.example", "user", 30), ("b@contoso.example", "user", 30), ("tenant-1", "system", 10)]
    first = events[0]
    assert first["normalized_risk_object"] == "a@contoso.example"
    assert first["search_name"] == first["source"] == "TST - Test Declined - Rule"
    assert first["risk_message"] == "User A@Contoso.example b@contoso.example declined app-9 from 192.0.2.1"
    assert first["analyticstories"] == f.STORY
    assert first["annotations.mitre_attack"] == "T1528"
    assert first["annotations.mitre_attack.mitre_tactic"] == "credential-access"  # ATT&CK v18.1: T1528's tactic
    assert first["threat_object"] == "app-9" and first["threat_object_type"] == "url"
    assert first["_time"] == REPLAY_NOW and first["count"] == 2  # the result's own fields travel along


def test_a_result_time_becomes_the_risk_event_time() -> None:
    events = risk_events(f.APP, f.detection(), [{"user": "a", "appId": "x", "_time": 1000.0}], REPLAY_NOW)
    assert events[0]["_time"] == 1000.0


def test_no_rba_no_risk_and_null_risk_objects_write_nothing() -> None:
    """A result whose risk object field is null or empty writes no risk event for that object: ``assumed``. No
    ES page states it; the closest, *Assign risk through a search in Splunk Enterprise Security* (ES 7.3 RBA
    manual, https://docs.splunk.com/Documentation/ES/7.3.0/RBA/AssignRiskThroughSearch), scores whichever of two
    fields a result holds with ``eval risk_object=if(isnotnull(dest),dest,null())``, which implies a null one is
    skipped."""
    assert risk_events(f.APP, f.detection(with_rba=False), [{"user": "a"}], REPLAY_NOW) == []
    assert risk_events(f.APP, f.detection(), [{"appId": "x"}, {"user": ""}], REPLAY_NOW) == []


def _correlation_pack(tmp_path: Path, risk_from: list[str], expected: int = 1):
    data = f.write_events(tmp_path, "declined_then_granted", [
        f.sign_in("victim@contoso.example", 65004, minute=1), f.sign_in("other@contoso.example", 65004, minute=2),
        _granted("victim@contoso.example", 5)])
    declined = f.detection("Test Declined")
    granted = f.detection("Test Granted", GRANTED_SEARCH,
                          rba=Rba("User $user$ granted consent", (RiskObject("user", "user", 50),), ()))
    drilldown = Drilldown('Results for "$risk_object$"',
                          '%original_detection_search% | search risk_object="$risk_object$"', None, None)
    correlation = f.detection("Test Correlation", CORRELATION_SEARCH, kind="Correlation", with_rba=False,
                              drilldowns=[drilldown],
                              tests=[f.unit_test(data, expected=expected, risk_from=risk_from,
                                                 rows=[{"risk_object": "victim@contoso.example", "risk_score": "80"}])])
    return f.pack(tmp_path, declined, granted, correlation)


def test_a_correlation_test_reads_the_risk_of_its_risk_from_detections(tmp_path: Path) -> None:
    pack = _correlation_pack(tmp_path, ["Test Declined", "Test Granted"])
    [outcome] = replay_pack(pack, [pack.detections[2]]).outcomes
    assert outcome.ok, outcome.failures
    assert outcome.result_count == 1
    assert [c.name for c in outcome.checks] == ["expected_results", "expected_rows[0]", "contentctl_pass_rule",
                                                "drilldown[0]"]


def test_without_the_second_detection_the_correlation_does_not_fire(tmp_path: Path) -> None:
    pack = _correlation_pack(tmp_path, ["Test Declined"])
    [outcome] = replay_pack(pack, [pack.detections[2]]).outcomes
    assert outcome.result_count == 0 and not outcome.ok


def test_risk_from_problems_are_positioned_errors(tmp_path: Path) -> None:
    pack = _correlation_pack(tmp_path, ["No Such Detection"])
    [outcome] = replay_pack(pack, [pack.detections[2]]).outcomes
    assert [problem.render() for problem in outcome.errors] == [
        "detections/Test Correlation.yml:1:1: error[RP004]: risk_from names no detection of the pack: "
        "'No Such Detection'"]
    pack = _correlation_pack(tmp_path, ["Test Correlation"])
    [outcome] = replay_pack(pack, [pack.detections[2]]).outcomes
    assert "has no rba block" in outcome.errors[0].message


# A correlation whose leading per-event part (search, eval, where) is prepared once per risk event.
PREPARED_CORRELATION = ('| from datamodel Risk.All_Risk | search risk_object_type="user" '
                        '| eval risk_object=lower(risk_object) | where risk_score > 0 '
                        '| stats sum(risk_score) as risk_score dc(source) as source_count values(source) as source '
                        'by risk_object | where source_count >= 2 | rename risk_object as user')


def test_a_correlation_prepared_per_risk_event_answers_every_run_as_unprepared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The risk index grows between the correlation's runs (declines and grants over a day, risk written at
    every hourly run): preparing each risk event once (``Engine.prepare`` over ``from datamodel``) must leave
    every run, notable and risk event as running the whole search at each run gives."""
    events = [decline(f"User{n % 5}@contoso.example", f"2026-10-13 {8 + n // 3:02d}:{n % 3 * 17 + 5:02d}")
              for n in range(30)]
    events += [grant(f"user{n}@contoso.example", f"2026-10-13 {10 + 2 * n:02d}:30") for n in range(5)]
    data = f.write_events(tmp_path, "growing", events)
    declined = ttp("Declined", '`azure_monitor_aad` operationName="Sign-in activity" '
                   "properties.status.errorCode=65004 | stats count min(_time) as _time by user", score=30)
    consent = ttp("Consented", '`azure_monitor_aad` operationName="Consent to application" properties.result=success '
                  "| stats count by user", score=50)
    correlation = replace(scheduled(f.detection("Risk Across", PREPARED_CORRELATION, kind="Correlation",
                                                with_rba=False, drilldowns=()), earliest="-24h", latest="now",
                                    rba=False), type="Correlation")
    pack = f.pack(tmp_path, declined, consent, correlation)
    prepared_runs = []
    run_free_rows = Engine.run_free_rows

    def counting(self: Engine, prepared: Prepared, *args: Any, **kwargs: Any) -> RunFreeRows:
        if not isinstance(prepared.first, SearchCommand):
            prepared_runs.append(prepared.done)
        return run_free_rows(self, prepared, *args, **kwargs)

    monkeypatch.setattr(Engine, "run_free_rows", counting)
    prepared = simulate_file(tmp_path, pack, data)
    assert prepared_runs and set(prepared_runs) == {3}  # the correlation's runs were prepared
    monkeypatch.setattr(Engine, "prepare", lambda self, pipeline, events: None)
    whole = simulate_file(tmp_path, pack, data)
    assert prepared == whole
    correlated = [run for run in whole.runs_of("Risk Across") if run.rows]
    assert len(correlated) > 3 and len({repr(run.rows) for run in correlated}) > 1  # the answers change as risk grows


def test_the_risk_a_run_reads_is_its_window_newest_first_in_the_order_written(tmp_path: Path) -> None:
    """``visible_risk`` bisects a time-sorted view of the risk index: it must select what a plain scan of the
    risk events written before the run does, ordered by _time (newest first) and, for the same _time, in the
    order written; a _time that is not a finite number is in no window."""
    state = _State(f.pack(tmp_path), Engine())
    times: list[object] = [50.0, 20.0, 50.0, "text", 30.0, float("nan"), 20.0, float("inf"), 10.0, 50.0, 60.0]
    for n, when in enumerate(times):
        state.write_risk({"_time": when, "n": n}, run_time=100.0 + 10 * (n // 3))  # type: ignore[dict-item]
    for run_time in (100.0, 110.0, 120.0, 130.0, 140.0):
        for earliest, latest in ((0.0, 100.0), (20.0, 50.0), (20.0, 50.5), (50.0, 60.0), (10.0, 10.0)):
            written = [e for e in state.risk if e["_indextime"] < run_time]  # type: ignore[operator]
            inside = [e for e in written if isinstance(e["_time"], float) and earliest <= e["_time"] < latest]
            inside.sort(key=lambda e: -e["_time"])  # type: ignore[operator]
            chosen = [state.risk[i] for i in state.visible_risk(run_time, earliest, latest)]
            assert chosen == inside, (run_time, earliest, latest)


def test_a_risk_from_detection_over_its_own_tests_files_runs_once(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A correlation test's ``risk_from`` detection over the very files of that detection's own test, at the same
    "now", is the same search over the same events: the replay runs it once, and both tests read its rows."""
    pack = _correlation_pack(tmp_path, ["Test Declined", "Test Granted"])
    declined = f.with_tests(pack.detections[0], replace(pack.detections[2].tests[0], name="Declines", expected_rows=(),
                                                        expected_results=2, risk_from=()))
    pack = replace(pack, detections=(declined, *pack.detections[1:]))
    searched: list[str] = []
    real_search = Engine.search

    def search(self: Engine, text: str, **options: Any) -> Results:
        searched.append(text)
        return real_search(self, text, **options)

    monkeypatch.setattr(Engine, "search", search)
    first, second = replay_pack(pack, [declined, pack.detections[2]], all_time=True).outcomes
    assert first.ok and first.result_count == 2 and first.risk_event_count == 2, first.failures
    assert second.ok and second.result_count == 1, second.failures
    assert searched.count(declined.search) == 1


def test_each_reader_of_a_search_run_once_over_the_files_gets_results_of_its_own(tmp_path: Path) -> None:
    """``_over_files`` keeps one result per (search, files, now) for the whole replay: what one test does to the
    rows or field list it was handed must not reach the next test that reads the same run."""
    pack = _correlation_pack(tmp_path, ["Test Declined"])
    declined, correlation = pack.detections[0], pack.detections[2]
    ctx = ReplayContext(pack, AttackDataStore(Path(pack.root)), None)
    engine, now, files = _engine_with_data(ctx, correlation, 0, correlation.tests[0])
    expected = run_detection_search(engine, declined, now)
    assert expected.rows and expected.fields
    first = _over_files(ctx, engine, declined, files, now)
    first.rows[0]["user"] = "changed"
    first.rows.append({"user": "added"})
    first.fields.append("added")
    second = _over_files(ctx, engine, declined, files, now)
    assert (second.rows, second.fields) == (expected.rows, expected.fields)
