"""Every attack-data scenario's name and committed seed, in the order the scenarios are written and listed.

Kept apart from ``datagen.scenarios`` (which builds each scenario from them), so that naming the scenarios
(``generate-data --help``) imports none of the generator. Seeds are arbitrary but fixed: the manifests record
them.
"""

from __future__ import annotations

SCENARIO_SEEDS: dict[str, int] = {
    "baseline_tenant": 1005,
    "consent_phishing_campaign": 1012,
    "single_user_declines": 1013,
    "consent_required_only": 1014,
    "declined_then_granted": 1015,
    "admin_consent_paths": 1016,
    "risky_app_blocked": 1019,
    "consent_policy_weakened": 1020,
    "quick_regrant": 1021,
    "decline_wave_hour_boundary": 1022,
    "uncommon_scopes_phishing": 1023,
    "relure_days_later": 1026,
    "legit_app_rollout": 1027,
    "admin_consent_blocked": 1030,
    "admin_consent_requests": 1102,
}
