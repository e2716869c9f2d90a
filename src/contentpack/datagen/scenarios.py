"""The committed attack-data scenarios: ordinary tenant traffic plus the consent events each detection
must (or must not) fire on.

Every scenario draws from its own random stream (``derived_rng(seed, name)``) over the shared tenant
(``DEFAULT_TENANT_SEED``), so each file is reproducible on its own from the seed in its manifest.
Times are fixed dates in October 2026 — never the wall clock. ``facts`` carry what detection authors
need (apps, users, windows); counts are computed from the records by ``manifest``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from contentpack.datagen import catalog
from contentpack.datagen.clock import (
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND, property_time, record_time, ticks_of, weekday,
)
from contentpack.datagen.ids import audit_id, derived_rng, guid
from contentpack.datagen.records import (
    AuditHeader, ClientApp, PolicyChange, Record, add_app_role_assignment, add_delegated_permission_grant,
    add_service_principal, build_sign_in, consent_to_application, update_authorization_policy,
)
from contentpack.datagen.seeds import SCENARIO_SEEDS
from contentpack.datagen.tenant import (
    DEFAULT_TENANT_SEED, Tenant, ThirdPartyApp, User, build_tenant, third_party_app,
)
from contentpack.datagen.traffic import AppRef, SignInFactory, first_party, office_hours_start

RISKY_MAIL_FILES_SCOPES = ("User.Read", "Mail.Read", "Mail.Send", "Files.ReadWrite.All", "offline_access")
GRAPH_SPNS = (
    "00000003-0000-0000-c000-000000000000/ags.windows.net;00000003-0000-0000-c000-000000000000;"
    "https://canary.graph.microsoft.com;https://graph.microsoft.com;https://ags.windows.net;"
    "https://graph.microsoft.us;https://graph.microsoft.com/;https://dod-graph.microsoft.us;"
    "https://canary.graph.microsoft.com/;https://graph.microsoft.us/;https://dod-graph.microsoft.us/"
)
ATTACKER_PLACE = catalog.Place("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041, "198.51.100", 64510)
ATTACKER_IP = "198.51.100.66"


@dataclass
class Scenario:
    """A generated scenario: its records (unsorted) and the facts its manifest and docs state."""

    name: str
    seed: int
    description: str
    attack_ids: tuple[str, ...]
    records: list[Record] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Prompt:
    """A consent decision whose AADSTS65001 prompt is still to be written (``_Builder.write_prompts``)."""

    user: User
    app: ThirdPartyApp
    decided: int
    at_home: bool
    correlation_id: str
    typed_upn: bool


class _Builder:
    """Shared helpers of the scenario functions: one tenant, one random stream, one sign-in factory."""

    def __init__(self, name: str, seed: int) -> None:
        self.rng: random.Random = derived_rng(seed, name)
        self.tenant: Tenant = build_tenant(DEFAULT_TENANT_SEED)
        self.factory = SignInFactory(self.tenant, self.rng)
        self.records: list[Record] = []
        self.sp_created: set[str] = set()
        self.sp_planned: dict[str, int] = {}  # app id -> when its service principal appears in the tenant
        self.prompted: list[_Prompt] = []  # the consent prompts before each decision, written by ``done``

    # ---------------------------------------------------------------- sign-ins
    def sign_in(self, user: User, app: AppRef, at: int, code: int = 0, interactive: bool = True,
                scopes: tuple[str, ...] = (), at_home: bool = False, correlation_id: str | None = None,
                typed_upn: bool = False, lag: int | None = None) -> Record:
        """One sign-in. ``typed_upn`` forces the UPN letter-case variant (real logs carry the name as typed);
        ``lag`` forces the write delay (``time`` - ``createdDateTime``, ticks) instead of the factory's draw."""
        created = self.jitter(at)
        spec = self.factory.make(user, app, created, code, interactive, at_home, scopes, correlation_id)
        if typed_upn:
            spec = spec._replace(user_principal_name=user.upn_variant)
        if lag is not None:
            spec = spec._replace(time=record_time(created + lag))
        record = build_sign_in(spec)
        self.records.append(record)
        return record

    def decline(self, user: User, app: ThirdPartyApp, at: int, at_home: bool = False, typed_upn: bool = False,
                lag: int | None = None) -> Record:
        """A user's refusal (65004) of ``app``'s consent prompt, the prompt (65001) queued before it."""
        record = self.sign_in(user, self.ref(app, at), at, 65004, scopes=app.scopes, at_home=at_home,
                              typed_upn=typed_upn, lag=lag)
        self.prompted.append(_Prompt(user, app, at, at_home, record["correlationId"], typed_upn))
        return record

    def write_prompts(self) -> None:
        """The AADSTS65001 sign-in a user logs when sent to a consent prompt, seconds before the refusal or grant
        it led to, under the decision's correlation id (as ``baseline_tenant``'s honest prompts are written).
        Drawn after every other record, so adding the prompts left the scenarios' other records as they were."""
        for p in self.prompted:
            at = p.decided - self.rng.randint(10, 90) * TICKS_PER_SECOND
            self.sign_in(p.user, self.ref(p.app, at), at, 65001, scopes=p.app.scopes, at_home=p.at_home,
                         correlation_id=p.correlation_id, typed_upn=p.typed_upn)
        self.prompted = []

    def plan_first_consent(self, app: ThirdPartyApp, at: int) -> None:
        """Declare when a multi-tenant app's service principal will be created (its first consent), so
        sign-ins before that moment carry ``appServicePrincipalId`` null, as the tenant has no SP yet."""
        self.sp_planned[app.app_id] = min(at, self.sp_planned.get(app.app_id, at))

    def ref(self, app: ThirdPartyApp, at: int) -> AppRef:
        """The sign-in view of a third-party app at ``at``: its SP id once the SP exists in the tenant."""
        exists = not app.multi_tenant or (app.app_id in self.sp_planned and at >= self.sp_planned[app.app_id])
        return AppRef(app.app_id, app.display_name, app.sp_object_id if exists else None, app.resource, "Browser")

    def attacker_refresh(self, user: User, app: AppRef, at: int) -> Record:
        """The malicious app redeeming a user's refresh token from its own infrastructure."""
        return self.attacker_sign_in(user, app, at, interactive=False, user_agent="python-requests/2.32.3")

    def attacker_sign_in(self, user: User, app: AppRef, at: int, interactive: bool, user_agent: str) -> Record:
        """A successful sign-in as ``user`` from the attacker's infrastructure (place, IP, ASN, agent)."""
        spec = self.factory.make(user, app, at, 0, interactive, scopes=())
        spec = spec._replace(
            ip_address=ATTACKER_IP, city=ATTACKER_PLACE.city, state=ATTACKER_PLACE.state,
            country=ATTACKER_PLACE.country, latitude=ATTACKER_PLACE.latitude, longitude=ATTACKER_PLACE.longitude,
            asn=ATTACKER_PLACE.asn, user_agent=user_agent,
        )
        record = build_sign_in(spec)
        self.records.append(record)
        return record

    # ---------------------------------------------------------------- audit
    def jitter(self, at: int) -> int:
        """Scenario moments are written to the second; real timestamps carry 7 fractional digits."""
        return at + self.rng.randrange(1, TICKS_PER_SECOND // 4) if at % TICKS_PER_SECOND == 0 else at

    def header(self, at: int, correlation_id: str, initiator: User, ip: str) -> AuditHeader:
        """Audit records are written at the event time: ``time`` equals ``activityDateTime`` in every real
        audit record of tests/fixtures/splunk_security_content (unlike sign-ins, whose ``time`` is minutes after
        the sign-in)."""
        rng = self.rng
        at = self.jitter(at)
        return AuditHeader(
            time=record_time(at),
            activity_time=property_time(at),
            tenant_id=self.tenant.tenant_id,
            correlation_id=correlation_id,
            record_id=audit_id(rng, correlation_id),
            initiator_id=initiator.object_id,
            initiator_upn=initiator.upn,
            initiator_ip=ip,
        )

    def user_grants(self, user: User, app: ThirdPartyApp, at: int) -> None:
        """A user consents from the office (``grant``) and the app's sign-in follows 2 s later under the
        consent's correlation id, the consent prompt (65001) queued before it: how every user grant of the
        scenarios looks."""
        corr = guid(self.rng)
        self.grant(user, app, at, corr, user.office_ip)
        self.sign_in(user, self.ref(app, at), at + 2 * TICKS_PER_SECOND, scopes=app.scopes, correlation_id=corr)
        self.prompted.append(_Prompt(user, app, at, at_home=False, correlation_id=corr, typed_upn=False))

    def grant(self, user: User, app: ThirdPartyApp, at: int, correlation_id: str, ip: str,
              admin: bool = False) -> None:
        """A successful consent: ``Add service principal`` the first time the tenant sees a multi-tenant
        app, ``Consent to application``, ``Add delegated permission grant`` — one correlation id."""
        client = ClientApp(app.app_id, app.display_name, app.sp_object_id)
        graph_sp = self.tenant.resource_sp(app.resource)
        if app.multi_tenant and app.app_id not in self.sp_created:
            self.sp_created.add(app.app_id)
            self.records.append(add_service_principal(self.header(at, correlation_id, user, ""), client))
        step = TICKS_PER_SECOND // 2
        self.records.append(consent_to_application(
            self.header(at + step, correlation_id, user, ip), client, graph_sp, app.scopes, admin_consent=admin,
        ))
        self.records.append(add_delegated_permission_grant(
            self.header(at + 2 * step, correlation_id, user, ip), client, graph_sp, app.resource.display_name,
            app.scopes, all_principals=admin, resource_spns=GRAPH_SPNS,
        ))

    # ---------------------------------------------------------------- ordinary traffic
    def workday(self, user: User, day: int, busy: float = 1.0) -> None:
        """One user's ordinary day: a morning interactive sign-in (sometimes after an MFA interrupt),
        a couple more interactive sign-ins and background token refreshes."""
        rng = self.rng
        at_home = rng.random() < 0.25
        start = office_hours_start(rng, day)
        morning = first_party(rng.choice(catalog.INTERACTIVE_APPS[:3]))
        if rng.random() < 0.12:
            self.sign_in(user, morning, start, rng.choice((50074, 50076)), at_home=at_home)
            start += rng.randint(20, 90) * TICKS_PER_SECOND
        self.sign_in(user, morning, start, at_home=at_home)
        for _ in range(max(0, int(rng.gauss(2, 1) * busy))):
            app = first_party(rng.choice(catalog.INTERACTIVE_APPS))
            self.sign_in(user, app, start + rng.randint(10, 540) * TICKS_PER_MINUTE, at_home=at_home)
        for _ in range(max(0, int(rng.gauss(4, 1.5) * busy))):
            app = first_party(rng.choice(catalog.NON_INTERACTIVE_APPS))
            self.sign_in(user, app, start + rng.randint(1, 600) * TICKS_PER_MINUTE, interactive=False,
                         at_home=at_home)

    def background(self, start: int, hours: float, share: float) -> None:
        """Ordinary traffic of ``share`` of the members over ``hours`` from ``start``."""
        rng = self.rng
        span = int(hours * TICKS_PER_HOUR)
        for user in self.tenant.users:
            if rng.random() >= share:
                continue
            app = first_party(rng.choice(catalog.INTERACTIVE_APPS))
            self.sign_in(user, app, start + rng.randrange(span))
            for _ in range(rng.randint(1, 3)):
                self.sign_in(user, first_party(rng.choice(catalog.NON_INTERACTIVE_APPS)), start + rng.randrange(span),
                             interactive=False)

    def pick_users(self, count: int, exclude: set[str] | None = None) -> list[User]:
        pool = [u for u in self.tenant.users[1:] if not exclude or u.upn not in exclude]
        return self.rng.sample(pool, count)

    def done(
        self, name: str, seed: int, description: str, attack_ids: tuple[str, ...], facts: dict[str, Any]
    ) -> Scenario:
        self.write_prompts()
        return Scenario(name, seed, description, attack_ids, self.records, facts)


def app_facts(app: ThirdPartyApp, publisher_verified: bool, note: str) -> dict[str, Any]:
    return {
        "app_id": app.app_id,
        "display_name": app.display_name,
        "service_principal_id": app.sp_object_id,
        "multi_tenant": app.multi_tenant,
        "publisher_verified": publisher_verified,
        "requested_scopes": list(app.scopes),
        "note": note,
    }


def authorization_policy_id() -> str:
    """The tenant's single authorization policy object id, the same in every scenario that changes it."""
    return guid(derived_rng(DEFAULT_TENANT_SEED, "authorization-policy"))


# Logged values of PermissionGrantPolicyIdsAssignedToDefaultUserRole (learn.microsoft.com/graph/api/resources/
# authorizationpolicy): the legacy policy lets users consent to any app; "low" only to verified publishers'
# apps asking low-impact permissions.
USER_CONSENT_ALL_APPS = '["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"]'
USER_CONSENT_LOW_IMPACT = '["ManagePermissionGrantsForSelf.microsoft-user-default-low"]'


# ============================================================================ scenarios

BASELINE_START = "2026-10-05"  # a Monday
HONEST_APPS = ("Fabrikam Survey", "Litware Calendar Sync", "Northwind Scheduler", "Wingtip Docs Viewer")


def baseline_tenant(seed: int) -> Scenario:
    b = _Builder("baseline_tenant", seed)
    rng, tenant = b.rng, b.tenant
    start = ticks_of(BASELINE_START)
    for d in range(7):
        day = start + d * TICKS_PER_DAY
        weekend = weekday(day) >= 5
        for user in tenant.users:
            if weekend and rng.random() > 0.15:
                continue
            b.workday(user, day, busy=0.4 if weekend else 1.0)
        if not weekend:
            for guest in tenant.guests:
                if rng.random() < 0.5:
                    b.sign_in(guest, first_party(catalog.TEAMS), office_hours_start(rng, day))
            # first-party silent token requests that need consent: the 65001 background
            for _ in range(rng.randint(3, 5)):
                app = first_party(rng.choice(catalog.SILENT_65001_APPS))
                b.sign_in(rng.choice(tenant.users), app, office_hours_start(rng, day), 65001, interactive=False)
            for _ in range(rng.randint(1, 3)):
                app = first_party(rng.choice(catalog.NON_INTERACTIVE_APPS))
                b.sign_in(rng.choice(tenant.users), app, office_hours_start(rng, day), 700020, interactive=False)
            if rng.random() < 0.6:
                user = rng.choice(tenant.users)
                b.sign_in(user, first_party(catalog.OFFICE_HOME), office_hours_start(rng, day), 50126)
    honest = [
        third_party_app(DEFAULT_TENANT_SEED, name, ("User.Read", "Calendars.Read") if i % 2 else ("User.Read",))
        for i, name in enumerate(HONEST_APPS)
    ]
    declines = []
    decliners = b.pick_users(4)
    consenters = b.pick_users(2, {u.upn for u in decliners})
    consent_times = [office_hours_start(rng, start + (2 * i + 1) * TICKS_PER_DAY) for i in range(2)]
    for honest_app, at in zip(honest, consent_times):
        b.plan_first_consent(honest_app, at + 40 * TICKS_PER_SECOND)
    # honest declines: one per app, on different days (Tue, Wed, Thu, Fri), different users
    for i, (honest_app, user) in enumerate(zip(honest, decliners)):
        at = office_hours_start(rng, start + (i + 1) * TICKS_PER_DAY)
        b.decline(user, honest_app, at)
        declines.append({"user": user.upn, "app": honest_app.display_name, "day": property_time(at)[:10]})
    # honest prompts that end in a low-risk user consent (65001 prompt, then consent, then success)
    granted = []
    for honest_app, user, at in zip(honest, consenters, consent_times):
        corr = guid(rng)
        b.sign_in(user, b.ref(honest_app, at), at, 65001, scopes=honest_app.scopes, correlation_id=corr)
        b.grant(user, honest_app, at + 40 * TICKS_PER_SECOND, corr, user.office_ip)
        done = at + 50 * TICKS_PER_SECOND
        b.sign_in(user, b.ref(honest_app, done), done, scopes=honest_app.scopes, correlation_id=corr)
        granted.append({"user": user.upn, "app": honest_app.display_name, "scopes": list(honest_app.scopes)})
    # benign authorization-policy changes by the admin (tightening user consent)
    policy_id = authorization_policy_id()
    changes = (
        (PolicyChange("PermissionGrantPolicyIdsAssignedToDefaultUserRole", USER_CONSENT_ALL_APPS,
                      USER_CONSENT_LOW_IMPACT),),
        (PolicyChange("AllowedToSignUpEmailBasedSubscriptions", "[true]", "[false]"),),
    )
    for i, change in enumerate(changes):
        at = office_hours_start(rng, start + (1 + 2 * i) * TICKS_PER_DAY)
        b.records.append(update_authorization_policy(
            b.header(at, guid(rng), tenant.admin, tenant.admin.office_ip), policy_id, change,
            catalog.CLIENT_PROFILES[0].user_agent,
        ))
    facts = {
        "users": len(tenant.users),
        "guests": [g.upn for g in tenant.guests],
        "admin": tenant.admin.upn,
        "honest_declines_65004": declines,
        "honest_user_consents": granted,
        "honest_apps": [app_facts(a, True, "ordinary third-party app, verified publisher") for a in honest],
        "benign_policy_changes": [c[0].name for c in changes],
        "silent_65001_apps": [a.display_name for a in catalog.SILENT_65001_APPS],
        "thinned": "non-interactive refreshes thinned to ~4 per user per workday to keep attack_data/ small",
    }
    return b.done(
        "baseline_tenant", seed,
        "A week of ordinary traffic for a 60-user tenant (plus 3 guests): interactive and non-interactive "
        "sign-ins, MFA interrupts, 65001 from first-party silent token requests, 700020, a few honest "
        "65004 declines and low-risk user consents, each after its 65001 prompt, on different days and apps, two "
        "benign authorization-policy changes. The false-positive background every detection must survive.",
        (), facts,
    )


PHISH_APP_NAME = "Office365 Document Viewer"


def consent_phishing_campaign(seed: int) -> Scenario:
    b = _Builder("consent_phishing_campaign", seed)
    rng = b.rng
    app = third_party_app(DEFAULT_TENANT_SEED, PHISH_APP_NAME, RISKY_MAIL_FILES_SCOPES)
    day = ticks_of("2026-10-12T00:00:00")
    b.background(day + 8 * TICKS_PER_HOUR, 6, 0.5)
    campaign_start = ticks_of("2026-10-12T10:02:00")
    targets = b.pick_users(34)
    decliners, granters = targets[:30], targets[30:]
    grant_times = sorted(campaign_start + rng.randrange(5, 55) * TICKS_PER_MINUTE for _ in granters)
    b.plan_first_consent(app, grant_times[0])
    for user in decliners:
        at = campaign_start + rng.randrange(56 * TICKS_PER_MINUTE)
        b.decline(user, app, at, at_home=rng.random() < 0.3)
    ref = b.ref(app, grant_times[0])
    for user, at in zip(granters, grant_times):
        b.user_grants(user, app, at)
        for k in range(2):
            b.attacker_refresh(user, ref, at + (15 + 40 * k) * TICKS_PER_MINUTE + rng.randrange(TICKS_PER_MINUTE))
    facts = {
        "malicious_app": app_facts(app, False, "third-party multi-tenant app, deceptive Microsoft-like name, "
                                   "unverified publisher (not in logs: see docs/app_catalog.csv)"),
        "decliners_65004": sorted(u.upn for u in decliners),
        "granters": sorted(u.upn for u in granters),
        "campaign_window_created": {"start": "2026-10-12T10:02:00Z", "end": "2026-10-12T10:58:00Z"},
        "attacker_ip": ATTACKER_IP,
    }
    return b.done(
        "consent_phishing_campaign", seed,
        f"An unverified multi-tenant app named '{PHISH_APP_NAME}' asks for mail and files scopes. Within an "
        "hour 34 users are prompted (65001): 30 decline (65004), 4 grant consent (Consent to application success, "
        "Add delegated permission grant, Add service principal on the first grant), then the app redeems "
        "their tokens from attacker infrastructure. Background traffic of half the tenant around it.",
        ("T1528", "T1566.002"), facts,
    )


def single_user_declines(seed: int) -> Scenario:
    b = _Builder("single_user_declines", seed)
    app = third_party_app(DEFAULT_TENANT_SEED, "Tailspin Mail Merge", ("User.Read", "Mail.Read", "Mail.Send"))
    b.background(ticks_of("2026-10-13T12:00:00"), 4, 0.3)
    user = b.pick_users(1)[0]
    at = ticks_of("2026-10-13T14:22:17")
    b.decline(user, app, at)
    return b.done(
        "single_user_declines", seed,
        "One user declines one third-party app's consent prompt (a 65001 prompt, then a single 65004 sign-in), "
        "amid ordinary traffic: the ESCU-style single-event case.",
        ("T1528",),
        {"app": app_facts(app, False, "third-party app"), "user": user.upn},
    )


def consent_required_only(seed: int) -> Scenario:
    b = _Builder("consent_required_only", seed)
    rng, tenant = b.rng, b.tenant
    lob = third_party_app(
        DEFAULT_TENANT_SEED, "Contoso Expenses", ("User.Read", "Mail.Read"), multi_tenant=False,
        home_tenant_id=tenant.tenant_id,
    )
    b.background(ticks_of("2026-10-14T08:00:00"), 5, 0.4)
    users = b.pick_users(8)
    start = ticks_of("2026-10-14T09:00:00")
    for user in users:
        at = start + rng.randrange(3 * TICKS_PER_HOUR)
        b.sign_in(user, b.ref(lob, at), at, 65001, scopes=lob.scopes)
        for _ in range(rng.randint(0, 2)):  # the app's silent retries
            at += rng.randint(2, 30) * TICKS_PER_MINUTE
            b.sign_in(user, b.ref(lob, at), at, 65001, interactive=False, scopes=lob.scopes)
    return b.done(
        "consent_required_only", seed,
        "After a permission change (Mail.Read added) to the tenant's own line-of-business app 'Contoso "
        "Expenses', users hit 65001 (consent required) interactively and in silent retries; nobody is "
        "shown a prompt or decides: 65001 only, no 65004. 65004 detections must stay silent.",
        (),
        {"app": app_facts(lob, True, "line-of-business app registered in this tenant (single-tenant)"),
         "users": sorted(u.upn for u in users)},
    )


def declined_then_granted(seed: int) -> Scenario:
    b = _Builder("declined_then_granted", seed)
    app = third_party_app(
        DEFAULT_TENANT_SEED, "Invoice Tracker Pro", ("User.Read", "Mail.Read", "Mail.ReadWrite", "offline_access")
    )
    b.background(ticks_of("2026-10-15T08:00:00"), 8, 0.3)
    user = b.pick_users(1)[0]
    at = ticks_of("2026-10-15T13:47:05")
    b.plan_first_consent(app, at)
    declined = ticks_of("2026-10-15T09:12:40")
    b.decline(user, app, declined)
    b.user_grants(user, app, at)
    return b.done(
        "declined_then_granted", seed,
        "A user declines 'Invoice Tracker Pro' (65001 prompt, then 65004), is lured again and grants it mail "
        "scopes about 4.5 hours later (Add service principal, Consent to application, Add delegated permission "
        "grant).",
        ("T1528", "T1566.002"),
        {"app": app_facts(app, False, "third-party multi-tenant app, unverified publisher"), "user": user.upn,
         "declined_at_created": "2026-10-15T09:12:40Z", "granted_at_created": "2026-10-15T13:47:05Z"},
    )


def admin_consent_paths(seed: int) -> Scenario:
    b = _Builder("admin_consent_paths", seed)
    rng, tenant = b.rng, b.tenant
    app = third_party_app(
        DEFAULT_TENANT_SEED, "Litware HR Connector", ("User.Read", "User.Read.All", "Directory.Read.All")
    )
    b.background(ticks_of("2026-10-16T08:00:00"), 8, 0.4)
    blocked = b.pick_users(5)
    requesters = b.pick_users(3, {u.upn for u in blocked})
    admin = tenant.admin
    at = ticks_of("2026-10-16T14:20:30")
    b.plan_first_consent(app, at)
    before = b.ref(app, at - 1)
    for user in blocked:
        b.sign_in(user, before, ticks_of("2026-10-16T09:05:00") + rng.randrange(35 * TICKS_PER_MINUTE), 90094,
                  scopes=app.scopes)
    for user in requesters:
        b.sign_in(user, before, ticks_of("2026-10-16T10:10:00") + rng.randrange(30 * TICKS_PER_MINUTE), 90095,
                  scopes=app.scopes)
    ref = b.ref(app, at)
    corr = guid(rng)
    b.grant(admin, app, at, corr, admin.office_ip, admin=True)
    client = ClientApp(app.app_id, app.display_name, app.sp_object_id)

    def assign_role(seconds: int, role_id: str, value: str, name: str) -> None:
        """One "Add app role assignment" record per application permission of the consent."""
        when = at + seconds * TICKS_PER_SECOND
        b.records.append(add_app_role_assignment(
            b.header(when, corr, admin, admin.office_ip), client, tenant.resource_sp(catalog.GRAPH),
            catalog.GRAPH.app_id, catalog.GRAPH.display_name, role_id, value, name, property_time(when)[:-6] + "Z",
        ))

    assign_role(3, "df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles")
    for user in requesters:
        b.sign_in(user, ref, at + rng.randint(20, 90) * TICKS_PER_MINUTE, scopes=app.scopes)
    # the second permission's record, a second later (written last: the records above keep their random draws)
    assign_role(4, "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data")
    return b.done(
        "admin_consent_paths", seed,
        "Users are blocked by the user-consent policy for 'Litware HR Connector' (90094); after the admin "
        "turns the admin consent workflow on, others get its request prompt (90095), as a tenant logs one code "
        "or the other by that setting; the admin then grants tenant-wide consent (Consent to "
        "application with IsAdminConsent/OnBehalfOfAll True, ConsentType AllPrincipals, Add delegated "
        "permission grant AllPrincipals, Add app role assignment User.Read.All and Directory.Read.All).",
        ("T1098.003", "T1528"),
        {"app": app_facts(app, True, "third-party HR app, verified publisher, admin-only scopes"),
         "blocked_90094": sorted(u.upn for u in blocked), "requesters_90095": sorted(u.upn for u in requesters),
         "admin": admin.upn, "admin_consent_at_created": "2026-10-16T14:20:30Z"},
    )


def risky_app_blocked(seed: int) -> Scenario:
    b = _Builder("risky_app_blocked", seed)
    app = third_party_app(DEFAULT_TENANT_SEED, "Free PDF Converter Pro", ("User.Read", "Mail.Read", "Mail.Send",
                                                                           "Files.ReadWrite.All"))
    b.background(ticks_of("2026-10-19T09:00:00"), 4, 0.3)
    user = b.pick_users(1)[0]
    at = ticks_of("2026-10-19T11:05:48")
    client = ClientApp(app.app_id, app.display_name, app.sp_object_id)
    b.records.append(consent_to_application(
        b.header(at, guid(b.rng), user, user.office_ip), client, b.tenant.resource_sp(app.resource), app.scopes,
        admin_consent=False, blocked_reason="Risky application detected",
    ))
    return b.done(
        "risky_app_blocked", seed,
        "Risk-based step-up consent blocks a user from consenting to 'Free PDF Converter Pro': Consent to "
        "application failure with ConsentAction.Reason 'Risky application detected' "
        "(UserConsentBlockedForRiskyAppsException).",
        ("T1528",),
        {"app": app_facts(app, False, "third-party app flagged risky by Microsoft"), "user": user.upn},
    )


# User-Agent of the real policy change made through Microsoft Graph's SDK (sample line 14).
GRAPH_SDK_USER_AGENT = "Swagger-Codegen/1.0.0.0/csharp/msal"


def consent_policy_weakened(seed: int) -> Scenario:
    b = _Builder("consent_policy_weakened", seed)
    rng, tenant = b.rng, b.tenant
    admin = tenant.admin
    policy_id = authorization_policy_id()
    b.background(ticks_of("2026-10-20T08:00:00"), 8, 0.3)
    # the admin's own session, from the office: an ordinary morning
    b.sign_in(admin, first_party(catalog.AZURE_PORTAL), ticks_of("2026-10-20T08:41:12"))
    # the admin account, signed in from the attacker's infrastructure, relaxes user consent in two steps
    # (one setting per call, as a script calling Graph's authorizationPolicy PATCH does)
    b.attacker_sign_in(admin, first_party(catalog.AZURE_PORTAL), ticks_of("2026-10-20T11:38:05"), True,
                       catalog.CLIENT_PROFILES[1].user_agent)
    weakening = (
        ("2026-10-20T11:42:27", PolicyChange("AllowUserConsentForRiskyApps", "[false]", "[true]")),
        ("2026-10-20T11:44:51", PolicyChange("PermissionGrantPolicyIdsAssignedToDefaultUserRole",
                                             USER_CONSENT_LOW_IMPACT, USER_CONSENT_ALL_APPS)),
    )
    for created, change in weakening:
        b.records.append(update_authorization_policy(
            b.header(ticks_of(created), guid(rng), admin, ATTACKER_IP), policy_id, (change,), GRAPH_SDK_USER_AGENT,
        ))
    # the real admin notices and restores both settings from the office in one change: a tightening
    reverted = "2026-10-20T15:06:38"
    restore = (
        PolicyChange("AllowUserConsentForRiskyApps", "[true]", "[false]"),
        PolicyChange("PermissionGrantPolicyIdsAssignedToDefaultUserRole", USER_CONSENT_ALL_APPS,
                     USER_CONSENT_LOW_IMPACT),
    )
    b.records.append(update_authorization_policy(
        b.header(ticks_of(reverted), guid(rng), admin, admin.office_ip), policy_id, restore,
        catalog.CLIENT_PROFILES[0].user_agent,
    ))

    def stated(created: str, change: PolicyChange) -> dict[str, str]:
        return {"setting": change.name, "old": change.old, "new": change.new, "at_created": created + "Z"}

    return b.done(
        "consent_policy_weakened", seed,
        "The tenant admin's account, signed in from attacker infrastructure, relaxes the user-consent settings "
        "with two Update authorization policy calls: AllowUserConsentForRiskyApps [false] -> [true], then "
        "PermissionGrantPolicyIdsAssignedToDefaultUserRole from the low-impact policy to the legacy 'all apps' "
        "policy. Hours later the admin restores both from the office in one change (a tightening that must not "
        "fire). Background traffic of a third of the tenant around it.",
        ("T1562",),
        {"admin": admin.upn, "attacker_ip": ATTACKER_IP, "admin_office_ip": admin.office_ip,
         "authorization_policy_id": policy_id,
         "weakening_changes": [stated(created, change) for created, change in weakening],
         "restoring_change": [stated(reverted, change) for change in restore]},
    )


# ============================================================================ timing shapes (issue 13)
# Each of these puts one shape that a detection run on a schedule can get wrong into the data: the order of
# records of two log types written with different delays, a burst across a clock hour, a re-lure days later,
# a phishing app outside the risky-scope list, a legitimate rollout.


def quick_regrant(seed: int) -> Scenario:
    b = _Builder("quick_regrant", seed)
    app = third_party_app(DEFAULT_TENANT_SEED, "Secure Fax Inbox", ("User.Read", "Mail.Read", "Mail.Send",
                                                                     "offline_access"))
    b.background(ticks_of("2026-10-21T09:00:00"), 4, 0.3)
    user = b.pick_users(1)[0]
    declined = ticks_of("2026-10-21T10:41:12")
    granted = ticks_of("2026-10-21T10:44:30")
    b.plan_first_consent(app, granted)
    # the refusal's sign-in record is written 8 minutes after the sign-in, the grant's audit record at once:
    # by write time (_time) the grant comes first, by event time the refusal does
    b.decline(user, app, declined, typed_upn=True, lag=8 * TICKS_PER_MINUTE)
    b.user_grants(user, app, granted)
    b.attacker_refresh(user, b.ref(app, granted), granted + 21 * TICKS_PER_MINUTE)
    return b.done(
        "quick_regrant", seed,
        "A user declines 'Secure Fax Inbox' (65001 prompt, then 65004) and, pressed by a follow-up message, "
        "grants it mail scopes 3 minutes later. The refusal's sign-in record is written 8 minutes late (its UPN in "
        "the letter case the user typed) and the grant's audit records at once, so by record time (_time) the "
        "grant precedes the refusal; by event time (createdDateTime, activityDateTime) the refusal comes first.",
        ("T1528", "T1566.002"),
        {"app": app_facts(app, False, "third-party multi-tenant app, unverified publisher"), "user": user.upn,
         "user_as_typed": user.upn_variant,
         "declined_at_created": "2026-10-21T10:41:12Z", "decline_record_written": "8 minutes later",
         "granted_at_created": "2026-10-21T10:44:30Z"},
    )


def decline_wave_hour_boundary(seed: int) -> Scenario:
    b = _Builder("decline_wave_hour_boundary", seed)
    rng = b.rng
    app = third_party_app(DEFAULT_TENANT_SEED, "Shared Document Portal", RISKY_MAIL_FILES_SCOPES)
    b.background(ticks_of("2026-10-22T08:30:00"), 4, 0.3)
    start = ticks_of("2026-10-22T09:48:00")
    users = b.pick_users(8)
    # four refusals on each side of 10:00 (by record time): a clock-hour bucket never holds five
    half = (ticks_of("2026-10-22T10:00:00") - start) // 4
    moments = [start + i * half + rng.randrange(half // 2) for i in range(4)]
    moments += [ticks_of("2026-10-22T10:00:00") + 30 * TICKS_PER_SECOND + i * 2 * TICKS_PER_MINUTE
                + rng.randrange(TICKS_PER_MINUTE) for i in range(4)]
    for user, at in zip(users, moments):
        # the first four are written within a minute, so their records also stay before 10:00
        lag = (20 + rng.randrange(40)) * TICKS_PER_SECOND
        b.decline(user, app, at, typed_upn=user is users[0], lag=lag)
    return b.done(
        "decline_wave_hour_boundary", seed,
        "Eight users are prompted (65001) and decline 'Shared Document Portal' between 09:48 and 10:09, four on "
        "each side of 10:00 by record time: fixed clock-hour buckets split the wave 4 + 4 below a threshold of 5. "
        "Nobody grants.",
        ("T1528", "T1566.002"),
        {"app": app_facts(app, False, "third-party multi-tenant app, unverified publisher"),
         "decliners_65004": sorted(u.upn for u in users),
         "wave_created": {"start": "2026-10-22T09:48:00Z", "end": "2026-10-22T10:09:00Z"}},
    )


def relure_days_later(seed: int) -> Scenario:
    b = _Builder("relure_days_later", seed)
    app = third_party_app(DEFAULT_TENANT_SEED, "Invoice Approval Portal", ("User.Read", "Mail.ReadWrite",
                                                                            "Files.Read.All", "offline_access"))
    b.background(ticks_of("2026-10-26T13:00:00"), 3, 0.25)
    b.background(ticks_of("2026-10-29T08:30:00"), 3, 0.25)
    user = b.pick_users(1)[0]
    declined = ticks_of("2026-10-26T14:05:31")
    granted = ticks_of("2026-10-29T09:20:07")
    b.plan_first_consent(app, granted)
    b.decline(user, app, declined, typed_upn=True)
    b.user_grants(user, app, granted)
    b.attacker_refresh(user, b.ref(app, granted), granted + 33 * TICKS_PER_MINUTE)
    return b.done(
        "relure_days_later", seed,
        "A user declines 'Invoice Approval Portal' on Monday afternoon (65001 prompt, then 65004, UPN as typed), "
        "is lured again and grants it mail and file scopes on Thursday morning, three days later; the app then "
        "redeems the token from attacker infrastructure.",
        ("T1528", "T1566.002"),
        {"app": app_facts(app, False, "third-party multi-tenant app, unverified publisher"), "user": user.upn,
         "user_as_typed": user.upn_variant,
         "declined_at_created": "2026-10-26T14:05:31Z", "granted_at_created": "2026-10-29T09:20:07Z"},
    )


UNCOMMON_SCOPES = ("User.Read", "People.Read", "Contacts.Read", "Tasks.ReadWrite", "offline_access")


def uncommon_scopes_phishing(seed: int) -> Scenario:
    b = _Builder("uncommon_scopes_phishing", seed)
    rng = b.rng
    app = third_party_app(DEFAULT_TENANT_SEED, "Meeting Notes Assistant", UNCOMMON_SCOPES)
    b.background(ticks_of("2026-10-23T12:00:00"), 4, 0.4)
    start = ticks_of("2026-10-23T13:10:00")
    targets = b.pick_users(9)
    decliners, granters = targets[:7], targets[7:]
    grant_times = [start + 12 * TICKS_PER_MINUTE, start + 41 * TICKS_PER_MINUTE]
    b.plan_first_consent(app, grant_times[0])
    for user in decliners:
        at = start + rng.randrange(45 * TICKS_PER_MINUTE)
        b.decline(user, app, at, typed_upn=rng.random() < 0.3)
    for user, at in zip(granters, grant_times):
        b.user_grants(user, app, at)
        b.attacker_refresh(user, b.ref(app, at), at + 25 * TICKS_PER_MINUTE)
    return b.done(
        "uncommon_scopes_phishing", seed,
        "A phishing app, 'Meeting Notes Assistant', asks only for scopes outside the high-risk list (People.Read, "
        "Contacts.Read, Tasks.ReadWrite, offline_access): the people a user works with and their address book, "
        "the material for the next lure. 9 users are prompted (65001): 7 decline within 45 minutes, 2 grant; the "
        "app then redeems their tokens from attacker infrastructure.",
        ("T1528", "T1566.002"),
        {"malicious_app": app_facts(app, False, "third-party multi-tenant app, unverified publisher, asks no "
                                    "high-risk scope"),
         "decliners_65004": sorted(u.upn for u in decliners), "granters": sorted(u.upn for u in granters)},
    )


ROLLOUT_APP_NAME = "Northwind Timesheets"


def legit_app_rollout(seed: int) -> Scenario:
    b = _Builder("legit_app_rollout", seed)
    rng, tenant = b.rng, b.tenant
    app = third_party_app(DEFAULT_TENANT_SEED, ROLLOUT_APP_NAME, ("User.Read", "Calendars.Read"))
    b.background(ticks_of("2026-10-27T08:30:00"), 5, 0.4)
    start = ticks_of("2026-10-27T09:05:00")
    targets = b.pick_users(13)
    decliners, consenters = targets[:10], targets[10:]
    consent_times = sorted(start + rng.randrange(50 * TICKS_PER_MINUTE) for _ in consenters)
    b.plan_first_consent(app, consent_times[0])
    for user in decliners:
        at = start + rng.randrange(55 * TICKS_PER_MINUTE)
        b.decline(user, app, at)
    for user, at in zip(consenters, consent_times):
        b.user_grants(user, app, at)
    admin = tenant.admin
    approved = ticks_of("2026-10-27T11:32:10")
    b.grant(admin, app, approved, guid(rng), admin.office_ip, admin=True)
    return b.done(
        "legit_app_rollout", seed,
        f"IT rolls out '{ROLLOUT_APP_NAME}', a reviewed vendor app listed in entra_id_known_applications, before "
        "anyone granted admin consent: 13 users meet its prompt (65001) within the hour, 10 decline (they did not "
        "expect it), 3 consent (User.Read, Calendars.Read); the admin then grants tenant-wide consent. Only the "
        "tenant-wide consent is worth a notable.",
        (),
        {"app": app_facts(app, True, "reviewed vendor app, verified publisher, listed in "
                          "lookups/entra_id_known_applications.csv"),
         "decliners_65004": sorted(u.upn for u in decliners), "consenters": sorted(u.upn for u in consenters),
         "admin": admin.upn, "admin_consent_at_created": "2026-10-27T11:32:10Z"},
    )


ADMIN_ONLY_SCOPES = ("User.Read", "User.Read.All", "Directory.Read.All")


# code -> (day, what the users see): one tenant at each setting of the admin consent workflow
_ADMIN_CONSENT_WALL = {
    90094: ("2026-10-30",
            "A tenant that restricts user consent and has the admin consent workflow off: 4 users trying "
            "'Tailspin Org Chart' (admin-only scopes) between 09:30 and 12:30 are told to ask an admin (90094). "
            "No 90095: without the workflow there is no request prompt. Nobody grants."),
    90095: ("2026-11-02",
            "The same tenant with the admin consent workflow on: 4 users trying 'Tailspin Org Chart' (admin-only "
            "scopes) between 09:30 and 12:30 get the workflow's 'Approval required' request prompt (90095) instead "
            "of the 90094 error. No 90094. Nobody grants."),
}


def _admin_consent_wall(name: str, code: int, seed: int) -> Scenario:
    """Users of a tenant that restricts user consent meet a new app that needs admin consent, and nobody grants
    it. Which code each sign-in logs depends on one tenant-wide setting (Microsoft: with the admin consent
    workflow off the user gets AADSTS90094, with it on the "Approval required" request prompt, 90095), so a
    scenario is one tenant at one setting: every user logs the same code."""
    day, description = _ADMIN_CONSENT_WALL[code]
    b = _Builder(name, seed)
    rng = b.rng
    app = third_party_app(DEFAULT_TENANT_SEED, "Tailspin Org Chart", ADMIN_ONLY_SCOPES)
    b.background(ticks_of(f"{day}T08:00:00"), 6, 0.3)
    users = b.pick_users(4)
    start = ticks_of(f"{day}T09:30:00")
    for user in users:
        at = start + rng.randrange(3 * TICKS_PER_HOUR)
        b.sign_in(user, b.ref(app, at), at, code, scopes=app.scopes)
    return b.done(
        name, seed, description, (),
        {"app": app_facts(app, True, "third-party app, verified publisher, admin-only scopes"),
         f"users_{code}": sorted(u.upn for u in users),
         "admin_consent_workflow": "on" if code == 90095 else "off"},
    )


ScenarioFn = Callable[[int], Scenario]

# name -> the function building it; its seed is in ``seeds.SCENARIO_SEEDS`` (tests/datagen pin that the two name
# the same scenarios), whose order is kept.
BUILDERS: dict[str, ScenarioFn] = {
    "baseline_tenant": baseline_tenant,
    "consent_phishing_campaign": consent_phishing_campaign,
    "single_user_declines": single_user_declines,
    "consent_required_only": consent_required_only,
    "declined_then_granted": declined_then_granted,
    "admin_consent_paths": admin_consent_paths,
    "risky_app_blocked": risky_app_blocked,
    "consent_policy_weakened": consent_policy_weakened,
    "quick_regrant": quick_regrant,
    "decline_wave_hour_boundary": decline_wave_hour_boundary,
    "uncommon_scopes_phishing": uncommon_scopes_phishing,
    "relure_days_later": relure_days_later,
    "legit_app_rollout": legit_app_rollout,
    "admin_consent_blocked": partial(_admin_consent_wall, "admin_consent_blocked", 90094),
    "admin_consent_requests": partial(_admin_consent_wall, "admin_consent_requests", 90095),
}
# name -> (function, default seed)
SCENARIOS: dict[str, tuple[ScenarioFn, int]] = {name: (BUILDERS[name], seed) for name, seed in SCENARIO_SEEDS.items()}


def generate(name: str, seed: int | None = None) -> Scenario:
    """Build one scenario by name (``seed`` defaults to the committed one)."""
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    fn, default_seed = SCENARIOS[name]
    return fn(default_seed if seed is None else seed)
