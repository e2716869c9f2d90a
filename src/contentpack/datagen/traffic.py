"""Sign-in records for one user and one app at one moment: the shared factory every traffic source uses.

It decides the per-record details real logs vary on — ingestion lag (``time`` minutes after
``createdDateTime``, a few records more than 10 minutes late), the letter case of the UPN, office or
home IP, request/correlation/token ids — so scenarios and the scale mode cannot drift apart.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from contentpack.datagen import catalog
from contentpack.datagen.clock import TICKS_PER_MINUTE, TICKS_PER_SECOND, property_time, record_time
from contentpack.datagen.ids import guid, token_id
from contentpack.datagen.records import SignIn
from contentpack.datagen.tenant import Tenant, User

LATE_RECORD_RATE = 0.02  # share of records ingested more than 10 minutes after the sign-in
UPN_VARIANT_RATE = 0.08  # share of records whose UPN keeps the user's typed letter case


@dataclass(frozen=True, slots=True)
class AppRef:
    """The client app of a sign-in: ids and the resource it asks a token for."""

    app_id: str
    display_name: str
    sp_object_id: str | None
    resource: catalog.Resource
    client_app_used: str


def first_party(app: catalog.FirstPartyApp) -> AppRef:
    # First-party apps' appServicePrincipalId is often null in real records (line 12); keep it null.
    return AppRef(app.app_id, app.display_name, None, app.resource, app.client_app_used)


def ingestion_lag(rng: random.Random) -> int:
    """Ticks between the sign-in and the record's emission (``time``): 1–9 minutes, and 11–25 minutes
    for ``LATE_RECORD_RATE`` of records (the real 50076 sample is 12 minutes late)."""
    roll = rng.random()
    if roll < LATE_RECORD_RATE:
        return int((11 * 60 + rng.random() * 14 * 60) * TICKS_PER_SECOND)
    return int((60 + rng.random() * 8 * 60) * TICKS_PER_SECOND)


def scope_info(scopes: tuple[str, ...]) -> str:
    """The ``Oauth Scope Info`` processing-detail value: a compact JSON array of scope names."""
    return json.dumps(list(scopes), separators=(",", ":"))


UserPart = tuple[str, str, str, str, str, int, str, str, str, float, float, str, str, str, str, str]
AppPart = tuple[str, str, str, str | None, str, str, str]


def user_part(user: User) -> UserPart:
    """The ``SignIn`` fields fixed by the user (identity, home place, usual device), in field order."""
    device, place = user.device, user.office
    return (
        user.object_id, user.display_name, user.user_type, user.home_tenant_id,
        "b2bCollaboration" if user.user_type == "Guest" else "none",
        place.asn, place.city, place.state, place.country, place.latitude, place.longitude,
        device.device_id, device.display_name, device.profile.operating_system, device.profile.browser,
        device.trust_type,
    )


def app_part(tenant: Tenant, app: AppRef) -> AppPart:
    """The ``SignIn`` fields fixed by the client app and the tenant, in field order."""
    return (
        tenant.tenant_id, app.app_id, app.display_name, app.sp_object_id, app.resource.app_id,
        app.resource.display_name, tenant.resource_sp(app.resource),
    )


@dataclass
class FixedParts:
    """Memo of the user- and app-fixed field groups. They depend only on the tenant, so factories for
    the same tenant may share one (the scale mode keeps one per process across chunks)."""

    users: dict[str, UserPart] = field(default_factory=dict)
    apps: dict[tuple[str, str | None, str, str], AppPart] = field(default_factory=dict)


class SignInFactory:
    """Builds ``SignIn`` values for a tenant from one random stream.

    The user- and app-fixed parts of a record are computed once per user/app and reused (the scale mode
    builds records by the million); only per-event values are drawn each time.
    """

    def __init__(self, tenant: Tenant, rng: random.Random, parts: FixedParts | None = None) -> None:
        self.tenant = tenant
        self.rng = rng
        shared = parts if parts is not None else FixedParts()
        self._users = shared.users
        self._apps = shared.apps

    def make(
        self,
        user: User,
        app: AppRef,
        created_ticks: int,
        error_code: int = 0,
        interactive: bool = True,
        at_home: bool = False,
        scopes: tuple[str, ...] = (),
        correlation_id: str | None = None,
    ) -> SignIn:
        rng = self.rng
        fixed_user = self._users.get(user.object_id)
        if fixed_user is None:
            fixed_user = self._users[user.object_id] = user_part(user)
        app_key = (app.app_id, app.sp_object_id, app.display_name, app.resource.app_id)
        fixed_app = self._apps.get(app_key)
        if fixed_app is None:
            fixed_app = self._apps[app_key] = app_part(self.tenant, app)
        request_id = guid(rng)
        event = (
            "SignInLogs" if interactive else "NonInteractiveUserSignInLogs",
            error_code,
            user.device.registered,
            bool(scopes),
            record_time(created_ticks + ingestion_lag(rng)),
            property_time(created_ticks),
            request_id,
            correlation_id or guid(rng),
            token_id(rng),
            user.upn_variant if rng.random() < UPN_VARIANT_RATE else user.upn,
            user.home_ip if at_home else user.office_ip,
            20 + int(rng.random() * 380),
            app.client_app_used if interactive else "Mobile Apps and Desktop clients",
            (
                user.device.profile.user_agent
                if interactive
                else _NON_INTERACTIVE_UA[int(request_id[:2], 16) % len(_NON_INTERACTIVE_UA)]
            ),
            scope_info(scopes) if scopes else "",
        )
        return SignIn._make(event + fixed_user + fixed_app)


_NON_INTERACTIVE_UA = catalog.NON_INTERACTIVE_USER_AGENTS


def office_hours_start(rng: random.Random, day_ticks: int) -> int:
    """A moment in a working day (UTC 07:00–18:00, weighted to the morning)."""
    minute = int(rng.triangular(7 * 60, 18 * 60, 9 * 60 + 30))
    return day_ticks + minute * TICKS_PER_MINUTE + rng.randrange(0, 60 * TICKS_PER_SECOND)
