"""The modelled tenant: users, guests, third-party apps, places and devices, all drawn from one seed.

Every scenario uses the same tenant (``DEFAULT_TENANT_SEED``) so that users and apps line up across the
committed datasets the way they would in one real tenant's logs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from contentpack.datagen import catalog
from contentpack.datagen.ids import derived_rng, guid

DOMAIN = "contoso.example"
DEFAULT_TENANT_SEED = 20261005
DEFAULT_USER_COUNT = 60
GUEST_DOMAINS: tuple[str, ...] = ("fabrikam.example", "northwind.example")


@dataclass(frozen=True)
class Device:
    """A user's usual client. ``registered`` devices carry the full ``deviceDetail`` key set."""

    device_id: str
    display_name: str
    profile: catalog.ClientProfile
    registered: bool
    trust_type: str


@dataclass(frozen=True)
class User:
    """A member or guest. ``upn`` is the canonical form; ``upn_variant`` is the letter-case variant some
    records carry (real logs show the sign-in name as typed)."""

    object_id: str
    upn: str
    upn_variant: str
    display_name: str
    user_type: str  # "Member" or "Guest"
    home_tenant_id: str
    office: catalog.Place
    office_ip: str
    home_ip: str
    device: Device


@dataclass(frozen=True)
class ThirdPartyApp:
    """A non-Microsoft client app as the tenant sees it. ``sp_object_id`` is its service principal object
    id in this tenant (created on first consent for multi-tenant apps)."""

    app_id: str
    display_name: str
    sp_object_id: str
    home_tenant_id: str
    multi_tenant: bool
    scopes: tuple[str, ...]
    resource: catalog.Resource


@dataclass(frozen=True)
class Tenant:
    """Everything the record builders need about the directory."""

    tenant_id: str
    users: tuple[User, ...]
    guests: tuple[User, ...]
    resource_sp_ids: dict[str, str]  # resource app id -> its service principal object id in this tenant
    admin: User

    @property
    def everyone(self) -> tuple[User, ...]:
        return self.users + self.guests

    def resource_sp(self, resource: catalog.Resource) -> str:
        return self.resource_sp_ids[resource.app_id]


def _ipv4(rng: random.Random, place: catalog.Place, low: int, high: int) -> str:
    return f"{place.ipv4_prefix}.{rng.randint(low, high)}"


def _device(rng: random.Random, owner_label: str) -> Device:
    profile = rng.choice(catalog.CLIENT_PROFILES)
    registered = profile.operating_system in ("Windows10", "MacOs") and rng.random() < 0.8
    trust = "Azure AD joined" if profile.operating_system == "Windows10" else "Azure AD registered"
    return Device(
        device_id=guid(rng) if registered else "",
        display_name=f"{owner_label.upper()}-{rng.randrange(1000, 9999)}" if registered else "",
        profile=profile,
        registered=registered,
        trust_type=trust if registered else "",
    )


def _member(rng: random.Random, index: int, taken: set[str], tenant_id: str) -> User:
    first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
    base = f"{first}.{last}"
    # Real directories disambiguate namesakes with a number; the name pool is finite (900 pairs) while
    # scale-mode tenants have up to 5,000 users.
    suffix = 1
    while f"{base}{suffix if suffix > 1 else ''}".lower() in taken:
        suffix += 1
    typed = f"{base}{suffix if suffix > 1 else ''}"
    local = typed.lower()
    taken.add(local)
    upn = f"{local}@{DOMAIN}"
    office = catalog.PLACES[index % 4] if index % 7 else catalog.PLACES[4 + index % 2]
    host = 10 + index % 200
    v6 = index % 9 == 0
    return User(
        object_id=guid(rng),
        upn=upn,
        upn_variant=f"{typed}@{DOMAIN}",
        display_name=f"{first} {last}",
        user_type="Member",
        home_tenant_id=tenant_id,
        office=office,
        office_ip=f"{office.ipv4_prefix}.{host}",
        home_ip=f"2001:db8:{index + 1:x}::{rng.randrange(1, 0xFFFF):x}" if v6 else _ipv4(rng, office, 210, 254),
        device=_device(rng, f"{first[0]}{last}"),
    )


def _guest(rng: random.Random, index: int) -> User:
    first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
    home_domain = GUEST_DOMAINS[index % len(GUEST_DOMAINS)]
    local = f"{first}.{last}".lower()
    ext = f"{local}_{home_domain}#EXT#@{DOMAIN}"
    place = catalog.PLACES[2 + index % 3]
    return User(
        object_id=guid(rng),
        upn=ext,
        upn_variant=f"{first}.{last}_{home_domain}#EXT#@{DOMAIN}",
        display_name=f"{first} {last} (Guest)",
        user_type="Guest",
        home_tenant_id=guid(rng),
        office=place,
        office_ip=_ipv4(rng, place, 100, 199),
        home_ip=_ipv4(rng, place, 100, 199),
        device=_device(rng, f"G{last}"),
    )


def build_tenant(seed: int = DEFAULT_TENANT_SEED, members: int = DEFAULT_USER_COUNT, guests: int = 3) -> Tenant:
    """A tenant of ``members`` users (the first is the Global Administrator) plus ``guests`` B2B guests."""
    if members < 2:
        raise ValueError("a tenant needs at least 2 members (an admin and a user)")
    rng = derived_rng(seed, "tenant")
    tenant_id = guid(rng)
    taken: set[str] = set()
    users = [_member(rng, i, taken, tenant_id) for i in range(members)]
    admin = users[0]
    guest_users = tuple(_guest(rng, i) for i in range(guests))
    resource_sp_ids = {r.app_id: guid(rng) for r in catalog.RESOURCES}
    return Tenant(tenant_id, tuple(users), guest_users, resource_sp_ids, admin)


def third_party_app(
    seed: int,
    display_name: str,
    scopes: tuple[str, ...],
    multi_tenant: bool = True,
    home_tenant_id: str | None = None,
) -> ThirdPartyApp:
    """A third-party (or line-of-business) app whose ids derive from its name, so every scenario that
    mentions the same app gets the same ids."""
    rng = derived_rng(seed, "app", display_name)
    app_id = guid(rng)
    sp = guid(rng)
    home = guid(rng)
    return ThirdPartyApp(app_id, display_name, sp, home_tenant_id or home, multi_tenant, scopes, catalog.GRAPH)
