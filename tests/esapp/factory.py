"""Small builders of model objects so build tests do not depend on the YAML loader or on real content."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from contentpack.content.model import (
    AppConfig,
    AttackData,
    Detection,
    DetectionTags,
    Drilldown,
    Lookup,
    Macro,
    Pack,
    Rba,
    RiskObject,
    Story,
    StoryTags,
    ThreatObject,
    Throttling,
    UnitTest,
)

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z
ENV = {"SOURCE_DATE_EPOCH": str(EPOCH)}

SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
          "| rename properties.* as * | stats count min(_time) as firstTime max(_time) as lastTime by user appId "
          "| `security_content_ctime(firstTime)` | `consent_denied_filter`")


def app(**changes: Any) -> AppConfig:
    base = AppConfig(appid="DA-ESS-TestPack", label="TST", title="Test Pack", version="1.2.3",
                     description="Detections for tests.", author_name="Ann Author", author_email="ann@example.com",
                     author_company="Example Co")
    return dataclasses.replace(base, **changes)


def detection(name: str = "Consent Denied", **changes: Any) -> Detection:
    kind = changes.get("type", "TTP")
    rba = None
    if kind in ("TTP", "Anomaly"):
        rba = Rba("User $user$ denied consent to $appId$",
                  (RiskObject("user", "user", 36), RiskObject("src", "system", 20)),
                  (ThreatObject("appId", "process"),))
    base = Detection(
        name=name, id="bb093c30-d860-4858-a56e-cd0895d5b49c", version=3, date=dt.date(2025, 5, 2),
        author="Ann Author, Example Co", status="production", type=kind,
        description="Finds users who declined consent\nto an OAuth application.",
        search=SEARCH, how_to_implement="Ingest Entra ID sign-in logs.",
        known_false_positives="Users decline legitimate apps by mistake.",
        tags=DetectionTags(analytic_story=("Consent Abuse",), asset_type="Azure Tenant",
                           product=("Splunk Enterprise", "Splunk Enterprise Security"), security_domain="identity",
                           mitre_attack_id=("T1528",)),
        data_source=("Azure Active Directory Sign-in activity",),
        references=("https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes",),
        drilldown_searches=(
            Drilldown('View the detection results for - "$user$"', '%original_detection_search% | search user = "$user$"',
                      "$info_min_time$", "$info_max_time$"),
            Drilldown('View risk events for - "$user$"', '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$user$")',
                      "$info_min_time$", "$info_max_time$"),
        ),
        rba=rba,
        tests=(UnitTest("True Positive Test", (AttackData("attack_data/consent.json", "Azure AD", "azure:monitor:aad"),)),),
    )
    return dataclasses.replace(base, **changes)


def story(name: str = "Consent Abuse", **changes: Any) -> Story:
    base = Story(name=name, id="a1b2c3d4-0000-4000-8000-000000000001", version=1, date=dt.date(2025, 1, 2),
                 author="Ann Author, Example Co", status="production", description="Consent phishing.",
                 narrative="Attackers lure users\ninto granting OAuth consent.",
                 tags=StoryTags(category=("Adversary Tactics",), product=("Splunk Enterprise",), usecase="Advanced Threat Detection"),
                 references=("https://attack.mitre.org/techniques/T1528/",))
    return dataclasses.replace(base, **changes)


def macros() -> tuple[Macro, ...]:
    return (Macro("azure_monitor_aad", "sourcetype=azure:monitor:aad", "Where Entra ID logs live."),
            Macro("security_content_ctime", 'convert timeformat="%Y-%m-%dT%H:%M:%S" ctime($field$)',
                  "Epoch to string.", ("field",)))


def pack(root: Path | str = "/nonexistent", detections: tuple[Detection, ...] | None = None,
         lookups: tuple[Lookup, ...] = (), **app_changes: Any) -> Pack:
    dets = detections if detections is not None else (
        detection(), detection("Consent Spike", type="Anomaly", id="bb093c30-d860-4858-a56e-cd0895d5b49d"),
        detection("Consent Hunt", type="Hunting", id="bb093c30-d860-4858-a56e-cd0895d5b49e",
                  tags=dataclasses.replace(detection().tags, throttling=Throttling(("user", "appId"), "3600s"))),
        detection("Consent Correlation", type="Correlation", id="bb093c30-d860-4858-a56e-cd0895d5b49f"))
    return Pack(root=str(root), app=app(**app_changes), detections=dets, macros=macros(), stories=(story(),),
                lookups=lookups)


def lookup(root: Path, name: str = "consent_apps", rows: str = "appId,verdict\n1234,allow\n") -> Lookup:
    (root / "lookups").mkdir(parents=True, exist_ok=True)
    (root / "lookups" / f"{name}.csv").write_text(rows)
    return Lookup(name=name, id="c0ffee00-0000-4000-8000-000000000001", version=1, date=dt.date(2025, 1, 1),
                  author="Ann", description="Known apps", filename=f"{name}.csv", case_sensitive_match=False,
                  fields_list=tuple(rows.splitlines()[0].split(",")))
