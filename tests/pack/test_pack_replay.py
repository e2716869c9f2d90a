"""Replay of the real pack with the project's replay layer (``contentpack.replay``): every detection's own
tests (expected_results, expected_rows, risk_from, contentctl's pass rule, drilldowns) over the committed
attack data, the 65001-vs-65004 separation on controlled variants of a real sign-in record, and the
detections over Splunk's real sample records."""

from __future__ import annotations

import dataclasses
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from contentpack.content.model import Detection, Pack
from contentpack.content.validate import validate_pack
from contentpack.simulate.engine_setup import REPLAY_NOW, build_engine, pack_macros
from contentpack.simulate.risk import risk_events
from contentpack.replay.runner import replay_pack, run_detection_search
from contentpack.spl import Results, parse
from contentpack.spl.macros import expand_text
from contentpack.spl.values import mv_values, to_str

from pack_copies import pack_copy
from real_pack_runs import all_time_replay
from .pack_content_files import REPO

SAMPLES = REPO / "tests" / "fixtures" / "splunk_security_content" / "azure_monitor_aad_example_logs.jsonl"


@pytest.fixture(scope="module")
def pack() -> Pack:
    result = validate_pack(REPO)
    assert result.pack is not None and not result.errors
    return result.pack


def _detection(pack: Pack, name: str) -> Detection:
    found = [d for d in pack.detections if d.name == name]
    assert found, name
    return found[0]


def _run(pack: Pack, detection: Detection, files: list[Path]) -> Results:
    engine = build_engine(pack)
    for path in files:
        engine.register_events(path, sourcetype="azure:monitor:aad", source="Azure AD")
    return run_detection_search(engine, detection)


def _rows_of_records(pack: Pack, name: str, tmp_path: Path, *records: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows detection ``name`` returns on ``records``, written as one log file in ``tmp_path``."""
    log = tmp_path / "records.log"
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [dict(row) for row in _run(pack, _detection(pack, name), [log]).rows]


def test_every_search_parses_with_the_packs_macros(pack: Pack) -> None:
    macros = pack_macros(pack)
    for detection in pack.detections:
        assert parse(detection.search, macros).commands, detection.name


def test_every_detection_test_passes_replay(pack: Pack) -> None:
    """contentctl's way (all time); the scheduled expectations are test_pack_scheduled.py's."""
    report = all_time_replay()  # replay_pack(pack, all_time=True), shared with test_remote_replay.py
    assert report.setup_errors == ()
    failures = [
        (o.detection, o.test, o.result_count, o.expected_results, o.errors, [c for c in o.checks if not c.ok])
        for o in report.outcomes
        if o.errors or o.result_count != o.expected_results or not all(c.ok for c in o.checks)
    ]
    assert failures == []
    assert len(report.outcomes) == sum(len(d.tests) for d in pack.detections) >= 29
    must_miss = {(o.detection, o.test) for o in report.outcomes if o.expected_results == 0}
    assert ("Entra ID User Declined OAuth Application Consent", "Consent Required Only Must Not Fire") in must_miss
    assert ("Entra ID OAuth Consent Declined by Many Users", "Baseline Tenant Must Not Fire") in must_miss


def _real_sign_in() -> dict[str, Any]:
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["operationName"] == "Sign-in activity":
            return record
    raise AssertionError("no sign-in record in the samples")


def _with_code(record: dict[str, Any], code: int, reason: str) -> dict[str, Any]:
    variant = json.loads(json.dumps(record))
    variant["resultType"] = str(code)
    variant["resultDescription"] = reason
    variant["properties"]["status"] = {"errorCode": code, "failureReason": reason}
    return variant


@pytest.mark.parametrize(("code", "expected"), [(65004, 1), (65001, 0), (50076, 0)])
def test_decline_detection_fires_on_65004_and_never_on_65001(pack: Pack, tmp_path: Path, code: int, expected: int) -> None:
    """The same real sign-in, changed only in its error code: only AADSTS65004 (UserDeclinedConsent) is a
    refusal; AADSTS65001 (DelegationDoesNotExist) is consent still missing and must not fire."""
    log = tmp_path / "variant.log"
    log.write_text(json.dumps(_with_code(_real_sign_in(), code, f"code {code}")) + "\n", encoding="utf-8")
    rows = _run(pack, _detection(pack, "Entra ID User Declined OAuth Application Consent"), [log]).rows
    assert len(rows) == expected
    if expected:
        row = rows[0]
        assert row["user"] == "user15@splunkresearch.onmicrosoft.com"
        assert row["app_id"] == "1b730954-1685-4b74-9bfd-dac224a7b894"
        assert row["dest"] == row["vendor_account"] == "887c9144-28b8-431b-885b-764fdeefcf62"
        assert row["src"] == "1.2.3.4" and row["vendor_product"] == "Azure AD"
        assert row["signature"] == "Sign-in activity" and row["failure_reason"] == "code 65004"


UNLISTED_APP = "5f0c3c39-9e47-4b7e-9d5e-0f3a55e1c7a2"  # in no lookup: an unreviewed application


def test_spike_detection_counts_distinct_users_per_app(pack: Pack, tmp_path: Path) -> None:
    """Distinct users (compared in lower case) per application id over the search window; applications the
    tenant reviewed (entra_id_known_applications, here the real record's Azure AD PowerShell) are left out."""
    base = _with_code(_real_sign_in(), 65004, "declined")
    known = base["properties"]["appId"]
    base["properties"]["appId"] = UNLISTED_APP
    lines = []
    for n in range(6):  # six users (one written in upper case), one app, one hour: over the default of 5
        record = json.loads(json.dumps(base))
        record["time"] = f"2023-10-24T20:{10 + n:02d}:00.0000000Z"
        record["properties"]["userPrincipalName"] = f"user{n}@contoso.example"
        record["properties"]["id"] = f"22608a25-1d9b-44b5-b0f2-cb94f06b5a0{n}"  # each sign-in its own id
        lines.append(json.dumps(record))
    upper = json.loads(lines[0])
    upper["properties"]["userPrincipalName"] = "USER0@contoso.example"  # same user, other letter case
    upper["properties"]["id"] = "22608a25-1d9b-44b5-b0f2-cb94f06b5a10"  # another sign-in, not a copy
    lines.append(json.dumps(upper))
    log = tmp_path / "spike.log"
    detection = _detection(pack, "Entra ID OAuth Consent Declined by Many Users")
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = _run(pack, detection, [log]).rows
    assert len(rows) == 1 and str(rows[0]["user_count"]) == "6"
    assert rows[0]["app_id"] == UNLISTED_APP
    log.write_text("\n".join(lines[:4] + lines[-1:]) + "\n", encoding="utf-8")
    assert _run(pack, detection, [log]).rows == []
    log.write_text("\n".join(line.replace(UNLISTED_APP, known) for line in lines) + "\n", encoding="utf-8")
    assert _run(pack, detection, [log]).rows == []


def test_real_samples_fire_only_the_matching_detections(pack: Pack) -> None:
    """Splunk's published real records: the failed (risky-app) consent, the authorization policy change that
    allows consent to risky apps and the app-initiated full_access_as_app role assignment (a high role: the
    High-Risk application-permission detection's) each fire their detection once; nothing else fires."""
    fired = {d.name: _run(pack, d, [SAMPLES]).rows for d in pack.detections if d.type != "Correlation"}
    assert {name for name, rows in fired.items() if rows} == {
        "Entra ID User Consent Blocked for Risky Application",
        "Entra ID User Consent Policy Weakened",
        HIGH_RISK_ROLE,
    }
    role = fired[HIGH_RISK_ROLE]
    assert len(role) == 1
    assert role[0]["app_role"] == "full_access_as_app" and role[0]["highest_risk_level"] == "high"
    assert role[0]["user"] == "fc8c8125-bc0c-499d-8344-e53c6e3caa81"  # initiated by an app: its SP id, not a name
    assert role[0]["resource_name"] == "Office 365 Exchange Online" and role[0]["src"] == "unknown"
    # the risk message says an application made the grant (v21 read "fc8c8125-... granted", as if a person had),
    # names the API by its application id, which Microsoft assigns (v29 named no API: its display name, in the
    # results only, is the registrant's choice - an application's own API may be named Microsoft Graph), and
    # names the client by its service principal too, so a grant an application made to itself reads as one
    [event] = risk_events(pack.app, _detection(pack, HIGH_RISK_ROLE), role, 0.0)
    assert role[0]["resource_app_id"] == "00000002-0000-0ff1-ce00-000000000000"
    assert event["risk_message"] == (
        "The servicePrincipal fc8c8125-bc0c-499d-8344-e53c6e3caa81 granted high-risk application permission "
        "full_access_as_app (highest level high) of the API with application id 00000002-0000-0ff1-ce00-000000000000 "
        "to client application 5f91ce94-4cc5-4ebe-aeb6-f074e57201bb (service principal "
        "2e5c2fd0-cca4-452c-9891-a07c0dafd964)")
    blocked = fired["Entra ID User Consent Blocked for Risky Application"]
    assert len(blocked) == 1
    assert blocked[0]["user"] == "user15@splunkresearch.onmicrosoft.com"
    assert blocked[0]["app_id"] == "96f6a3d6-d5aa-4af5-a77a-9319b5283712"
    assert "Mail.Send" in str(blocked[0]["scope"])
    weakened = fired["Entra ID User Consent Policy Weakened"]
    assert len(weakened) == 1
    assert weakened[0]["user"] == "attacker@splunkresearch.onmicrosoft.com"
    assert str(weakened[0]["risky_apps_allowed"]) == "1" and str(weakened[0]["legacy_consent_enabled"]) == "0"


def test_a_role_an_application_granted_itself_reads_as_such_in_its_risk_message(pack: Pack) -> None:
    """The classic escalation - an application granting itself RoleManagement.ReadWrite.Directory with an app-only
    token: the risk object is the application's service principal (object id), the threat object its client
    application (app) id, two ids of one application that nothing in the message tied together until it named the
    client's service principal too (v28 read "... to client application 5f91ce94-..." only)."""
    detection = _detection(pack, PRIVILEGED_ROLE)
    log = REPO / "attack_data" / "real_records" / "app_role_self_granted_after_admin_grant.log"
    rows = _run(pack, detection, [log]).rows
    [own] = [row for row in rows if row["initiator_type"] == "servicePrincipal"]
    [event] = risk_events(pack.app, detection, [own], 0.0)
    assert event["risk_message"] == (
        "The servicePrincipal 2e5c2fd0-cca4-452c-9891-a07c0dafd964 granted privileged application permission "
        "RoleManagement.ReadWrite.Directory (highest level critical) of the API with application id "
        "00000002-0000-0ff1-ce00-000000000000, which lets it grant more privilege, to client application "
        "5f91ce94-4cc5-4ebe-aeb6-f074e57201bb (service principal 2e5c2fd0-cca4-452c-9891-a07c0dafd964)")


def _policy_change(risky: tuple[str, str], grants: tuple[str, str]) -> dict[str, Any]:
    """Splunk's real ``Update authorization policy`` record with the two consent settings set to
    (old, new) values in their logged form (JSON text inside the string, e.g. ``[true]``)."""
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["operationName"] == "Update authorization policy":
            for prop in record["properties"]["targetResources"][0]["modifiedProperties"]:
                if prop["displayName"] == "AllowUserConsentForRiskyApps":
                    prop["oldValue"], prop["newValue"] = risky
                elif prop["displayName"] == "PermissionGrantPolicyIdsAssignedToDefaultUserRole":
                    prop["oldValue"], prop["newValue"] = grants
            return record
    raise AssertionError("no authorization policy record in the samples")


LEGACY = '["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"]'
LOW = '["ManagePermissionGrantsForSelf.microsoft-user-default-low"]'
RECOMMENDED = '["ManagePermissionGrantsForSelf.microsoft-user-default-recommended"]'
TEAM_OWNERS = '["ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team"]'
LOW_PLUS_CUSTOM = ('["ManagePermissionGrantsForSelf.microsoft-user-default-low",'
                   '"ManagePermissionGrantsForSelf.contoso-any-app-any-permission"]')
# Microsoft-managed consent ("Let Microsoft manage your consent settings") with the mail client policy beside it
MANAGED_WITH_MAIL_CLIENTS = ('["ManagePermissionGrantsForSelf.microsoft-user-default-recommended",'
                             '"ManagePermissionGrantsForSelf.microsoft-user-default-allow-consent-apps"]')
LOW_PLUS_TEAM_OWNERS = ('["ManagePermissionGrantsForSelf.microsoft-user-default-low",'
                        '"ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team"]')


@pytest.mark.parametrize(
    ("risky", "grants", "fired"),
    [
        (("[false]", "[false]"), ("[]", LOW), "self_consent_enabled"),  # user consent turned on
        (("[false]", "[false]"), (LOW, LEGACY), "legacy_consent_enabled"),  # widened to all apps
        (("[false]", "[true]"), (LOW, LOW), "risky_apps_allowed"),  # risky apps allowed
        (("[true]", "[false]"), (LEGACY, "[]"), None),  # tightening: must not fire
        (("[false]", "[false]"), (LEGACY, LOW), None),  # narrowed to verified publishers: must not fire
        # a policy added beside the low-impact one: self-consent was already on and the legacy policy is not
        # involved, so the three flags above miss it; a custom policy can let users consent to any app
        (("[false]", "[false]"), (LOW, LOW_PLUS_CUSTOM), "consent_policy_added"),
        # team owners may consent (resource-specific consent) to apps reading their teams' data
        (("[false]", "[false]"), (LOW, LOW_PLUS_TEAM_OWNERS), "consent_policy_added"),
        # the Microsoft-managed recommended policy replaces the legacy one: a tightening, must not fire
        (("[false]", "[false]"), (LEGACY, RECOMMENDED), None),
        # Manage app consent policies: -recommended lets users consent to any user-consentable delegated permission
        # but a listed few, for any app; -low only to permissions the tenant classified low, for apps from verified
        # publishers or registered in the tenant: an unverified app or an unclassified permission is newly allowed
        (("[false]", "[false]"), (LOW, RECOMMENDED), "consent_policy_added"),
        # the Microsoft-managed pair replacing the legacy policy (any app, any user-consentable permission): both are
        # within it, a tightening, must not fire (v23 reported the mail client policy as added)
        (("[false]", "[false]"), (LEGACY, MANAGED_WITH_MAIL_CLIENTS), None),
        # the mail client policy beside -recommended: six mail apps may now get the mail permissions it excludes
        (("[false]", "[false]"), (RECOMMENDED, MANAGED_WITH_MAIL_CLIENTS), "consent_policy_added"),
        # -recommended to -low narrows to verified publishers and classified permissions; it widens only for a
        # permission the tenant classified low that -recommended excludes, which the record does not show: not reported
        (("[false]", "[false]"), (RECOMMENDED, LOW), None),
        # the team-owner policy kept while self-consent is switched off: must not fire
        (("[false]", "[false]"), (LOW_PLUS_TEAM_OWNERS, TEAM_OWNERS), None),
    ],
)
def test_policy_detection_fires_only_on_weakening(
    pack: Pack, tmp_path: Path, risky: tuple[str, str], grants: tuple[str, str], fired: str | None
) -> None:
    rows = _rows_of_records(pack, "Entra ID User Consent Policy Weakened", tmp_path, _policy_change(risky, grants))
    if fired is None:
        assert rows == []
        return
    assert len(rows) == 1
    flags = {k: str(rows[0].get(k)) for k in (
        "risky_apps_allowed", "self_consent_enabled", "legacy_consent_enabled", "consent_policy_added")}
    assert flags[fired] == "1"
    assert rows[0]["user"] == "attacker@splunkresearch.onmicrosoft.com"


def test_policy_weakening_scenario_fires_only_the_policy_detection(pack: Pack) -> None:
    """The committed ``consent_policy_weakened`` file: the two weakening calls from the attacker's IP make a row
    each (one per change, ``change_id``, v21); the admin's restore from the office (a tightening) adds no row, and
    no other detection fires."""
    log = REPO / "attack_data" / "consent_policy_weakened" / "consent_policy_weakened.log"
    fired = {d.name: _run(pack, d, [log]).rows for d in pack.detections if d.type != "Correlation"}
    assert {name for name, rows in fired.items() if rows} == {"Entra ID User Consent Policy Weakened"}
    rows = fired["Entra ID User Consent Policy Weakened"]
    assert {(row["user"], row["src"], str(row["count"]), str(row["self_consent_enabled"])) for row in rows} == {
        ("patti.wilber@contoso.example", "198.51.100.66", "1", "0")}
    assert sorted((str(row["risky_apps_allowed"]), str(row["legacy_consent_enabled"])) for row in rows) == [
        ("0", "1"), ("1", "0")]
    assert len({row["change_id"] for row in rows}) == 2


def _campaign_consent() -> dict[str, Any]:
    log = REPO / "attack_data" / "consent_phishing_campaign" / "consent_phishing_campaign.log"
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["operationName"] == "Consent to application":
            return record
    raise AssertionError("no consent record in the campaign")


@pytest.mark.parametrize(("scopes", "fires"), [
    ("User.Read Mail.ReadBasic", True), ("Sites.FullControl.All", True), ("full_access_as_user", True),
    ("User.Read Contacts.Read People.Read Tasks.ReadWrite offline_access", False),
    # critical in the lookup (role and permission grants): still a risky delegated grant
    ("User.Read RoleManagement.ReadWrite.Directory", True), ("AppRoleAssignment.ReadWrite.All", True),
])
def test_risky_scope_detection_knows_the_uncommon_mail_and_file_scopes(
    pack: Pack, tmp_path: Path, scopes: str, fires: bool
) -> None:
    """The scopes the old lookup missed (issue 13: "no detection fires on any grant") now fire; medium ones such
    as Contacts.Read and People.Read do not - a grant of those to an app others declined fires the
    declined-application detection instead (scenario uncommon_scopes_phishing)."""
    record = _campaign_consent()
    for prop in record["properties"]["targetResources"][0]["modifiedProperties"]:
        if prop["displayName"] == "ConsentAction.Permissions":
            before = prop["newValue"]
            prop["newValue"] = re.sub(r"Scope: [^,]+,", f"Scope: {scopes},", before)
            assert prop["newValue"] != before
    log = tmp_path / "consent.log"
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    rows = _run(pack, _detection(pack, "Entra ID User Consent Granted for Risky Delegated Scopes"), [log]).rows
    assert len(rows) == (1 if fires else 0)
    if fires:
        assert set(scopes.split()) - {"User.Read"} == {str(to_str(s)) for s in mv_values(rows[0]["scope"])}


PACK_DATA = REPO / "attack_data" / "real_records"
GRAPH_GRANT = PACK_DATA / "graph_tenant_wide_grant.log"  # OTRF's real Add delegated permission grant (README)
APP_INITIATOR = {"app": {"appId": None, "displayName": "LegacyTestOAuthApp",  # Splunk's real app initiator (line 1)
                         "servicePrincipalId": "fc8c8125-bc0c-499d-8344-e53c6e3caa81", "servicePrincipalName": None}}


def _real_record(path: Path) -> dict[str, Any]:
    """The real record of a ``real_records`` file: its last line (the first is context no detection matches)."""
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8").splitlines()[-1])
    return record


def _graph_grant(consent_type: str = "AllPrincipals", app_initiated: bool = False) -> dict[str, Any]:
    record = _real_record(GRAPH_GRANT)
    for prop in record["properties"]["targetResources"][0]["modifiedProperties"]:
        if prop["displayName"] == "DelegatedPermissionGrant.ConsentType":
            prop["oldValue"] = prop["newValue"] = f'"{consent_type}"'
    if app_initiated:
        record["properties"]["initiatedBy"] = APP_INITIATOR
    return record


@pytest.mark.parametrize(("consent_type", "app_initiated", "user"), [
    ("AllPrincipals", False, "pgustavo@simulandlabs.com"),  # the real record, as logged
    ("AllPrincipals", True, "fc8c8125-bc0c-499d-8344-e53c6e3caa81"),  # made by an app: its SP id stands for the user
    ("Principal", False, None),  # a grant for one user is not tenant-wide
])
def test_tenant_wide_detection_sees_grants_made_through_graph(
    pack: Pack, tmp_path: Path, consent_type: str, app_initiated: bool, user: str | None
) -> None:
    """A delegated permission grant created directly through Graph or PowerShell leaves an ``Add delegated
    permission grant`` record and no ``Consent to application`` record (OTRF's real SimuLand record: Mail.ReadWrite
    added to an AllPrincipals grant from Windows PowerShell). The old search read only ``Consent to
    application`` and returned nothing for it."""
    rows = _rows_of_records(pack, "Entra ID Tenant-Wide Admin Consent Granted", tmp_path,
                            _graph_grant(consent_type, app_initiated))
    if user is None:
        assert rows == []
        return
    [row] = rows
    assert row["user"] == user and row["consent_type"] == "AllPrincipals"
    assert row["scope"] == "Mail.ReadWrite" and row["signature"] == "Add delegated permission grant"
    # the record logs ServicePrincipal.AppId as null: the client service principal's object id (an Entra id) keys it
    assert row["app_id"] == row["client_sp_id"] == "0d2f5969-011b-460d-ac74-3291d227d49f"
    assert row["src"] == "unknown"
    # v9 read "Administrator fc8c8125-..." for an application's grant
    [event] = risk_events(pack.app, _detection(pack, "Entra ID Tenant-Wide Admin Consent Granted"), [row], 0.0)
    kind = "servicePrincipal" if app_initiated else "user"
    assert event["risk_message"] == (f"The {kind} {user} granted application 0d2f5969-011b-460d-ac74-3291d227d49f "
                                     "consent on behalf of all users (scopes added: Mail.ReadWrite)")
    assert (event["risk_object"], event["risk_score"]) == (user, 80)


PER_USER_GRANT = "Entra ID Per-User Delegated Permission Grant Made Without Consent"


@pytest.mark.parametrize("scope", ["RoleManagement.ReadWrite.Directory", "UserAuthenticationMethod.ReadWrite.All"])
def test_per_user_grant_detection_raises_critical_scopes(pack: Pack, tmp_path: Path, scope: str) -> None:
    """OTRF's real per-user Graph grant (``graph_user_grant.log``) with ``Mail.ReadWrite`` replaced by a scope the
    scopes lookup rates critical. The old ``where risk_level="high"`` dropped it: a per-user grant of a scope that
    leads to tenant control went unreported because the scope had been promoted above high."""
    lines = (PACK_DATA / "graph_user_grant.log").read_text(encoding="utf-8").splitlines()
    [record] = [r for r in map(json.loads, lines) if r["operationName"] == "Add delegated permission grant"]
    prop = _modified(record, "DelegatedPermissionGrant.Scope")
    assert prop["newValue"] == '"User.Read Mail.ReadWrite"'
    prop["newValue"] = f'"User.Read {scope}"'
    [row] = _rows_of_records(pack, PER_USER_GRANT, tmp_path, record)
    assert row["scope"] == scope and row["user"] == "pgustavo@simulandlabs.com"



def test_per_user_grant_detection_counts_grant_records_not_their_risky_scopes(pack: Pack, tmp_path: Path) -> None:
    """``count`` is the number of grant records behind a row (as for the risky-scopes detection): OTRF's grant
    widened to three risky scopes is 1, where ``stats count`` after the search's ``mvexpand scope`` said 3."""
    lines = (PACK_DATA / "graph_user_grant.log").read_text(encoding="utf-8").splitlines()
    [record] = [r for r in map(json.loads, lines) if r["operationName"] == "Add delegated permission grant"]
    _modified(record, "DelegatedPermissionGrant.Scope")["newValue"] = '"User.Read Mail.ReadWrite Files.ReadWrite.All Mail.Send"'
    [row] = _rows_of_records(pack, PER_USER_GRANT, tmp_path, record)
    assert len(mv_values(row["scope"])) == 3 and to_str(row["count"]) == "1"

def test_tenant_wide_detection_makes_one_result_of_a_portal_consent(pack: Pack) -> None:
    """A consent in the portal writes ``Consent to application`` and ``Add delegated permission grant`` for the
    same client service principal: one result (count 2) keyed on the application id, not two notables."""
    log = REPO / "attack_data" / "admin_consent_paths" / "admin_consent_paths.log"
    [row] = _run(pack, _detection(pack, "Entra ID Tenant-Wide Admin Consent Granted"), [log]).rows
    assert str(row["count"]) == "2" and row["app_id"] == "1fbcb21c-2c13-424b-93f6-b8a35a8b2a96"
    assert sorted(str(to_str(s)) for s in mv_values(row["signature"])) == [
        "Add delegated permission grant", "Consent to application"]


def test_policy_detection_keeps_a_change_made_by_an_application(pack: Pack, tmp_path: Path) -> None:
    """An app-initiated audit record has ``initiatedBy.app`` and no user, so the add-on's ``user`` is null; the old
    search's ``stats ... by user`` dropped the row, and a policy weakened through Graph raised nothing."""
    log = PACK_DATA / "app_initiated_policy_change.log"
    record = _real_record(log)
    assert record["properties"]["initiatedBy"] == APP_INITIATOR and "callerIpAddress" not in record
    [row] = _run(pack, _detection(pack, "Entra ID User Consent Policy Weakened"), [log]).rows
    assert row["user"] == "fc8c8125-bc0c-499d-8344-e53c6e3caa81" and row["src"] == "unknown"
    assert str(row["risky_apps_allowed"]) == "1"


@pytest.mark.parametrize(
    ("log", "initiator_id", "message"),
    [
        # Splunk's real record as an application makes it: no callerIpAddress, so src is "unknown"
        (PACK_DATA / "app_initiated_policy_change.log", "fc8c8125-bc0c-499d-8344-e53c6e3caa81",
         "The tenant user-consent settings were relaxed by service principal fc8c8125-bc0c-499d-8344-e53c6e3caa81"),
        # Splunk's real record as a user makes it (initiatedBy.user.id beside the UPN)
        (SAMPLES, "e4c722ac-3b83-478d-8f52-c388885dc30f",
         "The tenant user-consent settings were relaxed by user attacker@splunkresearch.onmicrosoft.com "
         "(object id e4c722ac-3b83-478d-8f52-c388885dc30f)"),
    ],
)
def test_policy_risk_event_names_the_initiator_by_object_id(
    pack: Pack, log: Path, initiator_id: str, message: str
) -> None:
    """The threat object is the initiator's object id (initiatedBy.user.id or initiatedBy.app.servicePrincipalId:
    Entra writes it, the caller cannot choose it), never ``src``, which an app-initiated record lacks, so the old
    risk events carried the threat object "unknown" and read "from unknown". Typed ``system``, not ``service``:
    the correlation search reads every ``service`` threat object as an application (client) id."""
    detection = _detection(pack, "Entra ID User Consent Policy Weakened")
    rows = _run(pack, detection, [log]).rows
    [event] = risk_events(pack.app, detection, rows, 0.0)
    assert (event["threat_object"], event["threat_object_type"]) == (initiator_id, "system")
    assert event["risk_message"] == message


def test_incremental_consent_reports_only_the_scopes_it_adds(pack: Pack, tmp_path: Path) -> None:
    """``ConsentAction.Permissions`` is "[old grants] => [new grants]" and an incremental consent repeats the grant's
    earlier scopes on the right: a grant that held Mail.Read and gains Mail.Send reports Mail.Send alone (the old
    search read both sides and reported Mail.Read again)."""
    record = _real_record(PACK_DATA / "incremental_consent.log")
    [prop] = [p for p in record["properties"]["targetResources"][0]["modifiedProperties"]
              if p["displayName"] == "ConsentAction.Permissions"]
    old, new = prop["newValue"].split(" => ")
    prop["newValue"] = (re.sub(r"Scope: [^,]*", "Scope: User.Read Mail.Read", old) + " => "
                        + re.sub(r"Scope: [^,]*", "Scope: User.Read Mail.Read Mail.Send", new))
    [row] = _rows_of_records(pack, "Entra ID User Consent Granted for Risky Delegated Scopes", tmp_path, record)
    assert [to_str(s) for s in mv_values(row["scope"])] == ["Mail.Send"]


def _sample(operation: str) -> dict[str, Any]:
    """Splunk's real record of ``operation`` from the copied example logs."""
    for line in SAMPLES.read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["operationName"] == operation:
            return record
    raise AssertionError(f"no {operation} record in the samples")


def _modified(record: dict[str, Any], name: str) -> dict[str, Any]:
    prop: dict[str, Any] = next(p for p in record["properties"]["targetResources"][0]["modifiedProperties"]
                                if p["displayName"] == name)
    return prop


def test_app_permission_detection_keeps_a_grant_whose_client_app_id_is_null(pack: Pack, tmp_path: Path) -> None:
    """Splunk's real full_access_as_app assignment with ``ServicePrincipal.AppId`` logged as null, as OTRF's real
    Graph-made ``Add delegated permission grant`` logs it: the old search grouped ``by ... client_app_id`` and
    dropped the row, so the highest-risk application permission raised nothing. The client service principal's
    object id now stands in, as in the tenant-wide detection."""
    record = _sample("Add app role assignment to service principal")
    _modified(record, "ServicePrincipal.AppId")["newValue"] = None
    [row] = _rows_of_records(pack, HIGH_RISK_ROLE, tmp_path, record)
    assert row["client_app_id"] == row["client_sp_id"] == "2e5c2fd0-cca4-452c-9891-a07c0dafd964"
    assert row["app_role"] == "full_access_as_app" and row["risk_level"] == "high"


PRIVILEGED_ROLE = "Entra ID Privileged App Permission Granted to Service Principal"
HIGH_RISK_ROLE = "Entra ID High-Risk App Permission Granted to Service Principal"
OTHER_ROLE = "Entra ID Application Permission Granted to Service Principal"
ROLE_TIERS = (PRIVILEGED_ROLE, HIGH_RISK_ROLE, OTHER_ROLE)


def _role_grant(*roles: str) -> list[dict[str, Any]]:
    """Splunk's real app role assignment once per role, its ``AppRole.Value`` replaced, a second apart and under
    ids of their own: what one consent to several application permissions of one client writes."""
    records = []
    for n, role in enumerate(roles):
        record = _sample("Add app role assignment to service principal")
        _modified(record, "AppRole.Value")["newValue"] = json.dumps(role)
        record["time"] = record["time"].replace("21:49:53.", f"21:49:{53 + n}.")
        record["properties"]["id"] += str(n)
        records.append(record)
    return records


@pytest.mark.parametrize(("roles", "tier", "level", "score"), [
    (("RoleManagement.ReadWrite.Directory",), PRIVILEGED_ROLE, "critical", 100),
    (("AppRoleAssignment.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("Application.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    # promoted from high: PIM role assignment, any user's sign-in methods (TAP), domain federation
    (("RoleAssignmentSchedule.ReadWrite.Directory",), PRIVILEGED_ROLE, "critical", 100),
    (("UserAuthenticationMethod.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("Domain.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    # lookup v10 (unlisted before, so Application Permission Granted at 50): a directory role through an eligible PIM
    # assignment, and the role-assignable groups that hold roles through PIM for groups (github.com/emiliensocchi/
    # azure-tiering rates each a path to Global Administrator)
    (("RoleEligibilitySchedule.ReadWrite.Directory",), PRIVILEGED_ROLE, "critical", 100),
    (("PrivilegedAccess.ReadWrite.AzureADGroup",), PRIVILEGED_ROLE, "critical", 100),
    (("PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",), PRIVILEGED_ROLE, "critical", 100),
    (("PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",), PRIVILEGED_ROLE, "critical", 100),
    # lookup v11 (unlisted before, so 50): Organization.ReadWrite.All uploads the certificate authorities that
    # certificate-based authentication trusts (the only application permission that creates the tenant's
    # certificateBasedAuthConfiguration): sign-in as any user, as Domain.ReadWrite.All's federated domain. The PIM
    # policies, access packages and authentication methods policy remove protections or open routes the research
    # (github.com/emiliensocchi/azure-tiering) rates a path to Global Administrator only beside another permission
    # or an existing eligible user or package: high
    (("Organization.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("RoleManagementPolicy.ReadWrite.Directory",), HIGH_RISK_ROLE, "high", 80),
    (("RoleManagementPolicy.ReadWrite.AzureADGroup",), HIGH_RISK_ROLE, "high", 80),
    (("EntitlementManagement.ReadWrite.All",), HIGH_RISK_ROLE, "high", 80),
    (("Policy.ReadWrite.AuthenticationMethod",), HIGH_RISK_ROLE, "high", 80),
    # lookup v12 (github.com/emiliensocchi/azure-tiering, Tier 0): a Conditional Access policy blocking every user,
    # or every account deleted or disabled, locks every administrator out ("Global-Admin-like", Direct; the first
    # was high, the other two unlisted); Intune scripts on an administrator's managed device take their tokens,
    # directly or through an Intune role (unlisted, so 50). A restricted management administrative unit opened, or
    # a password reset, is a path only beside other access (Indirect): high
    (("Policy.ReadWrite.ConditionalAccess",), PRIVILEGED_ROLE, "critical", 100),
    (("User.DeleteRestore.All",), PRIVILEGED_ROLE, "critical", 100),
    (("User.EnableDisableAccount.All",), PRIVILEGED_ROLE, "critical", 100),
    (("DeviceManagementConfiguration.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("DeviceManagementScripts.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("DeviceManagementRBAC.ReadWrite.All",), PRIVILEGED_ROLE, "critical", 100),
    (("AdministrativeUnit.ReadWrite.All",), HIGH_RISK_ROLE, "high", 80),
    (("User-PasswordProfile.ReadWrite.All",), HIGH_RISK_ROLE, "high", 80),
    (("Mail.Read",), HIGH_RISK_ROLE, "high", 80),
    (("full_access_as_app",), HIGH_RISK_ROLE, "high", 80),
    (("User.Read.All",), OTHER_ROLE, "medium", 50),
    (("Tasks.Read.All",), OTHER_ROLE, "unlisted", 50),
    # lookup v8 (Microsoft Graph permissions reference, learn.microsoft.com/en-us/graph/permissions-reference):
    # MailboxItem.Read.All reads every user's mailbox items, OnlineMeetingTranscript.Read.All every meeting's
    # transcript (both high, unlisted before); User.ReadBasic.All lists every user's name and address (medium)
    (("MailboxItem.Read.All",), HIGH_RISK_ROLE, "high", 80),
    (("OnlineMeetingTranscript.Read.All",), HIGH_RISK_ROLE, "high", 80),
    (("User.ReadBasic.All",), OTHER_ROLE, "medium", 50),
    # one consent, roles of several levels: the row goes to its highest level only
    (("User.Read.All", "RoleManagement.ReadWrite.Directory"), PRIVILEGED_ROLE, "critical", 100),
    (("Mail.Read", "AppRoleAssignment.ReadWrite.All", "Tasks.Read.All"), PRIVILEGED_ROLE, "critical", 100),
    (("Tasks.Read.All", "Mail.Read", "User.Read.All"), HIGH_RISK_ROLE, "high", 80),
    (("Tasks.Read.All", "User.Read.All"), OTHER_ROLE, "medium", 50),
])
def test_an_application_permission_grant_raises_exactly_the_detection_of_its_highest_role(
    pack: Pack, tmp_path: Path, roles: tuple[str, ...], tier: str, level: str, score: int
) -> None:
    """Splunk's real app role assignment with its role replaced. ESCU scores are fixed per detection
    (``rba.risk_objects[].score``), so the score follows what was granted through three disjoint detections: a
    role that lets the application grant itself more privilege (critical in the scopes lookup) scores 100, a
    mailbox or file role (high) 80, anything else 50. The old single detection gave every grant 80. The roles of
    one consent make one row (stats by initiator and client), which must raise only the detection of the highest
    level among them: a ``where`` on the row's ``values(risk_level)`` would raise it in two."""
    fired = {name: _rows_of_records(pack, name, tmp_path, *_role_grant(*roles)) for name in ROLE_TIERS}
    assert {name for name, rows in fired.items() if rows} == {tier}
    [row] = fired[tier]
    assert row["highest_risk_level"] == level
    assert sorted(str(to_str(r)) for r in mv_values(row["app_role"])) == sorted(roles)
    assert str(row["count"]) == str(len(roles))
    detection = _detection(pack, tier)
    [event] = risk_events(pack.app, detection, [row], 0.0)
    assert (event["risk_object"], event["risk_score"]) == ("fc8c8125-bc0c-499d-8344-e53c6e3caa81", score)
    assert (event["threat_object"], event["threat_object_type"]) == ("5f91ce94-4cc5-4ebe-aeb6-f074e57201bb", "service")


def test_the_three_application_permission_detections_share_one_search(pack: Pack) -> None:
    """One home for the search: each detection is its data source's records piped to the shared macro, a
    ``where`` on the row's highest level, the result fields contentctl looks for in the detection's own text (rba,
    throttling and data-source fields are read from the search as written, macros unexpanded), and the usual tail
    - so a fix to the search reaches all three, and between them the ``where`` clauses cover every level once."""
    wheres = {}
    for name in ROLE_TIERS:
        search = _detection(pack, name).search
        # the data source stays in the detection's own text: contentctl derives providing_technologies from it
        assert search.startswith('`entra_id_signin_and_audit_logs` operationName="Add app role assignment to service principal" '
                                 'properties.result=success | `entra_id_application_permission_grants`'), name
        assert "stats" not in search and "lookup" not in search, name
        [where] = re.findall(r"\| where highest_risk_level([^|]*)", search)
        wheres[name] = where.strip()
    # the two lower tiers wait for a consent the run's window holds whole (consent_settled): a part of a consent
    # can only lower its level, so the privileged tier raises a critical role at once
    assert wheres == {PRIVILEGED_ROLE: '="critical"', HIGH_RISK_ROLE: '="high" AND consent_settled=1',
                      OTHER_ROLE: 'IN ("medium", "unlisted") AND consent_settled=1'}


def test_risky_app_block_is_kept_when_only_the_consent_reason_names_it(pack: Pack, tmp_path: Path) -> None:
    """The search accepts a block named by ``ConsentAction.Reason`` alone ("Risky application detected"), but the
    old search grouped ``by ... resultReason`` and so dropped exactly those records that carry no result reason."""
    record = _sample("Consent to application")
    del record["properties"]["resultReason"]
    del record["resultDescription"]
    assert _modified(record, "ConsentAction.Reason")["newValue"] == '"Risky application detected"'
    [row] = _rows_of_records(pack, "Entra ID User Consent Blocked for Risky Application", tmp_path, record)
    assert row["user"] == "user15@splunkresearch.onmicrosoft.com"
    assert row["app_id"] == "96f6a3d6-d5aa-4af5-a77a-9319b5283712"


def test_tenant_wide_detection_ignores_the_letter_case_of_the_consent_type(pack: Pack, tmp_path: Path) -> None:
    """A grant created through Graph logs the consentType its caller sent; the old exact ``^AllPrincipals$`` match
    let a caller who wrote "allprincipals" grant every user's mail with no result."""
    rows = _rows_of_records(pack, "Entra ID Tenant-Wide Admin Consent Granted", tmp_path, _graph_grant("allprincipals"))
    [row] = rows
    assert row["user"] == "pgustavo@simulandlabs.com" and row["scope"] == "Mail.ReadWrite"


GRANT_MESSAGE = ("The user pgustavo@simulandlabs.com granted application 0d2f5969-011b-460d-ac74-3291d227d49f "
                 "consent on behalf of all users ({})")


@pytest.mark.parametrize(("old_scope", "added", "summary"), [
    # OTRF's real record as logged: the widening alone
    ('"User.Read"', ["Mail.ReadWrite"], "scopes added: Mail.ReadWrite"),
    # a new grant (oldValue null): every scope is new
    (None, ["User.Read", "Mail.ReadWrite"], "scopes added: Mail.ReadWrite User.Read"),
    # rewritten with what it held: still raised, scope empty, and the message says why
    ('"User.Read Mail.ReadWrite"', [],
     "no scope added: the change gave the grant no scope it did not already hold"),
])
def test_tenant_wide_detection_reports_the_scopes_a_graph_grant_added(
    pack: Pack, tmp_path: Path, old_scope: str | None, added: list[str], summary: str
) -> None:
    """A Graph-made grant's ``DelegatedPermissionGrant.Scope`` logs the whole scope before and after the change;
    the old search reported the newValue, so OTRF's widening of ``User.Read`` read as a grant of ``User.Read``
    too. Like a consent's (``entra_id_consent_new_permissions``), the row now lists what the change added
    (``entra_id_grant_scope_added``); a tenant-wide grant that added nothing is still raised. The risk message
    reads ``scope_summary``, which always has a value: the v8 message ended "with scopes $scope$", and an
    unfilled token is pasted in verbatim (ES leaves it as written, as ``fill_tokens`` does), so a grant that
    added nothing read "with scopes $scope$"."""
    record = _graph_grant()
    prop = _modified(record, "DelegatedPermissionGrant.Scope")
    assert prop["oldValue"] == '"User.Read"' and prop["newValue"] == '"User.Read Mail.ReadWrite"'
    prop["oldValue"] = old_scope
    detection = _detection(pack, "Entra ID Tenant-Wide Admin Consent Granted")
    [row] = _rows_of_records(pack, detection.name, tmp_path, record)
    assert sorted(str(to_str(s)) for s in mv_values(row.get("scope"))) == sorted(added)
    [event] = risk_events(pack.app, detection, [row], 0.0)
    assert event["risk_message"] == GRANT_MESSAGE.format(summary)
    assert (event["risk_object"], event["risk_score"]) == ("pgustavo@simulandlabs.com", 80)


GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"  # Microsoft Graph's application id: the resource API


@pytest.mark.parametrize(("log", "app_id"), [
    (None, "0d2f5969-011b-460d-ac74-3291d227d49f"),  # OTRF's Graph-made grant alone: the client SP's object id
    (REPO / "attack_data" / "admin_consent_paths" / "admin_consent_paths.log",  # a portal consent's two records
     "1fbcb21c-2c13-424b-93f6-b8a35a8b2a96"),  # the Consent to application record's AppId
])
def test_tenant_wide_detection_never_names_the_resource_api_as_the_application(
    pack: Pack, tmp_path: Path, log: Path | None, app_id: str
) -> None:
    """A public lab capture of real directoryAudits records ("One amended consent writes three audit events, and
    the event named 'Consent to application' hides the change", 2026-09-13) shows ``Add delegated permission
    grant`` (and ``Remove delegated permission grant``) records with an ``additionalDetails`` ``AppId`` entry of
    00000003-0000-0000-c000-000000000000 - Microsoft Graph, the grant's resource (``targetResources[0]``), not
    the client (the ``Consent to application`` beside them names the client's app id there). v8 read that entry
    on both operations: a Graph-made grant alone was reported as granted to Microsoft Graph, and in a portal
    consent's row ``values(app_id)`` held both ids and ``mvindex(app_id, 0)`` took Graph's, which sorts first
    - the threat object the correlation search groups by."""
    if log is None:
        records = [_graph_grant()]
    else:
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    grants = [r for r in records if r["operationName"] == "Add delegated permission grant"]
    assert grants
    for grant in grants:
        grant["properties"]["additionalDetails"].append({"key": "AppId", "value": GRAPH_APP_ID})
    rows = [r for r in _rows_of_records(pack, "Entra ID Tenant-Wide Admin Consent Granted", tmp_path, *records)]
    [row] = rows
    assert row["app_id"] == app_id


@pytest.mark.parametrize(("name", "value", "fires"), [
    ("ConsentContext.IsAdminConsent", None, True),  # property missing: a user consent all the same
    ("ConsentContext.IsAdminConsent", '"True"', True),  # an admin consenting only for themselves
    ("ConsentContext.OnBehalfOfAll", '"True"', False),  # tenant-wide: the tenant-wide detection's
])
def test_risky_scope_detection_keys_on_who_the_consent_covers(
    pack: Pack, tmp_path: Path, name: str, value: str | None, fires: bool
) -> None:
    """The old search kept only records whose ConsentContext.IsAdminConsent read False, so a record without the
    property, or an administrator's consent for themselves alone (not on behalf of all), gave no risk at all;
    what sets a user consent apart from the tenant-wide one is OnBehalfOfAll / ConsentType AllPrincipals."""
    record = _campaign_consent()
    props = record["properties"]["targetResources"][0]["modifiedProperties"]
    if value is None:
        props[:] = [p for p in props if p["displayName"] != name]
    else:
        next(p for p in props if p["displayName"] == name)["newValue"] = value
    rows = _rows_of_records(pack, "Entra ID User Consent Granted for Risky Delegated Scopes", tmp_path, record)
    assert len(rows) == (1 if fires else 0)


AMENDED_CONSENT = PACK_DATA / "amended_consent.log"  # a consent adding Mail.ReadWrite to a User.Read grant (README)
CONSENT_APP_ID = "96f6a3d6-d5aa-4af5-a77a-9319b5283712"  # the AppId entry of its Consent to application record


def _amended_consent_records(case: str) -> list[dict[str, Any]]:
    """The three records of ``amended_consent.log``, cut or changed as ``case`` says."""
    lines = AMENDED_CONSENT.read_text(encoding="utf-8").splitlines()
    records = [r for r in map(json.loads, lines) if r["operationName"] != "Sign-in activity"]
    assert [r["operationName"] for r in records] == [
        "Add delegated permission grant", "Remove delegated permission grant", "Consent to application"]
    consent, grants = records[-1], records[:-1]
    if case == "consent alone":
        return [consent]
    if case == "grants alone":
        return grants
    if case == "grants of another correlationId":
        for grant in grants:
            grant["correlationId"] = grant["properties"]["correlationId"] = "00000000-0000-0000-0000-00000000c0de"
    if case == "tenant-wide":
        _modified(consent, "ConsentContext.OnBehalfOfAll")["newValue"] = '"True"'
        for grant in grants:
            _modified(grant, "DelegatedPermissionGrant.ConsentType")["newValue"] = '"AllPrincipals"'
    return records


@pytest.mark.parametrize(("case", "fires"), [
    ("all three", True),
    ("consent alone", False),  # its ConsentAction.Permissions shows User.Read on both sides
    ("grants alone", False),  # no consent beside: the per-user Graph-grant detection's, and no client app id
    ("grants of another correlationId", False),
    ("tenant-wide", False),  # the tenant-wide detection's
])
def test_risky_scope_detection_sees_the_scope_an_amended_consent_added(
    pack: Pack, tmp_path: Path, case: str, fires: bool
) -> None:
    """A public lab capture of real directoryAudits records ("One amended consent writes three audit events, and
    the event named 'Consent to application' hides the change", 2026-09-13) shows a consent that added a scope
    to an existing grant writing, under one correlationId within 13 ms, a ``Consent to application`` whose
    ``ConsentAction.Permissions`` lists the same scopes on both sides, and ``Add`` and ``Remove delegated
    permission grant`` records whose ``DelegatedPermissionGrant.Scope`` shows the scope added. v6 read the
    consent alone and saw nothing added: a user consenting to add Mail.ReadWrite to an application holding
    User.Read gave no risk. The detection now adds the scope the consent's Principal ``Add delegated permission
    grant`` (same correlationId and client) added; a grant with no consent beside it is not reported, so the
    run whose window holds the grant alone reports nothing rather than a second result keyed on another id.
    The application is the consent's AppId, never the grants' (Microsoft Graph, the resource), and the risk is
    the consenting user's."""
    detection = _detection(pack, "Entra ID User Consent Granted for Risky Delegated Scopes")
    rows = _rows_of_records(pack, detection.name, tmp_path, *_amended_consent_records(case))
    if not fires:
        assert rows == []
        return
    [row] = rows
    assert row["scope"] == "Mail.ReadWrite" and row["app_id"] == CONSENT_APP_ID
    [event] = risk_events(pack.app, detection, [row], 0.0)
    assert (event["risk_object"], event["risk_score"]) == ("user15@splunkresearch.onmicrosoft.com", 60)
    assert event["risk_message"] == (f"User user15@splunkresearch.onmicrosoft.com consented to application "
                                     f"{CONSENT_APP_ID} with high-risk delegated scopes Mail.ReadWrite")


BESIDE_CONSENT = PACK_DATA / "graph_user_grant_beside_consent.log"  # two new consents of nine mail scopes (README)


def test_risky_scope_detection_counts_consent_records_not_their_risky_scopes(pack: Pack, tmp_path: Path) -> None:
    """``count`` is the number of consent records behind a row, as in ESCU detections, where it counts the events
    behind each row: one consent granting several risky scopes is 1 (the search expands the scopes one per result
    before the lookup, and ``stats count`` counted one per risky scope); its grant beside it, under the same
    correlationId, is not a consent; a second consent of the same user to the same application is a row of its
    own (one row per consent record, ``consent_id``), again 1."""
    records = [r for r in map(json.loads, BESIDE_CONSENT.read_text(encoding="utf-8").splitlines())
               if r["operationName"] != "Sign-in activity"]
    assert [r["operationName"] for r in records] == [
        "Add delegated permission grant", "Consent to application",
        "Consent to application", "Add delegated permission grant"]
    name = "Entra ID User Consent Granted for Risky Delegated Scopes"
    [row] = _rows_of_records(pack, name, tmp_path, *records[:2])
    assert len(mv_values(row["scope"])) > 1 and to_str(row["count"]) == "1"
    rows = _rows_of_records(pack, name, tmp_path, *records)
    assert sorted(str(row["consent_id"]) for row in rows) == sorted(r["properties"]["id"] for r in records[1:3])
    assert all(len(mv_values(row["scope"])) > 1 and to_str(row["count"]) == "1" for row in rows)


APP_ROLES = PACK_DATA / "app_role_privileged_beside_medium.log"  # one consent: a medium role, a critical one (README)


def test_app_permission_tiers_raise_each_consent_at_the_level_of_its_own_roles(pack: Pack, tmp_path: Path) -> None:
    """The three application-permission tiers make one row per consent (``correlationId``), not per initiator and
    client: beside the consent of a critical and a medium role, a second consent by the same application to the
    same client five minutes later, of a medium role alone, is the medium tier's row (v6 merged both into one
    critical row, so a separate medium consent in the same window went unreported by its tier) and the first is
    the privileged tier's, its two records counted."""
    records = [json.loads(line) for line in APP_ROLES.read_text(encoding="utf-8").splitlines()]
    assert [r["operationName"] for r in records] == ["Add app role assignment to service principal"] * 2 + [
        "Sign-in activity"]
    second = json.loads(json.dumps(records[0]))  # the medium role's record
    second["time"] = second["time"].replace("T21:49:53", "T21:54:53")
    second["correlationId"] = second["properties"]["correlationId"] = "0f0e0d0c-0b0a-4908-8706-050403020100"
    second["properties"]["id"] += "2"
    both = (records[0], records[1], second, records[2])  # the sign-in last: the all-time "now" an hour later
    [critical] = _rows_of_records(pack, "Entra ID Privileged App Permission Granted to Service Principal", tmp_path,
                                  *both)
    assert to_str(critical["count"]) == "2" and critical["highest_risk_level"] == "critical"
    [medium] = _rows_of_records(pack, "Entra ID Application Permission Granted to Service Principal", tmp_path, *both)
    assert (to_str(medium["count"]), medium["app_role"], medium["highest_risk_level"]) == (
        "1", "User.Read.All", "medium")


SPIKE = "Entra ID OAuth Consent Declined by Many Users"
CROSS_APP = "Entra ID OAuth Consent Declined Across Many Applications"


def _apps_raised(pack: Pack, name: str, files: list[Path]) -> set[tuple[str, str]]:
    return {(str(row["dest"]), str(row["app_id"])) for row in _run(pack, _detection(pack, name), files).rows}


@pytest.mark.parametrize("name", ["campaign_split_across_three_apps", "single_app_wave_beside_other_refusals",
                                  "campaign_app_declined_in_two_tenants", "consent_phishing_campaign",
                                  "decline_wave_hour_boundary", "uncommon_scopes_phishing"])
def test_spike_and_cross_application_detections_never_raise_one_application_twice(pack: Pack, name: str) -> None:
    """The two split the applications by ``entra_id_consent_denial_spike_threshold``: a wave of one application
    is the spike's alone, and an application below it can only be counted across applications."""
    path = PACK_DATA / f"{name}.log"
    files = [path if path.exists() else REPO / "attack_data" / name / f"{name}.log"]
    spike, cross = _apps_raised(pack, SPIKE, files), _apps_raised(pack, CROSS_APP, files)
    assert not spike & cross
    if name == "single_app_wave_beside_other_refusals":  # six users of one app, two of another: the spike's
        assert len(spike) == 1 and cross == set()
    if name == "campaign_split_across_three_apps":  # three users of each of three apps: no spike, three results
        assert spike == set() and len(cross) == 3


def test_cross_application_risk_names_its_own_application_as_the_threat_object(pack: Pack) -> None:
    """Each application of a split campaign is its own result, so each risk event's threat object (what the risk
    correlation reads as the application, the first ``service`` value) is the application it scores; one result
    with a multivalue app_id would give every risk event all the ids, and the correlation the first of them."""
    detection = _detection(pack, CROSS_APP)
    rows = _run(pack, detection, [PACK_DATA / "campaign_split_across_three_apps.log"]).rows
    events = risk_events(pack.app, detection, rows, 0.0)
    assert len(events) == 3
    for event in events:
        assert [to_str(v) for v in mv_values(event["threat_object"])] == [event["risk_object"]]
        assert [to_str(v) for v in mv_values(event["threat_object_type"])] == ["service"]
        assert event["risk_object_type"] == "other" and event["risk_score"] == 30
        assert {to_str(v) for v in mv_values(event["campaign_app_id"])} == {str(row["app_id"]) for row in rows}


#: each search that reads the lookup, and its test whose finding the lookup must undo (None: its first test that finds
#: something). Granted After User Declined reads it only to pair a grant with a refusal of another application of
#: the same name; a grant of the very application the user refused is paired, listed or not.
KNOWN_APPS_READERS: dict[str, str | None] = {
    "Entra ID OAuth Consent Abuse Risk Across Detections": None,
    "Entra ID OAuth Consent Declined Across Many Applications": None,
    "Entra ID OAuth Consent Declined Across Many Applications Over a Day": None,
    "Entra ID OAuth Consent Declined by Many Users": None,
    "Entra ID OAuth Consent Granted After User Declined": "Grant Of A New Application Named Like The Declined One",
    "Entra ID OAuth Consent Granted to Application Other Users Declined": None,
    "Entra ID OAuth Consent Prompts for Unlisted Application": None,
}
#: reads the lookup only to name a reviewed application in its rows (``known_app_name``): it lists reviewed and
#: unreviewed applications alike, so listing an id leaves its finding in place.
KNOWN_APPS_LABELLERS = frozenset({"Entra ID Admin Consent Requested After Consent Block"})
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def test_an_application_listed_by_its_id_alone_is_known(tmp_path: Path) -> None:
    """A row of ``entra_id_known_applications`` that holds only the application id (a reviewer who knows the id
    but not its publisher) makes it known to every search that reads the lookup: the searches look the id
    itself up. Keyed on the ``publisher`` column, such a row gave no value and the application stayed
    "unlisted". Every GUID of the attack data of each search's first test that finds something (for Granted After
    User Declined, its pairing by display name) is listed with its other columns empty: those tests then find
    nothing."""
    root = pack_copy(tmp_path)
    pack = validate_pack(root).pack
    assert pack is not None
    macros = pack_macros(pack)
    readers_of_lookup = {d.name for d in pack.detections if "entra_id_known_applications" in expand_text(d.search, macros)}
    assert readers_of_lookup == set(KNOWN_APPS_READERS) | KNOWN_APPS_LABELLERS
    readers = [dataclasses.replace(detection, tests=(next(t for t in detection.tests if t.expected_results
                                                          and KNOWN_APPS_READERS[detection.name] in (None, t.name)),))
               for detection in map(partial(_detection, pack), KNOWN_APPS_READERS)]
    before = replay_pack(pack, readers, all_time=True).outcomes
    assert {o.detection for o in before if o.result_count} == set(KNOWN_APPS_READERS)
    ids = sorted({guid.lower() for detection in readers for test in detection.tests for data in test.attack_data
                  for guid in GUID.findall((root / data.data).read_text(encoding="utf-8"))})
    table = root / "lookups" / "entra_id_known_applications.csv"
    header = table.read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",")[0] == "appId"
    table.write_text(header + "\n" + "".join(guid + "," * header.count(",") + "\n" for guid in ids), encoding="utf-8")
    after = replay_pack(pack, readers, all_time=True).outcomes
    assert [(o.detection, o.test) for o in after if o.result_count] == []


CORRELATION = "Entra ID OAuth Consent Abuse Risk Across Detections"
TENANT = "75243ab2-44f8-435c-a7a6-b479385df6d4"
APP = "96f6a3d6-d5aa-4af5-a77a-9319b5283712"


def _real_invite() -> tuple[str, str]:
    """Splunk's real ``Invite external user`` record (line 9 of the samples): the guest account's user principal
    name as the directory made it, and the address it was made for."""
    record = json.loads(SAMPLES.read_text(encoding="utf-8").splitlines()[8])
    assert record["operationName"] == "Invite external user"
    details = {d["key"]: d["value"] for d in record["properties"]["additionalDetails"]}
    return record["properties"]["targetResources"][0]["userPrincipalName"], details["invitedUserEmailAddress"]


def _correlation_rows(pack: Pack, grant_by: str, declined_by: list[str]) -> list[dict[str, Any]]:
    """The correlation over the risk a grant after a refusal writes on ``grant_by`` and a refusal writes on
    each of ``declined_by``, as the two detections write it (``risk_events``), for one application."""
    engine = build_engine(pack)
    risk = risk_events(pack.app, _detection(pack, "Entra ID OAuth Consent Granted After User Declined"),
                       [{"user": grant_by, "app_id": APP, "dest": TENANT, "minutes_to_grant": 20}], REPLAY_NOW)
    risk += risk_events(pack.app, _detection(pack, "Entra ID User Declined OAuth Application Consent"),
                        [{"user": u, "app_id": APP, "dest": TENANT, "src": "1.2.3.4"} for u in declined_by],
                        REPLAY_NOW)
    engine.register_risk_index(risk)
    return [dict(row) for row in run_detection_search(engine, _detection(pack, CORRELATION)).rows]


def _texts(value: Any) -> list[str]:
    return [str(to_str(v)) for v in mv_values(value)]


def test_correlation_ranks_a_real_guest_account_and_its_invited_address_as_one_user(pack: Pack) -> None:
    """A guest's grant risk sits on the account the directory made (``name_domain#EXT#@tenant``), their refusal's
    on the address a sign-in names them by; the correlation adds the two, names the person by the account and
    keeps both risk objects for its risk drilldown. Microsoft's signIn resource documentation gives the pair
    ``adelevance@fabrikam.com`` / ``AdeleVance_fabrikam.com#EXT#@contoso.com``; Splunk's real invite record
    holds one such pair as logged, upper-case ``#EXT#`` and all."""
    upn, invited = _real_invite()
    assert upn == "oops360_gmail.com#EXT#@strtadminsplunkresearch.onmicrosoft.com" and invited == "oops360@gmail.com"
    rows = _correlation_rows(pack, upn, [invited, "user31@splunkresearch.onmicrosoft.com"])
    assert len(rows) == 1
    row = rows[0]
    assert _texts(row["user"]) == [upn.lower(), "user31@splunkresearch.onmicrosoft.com"]
    assert _texts(row["user_risk_score"]) == ["85", "5"] and str(row["user_count"]) == "2"
    assert sorted(_texts(row["user_risk_object"])) == sorted([invited, upn.lower(),
                                                              "user31@splunkresearch.onmicrosoft.com"])


def test_correlation_never_folds_a_guest_account_onto_another_person(pack: Pack) -> None:
    """Only a name ending ``#EXT#@tenant`` is a guest account, and it folds onto the one address it spells: a
    member whose name holds the same ``name_domain`` with no ``#EXT#`` (a fold on the last ``_`` alone would add
    them up), and the same name at another domain, are other people, ranked on their own."""
    upn, _ = _real_invite()
    member = "oops360_gmail.com@strtadminsplunkresearch.onmicrosoft.com"
    rows = _correlation_rows(pack, upn, [member, "oops360@outlook.com"])
    assert len(rows) == 1
    assert _texts(rows[0]["user"]) == [upn.lower(), "oops360@outlook.com", member]
    assert _texts(rows[0]["user_risk_score"]) == ["80", "5", "5"] and str(rows[0]["user_count"]) == "3"


def test_tenant_wide_detection_leaves_a_users_own_consent_whose_own_api_scope_names_a_consent_type(pack: Pack) -> None:
    """A user's consent for themselves (``OnBehalfOfAll`` False, both grants ``ConsentType: Principal``) beside a
    scope of the application's own API whose value is ``ConsentType:AllPrincipals`` (a scope value may hold ``:``):
    ``entra_id_consent_new_permissions`` read each grant's ConsentType at its last ``ConsentType:``, took the scope
    for the field, and this detection raised the consent as tenant-wide. The risky-scopes detection scores it
    (its replay test on the same file)."""
    log = PACK_DATA / "consent_beside_own_api_scope_naming_a_consent_type.log"
    assert "Scope: ConsentType:AllPrincipals, CreatedDateTime" in log.read_text(encoding="utf-8")
    assert _run(pack, _detection(pack, "Entra ID Tenant-Wide Admin Consent Granted"), [log]).rows == []


def test_prompts_rank_a_lure_registered_once_per_recipient_by_the_users_its_name_prompted(pack: Pack) -> None:
    """A lure registered once per recipient under one name prompts each user with its own application, so ranked
    by ``user_count`` alone its rows (one user each) fell below every honest unlisted application that prompted
    more users; ranked by the distinct users the unlisted applications of its name prompted (``name_user_count``)
    first, they lead (docs/content_changes.md, 2026-12-07). ``expected_rows`` does not compare the rows' order."""
    detection = _detection(pack, "Entra ID OAuth Consent Prompts for Unlisted Application")
    rows = _run(pack, detection, [PACK_DATA / "consent_prompted_one_app_per_user.log",
                                  PACK_DATA / "consent_prompted_behind_many_ca_policies.log"]).rows
    assert [to_str(row["appDisplayName"]) for row in rows] == ["Invoice Tracker Pro"] * 5 + ["Partner Project Board"]
