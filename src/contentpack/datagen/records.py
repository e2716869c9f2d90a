"""One builder per event kind: plain dicts in the exact key order of real ``azure:monitor:aad`` records.

Shapes follow the real records of Splunk's example log, kept in the repository as
tests/fixtures/splunk_security_content/azure_monitor_aad_example_logs.jsonl (line numbers as in the reference
notes beside the repository, ../shared/reference/azure_monitor_aad.md): sign-ins from line 12,
``Consent to application`` from line 6, ``Add service principal`` from line 4,
``Add app role assignment to service principal`` from line 1, ``Update authorization policy`` from line 14,
``Add delegated permission grant`` from the OTRF row mapped to the Event Hub shape. Builders never transform
the values they are given (no lower-casing, no formatting): the scale mode's template renderer relies on that
to substitute values into a pre-serialised record.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from contentpack.datagen.catalog import SIGN_IN_ERRORS

AUDIT_CATEGORY = "AuditLogs"
EVOSTS = "EvoSTS"  # User-Agent of consent given through the sign-in consent prompt (real record, line 6)

Record = dict[str, Any]

# Fields of ``SignIn`` the builder branches on; everything else is a value it only places.
SIGN_IN_SHAPE_FIELDS = ("category", "error_code", "registered_device", "with_scope_info")
# Fields whose value is new in every record (never worth memoising when serialising).
SIGN_IN_UNIQUE_FIELDS = ("time", "created", "request_id", "correlation_id", "token_id")


class SignIn(NamedTuple):
    """Every value of one user sign-in record (interactive or non-interactive).

    A NamedTuple rather than a frozen dataclass: it is built once per event in the scale mode, and tuple
    construction costs a third of a frozen dataclass's ``__init__``.
    """

    # shape: the builder branches on these (SIGN_IN_SHAPE_FIELDS)
    category: str
    error_code: int
    registered_device: bool
    with_scope_info: bool
    # per event
    time: str
    created: str
    request_id: str
    correlation_id: str
    token_id: str
    user_principal_name: str
    ip_address: str
    processing_ms: int
    client_app_used: str
    user_agent: str
    scope_info: str
    # per user (see traffic.user_part)
    user_id: str
    user_display_name: str
    user_type: str
    home_tenant_id: str
    cross_tenant_access_type: str
    asn: int
    city: str
    state: str
    country: str
    latitude: float
    longitude: float
    device_id: str
    device_name: str
    operating_system: str
    browser: str
    trust_type: str
    # per app and tenant (see traffic.app_part)
    tenant_id: str
    app_id: str
    app_display_name: str
    app_sp_id: str | None
    resource_id: str
    resource_display_name: str
    resource_sp_id: str


def _auth_details(s: SignIn) -> list[Record]:
    if s.category != "SignInLogs":
        return []
    code = s.error_code
    password = {
        "authenticationStepDateTime": s.created,
        "authenticationMethod": "Password",
        "authenticationMethodDetail": "Password in the cloud",
        "succeeded": code != 50126,
        "authenticationStepResultDetail": (
            "Invalid username or password or Invalid on-premise username or password."
            if code == 50126
            else "Correct password"
        ),
        "authenticationStepRequirement": "Primary authentication",
        "StatusSequence": 0,
        "RequestSequence": 1,
    }
    if code in (50074, 50076):
        return [
            password,
            {
                "authenticationStepDateTime": s.created,
                "succeeded": False,
                "authenticationStepResultDetail": "MFA required in Azure AD",
                "authenticationStepRequirement": "Primary authentication",
            },
        ]
    if code == 0:
        return [
            password,
            {
                "authenticationStepDateTime": s.created,
                "authenticationMethod": "Mobile app notification",
                "succeeded": True,
                "authenticationStepResultDetail": "MFA successfully completed",
                "authenticationStepRequirement": "Multifactor authentication",
                "StatusSequence": 0,
                "RequestSequence": 1,
            },
        ]
    if code == 50126:
        return [password]
    return [
        {
            "authenticationStepDateTime": s.created,
            "authenticationMethod": "Previously satisfied",
            "succeeded": True,
            "authenticationStepResultDetail": "First factor requirement satisfied by claim in the token",
            "authenticationStepRequirement": "Primary authentication",
        }
    ]


def _device_detail(s: SignIn) -> Record:
    if not s.registered_device:
        return {"deviceId": "", "operatingSystem": s.operating_system, "browser": s.browser}
    return {
        "deviceId": s.device_id,
        "displayName": s.device_name,
        "operatingSystem": s.operating_system,
        "browser": s.browser,
        "isCompliant": True,
        "isManaged": True,
        "trustType": s.trust_type,
    }


def build_sign_in(s: SignIn) -> Record:
    """A ``Sign-in activity`` record. ``failureReason``/``resultDescription`` are absent on success."""
    error = SIGN_IN_ERRORS[s.error_code]
    interactive = s.category == "SignInLogs"
    mfa = s.error_code in (50074, 50076) or (s.error_code == 0 and interactive)
    status: Record = {"errorCode": s.error_code}
    reason = None
    if error.failure_reason is not None:
        reason = error.failure_reason.replace("{app_id}", s.app_id).replace("{app_name}", s.app_display_name)
        status["failureReason"] = reason
    if error.additional_details is not None:
        status["additionalDetails"] = error.additional_details
    processing = [
        {"key": "Legacy TLS (TLS 1.0, 1.1, 3DES)", "value": "False"},
        {"key": "Is CAE Token", "value": "False"},
    ]
    if s.with_scope_info:
        processing.append({"key": "Oauth Scope Info", "value": s.scope_info})
    record: Record = {
        "time": s.time,
        "resourceId": f"/tenants/{s.tenant_id}/providers/Microsoft.aadiam",
        "operationName": "Sign-in activity",
        "operationVersion": "1.0",
        "category": s.category,
        "tenantId": s.tenant_id,
        "resultType": str(s.error_code),
        "resultSignature": "None",
    }
    if reason is not None:
        record["resultDescription"] = reason
    record.update(
        {
            "durationMs": 0,
            "callerIpAddress": s.ip_address,
            "correlationId": s.correlation_id,
            "identity": s.user_display_name,
            "Level": 4,
            "location": s.country,
        }
    )
    record["properties"] = {
        "id": s.request_id,
        "createdDateTime": s.created,
        "userDisplayName": s.user_display_name,
        "userPrincipalName": s.user_principal_name,
        "userId": s.user_id,
        "appId": s.app_id,
        "appDisplayName": s.app_display_name,
        "ipAddress": s.ip_address,
        "status": status,
        "clientAppUsed": s.client_app_used,
        "userAgent": s.user_agent,
        "deviceDetail": _device_detail(s),
        "location": {
            "city": s.city,
            "state": s.state,
            "countryOrRegion": s.country,
            "geoCoordinates": {"latitude": s.latitude, "longitude": s.longitude},
        },
        "mfaDetail": {},
        "correlationId": s.correlation_id,
        "conditionalAccessStatus": "notApplied",
        "appliedConditionalAccessPolicies": [],
        "authenticationContextClassReferences": [],
        "originalRequestId": s.request_id,
        "isInteractive": interactive,
        "tokenIssuerName": "",
        "tokenIssuerType": "AzureAD",
        "authenticationProcessingDetails": processing,
        "networkLocationDetails": [],
        "clientCredentialType": "none",
        "processingTimeInMilliseconds": s.processing_ms,
        "riskDetail": "none",
        "riskLevelAggregated": "none",
        "riskLevelDuringSignIn": "none",
        "riskState": "none",
        "riskEventTypes": [],
        "riskEventTypes_v2": [],
        "resourceDisplayName": s.resource_display_name,
        "resourceId": s.resource_id,
        "resourceTenantId": s.tenant_id,
        "homeTenantId": s.home_tenant_id,
        "tenantId": s.tenant_id,
        "authenticationDetails": _auth_details(s),
        "authenticationRequirementPolicies": (
            [{"requirementProvider": "user", "detail": "Per-user MFA"}] if mfa else []
        ),
        "sessionLifetimePolicies": [],
        "authenticationRequirement": "multiFactorAuthentication" if mfa else "singleFactorAuthentication",
        "alternateSignInName": s.user_principal_name,
        "signInIdentifier": s.user_principal_name,
        "servicePrincipalId": "",
        "userType": s.user_type,
        "flaggedForReview": False,
        "isTenantRestricted": False,
        "autonomousSystemNumber": s.asn,
        "crossTenantAccessType": s.cross_tenant_access_type,
        "privateLinkDetails": {},
        "ssoExtensionVersion": "",
        "uniqueTokenIdentifier": s.token_id,
        "authenticationStrengths": [],
        "incomingTokenType": "none" if interactive else "refreshToken",
        "authenticationProtocol": "none",
        "appServicePrincipalId": s.app_sp_id,
        "resourceServicePrincipalId": s.resource_sp_id,
        "rngcStatus": 0,
        "signInTokenProtectionStatus": "none",
        "originalTransferMethod": "none",
    }
    return record


# --------------------------------------------------------------------------------------------- audit


@dataclass(frozen=True, slots=True)
class AuditHeader:
    """What every audit record of one operation shares: when, where, who and the correlation id."""

    time: str
    activity_time: str
    tenant_id: str
    correlation_id: str
    record_id: str
    initiator_id: str
    initiator_upn: str
    initiator_ip: str  # "" = no callerIpAddress (as in the real "Add service principal")


@dataclass(frozen=True, slots=True)
class ClientApp:
    """The client app an audit record is about: its app id, display name, service principal object id."""

    app_id: str
    display_name: str
    sp_object_id: str


def _quoted(value: str) -> str:
    """A modifiedProperties value: a JSON-encoded string inside the JSON string, e.g. ``"\\"True\\""``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _prop(name: str, new: str | None, old: str | None = None) -> Record:
    return {"displayName": name, "oldValue": old, "newValue": new}


def _target(target_id: str | None, display_name: str | None, kind: str, props: list[Record] | None = None) -> Record:
    """One ``targetResources[]`` element, keys in the order Entra ID logs them."""
    return {
        "id": target_id, "displayName": display_name, "type": kind,
        "modifiedProperties": props if props is not None else [], "administrativeUnits": [],
    }


def _client_sp_props(app: ClientApp) -> list[Record]:
    """The client service principal's identity, as grant records list it on the resource target."""
    return [
        _prop("ServicePrincipal.ObjectID", _quoted(app.sp_object_id)),
        _prop("ServicePrincipal.DisplayName", _quoted(app.display_name)),
        _prop("ServicePrincipal.AppId", _quoted(app.app_id)),
        _prop("ServicePrincipal.Name", _quoted(app.app_id)),
    ]


def _audit(
    h: AuditHeader,
    operation: str,
    audit_category: str,
    operation_type: str,
    result: str,
    result_reason: str,
    targets: list[Record],
    additional: list[Record],
) -> Record:
    record: Record = {
        "time": h.time,
        "resourceId": f"/tenants/{h.tenant_id}/providers/Microsoft.aadiam",
        "operationName": operation,
        "operationVersion": "1.0",
        "category": AUDIT_CATEGORY,
        "tenantId": h.tenant_id,
        "resultSignature": "None",
    }
    if result_reason:
        record["resultDescription"] = result_reason
    record["durationMs"] = 0
    if h.initiator_ip:
        record["callerIpAddress"] = h.initiator_ip
    record["correlationId"] = h.correlation_id
    record["Level"] = 4
    record["properties"] = {
        "id": h.record_id,
        "category": audit_category,
        "correlationId": h.correlation_id,
        "result": result,
        "resultReason": result_reason,
        "activityDisplayName": operation,
        "activityDateTime": h.activity_time,
        "loggedByService": "Core Directory",
        "operationType": operation_type,
        "userAgent": None,
        "initiatedBy": {
            "user": {
                "id": h.initiator_id,
                "displayName": None,
                "userPrincipalName": h.initiator_upn,
                "ipAddress": h.initiator_ip,
                "roles": [],
            }
        },
        "targetResources": targets,
        "additionalDetails": additional,
    }
    return record


def permission_grant_id(client_sp_id: str, resource_sp_id: str, principal_id: str | None) -> str:
    """The oauth2PermissionGrant id: base64url of the client SP, resource SP and (for ``Principal``
    grants) user object ids in GUID little-endian byte order, unpadded — the real line-6 record's ``Id``
    decodes exactly this way (zero client, resource ``ce7199b4…``, principal ``57e4bd36…``)."""
    raw = uuid.UUID(client_sp_id).bytes_le + uuid.UUID(resource_sp_id).bytes_le
    if principal_id:
        raw += uuid.UUID(principal_id).bytes_le
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def consent_permissions_text(
    client_sp_id: str, principal_id: str | None, resource_sp_id: str, scopes: tuple[str, ...]
) -> str:
    """``ConsentAction.Permissions`` new value (decoded): ``[] => [[Id: …, Scope: …, …]]; ``."""
    consent_type = "Principal" if principal_id else "AllPrincipals"
    grant = permission_grant_id(client_sp_id, resource_sp_id, principal_id)
    return (
        f"[] => [[Id: {grant}, ClientId: {client_sp_id}, PrincipalId: {principal_id or ''}, "
        f"ResourceId: {resource_sp_id}, ConsentType: {consent_type}, Scope: {' '.join(scopes)}, "
        "CreatedDateTime: , LastModifiedDateTime ]]; "
    )


def consent_to_application(
    h: AuditHeader,
    app: ClientApp,
    resource_sp_id: str,
    scopes: tuple[str, ...],
    admin_consent: bool,
    blocked_reason: str | None = None,
) -> Record:
    """``Consent to application``: success (user or tenant-wide admin consent) or the risk-based block.

    Property order puts ``ConsentAction.Permissions`` fifth, as in the real record, because older ESCU
    searches read it with ``mvindex(newValue, 4)``.
    """
    principal = None if admin_consent else h.initiator_id
    blocked = blocked_reason is not None
    client_sp = ZERO_GUID if blocked else app.sp_object_id
    props = [
        _prop("ConsentContext.IsAdminConsent", _quoted("True" if admin_consent else "False")),
        _prop("ConsentContext.IsAppOnly", _quoted("False")),
        _prop("ConsentContext.OnBehalfOfAll", _quoted("True" if admin_consent else "False")),
        _prop("ConsentContext.Tags", _quoted("WindowsAzureActiveDirectoryIntegratedApp")),
        _prop(
            "ConsentAction.Permissions",
            _quoted(consent_permissions_text(client_sp, principal, resource_sp_id, scopes)),
        ),
    ]
    exception = "Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException"
    if blocked:
        props.append(_prop("ConsentAction.Reason", _quoted(blocked_reason or "")))
        props.append(_prop("MethodExecutionResult.", _quoted(exception)))
    else:
        props.append(_prop("TargetId.ServicePrincipalNames", _quoted(app.app_id)))
    target = _target(app.sp_object_id, app.display_name, "Application", props)
    additional = [{"key": "User-Agent", "value": EVOSTS}, {"key": "AppId", "value": app.app_id}]
    return _audit(
        h, "Consent to application", "ApplicationManagement", "Assign",
        "failure" if blocked else "success", exception if blocked else "", [target], additional,
    )


def add_delegated_permission_grant(
    h: AuditHeader, app: ClientApp, resource_sp_id: str, resource_name: str, scopes: tuple[str, ...],
    all_principals: bool, resource_spns: str,
) -> Record:
    """``Add delegated permission grant``: target 0 is the resource SP, target 1 the client SP."""
    props = [
        _prop("DelegatedPermissionGrant.Scope", _quoted(" ".join(scopes))),
        _prop("DelegatedPermissionGrant.ConsentType", _quoted("AllPrincipals" if all_principals else "Principal")),
        *_client_sp_props(app),
        _prop("TargetId.ServicePrincipalNames", _quoted(resource_spns)),
    ]
    targets = [
        _target(resource_sp_id, resource_name, "ServicePrincipal", props),
        _target(app.sp_object_id, None, "ServicePrincipal"),
    ]
    return _audit(
        h, "Add delegated permission grant", "ApplicationManagement", "Assign", "success", "", targets,
        [{"key": "User-Agent", "value": EVOSTS}],
    )


def add_service_principal(h: AuditHeader, app: ClientApp) -> Record:
    """``Add service principal``: the tenant's first use of a multi-tenant app creates its SP."""
    names = _quoted(app.app_id)
    props = [
        _prop("AccountEnabled", "[true]", "[]"),
        _prop("AppPrincipalId", f"[{_quoted(app.app_id)}]", "[]"),
        _prop("DisplayName", f"[{_quoted(app.display_name)}]", "[]"),
        _prop("ServicePrincipalName", f"[{_quoted(app.app_id)}]", "[]"),
        _prop(
            "Included Updated Properties",
            _quoted("AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName"),
        ),
        _prop("TargetId.ServicePrincipalNames", names),
    ]
    target = _target(app.sp_object_id, app.display_name, "ServicePrincipal", props)
    return _audit(
        h, "Add service principal", "ApplicationManagement", "Add", "success", "", [target],
        [{"key": "User-Agent", "value": EVOSTS}, {"key": "AppId", "value": app.app_id}],
    )


def add_app_role_assignment(
    h: AuditHeader, app: ClientApp, resource_sp_id: str, resource_app_id: str, resource_name: str,
    role_id: str, role_value: str, role_display: str, assigned_at: str,
) -> Record:
    """``Add app role assignment to service principal`` (application permission granted by an admin)."""
    props = [
        _prop("AppRole.Id", _quoted(role_id)),
        _prop("AppRole.Value", _quoted(role_value)),
        _prop("AppRole.DisplayName", _quoted(role_display)),
        _prop("AppRoleAssignment.CreatedDateTime", _quoted(assigned_at)),
        _prop("AppRoleAssignment.LastModifiedDateTime", _quoted(assigned_at)),
        *_client_sp_props(app),
        _prop("TargetId.ServicePrincipalNames", _quoted(resource_app_id)),
    ]
    targets = [
        _target(resource_sp_id, resource_name, "ServicePrincipal", props),
        _target(app.sp_object_id, app.app_id, "ServicePrincipal"),
    ]
    return _audit(
        h, "Add app role assignment to service principal", "ApplicationManagement", "Assign", "success", "",
        targets, [{"key": "User-Agent", "value": EVOSTS}, {"key": "AppId", "value": resource_app_id}],
    )


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """One modified property of the authorization policy; values are already in logged form (``[true]``)."""

    name: str
    old: str
    new: str


def update_authorization_policy(
    h: AuditHeader, policy_id: str, changes: tuple[PolicyChange, ...], user_agent: str
) -> Record:
    """``Update authorization policy`` (user-consent settings), category ``AuthorizationPolicy``."""
    props = [_prop(c.name, c.new, c.old) for c in changes]
    props.append(_prop("Included Updated Properties", None, None))
    props[-1]["newValue"] = _quoted(", ".join(c.name for c in changes))
    target = _target(policy_id, "Authorization Policy", "Other", props)
    return _audit(
        h, "Update authorization policy", "AuthorizationPolicy", "Update", "success", "", [target],
        [{"key": "User-Agent", "value": user_agent}],
    )
