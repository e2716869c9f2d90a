"""Fixed facts the generator draws from: Microsoft first-party apps and resources (their real, public
app ids), the sign-in error texts, places and client profiles.

Error texts follow Microsoft's AADSTS reference and the real 50076 record (see
../shared/reference/azure_monitor_aad.md §2.1 and §7, beside the repository, not in it). Where no real
record shows the text for a code, the official description is used; docs/attack_data.md lists which texts are
unverified.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A resource (API) service principal a token is requested for."""

    app_id: str
    display_name: str


@dataclass(frozen=True)
class FirstPartyApp:
    """A Microsoft first-party client app: real, well-known app id."""

    app_id: str
    display_name: str
    resource: Resource
    client_app_used: str
    interactive: bool


GRAPH = Resource("00000003-0000-0000-c000-000000000000", "Microsoft Graph")
EXCHANGE = Resource("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online")
SHAREPOINT = Resource("00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online")
AAD_GRAPH = Resource("00000002-0000-0000-c000-000000000000", "Windows Azure Active Directory")
AZURE_MGMT = Resource("797f4846-ba00-4fd7-ba43-dac1f8f63013", "Windows Azure Service Management API")
TEAMS_SVC = Resource("cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services")

RESOURCES: tuple[Resource, ...] = (GRAPH, EXCHANGE, SHAREPOINT, AAD_GRAPH, AZURE_MGMT, TEAMS_SVC)

OFFICE_HOME = FirstPartyApp("4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", GRAPH, "Browser", True)
OWA = FirstPartyApp("9199bf20-a13f-4107-85dc-02114787ef48", "One Outlook Web", EXCHANGE, "Browser", True)
AZURE_PORTAL = FirstPartyApp("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", AZURE_MGMT, "Browser", True)
TEAMS = FirstPartyApp(
    "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", TEAMS_SVC, "Mobile Apps and Desktop clients", False
)
OFFICE = FirstPartyApp(
    "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office", SHAREPOINT, "Mobile Apps and Desktop clients", False
)
OUTLOOK_MOBILE = FirstPartyApp(
    "27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile", EXCHANGE, "Mobile Apps and Desktop clients", False
)
BROKER = FirstPartyApp(
    "29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Authentication Broker", AAD_GRAPH,
    "Mobile Apps and Desktop clients", False,
)
ONEDRIVE_SYNC = FirstPartyApp(
    "ab9b8c07-8f02-4f72-87fa-80105867a763", "OneDrive SyncEngine", SHAREPOINT, "Mobile Apps and Desktop clients", False
)
AZURE_CLI = FirstPartyApp(
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI", GRAPH, "Mobile Apps and Desktop clients", False
)
AZURE_POWERSHELL = FirstPartyApp(
    "1950a258-227b-4e31-a9cf-717495945fc2", "Microsoft Azure PowerShell", AZURE_MGMT,
    "Mobile Apps and Desktop clients", False,
)

INTERACTIVE_APPS: tuple[FirstPartyApp, ...] = (OFFICE_HOME, OWA, AZURE_PORTAL, TEAMS, OFFICE)
NON_INTERACTIVE_APPS: tuple[FirstPartyApp, ...] = (TEAMS, OFFICE, OUTLOOK_MOBILE, BROKER, ONEDRIVE_SYNC, OWA)
# First-party apps whose silent token requests hit 65001 in ordinary traffic (the false-positive background).
SILENT_65001_APPS: tuple[FirstPartyApp, ...] = (AZURE_CLI, AZURE_POWERSHELL, OFFICE)
FIRST_PARTY_APPS: tuple[FirstPartyApp, ...] = (
    OFFICE_HOME, OWA, AZURE_PORTAL, TEAMS, OFFICE, OUTLOOK_MOBILE, BROKER, ONEDRIVE_SYNC, AZURE_CLI, AZURE_POWERSHELL,
)


@dataclass(frozen=True)
class SignInError:
    """How one sign-in outcome is written: the text and the ``additionalDetails`` (None = key absent)."""

    code: int
    failure_reason: str | None
    additional_details: str | None


MFA_DETAIL = "MFA required in Azure AD"

# ``{app_id}`` / ``{app_name}`` are filled with the client app of the sign-in.
SIGN_IN_ERRORS: dict[int, SignInError] = {
    e.code: e
    for e in (
        SignInError(0, None, None),
        SignInError(50074, "Strong Authentication is required.", MFA_DETAIL),
        SignInError(
            50076,
            "Due to a configuration change made by your administrator, or because you moved to a new location, "
            "you must use multi-factor authentication to access the resource.",
            MFA_DETAIL,
        ),
        SignInError(50126, "Error validating credentials due to invalid username or password.", None),
        SignInError(
            65001,
            "The user or administrator has not consented to use the application with ID '{app_id}' named "
            "'{app_name}'. Send an interactive authorization request for this user and resource.",
            None,
        ),
        SignInError(
            65004,
            "User declined to consent to access the app. Have the user retry the sign-in and consent to the app",
            None,
        ),
        SignInError(
            90094,
            "The grant requires administrator permissions. Ask your tenant administrator to provide consent for "
            "this application.",
            None,
        ),
        SignInError(
            90095,
            "In the Admin Consent Workflow experience, an interrupt that appears when the user is told they need "
            "to ask the admin for consent.",
            None,
        ),
        SignInError(700020, "The access grant requires interaction.", None),
    )
}


@dataclass(frozen=True)
class Place:
    """A city with the documentation-range IP prefix and the ASN its users appear from."""

    city: str
    state: str
    country: str
    latitude: float
    longitude: float
    ipv4_prefix: str  # first three octets, from 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
    asn: int


# Offices and home areas. Several places share a documentation /24: host numbers keep them apart.
PLACES: tuple[Place, ...] = (
    Place("Seattle", "Washington", "US", 47.6062, -122.3321, "203.0.113", 64500),
    Place("Redmond", "Washington", "US", 47.674, -122.1215, "203.0.113", 64500),
    Place("Chicago", "Illinois", "US", 41.8781, -87.6298, "198.51.100", 64501),
    Place("Austin", "Texas", "US", 30.2672, -97.7431, "198.51.100", 64502),
    Place("London", "England", "GB", 51.5072, -0.1276, "192.0.2", 64503),
    Place("Dublin", "Dublin", "IE", 53.3498, -6.2603, "192.0.2", 64504),
)


@dataclass(frozen=True)
class ClientProfile:
    """Operating system, browser and user agent of a user's usual client."""

    operating_system: str
    browser: str
    user_agent: str


CLIENT_PROFILES: tuple[ClientProfile, ...] = (
    ClientProfile(
        "Windows10", "Edge 129.0.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 "
        "Safari/537.36 Edg/129.0.0.0",
    ),
    ClientProfile(
        "Windows10", "Chrome 129.0.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 "
        "Safari/537.36",
    ),
    ClientProfile(
        "MacOs", "Safari 17.6",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
        "Safari/605.1.15",
    ),
    ClientProfile(
        "MacOs", "Chrome 129.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Safari/537.36",
    ),
    ClientProfile(
        "Ios", "Mobile Safari 17.6",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1",
    ),
)
NON_INTERACTIVE_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; WebView/3.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "Windows-AzureAD-Authentication-Provider/1.0",
    "Mozilla/5.0 (compatible; MSAL 1.0) PKeyAuth/1.0",
)

FIRST_NAMES: tuple[str, ...] = (
    "Adele", "Alex", "Allan", "Bianca", "Carlos", "Christie", "Debra", "Diego", "Emily", "Enrico", "Gerhart",
    "Grady", "Henrietta", "Irvin", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan", "Miriam",
    "Nestor", "Patti", "Pradeep", "Priya", "Raul", "Sakura", "Tomas", "Wei",
)
LAST_NAMES: tuple[str, ...] = (
    "Vance", "Wilber", "Deyoung", "Pinto", "Ruiz", "Cline", "Berger", "Soto", "Braden", "Fernandez", "Blauer",
    "Archie", "Gonzalez", "Sink", "Chen", "Lauer", "Sherman", "Gu", "Holloway", "Robbins", "Bowen", "Tanaka",
    "Wilkins", "Fernsby", "Gupta", "Natarajan", "Okafor", "Lindqvist", "Novak", "Zhang",
)
