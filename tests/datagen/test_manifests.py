"""Every manifest states what its file holds: counts, time range, replay metadata; docs and the app
catalog are the generator's own output."""

from __future__ import annotations

from typing import Any

import pytest

from contentpack.datagen import GENERATOR_VERSION
from contentpack.datagen.app_catalog import catalog_csv
from contentpack.datagen.docs import BEGIN, END, facts_markdown
from contentpack.datagen.manifest import counts
from contentpack.datagen.scenarios import SCENARIOS
from contentpack.datagen.tenant import build_tenant

from .datagen_support import ATTACK_DATA, ROOT, load_manifest, log_path

ATTACK_SCENARIOS = {
    "consent_phishing_campaign", "single_user_declines", "declined_then_granted", "admin_consent_paths",
    "risky_app_blocked", "consent_policy_weakened", "quick_regrant", "decline_wave_hour_boundary",
    "uncommon_scopes_phishing", "relure_days_later",
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_manifest_counts_match_the_file(name: str, scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    manifest = load_manifest(name)
    records = scenario_records[name]
    assert manifest["name"] == name
    assert manifest["counts"] == counts(records)
    assert manifest["counts"]["events"] == len(log_path(name).read_text().splitlines())
    assert manifest["time_range"]["earliest"] == records[0]["time"]
    assert manifest["time_range"]["latest"] == records[-1]["time"]
    assert manifest["replay"] == {"file": f"{name}.log", "source": "Azure AD", "sourcetype": "azure:monitor:aad"}
    assert manifest["generator"]["version"] == GENERATOR_VERSION
    assert manifest["provenance"].startswith("synthetic, shaped on real records")
    assert bool(manifest["mitre_attack_ids"]) == (name in ATTACK_SCENARIOS)


def test_every_file_is_sorted_by_time(scenario_records: dict[str, list[dict[str, Any]]]) -> None:
    for name, records in scenario_records.items():
        times = [r["time"] for r in records]
        assert times == sorted(times), name


def test_attack_data_stays_under_20_mb() -> None:
    total = sum(p.stat().st_size for p in ATTACK_DATA.rglob("*") if p.is_file())
    assert total < 20 * 1024 * 1024


def test_docs_scenario_facts_are_the_generated_ones() -> None:
    text = (ROOT / "docs" / "attack_data.md").read_text(encoding="utf-8")
    manifests = [load_manifest(name) for name in SCENARIOS]
    section = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert section == facts_markdown(manifests)
    assert build_tenant().tenant_id in text


def test_app_catalog_csv_is_the_generated_one() -> None:
    assert (ROOT / "docs" / "app_catalog.csv").read_text(encoding="utf-8") == catalog_csv()
