"""What a drilldown opened from one finding of the real pack shows: that finding only. The replay's own drilldown
check asks only that a drilldown return its finding (``replay.drilldowns``), so a drilldown keyed too loosely (one
change of several, one tenant of two sharing an index) passes it; these tests run the drilldowns over data where
the loose key is seen."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from contentpack.content.model import Detection, Drilldown, Pack
from contentpack.content.validate import validate_pack
from contentpack.content.spl_macros import pack_macros
from contentpack.replay.drilldowns import ALL_TIME, fill_drilldown, run_drilldown
from contentpack.replay.runner import run_detection_search
from contentpack.simulate import REPLAY_NOW, build_engine
from contentpack.spl.macros import MacroDef, expand_text
from contentpack.spl.values import to_str
from pack_copies import pack_copy

from .pack_content_files import REPO
from .test_pack_timeline import AFTER_DECLINE, POLICY, RAW_DRILLDOWN, _pack

RESULTS_DRILLDOWN = "View the detection results"
OTHER_TENANT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
RISKY_SCOPES = "Entra ID User Consent Granted for Risky Delegated Scopes"


def _drilldown(detection: Detection, prefix: str) -> Drilldown:
    [drilldown] = [d for d in detection.drilldown_searches if d.name.startswith(prefix)]
    return drilldown


def _detection(pack: Pack, name: str) -> Detection:
    [detection] = [d for d in pack.detections if d.name == name]
    return detection


TENANT_WIDE = "Entra ID Tenant-Wide Admin Consent Granted"
PRIVILEGED_ROLE = "Entra ID Privileged App Permission Granted to Service Principal"
HIGH_RISK_ROLE = "Entra ID High-Risk App Permission Granted to Service Principal"
MEDIUM_ROLE = "Entra ID Application Permission Granted to Service Principal"
ROLE_TWICE = "app_role_granted_twice_by_same_app.log"


def _with_role(line: str, role: str | None) -> str:
    """The record with ``AppRole.Value`` replaced by ``role`` (None: as logged), the way
    app_role_privileged_beside_medium.log shapes Splunk's real role record into other roles' levels (AppRole.Id and
    the resource left as logged, as no detection reads them)."""
    if role is None:
        return line
    event = json.loads(line)
    for target in event["properties"].get("targetResources", []):
        for prop in target["modifiedProperties"]:
            if prop["displayName"] == "AppRole.Value":
                prop["newValue"] = json.dumps(role)
    return json.dumps(event)


@pytest.mark.parametrize(("name", "record", "key", "role"), [
    (POLICY, "consent_policy_weakened_twice_by_same_user.log", "change_id", None),
    (RISKY_SCOPES, "consent_widened_within_the_hour.log", "consent_id", None),
    (TENANT_WIDE, "tenant_wide_grant_widened_twice_by_same_user.log", "consent_id", None),
    (HIGH_RISK_ROLE, ROLE_TWICE, "consent_id", None),
    (PRIVILEGED_ROLE, ROLE_TWICE, "consent_id", "RoleManagement.ReadWrite.Directory"),
    (MEDIUM_ROLE, ROLE_TWICE, "consent_id", "User.Read.All"),
], ids=["policy_weakened", "risky_scopes", "tenant_wide", "high_risk_role", "privileged_role", "medium_role"])
def test_results_drilldown_lists_the_one_change(name: str, record: str, key: str, role: str | None,
                                                 tmp_path: Path) -> None:
    """Each result of these detections is one change, named by the audit record's id: User Consent Policy
    Weakened's ``change_id`` (properties.id, which Microsoft assigns), Risky Delegated Scopes' ``consent_id`` (the
    same), and the ``consent_id`` of Tenant-Wide Admin Consent Granted and the three application-permission tiers
    (the correlationId a consent's records share), each result one notable and one risk event. Over the real
    record of one admin relaxing the policy twice, 40 minutes apart, of one user consenting to the same application
    twice, 20 minutes apart (Mail.Read, then Files.ReadWrite.All), of one administrator widening a tenant-wide grant
    twice, 38 minutes apart (Mail.ReadWrite, then Files.ReadWrite.All), and of one service principal granting the
    same application the same role twice, 40 minutes apart (full_access_as_app as logged, high; and as a critical
    and a medium role), "View the detection results" opened from either result lists that change alone; keyed on
    the tenant and the user (Policy Weakened v21), or on those and the application id (Risky Delegated Scopes v20,
    Tenant-Wide v20, Privileged v15, High-Risk v16, Application v20), it listed both changes from each (2 rows
    each)."""
    source = REPO / "attack_data" / "real_records" / record
    log = tmp_path / record
    log.write_text("".join(_with_role(line, role) + "\n" for line in source.read_text(encoding="utf-8").splitlines()
                           if line), encoding="utf-8")
    pack = _pack()
    detection = _detection(pack, name)
    engine = build_engine(pack)
    engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
    rows = run_detection_search(engine, detection).rows
    assert len({to_str(row[key]) for row in rows}) == len(rows) == 2
    drilldown = _drilldown(detection, RESULTS_DRILLDOWN)
    for row in rows:
        filled = fill_drilldown(detection, drilldown, dict(row), ALL_TIME, REPLAY_NOW)
        assert not filled.unfilled and not filled.injected
        shown = [to_str(got.get(key)) for got in run_drilldown(engine, filled, REPLAY_NOW).rows]
        assert shown == [to_str(row[key])]


# a field the search sets to the audit record's own id: properties.id (``id``) or the correlationId its records share
# (taken only when GUID-shaped: ``coalesce(if(match(correlationId, ...), correlationId, null()), record_id, ...)``),
# or record_id, the id macro entra_id_record_id keeps when it holds no search syntax, or its record_key (that id, else
# the sha256 of the raw event)
RECORD_ID_FIELD = re.compile(r"\b(\w+)=(?:coalesce\((?:if\(match\()?(?:correlationId|(?:record_)?id)\b|id\b|record_key\b)")
GROUP_BY = re.compile(r"\|\s*stats\b[^|]*?\bby\s+([\w\s]+?)\s*(?=\||$)")


def _per_record_keys(detection: Detection, macros: dict[str, MacroDef]) -> set[str]:
    """The throttle fields that name one change or consent: set from the record's id and grouped by in the
    search's last stats (so each result is one of them)."""
    if detection.tags.throttling is None:
        return set()
    search = expand_text(detection.search, macros)
    groups = GROUP_BY.findall(search)
    by_fields = set(groups[-1].split()) if groups else set()
    return set(detection.tags.throttling.fields) & by_fields & set(RECORD_ID_FIELD.findall(search))


def test_every_per_record_result_has_its_results_drilldown_keyed_on_the_record() -> None:
    """A detection whose results (and notables, by its throttle) are one change or consent each, named by the
    record's id, keys "View the detection results" on that id too, so opened from one finding it lists that one
    (test_results_drilldown_lists_the_one_change shows the gap over real records). Per-User Delegated Permission
    Grant Made Without Consent is one burst of grants each (burst_id, the burst's first grant record id, set by a
    streamstats this check does not read), and its results drilldown keys on burst_id too."""
    pack = _pack()
    macros = pack_macros(pack)
    keyed = {}
    for detection in pack.detections:
        keys = _per_record_keys(detection, macros)
        if not keys:
            continue
        results = _drilldown(detection, RESULTS_DRILLDOWN).search
        missing = {key for key in keys if f'{key} = "${key}$"' not in results}
        assert not missing, f"{detection.name}: results drilldown not keyed on {missing}"
        keyed[detection.name] = keys
    # the rule still sees the detections it was written for (a new one is checked as well)
    assert keyed.items() >= {POLICY: {"change_id"}, RISKY_SCOPES: {"consent_id"}, TENANT_WIDE: {"consent_id"},
                     PRIVILEGED_ROLE: {"consent_id"}, HIGH_RISK_ROLE: {"consent_id"}, MEDIUM_ROLE: {"consent_id"}}.items()



def _with_correlation_id(line: str, role: str | None, correlation_id: str) -> str:
    """``_with_role``'s record under the correlationId ``correlation_id`` (top level and properties, as the add-on
    indexes both), the client-request-id header a Microsoft Graph caller sends, and with the record id Microsoft
    builds from it: a Core Directory record's properties.id embeds its correlationId
    (``Directory_<correlationId>_9VRQI_37762000``, real_records/graph_tenant_wide_grant.log; a sign-in's id
    does not)."""
    event = json.loads(_with_role(line, role))
    properties = event["properties"]
    properties["id"] = properties["id"].replace(properties["correlationId"], correlation_id)
    event["correlationId"] = properties["correlationId"] = correlation_id
    return json.dumps(event)


@pytest.mark.parametrize("correlation_id", ['x" OR user="*', 'x" | outputlookup entra_id_risky_oauth_scopes | "'],
                         ids=["widening", "command"])
@pytest.mark.parametrize(("name", "record", "key", "role"), [
    (TENANT_WIDE, "tenant_wide_grant_widened_twice_by_same_user.log", "consent_id", None),
    (HIGH_RISK_ROLE, ROLE_TWICE, "consent_id", None),
    (PRIVILEGED_ROLE, ROLE_TWICE, "consent_id", "RoleManagement.ReadWrite.Directory"),
    (MEDIUM_ROLE, ROLE_TWICE, "consent_id", "User.Read.All"),
    (RISKY_SCOPES, "consent_widened_within_the_hour.log", "consent_id", None),
    (POLICY, "consent_policy_weakened_twice_by_same_user.log", "change_id", None),
], ids=["tenant_wide", "high_risk_role", "privileged_role", "medium_role", "risky_scopes", "policy_weakened"])
def test_caller_chosen_correlation_id_never_reaches_the_results_drilldown(name: str, record: str, key: str,
                                                                          role: str | None, correlation_id: str,
                                                                          tmp_path: Path) -> None:
    """The caller of Microsoft Graph chooses an audit record's correlationId (the client-request-id request
    header), and Microsoft writes it into the record's id too. Tenant-Wide Admin Consent Granted and the three
    application-permission tiers key "View the detection results" on consent_id, which was the correlationId as
    logged, else the record id; Risky Delegated Scopes on consent_id and Policy Weakened on change_id, the record
    id as logged: the real records of two changes under a correlationId of ``x" OR user="*`` (or one closing the
    quote and adding a command) put that text into the drilldown, which then listed every result of the user (or
    wrote a lookup) (Tenant-Wide v21, Privileged v16, High-Risk v17, Application v21 through the correlationId;
    Tenant-Wide v22, Privileged v17, High-Risk v18, Application v22, Risky Delegated Scopes v21, Policy Weakened
    v22 through the id, and the tiers' events drilldown through client_app_id, the record id when the record
    names no client). The correlationId counts only when GUID-shaped and the id only when made of letters,
    digits, ``_`` and ``-`` (macro entra_id_record_id), else the sha256 of the raw event, so no drilldown holds
    the text and each record is a result of its own whose results drilldown lists that one alone."""
    source = REPO / "attack_data" / "real_records" / record
    log = tmp_path / record
    records = [_with_correlation_id(line, role, correlation_id)
               for line in source.read_text(encoding="utf-8").splitlines() if line]
    assert sum(correlation_id in json.loads(record)["properties"]["id"] for record in records) >= 2
    log.write_text("".join(record + "\n" for record in records), encoding="utf-8")
    pack = _pack()
    detection = _detection(pack, name)
    engine = build_engine(pack)
    engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
    rows = run_detection_search(engine, detection).rows
    assert rows
    for row in rows:
        for drilldown in detection.drilldown_searches:
            filled = fill_drilldown(detection, drilldown, dict(row), ALL_TIME, REPLAY_NOW)
            assert correlation_id not in filled.name + filled.search
            assert not filled.unfilled and not filled.injected
        filled = fill_drilldown(detection, _drilldown(detection, RESULTS_DRILLDOWN), dict(row), ALL_TIME, REPLAY_NOW)
        shown = [to_str(got.get(key)) for got in run_drilldown(engine, filled, REPLAY_NOW).rows]
        assert shown == [to_str(row[key])]
    assert len(rows) >= 2  # the two changes, never merged into one result


# What takes a caller-chosen value unchecked: consent_id straight from the correlationId (Tenant-Wide v21, the
# tiers' macro before), and the record id (every version before the macro entra_id_record_id, and the macro
# without its guard). Each pattern matches the form of the versions before its guard too, and the record id's
# fallback written inline (record_id, sha256(_raw)) as before the macro set record_key.
UNCHECKED_CORRELATION_ID = (re.compile(r"consent_id=coalesce\(.*?, ((?:record_)?id, sha256\(_raw\)|record_key)\)"),
                            r"consent_id=coalesce(correlationId, \1)")
UNCHECKED_RECORD_ID = (re.compile(r'if\(match\(id, "[^"]*"\), id, null\(\)\)'), "id")
CP045_TOKEN = re.compile(r"uses \$(\w+)\$, .*? come from '([\w.]+)'")
TIERS = ("privileged_app_permission_granted_to_service_principal",
         "high_risk_app_permission_granted_to_service_principal",
         "application_permission_granted_to_service_principal")


@pytest.mark.parametrize(("unchecked", "flagged"), [
    (UNCHECKED_CORRELATION_ID, {(f"entra_id_{name}.yml", "consent_id", "properties.correlationId")
                                for name in ("tenant_wide_admin_consent_granted", *TIERS)}),
    (UNCHECKED_RECORD_ID, {(f"entra_id_{name}.yml", key, "properties.id") for name, key in (
        ("tenant_wide_admin_consent_granted", "consent_id"),
        ("user_consent_granted_for_risky_delegated_scopes", "consent_id"),
        ("user_consent_policy_weakened", "change_id"),
        ("per_user_delegated_permission_grant_made_without_consent", "burst_id"),
        *((tier, key) for tier in TIERS for key in ("consent_id", "client_app_id")))}),
], ids=["correlation_id", "record_id"])
def test_consent_id_from_an_unchecked_correlation_id_is_flagged(unchecked: tuple[re.Pattern[str], str],
                                                                flagged: set[tuple[str, str, str]],
                                                                tmp_path: Path) -> None:
    """The audit data sources declare correlationId and the record id (properties.id, aliased id: it embeds the
    correlationId) attacker-controlled, so CP045 flags each drilldown token whose field takes either unchecked:
    consent_id as Tenant-Wide v21 and the tiers' macro took the correlationId, and consent_id, change_id and the
    tiers' client_app_id (the record id when the record names no client) as every version before the macro
    entra_id_record_id took the id, and the per-user grant detection's burst_id (its burst's first grant record
    id, v24) would without the macro; before, the validator passed them."""
    root = pack_copy(tmp_path)
    pattern, replacement = unchecked
    for path in [*root.glob("macros/*.yml"), *root.glob("detections/*/*.yml")]:
        path.write_text(pattern.sub(replacement, path.read_text(encoding="utf-8")), encoding="utf-8")
    found = {(Path(d.position.path).name, *CP045_TOKEN.findall(d.message)[0])
             for d in validate_pack(root).diagnostics if d.rule == "CP045"}
    assert found == flagged

def _in_other_tenant(line: str) -> str:
    """The record as the other tenant of a multi-tenant application logs it: its tenant id (the top-level field,
    which the add-on aliases as dest, and the resource path that holds it) changed, and a sign-in's resource and
    home tenant too where they named the first tenant (left as written, they made the sign-in one into the first
    tenant, which the refusal searches leave out as another organisation's, macro entra_id_own_tenant_resource),
    and its record id (properties.id, Microsoft's unique id of the activity: another tenant's record is another
    record, and the searches read a record with the same id once, macro entra_id_record_id); all else as written."""
    event = json.loads(line)
    tenant = event["tenantId"]
    event["tenantId"] = OTHER_TENANT
    if isinstance(event["properties"].get("id"), str):
        event["properties"]["id"] += "-other"
    event["resourceId"] = event["resourceId"].replace(tenant, OTHER_TENANT)
    for key in ("tenantId", "resourceTenantId", "homeTenantId"):
        if event["properties"].get(key) == tenant:
            event["properties"][key] = OTHER_TENANT
    return json.dumps(event)


def _without_object_ids(line: str) -> str:
    """The record of a user it names by address only (a sign-in's userId and an audit record's
    initiatedBy.user.id JSON null): user_id is then the address, which a guest's records carry in every tenant."""
    event = json.loads(line)
    props = event["properties"]
    if "userId" in props:
        props["userId"] = None
    user = (props.get("initiatedBy") or {}).get("user")
    if user:
        user["id"] = None
    return json.dumps(event)


def test_granted_after_declined_events_drilldown_keeps_to_the_findings_tenant(tmp_path: Path) -> None:
    """Granted After User Declined over two tenants in one index: the pack's declined-then-granted records of a
    user named by address only (a guest: the same address in both tenants), once in their own tenant and once in
    another, raise a finding per tenant; each finding's raw-event drilldown returns its own tenant's records
    only. Keyed on the application ids and user_id alone (v11), each returned both tenants' records."""
    source = REPO / "attack_data" / "declined_then_granted" / "declined_then_granted.log"
    lines = [_without_object_ids(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    log = tmp_path / "two_tenants.log"
    log.write_text("\n".join([*lines, *map(_in_other_tenant, lines)]) + "\n", encoding="utf-8")
    pack = _pack()
    detection = _detection(pack, AFTER_DECLINE)
    engine = build_engine(pack)
    engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
    rows = run_detection_search(engine, detection).rows
    assert len({to_str(row["dest"]) for row in rows}) == 2
    assert len({(to_str(row["user_id"]), to_str(row["app_id"])) for row in rows}) == 1  # the same key in both
    drilldown = _drilldown(detection, RAW_DRILLDOWN)
    for row in rows:
        filled = fill_drilldown(detection, drilldown, dict(row), ALL_TIME, REPLAY_NOW)
        assert not filled.unfilled and not filled.injected
        returned = run_drilldown(engine, filled, REPLAY_NOW).rows
        tenants = {json.loads(str(event["_raw"]))["tenantId"] for event in returned}
        assert tenants == {to_str(row["dest"])}


GRANT_WITHOUT_CONSENT = "Entra ID Per-User Delegated Permission Grant Made Without Consent"
APP_A = "fc8c8125-bc0c-499d-8344-e53c6e3caa81"  # graph_user_grant_by_app.log's initiating service principal
APP_B = "2e5c2fd0-cca4-452c-9891-a07c0dafd964"  # app_role_granted_by_app_beside_empty_user.log's


def _made_by_app(event: dict[str, object], sp_id: str) -> str:
    """The record as an application writes it beside an initiatedBy.user of nulls (the shape of
    app_role_granted_by_app_beside_empty_user.log's real initiator)."""
    props = event["properties"]
    assert isinstance(props, dict)
    props["initiatedBy"] = {"user": {"id": None, "displayName": None, "userPrincipalName": None,
                                     "ipAddress": None, "roles": []},
                            "app": {"appId": None, "displayName": None, "servicePrincipalId": sp_id,
                                    "servicePrincipalName": None}}
    return json.dumps(event)


def test_grant_by_an_app_beside_another_apps_consent_is_reported(tmp_path: Path) -> None:
    """Per-User Delegated Permission Grant Made Without Consent pairs a grant with a consent of the same initiator.
    A JSON null reaches Splunk as the text null (the add-on's own evals compare with "null", reference
    azure_monitor_aad.md), so read as written an initiatedBy.user.id of null made every application writing beside
    a user of nulls one initiator named null: the first pair of graph_user_grant_beside_consent.log, its grant made
    by one application and its consent (same correlationId and client, 0.16 s apart) by another, gave no result
    (v20); the grant's initiator is its application, so it is reported, and the same application's pair is not."""
    source = REPO / "attack_data" / "real_records" / "graph_user_grant_beside_consent.log"
    grant, consent = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()[:2]]
    assert (grant["operationName"], consent["operationName"]) == ("Add delegated permission grant",
                                                                  "Consent to application")
    pack = _pack()
    detection = _detection(pack, GRANT_WITHOUT_CONSENT)
    found = {}
    for consent_app in (APP_A, APP_B):
        log = tmp_path / f"{consent_app}.log"
        log.write_text(f"{_made_by_app(grant, APP_A)}\n{_made_by_app(consent, consent_app)}\n", encoding="utf-8")
        engine = build_engine(pack)
        engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
        found[consent_app] = [(to_str(row["user"]), to_str(row["initiator_type"]))
                              for row in run_detection_search(engine, detection).rows]
    assert found == {APP_A: [], APP_B: [(APP_A, "servicePrincipal")]}


def test_grant_beside_a_consent_of_another_tenant_is_reported(tmp_path: Path) -> None:
    """The consent a grant is paired with is the same tenant's (dest): the first pair of
    graph_user_grant_beside_consent.log (one tenant's grant and consent, same correlationId, client and user, 0.16 s
    apart) gives no result, and the same grant beside that consent logged by another tenant is reported. Keyed
    without the tenant (v20), the other tenant's consent hid it. Object ids are per directory, so two tenants'
    records share a client and an initiator only through what stands in for a missing one (unknown, none) or
    records copied between tenants - which is how the pack's own real-record files paired OTRF's grant (tenant
    00000000-...) with Splunk's consent (75243ab2-...) until v21 moved the grants into the consent's tenant."""
    source = REPO / "attack_data" / "real_records" / "graph_user_grant_beside_consent.log"
    grant, consent = source.read_text(encoding="utf-8").splitlines()[:2]
    pack = _pack()
    detection = _detection(pack, GRANT_WITHOUT_CONSENT)
    found = {}
    for name, pair in (("one tenant", (grant, consent)), ("two tenants", (grant, _in_other_tenant(consent)))):
        log = tmp_path / f"{name}.log"
        log.write_text("\n".join(pair) + "\n", encoding="utf-8")
        engine = build_engine(pack)
        engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
        found[name] = [to_str(row["dest"]) for row in run_detection_search(engine, detection).rows]
    assert found == {"one tenant": [], "two tenants": [json.loads(grant)["tenantId"]]}


@pytest.mark.assumed
@pytest.mark.parametrize("display_name", [None, "Jane Doe"], ids=["unnamed", "display-name"])
def test_a_user_block_without_an_id_names_the_initiator_as_a_null_id_does(display_name: str | None,
                                                                           tmp_path: Path) -> None:
    """Microsoft Graph's userIdentity page documents an audit initiator whose id is "unavailable": the id property
    is then left out, its displayName given instead (https://learn.microsoft.com/en-us/graph/api/resources/
    useridentity). app_role_granted_by_user_without_upn_or_id.log writes both ids JSON null instead; the grant
    with its id left out (the user principal name still null: assumed, no page says Entra writes a record naming
    neither) is raised on the user unknown as that record is, whatever display name it gives (the detections
    never name an initiator by display name, which is not unique)."""
    source = REPO / "attack_data" / "real_records" / "app_role_granted_by_user_without_upn_or_id.log"
    lines = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    grant = next(event for event in lines if event["operationName"] == "Add app role assignment to service principal")
    user = grant["properties"]["initiatedBy"]["user"]
    assert user["id"] is None and user["userPrincipalName"] is None
    del user["id"]
    user["displayName"] = display_name
    log = tmp_path / "grant.log"
    log.write_text(json.dumps(grant) + "\n", encoding="utf-8")
    pack = _pack()
    engine = build_engine(pack)
    engine.register_events(log, sourcetype="azure:monitor:aad", source="Azure AD")
    rows = run_detection_search(engine, _detection(pack, PRIVILEGED_ROLE)).rows
    assert [(to_str(row["user"]), to_str(row["initiator_type"])) for row in rows] == [("unknown", "unknown")]
