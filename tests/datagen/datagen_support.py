"""Paths and loaders shared by the datagen tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ATTACK_DATA = ROOT / "attack_data"
SCHEMA_PATH = ROOT / "src" / "contentpack" / "data" / "azure_monitor_aad_record.schema.json"
REAL_SAMPLES = ROOT / "tests" / "fixtures" / "splunk_security_content" / "azure_monitor_aad_example_logs.jsonl"


def log_path(name: str) -> Path:
    return ATTACK_DATA / name / f"{name}.log"


def load_records(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log_path(name).read_text(encoding="ascii").splitlines()]




def load_manifest(name: str) -> dict[str, Any]:
    """The committed ``dataset.yml`` of scenario ``name``."""
    manifest: dict[str, Any] = yaml.safe_load((ATTACK_DATA / name / "dataset.yml").read_text(encoding="utf-8"))
    return manifest
