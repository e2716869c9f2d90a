"""Tiny packs for the replay tests, built as ``Pack`` objects (the model the replay reads) in a tmp root.

Events are small Entra ID-shaped records (``azure:monitor:aad``): sign-ins with ``properties.status.errorCode``
and audit records, written as JSON lines under ``<root>/attack_data/``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from contentpack.content.diagnostics import Position
from contentpack.content.model import (
    AppConfig,
    AttackData,
    CalculatedField,
    DataSource,
    Detection,
    DetectionTags,
    Drilldown,
    FieldAlias,
    Lookup,
    Macro,
    Pack,
    Rba,
    RiskObject,
    SearchTime,
    SourceMap,
    ThreatObject,
    UnitTest,
)

from contentpack.simulate.engine_setup import build_engine
from contentpack.spl import Engine
from contentpack.spl.events import read_events
from contentpack.spl.values import Event

SOURCETYPE = "azure:monitor:aad"
STORY = "Test Consent Story"
TENANT = "11111111-2222-3333-4444-555555555555"
APP = AppConfig(appid="DA-ESS-Test", label="TST", title="Test pack", version="0.0.1", description="test",
                author_name="a", author_email="a@example.com", author_company="c")
DECLINED_SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
                   "| rename properties.* as * | fillnull "
                   "| stats count min(_time) as firstTime max(_time) as lastTime by dest user src appId appDisplayName "
                   "| `test_declined_filter`")
RESULTS_DRILLDOWN = Drilldown('View the detection results for - "$user$" and "$appId$"',
                              '%original_detection_search% | search  user = "$user$" appId = "$appId$"',
                              "$info_min_time$", "$info_max_time$")
RISK_DRILLDOWN = Drilldown('View risk events for the last 7 days for - "$user$"',
                           '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$user$") '
                           "starthoursago=168 | stats count values(search_name) as search_name by normalized_risk_object",
                           "$info_min_time$", "$info_max_time$")


def sign_in(user: str, code: int, *, app_id: str = "app-1", app_name: str = "Contoso Mailer",
            minute: int = 0, ip: str = "192.0.2.10") -> dict[str, Any]:
    return {
        "time": f"2026-10-13T12:{minute:02d}:00.0000000Z",
        "operationName": "Sign-in activity",
        "category": "SignInLogs",
        "tenantId": TENANT,
        "callerIpAddress": ip,
        "properties": {"userPrincipalName": user, "appId": app_id, "appDisplayName": app_name,
                       "status": {"errorCode": code}},
    }


# A consent grant's audit record, and a detection scoring it (by user and application).
GRANTED_SEARCH = ('`azure_monitor_aad` operationName="Consent to application" | rename properties.appId as appId '
                  "| stats count by user appId")


def granted(user: str, app_id: str, minute: int) -> dict[str, Any]:
    return {"time": f"2026-10-13T12:{minute:02d}:30.0000000Z", "operationName": "Consent to application",
            "tenantId": TENANT, "properties": {"appId": app_id, "initiatedBy": {"user": {"userPrincipalName": user}}}}


def indexed(pack: Pack, root: Path, data: str) -> tuple[Engine, list[Event]]:
    """The pack's engine holding the events of ``data`` (a test's file, read as the replay indexes it), and those
    events."""
    engine = build_engine(pack)
    events = list(read_events(root / data, sourcetype=SOURCETYPE, source="Azure AD", host="", index="main"))
    engine.register_events(events)
    return engine, events


def write_events(root: Path, name: str, events: Iterable[Mapping[str, Any]]) -> str:
    """Write JSON lines under ``attack_data/<name>.log``; returns the root-relative path tests point at."""
    path = root / "attack_data" / f"{name}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return f"attack_data/{name}.log"


def unit_test(data: str, *, name: str = "True Positive Test", expected: int | None = 1,
              rows: Sequence[Mapping[str, str]] = (), risk_from: Sequence[str] = ()) -> UnitTest:
    return UnitTest(name, (AttackData(data, "Azure AD", SOURCETYPE),), expected_results=expected,
                    expected_rows=tuple(MappingProxyType(dict(r)) for r in rows), risk_from=tuple(risk_from))


def detection(name: str = "Test Declined", search: str = DECLINED_SEARCH, *, kind: str = "TTP",
              tests: Sequence[UnitTest] = (), rba: Rba | None = None, with_rba: bool = True,
              drilldowns: Sequence[Drilldown] = (RESULTS_DRILLDOWN, RISK_DRILLDOWN),
              mitre: Sequence[str] = ("T1528",)) -> Detection:
    if rba is None and with_rba:
        rba = Rba("User $user$ declined application $appId$", (RiskObject("user", "user", 30),), ())
    positions: dict[tuple[str | int, ...], Position] = {("search",): Position(f"detections/{name}.yml", 12, 9)}
    return Detection(
        name=name, id="00000000-0000-4000-8000-000000000001", version=1, date=dt.date(2026, 11, 20),
        author="t", status="production", type=kind, description="d", search=search,  # type: ignore[arg-type]
        how_to_implement="h", known_false_positives="k",
        tags=DetectionTags((STORY,), "Azure Tenant", ("Splunk Enterprise",), "identity", tuple(mitre)),
        drilldown_searches=tuple(drilldowns), rba=rba, tests=tuple(tests),
        source=SourceMap(f"detections/{name}.yml", MappingProxyType(positions)),
    )


def data_source(name: str = "Sign-ins", *, calculated: Sequence[tuple[str, str]] | None = None,
                aliases: Sequence[tuple[str, str]] = (("tenantId", "dest"), ("callerIpAddress", "src"))) -> DataSource:
    if calculated is None:
        calculated = (("user", "coalesce('properties.userPrincipalName', 'properties.initiatedBy.user.userPrincipalName')"),
                      ("vendor_product", '"Azure AD"'))
    return DataSource(
        name=name, id="00000000-0000-4000-8000-000000000002", version=1, date=dt.date(2026, 11, 20), author="t",
        description="d", source="Azure AD", sourcetype=SOURCETYPE,
        search_time=SearchTime(tuple(FieldAlias(s, a) for s, a in aliases),
                               tuple(CalculatedField(f, e) for f, e in calculated)),
        source_map=SourceMap(f"data_sources/{name}.yml"),
    )


def macros(*extra: Macro) -> tuple[Macro, ...]:
    return (Macro("azure_monitor_aad", f"sourcetype={SOURCETYPE}", "d"),
            Macro("security_content_ctime", 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)', "d", ("field",)),
            *extra)


def lookup(root: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[str]], *,
           case_sensitive: bool | None = None) -> Lookup:
    path = root / "lookups" / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return Lookup(name=name, id="00000000-0000-4000-8000-000000000003", version=1, date=dt.date(2026, 11, 20),
                  author="t", description="d", filename=f"{name}.csv", case_sensitive_match=case_sensitive,
                  fields_list=tuple(header), source=SourceMap(f"lookups/{name}.yml"))


def pack(root: Path, *detections: Detection, lookups: Sequence[Lookup] = (),
         data_sources: Sequence[DataSource] | None = None, extra_macros: Sequence[Macro] = ()) -> Pack:
    return Pack(root=str(root), app=APP, detections=tuple(detections), macros=macros(*extra_macros),
                data_sources=tuple(data_sources) if data_sources is not None else (data_source(),),
                lookups=tuple(lookups))


def with_tests(item: Detection, *tests: UnitTest) -> Detection:
    return replace(item, tests=tuple(tests))
