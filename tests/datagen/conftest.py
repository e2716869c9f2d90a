"""Fixtures shared by the datagen tests: the committed scenarios, the record schema, the real samples."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from .datagen_support import REAL_SAMPLES, SCHEMA_PATH, load_records

from contentpack.datagen.scenarios import SCENARIOS

if TYPE_CHECKING:  # jsonschema is imported when first used: see tests/content/test_schemas.py's reference()
    from jsonschema import Draft202012Validator


@pytest.fixture(scope="session")
def validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def scenario_records() -> dict[str, list[dict[str, Any]]]:
    return {name: load_records(name) for name in SCENARIOS}


@pytest.fixture(scope="session")
def real_samples() -> list[dict[str, Any]]:
    return [json.loads(line) for line in REAL_SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
