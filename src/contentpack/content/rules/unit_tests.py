"""Detection tests: local attack data exists (CP046), expected_rows and expected_notable_rows name result fields
(CP047), risk_from names detections and belongs to Correlation detections (CP048), attack data is indexed under a
sourcetype of the detection's data sources (CP053)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from contentpack.content.attack_data_paths import is_remote, local_attack_data, missing_folder
from contentpack.content.diagnostics import Diagnostic, error, warning
from contentpack.content.model import Detection
from contentpack.content.rules import RuleContext
from contentpack.content.rules.search import data_source_entries, judged_result_fields
from contentpack.cut_lists import counted
from contentpack.spl.suggest import did_you_mean


def attack_data_exists(context: RuleContext) -> Iterator[Diagnostic]:
    """CP046: a local ``attack_data.data`` path is relative to the pack root, inside it, and exists.

    Paths that all fail because one folder of theirs is missing (a pack copied without its ``attack_data/``) are
    one finding, at the first of them in path order, naming the folder, where it was looked for and how many tests
    read from it: one path per line buried the cause under hundreds of lines. A folder only one path names keeps
    that path's own finding, which may say which file was meant."""
    root = context.root.resolve()
    missing: dict[str, list[tuple[Detection, int, int, str]]] = {}  # folder → where each path naming it is, and why
    for detection in context.pack.detections:
        for t_index, test in enumerate(detection.tests):
            for a_index, attack_data in enumerate(test.attack_data):
                if is_remote(attack_data.data):
                    continue
                problem = local_attack_data(root, attack_data.data)
                if isinstance(problem, str):  # the position is looked up only for a finding
                    folder = missing_folder(root, attack_data.data)
                    if folder is not None:
                        missing.setdefault(folder, []).append((detection, t_index, a_index, problem))
                        continue
                    yield _cp046(detection, t_index, a_index, problem)
    for folder, uses in missing.items():
        if len(uses) == 1:
            yield _cp046(*uses[0])
            continue
        tests = len({(detection.name, t_index) for detection, t_index, _, _ in uses})
        detections = len({detection.name for detection, _, _, _ in uses})
        finding = _cp046(*uses[0][:3], f"{folder}: no such folder in the pack (looked for at "
                         f"{context.root / folder}); {counted(tests, 'test')} of {counted(detections, 'detection')} "
                         f"read their attack data from it ({counted(len(uses), 'path')}, not reported one by one): "
                         f"replay needs the pack's attack data, copy {folder} with the pack")
        others = dict.fromkeys(detection.source.path for detection, _, _, _ in uses[1:])
        yield replace(finding, concerns=tuple(path for path in others if path != finding.position.path))


def _cp046(detection: Detection, t_index: int, a_index: int, problem: str) -> Diagnostic:
    return error(detection.source.at("tests", t_index, "attack_data", a_index, "data"), "CP046", problem)


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
