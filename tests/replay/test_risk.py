"""ES risk events for RBA results, and Correlation tests that read them with ``from datamodel Risk.All_Risk``."""

from __future__ import annotations

from pathlib import Path

from contentpack.spl.values import Value
from contentpack.content.model import Drilldown, Rba, RiskObject, ThreatObject
from contentpack.replay import REPLAY_NOW, replay_pack, risk_events

from . import factory as f

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
    assert outcome.errors == ("detections/Test Correlation.yml:1:1: error[RP004]: risk_from names no detection of the "
                              "pack: 'No Such Detection'",)
    pack = _correlation_pack(tmp_path, ["Test Correlation"])
    [outcome] = replay_pack(pack, [pack.detections[2]]).outcomes
    assert "has no rba block" in outcome.errors[0]
