"""Shape fidelity: the add-on's JSON style, key order, types, and the Splunk field names a user searches.

Field naming (nested keys joined with ``.``, arrays as ``{}``) is Splunk's JSON auto-extraction
(``KV_MODE = json``; spath documentation, https://help.splunk.com/splunk-enterprise/spl-search-reference/9.0/search-commands/spath),
exercised here through the project's own flattener and SPL engine.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
import json
import random
from pathlib import Path
from typing import Any

from contentpack.datagen import catalog
from contentpack.datagen.clock import ticks_of
from contentpack.datagen.records import build_sign_in
from contentpack.datagen.template import SignInRenderer
from contentpack.datagen.tenant import build_tenant
from contentpack.datagen.traffic import SignInFactory, first_party
from contentpack.spl import Engine
from contentpack.spl.events import flatten_json

from .datagen_support import log_path

DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
NOW = 4_000_000_000.0


def test_lines_use_the_addon_json_style_with_time_first(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    """``_raw`` is ``json.dumps(record)``: default separators, ASCII escapes, emitted key order."""
    for name in scenario_records:
        for line in log_path(name).read_text(encoding="ascii").splitlines():
            record = json.loads(line)
            assert json.dumps(record) == line
            assert next(iter(record)) == "time"
            assert line.startswith('{"time": "')


def test_template_renderer_is_byte_identical_to_json_dumps() -> None:
    tenant = build_tenant()
    factory = SignInFactory(tenant, random.Random(99))
    renderer = SignInRenderer()
    rng = random.Random(5)
    start = ticks_of("2026-10-05T09:00:00")
    for i, code in enumerate(sorted(catalog.SIGN_IN_ERRORS) * 40):
        user = rng.choice(tenant.everyone)
        app = first_party(rng.choice(catalog.FIRST_PARTY_APPS))
        scopes = ("User.Read", 'Odd"Scope\\') if i % 3 == 0 else ()
        spec = factory.make(user, app, start + i * 10**7, code, interactive=i % 2 == 0, at_home=i % 5 == 0,
                            scopes=scopes)
        if i % 7 == 0:  # non-ASCII and quotes must be escaped exactly as json.dumps does
            spec = spec._replace(user_display_name="Zoë \"Q\" Ångström", city="Zürich")
        assert renderer.render(spec) == json.dumps(build_sign_in(spec))


def test_value_types_match_the_real_records(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    sign_ins = [r for rs in scenario_records.values() for r in rs if r["category"] != "AuditLogs"]
    audits = [r for rs in scenario_records.values() for r in rs if r["category"] == "AuditLogs"]
    for r in sign_ins:
        status = r["properties"]["status"]
        assert isinstance(r["resultType"], str) and r["resultType"] == str(status["errorCode"])
        assert type(status["errorCode"]) is int and type(r["Level"]) is int
        assert ("failureReason" in status) == (status["errorCode"] != 0)
        assert ("resultDescription" in r) == (status["errorCode"] != 0)
        assert r["properties"]["isInteractive"] is (r["category"] == "SignInLogs")
    for r in audits:
        assert "resultType" not in r and "location" not in r
        for target in r["properties"]["targetResources"]:
            for prop in target["modifiedProperties"]:
                assert prop["newValue"] is None or isinstance(prop["newValue"], str)


def test_splunk_field_names_exist_with_the_right_text(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    phishing = scenario_records["consent_phishing_campaign"]
    decline = flatten_json(next(r for r in phishing if r.get("resultType") == "65004"))
    assert decline["properties.status.errorCode"] == "65004"
    assert decline["resultType"] == "65004"
    assert decline["properties.appDisplayName"] == "Office365 Document Viewer"
    assert decline["properties.isInteractive"] == "true"
    assert isinstance(decline["properties.status.failureReason"], str)
    details = decline["properties.authenticationProcessingDetails{}.key"]
    assert isinstance(details, tuple) and details[-1] == "Oauth Scope Info"
    consent = flatten_json(next(r for r in phishing if r["operationName"] == "Consent to application"))
    names = consent["properties.targetResources{}.modifiedProperties{}.displayName"]
    values = consent["properties.targetResources{}.modifiedProperties{}.newValue"]
    assert isinstance(names, tuple) and names[4] == "ConsentAction.Permissions" and isinstance(values, tuple)
    scope = values[4]
    assert isinstance(scope, str) and "Scope: User.Read Mail.Read Mail.Send Files.ReadWrite.All offline_access" in scope
    assert consent["properties.additionalDetails{}.key"] == ("User-Agent", "AppId")
    assert consent["properties.result"] == "success"
    assert consent["properties.initiatedBy.user.displayName"] == "null"  # JSON null reaches SPL as "null"


def test_escu_style_searches_run_over_the_phishing_scenario() -> None:
    engine = Engine()
    engine.register_events(log_path("consent_phishing_campaign"), sourcetype="azure:monitor:aad", source="Azure AD")
    engine.register_search_time(
        "azure:monitor:aad", (("tenantId", "dest"), ("callerIpAddress", "src")),
        (("user", "coalesce('properties.initiatedBy.user.userPrincipalName', 'properties.userPrincipalName')"),),
    )
    rows = engine.search(
        'operationName="Sign-in activity" properties.status.errorCode=65004 | rename properties.* as * '
        "| eval u=lower(user) | stats dc(u) as users by appDisplayName",
        now=NOW,
    ).rows
    assert rows == [{"appDisplayName": "Office365 Document Viewer", "users": 30}]
    granted = engine.search(
        'operationName="Consent to application" properties.result=success '
        "| stats dc(properties.initiatedBy.user.userPrincipalName) as granters",
        now=NOW,
    ).rows
    assert str(granted[0]["granters"]) == "4"


def test_ips_come_from_documentation_ranges(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    seen_v6 = False
    for records in scenario_records.values():
        for r in records:
            for text in (r.get("callerIpAddress"), r["properties"].get("ipAddress")):
                if text:
                    ip = ipaddress.ip_address(text)
                    seen_v6 |= ip.version == 6
                    assert any(ip in net for net in DOC_NETS), text
    assert seen_v6


def test_baseline_is_realistic_traffic(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    records = scenario_records["baseline_tenant"]
    sign_ins = [r for r in records if r["category"] != "AuditLogs"]
    lags = []
    for r in sign_ins:
        created = r["properties"]["createdDateTime"].replace("+00:00", "Z")
        assert r["time"] > created
        lags.append((r["time"], created))
    def secs(a: str, b: str) -> float:
        fa = datetime.fromisoformat(a.replace("Z", "+00:00"))
        fb = datetime.fromisoformat(b.replace("Z", "+00:00"))
        return (fa - fb).total_seconds()

    late = [a for a, b in lags if secs(a, b) > 600]
    assert 0 < len(late) < len(lags) * 0.1
    # letter case of the same user's UPN differs between records
    by_user: dict[str, set[str]] = {}
    for r in sign_ins:
        upn = r["properties"]["userPrincipalName"]
        by_user.setdefault(upn.lower(), set()).add(upn)
    assert any(len(v) > 1 for v in by_user.values())
    # guests: cross-tenant
    guests = [r for r in sign_ins if r["properties"]["userType"] == "Guest"]
    assert guests and all(r["properties"]["homeTenantId"] != r["properties"]["resourceTenantId"] for r in guests)
    # office-hours rhythm: weekdays busier than the weekend
    weekday = sum(1 for r in sign_ins if r["properties"]["createdDateTime"][:10] == "2026-10-07")
    sunday = sum(1 for r in sign_ins if r["properties"]["createdDateTime"][:10] == "2026-10-11")
    assert weekday > 4 * sunday
    assert {r["category"] for r in sign_ins} == {"SignInLogs", "NonInteractiveUserSignInLogs"}


def test_first_party_apps_use_their_real_ids() -> None:
    assert catalog.OFFICE.app_id == "d3590ed6-52b3-4102-aeff-aad2292ab01c"
    assert catalog.GRAPH.app_id == "00000003-0000-0000-c000-000000000000"
    assert catalog.EXCHANGE.app_id == "00000002-0000-0ff1-ce00-000000000000"
    assert Path(log_path("baseline_tenant")).read_text().count(catalog.OFFICE.app_id) > 10


def test_large_tenants_have_unique_users_and_stable_ids() -> None:
    """Scale-mode tenants exceed the 900 first/last name pairs: namesakes get a number, as directories do."""
    big = build_tenant(members=5000, guests=100)
    assert len({u.upn for u in big.users}) == 5000
    assert len({u.object_id for u in big.everyone}) == 5100
    assert all(u.upn == u.upn_variant.lower() or "#EXT#" in u.upn for u in big.users)
    assert build_tenant().tenant_id == big.tenant_id  # one tenant, whatever its size
