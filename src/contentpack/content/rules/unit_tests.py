"""Detection tests: local attack data exists (CP046), expected_rows and expected_notable_rows name result fields
(CP047), risk_from names detections and belongs to Correlation detections (CP048), attack data is indexed under a
sourcetype of the detection's data sources (CP053)."""

from __future__ import annotations

from collections.abc import Iterator

from contentpack.content.attack_data_paths import is_remote, local_attack_data
from contentpack.content.diagnostics import Diagnostic, error, warning
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import data_source_entries, judged_result_fields
from contentpack.spl.suggest import did_you_mean


def attack_data_exists(context: RuleContext) -> Iterator[Diagnostic]:
    """CP046: a local ``attack_data.data`` path is relative to the pack root, inside it, and exists."""
    root = context.root.resolve()
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            for a_index, attack_data in enumerate(test.attack_data):
                if is_remote(attack_data.data):
                    continue
                problem = local_attack_data(root, attack_data.data)
                if isinstance(problem, str):  # the position is looked up only for a finding
                    yield error(detection.source.at("tests", t_index, "attack_data", a_index, "data"), "CP046",
                                problem)


def expected_rows_fields(context: RuleContext) -> Iterator[Diagnostic]:
    """CP047: an expected_rows or expected_notable_rows key that is not a result field can never match (a
    notable's fields are the result row that raised it: ``simulate.notables.notable_for``); checked when the
    search's result fields can be read from its last stats/table command. A new user's ``usr`` in
    expected_notable_rows validated clean and failed the replay with ``{usr=(absent)}``."""
    for detection in context.pack.detections:
        fields = None
        for t_index, test in enumerate(detection.tests):
            for key_name, rows in (("expected_rows", test.expected_rows),
                                   ("expected_notable_rows", test.expected_notable_rows)):
                for r_index, row in enumerate(rows):
                    if fields is None:
                        fields = judged_result_fields(context, detection)
                    if "*" in fields:
                        continue
                    for key in row:
                        if key not in fields:
                            yield error(
                                detection.source.key("tests", t_index, key_name, r_index, key),
                                "CP047",
                                f"{key_name} field '{key}' is not a result field of the search"
                                f"{did_you_mean(key, fields)} (result fields: {', '.join(sorted(fields))})",
                            )


def risk_from_valid(context: RuleContext) -> Iterator[Diagnostic]:
    """CP048: risk_from feeds a correlation search's risk index from other detections' results."""
    names = {d.name for d in context.pack.detections}
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            if test.risk_from and detection.type != "Correlation":
                yield error(
                    detection.source.key("tests", t_index, "risk_from"),
                    "CP048",
                    f"risk_from is only meaningful for Correlation detections (this one is {detection.type})",
                )
                continue
            for index, name in enumerate(test.risk_from):
                if name not in names and not context.may_be_broken("detection", name):
                    yield error(
                        detection.source.at("tests", t_index, "risk_from", index),
                        "CP048",
                        f"risk_from names '{name}', which is not a detection in this pack",
                    )


def attack_data_sourcetype(context: RuleContext) -> Iterator[Diagnostic]:
    """CP053 (warning): a test's attack data is indexed under a sourcetype one of the detection's data sources
    has. The replay (like contentctl's test runs) indexes each file under its ``sourcetype``, and the detection's
    search reads its data sources' sourcetype (its macro, e.g. ``azure_monitor_aad``), so data under another one
    is never seen: the test fails with no row and no hint why. A warning, not an error: a search may read several
    sourcetypes. Correlation detections read the risk index, not their tests' files, and are left alone."""
    pack = context.pack
    for detection in pack.detections:
        if detection.type == "Correlation" or not detection.tests:
            continue
        sources = [pack.data_source(name) for name in data_source_entries(detection)]
        known = {source.sourcetype for source in sources if source is not None}
        if not known or None in sources:  # no data source, or an unknown one (CP043)
            continue
        for t_index, test in enumerate(detection.tests):
            for a_index, attack_data in enumerate(test.attack_data):
                sourcetype = attack_data.sourcetype
                if sourcetype not in known:
                    yield warning(
                        detection.source.at("tests", t_index, "attack_data", a_index, "sourcetype"), "CP053",
                        f"attack data sourcetype '{sourcetype}' is not the sourcetype of the detection's data "
                        f"sources ({', '.join(sorted(known))}){did_you_mean(sourcetype, known)}: the replay indexes "
                        "this file under it, where the detection's search does not look")


RULES = (attack_data_exists, expected_rows_fields, risk_from_valid, attack_data_sourcetype)
