"""The contentctl comparison: what counts as a difference and which differences are on the intended list."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from contentpack.esapp.compat import Difference, compare, compare_app
from contentpack.esapp.conf import Stanza
from contentpack.esapp.macros import FILTER_DESCRIPTION
from contentpack.content.model import Deployment, NotableAction, Scheduling

from . import factory

REPO = Path(__file__).resolve().parents[2]

F = "default/savedsearches.conf"


def test_compact_json_compared_parsed_contentctl_style_compared_exactly() -> None:
    ours = [Stanza("s", (("action.escu.product", '["a","b"]'),))]
    theirs = [Stanza("s", (("action.escu.product", '["a", "b"]'),))]
    assert compare(F, ours, theirs, "compact") == []
    diffs = compare(F, ours, theirs, "contentctl")
    assert len(diffs) == 1 and diffs[0].intended is None


def test_entities_placeholder_difference_is_intended() -> None:
    ours = [Stanza("s", (("action.notable.param._entities", '[{"risk_object_field":"user"}]'),))]
    theirs = [Stanza("s", (("action.notable.param._entities",
                            '[{"risk_object_field": "N/A", "risk_object_type": "N/A", "risk_score": 0}]'),))]
    (diff,) = compare(F, ours, theirs, "compact")
    assert diff.intended is not None and "_entities" in diff.intended


def test_other_value_differences_missing_keys_stanzas_and_order_are_unexpected() -> None:
    ours = [Stanza("s", (("a", "1"), ("b", "2"), ("search", "x"))), Stanza("only_ours", (("k", "v"),))]
    theirs = [Stanza("s", (("b", "2"), ("a", "1"), ("search", "y"), ("extra", "1")))]
    diffs = compare(F, ours, theirs, "compact")
    assert {(d.stanza, d.key) for d in diffs} == {("s", "search"), ("s", "extra"), ("s", "<order>"), ("only_ours", "")}
    assert all(d.intended is None for d in diffs)


def test_indented_continuation_and_filter_description_are_intended() -> None:
    ours = [Stanza("x_filter", (("description", FILTER_DESCRIPTION), ("definition", "a \n [b]")))]
    theirs = [Stanza("x_filter", (("description", "Update this macro."), ("definition", "a \n[b]")))]
    diffs = compare("default/macros.conf", ours, theirs, "compact")
    assert len(diffs) == 2 and all(d.intended for d in diffs)
    worse = compare("default/macros.conf", [Stanza("m", (("definition", "a \n  [b]"),))],
                    [Stanza("m", (("definition", "a \n[b]"),))], "compact")
    assert worse[0].intended is None


def _script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "compat_contentctl.py"
    spec = importlib.util.spec_from_file_location("compat_contentctl", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inline_deployment_is_spelled_out_for_contentctl() -> None:
    script = _script()
    ttp = factory.detection(deployment=Deployment(Scheduling(earliest_time="-1450m@m"), True, NotableAction()),
                            has_inline_deployment=True)
    block = script.contentctl_deployment(ttp)
    assert block == {"scheduling": {"cron_schedule": "0 * * * *", "earliest_time": "-1450m@m",
                                    "latest_time": "-10m@m", "schedule_window": "auto"},
                     "alert_action": {"notable": {"rule_title": "%name%", "rule_description": "%description%",
                                                  "nes_fields": ["user", "dest"]}, "rba": {"enabled": True}}}
    corr = dataclasses.replace(factory.detection(type="Correlation"), has_inline_deployment=True)
    assert script.contentctl_deployment(corr)["alert_action"] == {
        "notable": {"rule_title": "%name%", "rule_description": "%description%", "nes_fields": ["user", "dest"]}}


def test_every_scheduled_expectation_is_stripped_for_contentctl() -> None:
    """contentctl's test model forbids unknown keys: each of our test extensions, read from the schema's
    "extension" descriptions, is removed before contentctl reads the tree (a key missing there makes contentctl
    refuse every test that uses it)."""
    assert set(_script().UNIT_TEST_EXTENSIONS) == {
        "expected_results", "expected_rows", "risk_from", "expected_notables", "max_notables", "detect_within",
        "expected_risk", "expected_risk_events", "expected_notable_rows", "ingestion_delay"}


def test_contentctl_failures_are_reported_without_colour_noise() -> None:
    text = "\x1b[93m┃ File: \x1b[96mdetections/x.yml\x1b[0m\n  \x1b[94m❌ Value error, bad\x1b[0m\nProgress [ 20%]"
    assert _script().explain(text) == "┃ File: detections/x.yml\n❌ Value error, bad"


# ------------------------------------------------------------------------------------------ the whole app

META = b"[]\naccess = read : [ * ], write : [ admin, sc_admin ]\nexport = system\n\n[savedsearches]\nowner = admin\n"
GUARD = b"\n[savedsearches/default]\nexport = none\n"


def test_whole_app_every_file_is_compared_and_classified() -> None:
    theirs = {"metadata/default.meta": META + GUARD, "default/app.conf": b"[install]\nbuild = 20261202075043\n",
              "static/appIcon.png": b"png", "lookups/known_20261120.csv": b"a,b\n1,2\n",
              "default/transforms.conf": b"[known]\nfilename = known_20261120.csv\n\n[mitre_enrichment]\nfilename = m.csv\n",
              "app.manifest": json.dumps({"schemaVersion": "1.0.0", "info": {"title": "T"}}).encode(),
              "README.md": b"contentctl\n"}
    ours = {"metadata/default.meta": META + GUARD + b"\n[content-version]\nexport = none\n",
            "default/app.conf": b"[install]\nbuild = 20260101000000\n",
            "lookups/known_20260101.csv": b"a,b\n1,2\n",
            "default/transforms.conf": b"[known]\nfilename = known_20260101.csv\nfields_list = a, b\n",
            "app.manifest": json.dumps({"schemaVersion": "2.0.0", "info": {"title": "T"},
                                        "supportedDeployments": ["_standalone"]}).encode(),
            "README.md": b"ours\n"}
    diffs = compare_app(ours, theirs, "compact")
    assert {(d.file, d.stanza, d.key) for d in diffs} == {
        ("default/app.conf", "install", "build"), ("static/appIcon.png", "", "<file>"),
        ("default/transforms.conf", "known", "filename"), ("default/transforms.conf", "known", "fields_list"),
        ("default/transforms.conf", "mitre_enrichment", ""), ("app.manifest", "schemaVersion", ""),
        ("app.manifest", "supportedDeployments", ""), ("README.md", "", "<content>"),
        ("metadata/default.meta", "content-version", "")}
    assert all(d.intended for d in diffs), [d.render() for d in diffs if not d.intended]
    icon = next(d for d in diffs if d.file == "static/appIcon.png")
    assert icon.intended is not None and "icons" in icon.intended  # the reason is reported with the rule


def test_whole_app_unexpected_differences_fail() -> None:
    """A lost install guard, a changed lookup, an extra file of ours and another manifest key are failures."""
    theirs = {"metadata/default.meta": META + GUARD, "lookups/known_20261120.csv": b"a\n1\n",
              "app.manifest": b'{"info": {"title": "T", "id": {"name": "x"}}}'}
    ours = {"metadata/default.meta": META, "lookups/known_20260101.csv": b"a\n2\n", "default/extra.conf": b"[x]\n",
            "app.manifest": b'{"info": {"title": "T", "id": {"name": "y"}}}'}
    bad = {(d.file, d.stanza, d.key) for d in compare_app(ours, theirs, "compact") if d.intended is None}
    assert bad == {("metadata/default.meta", "savedsearches/default", ""), ("lookups/known_<date>.csv", "", "<content>"),
                   ("default/extra.conf", "", "<file>"), ("app.manifest", "info.id.name", "")}


def test_a_difference_is_one_line_with_long_values_cut() -> None:
    """What ``make compat`` prints for each difference (scripts/compat_contentctl.py): where, both values (an
    absent one said so, a long one cut to 70 characters), and whether the intended list explains it."""
    long = "x" * 100
    unexpected = Difference(F, "ESCU - A - Rule", "search", long, None)
    assert unexpected.render() == (f"{F} [ESCU - A - Rule] search: ours={'x' * 67 + '...'!r} contentctl=<absent> "
                                   "(UNEXPECTED)")
    intended = Difference(F, "ESCU - A - Rule", "", "a", "b", intended="stanza order")
    assert intended.render() == f"{F} [ESCU - A - Rule]: ours='a' contentctl='b' (intended: stanza order)"


def test_a_pack_file_that_is_not_yaml_stops_the_comparison_with_its_position(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The script reads and rewrites each detection as YAML for contentctl; a file the loader refuses (CP004) was
    compared "as loaded" and then stopped the script with PyYAML's traceback. It now names the file's problem, as
    validate does, and exits 1 before contentctl is run."""
    root = tmp_path / "pack"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", ".venv*", "src", "tests", "docs", "benchmarks",
                                                                "dist", "attack_data"))
    broken = root / "detections" / "cloud" / "entra_id_user_declined_oauth_application_consent.yml"
    broken.write_text(broken.read_text(encoding="utf-8") + "name: [oops\n", encoding="utf-8")
    assert _script().main(["--contentctl", "/nonexistent/contentctl", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "compat: the pack has files that are not valid YAML; fix them first (contentpack validate):" in err
    assert "entra_id_user_declined_oauth_application_consent.yml:" in err and "error[CP004]: YAML syntax error" in err
