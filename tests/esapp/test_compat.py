"""The contentctl comparison: what counts as a difference and which differences are on the intended list."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from types import ModuleType

from contentpack.esapp.compat import compare
from contentpack.esapp.conf import Stanza
from contentpack.esapp.macros import FILTER_DESCRIPTION
from contentpack.content.model import Deployment, NotableAction, Scheduling

from . import factory

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


def test_contentctl_failures_are_reported_without_colour_noise() -> None:
    text = "\x1b[93m┃ File: \x1b[96mdetections/x.yml\x1b[0m\n  \x1b[94m❌ Value error, bad\x1b[0m\nProgress [ 20%]"
    assert _script().explain(text) == "┃ File: detections/x.yml\n❌ Value error, bad"
