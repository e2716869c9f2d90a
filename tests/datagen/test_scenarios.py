"""What each scenario must show — the expectations the detections are written against (issue 5 §3)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from contentpack.datagen import catalog
from contentpack.datagen.scenarios import SCENARIOS

from .datagen_support import ROOT as REPO

Records = list[dict[str, Any]]


def _code(r: dict[str, Any]) -> int | None:
    return None if r["category"] == "AuditLogs" else r["properties"]["status"]["errorCode"]


def _props(r: dict[str, Any]) -> dict[str, str | None]:
    """``Consent to application`` modified properties by name (the logged, JSON-encoded new values)."""
    return {p["displayName"]: p["newValue"] for p in r["properties"]["targetResources"][0]["modifiedProperties"]}


def _detail(r: dict[str, Any], key: str) -> str | None:
    return next((d["value"] for d in r["properties"]["additionalDetails"] if d["key"] == key), None)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _ops(records: Records, name: str, result: str | None = None) -> Records:
    return [
        r for r in records
        if r["operationName"] == name and (result is None or r["properties"]["result"] == result)
    ]


def test_consent_phishing_campaign(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["consent_phishing_campaign"]
    declines = [r for r in records if _code(r) == 65004]
    apps = {(r["properties"]["appId"], r["properties"]["appDisplayName"]) for r in declines}
    assert len(apps) == 1
    app_id, app_name = apps.pop()
    assert app_id not in {a.app_id for a in catalog.FIRST_PARTY_APPS}
    users = {r["properties"]["userPrincipalName"].lower() for r in declines}
    assert len(users) >= 25
    span = _t(max(r["time"] for r in declines)) - _t(min(r["time"] for r in declines))
    assert span.total_seconds() <= 3600
    consents = _ops(records, "Consent to application", "success")
    assert len({r["properties"]["initiatedBy"]["user"]["userPrincipalName"] for r in consents}) >= 3
    for consent in consents:
        # the documented join: sign-in appId = audit AppId, appDisplayName = target displayName
        assert _detail(consent, "AppId") == app_id
        assert consent["properties"]["targetResources"][0]["displayName"] == app_name
        permissions = _props(consent)["ConsentAction.Permissions"] or ""
        assert all(s in permissions for s in ("Mail.Read", "Mail.Send", "Files.ReadWrite.All"))
        assert "ConsentType: Principal," in permissions
        assert _props(consent)["ConsentContext.IsAdminConsent"] == '"False"'
        same = [r for r in records if r["correlationId"] == consent["correlationId"] and r is not consent]
        assert any(r["operationName"] == "Add delegated permission grant" for r in same)
    assert len(_ops(records, "Add delegated permission grant")) == len(consents)
    [created] = _ops(records, "Add service principal")
    # before the tenant's first consent the app has no service principal here, so sign-ins carry null
    first = created["properties"]["activityDateTime"]
    for r in records:
        if r["category"] != "AuditLogs" and r["properties"]["appId"] == app_id:
            expected = None if r["properties"]["createdDateTime"] < first else _detail_sp(created)
            assert r["properties"]["appServicePrincipalId"] == expected


def _detail_sp(created: dict[str, Any]) -> str:
    return created["properties"]["targetResources"][0]["id"]


def test_single_user_declines(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["single_user_declines"]
    declines = [r for r in records if _code(r) == 65004]
    assert len(declines) == 1
    assert Counter(_code(r) for r in records) == Counter({0: len(records) - 2, 65001: 1, 65004: 1})


# Scenarios where users decide on a third-party application's consent prompt (refuse with 65004 or grant with a
# user's Consent to application); admin_consent_paths, risky_app_blocked and the admin-consent walls show no prompt
# (every scenario is checked: one that gains a user's decision must gain its prompt and a place here).
USER_DECISIONS = (
    "baseline_tenant", "consent_phishing_campaign", "single_user_declines", "declined_then_granted", "quick_regrant",
    "decline_wave_hour_boundary", "uncommon_scopes_phishing", "relure_days_later", "legit_app_rollout",
)


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_decision_follows_its_consent_prompt(name: str, scenario_records: dict[str, Records]) -> None:
    """A user refuses or grants only after the consent prompt (AADSTS65001, interactive) of that application: an
    interactive 65001 sign-in of the same user and application, under the decision's correlation id, seconds
    before it by event time. Without it no generated campaign reaches *Prompts for Unlisted Application*."""
    records = scenario_records[name]
    prompts = {
        r["correlationId"]: r for r in records if _code(r) == 65001 and r["category"] == "SignInLogs"
    }
    decisions = [(r, r["properties"]["createdDateTime"], r["properties"]["userId"], r["properties"]["appId"])
                 for r in records if _code(r) == 65004]
    decisions += [
        (r, r["properties"]["activityDateTime"], r["properties"]["initiatedBy"]["user"]["id"], _detail(r, "AppId"))
        for r in _ops(records, "Consent to application", "success") if _props(r)["ConsentContext.IsAdminConsent"]
        == '"False"'
    ]
    assert bool(decisions) == (name in USER_DECISIONS), [decided for _, decided, _, _ in decisions]
    for decision, decided, user_id, app_id in decisions:
        prompt = prompts.get(decision["correlationId"])
        assert prompt is not None, (name, decided)
        assert (prompt["properties"]["userId"], prompt["properties"]["appId"]) == (user_id, app_id)
        lead = _t(decided) - _t(prompt["properties"]["createdDateTime"])
        assert 0 < lead.total_seconds() <= 90, (name, decided)


def test_consent_required_only(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["consent_required_only"]
    codes = Counter(_code(r) for r in records)
    assert 65004 not in codes and set(codes) == {0, 65001}
    required = [r for r in records if _code(r) == 65001]
    assert len({r["properties"]["appId"] for r in required}) == 1
    assert len({r["properties"]["userPrincipalName"].lower() for r in required}) >= 5
    assert not _ops(records, "Consent to application")


def test_declined_then_granted(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["declined_then_granted"]
    [decline] = [r for r in records if _code(r) == 65004]
    [consent] = _ops(records, "Consent to application", "success")
    user = decline["properties"]["userPrincipalName"].lower()
    assert consent["properties"]["initiatedBy"]["user"]["userPrincipalName"].lower() == user
    assert _detail(consent, "AppId") == decline["properties"]["appId"]
    gap = _t(consent["properties"]["activityDateTime"]) - _t(decline["properties"]["createdDateTime"])
    assert gap.total_seconds() >= 3 * 3600


def test_admin_consent_paths(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["admin_consent_paths"]
    codes = Counter(_code(r) for r in records)
    assert codes[90094] >= 3 and codes[90095] >= 2
    first_request = min(r["time"] for r in records if _code(r) == 90095)
    assert max(r["time"] for r in records if _code(r) == 90094) < first_request
    [consent] = _ops(records, "Consent to application", "success")
    props = _props(consent)
    assert props["ConsentContext.IsAdminConsent"] == '"True"'
    assert props["ConsentContext.OnBehalfOfAll"] == '"True"'
    assert "ConsentType: AllPrincipals" in (props["ConsentAction.Permissions"] or "")
    assert consent["time"] > first_request
    [grant] = _ops(records, "Add delegated permission grant")
    grant_props = {
        p["displayName"]: p["newValue"] for p in grant["properties"]["targetResources"][0]["modifiedProperties"]
    }
    assert grant_props["DelegatedPermissionGrant.ConsentType"] == '"AllPrincipals"'
    # One record per application permission, a second apart (one consent): the window-edge sweep's case.
    roles = _ops(records, "Add app role assignment to service principal")
    assert [_props(r)["AppRole.Value"] for r in roles] == ['"User.Read.All"', '"Directory.Read.All"']
    assert len({_props(r)["ServicePrincipal.ObjectID"] for r in roles}) == 1


def test_risky_app_blocked(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["risky_app_blocked"]
    [blocked] = _ops(records, "Consent to application")
    assert blocked["properties"]["result"] == "failure"
    assert _props(blocked)["ConsentAction.Reason"] == '"Risky application detected"'
    assert blocked["properties"]["resultReason"] == "Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException"
    assert "ClientId: 00000000-0000-0000-0000-000000000000" in (_props(blocked)["ConsentAction.Permissions"] or "")


def test_baseline_noise(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["baseline_tenant"]
    codes = Counter(_code(r) for r in records)
    assert {50074, 50076, 700020, 65001, 65004} <= set(codes)
    assert len({r["properties"]["userPrincipalName"].lower() for r in records if _code(r) is not None}) >= 60
    declines = [r for r in records if _code(r) == 65004]
    per_app_day = Counter((r["properties"]["appId"], r["properties"]["createdDateTime"][:10]) for r in declines)
    assert 3 <= len(declines) and max(per_app_day.values()) <= 2
    assert len({day for _, day in per_app_day}) >= 3 and len({app for app, _ in per_app_day}) >= 3
    first_party = {a.app_id for a in catalog.FIRST_PARTY_APPS}
    silent = [r for r in records if _code(r) == 65001 and r["category"] == "NonInteractiveUserSignInLogs"]
    assert silent and all(r["properties"]["appId"] in first_party for r in silent)
    policies = _ops(records, "Update authorization policy")
    assert len(policies) == 2
    for policy in policies:
        changed = {p["displayName"] for p in policy["properties"]["targetResources"][0]["modifiedProperties"]}
        assert "AllowUserConsentForRiskyApps" not in changed
    for consent in _ops(records, "Consent to application"):
        permissions = _props(consent)["ConsentAction.Permissions"] or ""
        assert "Mail." not in permissions and "Files." not in permissions


def _policy_changes(r: dict[str, Any]) -> dict[str, tuple[str | None, str | None]]:
    """``Update authorization policy`` settings by name: (old, new) logged values, without the
    ``Included Updated Properties`` summary."""
    return {
        p["displayName"]: (p["oldValue"], p["newValue"])
        for p in r["properties"]["targetResources"][0]["modifiedProperties"]
        if p["displayName"] != "Included Updated Properties"
    }


def test_consent_policy_weakened(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["consent_policy_weakened"]
    legacy = '["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"]'
    low = '["ManagePermissionGrantsForSelf.microsoft-user-default-low"]'
    policies = _ops(records, "Update authorization policy", "success")
    assert len(policies) == 3 and len(records) >= 40  # ordinary traffic around the changes
    weakening, restore = policies[:2], policies[2]
    assert [_policy_changes(r) for r in weakening] == [
        {"AllowUserConsentForRiskyApps": ("[false]", "[true]")},
        {"PermissionGrantPolicyIdsAssignedToDefaultUserRole": (low, legacy)},
    ]
    assert _policy_changes(restore) == {
        "AllowUserConsentForRiskyApps": ("[true]", "[false]"),
        "PermissionGrantPolicyIdsAssignedToDefaultUserRole": (legacy, low),
    }
    admins = {r["properties"]["initiatedBy"]["user"]["userPrincipalName"] for r in policies}
    assert admins == {"patti.wilber@contoso.example"}
    # the weakening comes from the attacker's address, the restore from the admin's office
    attacker_ips = {r["callerIpAddress"] for r in weakening}
    assert len(attacker_ips) == 1 and restore["callerIpAddress"] not in attacker_ips
    assert all(r["properties"]["initiatedBy"]["user"]["ipAddress"] == r["callerIpAddress"] for r in policies)
    # the admin account signs in from the attacker's address before the first change
    [attacker_sign_in] = [r for r in records if _code(r) is not None and r["callerIpAddress"] in attacker_ips]
    assert attacker_sign_in["properties"]["userPrincipalName"].lower() == "patti.wilber@contoso.example"
    assert attacker_sign_in["properties"]["createdDateTime"] < weakening[0]["properties"]["activityDateTime"]
    # shaped like the real record (sample line 14): one policy object, Graph SDK agent, summary property last
    baseline = _ops(scenario_records["baseline_tenant"], "Update authorization policy")
    policy_ids = {r["properties"]["targetResources"][0]["id"] for r in policies + baseline}
    assert len(policy_ids) == 1  # the tenant's one authorization policy, in every scenario
    for r in weakening:
        assert _detail(r, "User-Agent") == "Swagger-Codegen/1.0.0.0/csharp/msal"
        last = r["properties"]["targetResources"][0]["modifiedProperties"][-1]
        assert last["displayName"] == "Included Updated Properties" and last["oldValue"] is None
        assert last["newValue"] == '"' + ", ".join(_policy_changes(r)) + '"'
    assert weakening[0]["time"] < weakening[1]["time"] < restore["time"]


# ------------------------------------------------------------------ timing shapes (issue 13)


def test_audit_records_are_written_at_the_event_time(scenario_records: dict[str, Records]) -> None:
    """Every real audit record in the published samples has ``time`` equal to ``activityDateTime``; the generator's
    audit records too (only sign-in records are written after the event)."""
    audits = [r for records in scenario_records.values() for r in records if r["category"] == "AuditLogs"]
    assert len(audits) >= 30
    for r in audits:
        assert _t(r["time"]) == _t(r["properties"]["activityDateTime"]), r["operationName"]


def _event(r: dict[str, Any]) -> datetime:
    return _t(r["properties"].get("createdDateTime") or r["properties"]["activityDateTime"])


def test_quick_regrant_reverses_record_order(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["quick_regrant"]
    [decline] = [r for r in records if _code(r) == 65004]
    [consent] = _ops(records, "Consent to application", "success")
    gap = (_event(consent) - _event(decline)).total_seconds()
    assert 60 <= gap <= 5 * 60  # granted minutes after the refusal...
    assert _t(consent["time"]) < _t(decline["time"])  # ...but the refusal's record is written after the grant's
    typed = decline["properties"]["userPrincipalName"]
    granted_by = consent["properties"]["initiatedBy"]["user"]["userPrincipalName"]
    assert typed != granted_by and typed.lower() == granted_by.lower()
    assert _detail(consent, "AppId") == decline["properties"]["appId"]


def test_decline_wave_splits_at_the_hour_by_record_time(scenario_records: dict[str, Records]) -> None:
    declines = [r for r in scenario_records["decline_wave_hour_boundary"] if _code(r) == 65004]
    assert len({r["properties"]["userPrincipalName"].lower() for r in declines}) == 8
    assert len({r["properties"]["appId"] for r in declines}) == 1
    hours = Counter(r["time"][:13] for r in declines)
    assert sorted(hours.values()) == [4, 4]  # a clock-hour bucket never holds the threshold of 5
    span = max(_t(r["time"]) for r in declines) - min(_t(r["time"]) for r in declines)
    assert span.total_seconds() <= 30 * 60
    assert not _ops(scenario_records["decline_wave_hour_boundary"], "Consent to application")


def test_relure_days_later(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["relure_days_later"]
    [decline] = [r for r in records if _code(r) == 65004]
    [consent] = _ops(records, "Consent to application", "success")
    assert (_event(consent) - _event(decline)).total_seconds() >= 2 * 86400
    assert decline["properties"]["userPrincipalName"].lower() == (
        consent["properties"]["initiatedBy"]["user"]["userPrincipalName"].lower())
    assert any(r.get("callerIpAddress") == "198.51.100.66" for r in records)  # the token is then redeemed


def test_uncommon_scopes_phishing_asks_no_high_risk_scope(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["uncommon_scopes_phishing"]
    declines = [r for r in records if _code(r) == 65004]
    consents = _ops(records, "Consent to application", "success")
    assert len({r["properties"]["userPrincipalName"].lower() for r in declines}) == 7 and len(consents) == 2
    with (REPO / "lookups" / "entra_id_risky_oauth_scopes.csv").open(encoding="utf-8", newline="") as handle:
        high = {row["scope"].lower() for row in csv.DictReader(handle) if row["risk_level"] == "high"}
    for consent in consents:
        permissions = _props(consent)["ConsentAction.Permissions"] or ""
        scopes = permissions.split("Scope: ")[1].split(",")[0].split()
        assert "People.Read" in scopes and not {s.lower() for s in scopes} & high


def test_legit_app_rollout_is_a_reviewed_app(scenario_records: dict[str, Records]) -> None:
    records = scenario_records["legit_app_rollout"]
    declines = [r for r in records if _code(r) == 65004]
    [app_id] = {r["properties"]["appId"] for r in declines}
    known = (REPO / "lookups" / "entra_id_known_applications.csv").read_text(encoding="utf-8")
    assert app_id in known
    consents = _ops(records, "Consent to application", "success")
    admin = [c for c in consents if _props(c)["ConsentContext.IsAdminConsent"] == '"True"']
    assert len(declines) == 10 and len(consents) == 4 and len(admin) == 1
    assert max(_event(c) for c in consents) == _event(admin[0])  # the admin consents after the rollout


def test_admin_consent_wall_scenarios_log_one_code_each(scenario_records: dict[str, Records]) -> None:
    """One tenant-wide setting decides the code: the admin consent workflow off gives 90094, on gives the
    request prompt 90095 (learn.microsoft.com/entra/identity/enterprise-apps/configure-risk-based-step-up-consent:
    "If the admin consent request workflow isn't enabled, the following message is displayed: AADSTS90094"),
    so a scenario of one tenant at one setting never mixes them, and nobody grants."""
    for name, code in (("admin_consent_blocked", 90094), ("admin_consent_requests", 90095)):
        records = scenario_records[name]
        walled = [r for r in records if _code(r) in (90094, 90095)]
        assert {_code(r) for r in walled} == {code}
        assert len({r["properties"]["userPrincipalName"].lower() for r in walled}) == 4
        assert len({r["properties"]["appId"] for r in walled}) == 1
        assert not [r for r in records if r["category"] == "AuditLogs"]
