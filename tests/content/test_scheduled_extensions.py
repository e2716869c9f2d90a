"""The scheduled replay's YAML extensions (docs/replay.md): tests[].expected_notables, max_notables,
detect_within, expected_risk, expected_risk_events, expected_notable_rows, ingestion_delay and data_sources' ingestion_delay — modelled,
schema-checked with positions, and checked by CP070/CP071."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentpack.content.model import IngestionDelay

from .helpers import DATA_SOURCE, HUNTING, TTP, Validate, at, edit, locate, only

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
        ("  expected_risk:\n    alice@contoso.example: -1\n", "-1"),
        ("  expected_risk_events: -1\n", "-1"),
        ("  expected_notable_rows: []\n", "expected_notable_rows: []"),
        ("  expected_notable_rows:\n  - {}\n", "{}"),
        ("  expected_notable_rows:\n  - risk_object: [a, b]\n", "[a, b]"),
        ("  expected_notable_rows:\n    risk_object: alice\n", "risk_object: alice"),
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


@pytest.mark.parametrize("text", [
    "  ingestion_delay:\n    uniform: {min: 2m, max: 2m}\n",
    "  ingestion_delay:\n    percentiles: {p0: 30s, p95: 2m, p99: 2m, p100: 2m}\n",
    "  expected_notables: 2\n  max_notables: 2\n",
])
def test_cp070_cp071_bounds_that_meet_are_no_contradiction(pack: Path, validate: Validate, text: str) -> None:
    """The rules forbid only what cannot hold (min above max, a delay shrinking as the percentile grows, fewer
    notables allowed than expected); bounds that meet can: a uniform delay of one value, a flat stretch of
    percentiles, exactly the expected number of notables as the most allowed."""
    _add_to_test(pack, text)
    assert [d.render() for d in validate(pack).diagnostics if d.rule in ("CP070", "CP071")] == []


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


def test_risk_pins_of_zero_reach_the_model(pack: Path, validate: Validate) -> None:
    """``expected_risk`` is exact, so 0 (no risk for that object) is a pin; ``expected_risk_events`` counts the
    detection's own risk events (0: a risk-only detection's must-not-fire test). The old schema refused both."""
    _add_to_test(pack, "  expected_risk:\n    bob@contoso.example: 0\n  expected_risk_events: 0\n")
    result = validate(pack)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.pack is not None
    [test] = next(d for d in result.pack.detections if d.source.path == TTP).tests
    assert dict(test.expected_risk) == {"bob@contoso.example": 0} and test.expected_risk_events == 0
    assert test.has_scheduled_expectations


def _anomaly(pack: Path) -> None:
    """The fixture TTP as an ESCU 5.x Anomaly: the same rba block, no notable action (it writes risk only)."""
    edit(pack, TTP, "type: TTP\n", "type: Anomaly\n")


@pytest.mark.parametrize("key", ["max_notables", "expected_notables"])
def test_cp071_a_notable_count_on_a_risk_only_detection_checks_nothing(pack: Path, validate: Validate,
                                                                        key: str) -> None:
    _anomaly(pack)
    _add_to_test(pack, f"  {key}: 0\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (TTP, *locate(pack, TTP, key))
    assert finding.message == (f"{key} on a test of a detection that raises no notable checks nothing (type Anomaly "
                               "has no notable action); pin its risk instead: expected_risk_events (0: must not "
                               "fire) or expected_risk")


def test_cp071_a_notable_count_on_a_hunting_search_checks_nothing(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, TEST_END, TEST_END + "  max_notables: 0\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "max_notables"))
    assert finding.message == ("max_notables on a test of a detection that raises no notable checks nothing "
                               "(type Hunting has no notable action)")


def test_cp071_an_inline_schedule_alone_leaves_the_type_s_actions_and_the_message_says_so(
        pack: Path, validate: Validate) -> None:
    """An inline deployment without alert_action keeps the type's actions (build_model.deployment_for): a new
    user's Anomaly with only an inline schedule was told "its inline deployment has no notable action" and looked
    for a notable key to add there, while the type made it risk-only. CP031 names the origin the same way."""
    _anomaly(pack)
    edit(pack, TTP, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: 0 * * * *\ntags:\n")
    _add_to_test(pack, "  max_notables: 0\n")
    assert only(validate(pack), "CP071").message.startswith(
        "max_notables on a test of a detection that raises no notable checks nothing (type Anomaly has no notable "
        "action)")
    edit(pack, TTP, "deployment:\n", "deployment:\n  alert_action:\n    rba:\n      enabled: true\n")
    assert "(its inline deployment's alert_action has no notable action)" in only(validate(pack), "CP071").message


def test_cp071_a_risk_only_detection_pins_no_risk_events(pack: Path, validate: Validate) -> None:
    _anomaly(pack)
    _add_to_test(pack, "  expected_results: 0\n  expected_risk_events: 0\n  expected_risk:\n"
                       "    alice@contoso.example: 0\n")
    assert [d.render() for d in validate(pack).diagnostics if d.rule == "CP071"] == []


def test_cp071_expected_risk_events_needs_the_detection_to_write_risk(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, TEST_END, TEST_END + "  expected_risk_events: 0\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "expected_risk_events"))
    assert finding.message.startswith("expected_risk_events on a test of a detection that writes no risk")


def test_cp071_no_risk_events_beside_a_risk_score_only_it_can_write(pack: Path, validate: Validate) -> None:
    _add_to_test(pack, "  expected_risk_events: 0\n  expected_risk:\n    alice@contoso.example: 36\n")
    finding = only(validate(pack), "CP071")
    line, col = locate(pack, TTP, "expected_risk_events: 0")
    assert at(finding) == (TTP, line, col + len("expected_risk_events: "))
    assert finding.message == ("expected_risk_events 0, yet expected_risk gives alice@contoso.example a score and "
                               "no other detection of the test (no risk_from) can write it")


@pytest.mark.parametrize(("anomaly", "silent"), [
    (True, "expected_risk_events: 0"),  # a risk-only test pinned silent
    # A TTP's row raises its notable and its risk events together, so its must-not-fire test written as
    # new_detection.md writes it (max_notables: 0) writes no risk either: a detect_within copied beside it from
    # the true-positive test failed every replay ('no notable or risk event at all') and validated clean.
    (False, "max_notables: 0"),
])
def test_cp071_detect_within_on_a_test_pinned_silent_can_never_hold(pack: Path, validate: Validate, anomaly: bool,
                                                                     silent: str) -> None:
    if anomaly:
        _anomaly(pack)
    _add_to_test(pack, f"  {silent}\n  detect_within: 2h\n")
    finding = only(validate(pack), "CP071")
    line, col = locate(pack, TTP, "detect_within: 2h")
    assert at(finding) == (TTP, line, col + len("detect_within: "))
    assert finding.message == "detect_within on a test that expects no notable and writes no risk can never hold"


# ----------------------------------------------------------------------------------- expected_notable_rows


def test_cp047_an_expected_notable_rows_key_must_be_a_result_field(pack: Path, validate: Validate) -> None:
    """A notable's fields are the result row that raised it, so a key no result has can never match: a new user's
    ``usr`` validated clean and failed every replay with ``{usr=(absent)}`` (newuser16)."""
    _add_to_test(pack, "  expected_notables: 1\n  expected_notable_rows:\n  - usr: alice@contoso.example\n")
    finding = only(validate(pack), "CP047")
    assert at(finding) == (TTP, *locate(pack, TTP, "usr: alice"))
    assert finding.message.startswith("expected_notable_rows field 'usr' is not a result field of the search "
                                      "(did you mean 'user'?) (result fields: ")


def test_expected_notable_rows_reach_the_model_as_text(pack: Path, validate: Validate) -> None:
    _add_to_test(pack, "  expected_notables: 1\n  expected_notable_rows:\n  - user: alice@contoso.example\n"
                       "    count: 1\n")
    result = validate(pack)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.pack is not None
    [test] = next(d for d in result.pack.detections if d.source.path == TTP).tests
    assert [dict(r) for r in test.expected_notable_rows] == [{"user": "alice@contoso.example", "count": "1"}]
    assert test.has_scheduled_expectations


def test_expected_notable_rows_alone_are_a_scheduled_expectation(pack: Path, validate: Validate) -> None:
    """Declared alone, it is still checked (a test with scheduled expectations gets no all-time gap warning)."""
    _add_to_test(pack, "  expected_notable_rows:\n  - user: alice@contoso.example\n")
    result = validate(pack)
    assert result.ok and result.pack is not None
    [test] = next(d for d in result.pack.detections if d.source.path == TTP).tests
    assert test.has_scheduled_expectations


def test_cp071_expected_notable_rows_on_a_risk_only_detection_can_never_hold(pack: Path,
                                                                           validate: Validate) -> None:
    _anomaly(pack)
    _add_to_test(pack, "  expected_notable_rows:\n  - user: alice@contoso.example\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (TTP, *locate(pack, TTP, "expected_notable_rows"))
    assert finding.message == ("expected_notable_rows on a test of a detection that raises no notable can never "
                               "hold (type Anomaly has no notable action)")


def test_cp071_expected_notable_rows_on_a_hunting_search_can_never_hold(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, TEST_END, TEST_END + "  expected_notable_rows:\n  - user: alice@contoso.example\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (HUNTING, *locate(pack, HUNTING, "expected_notable_rows"))
    assert finding.message.endswith("can never hold (type Hunting has no notable action)")


@pytest.mark.parametrize("key", ["expected_notables", "max_notables"])
def test_cp071_expected_notable_rows_beside_no_notable_can_never_hold(pack: Path, validate: Validate,
                                                                     key: str) -> None:
    _add_to_test(pack, f"  {key}: 0\n  expected_notable_rows:\n  - user: alice@contoso.example\n")
    finding = only(validate(pack), "CP071")
    assert at(finding) == (TTP, *locate(pack, TTP, "expected_notable_rows"))
    assert finding.message == f"expected_notable_rows beside {key}: 0 can never hold (it needs a notable to match)"
