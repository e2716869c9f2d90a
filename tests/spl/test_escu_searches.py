"""The ESCU consent detections' searches parse and run on the real sample events, with the results a Splunk
user would see. Searches quoted from splunk/security_content (Apache-2.0; escu_format.md §2, spl_semantics.md
§A); the add-on's search-time fields are emulated as azure_monitor_aad.md §3 describes."""

from __future__ import annotations

import pytest

from contentpack.spl import Engine, MacroDef, parse

from .spl_support import ESCU_MACROS, NOW, SAMPLE_LOGS, filter_macro, ADDON_ALIASES, ADDON_CALCULATED

CONSENT_DENIED = (
    '`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
    "| rename properties.* as * | fillnull "
    "| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product "
    "appDisplayName status.failureReason signature "
    "| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` "
    "| `azure_ad_user_consent_denied_for_oauth_application_filter`"
)
CONSENT_BLOCKED = (
    '`azure_monitor_aad` operationName="Consent to application" properties.result=failure | rename properties.* as * '
    " | eval reason_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Reason\")"
    " >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Reason\"), -1)"
    " | eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', "
    "\"ConsentAction.Permissions\") >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName', "
    "\"ConsentAction.Permissions\"), -1) | search reason_index >= 0 "
    " | eval reason = mvindex('targetResources{}.modifiedProperties{}.newValue',reason_index)"
    " | eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)"
    ' | search reason = "\\"Risky application detected\\"" | rex field=permissions "Scope: (?<Scope>[^,]+)"'
    " | stats count min(_time) as firstTime max(_time) as lastTime by operationName, user, reason, Scope"
    " | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`"
    " | `azure_ad_user_consent_blocked_for_risky_application_filter`"
)
CONSENT_GRANTED = (
    '`azure_monitor_aad` operationName="Consent to application" properties.result=success\n'
    "  | rename properties.* as * \n"
    "  | eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', "
    '"ConsentAction.Permissions") >= 0, mvfind(\'targetResources{}.modifiedProperties{}.displayName\', '
    '"ConsentAction.Permissions"), -1)\n'
    "  | eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)\n"
    '  | rex field=permissions "Scope: (?<Scope>[^,]+)"\n'
    "  | stats count min(_time) as firstTime max(_time) as lastTime by operationName, user, Scope\n"
    "  | `security_content_ctime(firstTime)`\n  | `security_content_ctime(lastTime)`\n"
    "  | `azure_ad_oauth_application_consent_granted_by_user_filter`"
)
TENANT_WIDE = (
    '`azure_monitor_aad` operationName="Consent to application" | eval new_field=mvindex('
    "'properties.targetResources{}.modifiedProperties{}.newValue', 4) | rename properties.* as * "
    ' | rex field=new_field "ConsentType: (?<ConsentType>[^\\,]+)" | rex field=new_field "Scope: (?<Scope>[^\\,]+)"'
    '  | search  ConsentType = "AllPrincipals"  | stats count min(_time) as firstTime max(_time) as lastTime by '
    "operationName, user, targetResources{}.displayName, targetResources{}.id, ConsentType, Scope "
    "| `security_content_ctime(firstTime)`  | `security_content_ctime(lastTime)` "
    "| `azure_ad_tenant_wide_admin_consent_granted_filter`"
)
BYPASS = (
    '`azure_monitor_aad` (operationName="Add app role assignment to service principal" OR operationName="Add member '
    'to role*") src_user_type=servicePrincipal  | rename properties.* as *   | eval roleId = mvindex('
    "'targetResources{}.modifiedProperties{}.newValue', 0)  | eval roleValue = mvindex("
    "'targetResources{}.modifiedProperties{}.newValue', 1)  | eval roleDescription = mvindex("
    "'targetResources{}.modifiedProperties{}.newValue', 2)  | eval user_id = mvindex('targetResources{}.id', 0), "
    "user=coalesce(user,mvindex('targetResources{}.displayName', 0)) | rename initiatedBy.app.displayName as src_user"
    "  | stats count earliest(_time) as firstTime latest(_time) as lastTime by src_user user user_id roleId roleValue"
    " roleDescription | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`  "
    "| `azure_ad_admin_consent_bypassed_by_service_principal_filter`"
)
SPIKE = (
    ' `azure_monitor_aad` category=SignInLogs operationName="Sign-in activity" '
    '(properties.authenticationRequirement="multiFactorAuthentication" AND properties.status.additionalDetails="MFA '
    'required in Azure AD") OR (properties.authenticationRequirement=singleFactorAuthentication AND '
    '"properties.authenticationDetails{}.succeeded"=true) | bucket span=5m _time | rename properties.* as * '
    "| stats count min(_time) as firstTime max(_time) as lastTime dc(appId) as unique_app_ids dc(userAgent) as "
    "unique_user_agents values(appDisplayName) values(deviceDetail.operatingSystem) by user, src_ip "
    "| where count > 5 and unique_app_ids > 2 and unique_user_agents > 5 | `security_content_ctime(firstTime)` "
    "| `security_content_ctime(lastTime)` | `azure_ad_multiple_appids_and_useragents_authentication_spike_filter`"
)
# Drilldown: "%original_detection_search% | search user = "$user$"" with the token filled in.
DRILLDOWN = CONSENT_BLOCKED + ' | search  user = "user15@splunkresearch.onmicrosoft.com"'
RISK_DRILLDOWN = (
    '| from datamodel Risk.All_Risk | search normalized_risk_object IN ("user15@splunkresearch.onmicrosoft.com") '
    "starthoursago=168  | stats count min(_time) as firstTime max(_time) as lastTime values(search_name) as "
    '"Search Name" values(risk_message) as "Risk Message" values(analyticstories) as "Analytic Stories" '
    'values(annotations._all) as "Annotations" values(annotations.mitre_attack.mitre_tactic) as "ATT&CK Tactics" '
    "by normalized_risk_object | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`"
)
ALL = [CONSENT_DENIED, CONSENT_BLOCKED, CONSENT_GRANTED, TENANT_WIDE, BYPASS, SPIKE, DRILLDOWN, RISK_DRILLDOWN]
FILTERS = [
    "azure_ad_user_consent_denied_for_oauth_application_filter",
    "azure_ad_user_consent_blocked_for_risky_application_filter",
    "azure_ad_oauth_application_consent_granted_by_user_filter",
    "azure_ad_tenant_wide_admin_consent_granted_filter",
    "azure_ad_admin_consent_bypassed_by_service_principal_filter",
    "azure_ad_multiple_appids_and_useragents_authentication_spike_filter",
]
# The add-on's src_user_type / src_ip (azure_monitor_aad.md §3), approximated for these samples.
EXTRA_CALCULATED = (
    ("src_user_type", "case(isnotnull('properties.initiatedBy.user.userPrincipalName'), \"userPrincipal\", "
                      "isnotnull('properties.initiatedBy.app.servicePrincipalId'), \"servicePrincipal\")"),
)


@pytest.fixture
def engine() -> Engine:
    macros: dict[str, MacroDef] = dict(ESCU_MACROS)
    macros.update({name: filter_macro(name) for name in FILTERS})
    engine = Engine(macros)
    engine.register_events(SAMPLE_LOGS, sourcetype="azure:monitor:aad", source="Azure AD")
    engine.register_search_time("azure:monitor:aad", ADDON_ALIASES + (("callerIpAddress", "src_ip"),),
                                ADDON_CALCULATED + EXTRA_CALCULATED)
    engine.register_risk_index([
        {"_time": NOW - 3600, "normalized_risk_object": "user15@splunkresearch.onmicrosoft.com",
         "search_name": "Azure AD User Consent Blocked for Risky Application", "risk_message": "m",
         "analyticstories": "Azure Active Directory Account Takeover", "annotations._all": "T1528",
         "annotations.mitre_attack.mitre_tactic": "credential-access"},
        {"_time": NOW - 30 * 86400, "normalized_risk_object": "user15@splunkresearch.onmicrosoft.com",
         "search_name": "too old"},
    ])
    return engine


@pytest.mark.parametrize("search", ALL)
def test_every_quoted_consent_search_parses_and_runs(engine: Engine, search: str) -> None:
    pipeline = parse(search, engine.macros)
    assert len(pipeline.commands) >= 3
    result = engine.search(search, now=NOW)
    assert isinstance(result.rows, list)


def test_consent_blocked_finds_the_real_risky_app_block(engine: Engine) -> None:
    result = engine.search(CONSENT_BLOCKED, now=NOW)
    assert result.fields == ["operationName", "user", "reason", "Scope", "count", "firstTime", "lastTime"]
    (row,) = result.rows
    assert row["operationName"] == "Consent to application"
    assert row["user"] == "user15@splunkresearch.onmicrosoft.com"
    assert row["reason"] == '"Risky application detected"'
    assert row["count"] == 1 and row["firstTime"] == "2023-10-27T16:14:14"
    assert str(row["Scope"]).startswith("Mail.Read")


def test_drilldown_searches_narrow_to_the_user(engine: Engine) -> None:
    assert len(engine.search(DRILLDOWN, now=NOW).rows) == 1
    risk = engine.search(RISK_DRILLDOWN, now=NOW).rows
    assert risk == [{"normalized_risk_object": "user15@splunkresearch.onmicrosoft.com", "count": 1,
                     "firstTime": "2027-01-15T07:00:00", "lastTime": "2027-01-15T07:00:00",
                     "Search Name": "Azure AD User Consent Blocked for Risky Application", "Risk Message": "m",
                     "Analytic Stories": "Azure Active Directory Account Takeover", "Annotations": "T1528",
                     "ATT&CK Tactics": "credential-access"}]


def test_bypass_detection_sees_the_app_initiated_role_assignment(engine: Engine) -> None:
    (row,) = engine.search(BYPASS, now=NOW).rows
    assert row["src_user"] == "LegacyTestOAuthApp"
    assert row["roleValue"] == '"full_access_as_app"'


def test_consent_denied_search_is_empty_on_samples_without_65004(engine: Engine) -> None:
    """The 16 samples hold no 65004 sign-in (samples/README.md), so the detection returns nothing."""
    assert engine.search(CONSENT_DENIED, now=NOW).rows == []
    fifty = CONSENT_DENIED.replace("65004", "50076")
    (row,) = engine.search(fifty, now=NOW).rows
    assert row["user"] == "user15@splunkresearch.onmicrosoft.com" and row["vendor_product"] == "Azure AD"
    assert row["src"] == "1.2.3.4" and row["signature"] == "Sign-in activity"
    assert row["appDisplayName"] == "Azure Active Directory PowerShell"


def test_consent_to_application_table_shows_add_on_user_and_result(engine: Engine) -> None:
    """`rename properties.* as *` overwrites top-level fields: result comes from properties.result
    (azure_monitor_aad.md §3 gotcha 1)."""
    text = '`azure_monitor_aad` operationName="Consent to application" | rename properties.* as * | table user result'
    assert engine.search(text, now=NOW).rows == [
        {"user": "user15@splunkresearch.onmicrosoft.com", "result": "failure"}]
