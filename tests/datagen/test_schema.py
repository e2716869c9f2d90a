"""The azure:monitor:aad record schema: real samples and every generated event pass, wrong types fail."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest

from contentpack.datagen.scale import generate_lines

from .datagen_support import SCHEMA_PATH

if TYPE_CHECKING:  # jsonschema is imported when first used: see tests/content/test_schemas.py's reference()
    from jsonschema import Draft202012Validator


def _errors(validator: Draft202012Validator, record: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(record)]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


def test_every_real_sample_validates(validator: Draft202012Validator, real_samples: list[dict[str, Any]]) -> None:
    assert len(real_samples) == 16
    categories = {r["category"] for r in real_samples}
    assert categories == {"AuditLogs", "SignInLogs"}
    for index, record in enumerate(real_samples, 1):
        assert _errors(validator, record) == [], f"real sample line {index}"


@pytest.mark.slow
def test_every_committed_scenario_event_validates(
    validator: Draft202012Validator, scenario_records: dict[str, list[dict[str, Any]]]
) -> None:
    total = 0
    for name, records in scenario_records.items():
        for index, record in enumerate(records, 1):
            assert _errors(validator, record) == [], f"{name}.log:{index}"
            total += 1
    assert total > 2000


@pytest.mark.slow
def test_scale_mode_events_validate(validator: Draft202012Validator) -> None:
    codes = set()
    for line in generate_lines(3000, seed=11, consent_error_rate=0.05):
        record = json.loads(line)
        codes.add(record["properties"]["status"]["errorCode"])
        assert _errors(validator, record) == []
    assert {0, 65001, 65004} <= codes


def _sign_in(real_samples: list[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in real_samples if r["category"] == "SignInLogs"))


def test_schema_rejects_numeric_result_type(
    validator: Draft202012Validator, real_samples: list[dict[str, Any]]
) -> None:
    record = _sign_in(real_samples)
    record["resultType"] = 50076
    assert any("resultType" in e for e in _errors(validator, record))


def test_schema_rejects_string_error_code(validator: Draft202012Validator, real_samples: list[dict[str, Any]]) -> None:
    record = _sign_in(real_samples)
    record["properties"]["status"]["errorCode"] = "50076"
    assert any("errorCode" in e for e in _errors(validator, record))


def test_schema_rejects_failure_reason_on_success(
    validator: Draft202012Validator, real_samples: list[dict[str, Any]]
) -> None:
    record = _sign_in(real_samples)
    record["resultType"] = "0"
    record["properties"]["status"]["errorCode"] = 0
    del record["resultDescription"]
    assert _errors(validator, record) != []  # failureReason still present
    del record["properties"]["status"]["failureReason"]
    del record["properties"]["status"]["additionalDetails"]
    assert _errors(validator, record) == []


def test_schema_rejects_sign_in_keys_on_audit_records(
    validator: Draft202012Validator, real_samples: list[dict[str, Any]]
) -> None:
    audit = copy.deepcopy(next(r for r in real_samples if r["operationName"] == "Consent to application"))
    assert _errors(validator, audit) == []
    audit["resultType"] = "0"
    assert _errors(validator, audit) != []


def test_schema_rejects_a_time_without_seven_fraction_digits(
    validator: Draft202012Validator, real_samples: list[dict[str, Any]]
) -> None:
    record = _sign_in(real_samples)
    record["time"] = "2023-10-24T20:13:31Z"
    assert any("time" in e for e in _errors(validator, record))
