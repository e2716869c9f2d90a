"""Schema-valid YAML → model: deployments, extensions, lookups, and the same model on one or two cores."""

from __future__ import annotations

import datetime as dt
import gc
import pickle
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from contentpack.content import validate as validate_module
from contentpack.content.build_model import deployment_for
from contentpack.content.loader import load_yaml
from contentpack.content.model import Deployment, NotableAction, Scheduling
from document_paths import key_paths

from .helpers import CORRELATION, HUNTING, TTP, VALID, Validate, edit

# splunk/security_content @ a063ed3 (Apache-2.0; tests/fixtures/README.md), the detection escu_format.md §2.1 quotes.
ESCU_DETECTION = (Path(__file__).resolve().parents[1] / "fixtures" / "splunk_security_content"
                  / "azure_ad_user_consent_denied_for_oauth_application.yml")


def test_model_of_the_valid_pack(pack: Path, validate: Validate) -> None:
    result = validate(pack)
    assert result.pack is not None
    by_name = {d.name: d for d in result.pack.detections}
    ttp = by_name["Entra ID User Declined Consent For OAuth App"]
    hunting = by_name["Entra ID Consent Prompts For Unknown Apps"]
    assert ttp.date == dt.date(2025, 4, 30) and hunting.date == dt.date(2025, 5, 2)  # quoted and unquoted
    assert ttp.rba is not None and ttp.rba.risk_score == 36
    assert ttp.effective_deployment == Deployment.default_for("TTP") and not ttp.has_inline_deployment
    assert ttp.filter_macro == "entra_id_user_declined_consent_for_oauth_app_filter"
    assert ttp.tests[0].attack_data[0].data.startswith("https://media.githubusercontent.com/")
    assert hunting.tests[0].expected_results == 1
    assert [dict(r) for r in hunting.tests[0].expected_rows] == [
        {"user": "alice@contoso.example", "appDisplayName": "Shady Mail Reader"}
    ]
    assert by_name["Entra ID Consent Abuse Risk Correlation"].tests[0].risk_from == (ttp.name,)
    lookup = result.pack.lookups[0]
    assert (lookup.filename, lookup.fields_list, lookup.case_sensitive_match) == (
        "entra_id_known_apps.csv",
        ("appDisplayName", "known"),
        False,
    )
    data_source = result.pack.data_sources[0]
    assert data_source.search_time.field_aliases[0].alias == "user"
    assert data_source.attacker_controlled_fields == ("properties.appDisplayName", "properties.userAgent")
    assert result.pack.macro("security_content_ctime", 1) is not None
    assert result.pack.app.label == "FXP" and result.pack.app.uid is None


def test_inline_deployment_overrides_the_type_default() -> None:
    block = {
        "scheduling": {"cron_schedule": "*/15 * * * *", "earliest_time": "-20m@m"},
        "alert_action": {"notable": {"rule_title": "Consent: %name%"}, "rba": {"enabled": True}},
    }
    assert deployment_for("Hunting", block) == Deployment(
        Scheduling(cron_schedule="*/15 * * * *", earliest_time="-20m@m"),
        True,
        NotableAction(rule_title="Consent: %name%"),
    )
    # only scheduling given: the type's actions stay (TTP: risk + notable)
    kept = deployment_for("TTP", {"scheduling": {"schedule_window": "5"}})
    assert kept.rba_enabled and kept.notable == NotableAction() and kept.scheduling.schedule_window == "5"
    # an alert_action without rba turns risk off, as in ESCU's deployment files
    assert deployment_for("TTP", {"alert_action": {"notable": {}}}).rba_enabled is False


def test_inline_deployment_in_yaml(pack: Path, validate: Validate) -> None:
    edit(pack, HUNTING, "tags:\n", "deployment:\n  scheduling:\n    cron_schedule: 5 * * * *\ntags:\n")
    result = validate(pack)
    assert result.diagnostics == [] and result.pack is not None
    hunting = next(d for d in result.pack.detections if d.type == "Hunting")
    assert hunting.has_inline_deployment and hunting.effective_deployment.scheduling.cron_schedule == "5 * * * *"


def test_models_pickle_and_compare_equal(pack: Path, validate: Validate) -> None:
    result = validate(pack)
    assert result.pack is not None
    assert pickle.loads(pickle.dumps(result.pack)) == result.pack


def test_a_frozen_mapping_shows_its_content(pack: Path, validate: Validate) -> None:
    """What a failing assertion on a model prints: the rows themselves, not an object address."""
    result = validate(pack)
    assert result.pack is not None
    rows = next(t.expected_rows for d in result.pack.detections for t in d.tests if t.expected_rows)
    assert repr(rows[0]) == f"FrozenMapping({dict(rows[0])!r})"


def _shape(value: object) -> object:
    """Keys and nesting with leaf types, to compare two YAML documents' structure."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return type(value).__name__


def test_escu_form_detection_has_the_reference_shape_and_validates(pack: Path, validate: Validate) -> None:
    """The ESCU 5.x detection quoted in escu_format.md §2.1 and our fixture (written independently) have the
    same keys, nesting, key order and value types; the fixture validates with no change."""
    reference = yaml.safe_load(ESCU_DETECTION.read_text(encoding="utf-8").replace("date: '2025-05-02'", "date: 'X'"))
    ours = yaml.safe_load((VALID / TTP).read_text(encoding="utf-8").replace("date: '2025-04-30'", "date: 'X'"))
    assert list(ours) == list(reference)
    assert _shape(ours) == _shape(reference)
    assert validate(pack).diagnostics == []


def test_validation_restores_the_cycle_collector_state(pack: Path, validate: Validate) -> None:
    assert gc.isenabled()
    validate(pack)
    assert gc.isenabled()
    gc.disable()
    try:
        validate(pack)
        assert not gc.isenabled()
    finally:
        gc.enable()


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.text(max_size=12), st.just("2025-13-40"))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_mutation_of_a_detection_gives_a_model_or_diagnostics(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Schema + model building never raise: whatever replaces one node, the file yields a model or errors."""
    document = yaml.safe_load((VALID / TTP).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(key_paths(document)[1:]))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = data.draw(VALUES)
    root = tmp_path_factory.mktemp("fuzz")
    (root / "d.yml").write_text(yaml.safe_dump(document), encoding="utf-8")
    outcome = validate_module.check_document("detection", root, "d.yml", load_yaml(root / "d.yml", "d.yml"))
    assert (outcome.obj is None) == bool(outcome.problems)
    assert all(p.rule in {"CP004", "CP010", "CP011", "CP012", "CP013"} for p in outcome.problems)
