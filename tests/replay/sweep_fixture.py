"""Small packs for ``contentpack replay --sweep``: the valid fixture pack with its detections replaced by a few
written for the sweep -- the same search over two refusals a user made a minute apart (2026-10-13 09:20 and
09:21, Entra ID's delay model), each detection on its own schedule, throttled on the user for two hours or not."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import factory as f
from .simfactory import decline

FIXTURE = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "valid"
USER = "alice@contoso.example"
TEST = "Two Refusals A Minute Apart"
HOURLY_SLICE = ("0 * * * *", "-70m@m", "-10m@m")  # windows that meet, no overlap
SEARCH = ('`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004 '
          "| rename properties.* as * | fillnull value=unknown dest src vendor_account vendor_product "
          "| stats count min(_time) as firstTime by dest user src vendor_account vendor_product")


def detection_yaml(name: str, number: int, throttled: bool, schedule: tuple[str, str, str] = HOURLY_SLICE,
                   schedule_window: str | None = None, throttle_period: str = "2h", search: str = SEARCH) -> str:
    """The detection's YAML (written as JSON, which YAML reads): by default hourly over ``-70m@m`` .. ``-10m@m``,
    throttled (``throttled``) on the user for ``throttle_period``, ``search`` then its filter macro."""
    throttling = {"throttling": {"fields": ["user"], "period": throttle_period}} if throttled else {}
    scheduling: dict[str, str] = dict(zip(("cron_schedule", "earliest_time", "latest_time"), schedule))
    if schedule_window is not None:
        scheduling["schedule_window"] = schedule_window
    filter_macro = name.lower().replace(" ", "_") + "_filter"
    return json.dumps({
        "name": name, "id": f"3d2c1b0a-9f8e-4d7c-b6a5-94837261500{number}", "version": 1, "date": "2025-04-30",
        "author": "Fixture Author, Fixture Company", "status": "production", "type": "TTP",
        "data_source": ["Azure Active Directory Sign-in activity"],
        "description": "Finds users who refused the permissions an OAuth application asked for (error code 65004).",
        "search": f"{search} | `{filter_macro}`",
        "how_to_implement": "Stream Entra ID sign-in logs into the azure:monitor:aad sourcetype.",
        "known_false_positives": "A user may refuse a legitimate application by mistake.",
        "drilldown_searches": [
            {"name": 'The results for - "$user$"', "search": '%original_detection_search% | search user = "$user$"',
             "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"},
            {"name": 'The risk of - "$user$"', "search": '| from datamodel Risk.All_Risk | search '
             'normalized_risk_object IN ("$user$") starthoursago=168 | stats count by normalized_risk_object',
             "earliest_offset": "$info_min_time$", "latest_offset": "$info_max_time$"}],
        "rba": {"message": "User $user$ refused consent for an OAuth application.",
                "risk_objects": [{"field": "user", "type": "user", "score": 30}], "threat_objects": []},
        "deployment": {"scheduling": scheduling},
        "tags": {"analytic_story": ["Entra ID Consent Fixture Story"], "asset_type": "Azure Tenant",
                 "mitre_attack_id": ["T1528"], "security_domain": "identity",
                 "product": ["Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"], **throttling},
        "tests": [{"name": TEST, "expected_results": 1, "expected_notables": 1,
                   "attack_data": [{"data": "attack_data/refusals/refusals.log", "source": "Azure AD",
                                    "sourcetype": "azure:monitor:aad"}]}],
    }, indent=1) + "\n"


def write_pack(root: Path, detections: Sequence[tuple[str, str]]) -> Path:
    """The fixture pack at ``root`` with only ``detections`` ((name, YAML) each) and the two refusals."""
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "detections" / "cloud")
    (root / "detections" / "cloud").mkdir()
    for name, text in detections:
        (root / "detections" / "cloud" / f"{name.lower().replace(' ', '_')}.yml").write_text(text, encoding="utf-8")
    f.write_events(root, "refusals/refusals", [decline(USER, "2026-10-13 09:20"), decline(USER, "2026-10-13 09:21")])
    return root
