"""The scheduled replay's YAML extensions (docs/replay.md): tests[].expected_notables, max_notables,
detect_within, expected_risk, ingestion_delay and data_sources' ingestion_delay — modelled, schema-checked
with positions, and checked by CP070/CP071."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import IngestionDelay

from .helpers import DATA_SOURCE, TTP, Validate, at, edit, locate, only

TEST_END = "    sourcetype: azure:monitor:aad\n"


def _add_to_test(pack: Path, text: str) -> None:
    edit(pack, TTP, TEST_END, TEST_END + text)


def test_scheduled_expectations_reach_the_model(pack: Path, validate: Validate) -> None:
    _add_to_test(pack, "  expected_notables: 1\n  max_notables: 2\n  detect_within: 2h\n"
                       "  expected_risk:\n    alice@contoso.example: 30\n"
                       "  ingestion_delay:\n    percentiles: {p0: 30s, p95: 2m, p100: 10m}\n    seed: 7\n")
    edit(pack, DATA_SOURCE, "sourcetype: azure:monitor:aad\n",
         "sourcetype: azure:monitor:aad\ningestion_delay:\n  uniform: {min: 1m, max: 5m}\n")
    result = validate(pack)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.pack is not None
    [test] = next(d for d in result.pack.detections if d.source.path == TTP).tests
    assert (test.expected_notables, test.max_notables, test.detect_within) == (1, 2, "2h")
    assert dict(test.expected_risk) == {"alice@contoso.example": 30} and test.has_scheduled_expectations
    assert test.ingestion_delay == IngestionDelay(percentiles=((0.0, "30s"), (95.0, "2m"), (100.0, "10m")), seed=7)
    [source] = [s for s in result.pack.data_sources if s.source_map.path == DATA_SOURCE]
    assert source.ingestion_delay == IngestionDelay(uniform=("1m", "5m"))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("  expected_notables: -1\n", "-1"),
        ("  detect_within: soon\n", "soon"),
        ("  expected_risk:\n    alice@contoso.example: 0\n", "0\n"),
        ("  ingestion_delay:\n    percentiles: {p0: 1m, p101: 2m}\n", "p0"),
        ("  ingestion_delay:\n    lognormal: 2m\n", "lognormal"),
    ],
)
def test_schema_rejects_bad_scheduled_keys_with_a_position(pack: Path, validate: Validate, text: str,
                                                           needle: str) -> None:
    _add_to_test(pack, text)
    result = validate(pack)
    assert not result.ok
    findings = result.diagnostics
    assert findings and all(d.position.path == TTP and d.rule in ("CP010", "CP011", "CP012") for d in findings)
    line, _ = locate(pack, TTP, needle)
    assert all(d.position.line in (line, line - 1) for d in findings), [d.render() for d in findings]


def test_cp060_percentiles_never_decrease(pack: Path, validate: Validate) -> None:
    _add_to_test(pack, "  ingestion_delay:\n    percentiles: {p0: 30s, p95: 5m, p99: 2m, p100: 10m}\n")
    finding = only(validate(pack), "CP070")
    assert at(finding) == (TTP, *locate(pack, TTP, "2m, p100"))
    assert "p99 = 2m is below p95 = 5m" in finding.message


def test_cp060_uniform_min_not_above_max_in_a_data_source(pack: Path, validate: Validate) -> None:
    edit(pack, DATA_SOURCE, "sourcetype: azure:monitor:aad\n",
         "sourcetype: azure:monitor:aad\ningestion_delay:\n  uniform:\n    min: 5m\n    max: 1m\n")
    finding = only(validate(pack), "CP070")
    assert at(finding) == (DATA_SOURCE, *locate(pack, DATA_SOURCE, "1m\n"))


def test_cp061_max_below_expected_notables(pack: Path, validate: Validate) -> None:
    _add_to_test(pack, "  expected_notables: 3\n  max_notables: 2\n")
    finding = only(validate(pack), "CP071")
    line, col = locate(pack, TTP, "max_notables: 2")
    assert at(finding) == (TTP, line, col + len("max_notables: "))
    assert finding.message == "max_notables 2 is below expected_notables 3"


@pytest.mark.parametrize(("text", "shown"), [
    ("  ingestion_delay:\n    fixed: 2m\n    uniform: {min: 1m, max: 2m}\n", "fixed and uniform"),
    ("  ingestion_delay:\n    seed: 3\n", "none of them"),
])
def test_cp060_exactly_one_delay_model(pack: Path, validate: Validate, text: str, shown: str) -> None:
    _add_to_test(pack, text)
    finding = only(validate(pack), "CP070")
    assert at(finding) == (TTP, *locate(pack, TTP, "ingestion_delay"))
    assert finding.message.endswith(f"(it has {shown})")


def test_cp061_expected_risk_needs_a_detection_that_writes_risk(pack: Path, validate: Validate) -> None:
    hunting = "detections/cloud/entra_id_consent_prompts_for_unknown_apps.yml"
    edit(pack, hunting, TEST_END, TEST_END + "  expected_risk:\n    alice@contoso.example: 30\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (hunting, *locate(pack, hunting, "expected_risk"))
