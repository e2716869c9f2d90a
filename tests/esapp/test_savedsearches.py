"""savedsearches.conf stanzas: ESCU key order per detection type and our improvements (escu_format.md §3.5, §8)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from contentpack.esapp.conf import read_conf, render
from contentpack.esapp.savedsearches import detection_stanza, savedsearches_conf, severity, shared_table
from contentpack.esapp.stories import analyticstories_conf
from contentpack.content.model import (DataSource, Deployment, Drilldown, NotableAction, Rba, RiskObject, Scheduling,
                                       Throttling)
from . import factory

RISK_KEYS = ["action.risk", "action.risk.param._risk_message", "action.risk.param._risk",
             "action.risk.param._risk_score", "action.risk.param.verbose"]
NOTABLE_KEYS = ["action.notable", "action.notable.param._entities", "action.notable.param.nes_fields",
                "action.notable.param.rule_description", "action.notable.param.rule_title",
                "action.notable.param.security_domain", "action.notable.param.severity"]
HEAD = ["action.escu", "action.escu.enabled", "description", "action.escu.mappings", "action.escu.data_models",
        "action.escu.eli5", "action.escu.how_to_implement", "action.escu.known_false_positives",
        "action.escu.creation_date", "action.escu.modification_date", "action.escu.confidence",
        "action.escu.search_type", "action.escu.product", "action.escu.providing_technologies",
        "action.escu.analytic_story"]
SCHEDULE = ["cron_schedule", "dispatch.earliest_time", "dispatch.latest_time", "action.correlationsearch.enabled",
            "action.correlationsearch.detection_type", "action.correlationsearch.label",
            "action.correlationsearch.annotations", "action.correlationsearch.metadata", "schedule_window"]
TAIL = ["alert.digest_mode", "disabled", "enableSched", "allow_skew", "counttype", "relation", "quantity",
        "realtime_schedule", "is_visible", "search", "action.notable.param.drilldown_searches"]


def entries(kind: str, **changes: Any) -> dict[str, str]:
    stanza = detection_stanza(factory.app(), factory.detection(type=kind, **changes), "compact")
    return dict(stanza.entries)


def keys(kind: str) -> list[str]:
    return [k for k, _ in detection_stanza(factory.app(), factory.detection(type=kind), "compact").entries]


@pytest.mark.parametrize("kind, risk, notable", [("TTP", True, True), ("Anomaly", True, False),
                                                 ("Hunting", False, False), ("Correlation", False, True)])
def test_key_order_per_type(kind: str, risk: bool, notable: bool) -> None:
    expected = HEAD + (RISK_KEYS if risk else []) + SCHEDULE + (NOTABLE_KEYS if notable else []) + TAIL
    assert keys(kind) == expected


def test_stanza_name_and_label() -> None:
    stanza = detection_stanza(factory.app(), factory.detection(), "compact")
    assert stanza.name == "TST - Consent Denied - Rule"
    assert dict(stanza.entries)["action.correlationsearch.label"] == stanza.name


def test_a_stanza_name_gives_back_its_detection_name_and_no_other_does() -> None:
    """``naming.detection_name_of`` inverts ``stanza_name`` (a risk event's search_name back to its detection)."""
    from contentpack.content.naming import detection_name_of

    assert detection_name_of(factory.app(), "TST - Consent Denied - Rule") == "Consent Denied"
    assert [detection_name_of(factory.app(), other) for other in ("ESCU - Consent Denied - Rule",
                                                                  "TST - Consent Denied", "TST -  - Rule")] == [
        None, None, None]


def test_entities_come_from_risk_objects() -> None:
    ents = json.loads(entries("TTP")["action.notable.param._entities"])
    assert ents == [{"risk_object_field": "src", "risk_object_type": "system", "risk_score": 20},
                    {"risk_object_field": "user", "risk_object_type": "user", "risk_score": 36}]


def test_correlation_whose_risk_object_cannot_be_read_keeps_placeholder_entity_and_rba_title() -> None:
    e = entries("Correlation")
    assert json.loads(e["action.notable.param._entities"])[0]["risk_object_field"] == "N/A"
    assert e["action.notable.param.rule_title"] == "RBA: Consent Denied"
    assert e["action.notable.param.severity"] == "high"


CORRELATION_SEARCH = ('| from datamodel Risk.All_Risk | search risk_object_type="user" '
                      "| stats sum(risk_score) as risk_score dc(source) as source_count by risk_object risk_object_type "
                      "| where source_count >= 2 | `security_content_ctime(firstTime)` | `consent_denied_filter`")


def test_correlation_notable_names_the_risk_object_its_search_returns() -> None:
    corr = factory.detection(type="Correlation", search=CORRELATION_SEARCH)
    e = dict(detection_stanza(factory.app(), corr, "compact").entries)
    assert json.loads(e["action.notable.param._entities"]) == [
        {"risk_object_field": "risk_object", "risk_object_type": "user", "risk_score": 0}]
    # the type must be pinned by the search, and risk_object must be a result field
    for search in (CORRELATION_SEARCH.replace('risk_object_type="user" ', ""),
                   CORRELATION_SEARCH.replace('"user"', '"user" OR risk_object_type=system'),
                   CORRELATION_SEARCH.replace("by risk_object risk_object_type", "by normalized_risk_object")):
        other = factory.detection(type="Correlation", search=search)
        assert json.loads(dict(detection_stanza(factory.app(), other, "compact").entries)[
            "action.notable.param._entities"])[0]["risk_object_field"] == "N/A", search


def test_repository_correlation_detection_has_real_entities() -> None:
    from contentpack.content.validate import validate_pack

    root = Path(__file__).resolve().parents[2]
    pack = validate_pack(root).pack
    assert pack is not None
    (corr,) = [d for d in pack.detections if d.type == "Correlation"]
    stanza = dict(detection_stanza(pack.app, corr, "compact").entries)
    assert json.loads(stanza["action.notable.param._entities"]) == [
        {"risk_object_field": "risk_object", "risk_object_type": "user", "risk_score": 0}]


def test_risk_json_lists_risk_then_threat_objects_sorted() -> None:
    risk = json.loads(entries("TTP")["action.risk.param._risk"])
    assert [r.get("risk_object_field", r.get("threat_object_field")) for r in risk] == ["src", "user", "appId"]


def test_json_styles() -> None:
    compact = entries("TTP")["action.escu.mappings"]
    assert compact == '{"cis20":["CIS 10"],"mitre_attack":["T1528"],"nist":["DE.CM"]}'
    spaced = dict(detection_stanza(factory.app(), factory.detection(), "contentctl").entries)
    assert spaced["action.escu.mappings"] == '{"cis20": ["CIS 10"], "mitre_attack": ["T1528"], "nist": ["DE.CM"]}'
    drill = factory.detection(search="index=x | where a<b & c>'d'")
    text = dict(detection_stanza(factory.app(), drill, "contentctl").entries)["action.notable.param.drilldown_searches"]
    assert "\\u003c" in text and "\\u003e" in text and "\\u0026" in text and "\\u0027" in text
    assert json.loads(text)[0]["search"].startswith("index=x | where a<b & c>'d'")


def test_drilldown_placeholder_is_expanded() -> None:
    drills = json.loads(entries("TTP")["action.notable.param.drilldown_searches"])
    assert drills[0]["search"] == factory.SEARCH + ' | search user = "$user$"'
    assert drills[0]["earliest_offset"] == "$info_min_time$"


def test_each_drilldown_offset_is_written_when_set_and_only_then() -> None:
    """A drilldown's earliest_offset and latest_offset are written each on its own (escu_format.md §3.5: the
    ``drilldown_searches`` JSON carries the YAML's entries): one set without the other keeps just that one."""
    drills = (Drilldown("later only", "index=x", None, "$info_max_time$"), Drilldown("earlier only", "index=x", "2h", None))
    text = entries("TTP", drilldown_searches=drills)["action.notable.param.drilldown_searches"]
    assert json.loads(text) == [{"name": "later only", "search": "index=x", "latest_offset": "$info_max_time$"},
                                {"name": "earlier only", "search": "index=x", "earliest_offset": "2h"}]


def test_schedule_throttling_and_enabled() -> None:
    tags = dataclasses.replace(factory.detection().tags, throttling=Throttling(("user", "appId"), "3600s"))
    sched = Deployment(Scheduling("*/15 * * * *", "-20m@m", "now", "5"), True, NotableAction(nes_fields=("user",)))
    e = entries("TTP", tags=tags, deployment=sched, enabled_by_default=True)
    assert (e["cron_schedule"], e["dispatch.earliest_time"], e["dispatch.latest_time"], e["schedule_window"]) == (
        "*/15 * * * *", "-20m@m", "now", "5")
    assert (e["alert.suppress"], e["alert.suppress.fields"], e["alert.suppress.period"]) == ("true", "user,appId", "3600s")
    assert e["disabled"] == "false" and e["action.notable.param.nes_fields"] == "user"


def test_allow_skew_is_written_from_the_model_the_simulation_bounds_skews_by() -> None:
    """One value for both: the stanza's ``allow_skew`` is ``Scheduling.allow_skew`` (``simulate.dispatch.max_skew_of``
    reads the same field), 100% by default as ESCU writes it."""
    assert entries("TTP")["allow_skew"] == "100%"
    other = Deployment(dataclasses.replace(Scheduling(), allow_skew="5m"), True, NotableAction())
    assert entries("TTP", deployment=other)["allow_skew"] == "5m"


@pytest.mark.parametrize("score, expected", [(1, "informational"), (20, "informational"), (21, "low"),
                                             (40, "low"), (60, "medium"), (80, "high"), (81, "critical")])
def test_severity_bands(score: int, expected: str) -> None:
    d = factory.detection(rba=Rba("m", (RiskObject("user", "user", score),), ()))
    assert severity(d) == expected


def test_annotations_and_metadata() -> None:
    e = entries("TTP", status="deprecated")
    ann = json.loads(e["action.correlationsearch.annotations"])
    assert ann == {"analytic_story": ["Consent Abuse"], "cis20": ["CIS 10"],
                   "data_source": ["Azure Active Directory Sign-in activity"], "mitre_attack": ["T1528"],
                   "nist": ["DE.CM"], "type": "TTP", "type_list": ["TTP"]}
    meta = json.loads(e["action.correlationsearch.metadata"])
    assert meta == {"deprecated": "1", "detection_id": "bb093c30-d860-4858-a56e-cd0895d5b49c",
                    "detection_version": "3", "publish_time": 1746144000.0}
    assert e["description"].startswith("NOTE: this detection is deprecated")


def test_whole_file_round_trips_with_default_stanza_first() -> None:
    pack = factory.pack()
    rendered = render(savedsearches_conf(pack.app, pack.detections, "compact"), "savedsearches.conf")
    parsed = read_conf(rendered.text)
    assert [s.name for s in parsed.stanzas] == ["default"] + [f"TST - {d.name} - Rule" for d in pack.detections]
    assert parsed.stanzas == rendered.expected


@pytest.mark.parametrize("style", ["compact", "contentctl"])
def test_shared_values_are_what_each_file_would_work_out_alone(style: Any) -> None:
    """The builder hands both files one table of the values they share; the files must not change by it, and
    both must write the same mappings, description and providing technologies for a detection."""
    detections = (factory.detection(),
                  factory.detection("Old One", status="deprecated",
                                    search="`sysmon` `cloudtrail` | stats count by dest | `old_one_filter`"),
                  factory.detection("No Tech", search="index=main <x> & 'y' | `no_tech_filter`"))
    pack = factory.pack(detections=detections)
    table = shared_table(pack.detections, style)
    assert savedsearches_conf(pack.app, pack.detections, style, table) == savedsearches_conf(
        pack.app, pack.detections, style)
    assert analyticstories_conf(pack, style, table) == analyticstories_conf(pack, style)
    stories = {s.name: dict(s.entries) for s in analyticstories_conf(pack, style, table).stanzas}
    for stanza in savedsearches_conf(pack.app, pack.detections, style, table).stanzas[1:]:
        mine, theirs = dict(stanza.entries), stories[f"savedsearch://{stanza.name}"]
        assert mine["action.escu.mappings"] == theirs["annotations"]
        assert mine["description"] == theirs["explanation"]
        assert mine["action.escu.providing_technologies"] == theirs["providing_technologies"]
    assert [dict(s.entries)["action.escu.providing_technologies"]
            for s in savedsearches_conf(pack.app, pack.detections, style, table).stanzas[1:]] == [
        '["Azure AD", "Entra ID"]' if style == "contentctl" else '["Azure AD","Entra ID"]',
        '["Amazon Web Services - Cloudtrail", "Microsoft Sysmon"]' if style == "contentctl"
        else '["Amazon Web Services - Cloudtrail","Microsoft Sysmon"]',
        "null"]


def test_a_shared_table_of_other_detections_is_refused() -> None:
    pack = factory.pack(detections=(factory.detection(), factory.detection("Second")))
    with pytest.raises(ValueError):
        savedsearches_conf(pack.app, pack.detections, "compact", shared_table(pack.detections[:1], "compact"))


def test_providing_technologies_come_from_the_data_sources_sourcetype_too() -> None:
    """contentctl 5.6.2 names providing technologies only from ESCU macro names in the search text
    (`` `azure_monitor_aad` `` -> Azure AD, Entra ID); a search reading ``azure:monitor:aad`` through a macro of the
    pack's own name (CP074) gets the same from its data source's sourcetype, in both files; a data source the
    detection does not name, or another sourcetype, adds nothing."""
    search = "`entra_id_signin_and_audit_logs` | stats count by user | `consent_denied_filter`"
    detection = factory.detection(search=search)
    [name] = detection.data_source
    aad = DataSource(name, "c0ffee00-0000-4000-8000-000000000002", 1, dt.date(2026, 11, 20), "t", "d", "Azure AD",
                     "azure:monitor:aad")
    pack = dataclasses.replace(factory.pack(detections=(detection,)), data_sources=(aad,))
    [values] = shared_table(pack.detections, "compact", pack.data_sources)
    assert values.providing_technologies == '["Azure AD","Entra ID"]'
    [stanza] = [s for s in analyticstories_conf(pack, "compact").stanzas if s.name.startswith("savedsearch://")]
    assert dict(stanza.entries)["providing_technologies"] == '["Azure AD","Entra ID"]'
    assert shared_table(pack.detections, "compact")[0].providing_technologies == "null"  # no data sources given
    other = dataclasses.replace(aad, sourcetype="o365:management:activity")
    assert shared_table(pack.detections, "compact", (other,))[0].providing_technologies == "null"
    unnamed = dataclasses.replace(aad, name="Another Source")
    assert shared_table(pack.detections, "compact", (unnamed,))[0].providing_technologies == "null"
